"""Inline marks from the rules' spans, placed where Akoma Ntoso allows them.

Every span of a rule that names something the export can point at becomes a candidate
mark:

- a fact of the lexicon (an action, an object, a place, a qualifier) or a party type of
  the registry: ``<term refersTo="#concept">``;
- a part of a rule that resolved to an agency of the registry: ``<organization
  refersTo="#id">``;
- the term of a definition: ``<def refersTo="#term-... #concept">``;
- the title of a cited or repealed document with a document number: ``<ref href="IRI">``.

XML cannot hold two elements that cross, and an inline element stays inside one block.
So a candidate is kept only where it lies inside one exported paragraph (or heading) and
nests with every mark kept before it; candidates are taken longest first, so an outer
mark wins over one that crosses it. Identical candidates (two rules over one sentence)
are one mark; two marks of one element over the same words are one element whose
``refersTo`` lists both. Every candidate not marked is reported, with why
(:class:`Unmarked`).

>>> Target("organization", "pboc")
Target(kind='organization', key='pboc')
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Iterable

__all__ = ["Target", "Candidate", "Mark", "Marked", "Unmarked", "place", "PRIORITY"]

#: The outer element first, where two marks cover the same words.
PRIORITY = {"ref": 0, "def": 1, "organization": 2, "term": 3}


@dataclass(frozen=True)
class Target:
    """What a mark points at: a TLC of the references (``organization``, ``concept``,
    ``term``, keyed by registry or lexicon id, or the term's words), or a document IRI
    (``href``)."""

    kind: str
    key: str


@dataclass(frozen=True)
class Candidate:
    """A span of a rule that could be marked: ``source[start:end]`` must equal ``text``."""

    start: int
    end: int
    tag: str
    targets: tuple[Target, ...]
    rule: str
    text: str


@dataclass
class Mark:
    """A mark to write: the element, what it points at, the rules it came from. ``eid``
    is set when the mark is written."""

    start: int
    end: int
    tag: str
    targets: list[Target]
    rules: list[str]
    text: str
    eid: str = ""
    container: int = field(default=-1, repr=False)


@dataclass(frozen=True)
class Marked:
    """An inline element written: its ``eid`` and element (``tag``), the span of the source
    it covers and that span's ``text``, what it points at (``refersTo`` values such as
    ``#pboc``, or a ``ref``'s IRI) and the ids of the rules it came from."""

    eid: str
    tag: str
    start: int
    end: int
    text: str
    targets: tuple[str, ...]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Unmarked:
    """A candidate left unmarked, and why: it ``crosses`` a kept mark, lies ``outside`` the
    exported text (a news page's foreword, a heading's closing full stop) or ``across``
    two paragraphs, or its rule's ``text differs`` from the source at its span."""

    start: int
    end: int
    tag: str
    text: str
    rule: str
    reason: str


def place(candidates: Iterable[Candidate], containers: list[tuple[int, int]], source) -> tuple[list[Mark], list[Unmarked]]:
    """The marks to write, in document order (outer before inner), and the candidates left
    out. ``containers`` are the disjoint ``(start, end)`` spans of the exported blocks,
    sorted; ``source(start, end)`` gives the text at a span."""
    starts = [c[0] for c in containers]
    unmarked: list[Unmarked] = []
    merged: dict[tuple[int, int, str], Mark] = {}
    for cand in candidates:
        if cand.end <= cand.start:
            continue
        if source(cand.start, cand.end) != cand.text:
            unmarked.append(_left(cand, "text differs"))
            continue
        k = bisect_right(starts, cand.start) - 1
        if k < 0 or cand.start >= containers[k][1]:
            unmarked.append(_left(cand, "outside"))
            continue
        if cand.end > containers[k][1]:
            unmarked.append(_left(cand, "across"))
            continue
        key = (cand.start, cand.end, cand.tag)
        mark = merged.get(key)
        if mark is None:
            merged[key] = Mark(cand.start, cand.end, cand.tag, list(cand.targets), [cand.rule], cand.text, container=k)
            continue
        if cand.rule not in mark.rules:
            mark.rules.append(cand.rule)
        for target in cand.targets:
            if target not in mark.targets:
                if cand.tag == "ref":  # one href per reference
                    unmarked.append(_left(cand, "crosses"))
                    break
                mark.targets.append(target)
    kept: list[Mark] = []
    open_: list[Mark] = []  # the kept marks around the current position, outermost first
    for mark in _fold(sorted(merged.values(), key=lambda m: (m.start, -m.end, PRIORITY[m.tag]))):
        while open_ and open_[-1].end <= mark.start:
            open_.pop()
        if open_ and mark.end > open_[-1].end:
            for rule in mark.rules:
                unmarked.append(Unmarked(mark.start, mark.end, mark.tag, mark.text, rule, "crosses"))
            continue
        kept.append(mark)
        open_.append(mark)
    return kept, unmarked


def _fold(marks: list[Mark]) -> list[Mark]:
    """Marks of other elements over the same words, pointing at nothing the outer one does
    not: one element (a definition's term, also read as a fact, is one ``<def>``)."""
    out: list[Mark] = []
    for mark in marks:
        same = [m for m in out[-len(PRIORITY):] if (m.start, m.end) == (mark.start, mark.end)]
        outer = next((m for m in same if set(mark.targets) <= set(m.targets)), None)
        if outer is None:
            out.append(mark)
            continue
        outer.rules.extend(r for r in mark.rules if r not in outer.rules)
    return out


def _left(cand: Candidate, reason: str) -> Unmarked:
    return Unmarked(cand.start, cand.end, cand.tag, cand.text, cand.rule, reason)
