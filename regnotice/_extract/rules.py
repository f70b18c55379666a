"""The driver: the rules of one sentence, of a clause, and of a whole notice."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..agencies import Registry, registry
from ..models import (
    Consequence,
    Definition,
    ExceptionRule,
    Extract,
    Notice,
    Obligation,
    Penalty,
    Prohibition,
    RuleSet,
    Sentence,
    Span,
    Unmodeled,
)
from .facts import Facts, Read
from .parts import _hereinafter, _Parts, _references
from .transformer import _CURRENT, _inline_sentence_parser, _SentenceTransformer

_ANAPHORA = re.compile(r"\b(?:above[- ]mentioned|aforementioned|aforesaid|such)\b", re.I)


def extract_sentence(
    text: str,
    *,
    source=None,
    base: int = 0,
    previous: list[Extract] | None = None,
    registry_: Registry | None = None,
    facts: Facts | None = None,
) -> list[tuple[type, dict]]:
    """The rules one sentence states, as (model class, fields) pairs with their typed
    facts, exceptions after the rule they qualify; ``[]`` when the grammar does not
    accept the sentence.

    >>> [(cls.__name__, [a.id for a in f["actions"]]) for cls, f in extract_sentence("No bank may open accounts for crypto exchanges.")]
    [('Prohibition', ['account-opening'])]
    """
    source = text if source is None else source
    parts = _Parts(source, registry_ or registry())
    _CURRENT.transformer = _SentenceTransformer(parts, base, previous or [])
    try:
        drafts = _inline_sentence_parser().parse(text)
    except Exception:  # noqa: BLE001 - as a tree transformer's VisitError did: a sentence
        return []  # whose parts cannot be read is unmodeled, like one the grammar rejects
    finally:
        _CURRENT.transformer = None
    facts = facts or Facts(source)
    facts.sentence(text, base)
    whole = Extract.trusted(text=text, span=Span.trusted(start=base, end=base + len(text)), ref=None)
    out: list[tuple[type, dict]] = []
    for draft in drafts:
        out.append((draft.cls, _with_facts(draft.cls, dict(draft.fields), whole, facts)))
        if draft.exception is not None:
            out.append((ExceptionRule, draft.exception.fields))
    return out


def _with_facts(cls, fields: dict, whole: Extract, facts: Facts) -> dict:
    """The fields of a rule with the facts its parts state (see ``facts.py``)."""
    if cls is Prohibition:
        scope = fields.pop("_scope", ())
        read = facts.read(fields.get("activities", ()))
        # the cue and the tail place and qualify the activities ("strictly prohibited across the board")
        facts.read(scope, served=False, into=read, kinds=("territory", "qualifiers"))
        facts.read([b for b in fields.get("bearers", ()) if not b.ref], served=False, into=read, kinds=("objects",))
        facts.read(fields.pop("_topic", ()), served=False, into=read, kinds=("objects",))  # a passive's subject
        fields.update(_facts_fields(read, served=True))
    elif cls is Obligation:
        fields.update(_facts_fields(facts.read(fields.get("bearers", ()), served=False), served=False))
    elif cls is Consequence:
        read = facts.read((fields["condition"],), served=False)
        fields.update(parties=tuple(facts.leading_parties(fields["condition"])), actions=tuple(read.actions), objects=tuple(read.objects))
    elif cls is Penalty:
        conduct = fields.get("conduct", ())
        read = facts.read(conduct, served=False, kinds=("qualifiers",))
        fields.update(parties=tuple(facts.leading_parties(conduct[0])) if conduct else (), qualifiers=tuple(read.qualifiers))
    return fields


def _clause_rules(clause_id: str, ordinal: int, marker: str, sentences: list[Sentence], parts: _Parts, facts: Facts) -> list:
    rules: list = []
    previous: list[Extract] = []
    context = _Context((), (), None)  # the actions, objects and territory the clause has stated so far
    lex = facts.reader.lexicon
    last_penalty: Penalty | None = None
    n = 0

    def add(cls, fields: dict, sentence: Sentence) -> str:
        nonlocal n
        n += 1
        rule_id = f"{clause_id}/{n}"
        rules.append(cls(id=rule_id, clause=ordinal, marker=marker, span=sentence.span, quote=sentence.text, **fields))
        return rule_id

    for sentence in sentences:
        found = extract_sentence(
            sentence.text, source=parts.source, base=sentence.span.start, previous=previous, registry_=parts.registry, facts=facts
        )
        last_prohibition: str | None = None
        pending: list[tuple[str, str]] = []
        for cls, fields in found:
            if cls is ExceptionRule:
                if last_prohibition is not None:
                    fields = dict(fields, applies_to=(last_prohibition,))
                    exc_id = add(cls, fields, sentence)
                    pending.append((last_prohibition, exc_id))
                continue
            fields = dict(fields)
            if cls is Prohibition and not fields["objects"] and _ANAPHORA.search(" ".join(a.text for a in fields["activities"])):
                # "no unit may engage in the above-mentioned business": what the clause said before
                fields["objects"] = context.objects
                fields["territory"] = fields["territory"] or context.territory
                if context.actions and all(not lex.get("actions", a.id).parents for a in fields["actions"]):
                    fields["actions"] = context.actions
                if fields["actions"]:
                    fields["unresolved"] = ()
            elif cls is Obligation and not fields["objects"] and not fields["actions"]:
                fields["objects"] = context.objects  # "they should ...": the clause's topic
            elif cls is Penalty and last_penalty is not None and _CONTINUES.match(" ".join(c.text for c in fields.get("conduct", ())).strip().lower()):
                # "If it constitutes a crime, ...": reaches whom the penalty before reaches
                fields.update(parties=last_penalty.parties, qualifiers=last_penalty.qualifiers)
            rule_id = add(cls, fields, sentence)
            rule = rules[-1]
            if cls is Penalty:
                last_penalty = rule
            if getattr(rule, "objects", ()) and cls in (Prohibition, Obligation):
                context = _Context(rule.actions, rule.objects, rule.territory)
            if cls is Prohibition:
                last_prohibition = rule_id
                if fields.get("bearers"):
                    previous = list(fields["bearers"])
            elif cls is Obligation and fields.get("bearers"):
                previous = list(fields["bearers"])
            elif cls is Definition:
                previous = [fields["term"]]
        for cls, fields in _references(parts, sentence) + _hereinafter(parts, sentence):
            add(cls, fields, sentence)
        if not found:
            add(Unmodeled, {}, sentence)
        # link exceptions, and the implied exception of "unauthorized" activities
        for prohibition_id, exc_id in pending:
            i = next(i for i, r in enumerate(rules) if r.id == prohibition_id)
            rules[i] = rules[i].model_copy(update={"exceptions": (*rules[i].exceptions, exc_id)})
    return rules


_CONTINUES = re.compile(r"(?:it|this|such)\b")


class _Context(NamedTuple):
    actions: tuple
    objects: tuple
    territory: object


def _facts_fields(read: Read, *, served: bool) -> dict:
    out = dict(actions=tuple(read.actions), objects=tuple(read.objects), territory=read.territory, qualifiers=tuple(read.qualifiers))
    if served:
        out.update(served=tuple(read.served), unresolved=tuple(read.unresolved))
    return out


class SentenceGroup(NamedTuple):
    """Sentences the rules are read from, as one clause: its id part, ordinal and marker."""

    key: str
    ordinal: int
    marker: str
    sentences: list[Sentence]


def sentence_groups(notice: Notice) -> list[SentenceGroup]:
    """What the rules of a notice are read from: each clause; for a notice with no
    numbered clauses (an announcement, a press release, a text cut short before its first
    item), the prose of its preamble; then the closing paragraph."""
    groups = [SentenceGroup(str(c.ordinal), c.ordinal, c.marker, list(c.sentences)) for c in notice.clauses]

    def block(kind: str) -> list[Sentence]:
        return [s for p in notice.parts if getattr(p, "kind", None) == kind for para in p.paragraphs for s in para.sentences]

    if not groups and (prose := block("preamble")):
        groups.append(SentenceGroup("preamble", 0, "preamble", prose))
    if closing := block("closing"):
        groups.append(SentenceGroup("closing", 0, "closing", closing))
    return groups


def extract_rules(notice: Notice) -> RuleSet:
    """Every rule of a notice, clause by clause (or from the prose of a notice without
    clauses), then the closing paragraph (see :func:`sentence_groups`)."""
    notice_id = notice.number.id if notice.number else "notice"
    source = notice.text
    offset = notice.span.start
    shifted = _Shifted(source, offset)
    parts = _Parts(shifted, registry())
    facts = Facts(shifted)
    rules: list = []
    for group in sentence_groups(notice):
        rules += _clause_rules(f"{notice_id}/{group.key}", group.ordinal, group.marker, group.sentences, parts, facts)
    return RuleSet(notice=notice_id, number=notice.number, title=notice.title, rules=tuple(rules))


class _Shifted:
    """The notice text addressed by positions in the page it was parsed from."""

    __slots__ = ("text", "offset")

    def __init__(self, text: str, offset: int) -> None:
        self.text, self.offset = text, offset

    def __getitem__(self, key: slice) -> str:
        start = None if key.start is None else key.start - self.offset
        stop = None if key.stop is None else key.stop - self.offset
        return self.text[start:stop]
