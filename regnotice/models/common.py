"""The models the notice tree, the rules and the verdicts share: spans and document
numbers. Apart from the tree (``tree.py``), so that a verb on rules alone (``check``
against the bundled rules) does not make the tree's classes.

>>> DocNumber(prefix="Yinfa", year=2026, seq=42).id
'yinfa-2026-42'
"""

# No ``from __future__ import annotations`` here: pydantic would compile and evaluate every
# annotation string when the classes are made (some 5 ms of each cold start).

import re

from pydantic import Field

from .base import _Frozen

__all__ = ["Span", "DocNumber"]


class Span(_Frozen):
    """Half-open character range ``[start, end)`` into the parsed text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    def of(self, text: str) -> str:
        """The slice of ``text`` this span covers."""
        return text[self.start : self.end]

    def __len__(self) -> int:
        return self.end - self.start


class DocNumber(_Frozen):
    """A normalised document number: ``Yinfa [2026] No. 42`` is
    ``DocNumber(prefix="Yinfa", year=2026, seq=42)``."""

    prefix: str
    year: int
    seq: int

    def __str__(self) -> str:
        return f"{self.prefix} [{self.year}] No. {self.seq}"

    @property
    def id(self) -> str:
        """A slug such as ``yinfa-2026-42``."""
        slug = re.sub(r"[^0-9a-z]+", "-", self.prefix.lower()).strip("-")
        return f"{slug}-{self.year}-{self.seq}"
