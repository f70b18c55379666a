"""The bundled notice (Yinfa [2026] No. 42), its rules, and the files prebuilt from them.

The notice is parsed once per process from its seed page, when a verb asks for it. What
the common verbs need of it is prebuilt beside this module, in JSON that the standard
library reads in a millisecond, where parsing and extracting the notice take a second in
a cold process, and making the rules' pydantic models (their classes and validators)
some 60 ms:

- ``clause_index.json`` (:mod:`regnotice.index`): the clauses, for ``clause``,
  ``clauses`` and ``search``;
- ``bundled_rules.json``: the rules (the JSON of the ``RuleSet``);
- ``rule_index.json``: per rule its id, kind, clause, the registry ids it names and its
  one-line summary, and the rule kinds: ``rules`` of the bundled notice prints from it
  and from the rules' JSON, and builds no model;
- ``screen_terms.json``: per field, the terms screened and the rules a hit cites, and the
  spellings of those terms (``terms.yaml``): ``screen`` builds its screener from it,
  reading neither the rules' models nor YAML for them;
- and, beside them, the bundled vocabulary as checked (``agencies_prebuilt.json``,
  ``lexicon_prebuilt.json``, with the stems of the vocabulary's words): ``check`` reads
  no YAML for it, and neither imports the stemmer nor stems 900 words before its first
  activity (see :func:`regnotice.lexicon.lexicon`).

``regnotice index`` writes them all and ``regnotice index --check`` says which are stale
(:func:`regnotice.prebuilt.prebuilt` builds them). Tests prove each equal to a live parse
and extraction, and the snapshot equal to ``rules/yinfa-2026-42.yaml``. Where a file is
missing (a checkout before ``regnotice index``), its verb takes the slow path: a live
extraction for the snapshot, the rules' models for the rule index and the screening
terms, the YAML files and the stemmer for the vocabulary.

This module imports no model at import time: the verbs that read the JSON files above
never build one.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .resources import BUNDLED_SEED, data_path

if TYPE_CHECKING:  # pragma: no cover
    from .models import Notice, RuleSet

__all__ = [
    "bundled_notice",
    "bundled_rules",
    "bundled_rules_data",
    "bundled_rules_json",
    "bundled_text",
    "live_rules",
    "dump_snapshot",
    "rule_index",
    "screen_terms",
    "SNAPSHOT_FILE",
    "RULE_INDEX_FILE",
    "SCREEN_TERMS_FILE",
]

_HERE = Path(__file__).resolve().parent
#: The prebuilt rules of the bundled notice (JSON of its ``RuleSet``).
SNAPSHOT_FILE = _HERE / "bundled_rules.json"
#: The rules' ids, kinds, clauses, mentions and summaries (see
#: :func:`regnotice.prebuilt.build_rule_index`).
RULE_INDEX_FILE = _HERE / "rule_index.json"
#: What the screeners of the bundled notice are built from (see
#: :func:`regnotice.prebuilt.build_screen_terms`).
SCREEN_TERMS_FILE = _HERE / "screen_terms.json"


def bundled_text() -> str:
    return data_path(BUNDLED_SEED).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def bundled_notice() -> Notice:
    from .parsing import parse

    return parse(bundled_text(), source=BUNDLED_SEED.rsplit("/", 1)[-1])


@lru_cache(maxsize=1)
def bundled_rules() -> RuleSet:
    """The rules of the bundled notice, from the prebuilt snapshot (a live extraction
    where the snapshot is missing, as in a checkout before ``regnotice index``).

    The snapshot is what ``model_dump_json`` of the live rules gives (a test proves it),
    so it is loaded as trusted data (:func:`regnotice.models.base.load_trusted`):
    validating it would first build the validators of every rule model."""
    from .models import RuleSet
    from .models.base import load_trusted

    try:
        data = bundled_rules_data()
    except FileNotFoundError:
        return live_rules()
    return load_trusted(RuleSet, data)


@lru_cache(maxsize=1)
def bundled_rules_json() -> str:
    """The snapshot's text, ``model_dump_json()`` of :func:`bundled_rules` (the checker
    hashes it). A missing snapshot is a ``FileNotFoundError``."""
    return SNAPSHOT_FILE.read_text(encoding="utf-8").removesuffix("\n")


@lru_cache(maxsize=1)
def bundled_rules_data() -> dict:
    """The rules of the bundled notice as plain JSON data, the snapshot read without
    building a model (what ``model_dump(mode="json")`` of :func:`bundled_rules` gives).
    A missing snapshot is a ``FileNotFoundError``."""
    return json.loads(bundled_rules_json())


def live_rules() -> RuleSet:
    """The rules of the bundled notice, parsed and extracted now (see :mod:`regnotice.pipeline`)."""
    from .pipeline import extract

    return extract(bundled_notice())


def dump_snapshot() -> str:
    """The snapshot file's text: the live rules as JSON."""
    return live_rules().model_dump_json() + "\n"


# ---------------------------------------------------------------------------- prebuilt views


@lru_cache(maxsize=1)
def rule_index() -> dict | None:
    """The rule index of the bundled notice (see :func:`regnotice.prebuilt.build_rule_index`),
    or ``None`` where the file is missing (the caller then reads the rules' models)."""
    return _read_json_or_none(RULE_INDEX_FILE)


@lru_cache(maxsize=1)
def screen_terms() -> dict | None:
    """The screening inputs of the bundled notice (see
    :func:`regnotice.prebuilt.build_screen_terms`), or ``None`` where the file is missing
    (the caller then finds them in the rules' models)."""
    return _read_json_or_none(SCREEN_TERMS_FILE)


def _read_json(path: Path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _read_json_or_none(path: Path):
    try:
        return _read_json(path)
    except FileNotFoundError:
        return None
