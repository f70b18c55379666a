"""The lexicon: data with a strict loader, a schema, stemmed synonyms and parent links; and
sentences that are not in the seed read into the same concepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regnotice.errors import RuleFileError
from regnotice.lexicon import LEXICON_FILE, SECTIONS, lexicon, lexicon_schema, load_lexicon
from regnotice.reading import reader

LEX = lexicon()
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("kind", "phrase", "ident"),
    [
        ("actions", "open accounts", "account-opening"),
        ("actions", "opening of an account", "account-opening"),
        ("actions", "account-opening", "account-opening"),
        ("actions", "opens an account", "account-opening"),
        ("actions", "moving funds", "fund-transfer"),
        ("actions", "sold", "sale"),
        ("actions", "sells", "sale"),
        ("actions", "advertisements", "advertising"),
        ("actions", "custodian services", "custody"),
        ("actions", "ICOs", "token-issuance-financing"),
        ("actions", "settles", "settlement"),
        ("actions", "provide", "service"),
        ("actions", "engage in", "any-activity"),
        ("objects", "cryptocurrencies", "virtual-currency"),
        ("objects", "USDT", "tether"),
        ("objects", "renminbi-pegged stablecoins", "rmb-pegged-stablecoin"),
        ("objects", "tokenised real-world assets", "rwa-tokenization"),
        ("objects", "real-world asset tokens", "rwa-tokenization"),
        ("objects", "mining rigs", "mining-machine"),
        ("territory", "domestically", "domestic"),
        ("territory", "within the country", "domestic"),
        ("territory", "within_country", "domestic"),
        ("territory", "abroad", "overseas"),
        ("qualifiers", "knowingly", "knowingly"),
        ("qualifiers", "unlawfully", "illegal"),
        ("conditions", "approved", "approval"),
        ("conditions", "licensed", "authorization"),
    ],
)
def test_every_inflection_of_a_phrase_names_its_concept(kind, phrase, ident):
    assert LEX.resolve(kind, phrase) == ident


@pytest.mark.parametrize(
    ("child", "ancestor", "kind"),
    [
        ("rmb-pegged-stablecoin", "stablecoin", "objects"),
        ("rmb-pegged-stablecoin", "virtual-currency", "objects"),
        ("tether", "virtual-currency", "objects"),
        ("account-opening", "service", "actions"),
        ("account-opening", "any-activity", "actions"),
        ("custody", "service", "actions"),
    ],
)
def test_parents_are_data(child, ancestor, kind):
    assert LEX.is_a(kind, child, ancestor)
    assert not LEX.is_a(kind, ancestor, child)


def test_registration_is_no_business_activity():
    assert not LEX.is_a("actions", "registration", "any-activity")


# Sentences that are not in the seed: other phrasings, as a compliance team would write them.
NOT_IN_SEED = [
    ("Commercial banks must not open accounts for bitcoin exchanges.", [("party", "financial-institution"), ("actions", "account-opening"), ("party", "virtual-currency-platform")]),
    ("Payment companies may not settle USDT trades.", [("actions", "settlement"), ("objects", "tether"), ("actions", "trading")]),
    ("No unit shall sell mining rigs inside China.", [("party", "any-unit-or-individual"), ("actions", "sale"), ("objects", "mining-machine"), ("territory", "domestic")]),
    ("Offshore platforms knowingly served mainland users.", [("territory", "overseas"), ("qualifiers", "knowingly"), ("party", "domestic-entity")]),
    ("An internet platform ran paid search ads for crypto assets.", [("party", "internet-enterprise"), ("actions", "advertising"), ("objects", "virtual-currency")]),
]


@pytest.mark.parametrize(("sentence", "expected"), NOT_IN_SEED, ids=[s[:30] for s, _ in NOT_IN_SEED])
def test_sentences_not_in_the_seed_read_into_concepts(sentence, expected):
    found = [(m.kind, m.id) for m in reader().find(sentence)]
    for item in expected:
        assert item in found, (item, found)
    for m in reader().find(sentence):
        assert m.end > m.start and sentence[m.start : m.end].strip() == sentence[m.start : m.end]


# ---------------------------------------------------------------- strict loading

GOOD = """\
actions:
  custody:
    label: custody
    synonyms: [safekeeping]
"""

BAD = [
    ("colour: red\n", ["colour", "unknown key", ":1:"]),
    ("actions:\n  custody:\n    label: custody\n    colour: red\n", [":4:", "actions.custody.colour", "unknown key", "allowed keys: label"]),
    ("actions:\n  custody:\n    synonyms: [x]\n", [":2:", "label", "Field required"]),
    ("actions:\n  custody:\n    label: custody\n  custody:\n    label: again\n", [":4:", "duplicate key 'custody'"]),
    ("actions:\n  custody:\n    label: custody\n    parents: [servise]\n", ["unknown parent 'servise'", ":2:"]),
    (
        "actions:\n  a:\n    label: a\n    parents: [b]\n  b:\n    label: b\n    parents: [a]\n",
        ["its own ancestor"],
    ),
    ("actions:\n  a:\n    label: hold\n  b:\n    label: holding\n", ["names both 'a' and 'b'"]),
    ("- a\n- b\n", ["expected a mapping"]),
    ("actions: [1, 2\n", ["lexicon.yaml:"]),
]


@pytest.mark.parametrize(("text", "words"), BAD, ids=[w[0] for _, w in BAD])
def test_a_bad_lexicon_is_an_error_naming_the_place(tmp_path, text, words):
    path = tmp_path / "lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_lexicon(path)
    for word in words:
        assert word in str(caught.value), str(caught.value)


def test_a_good_small_lexicon_loads(tmp_path):
    path = tmp_path / "lexicon.yaml"
    path.write_text(GOOD, encoding="utf-8")
    lex = load_lexicon(path)
    assert lex.resolve("actions", "safekept") is None and lex.resolve("actions", "safekeeping") == "custody"
    assert set(lex.concepts) == set(SECTIONS)


def test_the_bundled_lexicon_validates_against_its_committed_schema():
    import jsonschema
    import yaml

    committed = json.loads((ROOT / "rules" / "lexicon.schema.json").read_text(encoding="utf-8"))
    assert committed == lexicon_schema()
    jsonschema.validate(yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8")), committed)


def test_every_concept_has_a_label_and_every_parent_exists():
    for kind in SECTIONS:
        for ident in LEX.ids(kind):
            concept = LEX.get(kind, ident)
            assert concept.label
            for parent in concept.parents:
                assert parent in LEX.ids(kind)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_finding_concepts_in_any_text_never_fails_and_spans_hold(text):
    for m in reader().find(text):
        assert 0 <= m.start < m.end <= len(text)
        assert m.kind in ("actions", "objects", "territory", "qualifiers", "conditions", "party", "agency")


def test_a_registry_spelling_and_a_lexicon_phrase_that_stem_alike_in_one_kind_are_an_error(tmp_path):
    """Two registry spellings that differ as written but not once stemmed ("person" and
    "persons" for two parties) are refused by the reader, naming both files."""
    from regnotice.agencies import load_registry
    from regnotice.reading import Reader

    path = tmp_path / "agencies.yaml"
    path.write_text(
        "parties:\n  a:\n    name: person\n  b:\n    name: persons\n", encoding="utf-8"
    )
    with pytest.raises(RuleFileError) as caught:
        Reader(LEX, load_registry(path))
    assert "agencies.yaml" in str(caught.value) and "names both 'a' and 'b'" in str(caught.value)
