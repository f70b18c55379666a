"""Plain-language descriptions read into activities, with the same lexicon and registry
as the rules.

``describe("A mainland bank opens accounts and moves funds for a cryptocurrency
exchange")`` recognises the actor (a bank: a financial institution), the place
("mainland": within the country), the actions (account opening, fund transfer) and the
party served (a virtual currency trading platform, whose name also gives the object:
virtual currency). Every recognised phrase comes with its span; the words it did not
recognise are listed. It never guesses: a description that names no actor yields no
activity, and ``needs`` says so.

- The first party named, unless it follows "to" or "for", is the actor; a party after
  "to" or "for" (or after the actor) is one the activity serves.
- A condition ("approval", "consent", "filing", "licence") is held, or lacking when
  "without", "no", "not" or "lacks" comes just before it; an agency right after it ("of
  the PBOC") is its authority.
- The first object named is the object; an object named inside a party's name ("a
  manufacturer of bitcoin mining machines", "a cryptocurrency exchange") counts when no
  other is named.

>>> d = describe("A mainland bank opens accounts and moves funds for a cryptocurrency exchange")
>>> d.activity.actor, d.activity.actions, d.activity.object, d.activity.where, d.activity.served
('financial-institution', ('account-opening', 'fund-transfer'), 'virtual-currency', 'domestic', ('virtual-currency-platform',))
>>> describe("Opens accounts for exchanges").needs
('actor',)
"""

from __future__ import annotations

from .errors import ActivityError
from .models import Activity, Described, Recognised, Span, Unrecognised
from .reading import Reader, reader

__all__ = ["describe", "Describer"]

# A description longer than this is refused: it is no description of one activity.
MAX_LENGTH = 5000
# Words that make the condition after them one the activity lacks.
_NEGATIONS = ("without", "no", "not", "lack", "lacks", "lacking", "absence", "never")
_SERVING = ("to", "for")


class Describer:
    """Reads descriptions with one reader (the bundled lexicon and registry by default)."""

    def __init__(self, reader_: Reader | None = None) -> None:
        self.reader = reader_ or reader()
        norm = self.reader.lexicon.normalise
        self.negations = frozenset(norm(w) for w in _NEGATIONS)
        self.serving = frozenset(norm(w) for w in _SERVING)
        self.function_words = self.reader.lexicon.function_words

    def describe(self, text: str) -> Described:
        if not isinstance(text, str):
            raise ActivityError(f"describe() needs a str, not {type(text).__name__}")
        if len(text) > MAX_LENGTH:
            raise ActivityError(f"a description is at most {MAX_LENGTH} characters; this one has {len(text)}")
        ws = self.reader.words(text)
        matches = self.reader.find(text, ws=ws)
        recognised: list[Recognised] = []
        actor = obj = where = None
        actions: list[str] = []
        served: list[str] = []
        holds: list[str] = []
        lacks: list[str] = []
        flags: list[str] = []
        inner_objects: list[str] = []
        covered: list[tuple[int, int]] = []
        word_at = {w.start: i for i, w in enumerate(ws)}
        pending_condition: list | None = None  # [target list, index, kind] awaiting an authority

        def note(field: str, ident: str, start: int, end: int) -> None:
            recognised.append(Recognised.trusted(field=field, id=ident, text=text[start:end], span=Span.trusted(start=start, end=end)))

        actor_end = -1  # where the actor's words end, to join "X of Y" and "Y's X" to it
        actor_places: list[str] = []
        for m in matches:
            covered.append((m.start, m.end))
            i = word_at[m.start]
            before = ws[i - 1].norm if i > 0 else None
            kind = m.kind
            if kind == "party" and actor is not None and self._joins(text, ws, actor_end, m.start):
                # "the Hong Kong subsidiary of a mainland brokerage": one party, a kind of both
                merged = self.reader.registry.meet([actor, m.id])
                if merged is not None:
                    actor, actor_end = merged, m.end
                    note("actor", m.id, m.start, m.end)
                    continue
            if kind == "party":
                if before in self.serving or actor is not None:
                    if m.id not in served:
                        served.append(m.id)
                    note("served", m.id, m.start, m.end)
                    for inner in self.reader.find(text[m.start : m.end], ("objects",)):
                        inner_objects.append(inner.id)
                else:
                    actor, actor_end = m.id, m.end
                    note("actor", m.id, m.start, m.end)
                    for inner in self.reader.find(text[m.start : m.end], ("objects",)):
                        inner_objects.append(inner.id)
                pending_condition = None
            elif kind == "agency":
                if pending_condition is not None and before in self._authority_links():
                    target, index, cond = pending_condition
                    target[index] = f"{cond}:{m.id}"
                    note("authority", m.id, m.start, m.end)
                else:
                    note("agency", m.id, m.start, m.end)
                pending_condition = None
            elif kind == "conditions":
                negated = any(w.norm in self.negations for w in ws[max(0, i - 3) : i])
                target = lacks if negated else holds
                target.append(m.id)
                pending_condition = [target, len(target) - 1, m.id]
                note("lacks" if negated else "holds", m.id, m.start, m.end)
            else:
                pending_condition = None
                if kind == "actions":
                    if m.id not in actions:
                        actions.append(m.id)
                    note("actions", m.id, m.start, m.end)
                elif kind == "objects":
                    if obj is None or self.reader.lexicon.is_a("objects", m.id, obj):
                        obj = m.id  # the first named, or a kind of it ("a stablecoin pegged to the yuan")
                    note("object", m.id, m.start, m.end)
                elif kind == "territory":
                    if self._next_to_actor(text, ws, matches, m, actor, actor_end):
                        # "a Shenzhen company", "an exchange based abroad": where the actor is
                        actor_places.append(m.id)
                        note("where", m.id, m.start, m.end)
                        continue
                    if where is None:
                        where = m.id
                    note("where", m.id, m.start, m.end)
                elif kind == "qualifiers":
                    if m.id not in flags:
                        flags.append(m.id)
                    note("flags", m.id, m.start, m.end)
        if obj is None and inner_objects:
            obj = inner_objects[0]
        if not actions:
            # "tokenizes real-world assets" reads as the object "tokenization of real-world
            # assets": with no action named elsewhere, the verb that opens it is the action
            for r in [r for r in recognised if r.field == "object"]:
                first = ws[word_at[r.span.start]]
                ident = self.reader.lexicon.resolve("actions", text[first.start : first.end])
                if ident is not None:
                    actions.append(ident)
                    note("actions", ident, first.start, first.end)
                    break
        unrecognised = []
        for w in ws:
            if w.norm in self.function_words or w.norm in self.negations:
                continue
            if any(s <= w.start and w.end <= e for s, e in covered):
                continue
            unrecognised.append(Unrecognised.trusted(text=text[w.start : w.end], span=Span.trusted(start=w.start, end=w.end)))
        if actor is not None and actor_places:
            # "a foreign exchange", "an exchange based abroad": the party of that place; and
            # where the actor is, it acts, unless the description names another place
            place = self.reader.registry.territorial(actor_places[0])
            if place is not None:
                actor = self.reader.registry.meet([actor, place]) or actor
            where = where or actor_places[0]
        needs: list[str] = []
        if actor is None:
            needs.append("actor")
        if not actions:
            needs.append("actions")
        activity = None
        if actor is not None:
            activity = Activity.trusted(
                actor=actor,
                actions=tuple(actions),
                object=obj,
                where=where,
                served=tuple(served),
                holds=tuple(holds),
                lacks=tuple(lacks),
                flags=tuple(flags),
                name=None,
                business_scope=None,
            )
        return Described.trusted(
            text=text, activity=activity, recognised=tuple(recognised), unrecognised=tuple(unrecognised), needs=tuple(needs)
        )

    def _next_to_actor(self, text: str, ws, matches, m, actor: str | None, actor_end: int) -> bool:
        """Whether a place qualifies the actor: it stands right before the first party
        named ("a Shenzhen company", "a foreign exchange") or right after the actor, with
        only "in", "based" or "from" between ("an exchange based in Beijing")."""
        if actor is None:
            nxt = next((x for x in matches if x.start >= m.end), None)
            if nxt is None or nxt.kind != "party":
                return False
            between = [w.norm for w in ws if m.end <= w.start and w.end <= nxt.start]
            return all(w in self._join_words for w in between) and "," not in text[m.end : nxt.start]
        if actor_end < 0 or m.start < actor_end:
            return False
        between = [w.norm for w in ws if actor_end <= w.start and w.end <= m.start]
        return all(w in self._place_links for w in between) and "," not in text[actor_end : m.start]

    @property
    def _place_links(self) -> frozenset[str]:
        try:
            return self._places
        except AttributeError:
            norm = self.reader.lexicon.normalise
            self._places = frozenset(norm(w) for w in ("in", "based", "from", "of", "the", "located", "registered", "headquartered"))
            return self._places

    def _joins(self, text: str, ws, end: int, start: int) -> bool:
        """Whether only "of", "'s", fillers or a place stand between the actor's words and a
        party named after them."""
        between = text[end:start]
        if end < 0 or len(between) > 40:
            return False
        words = [w.norm for w in ws if end <= w.start and w.end <= start]
        return all(w in self._join_words for w in words) and ("," not in between and ";" not in between)

    @property
    def _join_words(self) -> frozenset[str]:
        try:
            return self._joining
        except AttributeError:
            norm = self.reader.lexicon.normalise
            self._joining = frozenset(norm(w) for w in ("of", "a", "an", "the", "its", "s"))
            return self._joining

    def _authority_links(self) -> frozenset[str]:
        try:
            return self._links
        except AttributeError:
            norm = self.reader.lexicon.normalise
            self._links = frozenset(norm(w) for w in ("of", "from", "by", "the"))
            return self._links


_DESCRIBER: list[Describer] = []


def describe(text: str) -> Described:
    """A plain-language description read into an activity (see the module docstring)."""
    if not _DESCRIBER:
        _DESCRIBER.append(Describer())
    return _DESCRIBER[0].describe(text)
