"""Markers <-> ordinals: table-driven rows plus hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regnotice.errors import InvalidReference, RegnoticeError
from regnotice.numbering import (
    ARABIC,
    ARABIC_DOT,
    CHINESE,
    CHINESE_COMMA,
    CLAUSE_STYLES,
    HEADING_STYLES,
    ROMAN_DOT,
    ROMAN_LOWER,
    ROMAN_UPPER,
    STYLE_EXAMPLES,
    STYLES,
    chinese_to_int,
    int_to_chinese,
    int_to_roman,
    parse_marker,
    parse_ref,
    render_marker,
    roman_to_int,
)

ROMAN_STYLES = (ROMAN_UPPER, ROMAN_LOWER, ROMAN_DOT)
CHINESE_STYLES = (CHINESE, CHINESE_COMMA)
#: Styles with a short fixed range: the numeral signs Ⅰ..Ⅻ, the words First..Twentieth.
SHORT_STYLES = {"roman_glyph_dot": 12, "ordinal_word": 20}


def _max_ordinal(style: str) -> int:
    if style in SHORT_STYLES:
        return SHORT_STYLES[style]
    if style in ROMAN_STYLES:
        return 3999
    return 99 if style in CHINESE_STYLES else 10**6


# --- styles ---------------------------------------------------------------------------


def test_styles_are_plain_strings():
    assert STYLES == (
        "arabic",
        "roman_upper",
        "roman_lower",
        "chinese",
        "arabic_dot",
        "roman_dot",
        "chinese_comma",
        "arabic_comma",
        "roman_glyph_dot",
        "ordinal_word",
    )
    assert set(CLAUSE_STYLES) | set(HEADING_STYLES) == set(STYLES)
    assert all(type(s) is str for s in STYLES)


@pytest.mark.parametrize("style", STYLES)
def test_style_examples_parse_to_their_style(style):
    assert parse_marker(STYLE_EXAMPLES[style])[1] == style


# --- Roman ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "roman"),
    [
        (1, "I"),
        (4, "IV"),
        (5, "V"),
        (9, "IX"),
        (14, "XIV"),
        (40, "XL"),
        (49, "XLIX"),
        (90, "XC"),
        (99, "XCIX"),
        (400, "CD"),
        (444, "CDXLIV"),
        (900, "CM"),
        (1994, "MCMXCIV"),
        (2024, "MMXXIV"),
        (3888, "MMMDCCCLXXXVIII"),
        (3999, "MMMCMXCIX"),
    ],
)
def test_roman_table(n, roman):
    assert int_to_roman(n) == roman
    assert roman_to_int(roman) == n
    assert roman_to_int(roman.lower()) == n


@pytest.mark.parametrize("mixed", ["Ix", "iX", "McMxCiV"])
def test_roman_to_int_is_case_insensitive(mixed):
    assert roman_to_int(mixed) == roman_to_int(mixed.upper())


@pytest.mark.parametrize(
    "bad",
    ["IIII", "IC", "VV", "IL", "XM", "VX", "MMMM", "IIX", "CCCC", "", " IX", "IX ", "A", "ⅸ", "ı", "I X"],
)
def test_roman_to_int_rejects(bad):
    with pytest.raises(InvalidReference):
        roman_to_int(bad)


@pytest.mark.parametrize(("bad", "hint"), [("IIII", "IV"), ("IC", "XCIX"), ("iiii", "iv")])
def test_roman_error_suggests_canonical(bad, hint):
    with pytest.raises(InvalidReference, match=f"did you mean {hint}"):
        roman_to_int(bad)


@pytest.mark.parametrize("n", [0, -1, 4000, 10**9])
def test_int_to_roman_out_of_range(n):
    with pytest.raises(ValueError):
        int_to_roman(n)


@pytest.mark.parametrize("n", [True, 1.0, "1", None])
def test_int_to_roman_wrong_type(n):
    with pytest.raises(TypeError):
        int_to_roman(n)


@given(st.integers(1, 3999))
def test_roman_round_trip(n):
    roman = int_to_roman(n)
    assert roman_to_int(roman) == n
    assert roman_to_int(roman.lower()) == n


# --- Chinese --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "chinese"),
    [
        (1, "一"),
        (2, "二"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (55, "五十五"),
        (90, "九十"),
        (99, "九十九"),
    ],
)
def test_chinese_table(n, chinese):
    assert int_to_chinese(n) == chinese
    assert chinese_to_int(chinese) == n


@pytest.mark.parametrize(
    "bad", ["", "零", "〇", "一十", "一十一", "十十", "二二", "九十九十", "一百", "百", "9", "IX", "十 一", "（九）"]
)
def test_chinese_to_int_rejects(bad):
    with pytest.raises(InvalidReference):
        chinese_to_int(bad)


@pytest.mark.parametrize("n", [0, -1, 100])
def test_int_to_chinese_out_of_range(n):
    with pytest.raises(ValueError):
        int_to_chinese(n)


@given(st.integers(1, 99))
def test_chinese_round_trip(n):
    assert chinese_to_int(int_to_chinese(n)) == n


# --- parse_marker ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(9)", (9, ARABIC)),
        ("( 9 )", (9, ARABIC)),
        ("（9）", (9, ARABIC)),
        ("(12)", (12, ARABIC)),
        ("(IX)", (9, ROMAN_UPPER)),
        ("( IX )", (9, ROMAN_UPPER)),
        ("(ix)", (9, ROMAN_LOWER)),
        ("（九）", (9, CHINESE)),
        ("(九)", (9, CHINESE)),
        ("（ 九 ）", (9, CHINESE)),
        ("（\u3000九\u3000）", (9, CHINESE)),
        ("(九）", (9, CHINESE)),
        ("（二十一）", (21, CHINESE)),
        ("1.", (1, ARABIC_DOT)),
        ("12.", (12, ARABIC_DOT)),
        ("I.", (1, ROMAN_DOT)),
        ("IX.", (9, ROMAN_DOT)),
        ("一、", (1, CHINESE_COMMA)),
        ("十二、", (12, CHINESE_COMMA)),
        ("  (9)  ", (9, ARABIC)),
        # the ambiguity rule: a letter that is a Roman numeral is one
        ("(i)", (1, ROMAN_LOWER)),
        ("(v)", (5, ROMAN_LOWER)),
        ("(x)", (10, ROMAN_LOWER)),
        ("(l)", (50, ROMAN_LOWER)),
        ("(c)", (100, ROMAN_LOWER)),
        ("(d)", (500, ROMAN_LOWER)),
        ("(m)", (1000, ROMAN_LOWER)),
        ("(C)", (100, ROMAN_UPPER)),
        ("(D)", (500, ROMAN_UPPER)),
        ("(M)", (1000, ROMAN_UPPER)),
    ],
)
def test_parse_marker_table(raw, expected):
    assert parse_marker(raw) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "IIII",
        "(IIII)",
        "IC",
        "(IC)",
        "(a)",
        "(b)",
        "(h)",
        "(A)",
        "",
        " ",
        "(",
        ")",
        "()",
        "( )",
        "0",
        "(0)",
        "0.",
        "-1",
        "(-1)",
        "9",
        "IX",
        "九",
        "IX)",
        "(IX",
        "（十）)",
        "((9))",
        "(Ix)",
        "i.",
        "ix.",
        "一.",
        "IX、",
        "(一十)",
        "(零)",
        "(9.)",
        "(9",
        "9)",
        "[9]",
        "(９)",
        "(1234567890)",
    ],
)
def test_parse_marker_rejects(bad):
    with pytest.raises(InvalidReference):
        parse_marker(bad)


@pytest.mark.parametrize("bad", [None, 9, True, b"(9)", ["(9)"]])
def test_parse_marker_rejects_non_strings(bad):
    with pytest.raises(InvalidReference):
        parse_marker(bad)


def test_parse_marker_error_names_marker():
    with pytest.raises(InvalidReference, match=r"'\(a\)'"):
        parse_marker("(a)")


def test_ordinal_is_identity_style_only_recorded():
    """``(IV)`` then ``(5)``: siblings 4 and 5, whatever their styles."""
    (four, s4), (five, s5) = parse_marker("(IV)"), parse_marker("(5)")
    assert (four, five) == (4, 5)
    assert (s4, s5) == (ROMAN_UPPER, ARABIC)
    assert {parse_ref(m) for m in ("(5)", "(V)", "(v)", "（五）", "5.", "V.", "五、", "五", "v", 5)} == {5}


# --- render_marker --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ordinal", "style", "rendered"),
    [
        (9, ARABIC, "(9)"),
        (9, ROMAN_UPPER, "(IX)"),
        (9, ROMAN_LOWER, "(ix)"),
        (9, CHINESE, "（九）"),
        (9, ARABIC_DOT, "9."),
        (9, ROMAN_DOT, "IX."),
        (9, CHINESE_COMMA, "九、"),
        (10, CHINESE, "（十）"),
        (100, ROMAN_UPPER, "(C)"),
        (1234, ARABIC, "(1234)"),
    ],
)
def test_render_marker_table(ordinal, style, rendered):
    assert render_marker(ordinal, style) == rendered


@pytest.mark.parametrize(
    ("ordinal", "style", "error"),
    [
        (0, ARABIC, ValueError),
        (-1, ARABIC_DOT, ValueError),
        (4000, ROMAN_UPPER, ValueError),
        (100, CHINESE, ValueError),
        (100, CHINESE_COMMA, ValueError),
        (1, "letters", ValueError),
        (True, ARABIC, TypeError),
        ("9", ARABIC, TypeError),
    ],
)
def test_render_marker_rejects(ordinal, style, error):
    with pytest.raises(error):
        render_marker(ordinal, style)


@st.composite
def style_and_ordinal(draw, low=1):
    style = draw(st.sampled_from(STYLES))
    return style, draw(st.integers(low, _max_ordinal(style)))


@given(style_and_ordinal())
def test_render_parse_round_trip(case):
    style, n = case
    assert parse_marker(render_marker(n, style)) == (n, style)


@pytest.mark.parametrize("style", STYLES)
def test_render_parse_round_trip_exhaustive(style):
    for n in range(1, min(_max_ordinal(style), 3999) + 1 if style not in CHINESE_STYLES else 100):
        assert parse_marker(render_marker(n, style)) == (n, style)


# --- parse_ref ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (9, 9),
        (1, 1),
        (10**12, 10**12),
        ("9", 9),
        (" 9 ", 9),
        ("09", 9),
        ("IX", 9),
        ("ix", 9),
        ("Ix", 9),
        (" IX ", 9),
        ("(9)", 9),
        ("( 9 )", 9),
        ("(IX)", 9),
        ("(ix)", 9),
        ("(Ix)", 9),
        ("（九）", 9),
        ("(九)", 9),
        ("九", 9),
        ("二十一", 21),
        ("9.", 9),
        ("IX.", 9),
        ("九、", 9),
        # the ambiguity rule
        ("i", 1),
        ("v", 5),
        ("x", 10),
        ("l", 50),
        ("c", 100),
        ("C", 100),
        ("(C)", 100),
        ("d", 500),
        ("m", 1000),
        ("M", 1000),
    ],
)
def test_parse_ref_table(ref, expected):
    assert parse_ref(ref) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "IIII",
        "IC",
        "(a)",
        "a",
        "",
        "   ",
        "(",
        "()",
        "0",
        "(0)",
        "-1",
        "(-1)",
        "+9",
        0,
        -1,
        True,
        False,
        "IX)",
        "(IX",
        "（十）)",
        "((9))",
        "i.",
        "9,",
        "一十",
        "零",
        "〇",
        "MMMM",
        "1234567890",
        "nine",
        "٩",
        "９",
        9.0,
        None,
        b"9",
        [9],
    ],
)
def test_parse_ref_rejects(bad):
    with pytest.raises(InvalidReference):
        parse_ref(bad)


@pytest.mark.parametrize("bad", ["(a)", "IIII", "-1", True, "（十）)"])
def test_parse_ref_error_names_ref_and_forms(bad):
    with pytest.raises(InvalidReference) as info:
        parse_ref(bad)
    message = str(info.value)
    assert repr(bad) in message
    for form in ("(9)", "(IX)", "（九）"):
        assert form in message


def test_invalid_reference_is_a_usage_error():
    with pytest.raises(InvalidReference) as info:
        parse_ref("(a)")
    assert isinstance(info.value, RegnoticeError)
    assert isinstance(info.value, ValueError)
    assert info.value.exit_code == 2


@given(style_and_ordinal())
def test_parse_ref_of_every_rendering(case):
    style, n = case
    assert parse_ref(render_marker(n, style)) == n


@given(st.integers(1, 3999))
def test_parse_ref_of_bare_numerals(n):
    assert parse_ref(n) == n
    assert parse_ref(str(n)) == n
    assert parse_ref(int_to_roman(n)) == n
    assert parse_ref(int_to_roman(n).lower()) == n
    if n <= 99:
        assert parse_ref(int_to_chinese(n)) == n


@given(st.integers(max_value=0))
def test_parse_ref_rejects_non_positive_ints(n):
    with pytest.raises(InvalidReference):
        parse_ref(n)


# --- robustness: only InvalidReference, never another exception -----------------------

_NEAR_MISS = st.text(
    alphabet="()（）[] .、,-+0123456789IVXLCDMivxlcdmabAB一二三四五六七八九十〇零百\u3000\t",
    max_size=12,
)


def _only_invalid_reference(fn, value):
    try:
        result = fn(value)
    except InvalidReference:
        return None
    return result


@given(st.one_of(st.text(), _NEAR_MISS))
def test_parse_ref_random_text(text):
    result = _only_invalid_reference(parse_ref, text)
    assert result is None or (type(result) is int and result >= 1)


@given(st.one_of(st.text(), _NEAR_MISS))
def test_parse_marker_random_text(text):
    result = _only_invalid_reference(parse_marker, text)
    if result is not None:
        n, style = result
        assert n >= 1 and style in STYLES
        # whatever parses names the same ordinal as a reference
        assert parse_ref(text) == n


@given(st.one_of(st.text(), _NEAR_MISS))
def test_roman_and_chinese_random_text(text):
    for fn in (roman_to_int, chinese_to_int):
        result = _only_invalid_reference(fn, text)
        assert result is None or 1 <= result <= 3999


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ("Ⅰ.", (1, "roman_glyph_dot")),
        ("Ⅻ．", (12, "roman_glyph_dot")),
        ("3、", (3, "arabic_comma")),
        ("1．", (1, "arabic_dot")),
        ("First,", (1, "ordinal_word")),
        ("Secondly,", (2, "ordinal_word")),
        ("Twentieth，", (20, "ordinal_word")),
    ],
)
def test_markers_of_real_notices(marker, expected):
    assert parse_marker(marker) == expected


@pytest.mark.parametrize("marker", ["first,", "Twenty-first,", "Ⅰ", "ⅠⅠ.", "Firstly", "a、"])
def test_not_markers_of_real_notices(marker):
    with pytest.raises(InvalidReference):
        parse_marker(marker)


@pytest.mark.parametrize(("ref", "n"), [("Ⅸ.", 9), ("Ninth,", 9), ("9、", 9)])
def test_refs_in_new_styles(ref, n):
    assert parse_ref(ref) == n
