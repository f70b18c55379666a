"""The bundled notice (Yinfa [2026] No. 42) and its rules.

The notice is parsed once per process from its seed page, when a verb asks for it. Its
rules are read from a snapshot prebuilt beside this module (``bundled_rules.json``,
written by ``regnotice index`` with the clause index): loading it takes milliseconds,
where parsing and extracting the notice take a second in a cold process. A test proves
the snapshot equal to a live parse and extraction, and to ``rules/yinfa-2026-42.yaml``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .models import Notice, RuleSet
from .resources import BUNDLED_SEED, data_path

__all__ = ["bundled_notice", "bundled_rules", "bundled_text", "live_rules", "dump_snapshot", "SNAPSHOT_FILE"]

#: The prebuilt rules of the bundled notice (JSON of its ``RuleSet``).
SNAPSHOT_FILE = Path(__file__).resolve().parent / "bundled_rules.json"


def bundled_text() -> str:
    return data_path(BUNDLED_SEED).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def bundled_notice() -> Notice:
    from .parsing import parse

    return parse(bundled_text(), source=BUNDLED_SEED.rsplit("/", 1)[-1])


@lru_cache(maxsize=1)
def bundled_rules() -> RuleSet:
    """The rules of the bundled notice, from the prebuilt snapshot (a live extraction
    where the snapshot is missing, as in a checkout before ``regnotice index``)."""
    try:
        text = SNAPSHOT_FILE.read_text(encoding="utf-8")
    except FileNotFoundError:
        return live_rules()
    return RuleSet.model_validate_json(text)


def live_rules() -> RuleSet:
    """The rules of the bundled notice, parsed and extracted now (see :mod:`regnotice.pipeline`)."""
    from .pipeline import extract

    return extract(bundled_notice())


def dump_snapshot() -> str:
    """The snapshot file's text: the live rules as JSON."""
    return live_rules().model_dump_json() + "\n"
