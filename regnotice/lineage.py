"""Parent links, the one walk over them: the registry's parties and the lexicon's concepts
both say what each entry is a kind of.

>>> ancestors({"a": ("b",), "b": ("c",), "c": ()}.__getitem__, "a")
('b', 'c')
"""

from __future__ import annotations

from typing import Callable, Iterable

from .errors import RuleFileError

__all__ = ["ancestors"]


def ancestors(parents_of: Callable[[str], Iterable[str]], ident: str, what: str = "entry") -> tuple[str, ...]:
    """Every entry ``ident`` is a kind of, nearest first (itself excluded); a cycle is a
    :class:`RuleFileError` naming ``what``."""
    out: list[str] = []
    frontier = list(parents_of(ident))
    while frontier:
        parent = frontier.pop(0)
        if parent == ident:
            raise RuleFileError(f"{what} {ident!r} is its own ancestor")
        if parent not in out:
            out.append(parent)
            frontier.extend(parents_of(parent))
    return tuple(out)
