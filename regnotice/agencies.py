"""Registry of agencies and regulated parties, loaded from ``agencies.yaml``.

Agencies have canonical ids, full names, abbreviations and aliases, and successor links
(the CBIRC was succeeded by the NFRA in 2023). Regulated-party types have parent
links: a rule on a parent binds its children.

>>> reg = registry()
>>> reg.resolve("the China Banking and Insurance Regulatory Commission")
'cbirc'
>>> reg.current("cbirc")
'nfra'
>>> reg.resolve("Financial Regulatory Bureau")
'nfra'
>>> reg.is_a("non-bank-payment-institution", "financial-institution")
True
"""

from __future__ import annotations


import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import RuleFileError
from .lineage import ancestors
from .resources import digest
from .yamlio import load_yaml

__all__ = ["Agency", "Party", "Registry", "registry", "load_registry", "normalise", "REGISTRY_FILE", "PREBUILT_FILE"]

REGISTRY_FILE = Path(__file__).resolve().parent / "agencies.yaml"
#: The bundled registry as checked, in JSON, prebuilt by ``regnotice index``: what
#: :func:`registry` reads while ``agencies.yaml`` is unchanged (see :func:`registry`).
PREBUILT_FILE = Path(__file__).resolve().parent / "agencies_prebuilt.json"

# The models' validators are built on first use (``defer_build``): the bundled registry is
# read from its prebuilt JSON and validates nothing; a registry file read from YAML builds
# them then.


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *getattr(self, "abbreviations", ()), *self.aliases)


class Agency(_Entry):
    """A public body: a ministry, a regulator, a court, or a generic kind of department."""

    kind: Literal["agency"] = "agency"
    abbreviations: tuple[str, ...] = ()
    level: Literal["central", "local", "any"]
    successor: Union[str, None] = None
    succeeded_in: Union[int, None] = None
    predecessor: Union[str, None] = None


class Party(_Entry):
    """A type of regulated party, with the types it is a kind of. ``territory`` (a
    lexicon territory id) marks the party that a party qualified by that place is a kind
    of: "an exchange based abroad" is an overseas entity."""

    kind: Literal["party"] = "party"
    parents: tuple[str, ...] = ()
    territory: Union[str, None] = None


class _AgencyBody(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    name: str
    abbreviations: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    level: Literal["central", "local", "any"]
    successor: Union[str, None] = None
    succeeded_in: Union[int, None] = None
    predecessor: Union[str, None] = None


class _PartyBody(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    name: str
    aliases: list[str] = Field(default_factory=list)
    parents: list[str] = Field(default_factory=list)
    territory: Union[str, None] = None


_WORD = re.compile(r"[^\s,;:()]+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def normalise(mention: str) -> str:
    """The form names are compared in: lower case, one space, straight apostrophes,
    no leading "the", no trailing punctuation.

    >>> normalise("  The People’s Bank of China, ")
    "people's bank of china"
    """
    text = " ".join(mention.translate(_APOSTROPHES).replace("\u00ad", "").split()).strip(" ,.;:")  # soft hyphens from Word
    text = text.lower()
    return text[4:] if text.startswith("the ") else text


class Registry:
    """Agencies and parties by id, and a lookup from every spelling to its id."""

    def __init__(self, agencies: dict[str, Agency], parties: dict[str, Party], source: str = "<registry>") -> None:
        self.agencies = agencies
        self.parties = parties
        self.source = source
        self._by_spelling: dict[str, str] = {}
        self._resolved: dict[str, str | None] = {}  # mention as written -> id, memoised
        for entry in (*agencies.values(), *parties.values()):
            for spelling in entry.spellings:
                key = normalise(spelling)
                other = self._by_spelling.get(key)
                if other is not None and other != entry.id:
                    raise RuleFileError(f"{source}: {spelling!r} names both {other!r} and {entry.id!r}")
                self._by_spelling[key] = entry.id
        self._check_links(source)

    def _check_links(self, source: str) -> None:
        for agency in self.agencies.values():
            for link in (agency.successor, agency.predecessor):
                if link is not None and link not in self.agencies:
                    raise RuleFileError(f"{source}: agency {agency.id!r} links to unknown agency {link!r}")
        for party in self.parties.values():
            for parent in party.parents:
                if parent not in self.parties:
                    raise RuleFileError(
                        f"{source}: party {party.id!r} has unknown parent {parent!r}; known parties: {', '.join(sorted(self.parties))}"
                    )
        for party_id in self.parties:  # no cycles
            try:
                self.ancestors(party_id)
            except RuleFileError as exc:
                raise RuleFileError(f"{source}: {exc}") from None

    def __contains__(self, entry_id: str) -> bool:
        return entry_id in self.agencies or entry_id in self.parties

    def get(self, entry_id: str) -> Agency | Party:
        entry = self.agencies.get(entry_id) or self.parties.get(entry_id)
        if entry is None:
            raise KeyError(entry_id)
        return entry

    def resolve(self, mention: str) -> str | None:
        """The id a mention names (any spelling, case-insensitive), or None."""
        try:
            return self._resolved[mention]
        except KeyError:
            found = self._by_spelling.get(normalise(mention))
            if len(self._resolved) < 65536 and len(mention) <= 256:  # bounded in count and in size
                self._resolved[mention] = found
            return found

    def match_prefix(self, text: str) -> tuple[str, int] | None:
        """The entry whose spelling opens ``text`` (the longest), and the length of that
        opening in ``text``: "other departments continue to ..." -> ("relevant-departments", 17).
        """
        if "\u3400" <= text[:1] <= "\u9fff":  # Chinese: no spaces between words, so try every length
            for k in range(min(len(text), 24), 1, -1):
                found = self.resolve(text[:k])
                if found:
                    return found, k
            return None
        words = list(_WORD.finditer(text))
        for k in range(min(len(words), 16), 0, -1):
            end = words[k - 1].end()
            found = self.resolve(text[:end])
            if found:
                return found, end
        return None

    def resolve_all(self, mentions: list[str] | tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(ids of the resolved mentions, the mentions left unresolved), both in order.
        An unresolved mention is reported, never dropped."""
        ids, unresolved = [], []
        for mention in mentions:
            found = self.resolve(mention)
            (ids if found else unresolved).append(found or mention)
        return tuple(ids), tuple(unresolved)

    def current(self, agency_id: str) -> str:
        """The body that carries an agency's duties today, following successor links."""
        seen = {agency_id}
        while (nxt := self.agencies[agency_id].successor) is not None:
            if nxt in seen:
                raise RuleFileError(f"successor links of {agency_id!r} form a cycle")
            seen.add(nxt)
            agency_id = nxt
        return agency_id

    def ancestors(self, party_id: str) -> tuple[str, ...]:
        """Every party type ``party_id`` is a kind of, nearest first (itself excluded;
        memoised: the registry does not change once loaded)."""
        memo = self.__dict__.setdefault("_ancestors", {})
        found = memo.get(party_id)
        if found is None:
            found = memo[party_id] = self._ancestors_of(party_id)
        return found

    def _ancestors_of(self, party_id: str) -> tuple[str, ...]:
        return ancestors(lambda p: self.parties[p].parents, party_id, "party")

    def territorial(self, territory: str) -> str | None:
        """The party a party of ``territory`` (a lexicon id) is a kind of, if any."""
        memo = self.__dict__.setdefault("_territorial", {})
        if territory not in memo:
            memo[territory] = next((p.id for p in self.parties.values() if p.territory == territory), None)
        return memo[territory]

    def meet(self, party_ids) -> str | None:
        """The most general party that is a kind of every one of ``party_ids`` (one of
        them, if it is a kind of the others): "a brokerage's Hong Kong subsidiary" is an
        overseas subsidiary of a domestic financial institution. None if there is none."""
        wanted = frozenset(party_ids)
        memo = self.__dict__.setdefault("_meets", {})
        if wanted in memo:
            return memo[wanted]
        candidates = [p for p in self.parties if wanted <= {p, *self.ancestors(p)}]
        found = next((c for c in candidates if all(c == o or c in self.ancestors(o) for o in candidates)), None)
        if len(memo) < 65536:
            memo[wanted] = found
        return found

    def is_a(self, party_id: str, parent_id: str) -> bool:
        """Whether a rule on ``parent_id`` binds ``party_id``."""
        return party_id == parent_id or parent_id in self.ancestors(party_id)

    def to_data(self) -> dict:
        """The entries as JSON data (what :func:`registry` rebuilds a registry from)."""
        return {
            "agencies": {i: e.model_dump(mode="json") for i, e in self.agencies.items()},
            "parties": {i: e.model_dump(mode="json") for i, e in self.parties.items()},
        }


def _entries(raw: object, section: str, body: type[BaseModel], build, source: str) -> dict:
    if not isinstance(raw, dict):
        raise RuleFileError(f"{source}: {section!r} must map ids to entries")
    out = {}
    for entry_id, fields in raw.items():
        try:
            checked = body.model_validate(fields or {})
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}" for e in exc.errors(include_url=False)
            )
            allowed = ", ".join(body.model_fields)
            raise RuleFileError(f"{source}: {section}.{entry_id}: {problems} (allowed keys: {allowed})") from None
        out[entry_id] = build(id=entry_id, **{k: tuple(v) if isinstance(v, list) else v for k, v in checked.model_dump().items()})
    return out


def load_registry(path: str | Path | None = None) -> Registry:
    """Load and check a registry file (the bundled one by default)."""
    path = Path(path) if path else REGISTRY_FILE
    data = load_yaml(path)
    source = str(path)
    if not isinstance(data, dict) or set(data) - {"agencies", "parties"}:
        keys = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise RuleFileError(f"{source}: expected the top-level keys agencies and parties, got {keys}")
    agencies = _entries(data.get("agencies", {}), "agencies", _AgencyBody, Agency, source)
    parties = _entries(data.get("parties", {}), "parties", _PartyBody, Party, source)
    clash = set(agencies) & set(parties)
    if clash:
        raise RuleFileError(f"{source}: ids used for both an agency and a party: {', '.join(sorted(clash))}")
    return Registry(agencies, parties, source)


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The bundled registry, loaded once per process: from its prebuilt JSON while
    ``agencies.yaml`` is the file it was built from (no YAML read, no entry validated
    again: some 15 ms of a cold ``check``), else from ``agencies.yaml``."""
    found = _prebuilt_registry()
    return found if found is not None else load_registry()


def _prebuilt_registry() -> Registry | None:
    try:
        with open(PREBUILT_FILE, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):  # missing (a checkout before ``regnotice index``) or unreadable
        return None
    if not isinstance(data, dict) or data.get("source") != digest([REGISTRY_FILE]):
        return None  # agencies.yaml was edited since: read it
    try:
        entries = data["registry"]
        agencies = {i: Agency.model_construct(**_tuples(f)) for i, f in entries["agencies"].items()}
        parties = {i: Party.model_construct(**_tuples(f)) for i, f in entries["parties"].items()}
    except (KeyError, TypeError, AttributeError, ValueError):  # a file of another layout (an older release): read the YAML
        return None
    return Registry(agencies, parties, str(REGISTRY_FILE))


def _tuples(fields: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}


