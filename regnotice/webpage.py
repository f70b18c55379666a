"""Saved web pages: the text of an HTML page, read through a real HTML parser, with a map
from every character of the text back to its offset in the HTML.

The parser is the standard library's ``html.parser`` (a tokenizer that follows the HTML
syntax, tolerant of broken markup), so no regex reads the markup. What becomes of the page:

- block elements (``p``, ``div``, ``li``, ``h1``-``h6``, ``tr``, ``br`` ...) end a line;
- scripts, styles, the head, navigation (``nav``, ``role="navigation"``) and elements
  hidden with ``display: none`` are dropped, with all they hold;
- character references (``&amp;``, ``&#12290;``, ``&nbsp;``) are decoded;
- runs of spaces and line breaks inside a line become one space, and blank lines are dropped.

Spans of a notice parsed from ``page.text`` point into that text; ``page.html_offset(i)``
gives the offset in the HTML of the character at ``i`` (for a decoded reference, the ``&``
that opens it; for a line break a block element made, the ``<`` of that element).

>>> page = page_text("<html><head><title>x</title><script>var a;</script></head>"
...                  "<body><nav>Home</nav><p>Notice &amp; rules</p><p>(1) One.</p></body></html>")
>>> page.text
'Notice & rules\\n(1) One.\\n'
>>> page.html[page.html_offset(7)], page.html[page.html_offset(page.text.index("(1)"))]
('&', '(')
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from .errors import InputError

__all__ = ["PageText", "page_text", "looks_like_html", "MAX_HTML"]

#: The largest page read (characters); a larger one is refused before any work.
MAX_HTML = 50_000_000

_BLOCK = frozenset(
    "address article aside blockquote body br dd details dialog div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 "
    "h5 h6 header hr html li main ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
_DROPPED = frozenset("head script style noscript template nav iframe svg canvas button select option object embed".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SPACE = re.compile(r"\s+")  # every Unicode space: NBSP, the em space, the ideographic space
_HTML_START = re.compile(r"\A(?:\ufeff)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta\s)", re.I | re.S)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is an HTML page (it opens with a doctype, ``<html>``, ``<head>``,
    ``<body>`` or ``<meta>``, after any comments)."""
    return bool(_HTML_START.match(text[:4096]))


@dataclass(frozen=True)
class PageText:
    """The text of a page, and where each of its characters comes from in the HTML."""

    text: str
    html: str
    #: (offset in text, offset in HTML, verbatim) for each piece, in text order: a
    #: verbatim piece maps character for character, another maps whole to its HTML offset
    pieces: tuple[tuple[int, int, bool], ...]

    def html_offset(self, pos: int) -> int:
        """The offset in the HTML of the text's character at ``pos``."""
        if not self.pieces:
            return 0
        k = bisect_right(self._starts, pos) - 1
        start, html_start, verbatim = self.pieces[max(k, 0)]
        return html_start + (pos - start) if verbatim else html_start

    def html_span(self, start: int, end: int) -> tuple[int, int]:
        """The HTML range a text range ``[start, end)`` comes from."""
        if end <= start:
            return self.html_offset(start), self.html_offset(start)
        return self.html_offset(start), self.html_offset(end - 1) + 1

    @property
    def _starts(self) -> list[int]:
        found = self.__dict__.get("_starts_cache")
        if found is None:
            found = [p[0] for p in self.pieces]
            object.__setattr__(self, "_starts_cache", found)
        return found


class _Reader(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self.html = html
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.out: list[str] = []
        self.pieces: list[tuple[int, int, bool]] = []
        self.length = 0
        self.skipping: list[str] = []  # the dropped elements we are inside, innermost last
        self.pending_space: int | None = None  # HTML offset of a space not yet written
        self.at_line_start = True

    # positions ----------------------------------------------------------------------
    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _emit(self, text: str, html_at: int, verbatim: bool) -> None:
        self.pieces.append((self.length, html_at, verbatim))
        self.out.append(text)
        self.length += len(text)

    def _break(self, html_at: int) -> None:
        self.pending_space = None
        if not self.at_line_start:
            self._emit("\n", html_at, False)
            self.at_line_start = True

    def _words(self, text: str, html_at: int, verbatim: bool) -> None:
        """Text with its runs of white space folded into single spaces."""
        pos = 0
        for m in _SPACE.finditer(text):
            if m.start() > pos:
                self._word(text[pos : m.start()], html_at + pos if verbatim else html_at, verbatim)
            if not self.at_line_start:
                self.pending_space = html_at + m.start() if verbatim else html_at
            pos = m.end()
        if pos < len(text):
            self._word(text[pos:], html_at + pos if verbatim else html_at, verbatim)

    def _word(self, word: str, html_at: int, verbatim: bool) -> None:
        if self.pending_space is not None:
            self._emit(" ", self.pending_space, False)
            self.pending_space = None
        self._emit(word, html_at, verbatim)
        self.at_line_start = False

    # events --------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs) -> None:
        if self.skipping:
            if tag == self.skipping[-1] and tag not in _VOID:
                self.skipping.append(tag)  # the same element nested: its end tag is not ours
            return
        hidden = any(
            (name == "style" and value and _HIDDEN.search(value)) or (name == "role" and value == "navigation") or name == "hidden"
            for name, value in attrs
        )
        if (tag in _DROPPED or hidden) and tag not in _VOID:
            self.skipping.append(tag)
            return
        if tag in _BLOCK:
            self._break(self._offset())

    def handle_startendtag(self, tag: str, attrs) -> None:
        if not self.skipping and tag in _BLOCK:
            self._break(self._offset())

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in _BLOCK:
            self._break(self._offset())

    def handle_data(self, data: str) -> None:
        if not self.skipping and data:
            self._words(data, self._offset(), True)

    def handle_entityref(self, name: str) -> None:
        self._reference(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._reference(f"&#{name};")

    def _reference(self, ref: str) -> None:
        if not self.skipping:
            self._words(unescape(ref), self._offset(), False)


# What closes each kind of markup the tokenizer reads, and the opening that starts it.
_OPENER = re.compile(r"<(?:(?P<comment>!--)|(?P<section>!\[)|[!?/a-zA-Z])")
_CLOSERS = {"comment": re.compile("-->"), "section": re.compile(r"\]\s*\]\s*>"), None: re.compile(">")}
_WORK_PER_CHAR = 64  # the markup scans a page may cost, per character, before it is refused
_WORK_FLOOR = 4_000_000


def _markup_work(html: str) -> tuple[int, int]:
    """How many characters the tokenizer would scan looking for the ends of the markup the
    page opens, and the offset of the costliest opening.

    ``html.parser`` looks for the end of a tag, comment or marked section from where it
    opens, to the end of the page if need be; a page of many openings that never close
    ("<!--x>" ten thousand times) costs it time quadratic in its size. This count, in
    linear time (a bisection per opening), lets such a page be refused up front.
    """
    ends = {kind: [m.end() for m in closer.finditer(html)] for kind, closer in _CLOSERS.items()}
    work, worst, worst_at = 0, -1, 0
    for m in _OPENER.finditer(html):
        kind = "comment" if m["comment"] else "section" if m["section"] else None
        found = ends[kind]
        k = bisect_right(found, m.start())
        cost = (found[k] if k < len(found) else len(html)) - m.start()
        work += cost
        if cost > worst:
            worst, worst_at = cost, m.start()
    return work, worst_at


def page_text(html: str, source: str | None = None) -> PageText:
    """The text of an HTML page (see the module docstring). A page whose markup would
    take time quadratic in its size to read (many tags or comments that never close) is
    refused with :class:`InputError`, in time linear in its size."""
    if not isinstance(html, str):
        raise InputError(f"page_text() needs a str, not {type(html).__name__}")
    if len(html) > MAX_HTML:
        raise InputError(f"the page has {len(html):,} characters; at most {MAX_HTML:,} are read")
    work, worst_at = _markup_work(html)
    if work > _WORK_PER_CHAR * len(html) + _WORK_FLOOR:
        line = html.count("\n", 0, worst_at) + 1
        column = worst_at - (html.rfind("\n", 0, worst_at) + 1) + 1
        shown = html[worst_at : worst_at + 12].split("\n")[0]
        raise InputError(
            f"{source or '<page>'}:{line}:{column}: the page's markup does not close: {shown!r} and others like it open a tag, comment "
            f"or section that no '>' (or '-->') ends, and reading them would take time quadratic in the page's "
            f"{len(html):,} characters; expected HTML whose tags close"
        )
    reader = _Reader(html)
    try:
        reader.feed(html)
        reader.close()
    except (AssertionError, ValueError) as exc:  # html.parser's own complaints about markup
        raise InputError(f"the page cannot be read as HTML: {exc}") from None
    if not reader.at_line_start:
        reader._emit("\n", len(html), False)
    return PageText("".join(reader.out), html, tuple(reader.pieces))
