"""Where the bundled data lives: grammars, seed pages, rule files and the clause index.

In a wheel they sit in ``regnotice/_data/``; in a source checkout they are the
top-level ``grammars/``, ``seeds/`` and ``rules/`` folders. Stdlib only: this module is
on the fast CLI lookup path.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_path", "BUNDLED_SEED"]

_PACKAGE = Path(__file__).resolve().parent

#: The seed page the bundled notice is parsed from.
BUNDLED_SEED = "seeds/000_f9843fba284d51a1.txt"


def data_path(relative: str) -> Path:
    """The path of a bundled data file, e.g. ``data_path("grammars/notice.lark")``.

    >>> data_path("grammars/notice.lark").name
    'notice.lark'
    """
    for root in (_PACKAGE / "_data", _PACKAGE.parent):
        candidate = root / relative
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"bundled data file {relative!r} is missing from {_PACKAGE}")
