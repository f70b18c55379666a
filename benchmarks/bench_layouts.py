"""Parse time of big and real-layout inputs, against a baseline measured in the same run.

The baseline is the floor of any parser of the text: reading every line once
(``str.splitlines``) and matching one cheap regex at each line start. The ratio shows
how far the parse is from it, and whether it stays flat as the input grows (linear).

Inputs: one huge item; many short items; a title and prose with no notice (refused);
a single line (refused); the real pages of ../shared/external when they are beside the
checkout.

    python benchmarks/bench_layouts.py [--scale 1]

GC on, as users run. No asserts on time.
"""

from __future__ import annotations

import argparse
import gc
import re
import time
from pathlib import Path

import regnotice
from regnotice.errors import RegnoticeError

EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "external"
_LINE_START = re.compile(r"[ \t]*[(（\dA-Z]")


def baseline(text: str) -> None:
    for line in text.splitlines():
        _LINE_START.match(line)


def parse(text: str) -> str:
    try:
        notice = regnotice.parse(text)
    except RegnoticeError as exc:
        return type(exc).__name__
    return f"{len(notice.clauses)} items"


def timed(fn, text: str) -> tuple[float, str]:
    gc.collect()
    t0 = time.perf_counter()
    out = fn(text)
    return time.perf_counter() - t0, out


def inputs(scale: int):
    head = "To all banks:\nThe matters are notified as follows:\n"
    end = "This notice shall take effect upon issuance.\n"
    for mb in (1, 2, 4):
        n = mb * scale
        yield f"one huge item {n} MB", head + "(1) " + "Virtual currency shall not circulate. " * (26000 * n) + "\n" + end
    for k in (10_000, 25_000, 37_000, 100_000):  # 100,000 items are over the token budget (grammar.MAX_TOKENS): refused
        k *= scale
        yield f"{k:,} items", head + "".join(f"({i % 999 + 1}) Banks shall not trade.\n" for i in range(k)) + end
    yield "title and prose, no notice", "Notice of the Bank on Risks\n" + "Some prose here without end\n" * (100_000 * scale)
    yield "one line of 5 MB", "x " * (2_500_000 * scale)
    if EXTERNAL.exists():
        for path in sorted(EXTERNAL.iterdir()):
            if path.name != "README.md":
                yield path.name, path.read_text(encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=1)
    args = ap.parse_args()
    regnotice.parse("To all:\n(1) Do a.\n")  # load the parser first
    print(f"{'input':42s} {'MB':>6s} {'parse s':>9s} {'baseline s':>11s} {'x base':>8s} {'us/kB':>7s}  result")
    for name, text in inputs(args.scale):
        base, _ = timed(baseline, text)
        took, out = timed(parse, text)
        kb = len(text.encode()) / 1e3
        print(f"{name:42s} {kb / 1e3:6.2f} {took:9.3f} {base:11.4f} {took / max(base, 1e-9):8.0f} {took * 1e6 / kb:7.1f}  {out}")


if __name__ == "__main__":
    main()
