"""Reports over a notice's rules: coverage of the extractor, and who does what where.

>>> import regnotice
>>> report = coverage(regnotice.load())
>>> report.sentences > 0 and 0 < report.share <= 1
True
>>> matrix = agency_matrix(regnotice.load())
>>> "lead" in matrix["pboc"][3]
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .agencies import registry
from .models import Notice
from .pipeline import extract

__all__ = ["ClauseCoverage", "Coverage", "coverage", "agency_matrix", "summarise", "mentions", "ROLES"]

#: Roles an agency or party can play in a clause, in the order reports list them.
ROLES = ("lead", "participant", "coordinator", "enforcer", "bearer", "authority")

# Kinds that state something about a sentence; a reference alone does not model it.
_MODELLING = frozenset(
    {"prohibition", "exception", "obligation", "responsibility", "definition", "penalty", "consequence", "repeal", "entry_into_force"}
)


@dataclass(frozen=True)
class ClauseCoverage:
    ordinal: int
    marker: str
    sentences: int
    modeled: int
    unmodeled: tuple[str, ...] = ()

    @property
    def share(self) -> float:
        return self.modeled / self.sentences if self.sentences else 1.0


@dataclass(frozen=True)
class Coverage:
    clauses: tuple[ClauseCoverage, ...]
    unresolved: tuple[str, ...] = field(default=())
    #: (rule id, activity text) for each activity the lexicon read no action from
    unresolved_phrases: tuple[tuple[str, str], ...] = field(default=())

    @property
    def sentences(self) -> int:
        return sum(c.sentences for c in self.clauses)

    @property
    def modeled(self) -> int:
        return sum(c.modeled for c in self.clauses)

    @property
    def share(self) -> float:
        return self.modeled / self.sentences if self.sentences else 1.0


def coverage(notice: Notice) -> Coverage:
    """The share of sentences the extractor modeled, per clause and overall, with the
    sentences it did not model and the party mentions the registry did not resolve."""
    by_sentence: dict[tuple[int, int], set[str]] = {}
    unresolved: list[str] = []
    phrases: list[tuple[str, str]] = []
    for rule in extract(notice).rules:
        by_sentence.setdefault((rule.clause, rule.span.start), set()).add(rule.kind)
        for name in ("bearers", "lead", "participants", "coordinators"):
            for part in getattr(rule, name, ()):
                if part.ref is None and part.text not in unresolved:
                    unresolved.append(part.text)
        for part in getattr(rule, "unresolved", ()):
            phrases.append((rule.id, part.text))
    from ._extract.rules import sentence_groups  # the extractor's own grouping (imports Lark: only for coverage)

    rows = []
    for _, ordinal, marker, sentences in sentence_groups(notice):
        missed = tuple(s.text for s in sentences if not (by_sentence.get((ordinal, s.span.start), set()) & _MODELLING))
        rows.append(ClauseCoverage(ordinal, marker, len(sentences), len(sentences) - len(missed), missed))
    return Coverage(tuple(rows), tuple(unresolved), tuple(phrases))


def agency_matrix(notice: Notice) -> dict[str, dict[int, tuple[str, ...]]]:
    """For every registry entry named in the rules: clause ordinal -> its roles there.

    Roles: ``lead``, ``participant``, ``coordinator`` (responsibilities); ``enforcer``
    (an agency bound by an obligation or prohibition); ``bearer`` (a regulated party bound
    by one); ``authority`` (whose approval, consent or filing an exception needs).
    """
    reg = registry()
    cells: dict[str, dict[int, set[str]]] = {}

    def mark(ref: str | None, clause: int, role: str) -> None:
        if ref:
            cells.setdefault(ref, {}).setdefault(clause, set()).add(role)

    for rule in extract(notice).rules:
        for part in getattr(rule, "lead", ()):
            mark(part.ref, rule.clause, "lead")
        for part in getattr(rule, "participants", ()):
            mark(part.ref, rule.clause, "participant")
        for part in getattr(rule, "coordinators", ()):
            mark(part.ref, rule.clause, "coordinator")
        for part in getattr(rule, "bearers", ()):
            if part.ref:
                mark(part.ref, rule.clause, "enforcer" if part.ref in reg.agencies else "bearer")
        for condition in getattr(rule, "conditions", ()):
            if condition.authority is not None:
                mark(condition.authority.ref, rule.clause, "authority")
    return {
        ref: {clause: tuple(r for r in ROLES if r in roles) for clause, roles in sorted(by_clause.items())}
        for ref, by_clause in sorted(cells.items())
    }


def _names(parts) -> str:
    return ", ".join(p.text for p in parts)


def summarise(rule) -> str:
    """One line that says what a rule says, for text listings."""
    kind = rule.kind
    if kind == "prohibition":
        who = _names(rule.bearers) or "(no bearer named)"
        what = "; ".join(a.text for a in rule.activities)
        return f"{who} may not: {what}"
    if kind == "exception":
        conditions = f" {'and' if rule.mode == 'all_of' else 'or'} ".join(c.kind for c in rule.conditions)
        return f"unless {conditions} (for {', '.join(rule.applies_to)})"
    if kind == "obligation":
        return f"{_names(rule.bearers) or '(no bearer named)'} must: {'; '.join(d.text for d in rule.duties)}"
    if kind == "responsibility":
        line = f"lead {_names(rule.lead)}"
        if rule.participants:
            line += f"; with {_names(rule.participants)}"
        if rule.coordinators:
            line += f"; coordinating with {_names(rule.coordinators)}"
        return line
    if kind == "definition":
        return f"{rule.term.text}: {rule.meaning.text if rule.meaning else ''}"
    if kind == "penalty":
        return f"{'criminal: ' if rule.criminal else ''}{rule.sanction.text}"
    if kind == "consequence":
        return f"if {rule.condition.text}: {'; '.join(r.text for r in rule.results)}"
    if kind == "repeal":
        return "repeals " + ", ".join(str(n) for n in rule.repealed)
    if kind == "entry_into_force":
        return f"in force {rule.when.text}"
    if kind == "reference":
        return f"cites {rule.title.text}" + (f" ({rule.number})" if rule.number else "")
    return rule.quote


def mentions(rule) -> set[str]:
    """The registry ids a rule names, in any part."""
    found: set[str] = set()
    for name in ("bearers", "lead", "participants", "coordinators"):
        found |= {p.ref for p in getattr(rule, name, ()) if p.ref}
    for condition in getattr(rule, "conditions", ()):
        if condition.authority is not None and condition.authority.ref:
            found.add(condition.authority.ref)
    return found
