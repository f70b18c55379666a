"""Accuracy of check (and describe) on a folder of scenario files, such as held-out cases.

    python benchmarks/eval_scenarios.py DIR [--text]

Each file is a scenario in the format of tests/cases/ (``activity`` and/or ``text``, and
``expect.outcome``). By default the ``activity`` is checked; with ``--text`` the ``text`` is
read by ``describe`` first. Prints one line per file (OK, MISS with the verdict, ERR with the
error, NOACT when a description names no actor) and the count of right outcomes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

import regnotice


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--text", action="store_true", help="read each scenario's text with describe")
    args = parser.parse_args()
    notice = regnotice.load()
    right = total = 0
    for path in sorted(args.folder.glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(case, dict) or "expect" not in case or ("text" if args.text else "activity") not in case:
            continue
        total += 1
        want = case["expect"]["outcome"]
        try:
            if args.text:
                described = regnotice.describe(case["text"])
                if described.activity is None:
                    print(f"NOACT {path.name}: needs {', '.join(described.needs)}")
                    continue
                activity = described.activity
            else:
                activity = case["activity"]
            verdict = regnotice.check(notice, activity)
        except regnotice.RegnoticeError as exc:
            print(f"ERR   {path.name}: {type(exc).__name__}: {str(exc)[:120]}")
            continue
        ok = verdict.outcome == want
        right += ok
        fired = ", ".join(r.marker for r in verdict.fired)
        print(f"{'OK   ' if ok else 'MISS '} {path.name}: {verdict.outcome} ({fired}), expected {want}")
    print(f"{right} of {total} outcomes right")


if __name__ == "__main__":
    main()
