"""User term lists (``--terms FILE``) and the automaton engine that screens long lists."""

from __future__ import annotations

import pickle
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import regnotice
from regnotice.errors import RuleFileError
from regnotice.screening import RuleRef, Screener, list_screener, screener
from regnotice._screen import matcher
from regnotice._screen.termlist import MAX_TERM_CHARS, TermEntry, load_terms, parse_terms_csv, parse_terms_yaml

REF = RuleRef("x/1/1", 1, "(1)", "q")


def spans(hits, lookalikes: bool = True):
    return [(h.term, h.start, h.end) for h in hits if lookalikes or not h.lookalike]


def full(hits):
    return [(h.term, h.text, h.start, h.end, h.rule_id, h.lookalike, h.term_id) for h in hits]


# ---------------------------------------------------------------------------- the two engines

# Letters that fold in unusual ways under re.IGNORECASE (long s, Kelvin sign, dotted and
# dotless i, sharp s and its capital, micro sign), accented and Cyrillic look-alikes,
# full-width forms, Chinese.
TRICKY = "ſKİıßẞµéÉСсаоＲＷ稳定币虚拟-_ "
TERM = st.from_regex(r"[a-zA-Zſéß]{1,7}([ -][a-zA-Z]{1,7})?", fullmatch=True) | st.sampled_from(["稳定币", "RWA", "okx", "café", "Kelvin"])
FILLER = st.lists(st.sampled_from(["ab", "AB", "c", "-", " ", "s", "ies", "y", "ization", "x", *TRICKY]), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(TERM, min_size=1, max_size=5, unique=True), FILLER)
def test_the_automaton_finds_what_the_pattern_finds_and_what_the_regex_engine_finds(terms, filler):
    regex = Screener(terms, REF, spellings={}, engine="regex")
    automaton = Screener(terms, REF, spellings={}, engine="automaton")
    for text in (filler, " ".join(terms) + filler, filler.join(terms).upper(), filler.join(terms).translate({0x73: 0x17F})):
        # as NFKC folds full-width forms (one for one); look-alikes are hits besides
        wide = text.translate(matcher._FULL_WIDTH)
        expected = [(automaton.terms[m.lastindex - 1], m.start(), m.end()) for m in automaton.pattern.finditer(wide)]
        hits = automaton.screen(text)
        assert spans(hits, lookalikes=False) == expected
        assert full(hits) == full(regex.screen(text))
        assert all(text[h.start : h.end] == h.text for h in hits)


NAMES = st.lists(
    st.sampled_from(
        ["Acme ", "Stable", "coin", "s", " ", "-", "RWA", "Rwanda", "virtual", " currency", "crypto", "asset", "虚拟货币", "穩定幣",
         "ＲＷＡ", "Ｓｔａｂｌｅｃｏｉｎ", "Сrypto", "Stablecoín", "tokenisation", "real world ", "Ltd", "ſ", "K"]
    ),
    max_size=10,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(NAMES)
def test_the_notice_screened_by_the_automaton_gives_the_same_hits(text):
    s = screener()
    automaton = Screener(s.terms, s.cite, s.also, s.spellings, engine="automaton")
    assert full(automaton.screen(text)) == full(s.screen(text))


def test_long_lists_take_the_automaton_and_compile_no_whole_pattern():
    rng = random.Random(4)
    words = {"".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(4)) for _ in range(3000)}
    s = Screener.from_entries([TermEntry(w) for w in sorted(words)], "list")
    assert s.engine == "automaton" and s.anchors is None
    assert s._pattern is None  # built without compiling the 3,000-term alternation
    some = sorted(words)[1234]
    assert [(h.term, h.text) for h in s.screen(f"Acme {some.upper()}S Ltd")] == [(some, some.upper() + "S")]
    small = Screener.from_entries([TermEntry("moon token")], "list")
    assert small.engine == "regex"


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="engine must be one of regex, automaton"):
        Screener(["x"], REF, spellings={}, engine="dfa")


@pytest.mark.parametrize("engine", matcher.ENGINES)
def test_both_engines_pickle_and_keep_their_engine(engine):
    s = Screener.combine(screener(), Screener.from_entries([TermEntry("moon token", id="W1")], "wl.yaml"), engine=engine)
    copy = pickle.loads(pickle.dumps(s))
    assert copy.engine == engine and copy.terms == s.terms
    text = "Moon Tokens and Stablecoins, 虚拟货币"
    assert full(copy.screen(text)) == full(s.screen(text)) and len(s.screen(text)) == 3


@pytest.mark.parametrize("engine", matcher.ENGINES)
@pytest.mark.parametrize("term, text", [("İstanbul Coin", "İstanbul-Coins"), ("İ", "İ"), ("ẞ Token", "ẞ TOKEN"), ("a.b", "A.B"), ("Ǆemal", "ǄEMAL")])
def test_a_term_with_letters_whose_lowercase_is_longer_still_hits(engine, term, text):
    s = Screener.from_entries([TermEntry(term)], "wl", engine=engine)
    assert [h.text for h in s.screen(term)] == [term]
    assert [h.text for h in s.screen(f"Acme {text} Ltd")] == [text]


def test_the_fold_is_one_character_for_one_and_as_ignorecase_folds():
    text = "ſKİıẞÉСＡ稳"
    folded = text.translate(matcher._FOLD)
    assert len(folded) == len(text)
    assert folded[:4] == "skii" and folded[4] == "ß" and folded[5] == "é"


# ---------------------------------------------------------------------------- hits of a list


def test_a_list_hit_carries_its_entry_and_cites_no_rule():
    entries = parse_terms_yaml(
        "terms:\n  - {term: moon token, id: WL-1, category: token, note: seen in ads, spellings: [月亮币]}\n  - luna coin\n", "wl.yaml"
    )
    s = list_screener(entries, notice=False)
    moon, luna, zh = s.screen("Moon-Tokens, Luna Coins and 月亮币")
    assert (moon.term, moon.text, moon.term_id, moon.category, moon.note) == ("moon token", "Moon-Tokens", "WL-1", "token", "seen in ads")
    assert (moon.rule_id, moon.clause, moon.marker, moon.quote) == (None, None, None, None)
    assert (luna.term, luna.term_id, luna.category) == ("luna coin", None, None)
    assert (zh.term, zh.text, zh.term_id) == ("moon token", "月亮币", "WL-1")
    assert moon.to_dict(quotes=False) == {
        "term": "moon token", "text": "Moon-Tokens", "start": 0, "end": 11, "rule_id": None, "also": [],
        "term_id": "WL-1", "category": "token", "note": "seen in ads",
    }
    assert "quote" in moon.to_dict() and "term_id" not in luna.to_dict()


def test_a_list_joins_the_notice_terms_and_the_notice_wins_where_both_match(tmp_path):
    path = tmp_path / "wl.csv"
    path.write_text("term,id\nstablecoin,S1\nmoon token,M1\n", encoding="utf-8")
    s = list_screener(path)
    stable, moon = s.screen("Stablecoin Moon Token")
    assert stable.rule_id == "yinfa-2026-42/8/1" and stable.term_id is None
    assert moon.term_id == "M1" and moon.source == str(path)
    alone = list_screener(path, notice=False)
    assert [h.term_id for h in alone.screen("Stablecoin Moon Token RWA")] == ["S1", "M1"]
    assert list_screener(path, field="ad").screen("stablecoin")[0].rule_id == "yinfa-2026-42/7/1"


# ---------------------------------------------------------------------------- reading lists

GOOD = [
    ("wl.yaml", "- moon token\n- {term: Luna Coin, id: L-1, category: coin, note: n}\n", [("moon token", None), ("Luna Coin", "L-1")]),
    ("wl.yml", "terms:\n  - term: OKX\n    id: 7\n", [("OKX", "7")]),
    ("wl.csv", "term,id,category,note,spellings\nmoon token,M1,token,,月亮币|月球币\n\nluna,L1,,,\n", [("moon token", "M1"), ("luna", "L1")]),
    ("wl.csv", "\ufeffTerm;ID\nmoon token;M1\n", [("moon token", "M1")]),
    ("wl.tsv", "id\tterm\nM1\tmoon token\n", [("moon token", "M1")]),
]


@pytest.mark.parametrize("name, content, expected", GOOD)
def test_a_list_is_read_from_yaml_csv_or_tsv(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert [(e.term, e.id) for e in load_terms(path)] == expected


def test_csv_spellings_are_split_on_bars_and_lines_are_kept():
    (moon, luna) = parse_terms_csv("term,spellings\nmoon token,月亮币|月球币\n\nluna,\n", "wl.csv")
    assert moon.spellings == ("月亮币", "月球币") and (moon.line, luna.line) == (2, 4)


BAD = [
    ("wl.yaml", "[]\n", ["wl.yaml", "holds no terms"]),
    ("wl.yaml", "- {id: 3}\n", ["wl.yaml:1:3", "entry 1", "no term"]),
    ("wl.yaml", "- moon\n- {term: luna, colour: red}\n", ["wl.yaml:2:3", "entry 2", "unknown key 'colour'", "allowed: term, id"]),
    ("wl.yaml", "terms: [a]\nextra: 1\n", ["unknown key 'extra'"]),
    ("wl.yaml", "moon: 1\n", ["unknown key 'moon'"]),
    ("wl.yaml", "- [moon]\n", ["entry 1", "expected a term or a mapping"]),
    ("wl.yaml", "- {term: moon, id: 1}\n- {term: luna, id: 1}\n", ["wl.yaml:2", "duplicate id '1'", "first at line 1"]),
    ("wl.yaml", "- Moon Token\n- moon-token\n", ["wl.yaml:2", "duplicate term", "never be a hit"]),
    ("wl.yaml", "- '--'\n", ["no letter or digit"]),
    ("wl.yaml", "- {term: moon, spellings: 3}\n", ["spellings must be a list"]),
    ("wl.yaml", "- {term: moon, note: [a]}\n", ["note must be text"]),
    ("wl.yaml", f"- {'x' * (MAX_TERM_CHARS + 1)}\n", [f"at most {MAX_TERM_CHARS}"]),
    ("wl.yaml", "- [unclosed\n", ["wl.yaml:"]),
    ("wl.csv", "", ["empty", "header row"]),
    ("wl.csv", "name\nmoon\n", ["wl.csv:1", "unknown column 'name'"]),
    ("wl.csv", "id\nM1\n", ["no column 'term'"]),
    ("wl.csv", "term,term\na,b\n", ["'term' appears twice"]),
    ("wl.csv", "term,id\nmoon\n", ["wl.csv:2", "1 fields; the header has 2"]),
    ("wl.csv", 'term\n"moon\n', ["wl.csv:"]),
    ("wl.txt", "moon\n", ["wl.txt", ".yaml, .yml, .csv or .tsv"]),
]


@pytest.mark.parametrize("name, content, words", BAD)
def test_a_bad_list_is_a_clear_error(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_terms(path)
    for word in words:
        assert word in str(info.value)


def test_a_missing_or_undecodable_list_is_a_clear_error(tmp_path):
    with pytest.raises(RuleFileError, match="no such file"):
        load_terms(tmp_path / "none.yaml")
    bad = tmp_path / "wl.csv"
    bad.write_bytes(b"term\nmo\xffon\n")
    with pytest.raises(RuleFileError, match=r"wl.csv:2:3: not UTF-8"):
        load_terms(bad)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12), min_size=1, max_size=8))
def test_any_list_text_reads_or_is_a_rule_file_error(lines):
    for text in ("\n".join(f"- {line!r}" for line in lines), "term\n" + "\n".join(lines)):
        for parse in (parse_terms_yaml, parse_terms_csv):
            try:
                entries = parse(text, "wl")
            except RuleFileError:
                continue
            s = Screener.from_entries(entries, "wl")
            for e in entries:
                assert s.screen(e.term), e.term  # every term is a hit on its own text


# ---------------------------------------------------------------------------- the CLI

from typer.testing import CliRunner  # noqa: E402

from regnotice.cli import app  # noqa: E402

LIST = "terms:\n  - {term: moon token, id: WL-1, category: token}\n  - luna coin\n"


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["screen", "Moon-Tokens and Stablecoin Ltd", "--terms", "{list}"], 1, ["WL-1", "yinfa-2026-42/8/1"]),
        (["screen", "Moon-Tokens and Stablecoin Ltd", "--terms", "{list}", "--no-notice", "-f", "json"], 1, ['"term_id": "WL-1"']),
        (["screen", "Stablecoin Ltd", "--terms", "{list}", "--no-notice"], 0, []),
        (["screen", "-i", "{csv}", "--terms", "{list}"], 1, ['"line": 2', '"line": 4', "2 with hits"]),
        (["screen", "x", "--no-notice"], 2, ["--no-notice needs --terms"]),
        (["screen", "x", "--terms", "{bad}"], 2, ["bad.yaml:1:3", "unknown key 'x'"]),
        (["screen", "x", "--terms", "{missing}"], 2, ["no such file"]),
    ],
)
def test_the_cli_screens_a_users_list(tmp_path, args, code, words):
    (tmp_path / "wl.yaml").write_text(LIST, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("- {term: a, x: 1}\n", encoding="utf-8")
    (tmp_path / "n.csv").write_text("name\nLuna Coins Ltd\nPlain Co\nRWA Ltd\n", encoding="utf-8")
    paths = {"list": tmp_path / "wl.yaml", "bad": tmp_path / "bad.yaml", "csv": tmp_path / "n.csv", "missing": tmp_path / "none.yaml"}
    result = CliRunner().invoke(app, [a.format(**paths) for a in args])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output
