"""Loads the Lark grammars once per process (LALR, contextual lexer).

The parser is built on first use and cached; Lark's own cache (``cache=True``) keeps
the built tables on disk between processes, so a fresh process loads them in a few
milliseconds instead of building them again.
"""

from __future__ import annotations

from functools import lru_cache

from lark import Lark

from .resources import data_path

__all__ = ["notice_parser", "terminal_regex"]


def _build(name: str, *, strict: bool = False, cache: bool = True) -> Lark:
    path = data_path(f"grammars/{name}")
    return Lark(
        path.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        maybe_placeholders=False,
        strict=strict,
        cache=cache and not strict,
    )


@lru_cache(maxsize=None)
def notice_parser() -> Lark:
    """The document-structure parser built from ``grammars/notice.lark``."""
    return _build("notice.lark")


def strict_notice_parser() -> Lark:
    """The same grammar built with ``strict=True``: shift/reduce conflicts and
    terminal collisions raise. Needs ``interegular`` (a test dependency only)."""
    return _build("notice.lark", strict=True, cache=False)


@lru_cache(maxsize=None)
def terminal_regex(name: str) -> str:
    """The regular expression of one terminal of the notice grammar, so that the page
    locator and the grammar share one definition of, say, a marker."""
    return notice_parser().get_terminal(name).pattern.to_regexp()
