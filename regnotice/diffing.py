"""Rule-level diff of two notices or rule files (``regnotice diff OLD NEW``).

Each side is a rule file (YAML, as ``regnotice export`` writes it) or a notice (a text or
a saved HTML page, parsed and extracted). Rules are matched by **content**, never by id:
an id (``yinfa-2026-42/6/2``) is positional, and renumbering a clause or splitting a
sentence moves it. Matching takes, in turn:

1. rules equal but for their positions (id, clause, marker, span, whitespace): ``same``;
2. pairs by score, best first: ``0.6`` of the quotes' word similarity (difflib, on the
   words with case, punctuation and a leading marker folded away) and ``0.4`` of the
   share of typed facts in common (lexicon and registry ids, condition kinds, terms,
   document numbers, cited titles), at least :data:`THRESHOLD` and of one kind, or of
   two kinds when the quotes are nearly the same sentence (:data:`KIND_CHANGE_TEXT`):
   ``score``;
3. in each stretch left between two matched pairs, as diff(1) aligns changed lines
   between unchanged ones, rules of one kind from :data:`IN_PLACE` (a reworded sentence,
   another translation): ``place``.

What is left is added or removed, each with its nearest rule on the other side when
one scores :data:`NEAREST_FLOOR` or more. Scoring is quadratic in the rules left after
step 1 up to :data:`MAX_PAIRS` pairs, then linear (each rule against the
:data:`CANDIDATES` sharing the most of its rarer words and facts).

For each matched pair the diff lists, field by field, what changed in the typed facts
(ids added and removed per field: actions, objects, bearers, conditions, terms,
exceptions ...; a kind, a territory, a sanction changed), how the quote changed, and a
word-level redline of it. Every difference is **substantive** or **cosmetic**:

- cosmetic: a new id, clause ordinal or marker (renumbering); a quote that differs only in
  whitespace and line breaks (rewrapping) or a numbering marker before it; a quote that
  differs only in punctuation, letter case, full-width forms or quotation marks; the
  spans (every edit before a sentence moves them: they are never compared);
- substantive: everything else: another word in the quote, a fact, a part, a condition, a
  kind, a link to an exception, a rule added or removed, another notice number or title.

>>> from regnotice.models import RuleSet, Unmodeled, Span
>>> old = RuleSet(notice="n", rules=(Unmodeled(id="n/1/1", clause=1, marker="(1)", span=Span(start=0, end=9), quote="Banks may trade."),))
>>> new = RuleSet(notice="n", rules=(Unmodeled(id="n/2/1", clause=2, marker="(2)", span=Span(start=5, end=14), quote="Banks may not trade."),))
>>> d = diff(old, new)
>>> pair = d.matched[0]
>>> pair.status, pair.quote, [c.field for c in pair.changes], d.summary.substantive
('changed', 'wording', ['id', 'clause', 'marker'], True)
>>> print(redline_text(pair.redline))
Banks may {+not+} trade.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import unicodedata
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Literal, Union

from .errors import InputError, NoticeNotFound, RegnoticeError
from .models import DocNumber, Notice, RuleSet
from .models.base import _Frozen

__all__ = [
    "THRESHOLD",
    "KIND_CHANGE_TEXT",
    "IN_PLACE",
    "NEAREST_FLOOR",
    "Side",
    "Op",
    "FieldChange",
    "RuleRef",
    "Nearest",
    "Pair",
    "Summary",
    "RuleDiff",
    "diff",
    "read_side",
    "render_text",
    "redline_text",
    "diff_schema",
    "dump_schema",
    "SCHEMA_FILE",
]

#: The least score at which two rules of one kind are the same rule. A score is
#: ``0.6 * text + 0.4 * facts``: the similarity of the quotes' words (difflib) and the
#: share of typed facts the two rules have in common (the text's, when neither has any).
THRESHOLD = 0.5
#: Two rules of different kinds are one rule whose kind changed only when their quotes
#: are this similar (the same sentence, read another way).
KIND_CHANGE_TEXT = 0.9
#: Between the same matched neighbours (an unmatched stretch of each side, as diff(1)
#: aligns changed lines between unchanged ones), two rules of one kind are one rule from
#: this score: a sentence reworded, a translation.
IN_PLACE = 0.3
#: An unmatched rule names its nearest rule on the other side when their score is at
#: least this (what could be matched, shown, not taken).
NEAREST_FLOOR = 0.2
#: The most pairs scored one by one (a second or two at most); beyond it each rule is
#: scored against the :data:`CANDIDATES` rules sharing the most of its rarer words and
#: facts only.
MAX_PAIRS = 10_000
CANDIDATES = 20

#: The JSON Schema of ``diff --format json``, beside this module.
SCHEMA_FILE = Path(__file__).with_name("diff.schema.json")

_TEXT_WEIGHT, _FACT_WEIGHT = 0.6, 0.4


# ---------------------------------------------------------------------------- models


class Side(_Frozen):
    """One side of a diff: where it was read from and what it holds."""

    source: str
    read_as: Literal["rules", "notice", "object"]
    notice: str
    number: Union[str, None] = None
    title: Union[str, None] = None
    rules: int
    warnings: tuple[str, ...] = ()


class Op(_Frozen):
    """One step of a redline. The ``equal`` and ``insert`` texts, in order, rebuild the
    new quote (whitespace collapsed, a leading marker removed); ``equal`` and ``delete``
    the old one, up to whitespace. Each text starts with the whitespace before it."""

    op: Literal["equal", "delete", "insert"]
    text: str


class FieldChange(_Frozen):
    """One field of a matched pair that differs: a list field has the items
    ``removed`` and ``added``; a single value its ``old`` and ``new``."""

    field: str
    substantive: bool = True
    old: Union[str, None] = None
    new: Union[str, None] = None
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()


class Nearest(_Frozen):
    """The closest unmatched rule on the other side, below the threshold."""

    id: str
    kind: str
    score: float


class RuleRef(_Frozen):
    """A rule as the diff shows it; ``index`` is its place in its side's list (from 0),
    ``summary`` the line ``regnotice rules`` prints for it."""

    index: int
    id: str
    kind: str
    clause: int
    marker: str
    quote: str
    summary: str
    nearest: Union[Nearest, None] = None


class Pair(_Frozen):
    """Two rules matched by content: ``matched_by`` ``same`` (equal but for positions),
    ``score`` (at least :data:`THRESHOLD`), or ``place`` (at least :data:`IN_PLACE`,
    between the same matched neighbours). ``status``: ``unchanged`` (nothing but positions),
    ``cosmetic`` (only cosmetic differences) or ``changed`` (a substantive one).
    ``quote``: how the quotes differ (``same``; ``whitespace``: whitespace, line breaks,
    a numbering marker; ``punctuation``: punctuation, case, character forms;
    ``wording``: words). ``changes`` are the other fields, ``redline`` the quote's
    steps (empty unless the quotes differ beyond whitespace)."""

    old: RuleRef
    new: RuleRef
    score: float
    matched_by: Literal["same", "score", "place"]
    status: Literal["unchanged", "cosmetic", "changed"]
    renumbered: bool
    quote: Literal["same", "whitespace", "punctuation", "wording"]
    changes: tuple[FieldChange, ...] = ()
    redline: tuple[Op, ...] = ()


class Summary(_Frozen):
    old_rules: int
    new_rules: int
    matched: int
    unchanged: int
    cosmetic: int
    changed: int
    renumbered: int
    added: int
    removed: int
    notice_changes: int
    substantive: bool


class RuleDiff(_Frozen):
    """The differences between two rule sets. ``notice``: the notice's own fields (id,
    number, title) that differ; ``matched``: every pair, in the new side's order;
    ``added`` and ``removed``: the rules of one side only."""

    old: Side
    new: Side
    summary: Summary
    notice: tuple[FieldChange, ...] = ()
    matched: tuple[Pair, ...] = ()
    added: tuple[RuleRef, ...] = ()
    removed: tuple[RuleRef, ...] = ()


def diff_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a :class:`RuleDiff` (``diff --format json``);
    the same as the committed ``regnotice/diff.schema.json``."""
    schema = RuleDiff.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:regnotice:schema:diff", **schema}


def dump_schema() -> str:
    """The schema as deterministic JSON text (2-space indent, trailing newline)."""
    return json.dumps(diff_schema(), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------- sides

_RULE_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
_NOTICE_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".xhtml", ".md"})
#: A rule file: the modeline, a JSON object, or a top-level key of a rule set.
_LOOKS_LIKE_RULES = re.compile(r"\A\s*(?:# yaml-language-server:|\{|(?:#[^\n]*\n\s*)*(?:notice|number|title|rules)\s*:(?:\s|$))")
_WHAT = "a notice (text or HTML page) or a rule file (YAML)"


def read_side(path: str | os.PathLike) -> tuple[RuleSet, Side]:
    """The rules of one side and how they were read. A ``.yaml``, ``.yml`` or ``.json``
    file (or any file that opens like one: the modeline, ``{``, ``notice:``) is a rule
    file, read strictly (``file:line`` of every problem); anything else is a notice,
    parsed and extracted. ``-`` reads standard input."""
    from .io import read_text

    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"a side of a diff is named by a path, not {type(path).__name__}")
    name = "<stdin>" if str(path) == "-" else os.fspath(path)
    try:
        text = read_text(path, what=_WHAT)
    except (TypeError, ValueError) as exc:  # a path of bytes, a NUL in the path
        raise InputError(f"{name!r}: cannot read: {exc}") from None
    if not text.strip():
        raise InputError(f"{name}: empty; expected {_WHAT}")
    suffix = Path(name).suffix.lower() if name != "<stdin>" else ""
    sniffed = bool(_LOOKS_LIKE_RULES.match(text))
    if sniffed or suffix in _RULE_SUFFIXES:
        from .rules_io import load_rules_text

        ruleset = load_rules_text(text, name)
        return ruleset, _side(ruleset, name, "rules")
    from .parsing import parse
    from .pipeline import extract

    try:
        notice = parse(text, source=name)
    except NoticeNotFound as exc:
        if suffix in _NOTICE_SUFFIXES:
            raise
        raise NoticeNotFound(f"{exc}; nor is it a rule file (YAML whose first key is notice:)") from None
    warnings = tuple(f"{name}:{a.line}:{a.column}: {a.message}" for a in notice.anomalies)
    ruleset = extract(notice)
    return ruleset, _side(ruleset, name, "notice", warnings)


def _side(ruleset: RuleSet, source: str, read_as: str, warnings: tuple[str, ...] = ()) -> Side:
    return Side(
        source=source,
        read_as=read_as,
        notice=ruleset.notice,
        number=None if ruleset.number is None else str(ruleset.number),
        title=ruleset.title,
        rules=len(ruleset.rules),
        warnings=warnings,
    )


def _resolve(value, name: str | None) -> tuple[RuleSet, Side]:
    if isinstance(value, RuleSet):
        return value, _side(value, name or value.notice, "object")
    if isinstance(value, Notice):
        from .pipeline import extract

        ruleset = extract(value)
        return ruleset, _side(ruleset, name or value.source or ruleset.notice, "object")
    if isinstance(value, (str, os.PathLike)):
        ruleset, side = read_side(value)
        return ruleset, (side if name is None else side.model_copy(update={"source": name}))
    raise RegnoticeError(f"a side of a diff is a RuleSet, a Notice or the path of a notice or rule file, not {type(value).__name__}")


# ---------------------------------------------------------------------------- text forms

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Words for the redline: a CJK character alone, or a run of anything but spaces.
_SHOWN = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")
#: Words for the similarity: a CJK character alone, or a run of word characters.
_LOOSE = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+")
#: A candidate numbering marker before a sentence: "(6)", "（六）", "6.", "VI.", "六、".
_MARKER = re.compile(r"\A\s*([(（][^()（）\s]{1,12}[)）]|[0-9A-Za-z\u2160-\u216b\u4e00-\u9fff]{1,12}[.．、])\s*")


def _ws(text: str) -> str:
    """Whitespace collapsed: every run one space, none at the ends."""
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def _bare(text: str) -> str:
    """Whitespace collapsed, a leading numbering marker removed."""
    from .numbering import ORDINAL_WORD, parse_marker

    text = _ws(text)
    found = _MARKER.match(text)
    if found:
        try:
            if parse_marker(found.group(1))[1] != ORDINAL_WORD:
                text = text[found.end() :]
        except RegnoticeError:  # "(a)", "(including": not a marker
            pass
    return text


@lru_cache(maxsize=4096)
def _loose(text: str) -> tuple[str, ...]:
    """The words of ``text`` with case, punctuation, full-width forms and quotation
    marks folded away (NFKC, casefolded)."""
    return tuple(_LOOSE.findall(unicodedata.normalize("NFKC", _bare(text)).casefold()))


def _key(text: str) -> str:
    return " ".join(_loose(text))


def _quote_change(old: str, new: str) -> str:
    if old == new:
        return "same"
    if _bare(old) == _bare(new):
        return "whitespace"
    if _loose(old) == _loose(new):
        return "punctuation"
    return "wording"


def _redline(old: str, new: str) -> tuple[Op, ...]:
    """The word-level steps from ``old`` to ``new`` (both whitespace-collapsed)."""
    old, new = _bare(old), _bare(new)
    a, b = list(_SHOWN.finditer(old)), list(_SHOWN.finditer(new))
    matcher = SequenceMatcher(None, [m.group() for m in a], [m.group() for m in b], autojunk=False)
    ops: list[Op] = []

    def piece(text: str, tokens: list, i: int, j: int) -> str:
        start = tokens[i - 1].end() if i else 0
        return text[start : tokens[j - 1].end()]

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            old_gap = old[a[i1 - 1].end() : a[i1].start()] if i1 else ""
            new_gap = new[b[j1 - 1].end() : b[j1].start()] if j1 else ""
            if old_gap and not new_gap and ops and ops[-1].op != "equal":
                # "x y" -> "y": the deleted words keep the old space after them
                k = len(ops) - 1 if ops[-1].op == "delete" else len(ops) - 2
                if k >= 0 and ops[k].op == "delete":
                    ops[k] = Op(op="delete", text=ops[k].text + old_gap)
            ops.append(Op(op="equal", text=piece(new, b, j1, j2)))
            continue
        if i2 > i1:
            ops.append(Op(op="delete", text=piece(old, a, i1, i2)))
        if j2 > j1:
            ops.append(Op(op="insert", text=piece(new, b, j1, j2)))
    return tuple(ops)


#: The words kept on each side of a change when a redline is printed.
CONTEXT = 6


def redline_text(ops: Iterable[Op], context: int | None = None) -> str:
    """A redline as text: ``[-deleted-]{+inserted+}``. With ``context``, runs of equal
    words longer than twice that are cut to ``context`` words each side, ``...`` between."""
    out: list[str] = []
    ops = list(ops)
    for k, op in enumerate(ops):
        stripped = op.text.strip()
        gap = op.text[: len(op.text) - len(op.text.lstrip())]
        trail = op.text[len(op.text.rstrip()) :]
        if op.op == "equal":
            if context is not None:
                stripped = _elide(stripped, context, first=k == 0, last=k == len(ops) - 1)
            out.append(gap + stripped + trail)
        elif op.op == "delete":
            out.append(f"{gap}[-{stripped}-]{trail}")
        else:
            after_delete = k > 0 and ops[k - 1].op == "delete"
            out.append(f"{'' if after_delete else gap}{{+{stripped}+}}{trail}")
    return "".join(out)


def _elide(text: str, context: int, *, first: bool, last: bool) -> str:
    words = text.split(" ")
    keep_head = 0 if first else context
    keep_tail = 0 if last else context
    if len(words) <= keep_head + keep_tail + 1:
        return text
    head = words[:keep_head]
    tail = words[len(words) - keep_tail :] if keep_tail else []
    return " ".join([*head, "...", *tail])


# ---------------------------------------------------------------------------- facts per field

#: The fields every rule has: the identity and the text, compared on their own.
_FRAME = ("id", "clause", "marker", "span", "quote", "kind")
#: Fields that hold ids of other rules: translated through the match before comparing.
_LINKS = frozenset({"exceptions", "applies_to"})


def _label(value) -> tuple[str, str] | None:
    """(comparison key, label shown) of one item of a field; None for no value."""
    if value is None:
        return None
    if isinstance(value, bool):
        text = "true" if value else "false"
        return text, text
    if isinstance(value, str):  # a term, a mode: whitespace aside, as written
        return _ws(value), _ws(value)
    if isinstance(value, int):
        return str(value), str(value)
    if isinstance(value, DocNumber):
        return str(value), str(value)
    fields = type(value).model_fields
    if "id" in fields and "text" in fields:  # a Fact: its id is the fact
        return value.id, value.id
    if "kind" in fields and "authority" in fields:  # a Condition
        by = _label(value.authority)
        label = f"{value.kind}: {_ws(value.text)}" + (f" (authority: {by[1]})" if by else "")
        return f"{value.kind}|{_key(value.text)}|{by[0] if by else ''}", label
    if "ref" in fields:  # an Extract: its words, and the registry id they name
        label = _ws(value.text) + (f" [{value.ref}]" if value.ref else "")
        return f"{_key(value.text)}|{value.ref or ''}", label
    raise TypeError(f"no label for {type(value).__name__}")  # pragma: no cover - every field type is above


def _fields(rule) -> dict[str, tuple[bool, list[tuple[str, str]]]]:
    """Field -> (is a list, its items as (key, label)) for every field but the frame."""
    out = {}
    for name, info in type(rule).model_fields.items():
        if name in _FRAME:
            continue
        value = getattr(rule, name)
        if isinstance(value, tuple):
            out[name] = (True, [_label(v) for v in value])
        else:
            found = _label(value)
            out[name] = (False, [] if found is None else [found])
    return out


def _facts(rule) -> frozenset[str]:
    """The typed facts of a rule, whatever field holds them: lexicon and registry ids,
    condition kinds, terms, document numbers, cited titles. Ids of other rules are not
    facts (they are positional)."""
    found: set[str] = set()
    for name, info in type(rule).model_fields.items():
        if name in _FRAME or name in _LINKS:
            continue
        value = getattr(rule, name)
        for item in value if isinstance(value, tuple) else (value,):
            if item is None or isinstance(item, bool):
                continue
            if isinstance(item, str) and not isinstance(value, tuple):
                continue  # a setting such as an exception's mode, not a fact
            if isinstance(item, (str, DocNumber)):
                found.add(f"{name}:{item}")
                continue
            fields = type(item).model_fields
            if "id" in fields:
                found.add(item.id)
            elif "authority" in fields:
                found.add(f"condition:{item.kind}")
                if item.authority is not None and item.authority.ref:
                    found.add(item.authority.ref)
            elif item.ref:
                found.add(item.ref)
            elif name in ("title", "term"):
                found.add(f"{name}:{_key(item.text)}")
    return frozenset(found)


def _compare(old, new, links: dict[str, str]) -> list[FieldChange]:
    """The field changes from ``old`` to ``new`` (kind, then every field in model order;
    renumbering first, as cosmetic changes)."""
    changes: list[FieldChange] = []
    for name in ("id", "clause", "marker"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            changes.append(FieldChange(field=name, substantive=False, old=str(a), new=str(b)))
    if old.kind != new.kind:
        changes.append(FieldChange(field="kind", old=old.kind, new=new.kind))
    a_fields, b_fields = _fields(old), _fields(new)
    names = list(a_fields) + [n for n in b_fields if n not in a_fields]
    for name in names:
        # a field only one kind has is empty in the other
        a_list, a_items = a_fields[name] if name in a_fields else (b_fields[name][0], [])
        b_list, b_items = b_fields[name] if name in b_fields else (a_fields[name][0], [])
        if name in _LINKS:
            a_items = [(links.get(key, key), links.get(key, label)) for key, label in a_items]
        if a_list or b_list:
            removed, added = _multiset_difference(a_items, b_items)
            if removed or added:
                changes.append(FieldChange(field=name, removed=removed, added=added))
        else:
            a_key = a_items[0][0] if a_items else None
            b_key = b_items[0][0] if b_items else None
            if a_key != b_key:
                changes.append(FieldChange(field=name, old=a_items[0][1] if a_items else None, new=b_items[0][1] if b_items else None))
    return changes


def _multiset_difference(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The labels of ``a`` not in ``b`` and of ``b`` not in ``a``, by key, counting repeats."""
    left = Counter(key for key, _ in b)
    removed = []
    for key, label in a:
        if left[key]:
            left[key] -= 1
        else:
            removed.append(label)
    left = Counter(key for key, _ in a)
    added = []
    for key, label in b:
        if left[key]:
            left[key] -= 1
        else:
            added.append(label)
    return tuple(removed), tuple(added)


# ---------------------------------------------------------------------------- matching


class _Prep:
    """What matching reads of one rule, computed once."""

    __slots__ = ("index", "rule", "words", "facts", "exact", "position")

    def __init__(self, index: int, rule, total: int) -> None:
        self.index = index
        self.rule = rule
        self.words = _loose(rule.quote)
        self.facts = _facts(rule)
        # everything but the positions, the renumbering and the links: equal means unchanged
        content = tuple((name, tuple(k for k, _ in items)) for name, (_, items) in _fields(rule).items() if name not in _LINKS)
        self.exact = (rule.kind, self.words, content)
        self.position = index / max(1, total - 1)


def _fact_share(a: _Prep, b: _Prep) -> float | None:
    union = a.facts | b.facts
    return len(a.facts & b.facts) / len(union) if union else None


def _match(old: list[_Prep], new: list[_Prep]) -> tuple[list[tuple[_Prep, _Prep, float, str]], dict[int, tuple[_Prep, float]], dict[int, tuple[_Prep, float]]]:
    """Pairs (old, new, score, how matched), and the nearest unmatched partner of each
    rule left."""
    pairs: list[tuple[_Prep, _Prep, float, str]] = []
    taken_old: set[int] = set()
    taken_new: set[int] = set()

    def take(a: _Prep, b: _Prep, score: float, how: str) -> None:
        pairs.append((a, b, score, how))
        taken_old.add(a.index)
        taken_new.add(b.index)

    # 1. the same content, up to positions: paired at once (the same id first, then in order)
    groups: dict[tuple, list[_Prep]] = defaultdict(list)
    for b in new:
        groups[b.exact].append(b)
    by_group: dict[tuple, list[_Prep]] = defaultdict(list)
    for a in old:
        if a.exact in groups:
            by_group[a.exact].append(a)
    for key, olds in by_group.items():
        news = groups[key]
        ids = {b.rule.id: b for b in news}
        for a in olds:
            b = ids.get(a.rule.id)
            if b is not None and b.index not in taken_new:
                take(a, b, 1.0, "same")
        for a, b in zip([a for a in olds if a.index not in taken_old], [b for b in news if b.index not in taken_new]):
            take(a, b, 1.0, "same")
    # 2. the rest by score, best first; a change of kind only for the same sentence
    scored = _scores([a for a in old if a.index not in taken_old], [b for b in new if b.index not in taken_new])
    ranked = sorted(scored, key=lambda s: (not s[4], -s[2], s[0].rule.id != s[1].rule.id, abs(s[0].position - s[1].position), s[0].index, s[1].index))
    for a, b, score, text, same_kind in ranked:
        if a.index not in taken_old and b.index not in taken_new and ((same_kind and score >= THRESHOLD) or text >= KIND_CHANGE_TEXT):
            take(a, b, score, "score")
    # 3. in place: a rule of one kind between the same matched neighbours, at a lower score
    if pairs:
        _in_place(old, new, scored, pairs, take, taken_old, taken_new)
    # 4. what was close, for the rules left
    nearest_old: dict[int, tuple[_Prep, float]] = {}
    nearest_new: dict[int, tuple[_Prep, float]] = {}
    for a, b, score, _, _ in scored:
        if score < NEAREST_FLOOR or a.index in taken_old or b.index in taken_new:
            continue
        if score > nearest_old.get(a.index, (None, -1.0))[1]:
            nearest_old[a.index] = (b, score)
        if score > nearest_new.get(b.index, (None, -1.0))[1]:
            nearest_new[b.index] = (a, score)
    pairs.sort(key=lambda p: (p[1].index, p[0].index))
    return pairs, nearest_old, nearest_new


def _in_place(old, new, scored, pairs, take, taken_old, taken_new) -> None:
    """Match, in each gap between matched pairs, the rules of one kind scoring at least
    :data:`IN_PLACE`: the matched neighbours before and after a rule (or the start or
    end of the list, on one side only) bound where its counterpart may be."""
    anchors = sorted((a.index, b.index) for a, b, _, _ in pairs)
    olds = [i for i, _ in anchors]

    def window(i: int) -> tuple[int, int, int] | None:
        k = bisect.bisect_left(olds, i)
        before = anchors[k - 1] if k else None
        after = anchors[k] if k < len(anchors) else None
        low = before[1] if before else -1
        high = after[1] if after else len(new)
        if low >= high:  # the neighbours crossed: the rule moved with others
            return None
        return low, high, (i - before[0]) if before else (after[0] - i)

    ranked = []
    for a, b, score, _, same_kind in scored:
        if not same_kind or score < IN_PLACE or a.index in taken_old or b.index in taken_new:
            continue
        found = window(a.index)
        if found is None or not found[0] < b.index < found[1]:
            continue
        low, high, offset = found
        other = (b.index - low) if low >= 0 else (high - b.index)
        ranked.append((-score, abs(offset - other), a.index, b.index, a, b, score))
    for *_, a, b, score in sorted(ranked, key=lambda r: r[:4]):
        if a.index in taken_old or b.index in taken_new:
            continue
        found = window(a.index)  # the gap may have been split by a match just taken
        if found is None or not found[0] < b.index < found[1]:
            continue
        take(a, b, score, "place")
        bisect.insort(anchors, (a.index, b.index))
        olds.insert(bisect.bisect_left(olds, a.index), a.index)


def _scores(old: list[_Prep], new: list[_Prep]) -> list[tuple[_Prep, _Prep, float, float, bool]]:
    """(old, new, score, text similarity, same kind) of the pairs worth scoring."""
    candidates = _candidates(old, new)
    out = []
    matcher = SequenceMatcher(None, autojunk=False)
    for b in new:
        olds = candidates.get(b.index)
        if not olds:
            continue
        matcher.set_seq2(b.words)
        for a in olds:
            matcher.set_seq1(a.words)
            share = _fact_share(a, b)
            # an upper bound first: most pairs of a notice are far apart
            bound = matcher.real_quick_ratio()
            if _score(bound, share) < NEAREST_FLOOR and bound < KIND_CHANGE_TEXT:
                continue
            bound = matcher.quick_ratio()
            if _score(bound, share) < NEAREST_FLOOR and bound < KIND_CHANGE_TEXT:
                continue
            text = matcher.ratio()
            out.append((a, b, round(_score(text, share), 4), text, a.rule.kind == b.rule.kind))
    return out


def _score(text: float, share: float | None) -> float:
    return _TEXT_WEIGHT * text + _FACT_WEIGHT * (text if share is None else share)


def _candidates(old: list[_Prep], new: list[_Prep]) -> dict[int, list[_Prep]]:
    """The old rules each new rule is scored against: all of them, unless that makes
    more than :data:`MAX_PAIRS` pairs; then the :data:`CANDIDATES` that share the most
    of its rarer words and facts (those of at most 5 % of the rules, or 20), weighted by
    rarity: the cost is then linear in the number of rules."""
    if len(old) * len(new) <= MAX_PAIRS:
        return {b.index: old for b in new}
    import math

    frequency: Counter = Counter()
    for p in (*old, *new):
        frequency.update(set(p.words) | {"\0" + f for f in p.facts})
    common = max(20, (len(old) + len(new)) // 20)
    index: dict[str, list[_Prep]] = defaultdict(list)
    for a in old:
        for token in set(a.words) | {"\0" + f for f in a.facts}:
            if frequency[token] <= common:
                index[token].append(a)
    by_index = {a.index: a for a in old}
    out = {}
    for b in new:
        shared: Counter = Counter()
        for token in set(b.words) | {"\0" + f for f in b.facts}:
            found = index.get(token)
            if found:
                weight = 1.0 / math.log(1 + frequency[token])
                for a in found:
                    shared[a.index] += weight
        out[b.index] = [by_index[i] for i, _ in shared.most_common(CANDIDATES)]
    return out


# ---------------------------------------------------------------------------- the diff


def diff(old, new, *, old_name: str | None = None, new_name: str | None = None) -> RuleDiff:
    """The rule-level differences from ``old`` to ``new``: each a ``RuleSet``, a
    ``Notice`` or the path of a notice or rule file (see :func:`read_side`)."""
    old_rules, old_side = _resolve(old, old_name)
    new_rules, new_side = _resolve(new, new_name)
    olds = [_Prep(i, r, len(old_rules.rules)) for i, r in enumerate(old_rules.rules)]
    news = [_Prep(i, r, len(new_rules.rules)) for i, r in enumerate(new_rules.rules)]
    matched, nearest_old, nearest_new = _match(olds, news)
    links = {a.rule.id: b.rule.id for a, b, _, _ in matched}
    pairs = [_pair(a, b, score, how, links) for a, b, score, how in matched]
    taken_old = {a.index for a, _, _, _ in matched}
    taken_new = {b.index for _, b, _, _ in matched}
    removed = tuple(_ref(p.index, p.rule, nearest_old.get(p.index)) for p in olds if p.index not in taken_old)
    added = tuple(_ref(p.index, p.rule, nearest_new.get(p.index)) for p in news if p.index not in taken_new)
    notice = tuple(_notice_changes(old_rules, new_rules))
    counts = Counter(p.status for p in pairs)
    substantive = bool(added or removed or counts["changed"] or any(c.substantive for c in notice))
    summary = Summary(
        old_rules=len(olds),
        new_rules=len(news),
        matched=len(pairs),
        unchanged=counts["unchanged"],
        cosmetic=counts["cosmetic"],
        changed=counts["changed"],
        renumbered=sum(p.renumbered for p in pairs),
        added=len(added),
        removed=len(removed),
        notice_changes=len(notice),
        substantive=substantive,
    )
    return RuleDiff(old=old_side, new=new_side, summary=summary, notice=notice, matched=tuple(pairs), added=added, removed=removed)


def _ref(index: int, rule, nearest: tuple[_Prep, float] | None = None) -> RuleRef:
    from .report import summarise

    near = None if nearest is None else Nearest(id=nearest[0].rule.id, kind=nearest[0].rule.kind, score=nearest[1])
    summary = _ws(summarise(rule))
    return RuleRef(index=index, id=rule.id, kind=rule.kind, clause=rule.clause, marker=rule.marker, quote=rule.quote, summary=summary, nearest=near)


def _pair(a: _Prep, b: _Prep, score: float, how: str, links: dict[str, str]) -> Pair:
    old, new = a.rule, b.rule
    changes = _compare(old, new, links)
    quote = _quote_change(old.quote, new.quote)
    substantive = quote == "wording" or any(c.substantive for c in changes)
    if substantive:
        status = "changed"
    elif changes or quote != "same":
        status = "cosmetic"
    else:
        status = "unchanged"
    renumbered = any(c.field in ("id", "clause", "marker") for c in changes)
    redline = _redline(old.quote, new.quote) if quote in ("punctuation", "wording") else ()
    return Pair(old=_ref(a.index, old), new=_ref(b.index, new), score=score, matched_by=how, status=status, renumbered=renumbered, quote=quote, changes=tuple(changes), redline=redline)


def _notice_changes(old: RuleSet, new: RuleSet) -> Iterable[FieldChange]:
    if old.notice != new.notice:
        yield FieldChange(field="notice", old=old.notice, new=new.notice)
    a = None if old.number is None else str(old.number)
    b = None if new.number is None else str(new.number)
    if a != b:
        yield FieldChange(field="number", old=a, new=b)
    if (old.title or "") != (new.title or ""):
        cosmetic = old.title is not None and new.title is not None and _loose(old.title) == _loose(new.title)
        yield FieldChange(field="title", substantive=not cosmetic, old=old.title, new=new.title)


# ---------------------------------------------------------------------------- text


def render_text(d: RuleDiff, *, cosmetic: bool = False, context: int | None = CONTEXT) -> str:
    """The diff for people: a header per side, each substantive difference (``~``
    changed, field by field with the quote's redline; ``-`` removed; ``+`` added), the
    cosmetic ones too with ``cosmetic=True`` (``=``), then a summary line."""
    lines = [_side_line("---", d.old), _side_line("+++", d.new)]
    for change in d.notice:
        name = {"notice": "id"}.get(change.field, change.field)
        note = "" if change.substantive else "  (cosmetic)"
        lines.append(f"notice {name}: {_shown(change.old)} -> {_shown(change.new)}{note}")
    body: list[tuple[tuple, list[str]]] = []
    old_to_new: dict[int, int] = {}
    shown: set = set()  # redlines printed: a sentence read as several rules shows one
    for pair in d.matched:
        old_to_new[pair.old.index] = pair.new.index
        if pair.status == "changed" or (cosmetic and pair.status == "cosmetic"):
            body.append(((pair.new.index, 0, 0), _pair_lines(pair, context, shown)))
    for ref in d.removed:  # after the pair matched last before it in the old order
        before = max((n for o, n in old_to_new.items() if o < ref.index), default=-1)
        body.append(((before, 1, ref.index), [_ref_line("-", ref)]))
    for ref in d.added:
        body.append(((ref.index, 2, 0), [_ref_line("+", ref)]))
    if body:
        lines.append("")
    for _, block in sorted(body, key=lambda item: item[0]):
        lines.extend(block)
    s = d.summary
    lines.append("")
    lines.append(
        f"{s.old_rules} old rules, {s.new_rules} new: {s.unchanged} unchanged, {s.cosmetic} with cosmetic changes only"
        f" ({s.renumbered} renumbered), {s.changed} changed, {s.added} added, {s.removed} removed"
        + ("" if s.substantive else "; no substantive difference")
    )
    return "\n".join(lines) + "\n"


def _side_line(sign: str, side: Side) -> str:
    what = {"rules": "rule file", "notice": "notice", "object": "rules"}[side.read_as]
    number = f", {side.number}" if side.number else ""
    return f"{sign} {side.source} ({what}; {side.notice}{number}; {side.rules} rules)"


def _shown(value: str | None) -> str:
    return "(none)" if value is None else value


def _ref_line(sign: str, ref: RuleRef) -> str:
    line = f"{sign} {ref.id}  {ref.kind}  {ref.marker}  {ref.summary}"
    if ref.nearest is not None:
        line += f"\n    nearest: {ref.nearest.id} ({ref.nearest.kind}, score {ref.nearest.score:.2f})"
    return line


def _pair_lines(pair: Pair, context: int | None, shown: set) -> list[str]:
    name = pair.old.id if pair.old.id == pair.new.id else f"{pair.old.id} -> {pair.new.id}"
    kind = pair.old.kind if pair.old.kind == pair.new.kind else f"{pair.old.kind} -> {pair.new.kind}"
    marker = pair.old.marker if pair.old.marker == pair.new.marker else f"{pair.old.marker} -> {pair.new.marker}"
    sign = "~" if pair.status == "changed" else "="
    lines = [f"{sign} {name}  {kind}  {marker}  (score {pair.score:.2f})"]
    for change in pair.changes:
        if change.field in ("id", "clause", "marker", "kind"):
            continue  # in the heading
        if change.removed or change.added:
            items = [f"- {item}" for item in change.removed] + [f"+ {item}" for item in change.added]
            lines.append(f"    {change.field}: " + "; ".join(items))
        else:
            lines.append(f"    {change.field}: {_shown(change.old)} -> {_shown(change.new)}")
    if pair.quote == "whitespace":
        lines.append("    quote: rewrapped (whitespace only)")
    elif pair.redline and (pair.old.quote, pair.new.quote) in shown:
        lines.append("    quote: the same redline as above (one sentence, several rules)")
    elif pair.redline:
        shown.add((pair.old.quote, pair.new.quote))
        note = "" if pair.quote == "wording" else "  (punctuation only)"
        lines.append(f"    quote: {redline_text(pair.redline, context)}{note}")
    return lines
