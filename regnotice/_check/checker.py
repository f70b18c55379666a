"""Compliance checks over typed rule facts: may this party do this? With receipts.

A rule applies to an activity when every fact it states meets the activity's:
- its parties bind the actor (the registry's parent links: a rule on financial
  institutions binds a non-bank payment institution);
- one of its actions is one of the activity's or an ancestor of one (the lexicon's parent
  links: a rule on "services" binds account opening; a rule on account opening does not
  bind "services");
- one of its objects is the activity's object or an ancestor of it (a rule on stablecoins
  binds an RMB-pegged stablecoin);
- its territory is where the activity takes place, and the parties it serves are among
  those the activity serves.

A fact the rule states and the activity leaves out is never guessed: the verdict is
``conditional`` and names what it needs. Exceptions follow default logic: a prohibition
yields only when every condition of one of its exceptions is held; an unknown condition
never yields ``permitted``. A permitted activity that carries duties is ``permitted``,
with the duties listed.

>>> import regnotice
>>> v = regnotice.check(regnotice.load(), {"actor": "bank", "actions": ["open accounts"], "object": "bitcoin"})
>>> v.outcome, [r.rule for r in v.fired]
('prohibited', ['yinfa-2026-42/6/1'])
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from pydantic import ValidationError

from .._version import __version__
from ..errors import ActivityError
from ..yamlio import excerpt
from ..models import (
    Activity,
    ConditionStatus,
    ExceptionConsidered,
    Outcome,
    Receipt,
    RuleSet,
    TermHit,
    Verdict,
)
from ..reading import Reader
from .cache import LRU
from .index import Index, Signature, signature
from .terms import Resolved, Terms

__all__ = ["Checker", "as_activity"]

#: The most entries of each memo of a checker (verdicts, resolved activities, exceptions,
#: nearest rules), least recently used first out: a few MB a checker at most.
CACHE_SIZE = 4096


#: The most terms one list field of an activity (actions, served, holds, lacks, flags)
#: may hold.
MAX_TERMS = 1_000
_FIELDS = tuple(Activity.model_fields)
_LISTS = ("actions", "served", "holds", "lacks", "flags")
_EXPECTED = {
    "string_type": "a string",
    "tuple_type": "a string or a list of strings",
    "string_too_long": None,
}


def as_activity(activity) -> Activity:
    """An :class:`Activity` from an Activity or a mapping of its fields; anything else, or
    a field of the wrong type, is an :class:`~regnotice.errors.ActivityError` naming the
    field and what was expected (never a pydantic or a type error)."""
    if isinstance(activity, Activity):
        return activity
    allowed = f"(allowed keys: {', '.join(_FIELDS)})"
    if not isinstance(activity, dict):
        if not isinstance(activity, Mapping):
            raise ActivityError(f"an activity is a mapping of its fields {allowed}, not {_got(activity)}")
        try:
            activity = dict(activity)
        except Exception as exc:  # a mapping whose items cannot be read
            raise ActivityError(f"an activity mapping that cannot be read ({type(exc).__name__}) {allowed}") from None
    try:
        unknown = [key for key in activity if not (isinstance(key, str) and key in Activity.model_fields)]
    except Exception as exc:  # a key whose comparison fails
        raise ActivityError(f"an activity whose keys cannot be read ({type(exc).__name__}) {allowed}") from None
    if unknown:
        shown = ", ".join(excerpt(k, 40) for k in unknown[:5]) + (f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else "")
        raise ActivityError(f"unknown key{'s' if len(unknown) > 1 else ''} {shown} {allowed}")
    if "actor" not in activity:
        raise ActivityError(f"actor: missing: an activity needs an actor (a party: 'bank', 'financial-institution') {allowed}")
    for field in _LISTS:
        value = activity.get(field)
        if value is None and field in activity:
            raise ActivityError(f"{field}: expected a string or a list of strings, got null (leave the key out for none)")
        if field in activity and not isinstance(value, (str, list, tuple)):
            raise ActivityError(f"{field}: expected a string or a list of strings, got {_got(value)}")
        if isinstance(value, (list, tuple)) and len(value) > MAX_TERMS:
            raise ActivityError(f"{field}: at most {MAX_TERMS:,} terms, got {len(value):,}")
    try:
        return Activity.model_validate(activity)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = "; ".join(_problem(e) for e in errors[:10])
        more = f"; and {len(errors) - 10:,} more problems" if len(errors) > 10 else ""
        raise ActivityError(f"{problems}{more}") from None
    except (RecursionError, ValueError, TypeError) as exc:  # a pathological value pydantic cannot walk
        raise ActivityError(f"an activity that cannot be read: {type(exc).__name__}") from None


def _problem(err: dict) -> str:
    """One pydantic error of an activity: the field, what was expected, what was got."""
    loc = err["loc"]
    field = str(loc[0]) + "".join(f"[{part}]" for part in loc[1:]) if loc else "activity"
    expected = _EXPECTED.get(err["type"])
    if expected is not None:
        return f"{field}: expected {expected}, got {_got(err.get('input'))}"
    return f"{field}: {str(err['msg'])[:200]}"


def _got(value) -> str:
    """What a value is, in a few words: ``null``, ``int 5``, ``list [1, 2]``."""
    if value is None:
        return "null"
    return f"{type(value).__name__} {excerpt(value, 40)}"


class Checker:
    """A rule set compiled for checking: signatures, indexes, exceptions, penalties."""

    def __init__(self, ruleset: RuleSet, reader: Reader, rules_json: str | None = None) -> None:
        """``rules_json``: ``ruleset.model_dump_json()``, when the caller has it (the
        bundled rules' snapshot): the verdicts' ``rules_hash`` is taken of it, and the
        rules are not dumped again (which would first build the serializers of every rule
        model: some 5 ms of a cold ``check``)."""
        reg = reader.registry
        self.reader = reader
        self.terms = Terms(reader)
        self.notice = ruleset.notice
        self.version = __version__
        self.rules_hash = hashlib.sha256((ruleset.model_dump_json() if rules_json is None else rules_json).encode()).hexdigest()
        rules = ruleset.rules
        self.receipts = {r.id: _receipt(r) for r in rules}
        self.prohibitions = [signature(r, reg) for r in rules if r.kind == "prohibition" and not r.terms]
        self.terms_rules = [signature(r, reg) for r in rules if r.kind == "prohibition" and r.terms]
        self.obligations = [s for s in (signature(r, reg) for r in rules if r.kind == "obligation") if s.parties]
        self.consequences = [signature(r, reg) for r in rules if r.kind == "consequence"]
        self.exceptions = {r.id: r for r in rules if r.kind == "exception"}
        flags = {ident for ident in reader.lexicon.ids("qualifiers") if reader.lexicon.get("qualifiers", ident).flag}
        # (rule, parties it reaches or None, the flags an activity must carry for it)
        self.penalties = [
            (r, frozenset(p.id for p in r.parties) or None, frozenset(q.id for q in r.qualifiers if q.id in flags))
            for r in rules
            if r.kind == "penalty"
        ]
        self.prohibition_index = Index(self.prohibitions)
        self.obligation_index = Index(self.obligations)
        self.consequence_index = Index(self.consequences)
        self._screeners: dict[int, object] = {}
        # memos, bounded (least recently used first out)
        self._resolved = LRU(CACHE_SIZE)  # terms -> (Resolved, Activity)
        self._exception_memo = LRU(CACHE_SIZE)  # (exception, holds, lacks) -> (ExceptionConsidered, missing)
        self._nearest_memo = LRU(CACHE_SIZE)  # facts -> nearest receipts
        self._verdicts = LRU(CACHE_SIZE)  # terms -> Verdict

    # ---------------------------------------------------------------- terms
    def resolve(self, activity: Activity) -> tuple[Resolved, Activity]:
        """The activity's terms as ids, and the activity in ids (without its name and
        business scope); memoised on its terms (bounded)."""
        key = (activity.actor, activity.actions, activity.object, activity.where, activity.served, activity.holds, activity.lacks, activity.flags)
        found = self._resolved.get(key)
        if found is None:
            facts = self.terms.resolve(activity)
            found = (facts, _resolved_activity(facts))
            self._resolved.put(key, found)
        return found

    # ---------------------------------------------------------------- matching
    @staticmethod
    def _match(sig: Signature, facts: Resolved) -> tuple[int, list[str]] | None:
        """(score, facts it would need) when the rule applies to the activity, or None."""
        needs: list[str] = []
        score = 0
        if sig.parties is not None:
            if not (sig.parties & facts.kinds):
                return None
            score += 1
        if sig.actions is not None:
            if not facts.actions:
                needs.append("actions")
            elif not (sig.actions & facts.action_lineage):
                return None
            else:
                score += 1
        if sig.objects is not None:
            if facts.object is None:
                needs.append("object")
            elif not (sig.objects & facts.object_lineage):
                return None
            else:
                score += 1
        if sig.territory is not None:
            if facts.where is None:
                needs.append("where")
            elif sig.territory != facts.where:
                return None
            else:
                score += 1
        if sig.served is not None:
            if not facts.served or (not (sig.served & facts.served_kinds) and sig.served & facts.served_descendants):
                needs.append("served")  # none named, or only a kind more general than the rule's
            elif not (sig.served & facts.served_kinds):
                return None
        if score == 0:
            return None
        return score, needs

    def _exceptions(self, rule, facts: Resolved) -> tuple[list[ExceptionConsidered], bool, list[str]]:
        considered, permitted, missing = [], False, []
        for exc_id in rule.exceptions:
            exc = self.exceptions.get(exc_id)
            if exc is None:  # a rule file may name an exception it does not hold
                continue
            key = (exc_id, facts.holds, facts.lacks)
            found = self._exception_memo.get(key)
            if found is None:
                found = self._exception(exc, facts)
                self._exception_memo.put(key, found)
            result, miss = found
            considered.append(result)
            permitted = permitted or result.applies
            missing += miss
        return considered, permitted, missing

    def _exception(self, exc, facts: Resolved) -> tuple[ExceptionConsidered, list[str]]:
        held = _table(facts.holds)
        lacking = _table(facts.lacks)
        statuses = []
        for condition in exc.conditions:
            authority = condition.authority.ref if condition.authority else None
            status = "unknown" if condition.kind == "other" else _status(condition.kind, authority, held, lacking)
            statuses.append(ConditionStatus.trusted(kind=condition.kind, authority=authority, status=status))
        missing: list[str] = []
        if not statuses:
            applies = False
        elif exc.mode == "all_of":
            applies = all(s.status == "held" for s in statuses)
        else:
            applies = any(s.status == "held" for s in statuses)
        if applies:
            reason = "every condition is held" if exc.mode == "all_of" else "a condition is held"
        elif exc.mode == "all_of" and any(s.status == "lacking" for s in statuses):
            reason = "a condition is lacking"
        elif exc.mode == "any_of" and statuses and all(s.status == "lacking" for s in statuses):
            reason = "every condition is lacking"
        else:
            reason = "a condition is not known to be held"
            missing += [f"{s.kind}{' of ' + s.authority if s.authority else ''}" for s in statuses if s.status == "unknown"]
        result = ExceptionConsidered.trusted(rule=exc.id, applies_to=exc.applies_to, conditions=tuple(statuses), applies=applies, reason=reason)
        return result, missing

    def _screener(self, sig: Signature):
        found = self._screeners.get(id(sig))
        if found is None:
            from .._screen.matcher import Screener  # only for an activity with a name or business scope

            found = self._screeners[id(sig)] = Screener.from_rule(sig.rule)
        return found

    def _screen(self, sig: Signature, activity: Activity) -> list[TermHit]:
        hits = []
        for field in ("name", "business_scope"):
            text = getattr(activity, field)
            if text:
                for hit in self._screener(sig).screen(text):
                    hits.append(TermHit.trusted(field=field, term=hit.term, text=hit.text, start=hit.start, end=hit.end, rule=sig.rule.id))
        return hits

    # ---------------------------------------------------------------- the check
    def check(self, activity) -> Verdict:
        """The verdict for an activity. A verdict is a pure function of the activity's
        terms: the verdicts of activities without a name or business scope are memoised
        (bounded), and a verdict is frozen, so the same one may be returned twice."""
        activity = as_activity(activity)
        if activity.name is None and activity.business_scope is None:
            key = (activity.actor, activity.actions, activity.object, activity.where, activity.served, activity.holds, activity.lacks, activity.flags)
            found = self._verdicts.get(key)
            if found is None:
                found = self._check(activity)
                self._verdicts.put(key, found)
            return found
        return self._check(activity)

    def _check(self, activity: Activity) -> Verdict:
        facts, resolved = self.resolve(activity)
        if activity.name is not None or activity.business_scope is not None:
            resolved = Activity.trusted(**{**resolved.__dict__, "name": activity.name, "business_scope": activity.business_scope})
        fired: list[Receipt] = []
        undecided: list[Receipt] = []
        exceptions: list[ExceptionConsidered] = []
        missing: list[str] = []
        needs: list[str] = []
        duties: list[str] = []
        hits: list[TermHit] = []
        considered: list[Receipt] = []
        prohibited = conditional = permitted = invalid = False

        def prohibition(sig: Signature) -> None:
            nonlocal prohibited, conditional, permitted
            fired.append(self.receipts[sig.rule.id])
            found, ok, miss = self._exceptions(sig.rule, facts)
            exceptions.extend(found)
            if ok:
                permitted = True
            elif miss:
                conditional = True
                missing.extend(m for m in miss if m not in missing)
            else:
                prohibited = True

        for sig in self.prohibition_index.candidates(facts.kinds, facts.action_lineage):
            match = self._match(sig, facts)
            if match is None:
                continue
            if match[1]:  # the rule would apply given facts the activity leaves out
                undecided.append(self.receipts[sig.rule.id])
                needs.extend(n for n in match[1] if n not in needs)
                continue
            prohibition(sig)
        for sig in self.terms_rules:
            if activity.name or activity.business_scope:
                # a name or a business scope is screened: the terms decide, not the facts
                found_hits = self._screen(sig, activity)
                if found_hits:
                    hits += found_hits
                    prohibition(sig)
                else:
                    considered.append(self.receipts[sig.rule.id])
                continue
            match = self._match(sig, facts)
            if match is not None and not match[1]:
                prohibition(sig)
        for sig in self.consequence_index.candidates(facts.kinds, facts.action_lineage):
            match = self._match(sig, facts)
            if match and not match[1]:
                fired.append(self.receipts[sig.rule.id])
                invalid = True
        for sig in self.obligation_index.candidates(facts.kinds, facts.action_lineage):
            match = self._match(sig, facts)
            if match and not match[1]:
                fired.append(self.receipts[sig.rule.id])
                duties += [d.text for d in sig.rule.duties if d.text not in duties]
        # Conduct a penalty names in its own right ("knowingly ... assisted them"): with the
        # flags it names, it fires and the activity is prohibited whatever else applies.
        flags = frozenset(facts.flags)
        for rule, parties, needed in self.penalties:
            if needed and needed <= flags and (parties is None or parties & facts.kinds):
                fired.append(self.receipts[rule.id])
                prohibited = True
                break
        if prohibited:
            outcome: Outcome = "prohibited"
        elif invalid:
            outcome = "invalid"
        elif conditional or needs:
            outcome = "conditional"
        elif permitted or duties:
            outcome = "permitted"
        else:
            outcome = "not_covered"
        penalties: tuple[Receipt, ...] = ()
        if outcome == "prohibited":
            penalties = tuple(
                self.receipts[r.id]
                for r, parties, needed in self.penalties
                if needed <= flags and (parties is None or parties & facts.kinds)
            )
        nearest = self._nearest(facts) if outcome == "not_covered" else ()
        return Verdict.trusted(
            outcome=outcome,
            activity=resolved,
            fired=tuple(fired),
            undecided=tuple(undecided),
            exceptions=tuple(exceptions),
            missing=tuple(missing),
            needs=tuple(needs),
            duties=tuple(duties),
            penalties=penalties,
            hits=tuple(hits),
            considered=tuple(considered),
            nearest=nearest,
            notice=self.notice,
            rules_hash=self.rules_hash,
            version=self.version,
        )

    def _nearest(self, facts: Resolved, n: int = 3) -> tuple[Receipt, ...]:
        """The rules that share most facts with the activity, for a not-covered verdict
        (memoised on those facts, bounded)."""
        key = (facts.kinds, facts.action_lineage, facts.object_lineage, facts.where)
        found = self._nearest_memo.get(key)
        if found is None:
            found = self._rank(facts, n)
            self._nearest_memo.put(key, found)
        return found

    def _rank(self, facts: Resolved, n: int) -> tuple[Receipt, ...]:
        ranked = []
        for sig in (*self.prohibitions, *self.terms_rules, *self.obligations, *self.consequences):
            score = (
                bool(sig.parties and sig.parties & facts.kinds)
                + bool(sig.actions and sig.actions & facts.action_lineage)
                + bool(sig.objects and sig.objects & facts.object_lineage)
                + bool(sig.territory and sig.territory == facts.where)
            )
            if score:
                ranked.append((-score, self.receipts[sig.rule.id].rule, sig.rule.id))
        ranked.sort()
        return tuple(self.receipts[rule_id] for _, _, rule_id in ranked[:n])


def _resolved_activity(facts: Resolved) -> Activity:
    return Activity.trusted(
        actor=facts.actor,
        actions=facts.actions,
        object=facts.object,
        where=facts.where,
        served=facts.served,
        holds=tuple(f"{k}:{a}" if a else k for k, a in facts.holds),
        lacks=tuple(f"{k}:{a}" if a else k for k, a in facts.lacks),
        flags=facts.flags,
        name=None,
        business_scope=None,
    )


def _table(items: tuple[tuple[str, str | None], ...]) -> dict[str, set[str | None]]:
    out: dict[str, set[str | None]] = {}
    for kind, authority in items:
        out.setdefault(kind, set()).add(authority)
    return out


def _status(kind: str, authority: str | None, held, lacking) -> str:
    def has(table) -> bool:
        found = table.get(kind)
        if not found:
            return False
        # a condition of no named authority counts for the authority the rule names; one
        # of a named authority must name the rule's authority
        return None in found or authority is None or authority in found

    if has(lacking):
        return "lacking"
    if has(held):
        return "held"
    return "unknown"


def _receipt(rule) -> Receipt:
    return Receipt.trusted(rule=rule.id, kind=rule.kind, clause=rule.clause, marker=rule.marker, quote=rule.quote, span=rule.span)
