"""Screening speed and batch memory (regnotice.screen).

(a) names/s: one call per name over synthetic company names (seeded; ~1% hold a term),
    the compiled screener against the naive baseline
    ``any(t in name.lower() for t in terms)``, in the same run.
(b) false positives of both on the look-alike corpus of tests/test_screen.py, and how
    many of the spelling variants each finds.
(c) batch: peak RSS of ``regnotice screen --file F.csv --out R.jsonl`` (a subprocess,
    measured with os.wait4) on a small and a large CSV, and their ratio. The files are
    generated into a temp folder and deleted afterwards.

    python benchmarks/bench_screen.py                       # about 2 minutes
    python benchmarks/bench_screen.py --names 200000 --rows 100000 400000   # quick
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import regnotice  # noqa: E402
from regnotice.screening import screener  # noqa: E402
from test_screen import LOOKALIKES, VARIANTS  # noqa: E402

PLACES = "Shanghai Beijing Shenzhen Hangzhou Chengdu Wuhan Nanjing Suzhou Xiamen Qingdao Tianjin Dalian Hong Kong Macau Singapore London Berlin Paris Madrid Oslo Zurich Boston Austin Denver Toronto Sydney Auckland Nairobi Lagos Cairo Dubai Mumbai Delhi Osaka Seoul".split()
SURNAMES = "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Smith Jones Brown Miller Garcia Martin Keller Novak Silva Rossi Dubois Tanaka Kim Patel Singh".split()
CORES = "Trading Technology Software Consulting Foods Logistics Capital Energy Media Health Education Textiles Machinery Electronics Chemicals Construction Real Estate Hospitality Agriculture Retail Fashion Design Printing Packaging Furniture Auto Parts Travel Security Biotech Pharma Mining Steel Paper Glass Water Green Solar Wind Marine Aviation Forward Digital Cloud Data Network Asset Management Investment Advisory Insurance Coffee Tea Wine Beverage Sports Games Toys".split()
SUFFIXES = ["Co., Ltd.", "Ltd", "Limited", "LLC", "Inc.", "GmbH", "S.A.", "Pte. Ltd.", "Holdings", "Group", "Partners", "Company", "Corp."]
TERM_SPELLINGS = [v[0] for v in VARIANTS]


def synthetic_name(rng: random.Random, term_rate: float = 0.01) -> str:
    head = rng.choice(PLACES) if rng.random() < 0.6 else rng.choice(SURNAMES)
    words = [head] + rng.sample(CORES, rng.randint(1, 3))
    if rng.random() < term_rate:
        words.insert(rng.randint(1, len(words)), rng.choice(TERM_SPELLINGS).replace("\n", " "))
    return " ".join(words) + " " + rng.choice(SUFFIXES)


def rate(fn, names: list[str], runs: int) -> float:
    """Best names/s over ``runs`` loops of one call per name."""
    best = 0.0
    for _ in range(runs):
        t0 = time.perf_counter()
        for name in names:
            fn(name)
        best = max(best, len(names) / (time.perf_counter() - t0))
    return best


def bench_names(count: int, runs: int) -> None:
    rng = random.Random(20260042)
    names = [synthetic_name(rng) for _ in range(count)]
    s = screener("name")
    terms = [t.lower() for t in s.terms]

    def naive(name: str) -> bool:
        return any(t in name.lower() for t in terms)

    screen = s.screen
    flagged = sum(1 for n in names if screen(n))
    naive_flagged = sum(1 for n in names if naive(n))
    anchored = sum(1 for n in names if n.isascii() and any(a in n.lower() for a in s.anchors))
    print(f"(a) {count:,} synthetic names, one call per name, best of {runs} (seed 20260042)")
    print(f"    names with an anchor (take the slow path): {anchored:,} ({anchored / count:.1%})")
    print(f"    flagged: screener {flagged:,} ({flagged / count:.2%}); naive {naive_flagged:,}")
    results = [
        ("naive any(t in name.lower() for t in terms)", rate(naive, names, runs)),
        ("Screener.screen (screener('name').screen)", rate(screen, names, runs)),
        ("regnotice.screen(name)", rate(regnotice.screen, names, runs)),
    ]
    base = results[0][1]
    for label, value in results:
        print(f"    {label:<46} {value / 1e6:6.2f} M names/s  ({value / base:4.2f}x naive)")


def bench_false_positives() -> None:
    s = screener("name")
    terms = [t.lower() for t in s.terms]
    naive_fp = [n for n in LOOKALIKES if any(t in n.lower() for t in terms)]
    screener_fp = [n for n in LOOKALIKES if s.screen(n)]
    found = sum(1 for text, _, _ in VARIANTS if s.screen(text))
    naive_found = sum(1 for text, _, _ in VARIANTS if any(t in text.lower() for t in terms))
    print(f"(b) look-alike corpus, {len(LOOKALIKES)} clean names: false positives screener {len(screener_fp)}, naive {len(naive_fp)}")
    print(f"    spelling variants found ({len(VARIANTS)} in all): screener {found}, naive {naive_found}")


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(rows)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("id,name\n")
        chunk = []
        for i in range(rows):
            chunk.append(f'{i},"{synthetic_name(rng)}"\n')
            if len(chunk) == 50000:
                fh.writelines(chunk)
                chunk.clear()
        fh.writelines(chunk)


# Linux keeps a process's peak RSS across fork and exec, so a child forked from this
# process (which holds a million names) would report at least this process's size. A
# small helper process starts the command and reports the command's own peak.
_HELPER = """
import os, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(usage.ru_maxrss, time.perf_counter() - t0, os.waitstatus_to_exitcode(status))
"""


def peak_rss(args: list[str]) -> tuple[float, float, int]:
    """(peak RSS in MB, seconds, exit code) of a command, run by a small helper process."""
    out = subprocess.run([sys.executable, "-c", _HELPER, *args], capture_output=True, text=True, check=True).stdout
    kb, seconds, code = out.split()
    return int(kb) / 1024, float(seconds), int(code)


def bench_batch(sizes: list[int]) -> None:
    print(f"(c) batch: {sys.executable} -m regnotice screen --file F.csv --out R.jsonl (peak RSS of the process)")
    with tempfile.TemporaryDirectory(prefix="bench_screen_") as tmp:
        floor, seconds, _ = peak_rss([sys.executable, "-c", "pass"])
        print(f"    {'python -c pass (floor)':<36} peak RSS {floor:7.1f} MB  {seconds:6.1f} s")
        base, seconds, _ = peak_rss([sys.executable, "-m", "regnotice", "screen", "Acme Ltd"])
        print(f"    {'regnotice screen TEXT (start-up)':<36} peak RSS {base:7.1f} MB  {seconds:6.1f} s")
        peaks = []
        for rows in sizes:
            csv_path = Path(tmp) / f"names_{rows}.csv"
            out = Path(tmp) / f"out_{rows}.jsonl"
            write_csv(csv_path, rows)
            mb = csv_path.stat().st_size / 1e6
            rss, seconds, code = peak_rss([sys.executable, "-m", "regnotice", "screen", "--file", str(csv_path), "--out", str(out)])
            with open(out, encoding="utf-8") as fh:
                flagged = sum(1 for _ in fh)
            peaks.append(rss)
            print(
                f"    {rows:>10,} rows ({mb:6.1f} MB)          peak RSS {rss:7.1f} MB  {seconds:6.1f} s  "
                f"{rows / seconds / 1e3:6.0f} k rows/s  exit {code}, {flagged:,} rows flagged"
            )
            csv_path.unlink()
            out.unlink()
        if len(peaks) == 2:
            print(f"    peak RSS ratio {sizes[1] // sizes[0]}x rows: {peaks[1] / peaks[0]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=1_000_000, help="synthetic names for (a)")
    parser.add_argument("--runs", type=int, default=3, help="timed loops per function in (a)")
    parser.add_argument("--rows", type=int, nargs=2, default=[1_000_000, 4_000_000], help="CSV sizes for (c)")
    parser.add_argument("--skip-batch", action="store_true", help="skip (c)")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]} on {sys.platform}")
    bench_names(args.names, args.runs)
    bench_false_positives()
    if not args.skip_batch:
        bench_batch(args.rows)


if __name__ == "__main__":
    main()
