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
from regnotice.activities import verdict_schema
from regnotice.models import Activity
from regnotice.reading import reader

NOTICE = regnotice.load()
RULES = regnotice.extract(NOTICE)
UnknownTerm = regnotice.UnknownTerm


def check(activity):
    return regnotice.check(NOTICE, activity)


def activity_of(case: dict):
    """A scenario's activity: given field by field, or described in plain words."""
    if "activity" in case:
        return case["activity"]
    described = regnotice.describe(case["text"])
    assert described.activity is not None, described
    return described.activity
CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))
OUTCOMES = {"prohibited", "permitted", "conditional", "invalid", "not_covered"}


def test_there_are_at_least_45_scenarios_each_naming_its_source():
    assert len(CASES) >= 45
    for path in CASES:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert case["name"] == path.stem
        assert case["source"]["kind"] in ("court ruling", "enforcement action", "regulator statement", "company notice")
        assert case["source"]["title"]
        assert ("activity" in case) != ("text" in case), path.name


def test_at_least_ten_scenarios_come_from_real_cases_outside_the_notice():
    real = [p for p in CASES if yaml.safe_load(p.read_text(encoding="utf-8"))["source"].get("url")]
    assert len(real) >= 10


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_scenario(path):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    expect = case["expect"]
    verdict = check(activity_of(case))
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
    for rule in expect.get("considered", []):
        assert rule in [r.rule for r in verdict.considered], verdict.explain()


def test_scenarios_cover_every_prohibition_and_both_sides_of_every_exception():
    cases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in CASES]
    fired = {rule for c in cases for rule in c["expect"].get("fired", [])}
    sides = {(rule, applies) for c in cases for rule, applies in c["expect"].get("exceptions", {}).items()}
    for rule in RULES.rules:
        if rule.kind == "prohibition":
            assert rule.id in fired, f"no scenario for {rule.id}: {rule.quote}"
    for rule in (r.id for r in RULES.rules if r.kind == "exception"):
        assert (rule, True) in sides, f"no scenario in which {rule} applies"
        assert (rule, False) in sides, f"no scenario in which {rule} does not apply"


def test_receipts_quote_the_source():
    verdict = check(Activity(actor="financial-institution", actions=("account opening",), object="virtual_currency", where="domestic"))
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
    a, again = check(activity), check(activity)
    # the bare notice parses to the same rules with other spans (offsets into another text)
    b = regnotice.check(regnotice.parse(NOTICE.text), activity)
    assert a.rules_hash == again.rules_hash
    assert a.rules_hash != b.rules_hash
    assert a.outcome == b.outcome == "invalid"


def test_verdict_json_is_valid_against_its_schema():
    schema = verdict_schema()
    for path in CASES[:10]:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = json.loads(check(activity_of(case)).model_dump_json())
        jsonschema.validate(data, schema)


def test_committed_verdict_schema_is_current():
    committed = Path(__file__).parent.parent / "rules" / "verdict.schema.json"
    assert json.loads(committed.read_text(encoding="utf-8")) == verdict_schema()


@pytest.mark.parametrize(
    ("activity", "words"),
    [
        ({"actor": "bakery", "actions": ["provide"]}, ["unknown actor", "'bakery'"]),
        ({"actor": "financial-institution", "actions": ["custody"], "object": "virtual_curency"}, ["unknown object", "did you mean", "virtual currency"]),
        ({"actor": "financial-institution", "actions": ["teleport"]}, ["unknown action", "'teleport'"]),
        ({"actor": "individual", "actions": ["invest"], "holds": ["blessing"]}, ["unknown condition", "'blessing'"]),
        ({"actor": "individual", "actions": ["invest"], "holds": ["zzz"]}, ["unknown condition", "known: "]),
        ({"actor": "individual", "actions": ["invest"], "holds": ["approval:the moon"]}, ["unknown authority", "'the moon'"]),
        ({"actor": "individual", "actions": ["invest"], "flags": ["sneakily"]}, ["unknown flag"]),
        ({"actor": "individual", "actions": ["invest"], "served": ["martians"]}, ["unknown served party"]),
        ({"actor": "individual", "actions": ["invest"], "where": "the moon"}, ["unknown place", "'the moon'"]),
        ({"actor": "individual", "actions": ["invest"], "object": "bitcoin and RWA tokens"}, ["names 2 objects", "give one"]),
    ],
)
def test_unknown_terms_are_errors_naming_the_closest_terms(activity, words):
    with pytest.raises(UnknownTerm) as caught:
        check(activity)
    for word in words:
        assert word in str(caught.value)
    assert isinstance(caught.value, regnotice.RegnoticeError)


@pytest.mark.parametrize(
    ("activity", "words"),
    [
        ({"actor": "individual", "colour": "red"}, ["colour", "allowed keys"]),
        ({"actor": None}, ["actor"]),
        ({"actor": "individual", "holds": {}}, ["holds"]),
        ({"actor": 7}, ["actor"]),
        ("an individual invests", ["mapping"]),
        (None, ["mapping"]),
    ],
)
def test_a_malformed_activity_is_an_activity_error(activity, words):
    with pytest.raises(regnotice.ActivityError) as caught:
        check(activity)
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize(
    ("words", "ids"),
    [
        ({"actor": "bank", "actions": ["open accounts"], "object": "bitcoin"}, ("financial-institution", ("account-opening",), "bitcoin")),
        ({"actor": "non-bank payment institution", "actions": ["opening of an account", "transfers funds"], "object": "cryptocurrencies"}, ("non-bank-payment-institution", ("account-opening", "fund-transfer"), "virtual-currency")),
        ({"actor": "financial institution", "actions": ["account-opening"], "object": "RMB-pegged stablecoins"}, ("financial-institution", ("account-opening",), "rmb-pegged-stablecoin")),
        ({"actor": "financial-institution", "actions": ["account-opening"], "object": "rmb_pegged_stablecoin"}, ("financial-institution", ("account-opening",), "rmb-pegged-stablecoin")),
        ({"actor": "mining machine makers", "actions": ["sold"], "object": "mining rigs"}, ("mining-machine-producer", ("sale",), "mining-machine")),
        ({"actor": "internet platforms", "actions": ["advertises", "promoted"], "object": "crypto"}, ("internet-enterprise", ("advertising", "marketing"), "virtual-currency")),
    ],
)
def test_activities_accept_the_users_words(words, ids):
    verdict = check(words)
    assert (verdict.activity.actor, verdict.activity.actions, verdict.activity.object) == ids


@pytest.mark.parametrize(
    ("actor", "party"),
    [
        ("crypto exchange based abroad", "overseas-virtual-currency-platform"),
        ("a foreign crypto exchange", "overseas-virtual-currency-platform"),
        ("brokerage's Hong Kong subsidiary", "overseas-branch-of-domestic-fi"),
        ("the Hong Kong subsidiary of a bank", "overseas-branch-of-domestic-fi"),
        ("energy company in China", "domestic-entity"),
        ("individuals in Shanghai", "domestic-individual"),
        ("payment company", "non-bank-payment-institution"),
        ("industry association", "industry-associations"),
    ],
)
def test_an_actor_in_the_users_words_names_the_party_of_its_parts_and_place(actor, party):
    assert check({"actor": actor, "actions": ["issue"]}).activity.actor == party


@pytest.mark.parametrize("actor", ["brokerage and think tank in China", "bakery", "company that bakes bread"])
def test_an_actor_with_unknown_words_after_its_party_is_unknown(actor):
    with pytest.raises(UnknownTerm):
        check({"actor": actor, "actions": ["issue"]})


@pytest.mark.parametrize(
    ("term", "field", "ids"),
    [
        ("issue bonds", "actions", ("issuance",)),
        ("sell USDT for yuan", "actions", ("sale",)),
        ("offer crypto trading", "actions", ("trading",)),
        ("bitcoin, ether and USDT", "object", "virtual-currency"),
        ("company-issued token", "object", "virtual-currency"),
    ],
)
def test_actions_and_objects_read_with_their_complements(term, field, ids):
    activity = {"actor": "individual", "actions": ["invest"]}
    activity[field] = [term] if field == "actions" else term
    assert getattr(check(activity).activity, field) == ids


@pytest.mark.parametrize(
    ("holds", "resolved"),
    [
        ("consent of the relevant authorities", "consent:relevant-departments"),
        ("approval of the competent authorities", "approval:relevant-departments"),
        ("approval of the People's Bank of China", "approval:pboc"),
        ("approval:pboc", "approval:pboc"),
        ("filing", "filing"),
        ("filed", "filing"),
        ("licence", "authorization"),
        ("approved by the CSRC", "approval:csrc"),
        ("consent and filing of the relevant departments", ("consent:relevant-departments", "filing:relevant-departments")),
    ],
)
def test_holds_accepts_the_words_of_the_rules(holds, resolved):
    verdict = check({"actor": "domestic entity", "actions": ["issue"], "object": "virtual currency", "where": "overseas", "holds": [holds]})
    assert verdict.activity.holds == (resolved if isinstance(resolved, tuple) else (resolved,))


def test_provide_alone_is_not_account_opening():
    """A rule fires only when the activity's actions meet the rule's."""
    bank = {"actor": "bank", "object": "virtual currency", "where": "domestic"}
    opens = check({**bank, "actions": ["account opening"]})
    assert [r.rule for r in opens.fired] == ["yinfa-2026-42/6/1"]  # not (I)'s pricing or intermediary services
    vague = check({**bank, "actions": ["provide services"]})
    assert "yinfa-2026-42/6/1" not in [r.rule for r in vague.fired]


def test_a_mining_machine_maker_selling_machines_in_the_country_is_prohibited():
    described = regnotice.describe("A mining-machine maker sells mining machines within the country")
    verdict = check(described.activity)
    assert verdict.outcome == "prohibited"
    assert [r.marker for r in verdict.fired] == ["(IX)"]


def test_a_permitted_activity_with_duties_is_permitted_and_lists_them():
    verdict = check({"actor": "domestic entity", "actions": ["tokenize"], "object": "RWA", "where": "overseas", "holds": ["consent", "filing"]})
    assert verdict.outcome == "permitted"
    assert verdict.duties and any("strictly regulated" in d for d in verdict.duties)


@pytest.mark.parametrize(
    ("name", "outcome", "hits"),
    [
        ("Shenzhen Stablecoin Technology Co., Ltd.", "prohibited", ["stablecoin"]),
        ("Hangzhou RWA Holdings", "prohibited", ["RWA"]),
        ("Beijing Crypto-Asset Services Ltd", "prohibited", ["crypto asset"]),
        ("Rwanda Coffee Trading Ltd", "not_covered", []),
        ("Shanghai Blue Sky Bakery", "not_covered", []),
    ],
)
def test_a_registration_name_is_screened_against_the_terms_rule(name, outcome, hits):
    verdict = check({"actor": "business registration", "actions": ["register"], "name": name})
    assert verdict.outcome == outcome, verdict.explain()
    assert [h.term for h in verdict.hits] == hits
    for hit in verdict.hits:
        assert name[hit.start : hit.end] == hit.text
    if not hits:
        assert [r.rule for r in verdict.considered] == ["yinfa-2026-42/8/1"]


def test_a_business_scope_is_screened_too():
    verdict = check({"actor": "company", "actions": ["register"], "business_scope": "software development; virtual currency trading"})
    assert verdict.outcome == "prohibited"
    assert verdict.hits[0].field == "business_scope" and verdict.hits[0].term == "virtual currency"


def test_the_vocabulary_is_the_lexicon_and_the_registry():
    lex = reader().lexicon
    for ident in lex.ids("actions"):
        check({"actor": "individual", "actions": [ident]})  # every id is valid input
    for word in ("provide", "providing", "issue", "issuance", "invest", "invests", "engage"):
        check({"actor": "individual", "actions": [word]})  # every form of a known action is accepted


LEX = reader().lexicon
REG = reader().registry
activities = st.builds(
    Activity,
    actor=st.sampled_from(sorted(REG.parties)),
    actions=st.lists(st.sampled_from(LEX.ids("actions")), max_size=2).map(tuple),
    object=st.none() | st.sampled_from(LEX.ids("objects")),
    where=st.none() | st.sampled_from(LEX.ids("territory")),
    served=st.lists(st.sampled_from(sorted(REG.parties)), max_size=1).map(tuple),
    holds=st.lists(st.sampled_from(LEX.ids("conditions")), max_size=3).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(activities)
def test_any_activity_in_the_vocabulary_gets_a_verdict(activity):
    verdict = check(activity)
    assert verdict.outcome in OUTCOMES
    if verdict.outcome == "permitted":
        assert (verdict.exceptions and any(e.applies for e in verdict.exceptions)) or verdict.duties
        assert not verdict.needs
    if verdict.outcome == "not_covered":
        assert not verdict.fired
    if verdict.outcome == "prohibited":
        assert any(r.kind in ("prohibition", "penalty") for r in verdict.fired)


def test_the_legal_digital_currency_is_no_virtual_currency():
    verdict = check({"actor": "bank", "actions": ["pay"], "object": "digital yuan", "where": "domestic"})
    assert verdict.activity.object == "e-cny" and verdict.outcome == "not_covered"
