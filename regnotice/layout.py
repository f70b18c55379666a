"""The words of a notice's layout (``layout.yaml``), as data and as regex pieces.

``grammars/notice.lark`` names them as ``${NAME}``; :func:`grammar_text` puts them in
before Lark reads the grammar. The page locator and the front-matter reader use the
same lists, so the grammar and they cannot disagree on what, say, a title looks like.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .errors import RuleFileError
from .yamlio import load_yaml

__all__ = ["layout", "layout_words", "alternation", "grammar_text", "date_regex", "signature_regex", "names_kind", "opens_subject"]

_PATH = Path(__file__).resolve().parent / "layout.yaml"
_KEYS = ("addressee_openings", "months", "document_kinds", "title_subject", "lead_ins")


@lru_cache(maxsize=1)
def layout() -> dict[str, tuple[str, ...]]:
    """``layout.yaml``, checked: each key a list of non-empty strings."""
    data = load_yaml(_PATH)
    if not isinstance(data, dict) or set(data) != set(_KEYS):
        raise RuleFileError(f"{_PATH}:1: expected the keys {', '.join(_KEYS)}")
    out = {}
    for key in _KEYS:
        words = data[key]
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise RuleFileError(f"{_PATH}: {key}: expected a list of non-empty strings")
        out[key] = tuple(words)
    return out


def layout_words(key: str) -> tuple[str, ...]:
    """One list of ``layout.yaml``."""
    return layout()[key]


def alternation(words: tuple[str, ...]) -> str:
    """The words as one regex alternation, longest first, so "The relevant" is tried
    before "The"; a space matches a run of spaces."""
    return "|".join(re.escape(w).replace(r"\ ", r"[ \t\u00a0]+") for w in sorted(words, key=len, reverse=True))


def date_regex() -> str:
    """A date as it closes a signature block: "2021年9月3日", "September 3, 2021"."""
    months = alternation(layout()["months"])
    sp = r"[ \t\u00a0]"
    return (
        rf"\d{{4}}{sp}*年{sp}*\d{{1,2}}{sp}*月{sp}*\d{{1,2}}{sp}*日"
        rf"|(?:{months}){sp}+\d{{1,2}},?{sp}+\d{{4}}"
        rf"|\d{{1,2}}{sp}+(?:{months}){sp}+\d{{4}}"
        r"|\d{4}-\d{1,2}-\d{1,2}"
    )


def signature_regex() -> str:
    """A signature block: short lines with no sentence punctuation, the issuers (each
    opening with a non-space, so a run of spaces splits only one way), then the date."""
    line = r"[^\s.!?。！？:：;；][^\r\n.!?。！？:：;；]{0,79}\r?\n[ \t\u00a0\u3000]*"
    return rf"(?:{line}){{0,24}}(?:{date_regex()})"


def _pieces() -> dict[str, str]:
    return {
        "ADDRESSEE_OPENING": alternation(layout()["addressee_openings"]),
        "DATE": date_regex(),
        "SIGNATURE": signature_regex(),
    }


_PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")


def grammar_text(text: str, pieces: dict[str, str] | None = None) -> str:
    """``text`` (a grammar) with every ``${NAME}`` replaced by its regex piece (those of
    ``layout.yaml``, or ``pieces``); an unknown name is an error, not left in."""
    pieces = _pieces() if pieces is None else pieces

    def put(m: re.Match) -> str:
        if m[1] not in pieces:
            raise RuleFileError(f"grammar: unknown placeholder ${{{m[1]}}}; known: {', '.join(sorted(pieces))}")
        return pieces[m[1]]

    # Comments may name a placeholder; only grammar lines have theirs put in.
    return "".join(line if line.lstrip().startswith("//") else _PLACEHOLDER.sub(put, line) for line in text.splitlines(keepends=True))


@lru_cache(maxsize=1)
def _kinds() -> re.Pattern:
    words = layout()["document_kinds"]
    english = [w for w in words if w.isascii()]
    chinese = [w for w in words if not w.isascii()]
    return re.compile(rf"\b(?:{alternation(tuple(english))})\b|{alternation(tuple(chinese))}")


def names_kind(text: str) -> bool:
    """Whether ``text`` names a kind of document ("Notice", "通知"), as a title does.

    >>> names_kind("Public Notice of the PBC on Preventing Risks"), names_kind("the notice says")
    (True, False)
    """
    return _kinds().search(text) is not None


def opens_subject(text: str) -> bool:
    """Whether ``text`` holds a word that opens a Chinese title's subject (关于)."""
    return any(w in text for w in layout()["title_subject"])
