"""Frozen models of a parsed notice.

One typed tree, lossless: the ``parts`` of a :class:`Notice` tile its region of the
source exactly, and the ``children`` of every container tile the container. Every
node carries a :class:`Span` into the text it was parsed from, and
``source[span.start:span.end] == node.text``. Whitespace between nodes is kept as
:class:`Gap` nodes, so joining the leaves rebuilds the source byte for byte.

>>> s = Span(start=2, end=5)
>>> s.of("abcdefg"), len(s)
('cde', 3)
"""

# No ``from __future__ import annotations`` here: pydantic would compile and evaluate every
# annotation string when the classes are made (some 5 ms of each cold start).

import re
from typing import Iterator, Literal, Union

from ..errors import UnknownClause
from ..numbering import parse_ref
from .base import _Frozen
from .common import DocNumber, Span

__all__ = [
    "Span",
    "Gap",
    "Sentence",
    "Paragraph",
    "Marker",
    "Heading",
    "Label",
    "Clause",
    "SectionHeading",
    "Block",
    "Part",
    "DocNumber",
    "Citation",
    "Anomaly",
    "Notice",
]


class _Node(_Frozen):
    text: str
    span: Span

    def leaves(self) -> Iterator["_Node"]:
        """The leaf nodes under this node, in source order."""
        children = getattr(self, "children", None)
        if not children:
            yield self
            return
        for child in children:
            yield from child.leaves()


class Gap(_Node):
    """Whitespace between two nodes: spaces, line breaks, blank lines."""

    kind: Literal["gap"] = "gap"


class Sentence(_Node):
    """One sentence (or a line fragment with no sentence end, such as a title)."""

    kind: Literal["sentence"] = "sentence"


class Label(_Node):
    """A label such as ``Foreword:`` that opens a block."""

    kind: Literal["label"] = "label"


class Paragraph(_Node):
    """A paragraph: sentences and the gaps between them."""

    kind: Literal["paragraph"] = "paragraph"
    children: tuple[Union[Sentence, Gap], ...]

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(c for c in self.children if isinstance(c, Sentence))


class Marker(_Node):
    """The raw marker of an item or a section, e.g. ``(IX)``, ``（九）``, ``1.``."""

    kind: Literal["marker"] = "marker"
    ordinal: int
    style: str


class Heading(_Node):
    """The heading sentence of an item, e.g. ``Inter-agency Coordination.``."""

    kind: Literal["heading"] = "heading"

    @property
    def title(self) -> str:
        """The heading without its closing full stop."""
        return self.text.rstrip(" .。")


class Clause(_Node):
    """A numbered item of the notice. ``ordinal`` is its identity; the marker's style is
    only recorded. ``line`` and ``column`` are 1-based and point at the marker."""

    kind: Literal["clause"] = "clause"
    ordinal: int
    marker: str
    style: str
    heading: Union[str, None]
    section: Union[int, None] = None
    line: int
    column: int
    children: tuple[Union[Marker, Heading, Paragraph, Gap], ...]
    #: True for the last item of a text that stops before the notice's end: the item may
    #: be cut short.
    cut: bool = False

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(c for c in self.children if isinstance(c, Paragraph))

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for p in self.paragraphs for s in p.sentences)

    @property
    def body(self) -> str:
        """The clause text after its marker and heading, as in the source."""
        paras = self.paragraphs
        if not paras:
            return ""
        start = paras[0].span.start - self.span.start
        return self.text[start:]


class SectionHeading(_Node):
    """A section heading of a two-level layout, e.g. ``I. General Requirements``."""

    kind: Literal["section"] = "section"
    ordinal: int
    marker: str
    style: str
    title: str
    children: tuple[Union[Marker, Paragraph, Gap], ...]


class Block(_Node):
    """An unnumbered part of the notice: the page's headline, the title, the document
    number, a foreword, the addressee, the preamble, the closing, the signature block."""

    kind: Literal["headline", "title", "number", "foreword", "addressee", "preamble", "closing", "signature"]
    children: tuple[Union[Label, Paragraph, Gap], ...]

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(c for c in self.children if isinstance(c, Paragraph))


Part = Union[Block, Clause, SectionHeading, Gap]


class Citation(_Frozen):
    """A cited title (a law, a regulation, a notice) with its span in the source."""

    text: str
    span: Span


class Anomaly(_Frozen):
    """Something in the numbering or layout a reader should know of. Never fixed
    silently: a gap, a repeat, ordinals out of order, a second copy of the notice, a text
    that stops before the notice ends, a notice with no items, a line the grammar could
    not place."""

    kind: Literal["gap", "repeat", "out_of_order", "duplicate", "other_notice", "truncated", "no_items", "unplaced"]
    message: str
    line: int
    column: int
    span: Span


class Notice(_Node):
    """A parsed notice. ``text`` and ``span`` cover the notice region of the source."""

    kind: Literal["notice"] = "notice"
    source: Union[str, None] = None
    layout: Literal["lines", "blocks"]
    number: Union[DocNumber, None]
    #: The notice's own title ("Notice of ... on ..."), not the page's headline.
    title: Union[str, None]
    #: The page's headline above the notice, when the region has one apart from the title.
    headline: Union[str, None] = None
    issuers: tuple[str, ...]
    addressee: str
    legal_bases: tuple[Citation, ...]
    consulted: tuple[str, ...]
    approved_by: Union[str, None]
    effective: Union[str, None]
    repeals: tuple[DocNumber, ...]
    #: The date of the signature block, as written ("2021年9月3日"), if there is one.
    signed: Union[str, None] = None
    clauses: tuple[Clause, ...]
    parts: tuple[Part, ...]
    anomalies: tuple[Anomaly, ...] = ()

    def leaves(self) -> Iterator[_Node]:
        for part in self.parts:
            yield from part.leaves()

    @property
    def ordinals(self) -> tuple[int, ...]:
        return tuple(c.ordinal for c in self.clauses)

    def clause(self, ref: int | str) -> Clause:
        """The clause for a reference in any numbering: ``9``, ``"9"``, ``"IX"``,
        ``"ix"``, ``"(9)"``, ``"(IX)"`` or ``"（九）"``.

        Raises :class:`~regnotice.errors.InvalidReference` for a reference that is no
        numbering, and :class:`~regnotice.errors.UnknownClause` (listing the valid
        range) for one that names no clause.
        """
        ordinal = parse_ref(ref)
        for clause in self.clauses:
            if clause.ordinal == ordinal:
                return clause
        ordinals = self.ordinals
        if ordinals and list(ordinals) == list(range(ordinals[0], ordinals[0] + len(ordinals))):
            raise UnknownClause(ref, range(ordinals[0], ordinals[-1] + 1))
        raise UnknownClause(ref, tuple(sorted(set(ordinals))))

    def search(self, phrase: str) -> list[tuple[Clause, list[Span]]]:
        """Clauses whose text contains ``phrase`` (case-insensitive, spaces folded),
        each with the spans of its matches."""
        words = phrase.split()
        if not words:
            return []
        pattern = re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE)
        found = []
        for clause in self.clauses:
            base = clause.span.start
            spans = [Span(start=base + m.start(), end=base + m.end()) for m in pattern.finditer(clause.text)]
            if spans:
                found.append((clause, spans))
        return found


