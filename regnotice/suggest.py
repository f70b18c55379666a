"""The one "did you mean" helper.

>>> did_you_mean("acount opening", ["account opening", "custody", "clearing"])
['account opening']
>>> did_you_mean("x" * 100_000, ["account opening"])
[]
"""

from __future__ import annotations

import difflib
from typing import Iterable

__all__ = ["did_you_mean", "hint"]

# A term longer than this is compared by its opening only: difflib is quadratic, and no
# vocabulary phrase is this long.
_LONGEST = 64


def did_you_mean(term: object, choices: Iterable[str], n: int = 3) -> list[str]:
    """The choices closest to ``term`` (at most ``n``), closest first."""
    text = str(term)[:_LONGEST].lower()
    pool = sorted({str(c) for c in choices})
    by_lower: dict[str, str] = {}
    for c in pool:
        by_lower.setdefault(c.lower(), c)
    return [by_lower[c] for c in difflib.get_close_matches(text, list(by_lower), n=n, cutoff=0.6)]


def hint(term: object, choices: Iterable[str], n: int = 3) -> str:
    """"; did you mean a, b?" or, with nothing close, "; known: ..." (the first few)."""
    pool = sorted({str(c) for c in choices})
    near = did_you_mean(term, pool, n)
    if near:
        return f"; did you mean {', '.join(near)}?"
    shown = ", ".join(pool[:12]) + (", ..." if len(pool) > 12 else "")
    return f"; known: {shown}"
