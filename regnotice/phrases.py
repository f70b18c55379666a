"""Phrase matching: where the phrases of a vocabulary occur in a text, with spans.

The one mechanism that turns words into concept ids, for the lexicon (actions, objects,
territory, qualifiers, conditions) and for the registry's spellings of agencies and
parties alike. A phrase is compared word by word through a normaliser (the lexicon's:
lower case, its own inflections, then the Snowball English stemmer), so "open accounts",
"opening of an account" and "account-opening" are one phrase. The filler words a, an, the
and of are skipped inside a phrase; hyphens, underscores and slashes join words like
spaces, and any other punctuation ends a phrase.

Matches are longest first, left to right, and never overlap: in "virtual currency trading
platforms" a party's four words win over the object's two.

>>> m = PhraseMatcher([("open account", "action", "account-opening")], str.lower)
>>> [(x.id, x.start, x.end) for x in m.find("It opens an Account.")]
[]
>>> m = PhraseMatcher([("opens account", "action", "account-opening")], str.lower)
>>> [(x.id, x.start, x.end) for x in m.find("It opens an Account.")]
[('account-opening', 3, 19)]
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, NamedTuple

__all__ = ["PhraseMatcher", "Match", "Word", "words", "FILLERS"]

FILLERS = frozenset({"a", "an", "the", "of"})
# A word: letters and digits (an apostrophe inside is kept: "people's"; a soft hyphen is
# dropped from its normal form: "regu\u00adlation" is "regulation").
_WORD = re.compile(r"[^\W_]+(?:['’\u00ad][^\W_]+)*")  # a soft hyphen (pasted from Word) stays inside its word
# What may stand between two words of one phrase.
_JOIN = re.compile(r"[\s\-_/\u2010-\u2013]*")
# Longest text a phrase search reads, in words, and the longest phrase.
_MAX_PHRASE = 12


class Word(NamedTuple):
    """A word of a text: its normal form, its span, and whether it is joined to the word
    before it (no punctuation between)."""

    norm: str
    start: int
    end: int
    joined: bool


class Match(NamedTuple):
    """A phrase found in a text: the kind and id of its concept and its span."""

    kind: str
    id: str
    start: int
    end: int


def words(text: str, normalise: Callable[[str], str], base: int = 0) -> list[Word]:
    """The words of ``text``, normalised, each with its span (offset by ``base``)."""
    found = list(_WORD.finditer(text))
    if not found:
        return []
    memo = getattr(normalise, "memo", None)
    tokens = [m.group() for m in found]
    if "\u00ad" in text:
        tokens = [w.replace("\u00ad", "") for w in tokens]
    if memo is not None:
        get = memo.get
        norms = [get(w) or normalise(w) for w in tokens]
    else:
        norms = [normalise(w) for w in tokens]
    out: list[Word] = []
    append = out.append
    new = tuple.__new__  # a NamedTuple's own __new__ is a Python function: 3x slower
    join = _JOIN.fullmatch
    last = None
    for m, norm in zip(found, norms):
        start, end = m.span()
        if last is None:
            joined = False
        elif start - last == 1 and text[last] == " ":  # the common case, without a regex
            joined = True
        else:
            joined = join(text, last, start) is not None
        append(new(Word, (norm, start + base, end + base, joined)))
        last = end
    return out


class PhraseMatcher:
    """A trie of phrases (sequences of normalised words, fillers skipped) to
    ``(kind, id)`` entries.

    Entries are ``(phrase, kind, id)``. One phrase may name entries of several kinds (the
    registry's "exchange" and the lexicon's are different things); ``find`` takes the
    kinds it wants.

    ``keys``: the keys (:meth:`key`) of phrases already known for this ``normalise``,
    read and filled in. Matchers of one normaliser that share it compute each key once
    (the lexicon's matcher and the reader's hold the same 1,700 phrases), and prebuilt
    keys spare the work altogether (some 10 ms of a cold ``check``).
    """

    def __init__(
        self, entries: Iterable[tuple[str, str, str]], normalise: Callable[[str], str], keys: dict[str, tuple[str, ...]] | None = None
    ) -> None:
        self.normalise = normalise
        self.root: dict = {}
        self.phrases: dict[tuple[str, ...], dict[str, str]] = {}  # key -> kind -> id
        known = {} if keys is None else keys
        for phrase, kind, ident in entries:
            key = known.get(phrase)
            if key is None:
                key = known[phrase] = self.key(phrase)
            if not key:
                continue
            found = self.phrases.setdefault(key, {})
            if found.get(kind, ident) != ident:
                raise ValueError(f"the phrase {phrase!r} names both {found[kind]!r} and {ident!r} ({kind})")
            found[kind] = ident
            node = self.root
            for w in key:
                node = node.setdefault(w, {})
            node[None] = found

    def key(self, phrase: str) -> tuple[str, ...]:
        """The normal form a phrase is compared in: its words, normalised, fillers out."""
        return tuple(w.norm for w in words(phrase, self.normalise) if w.norm not in FILLERS)[:_MAX_PHRASE]

    def lookup(self, phrase: str, kind: str) -> str | None:
        """The id of ``kind`` that the whole of ``phrase`` names, or None."""
        found = self.phrases.get(self.key(phrase))
        return found.get(kind) if found else None

    def find(self, text: str, kinds: Iterable[str] | None = None, ws: list[Word] | None = None) -> list[Match]:
        """Every phrase of the wanted ``kinds`` in ``text``, longest first, left to right,
        never overlapping. Pass ``ws`` (from :func:`words`) to reuse a word list."""
        wanted = None if kinds is None else frozenset(kinds)
        ws = words(text, self.normalise) if ws is None else ws
        out: list[Match] = []
        root = self.root
        new = tuple.__new__
        i, n = 0, len(ws)
        while i < n:
            node = root.get(ws[i][0])  # no phrase opens with a filler: the trie has none at its root
            if node is None:
                i += 1
                continue
            best: tuple[int, str, str] | None = None
            j = i
            limit = min(n, i + 2 * _MAX_PHRASE)
            while True:
                entry = node.get(None)
                if entry:
                    if wanted is None:
                        kind, ident = next(iter(entry.items()))
                        best = (j, kind, ident)
                    else:
                        for kind, ident in entry.items():
                            if kind in wanted:
                                best = (j, kind, ident)
                                break
                j += 1
                # the next word of the phrase: fillers inside a phrase are skipped
                while j < limit and ws[j][3] and ws[j][0] in FILLERS:
                    j += 1
                if j >= limit or not ws[j][3]:
                    break
                node = node.get(ws[j][0])
                if node is None:
                    break
            if best is None:
                i += 1
                continue
            j, kind, ident = best
            out.append(new(Match, (kind, ident, ws[i][1], ws[j][2])))
            i = j + 1
        return out
