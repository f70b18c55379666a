"""``regnotice check FILE.yaml``, ``regnotice vocab`` and ``regnotice schema --verdict``."""

from __future__ import annotations

import json

import jsonschema
import pytest
from typer.testing import CliRunner

from regnotice.cli import app

runner = CliRunner()

CLEAN = """\
- name: Abroad trader
  actor: individual
  actions: [trade]
  object: stablecoin
  where: overseas
"""

VIOLATING = CLEAN + """\
- name: Acme Pay
  actor: non-bank-payment-institution
  actions: [provide]
  object: virtual_currency
  where: domestic
"""


def run(*args):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def write(tmp_path, text, name="activities.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_no_violation_exits_0(tmp_path):
    result = run("check", write(tmp_path, CLEAN))
    assert result.exit_code == 0
    assert "NOT COVERED" in result.output and "1 activities: 1 not covered" in result.output


def test_a_violation_exits_1_and_quotes_the_clause(tmp_path):
    result = run("check", write(tmp_path, VIOLATING))
    assert result.exit_code == 1
    assert "Acme Pay: PROHIBITED" in result.output
    assert "clause (6)" in result.output and "Financial institutions (including non-bank payment institutions)" in result.output


def test_json_verdicts_follow_the_published_schema(tmp_path):
    verdicts = json.loads(run("check", write(tmp_path, VIOLATING), "--format", "json").output)
    schema = json.loads(run("schema", "--verdict").output)
    assert [v["outcome"] for v in verdicts] == ["not_covered", "prohibited"]
    for verdict in verdicts:
        jsonschema.validate(verdict, schema)
    assert "yinfa-2026-42/6/1" in [r["rule"] for r in verdicts[1]["fired"]]


def test_activities_under_a_key(tmp_path):
    text = "activities:\n" + "".join("  " + line + "\n" for line in CLEAN.splitlines())
    assert run("check", write(tmp_path, text)).exit_code == 0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("- actor: bank\n  actions: [provide]\n", ["activity 1", "unknown actor 'bank'"]),
        ("- actor: individual\n  actions: [invest]\n  object: virtual_curency\n", ["unknown object", "did you mean virtual_currency"]),
        (CLEAN + "- actor: individual\n  colour: red\n", [":6:", "activity 2", "colour", "allowed keys"]),
        ("- actor: individual\n- actor: individual\n  actor: individual\n", ["duplicate key 'actor'"]),
        ("actor: individual\n", ["expected a list of activities"]),
        ("- [1, 2]\n", ["activity 1 is not a mapping"]),
        ("- actor: individual\n  where: moon\n", ["where"]),
    ],
)
def test_input_errors_exit_2_with_the_place_and_the_problem(tmp_path, text, words):
    result = run("check", write(tmp_path, text))
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output


def test_a_missing_file_exits_2(tmp_path):
    result = run("check", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and "nope.yaml" in result.output


def test_vocab_lists_terms_from_the_rules():
    data = json.loads(run("vocab", "--format", "json").output)
    assert "non-bank-payment-institution" in data["actors"]
    assert {"approval", "consent", "filing", "reliance"} <= set(data["conditions"])
    assert "rmb_pegged_stablecoin" in data["objects"]
    assert run("vocab").output.startswith("actors: ")
