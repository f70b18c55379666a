"""Activities and verdicts: what someone wants to do, and the answer with its receipts.

>>> a = Activity(actor="bank", actions="open accounts", object="bitcoin")
>>> a.actions
('open accounts',)
"""

# No ``from __future__ import annotations`` here: pydantic would compile and evaluate every
# annotation string when the classes are made (some 5 ms of each cold start).

from typing import Literal, Union

from pydantic import Field, field_validator

from .base import _Frozen
from .common import Span

__all__ = ["Activity", "Recognised", "Unrecognised", "Described", "Receipt", "ConditionStatus", "ExceptionConsidered", "TermHit", "Verdict", "Outcome", "OUTCOMES"]

Outcome = Literal["prohibited", "permitted", "conditional", "invalid", "not_covered"]
OUTCOMES = ("prohibited", "permitted", "conditional", "invalid", "not_covered")
#: The longest name or business scope an activity may carry (a registered business scope is
#: a few hundred characters; screening reads every character).
MAX_SCREENED = 100_000


class Activity(_Frozen):
    """What someone wants to do, in the words of the rules or the user's own: every term
    may be an id, a synonym or an inflection of the lexicon (actions, object, where,
    conditions, flags) or of the registry (actor, served, authorities). ``check`` raises
    :class:`~regnotice.errors.UnknownTerm` for a word neither knows.

    ``holds`` and ``lacks`` name conditions ("consent", "approval of the PBOC",
    ``"approval:pboc"``). ``name`` and ``business_scope`` are screened against the terms
    a rule forbids in registrations."""

    actor: str
    actions: tuple[str, ...] = ()
    object: Union[str, None] = None
    where: Union[str, None] = None
    served: tuple[str, ...] = ()
    holds: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    name: Union[str, None] = Field(None, max_length=MAX_SCREENED)
    business_scope: Union[str, None] = Field(None, max_length=MAX_SCREENED)

    @field_validator("actions", "served", "holds", "lacks", "flags", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return (value,) if isinstance(value, str) else value


class Recognised(_Frozen):
    """A word or phrase of a description that names a concept: which field of the
    activity it fills (``actor``, ``actions``, ``object``, ``where``, ``served``,
    ``holds``, ``lacks``, ``flags``; ``party`` for a party it names and no field takes),
    the id, and the words with their span."""

    field: str
    id: str
    text: str
    span: Span


class Unrecognised(_Frozen):
    """A word of a description that names nothing regnotice knows."""

    text: str
    span: Span


class Described(_Frozen):
    """A plain-language description read into an activity. ``activity`` is ``None`` when
    the description names no actor: ``needs`` then says so. Nothing is guessed."""

    text: str
    activity: Union[Activity, None]
    recognised: tuple[Recognised, ...] = ()
    unrecognised: tuple[Unrecognised, ...] = ()
    needs: tuple[str, ...] = ()


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


class TermHit(_Frozen):
    """A forbidden term found in the activity's name or business scope."""

    field: Literal["name", "business_scope"]
    term: str
    text: str
    start: int
    end: int
    rule: str


class Verdict(_Frozen):
    """The answer to a check, usable as evidence: the outcome, the rules it rests on with
    their quotes, the exceptions considered and why, what is missing, and which rule set
    and regnotice version produced it. ``activity`` is the activity with its terms
    resolved to ids."""

    outcome: Outcome
    activity: Activity
    fired: tuple[Receipt, ...] = ()
    undecided: tuple[Receipt, ...] = ()
    exceptions: tuple[ExceptionConsidered, ...] = ()
    missing: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    duties: tuple[str, ...] = ()
    penalties: tuple[Receipt, ...] = ()
    hits: tuple[TermHit, ...] = ()
    considered: tuple[Receipt, ...] = ()
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
        for hit in self.hits:
            lines.append(f"- the {hit.field.replace('_', ' ')} contains {hit.text!r} (the term {hit.term!r} of {hit.rule})")
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
        if self.considered:
            lines.append("- considered, not applicable: " + ", ".join(f"{r.rule} {r.marker}" for r in self.considered))
        if self.outcome == "not_covered" and self.nearest:
            lines.append("- no rule applies; nearest rules considered: " + ", ".join(f"{r.rule} {r.marker}" for r in self.nearest))
        lines.append(f"(notice {self.notice}, rules {self.rules_hash[:12]}, regnotice {self.version})")
        return "\n".join(lines)
