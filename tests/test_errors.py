"""Bad input fails with a located, readable error; nothing else escapes.

``tests/bad/NAME.txt`` is a bad input and ``tests/bad/NAME.expect`` what its error
must say, one ``key: value`` a line::

    error: NoticeSyntaxError     the class raised
    at: 6:1                      line:col of the error (syntax errors only)
    words: did you mean IV?      words the message must contain (any number of lines)

Then hypothesis throws random text, random bytes and mutated notices at the parser:
it must return a ``Notice`` (lossless) or raise a ``RegnoticeError``, and never hang.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import BAD_DIR, bare, time_limit, wrapped
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import regnotice.errors as errors
from regnotice.errors import NoticeNotFound, NoticeSyntaxError, RegnoticeError
from regnotice.models import Notice
from regnotice.normalise import normalise
from regnotice.numbering import CLAUSE_STYLES, HEADING_STYLES, render_marker
from regnotice.parsing import parse

CASES = sorted(BAD_DIR.glob("*.txt"))


def _expect(path: Path) -> dict:
    spec: dict = {"words": []}
    for line in path.with_suffix(".expect").read_text(encoding="utf-8").splitlines():
        if line.strip():
            key, _, value = line.partition(":")
            value = value.strip()
            if key == "words":
                spec["words"].append(value)
            else:
                spec[key] = value
    return spec


def _check_error(err: RegnoticeError, text: str, source: str, spec: dict) -> None:
    message = str(err)
    assert type(err).__name__ == spec["error"], message
    for words in spec["words"]:
        assert words in message, (words, message)
    if "at" in spec:
        line, col = map(int, spec["at"].split(":"))
        assert (err.line, err.column) == (line, col), message
        assert message.startswith(f"{source}:{line}:{col}: ")
        _check_caret(message, text, line, col)


def _check_caret(message: str, text: str, line: int, col: int) -> None:
    """The last two lines of the message: the offending line, a caret under the column."""
    *_, shown, caret = message.split("\n")
    assert re.fullmatch(r" *\^", caret), message
    source_line = text.split("\n")[line - 1].rstrip("\r")
    if len(source_line) <= 72:  # shown whole, not cut around the column
        assert shown == "    " + source_line
        assert caret.index("^") - 4 == col - 1


def test_every_bad_case_has_an_expectation():
    assert len(CASES) >= 10
    for case in CASES:
        assert case.with_suffix(".expect").is_file(), case.name
        assert _expect(case)["words"], case.name


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_bad_file(case):
    text = case.read_text(encoding="utf-8")
    spec = _expect(case)
    with pytest.raises((NoticeSyntaxError, NoticeNotFound)) as info:
        parse(text, source=case.name)
    _check_error(info.value, text, case.name, spec)
    assert info.value.exit_code == 2  # bad input


ADDRESSEE = "To the people's governments of all provinces:\n"
PREAMBLE = "Recently, risks have grown. The relevant matters are notified as follows:\n"
CLOSING = "This notice shall enter into force upon the date of its issuance.\n"

#: Inputs that cannot live in a text file (control characters, trailing spaces).
INLINE = [
    ("empty_section_heading", "I. \n(1) Do this.\n", "3:4", ["unexpected line break", "expected text"]),
    ("blank_item", "(1) Do this.\n(2)   \n(3) Do that.\n", "4:7", ["unexpected line break"]),
]


@pytest.mark.parametrize("name, items, at, words", INLINE, ids=[c[0] for c in INLINE])
def test_bad_inline(name, items, at, words):
    text = ADDRESSEE + PREAMBLE + items + CLOSING
    with pytest.raises(NoticeSyntaxError) as info:
        parse(text, source=f"{name}.txt")
    _check_error(info.value, text, f"{name}.txt", {"error": "NoticeSyntaxError", "at": at, "words": words})


def test_default_source_name():
    with pytest.raises(NoticeSyntaxError, match=r"^<text>:3:1: "):
        parse(ADDRESSEE + PREAMBLE + "(0) Do this.\n" + CLOSING)


def test_only_str_is_parsed():
    with pytest.raises(TypeError):
        parse(b"To the people's governments:\n")  # type: ignore[arg-type]


def test_every_error_is_a_regnotice_error():
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), RegnoticeError)


# ----------------------------------------------------------------------- fuzzing


def _parse_or_fail_cleanly(text: str) -> None:
    """A Notice whose leaves rebuild its region, or a RegnoticeError; within 10 s."""
    try:
        with time_limit(10):
            notice = parse(text)
    except RegnoticeError as exc:
        message = str(exc)
        assert message
        if isinstance(exc, NoticeSyntaxError):
            assert exc.line >= 1 and exc.column >= 1
            assert message.splitlines()[-1].strip() == "^"
        return
    assert isinstance(notice, Notice)
    # the text as parsed: other line breaks as "\n", zero-width spaces as spaces, one for one
    assert "".join(leaf.text for leaf in notice.leaves()) == normalise(text)[notice.span.start : notice.span.end]
    # items, or an anomaly that says why there are none
    assert notice.clauses or {a.kind for a in notice.anomalies} & {"truncated", "no_items"}


FUZZ = settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text())
def test_random_text(text):
    _parse_or_fail_cleanly(text)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    _parse_or_fail_cleanly(data.decode("utf-8", errors="replace"))


_LINES = st.sampled_from(
    [
        ADDRESSEE.strip(), PREAMBLE.strip(), CLOSING.strip(), "", "Foreword: The full text follows:",
        "Notice of the People's Bank of China on Risks (Yinfa [2026] No. 42)", "I. General Provisions",
        "Inter-agency Coordination. The bank shall act.", "Mr.Mr.Mr. No.No. x.Y.x.Y. etc., etc.",
        "The Yinfa [2021] No. 237 is hereby repealed.", "这是一个句子。自印发之日起施行。",
    ]
)  # fmt: skip
_MARKERS = st.one_of(
    st.builds(render_marker, st.integers(1, 40), st.sampled_from(CLAUSE_STYLES)),
    st.builds(lambda n, s: render_marker(n, s) + " ", st.integers(1, 12), st.sampled_from(HEADING_STYLES)),
    st.sampled_from(["(0)", "(IIII)", "(Ix)", "（一十）", "(", ")", "（", "(2024 Edition)"]),
)


@FUZZ
@given(st.lists(st.one_of(_LINES, st.builds(str.__add__, _MARKERS, _LINES), st.text(max_size=40)), max_size=25))
def test_random_notice_shaped_lines(lines):
    _parse_or_fail_cleanly("\n".join(lines))


BASES = {"bare": bare, "wrapped": lambda: wrapped(bare()), "crlf": lambda: bare().replace("\n", "\r\n")}


@st.composite
def mutated(draw) -> str:
    """The bare notice (or a variant) with 1..5 random edits."""
    text = BASES[draw(st.sampled_from(sorted(BASES)))]()
    for _ in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "swap", "marker", "newline", "spaces"]))
        i = draw(st.integers(0, len(text)))
        j = min(len(text), i + draw(st.integers(0, 600)))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "insert":
            text = text[:i] + draw(st.text(max_size=30)) + text[i:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "swap" and len(text) > 2:
            i = min(i, len(text) - 2)
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        elif op == "marker":
            if draw(st.booleans()):  # at the start of the line
                i = text.rfind("\n", 0, i) + 1
            text = text[:i] + draw(_MARKERS) + draw(st.sampled_from(["", " ", "\t", "\u00a0"])) + text[i:]
        elif op == "newline":
            text = text[:i] + draw(st.sampled_from(["\n", "\r\n", "\n\n", "\r", " \n "])) + text[i:]
        elif op == "spaces":
            text = text[:i] + draw(st.sampled_from(["  ", "    ", " , ", "\t\t"])) + text[i:]
    return text


@FUZZ
@given(mutated())
def test_mutated_notice(text):
    _parse_or_fail_cleanly(text)


@pytest.mark.parametrize(
    "line",
    [
        "A" + "    b" * 30,  # heading candidate, double spaces: backtracked for minutes
        "A" + "  ,  b" * 30,
        "This " + "Mr." * 40 + ".",  # full stops passing two tests: backtracked 2^n ways
        "To " + "x.Y." * 40 + ".",
        "A" + "。’ enters into force No.(1)" * 30,
        "This  To   (Mr.自印发之日起施行 " * 30,
        "Virtual  currency  " * 200 + "etc.",
    ],
)
def test_pathological_lines_parse_fast(line):
    text = ADDRESSEE + PREAMBLE + f"(1) {line}\n(2) {line}\n" + line + "\n" + CLOSING
    with time_limit(2):
        notice = parse(text)
    assert notice.ordinals == (1, 2)
