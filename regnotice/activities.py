"""Activities and verdicts as files: reading a YAML list of activities, and the JSON
Schema of verdicts (``check --format json``).

A file of activities is read as a rule file is: by the one reader of every verb, within
the limits of :mod:`regnotice.yamlio` (size, nesting depth, alias expansion)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from .errors import ActivityError, ActivityFileError, RuleFileError
from .models import Activity, Verdict
from .collector import gc_paused
from .yamlio import excerpt, load_yaml_node, read_yaml_text

__all__ = ["load_activities", "verdict_schema"]


@lru_cache(maxsize=1)
def verdict_schema() -> dict:
    """The JSON Schema of ``Verdict`` (``check --format json``)."""
    schema = Verdict.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:regnotice:schema:verdict", **schema}


def load_activities(path) -> list[Activity]:
    """Read a YAML file of activities: a list, or a mapping with the key ``activities``.

    Every problem is an :class:`ActivityFileError` naming the file, the line and the
    position of the activity; the words are checked by ``check``.
    """
    from ._check.checker import as_activity

    if not isinstance(path, (str, os.PathLike)):
        raise ActivityFileError(f"a file of activities is named by a path, not {type(path).__name__}")
    try:
        path = Path(path)
    except TypeError:  # a PathLike of bytes
        raise ActivityFileError(f"a file of activities is named by a str path, not {excerpt(path)}") from None
    try:
        with gc_paused():
            data, node = load_yaml_node(read_yaml_text(path), str(path))
    except RuleFileError as exc:
        raise ActivityFileError(str(exc)) from None
    if isinstance(data, dict) and set(data) == {"activities"}:
        data = data["activities"]
        node = node.value[0][1] if node is not None else None
    if not isinstance(data, list):
        line = f":{node.start_mark.line + 1}" if node is not None else ""
        raise ActivityFileError(f"{path}{line}: expected a list of activities (or a mapping with the key 'activities')")
    lines = [item.start_mark.line + 1 for item in node.value] if node is not None else []
    out = []
    for i, item in enumerate(data):
        where = f"{path}:{lines[i]}" if i < len(lines) else str(path)
        if not isinstance(item, dict):
            raise ActivityFileError(f"{where}: activity {i + 1} is not a mapping")
        try:
            out.append(as_activity(item))
        except ActivityError as exc:
            raise ActivityFileError(f"{where}: activity {i + 1}: {exc}") from None
    return out
