"""List splitting: top-level commas, conjunctions, "etc.", and activities that open
with a gerund (see the docstring of ``regnotice._extract``)."""

from __future__ import annotations

import re
from functools import lru_cache

from .lexer import _TRIM


_GERUND = re.compile(r"^(?:and\s+|or\s+|as\s+well\s+as\s+)?(?:directly\s+or\s+indirectly\s+)?[a-z]+ing\b", re.I)
_AS_WELL_AS = re.compile(r"(?<!\s)\s++as\s++well\s++as\s++", re.I)
_LEAD_CONJ = re.compile(r"^(?:and|or|as\s+well\s+as)\s+", re.I)
# Words in -ing that name a thing, not an act ("clearing services", "pricing services").
_ING_NOUNS = frozenset(
    "clearing banking financing pricing accounting advertising marketing mining funding listing housing "
    "opening offering processing consulting trading settling building".split()
)
_SUCH_AS = re.compile(r"\bsuch\s+as\b", re.I)
_ETC = re.compile(r"(?<![,\s])[,\s]*+\betc\.?$", re.I)


_STRUCTURE = re.compile(r"[,，()（）\[\]\"“”]")
_ENUMERATION = re.compile(r"[,，、()（）\[\]\"“”]")


def _top_level_commas(text: str, enumeration: bool = False) -> list[int]:
    """Positions of the commas of ``text`` outside brackets and quotes; with
    ``enumeration``, the Chinese enumeration comma 、 too (it separates the nouns of a
    list, "金融机构、非银行支付机构", and the words of a phrase: "以财税、金融等任何形式")."""
    depth, quoted, out = 0, False, []
    for m in (_ENUMERATION if enumeration else _STRUCTURE).finditer(text):
        i, ch = m.start(), m.group()
        if ch in "(（[":
            depth += 1
        elif ch in ")）]":
            depth = max(0, depth - 1)
        elif ch in "\"“”":
            quoted = not quoted if ch == '"' else ch == "“"
        elif ch in ",，、" and depth == 0 and not quoted:
            out.append(i)
    return out


def _pieces(text: str, base: int, enumeration: bool = False) -> list[tuple[str, int]]:
    """Top-level comma pieces of ``text`` as (piece, absolute start), trimmed, with a
    leading conjunction and a trailing "etc." removed."""
    return [(piece, base + offset) for piece, offset in _relative_pieces(text, enumeration)]


@lru_cache(maxsize=4096)
def _relative_pieces(text: str, enumeration: bool = False) -> tuple[tuple[str, int], ...]:
    """``_pieces`` with offsets into ``text`` (a pure function, memoised: the same
    part is often split more than once)."""
    base = 0
    out, start = [], 0
    for cut in [*_top_level_commas(text, enumeration), len(text)]:
        raw = text[start:cut]
        lead = len(raw) - len(raw.lstrip(_TRIM))
        piece = raw.strip(_TRIM)
        conj = _LEAD_CONJ.match(piece)
        if conj:
            piece, lead = piece[conj.end() :], lead + conj.end()
        if "etc" in piece.lower():
            piece = _ETC.sub("", piece)
        piece = piece.rstrip(_TRIM)
        if piece and piece.lower() != "etc":
            out.append((piece, base + start + lead))
        start = cut + 1
    return tuple(out)


def _starts_activity(piece: str) -> bool:
    """Whether a list piece opens a new activity: a gerund that is no -ing noun, with
    words after it ("issuing and selling X", "or including Y"; not "clearing")."""
    m = _GERUND.match(piece)
    if not m:
        return False
    word = m.group().split()[-1].lower()
    return word not in _ING_NOUNS and len(piece.split()) > len(m.group().split())


def split_list(text: str, base: int = 0, *, kind: str = "items") -> list[tuple[str, int]]:
    """Split a list into (item, absolute start) pairs; see the module docstring.

    >>> [t for t, _ in split_list("A, B, and C, etc.")]
    ['A', 'B', 'C']
    >>> [t for t, _ in split_list("providing a, b, and c services, issuing d, or including e", kind="activities")]
    ['providing a, b, and c services', 'issuing d', 'including e']
    """
    pieces = _pieces(text, base, enumeration=kind == "parties")
    if kind != "activities":  # "A as well as B" joins two items (in activities it may join objects)
        split: list[tuple[str, int]] = []
        for piece, start in pieces:
            cursor = 0
            for m in _AS_WELL_AS.finditer(piece):
                split.append((piece[cursor : m.start()], start + cursor))
                cursor = m.end()
            split.append((piece[cursor:], start + cursor))
        pieces = [(p, s) for p, s in split if p]
    if kind == "activities" and pieces and (_starts_activity(pieces[0][0]) or any(_SUCH_AS.search(p) for p, _ in pieces)):
        # An activity opens with a gerund; "such as A, B and C" inside one is one list of
        # examples of what stands before it, up to the next gerund.
        gerunds = _starts_activity(pieces[0][0])
        merged: list[tuple[str, int]] = []
        examples = False
        for piece, start in pieces:
            opens = _starts_activity(piece)
            if merged and not opens and (gerunds or examples or _SUCH_AS.match(piece)):
                prev, prev_start = merged[-1]
                merged[-1] = (prev + text[prev_start - base + len(prev) : start - base] + piece, prev_start)
            else:
                merged.append((piece, start))
                examples = False
            examples = examples or bool(_SUCH_AS.search(piece))
        return merged
    return pieces
