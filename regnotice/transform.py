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

import re

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
from .layout import names_kind, opens_subject
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
    "DOCNUMBER": Sentence,
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
    def __init__(self, source: str, lines: LineIndex | None = None, base: int = 0, limit: int | None = None) -> None:
        """``source`` is the whole text; the parser read ``source[base:...]``, so a
        token's position plus ``base`` is its position in ``source``. A line break at
        or after ``limit`` (a position in ``source``) is the one appended for the
        parser: it is no part of the notice and is dropped."""
        super().__init__(visit_tokens=False)
        self._source = source
        self._lines = lines or LineIndex(source)
        self._base = base
        self._limit = len(source) if limit is None else limit

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

    def _br(self, token: Token):
        """The break after a paragraph, or None for the break appended for the parser."""
        if token.start_pos + self._base >= self._limit:
            return None
        return self._leaf(token)

    def _span_node(self, cls: type, kind: str, start: int, end: int):
        return build(cls, {"text": self._source[start:end], "span": build(Span, {"start": start, "end": end}), "kind": kind})

    def _nodes(self, children) -> list:
        source, base, limit = self._source, self._base, self._limit
        out = []
        for c in children:
            if type(c) is Token:
                start = c.start_pos + base
                if start >= limit:  # the appended break
                    continue
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

    # The front matter: each line typed by the grammar, its role (headline, title,
    # number, foreword, addressee, preamble) decided in ``front`` from the order.
    def lead(self, children) -> tuple:
        return ("lead", children[0], self._br(children[1]))

    def docnumber(self, children) -> tuple:
        return ("number", self._paragraph(self._nodes(children[:1])), self._br(children[1]))

    def addressee(self, children) -> tuple:
        return ("addressee", self._paragraph(self._nodes(children[:1])), self._br(children[1]))

    def foreword(self, children) -> tuple:
        return ("foreword", self._block("foreword", self._nodes(children[:-1])), self._br(children[-1]))

    def front(self, entries) -> list:
        """The front lines as blocks. Above the addressee (or, with none, above the first
        paragraph that holds a sentence) stand the headline, the title, the number and a
        foreword; below it, the preamble."""
        at = next((i for i, e in enumerate(entries) if e[0] == "addressee"), None)
        if at is None:
            at = next((i for i, e in enumerate(entries) if e[0] == "lead" and _holds_sentence(e[1])), len(entries))
            head, addressee, tail = entries[:at], None, entries[at:]
        else:
            head, addressee, tail = entries[:at], entries[at], entries[at + 1 :]
        parts: list = []
        roles = _head_roles([(role, node.text) for role, node, _ in head])
        i = 0
        while i < len(head):  # consecutive lines of one role make one block
            j = i + 1
            while j < len(head) and roles[j] == roles[i] and roles[i] in ("title", "headline"):
                j += 1
            run = head[i:j]
            if run[0][0] == "foreword":
                parts.append(run[0][1])
            else:
                nodes = [n for _, node, br in run[:-1] for n in (node, br)] + [run[-1][1]]
                parts.append(self._block(roles[i], nodes))
            if run[-1][2] is not None:
                parts.append(run[-1][2])
            i = j
        if addressee is not None:
            parts.append(self._block("addressee", [addressee[1]]))
            if addressee[2] is not None:
                parts.append(addressee[2])
        if tail:
            nodes: list = []
            for _, node, br in tail:
                nodes.extend(node.children if node.kind == "foreword" else (node,))
                nodes.append(br)
            brk = nodes.pop()
            parts.append(self._block("preamble", nodes))
            if brk is not None:
                parts.append(brk)
        return parts

    def closing(self, children) -> tuple:
        *body, brk = children
        return (self._block("closing", [self._paragraph(self._nodes(body))]), self._br(brk))

    def signature(self, children) -> tuple:
        """One paragraph per line of the block: the issuers, then the date."""
        token = children[0]
        start = token.start_pos + self._base
        nodes: list = []
        for m in _LINE.finditer(token.value):
            if m["gap"]:
                nodes.append(self._span_node(Gap, "gap", start + m.start(), start + m.end()))
            else:
                sentence = self._span_node(Sentence, "sentence", start + m.start(), start + m.end())
                nodes.append(self._paragraph([sentence]))
        return (self._block("signature", nodes), self._br(children[1]))

    def ending(self, children) -> list:
        return [node for group in children for node in group if node is not None]

    def item(self, children) -> tuple:
        marker = self._marker(children[0])
        rest, brk = self._nodes(children[1:-1]), self._br(children[-1])
        heading = next((n for n in rest if type(n) is Heading), None)
        return (self._clause(marker, rest, heading), brk)

    def section_heading(self, children) -> tuple:
        marker = self._marker(children[0])
        rest, brk = self._nodes(children[1:-1]), self._br(children[-1])
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

    def _as_clause(self, section: SectionHeading) -> Clause:
        """A section of a notice of one level, as its item: a title line with no
        sentence end becomes the item's heading."""
        marker, *rest = section.children
        first = next(n for n in rest if type(n) is Paragraph)
        heading = None
        if len(first.children) == 1 and not _holds_sentence(first):
            heading = build(Heading, {"text": first.text, "span": first.span, "kind": "heading"})
            rest = [heading if n is first else n for n in rest]
        return self._clause(marker, rest, heading)

    def _clause(self, marker: Marker, rest: list, heading: Heading | None) -> Clause:
        line, column = self._lines.line_col(marker.span.start)
        return self._numbered(
            Clause,
            "clause",
            marker,
            rest,
            heading=" ".join(heading.title.split()) if heading else None,
            section=None,
            line=line,
            column=column,
            cut=False,
        )

    def body(self, children) -> list:
        return [node for group in children for node in group if node is not None]

    def notice(self, children) -> Skeleton:
        parts: list = []
        for child in children:
            parts.extend(child)
        clauses = [p for p in parts if type(p) is Clause]
        sections = [p for p in parts if type(p) is SectionHeading]
        if sections and not clauses:  # one level of numbering: the sections are the items
            parts = [self._as_clause(p) if type(p) is SectionHeading else p for p in parts]
            clauses, sections = [p for p in parts if type(p) is Clause], []
        return Skeleton(parts, clauses, sections)

    def start(self, children) -> Skeleton:
        return children[0] if children else Skeleton([], [], [])


# The lines of a signature block: text, or the break and indentation between lines.
_LINE = re.compile(r"(?P<gap>[ \t\u00a0\u3000]*\r?\n[ \t\u00a0\u3000]*)|[^\r\n]*[^\s]")
# A paragraph that ends as a sentence does (quotes and brackets after the stop aside).
_SENTENCE_END = re.compile(r"[.!?。！？；:：][\"”’)）\]]*$")


def _holds_sentence(para) -> bool:
    return any(_SENTENCE_END.search(s.text) for s in para.children if s.kind == "sentence")


def _head_roles(head: list[tuple[str, str]]) -> list[str]:
    """The role of each front line above the addressee: ``number`` and ``foreword`` as
    typed; of the leads, the first that names a kind of document (or opens a Chinese
    title's subject, 关于) and the lines that go on from it are the ``title``, the
    others the page's ``headline``."""
    roles = ["headline" if role == "lead" else role for role, _ in head]
    start = next((i for i, (role, text) in enumerate(head) if role == "lead" and (names_kind(text) or opens_subject(text))), None)
    if start is None:
        return roles
    roles[start] = "title"
    named = names_kind(head[start][1])
    i = start + 1
    while i < len(head) and head[i][0] == "lead" and not named or (
        i < len(head) and head[i][0] == "lead" and head[i][1][:1].islower()
    ):
        roles[i] = "title"
        named = named or names_kind(head[i][1])
        i += 1
    return roles
