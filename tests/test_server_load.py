"""The HTTP API on a real uvicorn (``regnotice serve --port 0`` in its own process, on
127.0.0.1 only), under a bounded load: every answer right, and the requests/s and p99
latency of ``POST /v1/check`` and ``POST /v1/check/batch`` reported (not asserted: see
``benchmarks/bench_http.py`` for the figures). The streamed batch screen answers each line
while the body is still being sent, in flat memory. The server is stopped by the fixture,
whatever the tests do.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from bench_http import case_items, drive, serving  # noqa: E402  (the benchmark's driver, bounded here)

#: Requests sent and seconds allowed, each run: bounded whatever the machine.
REQUESTS, BATCHES, WORKERS, CAP_SECONDS = 500, 20, 4, 20.0


@pytest.fixture(scope="module")
def server():
    with serving() as served:
        yield served


def report(capsys, line: str) -> None:
    with capsys.disabled():
        print(f"\n    {line}")


def test_check_under_load_answers_every_request_right(server, capsys):
    cases = case_items()
    bodies, outcomes = [body for body, _ in cases], [outcome for _, outcome in cases]
    ids: set[str] = set()

    def right(i: int, response) -> str | None:
        verdict = response.json()
        ids.add(verdict["decision_id"])
        if verdict["outcome"] != outcomes[i]:
            return f"{bodies[i]}: {verdict['outcome']}, expected {outcomes[i]}"
        return None

    run = drive(server.url, "/v1/check", bodies, REQUESTS, workers=WORKERS, deadline=CAP_SECONDS, check=right)
    report(capsys, run.line("POST /v1/check"))
    assert run.failures == []
    assert run.requests == REQUESTS, f"only {run.requests} requests in {CAP_SECONDS:.0f} s"
    assert len(ids) == REQUESTS  # a decision id of its own for every verdict


def test_check_batch_under_load_answers_every_item_in_order(server, capsys):
    activities = [body for body, _ in case_items() if "text" not in body]
    items = [activities[i % len(activities)] for i in range(100)]
    expected = None

    def right(i: int, response) -> str | None:
        nonlocal expected
        outcomes = [v["outcome"] for v in response.json()["verdicts"]]
        expected = expected or outcomes
        return None if len(outcomes) == 100 and outcomes == expected else f"outcomes {outcomes[:5]}... differ"

    run = drive(server.url, "/v1/check/batch", [{"items": items}], BATCHES, workers=WORKERS, deadline=CAP_SECONDS, check=right)
    report(capsys, run.line("POST /v1/check/batch (100 activities)"))
    assert run.failures == [] and run.requests == BATCHES
    assert len(expected) == 100 and "prohibited" in expected


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _read_until(sock: socket.socket, marker: bytes, got: bytes = b"") -> bytes:
    while marker not in got:
        data = sock.recv(65536)
        if not data:
            raise AssertionError(f"the connection closed before {marker!r}: {got[-200:]!r}")
        got += data
    return got


STREAM_HEAD = b"POST /v1/screen/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"


def test_a_streamed_screen_answers_a_line_before_the_body_ends(server):
    with socket.create_connection(("127.0.0.1", _port(server.url)), timeout=10) as sock:
        sock.sendall(STREAM_HEAD + _chunk(b'{"text": "Acme Stablecoin Ltd"}\n'))
        got = _read_until(sock, b'{"line": 1, ')  # the body has not ended: the first line is answered
        assert got.startswith(b"HTTP/1.1 200 ") and b"x-regnotice-rules-hash: " in got
        sock.sendall(_chunk(b'{"text": "Acme Ltd"}\n{"text": "R') + _chunk(b'WA"}\n') + b"0\r\n\r\n")
        got = _read_until(sock, b"\r\n0\r\n\r\n", got)
    body = got.split(b"\r\n\r\n", 1)[1]
    lines = [json.loads(line) for part in body.split(b"\r\n") if part.startswith(b"{") for line in part.splitlines()]
    assert [line["line"] for line in lines] == [1, 2, 3]
    assert [bool(line["hits"]) for line in lines] == [True, False, True]


def _peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def _stream(url: str, lines: int) -> int:
    """Stream ``lines`` NDJSON lines (a writer thread sending while this one reads, as
    a full-duplex client does); the lines answered."""
    line = b'{"text": "Acme Stablecoin Trading and Technology Development Co Ltd"}\n'
    block = line * 1000
    with socket.create_connection(("127.0.0.1", _port(url)), timeout=30) as sock:

        def send() -> None:
            sock.sendall(STREAM_HEAD)
            for _ in range(lines // 1000):
                sock.sendall(_chunk(block))
            sock.sendall(b"0\r\n\r\n")

        writer = threading.Thread(target=send)
        writer.start()
        marker, tail, answered = b'{"line": ', b"", 0
        while not tail.endswith(b"\r\n0\r\n\r\n"):
            data = sock.recv(1 << 20)
            if not data:
                break
            window = tail + data
            answered += window.count(marker)
            tail = window[-(len(marker) - 1) :]  # held: only what a marker may span
        writer.join(30)
    return answered


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the server's peak RSS from /proc")
def test_a_streamed_screen_holds_flat_memory_whatever_the_length(server):
    assert _stream(server.url, 20_000) == 20_000  # 1.4 MB
    before = _peak_rss(server.pid)
    assert _stream(server.url, 200_000) == 200_000  # 14 MB, ten times as long
    grown = _peak_rss(server.pid) - before
    assert grown < 8 << 20, f"the server's peak RSS grew by {grown / 2**20:.1f} MB for a 14 MB stream"
