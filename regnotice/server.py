"""The HTTP API: ``regnotice serve``, FastAPI on uvicorn (``pip install "regnotice[web]"``).

:func:`create_app` builds the ASGI app for a rule set (default: the bundled rules of
Yinfa [2026] No. 42), loaded once, when the app is built; :func:`serve` runs it on
uvicorn. This module imports neither FastAPI nor uvicorn until one of them is called, so
that a missing extra is a :class:`~regnotice.errors.RegnoticeError` naming it, not an
``ImportError``. The endpoints, the error model (RFC 9457 problem details) and the caps
are described in :mod:`regnotice._http` and in the app's OpenAPI document
(``GET /openapi.json``; ``GET /docs`` renders it).

>>> from regnotice.server import DEFAULT_MAX_BODY
>>> DEFAULT_MAX_BODY
1048576
"""

from __future__ import annotations

from ._http import DEFAULT_MAX_BODY, MAX_BATCH  # the package's own module imports no FastAPI
from .errors import RegnoticeError

__all__ = ["create_app", "serve", "DEFAULT_MAX_BODY", "MAX_BATCH", "WEB_EXTRA"]

#: What to install for the HTTP API.
WEB_EXTRA = 'pip install "regnotice[web]"'


def _require(*modules: str) -> None:
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            raise RegnoticeError(f"the HTTP API needs {name}, which is not installed: {WEB_EXTRA}") from None


def create_app(rules=None, *, max_body: int = DEFAULT_MAX_BODY):
    """The FastAPI app serving ``rules``: ``None`` for the bundled rules, a ``Notice``, a
    ``RuleSet`` or the path of a rule file (as :func:`regnotice.check` takes). The rules
    are read and compiled here, once; a bad rule file is a
    :class:`~regnotice.errors.RuleFileError` now, not at the first request.
    ``max_body``: the request body cap, in bytes."""
    _require("fastapi")
    from ._http.app import build_app

    return build_app(rules, max_body=max_body)


def serve(host: str = "127.0.0.1", port: int = 8000, *, rules=None, max_body: int = DEFAULT_MAX_BODY, log_level: str = "info") -> None:
    """Serve :func:`create_app` on uvicorn until interrupted. The socket is bound first,
    before the rules are loaded, so an address in use is an ``OSError`` naming it at once
    (the CLI's exit 3), not uvicorn's own exit after the start."""
    _require("fastapi", "uvicorn")
    import logging
    import socket

    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say so, and without
    # it a response written in two parts waits for the client's delayed ACK (40 ms)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except (socket.gaierror, UnicodeError, OverflowError, TypeError) as exc:  # a host or port that is no address
            raise RegnoticeError(f"cannot listen on {host}:{port}: {exc}") from None
        except OSError as exc:  # in use, or not ours to bind: a system failure (exit 3)
            raise OSError(exc.errno, f"cannot listen on {host}:{port}: {exc.strerror}") from None
        sock.listen(2048)  # connections wait in the backlog while the rules load
        app = create_app(rules, max_body=max_body)
        config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off")
        bound = sock.getsockname()[1]  # the port the system chose for port 0
        where = f"[{host}]" if ":" in host else host
        logging.getLogger("uvicorn.error").info("Uvicorn running on http://%s:%d (Press CTRL+C to quit)", where, bound)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
