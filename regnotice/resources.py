"""Where the bundled data lives: grammars, seed pages, rule files and the clause index.

In a wheel they sit in ``regnotice/_data/``; in a source checkout they are the
top-level ``grammars/``, ``seeds/`` and ``rules/`` folders. Stdlib only: this module is
on the fast CLI lookup path.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_path", "digest", "BUNDLED_SEED"]

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


def digest(paths) -> str:
    """A SHA-256 of the files ``paths`` (names, sizes and bytes; a missing file counts as
    such): what a prebuilt file records of the sources it was built from, so that it is
    used only while they are unchanged."""
    import hashlib

    h = hashlib.sha256()
    for path in paths:
        path = Path(path)
        try:
            content = path.read_bytes()
        except OSError:
            content = b"(missing)"
        h.update(f"{path.name}\0{len(content)}\0".encode())
        h.update(content)
    return h.hexdigest()
