"""Sentences to typed rules.

Each sentence of each clause is parsed with ``grammars/rules.lark`` (LALR). The lexer
here finds the grammar's cue phrases and hands the parser the text between them as one
token typed by what follows it (``SUBJ``, ``ARG``, ``TAIL``; see the grammar's header).
The Transformer turns each grammar rule into a typed rule; the parts it names
(bearers, activities, agencies, conditions) are split into list items and resolved
against the registry (``agencies.py``) here, each part with its own span.

A sentence the grammar does not accept is kept as an ``unmodeled`` rule, with its span.

Lists split on top-level commas (outside brackets and quotes), with the Oxford comma,
"and"/"or", "as well as" and a closing "etc." handled. A list of parties also splits an
item on "and"/"or" when every piece names a registry entry ("intermediary institutions
and information technology service providers"), but not otherwise ("China Banking and
Insurance Regulatory Commission"), and "X (including Y)" yields both X and Y. A list of
activities that starts with a gerund ("providing ...") splits only before gerunds, so
"providing account opening, fund transfer, and clearing services" stays one activity.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Iterator

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError
from lark.lexer import Lexer

from .agencies import Registry, registry
from .front import find_doc_numbers
from .models import (
    Condition,
    Consequence,
    Definition,
    EntryIntoForce,
    ExceptionRule,
    Extract,
    Notice,
    Obligation,
    Penalty,
    Prohibition,
    Reference,
    Repeal,
    Responsibility,
    RuleSet,
    Sentence,
    Span,
    Unmodeled,
)
from .resources import data_path

__all__ = ["extract_rules", "extract_sentence", "split_list"]

# Cues after which the text continues the same clause instead of starting a subject.
_CONTINUATION = frozenset({"EXCEPT", "PARTICIPATION", "COORDINATION", "RESPECTIVE"})
_CONDITION_CUES = ("APPROVAL", "CONSENT", "FILING", "RELIANCE", "AUTHORIZATION")
_TRIM = " \t\r\n\u00a0,;:.。"


class _CueLexer(Lexer):
    """Finds cue phrases; the text between them becomes SUBJ / ARG / TAIL tokens.

    The cues are tried only at words that can open one: the possible first words of each
    cue are read off its regular expression (``_openings``), so the cue vocabulary lives
    in the grammar alone, and most words cost one prefix test instead of a try of every
    cue.
    """

    names: tuple[str, ...] = ()

    def __init__(self, lexer_conf) -> None:
        terminals = sorted(
            (t for t in lexer_conf.terminals if t.name in self.names),
            key=lambda t: (-t.priority, self.names.index(t.name)),
        )
        self.terminals = terminals
        self.scanner = self._scanner(terminals)
        self.by_opening: dict[str, list] = {}
        for t in terminals:
            found = _openings(t.pattern.value)
            if found is None:  # a cue whose opening cannot be read: try every word
                self.by_opening = {}
                break
            for opening in found:
                self.by_opening.setdefault(opening, []).append(t)
        self.openings = tuple(sorted(self.by_opening)) or None
        # One scan for the places a cue can open, then the full cue test only there.
        self.opening_re = (
            re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(self.openings, key=len, reverse=True))) + r")[^\W\d_]*")
            if self.openings
            else None
        )
        self._for_word: dict[str, re.Pattern | None] = {}

    @staticmethod
    def _scanner(terminals) -> re.Pattern:
        alternation = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals)
        return re.compile(rf"\b(?:{alternation})")

    def _scanner_for(self, word: str) -> re.Pattern | None:
        """The cues that can open with ``word``, in priority order (cached per word)."""
        try:
            return self._for_word[word]
        except KeyError:
            pass
        names = {t.name for o, ts in self.by_opening.items() if word.startswith(o) for t in ts}
        scanner = self._scanner([t for t in self.terminals if t.name in names]) if names else None
        if len(self._for_word) < 4096:
            self._for_word[word] = scanner
        return scanner

    def _matches(self, data: str) -> Iterator[re.Match]:
        if self.openings is None:
            yield from self.scanner.finditer(data)
            return
        lowered = data.lower()
        if len(lowered) != len(data):  # a letter whose lower case is longer: scan as written
            yield from self.scanner.finditer(data)
            return
        pos = 0
        for opening in self.opening_re.finditer(lowered):
            at = opening.start()
            if at < pos:
                continue
            scanner = self._scanner_for(opening.group())  # the whole word the opening starts
            m = scanner.match(data, at) if scanner is not None else None
            if m:
                yield m
                pos = m.end()

    def lex(self, data: str) -> Iterator[Token]:  # type: ignore[override]
        pieces: list[tuple[str, int, int]] = []
        pos = 0
        for m in self._matches(data):
            pieces.append(("TEXT", pos, m.start()))
            pieces.append((m.lastgroup, m.start(), m.end()))
            pos = m.end()
        pieces.append(("TEXT", pos, len(data)))
        tokens: list[tuple[str, int, int]] = []
        for kind, start, end in pieces:
            if kind == "TEXT":
                while start < end and data[start] in _TRIM:
                    start += 1
                while end > start and data[end - 1] in _TRIM:
                    end -= 1
                if start == end:
                    continue
            tokens.append((kind, start, end))
        for i, (kind, start, end) in enumerate(tokens):
            if kind == "TEXT":
                following = tokens[i + 1][0] if i + 1 < len(tokens) else None
                kind = "TAIL" if following is None else "ARG" if following in _CONTINUATION else "SUBJ"
            yield Token(kind, data[start:end], start_pos=start, end_pos=end)


_WORDS = re.compile(r"[^\W\d_]+")


def _openings(pattern: str) -> set[str] | None:
    """The lower-case letters every match of ``pattern`` can open with, as a set of
    prefixes ({"are", "is", "shall"}); ``None`` when that cannot be read off the
    pattern (a cue that opens with a character class, say).

    >>> sorted(_openings(r"\\b(?:are|is)\\s+not\\b"))
    ['are', 'is']
    """
    try:
        from re import _constants as C, _parser as P  # Python >= 3.11
    except ImportError:  # pragma: no cover
        import sre_constants as C  # type: ignore[no-redef]
        import sre_parse as P  # type: ignore[no-redef]

    zero_width = (C.AT, C.ASSERT, C.ASSERT_NOT)

    def is_zero_width(items) -> bool:
        for op, av in items:
            if op in zero_width:
                continue
            if op is C.BRANCH and all(is_zero_width(alt) for alt in av[1]):
                continue
            if op is C.SUBPATTERN and is_zero_width(av[3]):
                continue
            return False
        return True

    def first(items) -> set[str] | None:
        items = list(items)
        for i, (op, av) in enumerate(items):
            if op in zero_width or (op in (C.BRANCH, C.SUBPATTERN) and is_zero_width([(op, av)])):
                continue
            if op is C.BRANCH:
                out: set[str] = set()
                for alt in av[1]:
                    found = first(list(alt) + items[i + 1 :])
                    if found is None:
                        return None
                    out |= found
                return out
            if op is C.SUBPATTERN:
                return first(list(av[3]) + items[i + 1 :])
            if op in (C.MAX_REPEAT, C.MIN_REPEAT):
                low, _, sub = av
                with_it = first(list(sub) + items[i + 1 :])
                if low > 0 or with_it is None:
                    return with_it
                without = first(items[i + 1 :])
                return None if without is None else with_it | without
            if op is C.LITERAL:
                word = ""
                for op2, av2 in items[i:]:
                    if op2 is not C.LITERAL or not chr(av2).isalpha():
                        break
                    word += chr(av2).lower()
                return {word} if word else set()  # a non-letter opens no word
            if op is C.IN and all(
                (o is C.CATEGORY and a in (C.CATEGORY_SPACE, C.CATEGORY_DIGIT)) or (o is C.LITERAL and not chr(a).isalpha())
                for o, a in av
            ):
                return set()
            return None
        return None

    return first(P.parse(pattern))


class _SentenceLexer(_CueLexer):
    names = (
        "IN_FORCE", "REPEALED", "SANCTION", "INVALID", "BORNE", "IT_PROHIBITED", "PROHIBITED_FROM",
        "FORBIDDEN_TO", "NOT_ALLOWED", "PROHIBITED_PASSIVE", "MAY_NOT", "OVERALL_RESP", "LEADING",
        "DEFINES", "TOGETHER_WITH", "RESPECTIVE", "PARTICIPATION", "COORDINATION", "CLASSIFIED",
        "EXCEPT", "WITHOUT", "IF", "NO", "MAY", "MODAL",
    )  # fmt: skip


class _ConditionLexer(_CueLexer):
    names = _CONDITION_CUES


def _grammar() -> str:
    return data_path("grammars/rules.lark").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def condition_parser() -> Lark:
    return Lark(_grammar(), parser="lalr", lexer=_ConditionLexer, start="conditions", maybe_placeholders=False)


@lru_cache(maxsize=None)
def condition_lexer() -> _ConditionLexer:
    """The condition cues of the grammar, for reading the conditions of an exception."""
    return _ConditionLexer(condition_parser().lexer_conf)


# --------------------------------------------------------------------- list splitting

_GERUND = re.compile(r"^(?:and\s+|or\s+|as\s+well\s+as\s+)?(?:directly\s+or\s+indirectly\s+)?[a-z]+ing\b", re.I)
_AS_WELL_AS = re.compile(r"\s+as\s+well\s+as\s+", re.I)
_LEAD_CONJ = re.compile(r"^(?:and|or|as\s+well\s+as)\s+", re.I)
# Words in -ing that name a thing, not an act ("clearing services", "pricing services").
_ING_NOUNS = frozenset(
    "clearing banking financing pricing accounting advertising marketing mining funding listing housing "
    "opening offering processing consulting trading settling building".split()
)
_ETC = re.compile(r"[,\s]*\betc\.?$", re.I)
_INCLUDING = re.compile(r"\(\s*(?:including|includes|such\s+as)\s+([^()]+?)\s*\)", re.I)
_SUCH_AS = re.compile(r"[,\s]+such\s+as\s+", re.I)
_UNAUTHORIZED = re.compile(r"\bunauthori[sz]ed\b", re.I)
_ANAPHORA = re.compile(r"\b(?:above[- ]mentioned|aforementioned|aforesaid|such)\b", re.I)
_PRONOUNS = frozenset({"they", "them", "it", "these", "those", "such entities", "such institutions"})


_STRUCTURE = re.compile(r"[,，()（）\[\]\"“”]")


def _top_level_commas(text: str) -> list[int]:
    """Positions of the commas of ``text`` outside brackets and quotes."""
    depth, quoted, out = 0, False, []
    for m in _STRUCTURE.finditer(text):
        i, ch = m.start(), m.group()
        if ch in "(（[":
            depth += 1
        elif ch in ")）]":
            depth = max(0, depth - 1)
        elif ch in "\"“”":
            quoted = not quoted if ch == '"' else ch == "“"
        elif ch in ",，" and depth == 0 and not quoted:
            out.append(i)
    return out


def _pieces(text: str, base: int) -> list[tuple[str, int]]:
    """Top-level comma pieces of ``text`` as (piece, absolute start), trimmed, with a
    leading conjunction and a trailing "etc." removed."""
    return [(piece, base + offset) for piece, offset in _relative_pieces(text)]


@lru_cache(maxsize=4096)
def _relative_pieces(text: str) -> tuple[tuple[str, int], ...]:
    """``_pieces`` with offsets into ``text`` (a pure function, memoised: the same
    part is often split more than once)."""
    base = 0
    out, start = [], 0
    for cut in [*_top_level_commas(text), len(text)]:
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
    pieces = _pieces(text, base)
    if kind != "activities":  # "A as well as B" joins two items (in activities it may join objects)
        split: list[tuple[str, int]] = []
        for piece, start in pieces:
            cursor = 0
            for m in _AS_WELL_AS.finditer(piece):
                split.append((piece[cursor : m.start()], start + cursor))
                cursor = m.end()
            split.append((piece[cursor:], start + cursor))
        pieces = [(p, s) for p, s in split if p]
    if kind == "activities" and pieces and _starts_activity(pieces[0][0]):
        merged: list[tuple[str, int]] = []
        for piece, start in pieces:
            if merged and not _starts_activity(piece):
                prev, prev_start = merged[-1]
                merged[-1] = (prev + text[prev_start - base + len(prev) : start - base] + piece, prev_start)
            else:
                merged.append((piece, start))
        return merged
    return pieces


class _Parts:
    """Builds Extracts from sentence pieces: spans, list splitting, registry refs."""

    def __init__(self, source: str, registry: Registry) -> None:
        self.source = source
        self.registry = registry

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
        halves = re.split(r"\s+(?:and|or|as\s+well\s+as)\s+", piece_stripped)
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


# --------------------------------------------------------------------- the transformer


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


_RELATIVE = re.compile(r"^(?:that|which|who|whose|whom)\b", re.I)
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


_ADVERBIAL = re.compile(r"^(?:upon|based\s+on|according\s+to|in\s+accordance\s+with|after|when|for|by|through|in\s+order\s+to)\b", re.I)


class _SentenceTransformer(Transformer):
    def __init__(self, parts: _Parts, base: int, previous_bearers: list[Extract]) -> None:
        super().__init__(visit_tokens=False)
        self.p = parts
        self.base = base
        self.previous = previous_bearers

    # helpers ---------------------------------------------------------------
    def _text(self, tok: Token) -> tuple[str, int]:
        return str(tok), tok.start_pos + self.base

    def _subject(self, tok: Token) -> list[Extract]:
        """The bearers named by the text before a cue: an adverbial head ("Upon ...,")
        is dropped, and of a compound sentence only the parties that close it count."""
        text, start = self._text(tok)
        if text.strip(_TRIM).lower() in _PRONOUNS or text.split(" ", 1)[0].lower() in _PRONOUNS:
            return list(self.previous)
        text, start = self._adverbial_stripped(text, start)
        if text.strip(_TRIM).lower() in _PRONOUNS:
            return list(self.previous)
        parties = self.p.parties(text, start)
        if parties and not any(p.ref for p in parties):
            # No list of known parties: one bearer, described in full ("Domestic entities
            # engaging ... overseas"), typed by the party its text opens with, if any.
            opening = self.p.registry.match_prefix(text.strip(_TRIM))
            return [self.p.extract(text, start, opening[0] if opening else None)]
        if parties and not all(p.ref for p in parties):
            tail = []  # keep the resolved parties that close the text, else all
            for party in reversed(parties):
                if not party.ref:
                    break
                tail.insert(0, party)
            parties = tail or parties
            if len(parties) == 1 and not parties[0].ref:
                last = parties[0].text.split(",")[-1]
                if last.strip(_TRIM).lower() in _PRONOUNS:
                    return list(self.previous)
        return parties

    def _complement(self, children) -> tuple[Token | None, "_Draft | None"]:
        tail = next((c for c in children if isinstance(c, Token) and c.type in ("TAIL", "ARG")), None)
        exception = next((c for c in children if isinstance(c, _Draft) and c.cls is ExceptionRule), None)
        return tail, exception

    def _qualifiers(self, *texts: str) -> tuple[str, ...]:
        words = ("strictly", "across the board", "unauthorized", "illegally", "in any form", "directly or indirectly", "resolutely")
        joined = " ".join(texts).lower()
        return tuple(w for w in words if w in joined)

    @staticmethod
    def _territory(text: str) -> str | None:
        return territory_of(text)

    def _prohibition(self, bearers: list[Extract], activity: Token | None, cue_text: str, exception, extra: str = "") -> _Draft:
        activities: list[Extract] = []
        atext = ""
        if activity is not None:
            atext, astart = self._text(activity)
            activities = self.p.items(atext, astart, kind="activities")
        fields = dict(
            bearers=tuple(bearers),
            activities=tuple(activities),
            terms=_terms(atext),
            objects=objects_of(atext + " " + extra),
            territory=self._territory(atext + " " + extra),
            qualifiers=self._qualifiers(cue_text, atext, extra),
        )
        unauthorized = _UNAUTHORIZED.search(atext) if activity is not None else None
        if exception is None and unauthorized:
            # "unauthorized X" prohibits X done without authorization: an implied exception.
            start = astart + unauthorized.start()
            condition = Condition(kind="authorization", text=unauthorized.group(), span=Span(start=start, end=start + len(unauthorized.group())))
            exception = _Draft(ExceptionRule, dict(conditions=(condition,)))
        return _Draft(Prohibition, fields, exception)

    # grammar rules -----------------------------------------------------------
    def sentence(self, children) -> list[_Draft]:
        out: list[_Draft] = []
        for child in children:
            out += child if isinstance(child, list) else [child] if isinstance(child, _Draft) else []
        return out

    def prohibiting(self, children) -> Token:
        return children[0]

    def exception(self, children) -> _Draft:
        text, start = self._text(children[1])
        return _Draft(ExceptionRule, dict(conditions=_conditions(self.p, text, start)))

    def prohibition(self, children) -> _Draft:
        subject, cue = children[0], children[1]
        activity, exception = self._complement(children[2:])
        return self._prohibition(self._subject(subject), activity, str(cue), exception)

    def classification(self, children) -> Token:
        return children[1]

    def passive_prohibition(self, children) -> _Draft:
        subject = children[0]
        classified = next((c for c in children[1:] if isinstance(c, Token) and c.type == "SUBJ"), None)
        cue = next(c for c in children if isinstance(c, Token) and c.type == "PROHIBITED_PASSIVE")
        tail, exception = self._complement(children[children.index(cue) + 1 :])
        extra = " ".join(str(t) for t in (classified, tail) if t is not None)
        draft = self._prohibition([], _last_clause(subject), str(cue), exception, extra)
        draft.fields["qualifiers"] = self._qualifiers(str(cue), str(subject), str(tail or ""))
        return draft

    def negative_prohibition(self, children) -> _Draft:
        activity, exception = self._complement(children[3:])
        return self._prohibition(self._subject(children[1]), activity, "no", exception)

    def impersonal_prohibition(self, children) -> _Draft:
        text, start = self._text(children[1])
        m = re.search(r"\s+to\s+", text)
        if not m:
            return self._prohibition([], children[1], str(children[0]), None)
        bearers = self.p.parties(text[: m.start()], start)
        activities = self.p.items(text[m.end() :], start + m.end(), kind="activities")
        fields = dict(bearers=tuple(bearers), activities=tuple(activities), objects=objects_of(text), territory=self._territory(text))
        return _Draft(Prohibition, fields)

    def conditional_prohibition(self, children) -> _Draft:
        text, start = self._text(children[1])
        if len(children) > 2 and isinstance(children[2], Token) and children[2].type == "NO":
            condition_text, condition_start = text, start
            subject = self._subject(children[3])
            activity, exception = self._complement(children[5:])
            cue = "no ... may"
        else:
            head, cut = _split_last_comma(text)
            condition_text, condition_start = head, start
            subject_token = Token("SUBJ", text[cut:], start_pos=children[1].start_pos + cut)
            subject = self._subject(subject_token)
            activity, exception = self._complement(children[3:])
            cue = str(children[2])
        draft = self._prohibition(subject, activity, cue, exception)
        draft.exception = _Draft(ExceptionRule, dict(conditions=_conditions(self.p, condition_text, condition_start)))
        return draft

    def definition(self, children) -> _Draft:
        term_text, term_start = self._text(children[0])
        meaning_text, meaning_start = self._text(children[2])
        examples: list[Extract] = []
        m = _SUCH_AS.search(term_text)
        if m:  # "Virtual currencies such as Bitcoin, Ether, Tether, etc."
            examples = self.p.items(term_text[m.end() :], term_start + m.end())
            term_text = term_text[: m.start()]
        return _Draft(
            Definition,
            dict(term=self.p.extract(term_text, term_start), meaning=self.p.extract(meaning_text, meaning_start), examples=tuple(examples)),
        )

    def coordination(self, children) -> tuple[str, Token | None]:
        return ("coordination", children[1] if len(children) > 1 else None)

    def respective(self, children) -> tuple[str, Token | None]:
        return ("respective", children[1] if len(children) > 1 else None)

    def _adverbial_stripped(self, text: str, start: int) -> tuple[str, int]:
        """``text`` without an opening adverbial phrase ("Upon discovering X, ...")."""
        pieces = _pieces(text, start)
        if len(pieces) > 1 and _ADVERBIAL.match(pieces[0][0]):
            cut = pieces[1][1] - start
            return text[cut:], start + cut
        return text, start

    def participation(self, children) -> tuple[str, Token]:
        return ("participation", children[1])

    def _duties_and_coordinators(self, rest) -> tuple[list[Extract], list[Extract]]:
        duties: list[Extract] = []
        coordinators: list[Extract] = []
        for item in rest:
            if isinstance(item, tuple) and item[1] is None:
                continue
            if isinstance(item, tuple) and item[0] == "respective":
                item = item[1]
            if isinstance(item, tuple) and item[0] == "coordination":
                text, start = self._text(item[1])
                found, remainder, rstart = self.p.leading_parties(text, start)
                coordinators += found
                if remainder:
                    duties += self.p.items(remainder, rstart, kind="activities")
            elif isinstance(item, Token) and item.type in ("TAIL", "ARG"):
                text, start = self._text(item)
                duties += self.p.items(text, start, kind="activities")
        return duties, coordinators

    def responsibility(self, children) -> _Draft:
        participants: list[Extract] = []
        if isinstance(children[0], Token) and children[0].type == "ARG":
            # "A, B, and other departments, in accordance with their respective
            # responsibilities, D" or "... and other departments regulate it according to ..."
            text, start = self._text(children[0])
            lead, remainder, rstart = self.p.leading_parties(*self._adverbial_stripped(text, start))
            rest = [Token("TAIL", remainder, start_pos=rstart - self.base)] if remainder else []
            rest += children[1:]
        else:
            lead = self._subject(children[0])
            rest = list(children[2:])
            if rest and isinstance(rest[0], Token) and rest[0].type == "SUBJ":
                participants = self.p.parties(*self._text(rest[0]))
                rest = rest[2:]
            elif rest and isinstance(rest[0], Token) and rest[0].type in ("TAIL", "ARG"):
                # "X, together with relevant departments, strictly controls ...": the
                # parties at the head of the text participate; the rest are duties.
                text, start = self._text(rest[0])
                participants, remainder, rstart = self.p.leading_parties(text, start)
                rest = [Token("TAIL", remainder, start_pos=rstart - self.base)] if remainder else []
                rest += children[3:]
        duties, coordinators = self._duties_and_coordinators(rest)
        return _Draft(Responsibility, dict(lead=tuple(lead), participants=tuple(participants), coordinators=tuple(coordinators), duties=tuple(duties)))

    def overall_responsibility(self, children) -> _Draft:
        lead = self._subject(children[0])
        scope = self.p.extract(*self._text(children[2])) if len(children) > 2 else None
        return _Draft(Responsibility, dict(lead=tuple(lead), scope=scope))

    def leading_department(self, children) -> _Draft:
        lead: list[Extract] = []
        participants: list[Extract] = []
        rest = []
        for child in children[1:]:
            if isinstance(child, Token):
                lead = self.p.parties(*self._text(child))
            elif child[0] == "participation":
                participants = self.p.parties(*self._text(child[1]))
            else:
                rest.append(child)
        duties, coordinators = self._duties_and_coordinators(rest)
        return _Draft(Responsibility, dict(lead=tuple(lead), participants=tuple(participants), coordinators=tuple(coordinators), duties=tuple(duties)))

    def obligation(self, children) -> _Draft:
        if isinstance(children[0], Token) and children[0].type == "IF":
            children = children[1:]  # "If C, X should D": the subject follows the last comma
            text, start = self._text(children[0])
            _, cut = _split_last_comma(text)
            children = [Token("SUBJ", text[cut:], start_pos=children[0].start_pos + cut), *children[1:]]
        bearers = self._subject(children[0])
        duties, _ = self._duties_and_coordinators(children[2:])
        return _Draft(Obligation, dict(bearers=tuple(bearers), duties=tuple(duties)))

    def penalty(self, children) -> _Draft:
        conduct: list[Extract] = []
        sanction_tok = next(c for c in children if isinstance(c, Token) and c.type == "SANCTION")
        subjects = [c for c in children if isinstance(c, Token) and c.type == "SUBJ"]
        if subjects:
            conduct = self.p.items(*self._adverbial_stripped(*self._text(subjects[-1])), kind="activities")
        idx = children.index(sanction_tok)
        end_tok = children[idx + 1] if idx + 1 < len(children) else sanction_tok
        start = sanction_tok.start_pos + self.base
        end = end_tok.end_pos + self.base
        sanction = self.p.extract(self.p.source[start:end], start)
        criminal = "criminal" in str(sanction_tok).lower()
        return _Draft(Penalty, dict(conduct=tuple(conduct), sanction=sanction, criminal=criminal))

    def consequence(self, children) -> _Draft:
        text, start = self._text(children[1])
        head, cut = _split_last_comma(text)
        condition = self.p.extract(head or text, start)
        results: list[Extract] = []
        result_start = start + cut if head else None
        for i, child in enumerate(children[2:], 2):
            if isinstance(child, Token) and child.type in ("INVALID", "BORNE"):
                begin = result_start if result_start is not None else child.start_pos + self.base
                nxt = children[i + 1] if i + 1 < len(children) else None
                finish = (nxt.end_pos if isinstance(nxt, Token) and nxt.type == "TAIL" else child.end_pos) + self.base
                text = self.p.source[begin:finish]
                conj = _LEAD_CONJ.match(text)
                if conj:
                    text, begin = text[conj.end() :], begin + conj.end()
                results.append(self.p.extract(text, begin))
                result_start = None
            elif isinstance(child, Token) and child.type == "SUBJ":
                result_start = child.start_pos + self.base
        return _Draft(Consequence, dict(condition=condition, results=tuple(results)))

    def repeal(self, children) -> _Draft:
        text, start = self._text(children[0])
        numbers = tuple(n for n, _ in find_doc_numbers(text))
        title = _quoted(self.p, text, start)
        return _Draft(Repeal, dict(repealed=numbers, title=title))

    def statement(self, children) -> list:
        text, start = self._adverbial_stripped(*self._text(children[0]))
        lead, remainder, rstart = self.p.leading_parties(text, start)
        if not lead or not remainder or _RELATIVE.match(remainder):
            return []
        duties = self.p.items(remainder, rstart, kind="activities")
        return [_Draft(Responsibility, dict(lead=tuple(lead), duties=tuple(duties)))]

    def entry_into_force(self, children) -> _Draft:
        if len(children) > 2:
            when = self.p.extract(*self._text(children[2]))
        else:
            when = self.p.extract(*self._text(children[1]))
        return _Draft(EntryIntoForce, dict(when=when))


# --------------------------------------------------------------------- helpers

_OBJECTS = (
    ("rmb_pegged_stablecoin", re.compile(r"\b(?:RMB|renminbi)[- ]pegged\s+stablecoins?\b", re.I)),
    ("stablecoin", re.compile(r"\bstablecoins?\b", re.I)),
    ("rwa_tokenization", re.compile(r"\breal[- ]world\s+assets?\s+tokeni[sz]ation|\breal[- ]world\s+assets?\s+tokens?\b|tokeni[sz]ation\s+of\s+real[- ]world\s+assets?|\bRWA\b", re.I)),
    ("virtual_currency", re.compile(r"\bvirtual\s+currenc(?:y|ies)\b|\bcryptocurrenc(?:y|ies)\b", re.I)),
    ("mining", re.compile(r"\bmining\b", re.I)),
    ("token_issuance", re.compile(r"\btoken\s+issuance\b|\bICOs?\b", re.I)),
)


def _terms(text: str) -> tuple[str, ...]:
    """The quoted terms a prohibition names as data: 'terms such as "virtual currency,"
    "stablecoin," or "RWA"' -> ("virtual currency", "stablecoin", "RWA")."""
    return tuple(
        (m.group(1) if m.group(1) is not None else m.group(2)).strip(" ,.;，。；") for m in _QUOTE.finditer(text)
    )


def territory_of(text: str) -> str | None:
    """Where a text places an activity: ``within_country``, ``overseas``, ``domestic``.

    >>> territory_of("issue a stablecoin overseas"), territory_of("sales within the country")
    ('overseas', 'within_country')
    """
    low = text.lower()
    if "within the country" in low:
        return "within_country"
    if "overseas" in low or "abroad" in low:
        return "overseas"
    if "within the territory" in low or "domestically" in low or "domestic" in low.split(" to ")[0]:
        return "domestic"
    return None


def objects_of(text: str) -> tuple[str, ...]:
    """The regulated objects a text names (virtual currency, RWA tokenization, ...)."""
    found = [name for name, pattern in _OBJECTS if pattern.search(text)]
    if "rmb_pegged_stablecoin" in found and "stablecoin" in found:
        found.remove("stablecoin")
    return tuple(found)


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
        phrase = re.sub(r"\s+(?:and|or)$", "", phrase)
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


class _InlineLexer(_CueLexer):
    names = ("HEREINAFTER",)


@lru_cache(maxsize=None)
def _hereinafter_pattern() -> re.Pattern:
    inline = Lark(_grammar(), parser="lalr", lexer=_InlineLexer, start="inline")
    return re.compile(inline.get_terminal("HEREINAFTER").pattern.to_regexp())


# --------------------------------------------------------------------- driver


class _Dispatch:
    """The callbacks Lark calls while it parses (an inline transformer, so no tree is
    built and none is walked afterwards). Each hands the children to the
    ``_SentenceTransformer`` of the sentence being parsed in this thread."""

    def __getattr__(self, name: str):
        method = getattr(_SentenceTransformer, name, None)
        if name.startswith("_") or not callable(method):
            raise AttributeError(name)

        def call(children, _name=name):
            return getattr(_CURRENT.transformer, _name)(children)

        return call


_CURRENT = threading.local()


@lru_cache(maxsize=None)
def _inline_sentence_parser() -> Lark:
    return Lark(
        _grammar(), parser="lalr", lexer=_SentenceLexer, start="sentence", maybe_placeholders=False, transformer=_Dispatch()
    )


def extract_sentence(
    text: str, *, source: str | None = None, base: int = 0, previous: list[Extract] | None = None, registry_: Registry | None = None
) -> list[tuple[type, dict]]:
    """The rules one sentence states, as (model class, fields) pairs, exceptions after
    the rule they qualify; ``[]`` when the grammar does not accept the sentence.

    >>> [cls.__name__ for cls, _ in extract_sentence("No bank may issue tokens.")]
    ['Prohibition']
    """
    source = text if source is None else source
    parts = _Parts(source, registry_ or registry())
    _CURRENT.transformer = _SentenceTransformer(parts, base, previous or [])
    try:
        drafts = _inline_sentence_parser().parse(text)
    except Exception:  # noqa: BLE001 - as a tree transformer's VisitError did: a sentence
        return []  # whose parts cannot be read is unmodeled, like one the grammar rejects
    finally:
        _CURRENT.transformer = None
    out: list[tuple[type, dict]] = []
    for draft in drafts:
        out.append((draft.cls, draft.fields))
        if draft.exception is not None:
            out.append((ExceptionRule, draft.exception.fields))
    return out


def _clause_rules(clause_id: str, ordinal: int, marker: str, sentences: list[Sentence], parts: _Parts) -> list:
    rules: list = []
    previous: list[Extract] = []
    context: tuple[tuple[str, ...], str | None] = ((), None)  # objects and territory said so far
    n = 0

    def add(cls, fields: dict, sentence: Sentence) -> str:
        nonlocal n
        n += 1
        rule_id = f"{clause_id}/{n}"
        rules.append(cls(id=rule_id, clause=ordinal, marker=marker, span=sentence.span, quote=sentence.text, **fields))
        return rule_id

    for sentence in sentences:
        found = extract_sentence(sentence.text, source=parts.source, base=sentence.span.start, previous=previous, registry_=parts.registry)
        last_prohibition: str | None = None
        pending: list[tuple[str, dict]] = []
        for cls, fields in found:
            if cls is ExceptionRule:
                if last_prohibition is not None:
                    fields = dict(fields, applies_to=(last_prohibition,))
                    exc_id = add(cls, fields, sentence)
                    pending.append((last_prohibition, {"exception": exc_id}))
                continue
            if cls is Prohibition and not fields.get("objects") and _ANAPHORA.search(" ".join(a.text for a in fields["activities"])):
                # "no unit may engage in the above-mentioned business": what the clause said before
                fields = dict(fields, objects=context[0], territory=fields.get("territory") or context[1])
            rule_id = add(cls, fields, sentence)
            if fields.get("objects") or (cls is Obligation and objects_of(" ".join(b.text for b in fields.get("bearers", ())))):
                text = " ".join(e.text for key in ("activities", "bearers") for e in fields.get(key, ()))
                context = (fields.get("objects") or objects_of(text), fields.get("territory") or territory_of(text))
            if cls is Prohibition:
                last_prohibition = rule_id
                if fields.get("bearers"):
                    previous = list(fields["bearers"])
            elif cls is Obligation and fields.get("bearers"):
                previous = list(fields["bearers"])
            elif cls is Definition:
                previous = [fields["term"]]
        for cls, fields in _references(parts, sentence) + _hereinafter(parts, sentence):
            add(cls, fields, sentence)
        if not found:
            add(Unmodeled, {}, sentence)
        # link exceptions, and the implied exception of "unauthorized" activities
        for prohibition_id, link in pending:
            i = next(i for i, r in enumerate(rules) if r.id == prohibition_id)
            rules[i] = rules[i].model_copy(update={"exceptions": (*rules[i].exceptions, link["exception"])})
    return rules


def extract_rules(notice: Notice) -> RuleSet:
    """Every rule of a notice, clause by clause, then the closing paragraph."""
    notice_id = notice.number.id if notice.number else "notice"
    source = notice.text
    offset = notice.span.start
    parts = _Parts(_Shifted(source, offset), registry())
    rules: list = []
    for clause in notice.clauses:
        rules += _clause_rules(f"{notice_id}/{clause.ordinal}", clause.ordinal, clause.marker, list(clause.sentences), parts)
    closing = next((p for p in notice.parts if getattr(p, "kind", None) == "closing"), None)
    if closing is not None:
        sentences = [s for para in closing.paragraphs for s in para.sentences]
        rules += _clause_rules(f"{notice_id}/closing", 0, "closing", sentences, parts)
    return RuleSet(notice=notice_id, number=notice.number, title=notice.title, rules=tuple(rules))


class _Shifted:
    """The notice text addressed by positions in the page it was parsed from."""

    __slots__ = ("text", "offset")

    def __init__(self, text: str, offset: int) -> None:
        self.text, self.offset = text, offset

    def __getitem__(self, key: slice) -> str:
        start = None if key.start is None else key.start - self.offset
        stop = None if key.stop is None else key.stop - self.offset
        return self.text[start:stop]

