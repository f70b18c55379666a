"""Hardening: one exit-code contract for every verb, whole-or-nothing output under kill -9,
standard input, closed pipes, text pasted from Word, and bounded work on hostile input.

Time and memory bounds are resource limits on a subprocess, never timing asserts.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_regnotice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import regnotice
from regnotice.cli import app
from regnotice.io import remove_stale, write_atomic, write_files_atomic
from regnotice.normalise import normalise

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_f9843fba284d51a1.txt"
runner = CliRunner()

ACTIVITY_PROHIBITED = "- actor: bank\n  actions: [account-opening]\n  object: virtual-currency\n"
ACTIVITY_CLEAN = "- actor: bank\n  actions: [account-opening]\n"


def run(*args: str, input: str | None = None):
    result = runner.invoke(app, list(args), input=input)
    # only SystemExit may leave a command: anything else would be a traceback
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


# ----------------------------------------------------------------- the exit-code contract


@pytest.fixture
def files(tmp_path):
    """Inputs of every kind of failure, and good ones."""
    (tmp_path / "folder").mkdir()
    made = {
        "missing": tmp_path / "missing.txt",
        "folder": tmp_path / "folder",
        "not_utf8": tmp_path / "latin1.txt",
        "empty": tmp_path / "empty.txt",
        "notice": SEED,
        "prohibited": tmp_path / "prohibited.yaml",
        "clean": tmp_path / "clean.yaml",
        "no_notice": tmp_path / "prose.txt",
        "a_file": tmp_path / "a_file.txt",
    }
    made["not_utf8"].write_bytes(b"To all banks:\n(1) Caf\xe9 may not trade.\n")
    made["empty"].write_text("", encoding="utf-8")
    made["prohibited"].write_text(ACTIVITY_PROHIBITED, encoding="utf-8")
    made["clean"].write_text(ACTIVITY_CLEAN, encoding="utf-8")
    made["no_notice"].write_text("Just some prose.\n", encoding="utf-8")
    made["a_file"].write_text("x", encoding="utf-8")
    made["tmp"] = tmp_path
    return made


# (verb and arguments, with {name} for a path of the fixture, the exit code, words of the message)
CONTRACT = [
    # 0: success
    (["parse", "{notice}"], 0, []),
    (["coverage", "{notice}"], 0, []),
    (["rules", "{notice}", "--kind", "repeal"], 0, []),
    (["check", "{clean}"], 0, []),
    (["screen", "Plain Trading Co"], 0, []),
    (["export", "-o", "{tmp}/out"], 0, []),
    (["clause", "9"], 0, []),
    (["--version"], 0, []),
    # 1: violations found
    (["check", "{prohibited}"], 1, []),
    (["screen", "Acme Stablecoin Ltd"], 1, []),
    # 2: bad input or usage, located where it can be
    *[([verb, "{missing}"], 2, ["missing.txt", "no such file"]) for verb in ("parse", "coverage", "rules", "validate", "check")],
    (["screen", "-i", "{missing}"], 2, ["missing.txt"]),
    *[([verb, "{folder}"], 2, ["folder"]) for verb in ("parse", "coverage", "rules", "validate", "check")],
    *[([verb, "{not_utf8}"], 2, ["latin1.txt:2:", "not UTF-8"]) for verb in ("parse", "coverage", "rules", "validate", "check")],
    (["parse", "{no_notice}"], 2, ["prose.txt", "no notice found"]),
    (["parse", "{empty}"], 2, ["empty.txt"]),
    (["check", "{clean}", "--rules", "{not_utf8}"], 2, ["latin1.txt:2:"]),
    (["clause", "20"], 2, ["valid clauses are 1..19"]),
    (["rules", "--kind", "nonsense"], 2, ["unknown kind"]),
    (["parse"], 2, ["Missing argument"]),
    (["parse", "{notice}", "--no-such-option"], 2, ["No such option"]),
    (["screen", "x", "--field", "colour"], 2, ["not one of name, business-scope, ad"]),
    # 3: an output that cannot be written, in one line
    (["export", "-o", "{a_file}"], 3, ["a_file.txt", "cannot write"]),
    (["export", "-o", "{a_file}/sub"], 3, ["cannot write"]),
    (["screen", "Acme Stablecoin Ltd", "-o", "{folder}"], 3, ["folder", "cannot write", "directory"]),
]


@pytest.mark.parametrize(("args", "code", "words"), CONTRACT, ids=[" ".join(a) for a, _, _ in CONTRACT])
def test_every_verb_keeps_the_exit_code_contract(files, args, code, words):
    argv = [a.format(**files) for a in args]
    result = run(*argv)
    assert result.exit_code == code, result.output
    for w in words:
        assert w in result.output, (w, result.output)
    if code == 3:
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr  # one line


def test_a_hyphenated_field_and_its_underscore_spelling_are_one(files):
    a = run("screen", "Stablecoin consulting", "--field", "business-scope", "-f", "json")
    b = run("screen", "Stablecoin consulting", "--field", "business_scope", "-f", "json")
    assert a.exit_code == b.exit_code == 1
    assert json.loads(a.stdout) == json.loads(b.stdout)


def test_screen_text_writes_its_out_file_whole(files):
    out = files["tmp"] / "hits.json"
    result = run("screen", "Acme Stablecoin Ltd", "-f", "json", "-o", str(out))
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["hits"][0]["term"].lower() == "stablecoin"


@pytest.mark.parametrize("verb", ["parse", "coverage", "rules"])
def test_a_dash_reads_standard_input(verb):
    result = run(verb, "-", input=SEED.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.output
    assert "<stdin>" in result.stderr  # the warnings name the input
    piped = run(verb, str(SEED))
    assert result.stdout.replace('"<stdin>"', '"SEED"') == piped.stdout.replace(json.dumps(str(SEED)), '"SEED"')


@pytest.mark.parametrize(
    ("args", "stdin", "code", "words"),
    [
        (["check", "-"], ACTIVITY_PROHIBITED, 1, ["1 prohibited"]),
        (["validate", "-"], (ROOT / "rules" / "yinfa-2026-42.yaml").read_text(encoding="utf-8"), 0, ["ok: -"]),
        (["validate", "-"], "notice: x\ncolour: red\n", 2, ["colour"]),
        (["screen", "-i", "-"], "name\nAcme Stablecoin Ltd\n", 1, ['"line": 2', "1 with hits"]),
    ],
)
def test_every_file_argument_reads_standard_input_for_a_dash(args, stdin, code, words):
    result = run(*args, input=stdin)
    assert result.exit_code == code, result.output
    for w in words:
        assert w in result.output


def test_parse_has_a_text_outline():
    result = run("parse", str(SEED), "-f", "text")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Yinfa [2026] No. 42:")
    assert "19 clauses" in lines[-1]


def test_version_in_a_real_process(tmp_path):
    proc = run_regnotice("--version", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip() == f"regnotice {regnotice.__version__}"


def test_a_closed_pipe_ends_quietly_with_exit_0(tmp_path):
    """`regnotice parse seed | head -c 10`: the reader leaves; no traceback, exit 0."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "regnotice", "parse", str(SEED), "-f", "yaml"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    proc.stdout.read(10)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, stderr
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr


def test_error_output_is_bounded(tmp_path):
    nuls = tmp_path / "nuls.yaml"
    nuls.write_bytes(b"\x00\n" * 100_000)
    result = run("validate", str(nuls))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) <= 110, len(result.stderr.splitlines())
    term = "x" * 17_000_000
    long = run("rules", "--agency", term[:5_000_000])
    assert long.exit_code == 2 and len(long.output) < 10_000


# ------------------------------------------------------------------- text pasted from Word


def _signature(rules) -> list:
    return [
        (r.id, r.kind, [getattr(p, "ref", None) for p in getattr(r, "bearers", ())], [a.id for a in getattr(r, "actions", ())], [o.id for o in getattr(r, "objects", ())])
        for r in rules.rules
    ]


CLEAN = regnotice.load().text
PASTED = {
    "lone CR": CLEAN.replace("\n", "\r"),
    "CRLF": CLEAN.replace("\n", "\r\n"),
    "U+2029 paragraph marks": CLEAN.replace("\n", "\u2029"),
    "U+2028 line separators": CLEAN.replace("\n", "\u2028"),
    "vertical tabs": CLEAN.replace("\n", "\x0b"),
    "zero-width spaces after full stops": CLEAN.replace(". ", ".\u200b ").replace(".\n", ".\u200b\n"),
    "zero-width spaces for spaces after full stops": CLEAN.replace(". ", ".\u200b"),
    "word joiners and BOMs inside": CLEAN.replace(", ", ",\u2060 ").replace("(I)", "\ufeff(I)"),
    "soft hyphens inside words": CLEAN.replace("institutions", "insti\u00adtutions").replace("currency", "cur\u00adrency"),
}


@pytest.mark.parametrize("name", sorted(PASTED))
def test_a_notice_pasted_from_word_has_the_same_rules(name):
    text = PASTED[name]
    notice = regnotice.parse(text)
    assert notice.number is not None and notice.number.seq == 42
    assert [a.kind for a in notice.anomalies] == []
    assert _signature(regnotice.extract(notice)) == _signature(regnotice.extract(regnotice.parse(CLEAN)))
    # spans are spans of the original: the text as parsed differs only in the characters read one for one
    assert len(notice.text) == notice.span.end - notice.span.start
    assert normalise(text)[notice.span.start : notice.span.end] == notice.text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab .\n\r\u2028\u2029\x0b\x0c\x85\u200b\u200c\u200d\u2060\ufeff\u00ad"), max_size=60))
def test_normalising_keeps_every_offset(text):
    out = normalise(text)
    assert len(out) == len(text)
    assert normalise(out) == out
    assert not any(ch in out for ch in "\u2028\u2029\x0b\x0c\x85\u200b\u200c\u200d\u2060")
    assert all(a == b for a, b in zip(text, out) if a not in "\r\u2028\u2029\x0b\x0c\x85\u200b\u200c\u200d\u2060\ufeff")


# --------------------------------------------------------------------- whole or nothing


def test_a_multi_file_export_keeps_the_other_files_and_swaps_as_a_unit(tmp_path):
    out = tmp_path / "rules"
    write_files_atomic(out, {"a.yaml": "old a", "schema.json": "old s"})
    (out / "mine.txt").write_text("mine", encoding="utf-8")
    write_files_atomic(out, {"a.yaml": "new a", "schema.json": "new s"})
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == {"a.yaml": "new a", "schema.json": "new s", "mine.txt": "mine"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules"]  # no temp left beside it


def test_stale_temps_of_a_killed_run_are_removed_by_the_next(tmp_path):
    target = tmp_path / "results.jsonl"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    stale = tmp_path / f".results.jsonl.regnotice-{dead}-1.tmp"
    stale.write_text("half", encoding="utf-8")
    mine = tmp_path / f".results.jsonl.regnotice-{os.getpid()}-99.tmp"  # a live process's: kept
    mine.write_text("in use", encoding="utf-8")
    write_atomic(target, "whole\n")
    assert not stale.exists() and mine.exists()
    assert target.read_text(encoding="utf-8") == "whole\n"
    mine.unlink()
    assert remove_stale(target) == []


_EXPORTER = """
import sys, time
from pathlib import Path
from regnotice.io import write_files_atomic
out, n = Path(sys.argv[1]), int(sys.argv[2])
big = "x" * 2_000_000
for i in range(n):
    write_files_atomic(out, {"rules.yaml": f"generation {i}\\n" + big, "schema.json": f"generation {i}\\n"})
"""

_STREAMER = """
import sys
from regnotice.io import atomic_file
with atomic_file(sys.argv[1]) as fh:
    for i in range(2_000_000):
        fh.write(f"{{\\"line\\": {i}}}\\n")
"""


def _generation(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n", 1)[0]


def test_export_killed_at_random_moments_leaves_wholly_old_or_wholly_new(tmp_path):
    out = tmp_path / "rules"
    write_files_atomic(out, {"rules.yaml": "generation old\n", "schema.json": "generation old\n"})
    rng = random.Random(9)
    for _ in range(12):
        proc = subprocess.Popen([sys.executable, "-c", _EXPORTER, str(out), "50"], cwd=tmp_path)
        time.sleep(rng.uniform(0.15, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        names = sorted(p.name for p in out.iterdir())
        assert names == ["rules.yaml", "schema.json"], names  # nothing else in the directory
        assert _generation(out / "rules.yaml") == _generation(out / "schema.json")  # one generation, never a mix
    write_files_atomic(out, {"rules.yaml": "generation last\n", "schema.json": "generation last\n"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules"]  # the killed runs' temps are gone


def test_screen_out_killed_at_random_moments_is_complete_or_absent(tmp_path):
    target = tmp_path / "results.jsonl"
    rng = random.Random(4)
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-c", _STREAMER, str(target)], cwd=tmp_path)
        time.sleep(rng.uniform(0.2, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if target.exists():  # a run that finished before its kill: whole
            assert target.read_text(encoding="utf-8").endswith('{"line": 1999999}\n')
    write_atomic(target, "done\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.jsonl"]


def test_a_full_disk_is_an_output_failure_in_one_line_and_the_old_export_stays(tmp_path):
    """The disk filling up half-way, as a file-size limit on the process: exit 3, one line,
    and the rule files of the last export unchanged."""
    out = tmp_path / "rules"
    write_files_atomic(out, {"yinfa-2026-42.yaml": "old\n", "schema.json": "old\n"})

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))  # the rule file is about 80 kB

    proc = subprocess.run(
        [sys.executable, "-m", "regnotice", "export", "-o", str(out)], capture_output=True, text=True, timeout=120, preexec_fn=small_files
    )
    assert proc.returncode == 3, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "cannot write" in proc.stderr and "Traceback" not in proc.stderr
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == {"yinfa-2026-42.yaml": "old\n", "schema.json": "old\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules"]


# ------------------------------------------------------------------- bounded hostile work


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("to_x", "import regnotice\ntry:\n    regnotice.parse('To x ' * 200_000)\nexcept regnotice.RegnoticeError:\n    pass\n"),
        (
            "spaces_in_a_party",
            "import regnotice\nt = regnotice.load().text.replace('Financial institutions', 'Financial' + ' ' * 200_000 + 'institutions', 1)\n"
            "regnotice.extract(regnotice.parse(t))\n",
        ),
        (
            "spaces_in_a_condition",
            "import regnotice\nt = regnotice.load().text\ni = t.index('in accordance with the law and regulations and relying')\n"
            "regnotice.extract(regnotice.parse(t[:i] + ' ' * 200_000 + t[i:]))\n",
        ),
        ("big_item_numbers", "import regnotice\nregnotice.parse('To all banks:\\n' + ''.join(f'({i}) Banks shall not trade.\\n' for i in range(1, 3000)))\n"),
    ],
)
def test_hostile_text_is_handled_in_bounded_time_and_memory(name, code):
    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1500 << 20, 1500 << 20))

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, preexec_fn=limits)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_an_item_number_past_the_markers_range_is_an_anomaly_not_a_silent_merge():
    text = "To all banks:\nThe matters are notified as follows:\n(999) Banks shall not trade.\n(1000) Banks shall not sell.\nThis notice shall take effect upon issuance.\n"
    notice = regnotice.parse(text)
    (unplaced,) = [a for a in notice.anomalies if a.kind == "unplaced"]
    assert (unplaced.line, unplaced.column) == (4, 1)
    assert "(1000)" in unplaced.message and "999" in unplaced.message


# ------------------------------------------------------------------------ CLI fuzzing


_WORDS = ["parse", "rules", "coverage", "check", "screen", "validate", "clause", "clauses", "search", "agency", "agencies", "vocab", "schema",
          "diff", "akn", "html", "--terms", "--quotes", "-", "-f", "json", "yaml", "text", "--kind", "prohibition", "--agency", "CBIRC", "-i", "--field", "ad", "9", "IX", "(", "\x00", "é", "--help"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=8)), max_size=5))
def test_any_command_line_exits_with_a_contract_code_and_no_traceback(tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)  # a command line may write an output file (-o): not into the checkout
    result = runner.invoke(app, argv, input="")
    assert result.exception is None or isinstance(result.exception, SystemExit), (argv, repr(result.exception))
    assert result.exit_code in (0, 1, 2, 3), (argv, result.exit_code, result.output[-500:])
    assert "Traceback" not in result.output


def test_a_text_denser_than_the_token_budget_is_refused_where_it_runs_out():
    """Memory grows with tokens, not characters: 100,000 one-sentence items (700 kB) would
    take 1 GB of models; the lexer's budget refuses them at the token it runs out on."""
    code = (
        "import regnotice\n"
        "try:\n"
        "    regnotice.parse('To all banks:\\n' + '(1) a.\\n' * 100_000, source='dense.txt')\n"
        "except regnotice.InputError as exc:\n"
        "    print(exc)\n"
    )

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (600 << 20, 600 << 20))

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, preexec_fn=limits)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("dense.txt:") and "150,000 tokens" in proc.stdout
