"""``regnotice screen``: one TEXT, or a CSV/TSV/JSONL file streamed row by row into a
JSONL report. Exit codes (0 clean, 1 violations, 2 input error, and rows that could not
be read unless ``--on-error skip``), malformed rows reported with their line number,
output written whole or not at all, and no progress bar when standard error is not a
terminal. Table-driven. (Dialects, encodings and the API's errors in depth:
``test_screen_input.py``.)"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regnotice.cli import app
from regnotice.errors import InputError
from regnotice.screening import screen_file

runner = CliRunner()

CSV_OK = "id,name\n1,Acme Stablecoins Ltd\n2,Rwanda Coffee\n3,\"RWA-backed, Inc.\"\n4,Plain Trading Co\n"
CSV_CLEAN = "id,name\n1,Rwanda Coffee\n2,Forward Logistics\n"
JSONL_OK = '{"name": "Crypto-Assets Ltd"}\n{"name": "Clean Co"}\n\n{"name": "虚拟货币科技", "id": 7}\n'


def run(*args: str):
    result = runner.invoke(app, ["screen", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- single text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, code, shown",
    [
        (["Acme Stablecoin Ltd"], 1, "'Stablecoin'"),
        (["Rwanda Coffee"], 0, ""),
        (["RWA ads", "--field", "ad"], 1, "(7)"),
        (["Acme 稳定币", "--field", "business_scope"], 1, "(8)"),
    ],
)
def test_text(args, code, shown):
    result = run(*args)
    assert result.exit_code == code, result.output
    assert shown in result.stdout


def test_text_as_json():
    result = run("Acme Stablecoin Ltd", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["field"] == "name"
    assert [(h["term"], h["start"], h["end"], h["rule_id"]) for h in data["hits"]] == [("stablecoin", 5, 15, "yinfa-2026-42/8/1")]


@pytest.mark.parametrize("args", [[], ["x", "--file", "f.csv"]])
def test_text_or_file_is_a_usage_error(args):
    assert run(*args).exit_code == 2


# --- files end to end ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, code, flagged",
    [
        ("in.csv", CSV_OK, 1, [(2, "Acme Stablecoins Ltd", ["stablecoin"]), (4, "RWA-backed, Inc.", ["RWA"])]),
        ("in.csv", CSV_CLEAN, 0, []),
        ("in.jsonl", JSONL_OK, 1, [(1, "Crypto-Assets Ltd", ["crypto asset"]), (4, "虚拟货币科技", ["virtual currency"])]),
        ("in.ndjson", '{"name": "Clean"}\n', 0, []),
        ("bom.csv", "\ufeffname\nStable Coins\n", 1, [(2, "Stable Coins", ["stablecoin"])]),
        ("multi.csv", 'id,name\n1,"two\nlines"\n2,"Real World\nAsset Tokenization"\n', 1, [(4, "Real World\nAsset Tokenization", ["real-world asset tokenization"])]),
        ("crlf.csv", "name\r\nRWA\r\nclean\r\n", 1, [(2, "RWA", ["RWA"])]),
    ],
)
def test_file_end_to_end(tmp_path, name, content, code, flagged):
    out = tmp_path / "out" / "results.jsonl"
    result = run("--file", str(write(tmp_path / name, content)), "--out", str(out))
    assert result.exit_code == code, result.output
    rows = records(out)
    assert [(r["line"], r["text"], [h["term"] for h in r["hits"]]) for r in rows] == flagged
    for row in rows:
        for hit in row["hits"]:
            assert row["text"][hit["start"] : hit["end"]] == hit["text"]
            assert (hit["rule_id"], hit["also"]) == ("yinfa-2026-42/8/1", [])
            assert "quote" not in hit and "clause" not in hit  # the rule by id, no quote per row
    assert f"{len(flagged)} with hits" in result.stderr
    assert leftovers(out.parent) == []


@pytest.mark.parametrize("name", ["a.csv", "a.jsonl"])
def test_output_format(tmp_path, name):
    out = tmp_path / "r.jsonl"
    content = "name\nRWA Stablecoin\n" if name.endswith(".csv") else '{"name": "RWA Stablecoin"}\n'
    path = write(tmp_path / name, content)
    run("--file", str(path), "--out", str(out), "--field", "ad")
    (row,) = records(out)
    assert list(row) == ["line", "text", "hits"]
    assert [h["term"] for h in row["hits"]] == ["RWA", "stablecoin"]
    hit = row["hits"][0]  # compact: the rules by id
    assert hit == {"term": "RWA", "text": "RWA", "start": 0, "end": 3, "rule_id": "yinfa-2026-42/7/1", "also": ["yinfa-2026-42/8/2"]}
    run("--file", str(path), "--out", str(out), "--field", "ad", "--quotes")
    (row,) = records(out)
    hit = row["hits"][0]  # --quotes: in full, as Hit.to_dict()
    assert list(hit) == ["term", "text", "start", "end", "clause", "marker", "rule_id", "quote", "also"]
    assert (hit["clause"], hit["marker"]) == (7, "(7)")
    assert [a["marker"] for a in hit["also"]] == ["(8)"]
    assert hit["quote"].startswith("Internet enterprises") or len(hit["quote"]) > 40


def test_quotes_is_for_input():
    assert run("RWA", "--quotes").exit_code == 2


def test_other_column_and_stdout(tmp_path):
    result = run("--file", str(write(tmp_path / "a.csv", "id,scope\n1,trading of crypto assets\n")), "--column", "scope", "--field", "business_scope")
    assert result.exit_code == 1
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert row["hits"][0]["text"] == "crypto assets"


def test_input_format_option(tmp_path):
    path = write(tmp_path / "rows.txt", '{"name": "RWA"}\n')
    assert run("--file", str(path)).exit_code == 2
    assert run("--file", str(path), "--input-format", "jsonl", "--out", str(tmp_path / "o.jsonl")).exit_code == 1


# --- malformed rows --------------------------------------------------------------------

BAD_JSONL = (
    b'{"name": "Stablecoin Ltd"}\n'  # 1 ok, a hit
    b"{not json\n"  # 2
    b'{"title": "x"}\n'  # 3 missing key
    b'{"name": 42}\n'  # 4 wrong type
    b'{"name": null}\n'  # 5 wrong type
    b'["name"]\n'  # 6 not an object
    b'{"name": "caf\xe9"}\n'  # 7 not UTF-8
    b'{"name": "Clean Co"}\n'  # 8 ok
)
BAD_JSONL_PROBLEMS = [
    (2, "not valid JSON"),
    (3, "missing key 'name'"),
    (4, "'name' is a number, expected a string"),
    (5, "'name' is null, expected a string"),
    (6, "expected a JSON object, got an array"),
    (7, "not UTF-8"),
]
BAD_CSV = b'id,name\n1,RWA Fund\n2\n3,"caf\xe9"\n4,clean\n5,"unclosed\n'
BAD_CSV_PROBLEMS = [(3, "missing column 'name'"), (4, "not UTF-8"), (6, "bad CSV")]


def problems_in(stderr: str, path: Path) -> list[str]:
    """The lines of ``stderr`` that report a row of ``path`` (``path:LINE: ...``)."""
    prefix = f"{path}:"
    return [line for line in stderr.splitlines() if line.startswith(prefix) and line[len(prefix) : len(prefix) + 1].isdigit()]


# (--on-error arguments, exit code, the mode as the summary names it): rows that cannot be
# read fail the batch (exit 2) unless --on-error skip; the output is written either way
ON_ERROR = [([], 2, "on-error fail: the batch fails"), (["--on-error", "fail"], 2, "on-error fail: the batch fails"), (["--on-error", "skip"], 1, "on-error skip")]


@pytest.mark.parametrize("name, content, problems", [("bad.jsonl", BAD_JSONL, BAD_JSONL_PROBLEMS), ("bad.csv", BAD_CSV, BAD_CSV_PROBLEMS)])
@pytest.mark.parametrize("args, code, mode", ON_ERROR, ids=["default", "fail", "skip"])
def test_malformed_rows_are_reported_and_counted(tmp_path, name, content, problems, args, code, mode):
    path = write(tmp_path / name, content)
    out = tmp_path / "r.jsonl"
    result = run("--file", str(path), "--out", str(out), *args)
    assert result.exit_code == code, result.output
    reported = problems_in(result.stderr, path)
    assert len(reported) == len(problems), result.stderr
    for line, (number, message) in zip(reported, problems):
        assert line.startswith(f"{path}:{number}: "), line
        assert message in line, line
    assert f"{len(problems)} malformed rows skipped ({mode}" in result.stderr
    assert f"{path}: 1 row is not UTF-8 text; if the file is in another encoding, give it, e.g. --encoding cp1252" in result.stderr
    assert [r["line"] for r in records(out)] == [1 if name.endswith("jsonl") else 2]  # written, failed or not
    assert leftovers(tmp_path) == []


def test_an_unterminated_quote_costs_one_row(tmp_path):
    path = write(tmp_path / "q.csv", 'id,name\n1,"Acme Ltd\n2,Stablecoin Co\n3,RWA Fund\n')
    result = run("--file", str(path), "--out", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 2, result.output
    (problem,) = problems_in(result.stderr, path)
    assert problem.startswith(f"{path}:2: bad CSV: the quote at line 2, column 3 is never closed"), problem
    assert "screened 2 rows: 2 with hits (2 hits), 1 malformed row skipped" in result.stderr
    assert [r["line"] for r in records(tmp_path / "r.jsonl")] == [3, 4]


def test_a_failed_run_keeps_the_previous_output(tmp_path):
    out = write(tmp_path / "r.jsonl", "previous\n")
    result = run("--file", str(write(tmp_path / "b.csv", "id,name,name\n1,RWA,x\n")), "--out", str(out))
    assert result.exit_code == 2
    assert "duplicate column in the CSV header: 'name' (columns 2 and 3)" in result.stderr
    assert out.read_text() == "previous\n"
    assert leftovers(tmp_path) == []


INPUTS = Path(__file__).parent / "screen_inputs"

# (file in tests/screen_inputs, arguments, exit code, lines with hits, words of the standard error)
DIALECTS = [
    ("cp1252.csv", [], 2, [3], ["cp1252.csv:2: not UTF-8 text", "3 malformed rows skipped", "--encoding cp1252"]),
    ("cp1252.csv", ["--encoding", "cp1252"], 1, [2, 3, 5, 6], ["screened 5 rows: 4 with hits (4 hits), none skipped"]),
    ("cp1252.csv", ["-e", "cp1252", "--on-error", "skip"], 1, [2, 3, 5, 6], []),
    ("cp1252.csv", ["--encoding", "klingon"], 2, None, ["unknown encoding 'klingon'"]),
    ("excel_semicolon.csv", [], 1, [2, 4, 5], ["screened 4 rows: 3 with hits"]),
    ("excel_semicolon.csv", ["--delimiter", ","], 2, None, ["no column 'name'", "--delimiter"]),
    ("excel_sep.csv", ["-e", "cp1252"], 1, [3], []),
    ("names.tsv", [], 1, [2, 4], []),
    ("utf16.csv", [], 1, [2, 3], []),
    ("dup_header.csv", [], 2, None, ["duplicate column", "columns 2 and 4"]),
    ("unterminated.csv", ["--on-error", "skip"], 1, [4, 6], ["the quote at line 3, column 3 is never closed", "on-error skip"]),
    ("gb18030.csv", ["--column", "名称", "--encoding", "gb18030"], 1, [2, 4], []),
]


@pytest.mark.parametrize("name, args, code, flagged, words", DIALECTS, ids=[f"{d[0]} {' '.join(d[1])}" for d in DIALECTS])
def test_dialects_and_encodings(tmp_path, name, args, code, flagged, words):
    out = tmp_path / "r.jsonl"
    result = run("--input", str(INPUTS / name), "--out", str(out), *args)
    assert result.exit_code == code, result.output
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    if flagged is None:
        assert not out.exists()
    else:
        assert [r["line"] for r in records(out)] == flagged


def test_standard_input_and_the_tsv_format(tmp_path):
    out = tmp_path / "r.jsonl"
    result = runner.invoke(app, ["screen", "-i", "-", "--out", str(out)], input=b"id;name\n1;RWA Fund\n")
    assert result.exit_code == 1, result.output
    assert [r["text"] for r in records(out)] == ["RWA Fund"]
    path = write(tmp_path / "rows.txt", "id\tname\n1\tAcme, Stablecoin Ltd\n")
    assert run("-i", str(path), "--input-format", "tsv", "--out", str(out)).exit_code == 1
    assert [r["text"] for r in records(out)] == ["Acme, Stablecoin Ltd"]


def test_problems_are_bounded(tmp_path):
    rows = "".join(f"{i}\n" for i in range(130)) + "x,y," + "Stablecoin " * 10_000 + "\n1,RWA\n"
    path = write(tmp_path / "many.csv", "id,name\n" + rows)
    result = run("--file", str(path), "--out", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 2
    assert len(problems_in(result.stderr, path)) == 100
    assert f"{path}: ... and 31 more rows skipped" in result.stderr
    assert "screened 1 row: 1 with hits (1 hit), 131 malformed rows skipped" in result.stderr
    assert max(len(line) for line in result.stderr.splitlines()) < 400


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("a.csv", "id,title\n1,x\n", "no column 'name' in the CSV header"),
        ("a.csv", "", "empty file"),
        ("missing.csv", None, "no such file"),
        ("a.xml", "<x/>", "--input-format"),
    ],
)
def test_file_level_errors_exit_2(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        write(path, content)
    out = tmp_path / "r.jsonl"
    result = run("--file", str(path), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_an_exception_midway_removes_the_temp_file(tmp_path, monkeypatch):
    import regnotice.screening as screen_module

    def boom(self, done, result):
        raise KeyboardInterrupt

    monkeypatch.setattr(screen_module._Progress, "update", boom)
    rows = "name\n" + "x\n" * 20000
    with pytest.raises(KeyboardInterrupt):
        screen_file(write(tmp_path / "a.csv", rows), tmp_path / "r.jsonl", progress=False)
    assert not (tmp_path / "r.jsonl").exists()
    assert leftovers(tmp_path) == []


def test_screen_file_api(tmp_path):
    reported: list[str] = []
    result = screen_file(write(tmp_path / "a.jsonl", BAD_JSONL), tmp_path / "r.jsonl", report=reported.append)
    assert (result.rows, result.flagged, result.hits, result.skipped) == (2, 1, 1, 6)
    assert (result.on_error, result.failed, result.exit_code) == ("fail", True, 2)
    assert len(reported) == 7 and reported[-1].endswith("--encoding cp1252")  # 6 rows, and the hint
    assert result.problems == reported[:6]
    assert result.summary() == "screened 2 rows: 1 with hits (1 hit), 6 malformed rows skipped (on-error fail: the batch fails)"
    assert len(records(tmp_path / "r.jsonl")) == 1
    skipped = screen_file(tmp_path / "a.jsonl", tmp_path / "r.jsonl", on_error="skip", report=reported.append)
    assert (skipped.skipped, skipped.failed, skipped.exit_code) == (6, False, 1)
    with pytest.raises(InputError, match="on_error must be 'fail' or 'skip'"):
        screen_file(tmp_path / "a.jsonl", None, on_error="ignore")


# --- a real process: piped, or on a terminal --------------------------------------------


def process(*args: str, stderr=subprocess.PIPE) -> subprocess.Popen:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "TERM": "xterm", "COLUMNS": "100"}
    return subprocess.Popen([sys.executable, "-m", "regnotice", "screen", *args], stdout=subprocess.PIPE, stderr=stderr, env=env)


def big_csv(tmp_path: Path, rows: int = 50000) -> Path:
    return write(tmp_path / "big.csv", "name\n" + "".join("Stablecoin Ltd\n" if i % 100 == 0 else f"Company {i}\n" for i in range(rows)))


def test_piped_run_prints_no_progress_bar(tmp_path):
    proc = process("--file", str(big_csv(tmp_path)), "--out", str(tmp_path / "r.jsonl"))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    text = err.decode("utf-8")
    assert "\x1b[" not in text and "\r" not in text and "━" not in text
    assert text.splitlines() == [f"screened 50,000 rows: 500 with hits (500 hits), none skipped (on-error fail); wrote {tmp_path / 'r.jsonl'}"]
    assert out == b""


def test_a_terminal_gets_a_progress_bar(tmp_path):
    master, slave = pty.openpty()
    proc = process("--file", str(big_csv(tmp_path)), "--out", str(tmp_path / "r.jsonl"), stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert proc.wait(timeout=120) == 1
    assert "━".encode() in seen and b"50,000 rows" in seen
