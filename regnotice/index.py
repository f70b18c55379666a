"""The clause index of the bundled notice: a JSON file built from the parsed notice.

The CLI's lookups (``clause``, ``clauses``, ``search``) read this index and never
parse: stdlib only, no Lark, pydantic or YAML on that path. ``regnotice index --write``
rebuilds it, and a test checks that it equals a fresh parse of the bundled seed.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import UnknownClause
from .numbering import parse_ref

__all__ = ["INDEX_FILE", "clause_record", "build_index", "load_index", "find_clause", "search_records", "render_clause_text"]

#: The index, shipped inside the package.
INDEX_FILE = Path(__file__).resolve().parent / "clause_index.json"


def clause_record(clause: Any) -> dict:
    """The plain-data form of a clause: what ``clause --format json`` prints."""
    return {
        "ordinal": clause.ordinal,
        "marker": clause.marker,
        "style": clause.style,
        "heading": clause.heading,
        "section": clause.section,
        "text": clause.text,
        "span": {"start": clause.span.start, "end": clause.span.end},
        "line": clause.line,
        "column": clause.column,
        "paragraphs": [[s.text for s in p.sentences] for p in clause.paragraphs],
    }


def build_index(notice: Any) -> dict:
    """The index of a parsed notice."""
    return {
        "notice": {
            "number": str(notice.number) if notice.number else None,
            "id": notice.number.id if notice.number else None,
            "title": notice.title,
            "source": notice.source,
        },
        "clauses": [clause_record(c) for c in notice.clauses],
    }


def dump_index(index: dict) -> str:
    return json.dumps(index, ensure_ascii=False, indent=1) + "\n"


@lru_cache(maxsize=1)
def load_index(path: str | None = None) -> dict:
    with open(path or INDEX_FILE, encoding="utf-8") as fh:
        return json.load(fh)


def find_clause(index: dict, ref: int | str) -> dict:
    """The record for a clause reference in any numbering (see ``numbering.parse_ref``)."""
    ordinal = parse_ref(ref)
    records = index["clauses"]
    for record in records:
        if record["ordinal"] == ordinal:
            return record
    ordinals = [r["ordinal"] for r in records]
    raise UnknownClause(ref, range(min(ordinals), max(ordinals) + 1) if ordinals else ())


def search_records(index: dict, phrase: str) -> list[tuple[dict, list[tuple[int, int]]]]:
    """Records whose text contains ``phrase`` (case-insensitive, any run of spaces
    matching a space), with the offsets of each match within the clause text."""
    words = phrase.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE)
    found = []
    for record in index["clauses"]:
        hits = [(m.start(), m.end()) for m in pattern.finditer(record["text"])]
        if hits:
            found.append((record, hits))
    return found


def render_clause_text(record: dict, notice: dict | None = None) -> str:
    """The text form of a clause: a header line, then the clause as in the source."""
    number = (notice or {}).get("number")
    head = f"{number}, clause {record['ordinal']} {record['marker']}" if number else f"clause {record['ordinal']} {record['marker']}"
    if record["heading"]:
        head += f": {record['heading']}"
    return f"{head}\n\n{record['text']}"
