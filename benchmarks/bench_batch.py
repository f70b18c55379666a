"""Batch screening of big files: ``regnotice screen --input`` against a Polars pipeline,
on CSV and Parquet, wall time and peak RSS, each run a fresh process.

The files: synthetic company names (the generator of ``bench_screen.py``, seeded; about
1% hold a term, and 4% hold the anchor "rwa" of "Forward"), ``id,name`` with the names
quoted, 1 M and 4 M rows (38 and 155 MB), and Parquet copies written by pyarrow. They
are generated into a temp folder and deleted afterwards.

For each file, in rounds, interleaved:

(a) polars: ``pl.scan_csv(F).filter(pl.col("name").str.contains(REGEX)).sink_ndjson(O)``
    (``scan_parquet`` for Parquet), REGEX the screener's own pattern (``Screener.pattern``)
    with its look-arounds rewritten for Rust's regex, case-insensitive: it finds the same
    names, but those a folding finds (full-width letters, look-alikes), which the script
    counts and prints;
(b) ``regnotice screen --input F -o O`` (the real CLI: pyarrow where it reads exactly);
(c) ``REGNOTICE_BATCH_READER=careful regnotice screen --input F -o O``: the careful
    reader alone, the baseline of before (CSV only).

Printed: the median wall time, its ratio to polars (the median of the rounds' ratios),
the peak RSS (the largest of the rounds: ``os.wait4`` of each process, from a small
helper process, see ``bench_screen.peak_rss``), and the rows each flagged, and whether
regnotice's rows and polars' agree. Garbage collector on; no assertion on time.

    python benchmarks/bench_batch.py                           # 1 M and 4 M rows, 3 rounds: about 3 minutes
    python benchmarks/bench_batch.py --rows 200000 --rounds 1  # quick
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_screen import peak_rss, write_csv  # noqa: E402

from regnotice.screening import screener  # noqa: E402

_POLARS = """
import sys, polars as pl
kind, source, regex, out = sys.argv[1:5]
scan = pl.scan_csv(source) if kind == "csv" else pl.scan_parquet(source)
scan.filter(pl.col("name").str.contains(regex)).sink_ndjson(out)
"""


def polars_regex() -> str:
    """The screener's pattern for Rust's regex: no look-arounds (a boundary is matched,
    not looked at: the same rows match), ``\\uXXXX`` as ``\\x{XXXX}``, case-insensitive."""
    pattern = screener("name").pattern.pattern
    pattern = re.sub(r"\(\?<!(\[[^\]]*\])\)\(\?<!(\[[^\]]*\])\)", lambda m: f"(?:^|[^{m[1][1:-1]}{m[2][1:-1]}])", pattern)
    pattern = re.sub(r"\(\?!(\[[^\]]*\])\)\(\?!(\[[^\]]*\])\)", lambda m: f"(?:$|[^{m[1][1:-1]}{m[2][1:-1]}])", pattern)
    pattern = re.sub(r"\(\?<!(\[[^\]]*\])\)", lambda m: f"(?:^|[^{m[1][1:-1]}])", pattern)
    pattern = re.sub(r"\(\?!(\[[^\]]*\])\)", lambda m: f"(?:$|[^{m[1][1:-1]}])", pattern)
    pattern = re.sub(r"\(\?=(\[[^\]]*\])\)\.", r"\1", pattern)
    pattern = re.sub(r"\\u([0-9a-fA-F]{4})", r"\\x{\1}", pattern)
    if "(?<" in pattern or "(?=" in pattern or "(?!" in pattern:
        raise SystemExit(f"a look-around is left in the pattern for polars: {pattern}")
    return "(?i)" + pattern


def write_parquet(csv_path: Path, path: Path) -> None:
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    reader = pcsv.open_csv(csv_path, convert_options=pcsv.ConvertOptions(column_types={"id": "int64", "name": "string"}))
    with pq.ParquetWriter(path, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)


def flagged_ids(path: Path, key: str) -> set[int]:
    """The ids of the rows an output holds: polars writes the rows (``id``); regnotice
    its records, ``line`` (CSV: the id plus 2) or ``row`` (Parquet: the id plus 1)."""
    ids = set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            ids.add(record["id"] if key == "id" else record["line"] - 2 if key == "line" else record["row"] - 1)
    return ids


def run(args: list[str], env: dict | None = None) -> tuple[float, float, int]:
    """(seconds, peak RSS in MiB, exit code) of a command in a fresh process."""
    if env:
        args = ["env", *[f"{k}={v}" for k, v in env.items()], *args]
    mib, seconds, code = peak_rss(args)  # ru_maxrss (KiB) / 1024
    return seconds, mib, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 4_000_000], help="rows of the files")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each command per file, interleaved")
    parser.add_argument("--no-careful", action="store_true", help="skip (c), the careful reader")
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder (and reuse them)")
    args = parser.parse_args()
    import polars
    import pyarrow

    print(f"Python {sys.version.split()[0]}, polars {polars.__version__}, pyarrow {pyarrow.__version__}, {os.cpu_count()} CPUs; {args.rounds} rounds")
    regex = polars_regex()
    cli = [sys.executable, "-m", "regnotice", "screen"]
    tmp = Path(tempfile.mkdtemp(prefix="bench_batch_")) if args.keep is None else args.keep
    tmp.mkdir(parents=True, exist_ok=True)
    rows_out = []
    try:
        for rows in args.rows:
            csv_path, pq_path = tmp / f"names_{rows}.csv", tmp / f"names_{rows}.parquet"
            if not csv_path.exists() or not pq_path.exists():
                t0 = time.perf_counter()
                write_csv(csv_path, rows)
                write_parquet(csv_path, pq_path)
                print(f"  wrote {csv_path.name} ({csv_path.stat().st_size / 1e6:.0f} MB) and {pq_path.name} ({pq_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s")
            for kind, source in (("csv", csv_path), ("parquet", pq_path)):
                out = tmp / "out.jsonl"
                commands = {
                    "polars": ([sys.executable, "-c", _POLARS, kind, str(source), regex, str(out)], None, "id"),
                    "regnotice": ([*cli, "--input", str(source), "-o", str(out)], None, "line" if kind == "csv" else "row"),
                }
                if kind == "csv" and not args.no_careful:
                    commands["careful"] = ([*cli, "--input", str(source), "-o", str(out)], {"REGNOTICE_BATCH_READER": "careful"}, "line")
                times: dict[str, list[float]] = {name: [] for name in commands}
                peaks: dict[str, float] = {name: 0.0 for name in commands}
                found: dict[str, set[int]] = {}
                for _ in range(args.rounds):
                    for name, (command, env, key) in commands.items():
                        seconds, peak, code = run(command, env)
                        if code not in (0, 1):
                            raise SystemExit(f"{name} exited {code}: {' '.join(command[:6])}")
                        times[name].append(seconds)
                        peaks[name] = max(peaks[name], peak)
                        if name not in found:
                            found[name] = flagged_ids(out, key)
                        out.unlink()
                base = times["polars"]
                print(f"{rows:>10,} rows, {kind}:")
                for name in commands:
                    ratio = statistics.median(t / b for t, b in zip(times[name], base))
                    wall = statistics.median(times[name])
                    print(f"    {name:<10} wall {wall:6.2f} s (min {min(times[name]):5.2f})  {ratio:5.2f}x polars  peak RSS {peaks[name]:6.1f} MiB  {len(found[name]):,} rows flagged")
                    rows_out.append((rows, kind, name, wall, ratio, peaks[name]))
                ours, theirs = found["regnotice"], found["polars"]
                if "careful" in found and found["careful"] != ours:
                    print("    !! the careful reader and the fast path flagged different rows")
                only = len(ours - theirs)
                print(
                    f"    rows: {'the same' if ours == theirs else 'not the same'}"
                    + (f" ({only:,} only regnotice's: full-width and look-alike letters, which it folds)" if only and not theirs - ours else f" ({len(theirs - ours):,} only polars')" if theirs - ours else "")
                )
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
