"""The rows of a batch to screen: CSV or TSV (delimiter sniffed) or JSON lines, in any
text encoding, streamed in constant memory. A row that cannot be read is yielded as a
problem (``(line, None, problem)``), never dropped; a file that cannot be read at all
(empty, a bad or duplicated header, no such column) raises :class:`ScreenInputError`
before any row is read.

- **Encoding.** A byte-order mark decides (UTF-8, UTF-16, UTF-32, whatever ``encoding``
  says); else ``encoding`` (default UTF-8). Bytes that do not decode become lone
  surrogates (``\\udc80``-``\\udcff`` for UTF-8, as ``surrogateescape``), which no strict
  decoder produces, so a row holding one is a row that is not text in that encoding.
  The error handler counts its calls: rows are searched for them only once one was made.
- **Delimiter.** ``,`` ``;`` tab or ``|``: Excel's ``sep=X`` first line, else the one
  that splits the header of the first 64 kB into most fields that the rows repeat
  (``csv.Sniffer`` was measured at 1.1 s on 64 kB of quoted CSV, and 23 s on a hostile
  one: its regular expression is quadratic; this is one C parse per candidate), else
  ``,`` (tab for ``.tsv``).
- **Malformed rows.** A row must have as many fields as the header. A quoted field
  that runs to the end of the file, or over :data:`MAX_ROW_LINES` lines, is an
  unterminated quote: reported with the line and column where it opens, and the lines
  after that one are read again as rows, so one stray quote costs one row, not the rest
  of the file. The same holds for any malformed row over several lines.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections import deque
from typing import IO, Iterable, Iterator

from ..errors import InputError, ScreenInputError

__all__ = [
    "DELIMITERS",
    "MAX_ROW_LINES",
    "EXCERPT_CHARS",
    "SAMPLE_BYTES",
    "Decoding",
    "check_delimiter",
    "check_encoding",
    "csv_rows",
    "jsonl_rows",
    "excerpt",
]

#: The delimiters sniffed.
DELIMITERS = (",", ";", "\t", "|")
#: Bytes read from the start of a file to choose its delimiter.
SAMPLE_BYTES = 1 << 16
#: A quoted field still open after this many lines is taken for an unterminated quote.
MAX_ROW_LINES = 100
#: Characters of a row quoted in a message.
EXCERPT_CHARS = 200

Row = tuple  # (line, value or None, problem or None)

# ---------------------------------------------------------------------------- decoding

ERRORS = "regnotice.screen-undecodable"
_calls = [0]  # calls of the error handler, ever (compared, never reset)


def _undecodable(exc: UnicodeError):
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _calls[0] += 1
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start : exc.end]), exc.end


codecs.register_error(ERRORS, _undecodable)
_MARK = re.compile("[\udc00-\udcff]")
_MARK_SHOWN = re.compile(r"(?<!\\)\\udc([0-9a-f]{2})")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),  # before UTF-16 LE: it starts the same
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


def check_encoding(encoding) -> str | None:
    """The codec name of ``encoding`` (``None``: the default), or :class:`InputError`."""
    if encoding is None:
        return None
    if not isinstance(encoding, str) or not encoding.strip():
        raise InputError(f"encoding must be the name of a text encoding, not {short(encoding)}")
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError):
        raise InputError(f"unknown encoding {short(encoding)}; for example utf-8, cp1252, gb18030, utf-16") from None
    if not getattr(info, "_is_text_encoding", True):
        raise InputError(f"{short(encoding)} is not a text encoding")
    return info.name


def check_delimiter(delimiter) -> str | None:
    if delimiter is None:
        return None
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n':
        raise InputError(f"the delimiter must be one character other than a quote or a line break, not {short(delimiter)}")
    return delimiter


class Decoding:
    """How a file is decoded: the codec, its name in messages, and which rows did not
    decode (their number, and the first one, to suggest an encoding). Also the readers'
    ``quiet`` flag: set once no more messages are wanted, problems are then counted
    with a short text (no excerpt of the row)."""

    def __init__(self, head: bytes, encoding: str | None) -> None:
        for bom, codec, label in _BOMS:
            if head.startswith(bom):
                self.codec, self.label = codec, label
                break
        else:
            # without a BOM, "utf-16" and "utf-32" are little-endian (as bytes.decode
            # has them; their incremental decoders insist on a BOM)
            self.codec = {"utf-16": "utf-16-le", "utf-32": "utf-32-le"}.get(encoding or "utf-8", encoding or "utf-8")
            self.label = "UTF-8" if self.codec in ("utf-8", "utf-8-sig") else self.codec
        self.calls = _calls
        self.before = _calls[0]
        self.bad_rows = 0
        self.first_bad = ""
        self.quiet = False

    def text(self, raw: IO[bytes], newline: str) -> IO[str]:
        return io.TextIOWrapper(raw, encoding=self.codec, errors=ERRORS, newline=newline)

    def sample(self, head: bytes) -> str:
        try:
            return codecs.getincrementaldecoder(self.codec)("replace").decode(head)
        except UnicodeError:  # a codec that fails other than on its bytes
            return ""

    def problem(self, text: str) -> str:
        """The problem of a row that did not decode (``text``: its first line)."""
        self.bad_rows += 1
        if not self.first_bad:
            self.first_bad = text[:EXCERPT_CHARS]
        if self.quiet:
            return f"not {self.label} text"
        m = _MARK.search(text)
        where = f" (byte 0x{ord(m.group()) - 0xDC00:02x}, column {m.start() + 1})" if m else ""
        return f"not {self.label} text{where}: {excerpt(text)}"

    def hint(self, name: str) -> str:
        """One line suggesting an encoding, when rows did not decode as UTF-8."""
        if not self.bad_rows or self.label != "UTF-8":
            return ""
        rows = "1 row is" if self.bad_rows == 1 else f"{self.bad_rows:,} rows are"
        return f"{name}: {rows} not UTF-8 text; if the file is in another encoding, give it, e.g. --encoding {guess_encoding(self.first_bad)}"

    def quote(self, text: str) -> str:
        """``: 'the row...'`` for a message, or nothing when quiet."""
        return "" if self.quiet else f": {excerpt(text)}"


def guess_encoding(text: str) -> str:
    """An encoding the bytes of a row read as UTF-8 (with its undecodable bytes as lone
    surrogates) may be in: gb18030 for Chinese, else cp1252."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return "cp1252"
    try:
        chinese = raw.decode("gb18030")
    except UnicodeDecodeError:
        chinese = ""
    runs = re.findall(rb"[\x80-\xff]+", raw)
    if re.search("[\u4e00-\u9fff]", chinese) and all(len(run) % 2 == 0 for run in runs):
        return "gb18030"
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


# ---------------------------------------------------------------------------- messages


def excerpt(text: str) -> str:
    """``text`` quoted for a message: at most :data:`EXCERPT_CHARS` characters of it (its
    line break left out), an undecodable byte shown as ``\\xe9``."""
    end = len(text)
    if text.endswith("\r\n"):
        end -= 2
    elif text.endswith(("\n", "\r")):
        end -= 1
    shown = repr(text[: min(end, EXCERPT_CHARS)])
    if end > EXCERPT_CHARS:
        shown += f"... ({end:,} characters)"
    return _MARK_SHOWN.sub(r"\\x\1", shown)


def short(value, limit: int = 40) -> str:
    """The repr of a value of a message, cut."""
    if isinstance(value, str):
        text = _MARK_SHOWN.sub(r"\\x\1", repr(value[:limit]))
        return text + "..." if len(value) > limit else text
    text = repr(value)
    return text if len(text) <= limit else f"{type(value).__name__} {text[:limit]}..."


def _columns(numbers: list[int]) -> str:
    if len(numbers) > 10:
        return "columns " + ", ".join(map(str, numbers[:10])) + f" and {len(numbers) - 10:,} more"
    return "columns " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def read_error(name: str, exc: OSError) -> ScreenInputError:
    """The one message for an input that cannot be read."""
    return ScreenInputError(f"{name}: cannot read: {exc.strerror or exc}")


# ---------------------------------------------------------------------------- delimiter


def sniff_delimiter(sample: str) -> str | None:
    """The delimiter of :data:`DELIMITERS` that splits the first row of ``sample`` into
    the most fields the other rows repeat; ``None`` when none splits it."""
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    if cut > 0:
        sample = sample[: cut + 1]  # whole lines
    best, best_key = None, None
    for order, delimiter in enumerate(DELIMITERS):
        widths = []
        try:
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if row:
                    widths.append(len(row))
        except csv.Error:
            pass
        if not widths or widths[0] < 2:
            continue
        consistency = sum(w == widths[0] for w in widths) / len(widths)
        key = (consistency, widths[0], -order)
        if best_key is None or key > best_key:
            best, best_key = delimiter, key
    return best


_SEP = re.compile(r"sep=([^\r\n])\r?\n?\Z")


# ---------------------------------------------------------------------------- CSV


def _feed(lines: Iterable[str], pending: deque, buf: list) -> Iterator[str]:
    """The lines for a ``csv.reader``: ``pending`` (lines to read again) first, then
    ``lines``; each also kept in ``buf`` (the lines of the row being read). Stops when a
    row runs over :data:`MAX_ROW_LINES` lines (the extra line stays in ``buf``)."""
    while pending:
        line = pending.popleft()
        buf.append(line)
        if len(buf) > MAX_ROW_LINES:
            return
        yield line
    for line in lines:
        buf.append(line)
        if len(buf) > MAX_ROW_LINES:
            return
        yield line


def _open_quote(line: str, delimiter: str) -> int | None:
    """The index of the quote that opens a field still open at the end of ``line``."""
    pos, opened, n = 0, None, len(line)
    while pos < n:
        q = line.find('"', pos)
        if q < 0:
            return opened
        if opened is None:
            if q == 0 or line[q - 1] == delimiter:
                opened = q
            pos = q + 1
        elif line.startswith('"', q + 1):
            pos = q + 2  # an escaped quote
        else:
            opened, pos = None, q + 1
    return opened


def _quote_at(number: int, line: str, delimiter: str) -> str:
    """Where the quote that opens a field over several lines is: ``the quote at line 3,
    column 5``."""
    at = _open_quote(line, delimiter)
    return f"the quote at line {number}" + (f", column {at + 1}" if at is not None else "")


def _width_problem(row: list, width: int, column: str, index: int) -> str:
    fields = "1 field" if len(row) == 1 else f"{len(row)} fields"
    if len(row) <= index:
        return f"missing column {short(column)} (the row has {len(row)} of {width} fields)"
    return f"the row has {fields}, the header {width}"


def csv_rows(
    text: IO[str],
    name: str,
    column: str,
    decoding: Decoding,
    delimiter: str | None,
    default: str,
    sample: str,
) -> tuple[Iterator[Row], str]:
    """The rows of a CSV file (and its delimiter). Reads the header now: raises
    :class:`ScreenInputError` for an empty file, a bad header, a duplicated column name
    or no column ``column``."""
    lines = iter(text)
    pending: deque[str] = deque()
    start = 1  # the line of the next row
    try:
        first = next(lines, None)
    except OSError as exc:
        raise read_error(name, exc) from None
    if first is not None:
        sep = _SEP.match(first)
        if sep and sep.group(1) != '"':  # Excel's "sep=;" line
            delimiter = delimiter or sep.group(1)
            start = 2
        else:
            pending.append(first)
    if delimiter is None:
        delimiter = sniff_delimiter(sample) or default
    buf: list[str] = []
    reader = csv.reader(_feed(lines, pending, buf), delimiter=delimiter, strict=True)

    # the header: the first line that is not blank
    while True:
        try:
            header = next(reader)
        except StopIteration:
            raise ScreenInputError(f"{name}: empty file; expected a CSV header with a column {short(column)}") from None
        except csv.Error as exc:
            error = str(exc)
            if len(buf) > MAX_ROW_LINES:
                error = f"{_quote_at(start, buf[0], delimiter)} is not closed within {MAX_ROW_LINES} lines"
            elif buf and error == "unexpected end of data":
                error = f"{_quote_at(start, buf[0], delimiter)} is never closed (its field runs to the end of the file)"
            elif error.startswith("field larger than field limit"):
                error = f"a field is longer than {csv.field_size_limit():,} characters"
            raise ScreenInputError(f"{name}:{start}: bad CSV header: {error}") from None
        except OSError as exc:
            raise read_error(name, exc) from None
        at = start
        start += len(buf)
        head_text = "".join(buf)
        buf.clear()
        if header:
            break
    header[0] = header[0].lstrip("\ufeff")
    seen: dict[str, list[int]] = {}
    for number, title in enumerate(header, 1):
        seen.setdefault(title, []).append(number)
    twice = [(title, numbers) for title, numbers in seen.items() if len(numbers) > 1]
    if twice:
        shown = ", ".join(f"{short(t)} ({_columns(ns)})" for t, ns in twice[:5]) + (f" and {len(twice) - 5} more" if len(twice) > 5 else "")
        raise ScreenInputError(f"{name}:{at}: duplicate column{'s' if len(twice) > 1 else ''} in the CSV header: {shown}; each column needs its own name")
    if column not in seen:
        raise ScreenInputError(f"{name}:{at}: " + _no_column(header, column, delimiter, head_text, decoding))
    index, width = header.index(column), len(header)
    calls, before = decoding.calls, decoding.before
    marked = _MARK.search

    def rows() -> Iterator[Row]:
        nonlocal reader, start
        while True:
            try:
                row = next(reader)
                error = None
            except StopIteration:
                return
            except csv.Error as exc:
                row, error = None, str(exc)
            except OSError as exc:
                raise read_error(name, exc) from None
            if row is not None and len(buf) == 1:  # the usual row: one line
                line = buf[0]
                buf.clear()
                at = start
                start += 1
                if len(row) == width:
                    if calls[0] != before and marked(line):
                        yield at, None, decoding.problem(line)
                        continue
                    yield at, row[index], None
                    continue
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # a blank line
                yield at, None, _width_problem(row, width, column, index) + decoding.quote(line)
                continue
            # a row over several lines, or not CSV
            at, n = start, len(buf)
            taken = buf[:]
            buf.clear()
            if not taken:  # (a reader error that read no line: cannot happen)
                yield at, None, f"bad CSV: {error}"
                return
            first_line = taken[0]
            if n > MAX_ROW_LINES:
                problem = f"bad CSV: {_quote_at(at, first_line, delimiter)} is not closed within {MAX_ROW_LINES} lines"
            elif error == "unexpected end of data":
                problem = f"bad CSV: {_quote_at(at, first_line, delimiter)} is never closed (its field runs to the end of the file)"
            elif error is not None:
                if error.startswith("field larger than field limit"):
                    error = f"a field is longer than {csv.field_size_limit():,} characters"
                problem = f"bad CSV: {error}"
                if n > 1:
                    problem += f" on line {at + n - 1}, in the field opened by {_quote_at(at, first_line, delimiter)}"
            elif len(row) == width:  # a good row over several lines
                start += n
                if calls[0] != before and any(map(marked, taken)):
                    bad = next(t for t in taken if marked(t))
                    yield at, None, decoding.problem(bad)
                    continue
                yield at, row[index], None
                continue
            else:
                problem = f"{_width_problem(row, width, column, index)} (lines {at}-{at + n - 1}: {_quote_at(at, first_line, delimiter)} opens a field over several lines)"
            if n > 1:  # read the lines after the first again: one stray quote costs one row
                problem += f"; read again from line {at + 1}"
                pending.extendleft(reversed(taken[1:]))
                reader = csv.reader(_feed(lines, pending, buf), delimiter=delimiter, strict=True)
            start = at + 1
            yield at, None, problem + decoding.quote(first_line)

    return rows(), delimiter


def _no_column(header: list[str], column: str, delimiter: str, head_text: str, decoding: Decoding) -> str:
    shown = ", ".join(short(h) for h in header[:20]) + (f" and {len(header) - 20} more" if len(header) > 20 else "")
    message = f"no column {short(column)} in the CSV header; columns: {shown}"
    near = [h for h in header if h.strip().casefold() == column.strip().casefold()]
    if near:
        message += f" (did you mean {short(near[0])}?)"
    if "\x00" in head_text:
        message += "; the file looks like UTF-16 without a byte-order mark: give its encoding, e.g. --encoding utf-16-le"
    elif _MARK.search(head_text):
        message += f"; the header is not {decoding.label} text: give the file's encoding, e.g. --encoding {guess_encoding(head_text)}"
    elif len(header) == 1:
        others = [d for d in DELIMITERS if d != delimiter and d in header[0]]
        if others:
            message += f"; read with the delimiter {delimiter!r}: if it is {others[0]!r}, give --delimiter"
    return message


# ---------------------------------------------------------------------------- JSON lines


def _json_type(value) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def jsonl_rows(text: IO[str], name: str, column: str, decoding: Decoding) -> Iterator[Row]:
    """The rows of a JSON-lines file: one object per line, ``column`` a string key."""
    loads = json.loads
    calls, before = decoding.calls, decoding.before
    marked = _MARK.search
    key = short(column)
    try:
        for number, line in enumerate(text, 1):
            if calls[0] != before and marked(line):
                yield number, None, decoding.problem(line)
                continue
            try:
                record = loads(line)
            except ValueError as exc:
                if not line.strip():
                    continue  # a blank line
                yield number, None, f"not valid JSON: {str(exc)[:200]}" + decoding.quote(line)
                continue
            except RecursionError:
                yield number, None, "not valid JSON: nested too deeply" + decoding.quote(line)
                continue
            if not isinstance(record, dict):
                yield number, None, f"expected a JSON object, got {_json_type(record)}" + decoding.quote(line)
                continue
            try:
                value = record[column]
            except KeyError:
                yield number, None, f"missing key {key}" + decoding.quote(line)
                continue
            if not isinstance(value, str):
                yield number, None, f"{key} is {_json_type(value)}, expected a string" + decoding.quote(line)
                continue
            yield number, value, None
    except OSError as exc:
        raise read_error(name, exc) from None
