"""Reading concepts out of words: one phrase matcher over the lexicon and the registry.

The extractor reads the facts of a rule from its parts with it, and ``describe`` reads
an activity from a user's sentence with it; both see the same vocabulary, longest phrase
first, so "domestic entities" is a party and not the territory "domestic", and
"intermediary institutions" is a party and not the service "intermediary".

>>> r = reader()
>>> [(m.kind, m.id) for m in r.find("Overseas entities provide services to domestic entities")]
[('party', 'overseas-entity'), ('actions', 'service'), ('party', 'domestic-entity')]
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from .agencies import Registry, registry
from .errors import RuleFileError
from .lexicon import LIGHT, Lexicon, lexicon
from .phrases import Match, PhraseMatcher, Word, words

__all__ = ["Reader", "reader"]


class Reader:
    """The lexicon's concepts and the registry's agencies and parties, in one matcher."""

    def __init__(self, lex: Lexicon, reg: Registry) -> None:
        self.lexicon = lex
        self.registry = reg
        entries = [(p, kind, c.id) for kind, section in lex.concepts.items() for c in section.values() for p in c.phrases]
        entries += [(p, LIGHT, c.id) for section in lex.concepts.values() for c in section.values() for p in c.light]
        for kind, table in (("agency", reg.agencies), ("party", reg.parties)):
            for entry in table.values():
                entries += [(s, kind, entry.id) for s in entry.spellings]
        try:
            self.matcher = PhraseMatcher(entries, lex.normalise, lex.phrase_keys)
        except ValueError as exc:  # one phrase, stemmed, names two entries of one kind
            raise RuleFileError(f"{reg.source} and {lex.source}: {exc}") from None

    def words(self, text: str) -> list[Word]:
        return self.lexicon.words(text)

    def words_at(self, text: str, base: int) -> list[Word]:
        """The words of ``text`` with spans offset by ``base`` (its place in a source)."""
        return words(text, self.lexicon.normalise, base)

    def find(self, text: str, kinds: Iterable[str] | None = None, ws: list[Word] | None = None) -> list[Match]:
        """The concepts, agencies and parties ``text`` names, longest first, with spans.
        A light verb ("provide", "engage in") counts as its action only where no other
        action is named after it before the next light verb; otherwise it is left out."""
        return self.light(self.matcher.find(text, kinds, ws))

    @staticmethod
    def light(found: list[Match]) -> list[Match]:
        """Matches with each light verb made its action, or left out where an action is
        named after it before the next light verb (see :meth:`find`)."""
        if not any(m.kind == LIGHT for m in found):
            return found
        out = []
        for i, m in enumerate(found):
            if m.kind != LIGHT:
                out.append(m)
                continue
            # the light verb's own phrase runs to the next light verb: an action named
            # there is what it means ("conducting insurance business" is insurance)
            named = False
            for later in found[i + 1 :]:
                if later.kind == LIGHT:
                    break
                if later.kind == "actions":
                    named = True
                    break
            if not named:
                out.append(Match("actions", m.id, m.start, m.end))
        return out

    def resolve(self, kind: str, phrase: str) -> str | None:
        """The id of ``kind`` the whole phrase names (exact registry spellings first)."""
        if kind in ("party", "agency"):
            table = self.registry.parties if kind == "party" else self.registry.agencies
            if phrase in table:
                return phrase
            found = self.registry.resolve(phrase)
            if found in table:
                return found
            return self.matcher.lookup(phrase, kind)
        return self.lexicon.resolve(kind, phrase)


@lru_cache(maxsize=1)
def reader() -> Reader:
    """The reader of the bundled lexicon and registry."""
    return Reader(lexicon(), registry())
