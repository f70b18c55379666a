"""Shared helpers for the parser tests: the seed pages, the bare notice cut from a
seed, and builders for variants of it (line ends, wrapping, numbering, markers).

Variants are built from the seed at test time; no copy of the notice is stored.
Test modules import these helpers with ``from conftest import ...``.
"""

from __future__ import annotations

import signal
import textwrap
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

import pytest

from regnotice.numbering import render_marker
from regnotice.parsing import parse

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "seeds"
SEED_NAMES = ("000_f9843fba284d51a1.txt", "003_6f0e12012882d88c.txt")
BAD_DIR = Path(__file__).resolve().parent / "bad"

#: The raw markers of the notice, as the seed writes them.
RAW_MARKERS = (
    "(I)", "(II)", "(III)", "(IV)", "(5)", "(6)", "(7)", "(8)", "(IX)", "(X)",
    "(XI)", "(XII)", "(XIII)", "(XIV)", "(15)", "(16)", "(17)", "(18)", "(19)",
)  # fmt: skip
ORDINALS = tuple(range(1, 20))

#: Section headings for two-level variants: the item each section starts at.
SECTIONS = {1: "General Provisions", 5: "Monitoring and Oversight", 9: "Enforcement", 15: "Organisation and Implementation"}


def norm(text: str) -> str:
    """Whitespace-normalised text: every run of whitespace one space."""
    return " ".join(text.split())


@lru_cache(maxsize=None)
def page(name: str = SEED_NAMES[0]) -> str:
    return (SEED_DIR / name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def seed_notice(name: str = SEED_NAMES[0]):
    return parse(page(name), source=name)


@dataclass(frozen=True)
class Pieces:
    """The bare notice cut in three: everything before item (I), the items as
    ``(marker, rest)`` pairs (``rest`` keeps the item's own line breaks), the closing."""

    head: str
    items: tuple[tuple[str, str], ...]
    closing: str


@lru_cache(maxsize=None)
def pieces() -> Pieces:
    text, notice = page(), seed_notice()
    clauses = notice.clauses
    head = text[notice.span.start : clauses[0].span.start]
    items = tuple((c.marker, c.text[len(c.marker) :]) for c in clauses)
    closing = text[clauses[-1].span.end : notice.span.end].lstrip("\r\n")
    return Pieces(head, items, closing)


def build(items, head: str | None = None, closing: str | None = None) -> str:
    """A bare notice from ``(marker, rest)`` items, one item per line."""
    p = pieces()
    head = p.head if head is None else head
    closing = p.closing if closing is None else closing
    return head + "".join(f"{m}{rest}\n" for m, rest in items) + closing + "\n"


@lru_cache(maxsize=None)
def bare() -> str:
    """The notice region of the first seed, with a final newline, and nothing else."""
    return build(pieces().items)


def body(rest: str) -> str:
    """The text of an item after its marker (and the space after it)."""
    return rest.lstrip(" \t\u00a0\u3000")


def item_texts(notice) -> list[str]:
    """Each clause's text after its marker, whitespace-normalised."""
    return [norm(c.text[len(c.marker) :]) for c in notice.clauses]


def headings(notice) -> list[str | None]:
    return [None if c.heading is None else norm(c.heading) for c in notice.clauses]


# ---------------------------------------------------------------- variant builders


def crlf_bom(text: str) -> str:
    return "\ufeff" + text.replace("\n", "\r\n")


def wrapped(text: str, width: int = 72) -> str:
    """Hard-wrapped paragraphs separated by blank lines, as pasted from a PDF."""
    fill = lambda line: textwrap.fill(line, width, break_on_hyphens=False, break_long_words=False)  # noqa: E731
    return "\n\n".join(fill(line) for line in text.split("\n") if line.strip()) + "\n"


def restyled(style: str | Callable[[int], str], sep: str = " ") -> str:
    """The notice with every item marker rendered in ``style`` (or by a function)."""
    render = style if callable(style) else (lambda n: render_marker(n, style))
    return build([(render(n), sep + body(rest)) for n, (_, rest) in enumerate(pieces().items, 1)])


def sectioned(heading_style: str = "roman_dot", restart: bool = False) -> str:
    """Two-level numbering: a section heading before items 1, 5, 9 and 15; items
    numbered through the notice, or restarting at (1) in each section."""
    out, section, local = pieces().head, 0, 0
    for n, (marker, rest) in enumerate(pieces().items, 1):
        if n in SECTIONS:
            section, local = section + 1, 0
            out += f"{render_marker(section, heading_style)} {SECTIONS[n]}\n"
        local += 1
        out += (render_marker(local, "arabic") if restart else marker) + rest + "\n"
    return out + pieces().closing + "\n"


def walk(node) -> Iterator:
    """``node`` and every node under it."""
    yield node
    for child in getattr(node, "children", None) or ():
        yield from walk(child)


#: name -> builder of a whole variant text. Each parses to the seed's 19 clauses.
VARIANTS: dict[str, Callable[[], str]] = {
    "bare": bare,
    "page_000": lambda: page(SEED_NAMES[0]),
    "page_003": lambda: page(SEED_NAMES[1]),
    "crlf_bom": lambda: crlf_bom(bare()),
    "crlf_bom_page": lambda: crlf_bom(page()),
    "wrapped": lambda: wrapped(bare()),
    "wrapped_page": lambda: wrapped(page()),
    "wrapped_crlf": lambda: wrapped(bare()).replace("\n", "\r\n"),
    "sections": lambda: sectioned("roman_dot"),
    "sections_arabic": lambda: sectioned("arabic_dot"),
    "sections_chinese": lambda: sectioned("chinese_comma"),
    "sections_restart": lambda: sectioned("roman_dot", restart=True),
    "sections_restart_wrapped": lambda: wrapped(sectioned("arabic_dot", restart=True)),
    "chinese": lambda: restyled("chinese", sep=""),
    "nbsp": lambda: restyled(lambda n: RAW_MARKERS[n - 1], sep="\u00a0"),
    "tab": lambda: restyled(lambda n: RAW_MARKERS[n - 1], sep="\t"),
    "ideographic_space": lambda: restyled(lambda n: RAW_MARKERS[n - 1], sep="\u3000"),
    "roman_lower": lambda: restyled(lambda n: RAW_MARKERS[n - 1].lower()),
    "all_arabic": lambda: restyled("arabic"),
    "indented": lambda: build([("   " + m, rest) for m, rest in pieces().items]),
    "trailing_spaces": lambda: bare().replace("\n", "  \n"),
    "wrapped_40": lambda: wrapped(bare(), 40),
    "blank_line_paragraphs": lambda: bare().replace("\n", "\n\n"),  # blocks, nothing wrapped
    "blank_after_addressee": lambda: blank_after(bare(), "Construction Corps:\n"),
    "blank_after_title": lambda: blank_after(blank_after(bare(), "Asset Risk\n"), "the full text:\n"),
}


def blank_after(text: str, anchor: str) -> str:
    """``text`` with a blank line after the first ``anchor``."""
    at = text.index(anchor) + len(anchor)
    return text[:at] + "\n" + text[at:]


@pytest.fixture(params=SEED_NAMES)
def seed_name(request) -> str:
    return request.param


@contextmanager
def time_limit(seconds: float):
    """Fail (TimeoutError) if the block runs longer than ``seconds``: a hang guard for
    catastrophic regex backtracking. A no-op where SIGALRM does not exist."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def _raise(signum, frame):
        raise TimeoutError(f"parse took longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_regnotice(*args: str, cwd: Path | None = None, stdin: str | None = None, timeout: float = 120, limit_mb: int | None = None):
    """``python -m regnotice ARGS`` in a real process (text I/O in UTF-8), optionally under
    an address-space limit of ``limit_mb``."""
    import os
    import resource
    import subprocess
    import sys

    def limits() -> None:
        if limit_mb:
            resource.setrlimit(resource.RLIMIT_AS, (limit_mb << 20, limit_mb << 20))

    return subprocess.run(
        [sys.executable, "-m", "regnotice", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        input=stdin,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        preexec_fn=limits,
    )
