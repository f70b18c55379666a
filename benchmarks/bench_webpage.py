"""HTML page -> text: the NDRC's saved page of Fagai Yunxing [2021] No. 1283 (22 kB) and
copies of it concatenated to about 100 kB and 1 MB, median of 20 runs, gc on.

    python benchmarks/bench_webpage.py

Baseline in the same run: the standard library's HTMLParser fed the same page with no
handlers (the floor of any reader built on it).
"""

from __future__ import annotations

import statistics
import time
from html.parser import HTMLParser
from pathlib import Path

from regnotice.webpage import page_text

PAGE = Path(__file__).resolve().parents[2] / "shared" / "external" / "ndrc-2021-1283-zh.html"


def median_ms(fn, runs: int = 20) -> float:
    fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return statistics.median(out)


def main() -> None:
    html = PAGE.read_text(encoding="utf-8")
    for copies in (1, 5, 45):
        page = html * copies
        ms = median_ms(lambda: page_text(page))
        floor = median_ms(lambda: HTMLParser().feed(page))
        print(f"{len(page) / 1000:6.0f}k chars ({len(page.encode()) / 1000:5.0f} kB)  page_text {ms:7.2f} ms   bare HTMLParser {floor:7.2f} ms")


if __name__ == "__main__":
    main()
