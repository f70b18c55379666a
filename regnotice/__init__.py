"""regnotice: a regulatory notice as structured, traceable, checkable rules.

>>> import regnotice
>>> notice = regnotice.load()
>>> notice.clause("IX") == notice.clause(9) == notice.clause("（九）")
True
"""

from __future__ import annotations

from .errors import InvalidReference, NoticeNotFound, NoticeSyntaxError, RegnoticeError, UnknownClause

__all__ = [
    "load",
    "parse",
    "parse_all",
    "load_rules",
    "screen",
    "agencies",
    "RegnoticeError",
    "NoticeSyntaxError",
    "NoticeNotFound",
    "UnknownClause",
    "InvalidReference",
    "__version__",
]

__version__ = "0.1.0"


def parse(text: str, source: str | None = None):
    """Parse a notice, or a whole scraped page that contains one, into a ``Notice``."""
    from .parsing import parse as _parse

    return _parse(text, source)


def parse_all(text: str, source: str | None = None):
    """Every distinct notice in a page, in order."""
    from .parsing import parse_all as _parse_all

    return _parse_all(text, source)


def load_rules(path):
    """Read and check a rule file (YAML) into a ``RuleSet``; a ``RuleFileError`` lists
    every problem, each with its ``file:line``."""
    from .rules_io import load_rules as _load_rules

    return _load_rules(path)


def screen(text: str, field: str = "name"):
    """The hits of the clause (8) terms ("virtual currency", "stablecoin", "RWA", ...) in
    ``text``: a company ``name``, a ``business_scope`` or an ``ad``. Each hit has the
    term, its position and the rule it cites; ``()`` when the text is clean.
    """
    try:
        impl = _LAZY["screen"]
    except KeyError:  # the first call imports the screener (kept out of `import regnotice`)
        from .screening import screen as impl

        _LAZY["screen"] = impl
    return impl(text, field)


# Functions imported on first use, kept for the calls after it (screening is called once
# per name, millions of times: an import statement per call would cost a tenth of it).
_LAZY: dict = {}


def load():
    """The bundled notice, Yinfa [2026] No. 42, parsed from its bundled seed page.

    Works offline from any directory after ``pip install``; parsed once per process.
    """
    from .bundled import bundled_notice

    return bundled_notice()


def __getattr__(name: str):
    """``regnotice.agencies``: the registry of agencies and parties (imported on first use,
    so that ``import regnotice`` stays light)."""
    if name == "agencies":
        import importlib

        return importlib.import_module(".agencies", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
