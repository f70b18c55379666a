"""Batch screening through pyarrow: record batches in, record batches of hits out, and
the fast path of ``regnotice screen --input`` over CSV and Parquet files.

:func:`screen_batch` screens one text column of a ``pyarrow.RecordBatch`` and returns
one row per hit, in the flat schema :func:`hit_schema` (``row``, the index of the row in
the batch, then the hit's fields), which Polars, Dask and Spark read as it is. Only some
rows reach the exact matcher (``Screener.screen``): a vectorised prefilter
(``pyarrow.compute``, RE2 in C++) passes a row when it is not ASCII (full-width forms,
look-alike letters and Chinese terms are the matcher's business) or when its text
contains, in any case, one of the screener's ``anchors``; with ``anchors`` ``None``
every row passes. The matcher's contract (every ASCII text with a hit holds an anchor
in its lowercase) makes the prefilter a superset, so the hits are exactly the hits of
``screen`` row by row.

**CSV.** :class:`CsvBlocks` reads the body of a UTF-8 CSV in blocks of whole lines and
parses each with ``pyarrow.csv.read_csv``, checking first that the block holds only
what the careful reader (:mod:`regnotice._screen.rows`, Python's ``csv`` module,
``strict=True``) reads the same way, row for row and line for line:

- every line is one row: quoted fields closed on their line, no quote closed before
  text other than the delimiter (Python's ``',' expected after '"'``, which pyarrow
  reads leniently), no blank line inside the block (blank lines at its edges are
  counted, and skipped as the careful reader skips them); one regular expression of
  the CSV grammar, run by RE2 on the whole block;
- every line has the header's number of fields (pyarrow checks it);
- the bytes are UTF-8 (Python's strict decoder: what the careful reader decodes with);
- no line is longer than ``csv.field_size_limit()`` bytes, so no field is either.

A block that fails raises :class:`_Unfit` with its first line and offset, and the
careful reader takes over from there (see :func:`regnotice.screening.screen_file`).

pyarrow is optional (``pip install "regnotice[scale]"``): this module imports it only
inside its functions, and says so in an :class:`~regnotice.errors.InputError` when it is
missing.
"""

from __future__ import annotations

import csv
import io
import sys
from functools import lru_cache
from typing import Iterator

from ..errors import InputError, ScreenInputError
from . import rows as _rows

__all__ = [
    "INSTALL_HINT",
    "BLOCK_BYTES",
    "BATCH_ROWS",
    "hit_schema",
    "screen_batch",
    "screen_values",
    "candidate_texts",
    "candidates",
    "text_values",
    "available",
    "_Unfit",
    "CsvHeader",
    "csv_header",
    "CsvBlocks",
    "parquet_texts",
]

#: How to install pyarrow (named in the error when it is missing).
INSTALL_HINT = 'pip install "regnotice[scale]"'
#: Bytes of a CSV block: the memory of a batch, whatever the size of the file.
BLOCK_BYTES = 1 << 19
#: Rows of a Parquet batch.
BATCH_ROWS = 32_768

_HIT_FIELDS = ("row", "text", "term", "start", "end", "rule_id", "also", "lookalike", "term_id", "category", "note", "source")
_QUOTE_FIELDS = ("clause", "marker", "quote")


def available() -> bool:
    """Whether pyarrow (with its compute and CSV modules) can be imported."""
    try:
        _pyarrow()
    except InputError:
        return False
    return True


def import_lean() -> None:
    """Import pyarrow without numpy, in a process that is the ``regnotice`` command
    alone (the CLI calls this; a library must not): pyarrow imports numpy when it can,
    11 MB of a batch's 80 MB, and uses it for nothing the batch does. numpy itself stays
    importable; pyarrow's conversions to and from numpy are off in that process, whose
    default memory pool becomes the system allocator's. Does nothing when either is
    imported already, or when this pyarrow needs numpy."""
    if "pyarrow" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # "import numpy" fails
    try:
        import pyarrow
        import pyarrow.compute  # noqa: F401
        import pyarrow.csv  # noqa: F401

        # and the system allocator for everything (the Parquet reader takes no pool):
        # mimalloc keeps some 15 MB more of the blocks a stream frees
        pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    except ImportError:  # not installed, or a pyarrow that needs numpy (before 16)
        for name in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
            del sys.modules[name]
    finally:
        if sys.modules.get("numpy", 0) is None:
            del sys.modules["numpy"]


def _pyarrow(who: str = "screen_batch"):
    try:
        import pyarrow
        import pyarrow.compute  # noqa: F401
        import pyarrow.csv  # noqa: F401
    except ImportError:
        raise InputError(f"{who} needs pyarrow, which is not installed: {INSTALL_HINT}") from None
    return pyarrow


# ---------------------------------------------------------------------------- the schema


@lru_cache(maxsize=2)
def hit_schema(quotes: bool = False):
    """The schema of :func:`screen_batch`'s output, one row per hit:

    ``row`` (int64, the row's index in the input batch), ``text`` (the text matched,
    ``Hit.text``), ``term``, ``start``, ``end`` (int64, into the row's text),
    ``rule_id`` (the rule the hit cites; null for a term of a user's list), ``also``
    (list of strings: the ids of further rules cited), ``lookalike`` (bool), and the
    fields of a user's term list ``term_id``, ``category``, ``note``, ``source``
    (strings, null for the notice's terms). With ``quotes``, also ``clause`` (int64),
    ``marker`` and ``quote`` (the rule's verbatim text). Every field is nullable, as
    engines declare them; only the ones named null above ever are."""
    pa = _pyarrow("hit_schema")
    string, integer = pa.string(), pa.int64()
    types = {
        "row": integer,
        "text": string,
        "term": string,
        "start": integer,
        "end": integer,
        "rule_id": string,
        "also": pa.list_(string),
        "lookalike": pa.bool_(),
        "term_id": string,
        "category": string,
        "note": string,
        "source": string,
        "clause": integer,
        "marker": string,
        "quote": string,
    }
    names = _HIT_FIELDS + (_QUOTE_FIELDS if quotes else ())
    return pa.schema([pa.field(name, types[name]) for name in names])


def __getattr__(name: str):
    """``HIT_SCHEMA`` and ``HIT_SCHEMA_QUOTES``: :func:`hit_schema` without and with the
    quotes (built on first use: this module imports without pyarrow)."""
    if name == "HIT_SCHEMA":
        return hit_schema(False)
    if name == "HIT_SCHEMA_QUOTES":
        return hit_schema(True)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------- one batch


def text_values(batch, column, error=InputError):
    """The text column ``column`` of a record batch, as a ``string`` or ``large_string``
    array (a ``string_view`` or dictionary-encoded column is converted). A batch that is
    not a ``RecordBatch``, a missing column, or one of another type is ``error``."""
    pa = _pyarrow()
    if not isinstance(batch, pa.RecordBatch):
        raise InputError(f"screen_batch needs a pyarrow.RecordBatch, not {type(batch).__name__}")
    if not isinstance(column, str):
        raise InputError(f"column must be a column name (a str), not {type(column).__name__}")
    names = batch.schema.names
    if names.count(column) != 1:
        if column in names:
            raise error(f"the batch has {names.count(column)} columns named {_rows.short(column)}")
        shown = ", ".join(_rows.short(n) for n in names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
        raise error(f"the batch has no column {_rows.short(column)}; its columns: {shown or 'none'}")
    return _as_text(pa, batch.column(names.index(column)), column, error)


def _as_text(pa, values, column, error):
    kind = values.type
    if pa.types.is_dictionary(kind) and _is_text(pa, kind.value_type):
        values = values.dictionary_decode()
        kind = values.type
    if getattr(pa.types, "is_string_view", lambda t: False)(kind):
        values = values.cast(pa.large_string())
        kind = values.type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise error(f"column {_rows.short(column)} holds {kind}, not text")
    return values


def _is_text(pa, kind) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or getattr(pa.types, "is_string_view", lambda t: False)(kind)


def _check_screener(screener):
    if screener is None:
        raise InputError(
            "regnotice._screen.arrow.screen_batch needs a screener; regnotice.screen_batch (or regnotice.screening.screen_batch) gives the bundled notice's"
        )
    if not callable(getattr(screener, "screen", None)) or not hasattr(screener, "anchors"):
        raise InputError(f"screener must be a regnotice Screener, not {type(screener).__name__}")
    return screener


@lru_cache(maxsize=64)
def _anchor_pattern(anchors: tuple) -> str:
    """An RE2 alternation of the anchors, every character but letters and digits
    written as ``\\x{..}`` (no escaping rule of RE2 to get wrong)."""
    return "|".join("".join(ch if ch.isascii() and ch.isalnum() else f"\\x{{{ord(ch):x}}}" for ch in anchor) for anchor in anchors)


def _pool():
    """The memory pool of every arrow call here: the system allocator's, which gives
    freed blocks back (mimalloc, pyarrow's default, keeps some 15 MB more of them over a
    streamed file)."""
    import pyarrow

    return pyarrow.system_memory_pool()


def candidates(values, screener, ascii: bool = False):
    """The indices (an int64 array) of the rows of ``values`` that the exact matcher must
    see: not null, and not ASCII or holding an anchor in any case; every non-null row
    when the screener has no anchors (``None``). ``ascii``: every value is known to be
    ASCII (when their bytes are)."""
    import pyarrow.compute as pc

    pool = _pool()
    anchors = screener.anchors
    if anchors is None:
        mask = pc.is_valid(values, memory_pool=pool)
    elif anchors:
        mask = pc.match_substring_regex(values, _anchor_pattern(tuple(anchors)), ignore_case=True, memory_pool=pool)
        if not ascii:
            mask = pc.or_(pc.invert(pc.string_is_ascii(values, memory_pool=pool), memory_pool=pool), mask, memory_pool=pool)
    elif ascii:
        return _positions(0)
    else:
        mask = pc.invert(pc.string_is_ascii(values, memory_pool=pool), memory_pool=pool)
    # a null is neither ASCII nor not: its mask is null, and filter drops it. (Not
    # indices_nonzero: it allocates from the default pool, whose first use costs 7 MB.)
    return pc.filter(_positions(len(values)), mask, memory_pool=pool)


_POSITIONS: list = [None]


def _positions(n: int):
    """An int64 array ``0, 1, ..., n - 1`` (a slice of one kept and grown)."""
    import pyarrow

    have = _POSITIONS[0]
    if have is None or len(have) < n:
        from array import array

        size = max(n, 1 << 16, 2 * len(have) if have is not None else 0)
        have = _POSITIONS[0] = pyarrow.Array.from_buffers(pyarrow.int64(), size, [None, pyarrow.py_buffer(array("q", range(size)))])
    return have.slice(0, n)


def candidate_texts(values, screener, ascii: bool = False) -> tuple[list[int], list[str]]:
    """The indices and texts of the rows of ``values`` the prefilter passes (see
    :func:`candidates`)."""
    import pyarrow.compute as pc

    index = candidates(values, screener, ascii)
    if not len(index):
        return [], []
    return index.to_pylist(), pc.take(values, index, memory_pool=_pool()).to_pylist()


def screen_values(values, screener, found: tuple[list[int], list[str]] | None = None) -> Iterator[tuple[int, str, tuple]]:
    """``(index, text, hits)`` for each row of a text array with hits, in order
    (``found``: the :func:`candidate_texts` of ``values``, when known)."""
    index, texts = candidate_texts(values, screener) if found is None else found
    screen = screener.screen
    for i, text in zip(index, texts):
        hits = screen(text)
        if hits:
            yield i, text, hits


def screen_batch(batch, column: str = "name", field: str = "name", *, screener=None, quotes: bool = False):
    """The hits in the text column ``column`` of a ``pyarrow.RecordBatch``, as a record
    batch of :func:`hit_schema` (one row per hit, in the order of the rows, then of the
    hits in each; zero rows, the same schema, when clean). Null texts have no hits.

    ``screener`` (a :class:`~regnotice.screening.Screener`) is required here;
    :func:`regnotice.screen_batch` defaults it to the bundled notice's for ``field``.
    A missing column, or one that is not text, is an :class:`InputError`."""
    pa = _pyarrow()
    screener = _check_screener(screener)
    values = text_values(batch, column)
    return hits_batch(pa, screen_values(values, screener), quotes)


def hits_batch(pa, found, quotes: bool = False):
    """A record batch of :func:`hit_schema` from ``(index, text, hits)`` triples."""
    cols: dict[str, list] = {name: [] for name in _HIT_FIELDS + (_QUOTE_FIELDS if quotes else ())}
    row, text, term, start, end, rule_id, also, lookalike = (cols[n] for n in _HIT_FIELDS[:8])
    term_id, category, note, source = (cols[n] for n in _HIT_FIELDS[8:])
    for i, _, hits in found:
        for h in hits:
            row.append(i)
            text.append(h.text)
            term.append(h.term)
            start.append(h.start)
            end.append(h.end)
            rule_id.append(h.rule_id)
            also.append([ref.rule_id for ref in h.also])
            lookalike.append(h.lookalike)
            term_id.append(h.term_id)
            category.append(h.category)
            note.append(h.note)
            source.append(h.source)
            if quotes:
                cols["clause"].append(h.clause)
                cols["marker"].append(h.marker)
                cols["quote"].append(h.quote)
    schema = hit_schema(quotes)
    arrays = [pa.array(cols[f.name], type=f.type) for f in schema]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


# ---------------------------------------------------------------------------- CSV files


class _Unfit(Exception):
    """A block of a CSV that the fast path cannot read exactly as the careful reader
    does: the careful reader takes over at ``line`` (1-based), byte ``offset``."""

    def __init__(self, line: int, offset: int, why: str) -> None:
        super().__init__(f"line {line}: {why}")
        self.line, self.offset, self.why = line, offset, why


class CsvHeader:
    """What precedes the rows of a CSV: its bytes (an Excel ``sep=`` line, the header
    line), how many lines they are, the delimiter, the header's fields."""

    def __init__(self, raw: bytes, lines: int, delimiter: str, fields: list[str]) -> None:
        self.raw, self.lines, self.delimiter, self.fields = raw, lines, delimiter, fields


_SEP_LINE = "sep="


def csv_header(head: bytes, codec: str, delimiter: str | None, default: str, sample: str) -> CsvHeader | None:
    """The header of a CSV whose first bytes are ``head``, when the fast path can take
    the file: a header on one line (after Excel's ``sep=`` line, if any) ending in
    ``\\n``, read as the careful reader reads it; ``None`` otherwise (a blank first
    line, a header over several lines, a line ending in ``\\r`` alone, ...), and the
    careful reader reads the whole file. The header is not checked here (duplicate or
    missing columns): the careful reader does that, on :attr:`CsvHeader.raw`."""
    first_end = head.find(b"\n") + 1
    if not first_end:
        return None
    try:
        first = head[:first_end].decode(codec)
    except UnicodeDecodeError:
        return None
    raw, lines, text = head[:first_end], 1, first
    sep = _rows._SEP.match(first)  # the careful reader's test
    if sep and sep.group(1) != '"':
        delimiter = delimiter or sep.group(1)
        end = head.find(b"\n", first_end) + 1
        if not end:
            return None
        try:
            text = head[first_end:end].decode("utf-8")
        except UnicodeDecodeError:
            return None
        raw, lines = head[:end], 2
    if delimiter is None:
        delimiter = _rows.sniff_delimiter(sample) or default
    line = text[:-2] if text.endswith("\r\n") else text[:-1]
    if not line or "\r" in line:
        return None  # blank (the careful reader skips it), or a line break of its own
    try:
        rows = list(csv.reader([text], delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    if len(rows) != 1:
        return None
    fields = rows[0]
    fields[0] = fields[0].lstrip("\ufeff")
    return CsvHeader(raw, lines, delimiter, fields)


def _re2_char(ch: str) -> str:
    return f"\\x{{{ord(ch):x}}}"


@lru_cache(maxsize=16)
def _block_grammar(delimiter: str, width: int) -> str:
    """The RE2 pattern of a block of whole lines (no line break after the last), each
    one row that Python's ``csv`` reads (strict) on that line alone: fields separated
    by the delimiter, each quoted (``"..."`` with ``""`` for a quote, closed before the
    delimiter or the end of the line) or not (not starting with a quote). No blank line:
    with one column a line holds a field that is not empty, with more at least one
    delimiter (pyarrow counts them)."""
    d = _re2_char(delimiter)
    quoted = '"(?:[^"\\r\\n]|"")*"'
    plain = f'[^{d}"\\r\\n][^{d}\\r\\n]*'
    if width == 1:
        line = f"(?:{quoted}|{plain})"
    else:
        field = f"(?:{quoted}|{plain})?"
        line = f"{field}(?:{d}{field})+"
    return f"\\A(?:{line}(?:\\r\\n|\\n|\\r))*{line}\\z"


class Block:
    """A parsed block: ``blank_before`` blank lines, then ``rows`` rows of one line each
    (``values``: the screened column; ``found``: its :func:`candidate_texts`, when the
    reader has a screener), then ``blank_after`` blank lines. ``offset`` and ``end``:
    its bytes in the file."""

    __slots__ = ("offset", "end", "blank_before", "rows", "blank_after", "values", "found", "ascii")


_NL, _CR = 10, 13


class CsvBlocks:
    """The body of a CSV read in blocks of whole lines by pyarrow, each checked to be
    read exactly as the careful reader reads it (see the module docstring).

    ``raw``: the file (binary, seekable), ``offset``: where the rows start, ``width``:
    the header's number of fields, ``index``: the screened column's; ``screener``:
    when given, each block comes with its :func:`candidate_texts`. :meth:`parsed`
    gives the :class:`Block` objects in order; a block that cannot be read so raises
    :class:`_Unfit` (its ``line`` is for the caller to fill: the caller counts lines).

    The file is read into buffers of 1.25 ``block_bytes``, reused block after block (a
    block's values are copied out of it by pyarrow), so that reading allocates nothing
    per block."""

    def __init__(self, raw, offset: int, width: int, index: int, delimiter: str, block_bytes: int | None = None, screener=None) -> None:
        pa = _pyarrow("the fast CSV reader")
        import pyarrow.csv as pcsv

        self.pa, self.pcsv = pa, pcsv
        self.raw, self.offset, self.width, self.index = raw, offset, width, index
        self.delimiter = delimiter
        self.block_bytes = max(int(BLOCK_BYTES if block_bytes is None else block_bytes), 1)
        self.screener = screener
        names = [f"f{i}" for i in range(width)]
        self.read_options = pcsv.ReadOptions(column_names=names, block_size=self.block_bytes * 2 + 1, use_threads=False)
        self.parse_options = pcsv.ParseOptions(
            delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False, newlines_in_values=False, ignore_empty_lines=False
        )
        self.convert_options = pcsv.ConvertOptions(
            include_columns=[names[index]], column_types={names[index]: pa.string()}, strings_can_be_null=False, quoted_strings_can_be_null=False, check_utf8=True
        )
        self.grammar = _block_grammar(delimiter, width)
        self.nul_is_error = sys.version_info < (3, 11)  # Python's csv refused NUL before 3.11

    @staticmethod
    def fits(delimiter: str) -> bool:
        """Whether pyarrow can split on ``delimiter`` (one byte of UTF-8)."""
        return len(delimiter.encode("utf-8")) == 1

    def chunks(self, buffers: int = 1) -> Iterator[tuple]:
        """``(buf, view, end, offset)``: whole lines, ``buf[:end]``, at byte ``offset`` of
        the file, in order, read into a ring of ``buffers`` buffers of 1.25
        ``block_bytes``: a chunk stays as it is until ``buffers - 1`` more are taken. A
        line longer than a buffer raises :class:`_Unfit`."""
        raw, size = self.raw, self.block_bytes
        capacity = size + max(size // 4, 1)
        ring = [bytearray(capacity) for _ in range(max(buffers, 1))]
        views = [memoryview(b) for b in ring]
        k = 0
        buf, view = ring[0], views[0]
        raw.seek(self.offset)
        offset, have, eof = self.offset, 0, False
        while True:
            if not eof and have < size:
                try:
                    n = raw.readinto(view[have:capacity])
                except OSError as exc:
                    raise _rows.read_error(getattr(raw, "name", "<input>"), exc) from None
                if n:
                    have += n
                    continue  # fill the buffer to at least one block
                eof = True
            if not have:
                return
            cut = have if eof else buf.rfind(b"\n", 0, have) + 1
            if not cut:  # no line break in a whole block: a line too long for a block
                raise _Unfit(0, offset, f"a line longer than {size:,} bytes")
            yield buf, view, cut, offset
            rest = have - cut
            k = (k + 1) % len(ring)
            if rest:
                ring[k][:rest] = bytes(view[cut:have])  # the start of the next line
            buf, view = ring[k], views[k]
            offset, have = offset + cut, rest

    def parsed(self) -> Iterator[Block]:
        """The blocks of the file from ``offset`` on, parsed, in order."""
        for chunk in self.chunks():
            yield self.parse_chunk(*chunk)

    def parse(self, offset: int, data: bytes) -> Block:
        """The block of ``data``, whole lines that start at byte ``offset`` of the file."""
        buf = bytearray(data)
        return self.parse_chunk(buf, memoryview(buf), len(buf), offset)

    def parse_chunk(self, buf: bytearray, view: memoryview, end: int, offset: int) -> Block:
        """The block of a chunk (see :meth:`chunks`); :class:`_Unfit` when it must be
        read carefully."""
        block = Block()
        block.offset, block.end = offset, offset + end
        start = 0
        while start < end and buf[start] in (_NL, _CR):
            start += 1
        block.blank_before = _breaks(buf, 0, start)
        stop = end
        while stop > start and buf[stop - 1] in (_NL, _CR):
            stop -= 1
        block.blank_after = max(_breaks(buf, stop, end) - 1, 0)
        block.rows, block.values, block.found, block.ascii = 0, None, ([], []), False
        if stop == start:
            return block
        text = view[start:stop]
        why = self._refused(buf, start, stop, text, block)
        if why:
            raise _Unfit(0, offset, why)
        pa, pool = self.pa, _pool()
        try:
            table = self.pcsv.read_csv(pa.py_buffer(text), self.read_options, self.parse_options, self.convert_options, memory_pool=pool)
        except (pa.ArrowException, OSError) as exc:  # a field count other than the header's
            raise _Unfit(0, offset, f"pyarrow: {str(exc)[:200]}") from None
        column = table.column(0)
        block.values = column.chunk(0) if column.num_chunks == 1 else pa.concat_arrays(column.chunks, memory_pool=pool)
        block.rows = table.num_rows
        if self.screener is not None:
            block.found = candidate_texts(block.values, self.screener, block.ascii)
        return block

    def _refused(self, buf: bytearray, start: int, stop: int, text: memoryview, block: Block) -> str:
        """Why the careful reader might read ``buf[start:stop]`` otherwise than pyarrow:
        ``""`` when it reads it the same. Sets ``block.ascii``."""
        limit = csv.field_size_limit()
        pos = start
        while stop - pos > limit:  # every line at most ``limit`` bytes, so every field
            cut = buf.rfind(b"\n", pos, pos + limit + 1)
            if cut < 0:
                return "a line longer than the field size limit"
            pos = cut + 1
        if self.nul_is_error and buf.find(b"\x00", start, stop) >= 0:
            return "a NUL byte"
        import pyarrow.compute as pc

        pa, pool = self.pa, _pool()
        one = _one(pa, text, pa.binary())
        block.ascii = pc.string_is_ascii(one.cast(pa.string(), safe=False), memory_pool=pool)[0].as_py()
        if not block.ascii:
            try:
                _one(pa, text, pa.string()).validate(full=True)  # UTF-8, as Python's strict decoder (a test compares them)
            except pa.ArrowInvalid:
                return "not UTF-8"
        if not pc.match_substring_regex(one, self.grammar, memory_pool=pool)[0].as_py():
            return "a row that is not one line of strict CSV (a quote, a blank line)"
        return ""


def _breaks(buf, start: int, stop: int) -> int:
    """Line breaks in ``buf[start:stop]``, a run of ``\\r`` and ``\\n``."""
    return buf.count(b"\n", start, stop) + buf.count(b"\r", start, stop) - buf.count(b"\r\n", start, stop)


def _one(pa, data, kind):
    """``data`` (bytes-like) as an arrow array of one value of ``kind`` (``string``,
    ``binary``), without a copy; and without ``pa.array``, which imports pandas where it
    is installed (40 MB)."""
    n = len(data)
    if n >= 1 << 31:
        kind = pa.large_string() if kind == pa.string() else pa.large_binary()
        offsets = (0).to_bytes(8, "little") + n.to_bytes(8, "little")
    else:
        offsets = (0).to_bytes(4, "little") + n.to_bytes(4, "little")
    return pa.Array.from_buffers(kind, 1, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


# ---------------------------------------------------------------------------- Parquet files


def parquet_texts(path, name: str, column: str, batch_rows: int = BATCH_ROWS) -> tuple[int, Iterator]:
    """The number of rows of a Parquet file, and its text column ``column`` batch by
    batch (string arrays). Not a Parquet file, no such column, or a column that is not
    text: a :class:`ScreenInputError`, before the first batch."""
    try:
        import pyarrow
        import pyarrow.parquet as pq
    except ImportError:
        raise ScreenInputError(f"{name}: reading Parquet needs pyarrow, which is not installed: {INSTALL_HINT}") from None
    _pyarrow("reading Parquet")
    try:
        pf = pq.ParquetFile(path, buffer_size=1 << 20)  # the pages of a column chunk streamed
        schema = pf.schema_arrow
    except (pyarrow.ArrowException, OSError, ValueError) as exc:
        raise ScreenInputError(f"{name}: not a Parquet file that can be read: {_rows.short(str(exc), 200)}") from None
    names = schema.names
    if names.count(column) != 1:
        if column in names:
            raise ScreenInputError(f"{name}: {names.count(column)} columns named {_rows.short(column)} in the Parquet file")
        shown = ", ".join(_rows.short(n) for n in names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
        near = [n for n in names if n.strip().casefold() == column.strip().casefold()]
        hint = f" (did you mean {_rows.short(near[0])}?)" if near else ""
        raise ScreenInputError(f"{name}: no column {_rows.short(column)} in the Parquet file; columns: {shown or 'none'}{hint}")
    kind = schema.field(names.index(column)).type
    base = kind.value_type if pyarrow.types.is_dictionary(kind) else kind
    if not _is_text(pyarrow, base):
        raise ScreenInputError(f"{name}: column {_rows.short(column)} of the Parquet file holds {kind}, not text")
    return pf.metadata.num_rows, _parquet_batches(pyarrow, pf, name, column, batch_rows)


def _parquet_batches(pa, pf, name: str, column: str, batch_rows: int) -> Iterator:
    # One row group at a time: one reader over all of them keeps some 14 MB a million
    # rows (pyarrow 26), where this stays flat.
    for group in range(pf.metadata.num_row_groups):
        batches = pf.iter_batches(batch_size=batch_rows, columns=[column], row_groups=[group], use_threads=False)
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                break
            except (pa.ArrowException, OSError) as exc:
                raise ScreenInputError(f"{name}: cannot be read as Parquet: {_rows.short(str(exc), 200)}") from None
            yield _as_text(pa, batch.column(0), column, ScreenInputError)


# ---------------------------------------------------------------------------- splicing


class Spliced(io.RawIOBase):
    """``head``, then ``blank`` empty lines, then ``raw`` from ``offset`` on: the file as
    the careful reader sees it when it takes over at a line, every line where it was,
    the lines before it blank (so skipped)."""

    def __init__(self, head: bytes, blank: int, raw, offset: int) -> None:
        super().__init__()
        self.parts = self._parts(head, blank, raw, offset)
        self.pending = memoryview(b"")

    @staticmethod
    def _parts(head: bytes, blank: int, raw, offset: int) -> Iterator[bytes]:
        yield head
        while blank > 0:
            n = min(blank, 1 << 16)
            yield b"\n" * n
            blank -= n
        raw.seek(offset)
        while True:
            chunk = raw.read(1 << 16)
            if not chunk:
                return
            yield chunk

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            chunk = next(self.parts, None)
            if chunk is None:
                return 0
            self.pending = memoryview(chunk)
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n
