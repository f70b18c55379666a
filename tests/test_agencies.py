"""The registry of agencies and regulated parties (regnotice/agencies.yaml)."""

from __future__ import annotations

import pytest

import regnotice
from regnotice.agencies import load_registry, normalise, registry
from regnotice.errors import RegnoticeError, RuleFileError

REG = registry()

# (mention as a translation writes it, the id it must resolve to)
SPELLINGS = [
    ("People's Bank of China", "pboc"),
    ("the People’s Bank of China", "pboc"),
    ("PBOC", "pboc"),
    ("central bank", "pboc"),
    ("中国人民银行", "pboc"),
    ("National Development and Reform Commission", "ndrc"),
    ("MIIT", "miit"),
    ("Ministry of Public Security", "mps"),
    ("State Administration for Market Regulation", "samr"),
    ("China Banking and Insurance Regulatory Commission", "cbirc"),
    ("CBIRC", "cbirc"),
    ("National Financial Regulatory Administration", "nfra"),
    ("Financial Regulatory Bureau", "nfra"),
    ("State Administration for Financial Regulation", "nfra"),
    ("China Securities Regulatory Commission", "csrc"),
    ("State Administration of Foreign Exchange", "safe"),
    ("Cyberspace Administration of China", "cac"),
    ("Supreme People's Court", "spc"),
    ("Supreme People's Procuratorate", "spp"),
    ("State Council", "state-council"),
    ("the people's governments at the provincial level", "provincial-governments"),
    ("local financial regulatory department", "local-financial-regulators"),
    ("telecommunications regulators", "telecom-regulators"),
    ("public security", "public-security"),
    ("industry associations", "industry-associations"),
    ("relevant departments", "relevant-departments"),
    ("Financial institutions", "financial-institution"),
    ("non-bank payment institutions", "non-bank-payment-institution"),
    ("internet enterprises", "internet-enterprise"),
    ("mining machine production enterprises", "mining-machine-producer"),
    ("overseas entities and individuals", "overseas-entity"),
    ("domestic entities", "domestic-entity"),
    ("foreign entities controlled by them", "foreign-entity-controlled-by-domestic"),
    ("any unit or individual", "any-unit-or-individual"),
    # the bodies of the older notices of the family (2013, 2017, 2021) and the associations
    ("PBC", "pboc"),
    ("China Banking Regulatory Commission", "cbrc"),
    ("CIRC", "circ"),
    ("State Administration for Industry and Commerce", "saic"),
    ("Ministry of Finance", "mof"),
    ("National Energy Administration", "nea"),
    ("国家能源局", "nea"),
    ("Internet Finance Association of China", "nifa"),
    ("Securities Association of China", "sac"),
    ("China Payment and Clearing Association", "pcac"),
    ("China Banking Association", "cba"),
]


@pytest.mark.parametrize(
    ("old", "today"),
    [("cbrc", "nfra"), ("circ", "nfra"), ("cbirc", "nfra"), ("saic", "samr"), ("pboc", "pboc")],
)
def test_successions_are_dated_and_followed_to_the_body_of_today(old, today):
    assert REG.current(old) == today
    if old != today:
        assert REG.agencies[old].succeeded_in in (2018, 2023)


@pytest.mark.parametrize(("mention", "expected"), SPELLINGS)
def test_every_spelling_resolves(mention, expected):
    assert REG.resolve(mention) == expected
    assert REG.resolve(mention.upper()) == expected  # case-insensitive


@pytest.mark.parametrize("mention", ["Ministry of Magic", "Bakery", "", "People's Bank of Japan"])
def test_unknown_mentions_resolve_to_none_and_are_reported(mention):
    assert REG.resolve(mention) is None
    ids, unresolved = REG.resolve_all(["PBOC", mention])
    assert ids == ("pboc",) and unresolved == (mention,)


def test_the_notice_issuers_resolve_to_eight_ids():
    notice = regnotice.load()
    ids, unresolved = REG.resolve_all(notice.issuers)
    assert unresolved == ()
    assert ids == ("pboc", "ndrc", "miit", "mps", "samr", "cbirc", "csrc", "safe")


def test_the_bodies_consulted_and_the_approver_resolve():
    notice = regnotice.load()
    assert REG.resolve_all(notice.consulted) == (("cac", "spc", "spp"), ())
    assert REG.resolve(notice.approved_by) == "state-council"


def test_successor_links():
    assert REG.current("cbirc") == "nfra"
    assert REG.current("nfra") == "nfra"
    assert REG.get("nfra").predecessor == "cbirc"
    assert REG.get("cbirc").succeeded_in == 2023


@pytest.mark.parametrize(
    ("child", "parent", "binds"),
    [
        ("non-bank-payment-institution", "financial-institution", True),
        ("non-bank-payment-institution", "any-unit-or-individual", True),
        ("overseas-branch-of-domestic-fi", "financial-institution", True),
        ("foreign-entity-controlled-by-domestic", "overseas-entity", True),
        ("overseas-branch-of-domestic-fi", "foreign-entity-controlled-by-domestic", True),
        ("financial-institution", "domestic-entity", False),
        ("financial-institution", "non-bank-payment-institution", False),
        ("internet-enterprise", "financial-institution", False),
        ("domestic-entity", "domestic-entity", True),
    ],
)
def test_party_inheritance(child, parent, binds):
    assert REG.is_a(child, parent) is binds


def test_every_party_is_a_kind_of_any_unit_or_individual():
    for party in REG.parties:
        assert REG.is_a(party, "any-unit-or-individual"), party


@pytest.mark.parametrize(
    ("mention", "form"),
    [("  The People’s Bank of China, ", "people's bank of china"), ("Theatre", "theatre"), ("A\n b", "a b")],
)
def test_normalise(mention, form):
    assert normalise(mention) == form


# Bad registry files, each paired with the words its message must contain.
BAD = [
    ("agencies:\n  pboc:\n    name: A\n    level: central\n  pboc:\n    name: B\n    level: central\n", ["duplicate key", "pboc", ":5"]),
    ("agencies:\n  x:\n    name: X\n    level: central\n    colour: red\n", ["agencies.x", "colour", "allowed keys", "abbreviations"]),
    ("agencies:\n  x:\n    name: X\n    level: galactic\n", ["agencies.x", "level"]),
    ("parties:\n  a:\n    name: A\n    parents: [b]\n", ["unknown parent", "'b'"]),
    ("parties:\n  a:\n    name: A\n    parents: [b]\n  b:\n    name: B\n    parents: [a]\n", ["own ancestor"]),
    ("agencies:\n  x:\n    name: X\n    level: central\n    successor: y\n", ["unknown agency", "'y'"]),
    ("agencies:\n  x:\n    name: Same\n    level: central\n  y:\n    name: same\n    level: central\n", ["names both", "'x'", "'y'"]),
    ("bodies: {}\n", ["top-level keys", "bodies"]),
    ("agencies: [\n", ["registry.yaml:"]),
]


@pytest.mark.parametrize(("text", "words"), BAD)
def test_bad_registry_files_are_named_errors(tmp_path, text, words):
    path = tmp_path / "registry.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_registry(path)
    message = str(caught.value)
    assert str(path) in message
    for word in words:
        assert word in message, (word, message)
    assert isinstance(caught.value, RegnoticeError)
