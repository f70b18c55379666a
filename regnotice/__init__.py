"""regnotice: a regulatory notice as structured, traceable, checkable rules.

>>> import regnotice
>>> notice = regnotice.load()
>>> notice.clause("IX") == notice.clause(9) == notice.clause("（九）")
True
"""

from __future__ import annotations

from ._version import __version__
from .errors import (
    ActivityError,
    ActivityFileError,
    InputError,
    InvalidReference,
    NoticeNotFound,
    NoticeSyntaxError,
    OutputError,
    RegnoticeError,
    RuleFileError,
    ScreenInputError,
    UnknownClause,
    UnknownTerm,
)

__all__ = [
    "load",
    "parse",
    "parse_all",
    "extract",
    "check",
    "describe",
    "load_rules",
    "load_activities",
    "page_text",
    "screen",
    "screen_batch",
    "agencies",
    "RegnoticeError",
    "NoticeSyntaxError",
    "NoticeNotFound",
    "InputError",
    "ScreenInputError",
    "RuleFileError",
    "ActivityFileError",
    "ActivityError",
    "UnknownTerm",
    "UnknownClause",
    "InvalidReference",
    "OutputError",
    "__version__",
]


def parse(text: str, source: str | None = None, *, max_size: int | None = None):
    """Parse a notice, or a whole scraped page (text or HTML) that contains one, into a
    ``Notice``. A text over ``max_size`` characters (default 20 million) is refused."""
    from .parsing import parse as _parse

    return _parse(text, source, max_size=max_size)


def parse_all(text: str, source: str | None = None, *, max_size: int | None = None):
    """Every distinct notice in a page, in order."""
    from .parsing import parse_all as _parse_all

    return _parse_all(text, source, max_size=max_size)


def extract(notice):
    """The typed rules of a notice (a ``RuleSet``): every fact an id of the lexicon or the
    registry, with its span. Extracted once per notice object."""
    from .pipeline import extract as _extract

    return _extract(notice)


def check(rules, activity):
    """The ``Verdict`` for an activity under ``rules``: a ``Notice``, a ``RuleSet`` or the
    path of a rule file. The activity is an ``Activity`` or a mapping of its fields, in
    the words of the rules or the user's own ("bank", "open accounts", "bitcoin").

    >>> import regnotice
    >>> regnotice.check(regnotice.load(), {"actor": "bank", "actions": ["open accounts"], "object": "bitcoin"}).outcome
    'prohibited'
    """
    try:
        impl = _LAZY["check"]
    except KeyError:
        from .pipeline import check as impl

        _LAZY["check"] = impl
    return impl(rules, activity)


def describe(text: str):
    """A plain-language description read into an ``Activity`` (``Described``): what it
    recognised, with spans, the words it did not, and what a check would still need.

    >>> d = describe("A mainland bank opens accounts and moves funds for a cryptocurrency exchange")
    >>> d.activity.actor, d.activity.actions
    ('financial-institution', ('account-opening', 'fund-transfer'))
    """
    try:
        impl = _LAZY["describe"]
    except KeyError:
        from .describing import describe as impl

        _LAZY["describe"] = impl
    return impl(text)


def page_text(html: str, source: str | None = None):
    """The text of a saved HTML page (``PageText``): block elements as lines, scripts and
    navigation dropped, references decoded, and ``html_offset(i)`` mapping each character
    back to the HTML. ``regnotice.parse(html)`` parses this text."""
    from .webpage import page_text as _page_text

    return _page_text(html, source)


def load_activities(path):
    """Read a YAML file of activities (a list, or a mapping with the key ``activities``);
    an ``ActivityFileError`` names file:line and the activity."""
    from .activities import load_activities as _load

    return _load(path)


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


def screen_batch(batch, column: str = "name", field: str = "name", *, screener=None, quotes: bool = False):
    """The hits in the text column ``column`` of a ``pyarrow.RecordBatch``, as a record
    batch with one row per hit (``row``, the row's index, then the hit's term, text,
    span and rule ids; ``quotes=True`` adds each rule's clause, marker and quote). Rows
    a vectorised prefilter rules out are never screened in Python. Needs pyarrow
    (``pip install "regnotice[scale]"``); see :func:`regnotice.screening.screen_batch`."""
    from .screening import screen_batch as impl

    return impl(batch, column, field, screener=screener, quotes=quotes)


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
