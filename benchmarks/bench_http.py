"""The HTTP API under load: requests/s and latency of ``POST /v1/check`` and ``POST
/v1/check/batch`` (100 activities a request) on a real uvicorn, on 127.0.0.1 only.

    python benchmarks/bench_http.py [-n 4000] [--batches 200] [--workers 4]

The server is ``regnotice serve --port 0`` in its own process (uvicorn as the ``web``
extra installs it: the h11 protocol and the asyncio loop, unless httptools and uvloop are
installed); the clients are ``--workers`` threads of this process, each with its own
keep-alive ``httpx.Client`` (with TCP_NODELAY: see :func:`client_of`). The activities are those of ``tests/cases/`` in a loop.
Baselines in the same run:

- the same requests served in-process (the body validated, checked, a decision id given
  and the verdict's JSON made, as the endpoint does), the work of the endpoint without HTTP;
- a minimal FastAPI endpoint returning a constant, served by uvicorn in its own process
  with the same settings, driven by the same clients: the ceiling of HTTP, FastAPI and
  this client on this machine.

Prints figures and asserts nothing about time. :func:`serving` and :func:`drive` are also
the load test's (``tests/test_server_load.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, NamedTuple, Sequence

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))
_RUNNING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")

#: A minimal app on the same uvicorn settings as ``regnotice serve`` (see regnotice.server).
CONSTANT_APP = """
import logging, socket, sys
import uvicorn
from fastapi import FastAPI
from starlette.responses import Response

app = FastAPI()

@app.post("/constant")
async def constant() -> Response:
    return Response(b'{"outcome":"prohibited"}', media_type="application/json")

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # as regnotice.server.serve
sock.bind(("127.0.0.1", 0))
sock.listen(2048)
config = uvicorn.Config(app, log_level="info", access_log=False, lifespan="off")
logging.getLogger("uvicorn.error").info("Uvicorn running on http://127.0.0.1:%d", sock.getsockname()[1])
uvicorn.Server(config).run(sockets=[sock])
"""


def case_items() -> list[tuple[dict, str]]:
    """``(request body, expected outcome)`` of every scenario: its activity, or its
    description as ``{"text": ...}``."""
    out = []
    for path in CASES:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        body = case["activity"] if "activity" in case else {"text": case["text"]}
        out.append((body, case["expect"]["outcome"]))
    return out


class Served(NamedTuple):
    url: str  # http://127.0.0.1:PORT
    pid: int


@contextlib.contextmanager
def serving(args: Sequence[str] = (), *, code: str | None = None, timeout: float = 60.0) -> Iterator[Served]:
    """A server in its own process on 127.0.0.1 and a port the system picks: ``regnotice
    serve --port 0 ARGS``, or ``python -c CODE``. Yields its URL and process id once it
    answers; stops it (SIGTERM, then SIGKILL after 10 s) on the way out, whatever happens."""
    command = [sys.executable, "-c", code] if code is not None else [sys.executable, "-m", "regnotice", "serve", "--port", "0", *args]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=log, stdin=subprocess.DEVNULL, cwd=ROOT)
        try:
            yield Served(_wait_for(proc, log, timeout), proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def _wait_for(proc: subprocess.Popen, log, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the server exited ({proc.returncode}):\n{log.read()}")
        log.seek(0)
        found = _RUNNING.search(log.read())
        if found:
            url = found.group(1)
            with client_of(url) as client:
                while time.monotonic() < deadline:
                    with contextlib.suppress(httpx.TransportError):
                        client.request("GET", "/", timeout=5)  # any answer: it is serving
                        return url
                    time.sleep(0.05)
        time.sleep(0.05)
    raise RuntimeError(f"the server did not start within {timeout:.0f} s")


def client_of(url: str) -> httpx.Client:
    """A keep-alive client with TCP_NODELAY, as urllib3 sets it: httpx leaves Nagle's
    algorithm on, and a POST's body, written after its headers, then waits for the
    server's delayed ACK (some 40 ms on Linux)."""
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    return httpx.Client(base_url=url, timeout=30, transport=transport)


@dataclass
class Run:
    """What :func:`drive` measured: requests, seconds, and each request's latency and answer."""

    requests: int
    seconds: float
    latencies: list[float]
    failures: list[str]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")

    def line(self, what: str) -> str:
        return (
            f"{what:<44} {self.requests:>6,} requests  {self.rate:>8,.0f} req/s  "
            f"p50 {self.percentile(50) * 1000:6.2f} ms  p99 {self.percentile(99) * 1000:6.2f} ms"
        )


def drive(
    url: str,
    path: str,
    bodies: Sequence,
    n: int,
    *,
    workers: int = 4,
    deadline: float = 60.0,
    check: Callable[[int, httpx.Response], str | None] | None = None,
) -> Run:
    """Send ``n`` POSTs of ``bodies`` (JSON, in a loop) to ``url + path`` from ``workers``
    threads, each with its own keep-alive client. ``check(i, response)`` returns what is
    wrong with the answer to body ``i`` (``None`` when right). Stops after ``deadline``
    seconds, done or not (the requests not sent are not counted)."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(n))
    stop_at = time.monotonic() + deadline

    def work() -> None:
        mine: list[float] = []
        with client_of(url) as client:
            while time.monotonic() < stop_at:
                with lock:
                    i = next(counter, None)
                if i is None:
                    break
                body = bodies[i % len(bodies)]
                start = time.perf_counter()
                response = client.post(path, json=body)
                mine.append(time.perf_counter() - start)
                problem = f"HTTP {response.status_code}: {response.text[:200]}" if response.status_code != 200 else None
                if problem is None and check is not None:
                    problem = check(i % len(bodies), response)
                if problem is not None:
                    with lock:
                        failures.append(problem)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Run(len(latencies), time.perf_counter() - start, latencies, failures)


def in_process(items: list[dict], n: int) -> Run:
    """The endpoint's work without HTTP: the body validated, checked, and the verdict
    served (a decision id, the JSON), one at a time."""
    from pydantic import TypeAdapter

    from regnotice._http.schemas import CheckItem
    from regnotice._http.service import Service

    service, adapter = Service(), TypeAdapter(CheckItem)
    latencies = []
    start = time.perf_counter()
    for i in range(n):
        t = time.perf_counter()
        service.decide(adapter.validate_python(items[i % len(items)])).model_dump_json()
        latencies.append(time.perf_counter() - t)
    return Run(n, time.perf_counter() - start, latencies, [])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=4000, help="requests to /v1/check (and to the constant endpoint)")
    parser.add_argument("--batches", type=int, default=200, help="requests to /v1/check/batch, 100 activities each")
    parser.add_argument("--workers", type=int, default=4, help="client threads")
    args = parser.parse_args(argv)

    cases = case_items()
    activities = [body for body, _ in cases if "text" not in body]
    batch = {"items": [activities[i % len(activities)] for i in range(100)]}
    expected = [outcome for _, outcome in cases]

    def right_outcome(i: int, response: httpx.Response) -> str | None:
        got = response.json()["outcome"]
        return None if got == expected[i] else f"case {i}: {got}, expected {expected[i]}"

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.workers} client threads; server: regnotice serve (uvicorn)")
    lines = [in_process([body for body, _ in cases], args.n).line("the same /v1/check work in-process (baseline)")]
    with serving(code=CONSTANT_APP) as (url, _):
        drive(url, "/constant", [{}], 200, workers=args.workers)  # warm-up
        lines.append(drive(url, "/constant", [{}], args.n, workers=args.workers).line("POST /constant, minimal FastAPI (baseline)"))
    with serving() as (url, _):
        drive(url, "/v1/check", [body for body, _ in cases], 200, workers=args.workers)  # warm-up
        run = drive(url, "/v1/check", [body for body, _ in cases], args.n, workers=args.workers, check=right_outcome)
        lines.append(run.line("POST /v1/check"))
        batches = drive(url, "/v1/check/batch", [batch], args.batches, workers=args.workers)
        lines.append(batches.line("POST /v1/check/batch (100 activities)"))
        lines.append(f"{'':<44} = {batches.rate * 100:,.0f} activities/s")
        failures = run.failures + batches.failures
    print("\n".join(lines))
    if failures:
        print(f"{len(failures)} wrong answers, e.g. {failures[0]}")


if __name__ == "__main__":
    main()
