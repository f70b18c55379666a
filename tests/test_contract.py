"""The rule file is the contract: what the YAML says is what ``check`` evaluates.

The exported rules, loaded back, give the same verdict on every scenario; an analyst's
edit of a rule file (a condition dropped, a bearer added, an action removed, a territory
changed) changes the verdicts as the edit says.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import regnotice
from regnotice.rules_io import dump_rules, load_rules_text

NOTICE = regnotice.load()
RULES = regnotice.extract(NOTICE)
CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))


def activity_of(case: dict):
    if "activity" in case:
        return case["activity"]
    return regnotice.describe(case["text"]).activity


def edited(edit) -> regnotice.models.RuleSet:
    """The bundled rules, dumped to YAML, edited as data, and loaded back from the text."""
    data = yaml.safe_load(dump_rules(RULES))
    edit({r["id"]: r for r in data["rules"]})
    return load_rules_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "edited.yaml")


def test_exported_rules_loaded_back_give_identical_verdicts_on_every_scenario(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(dump_rules(RULES), encoding="utf-8")
    loaded = regnotice.load_rules(path)
    assert loaded == RULES
    for case_path in CASES:
        activity = activity_of(yaml.safe_load(case_path.read_text(encoding="utf-8")))
        from_notice = regnotice.check(NOTICE, activity)
        assert regnotice.check(loaded, activity) == from_notice, case_path.name
        assert regnotice.check(path, activity) == from_notice, case_path.name  # a path works too


def test_the_checker_reads_no_rule_text():
    """Blank every quote and every text of every part: the verdicts do not change, since
    only the typed facts are evaluated (receipts then quote the blanked text)."""

    def blank(node):
        if isinstance(node, dict):
            return {k: ("" if k in ("text", "quote") and isinstance(v, str) else blank(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [blank(v) for v in node]
        return node

    data = blank(yaml.safe_load(dump_rules(RULES)))
    blanked = load_rules_text(yaml.safe_dump(data, allow_unicode=True), "blank.yaml")
    for case_path in CASES:
        activity = activity_of(yaml.safe_load(case_path.read_text(encoding="utf-8")))
        a, b = regnotice.check(RULES, activity), regnotice.check(blanked, activity)
        assert (a.outcome, [r.rule for r in a.fired], a.missing, a.needs) == (b.outcome, [r.rule for r in b.fired], b.missing, b.needs), case_path.name


OVERSEAS_RWA = {"actor": "domestic entity", "actions": ["tokenize"], "object": "RWA", "where": "overseas", "holds": ["consent"]}
BANK_ADS = {"actor": "bank", "actions": ["advertising"], "object": "virtual currency"}
PAYMENTS = {"actor": "payment institution", "actions": ["transfer funds"], "object": "bitcoin"}
MACHINES_ABROAD = {"actor": "mining machine maker", "actions": ["sell"], "object": "mining machines", "where": "overseas"}


def drop_filing(rules):
    rules["yinfa-2026-42/14/6"]["conditions"] = [c for c in rules["yinfa-2026-42/14/6"]["conditions"] if c["kind"] != "filing"]


def add_bank_as_bearer(rules):
    span = rules["yinfa-2026-42/7/1"]["bearers"][0]["span"]
    rules["yinfa-2026-42/7/1"]["bearers"].append({"text": "Internet enterprises", "span": span, "ref": "financial-institution"})


def remove_fund_transfer(rules):
    rules["yinfa-2026-42/6/1"]["actions"] = [a for a in rules["yinfa-2026-42/6/1"]["actions"] if a["id"] != "fund-transfer"]


def drop_territory(rules):
    rules["yinfa-2026-42/9/4"]["territory"] = None


@pytest.mark.parametrize(
    ("activity", "edit", "before", "after"),
    [
        (OVERSEAS_RWA, drop_filing, "conditional", "permitted"),
        (BANK_ADS, add_bank_as_bearer, "not_covered", "prohibited"),
        (PAYMENTS, remove_fund_transfer, "prohibited", "not_covered"),
        (MACHINES_ABROAD, drop_territory, "not_covered", "prohibited"),
    ],
    ids=["drop a condition", "add a bearer", "remove an action", "drop a territory"],
)
def test_an_edit_of_the_rule_file_changes_the_verdict_as_it_says(activity, edit, before, after):
    assert regnotice.check(RULES, activity).outcome == before
    verdict = regnotice.check(edited(edit), activity)
    assert verdict.outcome == after, verdict.explain()
    assert verdict.rules_hash != regnotice.check(RULES, activity).rules_hash


def test_a_missing_exception_id_in_a_rule_file_is_not_a_crash():
    def orphan(rules):
        rules["yinfa-2026-42/13/1"]["exceptions"] = ["yinfa-2026-42/13/99"]

    verdict = regnotice.check(edited(orphan), {"actor": "domestic entity", "actions": ["issue"], "object": "bitcoin", "where": "overseas"})
    assert verdict.outcome == "prohibited"


def test_check_accepts_a_notice_a_ruleset_or_a_path_and_nothing_else(tmp_path):
    with pytest.raises(regnotice.RegnoticeError):
        regnotice.check(42, PAYMENTS)
    with pytest.raises(regnotice.RuleFileError):
        regnotice.check(tmp_path / "missing.yaml", PAYMENTS)


def test_an_edited_file_is_read_again(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(dump_rules(RULES), encoding="utf-8")
    assert regnotice.check(path, PAYMENTS).outcome == "prohibited"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    remove_fund_transfer({r["id"]: r for r in data["rules"]})
    path.write_text("# edited\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert regnotice.check(path, PAYMENTS).outcome == "not_covered"
