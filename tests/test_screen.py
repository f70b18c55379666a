"""Screening of names, business scopes and ads (``regnotice.screen``): every term of the
clause (8) rule and its usual variants, the whole-word rule for RWA, a corpus of
look-alike clean names, positions into the original text, the term list read from the
rule, the rule each field cites, and property tests. Table-driven."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import regnotice
import regnotice._screen.matcher as matcher_module
import regnotice.screening as screen_module
from regnotice.models import Prohibition, Span
from regnotice.screening import FIELDS, Hit, RuleRef, Screener, cited_rules, screener

RULE_TERMS = ("virtual currency", "virtual asset", "cryptocurrency", "crypto asset", "stablecoin", "real-world asset tokenization", "RWA")

#: (text, the rule's term, the text matched)
VARIANTS = [
    ("virtual currency", "virtual currency", "virtual currency"),
    ("Virtual Currencies", "virtual currency", "Virtual Currencies"),
    ("virtual-currency", "virtual currency", "virtual-currency"),
    ("virtual_currency", "virtual currency", "virtual_currency"),
    ("VIRTUALCURRENCY", "virtual currency", "VIRTUALCURRENCY"),
    ("virtual  -  currency", "virtual currency", "virtual  -  currency"),
    ("virtual\ncurrencies", "virtual currency", "virtual\ncurrencies"),
    ("virtual asset", "virtual asset", "virtual asset"),
    ("Virtual-Assets", "virtual asset", "Virtual-Assets"),
    ("cryptocurrency", "cryptocurrency", "cryptocurrency"),
    ("Cryptocurrencies", "cryptocurrency", "Cryptocurrencies"),
    ("crypto-currency", "cryptocurrency", "crypto-currency"),
    ("Crypto Currencies", "cryptocurrency", "Crypto Currencies"),
    ("crypto asset", "crypto asset", "crypto asset"),
    ("crypto-asset", "crypto asset", "crypto-asset"),
    ("crypto assets", "crypto asset", "crypto assets"),
    ("CryptoAssets", "crypto asset", "CryptoAssets"),
    ("crypto_asset", "crypto asset", "crypto_asset"),
    ("stablecoin", "stablecoin", "stablecoin"),
    ("stablecoins", "stablecoin", "stablecoins"),
    ("STABLECOINS", "stablecoin", "STABLECOINS"),
    ("Stable-Coin", "stablecoin", "Stable-Coin"),
    ("stable coins", "stablecoin", "stable coins"),
    ("real-world asset tokenization", "real-world asset tokenization", "real-world asset tokenization"),
    ("real world asset tokenization", "real-world asset tokenization", "real world asset tokenization"),
    ("Real-World Asset Tokenisation", "real-world asset tokenization", "Real-World Asset Tokenisation"),
    ("real-world-assets tokenizations", "real-world asset tokenization", "real-world-assets tokenizations"),
    ("RealWorldAssetTokenization", "real-world asset tokenization", "RealWorldAssetTokenization"),
    ("RWA", "RWA", "RWA"),
    ("rwa", "RWA", "rwa"),
    ("RWA-backed", "RWA", "RWA"),
    ("(RWA)", "RWA", "RWA"),
    ("RWAs", "RWA", "RWAs"),
    ("RWA_fund", "RWA", "RWA"),
    ("上海RWA科技", "RWA", "RWA"),
    ("虚拟货币", "virtual currency", "虚拟货币"),
    ("虚拟币", "virtual currency", "虚拟币"),
    ("虚拟资产", "virtual asset", "虚拟资产"),
    ("加密货币", "cryptocurrency", "加密货币"),
    ("加密资产", "crypto asset", "加密资产"),
    ("稳定币", "stablecoin", "稳定币"),
    ("现实世界资产代币化", "real-world asset tokenization", "现实世界资产代币化"),
    ("真实世界资产代币化", "real-world asset tokenization", "真实世界资产代币化"),
]

#: Clean names that look like the terms: none may hit. (Also used by benchmarks/bench_screen.py.)
LOOKALIKES = [
    "Rwanda Coffee Exporters Ltd",
    "Drwal Sp. z o.o.",
    "Erwang Foods Co., Ltd.",
    "Dongerwan Industrial Park",
    "Shanghai Erwa Trading",
    "Erwan Boulangerie SARL",
    "Forward Logistics GmbH",
    "Norway Seafood AS",
    "Norwalk Auto Parts",
    "Marwari Textiles Pvt Ltd",
    "Garware Ropes Limited",
    "Sherwani House",
    "Kirwan & Partners",
    "Darwa Holdings",
    "Starwars Toys",
    "Torwart Sports",
    "Everwarm Heating",
    "BigRWAFund Ltd",
    "RWE Energy",
    "Virtually Currency-free Travel",
    "Virtual Assistant Services LLC",
    "Virtual Reality Studio",
    "Constable Coins & Medals",
    "Stable Horse Riding Club",
    "Stablewood Furniture",
    "Crypton Lighting Co.",
    "Encryption Currency Exchange",
    "Real World Adventures",
    "Real Estate Asset Management",
    "Token Ring Networks",
    "Payment Card Tokenization Services",
    "Currency Exchange Bureau",
    "Digital Asset Custody",
    "İstanbul Kahve Evi",
]


def naive(text: str) -> bool:
    """The baseline the benchmark compares with: a lowercase substring test."""
    low = text.lower()
    return any(t.lower() in low for t in RULE_TERMS)


# --- terms and variants ----------------------------------------------------------------


@pytest.mark.parametrize("text, term, matched", VARIANTS)
@pytest.mark.parametrize("field", FIELDS)
def test_every_term_and_variant_hits(text, term, matched, field):
    hits = regnotice.screen(f"Acme {text} Co", field=field)
    assert [(h.term, h.text) for h in hits] == [(term, matched)]


@pytest.mark.parametrize("term", RULE_TERMS)
def test_every_rule_term_hits_as_written(term):
    assert [h.term for h in regnotice.screen(term)] == [term]


@pytest.mark.parametrize("name", LOOKALIKES)
def test_lookalike_names_are_clean(name):
    assert regnotice.screen(name) == ()
    assert regnotice.screen(name, field="ad") == ()


def test_the_naive_baseline_has_false_positives_on_the_lookalikes():
    # the corpus is worth something: a substring test flags many of these names
    assert sum(map(naive, LOOKALIKES)) >= 15


@pytest.mark.parametrize(
    "text, found",
    [
        ("Rwanda", []),
        ("Drwal", []),
        ("Erwang", []),
        ("RWAND", []),
        ("RWA2", []),
        ("2RWA", []),
        ("ÉRWA", []),
        ("the RWA market", ["RWA"]),
        ("RWA-backed RWA", ["RWA", "RWA"]),
        ("RWA.", ["RWA"]),
        ("RWA代币化", ["RWA"]),
    ],
)
def test_rwa_matches_as_a_whole_word_only(text, found):
    assert [h.text for h in regnotice.screen(text)] == found


def test_several_hits_in_order():
    text = "RWA-backed Stablecoins and crypto-assets; no Rwanda; 加密货币 and real world asset tokenisation"
    hits = regnotice.screen(text)
    assert [h.term for h in hits] == ["RWA", "stablecoin", "crypto asset", "cryptocurrency", "real-world asset tokenization"]
    assert [h.start for h in hits] == sorted(h.start for h in hits)


# --- positions -------------------------------------------------------------------------

# Prefixes that change length under str.lower() ("İ" becomes two characters) or are not
# ASCII: positions must still index the original text.
PREFIXES = ["", "x ", "İİ ", "Ærø ", "上海", "ſ "]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("text, term, matched", VARIANTS[::3])
def test_positions_point_into_the_original_text(prefix, text, term, matched):
    original = f"{prefix}{text} Ltd"
    (hit,) = regnotice.screen(original)
    assert original[hit.start : hit.end] == hit.text == matched
    assert hit.start == len(prefix) + text.index(matched)


# --- the term list comes from the rule --------------------------------------------------


def rules_for(ordinal: int):
    return [r for r in regnotice.extract(regnotice.load()).rules if r.clause == ordinal]


def clause8_rule() -> Prohibition:
    (rule,) = [r for r in rules_for(8) if r.kind == "prohibition"]
    return rule


def test_the_terms_are_those_of_the_clause_8_rule():
    rule = clause8_rule()
    assert rule.terms == RULE_TERMS
    for field in FIELDS:
        assert screener(field).terms == rule.terms


def test_a_screener_built_from_another_rule_screens_its_terms():
    fake = clause8_rule().model_copy(update={"terms": ("moon token", "LUNA"), "id": "fake/8/1"})
    s = Screener.from_rule(fake, spellings={})
    assert [(h.term, h.text, h.rule_id) for h in s.screen("Moon-Tokens and LUNAs, not Lunar")] == [
        ("moon token", "Moon-Tokens", "fake/8/1"),
        ("LUNA", "LUNAs", "fake/8/1"),
    ]
    assert s.screen("Stablecoin RWA") == ()
    assert s.anchors == ("token", "luna")  # the longer stem of "moon token"


@pytest.fixture(params=["prebuilt", "models"])
def patched_clause8(monkeypatch, request):
    """The bundled rules with other terms in the clause (8) prohibition: the screening
    terms prebuilt from them (what ``regnotice index`` would write), or, without that
    file, the rules' models themselves."""
    import regnotice.bundled
    from regnotice.prebuilt import build_screen_terms

    original = regnotice.bundled.bundled_rules()
    patched = original.model_copy(
        update={"rules": tuple(r.model_copy(update={"terms": ("lunar coin",)}) if r.kind == "prohibition" and r.clause == 8 else r for r in original.rules)}
    )
    screener.cache_clear()
    monkeypatch.setattr(regnotice.bundled, "bundled_rules", lambda: patched)
    prebuilt = json.loads(json.dumps(build_screen_terms(patched)))  # as read back from the file
    monkeypatch.setattr(regnotice.bundled, "screen_terms", lambda: prebuilt if request.param == "prebuilt" else None)
    yield
    screener.cache_clear()


def test_changing_the_rule_changes_the_hits(patched_clause8):
    assert [h.text for h in regnotice.screen("Lunar-Coins Ltd")] == ["Lunar-Coins"]
    assert regnotice.screen("Stablecoin RWA Ltd") == ()
    assert screener("ad").terms == ("lunar coin",)


def test_without_spellings_there_are_no_chinese_terms():
    s = Screener.from_rule(clause8_rule(), spellings={})
    assert s.screen("稳定币") == ()
    assert [h.term for h in s.screen("stablecoin")] == ["stablecoin"]


def test_terms_yaml_only_adds_spellings_of_the_rule_terms():
    spellings = screen_module.term_spellings()
    assert set(spellings) <= set(RULE_TERMS)
    for term, entry in spellings.items():
        assert entry["zh"] and all(not z.isascii() for z in entry["zh"])
        assert entry["words"] is None or entry["words"].replace(" ", "") == term


@pytest.mark.parametrize("content", ["stablecoin: [x]\n", "stablecoin:\n  zh: x\n", "stablecoin:\n  words: [a]\n", "x:\n  y: 1\n", "- a\n"])
def test_a_malformed_terms_yaml_is_an_error(tmp_path, monkeypatch, content):
    (tmp_path / "terms.yaml").write_text(content, encoding="utf-8")
    monkeypatch.setattr(matcher_module, "TERMS_FILE", tmp_path / "terms.yaml")
    screen_module.term_spellings.cache_clear()
    try:
        with pytest.raises(regnotice.errors.RuleFileError, match="terms.yaml"):
            screen_module.term_spellings()
    finally:
        screen_module.term_spellings.cache_clear()


def test_anchors_cover_every_term():
    assert screener().anchors == ("virtual", "crypto", "stable", "tokeni", "rwa")


REF = RuleRef("x/1/1", 1, "(1)", "q")


@pytest.mark.parametrize(
    "terms, spellings, anchors, text, found",
    [
        # an ASCII alias in terms.yaml needs an anchor of its own
        (["stablecoin"], {"stablecoin": {"zh": ["DeFiCoin", "稳定币"]}}, ("stablecoin", "deficoin"), "a DEFICOIN, 稳定币", ["DEFICOIN", "稳定币"]),
        # "ſ" matches "s" case-insensitively: no ASCII fast path, same hits
        (["ſtable"], {}, None, "STABLEs", ["STABLEs"]),
        # no spelling can match ASCII text: ASCII text is clean at once, other text is scanned
        (["café token"], {}, (), "cafe token; Café-Tokens", ["Café-Tokens"]),
        (["稳定"], {}, (), "稳定 stable", ["稳定"]),
        ([], {}, (), "RWA é", []),
    ],
)
def test_screener_edge_cases(terms, spellings, anchors, text, found):
    s = Screener(terms, REF, spellings=spellings)
    assert s.anchors == anchors
    assert [h.text for h in s.screen(text)] == found


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.from_regex(r"[a-zA-Zſé]{1,7}([ -][a-zA-Z]{1,7})?", fullmatch=True), min_size=1, max_size=4),
    st.lists(st.sampled_from(["ab", "AB", "c", "-", " ", "ſ", "é", "s", "ies", "y", "ization", "isation", "x"]), max_size=12).map("".join),
)
def test_any_screener_finds_what_its_pattern_finds(terms, filler):
    s = Screener(terms, REF, spellings={})
    for text in (filler, " ".join(terms) + filler, filler.join(terms).upper()):
        expected = [(s.terms[m.lastindex - 1], m.start(), m.end()) for m in s.pattern.finditer(text)]
        hits = s.screen(text)
        # as written: exactly the pattern's matches; besides them, only look-alikes ("Café" for "cafe")
        assert [(h.term, h.start, h.end) for h in hits if not h.lookalike] == expected
        assert all(text[h.start : h.end] == h.text for h in hits)


# --- what a hit cites ------------------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "business_scope"])
def test_name_and_business_scope_cite_the_clause_8_prohibition(field):
    rule = clause8_rule()
    (hit,) = regnotice.screen("Acme Stablecoin Ltd", field=field)
    assert (hit.clause, hit.marker, hit.rule_id, hit.quote, hit.also) == (8, "(8)", rule.id, rule.quote, ())
    assert "names or business scopes" in hit.quote


def test_ad_cites_clause_7_and_the_clause_8_advertisement_rule():
    (seven,) = [r for r in rules_for(7) if r.kind == "prohibition"]
    (hit,) = regnotice.screen("Buy RWA tokens now", field="ad")
    assert (hit.clause, hit.marker, hit.rule_id, hit.quote) == (7, "(7)", seven.id, seven.quote)
    assert "advertising" in hit.quote
    (also,) = hit.also
    assert (also.clause, also.marker) == (8, "(8)")
    assert "advertisements" in also.quote
    assert also.rule_id in {r.id for r in rules_for(8)}


def test_cited_rules_rejects_an_unknown_field():
    with pytest.raises(regnotice.InputError, match="unknown field 'logo'; fields: name, business_scope, ad"):
        cited_rules(regnotice.load(), "logo")
    with pytest.raises(regnotice.InputError, match="unknown field 'logo'"):
        regnotice.screen("x", field="logo")


# --- the API ---------------------------------------------------------------------------


def test_hit_is_frozen_and_serialisable():
    (hit,) = regnotice.screen("stable coin")
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.start = 3  # type: ignore[misc]
    assert hit == Hit(**{f.name: getattr(hit, f.name) for f in dataclasses.fields(Hit)})
    assert hash(hit) == hash(dataclasses.replace(hit))
    assert list(hit.to_dict()) == ["term", "text", "start", "end", "clause", "marker", "rule_id", "quote", "also"]
    (ad,) = regnotice.screen("stable coin", field="ad")
    assert list(ad.to_dict()["also"][0]) == ["rule_id", "clause", "marker", "quote"]


def test_package_screen_stays_a_function_after_the_module_is_imported():
    from regnotice import screen as imported

    assert callable(regnotice.screen) and not isinstance(regnotice.screen, type(regnotice))
    assert regnotice.screen("RWA") == screen_module.screen("RWA") == imported("RWA")


@pytest.mark.parametrize("text", [b"RWA", None, 123, ["RWA"]])
def test_screen_wants_a_string(text):
    with pytest.raises(regnotice.InputError, match="needs a str"):
        regnotice.screen(text)  # type: ignore[arg-type]


def test_screener_is_built_once_per_field():
    assert screener("name") is screener("name")
    assert screener("ad") is not screener("name")


def test_an_empty_screener_finds_nothing():
    s = Screener([], RuleRef("x", 1, "(1)", "q"), spellings={})
    assert s.screen("RWA stablecoin") == ()


# --- properties ------------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    ["RWA", "rwa", "Rw", "virtual", "Virtual", "currenc", "ies", "y", "asset", "s", "crypto", "stable", "coin",
     "real", "world", "tokeni", "sation", "zation", " ", "-", "_", "\n", "a", "É", "İ", "ſ", "K", "稳定币", "加密", "货币", "2"]
)  # fmt: skip
TEXTS = st.one_of(st.text(max_size=60), st.lists(FRAGMENTS, max_size=14).map("".join))


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.sampled_from(FIELDS))
def test_random_text_never_raises_and_spans_are_inside(text, field):
    hits = regnotice.screen(text, field=field)
    end = 0
    for hit in hits:
        assert end <= hit.start < hit.end <= len(text)
        assert text[hit.start : hit.end] == hit.text
        end = hit.end


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_the_fast_screen_finds_what_the_whole_pattern_finds(text):
    s = screener()
    expected = [(s.terms[m.lastindex - 1], m.start(), m.end()) for m in s.pattern.finditer(text)]
    assert [(h.term, h.start, h.end) for h in s.screen(text)] == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS.filter(str.isascii), max_size=14).map("".join))
def test_the_ascii_path_agrees_with_the_general_path(text):
    # a trailing Chinese character sends the text down the case-insensitive path
    fast = [(h.term, h.start, h.end) for h in regnotice.screen(text)]
    general = [(h.term, h.start, h.end) for h in regnotice.screen(text + " 中")]
    assert fast == general


def test_hits_are_spans_of_the_text():
    text = "Acme Stablecoins"
    (hit,) = regnotice.screen(text)
    assert Span(start=hit.start, end=hit.end).of(text) == hit.text


def test_terms_alike_but_for_case_cite_the_first_as_the_pattern_does():
    """"ſ" and "S" are one letter case-insensitively: the hit cites the term listed
    first, on every path (found by hypothesis)."""
    s = Screener(["ſ", "S"], REF, spellings={})
    for text in ("S", "s S", "ſ"):
        expected = [(s.terms[m.lastindex - 1], m.start(), m.end()) for m in s.pattern.finditer(text)]
        hits = s.screen(text)
        # as written: exactly the pattern's matches; besides them, only look-alikes ("Café" for "cafe")
        assert [(h.term, h.start, h.end) for h in hits if not h.lookalike] == expected
        assert all(text[h.start : h.end] == h.text for h in hits)


NAMES_FOR_WORKERS = ["Acme Stablecoin Ltd", "Rwanda Coffee", "RWA-backed Holdings", "Plain Trading Co", "虚拟货币交易有限公司"]


def _hits_in_a_worker(args):
    screener_, name = args
    return [(h.term, h.start, h.end, h.rule_id) for h in screener_.screen(name)]


@pytest.mark.parametrize("field", ["name", "business_scope", "ad"])
def test_a_screener_pickles_with_the_standard_library_and_screens_the_same(field):
    import pickle

    from regnotice.screening import screener

    original = screener(field)
    copy = pickle.loads(pickle.dumps(original))
    assert copy.terms == original.terms and copy.cite == original.cite
    for name in NAMES_FOR_WORKERS:
        assert copy.screen(name) == original.screen(name)


def test_a_screener_ships_to_a_process_pool():
    import multiprocessing

    from regnotice.screening import screener

    s = screener("name")
    expected = [_hits_in_a_worker((s, n)) for n in NAMES_FOR_WORKERS]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        assert pool.map(_hits_in_a_worker, [(s, n) for n in NAMES_FOR_WORKERS]) == expected
    assert any(expected)


@pytest.mark.parametrize(
    ("name", "term", "text"),
    [
        ("ＲＷＡ科技有限公司", "RWA", "ＲＷＡ"),  # full-width forms, folded as NFKC folds them
        ("Ｓｔａｂｌｅｃｏｉｎ Ltd", "stablecoin", "Ｓｔａｂｌｅｃｏｉｎ"),
        ("虛擬貨幣交易有限公司", "virtual currency", "虛擬貨幣"),  # traditional Chinese
        ("穩定幣服務", "stablecoin", "穩定幣"),
        ("現實世界資產代幣化平台", "real-world asset tokenization", "現實世界資產代幣化"),
    ],
)
def test_full_width_and_traditional_spellings_are_hits_with_spans_into_the_original(name, term, text):
    (hit,) = regnotice.screen(name)
    assert (hit.term, hit.text) == (term, text)
    assert name[hit.start : hit.end] == hit.text


@pytest.mark.parametrize("name", ["ｒｗａｎｄａ Coffee", "Ｐｌａｉｎ Trading", "穩定發展有限公司"])
def test_folding_finds_no_look_alike_words(name):
    assert regnotice.screen(name) == ()


@pytest.mark.parametrize(
    ("name", "term"),
    [
        ("Сrypto Asset Ltd", "crypto asset"),  # a Cyrillic С
        ("Ѕtablecoin Partners", "stablecoin"),  # a Cyrillic Ѕ
        ("RWΑ Holdings", "RWA"),  # a Greek Alpha
        ("Stablecoín Ltd", "stablecoin"),  # an accented i
    ],
)
def test_mixed_script_and_accented_look_alikes_are_hits_flagged_as_such(name, term):
    (hit,) = regnotice.screen(name)
    assert hit.term == term and hit.lookalike
    assert name[hit.start : hit.end] == hit.text
    assert hit.to_dict()["lookalike"] is True


def test_a_plain_hit_is_no_look_alike_and_its_json_is_unchanged():
    (hit,) = regnotice.screen("Acme Stablecoin Ltd")
    assert not hit.lookalike and "lookalike" not in hit.to_dict()
    (wide,) = regnotice.screen("Ｓｔａｂｌｅｃｏｉｎ Ltd")  # full width is the same letter, not a disguise
    assert not wide.lookalike
