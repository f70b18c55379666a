"""An activity's words to ids: the actor and the served parties through the registry, the
actions, the object, the place, the conditions and the flags through the lexicon.

Every field accepts the project's ids and any synonym or inflection the lexicon or the
registry knows ("bank", "open accounts", "RMB stablecoins", "consent of the relevant
authorities"). An action or an object may stand with its complements ("issue bonds",
"sell USDT for yuan"): the concepts the phrase names are read, the other words are not
used. An actor or a served party is read from its phrase (see :meth:`Terms._party`). A
phrase that names no concept of its field raises :class:`~regnotice.errors.UnknownTerm`,
naming the closest phrases; so does a condition with a word no concept covers, since an
approval read wrong would be permissive.
"""

from __future__ import annotations

from typing import NamedTuple

from ..errors import UnknownTerm
from ..reading import Reader
from ..suggest import hint
from .cache import LRU

__all__ = ["Terms", "Resolved"]

# No phrase of the vocabulary is longer than this; a longer term is unknown at once.
_LONGEST_TERM = 200
#: The most words (of every field together) a checker remembers the ids of, least
#: recently used first out. A word that names nothing is not remembered.
MEMO_SIZE = 16384


class Resolved(NamedTuple):
    """An activity's terms as ids, with the lineage (the concept and its ancestors) the
    checker compares them by. (A named tuple: one is built per new activity.)"""

    actor: str
    kinds: frozenset[str]  # the actor's party type and every type it is a kind of
    actions: tuple[str, ...]
    action_lineage: frozenset[str]
    object: str | None
    object_lineage: frozenset[str]
    where: str | None
    served: tuple[str, ...]
    served_kinds: frozenset[str]
    served_descendants: frozenset[str]  # parties more specific than a served one: undecided
    holds: tuple[tuple[str, str | None], ...]  # (condition kind, authority id or None)
    lacks: tuple[tuple[str, str | None], ...]
    flags: tuple[str, ...]


class Terms:
    """Resolves the words of activities, memoised per word (bounded)."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.lexicon = reader.lexicon
        self.registry = reader.registry
        self._memo = LRU(MEMO_SIZE)  # (field, word) -> ids
        self._kinds: dict[str, frozenset[str]] = {}

    # ------------------------------------------------------------------ single words
    def _cached(self, what: str, term: str, fn):
        key = (what, term)
        found = self._memo.get(key, _MISSING)
        if found is _MISSING:
            found = fn(term)  # an unknown word raises: it is never kept
            self._memo.put(key, found)
        return found

    def party(self, term: str, what: str = "actor") -> str:
        return self._cached(what, term, lambda t: self._party(t, what))

    def _party(self, term: str, what: str) -> str:
        """A party (or, as an actor, an agency) by id or spelling, or read from a phrase:
        "crypto exchange based abroad", "a brokerage's Hong Kong subsidiary", "energy
        company in China". The phrase names the most general party that is a kind of every
        party it names and of the party of the place it names; words before the last party
        named may describe it ("energy company"), words after it must be known."""
        if len(term) > _LONGEST_TERM:
            raise UnknownTerm(f"unknown {what} {_short(term)}")
        for kind in ("party", "agency") if what == "actor" else ("party",):
            found = self.reader.resolve(kind, term)
            if found is not None:
                return found
        found = self._read_party(term, what)
        if found is None:
            names = [*self.registry.parties, *(p.name for p in self.registry.parties.values())]
            raise UnknownTerm(f"unknown {what} {_short(term)}{hint(term, names)}")
        return found

    def _read_party(self, term: str, what: str) -> str | None:
        reader, reg = self.reader, self.registry
        ws = reader.words(term)
        kinds = ("party", "agency") if what == "actor" else ("party",)
        matches = reader.find(term, (*kinds, "territory"), ws)  # "brokerage" is a party here, not a service
        named = [m for m in matches if m.kind in kinds]
        if not named:
            return None
        head = named[-1]
        after = [m for m in matches if m.start >= head.end]
        if any(m.kind not in ("territory", "party", "agency") for m in after) or _uncovered(reader, term[head.end :], [m._replace(start=m.start - head.end, end=m.end - head.end) for m in after]):
            return None
        if head.kind == "agency":
            return head.id if len(named) == 1 else None
        parties = [m.id for m in named if m.kind == "party"]
        places = [m.id for m in matches if m.kind == "territory"]
        territorial = [t for t in (reg.territorial(p) for p in places) if t]
        return reg.meet(parties + territorial) or reg.meet(parties) or head.id

    def actions(self, term: str) -> tuple[str, ...]:
        return self._cached("action", term, self._actions)

    def _actions(self, term: str) -> tuple[str, ...]:
        """The actions a phrase names: the whole phrase, or the actions named in it with
        their complements ("issue bonds", "settle funds", "sell USDT for yuan")."""
        found = self._concepts("actions", term)
        if not found and len(term) <= _LONGEST_TERM:
            found = tuple(dict.fromkeys(m.id for m in self.reader.find(term) if m.kind == "actions"))
        if not found:
            raise UnknownTerm(f"unknown action {_short(term)}{hint(term, self.lexicon.phrases('actions'))}")
        return found

    def object(self, term: str) -> str:
        return self._cached("object", term, self._object)

    def _object(self, term: str) -> str:
        """One object: the whole phrase, or the objects named in it ("company-issued token
        (LinkToken)"); several name their nearest common kind ("bitcoin, ether, USDT" are
        virtual currencies) or, with none, are an error."""
        found = self._concepts("objects", term)
        if not found and len(term) <= _LONGEST_TERM:
            matches = self.reader.find(term)
            found = tuple(dict.fromkeys(m.id for m in matches if m.kind == "objects"))
            if not found:  # "a virtual currency exchange": the object a party's name holds
                inner = [self.lexicon.find(term[m.start : m.end], ("objects",)) for m in matches if m.kind == "party"]
                found = tuple(dict.fromkeys(x.id for found_ in inner for x in found_))
        if len(found) > 1:
            common = self.lexicon.common("objects", found)
            found = (common,) if common else found
        if len(found) != 1:
            if len(found) > 1:
                raise UnknownTerm(f"object {_short(term)} names {len(found)} objects ({', '.join(found)}); give one")
            raise UnknownTerm(f"unknown object {_short(term)}{hint(term, self.lexicon.phrases('objects'))}")
        return found[0]

    def where(self, term: str) -> str:
        return self._cached("where", term, self._where)

    def _where(self, term: str) -> str:
        found = self._concepts("territory", term)
        found = found[0] if len(found) == 1 else None
        if found is None:
            raise UnknownTerm(f"unknown place {_short(term)}{hint(term, self.lexicon.phrases('territory'))}")
        return found

    def flag(self, term: str) -> str:
        return self._cached("flag", term, self._flag)

    def _flag(self, term: str) -> str:
        found = self.lexicon.resolve("qualifiers", term) if len(term) <= _LONGEST_TERM else None
        if found is None:
            raise UnknownTerm(f"unknown flag {_short(term)}{hint(term, self.lexicon.phrases('qualifiers'))}")
        return found

    def conditions(self, term: str) -> tuple[tuple[str, str | None], ...]:
        """The conditions a phrase names: one ("consent of the CAC"), or several of one
        authority ("consent and filing of the relevant departments")."""
        return self._cached("conditions", term, self._conditions)

    def _conditions(self, term: str) -> tuple[tuple[str, str | None], ...]:
        try:
            return (self._condition(term),)
        except UnknownTerm:
            if len(term) > _LONGEST_TERM or ":" in term:
                raise
        matches = self.reader.find(term, ("conditions", "agency"))
        kinds = list(dict.fromkeys(m.id for m in matches if m.kind == "conditions"))
        agencies = [m.id for m in matches if m.kind == "agency"]
        if len(kinds) < 2 or len(agencies) > 1 or _uncovered(self.reader, term, matches):
            raise UnknownTerm(f"unknown condition {_short(term)}{hint(term, self.lexicon.phrases('conditions'))}")
        return tuple((kind, agencies[0] if agencies else None) for kind in kinds)

    def condition(self, term: str) -> tuple[str, str | None]:
        return self._cached("condition", term, self._condition)

    def _condition(self, term: str) -> tuple[str, str | None]:
        """``"consent"``, ``"approval:pboc"`` or ``"approval of the People's Bank of China"``
        -> (condition kind, authority id or None)."""
        if len(term) > _LONGEST_TERM:
            raise UnknownTerm(f"unknown condition {_short(term)}")
        kind_text, colon, authority_text = term.partition(":")
        if colon:
            kind = self.lexicon.resolve("conditions", kind_text.strip())
            if kind is None:
                raise UnknownTerm(f"unknown condition {_short(kind_text)}{hint(kind_text, self.lexicon.phrases('conditions'))}")
            authority = self.reader.resolve("agency", authority_text.strip())
            if authority is None:
                names = [*self.registry.agencies, *(a.name for a in self.registry.agencies.values())]
                raise UnknownTerm(f"unknown authority {_short(authority_text)}{hint(authority_text, names)}")
            return kind, authority
        kind = self.lexicon.resolve("conditions", term)
        if kind is not None:
            return kind, None
        matches = self.reader.find(term, ("conditions", "agency"))
        kinds = [m.id for m in matches if m.kind == "conditions"]
        agencies = [m.id for m in matches if m.kind == "agency"]
        if len(kinds) != 1 or len(agencies) > 1 or _uncovered(self.reader, term, matches):
            raise UnknownTerm(f"unknown condition {_short(term)}{hint(term, self.lexicon.phrases('conditions'))}")
        return kinds[0], (agencies[0] if agencies else None)

    def _concepts(self, kind: str, term: str) -> tuple[str, ...]:
        """The concepts a term names: the whole term, or phrases covering every word of
        it ("open accounts and transfer funds")."""
        if len(term) > _LONGEST_TERM:
            return ()
        whole = self.lexicon.resolve(kind, term)
        if whole is not None:
            return (whole,)
        matches = self.reader.find(term)  # other concepts may stand beside: "lend bitcoin"
        if not any(m.kind == kind for m in matches) or _uncovered(self.reader, term, matches):
            return ()
        return tuple(dict.fromkeys(m.id for m in matches if m.kind == kind))

    def _descendants(self, served: tuple[str, ...]) -> frozenset[str]:
        """The party types more specific than one of ``served`` (memoised)."""
        if not served:
            return frozenset()
        return self._cached("descendants", served, lambda s: frozenset(p for p in self.registry.parties if set(s) & set(self.registry.ancestors(p))))

    # ------------------------------------------------------------------ an activity
    def resolve(self, activity) -> Resolved:
        lex, reg = self.lexicon, self.registry
        actor = self.party(activity.actor)
        kinds = self._kinds.get(actor)
        if kinds is None:
            kinds = self._kinds[actor] = frozenset((actor, *reg.ancestors(actor))) if actor in reg.parties else frozenset((actor,))
        if activity.served:
            served = tuple(self.party(p, "served party") for p in activity.served)
            served_kinds = frozenset(k for p in served for k in (p, *reg.ancestors(p)))
            descendants = self._descendants(served)
        else:
            served, served_kinds, descendants = (), _NONE, _NONE
        terms = activity.actions
        if len(terms) == 1:
            actions = self.actions(terms[0])
        else:
            found: list[str] = []
            for term in terms:
                found += [i for i in self.actions(term) if i not in found]
            actions = tuple(found)
        lineage = lex.lineage
        if len(actions) == 1:
            action_lineage = lineage("actions", actions[0])
        else:
            action_lineage = frozenset().union(*(lineage("actions", ident) for ident in actions))
        obj = self.object(activity.object) if activity.object is not None else None
        return Resolved(
            actor,
            kinds,
            actions,
            action_lineage,
            obj,
            lineage("objects", obj) if obj else _NONE,
            self.where(activity.where) if activity.where is not None else None,
            served,
            served_kinds,
            descendants,
            tuple(c for term in activity.holds for c in self.conditions(term)) if activity.holds else (),
            self._lacks(activity),
            tuple(self.flag(f) for f in activity.flags) if activity.flags else (),
        )

    def _lacks(self, activity) -> tuple[tuple[str, str | None], ...]:
        """The conditions lacking: those named, and those a flag says ("unauthorized")."""
        out = [c for term in activity.lacks for c in self.conditions(term)] if activity.lacks else []
        for term in activity.flags:
            lacking = self.lexicon.get("qualifiers", self.flag(term)).lacks
            if lacking is not None and (lacking, None) not in out:
                out.append((lacking, None))
        return tuple(out)


_NONE: frozenset[str] = frozenset()
_MISSING = object()


def _uncovered(reader: Reader, term: str, matches) -> bool:
    """Whether a word of ``term`` other than a joining word lies outside every match."""
    spans = [(m.start, m.end) for m in matches]
    ignore = reader.lexicon.function_words
    for w in reader.words(term):
        if w.norm in _JOINERS or w.norm in ignore:
            continue
        if not any(s <= w.start and w.end <= e for s, e in spans):
            return True
    return False


_JOINERS = frozenset({"a", "an", "the", "of", "and", "or", "to", "for", "from", "by", "in", "with", "on"})


def _short(term: object, limit: int = 60) -> str:
    text = str(term)
    return repr(text if len(text) <= limit else text[:limit] + "...")
