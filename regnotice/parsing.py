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
from .front import read_front_matter
from .grammar import notice_parser, terminal_regex
from .lines import LineIndex
from .models import Anomaly, Clause, Notice, Span
from .webpage import looks_like_html, page_text
from .transform import NoticeTransformer

__all__ = ["parse", "parse_all"]

_WS = "[ \t\u00a0\u3000\ufeff]"
# A line break inside a paragraph of hard-wrapped text: text on both sides.
_SOFT_BREAK = re.compile(r"(?<=\S)[ \t\u00a0\u3000]*\r?\n(?=[ \t\u00a0\u3000]*\S)")
# "To " opening a line: searched as the literal it starts with (the regex engine skips
# ahead to each "To"), then kept only where nothing but spaces stands before it on its
# line. A multi-line "^spaces*To" tried the pattern at every position of the page.
_ADDRESSEE_WORD = re.compile(r"To[ \t\u00a0]")
_LEAD_SPACE = " \t\u00a0\u3000\ufeff"


def _addressee_openings(text: str) -> Iterator[tuple[int, int]]:
    """(line start, position of "To") of every line that opens with "To "."""
    for m in _ADDRESSEE_WORD.finditer(text):
        at = m.start()
        line_start = text.rfind("\n", 0, at) + 1
        if at == line_start or not text[line_start:at].strip(_LEAD_SPACE):
            yield line_start, at


_BLANK_AFTER = re.compile(r"[ \t\u00a0\u3000]*\r?\n[ \t\u00a0\u3000]*\r?\n")
# Words without which no line can be the closing: a cheap test (plain substring
# search of the lower-cased line) before the grammar's CLOSING terminal is tried.
_CLOSING_HINTS = ("force", "effect", "repeal", "abolish", "annul", "rescind", "cease", "施行", "废止")


def _may_close(line: str) -> bool:
    low = line.lower()
    return any(hint in low for hint in _CLOSING_HINTS)


_TITLE_WORDS = re.compile(
    r"\b(?:Notice|Circular|Measures|Opinions|Decision|Provisions|Announcement|Guidelines|Regulatory)\b|通知|\[\d{4}\]|〔\d{4}〕"
)

#: Human names for the grammar's terminals, for syntax errors.
_EXPECTED = {
    "MARKER": 'an item marker such as "(1)" or "(I)"',
    "SECTION_MARKER": 'a section heading such as "I." or "1."',
    "ADDRESSEE": 'the addressee line ("To ...:")',
    "FOREWORD_LABEL": '"Foreword:"',
    "CLOSING": "the closing paragraph (entry into force or repeal)",
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
    "FOREWORD_LABEL": "foreword label",
    "CLOSING": "closing sentence",
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
    addressee: int


def soften(text: str, start: int = 0, end: int | None = None) -> str:
    """An offset-preserving view of ``text`` in which every line break inside a
    paragraph of ``text[start:end]`` is replaced by spaces of the same length.

    >>> soften("a b\\nc d\\n\\ne")
    'a b c d\\n\\ne'
    """
    end = len(text) if end is None else end
    inner = _SOFT_BREAK.sub(lambda m: " " * len(m.group()), text[start:end])
    return text[:start] + inner + text[end:]


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of ``text[start:end]``, without its line break."""
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        yield pos, stop - 1 if stop > pos and text[stop - 1] == "\r" else stop
        pos = stop + 1


class _Locator:
    """Finds the notice regions of a page."""

    def __init__(self, text: str, source: str | None = None) -> None:
        self.text = text
        self.source = source
        self.addressee = re.compile(rf"^{_WS}*({terminal_regex('ADDRESSEE')})", re.M)
        self.marker = re.compile(rf"{_WS}*(?:(?P<item>{terminal_regex('MARKER')})|{terminal_regex('SECTION_MARKER')})")
        self.closing = re.compile(rf"{_WS}*(?:{terminal_regex('CLOSING')})", re.M)
        self.foreword = re.compile(rf"{_WS}*{terminal_regex('FOREWORD_LABEL')}")
        self._soft: str | None = None

    @property
    def soft(self) -> str:
        """The page with every soft line break softened, built once when first needed.
        Within any paragraph-aligned region it equals softening that region alone."""
        if self._soft is None:
            self._soft = soften(self.text)
        return self._soft

    def candidates(self) -> list[tuple[int, str]]:
        """Start positions of addressee lines, with the layout that follows them.

        A line that opens like an addressee ("To ...") but has no colon at its end may
        be wrapped: it is tried again with the soft breaks of its paragraph softened.
        """
        found: list[tuple[int, str]] = []
        for line_start, at in _addressee_openings(self.text):
            single = self.addressee.match(self.text, line_start)
            if single:
                found.append((at, self._layout(single.end())))
                continue
            if self.addressee.match(self.soft, line_start):
                found.append((at, "blocks"))
        return found

    def _layout(self, pos: int) -> str:
        """The layout of the notice whose addressee line ends at ``pos``: ``blocks`` when
        most of its item markers stand after a blank line, ``lines`` when most follow the
        line before them. A blank line after the addressee alone decides nothing; only
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
            marker = self.marker.match(self.text, a, b)
            if marker and marker["item"] is not None:
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

    def region(self, addressee: int, layout: str, limit: int) -> _Region:
        text = self.text if layout == "lines" else self.soft
        end = self._end(text, addressee, limit)
        start = self._start(self.text, addressee, layout)
        return _Region(start, end, layout, addressee)

    def view(self, region: _Region) -> str:
        """The text the grammar reads for ``region``: the source itself, or for
        ``blocks`` the source with the region's soft line breaks softened."""
        return self.text if region.layout == "lines" else self.soft

    def _end(self, text: str, addressee: int, limit: int) -> int:
        seen_item = False
        last = addressee
        for a, b in _lines(text, addressee, limit):
            if a == addressee or not text[a:b].strip():
                continue
            marker = self.marker.match(text, a, b)
            if marker:  # a section heading alone is no item: a notice needs one
                seen_item = seen_item or marker["item"] is not None
            elif seen_item and _may_close(text[a:b]) and self.closing.match(text, a, b):
                return a + len(text[a:b].rstrip())
            last = b
        what = "the numbered items" if not seen_item else "the closing paragraph (entry into force or repeal)"
        raise NoticeSyntaxError(
            "the notice that starts here does not end",
            text=self.text,
            pos=addressee,
            source=self.source,
            expected=[what + f" after line {self.text.count(chr(10), 0, last) + 1}"],
        )

    def _start(self, text: str, addressee: int, layout: str = "lines") -> int:
        prev = self._previous_paragraph(text, addressee, layout)
        if prev is None:
            return addressee
        a, b, _ = prev
        if self.foreword.match(text, a, b):
            # The title above a foreword: the paragraph right above it, or one that
            # reads like a title across blank lines.
            before = self._previous_paragraph(text, a, layout)
            if before and (before[2] or _TITLE_WORDS.search(text, before[0], before[1])):
                return before[0]
            return a
        if _TITLE_WORDS.search(text, a, b):
            return a
        return addressee

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


def _regions(text: str, source: str | None) -> tuple[_Locator, list[_Region]]:
    locator = _Locator(text, source)
    candidates = locator.candidates()
    if not candidates:
        raise NoticeNotFound(
            f"{source or '<text>'}: no notice found:"
            " looked for an addressee line ending in a colon "
            '("To the people\'s governments of ...:"), followed by numbered items such as '
            '"(1)" or "(I)" and a closing paragraph (entry into force or repeal)'
        )
    regions: list[_Region] = []
    first_error: NoticeSyntaxError | None = None
    for i, (pos, layout) in enumerate(candidates):
        if regions and pos < regions[-1].end:
            continue
        limit = candidates[i + 1][0] if i + 1 < len(candidates) else len(text)
        try:
            regions.append(locator.region(pos, layout, limit))
        except NoticeSyntaxError as exc:
            first_error = first_error or exc
    if not regions:
        assert first_error is not None
        raise first_error
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
        # start on every parse, which made a page of many notices quadratic.
        tree = notice_parser().parse(view[region.start : region.end])
        skeleton = NoticeTransformer(text, lines, base=region.start).transform(tree)
    except InvalidReference as exc:  # a marker the numbering cannot read, at its position
        where = getattr(exc, "pos", None)
        raise NoticeSyntaxError(str(exc), text=text, pos=region.start if where is None else where, source=source) from None
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text, source, region.start) from None
    except LarkError as exc:  # pragma: no cover - any other Lark failure is still ours
        raise NoticeSyntaxError(str(exc), text=text, pos=region.start, source=source) from None

    clauses, anomalies = _number(skeleton.clauses, skeleton.sections, text)
    if len(clauses) != len(skeleton.clauses) or any(a is not b for a, b in zip(clauses, skeleton.clauses)):
        swap = {id(a): b for a, b in zip(skeleton.clauses, clauses)}
        parts = [swap.get(id(p), p) for p in skeleton.parts]
    else:
        parts = skeleton.parts
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
        where = dict(line=clause.line, column=clause.column, span=Span(start=clause.span.start, end=clause.span.start + len(clause.marker)))
        if ordinal in seen:
            anomalies.append(Anomaly(kind="repeat", message=f"clause {clause.marker} repeats ordinal {ordinal}", **where))
        elif ordinal < previous:
            anomalies.append(Anomaly(kind="out_of_order", message=f"clause {clause.marker} ({ordinal}) comes after {previous}", **where))
        elif ordinal > previous + 1:
            missing = f"{previous + 1}" if ordinal == previous + 2 else f"{previous + 1}..{ordinal - 1}"
            anomalies.append(Anomaly(kind="gap", message=f"clause {clause.marker} ({ordinal}) follows {previous}: {missing} missing", **where))
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
        text = page_text(text).text
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
    return next(_notices(text, source, max_size))
