"""What the API serves, loaded once when the app is built: the rule set and its compiled
checker, the clauses of its notice, the rules as JSON with what the filters read of
them, a screener per field and the vocabulary. Every answer is the library's: this module
selects and shapes, it decides nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union
from uuid import uuid4

from .._version import __version__
from ..errors import ActivityError, RuleFileError, UnknownClause, UnknownTerm
from ..models import Activity, build
from ..numbering import parse_ref
from .problems import http_problem
from .schemas import Decision, Description

__all__ = ["Service"]


@dataclass(frozen=True)
class _Entry:
    """A rule as the filters of ``GET /v1/rules`` read it, and its JSON."""

    clause: int
    kind: str
    mentions: frozenset[str]
    data: dict


class Service:
    """The loaded state of one app. ``rules``: ``None`` (the bundled rules, from their
    prebuilt snapshot), a ``Notice``, a ``RuleSet`` or the path of a rule file."""

    def __init__(self, rules=None) -> None:
        from ..pipeline import checker, rules_of
        from ..report import mentions

        if rules is None:
            from ..bundled import bundled_rules, bundled_rules_data, bundled_rules_json

            ruleset = bundled_rules()
            try:  # the snapshot: hashed and served as it is, the rules are not dumped again
                dumped, data = bundled_rules_json(), bundled_rules_data()["rules"]
            except FileNotFoundError:
                dumped, data = None, ruleset.model_dump(mode="json")["rules"]
            self.checker = checker(ruleset, dumped)
        else:
            ruleset = rules_of(rules)
            self.checker = checker(ruleset)
            data = ruleset.model_dump(mode="json")["rules"]
        self.ruleset = ruleset
        self.notice = ruleset.notice
        self.rules_hash = self.checker.rules_hash
        self.version = __version__
        self.entries = tuple(_Entry(r.clause, r.kind, frozenset(mentions(r)), d) for r, d in zip(ruleset.rules, data))
        self.clauses = _clauses(rules, ruleset)
        self._clause_index = {"clauses": self.clauses} if self.clauses is not None else None
        self.screeners, self.unscreenable = _screeners(rules, ruleset)
        self.vocabulary = _vocabulary()

    # ---------------------------------------------------------------- headers
    @property
    def headers(self) -> dict[str, str]:
        return {"X-Regnotice-Notice": self.notice, "X-Regnotice-Rules-Hash": self.rules_hash, "X-Regnotice-Version": self.version}

    # ---------------------------------------------------------------- clauses
    def clause(self, ref: str) -> dict:
        """The record of a clause, by a reference in any numbering."""
        from ..index import find_clause

        if self._clause_index is None:
            parse_ref(ref)  # an invalid reference is that, whatever the notice
            raise self.no_clauses()
        return find_clause(self._clause_index, ref)

    def no_clauses(self):
        return http_problem(404, "clauses-unavailable", f"the rules served (of {self.notice}) were read from a rule file, which holds no clause text")

    def ordinal(self, ref: str) -> int:
        """The ordinal a clause reference names: a clause of the notice when its clauses
        are known, else a clause some rule is in."""
        if self._clause_index is not None:
            return self.clause(ref)["ordinal"]
        ordinal = parse_ref(ref)
        known = sorted({e.clause for e in self.entries})
        if ordinal not in known:
            raise UnknownClause(ref, tuple(known))
        return ordinal

    # ---------------------------------------------------------------- rules
    def rules(self, clause: str | None = None, kind: str | None = None, agency: str | None = None) -> list[dict]:
        """The rules' JSON, filtered as ``regnotice rules --clause --kind --agency``
        filters (the kind is checked by the request's schema)."""
        entries = self.entries
        if clause is not None:
            ordinal = self.ordinal(clause)
            entries = tuple(e for e in entries if e.clause == ordinal)
        if kind is not None:
            entries = tuple(e for e in entries if e.kind == kind)
        if agency is not None:
            found = _agency(agency)
            entries = tuple(e for e in entries if found in e.mentions)
        return [e.data for e in entries]

    # ---------------------------------------------------------------- check
    def decide(self, item: Union[Activity, Description]) -> Decision:
        """The verdict on an activity or a description, with a new ``decision_id``."""
        described = None
        if isinstance(item, Description):
            from ..describing import describe

            described = describe(item.text)
            if described.activity is None:
                err = ActivityError(
                    f"the description names no {' and no '.join(described.needs)}; name who does it (a bank, a payment institution, ...)"
                )
                err.needs = described.needs  # type: ignore[attr-defined]  # the problem's "needs"
                raise err
            verdict = self.checker.check(described.activity)
        else:
            # the fields as given, checked by the library (its caps on terms included)
            verdict = self.checker.check(item.model_dump(exclude_unset=True))
        return build(Decision, {**verdict.__dict__, "decision_id": uuid4(), "described": described})


def _agency(agency: str) -> str:
    """The registry id an ``agency`` filter names (any name, abbreviation or alias), or
    an :class:`UnknownTerm` with the closest ids."""
    from ..agencies import registry
    from ..suggest import did_you_mean, hint
    from ..yamlio import excerpt

    reg = registry()
    if agency in reg:
        return agency
    found = reg.resolve(agency)
    if found is None:
        known = [*reg.agencies, *reg.parties]
        err = UnknownTerm(f"unknown agency {excerpt(agency, 60)}{hint(agency, known)}")
        err.suggestions = did_you_mean(agency, known)  # type: ignore[attr-defined]
        raise err
    return found


def _clauses(rules, ruleset) -> list[dict] | None:
    """The clause records of the rules' notice: the bundled clause index for the bundled
    notice's rules (also from a rule file), the clauses of a ``Notice`` given, else
    ``None`` (a rule file of another notice holds no clause text)."""
    from ..index import clause_record, load_index
    from ..models import Notice

    if isinstance(rules, Notice):
        return [clause_record(c) for c in rules.clauses]
    index = load_index()
    if ruleset.notice == index["notice"]["id"]:
        return index["clauses"]
    return None


def _screeners(rules, ruleset) -> tuple[dict, str | None]:
    """A screener per field, and why there is none when the rules list no terms."""
    from ..screening import FIELDS, Screener, cited_rules, screener

    if rules is None:
        return {field: screener(field) for field in FIELDS}, None
    try:
        return {field: Screener.from_rule(*cited_rules(ruleset, field)) for field in FIELDS}, None
    except RuleFileError as exc:
        return {}, f"the rules served cannot screen: {exc}"


def _vocabulary() -> dict[str, list[str]]:
    """The ids an activity may use, as ``regnotice vocab --format json`` lists them."""
    from ..reading import reader

    r = reader()
    lex = r.lexicon
    return {
        "actors": sorted(r.registry.parties),
        "actions": list(lex.ids("actions")),
        "objects": list(lex.ids("objects")),
        "where": list(lex.ids("territory")),
        "conditions": list(lex.ids("conditions")),
        "authorities": sorted(r.registry.agencies),
        "flags": list(lex.ids("qualifiers")),
    }
