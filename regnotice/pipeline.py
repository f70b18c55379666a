"""The verbs that run stages on models, and the one home of their caches.

``extract(notice) -> RuleSet`` runs the extractor; ``check(rules, activity) -> Verdict``
compiles a rule set once and checks an activity against it, where ``rules`` is a
``Notice``, a ``RuleSet`` or the path of a rule file. Models never call these: a
``Notice`` is data.

The caches hold no strong reference to a user's notice or rule set: each entry is keyed
by the object's ``id()`` and dropped by a ``weakref.finalize`` when the object goes (and
the tables are bounded, least recently used first). A rule file is cached by its path,
size and modification time, so an edited file is read again. Each checker's own memos
are bounded too (see :mod:`regnotice._check.cache`).

>>> import regnotice
>>> rules = extract(regnotice.load())
>>> rules.notice, check(rules, {"actor": "bank", "actions": "custody", "object": "RWA"}).outcome
('yinfa-2026-42', 'conditional')
"""

from __future__ import annotations

import os
import weakref
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ._check.checker import Checker
from .errors import RegnoticeError
from .models import RuleSet, Verdict
from .reading import reader

if TYPE_CHECKING:  # pragma: no cover
    from .models import Notice

__all__ = ["extract", "check", "checker", "rules_of", "clear"]

_LIMIT = 64


class _WeakTable:
    """Values computed from objects, keyed by ``id()``, gone with their object: no strong
    reference to the object is kept, and at most ``limit`` entries (least recently used
    first out; an entry dropped takes its finalizer with it)."""

    def __init__(self, limit: int = _LIMIT) -> None:
        self.limit = limit
        self.entries: OrderedDict[int, tuple[weakref.ref, object, weakref.finalize]] = OrderedDict()

    def get(self, obj, make: Callable):
        key = id(obj)
        entry = self.entries.get(key)
        if entry is not None:
            if entry[0]() is obj:
                self.entries.move_to_end(key)
                return entry[1]
            self._forget(key)  # the entry of an object gone, whose id is reused
        value = make(obj)
        self.entries[key] = (weakref.ref(obj), value, weakref.finalize(obj, self._drop, key))
        while len(self.entries) > self.limit:
            self._forget(next(iter(self.entries)))
        return value

    def _forget(self, key: int) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            entry[2].detach()

    def _drop(self, key: int) -> None:
        entry = self.entries.get(key)
        if entry is not None and entry[0]() is None:  # not an entry of a newer object
            self.entries.pop(key, None)

    def __len__(self) -> int:
        return len(self.entries)

    def clear(self) -> None:
        for key in list(self.entries):
            self._forget(key)


_RULESETS = _WeakTable()  # Notice -> RuleSet
_CHECKERS = _WeakTable()  # RuleSet -> Checker
_FILES: OrderedDict[tuple[str, int, int], RuleSet] = OrderedDict()  # (path, size, mtime) -> RuleSet
_FILE_LIMIT = 8  # rule files kept, least recently used first out


def extract(notice: Notice) -> RuleSet:
    """The rules of a notice, clause by clause, then the closing paragraph (extracted
    once per notice object)."""
    from .models import Notice  # here: a check of a rule set alone makes no class of the notice tree

    if not isinstance(notice, Notice):
        raise RegnoticeError(f"extract() needs a Notice (from regnotice.parse or regnotice.load), not {type(notice).__name__}")
    from ._extract import extract_rules  # imported when a notice is extracted: Lark and the sentence grammar

    return _RULESETS.get(notice, extract_rules)


def rules_of(rules) -> RuleSet:
    """A ``RuleSet`` from a ``Notice``, a ``RuleSet`` or the path of a rule file."""
    if isinstance(rules, RuleSet):
        return rules
    from .models import Notice

    if isinstance(rules, Notice):
        return extract(rules)
    if isinstance(rules, (str, os.PathLike)):
        try:
            path = Path(rules)
        except TypeError:  # a PathLike of bytes
            raise RegnoticeError(f"the path of a rule file is a str, not {type(rules).__name__}") from None
        return _rule_file(path)
    raise RegnoticeError(f"rules must be a Notice, a RuleSet or the path of a rule file, not {type(rules).__name__}")


def _rule_file(path: Path) -> RuleSet:
    from .rules_io import load_rules  # imported for a rule file only: the YAML composer and the schema checks

    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    except (OSError, ValueError, RuntimeError):  # missing, unreadable, a NUL in the path, a symlink loop
        return load_rules(path)  # names the file and the problem
    found = _FILES.get(key)
    if found is None:
        found = _FILES[key] = load_rules(path)
        while len(_FILES) > _FILE_LIMIT:
            _FILES.popitem(last=False)
    else:
        _FILES.move_to_end(key)
    return found


def checker(rules, rules_json: str | None = None) -> Checker:
    """The compiled checker of a rule set (see :func:`rules_of` for what ``rules`` may be).
    ``rules_json``: the rule set's ``model_dump_json()``, when the caller has it (see
    :class:`~regnotice._check.checker.Checker`)."""
    ruleset = rules_of(rules)
    return _CHECKERS.get(ruleset, lambda rs: Checker(rs, reader(), rules_json))


def check(rules, activity) -> Verdict:
    """The verdict for an activity (an ``Activity`` or a mapping of its fields, in the
    words of the rules or the user's own) under a notice's rules."""
    return checker(rules).check(activity)


def clear() -> None:
    """Forget every cached rule set and checker."""
    _RULESETS.clear()
    _CHECKERS.clear()
    _FILES.clear()
