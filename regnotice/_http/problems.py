"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API answers is a problem: a request that does not match the schema, a
body that is not JSON, every :class:`~regnotice.errors.RegnoticeError` of the library (an
unknown term, with its suggestions; an invalid activity; an unknown clause), a body over
the cap, an unknown path or method. :data:`PROBLEM_TYPES` is the one table of them: the
handlers, the OpenAPI document and the README are written from it.

>>> suggestions_of(UnknownTerm("unknown action 'acount opening'; did you mean account opening?"))
['account opening']
>>> location(("body", "items", 2, "Activity", "actions", 0))
{'pointer': '/items/2/actions/0'}
"""

from __future__ import annotations

import json
from http import HTTPStatus

from fastapi import HTTPException as _RaisedHTTPException, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ..errors import ActivityError, InputError, InvalidReference, RegnoticeError, UnknownClause, UnknownTerm
from .schemas import UNION_TAGS

__all__ = ["MEDIA_TYPE", "PROBLEM_TYPES", "problem", "problem_of_error", "http_problem", "install", "location", "suggestions_of", "problem_responses"]

MEDIA_TYPE = "application/problem+json"
URN = "urn:regnotice:problem:"

#: slug -> (status, title, when). ``type`` is ``urn:regnotice:problem:<slug>``.
PROBLEM_TYPES: dict[str, tuple[int, str, str]] = {
    "malformed-body": (400, "Malformed body", "the body is not JSON (or, in a stream, a line is not a JSON object)"),
    "invalid-reference": (400, "Invalid clause reference", "a clause reference in no numbering regnotice knows (`abc`, `(X`)"),
    "unknown-clause": (404, "Unknown clause", "a well-formed clause reference that names no clause of the notice"),
    "clauses-unavailable": (404, "Clauses unavailable", "the rules were loaded from a rule file of another notice, which holds no clause text"),
    "not-found": (404, "Not found", "no such path"),
    "method-not-allowed": (405, "Method not allowed", "the path does not take this method"),
    "body-too-large": (413, "Body too large", "the request body is over the cap (`limit`, in bytes)"),
    "validation-error": (422, "Invalid request", "the request does not match the schema (`errors`: each problem with its `pointer` or `parameter`)"),
    "unknown-term": (422, "Unknown term", "a word of an activity, or an agency, that neither the lexicon nor the registry knows (`suggestions`: the closest known ones)"),
    "invalid-activity": (422, "Invalid activity", "an activity that is not well-formed, or a description that names no actor (`needs`)"),
    "invalid-input": (422, "Invalid input", "an input the library refuses (a text to screen that is not text, an unknown field)"),
    "not-available": (501, "Not available", "the rules served have no rule this endpoint needs (screening: a prohibition that lists terms)"),
    "internal-error": (500, "Internal error", "a bug: reported in the server's log, never with a traceback in the response"),
}

#: The library's errors, most specific first: (class, slug).
_ERRORS: tuple[tuple[type, str], ...] = (
    (UnknownTerm, "unknown-term"),
    (ActivityError, "invalid-activity"),
    (UnknownClause, "unknown-clause"),
    (InvalidReference, "invalid-reference"),
    (InputError, "invalid-input"),
)
_BY_STATUS = {400: "malformed-body", 404: "not-found", 405: "method-not-allowed", 413: "body-too-large", 501: "not-available"}
#: A message is cut to this many characters (as the CLI cuts its messages).
MAX_DETAIL = 2_000
#: At most this many validation errors are listed; the detail counts them all.
MAX_ERRORS = 100


def _bounded(message: str) -> str:
    if len(message) <= MAX_DETAIL:
        return message
    return f"{message[:MAX_DETAIL]}... ({len(message) - MAX_DETAIL:,} more characters)"


def instance_of(scope) -> str:
    """The request's path as sent (percent-encoded), the problem's ``instance``."""
    raw = scope.get("raw_path")
    return raw.decode("latin-1") if raw else scope.get("path", "/")


def problem(slug: str, detail: str, instance: str, *, status: int | None = None, headers: dict | None = None, **extensions) -> Response:
    """A problem response of the type ``slug`` (see :data:`PROBLEM_TYPES`); extensions
    that are ``None`` are left out."""
    known_status, title, _ = PROBLEM_TYPES.get(slug, (status or 500, "", ""))
    status = status or known_status
    if slug not in PROBLEM_TYPES:  # an HTTP error with no type of its own
        type_, title = "about:blank", HTTPStatus(status).phrase
    else:
        type_ = URN + slug
    body = {"type": type_, "title": title, "status": status, "detail": _bounded(detail), "instance": instance}
    body.update((k, v) for k, v in extensions.items() if v is not None)
    return Response(json.dumps(body, ensure_ascii=False).encode("utf-8", "backslashreplace"), status, headers=headers, media_type=MEDIA_TYPE)


def suggestions_of(exc: BaseException) -> list[str]:
    """The closest known phrases an :class:`~regnotice.errors.UnknownTerm` names: its
    ``suggestions`` when it carries them, else those of its message ("...; did you mean
    a, b?", the form of :func:`regnotice.suggest.hint`); ``[]`` when none is close."""
    found = getattr(exc, "suggestions", None)
    if found is not None:
        return [str(s) for s in found]
    message = str(exc)
    at = message.rfind("; did you mean ")
    if at < 0 or not message.endswith("?"):
        return []
    return message[at + len("; did you mean ") : -1].split(", ")


def problem_of_error(exc: RegnoticeError, instance: str, pointer: str | None = None) -> Response:
    """The problem of a library error; ``pointer``: where in the body it comes from (the
    item of a batch)."""
    slug = next((s for cls, s in _ERRORS if isinstance(exc, cls)), None)
    if slug is None:  # the root or another class: the CLI's contract (2: bad input; 3: a system failure)
        slug = "internal-error" if exc.exit_code != 2 else "invalid-input"
    detail = str(exc)
    extensions: dict = {}
    if slug == "unknown-term":
        extensions["suggestions"] = suggestions_of(exc)
    needs = getattr(exc, "needs", None)
    if needs:
        extensions["needs"] = list(needs)
    if pointer is not None:
        extensions["errors"] = [{"detail": _bounded(detail), "pointer": pointer, "type": slug.replace("-", "_")}]
    return problem(slug, detail, instance, **extensions)


def location(loc) -> dict:
    """A pydantic error location as a problem's ``pointer`` (a JSON Pointer into the
    body, the union's tags left out) or ``parameter``."""
    if not loc:
        return {}
    where, rest = loc[0], [part for part in loc[1:] if part not in UNION_TAGS]
    if where == "body":
        return {"pointer": "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in rest)}
    return {"parameter": str(rest[0]) if rest else str(where)}


def _validation(request: Request, exc: RequestValidationError) -> Response:
    errors = exc.errors()
    instance = instance_of(request.scope)
    for err in errors:
        if err.get("type") == "json_invalid":
            why = (err.get("ctx") or {}).get("error") or err.get("msg")
            return problem("malformed-body", f"the body is not JSON: {why} (at character {err['loc'][-1]})", instance)
    listed = []
    for err in errors[:MAX_ERRORS]:
        listed.append({"detail": _bounded(str(err.get("msg", ""))), **location(err.get("loc", ())), "type": err.get("type")})
    first = listed[0] if listed else {"detail": "invalid"}
    where = first.get("pointer") or first.get("parameter")
    head = f"{where}: {first['detail']}" if where else first["detail"]
    more = f" (and {len(errors) - 1:,} more problems)" if len(errors) > 1 else ""
    return problem("validation-error", f"{head}{more}", instance, errors=listed)


def http_problem(status: int, slug: str, detail: str, **extensions) -> HTTPException:
    """An ``HTTPException`` answered as a problem of the type ``slug``, with ``extensions``."""
    exc = _RaisedHTTPException(status, detail)  # FastAPI's class: its body reader lets it through
    exc.slug, exc.extensions = slug, extensions  # type: ignore[attr-defined]
    return exc


def _http_error(request: Request, exc: HTTPException) -> Response:
    slug = getattr(exc, "slug", None) or _BY_STATUS.get(exc.status_code, "")
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    path = request.scope.get("path", "")
    if status == 400 and detail == "There was an error parsing the body":  # FastAPI's, for JSON it could not parse
        detail = "the body is not JSON: it cannot be parsed (nested too deeply?)"
    elif status == 404 and detail == "Not Found":
        detail = f"no such path: {path}"
    elif status == 405 and detail == "Method Not Allowed":
        allowed = (exc.headers or {}).get("Allow")
        detail = f"{path} does not take {request.method}" + (f"; it takes {allowed}" if allowed else "")
    extensions = getattr(exc, "extensions", None) or {}
    return problem(slug, detail, instance_of(request.scope), status=status, headers=getattr(exc, "headers", None), **extensions)


def _library_error(request: Request, exc: RegnoticeError) -> Response:
    return problem_of_error(exc, instance_of(request.scope))


def install(app) -> None:
    """Answer every error of ``app`` as a problem."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RegnoticeError, _library_error)


def problem_responses(*statuses: int) -> dict:
    """The ``responses`` of an operation for these statuses: problems, with the types
    each may carry listed in its description."""
    out = {}
    for status in statuses:
        kinds = [f"`{slug}` ({when})" for slug, (s, _, when) in PROBLEM_TYPES.items() if s == status]
        out[status] = {
            "description": f"{HTTPStatus(status).phrase}: a problem (RFC 9457) of the type " + "; or ".join(kinds),
            "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return out
