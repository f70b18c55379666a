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
# Written so that no character class mixes Latin-1 and other characters: Python's re
# compiles such a class into a 64k-entry map (some 0.2 ms a class), and the automaton
# engine compiles a sub-pattern for each literal it meets. The dashes are a lookahead
# before ".", so the parser does not merge the two classes into one.
_SEP = r"(?:[\s_\-]|(?=[\u2010-\u2015]).)*"
# What may not touch a short term: Latin letters (with IGNORECASE, both cases) and digits.
_NOT_AFTER_WORD = "(?<![0-9a-z])(?<![\u00c0-\u024f])"
_NOT_BEFORE_WORD = "(?![0-9a-z])(?![\u00c0-\u024f])"
_LATIN = re.compile("[0-9a-z\u00c0-\u024f]", re.IGNORECASE)
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


def _lower(text: str) -> str:
    """Lowercase, one character for one: "İ".lower() is two characters ("i" and a
    combining dot) that no longer match "İ"; such a letter is kept as it is, and
    matched case-insensitively."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def _split(text: str) -> list[str]:
    return [w for w in re.split(r"[\s_\-\u2010-\u2015]+", _lower(text.strip())) if w]


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
    if not _LATIN.search("".join(words)):
        # no Latin letter or digit (a Chinese term): matched as written, touching anything,
        # with any separators between its words; no plurals
        alternatives = [(words[0], _SEP.join(map(re.escape, words)))]
        stems = [list(words)]
    elif len(words) == 1 and (len(words[0]) <= _SHORT or term.strip().isupper()):
        (w,) = words
        alternatives = [(w, f"{_NOT_AFTER_WORD}{re.escape(w)}s?{_NOT_BEFORE_WORD}")]
        stems = [[w]]
    else:
        parts = [_word(w, plural=i > 0 or len(words) == 1) for i, w in enumerate(words)]
        english = [s for _, s in parts]
        alternatives = [(english[0], "".join(p for p, _ in parts))]
        stems = [english]
        if len(parts) > 1:
            # Written as one word ("stablecoins") a term matches inside a word; written
            # with separators ("stable coins") it must start a word (not "Constable Coins").
            alternatives.append((english[0], _NOT_AFTER_WORD + _SEP.join(p for p, _ in parts)))
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
        # The terms as written (a term may itself hold an accent: "café"), in the text
        # with its full-width forms folded: "ＲＷＡＢ" is "RWAB", no whole-word "RWA".
        wide = text.translate(_FULL_WIDTH)
        if wide == text:
            exact = slow(text)
        else:
            exact = tuple(dataclasses.replace(h, text=text[h.start : h.end]) for h in slow(wide))
        flat = wide.translate(lookalikes)
        if flat == wide:
            return exact
        taken = [(h.start, h.end) for h in exact]
        out = list(exact)
        for h in screen(flat):
            if any(h.start < end and start < h.end for start, end in taken):
                continue  # found as written already
            out.append(dataclasses.replace(h, text=text[h.start : h.end], lookalike=wide[h.start : h.end] != flat[h.start : h.end]))
        return tuple(sorted(out, key=lambda h: h.start)) if len(out) > len(exact) else exact

    return folded


#: Lists of up to this many terms use the regex engine (anchors inlined as ``in`` tests);
#: longer ones the automaton, whose build time grows linearly with the list.
SMALL_LIST = 16
ENGINES = ("regex", "automaton")
_RULE_FIELDS = ("clause", "marker", "rule_id", "quote")


def _citing(cite: "RuleRef | None", also: Sequence[RuleRef]) -> dict:
    """The fields every hit of a term carries: the rule it cites (or ``None``s)."""
    if cite is None:
        return {"clause": None, "marker": None, "rule_id": None, "quote": None, "also": tuple(also)}
    return {"clause": cite.clause, "marker": cite.marker, "rule_id": cite.rule_id, "quote": cite.quote, "also": tuple(also)}


class Screener:
    """A compiled screen for a list of terms; each hit cites its term's rule (``cite``,
    and ``also``) or, for a term of a user's list, its entry (``meta``).

    ``screen(text)`` returns a tuple of :class:`Hit` (``()`` when clean). ``text``
    must be a ``str``. Build one from a rule with :meth:`from_rule`, from a user's list
    with :meth:`from_entries`, and join several with :meth:`combine`.

    >>> from regnotice.screening import RuleRef, Screener
    >>> s = Screener(["moon token"], RuleRef("x/1/1", 1, "(1)", "No moon tokens."), spellings={})
    >>> [(h.term, h.text) for h in s.screen("Moon-Tokens Ltd")]
    [('moon token', 'Moon-Tokens')]

    ``pattern`` is the whole screen as one regular expression (one group per term);
    ``screen`` finds exactly its ``finditer`` matches, faster. Python's ``re`` scans
    an alternation of plain words quickly, and an alternation of patterns slowly (some
    10 us for a 30-character name). So ``screen`` looks for the *literals*, the words
    every alternative starts with (``virtual``, ``crypto``, ``stable``, ``real``,
    ``rwa``, the Chinese terms), and tries, where one is found, only the alternatives
    that start with it. Two engines find the literals (``engine``):

    - ``"regex"`` (lists of up to :data:`SMALL_LIST` terms): an ASCII text whose
      lowercase holds none of a few *anchors* (``in`` tests inlined in one generated
      function) is clean at once; the rest are searched with one alternation of the
      literals. The anchors are a greedy cover of the terms' stems: quadratic in the
      number of terms, a few milliseconds for a short list.
    - ``"automaton"``: an Aho-Corasick automaton (pyahocorasick) over the literals,
      case-folded as ``re.IGNORECASE`` folds them (one character for one, so the
      positions are the text's), built in time linear in the list; the sub-pattern of
      a literal is compiled when the literal is first found. ``anchors`` is ``None``.

    Both give the same hits (a property test holds them to ``pattern``).
    """

    __slots__ = ("terms", "cite", "also", "spellings", "entries", "engine", "anchors", "screen", "_alternatives", "_pattern")

    def __init__(
        self,
        terms: Sequence[str],
        cite: "RuleRef | None",
        also: Sequence[RuleRef] = (),
        spellings: Mapping[str, Mapping] | None = None,
        *,
        meta: Sequence[Mapping | None] | None = None,
        engine: str | None = None,
    ) -> None:
        if spellings is None:
            spellings = term_spellings()
        terms = tuple(terms)
        if meta is not None and len(meta) != len(terms):
            raise ValueError("meta must give one mapping (or None) per term")
        citing = _citing(cite, also)
        entries = tuple(
            (term, dict(spellings.get(term, {})), {**citing, **((meta[i] or {}) if meta else {})}) for i, term in enumerate(terms)
        )
        self._setup(entries, cite, tuple(also), engine)

    def _setup(self, entries: tuple, cite, also: tuple, engine: str | None) -> None:
        if engine is None:
            engine = "regex" if len(entries) <= SMALL_LIST else "automaton"
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
        #: per term: (term, its spellings, the fields its hits carry besides the match)
        self.entries = entries
        self.terms = tuple(term for term, _, _ in entries)
        self.cite = cite
        self.also = also
        self.engine = engine
        # the spellings of these terms only (a term listed twice: the first)
        self.spellings: dict[str, dict] = {}
        for term, spelling, _ in entries:
            if spelling:
                self.spellings.setdefault(term, spelling)
        alternatives, stems = [], []
        for term, spelling, _ in entries:
            term_alternatives, term_stems = _term_pattern(term, spelling)
            alternatives.append(term_alternatives)
            stems.extend(term_stems)
        self._alternatives = alternatives
        self._pattern = None
        owners = [(term, fields) for term, _, fields in entries]
        if engine == "regex":
            self.anchors = _anchors(stems) if entries else ()
            self.screen: Callable[[str], tuple[Hit, ...]] = _fast(
                self.anchors, _regex_scan(alternatives, owners, ascii=True), _regex_scan(alternatives, owners, ascii=False)
            )
        else:
            self.anchors = None
            ascii_scan, scan = _automaton_scans(alternatives, owners)
            self.screen = _fast_automaton(ascii_scan, scan)

    @property
    def pattern(self) -> "re.Pattern":
        """The whole screen as one regular expression, one capturing group per term
        (compiled on first use: for a long list, compiling it takes longer than the
        screener)."""
        if self._pattern is None:
            groups = ["(" + "|".join(p for _, p in alts) + ")" for alts in self._alternatives]
            self._pattern = re.compile("|".join(groups) or "(?!)", re.IGNORECASE)
        return self._pattern

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

    @classmethod
    def from_entries(cls, entries: Sequence, source: str | None = None, *, engine: str | None = None) -> "Screener":
        """The screener for a user's list: ``entries`` are ``TermEntry`` (see
        :mod:`regnotice._screen.termlist`): a term, its optional id, category, note
        and further spellings. Hits cite no rule; they carry the entry's fields and
        ``source``."""
        built = []
        for e in entries:
            spelling = {"zh": tuple(e.spellings)} if e.spellings else {}
            fields = {**_citing(None, ()), "term_id": e.id, "category": e.category, "note": e.note, "source": source}
            built.append((e.term, spelling, {k: v for k, v in fields.items() if v is not None or k in _RULE_FIELDS}))
        screener = cls.__new__(cls)
        screener._setup(tuple(built), None, (), engine)
        return screener

    @classmethod
    def combine(cls, *screeners: "Screener", engine: str | None = None) -> "Screener":
        """One screener for the terms of all of ``screeners``, in order: where two
        terms match at the same place, the first listed is the hit, as in one
        alternation. ``cite`` and ``also`` are the first's."""
        screener = cls.__new__(cls)
        first = screeners[0] if screeners else None
        entries = tuple(entry for s in screeners for entry in s.entries)
        screener._setup(entries, first.cite if first else None, first.also if first else (), engine)
        return screener

    def __reduce__(self):
        """Pickled as what it is built from, and rebuilt on loading: a screener ships to
        ``multiprocessing``, Dask or Spark workers with the standard library's pickle."""
        return (_rebuild, (self.entries, self.cite, self.also, self.engine))

    def __repr__(self) -> str:
        cite = self.cite.rule_id if self.cite is not None else None
        return f"Screener(terms={len(self.terms)}, cite={cite!r}, engine={self.engine!r}, anchors={self.anchors!r})"


def _rebuild(entries, cite, also, engine) -> Screener:
    screener = Screener.__new__(Screener)
    screener._setup(entries, cite, also, engine)
    return screener


def _new_hit(term: str, text: str, start: int, end: int, fields: dict) -> Hit:
    # Hit(...) without its __init__: a frozen dataclass sets each field through
    # object.__setattr__, twice as slow as one __dict__.
    hit = object.__new__(Hit)
    object.__setattr__(hit, "__dict__", {"term": term, "text": text, "start": start, "end": end, **fields})
    return hit


def _regex_scan(alternatives: list, owners: list, ascii: bool) -> Callable:
    """The regex engine's full scan. ``ascii``: for ASCII text, matched
    case-sensitively on its lowercase (same length, same positions; some three times
    faster than ``re.IGNORECASE``), with only the ASCII literals. Otherwise
    case-insensitive on the text itself."""
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
        groups, mine_owners = [], []
        for index, alts in enumerate(alternatives):
            mine = [p for lit, p in alts if opens(literal, lit)]
            if mine:
                groups.append("(" + "|".join(mine) + ")")
                mine_owners.append(owners[index])
        subs.append((re.compile("|".join(groups), flags).match, tuple(mine_owners)))
    if ascii:
        # Case-sensitive: the literal found is the key of its sub-pattern, and a
        # search without groups is some three times faster than one with.
        by_literal = dict(zip(literals, subs))
        search = re.compile("|".join(map(re.escape, literals)) or "(?!)").search
    else:
        search = re.compile("|".join(f"({re.escape(lit)})" for lit in literals) or "(?!)", flags).search
    new = _new_hit

    def scan(text: str, low: str | None = None) -> tuple[Hit, ...]:
        scanned = text if low is None else low
        hits = []
        pos = 0
        while True:
            found = search(scanned, pos)
            if found is None:
                return tuple(hits)
            at = found.start()
            match, mine = by_literal[found.group()] if ascii else subs[found.lastindex - 1]
            m = match(scanned, at)
            if m is None:
                pos = at + 1
                continue
            pos = m.end()
            term, fields = mine[m.lastindex - 1]
            hits.append(new(term, text[at:pos], at, pos, fields))

    return scan


class _Fold(dict):
    """``str.translate`` table folding each character as ``re.IGNORECASE`` does (its
    simple lowercase, then one member of its class of extra equivalents: "ſ" and "s",
    "K" (Kelvin) and "k", "ı" and "i"), one character for one. Filled as characters
    are met: a miss computes the fold, and a hit is a lookup in C."""

    def __missing__(self, cp: int) -> int:
        import _sre

        lower = _sre.unicode_tolower(cp)
        folded = min((lower, *_extra_cases().get(lower, ())))
        self[cp] = folded
        return folded


@lru_cache(maxsize=1)
def _extra_cases() -> dict:
    try:
        from re import _casefix  # Python 3.11+

        return _casefix._EXTRA_CASES
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_compile

        cases: dict = {}
        for group in sre_compile._equivalences:
            for cp in group:
                cases[cp] = tuple(c for c in group if c != cp)
        return cases


_FOLD = _Fold()


def _automaton_scans(alternatives: list, owners: list) -> tuple[Callable | None, Callable]:
    """The automaton engine's scans: ``(ascii_scan, scan)``. ``ascii_scan(text, low)``
    matches on the lowercase of an ASCII text case-sensitively (``None`` when a literal
    that is not ASCII folds into ASCII, as "ſtable": then every text takes ``scan``);
    ``scan(text)`` matches case-insensitively on the text itself."""
    from ahocorasick import Automaton

    # Literals by their folded form; each keeps (term index, alternative index, pattern).
    by_key: dict[str, list] = {}
    ascii_only = True
    for i, alts in enumerate(alternatives):
        for j, (lit, pattern) in enumerate(alts):
            key = lit.translate(_FOLD)
            if key.isascii() and not lit.isascii():
                ascii_only = False
            by_key.setdefault(key, []).append((i, j, pattern))
    keys = list(by_key)
    lengths = [len(k) for k in keys]
    automaton = Automaton()
    for index, key in enumerate(keys):
        automaton.add_word(key, index)
    if keys:
        automaton.make_automaton()
    iterate = automaton.iter if keys else (lambda text: ())

    def sub(index: int, flags: int) -> tuple:
        """The sub-pattern of a literal: the alternatives of every literal that is a
        prefix of it, grouped per term in term order."""
        key = keys[index]
        mine = sorted(entry for n in range(1, len(key) + 1) for entry in by_key.get(key[:n], ()))
        groups: dict[int, list[str]] = {}
        for i, _, pattern in mine:
            groups.setdefault(i, []).append(pattern)
        regex = "|".join("(" + "|".join(patterns) + ")" for patterns in groups.values())
        return re.compile(regex, flags).match, tuple(owners[i] for i in groups)

    def make(flags: int) -> Callable:
        subs: dict[int, tuple] = {}
        new = _new_hit

        def scan(text: str, low: str | None = None) -> tuple[Hit, ...]:
            scanned = text if low is None else low
            found: dict[int, int] = {}
            for end, index in iterate(scanned if low is not None else text.translate(_FOLD)):
                at = end - lengths[index] + 1
                best = found.get(at)
                if best is None or lengths[index] > lengths[best]:
                    found[at] = index
            if not found:
                return ()
            hits = []
            pos = 0
            for at in sorted(found):
                if at < pos:
                    continue
                index = found[at]
                try:
                    match, mine = subs[index]
                except KeyError:
                    match, mine = subs[index] = sub(index, flags)
                m = match(scanned, at)
                if m is None:
                    continue
                pos = m.end()
                term, fields = mine[m.lastindex - 1]
                hits.append(new(term, text[at:pos], at, pos, fields))
            return tuple(hits)

        return scan

    return (make(0) if ascii_only else None), make(re.IGNORECASE)


def _fast_automaton(ascii_scan: Callable | None, scan: Callable) -> Callable:
    """``screen(text)`` of the automaton engine: an ASCII text is scanned on its
    lowercase; any other text (and every text, when no ASCII scan is possible) is
    scanned case-insensitively, and folded (full-width forms, look-alikes)."""
    folded = _folding(lambda flat: screen(flat), scan)
    if ascii_scan is None:
        def screen(text: str) -> tuple:
            return folded(text)
        return screen

    def screen(text: str) -> tuple:
        if text.isascii():
            return ascii_scan(text, text.lower())
        return folded(text)

    return screen


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
