"""The one bounded memo of checking: least recently used first out.

Every memo of a checker (verdicts, resolved terms, candidate rules, exceptions, nearest
rules) is one of these, so that a process checking millions of distinct activities, or
shown millions of distinct words, keeps at most ``maxsize`` entries in each.

>>> memo = LRU(2)
>>> memo.put("a", 1); memo.put("b", 2); memo.get("a"); memo.put("c", 3)
1
>>> sorted(memo.keys()), len(memo), memo.get("b")
(['a', 'c'], 2, None)
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Hashable

__all__ = ["LRU"]


class LRU:
    """A mapping of at most ``maxsize`` entries; the least recently used goes first."""

    __slots__ = ("maxsize", "_data")

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, default: Any = None) -> Any:
        data = self._data
        try:
            value = data[key]
        except KeyError:
            return default
        data.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        data = self._data
        data[key] = value
        data.move_to_end(key)
        if len(data) > self.maxsize:
            data.popitem(last=False)

    def keys(self):
        return self._data.keys()

    def clear(self) -> None:
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._data
