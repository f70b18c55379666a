"""Activities and verdicts as files: reading a YAML list of activities, and the JSON
Schema of verdicts (``check --format json``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import ActivityError, ActivityFileError, RuleFileError
from .models import Activity, Verdict
from .yamlio import load_yaml

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

    path = Path(path)
    try:
        data = load_yaml(path)
    except RuleFileError as exc:
        raise ActivityFileError(str(exc)) from None
    if isinstance(data, dict) and set(data) == {"activities"}:
        data = data["activities"]
    if not isinstance(data, list):
        raise ActivityFileError(f"{path}: expected a list of activities (or a mapping with the key 'activities')")
    lines = _item_lines(path)
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


def _item_lines(path: Path) -> list[int]:
    """The 1-based line of each item of the file's top-level list."""
    import yaml

    with open(path, encoding="utf-8") as fh:
        node = yaml.compose(fh)
    if isinstance(node, yaml.MappingNode) and node.value:
        node = node.value[0][1]
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]
