"""Text to :class:`~regnotice.models.Notice`.

``parse(text)`` accepts a bare notice or a whole scraped page. It

1. locates the notice: from its title or foreword (when present) or its addressee
   line, to the closing paragraph (entry into force, repeal) after the numbered items;
2. picks the layout: ``lines`` (one paragraph per line) or ``blocks`` (paragraphs
   separated by blank lines, lines hard-wrapped inside them, as text pasted from a PDF).
   For ``blocks`` it parses an offset-preserving view in which each soft line break is
   replaced by spaces of the same length, so positions still point into the source;
3. parses the region with the LALR grammar ``grammars/notice.lark`` and transforms the
   tree into frozen models (``transform.py``);
4. numbers the clauses and reports anomalies (gaps, repeats, ordinals out of order,
   further copies of the notice) with line and column, never renumbering silently.

The locator uses the grammar's own terminals (the addressee line, markers, the
closing sentence), so the two cannot disagree on what those look like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import InputError, InvalidReference, NoticeNotFound, NoticeSyntaxError
from .front import find_doc_numbers, read_front_matter
from .grammar import notice_parser, terminal_regex
from .layout import layout_words, names_kind, opens_subject, signature_regex
from .collector import gc_paused
from .lines import LineIndex
from .normalise import normalise
from .models import Anomaly, Clause, Notice, Span
from .webpage import looks_like_html, page_text
from .transform import NoticeTransformer

__all__ = ["parse", "parse_all", "soften", "ungutter"]

_WS = "[ \t\u00a0\u2000-\u200a\u3000\ufeff]"
# A line break inside a paragraph of hard-wrapped text: text on both sides.
_SOFT_BREAK = re.compile(r"(?<=\S)[ \t\u00a0\u2000-\u200a\u3000]*\r?\n(?=[ \t\u00a0\u2000-\u200a\u3000]*\S)")
_LEAD_SPACE = " \t\u00a0\u3000\ufeff" + "".join(map(chr, range(0x2000, 0x200B)))  # em space and its kin
_BLANK_AFTER = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]*\r?\n[ \t\u00a0\u2000-\u200a\u3000]*\r?\n")
# Words without which no line can be the closing: a cheap test (plain substring
# search of the lower-cased line) before the grammar's CLOSING terminal is tried.
_CLOSING_HINTS = ("force", "effect", "repeal", "abolish", "annul", "rescind", "cease", "施行", "废止")
# A line that ends as a sentence does: no title, no signature line.
_ENDS_SENTENCE = re.compile(r"[.!?。！？；][\"”’)）\]]*$")
# Paragraphs above the addressee searched for the notice's title, and paragraphs
# before the first item searched for a lead-in ("... as follows:").
_TITLE_REACH = 4
_LEAD_IN_REACH = 3
_TITLE_MAX = 300
# A paste site's line numbers ("  1. ", "  2. ", ...): a gutter, not numbering.
_GUTTER = re.compile(r"[ \t]*(\d{1,6})\.(?:[ \t]|(?=\r?\n|$))")
_GUTTER_MIN = 3


def _may_close(line: str) -> bool:
    low = line.lower()
    return any(hint in low for hint in _CLOSING_HINTS)


def _title_like(line: str) -> bool:
    """A line that may be (part of) a notice's title: short, no sentence in it."""
    return len(line) <= _TITLE_MAX and not _ENDS_SENTENCE.search(line)


#: Human names for the grammar's terminals, for syntax errors.
_EXPECTED = {
    "MARKER": 'an item marker such as "(1)" or "(I)"',
    "SECTION_MARKER": 'a section heading such as "I." or "1."',
    "ADDRESSEE": 'the addressee line ("To ...:")',
    "DOCNUMBER": "a document number",
    "FOREWORD_LABEL": '"Foreword:"',
    "CLOSING": "the closing paragraph (entry into force or repeal)",
    "SIGNATURE": "a signature block and its date",
    "HEADING": "a heading",
    "SENTENCE": "text",
    "FRAGMENT": "text",
    "BR": "a line break",
    "SP": "a space",
    "$END": "the end of the notice",
}

#: Short names of the terminals, for what a syntax error found ("unexpected line break").
_GOT = {
    "MARKER": "item marker",
    "SECTION_MARKER": "section heading marker",
    "ADDRESSEE": "addressee line",
    "DOCNUMBER": "document number",
    "FOREWORD_LABEL": "foreword label",
    "CLOSING": "closing sentence",
    "SIGNATURE": "signature block",
    "HEADING": "heading",
    "SENTENCE": "text",
    "FRAGMENT": "text",
    "BR": "line break",
    "SP": "space",
}


@dataclass(frozen=True)
class _Region:
    start: int
    end: int
    layout: str  # "lines" or "blocks"
    addressee: int  # where the region was anchored: its addressee, title or first line
    ended: bool = True  # False: the text stops before the notice's closing or signature


def soften(text: str, start: int = 0, end: int | None = None) -> str:
    """An offset-preserving view of ``text`` in which every line break inside a
    paragraph of ``text[start:end]`` is replaced by spaces of the same length.

    >>> soften("a b\\nc d\\n\\ne")
    'a b c d\\n\\ne'
    """
    end = len(text) if end is None else end
    inner = _SOFT_BREAK.sub(lambda m: " " * len(m.group()), text[start:end])
    return text[:start] + inner + text[end:]


def ungutter(text: str) -> str:
    """An offset-preserving view of ``text`` without a paste site's line numbers: where
    at least three lines in a row open with "1.", "2.", "3.", ... (one a line, from 1),
    and one of those lines, its number taken away, is an addressee line, those numbers
    are spaces. Items numbered one a line ("1. ...", "2. ...") are no gutter: none of
    them is an addressee.

    >>> ungutter("  1. Title\\n  2. To all:\\n  3. (1) Text.\\n")
    '     Title\\n     To all:\\n     (1) Text.\\n'
    >>> ungutter("1. Do a.\\n2. Do b.\\n3. Do c.\\n")
    '1. Do a.\\n2. Do b.\\n3. Do c.\\n'
    """
    runs: list[list[tuple[int, int, int]]] = []
    run: list[tuple[int, int, int]] = []
    for a, b in _lines(text, 0, len(text)):
        m = _GUTTER.match(text, a, b)
        if m and int(m[1]) == len(run) + 1:
            run.append((a, m.end(), b))
            continue
        if len(run) >= _GUTTER_MIN:
            runs.append(run)
        run = [(a, m.end(), b)] if m and m[1] == "1" else []
    if len(run) >= _GUTTER_MIN:
        runs.append(run)
    if not runs:
        return text
    addressee = re.compile(rf"{_WS}*(?:{terminal_regex('ADDRESSEE')})")
    spans = [(a, g) for run in runs if any(addressee.match(text[g:b] + "\n") for _, g, b in run) for a, g, _ in run]
    if not spans:
        return text
    out, pos = [], 0
    for a, b in spans:
        out += [text[pos:a], " " * (b - a)]
        pos = b
    out.append(text[pos:])
    return "".join(out)


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of ``text[start:end]``, without its line break."""
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        yield pos, stop - 1 if stop > pos and text[stop - 1] == "\r" else stop
        pos = stop + 1


class _Locator:
    """Finds the notice regions of a page.

    A notice is anchored by its addressee line; with none, by a title that names a kind
    of document ("Notice", "通知") above items or a document number, or by items after a
    lead-in ("... as follows:"). It ends at its closing paragraph and the signature block
    after it, at a signature block, or, for a text cut short, where the text ends.
    """

    def __init__(self, text: str, source: str | None = None) -> None:
        self.text = text
        self.source = source
        self.addressee = re.compile(rf"{_WS}*({terminal_regex('ADDRESSEE')})")
        self.marker = re.compile(rf"{_WS}*(?:(?P<item>{terminal_regex('MARKER')})|{terminal_regex('SECTION_MARKER')})")
        self.closing = re.compile(rf"{_WS}*(?:{terminal_regex('CLOSING')})", re.M)
        self.foreword = re.compile(rf"{_WS}*{terminal_regex('FOREWORD_LABEL')}")
        self.docnumber = re.compile(rf"{_WS}*{terminal_regex('DOCNUMBER')}")
        self.signature = re.compile(rf"{_WS}*(?:{signature_regex()})(?={_WS}*(?:\r?\n|$))")
        self._soft: str | None = None

    @property
    def soft(self) -> str:
        """The page with every soft line break softened, built once when first needed.
        Within any paragraph-aligned region it equals softening that region alone."""
        if self._soft is None:
            self._soft = soften(self.text)
        return self._soft

    def _opening(self, a: int) -> int:
        """The position of the first character of the line that starts at ``a``."""
        text = self.text
        while a < len(text) and text[a] in _LEAD_SPACE:
            a += 1
        return a

    def candidates(self) -> list[tuple[int, str]]:
        """Start positions of addressee lines, with the layout that follows them.

        A line that opens like an addressee but has no colon at its end may be wrapped:
        it is tried again with the soft breaks of its paragraph softened.
        """
        found: list[tuple[int, str]] = []
        text = self.text
        for a, b in _lines(text, 0, len(text)):
            at = self._opening(a)
            if at >= b:
                continue
            single = self.addressee.match(text + "\n" if b == len(text) else text, a)
            if single:
                found.append((at, self._layout(single.end())))
                continue
            if text.startswith(("To ", "To\t", "To\u00a0"), at) and self.addressee.match(self.soft, a):
                found.append((at, "blocks"))
        return found

    def _layout(self, pos: int) -> str:
        """The layout of the notice whose anchor line ends at ``pos``: ``blocks`` when
        most of its item markers stand after a blank line, ``lines`` when most follow the
        line before them. A blank line after the anchor alone decides nothing; only
        when no item follows does it."""
        after_blank = adjacent = 0
        blank = False
        start = self.text.find("\n", pos) + 1
        for a, b in _lines(self.text, start, len(self.text) if start else 0):
            if not self.text[a:b].strip():
                blank = True
                continue
            if self.addressee.match(self.text, a, b + 1):  # the next notice
                break
            if self.marker.match(self.text, a, b):
                if blank:
                    after_blank += 1
                else:
                    adjacent += 1
                if after_blank + adjacent >= 60:
                    break
            blank = False
        if after_blank or adjacent:
            return "blocks" if after_blank > adjacent else "lines"
        return "blocks" if _BLANK_AFTER.match(self.text, pos) else "lines"

    def region(self, anchor: int, layout: str, limit: int, start: int | None = None) -> _Region:
        text = self.text if layout == "lines" else self.soft
        end, ended = self._end(text, anchor, limit)
        start = self._start(self.text, anchor, layout) if start is None else start
        return _Region(start, end, layout, anchor, ended)

    def view(self, region: _Region) -> str:
        """The text the grammar reads for ``region``: the source itself, or for
        ``blocks`` the source with the region's soft line breaks softened."""
        return self.text if region.layout == "lines" else self.soft

    def _end(self, text: str, anchor: int, limit: int) -> tuple[int, bool]:
        """(end, ended) of the notice anchored at ``anchor``: its closing and any
        signature block after it, or a signature block after its items; else, for a text
        cut short, its last line, not ended. A closing before the first item ends it only
        when no item follows."""
        seen_item = False
        last = anchor
        early: int | None = None  # a closing before any item
        lines = _lines(text, anchor, limit)
        for a, b in lines:
            if a == anchor:  # the anchor line itself
                last = a + len(text[a:b].rstrip())
                continue
            if not text[a:b].strip():
                continue
            if self.marker.match(text, a, b):
                seen_item = True
            elif _may_close(text[a:b]) and self.closing.match(text[a:b] + "\n"):
                end = a + len(text[a:b].rstrip())
                if not seen_item:
                    early = end if early is None else early
                else:
                    return self._signed(text, end, limit), True
            elif seen_item and len(text[a:b].strip()) <= 80:
                signed = self.signature.match(text, a, limit)
                if signed:
                    return signed.end(), True
            last = a + len(text[a:b].rstrip())
        if not seen_item and early is not None:
            return self._signed(text, early, limit), True
        return last, False

    def _signed(self, text: str, end: int, limit: int) -> int:
        """``end``, or the end of the signature block that follows it."""
        nl = text.find("\n", end, limit)
        if nl == -1:
            return end
        at = nl + 1
        while at < limit and text[at] in _LEAD_SPACE + "\r\n":
            at += 1
        signed = self.signature.match(text, at, limit) if at < limit else None
        return signed.end() if signed else end

    def _start(self, text: str, anchor: int, layout: str = "lines") -> int:
        """The first line of the notice anchored at its addressee: the foreword and the
        headline above it, or the title (over up to two lines), the document number and
        the page's lines between them, within a few paragraphs above."""
        prev = self._previous_paragraph(text, anchor, layout)
        if prev is None:
            return anchor
        a, b, _ = prev
        if self.foreword.match(text, a, b):
            # The headline above a foreword: the paragraph right above it, or one that
            # reads like a title across blank lines.
            before = self._previous_paragraph(text, a, layout)
            if before and (before[2] or names_kind(text[before[0] : before[1]])):
                return before[0]
            return a
        start = anchor
        seen = 0
        while prev is not None and seen < _TITLE_REACH:
            a, b, _ = prev
            line = text[a:b]
            if not _title_like(line) or self.foreword.match(text, a, b):
                break
            seen += 1
            if self.docnumber.match(text + "\n" if b == len(text) else text, a):
                start = a
            elif names_kind(line) or opens_subject(line):
                start = a
                above = self._previous_paragraph(text, a, layout)
                # A Chinese title whose subject (关于) opens on the line above.
                if above and not opens_subject(line) and opens_subject(text[above[0] : above[1]]) and _title_like(text[above[0] : above[1]]):
                    start = above[0]
                break
            prev = self._previous_paragraph(text, a, layout)
        return start

    def _previous_paragraph(self, text: str, pos: int, layout: str = "lines") -> tuple[int, int, bool] | None:
        """The paragraph before the line at ``pos``, and whether it is close to it.

        In ``lines``, the last non-blank line before ``pos``, close when no blank line
        stands between. In ``blocks``, the block of lines before the blank line(s) that
        precede ``pos`` (hard-wrapped, so possibly several lines), always close.
        """
        end = text.rfind("\n", 0, pos)
        if end <= 0:
            return None
        start = text.rfind("\n", 0, end) + 1
        blank = False
        while not text[start:end].strip():  # skip the blank lines
            if start == 0:
                return None
            blank = True
            end = start - 1
            start = text.rfind("\n", 0, end) + 1
        if layout == "blocks":
            if not blank:  # no blank line between: not a block before
                return None
            while start > 0:  # extend upwards to the block's first line
                above = text.rfind("\n", 0, start - 1) + 1
                if not text[above : start - 1].strip():
                    break
                start = above
        raw = text[start:end]
        line = raw.strip().lstrip("\ufeff").strip()  # a BOM is no part of the notice
        if not line:
            return None
        lead = raw.index(line)
        return start + lead, start + lead + len(line), layout == "blocks" or not blank

    # ------------------------------------------------------------ no addressee
    def unaddressed(self) -> _Region | None:
        """The notice of a page with no addressee line: from a title that names a kind
        of document, with items or a document number after it; or, with no such title,
        from the first line of a text whose items follow a lead-in ("... as follows:")."""
        text = self.text
        first_marker: tuple[int, int] | None = None
        title: int | None = None
        paragraphs: list[tuple[int, int]] = []  # the non-blank lines before the first item
        for a, b in _lines(text, 0, len(text)):
            at = self._opening(a)
            if at >= b:
                continue
            if self.marker.match(text, a, b):
                first_marker = (at, b)
                break
            line = text[at:b].rstrip()
            if title is None and names_kind(line) and _title_like(line):
                title = at
            paragraphs.append((at, at + len(line)))
        if title is not None:
            numbered = any(self.docnumber.match(text[a:b] + "\n") or find_doc_numbers(text, a, b) for a, b in paragraphs if a >= title)
            if first_marker is not None or numbered:
                return self.region(title, self._layout(title), len(text), start=title)
        if first_marker is not None and paragraphs:
            before = " ".join(text[a:b] for a, b in paragraphs[-_LEAD_IN_REACH:]).lower()
            if any(word in before for word in layout_words("lead_ins")):
                start = paragraphs[0][0]
                return self.region(start, self._layout(start), len(text), start=start)
        return None

    def nearest(self) -> str:
        """How close the best candidate came to a notice, for the error message."""
        text = self.text
        for a, b in _lines(text, 0, len(text)):
            at = self._opening(a)
            if at < b and self.marker.match(text, a, b):
                line = text.count("\n", 0, at) + 1
                marker = self.marker.match(text, a, b).group().strip()
                return (
                    f"; the nearest candidate, numbered items from {marker!r} at line {line}, lacks an addressee line"
                    ' ("To ...:" or "All ...:"), a title naming the kind of document above it ("Notice of ...", "...的通知")'
                    ' and a lead-in before its first item ("... as follows:")'
                )
        for a, b in _lines(text, 0, len(text)):
            at = self._opening(a)
            if at < b and names_kind(text[at:b]) and _title_like(text[at:b].rstrip()):
                line = text.count("\n", 0, at) + 1
                return f"; the nearest candidate, a title at line {line}, has no numbered items, document number or addressee after it"
        return ""


def _regions(text: str, source: str | None) -> tuple[_Locator, list[_Region]]:
    locator = _Locator(ungutter(text), source)
    candidates = locator.candidates()
    if not candidates:
        region = locator.unaddressed()
        if region is None:
            raise NoticeNotFound(
                f"{source or '<text>'}: no notice found:"
                " looked for an addressee line ending in a colon "
                '("To the people\'s governments of ...:"), or a title naming the kind of document '
                '("Notice of ...", "通知"), followed by numbered items such as "(1)", "(I)", "1." or "一、", '
                "and a closing paragraph (entry into force or repeal) or a signature block" + locator.nearest()
            )
        return locator, [region]
    regions: list[_Region] = []
    for i, (pos, layout) in enumerate(candidates):
        if regions and pos < regions[-1].end:
            continue
        limit = candidates[i + 1][0] if i + 1 < len(candidates) else len(text)
        regions.append(locator.region(pos, layout, limit))
    return locator, regions


def _syntax_error(exc: UnexpectedInput, text: str, source: str | None, base: int) -> NoticeSyntaxError:
    """The Lark error as a NoticeSyntaxError; the parser read ``text[base:...]``."""
    if isinstance(exc, UnexpectedToken):
        expected = sorted({_EXPECTED.get(t, t) for t in exc.accepts or exc.expected})
        got = "end of the notice" if exc.token.type == "$END" else f"{_GOT.get(exc.token.type, exc.token.type)} {str(exc.token)[:40]!r}"
        return NoticeSyntaxError(f"unexpected {got}", text=text, pos=(exc.token.start_pos or 0) + base, source=source, expected=expected)
    if isinstance(exc, UnexpectedCharacters):
        expected = sorted({_EXPECTED.get(t, t) for t in exc.allowed})
        return NoticeSyntaxError(
            f"unexpected character {text[exc.pos_in_stream + base]!r}", text=text, pos=exc.pos_in_stream + base, source=source, expected=expected
        )
    if isinstance(exc, UnexpectedEOF):
        expected = sorted({_EXPECTED.get(t, t) for t in exc.expected})
        return NoticeSyntaxError("unexpected end of the notice", text=text, pos=len(text), source=source, expected=expected)
    return NoticeSyntaxError(str(exc), text=text, pos=0, source=source)  # pragma: no cover


def _parse_region(
    text: str, view: str, region: _Region, source: str | None, extra: list[Anomaly], lines: LineIndex
) -> Notice:
    try:
        # A copy of the region, not a TextSlice: Lark counts the lines before a slice's
        # start on every parse, which made a page of many notices quadratic. One line
        # break is appended, so the last paragraph owns a break like every other.
        tree = notice_parser().parse(view[region.start : region.end] + "\n")
        skeleton = NoticeTransformer(text, lines, base=region.start, limit=region.end).transform(tree)
    except InputError as exc:  # the lexer's token budget ran out (grammar.MAX_TOKENS)
        from .grammar import MAX_TOKENS  # read now: a caller may have set it

        line, column = lines.line_col(region.start + getattr(exc, "pos", 0))
        raise InputError(
            f"{source or '<text>'}:{line}:{column}: the notice holds more than {MAX_TOKENS:,} tokens (markers, sentences, "
            f"line breaks) by here; at most {MAX_TOKENS:,} are parsed, to keep memory bounded (regnotice.grammar.MAX_TOKENS)"
        ) from None
    except InvalidReference as exc:  # a marker the numbering cannot read, at its position
        where = getattr(exc, "pos", None)
        raise NoticeSyntaxError(str(exc), text=text, pos=region.start if where is None else where, source=source) from None
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text, source, region.start) from None
    except LarkError as exc:  # pragma: no cover - any other Lark failure is still ours
        raise NoticeSyntaxError(str(exc), text=text, pos=region.start, source=source) from None

    clauses, anomalies = _number(skeleton.clauses, skeleton.sections, text)
    if not region.ended and clauses:  # the text stops before the notice does
        clauses[-1] = clauses[-1].model_copy(update={"cut": True})
    if len(clauses) != len(skeleton.clauses) or any(a is not b for a, b in zip(clauses, skeleton.clauses)):
        swap = {id(a): b for a, b in zip(skeleton.clauses, clauses)}
        parts = [swap.get(id(p), p) for p in skeleton.parts]
    else:
        parts = skeleton.parts
    anomalies += _layout_anomalies(region, parts, clauses, text, lines)
    facts = read_front_matter(parts, text, view)
    return Notice.model_construct(
        text=text[region.start : region.end],
        span=Span(start=region.start, end=region.end),
        kind="notice",
        source=source,
        layout=region.layout,
        clauses=tuple(clauses),
        parts=tuple(parts),
        anomalies=tuple(anomalies + extra),
        **facts,
    )


# A paragraph of the front matter that opens like a marker of a numbering regnotice does
# not read ("(a)", "A.", "①", "1)"): the grammar placed it in the preamble, and says so.
_STRAY_MARKER = re.compile(r"[(（][A-Za-z][)）]|[A-Z][.．](?=\s)|[\u2460-\u2473]|\d{1,3}[)）](?=\s)")


#: The largest arabic item number a marker may carry ("(999)"; grammars/notice.lark).
MAX_ITEM = 999
_BIG_MARKER = re.compile(r"[(（][ \t]*\d{4,}[ \t]*[)）]")


def _layout_anomalies(region: _Region, parts: list, clauses: list[Clause], text: str, lines: LineIndex) -> list[Anomaly]:
    out: list[Anomaly] = []

    def at(pos: int, end: int, kind: str, message: str) -> None:
        line, column = lines.line_col(pos)
        out.append(Anomaly(kind=kind, message=message, line=line, column=column, span=Span(start=pos, end=end)))

    for part in parts:
        if getattr(part, "kind", None) in ("preamble", "headline", "title"):
            for para in part.paragraphs:
                m = _STRAY_MARKER.match(para.text)
                if m:
                    at(para.span.start, para.span.start + m.end(), "unplaced", f"{m.group()!r} opens a paragraph like a marker of a numbering regnotice does not read; the paragraph was kept in the {part.kind}")
    for clause in clauses:  # "(1000)" after "(999)": a number past the markers' range, kept in the item before
        for para in clause.paragraphs[1:]:
            m = _BIG_MARKER.match(para.text)
            if m:
                at(para.span.start, para.span.start + m.end(), "unplaced", f"{m.group()!r} opens a paragraph like an item numbered past {MAX_ITEM}, the largest marker regnotice reads; the paragraph was kept in item {clause.marker}")
    if not region.ended:
        last = lines.line_col(region.end)[0]
        tail = text[max(region.start, region.end - 1) : region.end]
        how = "mid-sentence" if tail and not _ENDS_SENTENCE.search(tail) and tail not in ":：" else "after a sentence"
        if clauses:
            c = clauses[-1]
            message = f"the text stops at line {last} ({how}) before the notice's closing or signature: item {c.marker} may be cut short"
        else:
            message = f"the text stops at line {last} ({how}) before the notice's first item"
        at(region.end, region.end, "truncated", message)
    elif not clauses:
        at(region.start, region.start, "no_items", "the notice has no numbered items")
    return out


def _number(clauses: list[Clause], sections: list, text: str) -> tuple[list[Clause], list[Anomaly]]:
    """Assign sections, handle per-section restarts, and report numbering anomalies."""
    anomalies: list[Anomaly] = []
    if not clauses:
        return clauses, anomalies
    section_at = sorted((s.span.start, s.ordinal) for s in sections)
    # Numbering that restarts in every section ("I." (1) (2) "II." (1) ...) gets
    # ordinals counted through the notice; the raw marker keeps the local number.
    restarts = False
    if len(section_at) > 1:
        firsts = []
        for s_start, _ in section_at:
            first = next((c for c in clauses if c.span.start > s_start), None)
            if first is not None:
                firsts.append(first.ordinal)
        restarts = len(firsts) > 1 and all(o == 1 for o in firsts)
    out: list[Clause] = []
    previous = 0
    seen: set[int] = set()
    offset = 0
    section_idx = -1
    last_in_section = 0
    for clause in clauses:
        update: dict = {}
        while section_idx + 1 < len(section_at) and section_at[section_idx + 1][0] < clause.span.start:
            section_idx += 1
            if restarts:
                offset += last_in_section
                last_in_section = 0
        if section_idx >= 0:
            update["section"] = section_at[section_idx][1]
        ordinal = clause.ordinal + offset if restarts else clause.ordinal
        if restarts:
            last_in_section = max(last_in_section, clause.ordinal)
            update["ordinal"] = ordinal
        if ordinal == previous + 1:  # the next one (never seen: all seen are <= previous)
            seen.add(ordinal)
            previous = ordinal
            out.append(clause.model_copy(update=update) if update else clause)
            continue
        # built from the parse, so not validated again (a text of 100,000 items may hold as many)
        where = dict(line=clause.line, column=clause.column, span=Span.trusted(start=clause.span.start, end=clause.span.start + len(clause.marker)))
        if ordinal in seen:
            anomalies.append(Anomaly.trusted(kind="repeat", message=f"clause {clause.marker} repeats ordinal {ordinal}", **where))
        elif ordinal < previous:
            anomalies.append(Anomaly.trusted(kind="out_of_order", message=f"clause {clause.marker} ({ordinal}) comes after {previous}", **where))
        elif ordinal > previous + 1:
            missing = f"{previous + 1}" if ordinal == previous + 2 else f"{previous + 1}..{ordinal - 1}"
            anomalies.append(Anomaly.trusted(kind="gap", message=f"clause {clause.marker} ({ordinal}) follows {previous}: {missing} missing", **where))
        seen.add(ordinal)
        previous = max(previous, ordinal)
        out.append(clause.model_copy(update=update) if update else clause)
    return out, anomalies


#: The largest text parsed (characters), unless a call says otherwise: a larger one is
#: refused before any work.
MAX_TEXT = 20_000_000


def _notices(text: str, source: str | None, max_size: int | None = None) -> Iterator[Notice]:
    """The distinct notices of a page, parsed lazily in order. The copies are sorted
    out first, so the first notice already reports every other copy."""
    if not isinstance(text, str):
        raise TypeError(f"parse() takes text (str), not {type(text).__name__}")
    limit = MAX_TEXT if max_size is None else max_size
    if len(text) > limit:
        raise InputError(f"{source or '<text>'}: {len(text):,} characters; at most {limit:,} are parsed (max_size=... for more)")
    if looks_like_html(text):  # a saved web page: its text, read through an HTML parser
        text = page_text(text, source).text
    # Word's and the web's line breaks and zero-width spaces, one character for one
    text = normalise(text)
    locator, regions = _regions(text, source)
    lines = LineIndex(text)
    if len(regions) == 1:  # one notice: nothing to compare
        yield _parse_region(text, locator.view(regions[0]), regions[0], source, [], lines)
        return
    distinct: dict[str, _Region] = {}
    notes: dict[int, list[Anomaly]] = {}
    first = regions[0]
    for region in regions:
        body = text[region.start : region.end]
        line, column = lines.line_col(region.start)
        where = dict(line=line, column=column, span=Span(start=region.start, end=region.end))
        if body in distinct:
            message = f"an identical copy of the notice at line {line} was ignored"
            notes.setdefault(distinct[body].start, []).append(Anomaly(kind="duplicate", message=message, **where))
            continue
        if distinct:
            message = f"another, different notice starts at line {line}"
            notes.setdefault(first.start, []).append(Anomaly(kind="other_notice", message=message, **where))
        distinct[body] = region
    for region in distinct.values():
        view = locator.view(region)
        yield _parse_region(text, view, region, source, notes.get(region.start, []), lines)


def parse_all(text: str, source: str | None = None, *, max_size: int | None = None) -> list[Notice]:
    """Every distinct notice in ``text``, in order. Identical copies are parsed once
    and reported in the ``anomalies`` of the notice they copy."""
    with gc_paused():
        return list(_notices(text, source, max_size))


def parse(text: str, source: str | None = None, *, max_size: int | None = None) -> Notice:
    """Parse a notice, or a whole page that contains one.

    ``source`` names the text in error messages (a file name). A saved HTML page is read
    through :func:`regnotice.webpage.page_text` first, and the spans point into its text
    (``page_text(html).html_offset`` maps them back to the HTML). The first notice in the
    page is returned; further copies, identical or not, are reported in its
    ``anomalies``. Raises :class:`~regnotice.errors.NoticeNotFound` when the page holds
    no notice and :class:`~regnotice.errors.NoticeSyntaxError` when it holds a broken one.
    A text over ``max_size`` characters (default :data:`MAX_TEXT`, 20 million) is an
    :class:`~regnotice.errors.InputError` before any work.
    """
    with gc_paused():
        return next(_notices(text, source, max_size))
