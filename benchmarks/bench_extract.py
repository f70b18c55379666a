"""Parse + extract speed: one notice in-process, and k distinct notices (linearity).

    python benchmarks/bench_extract.py

Prints medians; no assertion on time. Each of the k notices gets its own title line, so
none is skipped as a duplicate copy.
"""

from __future__ import annotations

import statistics
import time

import regnotice
from regnotice._extract import extract_rules


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    notice = regnotice.load()
    page = notice.text
    first_line_end = page.index("\n")
    extract_rules(notice)  # warm-up: builds and caches the grammars

    parse_ms = timed(lambda: regnotice.parse(page), 30)
    extract_ms = timed(lambda: extract_rules(notice), 30)
    both_ms = timed(lambda: extract_rules(regnotice.parse(page)), 30)
    print(f"one notice ({len(page):,} chars, {len(extract_rules(notice).rules)} rules), 30 runs (median, fastest):")
    for label, ms in (("parse", parse_ms), ("extract", extract_ms), ("parse + extract", both_ms)):
        print(f"  {label:<16} {statistics.median(ms):7.2f} ms  {min(ms):7.2f} ms")
    print()
    print(f"  {'notices':>7}  {'total ms':>10}  {'ms/notice':>9}  {'vs 1x':>6}")
    base = None
    for k in (1, 10, 100):
        text = "\n".join(f"Notice copy number {i}" + page[first_line_end:] for i in range(k))
        runs = 5 if k < 100 else 2
        total = statistics.median(timed(lambda text=text: [extract_rules(n) for n in regnotice.parse_all(text)], runs))
        per = total / k
        base = base or per
        print(f"  {k:>7}  {total:>10.1f}  {per:>9.2f}  {per / base:>6.2f}")


if __name__ == "__main__":
    main()
