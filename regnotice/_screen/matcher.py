"""The term matcher: a compiled screener for a list of forbidden terms, and its hits.

See :mod:`regnotice.screening` for the matching rules (case, separators, plurals,
whole-word acronyms) and the speed design.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping, Sequence

from ..errors import RuleFileError
from ..yamlio import load_yaml

__all__ = ["FIELDS", "Hit", "RuleRef", "Screener", "term_spellings", "TERMS_FILE"]

#: The fields that can be screened.
FIELDS = ("name", "business_scope", "ad")

TERMS_FILE = Path(__file__).resolve().parent.parent / "terms.yaml"
LOOKALIKES_FILE = Path(__file__).resolve().parent.parent / "lookalikes.yaml"

# Separators between the words of a term: whitespace, hyphens and dashes, underscores.
_SEP = r"[\s_\-\u2010-\u2015]*"
# What may not touch a short term: Latin letters (with IGNORECASE, both cases) and digits.
_WORDCHAR = "0-9a-z\u00c0-\u024f"
# A short term is at most this long (or written in capitals).
_SHORT = 4
# Anchors shorter than this are used only when a term offers no longer stem.
_ANCHOR_LEN = 6


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class RuleRef:
    """A rule a hit cites: its id, clause ordinal and marker, and its verbatim quote."""

    rule_id: str
    clause: int
    marker: str
    quote: str

    @classmethod
    def of(cls, rule) -> "RuleRef":
        return cls(rule.id, rule.clause, rule.marker, rule.quote)

    def to_dict(self) -> dict:
        return {"rule_id": self.rule_id, "clause": self.clause, "marker": self.marker, "quote": self.quote}


@dataclass(frozen=True)
class Hit:
    """One occurrence of a term: ``term`` as the rule (or the term list) writes it,
    ``text`` as matched, ``[start, end)`` in the screened text, and what it cites.

    A term of the notice cites its rule: ``clause`` ordinal, ``marker``, ``rule_id``
    and verbatim ``quote``; ``also`` holds further rules the hit cites. A term of a
    user's own list (``regnotice screen --terms FILE``) cites no rule (those four are
    ``None``) but its entry of the list: ``term_id``, ``category`` and ``note`` as the
    list gives them, and ``source``, the list's name.

    A frozen dataclass, not a pydantic model: a hit is built in the hot loop of batch
    screening, where a validated pydantic model costs microseconds. The screener fills
    its ``__dict__`` directly (twice as fast as the frozen ``__init__``); the fields
    are in the order of the class, so equality, hashing and ``repr`` are the usual
    ones. ``to_dict`` gives its JSON form.
    """

    term: str
    text: str
    start: int
    end: int
    clause: int | None
    marker: str | None
    rule_id: str | None
    quote: str | None
    also: tuple[RuleRef, ...] = ()
    #: found only by reading letters of other scripts (a Cyrillic "С") or accented ones as
    #: the Latin letters they look like
    lookalike: bool = False
    #: of a term from a user's list: its id, category and note, and the list's name
    term_id: str | None = None
    category: str | None = None
    note: str | None = None
    source: str | None = None

    def to_dict(self, quotes: bool = True) -> dict:
        """The JSON form. ``quotes=False``: the compact form of batch output, which
        names the rules by id only (``rule_id``, and ``also`` as a list of ids), with
        no clause, marker or quote. ``lookalike`` and the term-list fields appear only
        when set."""
        out = {"term": self.term, "text": self.text, "start": self.start, "end": self.end}
        if quotes:
            out.update(clause=self.clause, marker=self.marker, rule_id=self.rule_id, quote=self.quote)
            out["also"] = [ref.to_dict() for ref in self.also]
        else:
            out["rule_id"] = self.rule_id
            out["also"] = [ref.rule_id for ref in self.also]
        if self.lookalike:
            out["lookalike"] = True
        for key in ("term_id", "category", "note", "source"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


# ---------------------------------------------------------------------------- patterns


def _word(word: str, plural: bool) -> tuple[str, str]:
    """The pattern of one (lowercase) word, and its stem: the part every spelling has."""
    for suffix in ("ization", "isation"):
        if word.endswith(suffix) and len(word) > len(suffix):
            stem = word[: -len(suffix) + 1]  # "tokeni"
            return re.escape(stem) + "[sz]ation" + ("s?" if plural else ""), stem
    if plural and len(word) > 2 and word.endswith("y") and word[-2] not in "aeiou":
        stem = word[:-1]
        return re.escape(stem) + "(?:y|ies)", stem
    if plural and not word.endswith("s"):
        return re.escape(word) + "s?", word
    return re.escape(word), word


def _split(text: str) -> list[str]:
    return [w for w in re.split(r"[\s_\-\u2010-\u2015]+", text.strip().lower()) if w]


def _term_pattern(term: str, spelling: Mapping) -> tuple[list[tuple[str, str]], list[list[str]]]:
    """The alternatives of a term, each as ``(literal, pattern)``: the pattern matches
    one spelling and starts with the (lowercase) literal. Also, per alternative, its
    stems: substrings every match of it contains, lowercased."""
    words = _split(term)
    hint = spelling.get("words")
    if hint and "".join(_split(hint)) == "".join(words):
        words = _split(hint)
    if not words:
        raise ValueError(f"cannot screen for an empty term {term!r}")
    if len(words) == 1 and (len(words[0]) <= _SHORT or term.strip().isupper()):
        (w,) = words
        alternatives = [(w, f"(?<![{_WORDCHAR}]){re.escape(w)}s?(?![{_WORDCHAR}])")]
        stems = [[w]]
    else:
        parts = [_word(w, plural=i > 0 or len(words) == 1) for i, w in enumerate(words)]
        english = [s for _, s in parts]
        alternatives = [(english[0], "".join(p for p, _ in parts))]
        stems = [english]
        if len(parts) > 1:
            # Written as one word ("stablecoins") a term matches inside a word; written
            # with separators ("stable coins") it must start a word (not "Constable Coins").
            alternatives.append((english[0], f"(?<![{_WORDCHAR}])" + _SEP.join(p for p, _ in parts)))
            stems.append(english)
    for z in spelling.get("zh", ()):
        if z:
            # lowercased only when ASCII: "İ".lower() is two characters, and would no
            # longer match "İ" case-insensitively
            z = z.lower() if z.isascii() else z
            alternatives.append((z.lower(), re.escape(z)))
            stems.append([z.lower()])
    return alternatives, stems


def _ascii_matchable(text: str) -> bool | None:
    """Whether ``text`` can match ASCII text case-insensitively: ``True`` when it is
    ASCII, ``False`` when a character of it matches no ASCII letter, ``None`` when every
    character does but some are not ASCII ("ſ" matches "s", the Kelvin sign "k")."""
    if text.isascii():
        return True
    for ch in text:
        if not ch.isascii() and not any(re.fullmatch(re.escape(ch), a, re.IGNORECASE) for a in _ASCII_LETTERS):
            return False
    return None


_ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _anchors(stems: list[list[str]]) -> tuple[str, ...] | None:
    """Few substrings, at least one in every spelling that can match ASCII text (a cover
    of the spellings by their stems). Stems of ``_ANCHOR_LEN`` characters or more are
    preferred ("asset" and "coin" are common in clean names), then those that cover more
    spellings, then longer ones. ``None`` when a spelling could match ASCII text through
    a non-ASCII character: no ASCII fast path then."""
    todo = set()
    for i, spelling in enumerate(stems):
        matchable = _ascii_matchable("".join(spelling))
        if matchable is None:
            return None
        if matchable:
            todo.add(i)
    chosen: list[str] = []
    while todo:
        best, best_key, best_cover = "", None, set()
        for i in sorted(todo):
            for stem in stems[i]:
                cover = {j for j in todo if any(stem in s for s in stems[j])}
                key = (min(len(stem), _ANCHOR_LEN), len(cover), len(stem))
                if best_key is None or key > best_key:
                    best, best_key, best_cover = stem, key, cover
        chosen.append(best)
        todo -= best_cover
    return tuple(a for a in chosen if not any(b != a and b in a for b in chosen))


def _fast(anchors: tuple[str, ...] | None, slow_ascii: Callable, slow: Callable) -> Callable[[str], tuple]:
    """``screen(text)``: for an ASCII text, ``()`` at once when its lowercase holds no
    anchor, else ``slow_ascii(text, lowercase)``; any other text goes to ``slow``.
    The ``in`` tests are inlined in one generated function (a loop over the anchors
    costs about a third more); the anchors are string literals made by ``repr``."""
    if anchors is None:
        return _folding(slow, slow)
    # No anchors: no spelling can match ASCII text (no terms, or only Chinese ones).
    absent = " and ".join(f"{a!r} not in low" for a in anchors) or "True"
    source = (
        "def screen(text):\n"
        "    if text.isascii():\n"
        "        low = text.lower()\n"
        f"        if {absent}:\n"
        "            return ()\n"
        "        return slow_ascii(text, low)\n"
        "    return folded(text)\n"
    )
    namespace: dict = {"slow_ascii": slow_ascii}
    exec(compile(source, "<regnotice.screening>", "exec"), namespace)
    namespace["folded"] = _folding(namespace["screen"], slow)
    return namespace["screen"]


# Full-width forms of ASCII (U+FF01..FF5E) and the ideographic space, folded one
# character for one, as NFKC folds them: "ＲＷＡ科技" screens as "RWA科技".
_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@lru_cache(maxsize=1)
def _lookalikes() -> dict[int, int]:
    """Letters that look Latin (``lookalikes.yaml``) and accented Latin letters (their
    base letter, from the Unicode decomposition), each to one ASCII letter."""
    import unicodedata

    table: dict[int, int] = {}
    for cp in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(cp))[0]
        if base.isascii() and base.isalpha() and base != chr(cp):
            table[cp] = ord(base)
    data = load_yaml(LOOKALIKES_FILE) or {}
    for script, letters in data.items():
        if not isinstance(letters, dict):
            raise RuleFileError(f"{LOOKALIKES_FILE}: {script}: expected a mapping of letters")
        for ch, latin in letters.items():
            if not (isinstance(ch, str) and len(ch) == 1 and isinstance(latin, str) and len(latin) == 1 and latin.isascii()):
                raise RuleFileError(f"{LOOKALIKES_FILE}: {script}: {ch!r}: expected one letter mapped to one ASCII letter")
            table[ord(ch)] = ord(latin)
    return table


def _folding(screen: Callable, slow: Callable) -> Callable:
    """``slow`` for a text with nothing to fold; otherwise ``screen`` of its folded copy
    (full-width forms and look-alike letters as the ASCII they stand for, one character
    for one, so every span is a span of the original), each hit's text taken from the
    original, and flagged ``lookalike`` where a look-alike letter made it."""
    lookalikes = _lookalikes()

    def folded(text: str) -> tuple:
        exact = slow(text)  # the terms as written (a term may itself hold an accent: "café")
        wide = text.translate(_FULL_WIDTH)
        flat = wide.translate(lookalikes)
        if flat == text:
            return exact
        taken = [(h.start, h.end) for h in exact]
        out = list(exact)
        for h in screen(flat):
            if any(h.start < end and start < h.end for start, end in taken):
                continue  # found as written already
            out.append(dataclasses.replace(h, text=text[h.start : h.end], lookalike=wide[h.start : h.end] != flat[h.start : h.end]))
        return tuple(sorted(out, key=lambda h: h.start)) if len(out) > len(exact) else exact

    return folded


class Screener:
    """A compiled screen for a list of terms; the hits cite ``cite`` (and ``also``).

    ``screen(text)`` returns a tuple of :class:`Hit` (``()`` when clean). ``text``
    must be a ``str``. Build one from a rule with :meth:`from_rule`.

    >>> from regnotice.screening import RuleRef, Screener
    >>> s = Screener(["moon token"], RuleRef("x/1/1", 1, "(1)", "No moon tokens."), spellings={})
    >>> [(h.term, h.text) for h in s.screen("Moon-Tokens Ltd")]
    [('moon token', 'Moon-Tokens')]

    ``pattern`` is the whole screen as one regular expression (one group per term);
    ``screen`` finds exactly its ``finditer`` matches, faster: Python's ``re`` scans
    an alternation of plain words quickly, and an alternation of patterns slowly (some
    10 us for a 30-character name). So ``screen`` searches for the words every
    alternative starts with (``virtual``, ``crypto``, ``stable``, ``real``, ``rwa``,
    the Chinese terms), and tries, where one is found, only the alternatives that
    start with it.
    """

    __slots__ = ("terms", "cite", "also", "spellings", "pattern", "anchors", "screen")

    def __init__(
        self,
        terms: Sequence[str],
        cite: RuleRef,
        also: Sequence[RuleRef] = (),
        spellings: Mapping[str, Mapping] | None = None,
    ) -> None:
        if spellings is None:
            spellings = term_spellings()
        self.terms = tuple(terms)
        self.cite = cite
        self.also = tuple(also)
        # the spellings of these terms only: what a copy in another process is rebuilt from
        self.spellings = {t: dict(spellings[t]) for t in self.terms if t in spellings}
        alternatives, stems = [], []
        for term in self.terms:
            term_alternatives, term_stems = _term_pattern(term, spellings.get(term, {}))
            alternatives.append(term_alternatives)
            stems.extend(term_stems)
        # One capturing group per term, nothing else captures: m.lastindex is the term.
        groups = ["(" + "|".join(p for _, p in alts) + ")" for alts in alternatives]
        self.pattern = re.compile("|".join(groups) or "(?!)", re.IGNORECASE)
        self.anchors = _anchors(stems) if self.terms else ()
        self.screen: Callable[[str], tuple[Hit, ...]] = _fast(
            self.anchors, self._make_slow(alternatives, ascii=True), self._make_slow(alternatives, ascii=False)
        )

    def _make_slow(self, alternatives: list[list[tuple[str, str]]], ascii: bool) -> Callable:
        """The full scan. ``ascii``: for ASCII text, matched case-sensitively on its
        lowercase (same length, same positions; some three times faster than
        ``re.IGNORECASE``), with only the ASCII literals. Otherwise case-insensitive
        on the text itself."""
        # The literals, longest first: at a position the search reports the longest
        # literal found there. Every literal found at a position is a prefix of that
        # one, so its sub-pattern holds the alternatives of all of them, in term order.
        literals = {lit for alts in alternatives for lit, _ in alts if lit.isascii() or not ascii}
        literals = sorted(literals, key=lambda x: (-len(x), x))
        flags = 0 if ascii else re.IGNORECASE
        if ascii:
            opens = str.startswith
        else:  # case-insensitively, as the search: "ſ" opens "S"
            def opens(literal: str, lit: str) -> bool:
                return re.match(re.escape(lit), literal, re.IGNORECASE) is not None
        subs = []
        for literal in literals:
            groups, owners = [], []
            for index, alts in enumerate(alternatives):
                mine = [p for lit, p in alts if opens(literal, lit)]
                if mine:
                    groups.append("(" + "|".join(mine) + ")")
                    owners.append(self.terms[index])
            subs.append((re.compile("|".join(groups), flags).match, tuple(owners)))
        c = self.cite
        constant = {"clause": c.clause, "marker": c.marker, "rule_id": c.rule_id, "quote": c.quote, "also": self.also}
        new, set_dict = object.__new__, object.__setattr__
        if ascii:
            # Case-sensitive: the literal found is the key of its sub-pattern, and a
            # search without groups is some three times faster than one with.
            by_literal = dict(zip(literals, subs))
            search = re.compile("|".join(map(re.escape, literals)) or "(?!)").search
        else:
            search = re.compile("|".join(f"({re.escape(lit)})" for lit in literals) or "(?!)", flags).search

        def slow(text: str, low: str | None = None) -> tuple[Hit, ...]:
            scanned = text if low is None else low
            hits = []
            pos = 0
            while True:
                found = search(scanned, pos)
                if found is None:
                    return tuple(hits)
                at = found.start()
                match, owners = by_literal[found.group()] if ascii else subs[found.lastindex - 1]
                m = match(scanned, at)
                if m is None:
                    pos = at + 1
                    continue
                pos = m.end()
                # Hit(...) without its __init__: a frozen dataclass sets each field
                # through object.__setattr__, twice as slow as one __dict__.
                hit = new(Hit)
                set_dict(hit, "__dict__", {"term": owners[m.lastindex - 1], "text": text[at:pos], "start": at, "end": pos, **constant})
                hits.append(hit)

        return slow

    @classmethod
    def from_rule(
        cls,
        rule,
        cite: Sequence = (),
        spellings: Mapping[str, Mapping] | None = None,
    ) -> "Screener":
        """The screener for the ``terms`` of ``rule`` (a ``Prohibition``). Hits cite
        the first rule of ``cite`` and list the others in ``also``; with no ``cite``
        they cite ``rule`` itself."""
        refs = [RuleRef.of(r) for r in (cite or (rule,))]
        return cls(rule.terms, refs[0], refs[1:], spellings)

    def __reduce__(self):
        """Pickled as what it is built from, and rebuilt on loading: a screener ships to
        ``multiprocessing``, Dask or Spark workers with the standard library's pickle."""
        return (Screener, (self.terms, self.cite, self.also, self.spellings))

    def __repr__(self) -> str:
        return f"Screener(terms={self.terms!r}, cite={self.cite.rule_id!r}, anchors={self.anchors!r})"


@lru_cache(maxsize=1)
def term_spellings() -> dict[str, dict]:
    """``terms.yaml``: per English term, its Chinese equivalents (``zh``) and where a
    one-word term may be split (``words``)."""
    data = load_yaml(TERMS_FILE) or {}
    if not isinstance(data, dict):
        raise RuleFileError(f"{TERMS_FILE}: expected a mapping of terms")
    out = {}
    for term, entry in data.items():
        entry = {} if entry is None else entry
        if (
            not isinstance(entry, dict)
            or set(entry) - {"zh", "words"}
            or not isinstance(entry.get("zh", []), list)
            or not isinstance(entry.get("words", ""), str)
        ):
            raise RuleFileError(f"{TERMS_FILE}: term {term!r}: expected zh (a list of strings) and words (a string)")
        out[str(term)] = {"zh": tuple(map(str, entry.get("zh", ()))), "words": entry.get("words")}
    return out
