"""The models: pure data. A model never imports a stage, and never calls one.

- ``tree``: the lossless parse of a notice (:class:`Notice`, :class:`Clause`, :class:`Span`, ...);
- ``rules``: the typed rules extracted from it (:class:`RuleSet`, :class:`Prohibition`,
  :class:`Fact`, ...), the contract a rule file holds;
- ``verdict``: activities and the verdicts a check returns.
"""

from __future__ import annotations

from .base import _ALL_FIELDS, _Frozen, build
from .rules import (
    RULE_KINDS,
    Condition,
    Consequence,
    Definition,
    EntryIntoForce,
    ExceptionRule,
    Extract,
    Fact,
    Obligation,
    Penalty,
    Prohibition,
    Reference,
    Repeal,
    Responsibility,
    Rule,
    RuleSet,
    Unmodeled,
)
from .tree import Anomaly, Block, Citation, Clause, DocNumber, Gap, Heading, Label, Marker, Notice, Paragraph, Part, SectionHeading, Sentence, Span
from .verdict import OUTCOMES, Activity, ConditionStatus, Described, ExceptionConsidered, Outcome, Receipt, Recognised, TermHit, Unrecognised, Verdict

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
    "Activity",
    "Described",
    "Recognised",
    "Unrecognised",
    "Receipt",
    "ConditionStatus",
    "ExceptionConsidered",
    "TermHit",
    "Verdict",
    "Outcome",
    "OUTCOMES",
]
