"""The lexicon: actions, objects, territory, qualifiers and conditions, loaded from
``lexicon.yaml`` (data, shipped in the wheel beside ``agencies.yaml``).

Every concept has an id, a label, synonyms and parents. Phrases are compared through
the Snowball English stemmer with the lexicon's own inflections, so every inflection of a
synonym names the concept:

>>> lex = lexicon()
>>> [lex.resolve("actions", p) for p in ("open accounts", "opening of an account", "account-opening")]
['account-opening', 'account-opening', 'account-opening']
>>> lex.resolve("actions", "sold"), lex.resolve("objects", "RMB stablecoins")
('sale', 'rmb-pegged-stablecoin')
>>> lex.is_a("objects", "rmb-pegged-stablecoin", "virtual-currency")
True
>>> lex.is_a("actions", "service", "account-opening")   # "provide services" is not "account opening"
False
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import RuleFileError
from .lineage import ancestors
from .phrases import Match, PhraseMatcher, Word, words
from .resources import digest
from .suggest import hint
from .yamlio import load_yaml_node, read_yaml_text

__all__ = ["Concept", "Lexicon", "lexicon", "load_lexicon", "lexicon_schema", "sources_digest", "stemmer_digest", "SECTIONS", "LIGHT", "LEXICON_FILE", "PREBUILT_FILE"]

LEXICON_FILE = Path(__file__).resolve().parent / "lexicon.yaml"
#: The bundled lexicon as checked, in JSON, with the normal forms of every word of it and
#: of the registry, prebuilt by ``regnotice index`` (see :func:`lexicon`).
PREBUILT_FILE = Path(__file__).resolve().parent / "lexicon_prebuilt.json"

# The models' validators are built on first use (``defer_build``): the bundled lexicon is
# read from its prebuilt JSON and validates nothing; a lexicon read from YAML builds them.
SECTIONS = ("actions", "objects", "territory", "qualifiers", "conditions")
#: The kind under which the matcher finds an action's light verbs (see ``lexicon.yaml``).
LIGHT = "light"


class Concept(BaseModel):
    """One concept of the lexicon."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str
    kind: str
    label: str
    synonyms: tuple[str, ...] = ()
    light: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    flag: bool = False
    lacks: Union[str, None] = None
    note: Union[str, None] = None

    @property
    def phrases(self) -> tuple[str, ...]:
        return (self.id.replace("-", " "), self.label, *self.synonyms)


class _ConceptBody(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    label: str = Field(min_length=1)
    synonyms: list[str] = Field(default_factory=list)
    light: list[str] = Field(default_factory=list, description="light verbs naming the concept only beside no more specific one")
    parents: list[str] = Field(default_factory=list)
    flag: bool = Field(False, description="a qualifier an activity must carry as a flag for a rule that names it to reach it")
    lacks: Union[str, None] = Field(None, description="a condition id the qualifier says is lacking")
    note: Union[str, None] = None


class _LexiconFile(BaseModel):
    """The shape of ``lexicon.yaml``."""

    model_config = ConfigDict(extra="forbid", title="regnotice lexicon", defer_build=True)

    inflections: dict[str, str] = Field(default_factory=dict, description="word -> the base word it inflects")
    unstemmed: list[str] = Field(default_factory=list, description="words compared as written, not stemmed")
    function_words: list[str] = Field(default_factory=list, description="words describe() neither reads nor reports")
    actions: dict[str, _ConceptBody] = Field(default_factory=dict)
    objects: dict[str, _ConceptBody] = Field(default_factory=dict)
    territory: dict[str, _ConceptBody] = Field(default_factory=dict)
    qualifiers: dict[str, _ConceptBody] = Field(default_factory=dict)
    conditions: dict[str, _ConceptBody] = Field(default_factory=dict)


def lexicon_schema() -> dict:
    """The JSON Schema of a lexicon file (``regnotice schema --lexicon``)."""
    schema = _LexiconFile.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:regnotice:schema:lexicon", **schema}


class _Normaliser:
    """Lower case, the lexicon's inflections, then the Snowball stem (memoised, bounded).

    ``stems`` fills the memo beforehand (word -> normal form, as this normaliser makes
    them): the stemmer is imported on the first word it lacks. Importing it and stemming
    the vocabulary's 900 words take some 50 ms, most of a cold ``check``."""

    def __init__(self, inflections: dict[str, str], unstemmed: Iterable[str] = (), stems: Mapping[str, str] | None = None) -> None:
        self._stemmer = None
        self.inflections = {k.lower(): v.lower() for k, v in inflections.items()}
        self.unstemmed = frozenset(w.lower() for w in unstemmed)
        self.memo: dict[str, str] = dict(stems) if stems else {}

    def _stem(self, word: str) -> str:
        if self._stemmer is None:
            import snowballstemmer

            self._stemmer = snowballstemmer.stemmer("english").stemWord
        return self._stemmer(word)

    def __call__(self, word: str) -> str:
        try:
            return self.memo[word]
        except KeyError:
            pass
        low = word.lower().replace("’", "'")
        base = self.inflections.get(low, low)
        norm = self._stem(base) if base.isascii() and len(base) < 40 and base not in self.unstemmed else base
        if len(self.memo) < 200_000 and len(word) <= 64:  # bounded: a hostile 10 MB "word" is not kept
            self.memo[word] = norm
        return norm


class Lexicon:
    """The concepts by section and id, their parent links, and one phrase matcher over
    every phrase of every concept."""

    def __init__(
        self, concepts: dict[str, dict[str, Concept]], inflections: dict[str, str], source: str = "<lexicon>", unstemmed: Iterable[str] = (),
        function_words: Iterable[str] = (), stems: Mapping[str, str] | None = None,
        keys: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        unstemmed, function_words = list(unstemmed), list(function_words)
        self.source = source
        self.concepts = concepts
        self._inputs = {"inflections": dict(inflections), "unstemmed": unstemmed, "function_words": function_words}
        self.normalise = _Normaliser(inflections, unstemmed, stems)
        #: the phrase keys of this normaliser (see :class:`PhraseMatcher`): prebuilt ones
        #: (with the stems), and those of every matcher built with it (the reader's too)
        self.phrase_keys: dict[str, tuple[str, ...]] = dict(keys) if keys else {}
        self.function_words = frozenset(self.normalise(w) for w in function_words)
        self._ancestors: dict[tuple[str, str], tuple[str, ...]] = {}
        self._lineage: dict[tuple[str, str], frozenset[str]] = {}
        entries = [(p, kind, c.id) for kind, section in concepts.items() for c in section.values() for p in c.phrases]
        entries += [(p, LIGHT, c.id) for kind, section in concepts.items() for c in section.values() for p in c.light]
        try:
            self.matcher = PhraseMatcher(entries, self.normalise, self.phrase_keys)
        except ValueError as exc:
            raise RuleFileError(f"{source}: {exc}") from None
        for kind, section in concepts.items():
            for concept in section.values():
                for parent in concept.parents:
                    if parent not in section:
                        raise RuleFileError(f"{source}: {kind}.{concept.id}: unknown parent {parent!r}{hint(parent, section)}")
            for ident in section:
                self.ancestors(kind, ident)  # raises on a cycle
            for concept in section.values():
                if concept.lacks is not None and concept.lacks not in concepts.get("conditions", {}):
                    raise RuleFileError(f"{source}: {kind}.{concept.id}: lacks names no condition: {concept.lacks!r}")

    def __contains__(self, item: tuple[str, str]) -> bool:
        kind, ident = item
        return ident in self.concepts.get(kind, {})

    def ids(self, kind: str) -> tuple[str, ...]:
        return tuple(self.concepts[kind])

    def get(self, kind: str, ident: str) -> Concept:
        return self.concepts[kind][ident]

    def label(self, kind: str, ident: str) -> str:
        concept = self.concepts.get(kind, {}).get(ident)
        return concept.label if concept else ident

    def ancestors(self, kind: str, ident: str) -> tuple[str, ...]:
        """Every concept ``ident`` is a kind of, nearest first (itself excluded)."""
        key = (kind, ident)
        found = self._ancestors.get(key)
        if found is not None:
            return found
        section = self.concepts[kind]
        try:
            out = ancestors(lambda c: section[c].parents, ident, f"{kind} concept")
        except RuleFileError as exc:
            raise RuleFileError(f"{self.source}: {exc}") from None
        found = self._ancestors[key] = out
        return found

    def is_a(self, kind: str, ident: str, other: str) -> bool:
        """Whether a rule on ``other`` binds ``ident`` (the same concept or an ancestor)."""
        return ident == other or other in self.ancestors(kind, ident)

    def common(self, kind: str, idents) -> str | None:
        """The nearest concept every one of ``idents`` is a kind of (one of them, if the
        others are kinds of it), or None."""
        idents = list(idents)
        for candidate in (idents[0], *self.ancestors(kind, idents[0])):
            if all(self.is_a(kind, other, candidate) for other in idents):
                return candidate
        return None

    def lineage(self, kind: str, ident: str) -> frozenset[str]:
        """``ident`` and every concept it is a kind of (memoised)."""
        key = (kind, ident)
        found = self._lineage.get(key)
        if found is None:
            found = self._lineage[key] = frozenset((ident, *self.ancestors(kind, ident)))
        return found

    def resolve(self, kind: str, phrase: str) -> str | None:
        """The id of the concept of ``kind`` that the whole phrase names (an id, a label,
        a synonym or an inflection of one), or None."""
        if phrase in self.concepts.get(kind, {}):
            return phrase
        found = self.matcher.lookup(phrase, kind)
        if found is None and kind == "actions":
            found = self.matcher.lookup(phrase, LIGHT)
        return found

    def find(self, text: str, kinds: Iterable[str] | None = None, ws: list[Word] | None = None) -> list[Match]:
        """The concepts ``text`` names, with their spans (see :class:`PhraseMatcher`)."""
        return self.matcher.find(text, kinds, ws)

    def words(self, text: str) -> list[Word]:
        return words(text, self.normalise)

    def phrases(self, kind: str) -> list[str]:
        """Every phrase that names a concept of ``kind``, for "did you mean"."""
        return sorted({p for c in self.concepts[kind].values() for p in (c.label, *c.synonyms, *c.light)} | set(self.concepts[kind]))

    def to_data(self) -> dict:
        """What the lexicon was built from, as JSON data (what :func:`lexicon` rebuilds
        the bundled one from): its inflections, unstemmed and function words, and its
        concepts by section."""
        return {
            **self._inputs,
            "concepts": {kind: {i: c.model_dump(mode="json") for i, c in section.items()} for kind, section in self.concepts.items()},
        }


def _line_of(node, *keys: str) -> int | None:
    """The 1-based line of a nested key in a YAML node tree, when it can be found."""
    import yaml

    line = None
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return line
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                line, node = k.start_mark.line + 1, v
                break
        else:
            return line
    return line


#: The most problems of a lexicon file listed; the others are counted.
_MAX_PROBLEMS = 100


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Load and check a lexicon file (the bundled one by default)."""
    path = Path(path) if path else LEXICON_FILE
    data, root = load_yaml_node(read_yaml_text(path), str(path))  # read and composed once
    if not isinstance(data, dict):
        raise RuleFileError(f"{path}:1: expected a mapping with the keys inflections, {', '.join(SECTIONS)}")
    try:
        checked = _LexiconFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        errors = exc.errors(include_url=False)
        for err in errors[:_MAX_PROBLEMS]:
            loc = tuple(str(x) for x in err["loc"])
            line = _line_of(root, *loc)
            if err["type"] == "extra_forbidden":
                allowed = ", ".join(_ConceptBody.model_fields) if len(loc) >= 3 else ", ".join(_LexiconFile.model_fields)
                what = f"unknown key (allowed keys: {allowed})"
            else:
                what = err["msg"]
            problems.append(f"{path}:{line or 1}: {'.'.join(loc)[:200]}: {str(what)[:200]}")
        if len(errors) > _MAX_PROBLEMS:
            problems.append(f"{path}: ... and {len(errors) - _MAX_PROBLEMS:,} more problems")
        raise RuleFileError("\n".join(problems)) from None
    concepts: dict[str, dict[str, Concept]] = {}
    for kind in SECTIONS:
        section = getattr(checked, kind)
        concepts[kind] = {
            ident: Concept(id=ident, kind=kind, label=body.label, synonyms=tuple(body.synonyms), light=tuple(body.light), parents=tuple(body.parents), flag=body.flag, lacks=body.lacks, note=body.note)
            for ident, body in section.items()
        }
    try:
        return Lexicon(concepts, checked.inflections, str(path), checked.unstemmed, checked.function_words)
    except RuleFileError as exc:
        # name the line of the concept the message is about, when it names one
        msg = str(exc)
        for kind, section in concepts.items():
            for ident in section:
                if f"{kind}.{ident}" in msg or f"{ident!r}" in msg:
                    line = _line_of(root, kind, ident)
                    if line:
                        raise RuleFileError(msg.replace(f"{path}:", f"{path}:{line}:", 1)) from None
        raise


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The bundled lexicon, loaded once per process: from its prebuilt JSON
    (:data:`PREBUILT_FILE`) while ``lexicon.yaml`` and ``agencies.yaml`` are the files it
    was built from, else from ``lexicon.yaml``.

    The prebuilt file also holds the normal form of every word of the lexicon and of the
    registry's spellings, which fill the normaliser's memo (see :class:`_Normaliser`)
    while the stemmer is the one they were made with: importing the stemmer and stemming
    those 900 words, reading the YAML and checking it take some 70 ms, most of a cold
    ``check``. Another release of snowballstemmer, or PyStemmer installed, makes the
    stems stale: the words are then stemmed as they come (the same results, slower)."""
    data = _prebuilt()
    if data is None:
        return load_lexicon()
    try:
        stems = keys = None
        if data.get("stemmer") == stemmer_digest():  # the stems, and the phrase keys made of them, are this stemmer's
            stems = dict(data["stems"])
            keys = {phrase: tuple(key) for phrase, key in data["keys"].items()}
        content = data["lexicon"]
        concepts = {
            kind: {i: Concept.model_construct(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}) for i, fields in section.items()}
            for kind, section in content["concepts"].items()
        }
        inputs = (content["inflections"], content["unstemmed"], content["function_words"])
    except (KeyError, TypeError, AttributeError, ValueError):  # a file of another layout (an older release): read the YAML
        return load_lexicon()
    return Lexicon(concepts, inputs[0], str(LEXICON_FILE), inputs[1], inputs[2], stems, keys)


# ---------------------------------------------------------------------------- prebuilt


def _prebuilt() -> dict | None:
    """The prebuilt file's data, when its sources are the installed files."""
    try:
        with open(PREBUILT_FILE, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):  # missing (a checkout before ``regnotice index``) or unreadable: read the YAML
        return None
    if not isinstance(data, dict) or data.get("sources") != sources_digest():
        return None
    return data


def sources_digest() -> str:
    """A digest of ``lexicon.yaml`` and ``agencies.yaml``: the sources of the prebuilt file."""
    from .agencies import REGISTRY_FILE

    return digest((LEXICON_FILE, REGISTRY_FILE))


def stemmer_digest() -> str:
    """A digest of the code that stems: PyStemmer's extension where it is installed
    (snowballstemmer then uses it), else snowballstemmer's English stemmer; found
    without importing either (importing snowballstemmer loads its 30 languages)."""
    from importlib.util import find_spec

    spec = find_spec("Stemmer")
    if spec is not None and spec.origin:
        return "PyStemmer " + digest((Path(spec.origin),))
    spec = find_spec("snowballstemmer")
    if spec is None or not spec.origin:
        return "none"
    folder = Path(spec.origin).parent
    return "snowballstemmer " + digest(folder / name for name in ("__init__.py", "among.py", "basestemmer.py", "english_stemmer.py"))
