"""Plain-language descriptions read into activities, with the same lexicon and registry
as the rules.

``describe("A mainland bank opens accounts and moves funds for a cryptocurrency
exchange")`` recognises the actor (a bank: a financial institution, in the mainland), the
actions (account opening, fund transfer) and the party served (a virtual currency trading
platform, whose name also gives the object: virtual currency). Every recognised phrase
comes with its span; the words it did not recognise are listed. It never guesses: a
description that names no actor yields no activity, and ``needs`` says so.

- Parties are read in groups: the parties and places a phrase joins with "of", "'s" or
  "based in" ("the Hong Kong subsidiary of a mainland bank", "a crypto exchange based in
  Singapore") name the most general party that is a kind of all of them, and of the party
  of their place when there is one (an overseas entity, a domestic entity).
- The first group, unless "to" or "for" comes before it, is the actor; the others are the
  parties the activity serves. Where the actor is, it acts, unless another place is named.
- A condition ("approval", "consent", "filing", "licence") is held, or lacking when
  "without", "no", "not" or "lacks" comes just before it; an agency right after it ("of
  the PBOC") is its authority.
- A quoted name after "name", "named" or "called" is the name a registration screens, a
  quoted text after "business scope" its business scope.
- The object is the first one named, or a kind of it named later ("a stablecoin pegged
  to the yuan"); an object inside a party's name ("a bitcoin exchange") counts when no
  other is named. With no action named, the verb that opens an object phrase
  ("tokenizes real-world assets") is the action.

>>> d = describe("A mainland bank opens accounts and moves funds for a cryptocurrency exchange")
>>> d.activity.actor, d.activity.actions, d.activity.object, d.activity.where, d.activity.served
('financial-institution', ('account-opening', 'fund-transfer'), 'virtual-currency', 'domestic', ('virtual-currency-platform',))
>>> describe("Opens accounts for crypto exchanges").needs
('actor',)
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from .errors import ActivityError
from .models import Activity, Described, Recognised, Span, Unrecognised, build, builder
from .phrases import FILLERS, Match
from .reading import Reader, reader

__all__ = ["describe", "Describer"]

# A description longer than this is refused: it is no description of one activity.
MAX_LENGTH = 5000
# Words that make the condition after them one the activity lacks.
_NEGATIONS = ("without", "no", "not", "lack", "lacks", "lacking", "absence", "never")
_SERVING = ("to", "for")
# Words that join two parties or a party and its place into one group.
_JOINING = ("of", "a", "an", "the", "its", "s")
_PLACING = ("in", "based", "from", "located", "registered", "headquartered", "the", "of")
_AUTHORITY_LINKS = ("of", "from", "by", "the")
_NAMING = ("name", "named", "called", "as")
_SCOPING = ("scope",)
_QUOTES = {'"': '"', "“": "”", "「": "」", "‘": "’", "'": "'"}
_NAME_END = re.compile(r"[;?!]|\.(?=\s+[a-z])|,\s+(?:and|but|which|who|will|can|may|is|are)\b")
_OPENING = re.compile("[" + re.escape("".join(_QUOTES)) + "]")


@dataclass
class _Group:
    """Parties and places one phrase joins ("the Hong Kong subsidiary of a mainland bank")."""

    matches: list[Match] = field(default_factory=list)
    serving: bool = False  # "to" or "for" stands before it

    @property
    def start(self) -> int:
        return self.matches[0].start

    @property
    def end(self) -> int:
        return self.matches[-1].end

    def ids(self, kind: str) -> list[str]:
        return [m.id for m in self.matches if m.kind == kind]


class Describer:
    """Reads descriptions with one reader (the bundled lexicon and registry by default)."""

    def __init__(self, reader_: Reader | None = None) -> None:
        self.reader = reader_ or reader()
        norm = self.reader.lexicon.normalise
        self.negations = frozenset(norm(w) for w in _NEGATIONS)
        self.serving = frozenset(norm(w) for w in _SERVING)
        self.joining = frozenset(norm(w) for w in _JOINING)
        self.placing = frozenset(norm(w) for w in _PLACING)
        self.authority_links = frozenset(norm(w) for w in _AUTHORITY_LINKS)
        self.function_words = self.reader.lexicon.function_words
        self.naming = frozenset(norm(w) for w in _NAMING)
        self.own = frozenset(norm(w) for w in ("our", "my"))
        self.called = frozenset(norm(w) for w in ("named", "called"))
        # the parties some of whose names name an object ("bitcoin exchanges", "mining machine makers")
        self.named_objects = frozenset(
            p.id for p in self.reader.registry.parties.values() if any(self.reader.lexicon.find(sp, ("objects",)) for sp in p.spellings)
        )
        # (kind, id) of the phrases that also name a party ("exchange", "miners")
        self.doubles = frozenset(
            (kind, ident) for kinds in self.reader.matcher.phrases.values() if "party" in kinds for kind, ident in kinds.items() if kind not in ("party", "agency")
        )
        self.scoping = frozenset(norm(w) for w in _SCOPING)

    def _quoted(self, text: str, ws) -> tuple[str | None, str | None, list[tuple[int, int]]]:
        """The quoted name and business scope of a description ("named \"X Ltd\""), and
        the spans of every quotation (their words are data, not a description)."""
        name = scope = None
        spans: list[tuple[int, int]] = []
        i = 0
        while True:
            found = _OPENING.search(text, i)
            if found is None:
                break
            i = found.start()
            close = _QUOTES[text[i]]
            if text[i] == "'" and i and text[i - 1].isalnum():  # an apostrophe: "bank's"
                i += 1
                continue
            end = text.find(close, i + 1)
            if end == -1:
                break
            spans.append((i, end + 1))
            before = [w.norm for w in ws if w.end <= i][-2:]
            inner = text[i + 1 : end].strip()
            if any(w in self.scoping for w in before) and scope is None:
                scope = inner
            elif any(w in self.naming for w in before) and name is None:
                name = inner
            i = end + 1
        if name is None and ("named" in text or "called" in text or "Named" in text or "Called" in text):
            # an unquoted name runs from "named" to the end of its clause: "a company named
            # Shenzhen Xinghe Crypto Asset Technology Co., Ltd.; will the name pass?"
            for w in ws:
                if w.norm in self.called and not any(s <= w.start < e for s, e in spans):
                    start = w.end + (len(text[w.end :]) - len(text[w.end :].lstrip()))
                    stop = _NAME_END.search(text, start)
                    end = stop.start() if stop else len(text)
                    if text[start:end].strip():
                        name = text[start:end].strip()
                        spans.append((start, end))
                    break
        return name, scope, spans

    # ---------------------------------------------------------------- parties
    @staticmethod
    def _between(ws, starts: list[int], start: int, end: int) -> list[str]:
        """The words that lie between two offsets (``starts``: the words' starts, sorted)."""
        out = []
        for i in range(bisect_left(starts, start), len(ws)):
            w = ws[i]
            if w.end > end:
                break
            out.append(w.norm)
        return out

    def _groups(self, text: str, ws, matches: list[Match], starts: list[int]) -> list[_Group]:
        """The party groups of a description, in order (``starts``: the words' starts)."""
        if not any(m.kind == "party" for m in matches):
            return []
        groups: list[_Group] = []
        current: _Group | None = None
        joining, placing = self.joining, self.placing | self.joining
        for i, m in enumerate(matches):
            kind = m.kind
            if kind != "party" and kind != "territory":
                current = None
                continue
            if current is not None:
                if kind == "party" and all(x.kind == "territory" for x in current.matches):
                    current.matches.append(m)  # the party a place opened the group for
                    continue
                words = self._between(ws, starts, current.end, m.start)
                links = placing if kind == "territory" else joining
                if "," not in text[current.end : m.start] and all(w in links for w in words):
                    current.matches.append(m)
                    continue
                current = None
            if kind == "territory":
                # a place opens a group only right before a party: "a Shenzhen company", "a
                # domestic real estate developer" (a few words no concept names may stand between)
                nxt = matches[i + 1] if i + 1 < len(matches) else None
                if nxt is None or nxt.kind != "party" or any(c in text[m.end : nxt.start] for c in ",;:()"):
                    continue
                if len(self._between(ws, starts, m.end, nxt.start)) > 3:
                    continue
            k = bisect_left(starts, m.start)
            current = _Group([m], serving=k > 0 and ws[k - 1].norm in self.serving)
            groups.append(current)
        return [g for g in groups if any(m.kind == "party" for m in g.matches)]

    def _ours(self, ws, starts: list[int], group: _Group) -> bool:
        k = bisect_left(starts, group.start)
        return k > 0 and ws[k - 1].norm in self.own

    def _party(self, group: _Group) -> str:
        if len(group.matches) == 1:  # one party, no place: itself
            return group.matches[0].id
        reg = self.reader.registry
        parties = group.ids("party")
        places = [t for t in (reg.territorial(p) for p in group.ids("territory")) if t]
        return reg.meet(parties + places) or reg.meet(parties) or parties[-1]

    # ---------------------------------------------------------------- the reading
    def describe(self, text: str) -> Described:
        if not isinstance(text, str):
            raise ActivityError(f"describe() needs a str, not {type(text).__name__}")
        if len(text) > MAX_LENGTH:
            raise ActivityError(f"a description is at most {MAX_LENGTH} characters; this one has {len(text)}")
        reader_ = self.reader
        lex = reader_.lexicon
        ws = reader_.words(text)
        name, scope, quoted = self._quoted(text, ws)
        if quoted:  # a quoted name or scope is screened, not read as a description
            kept = []
            for k, w in enumerate(ws):
                if any(s <= w.start and w.end <= e for s, e in quoted):
                    continue
                if w.joined and (not kept or kept[-1] is not ws[k - 1]):
                    w = w._replace(joined=False)  # the word before it was quoted away
                kept.append(w)
            ws = kept
        raw = reader_.matcher.find(text, None, ws)
        matches = reader_.light(raw)
        recognised: list[Recognised] = []

        make_span, make_recognised = _MAKE_SPAN, _MAKE_RECOGNISED

        def note(field_: str, ident: str, start: int, end: int) -> None:
            span = make_span({"start": start, "end": end})
            recognised.append(make_recognised({"field": field_, "id": ident, "text": text[start:end], "span": span}))

        # parties: the actor and those served
        actor = None
        served: list[str] = []
        actor_place = None
        party_spans: list[tuple[int, int]] = []
        in_groups: set[int] = set()
        starts = [w.start for w in ws]
        groups = self._groups(text, ws, matches, starts)
        first = next((g.start for g in groups if not g.serving), len(text))
        if first > 0:
            # "Bitcoin miners operate ...", "an exchange in Beijing lets users ...": before the
            # first party named, a phrase that names an action and also a party is a party
            for k, m in enumerate(matches):
                if m.start >= first:
                    break
                if (m.kind, m.id) not in self.doubles:  # most phrases name no party too
                    continue
                key = tuple(w.norm for w in ws[bisect_left(starts, m.start) : bisect_left(starts, m.end)] if w.norm not in FILLERS)
                party = reader_.matcher.phrases.get(key, {}).get("party")
                if party is not None:
                    matches = [*matches[:k], m._replace(kind="party", id=party), *matches[k + 1 :]]
                    groups = self._groups(text, ws, matches, starts)
                    break
        # an agency named before any party and after no condition acts itself ("an
        # industry association warned ..."); after a condition it is the authority
        first_agency = next((m for m in matches if m.kind in ("agency", "conditions")), None)
        first_agency = first_agency if first_agency is not None and first_agency.kind == "agency" else None
        # the asker's own party ("our bank", "our broker's Hong Kong subsidiary") is the
        # actor of a question, wherever it stands
        own = next((g for g in groups if self._ours(ws, starts, g)), None) if ("our " in text or "Our " in text or "my " in text or "My " in text) else None
        if own is not None:
            own.serving = False
            groups = [own, *(g for g in groups if g is not own)]
        first_group = next((g for g in groups if not g.serving), None)
        agency_acts = first_agency is not None and (first_group is None or first_agency.start < first_group.start)
        if agency_acts:
            actor = first_agency.id
            note("actor", first_agency.id, first_agency.start, first_agency.end)
            in_groups.add(id(first_agency))
        for group in groups:
            in_groups.update(id(m) for m in group.matches)
            party = self._party(group)
            is_actor = actor is None and not group.serving
            if is_actor:
                actor = party
                places = group.ids("territory")
                actor_place = places[0] if places else None
            elif party not in served:
                served.append(party)
            for m in group.matches:
                note(("actor" if is_actor else "served") if m.kind == "party" else "where", m.id, m.start, m.end)
                if m.kind == "party" and m.id in self.named_objects:
                    party_spans.append((m.start, m.end))

        obj = where = None
        actions: list[str] = []
        holds: list[str] = []
        lacks: list[str] = []
        flags: list[str] = []
        pending: list | None = None  # [target list, index, condition] awaiting an authority
        for m in matches:
            if id(m) in in_groups:
                pending = None
                continue
            i = bisect_left(starts, m.start)
            before = ws[i - 1].norm if i > 0 else None
            kind = m.kind
            if kind == "agency":
                if pending is not None and before in self.authority_links:
                    target, index, cond = pending
                    target[index] = f"{cond}:{m.id}"
                    note("authority", m.id, m.start, m.end)
                else:
                    note("agency", m.id, m.start, m.end)
                pending = None
                continue
            if kind == "conditions":
                negated = any(w.norm in self.negations for w in ws[max(0, i - 3) : i])
                target = lacks if negated else holds
                target.append(m.id)
                pending = [target, len(target) - 1, m.id]
                note("lacks" if negated else "holds", m.id, m.start, m.end)
                continue
            pending = None
            if kind == "party":  # a party no group took (cannot happen, kept for safety)
                continue
            if kind == "actions":
                if m.id not in actions:
                    actions.append(m.id)
                note("actions", m.id, m.start, m.end)
            elif kind == "objects":
                if obj is None or lex.is_a("objects", m.id, obj):
                    obj = m.id  # the first named, or a kind of it named later
                note("object", m.id, m.start, m.end)
            elif kind == "territory":
                if where is None:
                    where = m.id
                note("where", m.id, m.start, m.end)
            elif kind == "qualifiers":
                if m.id not in flags:
                    flags.append(m.id)
                note("flags", m.id, m.start, m.end)
                lacking = lex.get("qualifiers", m.id).lacks  # "without authorization"
                if lacking is not None and lacking not in lacks:
                    lacks.append(lacking)
                    note("lacks", lacking, m.start, m.end)
        if obj is None:  # "a bitcoin exchange": the object its name gives
            for start, end in party_spans:
                inside = ws[bisect_left(starts, start) : bisect_left(starts, end)]
                if inside and inside[0].joined:
                    inside[0] = inside[0]._replace(joined=False)
                inner = reader_.matcher.find(text, ("objects",), inside)
                if inner:
                    obj = inner[0].id
                    break
        if not actions:
            # "tokenizes real-world assets" reads as the object "tokenization of real-world
            # assets": with no action named elsewhere, the verb that opens it is the action
            for r in [r for r in recognised if r.field == "object"]:
                first = ws[bisect_left(starts, r.span.start)]
                ident = lex.resolve("actions", text[first.start : first.end])
                if ident is not None:
                    actions.append(ident)
                    note("actions", ident, first.start, first.end)
                    break
        where = where or actor_place
        unrecognised = []
        spans = iter(raw)  # matches and words are both in text order
        span = next(spans, None)
        for w in ws:
            while span is not None and span.end <= w.start:
                span = next(spans, None)
            if span is not None and span.start <= w.start and w.end <= span.end:
                continue
            if w.norm in self.function_words or w.norm in self.negations:
                continue
            unrecognised.append(build(Unrecognised, {"text": text[w.start : w.end], "span": build(Span, {"start": w.start, "end": w.end})}))
        needs: list[str] = []
        if actor is None:
            needs.append("actor")
        if not actions:
            needs.append("actions")
        activity = None
        if actor is not None:
            activity = build(
                Activity,
                {
                    "actor": actor,
                    "actions": tuple(actions),
                    "object": obj,
                    "where": where,
                    "served": tuple(served),
                    "holds": tuple(holds),
                    "lacks": tuple(lacks),
                    "flags": tuple(flags),
                    "name": name,
                    "business_scope": scope,
                },
            )
        recognised.sort(key=_START)
        return build(
            Described,
            {"text": text, "activity": activity, "recognised": tuple(recognised), "unrecognised": tuple(unrecognised), "needs": tuple(needs)},
        )


_MAKE_SPAN = builder(Span)
_MAKE_RECOGNISED = builder(Recognised)


def _START(r: Recognised) -> int:
    return r.span.start


_DESCRIBER: list[Describer] = []


def describe(text: str) -> Described:
    """A plain-language description read into an activity (see the module docstring)."""
    if not _DESCRIBER:
        _DESCRIBER.append(Describer())
    return _DESCRIBER[0].describe(text)
