"""Compliance checks: the YAML scenarios in tests/cases/, receipts, vocabulary, errors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import regnotice
from regnotice.check import Activity, UnknownTerm, verdict_schema, vocabulary

NOTICE = regnotice.load()
CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))
OUTCOMES = {"prohibited", "permitted", "conditional", "invalid", "not_covered"}


def test_there_are_at_least_25_scenarios():
    assert len(CASES) >= 25


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_scenario(path):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    expect = case["expect"]
    verdict = NOTICE.check(case["activity"])
    assert verdict.outcome == expect["outcome"], verdict.explain()
    fired = [r.rule for r in verdict.fired]
    for rule in expect.get("fired", []):
        assert rule in fired, verdict.explain()
    for condition in expect.get("missing", []):
        assert condition in verdict.missing, verdict.explain()
    for fact in expect.get("needs", []):
        assert fact in verdict.needs, verdict.explain()
    considered = {e.rule: e.applies for e in verdict.exceptions}
    for rule, applies in expect.get("exceptions", {}).items():
        assert considered.get(rule) is applies, verdict.explain()
    for duty in expect.get("duties_contain", []):
        assert any(duty in d for d in verdict.duties), verdict.explain()
    if expect.get("nearest_nonempty"):
        assert verdict.nearest and not verdict.fired


def test_scenarios_cover_every_prohibition_and_both_sides_of_every_exception():
    cases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in CASES]
    fired = {rule for c in cases for rule in c["expect"].get("fired", [])}
    sides = {(rule, applies) for c in cases for rule, applies in c["expect"].get("exceptions", {}).items()}
    for rule in NOTICE.rules:
        if rule.kind == "prohibition":
            assert rule.id in fired, f"no scenario for {rule.id}: {rule.quote}"
    for rule in (r.id for r in NOTICE.rules if r.kind == "exception"):
        assert (rule, True) in sides, f"no scenario in which {rule} applies"
        assert (rule, False) in sides, f"no scenario in which {rule} does not apply"


def test_receipts_quote_the_source():
    verdict = NOTICE.check(Activity(actor="financial-institution", actions=("provide",), object="virtual_currency", where="domestic"))
    assert verdict.outcome == "prohibited"
    for receipt in verdict.fired + verdict.penalties:
        assert NOTICE.text[receipt.span.start - NOTICE.span.start : receipt.span.end - NOTICE.span.start] == receipt.quote
    assert verdict.notice == "yinfa-2026-42"
    assert len(verdict.rules_hash) == 64 and verdict.version == regnotice.__version__
    assert {p.marker for p in verdict.penalties} == {"(18)"}  # not (XII)'s, which binds association members
    text = verdict.explain()
    assert "PROHIBITED" in text and "(6)" in text and verdict.fired[0].quote in text


def test_the_rules_hash_is_stable_and_names_the_rule_set():
    activity = {"actor": "individual", "actions": ["invest"], "object": "virtual_currency"}
    a, again = NOTICE.check(activity), NOTICE.check(activity)
    # the bare notice parses to the same rules with other spans (offsets into another text)
    b = regnotice.parse(NOTICE.text).check(activity)
    assert a.rules_hash == again.rules_hash
    assert a.rules_hash != b.rules_hash
    assert a.outcome == b.outcome == "invalid"


def test_verdict_json_is_valid_against_its_schema():
    schema = verdict_schema()
    for path in CASES[:10]:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = json.loads(NOTICE.check(case["activity"]).model_dump_json())
        jsonschema.validate(data, schema)


def test_committed_verdict_schema_is_current():
    committed = Path(__file__).parent.parent / "rules" / "verdict.schema.json"
    assert json.loads(committed.read_text(encoding="utf-8")) == verdict_schema()


@pytest.mark.parametrize(
    ("activity", "words"),
    [
        ({"actor": "bank", "actions": ["provide"]}, ["unknown actor", "'bank'"]),
        ({"actor": "financial-institution", "actions": ["provid"], "object": "virtual_curency"}, ["unknown object", "virtual_currency"]),
        ({"actor": "financial-institution", "actions": ["teleport"]}, ["unknown action", "'teleport'"]),
        ({"actor": "individual", "actions": ["invest"], "holds": ["blessing"]}, ["unknown condition", "'blessing'", "did you mean"]),
        ({"actor": "individual", "actions": ["invest"], "holds": ["zzz"]}, ["unknown condition", "known: approval"]),
        ({"actor": "individual", "actions": ["invest"], "flags": ["sneakily"]}, ["unknown flag"]),
        ({"actor": "individual", "actions": ["invest"], "served": ["martians"]}, ["unknown served party"]),
    ],
)
def test_unknown_terms_are_errors_naming_the_closest_terms(activity, words):
    with pytest.raises(UnknownTerm) as caught:
        NOTICE.check(activity)
    for word in words:
        assert word in str(caught.value)
    assert isinstance(caught.value, regnotice.RegnoticeError)


def test_an_activity_rejects_unknown_fields():
    with pytest.raises(Exception) as caught:
        NOTICE.check({"actor": "individual", "colour": "red"})
    assert "colour" in str(caught.value)


def test_the_vocabulary_comes_from_the_rules_and_the_registry():
    vocab = vocabulary(NOTICE)
    assert set(vocab.objects) == {o for r in NOTICE.rules for o in getattr(r, "objects", ())}
    assert set(vocab.conditions) == {c.kind for r in NOTICE.rules if r.kind == "exception" for c in r.conditions}
    assert "non-bank-payment-institution" in vocab.actors
    for word in ("provide", "providing", "issue", "invest", "engage"):
        NOTICE.check({"actor": "individual", "actions": [word]})  # every form of a known action is accepted


VOCAB = vocabulary(NOTICE)
activities = st.builds(
    Activity,
    actor=st.sampled_from(VOCAB.actors),
    actions=st.lists(st.sampled_from(sorted(set(VOCAB.actions.values()))), max_size=2).map(tuple),
    object=st.none() | st.sampled_from(VOCAB.objects),
    where=st.none() | st.sampled_from(VOCAB.where),
    served=st.lists(st.sampled_from(VOCAB.actors), max_size=1).map(tuple),
    holds=st.lists(st.sampled_from(VOCAB.conditions), max_size=3).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(activities)
def test_any_activity_in_the_vocabulary_gets_a_verdict(activity):
    verdict = NOTICE.check(activity)
    assert verdict.outcome in OUTCOMES
    if verdict.outcome == "permitted":
        assert verdict.exceptions and any(e.applies for e in verdict.exceptions)
        assert not verdict.missing and not verdict.needs
    if verdict.outcome == "not_covered":
        assert not verdict.fired
    if verdict.outcome == "prohibited":
        assert any(r.kind == "prohibition" for r in verdict.fired)
