"""Batch screening of real-world files never passes silently: CSV dialects (``,`` ``;``
tab ``|``, Excel's ``sep=``), encodings (a BOM, UTF-16, cp1252 and gb18030 read as
UTF-8), duplicated and missing columns, unterminated quotes, the skip contract
(``on_error="fail"`` by default), bounded messages; and the screening API raises only
``RegnoticeError``. Table-driven, over the small files of ``tests/screen_inputs/``; a
bounded fuzz test over random bytes and CSV-like text."""

from __future__ import annotations

import io
import json
import sys
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import regnotice
from regnotice.errors import InputError, RegnoticeError, ScreenInputError
from regnotice.screening import MAX_KEPT, MAX_REPORTED, BatchResult, cited_rules, screen, screen_file, screener

INPUTS = Path(__file__).parent / "screen_inputs"


def run(path: Path, tmp: Path, **kwargs):
    """``(result, report lines, output records)`` of screening ``path``."""
    messages: list[str] = []
    out = tmp / "out.jsonl"
    result = screen_file(path, out, report=messages.append, progress=False, **kwargs)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for record in records:
        for hit in record["hits"]:
            assert record["text"][hit["start"] : hit["end"]] == hit["text"]
    return result, messages, records


def problem_lines(messages: list[str], path: Path) -> list[int]:
    prefix = f"{path}:"
    return [int(m[len(prefix) :].split(":", 1)[0]) for m in messages if m.startswith(prefix) and m[len(prefix) : len(prefix) + 1].isdigit()]


# --- the fixture files ---------------------------------------------------------------

# (file, keyword arguments, (rows, flagged, hits, skipped), delimiter, encoding,
#  lines of the rows with hits, lines of the problems reported, words of the report)
FILES = [
    ("cp1252.csv", {}, (2, 1, 1, 3), ",", "utf-8", [3], [2, 5, 6], ["not UTF-8 text (byte 0xe9, column 6)", "Caf\\xe9 Stablecoin", "3 rows are not UTF-8", "--encoding cp1252"]),
    ("cp1252.csv", {"encoding": "cp1252"}, (5, 4, 4, 0), ",", "cp1252", [2, 3, 5, 6], [], []),
    ("excel_semicolon.csv", {}, (4, 3, 3, 0), ";", "utf-8-sig", [2, 4, 5], [], []),
    ("excel_sep.csv", {"encoding": "cp1252"}, (2, 1, 1, 0), ";", "cp1252", [3], [], []),
    ("excel_sep.csv", {}, (0, 0, 0, 2), ";", "utf-8", [], [3, 4], ["not UTF-8", "--encoding cp1252"]),
    ("names.tsv", {}, (3, 2, 2, 0), "\t", "utf-8", [2, 4], [], []),
    ("names.tsv", {"fmt": "tsv"}, (3, 2, 2, 0), "\t", "utf-8", [2, 4], [], []),
    ("unterminated.csv", {}, (4, 2, 2, 1), ",", "utf-8", [4, 6], [3], ["bad CSV", "the quote at line 3, column 3 is never closed", "read again from line 4", "'2,\"Stablecoin Holdings'"]),
    ("stray_quote.csv", {}, (3, 2, 2, 1), ",", "utf-8", [3, 4], [2], ["the quote at line 2, column 3", "on line 4", "read again from line 3"]),
    ("utf16.csv", {}, (3, 2, 2, 0), ",", "utf-16", [2, 3], [], []),
    ("utf16.csv", {"encoding": "utf-8"}, (3, 2, 2, 0), ",", "utf-16", [2, 3], [], []),  # the BOM decides
    ("utf16be.tsv", {}, (2, 1, 1, 0), "\t", "utf-16", [2], [], []),
    ("gb18030.csv", {"column": "名称", "encoding": "gb18030"}, (3, 2, 2, 0), ",", "gb18030", [2, 4], [], []),
    ("gb18030.csv", {"column": "名称", "encoding": "GB18030"}, (3, 2, 2, 0), ",", "gb18030", [2, 4], [], []),
]


@pytest.mark.parametrize(("name", "kwargs", "counts", "delimiter", "encoding", "flagged", "problems", "words"), FILES, ids=[f"{f[0]}-{f[1]}" for f in FILES])
def test_fixture_files(tmp_path, name, kwargs, counts, delimiter, encoding, flagged, problems, words):
    path = INPUTS / name
    result, messages, records = run(path, tmp_path, **kwargs)
    assert (result.rows, result.flagged, result.hits, result.skipped) == counts, messages
    assert (result.delimiter, result.encoding) == (delimiter, encoding)
    assert [r["line"] for r in records] == flagged
    assert problem_lines(messages, path) == problems
    report = "\n".join(messages)
    for word in words:
        assert word in report, (word, report)
    assert sum("--encoding" in m for m in messages) <= 1  # the hint once
    assert result.failed == bool(result.skipped) and result.exit_code == (2 if result.skipped else 1 if result.flagged else 0)
    assert result.problems == [m for m in messages if m.startswith(f"{path}:") and m[len(str(path)) + 1].isdigit()][:MAX_KEPT]


# (file or content, keyword arguments, words of the ScreenInputError): raised before any row is read
FILE_ERRORS = [
    ("dup_header.csv", {}, ["dup_header.csv:1:", "duplicate column in the CSV header", "'name' (columns 2 and 4)"]),
    (b"a,b,a,b,a\n1,2,3,4,5\n", {}, ["duplicate columns", "'a' (columns 1, 3 and 5)", "'b' (columns 2 and 4)"]),
    (b",".join([b"x"] * 60) + b"\n", {}, ["'x' (columns 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 50 more)"]),
    ("excel_semicolon.csv", {"delimiter": ","}, ["no column 'name'", "columns: 'id;name;scope'", "delimiter ','", "';'", "--delimiter"]),
    ("cp1252.csv", {"column": "Name"}, ["cp1252.csv:1:", "no column 'Name'", "columns: 'id', 'name', 'city'", "did you mean 'name'"]),
    ("gb18030.csv", {"column": "名称"}, ["no column '名称'", "\\xb1\\xe0", "not UTF-8 text", "--encoding gb18030"]),
    ("id,name\n1,x\n".encode("utf-16-le"), {}, ["no column 'name'", "UTF-16 without a byte-order mark", "--encoding utf-16-le"]),
    (b"", {}, ["empty file", "'name'"]),
    (b"\xef\xbb\xbf\n\n", {}, ["empty file"]),
    (b'id,"name\n1,RWA\n', {}, [":1: bad CSV header", "the quote at line 1, column 4 is never closed"]),
    (b'id,"name\n' + b"x\n" * 200, {}, [":1: bad CSV header", "not closed within 100 lines"]),
    (b"id,title\n1,x\n", {}, ["no column 'name' in the CSV header; columns: 'id', 'title'"]),
    (b",".join(b"c%d" % i for i in range(30)) + b"\n", {}, ["columns: 'c0', 'c1'", "and 10 more"]),
]


@pytest.mark.parametrize(("source", "kwargs", "words"), FILE_ERRORS, ids=[str(f[0])[:30] for f in FILE_ERRORS])
def test_file_level_errors_come_before_any_output(tmp_path, source, kwargs, words):
    if isinstance(source, bytes):
        path = tmp_path / "in.csv"
        path.write_bytes(source)
    else:
        path = INPUTS / source
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    with pytest.raises(ScreenInputError) as info:
        screen_file(path, out, progress=False, **kwargs)
    for word in words:
        assert word in str(info.value), (word, str(info.value))
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out.jsonl"] + ([path.name] if path.parent == tmp_path else []))


@pytest.mark.parametrize(
    ("target", "words"),
    [("missing.csv", ["missing.csv: no such file"]), ("folder", ["folder: is a directory"]), ("a.xml", ["cannot tell the format", "--input-format"])],
)
def test_unreadable_inputs(tmp_path, target, words):
    (tmp_path / "folder").mkdir()
    (tmp_path / "a.xml").write_text("<x/>")
    with pytest.raises(ScreenInputError) as info:
        screen_file(tmp_path / target, None, progress=False)
    for word in words:
        assert word in str(info.value)


# --- rows, inline -----------------------------------------------------------------------

# (content, keyword arguments, (rows, flagged, skipped), lines of the problems, words)
ROWS = [
    # field counts other than the header's
    (b"id,name\n1,RWA\n2,RWA,extra\n3\n4,ok\n", {}, (2, 1, 2), [3, 4], ["the row has 3 fields, the header 2: '2,RWA,extra'", "missing column 'name' (the row has 1 of 2 fields)"]),
    # blank lines are not rows
    (b"id,name\n\n1,RWA\n   \n\n2,ok\n", {}, (2, 1, 0), [], []),
    # a legit field over several lines is one row; a bad byte in it skips it
    (b'id,name\n1,"Real World\nAsset Tokenization\nFund"\n2,RWA\n', {}, (2, 2, 0), [], []),
    (b'id,name\n1,"Caf\xe9\nStablecoin"\n2,RWA\n', {}, (1, 1, 1), [2], ["not UTF-8 text", "Caf\\xe9"]),
    # a quote open over 100 lines: the lines after it are read again
    (b'id,name\n1,"Acme\n' + b"".join(b"%d,Company %d\n" % (i, i) for i in range(150)) + b"151,RWA\n", {}, (151, 1, 1), [2], ["the quote at line 2, column 3 is not closed within 100 lines", "read again from line 3"]),
    # a stray quote that a later quote closes, with the wrong field count
    (b'id,name\n1,"Acme\n2,x",RWA\n3,Stablecoin\n', {}, (1, 1, 2), [2, 3], ["the row has 3 fields, the header 2 (lines 2-3", "read again from line 3"]),
    # junk after a closing quote; a field over the csv module's limit
    (b'id,name\n1,"RWA" Ltd\n2,ok\n', {}, (1, 0, 1), [2], ["bad CSV: ',' expected after '\"'"]),
    # Excel's sep= line, an explicit delimiter winning over it and over sniffing
    (b"sep=|\nid|name\n1|RWA, Inc.\n", {}, (1, 1, 0), [], []),
    (b"id;name\n1;RWA\n", {"delimiter": ";"}, (1, 1, 0), [], []),
    (b"name\nAcme; Stablecoin\nRWA; x\n", {}, (2, 2, 0), [], []),  # one column: ';' in the rows is no delimiter
    # UTF-32 and UTF-8 BOMs
    ("id,name\n1,RWA\n".encode("utf-32"), {}, (1, 1, 0), [], []),
    (b"\xef\xbb\xbfname\nRWA\n", {"encoding": "utf-8"}, (1, 1, 0), [], []),
    # UTF-16 with a truncated last character
    ("name\nRWA\nx\n".encode("utf-16") + b"\x00", {}, (2, 1, 1), [4], ["not UTF-16 text"]),
]


@pytest.mark.parametrize(("content", "kwargs", "counts", "problems", "words"), ROWS, ids=[str(r[0])[:40] for r in ROWS])
def test_rows(tmp_path, content, kwargs, counts, problems, words):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    result, messages, records = run(path, tmp_path, **kwargs)
    assert (result.rows, result.flagged, result.skipped) == counts, messages
    assert problem_lines(messages, path) == problems
    for word in words:
        assert any(word in m for m in messages), (word, messages)


# (content, words of the problem on line 1)
JSONL = [
    (b'{"name": "RWA"', ["not valid JSON", "'{\"name\": \"RWA\"'"]),
    (b"[" * 100_000, ["not valid JSON"]),
    (b'{"name": "caf\xe9"}', ["not UTF-8 text (byte 0xe9, column 14)"]),
    (b'"RWA"', ["expected a JSON object, got a string"]),
    (b'{"title": "RWA"}', ["missing key 'name'"]),
    (b'{"name": ["RWA"]}', ["'name' is an array, expected a string"]),
    (b'{"name": 1e5}', ["'name' is a number"]),
]


@pytest.mark.parametrize(("content", "words"), JSONL, ids=[str(j[0])[:30] for j in JSONL])
def test_jsonl_problems(tmp_path, content, words):
    path = tmp_path / "in.jsonl"
    path.write_bytes(content + b'\n{"name": "Stablecoin Ltd"}\n')
    result, messages, records = run(path, tmp_path)
    assert (result.rows, result.flagged, result.skipped) == (1, 1, 1)
    assert messages[0].startswith(f"{path}:1: ")
    for word in words:
        assert word in messages[0], (word, messages[0])
    assert len(messages[0]) < 600


def test_a_lone_surrogate_in_json_is_written_escaped(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"name": "RWA \\ud800"}\n', encoding="utf-8")
    result, messages, records = run(path, tmp_path)
    assert (result.rows, result.flagged) == (1, 1)
    assert records[0]["text"] == "RWA \ud800"


# --- the skip contract ------------------------------------------------------------------

CLEAN, HIT, BAD = b"name\nRwanda Coffee\nForward Co\n", b"name\nRWA Fund\nForward Co\n", b"id,name\n1,RWA Fund\n2\n3,ok\n"

# (content, on_error, summary, failed, exit code)
MODES = [
    (CLEAN, "fail", "screened 2 rows: 0 with hits (0 hits), none skipped (on-error fail)", False, 0),
    (HIT, "fail", "screened 2 rows: 1 with hits (1 hit), none skipped (on-error fail)", False, 1),
    (HIT, "skip", "screened 2 rows: 1 with hits (1 hit), none skipped (on-error skip)", False, 1),
    (BAD, "fail", "screened 2 rows: 1 with hits (1 hit), 1 malformed row skipped (on-error fail: the batch fails)", True, 2),
    (BAD, "skip", "screened 2 rows: 1 with hits (1 hit), 1 malformed row skipped (on-error skip: reported, not an error)", False, 1),
    (BAD.replace(b"RWA Fund", b"Acme"), "skip", "screened 2 rows: 0 with hits (0 hits), 1 malformed row skipped (on-error skip: reported, not an error)", False, 0),
]


@pytest.mark.parametrize(("content", "on_error", "summary", "failed", "code"), MODES)
def test_the_skip_contract(tmp_path, content, on_error, summary, failed, code):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    result, messages, records = run(path, tmp_path, on_error=on_error)
    assert result.on_error == on_error
    assert result.summary() == summary
    assert (result.failed, result.exit_code) == (failed, code)
    assert len(records) == result.flagged  # the output is written, failed or not


def test_fail_is_the_default():
    import inspect

    assert inspect.signature(screen_file).parameters["on_error"].default == "fail"
    assert BatchResult().on_error == "fail" and not BatchResult().failed
    assert BatchResult(skipped=1).failed and not BatchResult(skipped=1, on_error="skip").failed


def test_messages_are_bounded(tmp_path):
    term = "Stablecoin" * 1_700_000  # 17 MB
    path = tmp_path / "in.csv"
    path.write_text("id,name\n" + "".join(f"{i}\n" for i in range(150)) + f"151,{term}\n152,RWA\n", encoding="utf-8")
    result, messages, records = run(path, tmp_path)
    assert (result.rows, result.flagged, result.skipped) == (1, 1, 151)
    assert len(messages) == MAX_REPORTED + 1
    assert messages[-1] == f"{path}: ... and 51 more rows skipped"
    assert len(result.problems) == MAX_KEPT and result.problems == messages[:MAX_KEPT]
    assert max(map(len, messages)) < 400

    huge = tmp_path / "huge.jsonl"
    huge.write_text('{"name": "' + term + "\n", encoding="utf-8")
    result, messages, records = run(huge, tmp_path)
    (message,) = messages
    assert result.skipped == 1 and len(message) < 600 and "(17,000,010 characters)" in message

    path.write_text(f"id,name\n1,{term}\n", encoding="utf-8")
    result, messages, records = run(path, tmp_path)
    assert "a field is longer than 131,072 characters" in messages[0] and len(messages[0]) < 600


def test_standard_input(tmp_path, monkeypatch):
    for data, kind in ((b"id;name\n1;RWA\n", ";"), (b'{"name": "RWA"}\n', None)):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        result, messages, records = run(Path("-"), tmp_path)
        assert (result.rows, result.flagged, result.delimiter) == (1, 1, kind)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"id,name\n1\n")))
    messages: list[str] = []
    result = screen_file("-", tmp_path / "o.jsonl", report=messages.append)
    assert result.failed and messages[0].startswith("<stdin>:2: missing column")


@pytest.mark.parametrize("reader", ["careful", "auto"])
def test_streaming_in_constant_memory(tmp_path, reader):
    from regnotice._screen.arrow import BLOCK_BYTES
    from regnotice.screening import AHEAD

    peaks = []
    for rows in (100_000, 300_000):
        path = tmp_path / "big.csv"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("id,name\n")
            fh.writelines(f'{i},"Company {i} Trading Ltd"\n' for i in range(rows))
        screen_file(path, tmp_path / "warm.jsonl", progress=False, reader=reader)  # the screener built, its patterns compiled
        tracemalloc.start()
        try:
            result = screen_file(path, tmp_path / "out.jsonl", progress=False, reader=reader)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert result.rows == rows
        assert result.reader == ("careful" if reader == "careful" else "arrow")
        peaks.append(peak)
    # the files are 3 and 9 MB; pyarrow reads through a ring of AHEAD + 1 buffers of 1.25 blocks
    limit = 1_000_000 if reader == "careful" else (AHEAD + 1) * 1.25 * BLOCK_BYTES + 1_000_000
    assert max(peaks) < limit, peaks
    assert peaks[1] < 1.1 * peaks[0] + 100_000, peaks  # flat


# --- the API raises RegnoticeError only ------------------------------------------------

NAMES = INPUTS / "names.tsv"

# (call, the error class, words of the message)
BAD_CALLS = [
    (lambda: screen(None), InputError, ["needs a str, not NoneType"]),
    (lambda: screen(123), InputError, ["needs a str, not int"]),
    (lambda: screen(b"RWA"), InputError, ["not bytes"]),
    (lambda: screen(["RWA"]), InputError, ["not list"]),
    (lambda: regnotice.screen(3.5), InputError, ["not float"]),
    (lambda: screen("x", "scope"), InputError, ["unknown field 'scope'; fields: name, business_scope, ad"]),
    (lambda: screen("x", None), InputError, ["unknown field None"]),
    (lambda: screen("x", ["name"]), InputError, ["unknown field ['name']"]),
    (lambda: regnotice.screen("x", field="business-scope"), InputError, ["fields: name, business_scope, ad"]),
    (lambda: screener("scope"), InputError, ["unknown field 'scope'"]),
    (lambda: screener({}), InputError, ["unknown field {}"]),
    (lambda: cited_rules(regnotice.load(), "scope"), InputError, ["unknown field 'scope'"]),
    (lambda: cited_rules(None), RegnoticeError, ["rules must be"]),
    (lambda: screen_file(NAMES, None, on_error="ignore"), InputError, ["on_error must be 'fail' or 'skip', not 'ignore'"]),
    (lambda: screen_file(NAMES, None, on_error=None), InputError, ["on_error"]),
    (lambda: screen_file(NAMES, None, on_error=["skip"]), InputError, ["on_error"]),
    (lambda: screen_file(NAMES, None, field="scope"), InputError, ["unknown field 'scope'"]),
    (lambda: screen_file(NAMES, None, column=3), InputError, ["column must be a str"]),
    (lambda: screen_file(NAMES, None, fmt="xml"), InputError, ["csv, tsv, jsonl or parquet, not 'xml'"]),
    (lambda: screen_file(NAMES, None, reader="fast"), InputError, ["reader must be 'auto' or 'careful', not 'fast'"]),
    (lambda: screen_file(NAMES, None, screener="RWA"), InputError, ["screener must be a regnotice Screener, not str"]),
    (lambda: screen_file(NAMES, None, delimiter=""), InputError, ["one character"]),
    (lambda: screen_file(NAMES, None, delimiter=";;"), InputError, ["one character"]),
    (lambda: screen_file(NAMES, None, delimiter='"'), InputError, ["other than a quote"]),
    (lambda: screen_file(NAMES, None, delimiter=9), InputError, ["not 9"]),
    (lambda: screen_file(NAMES, None, encoding="klingon"), InputError, ["unknown encoding 'klingon'"]),
    (lambda: screen_file(NAMES, None, encoding="utf\x00-8"), InputError, ["unknown encoding"]),
    (lambda: screen_file(NAMES, None, encoding="base64"), InputError, ["not a text encoding"]),
    (lambda: screen_file(NAMES, None, encoding=8), InputError, ["name of a text encoding"]),
    (lambda: screen_file(NAMES, None, report=None), InputError, ["report must be"]),
    (lambda: screen_file(None, None), InputError, ["path must be a file name"]),
    (lambda: screen_file(3, None), InputError, ["path must be a file name"]),
    (lambda: screen_file("a\x00.csv", None), ScreenInputError, ["cannot read"]),
    (lambda: screen_file(NAMES, 5), InputError, ["out must be"]),
]


@pytest.mark.parametrize(("call", "cls", "words"), BAD_CALLS, ids=range(len(BAD_CALLS)))
def test_bad_arguments_are_regnotice_errors(call, cls, words):
    with pytest.raises(RegnoticeError) as info:
        call()
    assert isinstance(info.value, cls), type(info.value)
    for word in words:
        assert word in str(info.value), (word, str(info.value))


# --- fuzz: random bytes and CSV-like text ------------------------------------------------

BITS = st.sampled_from(
    ["name", "id", ",", ";", "\t", "|", '"', '""', "\n", "\r\n", "\r", "RWA", "Stablecoin", "Rwanda", " ", "é", "稳定币", "\x00",
     "\ufeff", "{", "}", ":", '"name"', "[", "]", "null", "1", "\\", "\\ud800", "sep=;", '{"name": "', '"}', "x" * 300]
)  # fmt: skip
TEXTS = st.tuples(st.lists(BITS, max_size=60).map("".join), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "gb18030"]))
CONTENT = st.one_of(st.binary(max_size=2000), TEXTS.map(lambda t: t[0].encode(t[1], "replace")))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    content=CONTENT,
    header=st.booleans(),
    suffix=st.sampled_from([".csv", ".tsv", ".jsonl"]),
    on_error=st.sampled_from(["fail", "skip"]),
    encoding=st.sampled_from([None, "cp1252", "utf-16", "gb18030"]),
)
def test_fuzz_raises_only_regnotice_errors_and_hits_are_spans(content, header, suffix, on_error, encoding):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in{suffix}"
        path.write_bytes((b"id,name\n" if header else b"") + content)
        out = Path(tmp) / "out.jsonl"
        messages: list[str] = []
        try:
            result = screen_file(path, out, on_error=on_error, encoding=encoding, report=messages.append, progress=False)
        except RegnoticeError as exc:
            assert len(str(exc)) < 3000
            assert not out.exists()
            return
        assert len(messages) <= MAX_REPORTED + 2 and all(len(m) < 3000 for m in messages)
        assert result.failed == (result.skipped > 0 and on_error == "fail")
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert len(records) == result.flagged and sum(len(r["hits"]) for r in records) == result.hits
        for record in records:
            for hit in record["hits"]:
                assert record["text"][hit["start"] : hit["end"]] == hit["text"]
