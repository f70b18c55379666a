"""What every response of the API carries, and what every request is held to: one ASGI
middleware, outermost of the app's own (inside Starlette's error middleware).

- **Headers.** ``X-Regnotice-Notice`` (the notice id), ``X-Regnotice-Rules-Hash`` (the
  SHA-256 of the rule set, as in every verdict) and ``X-Regnotice-Version``, on every
  response: errors, 404s and 413s included.
- **The body cap.** A request whose ``Content-Length`` is over the cap is answered 413
  before its body is read; a body sent without one (chunked) is counted as it is read,
  and refused with 413 at the chunk that takes it over. Paths in ``streamed`` (the NDJSON
  batch) are exempt: they apply the cap to each line, as they read it.
- **No traceback.** An exception that escapes the app before its response started is
  answered with an ``internal-error`` problem, and raised again for the server to log.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.datastructures import Headers

from .problems import http_problem, instance_of, problem

__all__ = ["Envelope", "header_value", "too_large"]


def header_value(text: str) -> bytes:
    """``text`` as a header value: as it is when printable ASCII, else percent-encoded UTF-8."""
    if text.isascii() and text.isprintable():
        return text.encode("ascii")
    return quote(text, safe="").encode("ascii")


def too_large(limit: int):
    return http_problem(413, "body-too-large", f"the request body is over the cap of {limit:,} bytes", limit=limit)


def _content_length(scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class Envelope:
    """The ASGI middleware of the module docstring."""

    def __init__(self, app, *, headers: dict[str, str], max_body: int, streamed: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.headers = [(name.lower().encode("ascii"), header_value(value)) for name, value in headers.items()]
        self.max_body = max_body
        self.streamed = streamed

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.headers
        started = False

        async def send_enveloped(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        limit = self.max_body
        if scope["path"] not in self.streamed:
            length = _content_length(scope)
            if length is not None and length > limit:
                exc = too_large(limit)
                response = problem("body-too-large", exc.detail, instance_of(scope), limit=limit, headers={"Connection": "close"})
                await response(scope, receive, send_enveloped)
                return
            receive = _capped(receive, limit)
        try:
            await self.app(scope, receive, send_enveloped)
        except Exception:
            if not started:
                response = problem("internal-error", "the server failed on this request; it is in the server's log", instance_of(scope))
                await response(scope, receive, send_enveloped)
            raise


def _capped(receive, limit: int):
    """``receive``, raising a 413 ``HTTPException`` when the body read goes over ``limit``."""
    total = 0

    async def receive_capped():
        nonlocal total
        message = await receive()
        if message["type"] == "http.request":
            total += len(message.get("body", b""))
            if total > limit:
                raise too_large(limit)
        return message

    return receive_capped
