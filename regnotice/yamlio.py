"""Strict YAML reading: duplicate keys are errors, and every error names file:line.

Uses libyaml (``CSafeLoader``) when PyYAML was built with it, the pure-Python
``SafeLoader`` otherwise.

>>> load_yaml_text("a: 1\\nb: 2\\n", "x.yaml")
{'a': 1, 'b': 2}
>>> load_yaml_text("a: 1\\na: 2\\n", "x.yaml")
Traceback (most recent call last):
...
regnotice.errors.RuleFileError: x.yaml:2: duplicate key 'a' (first at line 1)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import RuleFileError

__all__ = ["load_yaml", "load_yaml_text"]

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Characters YAML does not allow in a stream (tab, LF and CR are fine).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


class _StrictLoader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader that refuses duplicate mapping keys."""


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise RuleFileError(f"{loader.name_for_errors}:{line}: a key must be a plain value, not {type(key).__name__}")
        if key in seen:
            raise RuleFileError(f"{loader.name_for_errors}:{line}: duplicate key {key!r} (first at line {seen[key]})")
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_text(text: str, name: str = "<yaml>") -> Any:
    """Parse YAML text strictly; ``name`` is the file name used in error messages."""
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise RuleFileError(f"{name}:{line}:{column}: control character {bad.group()!r} is not allowed in YAML")
    loader = _StrictLoader(text)
    loader.name_for_errors = name
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise RuleFileError(f"{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise RuleFileError(f"{name}: {exc}") from None
    finally:
        loader.dispose()


def load_yaml(path: str | Path) -> Any:
    """Read and parse a YAML file strictly."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(f"{path}: cannot read: {exc}") from None
    return load_yaml_text(text, str(path))
