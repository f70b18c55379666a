"""The bundled notice (Yinfa [2026] No. 42), parsed once per process from its seed page."""

from __future__ import annotations

from functools import lru_cache

from .models import Notice, RuleSet
from .parsing import parse
from .pipeline import extract
from .resources import BUNDLED_SEED, data_path

__all__ = ["bundled_notice", "bundled_rules", "bundled_text"]


def bundled_text() -> str:
    return data_path(BUNDLED_SEED).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def bundled_notice() -> Notice:
    return parse(bundled_text(), source=BUNDLED_SEED.rsplit("/", 1)[-1])


def bundled_rules() -> RuleSet:
    """The rules of the bundled notice (extracted once: see :mod:`regnotice.pipeline`)."""
    return extract(bundled_notice())
