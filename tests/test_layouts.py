"""Layouts of real notices: the texts in ../shared/external (nobody here wrote them) and
layouts written here of the same kinds, table-driven, with properties over numbering
styles and indentation."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import regnotice
from regnotice.numbering import HEADING_STYLES, render_marker

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT.parent / "shared" / "external"
LAYOUTS = Path(__file__).parent / "layouts"


def _lossless(notice, text: str) -> None:
    assert "".join(leaf.text for leaf in notice.leaves()) == text[notice.span.start : notice.span.end]


# file -> (markers, number, first issuers, anomaly kinds, cut)
REAL = {
    "ndrc-2021-1283-zh.html": (
        [f"（{n}）" for n in "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十".split()],
        ("Fagai Yunxing", 2021, 1283), ("国家发展改革委", "中央宣传部"), set(), False,
    ),
    "pastebin-FCbRgqAG-pboc-2021-237-en.txt": ([], None, (), {"truncated"}, False),
    "scribd-358480343-pboc-2017-ico-en.txt": (["I."], None, ("PBC", "CAC", "MIIT", "SAIC", "CBRC", "CSRC", "CIRC"), {"truncated"}, True),
    "coindesk-2017-ico-en.txt": (["1."], None, (), {"truncated"}, True),
    "btcchina-bocnotice2013-pboc-2013-289-en.txt": ([], ("Yinfa", 2013, 289), (), {"truncated"}, False),
    "longport-275129023-pboc-2026-42-en.txt": ([], None, (), {"truncated"}, False),
    "tellerreport-2022-nft-initiative-en.txt": (["1.", "2."], None, ("Securities Association of China",), {"truncated"}, True),
}


def _read(name: str) -> str:
    path = EXTERNAL / name
    if not path.exists():
        pytest.skip(f"{path} is not beside this checkout")
    return path.read_text(encoding="utf-8")


def test_every_external_text_is_in_the_table():
    if not EXTERNAL.exists():
        pytest.skip("../shared/external is not beside this checkout")
    assert {p.name for p in EXTERNAL.iterdir() if p.name != "README.md"} == set(REAL)


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_texts(name):
    markers, number, issuers, anomalies, cut = REAL[name]
    raw = _read(name)
    notice = regnotice.parse(raw, source=name)
    text = regnotice.page_text(raw).text if name.endswith(".html") else raw
    _lossless(notice, text)
    assert [c.marker for c in notice.clauses] == markers
    assert (None if notice.number is None else (notice.number.prefix, notice.number.year, notice.number.seq)) == number
    assert notice.issuers[: len(issuers)] == issuers
    assert {a.kind for a in notice.anomalies} == anomalies
    assert all(a.line >= 1 and a.column >= 1 for a in notice.anomalies)
    if notice.clauses:
        assert notice.clauses[-1].cut is cut


# file -> (sentences the rules are read from, sentences modeled, rule kinds among them)
COVERAGE = {
    "btcchina-bocnotice2013-pboc-2013-289-en.txt": (5, 2, {"prohibition", "reference"}),  # prose, no items
    "coindesk-2017-ico-en.txt": (6, 5, {"definition", "obligation", "prohibition"}),
    "longport-275129023-pboc-2026-42-en.txt": (2, 0, {"reference"}),  # cut in the preamble
    "ndrc-2021-1283-zh.html": (57, 41, {"prohibition", "obligation", "penalty", "responsibility"}),  # Chinese cues
    "pastebin-FCbRgqAG-pboc-2021-237-en.txt": (2, 0, {"reference"}),
    "scribd-358480343-pboc-2017-ico-en.txt": (5, 3, {"definition", "obligation"}),
    "tellerreport-2022-nft-initiative-en.txt": (4, 3, {"obligation"}),  # imperatives
}


@pytest.mark.parametrize("name", sorted(COVERAGE))
def test_rule_coverage_of_real_texts(name):
    from regnotice.report import coverage

    sentences, modeled, kinds = COVERAGE[name]
    notice = regnotice.parse(_read(name), source=name)
    report = coverage(notice)
    assert (report.sentences, report.modeled) == (sentences, modeled)
    rules = regnotice.extract(notice).rules
    assert kinds <= {r.kind for r in rules}
    assert sum(r.kind == "unmodeled" for r in rules) == sentences - modeled  # nothing dropped
    for rule in rules:
        assert notice.text[rule.span.start - notice.span.start : rule.span.end - notice.span.start] == rule.quote


def test_press_release_prose_and_a_series_of_prohibitions():
    """The 2013 notice as an exchange retold it: no items, its rules in prose, one
    sentence with a reporting lead-in and four "may not"s."""
    notice = regnotice.parse(_read("btcchina-bocnotice2013-pboc-2013-289-en.txt"))
    rules = regnotice.extract(notice).rules
    assert {r.marker for r in rules} == {"preamble"}
    series = next(r for r in rules if r.kind == "prohibition" and len(r.activities) > 1)
    assert [a.text for a in series.activities][:3] == [
        "use Bitcoin pricing for products or services", "buy or sell Bitcoins", "act as a central counterparty in Bitcoin trading",
    ]
    passive = next(r for r in rules if r.kind == "prohibition" and r is not series)
    assert passive.bearers == () and "bitcoin" in [o.id for o in passive.objects]


def test_initiative_imperatives_have_no_bearer_and_name_their_duties():
    notice = regnotice.parse(_read("tellerreport-2022-nft-initiative-en.txt"))
    duties = [r for r in regnotice.extract(notice).rules if r.kind == "obligation"]
    assert all(r.bearers == () for r in duties)
    assert duties[1].duties[0].text == "Ensure that the value of NFT products is fully supported"


def test_ndrc_front_matter_and_signature():
    notice = regnotice.parse(_read("ndrc-2021-1283-zh.html"))
    assert notice.title == "国家发展改革委等部门关于整治虚拟货币“挖矿”活动的通知"  # over two lines
    assert notice.addressee == "各省、自治区、直辖市人民政府，新疆生产建设兵团："
    assert len(notice.issuers) == 11 and notice.issuers[-1] == "国家能源局"  # "国 家 能 源 局"
    assert notice.signed == "2021年9月3日"
    assert [s.title for s in notice.parts if s.kind == "section"][:2] == ["充分认识整治虚拟货币“挖矿”活动的重要意义", "总体要求"]
    assert notice.clause("三").heading == "梳理排查存量项目"
    assert notice.clause(3).section == 3


def test_scribd_title_over_two_blocks_and_unquoted_bases():
    notice = regnotice.parse(_read("scribd-358480343-pboc-2017-ico-en.txt"))
    assert notice.title == "Public Notice of the PBC, CAC, MIIT, SAIC, CBRC, CSRC and CIRC on Preventing Risks of Fundraising through Coin Offering"
    assert " ".join(notice.legal_bases[0].text.split()) == "Law of the People's Republic of China on the People's Bank of China"


def test_pastebin_line_numbers_are_a_gutter():
    notice = regnotice.parse(_read("pastebin-FCbRgqAG-pboc-2021-237-en.txt"))
    assert notice.title == "Notice on Further Preventing and Disposing of the Risk of Hype in Virtual Currency Trading"
    assert notice.addressee.startswith("The people's governments of all provinces")


# Layouts written here: name -> (text, markers, styles, anomaly kinds)
ZH = "各省、自治区、直辖市人民政府：\n为防范风险，现就有关事项通知如下：\n一、总体要求\n（一）严禁开展虚拟货币交易，不得提供服务。加强监测。\n（二）加强监测。\n二、保障措施\n（三）明确责任分工。各地区要落实。\n中国人民银行\n国家发展改革委\n2026年2月6日\n"
ANNOUNCEMENT = (
    "Public Notice of the PBC on Preventing Token Risks\n"
    "Recently, token offerings have spread. The relevant matters are announced as follows:\n"
    "1. Token offerings are illegal.\n2. No platform may trade tokens.\n"
    "This notice shall come into force on the date of issuance.\n"
)
SIGNED = (
    "To all branches of the bank:\nThe matters are notified as follows:\n(1) Do not trade tokens.\n(2) Report risks.\n"
    "People's Bank of China\nMinistry of Public Security\nSeptember 3, 2021\n"
)
LAYOUT_CASES = {
    "chinese_two_levels": (ZH, ["（一）", "（二）", "（三）"], {"chinese"}, set()),
    "announcement_no_addressee": (ANNOUNCEMENT, ["1.", "2."], {"arabic_dot"}, set()),
    "signature_block": (SIGNED, ["(1)", "(2)"], {"arabic"}, set()),
    "first_second": ("To all banks:\nThe matters are as follows:\nFirst, do not trade tokens.\nSecond, report risks.\n", ["First,", "Second,"], {"ordinal_word"}, {"truncated"}),
    "roman_glyphs": ("To all banks:\nThe matters are as follows:\nⅠ. General\nThe banks shall act.\nⅡ. Duties\nReport risks.\n", ["Ⅰ.", "Ⅱ."], {"roman_glyph_dot"}, {"truncated"}),
}


@pytest.mark.parametrize("name", sorted(LAYOUT_CASES))
def test_layouts(name):
    text, markers, styles, anomalies = LAYOUT_CASES[name]
    notice = regnotice.parse(text)
    _lossless(notice, text)
    assert [c.marker for c in notice.clauses] == markers
    assert {c.style for c in notice.clauses} == styles
    assert [c.ordinal for c in notice.clauses] == list(range(1, len(markers) + 1))
    assert {a.kind for a in notice.anomalies} == anomalies


def test_signature_block_facts():
    notice = regnotice.parse(SIGNED)
    assert notice.signed == "September 3, 2021"
    assert notice.issuers == ("People's Bank of China", "Ministry of Public Security")
    zh = regnotice.parse(ZH)
    assert zh.signed == "2026年2月6日" and zh.issuers == ("中国人民银行", "国家发展改革委")
    # sentences split at 。 with no space; a short phrase before the text is a heading
    assert [s.text for s in zh.clauses[0].sentences] == ["严禁开展虚拟货币交易，不得提供服务。", "加强监测。"]
    assert zh.clause(3).heading == "明确责任分工"


@pytest.mark.parametrize("name", ["title_without_addressee", "no_closing", "no_items", "sections_as_items"])
def test_layout_files_that_used_to_be_refused(name):
    text = (LAYOUTS / f"{name}.txt").read_text(encoding="utf-8")
    notice = regnotice.parse(text, source=name)
    _lossless(notice, text)
    kinds = {a.kind for a in notice.anomalies}
    assert ("truncated" in kinds) == (name == "no_closing")
    assert ("no_items" in kinds) == (name == "no_items")
    assert bool(notice.clauses) == (name != "no_items")


INDENT = st.sampled_from(["", " ", "  ", "\u3000\u3000", "\u2003", "\t"])


@settings(max_examples=60, deadline=None)
@given(style=st.sampled_from(HEADING_STYLES), count=st.integers(1, 12), indent=INDENT)
def test_one_level_numbering_any_style_and_indentation(style, count, indent):
    """Items numbered in any heading style, indented in any way, are the items: the
    ordinal the identity, the style recorded."""
    items = "".join(f"{indent}{render_marker(n, style)} Banks shall not trade token {n}.\n" for n in range(1, count + 1))
    text = "To all banks:\nThe matters are notified as follows:\n" + items + "This notice shall take effect on the date of issuance.\n"
    notice = regnotice.parse(text)
    _lossless(notice, text)
    assert notice.ordinals == tuple(range(1, count + 1))
    assert {c.style for c in notice.clauses} == {style}
    assert not notice.anomalies
