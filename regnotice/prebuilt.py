"""The prebuilt files, built now: what ``regnotice index`` writes and
``regnotice index --check`` compares. See :mod:`regnotice.bundled` for the files built
from the bundled notice and which verb reads each; the two others are the bundled
vocabulary as checked: ``agencies_prebuilt.json`` (:func:`regnotice.agencies.registry`)
and ``lexicon_prebuilt.json``, with the stems of the vocabulary's words
(:func:`regnotice.lexicon.lexicon`).

Every builder starts from the sources (a live parse and extraction of the bundled
notice, the YAML files), never from another prebuilt file, so a test that compares the
files with :func:`prebuilt` proves them fresh.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import agencies, lexicon
from .bundled import RULE_INDEX_FILE, SCREEN_TERMS_FILE, SNAPSHOT_FILE, bundled_notice, live_rules
from .index import INDEX_FILE, build_index, dump_index
from .models import RULE_KINDS, RuleSet
from .reading import Reader
from .report import mentions, summarise
from .resources import digest
from .screening import FIELDS, RuleRef, cited_rules, term_spellings

__all__ = ["prebuilt", "stale_files", "build_rule_index", "build_screen_terms", "build_registry", "build_lexicon"]


def build_rule_index(ruleset: RuleSet) -> dict:
    """What ``regnotice rules`` prints and filters by, per rule in the order of
    ``ruleset``: ``id``, ``kind``, ``clause``, ``mentions`` (the registry ids it names,
    sorted: :func:`regnotice.report.mentions`) and ``summary``
    (:func:`regnotice.report.summarise`); and ``kinds``, every rule kind."""
    return {
        "kinds": list(RULE_KINDS),
        "rules": [
            {"id": r.id, "kind": r.kind, "clause": r.clause, "mentions": sorted(mentions(r)), "summary": summarise(r)} for r in ruleset.rules
        ],
    }


def build_screen_terms(ruleset: RuleSet) -> dict:
    """The inputs of the screeners of ``ruleset``: per field (``name``,
    ``business_scope``, ``ad``) the ``terms`` screened and the rules a hit cites
    (``cite``, each as ``RuleRef.to_dict``: the first is the hit's rule, the others its
    ``also``), found by :func:`regnotice.screening.cited_rules`; and the ``spellings``
    (``terms.yaml``) of those terms, a tuple written as a list."""
    fields, used = {}, set()
    for field in FIELDS:
        rule, cite = cited_rules(ruleset, field)
        fields[field] = {"terms": list(rule.terms), "cite": [RuleRef.of(r).to_dict() for r in cite]}
        used.update(rule.terms)
    spellings = {
        term: {key: list(value) if isinstance(value, tuple) else value for key, value in entry.items()}
        for term, entry in term_spellings().items()
        if term in used
    }
    return {"fields": fields, "spellings": spellings}


def build_registry() -> dict:
    """The content of ``agencies_prebuilt.json``: the bundled registry, read from
    ``agencies.yaml`` and checked now (``Registry.to_data``), and ``source``, the digest of
    that file (the prebuilt file is read only while it matches)."""
    return {"source": digest([agencies.REGISTRY_FILE]), "registry": agencies.load_registry().to_data()}


def build_lexicon() -> dict:
    """The content of ``lexicon_prebuilt.json``: the bundled lexicon, read from
    ``lexicon.yaml`` and checked now (``Lexicon.to_data``); ``stems``, the normal form of
    every word of the lexicon and of the registry's spellings, and ``keys``, the phrase
    key of each of their phrases (what a fresh lexicon holds once a ``Reader`` of both is
    built); and what they depend on: ``sources``, a digest of ``lexicon.yaml`` and
    ``agencies.yaml``, and ``stemmer``, a digest of the stemmer's code (see
    :func:`regnotice.lexicon.lexicon`)."""
    lex = lexicon.load_lexicon()
    Reader(lex, agencies.load_registry())  # normalises every phrase of both
    return {
        "sources": lexicon.sources_digest(),
        "stemmer": lexicon.stemmer_digest(),
        "lexicon": lex.to_data(),
        "stems": dict(sorted(lex.normalise.memo.items())),
        "keys": {phrase: list(key) for phrase, key in sorted(lex.phrase_keys.items())},
    }


def _dump(data: dict, indent: int = 1) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent) + "\n"


def prebuilt() -> dict[Path, str]:
    """Every prebuilt file of the bundled notice and its fresh text."""
    rules = live_rules()
    return {
        INDEX_FILE: dump_index(build_index(bundled_notice())),
        SNAPSHOT_FILE: rules.model_dump_json() + "\n",
        RULE_INDEX_FILE: _dump(build_rule_index(rules)),
        SCREEN_TERMS_FILE: _dump(build_screen_terms(rules)),
        agencies.PREBUILT_FILE: _dump(build_registry()),
        lexicon.PREBUILT_FILE: _dump(build_lexicon()),
    }


def stale_files() -> tuple[list[Path], list[str]]:
    """``(stale, notes)``: the prebuilt files that differ from a fresh build (missing ones
    too), and notes on the others. The stems of ``lexicon_prebuilt.json`` depend on the
    installed stemmer: made with another one (a newer snowballstemmer, PyStemmer), they
    are not used (``lexicon()`` stems the words as they come: the same results, slower),
    so a file that differs only there is not stale but noted."""
    stale, notes = [], []
    for path, text in prebuilt().items():
        try:
            current = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = ""
        if current == text:
            continue
        if path == lexicon.PREBUILT_FILE and _without_stems(current) == _without_stems(text) is not None:
            notes.append(f"{path}: its stems were made with another stemmer than the one installed, so they are not used here (run 'regnotice index' to make them for it)")
            continue
        stale.append(path)
    return stale, notes


def _without_stems(text: str) -> dict | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return {k: v for k, v in data.items() if k not in ("stemmer", "stems", "keys")}
