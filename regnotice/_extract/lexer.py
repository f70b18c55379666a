"""The cue lexer of ``grammars/rules.lark``, and the parsers and patterns built from it.

The lexer finds the grammar's cue phrases and hands the parser the text between them as
one token typed by what follows it (``SUBJ``, ``ARG``, ``TAIL``; see the grammar's header).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from lark import Lark, Token
from lark.lexer import Lexer

from ..resources import data_path

# Cues after which the text continues the same clause instead of starting a subject.
_CONTINUATION = frozenset({"EXCEPT", "WITHOUT", "PARTICIPATION", "COORDINATION", "RESPECTIVE"})
# Cues of a prohibition series ("may not A, may not B"): the text between two of them that
# ends in a comma or "and" is the activity of the first (ACT), not the subject of the next.
_SERIES = frozenset({"PROHIBITED_FROM", "FORBIDDEN_TO", "NOT_ALLOWED", "MAY_NOT", "NOT_TO"})
_SERIES_END = re.compile(r"(?:[,;，；]|\b(?:and|or))\s*+$", re.I)
_SERIES_CONJ = re.compile(r"(?<![\s,;，；])[\s,;，；]*+\b(?:and|or)$", re.I)
# Cues that open an imperative sentence ("Ensure ...", "Prohibit ...").
_IMPERATIVE = frozenset({"DUTY", "PROHIBIT", "NECESSARY"})
_CONDITION_CUES = ("APPROVAL", "CONSENT", "FILING", "RELIANCE", "AUTHORIZATION")
_TRIM = " \t\r\n\u00a0,;:.。，；：、\u3000"
_CJK = re.compile(r"[\u3400-\u9fff]")


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
        self.cjk_scanner = self._scanner(terminals, boundary="")  # Chinese: no word boundaries
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
        # In Chinese text a cue may open at any character, but only at one that opens a
        # Chinese cue (or at an English word that opens an English one).
        cjk_first = sorted({o[0] for o in self.openings or () if _CJK.match(o[0])})
        self.cjk_start_re = (
            re.compile(self.opening_re.pattern + ("|[" + "".join(cjk_first) + "]" if cjk_first else ""))
            if self.opening_re is not None
            else None
        )
        self._for_word: dict[str, re.Pattern | None] = {}

    @staticmethod
    def _scanner(terminals, boundary: str = r"\b") -> re.Pattern:
        alternation = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals)
        return re.compile(rf"{boundary}(?:{alternation})")

    def _scanner_for(self, word: str) -> re.Pattern | None:
        """The cues that can open with ``word``, in priority order (cached per word)."""
        try:
            return self._for_word[word]
        except KeyError:
            pass
        names = {t.name for o, ts in self.by_opening.items() if word.startswith(o) for t in ts}
        scanner = self._scanner([t for t in self.terminals if t.name in names]) if names else None
        if len(self._for_word) < 4096 and len(word) <= 64:
            self._for_word[word] = scanner
        return scanner

    def _matches(self, data: str) -> Iterator[re.Match]:
        if _CJK.search(data):  # no spaces between words: a cue may start at any character
            if self.cjk_start_re is None:
                yield from self.cjk_scanner.finditer(data)
                return
            pos = 0
            lowered = data.lower()
            for opening in self.cjk_start_re.finditer(lowered if len(lowered) == len(data) else data):
                at = opening.start()
                if at < pos:
                    continue
                m = self.cjk_scanner.match(data, at)
                if m:
                    yield m
                    pos = m.end()
            return
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
        matches = list(self._matches(data))
        after = next((m.lastgroup for m in matches[1:] if m.lastgroup not in _CONTINUATION), None)
        if matches and matches[0].lastgroup in _IMPERATIVE and after is not None and after not in _IMPERATIVE:
            # "Support measures shall be announced": a verb that opens an imperative is one
            # only in a sentence with no subject, that is, with no cue that takes one after
            # it (another imperative may follow: "严禁A，禁止B")
            matches = matches[1:]
        for m in matches:
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
                if following is None:
                    kind = "TAIL"
                elif following in _CONTINUATION:
                    kind = "ARG"
                elif following in _IMPERATIVE:  # "严禁A，| 禁止B": the next imperative opens
                    kind = "TAIL"
                elif following in _SERIES and i and tokens[i - 1][0] in _SERIES and _SERIES_END.search(data, start, tokens[i + 1][1]):
                    kind = "ACT"
                    conj = _SERIES_CONJ.search(data, start, end)  # "hold Ether, and | may not"
                    if conj and conj.start() > start:
                        end = conj.start()
                else:
                    kind = "SUBJ"
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
        "LEAD_IN", "NECESSARY", "NOT_TO", "PROHIBIT", "DUTY",
        "IN_FORCE", "REPEALED", "SANCTION", "INVALID", "BORNE", "IT_PROHIBITED", "PROHIBITED_FROM",
        "FORBIDDEN_TO", "NOT_ALLOWED", "PROHIBITED_PASSIVE", "MAY_NOT", "OVERALL_RESP", "LEADING",
        "DEFINES", "TOGETHER_WITH", "RESPECTIVE", "PARTICIPATION", "COORDINATION", "CLASSIFIED",
        "EXCEPT", "WITHOUT", "IF", "NO", "MAY", "MODAL",
    )  # fmt: skip


class _ConditionLexer(_CueLexer):
    names = _CONDITION_CUES


_CUE_KEYS = ("duty_verbs", "duty_adverbs", "reporting_verbs", "required_participles")


@lru_cache(maxsize=1)
def cue_words() -> dict[str, tuple[str, ...]]:
    """``cues.yaml``, checked: each key a list of non-empty strings."""
    from ..errors import RuleFileError
    from ..yamlio import load_yaml

    path = Path(__file__).resolve().parents[1] / "cues.yaml"
    data = load_yaml(path)
    if not isinstance(data, dict) or set(data) != set(_CUE_KEYS):
        raise RuleFileError(f"{path}:1: expected the keys {', '.join(_CUE_KEYS)}")
    for key in _CUE_KEYS:
        words = data[key]
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise RuleFileError(f"{path}: {key}: expected a list of non-empty strings")
    return {key: tuple(data[key]) for key in _CUE_KEYS}


@lru_cache(maxsize=1)
def _grammar() -> str:
    """``grammars/rules.lark`` with the words of ``cues.yaml`` (and the document kinds of
    ``layout.yaml``) put in where it says ``${NAME}``."""
    from ..layout import alternation, grammar_text, layout_words

    words = cue_words()
    pieces = {
        "DUTY_VERB": alternation(tuple(w for w in words["duty_verbs"] if w.isascii())),
        "DUTY_VERB_ZH": alternation(tuple(w for w in words["duty_verbs"] if not w.isascii())),
        "DUTY_ADVERB": alternation(words["duty_adverbs"]),
        "REPORTING_VERB": alternation(words["reporting_verbs"]),
        "REQUIRED_PARTICIPLE": alternation(words["required_participles"]),
        "DOCUMENT_KIND": alternation(tuple(w for w in layout_words("document_kinds") if w.isascii())),
    }
    return grammar_text(data_path("grammars/rules.lark").read_text(encoding="utf-8"), pieces)


@lru_cache(maxsize=None)
def condition_parser() -> Lark:
    return Lark(_grammar(), parser="lalr", lexer=_ConditionLexer, start="conditions", maybe_placeholders=False)


@lru_cache(maxsize=None)
def condition_lexer() -> _ConditionLexer:
    """The condition cues of the grammar, for reading the conditions of an exception."""
    return _ConditionLexer(condition_parser().lexer_conf)


class _InlineLexer(_CueLexer):
    names = ("HEREINAFTER",)


@lru_cache(maxsize=None)
def _hereinafter_pattern() -> re.Pattern:
    inline = Lark(_grammar(), parser="lalr", lexer=_InlineLexer, start="inline")
    return re.compile(inline.get_terminal("HEREINAFTER").pattern.to_regexp())
