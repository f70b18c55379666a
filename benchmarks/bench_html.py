"""Render time of the annotated HTML view (regnotice.html), with its baselines.

    python benchmarks/bench_html.py            # about 15 seconds; -n 50 for more runs

Prints medians and fastest runs, garbage collector on; no assertion on time.

(a) In-process, the bundled notice already parsed and extracted (as a second page of the
    same notice would be): the whole page; its two phases (the walk over the span
    boundaries with coverage and matrix, then the Jinja2 template); and, as the baseline
    in the same run, the same template with no marks (the notice as plain paragraphs,
    the matrix and coverage as before). Also ``regnotice.parse`` and parse + extract of
    the same notice, for scale.
(b) Cold processes: ``regnotice html --out DIR`` against ``regnotice parse FILE`` (the
    same notice parsed and printed as JSON), interleaved.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import regnotice
import regnotice.html as view
from regnotice._extract import extract_rules
from regnotice.bundled import bundled_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_f9843fba284d51a1.txt"


sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_extract import timed  # noqa: E402  (ms of each of n calls, collector on)


def line(label: str, ms: list[float]) -> None:
    print(f"  {label:<52} {statistics.median(ms):8.2f} ms  {min(ms):8.2f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=30, help="runs in process (default 30)")
    ap.add_argument("--cold", type=int, default=5, help="cold runs of each command (default 5)")
    args = ap.parse_args()

    notice = regnotice.load()
    page = view.page(notice)  # warm-up: the grammars, the extraction (cached), the template
    env = view._environment()
    template = env.get_template("notice.html.j2")
    context, _ = view._context(notice)
    bare, _ = view._context(notice, marks=False)
    bare_html = template.render(bare)
    text = bundled_text()

    print(f"(a) the bundled notice ({len(notice.text):,} chars, {page.rules} rules, {page.parts} parts), {args.n} runs, median and fastest:")
    print(f"    page {len(page.html):,} bytes; with no marks {len(bare_html):,} bytes")
    line("page(notice): the whole page", timed(lambda: view.page(notice), args.n))
    line("  the walk, coverage and matrix (_context)", timed(lambda: view._context(notice), args.n))
    line("  the template alone", timed(lambda: template.render(context), args.n))
    line("baseline: the same template with no marks", timed(lambda: template.render(view._context(notice, marks=False)[0]), args.n))
    line("  of which the template alone", timed(lambda: template.render(bare), args.n))
    line("for scale: regnotice.parse (the seed page)", timed(lambda: regnotice.parse(text), args.n))
    line("for scale: parse + extract", timed(lambda: extract_rules(regnotice.parse(text)), max(5, args.n // 3)))

    print(f"\n(b) cold processes, {args.cold} runs each, interleaved, median and fastest:")
    exe = [sys.executable, "-m", "regnotice"]
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "regnotice html --out DIR": exe + ["html", "--out", tmp],
            "regnotice parse FILE (baseline)": exe + ["parse", str(SEED)],
        }
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(args.cold):
            for label, cmd in commands.items():
                start = time.perf_counter()
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[label].append((time.perf_counter() - start) * 1000)
        for label, ms in times.items():
            line(label, ms)


if __name__ == "__main__":
    main()
