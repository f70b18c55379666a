"""Batch screening through pyarrow (``regnotice.screen_batch``, and the pyarrow path of
``screen_file`` over CSV and Parquet).

- ``screen_batch``: one row per hit in the declared schema, the hits of ``screen`` row
  by row whatever the prefilter (hypothesis over texts of every script), nulls, every
  text type, the errors; without pyarrow, an error naming the extra.
- The CSV fast path gives exactly what the careful reader alone gives (output bytes,
  ``BatchResult``, every message), on random CSVs (hypothesis: quotes, delimiters,
  blank lines, BOMs, line ends, malformed rows, bytes that are not UTF-8, NUL) cut in
  blocks as small as a few bytes; table-driven cases say which reader read what.
- Parquet: rows numbered by ``row``, nulls, text types, errors, the CLI.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")  # in the test extra (regnotice[scale])
pq = pytest.importorskip("pyarrow.parquet")

import regnotice  # noqa: E402
from regnotice._screen import arrow  # noqa: E402
from regnotice._screen.matcher import RuleRef, Screener  # noqa: E402
from regnotice.errors import InputError, RegnoticeError, ScreenInputError  # noqa: E402
from regnotice.screening import BatchResult, screen, screen_batch, screen_file, screener  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
INPUTS = Path(__file__).parent / "screen_inputs"

NAMES = [
    "Acme Stablecoins Ltd",
    "Rwanda Coffee",
    "Forward Logistics",
    "RWA-backed, Inc.",
    "Constable Coins",
    "虚拟货币科技有限公司",
    "ＲＷＡ科技有限公司",
    "Сrypto Assets",  # a Cyrillic С: a look-alike
    "Stablecoín Holdings",  # an accent
    "Real World Asset Tokenisation Partners",
    "",
    "plain",
]


def texts_of(batch) -> list:
    return batch.column(0).to_pylist()


def expected_rows(values, field="name") -> list[dict]:
    """What screen_batch must give: screen() row by row."""
    s = screener(field)
    rows = []
    for i, text in enumerate(values):
        if text is None:
            continue
        for h in s.screen(text):
            rows.append({"row": i, "text": h.text, "term": h.term, "start": h.start, "end": h.end, "rule_id": h.rule_id, "also": [r.rule_id for r in h.also], "lookalike": h.lookalike})
    return rows


def pick(rows: list[dict], keys=("row", "text", "term", "start", "end", "rule_id", "also", "lookalike")) -> list[dict]:
    return [{k: r[k] for k in keys} for r in rows]


# --- screen_batch ------------------------------------------------------------------------


def test_the_schema_is_flat_and_declared():
    schema = arrow.hit_schema()
    assert schema.names == ["row", "text", "term", "start", "end", "rule_id", "also", "lookalike", "term_id", "category", "note", "source"]
    assert arrow.hit_schema(True).names == schema.names + ["clause", "marker", "quote"]
    assert arrow.HIT_SCHEMA == schema and arrow.HIT_SCHEMA_QUOTES == arrow.hit_schema(True)
    types = {f.name: f.type for f in arrow.hit_schema(True)}
    assert types["row"] == types["start"] == types["clause"] == pa.int64()
    assert types["also"] == pa.list_(pa.string()) and types["lookalike"] == pa.bool_()
    assert all(not pa.types.is_nested(f.type) or f.name == "also" for f in schema)  # flat


@pytest.mark.parametrize("field", ["name", "business_scope", "ad"])
def test_screen_batch_gives_the_hits_of_screen_row_by_row(field):
    batch = pa.record_batch({"id": list(range(len(NAMES))), "name": NAMES})
    hits = screen_batch(batch, "name", field)
    assert hits.schema == arrow.hit_schema()
    assert pick(hits.to_pylist()) == expected_rows(NAMES, field)
    assert {r["term_id"] for r in hits.to_pylist()} == {None}
    rows = hits.column("row").to_pylist()
    assert rows == sorted(rows) and 0 in rows and 5 in rows and 7 in rows  # English, Chinese, look-alike


def test_quotes_adds_the_rules_text():
    hits = screen_batch(pa.record_batch({"name": ["RWA ads"]}), field="ad", quotes=True)
    (row,) = hits.to_pylist()
    h = screen("RWA ads", "ad")[0]
    assert (row["clause"], row["marker"], row["quote"], row["rule_id"], row["also"]) == (h.clause, h.marker, h.quote, h.rule_id, [r.rule_id for r in h.also])
    assert row["also"] == ["yinfa-2026-42/8/2"]


def test_a_clean_batch_is_zero_rows_of_the_schema():
    for quotes in (False, True):
        hits = screen_batch(pa.record_batch({"name": ["Acme", "Forward", None]}), quotes=quotes)
        assert hits.num_rows == 0 and hits.schema == arrow.hit_schema(quotes)
    empty = pa.record_batch({"name": pa.array([], pa.string())})
    assert screen_batch(empty).num_rows == 0


# (column type, values): every text column, nulls skipped
TEXT_COLUMNS = [
    (pa.string(), ["RWA", None, "Acme", "稳定币"]),
    (pa.large_string(), ["RWA", None, "Acme", "稳定币"]),
    (pa.string_view(), ["RWA", None, "Acme", "稳定币"]),
    (pa.dictionary(pa.int32(), pa.string()), ["RWA", None, "RWA", "稳定币"]),
]


@pytest.mark.parametrize(("kind", "values"), TEXT_COLUMNS, ids=[str(k) for k, _ in TEXT_COLUMNS])
def test_every_text_column_type(kind, values):
    column = pa.array(values, pa.string()).cast(kind) if not pa.types.is_dictionary(kind) else pa.array(values).dictionary_encode()
    hits = screen_batch(pa.RecordBatch.from_arrays([column], names=["name"]))
    assert pick(hits.to_pylist()) == expected_rows(values)
    assert 1 not in hits.column("row").to_pylist()  # the null


def test_a_sliced_batch_is_numbered_from_its_start():
    batch = pa.record_batch({"name": ["x", "RWA", "y", "Stablecoin"]}).slice(1)
    assert screen_batch(batch).column("row").to_pylist() == [0, 2]


def test_a_user_term_list_fills_the_list_fields():
    from regnotice._screen.termlist import TermEntry
    from regnotice.screening import list_screener

    s = list_screener([TermEntry("moon token", id="W-1", category="token", note="seen")], notice=False)
    (row,) = screen_batch(pa.record_batch({"name": ["Moon-Tokens Ltd"]}), screener=s).to_pylist()
    assert (row["term"], row["term_id"], row["category"], row["note"], row["rule_id"], row["also"]) == ("moon token", "W-1", "token", "seen", None, [])


class Everything:
    """A screener with no anchors: the prefilter must pass every row."""

    anchors = None

    def __init__(self) -> None:
        self.seen: list[str] = []

    def screen(self, text):
        self.seen.append(text)
        return screener("name").screen(text)


def test_no_anchors_sends_every_row_to_the_matcher():
    s = Everything()
    hits = arrow.screen_batch(pa.record_batch({"name": ["Acme", None, "RWA"]}), screener=s)
    assert s.seen == ["Acme", "RWA"]
    assert hits.column("row").to_pylist() == [2]


def test_the_automaton_engine_has_no_anchors_and_loses_no_hit():
    s = screener("name")
    automaton = Screener(s.terms, s.cite, s.also, s.spellings, engine="automaton")
    assert automaton.anchors is None
    batch = pa.record_batch({"name": NAMES})
    assert pick(screen_batch(batch, screener=automaton).to_pylist()) == expected_rows(NAMES)


def test_no_ascii_spelling_sends_only_other_text():
    only_chinese = Screener(["moon"], RuleRef("x/1/1", 1, "(1)", "No moon."), spellings={"moon": {"zh": ("月亮",)}})
    only_chinese = Screener(["月亮"], RuleRef("x/1/1", 1, "(1)", "No moon."), spellings={})
    assert only_chinese.anchors == ()
    index, texts = arrow.candidate_texts(pa.array(["moon", "月亮币", "Acme", "ｍｏｏｎ"]), only_chinese)
    assert (index, texts) == ([1, 3], ["月亮币", "ｍｏｏｎ"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(NAMES), st.text(max_size=40), st.text(alphabet="RWArwa Stablecoin-_ 稳定币ＲＷＡСΑí.,\"", max_size=30)), max_size=30))
def test_the_prefilter_loses_no_hit(values):
    batch = pa.record_batch({"name": pa.array(values, pa.string())})
    assert pick(screen_batch(batch).to_pylist()) == expected_rows(values)


# (call, words of the InputError)
BAD_BATCHES = [
    (lambda: screen_batch({"name": ["RWA"]}), ["needs a pyarrow.RecordBatch, not dict"]),
    (lambda: screen_batch(pa.record_batch({"title": ["RWA"]})), ["no column 'name'", "its columns: 'title'"]),
    (lambda: screen_batch(pa.record_batch({"name": [1, 2]})), ["column 'name' holds int64, not text"]),
    (lambda: screen_batch(pa.record_batch({"name": ["RWA"]}), column=3), ["column must be a column name"]),
    (lambda: screen_batch(pa.record_batch({"name": ["RWA"]}), field="scope"), ["unknown field 'scope'"]),
    (lambda: screen_batch(pa.record_batch({"name": ["RWA"]}), screener="RWA"), ["screener must be a regnotice Screener, not str"]),
    (lambda: arrow.screen_batch(pa.record_batch({"name": ["RWA"]})), ["needs a screener", "regnotice.screen_batch"]),
    (lambda: screen_batch(pa.RecordBatch.from_arrays([pa.array(["a"]), pa.array(["b"])], names=["name", "name"])), ["2 columns named 'name'"]),
]


@pytest.mark.parametrize(("call", "words"), BAD_BATCHES, ids=range(len(BAD_BATCHES)))
def test_bad_batches_are_input_errors(call, words):
    with pytest.raises(InputError) as info:
        call()
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_the_package_exports_screen_batch():
    batch = pa.record_batch({"name": ["RWA"]})
    assert regnotice.screen_batch(batch).num_rows == 1
    assert "screen_batch" in regnotice.__all__


def test_without_pyarrow(monkeypatch, tmp_path):
    for name in ("pyarrow", "pyarrow.compute", "pyarrow.csv", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(InputError, match=r'screen_batch needs pyarrow, which is not installed: pip install "regnotice\[scale\]"'):
        regnotice.screen_batch(object())
    with pytest.raises(InputError, match="hit_schema needs pyarrow"):
        arrow.hit_schema.__wrapped__(False)
    assert not arrow.available()
    # a CSV is read carefully, the same
    path = tmp_path / "a.csv"
    path.write_text("id,name\n1,RWA\n", encoding="utf-8")
    result = screen_file(path, tmp_path / "o.jsonl", progress=False)
    assert (result.reader, result.flagged) == ("careful", 1)
    # Parquet cannot be
    (tmp_path / "a.parquet").write_bytes(b"PAR1")
    with pytest.raises(ScreenInputError, match=r'a.parquet: reading Parquet needs pyarrow, which is not installed: pip install "regnotice\[scale\]"'):
        screen_file(tmp_path / "a.parquet", None, progress=False)


def test_regnotice_imports_without_pyarrow():
    code = (
        "import sys; sys.modules['pyarrow'] = None\n"
        "import regnotice, regnotice.screening, regnotice._screen.arrow, regnotice.cli\n"
        "try:\n    regnotice.screen_batch(None)\nexcept regnotice.InputError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert 'pip install "regnotice[scale]"' in out.stdout


def test_the_lean_import_keeps_numpy_importable():
    code = (
        "import sys\n"
        "from regnotice._screen.arrow import import_lean\n"
        "import_lean()\n"
        "print('pyarrow' in sys.modules, 'numpy' in sys.modules)\n"
        "import numpy, pyarrow\n"
        "print(pyarrow.csv.read_csv(pyarrow.py_buffer(b'a\\nx\\n')).num_rows)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False", "1"]


def test_the_cli_does_not_import_pyarrow_leanly_inside_another_program():
    from regnotice.cli import _own_process

    assert not _own_process()  # pytest runs the app: pyarrow is imported as usual


# --- the CSV fast path: what the careful reader gives, exactly ------------------------


def both(path: Path, tmp: Path, **kwargs):
    """``(result, messages, output)`` of the fast path and of the careful reader (or the
    message of the error both raise)."""
    got = []
    for reader in ("auto", "careful"):
        messages: list[str] = []
        out = tmp / f"out-{reader}.jsonl"
        try:
            result = screen_file(path, out, report=messages.append, progress=False, reader=reader, **kwargs)
        except RegnoticeError as exc:
            got.append((type(exc).__name__, str(exc), out.exists()))
            continue
        got.append((result, messages, out.read_bytes()))
    return got


def assert_same(fast, careful):
    if isinstance(fast[0], str) or isinstance(careful[0], str):
        assert fast == careful
        return
    (r1, m1, o1), (r2, m2, o2) = fast, careful
    assert o1 == o2
    assert m1 == m2
    assert r1.same_as(r2), (r1, r2)
    assert r2.reader == "careful"


@pytest.fixture
def blocks(monkeypatch):
    """Set the CSV block size (bytes) for a test."""

    def set_size(size: int) -> None:
        monkeypatch.setattr(arrow, "BLOCK_BYTES", size)

    return set_size


def big(rows: int, bad: dict[int, str] | None = None, quoted: bool = True, end: str = "\n") -> str:
    """A CSV of ``rows`` rows (data lines 2..rows+1), some with hits, ``bad`` replacing lines."""
    lines = ["id,name"]
    for i in range(rows):
        name = "Stablecoin Ltd" if i % 97 == 5 else "RWA-backed, Inc." if i % 89 == 7 else f"Company {i}, Forward Ltd"
        lines.append(f'{i},"{name}"' if quoted or "," in name else f"{i},{name}")
    for line, text in (bad or {}).items():
        lines[line - 1] = text
    return end.join(lines) + end


# (name, content, keyword arguments, the reader of the fast run, the line of the problem)
CASES = [
    ("clean.csv", big(3000), {}, "arrow", None),
    ("clean_crlf.csv", big(3000, end="\r\n"), {}, "arrow", None),
    ("unquoted.csv", big(3000, quoted=False), {}, "arrow", None),
    ("trailing_blank.csv", big(3000) + "\n\n\r\n", {}, "arrow", None),
    ("no_final_newline.csv", big(3000).rstrip("\n"), {}, "arrow", None),
    ("bom.csv", "\ufeff" + big(3000), {}, "arrow", None),
    ("semicolons.csv", big(3000).replace(",", ";"), {}, "arrow", None),
    ("sep_line.csv", "sep=|\n" + big(3000).replace(",", "|"), {}, "arrow", None),
    ("tabs.tsv", big(3000, quoted=False).replace(",", "\t"), {}, "arrow", None),
    ("one_column.csv", "name\n" + "".join(f"Name {i}\n" if i % 50 else "RWA Fund\n" for i in range(3000)), {}, "arrow", None),
    ("malformed.csv", big(3000, {2500: "2499"}), {}, "arrow+careful", 2500),
    ("bad_quote.csv", big(3000, {2500: '2499,"RWA" Ltd'}), {}, "arrow+careful", 2500),
    ("unclosed.csv", big(3000, {2500: '2499,"RWA Ltd'}), {}, "arrow+careful", 2500),
    ("multiline.csv", big(3000, {2500: '2499,"Real World\nAsset Tokenization"'}), {}, "arrow+careful", 2500),
    ("blank_inside.csv", big(3000, {2500: ""}), {}, "arrow+careful", 2500),
    ("latin1.csv", big(3000, {2500: '2499,"Caf\udce9 RWA"'}), {}, "arrow+careful", 2500),
    ("nul.csv", big(3000, {2500: "2499,RWA\x00Ltd"}), {}, "arrow", None),
    ("skip.csv", big(3000, {10: "9"}), {"on_error": "skip"}, "arrow+careful", 10),
    ("stray_quote.csv", None, {}, "careful", None),  # tests/screen_inputs: the header fails first? no: see below
    ("cp1252.csv", None, {"encoding": "cp1252"}, "careful", None),
    ("utf16.csv", None, {}, "careful", None),
    ("dup_header.csv", None, {}, "error", None),
    ("excel_semicolon.csv", None, {}, "arrow+careful", 5),  # a field over two lines
]


def _content(name: str, content: str | None) -> bytes:
    if content is None:
        return (INPUTS / name).read_bytes()
    return content.encode("utf-8", "surrogateescape")


@pytest.mark.parametrize(("name", "content", "kwargs", "reader", "problem"), CASES, ids=[c[0] for c in CASES])
def test_the_fast_path_gives_what_the_careful_reader_gives(tmp_path, blocks, name, content, kwargs, reader, problem):
    blocks(4096)
    path = tmp_path / name
    path.write_bytes(_content(name, content))
    fast, careful = both(path, tmp_path, **kwargs)
    assert_same(fast, careful)
    if reader == "error":
        assert fast[0] == "ScreenInputError" and fast[2] is False
        return
    result = fast[0]
    if name in ("stray_quote.csv",):
        assert result.reader in ("arrow+careful", "careful")
        return
    assert result.reader == reader, (result.reader, result.resumed_at)
    if reader == "arrow+careful":
        assert 2 <= result.resumed_at <= problem  # the first line of the block holding the problem
        assert problem - result.resumed_at < 4096 // 20


def test_the_careful_reader_takes_over_at_the_first_line_of_the_block(tmp_path, blocks):
    blocks(1 << 20)
    path = tmp_path / "a.csv"
    path.write_text(big(50, {40: "39"}), encoding="utf-8")
    fast, careful = both(path, tmp_path)
    assert_same(fast, careful)
    assert (fast[0].reader, fast[0].resumed_at) == ("arrow+careful", 2)  # one block: from its start
    assert fast[1] == careful[1] == [f"{path}:40: missing column 'name' (the row has 1 of 2 fields): '39'"]


def test_standard_input_is_read_carefully(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(big(100).encode())))
    result = screen_file("-", tmp_path / "o.jsonl", progress=False)
    assert result.reader == "careful" and result.rows == 100


def test_the_environment_variable_chooses_the_careful_reader(tmp_path, monkeypatch):
    path = tmp_path / "a.csv"
    path.write_text(big(100), encoding="utf-8")
    monkeypatch.setenv("REGNOTICE_BATCH_READER", "careful")
    assert screen_file(path, None, progress=False).reader == "careful"
    monkeypatch.setenv("REGNOTICE_BATCH_READER", "turbo")
    with pytest.raises(InputError, match="reader must be 'auto' or 'careful', not 'turbo' \\(from \\$REGNOTICE_BATCH_READER\\)"):
        screen_file(path, None, progress=False)


# random CSVs: the pieces of a line, and the line ends
FIELDS = st.sampled_from(
    ["RWA", "Rwanda", "Stablecoin", "stable coins", "Forward", "Acme", "虚拟货币", "ＲＷＡ", "Сrypto", "Stablecoín", "", " ", "x", "caf\u00e9", "NA", "null"]
)
QUIRKS = st.sampled_from(["plain", "plain", "plain", "quoted", "quoted", "inner_quote", "bad_quote", "unclosed", "newline", "delim_inside", "lone_cr"])
ENDS = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])
EXTRAS = st.sampled_from(["", "", "", "", "", "blank", "spaces", "latin1", "nul", "extra_field", "short"])


def field_text(value: str, quirk: str, d: str) -> str:
    if quirk == "quoted":
        return '"' + value.replace('"', '""') + '"'
    if quirk == "inner_quote":
        return '"' + value + '""x"'
    if quirk == "bad_quote":
        return '"' + value + '" tail'
    if quirk == "unclosed":
        return '"' + value
    if quirk == "newline":
        return '"' + value + '\nnext"'
    if quirk == "delim_inside":
        return '"' + value + d + ' more"'
    if quirk == "lone_cr":
        return value + "\r"
    return value.replace(d, "").replace('"', "")


@st.composite
def csv_files(draw):
    d = draw(st.sampled_from([",", ";", "\t", "|"]))
    width = draw(st.integers(1, 3))
    names = ["name"] + [f"c{i}" for i in range(1, width)]
    draw(st.randoms()).shuffle(names)
    head = d.join(draw(st.sampled_from([n, f'"{n}"'])) for n in names)
    sep = draw(st.sampled_from(["", "", "", f"sep={d}\n"]))
    bom = draw(st.sampled_from(["", "", "\ufeff"]))
    lines = []
    for _ in range(draw(st.integers(0, 25))):
        fields = [field_text(draw(FIELDS), draw(QUIRKS), d) for _ in range(width)]
        extra = draw(EXTRAS)
        if extra == "extra_field":
            fields.append("z")
        elif extra == "short" and width > 1:
            fields.pop()
        line = d.join(fields)
        if extra == "blank":
            line = ""
        elif extra == "spaces":
            line = "   "
        elif extra == "latin1":
            line += "\udce9"  # one byte that is not UTF-8 (written with surrogateescape)
        elif extra == "nul":
            line += "\x00"
        lines.append(line + draw(ENDS))
    tail = draw(st.sampled_from(["", "", "\n", "\n\n", "\r\n"]))
    text = bom + sep + head + draw(ENDS) + "".join(lines) + tail
    return text.encode("utf-8", "surrogateescape")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    content=csv_files(),
    size=st.sampled_from([1, 7, 16, 64, 300, 1 << 20]),
    ahead=st.sampled_from([1, 2, 3]),
    on_error=st.sampled_from(["fail", "skip"]),
    field=st.sampled_from(["name", "ad"]),
)
def test_random_csvs_read_the_same_by_both_paths(content, size, ahead, on_error, field):
    import regnotice.screening as screening

    saved, saved_ahead = arrow.BLOCK_BYTES, screening.AHEAD
    arrow.BLOCK_BYTES, screening.AHEAD = size, ahead
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "in.csv"
            path.write_bytes(content)
            fast, careful = both(path, Path(tmp), on_error=on_error, field=field)
            assert_same(fast, careful)
    finally:
        arrow.BLOCK_BYTES, screening.AHEAD = saved, saved_ahead


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["RWA Ltd", '"Stablecoin, Inc."', "Forward", '"a ""b"" c"', "", "x" * 50, "稳定币"]), min_size=1, max_size=400), st.sampled_from([64, 512, 4096]))
def test_clean_csvs_are_read_by_pyarrow_alone(names, size):
    saved = arrow.BLOCK_BYTES
    arrow.BLOCK_BYTES = size
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "in.csv"
            path.write_text("id,name\n" + "".join(f"{i},{n}\n" for i, n in enumerate(names)), encoding="utf-8")
            fast, careful = both(path, Path(tmp))
            assert_same(fast, careful)
            assert fast[0].reader == "arrow"
    finally:
        arrow.BLOCK_BYTES = saved


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=12))
def test_utf8_is_checked_as_python_checks_it(data):
    try:
        data.decode("utf-8")
        python = True
    except UnicodeDecodeError:
        python = False
    one = arrow._one(pa, data, pa.string())
    try:
        one.validate(full=True)
        arrow_ok = True
    except pa.ArrowInvalid:
        arrow_ok = False
    assert arrow_ok == python


@pytest.mark.parametrize("data", [b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xc0\x80", b"\xe0\x80\xaf", b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\xef\xbb\xbf", b"\xf0\x9f\x98\x80", b"\xe2\x82"])
def test_utf8_edge_cases_as_python(data):
    test_utf8_is_checked_as_python_checks_it.hypothesis.inner_test(data)


def test_a_field_over_the_limit_is_left_to_the_careful_reader(tmp_path, blocks):
    blocks(1 << 20)
    path = tmp_path / "a.csv"
    path.write_text("id,name\n1,RWA\n2," + "Stablecoin " * 20_000 + "\n3,RWA\n", encoding="utf-8")
    fast, careful = both(path, tmp_path)
    assert_same(fast, careful)
    assert fast[0].reader == "arrow+careful" and fast[0].skipped == 1


# --- Parquet ------------------------------------------------------------------------------


def parquet(path: Path, columns: dict, **kwargs) -> Path:
    pq.write_table(pa.table(columns), path, **kwargs)
    return path


def test_parquet_rows_are_numbered_from_1(tmp_path):
    names = ["Acme", "RWA Fund", None, "稳定币科技", "Forward"] * 3
    path = parquet(tmp_path / "a.parquet", {"id": list(range(15)), "name": names}, row_group_size=4)
    messages: list[str] = []
    result = screen_file(path, tmp_path / "o.jsonl", report=messages.append, progress=False)
    records = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in records] == [2, 4, 7, 9, 12, 14]
    assert list(records[0]) == ["row", "text", "hits"] and records[0]["hits"][0]["rule_id"] == "yinfa-2026-42/8/1"
    assert (result.rows, result.nulls, result.flagged, result.hits, result.skipped, result.reader) == (12, 3, 6, 6, 0, "arrow")
    assert result.summary() == "screened 12 rows: 6 with hits (6 hits), 3 null texts not screened, none skipped (on-error fail)"
    assert messages == [] and result.exit_code == 1


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string(), "dictionary"])
def test_parquet_text_types(tmp_path, kind):
    column = pa.array(["RWA", "x"]).dictionary_encode() if kind == "dictionary" else pa.array(["RWA", "x"], kind)
    path = parquet(tmp_path / "a.pq", {"name": column})
    assert screen_file(path, None, progress=False).flagged == 1


# (columns, keyword arguments, words of the ScreenInputError)
PARQUET_ERRORS = [
    ({"title": ["RWA"]}, {}, ["no column 'name' in the Parquet file; columns: 'title'"]),
    ({"Name": ["RWA"]}, {}, ["did you mean 'Name'?"]),
    ({"name": [1, 2]}, {}, ["column 'name' of the Parquet file holds int64, not text"]),
    (None, {}, ["not a Parquet file that can be read"]),
    ({"name": ["RWA"]}, {"fmt": "csv"}, ["a.parquet: a Parquet file, not CSV: give --input-format parquet"]),
]


@pytest.mark.parametrize(("columns", "kwargs", "words"), PARQUET_ERRORS, ids=range(len(PARQUET_ERRORS)))
def test_parquet_errors(tmp_path, columns, kwargs, words):
    path = tmp_path / "a.parquet"
    if columns is None:
        path.write_text("id,name\n1,RWA\n")
    else:
        parquet(path, columns)
    out = tmp_path / "o.jsonl"
    with pytest.raises(ScreenInputError) as info:
        screen_file(path, out, progress=False, **kwargs)
    for word in words:
        assert word in str(info.value), (word, str(info.value))
    assert not out.exists()


def test_parquet_from_standard_input_is_refused(monkeypatch, tmp_path):
    path = parquet(tmp_path / "a.parquet", {"name": ["RWA"]})
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes())))
    with pytest.raises(ScreenInputError, match="Parquet cannot be read from a stream"):
        screen_file("-", None, progress=False)


def test_parquet_through_the_cli(tmp_path):
    from typer.testing import CliRunner

    from regnotice.cli import app

    path = parquet(tmp_path / "names.data", {"company": ["Acme", "Stablecoin Holdings"]})
    out = tmp_path / "o.jsonl"
    result = CliRunner().invoke(app, ["screen", "-i", str(path), "--input-format", "parquet", "-c", "company", "-o", str(out), "--quotes"])
    assert result.exit_code == 1, result.output
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["row"] == 2 and record["hits"][0]["marker"] == "(8)" and "quote" in record["hits"][0]
    assert "screened 2 rows: 1 with hits (1 hit), none skipped (on-error fail)" in result.stderr


def test_a_real_process_reads_csv_and_parquet(tmp_path):
    csv_path = tmp_path / "a.csv"
    csv_path.write_text(big(5000), encoding="utf-8")
    parquet_path = parquet(tmp_path / "a.parquet", {"name": [f"Company {i}" if i % 97 else "RWA Ltd" for i in range(5000)]})
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for path, flagged in ((csv_path, "109 with hits"), (parquet_path, "52 with hits")):
        out = subprocess.run([sys.executable, "-m", "regnotice", "screen", "-i", str(path), "-o", str(tmp_path / "o.jsonl")], capture_output=True, text=True, env=env, timeout=120)
        assert out.returncode == 1, out.stderr
        assert flagged in out.stderr, out.stderr


def test_batch_result_same_as():
    assert BatchResult(rows=3, reader="arrow", resumed_at=5).same_as(BatchResult(rows=3))
    assert not BatchResult(rows=3).same_as(BatchResult(rows=4))
