"""The rule verbs of the CLI: rules, coverage, agencies, agency; and the committed rules/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import regnotice
from regnotice.cli import app
from regnotice._extract import extract_rules
from regnotice.rules_io import dump_rules, dump_schema

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def run(*args):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def test_committed_rules_equal_a_fresh_export():
    fresh = dump_rules(extract_rules(regnotice.load()))
    assert (ROOT / "rules" / "yinfa-2026-42.yaml").read_text(encoding="utf-8") == fresh
    assert (ROOT / "rules" / "schema.json").read_text(encoding="utf-8") == dump_schema()


def test_export_is_byte_identical_on_rerun(tmp_path):
    assert run("export", "--out", str(tmp_path)).exit_code == 0
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert run("export", "--out", str(tmp_path)).exit_code == 0
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == first
    assert run("validate", str(tmp_path / "yinfa-2026-42.yaml")).exit_code == 0


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["rules", "--clause", "VI"], ["yinfa-2026-42/6/1", "prohibition", "Financial institutions"]),
        (["rules", "--clause", "6"], ["yinfa-2026-42/6/5", "exception"]),
        (["rules", "--kind", "repeal"], ["yinfa-2026-42/closing/", "Yinfa [2021] No. 237"]),
        (["rules", "--agency", "spc"], ["yinfa-2026-42/3/1", "yinfa-2026-42/3/2"]),
        (["coverage"], ["(XIV)", "all", "%"]),
        (["rules", "--agency", "CBIRC"], ["yinfa-2026-42/3/1", "responsibility"]),  # any alias, as `agency` takes
        (["rules", "--agency", "银保监会"], ["yinfa-2026-42/3/1"]),
        (["agencies"], ["pboc", "csrc", "roles:"]),
        (["agency", "cbirc"], ["China Banking and Insurance Regulatory Commission", "succeeded by nfra in 2023", "(III)", "participant"]),
        (["agency", "Financial Regulatory Bureau"], ["nfra: National Financial Regulatory Administration"]),
        (["agency", "non-bank-payment-institution"], ["a kind of: financial-institution", "bearer"]),
    ],
)
def test_rule_verbs(args, expect):
    result = run(*args)
    assert result.exit_code == 0, result.output
    for words in expect:
        assert words in result.output


ANNOUNCEMENT = """Public Notice on Preventing the Risks of Token Sales

Recently, token sales have spread. The matters are announced as follows:

1. Token sales are illegal fundraising.
Not to issue tokens; not to run token exchanges.
Ensure that investors are warned of the risks.

2. Banks may not open accounts for token exchanges without the approval of the People's Bank of China.
"""


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["coverage"], ["1.", "2.", "all", "3", "75%", "warning:", "may be cut short"]),
        (["rules"], ["notice/1/2", "(no bearer named) may not: issue tokens; run token exchanges", "notice/1/3", "obligation",
                     "notice/2/1", "Banks may not: open accounts for token exchanges", "notice/2/2", "exception"]),
        (["rules", "--clause", "2", "--kind", "exception"], ["unless approval (for notice/2/1)"]),
    ],
)
def test_rule_verbs_read_any_notice_file(tmp_path, args, expect):
    path = tmp_path / "announcement.txt"
    path.write_text(ANNOUNCEMENT, encoding="utf-8")
    result = runner.invoke(app, [*args, str(path)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    for words in expect:
        assert words in result.output, words
    if "--clause" in args:
        assert "notice/1/" not in result.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["rules", "--kind", "prohib"], ["unknown kind", "did you mean prohibition"]),
        (["rules", "--agency", "pbocc"], ["unknown agency", "pboc"]),
        (["rules", "--clause", "20"], ["no clause", "1..19"]),
        (["agency", "ministry-of-magic"], ["unknown agency"]),
    ],
)
def test_rule_verbs_reject_unknown_names(args, words):
    result = run(*args)
    assert result.exit_code == 2
    for word in words:
        assert word in result.output


def test_rules_json_and_yaml_agree():
    as_json = json.loads(run("rules", "--clause", "XIII", "--format", "json").output)
    as_yaml = yaml.safe_load(run("rules", "--clause", "XIII", "--format", "yaml").output)
    assert as_json == as_yaml
    assert [r["kind"] for r in as_json] == ["prohibition", "exception"]
    assert as_json[1]["conditions"][0]["kind"] == "approval"


def test_agencies_json_has_roles_per_clause():
    matrix = json.loads(run("agencies", "--format", "json").output)
    assert matrix["pboc"]["3"] == ["lead", "participant"]
    assert matrix["financial-institution"]["6"] == ["bearer"]


def test_every_agency_mention_in_the_rules_resolves_except_reported_ones():
    report = regnotice.load()
    from regnotice.report import coverage

    assert coverage(report).unresolved == ()  # "They ... cannot be circulated": a passive, whose subject is no bearer


def test_an_activity_the_lexicon_cannot_read_is_kept_and_reported():
    """Nothing is dropped: an activity with no action the lexicon knows stays on the rule
    as text, and coverage lists it."""
    from regnotice.report import coverage

    text = regnotice.load().text.replace(
        "providing account opening, fund transfer, and clearing services for virtual currency-related business activities",
        "quuxing zorbs for virtual currency-related business activities",
    )
    notice = regnotice.parse(text)
    (rule,) = [r for r in regnotice.extract(notice).rules if r.id == "yinfa-2026-42/6/1"]
    assert [u.text for u in rule.unresolved] == ["quuxing zorbs for virtual currency-related business activities"]
    assert "account-opening" not in [a.id for a in rule.actions]
    assert ("yinfa-2026-42/6/1", rule.unresolved[0].text) in coverage(notice).unresolved_phrases
