"""The FastAPI app: the routes, each a thin view of a library verb (see :mod:`regnotice._http`)."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from fastapi import Body, FastAPI, Path, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel
from starlette.requests import ClientDisconnect
from starlette.responses import Response

from .._version import __version__
from ..errors import RegnoticeError
from ..models import RULE_KINDS, Rule
from . import MAX_BATCH
from . import problems
from .envelope import Envelope
from .ndjson import MEDIA_TYPE as NDJSON, screen_lines
from .problems import PROBLEM_TYPES, http_problem, problem_of_error, problem_responses
from .schemas import (
    CheckBatch,
    CheckItem,
    ClauseRecord,
    ClauseSummary,
    Decision,
    Decisions,
    Field_,
    Problem,
    ScreenHit,
    ScreenRequest,
    ScreenResult,
    Vocabulary,
)
from .service import Service

__all__ = ["build_app", "SCREEN_BATCH_PATH"]

SCREEN_BATCH_PATH = "/v1/screen/batch"
JSON = "application/json"
Kind = Literal[RULE_KINDS]  # type: ignore[valid-type]
#: The headers every response carries, as documented.
HEADERS = {
    "X-Regnotice-Notice": "The id of the notice whose rules are served, e.g. yinfa-2026-42.",
    "X-Regnotice-Rules-Hash": "The SHA-256 of the rule set served (hex), the `rules_hash` of every verdict.",
    "X-Regnotice-Version": "The regnotice version serving.",
}


class _NDJSONResponse(StreamingResponse):
    """A stream of NDJSON lines made while the request's body is read. Starlette's
    ``StreamingResponse`` (before ASGI 2.4) listens for a disconnect by reading the
    request's messages itself, which would take the body from under the stream; here a
    disconnect ends the stream where the body reader meets it."""

    media_type = NDJSON

    async def __call__(self, scope, receive, send) -> None:
        try:
            await self.stream_response(send)
        except (ClientDisconnect, OSError):  # the client went away: nobody to answer
            return


class ScreenLine(BaseModel):
    """One line of a streamed batch screen (NDJSON): the text under the key ``column``
    (default ``text``), and optionally its field (default: the query's ``field``)."""

    text: str
    field: Field_ = "name"


class ScreenLineResult(BaseModel):
    """The answer to one line: its number (1-based, blank lines counted) and its hits
    (compact: the rules by id), or an ``error`` (a problem) for a line that cannot be read."""

    line: int
    hits: Union[list[ScreenHit], None] = None
    error: Union[Problem, None] = None


def _description(max_body: int) -> str:
    kinds = "\n".join(f"- `urn:regnotice:problem:{slug}` ({status}): {when}" for slug, (status, _, when) in PROBLEM_TYPES.items())
    return f"""Yinfa [2026] No. 42 (or the rule set the server was started with) as typed, checkable rules.

**Headers.** Every response carries `X-Regnotice-Notice` (the notice id), `X-Regnotice-Rules-Hash`
(the SHA-256 of the rule set) and `X-Regnotice-Version`.

**Verdicts.** Every verdict carries a `decision_id`: a random UUID (version 4), new for every
verdict served, also for the same activity checked twice.

**Caps.** A request body over {max_body:,} bytes is refused with 413 (`body-too-large`), whether
it declares its length or is sent chunked. `POST /v1/check/batch` takes at most {MAX_BATCH:,} items.
The streamed batch screen (`POST {SCREEN_BATCH_PATH}`) applies the cap to each line instead: the
stream itself may be of any length, and is read in constant memory.

**Errors** are problem details (RFC 9457, `application/problem+json`): `type`, `title`, `status`,
`detail`, `instance` (the request's path), and the extensions `errors` (each with a JSON `pointer`
into the body or a `parameter`), `suggestions` (for an unknown term: the closest known ones),
`needs` and `limit`. The types:

{kinds}
"""


def build_app(rules=None, *, max_body: int) -> FastAPI:
    """The app serving ``rules`` (see :func:`regnotice.server.create_app`)."""
    if not isinstance(max_body, int) or isinstance(max_body, bool) or max_body < 1:
        raise RegnoticeError(f"max_body is a number of bytes (at least 1), not {max_body!r}")
    service = Service(rules)
    app = FastAPI(
        title="regnotice",
        version=__version__,
        description=_description(max_body),
        default_response_class=JSONResponse,  # for the document: the routes return their bytes
    )
    app.state.service = service
    problems.install(app)
    app.add_middleware(Envelope, headers=service.headers, max_body=max_body, streamed=frozenset({SCREEN_BATCH_PATH}))

    def instance(request: Request) -> str:
        return problems.instance_of(request.scope)

    @app.get("/v1/clauses", response_model=list[ClauseSummary], tags=["clauses"], responses=problem_responses(404))
    async def list_clauses() -> Response:
        """The clauses of the notice: ordinal, marker, heading (`regnotice clauses`)."""
        if service.clauses is None:
            raise service.no_clauses()
        return _json([{k: r[k] for k in ("ordinal", "marker", "heading")} for r in service.clauses])

    @app.get("/v1/clauses/{ref}", response_model=ClauseRecord, tags=["clauses"], responses=problem_responses(400, 404, 422))
    async def get_clause(ref: Annotated[str, Path(description='Any numbering: 9, IX, ix, "(9)", "(IX)", "（九）" (percent-encoded).')]) -> Response:
        """One clause, by a reference in any numbering (`regnotice clause REF --format json`)."""
        return _json(service.clause(ref))

    @app.get("/v1/rules", response_model=list[Rule], tags=["rules"], responses=problem_responses(400, 404, 422))
    async def list_rules(
        clause: Annotated[Union[str, None], Query(description="Only this clause (any numbering).")] = None,
        kind: Annotated[Union[Kind, None], Query(description="Only this kind.")] = None,
        agency: Annotated[Union[str, None], Query(description="Only rules naming this registry id, or any of its names and aliases (pboc, CBIRC, 银保监会).")] = None,
    ) -> Response:
        """The typed rules, filtered as `regnotice rules --clause --kind --agency`."""
        return _json(service.rules(clause, kind, agency))

    @app.post("/v1/check", response_model=Decision, tags=["check"], responses=problem_responses(400, 413, 422))
    async def check(item: Annotated[CheckItem, Body(description="An activity, or a plain-language description: {\"text\": \"...\"}.")]) -> Response:
        """The verdict on one activity, or on the activity a description reads into."""
        return Response(service.decide(item).model_dump_json(), media_type=JSON)

    @app.post("/v1/check/batch", response_model=Decisions, tags=["check"], responses=problem_responses(400, 413, 422))
    async def check_batch(batch: CheckBatch, request: Request) -> Response:
        """One verdict per item, in order. An item that cannot be checked fails the batch:
        the problem's `errors` point at it (`/items/3`)."""
        parts = []
        for i, item in enumerate(batch.items):
            try:
                parts.append(service.decide(item).model_dump_json())
            except RegnoticeError as exc:
                return problem_of_error(exc, instance(request), pointer=f"/items/{i}")
        return Response('{"verdicts":[' + ",".join(parts) + "]}", media_type=JSON)

    @app.post("/v1/screen", response_model=ScreenResult, tags=["screen"], responses=problem_responses(400, 413, 422, 501))
    async def screen(request_body: Annotated[ScreenRequest, Body()]) -> Response:
        """The hits of the clause (8) terms in one name, business scope or ad
        (`regnotice screen TEXT --format json`)."""
        screener = _screener(service, request_body.field)
        hits = screener.screen(request_body.text)
        return _json({"text": request_body.text, "field": request_body.field, "hits": [h.to_dict() for h in hits]})

    @app.post(
        SCREEN_BATCH_PATH,
        response_class=_NDJSONResponse,
        tags=["screen"],
        openapi_extra={"requestBody": {"required": False, "content": {NDJSON: {"schema": {"$ref": "#/components/schemas/ScreenLine"}}}}},
        responses={
            200: {"description": "One line per line of the body that is not blank, in order.", "content": {NDJSON: {"schema": {"$ref": "#/components/schemas/ScreenLineResult"}}}},
            **problem_responses(422, 501),
        },
    )
    async def screen_batch(
        request: Request,
        field: Annotated[Field_, Query(description="The field of lines that name none.")] = "name",
        column: Annotated[str, Query(max_length=200, description="The key of each line holding the text (`name` for the rows of `regnotice screen --input`).")] = "text",
    ) -> Response:
        """Screen a stream of texts: NDJSON in, NDJSON out, one line each, in order, in
        constant memory. A line that cannot be read is an `error` object for that line;
        the stream goes on. A line over the body cap is such an error."""
        _screener(service, field)
        body = screen_lines(request.stream(), service.screeners, field, column, max_body, instance(request))
        return _NDJSONResponse(body)

    @app.get("/v1/vocab", response_model=Vocabulary, tags=["vocab"])
    async def vocab() -> Response:
        """The ids an activity may use (`regnotice vocab --format json`); each is also
        accepted by its synonyms and inflections."""
        return _json(service.vocabulary)

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _screener(service: Service, field: str):
    if service.unscreenable is not None:
        raise http_problem(501, "not-available", service.unscreenable)
    return service.screeners[field]


def _json(data) -> Response:
    import json

    return Response(json.dumps(data, ensure_ascii=False).encode("utf-8", "backslashreplace"), media_type=JSON)


def _openapi(app: FastAPI) -> dict:
    """The OpenAPI document, with the error model, the streamed lines' models and the
    headers of every response declared; an activity's list fields also take one string."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (Problem, ScreenLine, ScreenLineResult):
        found = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(found.pop("$defs", {}))
        components[model.__name__] = found
    headers = {name: {"description": text, "schema": {"type": "string"}} for name, text in HEADERS.items()}
    for path in schema["paths"].values():
        for operation in path.values():
            for response in operation.get("responses", {}).values():
                response.setdefault("headers", {}).update(headers)
    for name in ("Activity", "Activity-Input"):
        for prop in components.get(name, {}).get("properties", {}).values():
            if prop.get("type") == "array" and prop.get("items") == {"type": "string"}:
                array = {"type": "array", "items": {"type": "string"}}
                prop.pop("type"), prop.pop("items")
                prop["anyOf"] = [{"type": "string"}, array]
    app.openapi_schema = schema
    return schema
