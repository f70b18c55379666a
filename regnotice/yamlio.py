"""Strict, bounded YAML reading: duplicate keys are errors, every error names file:line,
and no input can make the reader build something big.

Uses libyaml's parser (``CSafeLoader``) when PyYAML was built with it, the pure-Python
``SafeLoader`` otherwise. The node tree is composed here, from the parser's events, in
one loop (no recursion), with three limits checked before anything is built from the
nodes:

- :data:`MAX_FILE_BYTES`: a file (or text) larger than this is refused unread;
- :data:`MAX_DEPTH`: mappings and sequences nested deeper than this are refused (an
  alias counts the depth of what it names);
- :data:`MAX_ALIAS_NODES`: aliases may stand for at most this many nodes in all, each
  alias counting every node of what it names (so a "billion laughs" alias bomb is
  refused at its first expanding aliases, not after building the structure).

A recursive alias (``&a [*a]``) and a duplicate anchor are errors too. Every message is
built from bounded excerpts (:func:`excerpt`): no message holds a whole value.

>>> load_yaml_text("a: 1\\nb: 2\\n", "x.yaml")
{'a': 1, 'b': 2}
>>> load_yaml_text("a: 1\\na: 2\\n", "x.yaml")
Traceback (most recent call last):
...
regnotice.errors.RuleFileError: x.yaml:2: duplicate key 'a' (first at line 1)
>>> load_yaml_text("a: " + "[" * 100 + "]" * 100, "deep.yaml")
Traceback (most recent call last):
...
regnotice.errors.RuleFileError: deep.yaml:1:67: mappings and sequences nested more than 64 deep (the limit)
"""

from __future__ import annotations

import os
import re
import reprlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .collector import gc_paused
from .errors import RuleFileError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_DEPTH",
    "MAX_ALIAS_NODES",
    "load_yaml",
    "load_yaml_text",
    "load_yaml_node",
    "compose_yaml_text",
    "construct_yaml",
    "read_yaml_text",
    "excerpt",
    "cut",
]

#: The largest YAML file (in bytes; for a text, in characters) that is read at all.
MAX_FILE_BYTES = 20_000_000
#: The deepest nesting of mappings and sequences allowed.
MAX_DEPTH = 64
#: The most nodes that aliases may stand for in one document, all aliases together.
MAX_ALIAS_NODES = 10_000
#: The longest excerpt of a value an error message quotes.
EXCERPT = 80

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Characters YAML does not allow in a stream (tab, LF and CR are fine).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = EXCERPT
_REPR.maxlevel = 3
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = _REPR.maxfrozenset = 4


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """A bounded ``repr`` of ``value``: at most ``limit`` characters, built without
    walking more than a few items of a collection (safe on a huge or shared structure)."""
    try:
        text = _REPR.repr(value)
    except Exception:  # a value whose repr fails
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _construct_mapping(loader: Any, node: MappingNode):
    """A mapping, filled after its parent is built (a generator, as PyYAML's own: no
    recursion per level), refusing duplicate keys and keys that are not plain values.
    (A merge key, ``<<``, is refused: no constructor takes its tag.)"""
    data: dict = {}
    yield data
    construct = loader.construct_object
    seen: dict[Any, int] = {}
    for key_node, value_node in node.value:
        key = construct(key_node, deep=False)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            line = key_node.start_mark.line + 1
            raise RuleFileError(f"{loader.name_for_errors}:{line}: a key must be a plain value, not {type(key).__name__}")
        if key in seen:
            line = key_node.start_mark.line + 1
            raise RuleFileError(f"{loader.name_for_errors}:{line}: duplicate key {excerpt(key)} (first at line {seen[key]})")
        seen[key] = key_node.start_mark.line + 1
        data[key] = construct(value_node, deep=False)


def _construct_object(loader: Any, node: Node, deep: bool = False) -> Any:
    """PyYAML's ``construct_object``, with a value no constructor can read (an integer
    of 100,000 digits, the 45th of a month) a located :class:`RuleFileError`."""
    try:
        return loader._construct(node, deep=deep)
    except (RuleFileError, yaml.YAMLError):
        raise
    except (ValueError, TypeError, OverflowError, ArithmeticError) as exc:
        raise RuleFileError(f"{_where(loader.name_for_errors, node.start_mark)}: cannot read {excerpt(node.value) if isinstance(node, ScalarNode) else 'the value'}: {str(exc)[:200]}") from None


@lru_cache(maxsize=None)
def _strict(base: type) -> type:
    """A subclass of the loader ``base`` that refuses duplicate mapping keys."""
    cls = type(
        f"_Strict{base.__name__}",
        (base,),
        {"__doc__": "A safe loader that refuses duplicate mapping keys.", "_construct": base.construct_object, "construct_object": _construct_object},
    )
    cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return cls


def cut(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters, "..." marking the cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _where(name: str, mark: Any) -> str:
    return f"{name}:{mark.line + 1}:{mark.column + 1}" if mark is not None else name


def _yaml_error(exc: yaml.YAMLError, name: str) -> RuleFileError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context
        return RuleFileError(f"{_where(name, mark)}: {str(what)[:200]}")
    return RuleFileError(f"{name}: {str(exc)[:200]}")


def _check_text(text: str, name: str) -> None:
    if not isinstance(text, str):
        raise RuleFileError(f"{name}: YAML text must be a str, not {type(text).__name__}")
    if len(text) > MAX_FILE_BYTES:
        raise RuleFileError(f"{name}: {len(text):,} characters; a YAML text may hold at most {MAX_FILE_BYTES:,}")
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise RuleFileError(f"{name}:{line}:{column}: control character {bad.group()!r} is not allowed in YAML")


class _Open:
    """A collection being composed."""

    __slots__ = ("node", "items", "mapping", "key", "start", "height")

    def __init__(self, node: Node, mapping: bool, start: int | None) -> None:
        self.node = node
        self.items = node.value
        self.mapping = mapping
        self.key: Node | None = None  # a mapping's key waiting for its value
        self.start = start  # for an anchored node: the count of nodes when it opened
        self.height = 1  # the levels of collections from it down


_STR = "tag:yaml.org,2002:str"


def _compose(loader: Any, name: str, max_nodes: int | None = None) -> Node | None:
    """The root node of the single document of ``loader``'s stream, composed from its
    events in one loop, within :data:`MAX_DEPTH`, :data:`MAX_ALIAS_NODES` and
    ``max_nodes`` (counting every alias expanded), when given.

    ``count`` counts the nodes of the document with every alias expanded: each node
    composed adds one, each alias the size of what it names. The size of an anchored
    node is the count it adds between its start and its end."""
    check, get = loader.check_event, loader.get_event
    resolve = loader.resolve
    get()  # STREAM-START
    if check(StreamEndEvent):
        return None
    get()  # DOCUMENT-START
    anchors: dict[str, Node] = {}
    done: dict[int, tuple[int, int]] = {}  # id(anchored node) -> (size, height), once closed
    stack: list[_Open] = []
    count = 0  # nodes, aliases expanded
    aliased = 0  # nodes reached through aliases
    height = 0  # of the node just composed
    limit = max_nodes if max_nodes is not None else float("inf")
    while True:
        if count >= limit:
            raise RuleFileError(f"{_where(name, loader.peek_event().start_mark)}: more than {max_nodes:,} YAML nodes (the limit of this file)")
        event = get()
        cls = type(event)
        if cls is ScalarEvent:
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(ScalarNode, event.value, event.implicit) if event.implicit[0] else _STR
            node = ScalarNode(tag, event.value, event.start_mark, None, event.style)  # no end mark: half the memory
            count += 1
            height = 0
            if event.anchor is not None:
                _anchor(anchors, event, node, name)
                done[id(node)] = (1, 0)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            if len(stack) >= MAX_DEPTH:
                raise RuleFileError(f"{_where(name, event.start_mark)}: mappings and sequences nested more than {MAX_DEPTH} deep (the limit)")
            kind = MappingNode if cls is MappingStartEvent else SequenceNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(kind, None, event.implicit)
            node = kind(tag, [], event.start_mark, None, event.flow_style)
            count += 1
            if event.anchor is not None:
                _anchor(anchors, event, node, name)
                stack.append(_Open(node, kind is MappingNode, count - 1))
            else:
                stack.append(_Open(node, kind is MappingNode, None))
            continue
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            top = stack.pop()
            node = top.node
            node.end_mark = event.end_mark
            height = top.height
            if top.start is not None:
                done[id(node)] = (count - top.start, height)
        elif cls is AliasEvent:
            node = anchors.get(event.anchor)
            if node is None:
                raise RuleFileError(f"{_where(name, event.start_mark)}: undefined alias *{cut(event.anchor)}")
            found = done.get(id(node))
            if found is None:
                raise RuleFileError(f"{_where(name, event.start_mark)}: alias *{cut(event.anchor)} is inside what it names (a recursive structure)")
            size, height = found
            aliased += size
            if aliased > MAX_ALIAS_NODES:
                raise RuleFileError(
                    f"{_where(name, event.start_mark)}: aliases stand for more than {MAX_ALIAS_NODES:,} nodes (the limit); "
                    f"alias *{cut(event.anchor)} alone stands for {size:,}"
                )
            if len(stack) + height > MAX_DEPTH:
                raise RuleFileError(
                    f"{_where(name, event.start_mark)}: mappings and sequences nested more than {MAX_DEPTH} deep (the limit), "
                    f"through alias *{cut(event.anchor)}"
                )
            count += size
        else:  # pragma: no cover - the parser sends nothing else inside a document
            raise RuleFileError(f"{_where(name, event.start_mark)}: unexpected YAML event {cls.__name__}")
        if not stack:
            root = node
            break
        top = stack[-1]
        if height >= top.height:
            top.height = height + 1
        if top.mapping:
            if top.key is None:
                top.key = node
            else:
                top.items.append((top.key, node))
                top.key = None
        else:
            top.items.append(node)
    get()  # DOCUMENT-END
    if not check(StreamEndEvent):
        event = get()
        raise RuleFileError(f"{_where(name, event.start_mark)}: expected a single document, but found another document")
    get()  # STREAM-END
    return root


def _anchor(anchors: dict[str, Node], event: Any, node: Node, name: str) -> None:
    anchor = event.anchor
    if anchor in anchors:
        first = anchors[anchor].start_mark.line + 1
        raise RuleFileError(f"{_where(name, event.start_mark)}: duplicate anchor &{cut(anchor)} (first at line {first})")
    anchors[anchor] = node


def compose_yaml_text(text: str, name: str = "<yaml>", loader: type | None = None, max_nodes: int | None = None) -> Node | None:
    """The node tree of YAML text (None for an empty stream), within the limits of this
    module and of at most ``max_nodes`` nodes (aliases expanded), when given. ``loader``
    is the PyYAML loader whose parser reads the text (libyaml's by default). Raises
    :class:`RuleFileError` naming ``name:line:column``."""
    _check_text(text, name)
    reader = _strict(loader or _Base)(text)
    try:
        return _compose(reader, name, max_nodes)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, name) from None
    finally:
        reader.dispose()


def construct_yaml(node: Node | None, name: str = "<yaml>", loader: type | None = None) -> Any:
    """The Python data of a node tree from :func:`compose_yaml_text`, strictly:
    duplicate keys and keys that are not plain values are errors."""
    if node is None:
        return None
    builder = _strict(loader or _Base)("")
    builder.name_for_errors = name
    try:
        return builder.construct_document(node)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, name) from None
    except RecursionError:  # pragma: no cover - the depth limit keeps construction shallow
        raise RuleFileError(f"{name}: nested too deep to read") from None
    finally:
        builder.dispose()


def load_yaml_node(text: str, name: str = "<yaml>", loader: type | None = None) -> tuple[Any, Node | None]:
    """The data of YAML text and its node tree (for the lines of what it holds)."""
    with gc_paused():
        node = compose_yaml_text(text, name, loader)
        return construct_yaml(node, name, loader), node


def load_yaml_text(text: str, name: str = "<yaml>") -> Any:
    """Parse YAML text strictly; ``name`` is the file name used in error messages."""
    return load_yaml_node(text, name)[0]


def read_yaml_text(path: str | Path, limit: int = MAX_FILE_BYTES) -> str:
    """The text of a YAML file, read by the one reader of every verb
    (:func:`regnotice.io.read_text`: UTF-8, a BOM dropped, at most ``limit`` bytes, a
    larger file refused unread). Raises :class:`RuleFileError` naming the file."""
    from .errors import InputError
    from .io import read_text

    if not isinstance(path, (str, os.PathLike)):
        raise RuleFileError(f"a YAML file is named by a path, not {type(path).__name__}")
    try:
        return read_text(path, max_bytes=limit, what="a YAML file")
    except InputError as exc:
        raise RuleFileError(str(exc)) from None
    except (TypeError, ValueError) as exc:  # a path of bytes, a NUL in the path
        raise RuleFileError(f"{excerpt(path)}: cannot read: {exc}") from None


def load_yaml(path: str | Path) -> Any:
    """Read and parse a YAML file strictly."""
    return load_yaml_text(read_yaml_text(path), str(path))
