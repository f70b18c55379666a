"""Clause markers and ordinals, both ways.

A notice numbers its clauses with *markers*: ``(9)``, ``(IX)``, ``(ix)``,
``（九）`` for clauses, and ``1.``, ``I.``, ``一、`` for section headings. This
module turns a marker into an *ordinal* (a positive ``int``) plus the name of
its *style*, renders an ordinal back in a style, and reads a user's clause
reference (``9``, ``"IX"``, ``"(9)"``, ``"九"`` ...) as an ordinal.

>>> parse_marker("(IX)")
(9, 'roman_upper')
>>> render_marker(9, CHINESE)
'（九）'
>>> parse_ref("ix")
9

The ambiguity rule
------------------
Seven letters are both letters and Roman numerals: ``i v x l c d m`` (either
case). regnotice reads them as **Roman numerals, always**, wherever a numeral
is expected: ``(i)`` is 1, ``(v)`` is 5, ``(C)`` is 100, ``(D)`` is 500,
``(M)`` is 1000, and the bare reference ``"c"`` is 100. Lettered lists are
not a numbering regnotice knows: a letter that is no Roman numeral, such as
``(a)`` or ``(h)``, is not a marker and raises
:class:`~regnotice.errors.InvalidReference`.

>>> parse_marker("(C)")
(100, 'roman_upper')
>>> parse_marker("(a)")  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
regnotice.errors.InvalidReference: not a clause marker: '(a)'; ...

Within a document **the ordinal is the identity of a clause; the style is only
recorded**. ``(IV)`` followed by ``(5)`` are siblings 4 and 5, not two
separate lists, and a reference ``"(5)"``, ``"V"`` or ``"五"`` finds the same
clause.

>>> [parse_marker(m)[0] for m in ("(IV)", "(5)")]
[4, 5]

Strictness
----------
* Roman numerals must be canonical and in 1..3999: ``IIII`` and ``IC`` are
  rejected (the message suggests ``IV`` and ``XCIX``). Case is free for
  :func:`roman_to_int` and :func:`parse_ref`; in a marker the case decides the
  style (``roman_upper`` or ``roman_lower``) and mixed case (``(Ix)``) is
  rejected.
* Chinese numerals are read in their canonical form for 1..99 (``十``,
  ``十一``, ``二十``, ``九十九``). ``〇``/``零`` never occur in that range (the
  ordinal 0 does not exist) and forms such as ``一十`` are not canonical, so
  both are rejected.
* Arabic numbers are ASCII digits only (at most 9 of them); 0 and negative
  numbers are rejected.
* Parentheses may be ASCII ``( )`` or full-width ``（ ）`` (U+FF08/U+FF09), in
  any pairing, with optional whitespace inside; surrounding whitespace is
  ignored. A marker without its delimiters (``9``, ``IX``) is no marker, though
  it is a fine reference for :func:`parse_ref`.

This module is pure standard library: it sits on the CLI's fast path.
"""

from __future__ import annotations

from functools import lru_cache

from regnotice.errors import InvalidReference

__all__ = [
    "ARABIC",
    "ROMAN_UPPER",
    "ROMAN_LOWER",
    "CHINESE",
    "ARABIC_DOT",
    "ROMAN_DOT",
    "CHINESE_COMMA",
    "ARABIC_COMMA",
    "ROMAN_GLYPH_DOT",
    "ORDINAL_WORD",
    "STYLES",
    "CLAUSE_STYLES",
    "HEADING_STYLES",
    "STYLE_EXAMPLES",
    "int_to_roman",
    "roman_to_int",
    "int_to_chinese",
    "chinese_to_int",
    "parse_marker",
    "render_marker",
    "parse_ref",
]

# --- styles ---------------------------------------------------------------------------

ARABIC = "arabic"  #: ``(5)``
ROMAN_UPPER = "roman_upper"  #: ``(IX)``
ROMAN_LOWER = "roman_lower"  #: ``(ix)``
CHINESE = "chinese"  #: ``（九）``, full-width parentheses
ARABIC_DOT = "arabic_dot"  #: ``1.``
ROMAN_DOT = "roman_dot"  #: ``I.``
CHINESE_COMMA = "chinese_comma"  #: ``一、``
ARABIC_COMMA = "arabic_comma"  #: ``1、``
ROMAN_GLYPH_DOT = "roman_glyph_dot"  #: ``Ⅰ.``, the numeral signs U+2160..U+216B
ORDINAL_WORD = "ordinal_word"  #: ``First,`` ... ``Twentieth,``

CLAUSE_STYLES: tuple[str, ...] = (ARABIC, ROMAN_UPPER, ROMAN_LOWER, CHINESE)
#: Styles that number a section or, in a notice of one level, its items.
HEADING_STYLES: tuple[str, ...] = (ARABIC_DOT, ROMAN_DOT, CHINESE_COMMA, ARABIC_COMMA, ROMAN_GLYPH_DOT, ORDINAL_WORD)
STYLES: tuple[str, ...] = CLAUSE_STYLES + HEADING_STYLES

#: One canonical example of each style (used in messages and docs).
STYLE_EXAMPLES: dict[str, str] = {
    ARABIC: "(5)",
    ROMAN_UPPER: "(IX)",
    ROMAN_LOWER: "(ix)",
    CHINESE: "（九）",
    ARABIC_DOT: "1.",
    ROMAN_DOT: "I.",
    CHINESE_COMMA: "一、",
    ARABIC_COMMA: "1、",
    ROMAN_GLYPH_DOT: "Ⅰ.",
    ORDINAL_WORD: "First,",
}

_OPEN = "(（"
_CLOSE = ")）"
_FW_OPEN = "（"
_FW_CLOSE = "）"
_IDEO_COMMA = "、"
_DOTS = ".．"  # a full stop, ASCII or full-width
# The Roman numeral signs Ⅰ..Ⅻ (U+2160..U+216B): one character each, 1..12.
_ROMAN_GLYPHS = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
_ROMAN_GLYPH_MAX = len(_ROMAN_GLYPHS)
# English ordinal words that number paragraphs ("First, ... Second, ..."), 1..20.
_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth"
    " fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
_ORDINAL_WORD_MAX = len(_ORDINAL_WORDS)
_ORDINAL_VALUES = {w: n for n, w in enumerate(_ORDINAL_WORDS, 1)} | {w + "ly": n for n, w in enumerate(_ORDINAL_WORDS[:3], 1)}

_ACCEPTED_REFS = (
    "a positive number (9), a Roman numeral (IX or ix), a Chinese numeral (九), "
    "or a marker such as (9), (IX), (ix), （九）, 9., IX., 九、"
)
_ACCEPTED_MARKERS = (
    "a marker such as (9), (IX), (ix), （九） or (九) for clauses, "
    "or 9., IX., 九、, 9、, Ⅸ., Ninth, for headings"
)

_MAX_DIGITS = 9
_ROMAN_MIXED = "roman_mixed"  # a numeral kind, never a style: "Ix"

# --- Roman numerals -------------------------------------------------------------------

_ROMAN_MAX = 3999
_ROMAN_TABLE = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
_ROMAN_DIGITS = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_ROMAN_UPPER_CHARS = frozenset(_ROMAN_DIGITS)
_ROMAN_LOWER_CHARS = frozenset(c.lower() for c in _ROMAN_DIGITS)
_ROMAN_CHARS = _ROMAN_UPPER_CHARS | _ROMAN_LOWER_CHARS
_ROMAN_MAX_LEN = 15  # MMMDCCCLXXXVIII


def _check_ordinal(n: object, high: int | None) -> int:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"ordinal must be an int, not {type(n).__name__}")
    if n < 1 or (high is not None and n > high):
        bound = f"1..{high}" if high is not None else "a positive number"
        raise ValueError(f"ordinal {n!r} is out of range; expected {bound}")
    return n


@lru_cache(maxsize=4096)
def _roman(n: int) -> str:
    out = []
    for value, numeral in _ROMAN_TABLE:
        count, n = divmod(n, value)
        out.append(numeral * count)
    return "".join(out)


def int_to_roman(n: int) -> str:
    """Upper-case canonical Roman numeral for ``n`` in 1..3999.

    >>> int_to_roman(9), int_to_roman(1994), int_to_roman(3999)
    ('IX', 'MCMXCIV', 'MMMCMXCIX')
    >>> int_to_roman(0)
    Traceback (most recent call last):
        ...
    ValueError: ordinal 0 is out of range; expected 1..3999
    """
    return _roman(_check_ordinal(n, _ROMAN_MAX))


def _roman_loose(upper: str) -> int:
    """Additive/subtractive value of a string of upper-case Roman digits (canonical or not)."""
    total = 0
    prev = 0
    for ch in reversed(upper):
        value = _ROMAN_DIGITS[ch]
        if value < prev:
            total -= value
        else:
            total += value
            prev = value
    return total


@lru_cache(maxsize=1024)
def _roman_value(s: str) -> int | str:
    """The value of a canonical numeral (any case), or the reason it is not one."""
    upper = s.upper() if s.isascii() else ""
    if not upper or not _ROMAN_UPPER_CHARS.issuperset(upper):
        return "not a Roman numeral"
    value = _roman_loose(upper) if len(upper) <= _ROMAN_MAX_LEN else None
    if value is None or not 1 <= value <= _ROMAN_MAX:
        return "not a canonical Roman numeral in 1..3999"
    canonical = _roman(value)
    if canonical != upper:
        if s.islower():
            canonical = canonical.lower()
        return f"not a canonical Roman numeral (did you mean {canonical}?)"
    return value


def roman_to_int(s: str) -> int:
    """Value of a canonical Roman numeral in 1..3999, upper or lower case.

    >>> roman_to_int("IX"), roman_to_int("ix"), roman_to_int("MCMXCIV")
    (9, 9, 1994)
    >>> roman_to_int("IIII")
    Traceback (most recent call last):
        ...
    regnotice.errors.InvalidReference: 'IIII' is not a canonical Roman numeral (did you mean IV?)
    >>> roman_to_int("IC")
    Traceback (most recent call last):
        ...
    regnotice.errors.InvalidReference: 'IC' is not a canonical Roman numeral (did you mean XCIX?)
    """
    if not isinstance(s, str):
        raise TypeError(f"expected a str, not {type(s).__name__}")
    result = _roman_value(s)
    if isinstance(result, str):
        raise InvalidReference(f"{s!r} is {result}")
    return result


# --- Chinese numerals -----------------------------------------------------------------

_CHINESE_MAX = 99
_CN_DIGITS = "一二三四五六七八九"
_CN_TEN = "十"
_CN_ZEROS = "〇零"
_CN_CHARS = frozenset(_CN_DIGITS + _CN_TEN + _CN_ZEROS)


def _build_chinese() -> tuple[str, ...]:
    names = [""]
    for n in range(1, _CHINESE_MAX + 1):
        tens, units = divmod(n, 10)
        head = "" if tens == 0 else (_CN_TEN if tens == 1 else _CN_DIGITS[tens - 1] + _CN_TEN)
        names.append(head + (_CN_DIGITS[units - 1] if units else ""))
    return tuple(names)


_CHINESE_NAMES = _build_chinese()  # index n -> canonical numeral; [0] unused
_CHINESE_VALUES = {name: n for n, name in enumerate(_CHINESE_NAMES) if n}


def int_to_chinese(n: int) -> str:
    """Canonical Chinese numeral for ``n`` in 1..99.

    >>> [int_to_chinese(n) for n in (1, 9, 10, 11, 20, 21, 99)]
    ['一', '九', '十', '十一', '二十', '二十一', '九十九']
    """
    return _CHINESE_NAMES[_check_ordinal(n, _CHINESE_MAX)]


def _chinese_reason(s: str) -> str:
    if s and _CN_CHARS.issuperset(s):
        if any(c in _CN_ZEROS for c in s):
            return "not a Chinese numeral in 1..99 (〇/零 is not used there)"
        return "not a canonical Chinese numeral in 1..99"
    return "not a Chinese numeral"


def chinese_to_int(s: str) -> int:
    """Value of a canonical Chinese numeral in 1..99.

    >>> chinese_to_int("九"), chinese_to_int("十"), chinese_to_int("十九"), chinese_to_int("九十九")
    (9, 10, 19, 99)
    >>> chinese_to_int("一十")
    Traceback (most recent call last):
        ...
    regnotice.errors.InvalidReference: '一十' is not a canonical Chinese numeral in 1..99
    """
    if not isinstance(s, str):
        raise TypeError(f"expected a str, not {type(s).__name__}")
    value = _CHINESE_VALUES.get(s)
    if value is None:
        raise InvalidReference(f"{s!r} is {_chinese_reason(s)}")
    return value


# --- markers --------------------------------------------------------------------------


def _arabic_value(s: str) -> int | None:
    if s.isascii() and s.isdigit() and len(s) <= _MAX_DIGITS:
        value = int(s)
        return value if value > 0 else None
    return None


def _numeral(body: str) -> tuple[int, str] | str:
    """Read a bare numeral: ``(value, kind)`` with kind arabic/upper/lower/chinese, or a reason."""
    value = _arabic_value(body)
    if value is not None:
        return value, ARABIC
    if body and body.isascii() and _ROMAN_CHARS.issuperset(body):
        result = _roman_value(body)
        if isinstance(result, str):
            return f"{body!r} is {result}"
        if body.isupper():
            return result, ROMAN_UPPER
        if body.islower():
            return result, ROMAN_LOWER
        return result, _ROMAN_MIXED
    chinese = _CHINESE_VALUES.get(body)
    if chinese is not None:
        return chinese, CHINESE
    if body[:1] in ("-", "+") and body[1:].isascii() and body[1:].isdigit():
        return f"{body!r} is not a positive number"
    if body.isascii() and body.isdigit():
        if len(body) > _MAX_DIGITS:
            return f"{body!r} is too large"
        return f"{body!r} is not a positive number"
    if body and _CN_CHARS.issuperset(body):
        return f"{body!r} is {_chinese_reason(body)}"
    return ""


@lru_cache(maxsize=2048)
def _parse_marker(raw: str) -> tuple[int, str] | str:
    """``(ordinal, style)`` or a reason (possibly empty) the marker is invalid."""
    text = raw.strip()
    if len(text) < 2:
        return ""
    first, last = text[0], text[-1]
    if first in _OPEN and last in _CLOSE:
        body = text[1:-1].strip()
        read = _numeral(body)
        if isinstance(read, str):
            return read
        value, kind = read
        if kind == _ROMAN_MIXED:
            return f"{body!r} mixes upper and lower case"
        return value, kind
    if last == "," or last == "，":
        value = _ORDINAL_VALUES.get(text[:-1].lower()) if text[:1].isupper() else None
        return (value, ORDINAL_WORD) if value else ""
    if last in _DOTS and len(text) == 2 and text[0] in _ROMAN_GLYPHS:
        return _ROMAN_GLYPHS.index(text[0]) + 1, ROMAN_GLYPH_DOT
    if last in _DOTS:
        read = _numeral(text[:-1])
        if isinstance(read, str):
            return read
        value, kind = read
        if kind == ARABIC:
            return value, ARABIC_DOT
        if kind == ROMAN_UPPER:
            return value, ROMAN_DOT
        return f"a heading number is Arabic or upper-case Roman, not {text[:-1]!r}"
    if last == _IDEO_COMMA:
        read = _numeral(text[:-1])
        if isinstance(read, str):
            return read
        value, kind = read
        if kind == CHINESE:
            return value, CHINESE_COMMA
        if kind == ARABIC:
            return value, ARABIC_COMMA
        return f"a heading number before 、 is Chinese or Arabic, not {text[:-1]!r}"
    return ""


def parse_marker(raw: str) -> tuple[int, str]:
    """``(ordinal, style)`` of a marker as it appears in a document.

    ASCII or full-width parentheses are accepted, with optional whitespace inside;
    a style name from :data:`STYLES` is returned.

    >>> parse_marker("(9)"), parse_marker("( 9 )"), parse_marker("（9）")
    ((9, 'arabic'), (9, 'arabic'), (9, 'arabic'))
    >>> parse_marker("(IX)"), parse_marker("(ix)")
    ((9, 'roman_upper'), (9, 'roman_lower'))
    >>> parse_marker("（九）"), parse_marker("(九)")
    ((9, 'chinese'), (9, 'chinese'))
    >>> parse_marker("1."), parse_marker("I."), parse_marker("一、")
    ((1, 'arabic_dot'), (1, 'roman_dot'), (1, 'chinese_comma'))
    >>> parse_marker("IX)")
    Traceback (most recent call last):
        ...
    regnotice.errors.InvalidReference: not a clause marker: 'IX)'; expected a marker such as (9), (IX), (ix), （九） or (九) for clauses, or 9., IX., 九、, 9、, Ⅸ., Ninth, for headings
    """
    if not isinstance(raw, str):
        raise InvalidReference(f"not a clause marker: {raw!r}; expected {_ACCEPTED_MARKERS}")
    result = _parse_marker(raw)
    if isinstance(result, str):
        reason = f" ({result})" if result else ""
        raise InvalidReference(f"not a clause marker: {raw!r}{reason}; expected {_ACCEPTED_MARKERS}")
    return result


def render_marker(ordinal: int, style: str) -> str:
    """The canonical marker for ``ordinal`` in ``style``; the inverse of :func:`parse_marker`.

    Roman styles take 1..3999, Chinese styles 1..99, Arabic styles any positive number.

    >>> [render_marker(9, s) for s in STYLES]
    ['(9)', '(IX)', '(ix)', '（九）', '9.', 'IX.', '九、', '9、', 'Ⅸ.', 'Ninth,']
    """
    if style == ARABIC:
        return f"({_check_ordinal(ordinal, None)})"
    if style == ROMAN_UPPER:
        return f"({int_to_roman(ordinal)})"
    if style == ROMAN_LOWER:
        return f"({int_to_roman(ordinal).lower()})"
    if style == CHINESE:
        return f"{_FW_OPEN}{int_to_chinese(ordinal)}{_FW_CLOSE}"
    if style == ARABIC_DOT:
        return f"{_check_ordinal(ordinal, None)}."
    if style == ROMAN_DOT:
        return f"{int_to_roman(ordinal)}."
    if style == CHINESE_COMMA:
        return f"{int_to_chinese(ordinal)}{_IDEO_COMMA}"
    if style == ARABIC_COMMA:
        return f"{_check_ordinal(ordinal, None)}{_IDEO_COMMA}"
    if style == ROMAN_GLYPH_DOT:
        return f"{_ROMAN_GLYPHS[_check_ordinal(ordinal, _ROMAN_GLYPH_MAX) - 1]}."
    if style == ORDINAL_WORD:
        return f"{_ORDINAL_WORDS[_check_ordinal(ordinal, _ORDINAL_WORD_MAX) - 1].capitalize()},"
    raise ValueError(f"unknown marker style {style!r}; expected one of {', '.join(STYLES)}")


# --- references -----------------------------------------------------------------------


@lru_cache(maxsize=2048)
def _parse_ref_str(ref: str) -> int | str:
    """The ordinal of a string reference, or a reason (possibly empty) it names none."""
    text = ref.strip()
    read = _numeral(text)  # bare: "9", "IX", "ix", "Ix", "九"
    if not isinstance(read, str):
        return read[0]
    if len(text) >= 2 and text[0] in _OPEN and text[-1] in _CLOSE:
        inner = _numeral(text[1:-1].strip())  # "(9)", "(Ix)", "（九）"
        return inner if isinstance(inner, str) else inner[0]
    if text.endswith((".", "．", ",", _IDEO_COMMA)):
        marker = _parse_marker(text)  # "9.", "IX.", "九、", "Ⅸ.", "Ninth,"
        return marker if isinstance(marker, str) else marker[0]
    return read


def parse_ref(ref: int | str) -> int:
    """The ordinal a user's clause reference names.

    >>> [parse_ref(r) for r in (9, "9", " 9 ", "IX", "ix", "(9)", "(IX)", "（九）", "九", "(ix)")]
    [9, 9, 9, 9, 9, 9, 9, 9, 9, 9]
    >>> parse_ref("c")  # the ambiguity rule: a Roman letter is a numeral
    100
    >>> parse_ref("(a)")
    Traceback (most recent call last):
        ...
    regnotice.errors.InvalidReference: invalid clause reference '(a)'; expected a positive number (9), a Roman numeral (IX or ix), a Chinese numeral (九), or a marker such as (9), (IX), (ix), （九）, 9., IX., 九、
    """
    if isinstance(ref, int) and not isinstance(ref, bool):
        if ref > 0:
            return ref
        reason = f" ({ref} is not a positive number)"
    elif isinstance(ref, str):
        result = _parse_ref_str(ref)
        if not isinstance(result, str):
            return result
        reason = f" ({result})" if result else ""
    else:
        reason = f" (a {type(ref).__name__} is no clause reference)"
    raise InvalidReference(f"invalid clause reference {ref!r}{reason}; expected {_ACCEPTED_REFS}")
