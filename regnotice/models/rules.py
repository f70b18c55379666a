"""Typed rules extracted from a notice's sentences: the reviewed, versioned contract.

A discriminated union on ``kind``. Every rule carries a stable id (``yinfa-2026-42/6/2``:
notice, clause ordinal, rule number within the clause), the clause's ordinal and marker,
its span and verbatim quote; every extracted part carries its own span.

The facts a check evaluates are typed: a :class:`Fact` is an id of the lexicon
(``lexicon.yaml``: actions, objects, territory, qualifiers) or of the registry
(``agencies.yaml``: agencies and parties), with the words it was read from and their
span. A phrase the lexicon cannot resolve stays on the rule as text (``unresolved``),
and ``regnotice coverage`` lists it. The checker reads only the typed fields, so an
analyst who corrects a rule file changes the verdicts.

>>> Fact(id="account-opening", text="account opening", span=Span(start=10, end=25)).id
'account-opening'
"""

# No ``from __future__ import annotations`` here: pydantic would compile and evaluate every
# annotation string when the classes are made (some 5 ms of each cold start).

from typing import Annotated, Literal, Union

from pydantic import Field

from .base import _Frozen
from .common import DocNumber, Span

__all__ = [
    "Fact",
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


class Fact(_Frozen):
    """A concept a rule states: an ``id`` of the lexicon or the registry, the words of the
    source it was read from, and their span (``source[span] == text``)."""

    id: str
    text: str
    span: Span


class Extract(_Frozen):
    """A piece of a sentence the extractor identified: a bearer, an activity, a
    condition. ``ref`` is the registry id it resolved to, when it names an agency or a
    party type; ``None`` when it names none (reported by ``coverage``)."""

    text: str
    span: Span
    ref: Union[str, None] = None


class Condition(_Frozen):
    """One condition of an exception: an approval, a consent, a filing, reliance on
    infrastructure, an authorization (the ids of the lexicon's ``conditions``), or
    another requirement (``other``, which no activity can be known to hold)."""

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
    """Who may not do what. ``bearers`` name the parties bound (none: anyone); the facts
    are what the activity must meet for the rule to apply: ``actions`` (any one of them),
    ``objects`` (any one), ``territory``, ``served`` (the parties the activity serves).
    ``terms`` are words a name or business scope must not contain. ``exceptions`` are the
    ids of the exception rules that lift it."""

    kind: Literal["prohibition"] = "prohibition"
    bearers: tuple[Extract, ...] = ()
    activities: tuple[Extract, ...] = ()
    actions: tuple[Fact, ...] = ()
    objects: tuple[Fact, ...] = ()
    territory: Union[Fact, None] = None
    served: tuple[Fact, ...] = ()
    qualifiers: tuple[Fact, ...] = ()
    terms: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    unresolved: tuple[Extract, ...] = ()


class ExceptionRule(_Rule):
    kind: Literal["exception"] = "exception"
    applies_to: tuple[str, ...] = ()
    mode: Literal["all_of", "any_of"] = "all_of"
    conditions: tuple[Condition, ...] = ()


class Obligation(_Rule):
    """What the bearers must do. The facts (``actions``, ``objects``, ``territory``,
    ``qualifiers``) are read from how the bearers are described ("... providing RWA
    services overseas"): the activities the duties come with."""

    kind: Literal["obligation"] = "obligation"
    bearers: tuple[Extract, ...] = ()
    duties: tuple[Extract, ...] = ()
    actions: tuple[Fact, ...] = ()
    objects: tuple[Fact, ...] = ()
    territory: Union[Fact, None] = None
    qualifiers: tuple[Fact, ...] = ()


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
    """The sanction for some conduct. ``parties`` are whom it reaches (none: anyone whose
    activity is prohibited); ``qualifiers`` the conduct's qualifiers ("knowingly": an
    activity must carry that flag for the penalty to reach it)."""

    kind: Literal["penalty"] = "penalty"
    conduct: tuple[Extract, ...] = ()
    sanction: Extract
    criminal: bool = False
    parties: tuple[Fact, ...] = ()
    qualifiers: tuple[Fact, ...] = ()


class Consequence(_Rule):
    """What follows from some conduct ("If X invests in virtual currencies, the civil
    legal actions shall be invalid"). The facts are read from the condition."""

    kind: Literal["consequence"] = "consequence"
    condition: Extract
    results: tuple[Extract, ...] = ()
    parties: tuple[Fact, ...] = ()
    actions: tuple[Fact, ...] = ()
    objects: tuple[Fact, ...] = ()


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
