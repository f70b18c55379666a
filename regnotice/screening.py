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

**Batch.** :func:`screen_file` streams a CSV, TSV or JSONL file into a JSONL report in
constant memory (``regnotice screen --input``). It never passes silently on a file it
cannot fully read: the delimiter is sniffed (``,`` ``;`` tab ``|``, Excel's ``sep=``),
a BOM decides the encoding (else ``encoding``, default UTF-8), and every row that
cannot be read (not text in that encoding, a field count other than the header's, an
unterminated quote, bad JSON) is counted in ``BatchResult.skipped`` and reported with
its line; with ``on_error="fail"`` (the default) such a batch is ``failed`` (exit 2).
A duplicated or missing column is a :class:`ScreenInputError` before any row is read.
The reading is in :mod:`regnotice._screen.rows`.

**Errors.** Every error of this module is a :class:`~regnotice.errors.RegnoticeError`: a
``text`` that is not a ``str``, an unknown field, a bad argument of :func:`screen_file`
are an :class:`~regnotice.errors.InputError`.
"""

from __future__ import annotations

import io
import json
import os
import sys
from dataclasses import dataclass, field as _field
from pathlib import Path
from typing import Callable

from .errors import InputError, RuleFileError, ScreenInputError

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

from ._screen import rows as _rows
from ._screen.matcher import FIELDS, Hit, RuleRef, Screener, term_spellings

# ---------------------------------------------------------------------------- the notice's screens


def _check_field(field) -> None:
    if not isinstance(field, str) or field not in FIELDS:
        raise InputError(f"unknown field {_rows.short(field)}; fields: {', '.join(FIELDS)}")


def cited_rules(rules, field: str = "name") -> tuple:
    """``(terms_rule, cite)`` for a field: the clause (8) prohibition whose terms are
    screened, and the rules a hit cites (see the module docstring). ``rules`` is a
    ``RuleSet`` or a ``Notice``. An unknown field is an :class:`InputError`."""
    _check_field(field)
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
    (``screener.cache_clear()`` forgets them). An unknown field is an :class:`InputError`."""
    try:
        return _SCREENERS[field]
    except (KeyError, TypeError):  # TypeError: not hashable
        pass
    _check_field(field)
    from .bundled import bundled_rules

    rule, cite = cited_rules(bundled_rules(), field)
    return _SCREENERS.setdefault(field, Screener.from_rule(rule, cite))


screener.cache_clear = _SCREENERS.clear  # type: ignore[attr-defined]


def screen(text: str, field: str = "name") -> tuple[Hit, ...]:
    """The hits of the clause (8) terms in ``text`` (a company name, a business scope
    or an advertisement), each citing its rule. ``()`` when clean. A ``text`` that is
    not a ``str``, or an unknown ``field``, is an :class:`InputError`."""
    try:
        fast = _SCREENERS[field].screen
    except (KeyError, TypeError):
        fast = screener(field).screen  # checks the field
    try:
        return fast(text)
    except (AttributeError, TypeError):
        if not isinstance(text, str):
            raise InputError(f"screen() needs a str, not {type(text).__name__}") from None
        raise


# ---------------------------------------------------------------------------- batch

#: Problems passed to ``report`` (the rest are counted), and kept in ``BatchResult.problems``.
MAX_REPORTED = 100
MAX_KEPT = 10
ON_ERROR = ("fail", "skip")


@dataclass
class BatchResult:
    """What :func:`screen_file` did. ``skipped`` counts the rows that could not be read
    (malformed, not text in the file's encoding, a missing column); ``problems`` keeps
    the first :data:`MAX_KEPT` of their messages (``file:line: problem``).

    ``failed``: rows were skipped and ``on_error`` is ``"fail"``, so the batch is not a
    clean pass whatever its hits; ``exit_code`` is the CLI's: 2 when failed, else 1 with
    hits, else 0.

    >>> print(BatchResult(rows=2, flagged=1, hits=1, skipped=6).summary())
    screened 2 rows: 1 with hits (1 hit), 6 malformed rows skipped (on-error fail: the batch fails)
    >>> print(BatchResult(rows=50_000, flagged=500, hits=501, on_error="skip").summary())
    screened 50,000 rows: 500 with hits (501 hits), none skipped (on-error skip)
    """

    rows: int = 0  # rows screened
    flagged: int = 0  # rows with at least one hit
    hits: int = 0
    skipped: int = 0  # rows that could not be read, reported and not screened
    on_error: str = "fail"
    problems: list[str] = _field(default_factory=list)  # the first MAX_KEPT messages
    encoding: str = "utf-8"  # the codec the input was read with
    delimiter: str | None = None  # of a CSV; None for JSON lines

    @property
    def failed(self) -> bool:
        return bool(self.skipped) and self.on_error != "skip"

    @property
    def exit_code(self) -> int:
        return 2 if self.failed else 1 if self.flagged else 0

    def summary(self) -> str:
        """One line: rows, rows with hits, hits, rows skipped and the ``on_error`` mode."""
        rows = "1 row" if self.rows == 1 else f"{self.rows:,} rows"
        hits = "1 hit" if self.hits == 1 else f"{self.hits:,} hits"
        head = f"screened {rows}: {self.flagged:,} with hits ({hits})"
        if not self.skipped:
            return f"{head}, none skipped (on-error {self.on_error})"
        skipped = "1 malformed row" if self.skipped == 1 else f"{self.skipped:,} malformed rows"
        mode = "the batch fails" if self.failed else "reported, not an error"
        return f"{head}, {skipped} skipped (on-error {self.on_error}: {mode})"


def _format_of(path: Path, fmt: str | None, head: bytes) -> str:
    if fmt:
        return "csv" if fmt == "tsv" else fmt
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if str(path) == "-":  # standard input: JSON lines when it starts with an object
        return "jsonl" if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"
    raise ScreenInputError(f"{path}: cannot tell the format from the name; use --input-format csv, tsv or jsonl")


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


def _to_stderr(message: str) -> None:
    stream = sys.stderr
    if stream is None:
        return
    try:
        print(message, file=stream)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        print(message.encode(encoding, "backslashreplace").decode(encoding, "replace"), file=stream)


def _open_input(path: Path):
    """``(binary file, its name in messages, whether to close it)``; ``-`` is standard
    input (left open). The file can ``peek``."""
    if str(path) == "-":
        stdin = getattr(sys.stdin, "buffer", None)
        if stdin is None:
            raise ScreenInputError("<stdin>: cannot read standard input")
        if not hasattr(stdin, "peek"):
            stdin = io.BufferedReader(stdin, _rows.SAMPLE_BYTES)  # type: ignore[arg-type]
        return stdin, "<stdin>", False
    try:
        if path.is_dir():
            raise ScreenInputError(f"{path}: is a directory; expected a CSV, TSV or JSON-lines file")
        return open(path, "rb", buffering=_rows.SAMPLE_BYTES), str(path), True
    except FileNotFoundError:
        raise ScreenInputError(f"{path}: no such file") from None
    except OSError as exc:
        raise _rows.read_error(str(path), exc) from None
    except ValueError as exc:  # a NUL in the path
        raise ScreenInputError(f"{str(path)!r}: cannot read: {exc}") from None


def _size(raw) -> int:
    try:
        return os.fstat(raw.fileno()).st_size
    except (OSError, ValueError):
        return 0


def screen_file(
    path: str | os.PathLike,
    out: str | os.PathLike | None,
    column: str = "name",
    field: str = "name",
    on_error: str = "fail",
    fmt: str | None = None,
    report: Callable[[str], None] = _to_stderr,
    progress: bool | None = None,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> BatchResult:
    """Screen the ``column`` of every row of a CSV, TSV or JSON-lines file (``"-"``:
    standard input), streaming: constant memory whatever the number of rows.

    Writes one JSON line per row with hits to ``out`` (``None`` or ``"-"``: standard
    output)::

        {"line": 12, "text": "Acme Stablecoin Ltd", "hits": [Hit.to_dict(), ...]}

    ``line`` is the 1-based line where the row starts (the header is line 1 of a CSV).
    ``out`` is written through a temp file in its folder and renamed at the end, so it
    is complete or absent; it is written even when rows were skipped.

    ``fmt``: ``"csv"``, ``"tsv"`` or ``"jsonl"`` (default: from the suffix). ``delimiter``:
    of a CSV (default: ``sep=`` or sniffed among ``,`` ``;`` tab ``|``; tab for
    ``.tsv``). ``encoding``: default UTF-8; a byte-order mark (UTF-8, UTF-16, UTF-32)
    decides whatever it says.

    **Rows that cannot be read** (not JSON, not an object, no such column or key, not a
    string, not text in the encoding, a field count other than the header's, an
    unterminated quote) are counted in ``skipped`` and passed to ``report`` as
    ``file:line: problem`` (quoting at most 200 characters of the row): the first 100,
    then ``... and N more``, then, if rows were not UTF-8, one line suggesting an
    encoding. With ``on_error="fail"`` (the default) the result is ``failed`` (exit 2)
    when any row was skipped; with ``"skip"`` skipped rows are reported only. A file
    that cannot be read at all (missing, empty, a bad or duplicated header, no column
    ``column``) raises :class:`ScreenInputError` before anything is written. Every
    error is a :class:`~regnotice.errors.RegnoticeError`.

    ``progress``: a progress bar on standard error; by default when it is a terminal.
    """
    if not isinstance(on_error, str) or on_error not in ON_ERROR:
        raise InputError(f"on_error must be 'fail' or 'skip', not {_rows.short(on_error)}")
    check = screener(field).screen
    if not isinstance(column, str):
        raise InputError(f"column must be a str, not {type(column).__name__}")
    if fmt is not None and fmt not in ("csv", "tsv", "jsonl"):
        raise InputError(f"the input format must be csv, tsv or jsonl, not {_rows.short(fmt)}")
    if not callable(report):
        raise InputError(f"report must be a function of one message, not {type(report).__name__}")
    delimiter = _rows.check_delimiter(delimiter)
    encoding = _rows.check_encoding(encoding)
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"path must be a file name, not {type(path).__name__}")
    if out is not None and not isinstance(out, (str, os.PathLike)):
        raise InputError(f"out must be a file name or None, not {type(out).__name__}")
    path = Path(path)
    if progress is None:
        progress = bool(getattr(sys.stderr, "isatty", None)) and sys.stderr.isatty()

    raw, name, owned = _open_input(path)
    result = BatchResult(on_error=on_error)
    reported = 0

    def skip(message: str) -> None:
        nonlocal reported
        result.skipped += 1
        if len(result.problems) < MAX_KEPT:
            result.problems.append(message)
        if reported < MAX_REPORTED:
            reported += 1
            report(message)
        elif len(result.problems) >= MAX_KEPT:
            decoding.quiet = True  # only counted from now on: no excerpts to build

    try:
        try:
            head = bytes(raw.peek(_rows.SAMPLE_BYTES)[: _rows.SAMPLE_BYTES])
        except OSError as exc:
            raise _rows.read_error(name, exc) from None
        total = _size(raw)
        tell = raw.tell if total and raw.seekable() else (lambda: 0)
        kind = _format_of(path, fmt, head)
        decoding = _rows.Decoding(head, encoding)
        result.encoding = decoding.codec
        text = decoding.text(raw, "" if kind == "csv" else "\n")
        try:
            if kind == "csv":
                tsv = fmt == "tsv" or (fmt is None and path.suffix.lower() == ".tsv")
                if delimiter is None and tsv:
                    delimiter = "\t"
                rows, result.delimiter = _rows.csv_rows(text, name, column, decoding, delimiter, ",", decoding.sample(head))
            else:
                rows = _rows.jsonl_rows(text, name, column, decoding)
            with _output(out) as sink, _Progress(progress, total, path.name) as bar:
                write = sink.write
                dumps = json.dumps
                for line, value, problem in rows:
                    if problem is not None:
                        skip(f"{name}:{line}: {problem}")
                        continue
                    result.rows += 1
                    hits = check(value)
                    if hits:
                        result.flagged += 1
                        result.hits += len(hits)
                        record = {"line": line, "text": value, "hits": [h.to_dict() for h in hits]}
                        try:
                            write(dumps(record, ensure_ascii=False))
                        except UnicodeEncodeError:  # lone surrogates, or an output that is not UTF-8
                            write(dumps(record))
                        write("\n")
                    if not result.rows & 0x3FFF:
                        bar.update(tell(), result)
                bar.update(total, result)
        except UnicodeError as exc:  # a codec that fails other than on its bytes
            raise ScreenInputError(f"{name}: cannot be read as {decoding.codec}: {_rows.short(str(exc), 200)}") from None
        finally:
            text.detach()  # the binary file is closed below (standard input is left open)
    finally:
        if owned:
            raw.close()
    if result.skipped > reported:
        report(f"{name}: ... and {result.skipped - reported:,} more rows skipped")
    hint = decoding.hint(name)
    if hint:
        report(hint)
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