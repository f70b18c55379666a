"""The driver: the rules of one sentence, of a clause, and of a whole notice."""

from __future__ import annotations

import re

from ..agencies import Registry, registry
from ..models import (
    Definition,
    ExceptionRule,
    Extract,
    Notice,
    Obligation,
    Prohibition,
    RuleSet,
    Sentence,
    Unmodeled,
)
from .parts import _hereinafter, _Parts, _references, objects_of, territory_of
from .transformer import _CURRENT, _inline_sentence_parser, _SentenceTransformer

_ANAPHORA = re.compile(r"\b(?:above[- ]mentioned|aforementioned|aforesaid|such)\b", re.I)


def extract_sentence(
    text: str, *, source: str | None = None, base: int = 0, previous: list[Extract] | None = None, registry_: Registry | None = None
) -> list[tuple[type, dict]]:
    """The rules one sentence states, as (model class, fields) pairs, exceptions after
    the rule they qualify; ``[]`` when the grammar does not accept the sentence.

    >>> [cls.__name__ for cls, _ in extract_sentence("No bank may issue tokens.")]
    ['Prohibition']
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
    out: list[tuple[type, dict]] = []
    for draft in drafts:
        out.append((draft.cls, draft.fields))
        if draft.exception is not None:
            out.append((ExceptionRule, draft.exception.fields))
    return out


def _clause_rules(clause_id: str, ordinal: int, marker: str, sentences: list[Sentence], parts: _Parts) -> list:
    rules: list = []
    previous: list[Extract] = []
    context: tuple[tuple[str, ...], str | None] = ((), None)  # objects and territory said so far
    n = 0

    def add(cls, fields: dict, sentence: Sentence) -> str:
        nonlocal n
        n += 1
        rule_id = f"{clause_id}/{n}"
        rules.append(cls(id=rule_id, clause=ordinal, marker=marker, span=sentence.span, quote=sentence.text, **fields))
        return rule_id

    for sentence in sentences:
        found = extract_sentence(sentence.text, source=parts.source, base=sentence.span.start, previous=previous, registry_=parts.registry)
        last_prohibition: str | None = None
        pending: list[tuple[str, dict]] = []
        for cls, fields in found:
            if cls is ExceptionRule:
                if last_prohibition is not None:
                    fields = dict(fields, applies_to=(last_prohibition,))
                    exc_id = add(cls, fields, sentence)
                    pending.append((last_prohibition, {"exception": exc_id}))
                continue
            if cls is Prohibition and not fields.get("objects") and _ANAPHORA.search(" ".join(a.text for a in fields["activities"])):
                # "no unit may engage in the above-mentioned business": what the clause said before
                fields = dict(fields, objects=context[0], territory=fields.get("territory") or context[1])
            rule_id = add(cls, fields, sentence)
            if fields.get("objects") or (cls is Obligation and objects_of(" ".join(b.text for b in fields.get("bearers", ())))):
                text = " ".join(e.text for key in ("activities", "bearers") for e in fields.get(key, ()))
                context = (fields.get("objects") or objects_of(text), fields.get("territory") or territory_of(text))
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
        for prohibition_id, link in pending:
            i = next(i for i, r in enumerate(rules) if r.id == prohibition_id)
            rules[i] = rules[i].model_copy(update={"exceptions": (*rules[i].exceptions, link["exception"])})
    return rules


def extract_rules(notice: Notice) -> RuleSet:
    """Every rule of a notice, clause by clause, then the closing paragraph."""
    notice_id = notice.number.id if notice.number else "notice"
    source = notice.text
    offset = notice.span.start
    parts = _Parts(_Shifted(source, offset), registry())
    rules: list = []
    for clause in notice.clauses:
        rules += _clause_rules(f"{notice_id}/{clause.ordinal}", clause.ordinal, clause.marker, list(clause.sentences), parts)
    closing = next((p for p in notice.parts if getattr(p, "kind", None) == "closing"), None)
    if closing is not None:
        sentences = [s for para in closing.paragraphs for s in para.sentences]
        rules += _clause_rules(f"{notice_id}/closing", 0, "closing", sentences, parts)
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
