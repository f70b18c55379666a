"""Turns the Lark tree of ``grammars/notice.lark`` into frozen models.

One method per grammar rule, named after it. Every node's text is cut from the
original source by its token positions (the parser may have read an offset-preserving
view of it), so ``source[span] == text`` holds by construction. Models are built with
``model_construct``: their fields come from the parse, not from a user.

Rules that end with a paragraph break (``preface``, ``preamble``, ``item``,
``section_heading``) return their node and the break as a separate :class:`Gap`, which
the parent places between its parts: a clause's text never ends in a newline, and no
character is lost.
"""

from __future__ import annotations

from lark import Token, Transformer, Tree

from .errors import InvalidReference
from .models import (
    Block,
    Clause,
    Gap,
    Heading,
    Label,
    Marker,
    Paragraph,
    SectionHeading,
    Sentence,
    Span,
    build,
)
from .lines import LineIndex
from .numbering import parse_marker

__all__ = ["NoticeTransformer", "Skeleton"]

_LEAF = {
    "SP": Gap,
    "BR": Gap,
    "SENTENCE": Sentence,
    "FRAGMENT": Sentence,
    "CLOSING": Sentence,
    "HEADING": Heading,
    "FOREWORD_LABEL": Label,
    "ADDRESSEE": Sentence,
}


_KIND = {name: cls.model_fields["kind"].default for name, cls in _LEAF.items()}


class Skeleton:
    """What the transformer hands back: the notice's parts in order (tiling the
    region) and its clauses, before the front-matter facts are read."""

    __slots__ = ("parts", "clauses", "sections")

    def __init__(self, parts: list, clauses: list[Clause], sections: list[SectionHeading]) -> None:
        self.parts = parts
        self.clauses = clauses
        self.sections = sections


class NoticeTransformer(Transformer):
    def __init__(self, source: str, lines: LineIndex | None = None, base: int = 0) -> None:
        """``source`` is the whole text; the parser read ``source[base:...]``, so a
        token's position plus ``base`` is its position in ``source``."""
        super().__init__(visit_tokens=False)
        self._source = source
        self._lines = lines or LineIndex(source)
        self._base = base

    def transform(self, tree: Tree) -> Skeleton:
        """The same as Lark's ``Transformer.transform``, bottom-up, a method per rule,
        without its generic machinery (a third of the time on this tree). A callback's
        exception propagates as it is, not wrapped in a ``VisitError``."""
        return self._walk(tree)

    def _walk(self, tree: Tree):
        children = [self._walk(c) if type(c) is Tree else c for c in tree.children]
        return getattr(self, tree.data)(children)

    # ------------------------------------------------------------------ helpers
    # The helpers build models with ``build`` (a fresh dict becomes the instance's
    # fields) and take token positions directly: a notice has some 500 nodes, and these
    # loops are most of the time spent after Lark.

    def _leaf(self, token: Token):
        start = token.start_pos + self._base
        end = token.end_pos + self._base
        kind = token.type
        return build(_LEAF[kind], {"text": self._source[start:end], "span": build(Span, {"start": start, "end": end}), "kind": _KIND[kind]})

    def _nodes(self, children) -> list:
        source, base = self._source, self._base
        out = []
        for c in children:
            if type(c) is Token:
                start = c.start_pos + base
                end = c.end_pos + base
                kind = c.type
                c = build(_LEAF[kind], {"text": source[start:end], "span": build(Span, {"start": start, "end": end}), "kind": _KIND[kind]})
            out.append(c)
        return out

    def _container(self, cls: type, kind: str, nodes: list):
        if len(nodes) == 1:  # a paragraph of one sentence: the same text and span
            only = nodes[0]
            return build(cls, {"text": only.text, "span": only.span, "kind": kind, "children": (only,)})
        start, end = nodes[0].span.start, nodes[-1].span.end
        return build(
            cls,
            {"text": self._source[start:end], "span": build(Span, {"start": start, "end": end}), "kind": kind, "children": tuple(nodes)},
        )

    def _paragraph(self, nodes: list) -> Paragraph:
        return self._container(Paragraph, "paragraph", nodes)

    def _block(self, kind: str, nodes: list) -> Block:
        return self._container(Block, kind, nodes)

    def _marker(self, token: Token) -> Marker:
        try:
            ordinal, style = parse_marker(token.value)
        except InvalidReference as exc:
            exc.pos = token.start_pos + self._base  # where the bad marker stands, for the syntax error
            raise
        start, end = token.start_pos + self._base, token.end_pos + self._base
        return build(
            Marker,
            {"text": self._source[start:end], "span": build(Span, {"start": start, "end": end}), "kind": "marker", "ordinal": ordinal, "style": style},
        )

    # ------------------------------------------------------------------ rules
    def paragraph(self, children) -> Paragraph:
        return self._paragraph(self._nodes(children))

    def title(self, children) -> Block:
        return self._block("title", children)

    def foreword(self, children) -> Block:
        return self._block("foreword", self._nodes(children))

    def addressee(self, children) -> Block:
        return self._block("addressee", [self._paragraph(self._nodes(children))])

    def preface(self, children) -> tuple:
        block, brk = children[0], self._leaf(children[1])
        return (block, brk)

    def preamble(self, children) -> tuple:
        *body, brk = self._nodes(children)
        return (self._block("preamble", body), brk)

    def closing(self, children) -> tuple:
        return (self._block("closing", [self._paragraph(self._nodes(children))]),)

    def item(self, children) -> tuple:
        marker = self._marker(children[0])
        *rest, brk = self._nodes(children[1:])
        heading = next((n for n in rest if type(n) is Heading), None)
        line, column = self._lines.line_col(marker.span.start)
        clause = self._numbered(
            Clause,
            "clause",
            marker,
            rest,
            heading=" ".join(heading.title.split()) if heading else None,
            section=None,
            line=line,
            column=column,
        )
        return (clause, brk)

    def section_heading(self, children) -> tuple:
        marker = self._marker(children[0])
        *rest, brk = self._nodes(children[1:])
        para = next(n for n in rest if type(n) is Paragraph)
        section = self._numbered(SectionHeading, "section", marker, rest, title=" ".join(para.text.split()).rstrip(" .。"))
        return (section, brk)

    def _numbered(self, cls: type, kind: str, marker: Marker, rest: list, **fields):
        """A clause or section heading: its marker, then ``rest``, with its own ``fields``."""
        start, end = marker.span.start, rest[-1].span.end
        return build(
            cls,
            {
                "text": self._source[start:end],
                "span": build(Span, {"start": start, "end": end}),
                "kind": kind,
                "ordinal": marker.ordinal,
                "marker": marker.text,
                "style": marker.style,
                **fields,
                "children": (marker, *rest),
            },
        )

    def body(self, children) -> list:
        return [node for group in children for node in group]

    def notice(self, children) -> Skeleton:
        parts: list = []
        for child in children:
            if type(child) is Token:
                parts.append(self._leaf(child))
            elif isinstance(child, (tuple, list)):
                parts.extend(child)
            else:
                parts.append(child)
        clauses = [p for p in parts if type(p) is Clause]
        sections = [p for p in parts if type(p) is SectionHeading]
        return Skeleton(parts, clauses, sections)

    def start(self, children) -> Skeleton:
        return children[0]
