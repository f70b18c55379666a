"""The ``regnotice`` command, end to end: lookups from the clause index, ``parse FILE``,
error messages and exit codes. Table-driven; in-process through typer's CliRunner, plus
a few subprocess runs for what only a real process shows (``python -m``, tracebacks)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import run_regnotice
from typer.testing import CliRunner

import regnotice
from regnotice import index
from regnotice.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SEED = ROOT / "seeds" / "000_f9843fba284d51a1.txt"

#: The markers of the bundled notice as printed in the source (its numbering is mixed).
MARKERS = [
    "(I)", "(II)", "(III)", "(IV)", "(5)", "(6)", "(7)", "(8)", "(IX)", "(X)",
    "(XI)", "(XII)", "(XIII)", "(XIV)", "(15)", "(16)", "(17)", "(18)", "(19)",
]  # fmt: skip

LOCATION = re.compile(r"\S+:\d+:\d+:")
CARET_LINE = re.compile(r"^\s*\^\s*$", re.M)

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    # Only SystemExit (typer.Exit) may escape a command; anything else is a crash.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def run_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return run_regnotice(*args, cwd=cwd)


# --- clause ---------------------------------------------------------------------------

NINE = ["IX", "9", "ix", "(IX)", "（九）", "(9)", "九", "(ix)"]


@pytest.mark.parametrize("ref", NINE)
def test_clause_text_is_the_same_for_every_numbering(ref):
    expected = run("clause", "IX")
    result = run("clause", ref)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected.stdout
    head = result.stdout.splitlines()[0]
    assert head.startswith("Yinfa [2026] No. 42, clause 9 (IX)")
    assert "Continued Rectification of Virtual Currency Mining Activities" in head
    assert "(IX) Continued Rectification" in result.stdout


@pytest.mark.parametrize("ref", ["IX", "9", "（九）"])
def test_clause_json(ref):
    result = run("clause", ref, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"ordinal", "marker", "heading", "text", "span"} <= set(data)
    assert data["ordinal"] == 9
    assert data["marker"] == "(IX)"
    assert data["heading"] == "Continued Rectification of Virtual Currency Mining Activities"
    assert data["text"].startswith("(IX) ")
    assert set(data["span"]) == {"start", "end"}
    assert data["span"]["end"] - data["span"]["start"] == len(data["text"])


def test_clause_json_span_points_into_the_seed():
    data = json.loads(run("clause", "9", "-f", "json").stdout)
    seed = SEED.read_text(encoding="utf-8")
    assert seed[data["span"]["start"] : data["span"]["end"]] == data["text"]


@pytest.mark.parametrize("ref", ["1", "IX", "19"])
def test_clause_yaml_equals_json(ref):
    as_json = json.loads(run("clause", ref, "--format", "json").stdout)
    result = run("clause", ref, "--format", "yaml")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == as_json


@pytest.mark.parametrize("ordinal", range(1, 20))
def test_every_clause_resolves(ordinal):
    result = run("clause", str(ordinal), "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ordinal"] == ordinal
    assert data["marker"] == MARKERS[ordinal - 1]


@pytest.mark.parametrize(
    "ref, code, needles",
    [
        ("20", 2, ["no clause", "1..19"]),
        ("0", 2, ["invalid clause reference", "positive"]),
        ("XX", 2, ["1..19"]),
        ("abc", 2, ["invalid clause reference", "abc"]),
        ("(X", 2, ["invalid clause reference"]),
    ],
)
def test_clause_errors(ref, code, needles):
    result = run("clause", ref)
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    for needle in needles:
        assert needle in result.stderr
    assert "Traceback" not in result.output


# --- clauses, search ------------------------------------------------------------------


def test_clauses_lists_19_rows_with_their_markers():
    result = run("clauses")
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert len(rows) == 19
    for ordinal, (row, marker) in enumerate(zip(rows, MARKERS), start=1):
        fields = row.split()
        assert fields[:2] == [str(ordinal), marker], row
    assert "Continued Rectification of Virtual Currency Mining Activities" in rows[8]


@pytest.mark.parametrize("fmt, load", [("json", json.loads), ("yaml", yaml.safe_load)])
def test_clauses_structured(fmt, load):
    result = run("clauses", "--format", fmt)
    assert result.exit_code == 0, result.output
    rows = load(result.stdout)
    assert [r["ordinal"] for r in rows] == list(range(1, 20))
    assert [r["marker"] for r in rows] == MARKERS


@pytest.mark.parametrize("phrase", ["mining machine", "MINING   Machine"])
def test_search_finds_clause_ix_with_the_match_in_brackets(phrase):
    result = run("search", phrase)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines
    for line in lines:
        assert line.split()[:2] == ["9", "(IX)"], line
        assert "[mining machine]" in line


def test_search_reports_every_clause_that_matches():
    result = run("search", "virtual currency")
    assert result.exit_code == 0
    ordinals = {int(line.split()[0]) for line in result.stdout.splitlines()}
    assert {1, 9} <= ordinals


@pytest.mark.parametrize("phrase", ["quantum teleportation", "mining  machinery  cartel"])
def test_search_without_a_match_says_so_and_exits_0(phrase):
    result = run("search", phrase)
    assert result.exit_code == 0  # nothing found is no failure and no violation
    assert result.stdout == ""
    assert "no clause contains" in result.stderr


# --- parse FILE -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_parse_seed_prints_19_clauses(seed):
    result = run("parse", str(seed))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["clauses"]) == 19
    assert [c["ordinal"] for c in data["clauses"]] == list(range(1, 20))
    assert data["source"] == str(seed)


def test_parse_yaml_equals_json():
    as_json = json.loads(run("parse", str(SEED)).stdout)
    result = run("parse", str(SEED), "--format", "yaml")
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout) == as_json


def _seed_lines(first: int, last: int) -> str:
    """Lines ``first..last`` (1-based, inclusive) of the bundled seed page."""
    lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(lines[first - 1 : last])


CLOSING = "This notice shall enter into force upon the date of its issuance.\n"

#: name -> (file content, expected stderr pieces, location+caret expected)
MALFORMED = {
    "empty_item": (lambda: "To all departments:\n(1)\n(2) Do b.\n" + CLOSING, ["unexpected"], True),
    "not_utf8": (lambda: b"To all departments:\n(1) caf\xe9 au lait.\n" + CLOSING.encode(), ["not UTF-8", "0xe9"], False),
    "no_notice": (lambda: "Weather today: sunny.\nMarkets: flat.\n", ["no notice found", "addressee"], False),
    "empty": (lambda: "", ["no notice found"], False),
}


def _write(tmp_path: Path, name: str) -> Path:
    content = MALFORMED[name][0]()
    path = tmp_path / f"{name}.txt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _check_error(stderr: str, path: Path, name: str) -> None:
    _, needles, located = MALFORMED[name]
    assert stderr.startswith("error: ")
    assert "Traceback" not in stderr
    assert path.name in stderr
    for needle in needles:
        assert needle in stderr, stderr
    if located:
        assert LOCATION.search(stderr), stderr
        assert re.search(re.escape(path.name) + r":\d+:\d+:", stderr), stderr
        assert CARET_LINE.search(stderr), stderr


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_parse_malformed_exits_2_with_a_located_message(tmp_path, name):
    path = _write(tmp_path, name)
    result = run("parse", str(path))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    _check_error(result.stderr, path, name)


def test_parse_not_utf8_names_line_and_column(tmp_path):
    path = _write(tmp_path, "not_utf8")
    result = run("parse", str(path))
    assert f"{path}:2:8:" in result.stderr  # the bad byte follows "(1) caf", 7 characters


def test_parse_cut_short_parses_and_warns_where_the_text_stops(tmp_path):
    """Title, foreword, addressee and items (I)..(19) of the seed, and no closing: the
    items are read, the last marked as possibly cut, and a warning names the place."""
    path = tmp_path / "cut.txt"
    path.write_text(_seed_lines(62, 88), encoding="utf-8")
    result = run("parse", str(path))
    assert result.exit_code == 0
    tree = json.loads(result.stdout)
    assert [c["cut"] for c in tree["clauses"]] == [False] * 18 + [True]
    assert re.search(re.escape(str(path)) + r":27:\d+: the text stops at line 27", result.stderr), result.stderr
    assert "item (19) may be cut short" in result.stderr


def test_parse_missing_file_exits_2(tmp_path):
    result = run("parse", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr
    assert "nope.txt" in result.stderr


def test_parse_invalid_marker_points_at_the_marker(tmp_path):
    path = tmp_path / "bad_marker.txt"
    path.write_text("To all departments:\n(1) Do a.\n(MMMMX) Do b.\n" + CLOSING, encoding="utf-8")
    result = run("parse", str(path))
    assert result.exit_code == 2
    assert f"{path}:3:1:" in result.stderr
    assert "(MMMMX)" in result.stderr
    assert CARET_LINE.search(result.stderr)
    assert "Traceback" not in result.output


# --- real processes -------------------------------------------------------------------


def test_python_m_regnotice_clause_9(tmp_path):
    proc = run_process("clause", "9", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == run("clause", "IX").stdout
    assert "(IX)" in proc.stdout.splitlines()[0]


@pytest.mark.parametrize(
    "args, code",
    [(["clause", "20"], 2), (["clause", "abc"], 2), (["search", "quantum teleportation"], 0)],
)
def test_process_errors_have_no_traceback(tmp_path, args, code):
    proc = run_process(*args, cwd=tmp_path)
    assert proc.returncode == code
    assert proc.stdout == ""
    assert proc.stderr.startswith(("error: ", "no clause contains"))
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("name", ["not_utf8", "no_notice", "empty_item"])
def test_process_parse_malformed(tmp_path, name):
    path = _write(tmp_path, name)
    proc = run_process("parse", str(path), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    _check_error(proc.stderr, path, name)


# --- the clause index -----------------------------------------------------------------


def test_clause_index_is_fresh():
    fresh = index.dump_index(index.build_index(regnotice.load()))
    committed = index.INDEX_FILE.read_text(encoding="utf-8")
    assert fresh == committed, "regnotice/clause_index.json is stale: run 'regnotice index'"


def test_the_rules_snapshot_is_fresh_and_equals_a_live_extraction_and_the_rule_file():
    """Verbs read the bundled rules from a prebuilt snapshot, not by parsing: it must be
    what a parse and extraction give now, and what rules/ holds."""
    from regnotice.bundled import SNAPSHOT_FILE, bundled_rules, dump_snapshot, live_rules

    assert SNAPSHOT_FILE.read_text(encoding="utf-8") == dump_snapshot(), "regnotice/bundled_rules.json is stale: run 'regnotice index'"
    assert bundled_rules() == live_rules()
    assert bundled_rules() == regnotice.load_rules(ROOT / "rules" / "yinfa-2026-42.yaml")


def test_a_cold_rule_verb_does_not_parse_the_bundled_notice(tmp_path):
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from regnotice.cli import app\n"
        "for args in (['rules', '--clause', 'IX'], ['screen', 'Acme Stablecoin Ltd']):\n"
        "    CliRunner().invoke(app, args)\n"
        "print('lark' in sys.modules, 'regnotice.parsing' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.stdout.split() == ["False", "False"], proc.stdout + proc.stderr


def test_index_check_command_agrees():
    result = run("index", "--check")
    assert result.exit_code == 0, result.output


def test_index_records_match_the_notice():
    notice = regnotice.load()
    records = index.load_index()["clauses"]
    assert [r["ordinal"] for r in records] == list(notice.ordinals)
    for record, clause in zip(records, notice.clauses):
        assert record == index.clause_record(clause)


# --- the console script builds only the verb it runs -------------------------------------

ONE_VERB_ARGS = [
    ["clause", "IX"],
    ["clause"],
    ["clause", "--help"],
    ["clause", "XX"],
    ["clause", "IX", "--format", "bad"],
    ["clause", "IX", "extra"],
    ["clause", "-V"],
    ["rules", "--clause", "IX"],
    ["rules", "--kind", "prohib"],
    ["rules", "--bogus"],
    ["screen", "Acme Stablecoin Ltd"],
    ["screen"],
    ["check"],
    ["check", "no-such-file.yaml"],
    ["search", "mining"],
    ["schema", "--verdict", "--lexicon"],
    ["index", "--help"],
    ["clauze", "IX"],
    ["--help"],
    [],
]


@pytest.mark.parametrize("args", ONE_VERB_ARGS)
def test_the_app_of_one_verb_answers_as_the_whole_app(args):
    """``main()`` runs an app holding only the verb named (see ``cli._app_for``): the same
    output and exit code for a run, a usage error, help and an unknown verb."""
    from regnotice.cli import _app_for

    whole = runner.invoke(app, args)
    one = runner.invoke(_app_for(args), args)
    assert (one.exit_code, one.output) == (whole.exit_code, whole.output)


def test_the_app_of_one_verb_holds_one_command():
    from regnotice.cli import _app_for

    assert [info.callback.__name__ for info in _app_for(["rules", "--clause", "IX"]).registered_commands] == ["rules"]
    assert _app_for(["--version"]) is app and _app_for([]) is app and _app_for(["nonesuch"]) is app
