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


_ISSUED_BY = re.compile(r"\b(?:Notice|Circular|Opinions|Measures|Decision|Announcement|Initiative)\s+(?:of|from|by)\s+(?:the\s+)?(?P<issuers>.+?)\s+(?:on|regarding|concerning)\s+[A-Z]")
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
    _ISSUED_BY: (("Notice", "Circular", "Opinions", "Measures", "Decision", "Announcement", "Initiative"), 0),
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


_COMMA = re.compile(r"(?<!\s)\s*+[,，、]\s*+")
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


def _flat(text: str) -> str:
    """``text`` with every run of whitespace (a wrapped line's break included) one space;
    none where the break or space stands between two Chinese characters, as in a title
    over two lines or a signature line "中 央 宣 传 部"."""
    flat = " ".join(text.split())
    return _CJK_GAP.sub("", flat) if _CJK.search(flat) else flat


_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_CJK_GAP = re.compile(r"(?<=[\u2018-\u201f\u3000-\u9fff\uff00-\uffef]) (?=[\u2018-\u201f\u3000-\u9fff\uff00-\uffef])")

# Issuers in the title or a sentence, in the phrasings notices use:
#   "Notice of/from/by X, Y and Z on ...", "X, Y and Z Notice on ...",
#   "... issued by X and Y", "X and Y (have) (jointly) issued ...",
#   "X等部门关于..." (X and other departments on ...).
_ISSUERS_BEFORE_KIND = re.compile(
    r"^(?:The\s+)?(?P<issuers>[A-Z][^:“\"]{2,300}?)\s+(?:Public\s+)?(?:Notice|Circular|Announcement|Initiative)\b(?!\s+(?:of|from|by)\b)"
)
_ISSUED_BY_PHRASE = re.compile(r"\b(?:issued|released|published|promulgated)\s+(?:jointly\s+)?by\s+(?:the\s+)?(?P<issuers>[A-Z].+?)(?=[.;:(（]|,\s+(?:which|and\s+(?:the\s+)?[a-z])|$)")
_JOINTLY_ISSUED = re.compile(
    r"(?:^|,\s+|\bthat\s+|\bof\s+)(?:the\s+)?(?P<issuers>(?:[A-Z][\w'’\-]*(?:\s+(?:of|for|and|on|[A-Z][\w'’\-]*))*)(?:,\s+(?:and\s+)?(?:the\s+)?[A-Z][\w'’\-]*(?:\s+(?:of|for|and|on|[A-Z][\w'’\-]*))*)*)\s+(?:have\s+|has\s+)?jointly\s+(?:issued|released|call|launched|published)"
)
_ZH_ISSUERS = re.compile(r"^(?P<issuers>[\u4e00-\u9fff、]{2,80}?)(?:等(?:[\u4e00-\u9fff]{1,3})?部门)?关于")
# " and N other departments" / " and five associated ministries": the others are not named.
_AND_OTHERS = re.compile(r"(?<!\s)\s++and\s++(?:\w+\s+)?(?:other|associated)\s+(?:departments|ministries|agencies)\b.*$", re.I)
# "X and Y" where both sides are names: split only when the registry knows both.
_AND = re.compile(r"(?<!\s)\s++and\s++(?:the\s+)?")


def _issuers(text: str) -> tuple[str, ...]:
    """The issuers a title or sentence names, in any of the phrasings above."""
    m = _search(_ISSUED_BY, text)
    if m:
        return _names(m["issuers"])
    # Each pattern is tried only where its key word stands: a search of a long sentence
    # for a list of names that no "jointly" follows would try it at every capital.
    for pattern, key in ((_ISSUERS_BEFORE_KIND, ""), (_JOINTLY_ISSUED, "jointly"), (_ISSUED_BY_PHRASE, " by "), (_ZH_ISSUERS, "关于")):
        if key not in text:
            continue
        at = text.find(key) if key else 0
        m = pattern.search(text, max(0, at - 2000)) if key in ("jointly",) else pattern.search(text)
        if m:
            return _names(m["issuers"])
    return ()


def _names(text: str) -> tuple[str, ...]:
    """A list of issuers as names: commas (and 、) split, "and" splits where the registry
    knows both sides ("CSRC and CIRC", not "China Banking and Insurance ...")."""
    from .agencies import registry

    reg = registry()
    out: list[str] = []
    for piece in _split_list(_AND_OTHERS.sub("", text.strip())):
        parts = _AND.split(piece)
        if len(parts) > 1 and reg.resolve(piece) is None and all(reg.resolve(p) for p in parts):
            out += parts
        else:
            out.append(piece)
    return tuple(o for o in out if o)


# A quoted title that names a kind of document, in a foreword or a preamble: the
# notice's own title when the page's headline is not it.
_QUOTED_TITLE = re.compile(r"[\"“《](?P<title>(?:Notice|Circular|Opinions|Announcement|Public Notice|Decision)\b[^\"”》\n]{8,600}?|[^\"”》\n]{2,200}?的通知)[\"”》]")
_TRAILING_NUMBER = re.compile(r"(?<!\s)\s*+[(（][^()（）]*\d{4}[^()（）]*[)）]\s*$")
_ISSUED_WORDS = ("issued", "published", "released", "印发", "发布")


def _quoted_title(text: str) -> str | None:
    for m in _QUOTED_TITLE.finditer(text):
        return _TRAILING_NUMBER.sub("", m["title"]).strip() or None
    return None


def read_front_matter(parts: list, text: str, view: str | None = None) -> dict:
    """The notice-level facts, as keyword arguments for :class:`~regnotice.models.Notice`.

    ``view`` is the text the grammar read: ``text`` itself, or for hard-wrapped text an
    offset-preserving copy whose soft line breaks are spaces, so a phrase wrapped across
    lines is still found, and every span found in it points into ``text``.
    """
    view = text if view is None else view
    blocks: dict[str, Block] = {}
    for p in parts:
        if isinstance(p, Block):
            blocks.setdefault(p.kind, p)
    facts: dict = {
        "number": None,
        "title": _flat(blocks["title"].text) if "title" in blocks else None,
        "headline": _flat(blocks["headline"].paragraphs[0].text) if "headline" in blocks else None,
        "issuers": (),
        "addressee": _flat(blocks["addressee"].text) if "addressee" in blocks else "",
        "legal_bases": (),
        "consulted": (),
        "approved_by": None,
        "effective": None,
        "repeals": (),
        "signed": None,
    }
    for block in [blocks[k] for k in ("number", "title", "foreword") if k in blocks]:
        if facts["number"] is None:
            found = find_doc_numbers(view, block.span.start, block.span.end)
            if found:
                facts["number"] = found[0][0]
        if not facts["issuers"] and block.kind != "number":
            facts["issuers"] = _issuers(_flat(block.text))
        if facts["title"] is None and block.kind == "foreword":
            facts["title"] = _quoted_title(_flat(block.text))
    if "preamble" in blocks:
        facts.update(_preamble_facts(blocks["preamble"], text, view, facts))
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
    if "signature" in blocks:
        lines = [_flat(p.text) for p in blocks["signature"].paragraphs]
        facts["signed"] = lines[-1]
        if lines[:-1] and (not facts["issuers"] or _AND_OTHERS.search(facts["title"] or "") or "等" in (facts["title"] or "")):
            facts["issuers"] = tuple(lines[:-1])
    return facts


def _preamble_facts(preamble: Block, text: str, view: str, known: dict) -> dict:
    facts: dict = {}
    bases: list[Citation] = []
    for para in preamble.paragraphs:
        for sentence in para.sentences:
            seen = view[sentence.span.start : sentence.span.end]
            authority = _search(_AUTHORITY, seen)
            if authority:
                bases += _bases(seen, authority.end(), sentence.span.start, text)
            flat = _flat(seen)
            if known["number"] is None and "number" not in facts and any(w in seen for w in _ISSUED_WORDS):
                found = find_doc_numbers(view, sentence.span.start, sentence.span.end)
                if found:  # the notice itself, as a press release names it: "... issued the "Notice ..." (No. ...)"
                    facts["number"] = found[0][0]
            if not known["issuers"] and "issuers" not in facts:
                issuers = _issuers(flat)
                if issuers:
                    facts["issuers"] = issuers
            if known["title"] is None and "title" not in facts and any(w in seen for w in _ISSUED_WORDS):
                title = _quoted_title(flat)
                if title:
                    facts["title"] = title
            if "consulted" in facts and "approved_by" in facts:
                continue
            m = _search(_CONSULTED, flat) if "consulted" not in facts else None
            if m:
                facts["consulted"] = tuple(_split_list(m["bodies"]))
            m = _search(_APPROVED, flat) if "approved_by" not in facts else None
            if m:
                facts["approved_by"] = m["body"].strip()
    facts["legal_bases"] = tuple(bases)
    return facts


# Unquoted titles of laws after "in accordance with": "Law of the People's Republic of
# China on ..., Regulation ..., and other laws": each a capitalised name holding a word
# of the kinds of law, up to the next comma.
_LAW_WORDS = re.compile(r"\b(?:Law|Laws|Regulation|Regulations|Measures|Decision|Provisions|Rules|Code)\b")
_UNQUOTED = re.compile(r"(?:(?<=\bwith\s)|(?<=,\s)|(?<=\band\s))(?:the\s+)?(?P<title>[A-Z][^,;:.，。；\"“”]{6,200}?)(?=\s*(?:,|;|\.(?:\s|$)|$|\s+and\s+other\b))")


def _bases(seen: str, after: int, base: int, text: str) -> list[Citation]:
    """The laws cited after the authority phrase: quoted titles, or, with none quoted,
    the capitalised names of laws up to "and other ..." or the end of the sentence."""
    out: list[Citation] = []
    for m in _QUOTED.finditer(seen, after):
        group = m.lastgroup  # the quotes used: "a", "b" or "c"
        title = m[group].rstrip(" ,.;，。；")
        start = base + m.start(group)
        out.append(Citation.trusted(text=text[start : start + len(title)], span=Span.trusted(start=start, end=start + len(title))))
    if out:
        return out
    stop = len(seen)
    for word in (" and other ", " and relevant ", ", the relevant ", ", and after "):
        at = seen.find(word, after)
        if at != -1:
            stop = min(stop, at + 1)
    for m in _UNQUOTED.finditer(seen, after, stop):
        title = m["title"].strip()
        if _LAW_WORDS.search(title) and not title.startswith(("Law and", "Laws and")):
            start = base + m.start("title")
            end = start + len(m["title"].rstrip())
            out.append(Citation.trusted(text=text[start:end], span=Span.trusted(start=start, end=end)))
    return out
