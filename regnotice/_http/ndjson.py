"""The streamed batch screen: NDJSON in, NDJSON out, in constant memory.

Each line of the body is a JSON object holding the text to screen under the key
``column`` (default ``text``; ``name`` reads the rows of ``regnotice screen --input
rows.jsonl``), and optionally its ``field``. For every line that is not blank, one line
comes out, in order, numbered as the input is (1-based, blank lines counted)::

    {"line": 1, "hits": []}
    {"line": 2, "hits": [{"term": "stablecoin", "text": "Stablecoin", "start": 5, "end": 15, "rule_id": "yinfa-2026-42/8/1", "also": []}]}
    {"line": 3, "error": {"type": "urn:regnotice:problem:malformed-body", "title": "Malformed body", "status": 400, "detail": "..."}}

Hits are in the compact form of batch output (``Hit.to_dict(quotes=False)``: the rules
named by id). A line that cannot be read is an ``error`` for that line (a problem, RFC
9457), and the stream goes on. The body is read chunk by chunk as it arrives and each
chunk's lines are answered before the next is read: the memory held is one chunk and at
most one line, whatever the length of the stream. A line over ``max_line`` bytes is an
error, and is skipped without being held.

>>> import asyncio
>>> from regnotice.screening import screener
>>> async def body():
...     yield b'{"text": "Acme Stablecoin Ltd"}\\n\\n{"text": "Acme'
...     yield b' Ltd"}\\nnot json\\n'
>>> async def run():
...     return b"".join([part async for part in screen_lines(body(), {"name": screener("name")}, "name", "text", 1000, "/")])
>>> for line in asyncio.run(run()).decode().splitlines():
...     record = json.loads(line)
...     print(record["line"], [h["term"] for h in record.get("hits", ())], record.get("error", {}).get("type"))
1 ['stablecoin'] None
3 [] None
4 [] urn:regnotice:problem:malformed-body
"""

from __future__ import annotations

import json
from typing import AsyncIterator, Mapping

from ..screening import FIELDS
from .problems import PROBLEM_TYPES, URN

__all__ = ["screen_lines", "MEDIA_TYPE"]

MEDIA_TYPE = "application/x-ndjson"


def _dumps(data: dict) -> bytes:
    try:
        return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (a JSON escape of half a pair): escaped
        return (json.dumps(data) + "\n").encode("ascii")


def _error(number: int, slug: str, detail: str, instance: str) -> bytes:
    status, title, _ = PROBLEM_TYPES[slug]
    return _dumps({"line": number, "error": {"type": URN + slug, "title": title, "status": status, "detail": detail, "instance": instance}})


def _short(value, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Lines:
    """Screens one line at a time (see the module docstring)."""

    def __init__(self, screeners: Mapping, field: str, column: str, instance: str) -> None:
        self.screeners, self.field, self.column, self.instance = screeners, field, column, instance

    def answer(self, number: int, line: bytes) -> bytes | None:
        line = line.strip()
        if not line:
            return None
        instance = self.instance
        try:
            record = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            return _error(number, "malformed-body", f"line {number}: not UTF-8 (byte {exc.start + 1})", instance)
        except ValueError as exc:
            return _error(number, "malformed-body", f"line {number}: not valid JSON: {str(exc)[:200]}", instance)
        except RecursionError:
            return _error(number, "malformed-body", f"line {number}: not valid JSON: nested too deeply", instance)
        if not isinstance(record, dict):
            return _error(number, "malformed-body", f"line {number}: expected a JSON object, got {type(record).__name__}", instance)
        text = record.get(self.column)
        if not isinstance(text, str):
            why = f"missing key {self.column!r}" if self.column not in record else f"{self.column!r} is {_short(text)}, expected a string"
            return _error(number, "validation-error", f"line {number}: {why}", instance)
        field = record.get("field", self.field)
        if not isinstance(field, str) or field not in FIELDS:
            return _error(number, "validation-error", f"line {number}: unknown field {_short(field)}; fields: {', '.join(FIELDS)}", instance)
        hits = self.screeners[field].screen(text)
        return _dumps({"line": number, "hits": [h.to_dict(quotes=False) for h in hits]})


async def screen_lines(chunks: AsyncIterator[bytes], screeners: Mapping, field: str, column: str, max_line: int, instance: str) -> AsyncIterator[bytes]:
    """The answers to the lines of ``chunks``, one output chunk per input chunk that
    completes a line. ``screeners``: field -> ``Screener``."""
    lines = _Lines(screeners, field, column, instance)
    answer = lines.answer
    pending = bytearray()  # the start of a line not yet ended
    overflow = False  # the pending line is over max_line: dropped, and answered at its end
    number = 0
    async for chunk in chunks:
        out = []
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                break
            number += 1
            piece = chunk[start:end]
            start = end + 1
            if overflow or len(pending) + len(piece) > max_line:
                overflow = False
                pending.clear()
                out.append(_error(number, "body-too-large", f"line {number}: over the cap of {max_line:,} bytes a line", instance))
                continue
            if pending:
                pending += piece
                piece = bytes(pending)
                pending.clear()
            found = answer(number, piece)
            if found is not None:
                out.append(found)
        if not overflow:
            rest = memoryview(chunk)[start:]
            if len(pending) + len(rest) > max_line:
                overflow = True
                pending.clear()
            else:
                pending += rest
        if out:
            yield b"".join(out)
    if overflow:
        yield _error(number + 1, "body-too-large", f"line {number + 1}: over the cap of {max_line:,} bytes a line", instance)
    elif pending.strip():
        found = answer(number + 1, bytes(pending))
        if found is not None:
            yield found
