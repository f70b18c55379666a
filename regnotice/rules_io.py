"""Rule files: a :class:`~regnotice.models.RuleSet` as YAML, its JSON Schema, and checks.

A rule file is plain data in the key order of the models, with a modeline on its first
line so that an editor running the YAML language server validates it against the
``schema.json`` written beside it::

    # yaml-language-server: $schema=schema.json
    notice: yinfa-2026-42
    ...

Dumping is deterministic: the same rule set gives the same bytes with libyaml
(``CSafeDumper``) and with the pure-Python ``SafeDumper``. The two emitters differ on
some characters (libyaml escapes characters outside the Basic Multilingual Plane, the
pure-Python emitter writes them raw; the pure-Python emitter writes ``\\x85`` in single
quotes, where it reads back as a line break), so every string holding a character
outside a plainly printable set, or a line break, is written double-quoted, where both
emitters escape it the same way.

Loading is strict: duplicate keys and YAML syntax errors name ``file:line``; every
schema problem is listed, each with the ``file:line`` of the offending key, the key,
and the keys (or rule kinds) allowed there.

>>> from regnotice.models import RuleSet
>>> text = dump_rules(RuleSet(notice="demo-2026-1"))
>>> print(text, end="")
# yaml-language-server: $schema=schema.json
notice: demo-2026-1
number: null
title: null
rules: []
>>> load_rules_text(text, "demo.yaml") == RuleSet(notice="demo-2026-1")
True
>>> load_rules_text("notice: x\\ncolour: red\\n", "demo.yaml")
Traceback (most recent call last):
...
regnotice.errors.RuleFileError: demo.yaml:2: top level: unknown key 'colour'; allowed keys: notice, number, title, rules
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Union

import yaml
from pydantic import BaseModel, ValidationError

from .errors import RuleFileError
from .io import write_files_atomic
from .models import RuleSet
from .yamlio import load_yaml_text

__all__ = [
    "MODELINE",
    "SCHEMA_FILE",
    "dump_rules",
    "load_rules",
    "load_rules_text",
    "rules_schema",
    "dump_schema",
    "write_rules",
    "validate_files",
]

#: The first line of every rule file: tells the YAML language server where the schema is.
MODELINE = "# yaml-language-server: $schema=schema.json"
#: The schema's file name, beside the rule files.
SCHEMA_FILE = "schema.json"

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:regnotice:schema:ruleset"
SCHEMA_TITLE = "regnotice rule set"

#: libyaml's "no line wrapping" (INT_MAX): no scalar is ever folded.
_WIDTH = 2**31 - 1

# ------------------------------------------------------------------------- dumping

#: Characters both emitters print raw: line feed aside, printable ASCII and the BMP
#: minus surrogates, the Unicode line/paragraph separators, the BOM and U+FFFE/U+FFFF.
#: A string with anything else (tabs, CR, NEL, C0/C1 controls, astral characters) or
#: with a line break is forced into double quotes.
_NEEDS_DOUBLE_QUOTES = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if _NEEDS_DOUBLE_QUOTES.search(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _PyDumper(yaml.SafeDumper):
    """The pure-Python safe dumper with the shared string style."""


_PyDumper.add_representer(str, _represent_str)

if hasattr(yaml, "CSafeDumper"):

    class _CDumper(yaml.CSafeDumper):  # type: ignore[misc, valid-type]
        """The libyaml safe dumper with the shared string style."""

    _CDumper.add_representer(str, _represent_str)
    _DUMPER: type = _CDumper
else:  # pragma: no cover - PyYAML built without libyaml
    _DUMPER = _PyDumper

_COMPOSER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def dump_rules(ruleset: RuleSet) -> str:
    """The rule file text of ``ruleset``: the modeline, then the rule set as plain data,
    keys in model order, every field written (defaults too). Deterministic."""
    data = ruleset.model_dump(mode="json", exclude_defaults=False)
    body = yaml.dump(
        data,
        Dumper=_DUMPER,
        sort_keys=False,
        allow_unicode=True,
        width=_WIDTH,
        default_flow_style=False,
        indent=2,
        line_break="\n",
        explicit_start=False,
    )
    return f"{MODELINE}\n{body}"


# ------------------------------------------------------------------------- schema


def rules_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a rule file.

    Pydantic's schema, with ``kind`` made required in every rule: the loader picks a
    rule's model by its ``kind``, so a rule without one never validates.
    """
    schema = RuleSet.model_json_schema()
    defs = schema.get("$defs", {})
    for union in _discriminated_unions(schema):
        prop = union["discriminator"]["propertyName"]
        for ref in union["discriminator"].get("mapping", {}).values():
            required = defs[ref.rsplit("/", 1)[-1]].setdefault("required", [])
            if prop not in required:
                required.append(prop)
    schema.pop("title", None)
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, "title": SCHEMA_TITLE, **schema}


def _discriminated_unions(node: Any) -> Iterable[dict]:
    if isinstance(node, dict):
        if isinstance(node.get("discriminator"), dict):
            yield node
        for value in node.values():
            yield from _discriminated_unions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _discriminated_unions(value)


def dump_schema() -> str:
    """The JSON Schema as deterministic JSON text (2-space indent, trailing newline)."""
    return json.dumps(rules_schema(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------------- writing


def write_rules(ruleset: RuleSet, out_dir: str | Path) -> list[Path]:
    """Write ``<out_dir>/<notice id>.yaml`` and ``<out_dir>/schema.json`` together, whole
    or not at all (see :func:`regnotice.io.write_files_atomic`). Returns the two paths,
    rule file first."""
    name = ruleset.notice
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"notice id {name!r} cannot name a file")
    # one unit: a reader of the directory sees the old pair or the new pair, never a mix
    return write_files_atomic(out_dir, {f"{name}.yaml": dump_rules(ruleset), SCHEMA_FILE: dump_schema()})


# ------------------------------------------------------------------------- loading


def load_rules(path: str | Path) -> RuleSet:
    """Read and check a rule file. Raises :class:`~regnotice.errors.RuleFileError`
    listing every problem, one a line, each starting ``file:line:``."""
    path = Path(path)
    return load_rules_text(_read(path), str(path))


def load_rules_text(text: str, name: str = "<rules>") -> RuleSet:
    """Parse and check rule file text; ``name`` is the file name used in messages."""
    ruleset, problems = _check(text, name)
    if problems:
        raise RuleFileError("\n".join(problems))
    assert ruleset is not None
    return ruleset


def validate_files(paths: Iterable[str | Path]) -> list[str]:
    """Every problem of every file, one message each (empty when all are valid)."""
    problems: list[str] = []
    for path in paths:
        path = Path(path)
        try:
            text = _read(path)
        except RuleFileError as exc:
            problems.append(str(exc))
            continue
        problems.extend(_check(text, str(path))[1])
    return problems


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RuleFileError(f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})") from None
    except OSError as exc:
        raise RuleFileError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _check(text: str, name: str) -> tuple[RuleSet | None, list[str]]:
    """The rule set, or None and the problems found."""
    bad_chars = _bad_characters(text, name)
    if bad_chars:
        return None, bad_chars
    try:
        data = load_yaml_text(text, name)
    except RuleFileError as exc:
        return None, _key_problems(text, name) or [str(exc)]
    except TypeError as exc:  # an unhashable key, such as a list, met by the duplicate check
        return None, _key_problems(text, name) or [f"{name}: {exc}"]
    try:
        return RuleSet.model_validate(data), []
    except ValidationError as exc:
        root = _compose(text)
        located = [_describe(err, root, name) for err in exc.errors(include_url=False)]
        located.sort(key=lambda item: item[0])  # stable: file order, then pydantic's
        return None, [message for _, message in located]


#: What the YAML reader refuses (PyYAML's ``Reader.NON_PRINTABLE``).
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _bad_characters(text: str, name: str) -> list[str]:
    """A ``file:line:column`` problem for each character YAML does not allow (the YAML
    reader names only an offset)."""
    problems = []
    text = text.removeprefix("\ufeff")  # a BOM takes no column
    for match in _NON_PRINTABLE.finditer(text):
        pos = match.start()
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        problems.append(f"{name}:{line}:{column}: character {match.group()!r} (#x{ord(match.group()):04x}) is not allowed in YAML")
    return problems


def _compose(text: str) -> yaml.Node | None:
    return yaml.compose(text, Loader=_COMPOSER)


def _key_problems(text: str, name: str) -> list[str]:
    """Every duplicate key and every key that is not a scalar (the strict loader stops
    at the first). Empty when the text does not compose (a syntax error) or no such key
    is found; duplicates are found by comparing the keys' resolved tags and spellings."""
    try:
        root = _compose(text)
    except yaml.YAMLError:
        return []
    found: list[tuple[int, str]] = []
    stack, seen_nodes = [root], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[tuple[str, str], int] = {}
            for key, value in node.value:
                line = key.start_mark.line + 1
                if isinstance(key, yaml.ScalarNode):
                    ident = (key.tag, key.value)
                    if ident in first:
                        found.append((line, f"{name}:{line}: duplicate key {key.value!r} (first at line {first[ident]})"))
                    else:
                        first[ident] = line
                else:
                    shape = "a list" if isinstance(key, yaml.SequenceNode) else "a mapping"
                    found.append((line, f"{name}:{line}: a key must be a string, found {shape}"))
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return [message for _, message in sorted(found)]


# ----------------------------------------------------------- pydantic errors -> lines


def _describe(err: dict, root: yaml.Node | None, name: str) -> tuple[int, str]:
    """(line, message) for one pydantic error."""
    loc = err["loc"]
    place = _walk(root, loc)
    kind = err["type"]
    where = (place.parent if kind in ("extra_forbidden", "missing", "invalid_key") else place.path) or "top level"
    line = place.line

    if kind == "extra_forbidden":
        what = f"unknown key {loc[-1]!r}; allowed keys: {_keys(place.owner)}"
    elif kind == "missing":
        what = f"missing required key {loc[-1]!r}; required keys: {_keys(place.owner, required=True)}"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        tags = place.tags or {}
        allowed = ", ".join(tags) or err.get("ctx", {}).get("expected_tags", "")
        disc = str(err.get("ctx", {}).get("discriminator", "'kind'")).strip("'")
        line = _key_line(place.node, disc) or line
        if kind == "union_tag_invalid":
            value = err["input"].get(disc) if isinstance(err.get("input"), dict) else err.get("ctx", {}).get("tag")
            what = f"unknown {disc} {value!r}; allowed {disc}s: {allowed}"
        else:
            what = f"missing required key {disc!r}; allowed {disc}s: {allowed}"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        got = _type_name(err.get("input"))
        if place.tags:
            what = f"expected a mapping (a rule whose kind is one of {', '.join(place.tags)}), got {got}"
        else:
            keys = _keys(place.model) if place.model is not None else ""
            what = f"expected a mapping{' with keys ' + keys if keys else ''}, got {got}"
        if not loc and err.get("input") is None:
            what = f"the file holds no data; {what}"
    elif kind == "invalid_key":
        what = f"key {loc[-1]!r} is not a string; allowed keys: {_keys(place.owner)}"
    elif kind in ("tuple_type", "list_type"):
        what = f"expected a list, got {_type_name(err.get('input'))}"
    else:
        what = f"{err['msg']} (got {_short(err.get('input'))})"
    return line, f"{name}:{line}: {where}: {what}"


class _Place:
    """Where a pydantic ``loc`` leads in the YAML node tree and in the models."""

    def __init__(self) -> None:
        self.line = 1
        self.node: yaml.Node | None = None
        self.path = ""
        self.parent = ""  # the path before the last key
        self.owner: type[BaseModel] | None = None  # the model whose mapping holds the last key
        self.model: type[BaseModel] | None = None  # the model expected at the end of loc
        self.tags: dict[str, type[BaseModel]] | None = None  # a discriminated union at the end


def _walk(root: yaml.Node | None, loc: tuple) -> _Place:
    """Follow ``loc`` from the root in step through the node tree and the model types.

    A string in ``loc`` is a key of a mapping, an int an index of a sequence; a string
    met where the type is a discriminated union is the tag pydantic inserts (the rule's
    ``kind``), which chooses the model and moves no node. Each step records the line of
    the key or item reached; a key that is missing leaves the line at its mapping.
    """
    place = _Place()
    node, tp = root, RuleSet
    if node is not None:
        place.line = node.start_mark.line + 1
    for part in loc:
        model, tags, item = _shape(tp)
        if tags is not None and isinstance(part, str) and part in tags:
            tp = tags[part]
            continue
        if isinstance(part, int) and model is None:
            place.path += f"[{part}]"
            tp = item
            if isinstance(node, yaml.SequenceNode) and 0 <= part < len(node.value):
                node = node.value[part]
                place.line = node.start_mark.line + 1
            else:
                node = None
            continue
        place.parent = place.path
        place.path += f".{part}" if place.path else str(part)
        place.owner = model
        field = model.model_fields.get(part) if model is not None else None
        tp = field.annotation if field is not None else None
        found = _lookup(node, part)
        if found is None:
            node = None
        else:
            key, node = found
            place.line = key.start_mark.line + 1
    place.node = node
    place.model, place.tags, _ = _shape(tp)
    return place


def _shape(tp: Any) -> tuple[type[BaseModel] | None, dict[str, type[BaseModel]] | None, Any]:
    """(model, tags of a discriminated union, item type of a tuple or list) of a type;
    each None when it does not apply. ``Optional[X]`` is ``X``."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin is Union or origin is getattr(types, "UnionType", None):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(members) == 1:
                tp = members[0]
                continue
            tags = {}
            for member in members:
                kind = getattr(member, "model_fields", {}).get("kind")
                if kind is None or not isinstance(kind.default, str):
                    return None, None, None
                tags[kind.default] = member
            return None, tags, None
        if origin in (tuple, list):
            args = typing.get_args(tp)
            return None, None, args[0] if args else None
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return tp, None, None
        return None, None, None


def _lookup(node: yaml.Node | None, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(key):
            return key_node, value_node
    return None


def _key_line(node: yaml.Node | None, key: str) -> int | None:
    found = _lookup(node, key)
    return found[0].start_mark.line + 1 if found else None


def _keys(model: type[BaseModel] | None, required: bool = False) -> str:
    if model is None:
        return "?"
    return ", ".join(n for n, f in model.model_fields.items() if f.is_required() or not required)


_TYPE_NAMES = {dict: "a mapping", list: "a list", str: "a string", int: "an integer", float: "a number", bool: "a boolean"}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return _TYPE_NAMES.get(type(value), type(value).__name__) + (f" ({_short(value)})" if isinstance(value, (str, int, float)) else "")


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
