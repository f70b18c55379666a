"""The models: pure data. A model never imports a stage, and never calls one.

- ``tree``: the lossless parse of a notice (:class:`Notice`, :class:`Clause`, ...);
- ``common``: what the others share (:class:`Span`, :class:`DocNumber`);
- ``rules``: the typed rules extracted from it (:class:`RuleSet`, :class:`Prohibition`,
  :class:`Fact`, ...), the contract a rule file holds;
- ``verdict``: activities, descriptions and the verdicts a check returns.

The tree's classes are made on first use of one of its names (``regnotice.models.Notice``,
``from regnotice.models import Clause``): a verb on rules alone, such as ``check``
against the bundled rules, makes none of them (some 5 ms of its cold start).
"""

from __future__ import annotations

from . import rules, verdict
from .base import _ALL_FIELDS, _Frozen, build, builder  # noqa: F401 - the trusted constructor, for the stages
from .common import *  # noqa: F403
from .rules import *  # noqa: F403
from .verdict import *  # noqa: F403

#: The names of ``tree.__all__`` (a test holds the two equal), loaded by ``__getattr__``.
_TREE = (
    "Span",
    "Gap",
    "Sentence",
    "Paragraph",
    "Marker",
    "Heading",
    "Label",
    "Clause",
    "SectionHeading",
    "Block",
    "Part",
    "DocNumber",
    "Citation",
    "Anomaly",
    "Notice",
)

__all__ = [*_TREE, *rules.__all__, *verdict.__all__]


def __getattr__(name: str):
    """A name of the notice tree (or ``tree`` itself), importing ``tree`` on first use."""
    if name == "tree" or name in _TREE:
        import importlib

        tree = importlib.import_module(".tree", __name__)  # not "from . import tree": that asks this hook again
        globals().update({n: getattr(tree, n) for n in _TREE}, tree=tree)  # found directly from now on
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
