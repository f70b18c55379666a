"""Text pasted from word processors and web pages, read as plain text: one character for
one, so every span of the parse is also a span of the original.

- Line breaks of other kinds are line breaks: a lone CR (old Mac, some Word exports),
  U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR (Word's paragraph mark on the
  clipboard), vertical tab (Word's manual line break), form feed (a page break) and U+0085.
- Zero-width characters (U+200B ZERO WIDTH SPACE, U+200C, U+200D, U+2060 WORD JOINER,
  U+FEFF after the start, U+180E) read as spaces: they stand where Word or a web page broke
  a line or joined words, mostly after a full stop, where a space belongs.
- A soft hyphen (U+00AD) is kept: it sits inside a word, and the phrase matcher reads the
  word without it (``regnotice.phrases``).

>>> normalise("No.\\u200b42\\u2029(1) One.\\rTwo.\\r\\n") == "No. 42\\n(1) One.\\nTwo.\\r\\n"
True
"""

from __future__ import annotations

import re

__all__ = ["normalise", "needs_normalising"]

_BREAKS = re.compile("\r(?!\n)|[\u2028\u2029\x0b\x0c\x85]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\u180e]|(?<!^)\ufeff")


def needs_normalising(text: str) -> bool:
    return bool(_BREAKS.search(text) or _INVISIBLE.search(text))


def normalise(text: str) -> str:
    """``text`` with the characters above replaced, one for one (the same length)."""
    if not needs_normalising(text):
        return text
    text = _BREAKS.sub("\n", text)
    return _INVISIBLE.sub(" ", text)
