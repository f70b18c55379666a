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

Loading is strict: duplicate keys, duplicate rule ids and YAML syntax errors name
``file:line``; every schema problem is listed, each with the ``file:line`` of the
offending key, the key, and the keys (or rule kinds) allowed there. Loading is bounded:
a file over :data:`MAX_FILE_BYTES` is refused unread, one of more than
:data:`MAX_NODES` YAML nodes unchecked, the YAML limits of :mod:`regnotice.yamlio`
apply (nesting depth, alias expansion), at most
:data:`MAX_PROBLEMS` problems are listed (then a count of the others), and the work is
linear in the size of the file.

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

import heapq
import json
import os
import re
import types
import typing
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, Union

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from .errors import RuleFileError
from .io import write_files_atomic
from .models import RuleSet
from .collector import gc_paused
from .yamlio import compose_yaml_text, construct_yaml, cut, excerpt, read_yaml_text

__all__ = [
    "MODELINE",
    "SCHEMA_FILE",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "MAX_PROBLEMS",
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

#: The largest rule file read (bytes; a text, in characters): a larger one is refused
#: before it is read or parsed. 5 MB: 65 times the bundled notice's rules (77 kB), and
#: a checking time of seconds even for a file that is all problems (YAML is read at
#: about 2 MB a second).
MAX_FILE_BYTES = 5_000_000
#: The most YAML nodes (keys, values, items; aliases expanded) of a rule file: 400,000,
#: about what 5 MB of rules hold (the bundled notice's have 5,788), so that a file of
#: tiny nodes (``[1,1,1,...``) cannot hold millions.
MAX_NODES = 400_000
#: The most lines of problems for one file: beyond it, the first ``MAX_PROBLEMS - 1``
#: problems (in file order) and one line counting the others,
#: ``file:line: ... and N more problems``.
MAX_PROBLEMS = 100


def load_rules(path: str | Path) -> RuleSet:
    """Read and check a rule file. Raises :class:`~regnotice.errors.RuleFileError`
    listing every problem (at most :data:`MAX_PROBLEMS`, then a count of the others),
    one a line, each starting ``file:line:``."""
    path = _path(path)
    return load_rules_text(_read(path), str(path))


def load_rules_text(text: str, name: str = "<rules>") -> RuleSet:
    """Parse and check rule file text; ``name`` is the file name used in messages."""
    if not isinstance(text, str):
        raise RuleFileError(f"{name}: rule file text must be a str, not {type(text).__name__}")
    ruleset, problems = _check(text, name)
    if problems:
        raise RuleFileError("\n".join(problems))
    assert ruleset is not None
    return ruleset


def validate_files(paths: Iterable[str | Path]) -> list[str]:
    """Every problem of every file, one message each (empty when all are valid; at most
    :data:`MAX_PROBLEMS` a file, then a count of the others)."""
    problems: list[str] = []
    for path in paths:
        try:
            path = _path(path)
            text = _read(path)
        except RuleFileError as exc:
            problems.append(str(exc))
            continue
        problems.extend(_check(text, str(path))[1])
    return problems


def _path(path: Any) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise RuleFileError(f"a rule file is named by a path, not {type(path).__name__}")
    try:
        return Path(path)
    except TypeError:  # a PathLike of bytes
        raise RuleFileError(f"a rule file is named by a str path, not {excerpt(path)}") from None


def _read(path: Path) -> str:
    """The text of a rule file: the one reader of every verb, within
    :data:`MAX_FILE_BYTES`."""
    return read_yaml_text(path, MAX_FILE_BYTES)


def _check(text: str, name: str) -> tuple[RuleSet | None, list[str]]:
    """The rule set, or None and the problems found (at most :data:`MAX_PROBLEMS`, then
    a count). Linear in the size of the text: the YAML is composed once, within the
    limits of :mod:`regnotice.yamlio`, and each mapping is indexed by key once."""
    with gc_paused():
        return _check_text(text, name)


def _check_text(text: str, name: str) -> tuple[RuleSet | None, list[str]]:
    if len(text) > MAX_FILE_BYTES:
        return None, [f"{name}: {len(text):,} characters; a rule file may hold at most {MAX_FILE_BYTES:,}"]
    bad_chars = _bad_characters(text, name)
    if bad_chars:
        return None, bad_chars
    try:
        root = compose_yaml_text(text, name, _COMPOSER, MAX_NODES)
    except RuleFileError as exc:
        return None, [str(exc)]
    keys = _key_problems(root, name)
    if keys:
        return None, keys
    try:
        data = construct_yaml(root, name, _COMPOSER)
    except RuleFileError as exc:
        return None, [str(exc)]
    try:
        ruleset, problems = _validate(data, root, name)
    except RecursionError:  # pragma: no cover - the YAML depth limit keeps data shallow
        return None, [f"{name}: nested too deep to check"]
    if problems:
        return None, problems
    assert ruleset is not None
    return (None, duplicates) if (duplicates := _duplicate_ids(ruleset, root, name)) else (ruleset, [])


#: A rule with more errors than this has its unknown keys counted without pydantic, so
#: that only the errors listed are turned into Python objects (each costs about 1 kB).
_MANY_ERRORS = 1_000


@lru_cache(maxsize=1)
def _rule_adapter() -> TypeAdapter:
    """A validator of one rule (the item type of ``RuleSet.rules``)."""
    return TypeAdapter(typing.get_args(RuleSet.model_fields["rules"].annotation)[0])


def _validate(data: Any, root: yaml.Node | None, name: str) -> tuple[RuleSet | None, list[str]]:
    """The rule set of the data, or None and its problems: the first
    :data:`MAX_PROBLEMS` in file order, each located (one walk, over mappings indexed
    once) and described, the others counted.

    The top level and each rule are validated apart (a file of 400,000 bad rules makes
    400,000 small errors, not one of 400,000 entries), and unknown keys of the top level
    are counted without pydantic; a rule whose errors all come after the last problem
    kept is only counted."""
    found = _Counted()
    index = _Index()
    if not isinstance(data, dict):
        try:
            return RuleSet.model_validate(data), []
        except ValidationError as exc:
            _add_errors(found, exc.errors(include_url=False), (), root, name, index)
            return None, found.messages(name)
    top = _known_keys(found, dict(data), RuleSet, "top level", root, name, index)
    rules = top.get("rules")
    if isinstance(rules, list):
        top["rules"] = ()
    try:
        header = RuleSet.model_validate(top)
    except ValidationError as exc:
        _add_errors(found, exc.errors(include_url=False), (), root, name, index)
    if not isinstance(rules, list):
        return (None, found.messages(name)) if found.total else (header, [])
    found_rules = _lookup(root, "rules", index)
    nodes = found_rules[1].value if found_rules is not None and isinstance(found_rules[1], yaml.SequenceNode) else []
    tags = _shape(typing.get_args(RuleSet.model_fields["rules"].annotation)[0])[1] or {}
    adapter = _rule_adapter()
    checked = []
    for i, item in enumerate(rules):
        try:
            checked.append(adapter.validate_python(item))
            continue
        except ValidationError as exc:
            rule_exc = exc
        node = nodes[i] if i < len(nodes) else None
        start = node.start_mark.line + 1 if node is not None else 1
        if found.full() and start >= found.last_line():  # its errors all come after the last one kept
            found.count(rule_exc.error_count())
            continue
        model = tags.get(item.get("kind")) if isinstance(item, dict) and isinstance(item.get("kind"), str) else None
        if rule_exc.error_count() > _MANY_ERRORS and model is not None:
            item = _known_keys(found, dict(item), model, f"rules[{i}]", node, name, index)
            try:
                adapter.validate_python(item)
                continue
            except ValidationError as exc:
                rule_exc = exc
        _add_errors(found, rule_exc.errors(include_url=False), ("rules", i), root, name, index)
    if found.total:
        return None, found.messages(name)
    return RuleSet.model_validate({**top, "rules": tuple(checked)}), []


def _add_errors(found: _Counted, errors: list[dict], prefix: tuple, root: yaml.Node | None, name: str, index: _Index) -> None:
    for err in errors:
        if prefix:
            err = {**err, "loc": prefix + tuple(err["loc"])}
        line, place = _locate(err, root, index)
        found.add(line, lambda: _describe(err, place, line, name))


def _known_keys(found: _Counted, value: dict, model: type[BaseModel], where: str, node: yaml.Node | None, name: str, index: _Index) -> dict:
    """``value`` without the keys ``model`` does not have, each counted as a problem
    without pydantic (a mapping of a million unknown keys)."""
    fields = model.model_fields
    for key in [k for k in value if k not in fields]:
        del value[key]
        found_key = _lookup(node, key, index)
        line = found_key[0].start_mark.line + 1 if found_key is not None else (node.start_mark.line + 1 if node is not None else 1)
        if isinstance(key, str):
            found.add(line, lambda: f"{name}:{line}: {where}: unknown key {excerpt(key)}; allowed keys: {_keys(model)}")
        else:
            found.add(line, lambda: f"{name}:{line}: {where}: key {excerpt(key)} is not a string; allowed keys: {_keys(model)}")
    return value


def _capped(located: list[tuple[int, str]], name: str, total: int | None = None) -> list[str]:
    """The messages of (line, message) pairs in file order, at most
    :data:`MAX_PROBLEMS` lines (the last counting the problems not listed)."""
    total = len(located) if total is None else total
    if total <= MAX_PROBLEMS:
        return [message for _, message in located]
    keep = MAX_PROBLEMS - 1
    shown = [message for _, message in located[:keep]]
    shown.append(f"{name}:{located[keep][0]}: ... and {total - keep:,} more problems (the first {keep} are listed)")
    return shown


class _Counted:
    """Problems found one by one, in any order: only the :data:`MAX_PROBLEMS` first in
    file order are kept (and only their messages built), the others are counted (a
    file of a million bad keys builds no million messages)."""

    def __init__(self) -> None:
        self.heap: list[tuple[int, int, str]] = []  # (-line, -seq, message): the last kept on top
        self.total = 0

    def add(self, line: int, message: Callable[[], str]) -> None:
        self.total += 1
        item = (-line, -self.total)
        if len(self.heap) < MAX_PROBLEMS:
            heapq.heappush(self.heap, (*item, message()))
        elif item > self.heap[0][:2]:  # earlier in the file than the last one kept
            heapq.heapreplace(self.heap, (*item, message()))

    def full(self) -> bool:
        return len(self.heap) >= MAX_PROBLEMS

    def last_line(self) -> int:
        """The line of the last problem kept (the latest in the file)."""
        return -self.heap[0][0]

    def count(self, n: int) -> None:
        """Count ``n`` problems that come after every one kept."""
        self.total += n

    def messages(self, name: str) -> list[str]:
        kept = sorted(((-line, -seq), message) for line, seq, message in self.heap)
        return _capped([(line, message) for (line, _), message in kept], name, self.total)


#: What the YAML reader refuses (PyYAML's ``Reader.NON_PRINTABLE``).
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _bad_characters(text: str, name: str) -> list[str]:
    """A ``file:line:column`` problem for each character YAML does not allow (the YAML
    reader names only an offset), in one pass over the text."""
    found = _Counted()
    text = text.removeprefix("\ufeff")  # a BOM takes no column
    line, last, line_start = 1, 0, 0
    for match in _NON_PRINTABLE.finditer(text):
        pos = match.start()
        breaks = text.count("\n", last, pos)
        if breaks:
            line += breaks
            line_start = text.rfind("\n", last, pos) + 1
        last = pos
        char = match.group()
        column = pos - line_start + 1
        found.add(line, lambda: f"{name}:{line}:{column}: character {char!r} (#x{ord(char):04x}) is not allowed in YAML")
    return found.messages(name)


def _key_problems(root: yaml.Node | None, name: str) -> list[str]:
    """Every duplicate key and every key that is not a scalar (at most
    :data:`MAX_PROBLEMS`, then a count); duplicates are found by comparing the keys'
    resolved tags and spellings."""
    found = _Counted()
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
                        seen = first[ident]
                        found.add(line, lambda: f"{name}:{line}: duplicate key {excerpt(key.value)} (first at line {seen})")
                    else:
                        first[ident] = line
                else:
                    shape = "a list" if isinstance(key, yaml.SequenceNode) else "a mapping"
                    found.add(line, lambda: f"{name}:{line}: a key must be a string, found {shape}")
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return found.messages(name)


def _duplicate_ids(ruleset: RuleSet, root: yaml.Node | None, name: str) -> list[str]:
    """A problem for each rule whose id an earlier rule has, and for each that gives its
    clause ordinal another marker than an earlier rule does (two clauses of one ordinal),
    naming both lines."""
    first: dict[str, int] = {}
    found = _Counted()
    index = _Index()
    rules = _lookup(root, "rules", index)
    items = rules[1].value if rules is not None and isinstance(rules[1], yaml.SequenceNode) else []

    def line_of(i: int) -> int:
        item = items[i] if i < len(items) else None
        return _key_line(item, "id", index) or (item.start_mark.line + 1 if item is not None else 1)

    marked: dict[int, int] = {}  # clause ordinal -> the first rule that gives it a marker
    for i, rule in enumerate(ruleset.rules):
        j = first.setdefault(rule.id, i)
        if j != i:
            line = line_of(i)
            found.add(line, lambda: f"{name}:{line}: rules[{i}]: duplicate rule id {excerpt(rule.id)} (first at line {line_of(j)}, rules[{j}])")
        if rule.clause == 0:  # the preamble and the closing paragraph share ordinal 0
            continue
        k = marked.setdefault(rule.clause, i)
        other = ruleset.rules[k]
        if other.marker != rule.marker:  # one ordinal, two clauses: a duplicated clause ordinal
            line = line_of(i)
            found.add(
                line,
                lambda: f"{name}:{line}: rules[{i}]: clause {rule.clause} is marked {excerpt(rule.marker)} here but "
                f"{excerpt(other.marker)} at line {line_of(k)} (rules[{k}]); one ordinal names one clause",
            )
    return found.messages(name)


# ----------------------------------------------------------- pydantic errors -> lines


class _Index:
    """The keys of each mapping node, indexed once when first looked up (so that a file
    of many problems is still read in linear time)."""

    def __init__(self) -> None:
        self.tables: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = {}

    def lookup(self, node: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
        table = self.tables.get(id(node))
        if table is None:
            table = self.tables[id(node)] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    table.setdefault(key_node.value, (key_node, value_node))
        return table.get(key)


def _locate(err: dict, root: yaml.Node | None, index: _Index) -> tuple[int, _Place]:
    """The line of one pydantic error, and where its ``loc`` leads."""
    place = _walk(root, err["loc"], index)
    line = place.line
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        disc = str(err.get("ctx", {}).get("discriminator", "'kind'")).strip("'")
        line = _key_line(place.node, disc, index) or line
    return line, place


def _describe(err: dict, place: _Place, line: int, name: str) -> str:
    """The message of one pydantic error, at ``line``, where :func:`_locate` found it."""
    loc = err["loc"]
    kind = err["type"]
    where = (place.parent if kind in ("extra_forbidden", "missing", "invalid_key") else place.path) or "top level"
    where = cut(where, 200)

    if kind == "extra_forbidden":
        what = f"unknown key {excerpt(loc[-1])}; allowed keys: {_keys(place.owner)}"
    elif kind == "missing":
        what = f"missing required key {excerpt(loc[-1])}; required keys: {_keys(place.owner, required=True)}"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        tags = place.tags or {}
        allowed = ", ".join(tags) or str(err.get("ctx", {}).get("expected_tags", ""))[:200]
        disc = str(err.get("ctx", {}).get("discriminator", "'kind'")).strip("'")
        if kind == "union_tag_invalid":
            value = err["input"].get(disc) if isinstance(err.get("input"), dict) else err.get("ctx", {}).get("tag")
            what = f"unknown {disc} {excerpt(value)}; allowed {disc}s: {allowed}"
        else:
            what = f"missing required key {excerpt(disc)}; allowed {disc}s: {allowed}"
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
        what = f"key {excerpt(loc[-1])} is not a string; allowed keys: {_keys(place.owner)}"
    elif kind in ("tuple_type", "list_type"):
        what = f"expected a list, got {_type_name(err.get('input'))}"
    else:
        what = f"{str(err['msg'])[:200]} (got {excerpt(err.get('input'), 60)})"
    return f"{name}:{line}: {where}: {what}"


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


def _walk(root: yaml.Node | None, loc: tuple, index: _Index) -> _Place:
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
        found = _lookup(node, part, index)
        if found is None:
            node = None
        else:
            key, node = found
            place.line = key.start_mark.line + 1
    place.node = node
    place.model, place.tags, _ = _shape(tp)
    return place


_SHAPES: dict[Any, tuple] = {}


def _shape(tp: Any) -> tuple[type[BaseModel] | None, dict[str, type[BaseModel]] | None, Any]:
    """(model, tags of a discriminated union, item type of a tuple or list) of a type;
    each None when it does not apply. ``Optional[X]`` is ``X``. (Memoised: the field
    types of the models are few.)"""
    try:
        return _SHAPES[tp]
    except KeyError:
        found = _SHAPES[tp] = _shape_of(tp)
        return found
    except TypeError:  # an unhashable annotation
        return _shape_of(tp)


def _shape_of(tp: Any) -> tuple[type[BaseModel] | None, dict[str, type[BaseModel]] | None, Any]:
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


def _lookup(node: yaml.Node | None, key: Any, index: _Index) -> tuple[yaml.Node, yaml.Node] | None:
    """The (key, value) nodes of the first ``key`` of a mapping node (indexed once)."""
    if not isinstance(node, yaml.MappingNode):
        return None
    return index.lookup(node, str(key))


def _key_line(node: yaml.Node | None, key: str, index: _Index | None = None) -> int | None:
    found = _lookup(node, key, index or _Index())
    return found[0].start_mark.line + 1 if found else None


def _keys(model: type[BaseModel] | None, required: bool = False) -> str:
    if model is None:
        return "?"
    return ", ".join(n for n, f in model.model_fields.items() if f.is_required() or not required)


_TYPE_NAMES = {dict: "a mapping", list: "a list", str: "a string", int: "an integer", float: "a number", bool: "a boolean"}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return _TYPE_NAMES.get(type(value), type(value).__name__) + (f" ({excerpt(value, 60)})" if isinstance(value, (str, int, float)) else "")


