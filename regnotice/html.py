"""The annotated HTML view of a notice: one static, self-contained page.

The page holds the whole notice, each rule's sentence marked by its kind and each part
of the rule (bearer, activity, condition, authority, the lexicon's facts ...) marked
inside it; a legend; the agency x clause matrix as a heat-map table; and the coverage,
with the sentences no rule models marked in the text. No script, no external URL: CSS
is inline and every link is an anchor of the page (``#clause-13``, ``#rule-13-2``).

Marks come from spans, never from searching the text. The notice's text is walked once,
from boundary to boundary of every span (the structure's, the rules' sentences', their
parts'), and the elements open and close as the spans do (:func:`nest`). Spans that
nest become nested elements; a span that crosses another (or a paragraph's end) is split
into fragments that carry the same data attributes (``data-frag`` numbers them), so the fragments' joined
text is still the part's text. Every mark names its rule (``data-rule``), the rule's
kind (``data-kind``), what it marks (``data-part``: ``sentence``, ``bearer``,
``action``, ...), where in the rule it is (``data-path``: ``bearers/0``,
``conditions/0/authority``) and, when it has one, the registry or lexicon id
(``data-ref``).

The page is drawn by Jinja2 templates (``regnotice/templates/``), the ``html`` extra
(``pip install "regnotice[html]"``); without Jinja2 :func:`page` is an
:class:`~regnotice.errors.InputError` naming the extra.

>>> import regnotice, regnotice.html
>>> view = regnotice.html.page(regnotice.load())
>>> view.marks == view.rules + view.parts, view.html.startswith("<!DOCTYPE html>")
(True, True)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape as _escape
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from .errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from .models import Notice

__all__ = ["page", "render", "write", "save", "anchor", "nest", "Interval", "HtmlPage", "INSTALL_HINT", "PART_TYPES", "PART_FAMILIES", "KIND_LABELS"]

#: How to install what the page needs, named in the error when Jinja2 is missing.
INSTALL_HINT = 'pip install "regnotice[html]"'

_TEMPLATES = Path(__file__).resolve().parent / "templates"

#: What a field of a rule marks, by the field's name (a field not listed marks itself).
PART_TYPES = {
    "bearers": "bearer",
    "activities": "activity",
    "actions": "action",
    "objects": "object",
    "territory": "territory",
    "served": "served",
    "qualifiers": "qualifier",
    "unresolved": "unresolved",
    "duties": "duty",
    "lead": "lead",
    "participants": "participant",
    "coordinators": "coordinator",
    "scope": "scope",
    "term": "term",
    "meaning": "meaning",
    "examples": "example",
    "conduct": "conduct",
    "sanction": "sanction",
    "parties": "party",
    "condition": "condition",
    "conditions": "condition",
    "results": "result",
    "title": "title",
    "when": "when",
    "authority": "authority",
}

#: How the legend groups the parts, each family drawn with its own line style.
PART_FAMILIES = {
    "who": ("bearer", "lead", "participant", "coordinator", "authority", "party", "served"),
    "what": ("activity", "duty", "conduct", "sanction", "result", "scope", "term", "meaning", "example", "title", "when", "unresolved"),
    "condition": ("condition",),
    "fact": ("action", "object", "territory", "qualifier"),
}
_FAMILY = {t: family for family, types in PART_FAMILIES.items() for t in types}
#: Facts whose ids are the registry's (the others are the lexicon's).
_REGISTRY_FACTS = frozenset({"parties", "served"})

#: The short text label of each rule kind, shown before its sentence (colour is not the
#: only cue).
KIND_LABELS = {
    "prohibition": "PRO",
    "exception": "EXC",
    "obligation": "OBL",
    "responsibility": "RSP",
    "definition": "DEF",
    "penalty": "PEN",
    "consequence": "CON",
    "repeal": "RPL",
    "entry_into_force": "EIF",
    "reference": "REF",
    "unmodeled": "UNM",
}

_ROLE_LETTERS = {"lead": "L", "participant": "P", "coordinator": "C", "enforcer": "E", "bearer": "B", "authority": "A"}

# Layers: where two spans cover the same words, the lower layer is the outer element.
_SECTION, _HEADING, _PARAGRAPH, _UNCOVERED, _RULE, _PART = range(6)
_FACT = 9  # parts nest up to three deep above _PART (a condition's authority is one)
_STRUCTURE = _PARAGRAPH  # layers up to this one are block structure, never split


@dataclass
class Interval:
    """One element to draw over ``[start, end)`` of the text: its tag, its attributes,
    its layer (the outer element first where spans tie) and, for a highlight, the key
    its fragments share."""

    start: int
    end: int
    tag: str
    attrs: dict
    layer: int
    seq: int = 0
    key: str = ""
    #: set by :func:`nest`: how many elements were drawn for it (over 1: it was split)
    pieces: int = 0
    #: what the template draws at the end of a section (the rules of a clause)
    rules: list = field(default_factory=list)

    @property
    def order(self) -> tuple:
        return (self.layer > _STRUCTURE, self.start, -self.end, self.layer, self.seq)


OPEN, TEXT, CLOSE = 0, 1, 2


def nest(text: str, start: int, end: int, intervals: Iterable[Interval]) -> Iterator[tuple]:
    """Walk ``text[start:end]`` once, from boundary to boundary of ``intervals``, and
    yield the events that draw it: ``(OPEN, interval, attrs)``, ``(TEXT, None, str)``,
    ``(CLOSE, interval, None)``. ``start``, ``end`` and the intervals' positions index
    ``text``; each character of it is yielded once, in order.

    Nested spans nest. A highlight that crosses another, or a block element, is closed
    and reopened around it: a fragment, with the same attributes and ``data-frag``.
    Block structure (sections, headings, paragraphs) is well nested and never split.

    >>> ivs = [Interval(0, 5, "b", {}, 5, 0, "b"), Interval(3, 8, "i", {}, 5, 1, "i")]
    >>> "".join(
    ...     f"<{i.tag}>" if op == OPEN else f"</{i.tag}>" if op == CLOSE else x
    ...     for op, i, x in nest("abcdefgh", 0, 8, ivs)
    ... )
    '<b>abc<i>de</i></b><i>fgh</i>'
    """
    starts: dict[int, list[Interval]] = {}
    ends: set[int] = {start, end}
    for iv in intervals:
        starts.setdefault(iv.start, []).append(iv)
        ends.add(iv.end)
    bounds = sorted(ends.union(starts))
    stack: list[Interval] = []
    pos = start
    for p in bounds:
        if p > pos:
            yield TEXT, None, text[pos:p]
            pos = p
        opening = starts.get(p, ())
        # the lowest element to close: the first that ends here, or, where a block
        # element opens, the first highlight (reopened inside it)
        block = any(o.layer <= _STRUCTURE for o in opening)
        cut = len(stack)
        for i, iv in enumerate(stack):
            if iv.end == p or (block and iv.layer > _STRUCTURE):
                cut = i
                break
        reopen = []
        while len(stack) > cut:
            iv = stack.pop()
            yield CLOSE, iv, None
            if iv.end > p:
                reopen.append(iv)
        for iv in sorted([*reopen, *(o for o in opening if o.end > o.start)], key=lambda iv: iv.order):
            attrs = iv.attrs
            if iv.pieces:
                attrs = {k: v for k, v in attrs.items() if k != "id"}
            if iv.key:
                attrs = {**attrs, "data-frag": str(iv.pieces)}
            iv.pieces += 1
            stack.append(iv)
            yield OPEN, iv, attrs
    while stack:
        yield CLOSE, stack.pop(), None


@dataclass(frozen=True)
class HtmlPage:
    """The page and what was drawn on it."""

    html: str
    #: rules marked (one sentence mark each) and parts marked (one per span)
    rules: int
    parts: int
    #: marks drawn in more than one element because they cross another span, and the
    #: extra elements that took
    split: int
    fragments: int
    #: parts with nothing to mark (an empty span, or a span whose text differs from the
    #: source's): (rule id, path, why)
    unmarked: tuple[tuple[str, str, str], ...] = ()
    by_kind: dict = field(default_factory=dict)
    #: the matrix's rows and columns
    agencies: int = 0
    clauses: int = 0

    @property
    def marks(self) -> int:
        return self.rules + self.parts

    def summary(self) -> str:
        """One line: what was marked, split and left unmarked, and the matrix's size."""
        line = f"{self.rules} rules and {self.parts} parts marked"
        if self.split:
            line += f", {self.split} split where spans cross ({self.fragments} more fragments)"
        if self.unmarked:
            line += f", {len(self.unmarked)} parts with nothing to mark"
        return f"{line}; matrix of {self.agencies} x {self.clauses} (agencies x clauses)"


def anchor(rule_id: str) -> str:
    """The page anchor of a rule: ``yinfa-2026-42/13/2`` -> ``rule-13-2``.

    >>> anchor("yinfa-2026-42/13/2"), anchor("notice/closing/1")
    ('rule-13-2', 'rule-closing-1')
    """
    return "rule-" + "-".join(rule_id.split("/")[1:])


_ENV = None  # the Jinja2 environment, built on first use


def _environment():
    global _ENV
    try:
        import jinja2
    except ImportError:
        raise InputError(f"the HTML view needs jinja2, which is not installed: {INSTALL_HINT}") from None
    if _ENV is None:
        _ENV = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _ENV


def _parts(rule, region: str, offset: int, unmarked: list) -> Iterator[tuple[str, str, object, int, str]]:
    """(path, part type, model, depth, field name) of every part of ``rule`` with a span
    and a text, found by walking its fields: a field added to a model is marked with no
    change here. A part whose span is empty or whose text is not the source's there goes
    to ``unmarked`` instead."""

    def walk(obj, prefix: str, depth: int):
        for name in type(obj).model_fields:
            if name == "span" or (depth == 0 and name in ("id", "quote")):
                continue
            value = getattr(obj, name)
            many = isinstance(value, tuple)
            for i, item in enumerate(value if many else (value,)):
                span = getattr(item, "span", None)
                if span is None or not hasattr(item, "text"):
                    continue
                path = f"{prefix}{name}/{i}" if many else f"{prefix}{name}"
                if span.start == span.end:
                    unmarked.append((rule.id, path, "empty span"))
                elif region[span.start - offset : span.end - offset] != item.text or span.start < offset:
                    unmarked.append((rule.id, path, "text differs from the source at its span"))
                else:
                    yield path, PART_TYPES.get(name, name), item, depth, name
                yield from walk(item, path + "/", depth + 1)

    yield from walk(rule, "", 0)


_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def _lang(text: str) -> str:
    """``zh`` for a notice written mostly in Chinese characters, else ``en`` (read from
    its first 4,000 characters)."""
    head = text[:4000]
    return "zh" if len(_CJK.findall(head)) > len(_LATIN.findall(head)) else "en"


def page(notice: Notice, *, title: str | None = None) -> HtmlPage:
    """The annotated page of ``notice`` with its rules (extracted), its agency matrix
    and its coverage, and the counts of what it marked."""
    env = _environment()
    context, counts = _context(notice, title)
    return HtmlPage(html=env.get_template("notice.html.j2").render(context), **counts)


def _context(notice: Notice, title: str | None = None, *, marks: bool = True) -> tuple[dict, dict]:
    """What the template draws, and the counts of :class:`HtmlPage`. ``marks=False``:
    the same page with the notice as plain paragraphs (the benchmark's baseline)."""
    from markupsafe import Markup

    from ._version import __version__
    from .pipeline import extract
    from .report import coverage

    rules = extract(notice).rules
    region, offset = notice.text, notice.span.start
    layout = _Layout(notice)
    intervals = layout.intervals
    uncovered = layout.uncovered(rules) if marks else []
    unmarked: list[tuple[str, str, str]] = []
    n_rules = n_parts = 0
    if marks:
        n_rules, n_parts = layout.mark_rules(rules, unmarked)
    for rule in rules:
        layout.list_rule(rule)

    events = []
    for op, iv, x in nest(region, 0, len(region), _shifted(intervals, offset)):
        if op == TEXT:
            events.append((x, None))
        elif op == OPEN:
            events.append((Markup(_open_tag(iv.tag, x)), None))
        else:
            events.append((Markup(f"</{iv.tag}>"), iv.rules or None))
    pieces = [iv.pieces for iv in intervals if iv.key]
    split = sum(1 for n in pieces if n > 1)
    fragments = sum(n - 1 for n in pieces if n > 1)

    columns, rows = _matrix(notice, rules, layout)
    report = coverage(notice)
    coverage_rows = []
    for row in report.clauses:
        link = layout.clause_ids.get(row.ordinal) if row.ordinal else layout.first_block.get(row.marker)
        coverage_rows.append((row, f"#{link}" if link else None))
    used_types = Counter(iv.attrs["data-part"] for iv in intervals if iv.layer >= _PART)
    context = dict(
        title=title or notice.title or (str(notice.number) if notice.number else "Notice"),
        notice=notice,
        lang=_lang(region),
        events=events,
        rules=rules,
        kinds=Counter(r.kind for r in rules),
        kind_labels=KIND_LABELS,
        families=PART_FAMILIES,
        used_types=used_types,
        columns=columns,
        rows=rows,
        role_letters=_ROLE_LETTERS,
        coverage=report,
        coverage_rows=coverage_rows,
        uncovered=uncovered,
        unmarked=unmarked,
        split=split,
        fragments=fragments,
        n_parts=n_parts,
        anchor=anchor,
        version=__version__,
    )
    counts = dict(
        rules=n_rules,
        parts=n_parts,
        split=split,
        fragments=fragments,
        unmarked=tuple(unmarked),
        by_kind=dict(context["kinds"]),
        agencies=len(rows),
        clauses=len(columns),
    )
    return context, counts


def _open_tag(tag: str, attrs: dict) -> str:
    return f"<{tag}" + "".join(f' {k}="{_escape(v, quote=True)}"' for k, v in attrs.items()) + ">"


class _Layout:
    """The intervals of one notice: its structure (sections, headings, paragraphs), then
    the marks added to it, with the ids handed out (each once)."""

    def __init__(self, notice: Notice) -> None:
        from .models import Block, Clause, Heading, Label, Marker, Paragraph, SectionHeading

        self.notice = notice
        self.region, self.offset = notice.text, notice.span.start
        self.intervals: list[Interval] = []
        self.ids: set[str] = set()
        self.sections: list[Interval] = []  # the clauses and blocks, in order: for their rules
        self.first_block: dict[str, str] = {}
        self.clause_ids: dict[int, str] = {}
        add = self.intervals.append
        two_level = any(isinstance(p, SectionHeading) for p in notice.parts)
        for part in notice.parts:
            if isinstance(part, Clause):
                anchor_id = self.unique(f"clause-{part.ordinal}")
                self.clause_ids.setdefault(part.ordinal, anchor_id)
                attrs = {"id": anchor_id, "class": "clause", "data-clause": str(part.ordinal)}
                heads = [c for c in part.children if isinstance(c, (Marker, Heading))]
                if heads:
                    attrs["aria-labelledby"] = f"{anchor_id}-h"
                    add(Interval(heads[0].span.start, heads[-1].span.end, "h4" if two_level else "h3", {"id": f"{anchor_id}-h"}, _HEADING))
                else:
                    attrs["aria-label"] = part.marker
                sec = Interval(part.span.start, part.span.end, "section", attrs, _SECTION)
                self.sections.append(sec)
            elif isinstance(part, SectionHeading):
                anchor_id = self.unique(f"section-{part.ordinal}")
                sec = Interval(part.span.start, part.span.end, "section", {"id": anchor_id, "class": "section-heading"}, _SECTION)
                paras = [c for c in part.children if isinstance(c, Paragraph)]
                add(Interval(part.span.start, paras[0].span.end if paras else part.span.end, "h3", {}, _HEADING))
                for child in paras[1:]:
                    add(Interval(child.span.start, child.span.end, "p", {}, _PARAGRAPH))
                add(sec)
                continue
            elif isinstance(part, Block):
                anchor_id = self.unique(f"block-{part.kind}")
                self.first_block.setdefault(part.kind, anchor_id)
                sec = Interval(part.span.start, part.span.end, "section", {"id": anchor_id, "class": f"block b-{part.kind}", "aria-label": part.kind}, _SECTION)
                self.sections.append(sec)
            else:
                continue  # a gap between parts: drawn as text
            for child in part.children:
                if isinstance(child, Paragraph):
                    add(Interval(child.span.start, child.span.end, "p", {}, _PARAGRAPH))
                elif isinstance(child, Label):
                    add(Interval(child.span.start, child.span.end, "p", {"class": "label"}, _PARAGRAPH))
            add(sec)

    def unique(self, name: str) -> str:
        found, n = name, 1
        while found in self.ids:
            n += 1
            found = f"{name}-copy{n}"
        self.ids.add(found)
        return found

    def uncovered(self, rules) -> list:
        """Mark the sentences coverage counts as not modeled: its grouping of sentences
        and its predicate (no rule of a kind that models a sentence)."""
        from ._extract.rules import sentence_groups
        from .report import _MODELLING

        modeled: dict[tuple[int, int], set[str]] = {}
        for rule in rules:
            modeled.setdefault((rule.clause, rule.span.start), set()).add(rule.kind)
        found = []
        for _, ordinal, marker, sentences in sentence_groups(self.notice):
            for s in sentences:
                if not (modeled.get((ordinal, s.span.start), set()) & _MODELLING):
                    sentence_id = self.unique(f"unmodeled-{len(found) + 1}")
                    found.append((sentence_id, marker, s))
                    attrs = {"id": sentence_id, "class": "uncovered", "data-coverage": "unmodeled", "title": "not modeled by any rule"}
                    self.intervals.append(Interval(s.span.start, s.span.end, "span", attrs, _UNCOVERED))
        return found

    def mark_rules(self, rules, unmarked: list) -> tuple[int, int]:
        """A mark for each rule's sentence and for each spanned part of it; returns how
        many of each. What cannot be marked goes to ``unmarked``."""
        from .models import Condition, Fact
        from .report import summarise

        region, offset = self.region, self.offset
        add = self.intervals.append
        seq = n_rules = n_parts = 0
        for rule in rules:
            seq += 1
            span = rule.span
            if span.start < offset or span.start == span.end or region[span.start - offset : span.end - offset] != rule.quote:
                unmarked.append((rule.id, "", "its quote differs from the source at its span"))
            else:
                attrs = {
                    "class": f"rule k-{rule.kind}",
                    "data-rule": rule.id,
                    "data-kind": rule.kind,
                    "data-part": "sentence",
                    "data-label": KIND_LABELS.get(rule.kind, rule.kind[:3].upper()),
                    "title": f"{rule.id} · {rule.kind}: {summarise(rule)}",
                }
                rule_anchor = anchor(rule.id)
                if rule_anchor not in self.ids:
                    self.ids.add(rule_anchor)
                    attrs["id"] = rule_anchor
                n_rules += 1
                add(Interval(span.start, span.end, "mark", attrs, _RULE, seq, rule.id))
            for path, ptype, item, depth, name in _parts(rule, region, offset, unmarked):
                seq += 1
                is_fact = isinstance(item, Fact)
                ref = item.id if is_fact else getattr(item, "ref", None)
                family = _FAMILY.get(ptype, "what")
                attrs = {"class": f"part f-{family} p-{ptype}", "data-rule": rule.id, "data-kind": rule.kind, "data-part": ptype, "data-path": path}
                label = ptype
                if ref:
                    attrs["data-ref"] = ref
                    attrs["data-source"] = "lexicon" if is_fact and name not in _REGISTRY_FACTS else "registry"
                    label += f" → {ref}"
                if isinstance(item, Condition):
                    attrs["data-condition"] = item.kind
                    label += f" ({item.kind})"
                attrs["title"] = f"{label} · {rule.id}"
                n_parts += 1
                add(Interval(item.span.start, item.span.end, "mark", attrs, _FACT if is_fact else _PART + depth, seq, f"{rule.id}#{path}"))
        return n_rules, n_parts

    def list_rule(self, rule) -> None:
        """List ``rule`` at the end of the section its sentence is in."""
        from .report import summarise

        for sec in self.sections:
            if sec.start <= rule.span.start < sec.end:
                sec.rules.append((rule, anchor(rule.id), summarise(rule)))
                return


def _matrix(notice: Notice, rules, layout: _Layout) -> tuple[list, list]:
    """The agency x clause matrix: a column for every clause, and one for the closing (or
    the prose of a notice with no items) when it has rules; a row for every registry
    entry the rules name, with each cell's roles, letters and heat (how many roles)."""
    from .agencies import registry
    from .report import agency_matrix

    columns = []
    for c in notice.clauses:
        if c.ordinal in layout.clause_ids and all(c.ordinal != o for o, _, _ in columns):
            columns.append((c.ordinal, c.marker, f"#{layout.clause_ids[c.ordinal]}"))
    if any(r.clause == 0 for r in rules):
        markers = list(dict.fromkeys(r.marker for r in rules if r.clause == 0))
        target = next((layout.first_block[m] for m in markers if m in layout.first_block), None)
        columns.append((0, ", ".join(markers), f"#{target}" if target else None))
    reg = registry()
    rows = []
    for ref, by_clause in agency_matrix(notice).items():
        entry = reg.get(ref) if ref in reg else None
        cells = []
        for ordinal, marker, _ in columns:
            roles = by_clause.get(ordinal, ())
            cells.append((ordinal, " ".join(roles), "".join(_ROLE_LETTERS.get(r, "?") for r in roles), min(len(roles), 3), f"{ref} in {marker}: {', '.join(roles)}" if roles else ""))
        rows.append((ref, entry.name if entry else ref, cells))
    return columns, rows


def _shifted(intervals: list[Interval], offset: int) -> list[Interval]:
    """The intervals in the region's own positions (the spans index the parsed page)."""
    for iv in intervals:
        iv.start -= offset
        iv.end -= offset
    return intervals


def render(notice: Notice, **options) -> str:
    """The annotated page of ``notice``, as one HTML string (see :func:`page`)."""
    return page(notice, **options).html


def save(view: HtmlPage, out: str | Path) -> Path:
    """Write a page to ``out/index.html`` (the folder made if missing, its other files
    kept), whole or not at all; returns the path written."""
    from .io import write_files_atomic

    return write_files_atomic(out, {"index.html": view.html})[0]


def write(notice: Notice, out: str | Path, **options) -> Path:
    """Write the annotated page of ``notice`` to ``out/index.html`` (see :func:`save`)."""
    return save(page(notice, **options), out)
