"""The two seed pages parse to the notice Yinfa [2026] No. 42: 19 clauses, headings,
styles, sentences, front matter, duplicate copies, clause lookup, errors."""

from __future__ import annotations

import pytest
from conftest import ORDINALS, RAW_MARKERS, SEED_NAMES, bare, norm, page, seed_notice

import regnotice
from regnotice.errors import InvalidReference, NoticeNotFound, RegnoticeError, UnknownClause
from regnotice.front import parse_doc_number
from regnotice.models import DocNumber

HEADINGS = {
    3: "Inter-agency Coordination",
    4: "Strengthening Local Implementation",
    5: "Enhanced Risk Monitoring",
    6: "Strengthened Oversight of Financial Institutions, Intermediaries, and Technology Service Providers",
    7: "Enhanced Management of Internet Information Content and Access",
    8: "Strengthened Entity Registration and Advertisement Management",
    9: "Continued Rectification of Virtual Currency Mining Activities",
    10: "Severe Crackdown on Related Illegal Financial Activities",
    11: "Severe Crackdown on Related Illegal and Criminal Activities",
    12: "Strengthen Industry Self-discipline",
    16: "Strengthen organizational leadership and overall coordination",
    17: "Widely carry out publicity and education",
}
ISSUERS = (
    "People's Bank of China",
    "National Development and Reform Commission",
    "Ministry of Industry and Information Technology",
    "Ministry of Public Security",
    "State Administration for Market Regulation",
    "China Banking and Insurance Regulatory Commission",
    "China Securities Regulatory Commission",
    "State Administration of Foreign Exchange",
)
LEGAL_BASES = (
    "Law of the People's Republic of China on the People's Bank of China",
    "Law of the People's Republic of China on Commercial Banks",
    "Securities Law of the People's Republic of China",
    "Law of the People's Republic of China on Securities Investment Funds",
    "Law of the People's Republic of China on Futures and Derivatives",
    "Cybersecurity Law of the People's Republic of China",
    "Regulations of the People's Republic of China on the Administration of Renminbi",
    "Regulations on Prevention and Disposal of Illegal Fundraising",
    "Regulations of the People's Republic of China on Foreign Exchange Administration",
    "Telecommunications Regulations of the People's Republic of China",
)
#: seed -> line of the second, identical copy of the notice (its title line).
DUPLICATE_LINE = {SEED_NAMES[0]: 122, SEED_NAMES[1]: 179}


# --------------------------------------------------------------------- clauses


def test_both_seeds_parse_to_nineteen_clauses(seed_name):
    notice = seed_notice(seed_name)
    assert notice.ordinals == ORDINALS
    assert len(notice.clauses) == 19
    assert tuple(c.marker for c in notice.clauses) == RAW_MARKERS
    assert notice.layout == "lines"


def test_the_two_seeds_hold_the_same_notice():
    a, b = (seed_notice(name) for name in SEED_NAMES)
    assert a.text == b.text
    assert [c.text for c in a.clauses] == [c.text for c in b.clauses]


@pytest.mark.parametrize("ordinal", ORDINALS)
def test_heading(ordinal):
    assert seed_notice().clause(ordinal).heading == HEADINGS.get(ordinal)


@pytest.mark.parametrize(
    "ordinal, style",
    [(n, "arabic" if m[1].isdigit() else "roman_upper") for n, m in enumerate(RAW_MARKERS, 1)],
)
def test_style_is_recorded(ordinal, style):
    clause = seed_notice().clause(ordinal)
    assert clause.style == style
    assert clause.text.startswith(clause.marker)


def test_marker_without_a_space_after_it():
    clause = seed_notice().clause(2)
    assert clause.text.startswith("(II)Tokenization of Real-World Assets refers to")
    assert clause.heading is None
    assert clause.body.startswith("Tokenization of Real-World Assets")


@pytest.mark.parametrize("ordinal", ORDINALS)
def test_clause_position_points_at_its_marker(ordinal):
    text, clause = page(), seed_notice().clause(ordinal)
    line_start = text.rfind("\n", 0, clause.span.start) + 1
    assert clause.line == text.count("\n", 0, clause.span.start) + 1
    assert clause.column == clause.span.start - line_start + 1 == 1
    assert clause.section is None


# ------------------------------------------------------------------- sentences

SENTENCES = [
    # (clause, paragraph index, sentence count, words that stay in one sentence)
    (1, 0, 3, "Tether, etc., have the main"),
    (1, 1, 3, "token issuance financing"),
    (1, 2, 2, "RMB-pegged stablecoin overseas."),
    (2, 1, 2, "competent authorities"),
    (3, 0, 1, "Supreme People's Procuratorate, coordinate efforts"),
    (6, 0, 3, "(including non-bank payment institutions) are"),
    (14, 0, 4, 'income rights, etc. (hereinafter referred to as domestic equity), should'),
    (18, 0, 4, "If it constitutes a crime"),
    (19, 0, 2, "borne by them."),
]


@pytest.mark.parametrize("ordinal, para, count, phrase", SENTENCES)
def test_sentences_split_right(ordinal, para, count, phrase):
    paragraph = seed_notice().clause(ordinal).paragraphs[para]
    sentences = [s.text for s in paragraph.sentences]
    assert len(sentences) == count, sentences
    assert any(phrase in s for s in sentences)
    assert all(s.rstrip('"”')[-1] in ".:" for s in sentences)


def test_first_paragraph_of_item_one():
    sentences = [s.text for s in seed_notice().clause(1).paragraphs[0].sentences]
    assert sentences == [
        "Virtual currency does not possess the legal status equivalent to fiat currency.",
        "Virtual currencies such as Bitcoin, Ether, Tether, etc., have the main characteristics of being issued"
        " by non-monetary authorities, using encryption technology and distributed ledger or similar technology,"
        " existing in digital form, etc.",
        "They do not have legal tender status, should not and cannot be circulated and used as currency in the market.",
    ]


def _block(kind: str):
    return next(p for p in seed_notice().parts if getattr(p, "kind", None) == kind)


def test_no_dot_number_does_not_end_a_sentence():
    foreword = [s.text for s in _block("foreword").paragraphs[0].sentences]
    assert len(foreword) == 3
    assert '(Yinfa [2026] No. 42)", the latest regulatory requirements' in foreword[0]
    closing = [s.text for s in _block("closing").paragraphs[0].sentences]
    assert closing == [
        "This notice shall enter into force upon the date of its issuance.",
        "The People's Bank of China and ten other departments' \"Notice on Further Preventing and Dealing with"
        ' the Risks of Virtual Currency Trading Speculation" (Yinfa [2021] No. 237) is hereby repealed.',
    ]


# ----------------------------------------------------------------- front matter


def test_front_matter(seed_name):
    notice = seed_notice(seed_name)
    assert notice.number == DocNumber(prefix="Yinfa", year=2026, seq=42)
    # the notice's own title, from the foreword; the page's headline kept apart
    assert notice.title.startswith("Notice of the People's Bank of China, National Development and Reform Commission")
    assert notice.title.endswith("on Further Preventing and Dealing with Risks Related to Virtual Currency and Others")
    assert notice.headline.startswith("China's Central Bank and Eight Other Departments'")
    assert notice.issuers == ISSUERS
    assert notice.addressee.startswith("To the people's governments of all provinces")
    assert notice.consulted == ("Cyberspace Administration of China", "Supreme People's Court", "Supreme People's Procuratorate")
    assert notice.approved_by == "State Council"
    assert notice.effective == "upon the date of its issuance"
    assert notice.repeals == (DocNumber(prefix="Yinfa", year=2021, seq=237),)


def test_legal_bases_are_separate_citations_with_spans(seed_name):
    text, notice = page(seed_name), seed_notice(seed_name)
    assert tuple(c.text for c in notice.legal_bases) == LEGAL_BASES
    for citation in notice.legal_bases:
        assert text[citation.span.start : citation.span.end] == citation.text
    starts = [c.span.start for c in notice.legal_bases]
    assert starts == sorted(set(starts))


@pytest.mark.parametrize(
    "written",
    ["Yinfa [2026] No. 42", "Yin Fa [2026] No. 42", "YinFa [2026] No.42", "银发〔2026〕42号", "Yinfa〔2026〕No. 42"],
)
def test_doc_number_forms_normalise_alike(written):
    assert parse_doc_number(written) == DocNumber(prefix="Yinfa", year=2026, seq=42)
    assert str(parse_doc_number(written)) == "Yinfa [2026] No. 42"


def test_doc_number_missing_raises():
    with pytest.raises(ValueError, match="no document number"):
        parse_doc_number("no number here")


# ----------------------------------------------------------- copies, noise, API


def test_duplicate_copy_is_an_anomaly(seed_name):
    text, notice = page(seed_name), seed_notice(seed_name)
    (anomaly,) = notice.anomalies
    assert anomaly.kind == "duplicate"
    assert anomaly.line == DUPLICATE_LINE[seed_name]
    assert anomaly.column == 1
    copy = text[anomaly.span.start : anomaly.span.end]
    assert copy == notice.text and anomaly.span.start > notice.span.end
    assert text.count("\n", 0, anomaly.span.start) + 1 == anomaly.line
    assert str(anomaly.line) in anomaly.message


def test_parse_all_returns_the_notice_once(seed_name):
    (notice,) = regnotice.parse_all(page(seed_name), source=seed_name)
    assert notice.ordinals == ORDINALS and notice.source == seed_name


def test_bare_notice_parses_like_the_page():
    page_notice, alone = seed_notice(), regnotice.parse(bare())
    assert alone.anomalies == ()
    assert alone.span.start == 0
    assert alone.text == page_notice.text
    assert [c.text for c in alone.clauses] == [c.text for c in page_notice.clauses]
    assert [c.heading for c in alone.clauses] == [c.heading for c in page_notice.clauses]
    for field in ("number", "title", "issuers", "consulted", "approved_by", "effective", "repeals"):
        assert getattr(alone, field) == getattr(page_notice, field), field
    assert [c.text for c in alone.legal_bases] == [c.text for c in page_notice.legal_bases]


def test_package_parse_stays_callable_after_the_submodule_is_imported():
    import regnotice.parsing  # noqa: F401  (importing the parser module leaves regnotice.parse a function)

    assert callable(regnotice.parse) and not isinstance(regnotice.parse, type(regnotice))
    assert regnotice.parse(bare()).ordinals == ORDINALS


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Nothing to see here.\nJust a page of news.\n",
        page()[: page().index("To the people's governments")],  # page noise, title and foreword only
    ],
)
def test_page_without_a_notice(text):
    with pytest.raises(NoticeNotFound) as info:
        regnotice.parse(text, source="news.html")
    message = str(info.value)
    assert message.startswith("news.html: no notice found")
    for words in ("addressee line", "numbered items", "closing paragraph"):
        assert words in message
    assert isinstance(info.value, RegnoticeError)


# ------------------------------------------------------------------ references


@pytest.mark.parametrize("ref", [9, "9", " 9 ", "IX", "ix", "(9)", "(IX)", "(ix)", "（九）", "九", "( 9 )"])
def test_clause_lookup_in_any_numbering(ref):
    clause = seed_notice().clause(ref)
    assert clause.ordinal == 9 and clause.marker == "(IX)"
    assert clause.heading == HEADINGS[9]


@pytest.mark.parametrize("ref", [20, "20", "XX", "(20)", "（二十）", 100, "c"])
def test_unknown_clause_lists_the_range(ref):
    with pytest.raises(UnknownClause) as info:
        seed_notice().clause(ref)
    assert "1..19" in str(info.value)
    assert isinstance(info.value, LookupError)


@pytest.mark.parametrize("ref", ["abc", "(a)", "", 0, -3, "IIII", "(X", 1.5])
def test_invalid_reference(ref):
    with pytest.raises(InvalidReference):
        seed_notice().clause(ref)


def test_search_finds_clauses():
    found = seed_notice().search("virtual   currency MINING")
    assert [c.ordinal for c, _ in found] == [9]
    clause, spans = found[0]
    assert all(norm(page()[s.start : s.end]).lower() == "virtual currency mining" for s in spans)


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("text", [None, "no notice here"])
def test_a_parse_leaves_the_garbage_collector_as_it_found_it(enabled, text):
    import gc

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        try:
            regnotice.parse(text if text is not None else regnotice.load().text)
        except regnotice.RegnoticeError:
            pass
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
