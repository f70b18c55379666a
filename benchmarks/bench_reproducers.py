"""The reproducers of the hardening issues, each in a fresh process: wall time and peak RSS.

    python benchmarks/bench_reproducers.py

Each case runs ``python -c CODE`` in its own process, with the baseline measured in the
same run: a process that builds the same input and does nothing with it. Garbage
collector on; no assertion: the figures are printed.
"""

from __future__ import annotations

import subprocess
import sys
import time

SEED = "import regnotice\nt = regnotice.load().text\n"
CASES = {
    "parse('To x ' * 100_000)": ("x = 'To x ' * 100_000", "import regnotice\ntry:\n    regnotice.parse(x)\nexcept regnotice.RegnoticeError:\n    pass"),
    "parse('To x ' * 200_000), 1 MB": ("x = 'To x ' * 200_000", "import regnotice\ntry:\n    regnotice.parse(x)\nexcept regnotice.RegnoticeError:\n    pass"),
    "80,000 spaces in a party, parse + extract": (
        SEED + "x = t.replace('Financial institutions', 'Financial' + ' ' * 80000 + 'institutions', 1)",
        "regnotice.extract(regnotice.parse(x))",
    ),
    "16 MB on one line": ("x = 'x' * 16_000_000", "import regnotice\ntry:\n    regnotice.parse(x)\nexcept regnotice.RegnoticeError:\n    pass"),
    "100,000 one-sentence items (token budget)": (
        "x = 'To all banks:\\n' + '(1) a.\\n' * 100_000",
        "import regnotice\ntry:\n    regnotice.parse(x)\nexcept regnotice.RegnoticeError:\n    pass",
    ),
    "9-level YAML alias bomb": (
        "x = 'a: &a [x,x,x,x,x,x,x,x,x]\\n' + ''.join(f'{c}: &{c} [' + ','.join([f'*{p}'] * 9) + ']\\n' for p, c in zip('abcdefgh', 'bcdefghi'))",
        "import regnotice.rules_io as r\ntry:\n    r.load_rules_text(x, 'bomb.yaml')\nexcept Exception:\n    pass",
    ),
    "rule file with 40,000 unknown keys": (
        "x = 'notice: x\\nrules: []\\n' + ''.join(f'k{i}: 1\\n' for i in range(40000))",
        "import regnotice.rules_io as r\ntry:\n    r.load_rules_text(x, 'keys.yaml')\nexcept Exception:\n    pass",
    ),
    "'<a' x 100,000 (HTML)": ("x = '<html><body>' + '<a' * 100_000", "import regnotice\ntry:\n    regnotice.page_text(x)\nexcept regnotice.RegnoticeError:\n    pass"),
    "'<!--x>' x 40,000 (HTML)": ("x = '<html><body>' + '<!--x>' * 40_000", "import regnotice\ntry:\n    regnotice.page_text(x)\nexcept regnotice.RegnoticeError:\n    pass"),
    "check 5,000 unknown actions": (
        SEED + "x = [{'actor': 'bank', 'actions': [f'zq{i}x']} for i in range(5000)]\nr = regnotice.extract(regnotice.load())",
        "for a in x:\n    try:\n        regnotice.check(r, a)\n    except regnotice.RegnoticeError:\n        pass",
    ),
}


def run(code: str) -> tuple[float, float]:
    """Wall time of a fresh process running ``code``, and its own peak RSS in MB."""
    start = time.perf_counter()
    tail = "\nimport resource as _r\nprint(_r.getrusage(_r.RUSAGE_SELF).ru_maxrss)\n"
    proc = subprocess.run([sys.executable, "-c", code + tail], capture_output=True, text=True, timeout=600)
    took = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(proc.stderr[-2000:])
    return took, int(proc.stdout.split()[-1]) / 1024


def main() -> None:
    print(f"{'case':<44}{'s':>8}{'base s':>8}{'peak MB':>9}")
    for name, (build, work) in CASES.items():
        base, _ = run(build)
        took, peak = run(build + "\n" + work)
        print(f"{name:<44}{took:>8.2f}{base:>8.2f}{peak:>9.0f}")


if __name__ == "__main__":
    main()
