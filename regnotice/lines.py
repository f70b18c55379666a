"""1-based line and column numbers of offsets into one text.

Built once per text and shared, so numbering every clause of a page of a thousand
notices costs a binary search each, not a count from the start of the page.

>>> LineIndex("ab\\ncd\\n").line_col(4)
(2, 2)
"""

from __future__ import annotations

from bisect import bisect_right

__all__ = ["LineIndex"]


class LineIndex:
    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts

    def line_col(self, pos: int) -> tuple[int, int]:
        """The 1-based (line, column) of offset ``pos``."""
        line = bisect_right(self._starts, pos)
        return line, pos - self._starts[line - 1] + 1
