"""The HTTP API (``regnotice serve``; the public entry points are in :mod:`regnotice.server`).

Every endpoint is a view of a library verb, on a rule set loaded once when the app is
built (:mod:`regnotice._http.service`):

=============================  ===============================================================
``GET /v1/clauses``            the clauses: ordinal, marker, heading
``GET /v1/clauses/{ref}``      one clause, by a reference in any numbering (9, IX, （九）)
``GET /v1/rules``              the typed rules; ``?clause=&kind=&agency=`` as the CLI's filters
``POST /v1/check``             the verdict on an activity, or on a description ``{"text": ...}``
``POST /v1/check/batch``       ``{"items": [...]}``: one verdict per item, in order
``POST /v1/screen``            the hits in one text ``{"text": ..., "field": ...}``
``POST /v1/screen/batch``      NDJSON in, NDJSON out, streamed (:mod:`regnotice._http.ndjson`)
``GET /v1/vocab``              the ids an activity may use
``GET /openapi.json``          the OpenAPI document (``/docs`` renders it)
=============================  ===============================================================

Modules: :mod:`~regnotice._http.app` (the routes and the OpenAPI document),
:mod:`~regnotice._http.schemas` (the request and response models of the HTTP layer: a
verdict served is a ``Decision``, the library's ``Verdict`` with a ``decision_id``),
:mod:`~regnotice._http.problems` (every error as RFC 9457 problem details),
:mod:`~regnotice._http.envelope` (the headers of every response, the body cap) and
:mod:`~regnotice._http.ndjson` (the streamed batch screen).
"""

__all__ = ["DEFAULT_MAX_BODY", "MAX_BATCH"]

#: The largest request body (bytes) an endpoint reads; a larger one is refused with 413.
#: The streamed batch screen applies it to each line instead.
DEFAULT_MAX_BODY = 1 << 20
#: The most items of one ``POST /v1/check/batch``.
MAX_BATCH = 1_000
