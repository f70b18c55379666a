"""The lean contextual lexer (grammar.py) against Lark's own.

The lean lexer reads Lark's per-state alternations and drops only the line counting,
so on any input the two must give the same tree, or fail at the same place with the
same kind of error. Checked on the seed, its variants, and random mutations.
"""

from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from conftest import bare, crlf_bom, page, restyled, sectioned, wrapped
from regnotice.grammar import _LeanContextualLexer, _build, notice_parser
from regnotice.parsing import soften


@lru_cache(maxsize=None)
def lark_own():
    """The same grammar with Lark's own contextual lexer."""
    return _build("notice.lark")


def outcome(parser, text: str):
    """The tree, or the error's kind, position and expected terminals."""
    try:
        return ("tree", parser.parse(text))
    except UnexpectedToken as exc:
        return ("token", exc.token.type, exc.token.start_pos, frozenset(exc.expected))
    except UnexpectedCharacters as exc:
        return ("chars", exc.pos_in_stream, frozenset(exc.allowed))
    except UnexpectedInput as exc:  # pragma: no cover - the two kinds above cover the grammar
        return ("other", type(exc).__name__)


def test_the_parser_uses_the_lean_lexer():
    assert type(notice_parser().parser.lexer) is _LeanContextualLexer
    assert type(lark_own().parser.lexer) is not _LeanContextualLexer


def test_tokens_carry_offsets_not_lines():
    text = bare().rstrip() + "\n"
    tree = notice_parser().parse(text)
    tokens = list(tree.scan_values(lambda v: True))
    assert tokens and all(t.end_pos == t.start_pos + len(t) and t.line is None for t in tokens)
    assert "".join(tokens) == text  # lossless: every character in one token


# Notice regions as the parser gets them (with the one line break appended), and three
# that fail: no break at the end, and items with no text.
TEXTS = {
    "bare": lambda: bare().rstrip() + "\n",
    "crlf_bom": lambda: crlf_bom(bare()).lstrip("\ufeff").rstrip() + "\n",
    "softened_wrap": lambda: soften(wrapped(bare())).rstrip() + "\n",
    "chinese": lambda: restyled("chinese").rstrip() + "\n",
    "sectioned": lambda: sectioned().rstrip() + "\n",
    "page_start": lambda: page()[:500].rsplit("\n", 1)[0] + "\n",
    "no_final_break": lambda: bare().rstrip(),
    "empty_item": lambda: "To all departments:\n(1)\n(2) Do b.\n",
    "marker_alone": lambda: "(1)\n",
}
FAILING = ("no_final_break", "empty_item", "marker_alone")


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_same_outcome_as_larks_lexer(name):
    text = TEXTS[name]()
    lean = outcome(notice_parser(), text)
    assert lean == outcome(lark_own(), text)
    assert (lean[0] == "tree") == (name not in FAILING), lean


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.integers(min_value=0, max_value=20_000),
    length=st.integers(min_value=0, max_value=40),
    insert=st.text(alphabet="()IVX19 .:\n\t\u00a0（一）To,;etc", max_size=12),
)
def test_mutations_give_the_same_outcome(cut, length, insert):
    text = bare().rstrip()
    cut = min(cut, len(text))
    mutated = text[:cut] + insert + text[cut + length :]
    assert outcome(notice_parser(), mutated) == outcome(lark_own(), mutated)
