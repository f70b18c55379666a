"""Fuzzing every entry point at scale: escapes, the slowest input, peak memory.

    python benchmarks/bench_hostile.py [--count 100000] [--entry parse ...]

Each entry point runs in its own process (so its peak RSS is its own) on ``--count``
seeded inputs (files and command lines: a tenth of it), and reports:

- escapes: exceptions that are not a ``RegnoticeError`` (the target is 0);
- the slowest input, in ms, and what it was (the target is under 1 s); inputs are up to
  about 100 kB (the linear cost of big inputs up to the caps is bench_layouts.py's);
- peak RSS of the process, in MB (the target is under 500 MB for any input under the cap).

Inputs: random text from an alphabet of markers, punctuation, whitespace of every kind,
CJK and control characters; the bundled notice with random edits (bench_robust.mutate);
random YAML-ish text and edited rule files; random activities (bench_robust.random_activity);
random CSV/TSV bytes in every encoding; random command lines.

A baseline is measured in the same run: ``str.split`` over the same inputs, so the
slowest figure can be read against the cost of touching the input at all.
Garbage collector on; no assertion: the figures are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_robust import measure, mutate, random_activity  # noqa: E402

import regnotice  # noqa: E402

ALPHABET = list("(（)）IVXivx0123456789一二三十、。，；：.,;: \t\n\r\u3000\u2003\u200b\u2028\u2029\x0b\x00\"“”《》[]{}-*&!|>#'") + [
    "To ", "Notice", "(1) ", "(I) ", "一、", "（一）", "may not ", "shall ", "except for ", "Without the approval of ",
    "This notice shall enter into force upon issuance.", "Yinfa [2026] No. 42", "银发〔2026〕42号", "\n\n",
]  # fmt: skip
ENTRIES = ("parse", "load_rules", "check", "describe", "screen", "screen_file", "cli")


def random_text(rnd: random.Random) -> str:
    n = rnd.choice((0, 1, 5, 20, 80, 300))
    text = "".join(rnd.choice(ALPHABET) for _ in range(n))
    if rnd.random() < 0.02:
        text = text * rnd.choice((30, 100))  # long repeats (up to about 100 kB): the shapes that backtrack
    return text


def inputs(entry: str, rnd: random.Random, count: int):
    notice = regnotice.load().text
    if entry == "parse":
        for i in range(count):
            yield mutate(notice, rnd) if i % 50 == 0 else random_text(rnd)
    elif entry == "load_rules":
        from regnotice.rules_io import dump_rules

        rules = dump_rules(regnotice.extract(regnotice.load()))
        lines = rules.splitlines(keepends=True)
        for i in range(count):
            if i % 20 == 0:
                cut = rnd.randrange(len(lines))
                yield "".join(lines[:cut] + [random_text(rnd) + "\n"] + lines[cut + rnd.randint(0, 3) :])
            else:
                yield random_text(rnd).replace("\t", "  ") + rnd.choice(("", ": x", "\n- a: &x [*x]", "\n" + "[" * rnd.randint(1, 400)))
    elif entry == "check":
        for _ in range(count):
            yield random_activity(rnd)
    elif entry in ("describe", "screen"):
        for _ in range(count):
            yield random_text(rnd)
    elif entry == "screen_file":
        for _ in range(count):
            text = random_text(rnd)
            header = rnd.choice(("name", "id,name", "name;scope", "name\tx", "name,name", ""))
            body = (header + "\n" + text).encode(rnd.choice(("utf-8", "utf-16", "cp1252", "gb18030")), "replace")
            yield body, rnd.choice((".csv", ".tsv", ".jsonl"))
    elif entry == "cli":
        words = ["parse", "rules", "coverage", "check", "screen", "validate", "clause", "search", "agency", "-", "-f", "json", "yaml",
                 "--kind", "--agency", "-i", "--field", "9", "IX", "--help", "-o"]  # fmt: skip
        for _ in range(count):
            yield [rnd.choice(words) if rnd.random() < 0.7 else random_text(rnd)[:10] for _ in range(rnd.randint(0, 5))]


def call(entry: str):
    if entry == "parse":
        return lambda text: regnotice.extract(regnotice.parse(text))
    if entry == "load_rules":
        from regnotice.rules_io import load_rules_text

        return load_rules_text
    if entry == "check":
        rules = regnotice.extract(regnotice.load())
        return lambda activity: regnotice.check(rules, activity)
    if entry == "describe":
        return regnotice.describe
    if entry == "screen":
        return regnotice.screen
    if entry == "screen_file":
        from regnotice.screening import screen_file

        folder = Path(tempfile.mkdtemp())

        def one(item):
            body, suffix = item
            path = folder / f"in{suffix}"
            path.write_bytes(body)
            return screen_file(path, folder / "out.jsonl", report=lambda message: None, on_error="skip")

        return one
    if entry == "cli":
        from typer.testing import CliRunner

        from regnotice.cli import app

        runner = CliRunner()
        os.chdir(tempfile.mkdtemp())  # a command line may write an output file (-o): not into the checkout

        def one(argv):
            result = runner.invoke(app, argv, input="")
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                raise result.exception
            if result.exit_code not in (0, 1, 2, 3) or "Traceback" in result.output:
                raise AssertionError(f"exit {result.exit_code}: {result.output[-200:]}")

        return one
    raise ValueError(entry)


def run_one(entry: str, count: int, seed: int) -> dict:
    if entry in ("screen_file", "cli"):
        count = max(1, count // 10)
    fn = call(entry)
    baseline = time.perf_counter()  # the same inputs, made and split: the cost of touching them at all
    for item in inputs(entry, random.Random(seed), count):
        str(item).split()
    baseline = time.perf_counter() - baseline
    start = time.perf_counter()
    slowest, escapes, example, item, n = measure(fn, inputs(entry, random.Random(seed), count))  # made one at a time
    slowest_item = f"{str(item)[:60]!r} ({len(str(item)):,} chars)"
    total = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "entry": entry, "inputs": n, "escapes": escapes, "example": example, "slowest_ms": round(slowest * 1000, 1),
        "slowest": slowest_item, "total_s": round(total, 1), "baseline_s": round(baseline, 3), "peak_mb": round(peak),
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--entry", action="append", choices=ENTRIES)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.count, args.seed)))
        return
    print(f"{'entry':<12}{'inputs':>9}{'escapes':>9}{'slowest ms':>12}{'total s':>9}{'split s':>9}{'peak MB':>9}  slowest input")
    for entry in args.entry or ENTRIES:
        proc = subprocess.run(
            [sys.executable, __file__, "--one", entry, "--count", str(args.count), "--seed", str(args.seed)], capture_output=True, text=True
        )
        if proc.returncode:
            print(f"{entry:<12} failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{entry:<12}{r['inputs']:>9,}{r['escapes']:>9}{r['slowest_ms']:>12}{r['total_s']:>9}{r['baseline_s']:>9}{r['peak_mb']:>9}  {r['slowest']}")
        if r["example"]:
            print(f"{'':<12}escape: {r['example']}")


if __name__ == "__main__":
    main()
