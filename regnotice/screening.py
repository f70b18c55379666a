"""Screening of names, business scopes and advertisements against the notice's terms.

Clause (8) of Yinfa [2026] No. 42 forbids business registrations whose names or
business scopes contain "virtual currency", "virtual asset", "cryptocurrency", "crypto
asset", "stablecoin", "real-world asset tokenization" or "RWA". The term list is read
from the extracted clause (8) prohibition (``Prohibition.terms``), never from a copy in
code; ``terms.yaml`` only adds spellings (Chinese equivalents, where a one-word term
may be split).

>>> import regnotice
>>> [(h.term, h.text, h.start, h.end, h.marker) for h in regnotice.screen("Acme Stable-Coins Ltd")]
[('stablecoin', 'Stable-Coins', 5, 17, '(8)')]
>>> regnotice.screen("Rwanda Forward Trading Ltd")
()
>>> [h.marker for h in regnotice.screen("buy crypto assets here", field="ad")]
['(7)']

**Which rule a hit cites.** ``field="name"`` and ``field="business_scope"``: the clause
(8) prohibition (``yinfa-2026-42/8/1``). ``field="ad"``: the clause (7) prohibition on
internet enterprises providing marketing and advertising for virtual currency and
real-world asset tokenization business (``yinfa-2026-42/7/1``), and, in ``Hit.also``,
the clause (8) rule on the supervision of such advertisements (``yinfa-2026-42/8/2``).
Every term of clause (8) names virtual currency (clause (I) counts stablecoins among
it) or real-world asset tokenization, the two objects of clause (7).

**Matching.** Case-insensitive. Words of a term may be joined by nothing or by any run
of spaces, hyphens, dashes or underscores ("crypto-asset", "real world asset
tokenization", "stable coin"). Plurals: "stablecoins", "crypto assets",
"cryptocurrencies" (``-y`` after a consonant becomes ``-ies``); "tokenization" is also
"tokenisation". A short term (one word of at most four characters, or in capitals, such
as "RWA") matches only as a whole word: no Latin letter or digit may touch it ("RWA-backed"
and "RWAs" hit; "Rwanda", "Drwal", "Erwang" do not; Chinese characters may touch it).
Longer terms also match inside words when written as one word ("stablecoins",
"cryptoassets", "nonstablecoin"); written with separators they must start a word, so
"Constable Coins" is clean. Chinese equivalents from ``terms.yaml`` match as written.

**Positions.** The pattern absorbs the variants, so the text is never rewritten:
``start`` and ``end`` index the caller's original string and ``text[start:end] ==
hit.text``. No offset map is needed: the ASCII path scans ``text.lower()``, which for
ASCII text has the same length; other text is scanned case-insensitively as it is
(``"İ".lower()`` is two characters).

**Speed.** A :class:`Screener` is compiled once per field (cached by
:func:`screener`). Its ``screen`` first asks, for an ASCII text, whether the lowercased
text contains one of a few *anchors* (stems every spelling of a term contains:
``virtual``, ``crypto``, ``stable``, ``tokeni``, ``rwa``), with ``in`` tests inlined in
one generated function. Most names contain none, and get ``()`` back at once. The rest
(and non-ASCII text) are scanned for the literal words the spellings start with, and
only the spellings starting with a word found are tried there (see :class:`Screener`).
Pure Python; pyahocorasick was measured and was slower for short names (2.3 against
3.4 M names/s for the anchor test), because each search allocates an iterator.

**Batch.** :func:`screen_file` streams a CSV or JSONL file into a JSONL report in
constant memory (``regnotice screen --file``).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

from .errors import InputError

__all__ = [
    "FIELDS",
    "Hit",
    "RuleRef",
    "Screener",
    "ScreenInputError",
    "BatchResult",
    "screen",
    "screener",
    "cited_rules",
    "term_spellings",
    "screen_file",
]

#: The fields that can be screened.
FIELDS = ("name", "business_scope", "ad")

TERMS_FILE = Path(__file__).resolve().parent / "terms.yaml"

# Separators between the words of a term: whitespace, hyphens and dashes, underscores.
_SEP = r"[\s_\-\u2010-\u2015]*"
# What may not touch a short term: Latin letters (with IGNORECASE, both cases) and digits.
_WORDCHAR = "0-9a-z\u00c0-\u024f"
# A short term is at most this long (or written in capitals).
_SHORT = 4
# Anchors shorter than this are used only when a term offers no longer stem.
_ANCHOR_LEN = 6


class ScreenInputError(InputError):
    """Bad input to a screening batch: exit code 2 (exit 1 means violations found)."""

    exit_code = 2


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
    """One occurrence of a term: ``term`` as the rule writes it, ``text`` as matched,
    ``[start, end)`` in the screened text, and the cited rule (clause ordinal, marker,
    rule id, verbatim quote). ``also`` holds further rules the hit cites.

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
    clause: int
    marker: str
    rule_id: str
    quote: str
    also: tuple[RuleRef, ...] = ()

    def to_dict(self) -> dict:
        return {
            "term": self.term,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "clause": self.clause,
            "marker": self.marker,
            "rule_id": self.rule_id,
            "quote": self.quote,
            "also": [ref.to_dict() for ref in self.also],
        }


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
        return slow
    # No anchors: no spelling can match ASCII text (no terms, or only Chinese ones).
    absent = " and ".join(f"{a!r} not in low" for a in anchors) or "True"
    source = (
        "def screen(text):\n"
        "    if text.isascii():\n"
        "        low = text.lower()\n"
        f"        if {absent}:\n"
        "            return ()\n"
        "        return slow_ascii(text, low)\n"
        "    return slow(text)\n"
    )
    namespace: dict = {"slow_ascii": slow_ascii, "slow": slow}
    exec(compile(source, "<regnotice.screening>", "exec"), namespace)
    return namespace["screen"]


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

    __slots__ = ("terms", "cite", "also", "pattern", "anchors", "screen")

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
        subs = []
        for literal in literals:
            groups, owners = [], []
            for index, alts in enumerate(alternatives):
                mine = [p for lit, p in alts if literal.startswith(lit)]
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

    def __repr__(self) -> str:
        return f"Screener(terms={self.terms!r}, cite={self.cite.rule_id!r}, anchors={self.anchors!r})"


# ---------------------------------------------------------------------------- the notice's screens


@lru_cache(maxsize=1)
def term_spellings() -> dict[str, dict]:
    """``terms.yaml``: per English term, its Chinese equivalents (``zh``) and where a
    one-word term may be split (``words``)."""
    from .errors import RuleFileError
    from .yamlio import load_yaml

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


def cited_rules(notice, field: str = "name") -> tuple:
    """``(terms_rule, cite)`` for a field: the clause (8) prohibition whose terms are
    screened, and the rules a hit cites (see the module docstring)."""
    if field not in FIELDS:
        raise ValueError(f"unknown field {field!r}; fields: {', '.join(FIELDS)}")
    # Found by what they say, not by their numbers: clause (8) and (7) in Yinfa [2026]
    # No. 42, maybe others in another notice or translation.
    rules = notice.rules
    terms_rule = _one(rules, lambda r: r.kind == "prohibition" and r.terms, "prohibition that lists terms")
    if field != "ad":
        return terms_rule, (terms_rule,)
    ads = _one(
        rules,
        lambda r: r.kind == "prohibition" and any("advertis" in a.text.lower() for a in r.activities),
        "prohibition on advertising",
    )
    same_clause = [r for r in rules if r.clause == terms_rule.clause]
    supervision = _one(same_clause, lambda r: r.kind != "prohibition" and "advertisement" in r.quote.lower(), "rule on advertisements")
    return terms_rule, (ads, supervision)


def _one(rules, test, what: str):
    for rule in rules:
        if test(rule):
            return rule
    raise LookupError(f"the notice has no {what}")


_SCREENERS: dict[str, Screener] = {}


def screener(field: str = "name") -> Screener:
    """The compiled screener of the bundled notice for a field, built once per field
    (``screener.cache_clear()`` forgets them)."""
    try:
        return _SCREENERS[field]
    except KeyError:
        pass
    from .bundled import bundled_notice

    rule, cite = cited_rules(bundled_notice(), field)
    return _SCREENERS.setdefault(field, Screener.from_rule(rule, cite))


screener.cache_clear = _SCREENERS.clear  # type: ignore[attr-defined]


def screen(text: str, field: str = "name") -> tuple[Hit, ...]:
    """The hits of the clause (8) terms in ``text`` (a company name, a business scope
    or an advertisement), each citing its rule. ``()`` when clean."""
    try:
        fast = _SCREENERS[field].screen
    except KeyError:
        fast = screener(field).screen  # checks the field
    try:
        return fast(text)
    except (AttributeError, TypeError):
        if not isinstance(text, str):
            raise TypeError(f"screen() needs a str, not {type(text).__name__}") from None
        raise


# ---------------------------------------------------------------------------- batch


@dataclass
class BatchResult:
    rows: int = 0  # rows screened
    flagged: int = 0  # rows with at least one hit
    hits: int = 0
    skipped: int = 0  # malformed rows reported and skipped


def _csv_rows(raw, name: str, column: str) -> Iterator[tuple[int, str | None, str | None]]:
    """``(line, value, None)`` per CSV row, or ``(line, None, problem)`` for a bad one.
    Lines are decoded one by one, so a line that is not UTF-8 is one bad row."""
    import csv

    bad: list[int] = []

    def lines() -> Iterator[str]:
        for number, line in enumerate(raw, 1):
            try:
                yield line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                bad.append(number)
                yield line.decode("utf-8", "replace")

    reader = csv.reader(lines(), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ScreenInputError(f"{name}: empty file; expected a CSV header with a column {column!r}") from None
    except csv.Error as exc:
        raise ScreenInputError(f"{name}:1: bad CSV header: {exc}") from None
    if column not in header:
        shown = ", ".join(repr(h) for h in header[:20])
        raise ScreenInputError(f"{name}:1: no column {column!r} in the CSV header; columns: {shown}")
    index = header.index(column)
    while True:
        line = reader.line_num + 1  # where the next row starts
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            bad.clear()
            yield line, None, f"bad CSV: {exc}"
            continue
        if bad:
            line = bad[0]
            bad.clear()
            yield line, None, "not UTF-8 text"
            continue
        if not row:
            continue  # a blank line
        if len(row) <= index:
            yield line, None, f"missing column {column!r} (the row has {len(row)} of {len(header)} fields)"
            continue
        yield line, row[index], None


def _jsonl_rows(raw, name: str, column: str) -> Iterator[tuple[int, str | None, str | None]]:
    loads = json.loads
    for number, line in enumerate(raw, 1):
        if not line.strip():
            continue
        try:
            record = loads(line)
        except UnicodeDecodeError:
            yield number, None, "not UTF-8 text"
            continue
        except ValueError as exc:
            yield number, None, f"not valid JSON: {exc}"
            continue
        if not isinstance(record, dict):
            yield number, None, f"expected a JSON object, got {_json_type(record)}"
            continue
        if column not in record:
            yield number, None, f"missing key {column!r}"
            continue
        value = record[column]
        if not isinstance(value, str):
            yield number, None, f"{column!r} is {_json_type(value)}, expected a string"
            continue
        yield number, value, None


def _json_type(value) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise ScreenInputError(f"{path}: cannot tell the format from the name; use --input-format csv or --input-format jsonl")


class _Progress:
    """A rich progress bar over the bytes of the input, or nothing."""

    def __init__(self, enabled: bool, total: int, label: str) -> None:
        self.bar = None
        if not enabled:
            return
        try:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
        except ImportError:  # pragma: no cover - rich comes with typer
            return
        self.bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[rows]:,} rows, {task.fields[flagged]:,} flagged"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.bar.add_task(label, total=total or None, rows=0, flagged=0)

    def __enter__(self) -> "_Progress":
        if self.bar is not None:
            self.bar.start()
        return self

    def update(self, done: int, result: BatchResult) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done, rows=result.rows, flagged=result.flagged)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def screen_file(
    path: str | os.PathLike,
    out: str | os.PathLike | None,
    column: str = "name",
    field: str = "name",
    on_error: str = "skip",
    fmt: str | None = None,
    report: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
    progress: bool | None = None,
) -> BatchResult:
    """Screen the ``column`` of every row of a CSV or JSONL file, streaming: constant
    memory whatever the number of rows.

    Writes one JSON line per row with hits to ``out`` (``None``: standard output)::

        {"line": 12, "text": "Acme Stablecoin Ltd", "hits": [Hit.to_dict(), ...]}

    ``line`` is the 1-based line of the row in the input (the header is line 1 of a
    CSV). ``out`` is written through a temp file in its folder and renamed at the end,
    so it is complete or absent. A malformed row (not JSON, not an object, no such
    column, not a string, not UTF-8) is reported as ``file:line: problem`` through
    ``report`` and skipped; with ``on_error="fail"`` it raises :class:`ScreenInputError`
    (exit code 2) and ``out`` is not written. ``progress``: a progress bar on standard
    error; by default when standard error is a terminal.
    """
    path = Path(path)
    if on_error not in ("skip", "fail"):
        raise ValueError(f"on_error must be 'skip' or 'fail', not {on_error!r}")
    kind = _format_of(path, fmt)
    check = screener(field).screen
    try:
        raw = open(path, "rb")
    except OSError as exc:
        raise ScreenInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if progress is None:
        progress = sys.stderr.isatty()
    result = BatchResult()
    with raw:
        rows = (_csv_rows if kind == "csv" else _jsonl_rows)(raw, str(path), column)
        total = os.fstat(raw.fileno()).st_size
        with _output(out) as sink, _Progress(progress, total, path.name) as bar:
            write = sink.write
            dumps = json.dumps
            for line, value, problem in rows:
                if problem is not None:
                    message = f"{path}:{line}: {problem}"
                    if on_error == "fail":
                        raise ScreenInputError(message)
                    result.skipped += 1
                    report(message)
                    continue
                result.rows += 1
                hits = check(value)
                if hits:
                    result.flagged += 1
                    result.hits += len(hits)
                    write(dumps({"line": line, "text": value, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False))
                    write("\n")
                if not result.rows & 0x3FFF:
                    bar.update(raw.tell(), result)
            bar.update(total, result)
    return result


class _output:
    """The output sink: a temp file beside ``out``, renamed over it on success and
    removed on failure; or standard output."""

    def __init__(self, out) -> None:
        self.out = None if out is None or str(out) == "-" else Path(out)
        self.tmp = None

    def __enter__(self):
        if self.out is None:
            return sys.stdout
        self.out.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.out.name}.", suffix=".tmp", dir=self.out.parent)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n", buffering=1 << 16)
        return self.fh

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.out is None:
            sys.stdout.flush()
            return
        try:
            self.fh.close()
            if exc_type is None:
                mask = os.umask(0)
                os.umask(mask)
                os.chmod(self.tmp, 0o666 & ~mask)  # mkstemp makes 0600
                os.replace(self.tmp, self.out)
                self.tmp = None
        finally:
            if self.tmp is not None:
                try:
                    os.unlink(self.tmp)
                except FileNotFoundError:
                    pass
