"""Facts of a notice's unnumbered parts: its document number, title, issuers,
addressee, the laws it rests on, the bodies consulted, the approving body, entry into
force and what it repeals.

These are read from the blocks the structure grammar already delimited (title,
foreword, addressee, preamble, closing), one phrase pattern each. The sentence-pattern
grammar of rule extraction supersedes the phrase patterns for numbered clauses.

>>> parse_doc_number("Yin Fa [2026] No. 42")
DocNumber(prefix='Yinfa', year=2026, seq=42)
>>> parse_doc_number("银发〔2026〕42号") == parse_doc_number("Yinfa [2026] No. 42")
True
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from .errors import RuleFileError
from .models import Block, Citation, DocNumber, Span
from .yamlio import load_yaml

__all__ = ["parse_doc_number", "find_doc_numbers", "read_front_matter"]

def _load_prefixes() -> tuple[dict[str, str], dict[str, str]]:
    """(Chinese prefix -> romanisation, English form -> romanisation), from
    ``docnumbers.yaml`` (data, loaded strictly)."""
    path = Path(__file__).resolve().parent / "docnumbers.yaml"
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise RuleFileError(f"{path}:1: expected a mapping of romanisations to their zh and en forms")
    chinese: dict[str, str] = {}
    english: dict[str, str] = {}
    for canonical, forms in data.items():
        if not isinstance(forms, dict) or set(forms) - {"zh", "en"} or not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in forms.values()):
            raise RuleFileError(f"{path}: {canonical!r}: expected zh and en, each a list of strings")
        for table, key in ((chinese, "zh"), (english, "en")):
            for form in forms.get(key, []):
                if table.get(form, canonical) != canonical:
                    raise RuleFileError(f"{path}: {form!r} names both {table[form]!r} and {canonical!r}")
                table[form] = str(canonical)
    return chinese, english


_CHINESE_PREFIX, _ENGLISH_PREFIX = _load_prefixes()
# The English forms the data knows, read just before a bracketed year (longest first).
_EN_KNOWN = re.compile(
    "(?:" + "|".join(re.escape(f).replace(r"\ ", "[ \u00a0]+") for f in sorted(_ENGLISH_PREFIX, key=len, reverse=True)) + r")(?=[ \u00a0]*$)"
)

# English numbers are found by their bracketed year and "No.", then the issuer's
# prefix (up to four capitalised words) is read just before it: cheaper than trying a
# prefix at every position of a long paragraph. The anchor opens with its bracket, so
# the regex engine skips to the brackets instead of trying every position.
_EN_ANCHOR = re.compile(r"[\[〔【(（﹝][ \u00a0]*(?P<year>\d{4})[ \u00a0]*[\]〕】)）﹞][ \u00a0]*No\.?[ \u00a0]*(?P<seq>\d{1,5})")
# Up to four capitalised words, joined also by "and", "of" or "for" ("Development and
# Reform Commission").
_EN_PREFIX = re.compile(
    r"[A-Z](?<![\w][A-Z])[\w\-]*(?:[ \u00a0](?:(?:and|of|for)[ \u00a0])?[A-Z][\w\-]*){0,3}(?=[ \u00a0]*$)"
)
_ZH_NUMBER = re.compile(r"(?P<prefix>[\u4e00-\u9fff]{1,6}?)[〔\[【(（﹝](?P<year>\d{4})[〕\]】)）﹞](?P<seq>\d{1,5})号")


def _normalise_prefix(prefix: str) -> str:
    """``Yin Fa`` and ``YinFa`` become ``Yinfa``; an agency abbreviation stays."""
    prefix = _CHINESE_PREFIX.get(prefix) or _ENGLISH_PREFIX.get(" ".join(prefix.split()), prefix)
    words = prefix.split()
    if len(words) > 1 and all(len(w) <= 4 and w[:1].isupper() and w[1:].islower() for w in words):
        return "".join(words).capitalize()
    if len(words) == 1 and words[0][1:].lower() != words[0][1:] and not words[0].isupper():
        return words[0].capitalize()  # "YinFa" -> "Yinfa"
    return prefix


def find_doc_numbers(text: str, start: int = 0, end: int | None = None) -> list[tuple[DocNumber, Span]]:
    """Every document number in ``text[start:end]``, with its span."""
    end = len(text) if end is None else end
    found = []
    for m in _EN_ANCHOR.finditer(text, start, end):
        window = max(start, m.start() - 120)
        prefix = _EN_KNOWN.search(text, window, m.start()) or _EN_PREFIX.search(text, window, m.start())
        if prefix:
            number = DocNumber(prefix=_normalise_prefix(prefix.group()), year=int(m["year"]), seq=int(m["seq"]))
            found.append((prefix.start(), number, Span(start=prefix.start(), end=m.end())))
    for m in _ZH_NUMBER.finditer(text, start, end) if text.find("号", start, end) != -1 else ():
        number = DocNumber(prefix=_normalise_prefix(m["prefix"]), year=int(m["year"]), seq=int(m["seq"]))
        found.append((m.start(), number, Span(start=m.start(), end=m.end())))
    return [(n, s) for _, n, s in sorted(found, key=lambda f: f[0])]


def parse_doc_number(text: str) -> DocNumber:
    """Normalise one document number, in English or Chinese form.

    Raises ``ValueError`` when ``text`` holds none.
    """
    found = find_doc_numbers(text)
    if not found:
        raise ValueError(f"no document number in {text!r}; expected e.g. 'Yinfa [2026] No. 42' or '银发〔2026〕42号'")
    return found[0][0]


_ISSUED_BY = re.compile(r"\b(?:Notice|Circular|Opinions|Measures|Decision)\s+of\s+(?:the\s+)?(?P<issuers>.+?)\s+on\s+[A-Z]")
_CONSULTED = re.compile(
    r"\b(?:reaching\s+(?:a\s+)?consensus|consultation|consulting|agreement)\s+with\s+(?P<bodies>.+?)"
    r"(?=,?\s+and\s+with\s+the\s+approval|,?\s+and\s+(?:upon|after)\b|[.;:]|,\s+(?:the\s+relevant|we|it\s+is)\b)"
)
_APPROVED = re.compile(r"\bwith\s+the\s+approval\s+of\s+(?:the\s+)?(?P<body>[A-Z][\w'’ ]+?)(?=[,.;:]|\s+and\b|$)")
_EFFECTIVE = re.compile(
    r"\b(?:enters?|come|comes|take|takes|become|becomes)\s+(?:into\s+(?:force|effect)|effect|effective)\s+"
    r"(?P<when>(?:upon|on|from|as\s+of|since)\s[^.;]+)"
)
_REPEAL = re.compile(r"\b(?:repeal|abolish|annul|rescind)", re.IGNORECASE)
_QUOTED = re.compile(r"\"(?P<a>[^\"\n]+)\"|“(?P<b>[^”\n]+)”|《(?P<c>[^》\n]+)》")
_AUTHORITY = re.compile(r"\bin\s+accordance\s+with\b|根据")

# Key words each phrase pattern's match must contain, and how far before the key word
# the match may start. A pattern that opens with \b is tried at every position; started
# just before its key word (found by a plain substring search) it costs almost nothing.
_HINTS = {
    _ISSUED_BY: (("Notice", "Circular", "Opinions", "Measures", "Decision"), 0),
    _CONSULTED: (("consensus", "consultation", "consulting", "agreement"), 24),
    _APPROVED: (("approval",), 24),
    _AUTHORITY: (("accordance", "根据"), 200),  # not flattened: "in" may stand far before
    _EFFECTIVE: (("force", "effect"), 24),
}


def _search(pattern: re.Pattern, text: str) -> re.Match | None:
    """``pattern.search(text)``, started a little before the first of its key words; no
    search at all where none stands. Every match holds a key word no further than the
    pattern's reach after its start, so no match is skipped."""
    hints, reach = _HINTS[pattern]
    first = -1
    for hint in hints:
        at = text.find(hint)
        if at != -1 and (first == -1 or at < first):
            first = at
    if first == -1:
        return None
    return pattern.search(text, max(0, first - reach))


_COMMA = re.compile(r"\s*[,，、]\s*")
_CONJUNCTION = re.compile(r"^(?:and|as\s+well\s+as)\s+")
_THE = re.compile(r"^the\s+")


def _split_list(text: str) -> list[str]:
    """``A, B, and the C`` -> ``[A, B, C]``. Only commas split: names such as "China
    Banking and Insurance Regulatory Commission" hold an "and" of their own."""
    items = []
    for piece in _COMMA.split(text):
        piece = _THE.sub("", _CONJUNCTION.sub("", piece.strip()))
        if piece:
            items.append(piece)
    return items


def _first(blocks: dict[str, Block], *kinds: str) -> Iterable[Block]:
    return [blocks[k] for k in kinds if k in blocks]


def _flat(text: str) -> str:
    """``text`` with every run of whitespace (a wrapped line's break included) one space."""
    return " ".join(text.split())


def read_front_matter(parts: list, text: str, view: str | None = None) -> dict:
    """The notice-level facts, as keyword arguments for :class:`~regnotice.models.Notice`.

    ``view`` is the text the grammar read: ``text`` itself, or for hard-wrapped text an
    offset-preserving copy whose soft line breaks are spaces, so a phrase wrapped across
    lines is still found, and every span found in it points into ``text``.
    """
    view = text if view is None else view
    blocks = {p.kind: p for p in parts if isinstance(p, Block)}
    facts: dict = {
        "number": None,
        "title": _flat(blocks["title"].text) if "title" in blocks else None,
        "issuers": (),
        "addressee": _flat(blocks["addressee"].text) if "addressee" in blocks else "",
        "legal_bases": (),
        "consulted": (),
        "approved_by": None,
        "effective": None,
        "repeals": (),
    }
    for block in _first(blocks, "title", "foreword"):
        if facts["number"] is None:
            found = find_doc_numbers(view, block.span.start, block.span.end)
            if found:
                facts["number"] = found[0][0]
        if not facts["issuers"]:
            m = _search(_ISSUED_BY, _flat(block.text))
            if m:
                facts["issuers"] = tuple(_split_list(m["issuers"]))
    if "preamble" in blocks:
        facts.update(_preamble_facts(blocks["preamble"], text, view))
    if "closing" in blocks:
        closing = blocks["closing"]
        m = _search(_EFFECTIVE, _flat(closing.text))
        if m:
            facts["effective"] = m["when"].strip()
        repeals = []
        for para in closing.paragraphs:
            for sentence in para.sentences:
                if _REPEAL.search(sentence.text):
                    repeals += [n for n, _ in find_doc_numbers(view, sentence.span.start, sentence.span.end)]
        facts["repeals"] = tuple(repeals)
    return facts


def _preamble_facts(preamble: Block, text: str, view: str) -> dict:
    facts: dict = {}
    bases: list[Citation] = []
    for para in preamble.paragraphs:
        for sentence in para.sentences:
            seen = view[sentence.span.start : sentence.span.end]
            authority = _search(_AUTHORITY, seen)
            if authority:
                for m in _QUOTED.finditer(seen, authority.end()):
                    group = m.lastgroup  # the quotes used: "a", "b" or "c"
                    title = m[group].rstrip(" ,.;，。；")
                    start = sentence.span.start + m.start(group)
                    end = start + len(title)
                    bases.append(Citation.trusted(text=text[start:end], span=Span.trusted(start=start, end=end)))
            if "consulted" in facts and "approved_by" in facts:
                continue
            flat = _flat(seen)
            m = _search(_CONSULTED, flat) if "consulted" not in facts else None
            if m:
                facts["consulted"] = tuple(_split_list(m["bodies"]))
            m = _search(_APPROVED, flat) if "approved_by" not in facts else None
            if m:
                facts["approved_by"] = m["body"].strip()
    facts["legal_bases"] = tuple(bases)
    return facts
