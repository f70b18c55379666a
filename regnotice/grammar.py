"""Loads the Lark grammars once per process (LALR, contextual lexer).

The parser is built on first use and cached; Lark's own cache (``cache=True``) keeps
the built tables on disk between processes, so a fresh process loads them in a few
milliseconds instead of building them again.
"""

from __future__ import annotations

from functools import lru_cache

from lark import Lark, Token
from lark.lexer import ContextualLexer

from .errors import InputError
from .resources import data_path

__all__ = ["notice_parser", "terminal_regex"]


def _build(name: str, *, strict: bool = False, cache: bool = True) -> Lark:
    path = data_path(f"grammars/{name}")
    text = path.read_text(encoding="utf-8")
    if "${" in text:  # words from layout.yaml (the cache is keyed on the final text)
        from .layout import grammar_text

        text = grammar_text(text)
    return Lark(
        text,
        parser="lalr",
        lexer="contextual",
        maybe_placeholders=False,
        strict=strict,
        cache=cache and not strict,
    )


class _LeanContextualLexer(ContextualLexer):
    """Lark's contextual lexer with the per-token bookkeeping cut to what regnotice uses.

    The terminals, the alternation offered in each parser state and the first-match rule
    are Lark's own (this reads the compiled alternation of each state from Lark's lexer).
    What it leaves out is the line counting: a token gets its start and end offsets but
    no line or column, which regnotice finds on demand from an offset (``lines.py``,
    ``errors.py``). On a character no terminal of the state matches, or in a state whose
    lexer needs more than one regex or a callback, it hands the rest of the text to
    Lark's own lexer, which raises the usual error with its line and column.
    """

    _matchers: dict

    def lex(self, lexer_state, parser_state):
        text = lexer_state.text.text
        end = lexer_state.text.end
        pos = lexer_state.line_ctr.char_pos
        matchers = self._matchers
        budget = MAX_TOKENS
        while pos < end:
            budget -= 1
            if budget < 0:
                raise _over_budget(pos)
            state = parser_state.position
            match = matchers.get(state) or self._matcher(state)
            m = match(text, pos, end) if match is not _LARK else None
            if m is None:
                lexer_state.line_ctr.feed(text[lexer_state.line_ctr.char_pos : pos])
                yield from ContextualLexer.lex(self, lexer_state, parser_state)
                return
            value = m.group()
            stop = pos + len(value)
            token = Token(m.lastgroup, value, pos, None, None, None, None, stop)
            lexer_state.last_token = token
            yield token
            pos = stop
        lexer_state.line_ctr.char_pos = pos

    def _matcher(self, state):
        basic = self.lexers[state]
        mres = basic.scanner._mres
        if len(mres) > 1 or basic.callback or basic.ignore_types:
            match = _LARK
        else:
            match = mres[0].match if mres else _no_match
        self._matchers[state] = match
        return match


#: The most tokens (markers, sentences, breaks, spaces) one notice may hold. A parse keeps
#: every token until its models are built, some 1.6 kB each, and extraction adds its rules:
#: 150,000 tokens (a notice of about 16 MB in the seed's layout; 37,000 items of one short
#: sentence) keep parse and extract under 400 MB. A denser text is refused where the budget
#: runs out, in time linear in what was read. Settable: ``regnotice.grammar.MAX_TOKENS``.
MAX_TOKENS = 150_000


def _over_budget(pos: int) -> InputError:
    """The lexer's budget ran out at ``pos`` (see :data:`MAX_TOKENS`); the parser's caller
    names the place (``parsing.py``)."""
    exc = InputError(f"more than {MAX_TOKENS:,} tokens")
    exc.pos = pos  # type: ignore[attr-defined]
    return exc


def _no_match(text: str, pos: int, end: int) -> None:
    return None


def _LARK(text: str, pos: int, end: int) -> None:  # pragma: no cover - a marker, never called
    return None


def _lean(parser: Lark) -> Lark:
    """Swap the parser's contextual lexer for the lean one, keeping its built state."""
    lexer = parser.parser.lexer
    if type(lexer) is ContextualLexer:
        lexer.__class__ = _LeanContextualLexer
        lexer._matchers = {}
    return parser


@lru_cache(maxsize=None)
def notice_parser() -> Lark:
    """The document-structure parser built from ``grammars/notice.lark``, with the lean
    contextual lexer."""
    return _lean(_build("notice.lark"))


def strict_notice_parser() -> Lark:
    """The same grammar built with ``strict=True``: shift/reduce conflicts and
    terminal collisions raise. Needs ``interegular`` (a test dependency only)."""
    return _build("notice.lark", strict=True, cache=False)


@lru_cache(maxsize=None)
def terminal_regex(name: str) -> str:
    """The regular expression of one terminal of the notice grammar, so that the page
    locator and the grammar share one definition of, say, a marker."""
    return notice_parser().get_terminal(name).pattern.to_regexp()
