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

from __future__ import annotations

import re
import weakref
from typing import Annotated, Iterator, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from .errors import UnknownClause
from .numbering import parse_ref

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
    "DocNumber",
    "Citation",
    "Anomaly",
    "Notice",
    "Extract",
    "Condition",
    "Prohibition",
    "ExceptionRule",
    "Obligation",
    "Responsibility",
    "Definition",
    "Penalty",
    "Consequence",
    "Repeal",
    "EntryIntoForce",
    "Reference",
    "Unmodeled",
    "Rule",
    "RULE_KINDS",
    "RuleSet",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def trusted(cls, **fields):
        """Build an instance from fields the parser produced, without validation.

        ``model_construct`` costs about 3 us a node; a notice has some 500 nodes. This
        does only what ``model_construct`` does when every field is given, so every
        field must be given (defaults included).
        """
        return build(cls, fields)


_new = object.__new__
_set = object.__setattr__


def build(cls: type, fields: dict):
    """``cls.trusted(**fields)`` without the keyword packing, for the parser's hot loops.
    ``fields`` becomes the instance's ``__dict__``: pass a fresh dict holding every field.

    Every instance of a class built here shares one set of field names: all fields are
    given, and pydantic never changes the set of a frozen model in place (``model_copy``
    copies it first). A notice's 500 nodes are then 500 sets fewer to allocate.
    """
    obj = _new(cls)
    _set(obj, "__dict__", fields)
    try:
        names = _ALL_FIELDS[cls]
    except KeyError:
        names = _ALL_FIELDS[cls] = set(cls.model_fields)
    _set(obj, "__pydantic_fields_set__", names)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


_ALL_FIELDS: dict[type, set] = {}


class Span(_Frozen):
    """Half-open character range ``[start, end)`` into the parsed text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    def of(self, text: str) -> str:
        """The slice of ``text`` this span covers."""
        return text[self.start : self.end]

    def __len__(self) -> int:
        return self.end - self.start


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
    """An unnumbered part of the notice: title, foreword, addressee, preamble, closing."""

    kind: Literal["title", "foreword", "addressee", "preamble", "closing"]
    children: tuple[Union[Label, Paragraph, Gap], ...]

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(c for c in self.children if isinstance(c, Paragraph))


Part = Union[Block, Clause, SectionHeading, Gap]

# Rules extracted from a Notice, by id() of the notice; an entry goes with its notice.
_RULESETS: dict[int, "RuleSet"] = {}


class DocNumber(_Frozen):
    """A normalised document number: ``Yinfa [2026] No. 42`` is
    ``DocNumber(prefix="Yinfa", year=2026, seq=42)``."""

    prefix: str
    year: int
    seq: int

    def __str__(self) -> str:
        return f"{self.prefix} [{self.year}] No. {self.seq}"

    @property
    def id(self) -> str:
        """A slug such as ``yinfa-2026-42``."""
        slug = re.sub(r"[^0-9a-z]+", "-", self.prefix.lower()).strip("-")
        return f"{slug}-{self.year}-{self.seq}"


class Citation(_Frozen):
    """A cited title (a law, a regulation, a notice) with its span in the source."""

    text: str
    span: Span


class Anomaly(_Frozen):
    """Something in the numbering or layout a reader should know of. Never fixed
    silently: a gap, a repeat, ordinals out of order, a second copy of the notice."""

    kind: Literal["gap", "repeat", "out_of_order", "duplicate", "other_notice"]
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
    title: Union[str, None]
    issuers: tuple[str, ...]
    addressee: str
    legal_bases: tuple[Citation, ...]
    consulted: tuple[str, ...]
    approved_by: Union[str, None]
    effective: Union[str, None]
    repeals: tuple[DocNumber, ...]
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

    @property
    def ruleset(self) -> "RuleSet":
        """The rules of the notice as a :class:`RuleSet`, extracted on first use and kept
        for the life of this object."""
        found = _RULESETS.get(id(self))
        if found is None:
            from ._extract import extract_rules

            found = extract_rules(self)
            _RULESETS[id(self)] = found
            weakref.finalize(self, _RULESETS.pop, id(self), None)
        return found

    @property
    def rules(self) -> tuple:
        """Every rule of the notice, clause by clause, then the closing paragraph."""
        return self.ruleset.rules

    def rules_for(self, ref: int | str) -> tuple:
        """The rules of one clause, for a reference in any numbering (see :meth:`clause`)."""
        ordinal = self.clause(ref).ordinal
        return tuple(r for r in self.rules if r.clause == ordinal)

    def check(self, activity):
        """The :class:`~regnotice.check.Verdict` for an activity (an ``Activity`` or a
        dict of its fields) under this notice's rules."""
        from .check import check

        return check(self, activity)

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


# ---------------------------------------------------------------------------- rules
#
# Typed rules extracted from the clauses' sentences (extract.py). A discriminated union
# on ``kind``. Every rule carries a stable id (``yinfa-2026-42/6/2``: notice, clause
# ordinal, rule number within the clause), the clause's ordinal and marker, its span and
# verbatim quote; every extracted part carries its own span.


class Extract(_Frozen):
    """A piece of a sentence the extractor identified: a bearer, an activity, a
    condition. ``ref`` is the registry id it resolved to, when it names an agency or a
    party type; ``None`` when it names none (reported by ``coverage``)."""

    text: str
    span: Span
    ref: Union[str, None] = None


class Condition(_Frozen):
    """One condition of an exception: an approval, a consent, a filing, reliance on
    infrastructure, or another requirement."""

    kind: Literal["approval", "consent", "filing", "reliance", "authorization", "other"]
    text: str
    span: Span
    authority: Union[Extract, None] = None


class _Rule(_Frozen):
    id: str
    clause: int
    marker: str
    span: Span
    quote: str


class Prohibition(_Rule):
    kind: Literal["prohibition"] = "prohibition"
    bearers: tuple[Extract, ...] = ()
    activities: tuple[Extract, ...] = ()
    terms: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()
    territory: Union[Literal["domestic", "overseas", "within_country", "any"], None] = None
    qualifiers: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()


class ExceptionRule(_Rule):
    kind: Literal["exception"] = "exception"
    applies_to: tuple[str, ...] = ()
    mode: Literal["all_of", "any_of"] = "all_of"
    conditions: tuple[Condition, ...] = ()


class Obligation(_Rule):
    kind: Literal["obligation"] = "obligation"
    bearers: tuple[Extract, ...] = ()
    duties: tuple[Extract, ...] = ()


class Responsibility(_Rule):
    kind: Literal["responsibility"] = "responsibility"
    lead: tuple[Extract, ...] = ()
    participants: tuple[Extract, ...] = ()
    coordinators: tuple[Extract, ...] = ()
    duties: tuple[Extract, ...] = ()
    scope: Union[Extract, None] = None


class Definition(_Rule):
    kind: Literal["definition"] = "definition"
    term: Extract
    meaning: Union[Extract, None] = None
    examples: tuple[Extract, ...] = ()


class Penalty(_Rule):
    kind: Literal["penalty"] = "penalty"
    conduct: tuple[Extract, ...] = ()
    sanction: Extract
    criminal: bool = False


class Consequence(_Rule):
    kind: Literal["consequence"] = "consequence"
    condition: Extract
    results: tuple[Extract, ...] = ()


class Repeal(_Rule):
    kind: Literal["repeal"] = "repeal"
    repealed: tuple[DocNumber, ...] = ()
    title: Union[Extract, None] = None


class EntryIntoForce(_Rule):
    kind: Literal["entry_into_force"] = "entry_into_force"
    when: Extract


class Reference(_Rule):
    kind: Literal["reference"] = "reference"
    title: Extract
    number: Union[DocNumber, None] = None


class Unmodeled(_Rule):
    """A sentence the extractor could not classify: kept, with its span, never dropped."""

    kind: Literal["unmodeled"] = "unmodeled"


Rule = Annotated[
    Union[
        Prohibition,
        ExceptionRule,
        Obligation,
        Responsibility,
        Definition,
        Penalty,
        Consequence,
        Repeal,
        EntryIntoForce,
        Reference,
        Unmodeled,
    ],
    Field(discriminator="kind"),
]

RULE_KINDS = (
    "prohibition",
    "exception",
    "obligation",
    "responsibility",
    "definition",
    "penalty",
    "consequence",
    "repeal",
    "entry_into_force",
    "reference",
    "unmodeled",
)


class RuleSet(_Frozen):
    """The rules of one notice, as exported to YAML."""

    notice: str
    number: Union[DocNumber, None] = None
    title: Union[str, None] = None
    rules: tuple[Rule, ...] = ()
