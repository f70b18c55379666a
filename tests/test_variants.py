"""Variants of the notice built from the seed parse to the same 19 clauses: line ends,
a BOM, hard wrapping, two-level numbering, marker styles, spaces after markers. Broken
numbering is reported as anomalies, never renumbered."""

from __future__ import annotations

import pytest
from conftest import (
    ORDINALS,
    RAW_MARKERS,
    SECTIONS,
    VARIANTS,
    bare,
    body,
    build,
    headings,
    item_texts,
    norm,
    pieces,
    restyled,
    sectioned,
    seed_notice,
    wrapped,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from regnotice.models import DocNumber
from regnotice.numbering import CLAUSE_STYLES, render_marker
from regnotice.parsing import parse

REFERENCE_TEXTS = item_texts(seed_notice())
REFERENCE_HEADINGS = headings(seed_notice())

#: Which layout each variant must be read in; the rest are "lines".
BLOCKS = {"wrapped", "wrapped_40", "wrapped_page", "wrapped_crlf", "sections_restart_wrapped", "blank_line_paragraphs"}
#: The style every marker of a variant has (None: the seed's mix).
STYLE = {"chinese": "chinese", "roman_lower": None, "all_arabic": "arabic", "sections_restart": "arabic"}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_parses_to_the_same_clauses(name):
    notice = parse(VARIANTS[name]())
    assert notice.ordinals == ORDINALS
    assert item_texts(notice) == REFERENCE_TEXTS
    assert headings(notice) == REFERENCE_HEADINGS
    assert notice.layout == ("blocks" if name in BLOCKS else "lines")
    assert [a.kind for a in notice.anomalies] == (["duplicate"] if "page" in name else [])
    if STYLE.get(name):
        assert {c.style for c in notice.clauses} == {STYLE[name]}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_keeps_the_front_matter(name):
    notice = parse(VARIANTS[name]())
    seed = seed_notice()
    assert notice.number == DocNumber(prefix="Yinfa", year=2026, seq=42)
    assert notice.title == seed.title and notice.addressee == seed.addressee
    assert notice.issuers == seed.issuers and len(notice.issuers) == 8
    assert [norm(c.text) for c in notice.legal_bases] == [c.text for c in seed.legal_bases]
    assert (notice.consulted, notice.approved_by) == (seed.consulted, seed.approved_by)
    assert (notice.effective, notice.repeals) == (seed.effective, seed.repeals)


def test_crlf_and_bom():
    text = VARIANTS["crlf_bom"]()
    notice = parse(text)
    assert text.startswith("\ufeff") and "\r\n" in text
    assert all("\r" not in norm(c.text) and not c.text.endswith("\r") for c in notice.clauses)
    assert notice.title == seed_notice().title


def test_wrapped_lines_are_about_72_columns():
    text = VARIANTS["wrapped"]()
    assert max(map(len, text.splitlines())) <= 72 + 20  # a long token may overrun
    assert "\n\n" in text
    notice = parse(text)
    assert any("\n" in c.text for c in notice.clauses)  # the soft breaks stay in the text


@pytest.mark.parametrize("heading_style", ["roman_dot", "arabic_dot", "chinese_comma"])
@pytest.mark.parametrize("restart", [False, True], ids=["continuous", "restart"])
def test_two_level_numbering(heading_style, restart):
    notice = parse(sectioned(heading_style, restart))
    assert notice.ordinals == ORDINALS
    assert item_texts(notice) == REFERENCE_TEXTS
    starts = sorted(SECTIONS)
    expected = [sum(1 for s in starts if s <= n) for n in ORDINALS]
    assert [c.section for c in notice.clauses] == expected
    sections = [p for p in notice.parts if p.kind == "section"]
    assert [(s.ordinal, s.title, s.style) for s in sections] == [
        (i, title, heading_style) for i, title in enumerate(SECTIONS.values(), 1)
    ]
    if restart:
        assert [c.marker for c in notice.clauses][4:6] == ["(1)", "(2)"]
        assert notice.anomalies == ()
    else:
        assert tuple(c.marker for c in notice.clauses) == RAW_MARKERS
    assert notice.clause(15).section == 4 and notice.clause("XV").marker == ("(1)" if restart else "(15)")


@pytest.mark.parametrize(
    "name, marker",
    [("chinese", "（九）"), ("roman_lower", "(ix)"), ("all_arabic", "(9)")],
)
def test_marker_styles(name, marker):
    notice = parse(VARIANTS[name]())
    assert notice.clause(9).marker == marker
    assert notice.clause("（十九）").ordinal == 19


@pytest.mark.parametrize("sep", ["\u00a0", "\t", "\u3000", "  ", ""])
def test_space_after_the_marker(sep):
    notice = parse(restyled(lambda n: RAW_MARKERS[n - 1], sep=sep))
    assert notice.ordinals == ORDINALS
    assert item_texts(notice) == REFERENCE_TEXTS
    assert headings(notice) == REFERENCE_HEADINGS


@settings(max_examples=40, deadline=None)
@given(
    styles=st.lists(st.sampled_from(CLAUSE_STYLES), min_size=19, max_size=19),
    sep=st.sampled_from([" ", "\t", "\u00a0", ""]),
)
def test_any_mix_of_marker_styles(styles, sep):
    items = [(render_marker(n, s), sep + body(rest)) for n, (s, (_, rest)) in enumerate(zip(styles, pieces().items), 1)]
    notice = parse(build(items))
    assert notice.ordinals == ORDINALS
    assert item_texts(notice) == REFERENCE_TEXTS
    assert [c.style for c in notice.clauses] == styles


# ---------------------------------------------------------------- anomalies


def _items():
    return list(pieces().items)


def _dropped(n):
    items = _items()
    del items[n - 1]
    return items


def _repeated(n):
    items = _items()
    items.insert(n, items[n - 1])
    return items


def _swapped(n):
    items = _items()
    items[n - 1], items[n] = items[n], items[n - 1]
    return items


ANOMALIES = [
    # (name, items, expected ordinals, [(kind, marker of the clause reported)])
    ("gap", _dropped(7), ORDINALS[:6] + ORDINALS[7:], [("gap", "(8)")]),
    ("gap_of_three", _dropped(2)[:1] + _dropped(2)[3:], (1, 5) + ORDINALS[5:], [("gap", "(5)")]),
    ("repeat", _repeated(5), ORDINALS[:5] + (5,) + ORDINALS[5:], [("repeat", "(5)")]),
    ("out_of_order", _swapped(10), ORDINALS[:9] + (11, 10) + ORDINALS[11:], [("gap", "(XI)"), ("out_of_order", "(X)")]),
]


@pytest.mark.parametrize("name, items, ordinals, expected", ANOMALIES, ids=[a[0] for a in ANOMALIES])
def test_numbering_anomalies_are_reported_not_renumbered(name, items, ordinals, expected):
    text = build(items)
    notice = parse(text)
    assert notice.ordinals == ordinals
    assert [(a.kind, text[a.span.start : a.span.end]) for a in notice.anomalies] == expected
    for anomaly in notice.anomalies:
        assert anomaly.line == text.count("\n", 0, anomaly.span.start) + 1
        assert anomaly.column == 1
        assert text[anomaly.span.start : anomaly.span.end] in anomaly.message


def test_anomaly_column_of_an_indented_marker():
    items = [("  " + m, rest) for m, rest in _dropped(7)]
    text = build(items)
    (anomaly,) = parse(text).anomalies
    assert (anomaly.kind, anomaly.column) == ("gap", 3)
    assert text.splitlines()[anomaly.line - 1].startswith("  (8)")
    assert "7" in anomaly.message


@pytest.mark.parametrize(
    "inside",
    [
        "as listed in (1) above",
        "under the Measures (2024 Edition) and",
        "see item (IX) and item （三） of this notice",
        "in sub-item (ii) thereof",
    ],
)
def test_marker_inside_a_sentence_is_text(inside):
    items = _items()
    marker, rest = items[6]
    items[6] = (marker, rest.replace("Internet enterprises are", f"Internet enterprises, {inside}, are", 1))
    notice = parse(build(items))
    assert notice.ordinals == ORDINALS
    assert inside in notice.clause(7).text
    assert notice.anomalies == ()


@pytest.mark.parametrize("inside", ["(1) above", "(2024 Edition) and", "(IX) of this notice"])
def test_marker_opening_a_wrapped_line_is_text(inside):
    """In hard-wrapped text a soft break may put "(1)" at the start of a line."""
    items = _items()
    marker, rest = items[6]
    items[6] = (marker, rest.replace("Internet enterprises are", f"Internet enterprises, as in {inside}, are", 1))
    text = wrapped(build(items))
    text = text.replace(f" {inside}", f"\n{inside}", 1) if f"\n{inside}" not in text else text
    assert f"\n{inside}" in text
    notice = parse(text)
    assert notice.layout == "blocks"
    assert notice.ordinals == ORDINALS
    assert norm(inside) in norm(notice.clause(7).text)


def test_stray_bom_before_an_item_is_no_text():
    items = _items()
    items[4] = ("\ufeff" + items[4][0], items[4][1])
    notice = parse(build(items))
    assert notice.ordinals == ORDINALS
    assert notice.clause(5).marker == "(5)"


def test_bare_region_and_page_agree():
    page_notice, alone = seed_notice(), parse(bare())
    assert alone.ordinals == page_notice.ordinals
    assert item_texts(alone) == item_texts(page_notice)
    assert headings(alone) == headings(page_notice)
