"""The models: pure data. A model never imports a stage, and never calls one.

- ``tree``: the lossless parse of a notice (:class:`Notice`, :class:`Clause`, :class:`Span`, ...);
- ``rules``: the typed rules extracted from it (:class:`RuleSet`, :class:`Prohibition`,
  :class:`Fact`, ...), the contract a rule file holds;
- ``verdict``: activities, descriptions and the verdicts a check returns.
"""

from __future__ import annotations

from . import rules, tree, verdict
from .base import _ALL_FIELDS, _Frozen, build, builder  # noqa: F401 - the trusted constructor, for the stages
from .rules import *  # noqa: F403
from .tree import *  # noqa: F403
from .verdict import *  # noqa: F403

__all__ = [*tree.__all__, *rules.__all__, *verdict.__all__]
