"""A user's own list of terms to screen for (``regnotice screen --terms FILE``).

Compliance teams screen against their own lists as well as the notice's: names of
unlicensed platforms, token tickers, internal watch-list words. A list is a YAML or a
CSV (or TSV) file; each entry has a ``term`` and, optionally, an ``id``, a
``category``, a ``note`` and further ``spellings`` (matched as written, like the
Chinese spellings of ``terms.yaml``). A hit on a list term carries the entry's fields
and the list's name instead of a rule.

YAML: a list of entries, each a term or a mapping, or a mapping whose key ``terms``
holds that list::

    terms:
      - term: moon token
        id: WL-001
        category: token
        note: seen in adverts, 2026-05
        spellings: [月亮币]
      - luna coin

CSV: a header row naming the columns, ``term`` and any of ``id``, ``category``,
``note``, ``spellings`` (several separated by ``|``); the delimiter is sniffed as for a
batch (``,`` ``;`` tab ``|``).

>>> [e.term for e in parse_terms_yaml("- moon token\\n- {term: luna coin, id: L1}\\n", "list.yaml")]
['moon token', 'luna coin']
>>> parse_terms_yaml("- {term: moon, colour: red}\\n", "list.yaml")
Traceback (most recent call last):
...
regnotice.errors.RuleFileError: list.yaml:1:3: entry 1: unknown key 'colour'; allowed: term, id, category, note, spellings

Nothing is read loosely: an unknown key or column, an entry without a term, a term
with no letter or digit, a duplicated id or term, an empty list, are each a
:class:`~regnotice.errors.RuleFileError` naming ``file:line`` (and column, for YAML).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import RuleFileError

__all__ = ["TermEntry", "KEYS", "MAX_TERMS", "MAX_TERM_CHARS", "MAX_LIST_BYTES", "load_terms", "parse_terms_yaml", "parse_terms_csv"]

#: The keys of an entry (the columns of a CSV list), ``term`` first and required.
KEYS = ("term", "id", "category", "note", "spellings")
#: Entries in one list, at most.
MAX_TERMS = 100_000
#: Characters in one term or spelling, at most.
MAX_TERM_CHARS = 200
#: Bytes of a list file, at most.
MAX_LIST_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class TermEntry:
    """One entry of a user's list, and the line it is on."""

    term: str
    id: str | None = None
    category: str | None = None
    note: str | None = None
    spellings: tuple[str, ...] = ()
    line: int = 0


def load_terms(path: str | os.PathLike) -> list[TermEntry]:
    """The entries of a term list: ``.yaml``/``.yml`` or ``.csv``/``.tsv`` by its suffix.
    Raises :class:`RuleFileError` naming the file (and line) for anything it cannot use."""
    from ..yamlio import read_yaml_text

    if not isinstance(path, (str, os.PathLike)):
        raise RuleFileError(f"a term list is named by a path, not {type(path).__name__}")
    name = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in (".yaml", ".yml", ".csv", ".tsv"):
        raise RuleFileError(f"{name}: a term list is a .yaml, .yml, .csv or .tsv file")
    text = read_yaml_text(path, MAX_LIST_BYTES)
    if suffix in (".csv", ".tsv"):
        return parse_terms_csv(text, name, delimiter="\t" if suffix == ".tsv" else None)
    return parse_terms_yaml(text, name)


def _scalar(value, where: str, key: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise RuleFileError(f"{where}: {key} must be text, not {type(value).__name__}")
    text = str(value).strip()
    return text or None


def _entry(fields: dict, where: str, line: int) -> TermEntry:
    term = fields.get("term")
    if term is None or (isinstance(term, str) and not term.strip()):
        raise RuleFileError(f"{where}: no term")
    term = _scalar(term, where, "term")
    spellings = fields.get("spellings") or ()
    if isinstance(spellings, str):
        spellings = [spellings]
    if not isinstance(spellings, (list, tuple)):
        raise RuleFileError(f"{where}: spellings must be a list of text, not {type(spellings).__name__}")
    spellings = tuple(s for s in (_scalar(s, where, "a spelling") for s in spellings) if s)
    for text in (term, *spellings):
        if len(text) > MAX_TERM_CHARS:
            raise RuleFileError(f"{where}: a term of {len(text):,} characters; at most {MAX_TERM_CHARS} are screened")
        if not any(ch.isalnum() for ch in text):
            raise RuleFileError(f"{where}: {text!r} has no letter or digit to screen for")
    return TermEntry(
        term=term,
        id=_scalar(fields.get("id"), where, "id"),
        category=_scalar(fields.get("category"), where, "category"),
        note=_scalar(fields.get("note"), where, "note"),
        spellings=spellings,
        line=line,
    )


def _checked(entries: list[TermEntry], name: str) -> list[TermEntry]:
    if not entries:
        raise RuleFileError(f"{name}: the list holds no terms")
    if len(entries) > MAX_TERMS:
        raise RuleFileError(f"{name}: {len(entries):,} terms; at most {MAX_TERMS:,} are screened")
    from .matcher import _split

    ids: dict[str, int] = {}
    terms: dict[str, int] = {}
    for e in entries:
        if e.id is not None:
            if e.id in ids:
                raise RuleFileError(f"{name}:{e.line}: duplicate id {e.id!r} (first at line {ids[e.id]})")
            ids[e.id] = e.line
        key = " ".join(_split(e.term))
        if key in terms:
            raise RuleFileError(f"{name}:{e.line}: duplicate term {e.term!r} (first at line {terms[key]}): the second would never be a hit")
        terms[key] = e.line
    return entries


def parse_terms_yaml(text: str, name: str = "<terms>") -> list[TermEntry]:
    """The entries of a YAML term list (see the module docstring)."""
    from yaml.nodes import SequenceNode

    from ..yamlio import load_yaml_node

    data, node = load_yaml_node(text, name)
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"terms"}, key=str)
        if unknown:
            raise RuleFileError(f"{name}: unknown key {unknown[0]!r}; a term list holds 'terms'")
        node = next((v for k, v in node.value if k.value == "terms"), None)
        data = data.get("terms")
    if not isinstance(data, list):
        raise RuleFileError(f"{name}: expected a list of terms (or a mapping with the key 'terms'), not {type(data).__name__}")
    items = node.value if isinstance(node, SequenceNode) else [None] * len(data)
    entries = []
    for number, (value, item) in enumerate(zip(data, items), 1):
        line, column = (item.start_mark.line + 1, item.start_mark.column + 1) if item is not None else (0, 0)
        where = f"{name}:{line}:{column}: entry {number}"
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = {"term": value}
        if not isinstance(value, dict):
            raise RuleFileError(f"{where}: expected a term or a mapping with the key 'term', not {type(value).__name__}")
        unknown = [k for k in value if k not in KEYS]
        if unknown:
            raise RuleFileError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(KEYS)}")
        entries.append(_entry(value, where, line))
    return _checked(entries, name)


def parse_terms_csv(text: str, name: str = "<terms>", delimiter: str | None = None) -> list[TermEntry]:
    """The entries of a CSV (or TSV) term list: a header row, then one term a row."""
    from .rows import sniff_delimiter

    if delimiter is None:
        delimiter = sniff_delimiter(text[: 1 << 16]) or ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise RuleFileError(f"{name}: empty; expected a header row with the column 'term'")
        header = [h.strip().lower() for h in header]
        unknown = [h for h in header if h not in KEYS]
        if unknown:
            raise RuleFileError(f"{name}:1: unknown column {unknown[0]!r}; allowed: {', '.join(KEYS)}")
        if "term" not in header:
            raise RuleFileError(f"{name}:1: no column 'term'; the header is {', '.join(header)}")
        dup = next((h for h in header if header.count(h) > 1), None)
        if dup:
            raise RuleFileError(f"{name}:1: the column {dup!r} appears twice")
        entries = []
        line = reader.line_num
        for row in reader:
            where = f"{name}:{line + 1}"
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            if len(row) != len(header):
                raise RuleFileError(f"{where}: {len(row)} fields; the header has {len(header)}")
            fields: dict = dict(zip(header, row))
            if "spellings" in fields:
                fields["spellings"] = [s for s in fields["spellings"].split("|") if s.strip()]
            entries.append(_entry(fields, where, int(where.rsplit(":", 1)[1])))
    except csv.Error as exc:
        raise RuleFileError(f"{name}:{reader.line_num}: {exc}") from None
    return _checked(entries, name)
