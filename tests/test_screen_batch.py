"""``regnotice screen``: one TEXT, or a CSV/JSONL file streamed row by row into a JSONL
report. Exit codes (0 clean, 1 violations, 2 input error), malformed rows reported with
their line number and skipped or fatal, output written whole or not at all, and no
progress bar when standard error is not a terminal. Table-driven."""

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
            assert (hit["clause"], hit["marker"], hit["rule_id"]) == (8, "(8)", "yinfa-2026-42/8/1")
    assert f"{len(flagged)} with hits" in result.stderr
    assert leftovers(out.parent) == []


def test_output_format(tmp_path):
    out = tmp_path / "r.jsonl"
    run("--file", str(write(tmp_path / "a.csv", "name\nRWA Stablecoin\n")), "--out", str(out), "--field", "ad")
    (row,) = records(out)
    assert list(row) == ["line", "text", "hits"]
    assert [h["term"] for h in row["hits"]] == ["RWA", "stablecoin"]
    hit = row["hits"][0]
    assert list(hit) == ["term", "text", "start", "end", "clause", "marker", "rule_id", "quote", "also"]
    assert (hit["clause"], hit["marker"]) == (7, "(7)")
    assert [a["marker"] for a in hit["also"]] == ["(8)"]


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


@pytest.mark.parametrize("name, content, problems", [("bad.jsonl", BAD_JSONL, BAD_JSONL_PROBLEMS), ("bad.csv", BAD_CSV, BAD_CSV_PROBLEMS)])
def test_malformed_rows_are_reported_and_skipped(tmp_path, name, content, problems):
    path = write(tmp_path / name, content)
    out = tmp_path / "r.jsonl"
    result = run("--file", str(path), "--out", str(out))
    assert result.exit_code == 1, result.output  # the good rows hold a violation
    reported = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert len(reported) == len(problems), result.stderr
    for line, (number, message) in zip(reported, problems):
        assert line.startswith(f"{path}:{number}: "), line
        assert message in line, line
    assert f"{len(problems)} malformed rows skipped" in result.stderr
    assert len(records(out)) == 1


@pytest.mark.parametrize("name, content, first", [("bad.jsonl", BAD_JSONL, 2), ("bad.csv", BAD_CSV, 3)])
def test_on_error_fail_exits_2_and_writes_nothing(tmp_path, name, content, first):
    path = write(tmp_path / name, content)
    out = tmp_path / "r.jsonl"
    result = run("--file", str(path), "--out", str(out), "--on-error", "fail")
    assert result.exit_code == 2, result.output
    assert f"{path}:{first}: " in result.stderr
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_a_failed_run_keeps_the_previous_output(tmp_path):
    out = write(tmp_path / "r.jsonl", "previous\n")
    run("--file", str(write(tmp_path / "b.jsonl", BAD_JSONL)), "--out", str(out), "--on-error", "fail")
    assert out.read_text() == "previous\n"
    assert leftovers(tmp_path) == []


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
    assert len(reported) == 6
    with pytest.raises(ValueError):
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
    assert text.splitlines() == [f"screened 50,000 rows: 500 with hits (500 hits); wrote {tmp_path / 'r.jsonl'}"]
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
