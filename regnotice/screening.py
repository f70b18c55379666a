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

**Batch.** :func:`screen_file` streams a CSV, TSV, JSONL or Parquet file into a JSONL
report in constant memory (``regnotice screen --input``): one line per row with hits,
``{"line", "text", "hits"}`` (``"row"`` for Parquet), each hit in the compact form of
:meth:`Hit.to_dict` (``quotes=False``: the rules by id, no quote repeated per row;
``quotes=True`` for the full form). It never passes silently on a file it cannot fully
read: the delimiter is sniffed (``,`` ``;`` tab ``|``, Excel's ``sep=``), a BOM decides
the encoding (else ``encoding``, default UTF-8), and every row that cannot be read (not
text in that encoding, a field count other than the header's, an unterminated quote,
bad JSON) is counted in ``BatchResult.skipped`` and reported with its line; with
``on_error="fail"`` (the default) such a batch is ``failed`` (exit 2). A duplicated or
missing column is a :class:`ScreenInputError` before any row is read. The careful
reading is in :mod:`regnotice._screen.rows`; with pyarrow installed, a UTF-8 CSV file
is read in blocks by pyarrow wherever a block is one the careful reader reads the same
way, line for line, and the careful reader takes over at the first block that is not,
so the output and the result are the careful reader's (:mod:`regnotice._screen.arrow`).
:func:`screen_batch` screens a column of a ``pyarrow.RecordBatch`` into a record batch
of hits, one row per hit, for Polars, Dask and Spark (:mod:`regnotice.scale`); a
vectorised prefilter (not ASCII, or holding one of the screener's anchors) sends only
candidate rows to ``Screener.screen``.

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
    "screen_batch",
    "list_screener",
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
    (``screener.cache_clear()`` forgets them). An unknown field is an :class:`InputError`.

    Built from the terms, cited rules and spellings that :func:`cited_rules` finds in the
    bundled rules, as prebuilt by ``regnotice index`` (``screen_terms.json``, see
    :func:`regnotice.prebuilt.build_screen_terms`; a test proves it equal to a live
    extraction): a cold ``regnotice screen`` then builds none of the rules' models and
    reads no YAML for the terms."""
    try:
        return _SCREENERS[field]
    except (KeyError, TypeError):  # TypeError: not hashable
        pass
    _check_field(field)
    from .bundled import screen_terms

    data = screen_terms()
    if data is None:  # no prebuilt file: the rules' models
        from .bundled import bundled_rules

        rule, cite = cited_rules(bundled_rules(), field)
        return _SCREENERS.setdefault(field, Screener.from_rule(rule, cite))
    entry = data["fields"][field]
    refs = [RuleRef(**ref) for ref in entry["cite"]]
    spellings = {
        term: {key: tuple(value) if isinstance(value, list) else value for key, value in spelling.items()}
        for term, spelling in data["spellings"].items()
    }
    return _SCREENERS.setdefault(field, Screener(entry["terms"], refs[0], refs[1:], spellings))


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


def list_screener(terms, field: str = "name", notice: bool = True) -> Screener:
    """A screener for a user's own term list (``regnotice screen --terms FILE``),
    joined after the notice's terms for ``field`` unless ``notice`` is false: where a
    list term and a notice term match at the same place, the notice's is the hit.

    ``terms`` is the path of a YAML, CSV or TSV list (see
    :mod:`regnotice._screen.termlist`) or a sequence of ``TermEntry``. Hits on list
    terms cite no rule: they carry the entry's ``term_id``, ``category`` and ``note``,
    and the list's name as ``source``. A list that cannot be read is a
    :class:`~regnotice.errors.RuleFileError` naming file:line.

    >>> from regnotice._screen.termlist import TermEntry
    >>> s = list_screener([TermEntry("moon token", id="W-1")], notice=False)
    >>> [(h.term, h.term_id, h.rule_id) for h in s.screen("Moon-Tokens Ltd")]
    [('moon token', 'W-1', None)]
    """
    from ._screen.termlist import load_terms

    _check_field(field)
    if isinstance(terms, (str, os.PathLike)):
        source = str(terms)
        entries = load_terms(terms)
    else:
        source, entries = None, list(terms)
    own = Screener.from_entries(entries, source)
    return Screener.combine(screener(field), own) if notice else own


# ---------------------------------------------------------------------------- batch

#: Problems passed to ``report`` (the rest are counted), and kept in ``BatchResult.problems``.
MAX_REPORTED = 100
MAX_KEPT = 10
ON_ERROR = ("fail", "skip")
#: The input formats of :func:`screen_file`.
INPUT_FORMATS = ("csv", "tsv", "jsonl", "parquet")
#: How :func:`screen_file` reads a CSV: ``"auto"`` (pyarrow where it reads the file
#: exactly as the careful reader, see :mod:`regnotice._screen.arrow`) or ``"careful"``
#: (:mod:`regnotice._screen.rows` only). The default is the environment variable
#: ``REGNOTICE_BATCH_READER``, else ``"auto"``.
READERS = ("auto", "careful")
READER_VARIABLE = "REGNOTICE_BATCH_READER"


@dataclass
class BatchResult:
    """What :func:`screen_file` did. ``skipped`` counts the rows that could not be read
    (malformed, not text in the file's encoding, a missing column); ``problems`` keeps
    the first :data:`MAX_KEPT` of their messages (``file:line: problem``). ``nulls``
    counts the rows of a Parquet file whose text is null: not screened, not an error
    (``rows`` does not count them).

    ``failed``: rows were skipped and ``on_error`` is ``"fail"``, so the batch is not a
    clean pass whatever its hits; ``exit_code`` is the CLI's: 2 when failed, else 1 with
    hits, else 0. ``reader``: ``"arrow"`` when pyarrow read the whole file,
    ``"careful"`` when the careful reader did, ``"arrow+careful"`` when it took over
    from pyarrow at ``resumed_at`` (a line of a CSV).

    >>> print(BatchResult(rows=2, flagged=1, hits=1, skipped=6).summary())
    screened 2 rows: 1 with hits (1 hit), 6 malformed rows skipped (on-error fail: the batch fails)
    >>> print(BatchResult(rows=50_000, flagged=500, hits=501, on_error="skip").summary())
    screened 50,000 rows: 500 with hits (501 hits), none skipped (on-error skip)
    >>> print(BatchResult(rows=8, nulls=2).summary())
    screened 8 rows: 0 with hits (0 hits), 2 null texts not screened, none skipped (on-error fail)
    """

    rows: int = 0  # rows screened
    flagged: int = 0  # rows with at least one hit
    hits: int = 0
    skipped: int = 0  # rows that could not be read, reported and not screened
    on_error: str = "fail"
    problems: list[str] = _field(default_factory=list)  # the first MAX_KEPT messages
    encoding: str = "utf-8"  # the codec the input was read with
    delimiter: str | None = None  # of a CSV; None for JSON lines and Parquet
    nulls: int = 0  # Parquet rows whose text is null
    reader: str = "careful"  # "arrow", "careful" or "arrow+careful"
    resumed_at: int | None = None  # the line where the careful reader took over from pyarrow

    @property
    def failed(self) -> bool:
        return bool(self.skipped) and self.on_error != "skip"

    @property
    def exit_code(self) -> int:
        return 2 if self.failed else 1 if self.flagged else 0

    def summary(self) -> str:
        """One line: rows, rows with hits, hits, null texts, rows skipped and the
        ``on_error`` mode."""
        rows = "1 row" if self.rows == 1 else f"{self.rows:,} rows"
        hits = "1 hit" if self.hits == 1 else f"{self.hits:,} hits"
        head = f"screened {rows}: {self.flagged:,} with hits ({hits})"
        if self.nulls:
            head += ", 1 null text not screened" if self.nulls == 1 else f", {self.nulls:,} null texts not screened"
        if not self.skipped:
            return f"{head}, none skipped (on-error {self.on_error})"
        skipped = "1 malformed row" if self.skipped == 1 else f"{self.skipped:,} malformed rows"
        mode = "the batch fails" if self.failed else "reported, not an error"
        return f"{head}, {skipped} skipped (on-error {self.on_error}: {mode})"

    def same_as(self, other: "BatchResult") -> bool:
        """Equal in everything but how the file was read (``reader``, ``resumed_at``)."""
        import dataclasses

        return dataclasses.replace(self, reader="", resumed_at=None) == dataclasses.replace(other, reader="", resumed_at=None)


def screen_batch(batch, column: str = "name", field: str = "name", *, screener: Screener | None = None, quotes: bool = False):
    """The hits in the text column ``column`` of a ``pyarrow.RecordBatch``: a record
    batch with one row per hit, ``row`` (the row's index in ``batch``) first, in the
    schema :func:`regnotice._screen.arrow.hit_schema` (``quotes=True`` adds each rule's
    ``clause``, ``marker`` and verbatim ``quote``); zero rows of that schema when clean.

    ``screener``: default the bundled notice's for ``field`` (:func:`screener`). The
    hits are those of ``screener.screen`` row by row; only rows a vectorised prefilter
    passes (not ASCII, or holding an anchor) are screened in Python. Null texts have
    no hits. Needs pyarrow (``pip install "regnotice[scale]"``): without it, an
    :class:`InputError` says so; so does a missing column or one that is not text.

    >>> import pyarrow as pa
    >>> hits = screen_batch(pa.record_batch({"name": ["Acme Ltd", None, "RWA-backed Stablecoins"]}))
    >>> hits.select(["row", "term", "text", "rule_id"]).to_pylist()[0]
    {'row': 2, 'term': 'RWA', 'text': 'RWA', 'rule_id': 'yinfa-2026-42/8/1'}
    >>> hits.num_rows
    2
    """
    from ._screen import arrow

    arrow._pyarrow()
    return arrow.screen_batch(batch, column, field, screener=_screener_of(screener, field), quotes=quotes)


def _screener_of(given, field: str) -> Screener:
    if given is None:
        return screener(field)
    if not isinstance(given, Screener):
        raise InputError(f"screener must be a regnotice Screener, not {type(given).__name__}")
    return given


def _format_of(path: Path, fmt: str | None, head: bytes) -> str:
    if fmt:
        return "csv" if fmt == "tsv" else fmt
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if str(path) == "-":  # standard input: JSON lines when it starts with an object
        if head.startswith(b"PAR1"):
            return "parquet"
        return "jsonl" if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"
    raise ScreenInputError(f"{path}: cannot tell the format from the name; use --input-format csv, tsv, jsonl or parquet")


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
            raise ScreenInputError(f"{path}: is a directory; expected a CSV, TSV, JSON-lines or Parquet file")
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


def _parquet_tail(raw) -> bool:
    """Whether a regular file ends as a Parquet file does (``PAR1``)."""
    if not _regular(raw):
        return False
    try:
        here = raw.tell()
        try:
            raw.seek(-4, os.SEEK_END)
            return raw.read(4) == b"PAR1"
        finally:
            raw.seek(here)
    except (OSError, ValueError):
        return False


def _regular(raw) -> bool:
    """Whether ``raw`` is a regular file (one pyarrow may read in blocks and seek in)."""
    import stat

    try:
        return stat.S_ISREG(os.fstat(raw.fileno()).st_mode) and raw.seekable()
    except (OSError, ValueError, AttributeError):
        return False


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
    quotes: bool = False,
    screener: Screener | None = None,
    reader: str | None = None,
) -> BatchResult:
    """Screen the ``column`` of every row of a CSV, TSV, JSON-lines or Parquet file
    (``"-"``: standard input, but not Parquet), streaming: constant memory whatever the
    number of rows.

    Writes one JSON line per row with hits to ``out`` (``None`` or ``"-"``: standard
    output), each hit in its compact form (:meth:`Hit.to_dict` with ``quotes=False``:
    the rules named by id, no quote repeated per row; ``quotes=True``: the full form)::

        {"line": 12, "text": "Acme Stablecoin Ltd", "hits": [{"term": ..., "rule_id": ..., "also": [...]}, ...]}

    ``line`` is the 1-based line where the row starts (the header is line 1 of a CSV);
    a Parquet file's rows are numbered by ``row`` (1-based) instead. ``out`` is written
    through a temp file in its folder and renamed at the end, so it is complete or
    absent; it is written even when rows were skipped.

    ``fmt``: ``"csv"``, ``"tsv"``, ``"jsonl"`` or ``"parquet"`` (default: from the
    suffix). ``delimiter``: of a CSV (default: ``sep=`` or sniffed among ``,`` ``;``
    tab ``|``; tab for ``.tsv``). ``encoding``: default UTF-8; a byte-order mark
    (UTF-8, UTF-16, UTF-32) decides whatever it says. ``screener``: default the bundled
    notice's for ``field`` (a user's list: :func:`list_screener`).

    **How it reads.** A UTF-8 CSV file (not standard input) is read by pyarrow in
    blocks of whole lines, and its rows screened through :func:`screen_batch`'s
    prefilter, wherever a block is one that the careful reader (Python's ``csv``
    module, strict) reads the same way row for row and line for line (see
    :mod:`regnotice._screen.arrow`). At the first block that is not (a malformed row,
    a field over several lines, bytes that are not UTF-8, a blank line), the careful
    reader takes over at that block's first line, and reads the rest: the output, the
    messages and the result are the careful reader's alone, whatever the path.
    ``reader="careful"`` (or ``REGNOTICE_BATCH_READER=careful``) reads the whole file
    so. Other encodings, JSON lines and standard input are always read carefully;
    Parquet through ``pyarrow.parquet`` (which pyarrow, ``pip install
    "regnotice[scale]"``, is needed for).

    **Rows that cannot be read** (not JSON, not an object, no such column or key, not a
    string, not text in the encoding, a field count other than the header's, an
    unterminated quote) are counted in ``skipped`` and passed to ``report`` as
    ``file:line: problem`` (quoting at most 200 characters of the row): the first 100,
    then ``... and N more``, then, if rows were not UTF-8, one line suggesting an
    encoding. With ``on_error="fail"`` (the default) the result is ``failed`` (exit 2)
    when any row was skipped; with ``"skip"`` skipped rows are reported only. A file
    that cannot be read at all (missing, empty, a bad or duplicated header, no column
    ``column``, not Parquet) raises :class:`ScreenInputError` before anything is
    written. Every error is a :class:`~regnotice.errors.RegnoticeError`.

    ``progress``: a progress bar on standard error; by default when it is a terminal.
    """
    if not isinstance(on_error, str) or on_error not in ON_ERROR:
        raise InputError(f"on_error must be 'fail' or 'skip', not {_rows.short(on_error)}")
    check = _screener_of(screener, field)
    if not isinstance(column, str):
        raise InputError(f"column must be a str, not {type(column).__name__}")
    if fmt is not None and fmt not in INPUT_FORMATS:
        raise InputError(f"the input format must be csv, tsv, jsonl or parquet, not {_rows.short(fmt)}")
    if not callable(report):
        raise InputError(f"report must be a function of one message, not {type(report).__name__}")
    delimiter = _rows.check_delimiter(delimiter)
    encoding = _rows.check_encoding(encoding)
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"path must be a file name, not {type(path).__name__}")
    if out is not None and not isinstance(out, (str, os.PathLike)):
        raise InputError(f"out must be a file name or None, not {type(out).__name__}")
    if reader is None:
        reader = os.environ.get(READER_VARIABLE) or "auto"
    if not isinstance(reader, str) or reader not in READERS:
        raise InputError(f"reader must be 'auto' or 'careful', not {_rows.short(reader)}" + (f" (from ${READER_VARIABLE})" if reader == os.environ.get(READER_VARIABLE) else ""))
    path = Path(path)
    if progress is None:
        progress = bool(getattr(sys.stderr, "isatty", None)) and sys.stderr.isatty()

    raw, name, owned = _open_input(path)
    try:
        try:
            head = bytes(raw.peek(_rows.SAMPLE_BYTES)[: _rows.SAMPLE_BYTES])
        except OSError as exc:
            raise _rows.read_error(name, exc) from None
        kind = _format_of(path, fmt, head)
        batch = _Batch(raw, name, head, on_error, report, out, quotes, check, progress, path.name)
        if kind == "parquet":
            if not owned or not _regular(raw):
                raise ScreenInputError(f"{name}: Parquet cannot be read from a stream; give the file's name")
            return batch.parquet(path, column)
        if head.startswith(b"PAR1") and _parquet_tail(raw):
            raise ScreenInputError(f"{name}: a Parquet file, not {'CSV' if kind == 'csv' else 'JSON lines'}: give --input-format parquet (or name it .parquet)")
        tsv = fmt == "tsv" or (fmt is None and path.suffix.lower() == ".tsv")
        if kind == "csv" and delimiter is None and tsv:
            delimiter = "\t"
        return batch.text(kind, column, delimiter, encoding, fast=kind == "csv" and owned and reader == "auto")
    finally:
        if owned:
            raw.close()


class _Batch:
    """One run of :func:`screen_file`: the input, the result, the reporting of problems,
    and the writing of records."""

    def __init__(self, raw, name, head, on_error, report, out, quotes, check: Screener, progress, label) -> None:
        self.raw, self.name, self.head = raw, name, head
        self.result = BatchResult(on_error=on_error)
        self.report, self.reported = report, 0
        self.out, self.quotes, self.check = out, quotes, check
        self.progress, self.label = progress, label
        self.decoding = None
        self.total = _size(raw)

    # -- problems

    def skip(self, message: str) -> None:
        result = self.result
        result.skipped += 1
        if len(result.problems) < MAX_KEPT:
            result.problems.append(message)
        if self.reported < MAX_REPORTED:
            self.reported += 1
            self.report(message)
        elif len(result.problems) >= MAX_KEPT and self.decoding is not None:
            self.decoding.quiet = True  # only counted from now on: no excerpts to build

    def finish(self) -> BatchResult:
        result = self.result
        if result.skipped > self.reported:
            self.report(f"{self.name}: ... and {result.skipped - self.reported:,} more rows skipped")
        hint = self.decoding.hint(self.name) if self.decoding is not None else ""
        if hint:
            self.report(hint)
        return result

    # -- records

    def writer(self, sink, key: str) -> Callable:
        """``write(number, text, hits)``: one JSON line, ``{key: number, "text", "hits"}``."""
        write, quotes = sink.write, self.quotes
        encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode  # json.dumps(ensure_ascii=False), made once

        def record(number: int, text: str, hits) -> None:
            data = {key: number, "text": text, "hits": [h.to_dict(quotes) for h in hits]}
            try:
                write(encode(data) + "\n")
            except UnicodeEncodeError:  # lone surrogates, or an output that is not UTF-8
                write(json.dumps(data) + "\n")

        return record

    # -- text files: CSV, TSV, JSON lines

    def text(self, kind: str, column: str, delimiter: str | None, encoding: str | None, fast: bool) -> BatchResult:
        head, result = self.head, self.result
        self.decoding = _rows.Decoding(head, encoding)
        result.encoding = self.decoding.codec
        plan = self._fast_plan(column, delimiter, encoding) if fast else None
        if plan is not None:
            # the header checked by the careful reader itself, on the header's bytes
            self._careful_rows(io.BytesIO(plan.header.raw), kind, column, delimiter, encoding)
            result.delimiter = plan.header.delimiter
            with _output(self.out) as sink, _Progress(self.progress, self.total, self.label) as bar:
                write = self.writer(sink, "line")
                resume = self._fast_csv(plan, write, bar)
                if resume is not None:  # the careful reader from that line on, every line where it is
                    line, offset = resume
                    result.reader, result.resumed_at = "arrow+careful", line
                    from ._screen.arrow import Spliced

                    spliced = io.BufferedReader(Spliced(plan.header.raw, line - 1 - plan.header.lines, self.raw, offset), _rows.SAMPLE_BYTES)
                    rows = self._careful_rows(spliced, kind, column, delimiter, encoding)
                    self._careful_loop(rows, write, bar)
                else:
                    result.reader = "arrow"
                bar.update(self.total, result)
            return self.finish()
        rows = self._careful_rows(self.raw, kind, column, delimiter, encoding)
        with _output(self.out) as sink, _Progress(self.progress, self.total, self.label) as bar:
            self._careful_loop(rows, self.writer(sink, "line"), bar)
            bar.update(self.total, result)
        return self.finish()

    def _careful_rows(self, raw, kind: str, column: str, delimiter: str | None, encoding: str | None):
        """The careful reader's rows of ``raw`` (reading a CSV's header now)."""
        decoding = self.decoding = _rows.Decoding(self.head, encoding)
        text = self.text_io = decoding.text(raw, "" if kind == "csv" else "\n")
        try:
            if kind == "csv":
                rows, self.result.delimiter = _rows.csv_rows(text, self.name, column, decoding, delimiter, ",", decoding.sample(self.head))
            else:
                rows = _rows.jsonl_rows(text, self.name, column, decoding)
        except UnicodeError as exc:  # a codec that fails other than on its bytes
            text.detach()
            raise ScreenInputError(f"{self.name}: cannot be read as {decoding.codec}: {_rows.short(str(exc), 200)}") from None
        except BaseException:
            text.detach()  # else its finalizer would close the binary file (standard input, too)
            raise
        return rows

    def _careful_loop(self, rows, write: Callable, bar: _Progress) -> None:
        result, name, skip, check = self.result, self.name, self.skip, self.check.screen
        tell = self.raw.tell if self.total and self.raw.seekable() else (lambda: 0)
        try:
            for line, value, problem in rows:
                if problem is not None:
                    skip(f"{name}:{line}: {problem}")
                    continue
                result.rows += 1
                hits = check(value)
                if hits:
                    result.flagged += 1
                    result.hits += len(hits)
                    write(line, value, hits)
                if not result.rows & 0x3FFF:
                    bar.update(tell(), result)
        except UnicodeError as exc:  # a codec that fails other than on its bytes
            raise ScreenInputError(f"{name}: cannot be read as {self.decoding.codec}: {_rows.short(str(exc), 200)}") from None
        finally:
            self.text_io.detach()  # the binary file is closed by screen_file (standard input is left open)

    # -- the fast path of a CSV

    def _fast_plan(self, column: str, delimiter: str | None, encoding: str | None):
        """How pyarrow reads the file (its header, the screened column's index), or
        ``None`` when the careful reader reads all of it: pyarrow missing, not UTF-8,
        not a regular file, a header that is not one plain line."""
        if self.decoding.codec not in ("utf-8", "utf-8-sig") or not _regular(self.raw):
            return None
        from ._screen import arrow

        if not arrow.available():
            return None
        header = arrow.csv_header(self.head, self.decoding.codec, delimiter, ",", self.decoding.sample(self.head))
        if header is None or not arrow.CsvBlocks.fits(header.delimiter):
            return None
        if header.fields.count(column) != 1:
            return None  # the careful reader says what is wrong with the header
        return _Plan(header, header.fields.index(column))

    def _fast_csv(self, plan: "_Plan", write: Callable, bar: _Progress) -> tuple[int, int] | None:
        """Screen the rows pyarrow reads exactly; ``None`` when it read them all, else
        ``(line, offset)`` where the careful reader takes over."""
        import contextlib

        from ._screen import arrow

        header = plan.header
        blocks = arrow.CsvBlocks(self.raw, len(header.raw), len(header.fields), plan.index, header.delimiter, screener=self.check)
        result, check = self.result, self.check
        line = header.lines + 1  # the line of the next block
        with contextlib.closing(_prefetch(blocks)) as parsed:
            for block in parsed:
                if isinstance(block, arrow._Unfit):
                    return line, block.offset
                line += block.blank_before
                if block.rows:
                    result.rows += block.rows
                    for i, text, hits in arrow.screen_values(block.values, check, block.found):
                        result.flagged += 1
                        result.hits += len(hits)
                        write(line + i, text, hits)
                    line += block.rows
                line += block.blank_after
                bar.update(block.end, result)
        return None

    # -- Parquet

    def parquet(self, path: Path, column: str) -> BatchResult:
        import contextlib

        from ._screen import arrow

        result, name = self.result, self.name
        result.encoding, result.delimiter, result.reader = "utf-8", None, "arrow"
        total_rows, texts = arrow.parquet_texts(str(path), name, column)
        check = self.check

        def prepared():  # read, decoded and prefiltered by a worker thread
            for values in texts:
                yield values, arrow.candidate_texts(values, check)

        with _output(self.out) as sink, _Progress(self.progress, self.total, self.label) as bar, contextlib.closing(_ahead(prepared())) as batches:
            write = self.writer(sink, "row")
            row = 1
            for values, found in batches:
                nulls = values.null_count
                result.rows += len(values) - nulls
                result.nulls += nulls
                for i, text, hits in arrow.screen_values(values, check, found):
                    result.flagged += 1
                    result.hits += len(hits)
                    write(row + i, text, hits)
                row += len(values)
                bar.update(self.total * (row - 1) // total_rows if total_rows else 0, result)
            bar.update(self.total, result)
        return self.finish()


def _ahead(items, depth: int = 1):
    """The items of an iterator, each computed by one worker thread while the one before
    it is used (``depth`` ahead); an exception is raised where its item would be."""
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    end = object()
    pool = ThreadPoolExecutor(1, thread_name_prefix="regnotice-read")
    pending: deque = deque()
    try:
        for _ in range(depth):
            pending.append(pool.submit(next, items, end))
        while pending:
            item = pending.popleft().result()
            if item is end:
                return
            pending.append(pool.submit(next, items, end))
            yield item
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)
        items.close()


class _Plan:
    __slots__ = ("header", "index")

    def __init__(self, header, index: int) -> None:
        self.header, self.index = header, index


#: Blocks of a CSV parsed ahead, each by a worker thread, while one is screened.
AHEAD = 2


def _prefetch(blocks, ahead: int | None = None):
    """The blocks of ``blocks`` (a :class:`~regnotice._screen.arrow.CsvBlocks`) in order,
    each checked, parsed and prefiltered by one of ``ahead`` worker threads while the
    block before it is screened (pyarrow and RE2 release the GIL). The file is read
    here, into a ring of ``ahead + 1`` buffers: ``ahead + 1`` blocks are in memory at
    most. An :class:`~regnotice._screen.arrow._Unfit` is yielded, not raised, after the
    blocks before it, and ends them."""
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    from ._screen.arrow import _Unfit

    ahead = AHEAD if ahead is None else max(ahead, 1)
    chunks = blocks.chunks(ahead + 1)
    pending: deque = deque()
    pool = ThreadPoolExecutor(ahead, thread_name_prefix="regnotice-csv")

    def oldest():
        try:
            return pending.popleft().result()
        except _Unfit as unfit:
            return unfit

    try:
        while True:
            try:
                chunk = next(chunks, None)
            except _Unfit as unfit:  # a line too long for a block
                while pending:
                    block = oldest()
                    yield block
                    if isinstance(block, _Unfit):
                        return
                yield unfit
                return
            if chunk is None:
                break
            pending.append(pool.submit(blocks.parse_chunk, *chunk))
            if len(pending) > ahead:
                block = oldest()
                yield block
                if isinstance(block, _Unfit):
                    return
        while pending:
            block = oldest()
            yield block
            if isinstance(block, _Unfit):
                return
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)
        chunks.close()


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
