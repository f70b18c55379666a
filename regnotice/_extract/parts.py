"""The parts of a sentence as Extracts (spans, list items, registry refs), the drafts
the transformer builds, and the small readers of conditions, objects, territory, quoted
terms, references and terms defined in passing."""

from __future__ import annotations

import re
from functools import lru_cache

from lark import Token
from lark.exceptions import LarkError

from ..agencies import Registry
from ..front import find_doc_numbers
from ..models import Condition, Definition, Extract, Reference, Sentence, Span
from .lexer import _CONDITION_CUES, _TRIM, _hereinafter_pattern, condition_lexer
from .lists import _pieces, _top_level_commas, split_list

_INCLUDING = re.compile(r"\(\s*(?:including|includes|such\s+as)\s+([^()]+?)\s*\)", re.I)


class _Parts:
    """Builds Extracts from sentence pieces: spans, list splitting, registry refs."""

    def __init__(self, source: str, registry: Registry) -> None:
        self.source = source
        self.registry = registry

    @property
    def participles(self) -> frozenset[str]:
        """Irregular verb forms the lexicon names ("sold", "held"): with -ed, -en and -wn,
        the words that make "be ..." a passive."""
        return _participles()

    def extract(self, text: str, start: int, ref: str | None = None) -> Extract:
        lead = len(text) - len(text.lstrip(_TRIM))
        text = text.strip(_TRIM)
        start += lead
        end = start + len(text)
        # Built from the parse, not from a user: no validation (see models._Frozen.trusted).
        # ``text`` is the source slice at ``start``; tests check source[span] == text.
        return Extract.trusted(text=text, span=Span.trusted(start=start, end=end), ref=ref)

    def items(self, text: str, start: int, kind: str = "items") -> list[Extract]:
        return [self.extract(t, s) for t, s in split_list(text, start, kind=kind)]

    def parties(self, text: str, start: int) -> list[Extract]:
        """The parties (agencies or regulated-party types) a list names."""
        out: list[Extract] = []
        for piece, s in split_list(text, start, kind="parties"):
            inner = _INCLUDING.search(piece)
            if inner:  # "Financial institutions (including non-bank payment institutions)"
                head = piece[: inner.start()]
                out += self._party(head, s)
                out += self.parties(inner.group(1), s + inner.start(1))
                continue
            out += self._party(piece, s)
        return out

    def _party(self, piece: str, start: int) -> list[Extract]:
        piece_stripped = piece.strip(_TRIM)
        found = self.registry.resolve(piece_stripped)
        if found:
            return [self.extract(piece, start, found)]
        halves = re.split(r"(?<!\s)\s++(?:and|or|as\s+well\s+as)\s++", piece_stripped)
        if len(halves) > 1 and all(self.registry.resolve(h) for h in halves):
            out, cursor = [], piece.index(piece_stripped)
            for half in halves:
                at = piece.index(half, cursor)
                out.append(self.extract(half, start + at, self.registry.resolve(half)))
                cursor = at + len(half)
            return out
        return [self.extract(piece, start, None)]

    def leading_parties(self, text: str, start: int) -> tuple[list[Extract], str, int]:
        """The parties at the head of a list and the rest of the list: "relevant
        departments, strictly controls X" -> ([relevant departments], "strictly controls X")."""
        parties: list[Extract] = []
        end = start + len(text.rstrip(_TRIM))
        for piece, s in _pieces(text, start):
            found = self._party(piece, s)
            if all(p.ref for p in found):
                parties += found
                continue
            opening = self.registry.match_prefix(piece)
            if opening:  # "other departments continue to improve ...": a name, then duties
                ref, length = opening
                parties.append(self.extract(piece[:length], s, ref))
                rest = s + length
                return parties, self.source[rest:end], rest
            return parties, self.source[s:end], s
        return parties, "", end

    def leading_parties_zh(self, text: str, start: int) -> tuple[list[Extract], str, int]:
        """The parties a Chinese clause opens with, joined by 、 和 及 与 and closed by
        等, and the rest: "金融机构、非银行支付机构等以任何形式..." ->
        ([金融机构, 非银行支付机构], "以任何形式...")."""
        parties: list[Extract] = []
        cursor = 0
        while True:
            opening = self.registry.match_prefix(text[cursor:])
            if not opening:
                break
            ref, length = opening
            parties.append(self.extract(text[cursor : cursor + length], start + cursor, ref))
            cursor += length
            joint = _ZH_JOINT.match(text, cursor)
            if not joint:
                break
            cursor = joint.end()
        if not parties:
            return [], text, start
        cursor = parties[-1].span.end - start
        closing = _ZH_ETC.match(text, cursor)
        if closing:
            cursor = closing.end()
        return parties, text[cursor:], start + cursor


@lru_cache(maxsize=1)
def _participles() -> frozenset[str]:
    from ..lexicon import lexicon

    return frozenset(lexicon().normalise.inflections)


_ZH_JOINT = re.compile(r"、|以及|和|及|与")
_ZH_ETC = re.compile(r"等(?:单位|机构|部门)?")


class _Draft:
    """What one grammar rule yields before it gets its id: the model class and fields."""

    __slots__ = ("cls", "fields", "exception")

    def __init__(self, cls, fields: dict, exception: "_Draft | None" = None) -> None:
        self.cls, self.fields, self.exception = cls, fields, exception


def _split_last_comma(text: str) -> tuple[str, int]:
    """(head, start of the tail) at the last top-level comma: the condition and the
    subject of "Without the approval of Y, X may not A"."""
    commas = _top_level_commas(text)
    return (text[: commas[-1]], commas[-1] + 1) if commas else ("", 0)


_FINITE = re.compile(r"\b(?:are|is|were|was|have\s+been|has\s+been)\s+\w+(?:ed|en)\b", re.I)


def _last_clause(tok: Token) -> Token:
    """The last clause of a passive subject: "A are conducted, new projects" -> "new
    projects" (the pieces after the last one with a finite passive verb)."""
    text = str(tok)
    commas = _top_level_commas(text)
    cut = 0
    for i, comma in enumerate(commas):
        piece = text[(commas[i - 1] + 1) if i else 0 : comma]
        if _FINITE.search(piece):
            cut = comma + 1
    if not cut:
        return tok
    lead = len(text[cut:]) - len(text[cut:].lstrip(_TRIM))
    return Token(tok.type, text[cut + lead :], start_pos=tok.start_pos + cut + lead, end_pos=tok.end_pos)


def _terms(text: str) -> tuple[str, ...]:
    """The quoted terms a prohibition names as data: 'terms such as "virtual currency,"
    "stablecoin," or "RWA"' -> ("virtual currency", "stablecoin", "RWA")."""
    return tuple(
        (m.group(1) if m.group(1) is not None else m.group(2)).strip(" ,.;，。；") for m in _QUOTE.finditer(text)
    )


_OF = re.compile(r"\b(?:of|from|by)\s+", re.I)
_AUTHORITY = re.compile(r"\b(?:of|from|by)\s+(?:the\s+)?((?:relevant\s+|competent\s+)?[\w' ]+?(?:departments?|authorities|authority|regulators?|commission|bank of china|council|administration))\b", re.I)


def _conditions(parts: _Parts, text: str, start: int) -> tuple[Condition, ...]:
    """The conditions of an exception, each kind from the grammar's condition cues."""
    out: list[Condition] = []
    try:
        tokens = list(condition_lexer().lex(text))
    except LarkError:  # pragma: no cover - the condition lexer accepts any text
        tokens = []
    authority = None
    for m in _OF.finditer(text):  # "approval of the CSRC", "consent of relevant authorities"
        at = m.end() + (4 if text[m.end() : m.end() + 4].lower() == "the " else 0)
        opening = parts.registry.match_prefix(text[at:])
        if opening:
            ref, length = opening
            authority = parts.extract(text[at : at + length], start + at, ref)
            break
    if authority is None:
        named = _AUTHORITY.search(text)
        if named:
            authority = parts.extract(named.group(1), start + named.start(1), None)
    cues = [t for t in tokens if t.type in _CONDITION_CUES]
    for i, tok in enumerate(cues):
        begin = tok.start_pos
        end = cues[i + 1].start_pos if i + 1 < len(cues) else len(text)
        phrase = text[begin:end].strip(_TRIM)
        phrase = re.sub(r"(?<!\s)\s++(?:and|or)$", "", phrase)
        out.append(
            Condition(
                kind=tok.type.lower(),
                text=parts.source[start + begin : start + begin + len(phrase)],
                span=Span(start=start + begin, end=start + begin + len(phrase)),
                authority=authority if tok.type != "RELIANCE" else None,
            )
        )
    if not out and text.strip(_TRIM):
        e = parts.extract(text, start)
        out.append(Condition(kind="other", text=e.text, span=e.span, authority=authority))
    return tuple(out)


_QUOTE = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
_TITLE_WORD = re.compile(r"\b(?:Notice|Catalog|Catalogue|Law|Regulations?|Measures|Provisions|Opinions|Guidelines|Decision|Rules)\b")


def _quoted(parts: _Parts, text: str, start: int) -> Extract | None:
    m = _QUOTE.search(text)
    if not m:
        return None
    group = 1 if m.group(1) is not None else 2
    return parts.extract(m.group(group), start + m.start(group))


def _references(parts: _Parts, sentence: Sentence) -> list[tuple[type, dict]]:
    """Documents a sentence cites: quoted titles of notices, catalogues, laws."""
    out = []
    text, base = sentence.text, sentence.span.start
    for m in _QUOTE.finditer(text):
        group = 1 if m.group(1) is not None else 2
        title = m.group(group).rstrip(" ,.")
        if not _TITLE_WORD.search(title) or len(title.split()) < 3:
            continue
        after = text[m.end() : m.end() + 80]
        numbers = find_doc_numbers(after)
        number = numbers[0][0] if numbers and after.lstrip().startswith("(") else None
        out.append((Reference, dict(title=parts.extract(title, base + m.start(group)), number=number)))
    return out


_MEANING_START = re.compile(r".*\b(?:based\s+on|of|on|in|for|from|to|as)\s+", re.I | re.S)


def _hereinafter(parts: _Parts, sentence: Sentence) -> list[tuple[type, dict]]:
    """Terms a sentence defines in passing: "... based on domestic ownership rights,
    income rights, etc. (hereinafter referred to as domestic equity)"."""
    out = []
    text, base = sentence.text, sentence.span.start
    for m in _hereinafter_pattern().finditer(text):
        before = text[: m.start()]
        head = _MEANING_START.match(before)
        meaning_start = head.end() if head else 0
        term = parts.extract(m.group("term"), base + m.start("term"))
        meaning = parts.extract(before[meaning_start:], base + meaning_start)
        out.append((Definition, dict(term=term, meaning=meaning, examples=())))
    return out
