"""The HTTP API's own models: request bodies, the response envelopes that are not the
library's models, and the problem details of errors (RFC 9457).

The activity, verdict, rule and description models are the library's
(:mod:`regnotice.models`); a verdict served over HTTP is a :class:`Decision`, the
library's ``Verdict`` with a ``decision_id`` (and, for a description, what was read from
it). The library's models are not changed for the HTTP layer.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from ..describing import MAX_LENGTH
from ..models import Activity, Described, Verdict
from ..models.verdict import MAX_SCREENED
from ..screening import FIELDS
from . import MAX_BATCH

__all__ = [
    "Description",
    "CheckItem",
    "CheckBatch",
    "Decision",
    "Decisions",
    "ScreenRequest",
    "ScreenHit",
    "ScreenResult",
    "ClauseSummary",
    "ClauseRecord",
    "Vocabulary",
    "Problem",
    "ProblemError",
    "UNION_TAGS",
]

#: The screening fields, as the library names them.
Field_ = Literal[FIELDS]  # type: ignore[valid-type]


class _Request(BaseModel):
    """A request body: frozen, extra keys refused. (Not the library's ``_Frozen``: a model
    whose build is deferred warns when FastAPI builds its validator on first use.)"""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Description(_Request):
    """A plain-language description of one activity, read by ``regnotice.describe``
    ("A mainland bank opens accounts for a cryptocurrency exchange")."""

    text: str = Field(max_length=MAX_LENGTH, description="The description, in English.")


def _item_kind(value: Any) -> str:
    return "Description" if isinstance(value, dict) and "text" in value else "Activity"


#: The tags of the activity-or-description union, which pydantic puts in the locations of
#: its errors; they are taken out of the pointers of a problem.
UNION_TAGS = ("Activity", "Description")

#: What to check: an activity (its fields in the words of the rules or the user's own) or
#: a plain-language description of one (an object with the key ``text``).
CheckItem = Annotated[
    Union[Annotated[Activity, Tag("Activity")], Annotated[Description, Tag("Description")]],
    Discriminator(_item_kind),
]


class CheckBatch(_Request):
    """Activities (or descriptions) to check, each on its own; one verdict each, in order."""

    items: list[CheckItem] = Field(max_length=MAX_BATCH, description=f"At most {MAX_BATCH:,} items.")


class Decision(Verdict):
    """A verdict served over HTTP: the library's ``Verdict``, with a ``decision_id`` (a
    random UUID, version 4, new for every verdict served, also when the same activity is
    checked twice), and ``described``: what was read from a description (``null`` for an
    activity)."""

    decision_id: UUID = Field(description="A random UUID (version 4), new for every verdict served: quote it to refer to this decision.")
    described: Union[Described, None] = Field(None, description="For a description: what was recognised in it, with spans, and what was not.")


class Decisions(BaseModel):
    """The verdicts of a batch, one per item, in the items' order."""

    verdicts: list[Decision]


class ScreenRequest(_Request):
    """A name, business scope or advertisement to screen for the terms of clause (8)."""

    text: str = Field(max_length=MAX_SCREENED)
    field: Field_ = Field("name", description="What the text is; decides the rule a hit cites.")


class _RuleRef(BaseModel):
    rule_id: str
    clause: int
    marker: str
    quote: str


class ScreenHit(BaseModel):
    """One occurrence of a term: as the rule writes it (``term``), as matched (``text``,
    ``text[start:end]`` of the screened text), and the rule it cites (``also``: further
    rules). ``lookalike``: found only by reading letters of other scripts, or accented
    ones, as the Latin letters they look like."""

    model_config = ConfigDict(extra="allow")

    term: str
    text: str
    start: int
    end: int
    clause: Union[int, None]
    marker: Union[str, None]
    rule_id: Union[str, None]
    quote: Union[str, None]
    also: list[_RuleRef] = []
    lookalike: bool = False


class ScreenResult(BaseModel):
    """The hits in one text (``regnotice screen TEXT --format json``); none when clean."""

    text: str
    field: Field_
    hits: list[ScreenHit]


class ClauseSummary(BaseModel):
    ordinal: int
    marker: str
    heading: Union[str, None]


class _Span(BaseModel):
    start: int
    end: int


class ClauseRecord(ClauseSummary):
    """A clause of the notice (``regnotice clause REF --format json``): its ordinal (the
    identity), its marker as written and the marker's style, its heading and section, its
    text with its span and position in the source, and the sentences of each paragraph."""

    style: str
    section: Union[int, None]
    text: str
    span: _Span
    line: int
    column: int
    paragraphs: list[list[str]]


class Vocabulary(BaseModel):
    """The ids an activity may use (``regnotice vocab --format json``); each is also
    accepted by its synonyms and inflections."""

    actors: list[str]
    actions: list[str]
    objects: list[str]
    where: list[str]
    conditions: list[str]
    authorities: list[str]
    flags: list[str]


class ProblemError(BaseModel):
    """One problem of a request: where (``pointer``, a JSON Pointer into the body, or
    ``parameter``, a path or query parameter) and what."""

    detail: str
    pointer: Union[str, None] = None
    parameter: Union[str, None] = None
    type: Union[str, None] = Field(None, description="The kind of problem, e.g. missing, string_type, unknown_term.")


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (``application/problem+json``).

    ``type`` is one of the ``urn:regnotice:problem:*`` URNs listed in the API's
    description; ``instance`` is the path of the request. Extensions: ``errors``
    (validation errors, each with its location), ``suggestions`` (for an unknown term or
    agency: the closest known ones), ``needs`` (what a description lacks to be checked),
    ``limit`` (the cap a request went over)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["urn:regnotice:problem:unknown-term"])
    title: str
    status: int
    detail: str
    instance: str
    errors: Union[list[ProblemError], None] = None
    suggestions: Union[list[str], None] = None
    needs: Union[list[str], None] = None
    limit: Union[int, None] = None
