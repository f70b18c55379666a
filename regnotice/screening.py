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
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .errors import RuleFileError, ScreenInputError

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

from ._screen.matcher import FIELDS, Hit, RuleRef, Screener, term_spellings

# ---------------------------------------------------------------------------- the notice's screens


def cited_rules(rules, field: str = "name") -> tuple:
    """``(terms_rule, cite)`` for a field: the clause (8) prohibition whose terms are
    screened, and the rules a hit cites (see the module docstring). ``rules`` is a
    ``RuleSet`` or a ``Notice``."""
    if field not in FIELDS:
        raise ScreenInputError(f"unknown field {field!r}; fields: {', '.join(FIELDS)}")
    from .pipeline import rules_of

    # Found by what they say, not by their numbers: clause (8) and (7) in Yinfa [2026]
    # No. 42, maybe others in another notice or translation.
    rules = rules_of(rules).rules
    terms_rule = _one(rules, lambda r: r.kind == "prohibition" and r.terms, "prohibition that lists terms")
    if field != "ad":
        return terms_rule, (terms_rule,)
    ads = _one(
        rules,
        lambda r: r.kind == "prohibition" and any(a.id == "advertising" for a in r.actions),
        "prohibition on advertising",
    )
    same_clause = [r for r in rules if r.clause == terms_rule.clause]
    supervision = _one(same_clause, lambda r: r.kind != "prohibition" and "advertisement" in r.quote.lower(), "rule on advertisements")
    return terms_rule, (ads, supervision)


def _one(rules, test, what: str):
    for rule in rules:
        if test(rule):
            return rule
    raise RuleFileError(f"the rules hold no {what}")


_SCREENERS: dict[str, Screener] = {}


def screener(field: str = "name") -> Screener:
    """The compiled screener of the bundled notice for a field, built once per field
    (``screener.cache_clear()`` forgets them)."""
    try:
        return _SCREENERS[field]
    except KeyError:
        pass
    from .bundled import bundled_rules

    rule, cite = cited_rules(bundled_rules(), field)
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
    """The output sink: a file written whole or not at all (``regnotice.io.atomic_file``:
    a temp file beside ``out``, fsynced and renamed over it on success, removed on
    failure, and left by a killed run under a name the next run removes); or standard
    output."""

    def __init__(self, out) -> None:
        self.out = None if out is None or str(out) == "-" else Path(out)
        self.cm = None

    def __enter__(self):
        if self.out is None:
            return sys.stdout
        from .io import atomic_file

        self.cm = atomic_file(self.out)
        return self.cm.__enter__()

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.out is None:
            sys.stdout.flush()
            return
        self.cm.__exit__(exc_type, exc, tb)