"""describe(): plain-language descriptions read into activities, with spans, naming what it
did not recognise and never guessing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import regnotice

NOTICE = regnotice.load()

# (description, {field: expected}, expected outcome of the check); none of them is a seed sentence
TABLE = [
    (
        "A fintech firm wants our bank to act as custodian for its RWA token product, which has not been authorized",
        {"actor": "financial-institution", "actions": ("custody",), "object": "rwa-tokenization", "lacks": ("authorization",)},
        "prohibited",
    ),
    (
        "An exchange in Beijing lets users trade bitcoin",
        {"actor": "virtual-currency-platform", "where": "domestic", "actions": ("trading",)},
        "prohibited",
    ),
    (
        "A domestic real estate developer tokenizes property income abroad with consent and filing of the relevant departments",
        {"actor": "domestic-entity", "where": "overseas", "holds": ("consent", "filing:relevant-departments")},
        None,
    ),
    (
        "An IT service provider offers technical services to an RWA project in Shanghai without authorization",
        {"actor": "it-service-provider", "lacks": ("authorization",), "flags": ("unauthorized",), "where": "domestic"},
        "prohibited",
    ),
    (
        "A crypto exchange based in Singapore offers bitcoin trading to mainland residents",
        {"actor": "overseas-virtual-currency-platform", "where": "overseas", "served": ("domestic-individual",)},
        None,
    ),
    (
        "A foreign crypto exchange serves domestic users",
        {"actor": "overseas-virtual-currency-platform", "where": "overseas", "served": ("domestic-entity",)},
        "prohibited",
    ),
    (
        "The Hong Kong subsidiary of a mainland bank provides custody of RWA tokens in Hong Kong",
        {"actor": "overseas-branch-of-domestic-fi", "where": "overseas", "object": "rwa-tokenization"},
        None,
    ),
    (
        "A mainland bank opens accounts and moves funds for a cryptocurrency exchange",
        {"actor": "financial-institution", "actions": ("account-opening", "fund-transfer"), "object": "virtual-currency", "where": "domestic"},
        "prohibited",
    ),
    (
        "A payment company in China processes payments for bitcoin purchases",
        {"actor": "non-bank-payment-institution", "where": "domestic", "object": "bitcoin", "actions": ("fund-transfer", "purchase")},
        "prohibited",
    ),
    (
        "A non-bank payment institution settles USDT trades inside China",
        {"actor": "non-bank-payment-institution", "actions": ("settlement", "trading"), "object": "tether"},
        "prohibited",
    ),
    (
        "An overseas crypto exchange offers trading services to mainland users",
        {"actor": "overseas-virtual-currency-platform", "served": ("domestic-entity",), "actions": ("trading",)},
        "prohibited",
    ),
    (
        "A Shenzhen company issues yuan-pegged stablecoins in Hong Kong without the consent of the relevant authorities",
        {"actor": "domestic-entity", "object": "rmb-pegged-stablecoin", "where": "overseas", "lacks": ("consent:relevant-departments",)},
        "prohibited",
    ),
    (
        "A domestic company tokenizes real-world assets abroad with consent and filing",
        {"actor": "domestic-entity", "holds": ("consent", "filing"), "where": "overseas"},
        "permitted",
    ),
    (
        "An internet platform runs advertisements for virtual currencies",
        {"actor": "internet-enterprise", "actions": ("advertising",), "object": "virtual-currency"},
        "prohibited",
    ),
    (
        "An individual invests in bitcoin",
        {"actor": "individual", "actions": ("investment",), "object": "bitcoin"},
        "invalid",
    ),
    (
        "A domestic entity knowingly helps an overseas exchange serve domestic users",
        {"actor": "domestic-entity", "flags": ("knowingly",), "actions": ("assistance", "service")},
        "prohibited",
    ),
]


@pytest.mark.parametrize(("text", "fields", "outcome"), TABLE, ids=[t[:40] for t, _, _ in TABLE])
def test_descriptions_read_into_activities(text, fields, outcome):
    described = regnotice.describe(text)
    assert described.activity is not None, described
    for field, value in fields.items():
        assert getattr(described.activity, field) == value, (field, described)
    for r in described.recognised:
        assert text[r.span.start : r.span.end] == r.text
    if outcome is not None:
        verdict = regnotice.check(NOTICE, described.activity)
        assert verdict.outcome == outcome, verdict.explain()


def test_the_words_it_does_not_know_are_listed_with_spans():
    text = "A bank opens accounts for a zorblax quuxer"
    described = regnotice.describe(text)
    assert [u.text for u in described.unrecognised] == ["zorblax", "quuxer"]
    for u in described.unrecognised:
        assert text[u.span.start : u.span.end] == u.text


def test_a_missing_actor_is_named_as_needed_not_guessed():
    described = regnotice.describe("opens accounts for crypto exchanges")
    assert described.activity is None
    assert described.needs == ("actor",)
    assert any(r.field == "served" for r in described.recognised)  # "for" marks whom it serves


def test_missing_actions_are_named():
    described = regnotice.describe("A bank and bitcoin")
    assert "actions" in described.needs and described.activity.actor == "financial-institution"


def test_an_authority_after_a_condition_is_its_authority():
    described = regnotice.describe("A company issues virtual currency overseas with the approval of the People's Bank of China")
    assert described.activity.holds == ("approval:pboc",)


@pytest.mark.parametrize("bad", [None, 42, b"bytes", ["a list"], {"a": "dict"}])
def test_describe_needs_a_string(bad):
    with pytest.raises(regnotice.ActivityError):
        regnotice.describe(bad)


def test_a_huge_description_is_refused_quickly():
    with pytest.raises(regnotice.ActivityError, match="at most"):
        regnotice.describe("bank " * 100_000)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_describes_or_fails_with_a_regnotice_error(text):
    described = regnotice.describe(text)
    assert described.text == text
    for r in (*described.recognised, *described.unrecognised):
        assert text[r.span.start : r.span.end] == r.text
    if described.activity is not None:
        verdict = regnotice.check(NOTICE, described.activity)
        assert verdict.outcome in ("prohibited", "permitted", "conditional", "invalid", "not_covered")
    else:
        assert "actor" in described.needs


WORDS = st.sampled_from(
    "a bank payment institution opens accounts moves funds for cryptocurrency exchange in China abroad "
    "without approval of the PBOC sells mining machines individual invests bitcoin stablecoin RWA tokens "
    "knowingly assists overseas entities to domestic users internet platform advertises".split()
)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=25).map(" ".join))
def test_any_sentence_of_vocabulary_words_gets_a_verdict_or_needs_an_actor(text):
    described = regnotice.describe(text)
    if described.activity is None:
        assert described.needs[0] == "actor"
        return
    assert regnotice.check(NOTICE, described.activity).outcome


@pytest.mark.parametrize(
    ("text", "outcome", "terms"),
    [
        ('A company registers under the name "Shenzhen Stablecoin Technology Co., Ltd."', "prohibited", ["stablecoin"]),
        ("A company registers under the name “Shanghai Blue Sky Bakery”", "not_covered", []),
        ('A company registers with the business scope "software; virtual currency trading"', "prohibited", ["virtual currency"]),
    ],
)
def test_a_quoted_name_or_business_scope_is_screened(text, outcome, terms):
    described = regnotice.describe(text)
    assert not described.unrecognised, described.unrecognised
    verdict = regnotice.check(NOTICE, described.activity)
    assert verdict.outcome == outcome and [h.term for h in verdict.hits] == terms


def test_an_unquoted_name_after_named_is_screened():
    described = regnotice.describe("A client registers a company named Shenzhen Xinghe Crypto Asset Technology Co., Ltd.; will it pass?")
    assert described.activity.name == "Shenzhen Xinghe Crypto Asset Technology Co., Ltd."
    verdict = regnotice.check(NOTICE, described.activity)
    assert verdict.outcome == "prohibited" and [h.term for h in verdict.hits] == ["crypto asset"]
