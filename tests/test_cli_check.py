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
- actor: non-bank payment institution
  actions: [transfer funds]
  object: virtual currency
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
    assert "non-bank-payment-institution: PROHIBITED" in result.output
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
        ("- actor: bakery\n  actions: [provide]\n", ["activity 1", "unknown actor 'bakery'"]),
        ("- actor: individual\n  actions: [invest]\n  object: virtual curency\n", ["unknown object", "did you mean virtual currency"]),
        (CLEAN + "- actor: individual\n  colour: red\n", [":6:", "activity 2", "colour", "allowed keys"]),
        ("- actor: individual\n- actor: individual\n  actor: individual\n", ["duplicate key 'actor'"]),
        ("actor: individual\n", ["expected a list of activities"]),
        ("- [1, 2]\n", ["activity 1 is not a mapping"]),
        ("- actor: individual\n  where: moon\n", ["unknown place 'moon'"]),
        ("- actor: individual\n  holds: {}\n", ["activity 1", "holds"]),
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
    assert "rmb-pegged-stablecoin" in data["objects"] and "account-opening" in data["actions"]
    assert run("vocab").output.startswith("actors: ")


def test_check_text_describes_then_checks():
    result = run("check", "--text", "A mainland bank opens accounts and moves funds for a cryptocurrency exchange")
    assert result.exit_code == 1, result.output
    assert "financial-institution: PROHIBITED" in result.output and "clause (6)" in result.output
    assert "recognised actions: 'opens accounts' -> account-opening" in result.output


def test_check_text_without_an_actor_names_what_it_needs():
    result = run("check", "--text", "opens accounts for crypto exchanges")
    assert result.exit_code == 2
    assert "names no actor" in result.output


def test_check_file_and_text_together_is_a_usage_error(tmp_path):
    assert run("check", write(tmp_path, CLEAN), "--text", "x").exit_code == 2
    assert run("check").exit_code == 2


def test_check_against_an_edited_rule_file(tmp_path):
    """--rules: the rule file is the contract; removing an action from it changes the verdict."""
    import yaml

    exported = tmp_path / "rules"
    assert run("export", "-o", str(exported)).exit_code == 0
    rule_file = exported / "yinfa-2026-42.yaml"
    activities = write(tmp_path, VIOLATING)
    assert run("check", activities, "--rules", str(rule_file)).exit_code == 1
    data = yaml.safe_load(rule_file.read_text(encoding="utf-8"))
    for rule in data["rules"]:
        if rule["id"] == "yinfa-2026-42/6/1":
            rule["actions"] = [a for a in rule["actions"] if a["id"] != "fund-transfer"]
    rule_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("check", activities, "--rules", str(rule_file))
    assert result.exit_code == 0, result.output
    assert "NOT COVERED" in result.output


def test_check_with_a_bad_rule_file_exits_2_naming_it(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("notice: x\ncolour: red\n", encoding="utf-8")
    result = run("check", write(tmp_path, CLEAN), "--rules", str(bad))
    assert result.exit_code == 2 and "bad.yaml:2" in result.output
