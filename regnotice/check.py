"""Compliance checks: may this party do this? With receipts.

Every rule is compiled once into a :class:`_Signature`, the facts an activity must have
for the rule to apply: the parties it binds (with the registry's parent links, so a rule
on financial institutions binds a non-bank payment institution), the actions its
activities name (word stems: "providing" and "provide" are one action), the objects,
the territory and the parties served. The vocabulary an :class:`Activity` may use is the
union of those signatures and the registry: there is no second word list to drift.

Exceptions follow default logic: a prohibition yields only when every condition of one of
its exceptions is held. A condition the activity lacks keeps it prohibited; a condition
it does not mention is unknown, and an unknown approval never yields ``permitted``: the
verdict is ``conditional`` and names what is missing. A fact a rule turns on that the
activity leaves out (where, whom it serves) is never guessed either: the verdict is
``conditional`` and names the facts it would need.

>>> import regnotice
>>> notice = regnotice.load()
>>> v = notice.check(Activity(actor="non-bank-payment-institution", actions=("provide",), object="virtual_currency"))
>>> v.outcome, v.fired[0].marker
('prohibited', '(6)')
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Union

from pydantic import field_validator

from .agencies import Registry, registry
from .errors import RegnoticeError
from ._extract import objects_of, territory_of
from .models import Notice, RuleSet, Span, _Frozen

__all__ = ["Activity", "Verdict", "Vocabulary", "check", "vocabulary", "UnknownTerm", "ActivityFileError", "load_activities", "stem"]

Outcome = Literal["prohibited", "permitted", "conditional", "invalid", "not_covered"]
_WHERE = ("domestic", "within_country", "overseas")


class UnknownTerm(RegnoticeError, ValueError):
    """A word an activity uses that is not in the vocabulary; the message names the
    closest terms."""

    exit_code = 2


class ActivityFileError(RegnoticeError):
    """A file of activities that cannot be read or does not validate; the message names
    file:line and the activity."""

    exit_code = 2


# ------------------------------------------------------------------------ stems

_SUFFIXES = ("ings", "ing", "ances", "ance", "ions", "ion", "ments", "ment", "ies", "es", "ed", "s", "e", "y")
_SKIP = frozenset("a an the to be and or of for in on with as any other related relevant new its their".split())
_WORD = re.compile(r"[a-z][a-z\-]+")


def stem(word: str) -> str:
    """The stem actions are compared by: "providing", "provide" and "provides" are one.

    >>> [stem(w) for w in ("providing", "provide", "issuance", "issuing", "invests", "trading", "trade")]
    ['provid', 'provid', 'issu', 'issu', 'invest', 'trad', 'trad']
    """
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_PREPOSITIONS = frozenset("of for to in on with as within by from under".split())


def _action_stems(text: str, verb_led: bool | None = None) -> dict[str, str]:
    """The actions an activity text names (stem -> the word as written).

    ``verb_led`` says the text is a verb phrase (the activity of a prohibition that names
    its bearers: "X may not provide ..."); by default only a gerund marks one.

    A leading adverb is skipped ("illegally provide"). An activity that opens with a verb
    names it and the verbs coordinated with it ("issuing and selling financial products"
    -> issue, sell); one that opens with a noun names the words before its first
    preposition ("token issuance financing" -> token, issuance, financing).

    >>> sorted(_action_stems("issuing and selling financial products related to X"))
    ['issu', 'sell']
    >>> sorted(_action_stems("illegally provide services to domestic entities", verb_led=True))
    ['provid']
    """
    words = [w for w in _WORD.findall(text.lower())]
    while words and (words[0] in _SKIP or words[0].endswith("ly")):
        words.pop(0)
        if words and words[0] in ("or", "and"):
            words.pop(0)
    if not words:
        return {}
    out = {stem(words[0]): words[0]}
    if verb_led is None:
        verb_led = words[0].endswith("ing")
    verb_led = verb_led or len(words) < 2 or words[1] in _SKIP or words[1] in _PREPOSITIONS
    for i in range(1, min(len(words), 6)):
        word = words[i]
        if word in _PREPOSITIONS:
            break
        if verb_led:
            if words[i - 1] in ("and", "or") and word not in _SKIP:
                out.setdefault(stem(word), word)
            elif word not in ("and", "or"):
                break
        elif word not in _SKIP:
            out.setdefault(stem(word), word)
    return out


_PARTICIPLE = re.compile(r"\b[a-z]+ing\b", re.I)


# ------------------------------------------------------------------------ models


class Activity(_Frozen):
    """What someone wants to do. Every term must be in the vocabulary (``regnotice
    vocab``); ``check`` raises :class:`UnknownTerm` for one that is not."""

    actor: str
    actions: tuple[str, ...] = ()
    object: Union[str, None] = None
    where: Union[Literal["domestic", "within_country", "overseas"], None] = None
    served: tuple[str, ...] = ()
    holds: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    name: Union[str, None] = None

    @field_validator("actions", "served", "holds", "lacks", "flags", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return (value,) if isinstance(value, str) else value


class Receipt(_Frozen):
    """A rule a verdict rests on: its id, clause marker, verbatim quote and span."""

    rule: str
    kind: str
    clause: int
    marker: str
    quote: str
    span: Span


class ConditionStatus(_Frozen):
    kind: str
    authority: Union[str, None] = None
    status: Literal["held", "lacking", "unknown"]


class ExceptionConsidered(_Frozen):
    rule: str
    applies_to: tuple[str, ...]
    conditions: tuple[ConditionStatus, ...]
    applies: bool
    reason: str


class Verdict(_Frozen):
    """The answer to a check, usable as evidence: the outcome, the rules it rests on
    with their quotes, the exceptions considered and why, what is missing, and which
    rule set and regnotice version produced it."""

    outcome: Outcome
    activity: Activity
    fired: tuple[Receipt, ...] = ()
    undecided: tuple[Receipt, ...] = ()
    exceptions: tuple[ExceptionConsidered, ...] = ()
    missing: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    duties: tuple[str, ...] = ()
    penalties: tuple[Receipt, ...] = ()
    nearest: tuple[Receipt, ...] = ()
    notice: str
    rules_hash: str
    version: str

    def explain(self) -> str:
        """The verdict in plain language, quoting the clauses it rests on."""
        who = self.activity.name or self.activity.actor
        lines = [f"{who}: {self.outcome.replace('_', ' ').upper()}"]
        for receipt in self.fired:
            lines.append(f"- {receipt.kind} in clause {receipt.marker} ({receipt.rule}): \"{receipt.quote}\"")
        for exc in self.exceptions:
            held = ", ".join(f"{c.kind}{' of ' + c.authority if c.authority else ''}: {c.status}" for c in exc.conditions)
            lines.append(f"- exception {exc.rule} {'applies' if exc.applies else 'does not apply'}: {exc.reason} ({held})")
        if self.missing:
            lines.append(f"- allowed only with: {', '.join(self.missing)}")
        if self.needs:
            rules = ", ".join(f"{r.rule} {r.marker}" for r in self.undecided)
            lines.append(f"- cannot decide without: {', '.join(self.needs)} (for {rules})")
        for duty in self.duties:
            lines.append(f"- duty: {duty}")
        for receipt in self.penalties:
            lines.append(f"- penalty, clause {receipt.marker}: \"{receipt.quote}\"")
        if self.outcome == "not_covered" and self.nearest:
            lines.append("- no rule applies; nearest rules considered: " + ", ".join(f"{r.rule} {r.marker}" for r in self.nearest))
        lines.append(f"(notice {self.notice}, rules {self.rules_hash[:12]}, regnotice {self.version})")
        return "\n".join(lines)


# ------------------------------------------------------------------------ signatures


@dataclass(frozen=True, eq=False)  # compared by identity: a rule compiled once
class _Signature:
    rule: object
    parties: frozenset[str] | None  # None: binds anyone
    actions: frozenset[str] | None
    objects: frozenset[str] | None
    territory: str | None
    served: frozenset[str] | None


def _served_parties(text: str, reg: Registry) -> frozenset[str] | None:
    """Parties an activity serves: "... services to domestic entities" -> {domestic-entity}."""
    found = set()
    for m in re.finditer(r"\b(?:to|for)\s+", text):
        opening = reg.match_prefix(text[m.end() :])
        if opening and opening[0] in reg.parties:
            found.add(opening[0])
    return frozenset(found) or None


def _parties(parts, reg: Registry) -> frozenset[str] | None:
    refs = {p.ref for p in parts if p.ref and p.ref in reg.parties}
    return frozenset(refs) or None


def _signature(rule, reg: Registry) -> _Signature:
    kind = rule.kind
    if kind == "prohibition":
        actions: dict[str, str] = {}
        served: set[str] = set()
        for activity in rule.activities:
            actions.update(_action_stems(activity.text, verb_led=bool(rule.bearers) or None))
            served |= _served_parties(activity.text, reg) or set()
        return _Signature(
            rule,
            _parties(rule.bearers, reg),
            frozenset(actions) or None,
            frozenset(rule.objects) or None,
            rule.territory,
            frozenset(served) or None,
        )
    if kind == "obligation":
        # "Overseas subsidiaries ... of domestic financial institutions providing RWA
        # services overseas should ...": the party, then what it does, where.
        text = " ".join(b.text for b in rule.bearers)
        participle = _PARTICIPLE.search(text)  # "... institutions providing RWA services overseas"
        rest = text[participle.start() :] if participle else ""
        return _Signature(
            rule,
            _parties(rule.bearers, reg),
            frozenset(_action_stems(rest)) or None,
            frozenset(objects_of(text)) or None,
            territory_of(text),
            None,
        )
    if kind == "consequence":
        text = rule.condition.text
        opening = reg.match_prefix(text)
        rest = text[opening[1] :] if opening else text
        return _Signature(
            rule,
            frozenset({opening[0]}) if opening and opening[0] in reg.parties else None,
            frozenset(_action_stems(rest)) or None,
            frozenset(objects_of(text)) or None,
            None,
            None,
        )
    raise ValueError(kind)


class _Index:
    """Signatures by action stem and by party: a check tries only the rules its actions
    and its actor could fire, in rule order."""

    def __init__(self, signatures: list[_Signature]) -> None:
        self.order = {id(sig): i for i, sig in enumerate(signatures)}
        self.all = signatures
        self.by_action: dict[str, list[_Signature]] = {}
        self.by_party: dict[str, list[_Signature]] = {}
        self.any_action = [sig for sig in signatures if sig.actions is None]
        self.any_party = [sig for sig in signatures if sig.parties is None]
        # (actor kinds, action stems) -> candidates; both come from a finite vocabulary
        self._cache: dict[tuple[frozenset[str], frozenset[str]], list[_Signature]] = {}
        for sig in signatures:
            for s in sig.actions or ():
                self.by_action.setdefault(s, []).append(sig)
            for party in sig.parties or ():
                self.by_party.setdefault(party, []).append(sig)

    def candidates(self, kinds: frozenset[str], stems: frozenset[str]) -> list[_Signature]:
        key = (kinds, stems)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._candidates(kinds, stems)
        return found

    def _candidates(self, kinds: frozenset[str], stems: frozenset[str]) -> list[_Signature]:
        if stems:
            by_action = {id(c) for s in stems for c in self.by_action.get(s, ())} | {id(c) for c in self.any_action}
        else:
            by_action = set(self.order)
        by_party = {id(c) for k in kinds for c in self.by_party.get(k, ())} | {id(c) for c in self.any_party}
        keep = by_action & by_party
        return [sig for sig in self.all if id(sig) in keep] if keep else []


_STEMS: dict[str, str] = {}
# Bound on the memo tables of a checker (validation, exceptions): a vocabulary is finite,
# but the combinations of its terms need not be.
_CACHE_LIMIT = 65536


@dataclass(frozen=True)
class Vocabulary:
    """The terms an Activity may use, all read from the rules and the registry."""

    actors: tuple[str, ...]
    actions: dict[str, str]  # stem -> a word as written in the rules
    objects: tuple[str, ...]
    where: tuple[str, ...]
    conditions: tuple[str, ...]
    authorities: tuple[str, ...]
    flags: tuple[str, ...]


class _Checker:
    """A rule set compiled for checking: signatures, exceptions, penalties, vocabulary."""

    def __init__(self, ruleset: RuleSet, reg: Registry) -> None:
        from . import __version__

        self.reg = reg
        self.notice = ruleset.notice
        self.version = __version__
        self.rules_hash = hashlib.sha256(ruleset.model_dump_json().encode()).hexdigest()
        by_id = {r.id: r for r in ruleset.rules}
        self.by_id = by_id
        self.prohibitions = [_signature(r, reg) for r in ruleset.rules if r.kind == "prohibition"]
        self.obligations = [_signature(r, reg) for r in ruleset.rules if r.kind == "obligation" and _parties(r.bearers, reg)]
        self.consequences = [_signature(r, reg) for r in ruleset.rules if r.kind == "consequence"]
        # A penalty whose conduct is "it" ("If it constitutes a crime, ...") continues the
        # penalty before it in its clause, and binds whom that one binds.
        self.penalties = []
        previous: tuple[int, str | None] | None = None
        for rule in (r for r in ruleset.rules if r.kind == "penalty"):
            conduct = " ".join(c.text for c in rule.conduct).strip().lower()
            if previous is not None and previous[0] == rule.clause and re.match(r"(?:it|this|such)\b", conduct):
                party = previous[1]
            else:
                party = _penalty_party(rule, reg)
            self.penalties.append((rule, party))
            previous = (rule.clause, party)
        self.receipts = {r.id: _receipt(r) for r in ruleset.rules}
        self.prohibition_index = _Index(self.prohibitions)
        self.consequence_index = _Index(self.consequences)
        self.obligation_index = _Index(self.obligations)
        self._kinds: dict[str, frozenset[str]] = {}
        self._validated: dict[tuple, tuple[frozenset[str], frozenset[str]]] = {}
        self._exception_cache: dict[tuple, tuple[ExceptionConsidered, list[str]]] = {}
        self._nearest_cache: dict[tuple, tuple[Receipt, ...]] = {}
        self._resolved: dict[str, str] = {}
        self.exceptions = {r.id: r for r in ruleset.rules if r.kind == "exception"}
        actions: dict[str, str] = {}
        for sig in (*self.prohibitions, *self.obligations, *self.consequences):
            for s in sig.actions or ():
                actions.setdefault(s, s)
        for rule in ruleset.rules:
            for part in getattr(rule, "activities", ()):
                for s, word in _action_stems(part.text, verb_led=bool(getattr(rule, "bearers", ())) or None).items():
                    actions[s] = word
        objects = sorted({o for r in ruleset.rules for o in getattr(r, "objects", ())} | {o for s in self.consequences for o in s.objects or ()})
        conditions = sorted({c.kind for r in self.exceptions.values() for c in r.conditions})
        authorities = sorted({c.authority.ref for r in self.exceptions.values() for c in r.conditions if c.authority and c.authority.ref})
        flags = sorted(
            {q.replace(" ", "_") for r in ruleset.rules for q in getattr(r, "qualifiers", ())}
            | {"knowingly" for _, party in self.penalties if party == "knowingly"}  # knowing assistance, (18)
        )
        self.vocab = Vocabulary(
            actors=tuple(sorted(reg.parties)),
            actions=dict(sorted(actions.items(), key=lambda kv: kv[1])),
            objects=tuple(objects),
            where=_WHERE,
            conditions=tuple(conditions),
            authorities=tuple(authorities),
            flags=tuple(flags),
        )

    # ---------------------------------------------------------------- validation
    def validate(self, activity: Activity) -> tuple[frozenset[str], frozenset[str]]:
        """The actor's party types (itself and its ancestors) and the action stems;
        raises UnknownTerm for any term outside the vocabulary. Memoised on the terms."""
        key = (activity.actor, activity.actions, activity.object, activity.served, activity.holds, activity.lacks, activity.flags)
        found = self._validated.get(key)
        if found is None:
            found = self._validate(activity)
            if len(self._validated) < _CACHE_LIMIT:
                self._validated[key] = found
        return found

    def _validate(self, activity: Activity) -> tuple[frozenset[str], frozenset[str]]:
        actor = self.resolve(activity.actor)
        if actor not in self.reg.parties:
            _unknown("actor", activity.actor, self.vocab.actors)
        for party in activity.served:
            if self.resolve(party) not in self.reg.parties:
                _unknown("served party", party, self.vocab.actors)
        stems = set()
        for action in activity.actions:
            s = _STEMS.get(action) or _STEMS.setdefault(action, stem(action))
            if s not in self.vocab.actions:
                _unknown("action", action, sorted(set(self.vocab.actions.values())))
            stems.add(s)
        if activity.object is not None and activity.object not in self.vocab.objects:
            _unknown("object", activity.object, self.vocab.objects)
        for held in (*activity.holds, *activity.lacks):
            kind, _, authority = held.partition(":")
            if kind not in self.vocab.conditions:
                _unknown("condition", kind, self.vocab.conditions)
            if authority and self.resolve(authority) not in self.reg.agencies:
                _unknown("authority", authority, self.vocab.authorities)
        for flag in activity.flags:
            if flag not in self.vocab.flags:
                _unknown("flag", flag, self.vocab.flags)
        return self.kinds(actor), frozenset(stems)

    def resolve(self, name: str) -> str:
        """A registry id for a name or id (cached); the name itself when unknown."""
        found = self._resolved.get(name)
        if found is None:
            found = self._resolved[name] = self.reg.resolve(name) or name
        return found

    def kinds(self, party: str) -> frozenset[str]:
        """A party type and every type it is a kind of (cached)."""
        found = self._kinds.get(party)
        if found is None:
            found = self._kinds[party] = frozenset((party, *self.reg.ancestors(party)))
        return found

    # ---------------------------------------------------------------- matching
    def _match(self, sig: _Signature, kinds: frozenset[str], stems: frozenset[str], activity: Activity) -> tuple[int, list[str]] | None:
        """(score, facts it would need) when the rule applies to the activity, or None."""
        needs: list[str] = []
        score = 0
        if sig.parties is not None:
            if not (sig.parties & kinds):
                return None
            score += 1
        if sig.actions is not None:
            if not stems:
                needs.append("actions")
            elif not (sig.actions & stems):
                return None
            else:
                score += 1
        if sig.objects is not None:
            if activity.object is None:
                needs.append("object")
            elif activity.object not in sig.objects and not (activity.object == "rmb_pegged_stablecoin" and "stablecoin" in sig.objects):
                return None
            else:
                score += 1
        if sig.territory is not None:
            if activity.where is None:
                needs.append("where")
            elif not _same_place(sig.territory, activity.where):
                return None
            else:
                score += 1
        if sig.served is not None:
            served = {self.resolve(p) for p in activity.served}
            served_kinds = {k for p in served for k in self.kinds(p)}
            if not served:
                needs.append("served")
            elif not (sig.served & served_kinds):
                return None
        if score == 0:
            return None
        return score, needs

    def _exceptions(self, rule, activity: Activity) -> tuple[list[ExceptionConsidered], bool, list[str]]:
        considered, permitted, missing = [], False, []
        for exc_id in rule.exceptions:
            key = (exc_id, activity.holds, activity.lacks)
            found = self._exception_cache.get(key)
            if found is None:
                found = self._exception(self.exceptions[exc_id], activity)
                if len(self._exception_cache) < _CACHE_LIMIT:
                    self._exception_cache[key] = found
            result, miss = found
            considered.append(result)
            permitted = permitted or result.applies
            missing += miss
        return considered, permitted, missing

    def _exception(self, exc, activity: Activity) -> tuple[ExceptionConsidered, list[str]]:
        """One exception under the conditions an activity holds and lacks (a pure
        function of the three, so ``_exceptions`` memoises it)."""
        held = _conditions(activity.holds, self.reg)
        lacking = _conditions(activity.lacks, self.reg)
        missing: list[str] = []
        statuses = []
        for condition in exc.conditions:
            authority = condition.authority.ref if condition.authority else None
            status = _status(condition.kind, authority, held, lacking)
            statuses.append(ConditionStatus.trusted(kind=condition.kind, authority=authority, status=status))
        if exc.mode == "all_of":
            applies = all(s.status == "held" for s in statuses)
        else:
            applies = any(s.status == "held" for s in statuses)
        if applies:
            reason = "every condition is held" if exc.mode == "all_of" else "a condition is held"
        elif any(s.status == "lacking" for s in statuses) and exc.mode == "all_of":
            reason = "a condition is lacking"
        else:
            reason = "a condition is not known to be held"
            missing += [f"{s.kind}{' of ' + s.authority if s.authority else ''}" for s in statuses if s.status == "unknown"]
        result = ExceptionConsidered.trusted(
            rule=exc.id, applies_to=exc.applies_to, conditions=tuple(statuses), applies=applies, reason=reason
        )
        return result, missing

    def check(self, activity: Activity) -> Verdict:
        kinds, stems = self.validate(activity)
        fired, undecided, exceptions, missing, needs, duties = [], [], [], [], [], []
        prohibited = conditional = permitted = invalid = False
        for sig in self.prohibition_index.candidates(kinds, stems):
            match = self._match(sig, kinds, stems, activity)
            if match is None:
                continue
            score, need = match
            if need:  # the rule would apply given facts the activity leaves out
                undecided.append(self.receipts[sig.rule.id])
                needs += [n for n in need if n not in needs]
                continue
            fired.append(self.receipts[sig.rule.id])
            considered, ok, miss = self._exceptions(sig.rule, activity)
            exceptions += considered
            if ok:
                permitted = True
            elif miss:
                conditional = True
                missing += [m for m in miss if m not in missing]
            else:
                prohibited = True
        for sig in self.consequence_index.candidates(kinds, stems):
            match = self._match(sig, kinds, stems, activity)
            if match and not match[1]:
                fired.append(self.receipts[sig.rule.id])
                invalid = True
        for sig in self.obligation_index.candidates(kinds, stems):
            match = self._match(sig, kinds, stems, activity)
            if match and not match[1]:
                fired.append(self.receipts[sig.rule.id])
                duties += [d.text for d in sig.rule.duties]
        conditional = conditional or (bool(needs) and not prohibited)
        if prohibited:
            outcome: Outcome = "prohibited"
        elif invalid:
            outcome = "invalid"
        elif conditional or duties:  # allowed only with the named conditions, or with duties
            outcome = "conditional"
        elif permitted:
            outcome = "permitted"
        else:
            outcome = "not_covered"
        # Knowing assistance is conduct a penalty names in its own right: flagged, it fires
        # and the activity is prohibited whatever else applies.
        knowing = [p for p, party in self.penalties if party == "knowingly"] if "knowingly" in activity.flags else ()
        if knowing:
            fired += [self.receipts[knowing[0].id]]
            outcome = "prohibited"
        penalties: tuple[Receipt, ...] = ()
        if outcome == "prohibited":
            penalties = tuple(self.receipts[p.id] for p, party in self.penalties if _penalty_applies(p, party, activity, outcome, kinds))
        nearest: tuple[Receipt, ...] = ()
        if outcome == "not_covered":
            nearest = self._nearest(kinds, stems, activity)
        return Verdict.trusted(
            outcome=outcome,
            activity=activity,
            fired=tuple(fired),
            undecided=tuple(undecided),
            exceptions=tuple(exceptions),
            missing=tuple(missing),
            needs=tuple(needs),
            duties=tuple(duties),
            penalties=penalties,
            nearest=nearest,
            notice=self.notice,
            rules_hash=self.rules_hash,
            version=self.version,
        )

    def _nearest(self, kinds, stems, activity: Activity, n: int = 3) -> tuple[Receipt, ...]:
        """The rules that share most facts with the activity, for a not-covered verdict
        (memoised on those facts)."""
        key = (kinds, stems, activity.object, activity.where)
        found = self._nearest_cache.get(key)
        if found is None:
            found = self._rank(kinds, stems, activity, n)
            if len(self._nearest_cache) < _CACHE_LIMIT:
                self._nearest_cache[key] = found
        return found

    def _rank(self, kinds, stems, activity: Activity, n: int) -> tuple[Receipt, ...]:
        ranked = []
        for sig in (*self.prohibitions, *self.obligations, *self.consequences):
            score = 0
            score += bool(sig.parties and sig.parties & kinds)
            score += bool(sig.actions and sig.actions & stems)
            score += bool(sig.objects and activity.object in sig.objects)
            score += bool(sig.territory and activity.where and _same_place(sig.territory, activity.where))
            if score:
                ranked.append((-score, sig.rule.id, sig.rule))
        return tuple(self.receipts[r.id] for _, _, r in sorted(ranked, key=lambda t: (t[0], t[1]))[:n])


def _same_place(territory: str, where: str) -> bool:
    if territory == "any":
        return True
    inside = ("domestic", "within_country")
    return territory == where or (territory in inside and where in inside)


def _conditions(items: tuple[str, ...], reg: Registry) -> dict[str, set[str | None]]:
    out: dict[str, set[str | None]] = {}
    for item in items:
        kind, _, authority = item.partition(":")
        out.setdefault(kind, set()).add((reg.resolve(authority) or authority) if authority else None)
    return out


def _status(kind: str, authority: str | None, held, lacking) -> str:
    def has(table) -> bool:
        found = table.get(kind)
        if not found:
            return False
        # a condition held of no named authority counts for the authority the rule names;
        # a condition held of a named authority must name the rule's authority, or one
        # the registry says is the same body today (a predecessor's approval, say).
        return None in found or authority is None or authority in found

    if has(lacking):
        return "lacking"
    if has(held):
        return "held"
    return "unknown"


def _penalty_party(rule, reg: Registry) -> str | None:
    """The party a penalty's conduct names ("Member units that violate ..."), if any;
    ``"knowingly"`` for the liability of knowing assistance."""
    conduct = " ".join(c.text for c in rule.conduct)
    if re.search(r"\bknowingly\b|\bshould have known\b", conduct, re.I):
        return "knowingly"
    named = reg.match_prefix(re.sub(r"^(?:for|if)\s+", "", conduct, flags=re.I))
    return named[0] if named and named[0] in reg.parties else None


def _penalty_applies(rule, party: str | None, activity: Activity, outcome: str, kinds: frozenset[str]) -> bool:
    """Penalties listed with a prohibited verdict: those whose conduct names no party, or
    names a party the actor is a kind of ("Member units that violate ..." binds only
    association members); the liability for knowing assistance only when flagged."""
    if outcome != "prohibited":
        return False
    if party == "knowingly":
        return "knowingly" in activity.flags
    return party is None or party in kinds


def _receipt(rule) -> Receipt:
    return Receipt.trusted(rule=rule.id, kind=rule.kind, clause=rule.clause, marker=rule.marker, quote=rule.quote, span=rule.span)


def _unknown(what: str, term: str, choices) -> None:
    import difflib

    near = difflib.get_close_matches(str(term), [str(c) for c in choices], n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(near)}?" if near else f"; known: {', '.join(map(str, choices))}"
    raise UnknownTerm(f"unknown {what} {term!r}{hint}")


# ------------------------------------------------------------------------ entry points

_CHECKERS: dict[int, tuple[Notice, _Checker]] = {}


def _checker(notice: Notice) -> _Checker:
    found = _CHECKERS.get(id(notice))
    if found is None or found[0] is not notice:
        found = (notice, _Checker(notice.ruleset, registry()))
        _CHECKERS[id(notice)] = found
    return found[1]


def check(notice: Notice, activity: Activity | dict) -> Verdict:
    """The verdict for an activity under a notice's rules."""
    if not isinstance(activity, Activity):
        activity = Activity.model_validate(activity)
    return _checker(notice).check(activity)


def vocabulary(notice: Notice) -> Vocabulary:
    """The terms an Activity may use under a notice's rules."""
    return _checker(notice).vocab


@lru_cache(maxsize=1)
def verdict_schema() -> dict:
    """The JSON Schema of ``Verdict`` (``check --format json``)."""
    schema = Verdict.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:regnotice:schema:verdict", **schema}


def load_activities(path) -> list[Activity]:
    """Read a YAML file of activities: a list, or a mapping with the key ``activities``.

    Every problem is an :class:`ActivityFileError` naming the file, the line and the
    position of the activity; vocabulary is checked by :func:`check`.
    """
    from pathlib import Path

    from pydantic import ValidationError

    from .errors import RuleFileError
    from .yamlio import load_yaml

    path = Path(path)
    try:
        data = load_yaml(path)
    except RuleFileError as exc:
        raise ActivityFileError(str(exc)) from None
    if isinstance(data, dict) and set(data) == {"activities"}:
        data = data["activities"]
    if not isinstance(data, list):
        raise ActivityFileError(f"{path}: expected a list of activities (or a mapping with the key 'activities')")
    lines = _item_lines(path)
    out = []
    for i, item in enumerate(data):
        where = f"{path}:{lines[i]}" if i < len(lines) else str(path)
        if not isinstance(item, dict):
            raise ActivityFileError(f"{where}: activity {i + 1} is not a mapping")
        try:
            out.append(Activity.model_validate(item))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'activity'}: {e['msg']}" for e in exc.errors(include_url=False))
            allowed = ", ".join(Activity.model_fields)
            raise ActivityFileError(f"{where}: activity {i + 1}: {problems} (allowed keys: {allowed})") from None
    return out


def _item_lines(path) -> list[int]:
    """The 1-based line of each item of the file's top-level list."""
    import yaml

    node = yaml.compose(open(path, encoding="utf-8"))
    if isinstance(node, yaml.MappingNode) and node.value:
        node = node.value[0][1]
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]
