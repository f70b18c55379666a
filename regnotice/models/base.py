"""The base of every model: frozen, extra keys forbidden, and trusted constructors for
what the parser built and for data a model dumped (:func:`load_trusted`).

The models' validators and serializers are built on first use (``defer_build``), not
when the classes are defined: building them for the 50 models takes some 40 ms, and a
verb that validates nothing (``check`` against the bundled rules, which it loads with
:func:`load_trusted`) should not pay it at its start. A model used is built once, as
before, on its first validation or dump.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Callable, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict

__all__ = ["_Frozen", "build", "builder", "load_trusted"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    @classmethod
    def trusted(cls, **fields):
        """Build an instance from fields the parser produced, without validation.

        ``model_construct`` costs about 3 us a node; a notice has some 500 nodes. This
        does only what ``model_construct`` does when every field is given, so every
        field must be given (defaults included).
        """
        return build(cls, fields)


_new = object.__new__
_set = object.__setattr__


def build(cls: type, fields: dict):
    """``cls.trusted(**fields)`` without the keyword packing, for the parser's hot loops.
    ``fields`` becomes the instance's ``__dict__``: pass a fresh dict holding every field.

    Every instance of a class built here shares one set of field names: all fields are
    given, and pydantic never changes the set of a frozen model in place (``model_copy``
    copies it first). A notice's 500 nodes are then 500 sets fewer to allocate.
    """
    obj = _new(cls)
    _set(obj, "__dict__", fields)
    try:
        names = _ALL_FIELDS[cls]
    except KeyError:
        names = _ALL_FIELDS[cls] = set(cls.model_fields)
    _set(obj, "__pydantic_fields_set__", names)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


_ALL_FIELDS: dict[type, set] = {}


def builder(cls: type):
    """A :func:`build` for one class, with its field-name set looked up once: for loops
    that build many instances of it."""
    names = _ALL_FIELDS.setdefault(cls, set(cls.model_fields))

    def make(fields: dict):
        obj = _new(cls)
        _set(obj, "__dict__", fields)
        _set(obj, "__pydantic_fields_set__", names)
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj

    return make


def load_trusted(cls: type, data: dict):
    """A ``cls`` from the JSON data of one (``json.loads`` of its ``model_dump_json``),
    without validation: what ``cls.model_validate(data)`` gives for such data (a test
    holds the two equal on the bundled rules). It takes as long as validating (a
    millisecond for the bundled rules) but builds no validator: some 30 ms of a cold
    process. Lists become tuples, mappings the models their fields name (a
    discriminated union by its discriminator, ``kind``); a key left out takes its
    default. Only for data a model dumped: nothing is checked."""
    return _loader(cls)(data)


_LOADERS: dict[type, Callable[[dict], Any]] = {}
_SCALARS = (str, int, float, bool, type(None))


def _loader(cls: type) -> Callable[[dict], Any]:
    found = _LOADERS.get(cls)
    if found is not None:
        return found
    make = builder(cls)
    plan: list[tuple[str, Callable | None, Any]] = []

    def load(data: dict):
        fields = {}
        for name, convert, default in plan:
            if name in data:
                value = data[name]
                fields[name] = value if convert is None or value is None else convert(value)
            else:
                fields[name] = default()
        return make(fields)

    _LOADERS[cls] = load  # before the plan: a model may (one day) name itself
    for name, info in cls.model_fields.items():
        plan.append((name, _converter(info.annotation, f"{cls.__name__}.{name}"), lambda info=info: info.get_default(call_default_factory=True)))
    return load


def _converter(annotation: Any, where: str) -> Callable | None:
    """How JSON data becomes a value of ``annotation``; ``None``: as it is."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _converter(get_args(annotation)[0], where)
    if origin is Union or origin is types.UnionType:
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _converter(args[0], where)  # None passes as it is
        if all(isinstance(a, type) and issubclass(a, BaseModel) and "kind" in a.model_fields for a in args):
            by_kind = {a.model_fields["kind"].default: a for a in args}
            return lambda value: _loader(by_kind[value["kind"]])(value)
    elif origin is tuple:
        args = get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis:
            inner = _converter(args[0], where)
            return tuple if inner is None else (lambda value: tuple(map(inner, value)))
    elif origin is Literal:
        return None
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return lambda value: _loader(annotation)(value)
    elif annotation in _SCALARS:
        return None
    raise TypeError(f"load_trusted: cannot load {where}: {annotation!r}")
