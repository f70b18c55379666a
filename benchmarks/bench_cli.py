"""Cold start of the CLI: a fresh process per run.

Compares ``regnotice clause IX`` (through ``python -m regnotice`` and through the
console script), ``rules --clause IX``, ``screen TEXT`` and ``check FILE`` against a minimal typer app with one subcommand that prints a constant
(the floor any typer CLI pays), plus bare ``python -c pass`` for reference. The
commands are interleaved (one run of each, N rounds) so drift hits all alike; one
untimed warm-up round first compiles the bytecode caches.

    python benchmarks/bench_cli.py [-n 20]

No asserts on time: this prints numbers, the tests check behaviour.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINIMAL_APP = '''\
import typer

app = typer.Typer(add_completion=False)


@app.callback()
def main() -> None:
    """A minimal typer app."""


@app.command()
def clause(ref: str) -> None:
    print("constant")


if __name__ == "__main__":
    app()
'''


def console_script() -> str | None:
    beside = Path(sys.executable).parent / ("regnotice.exe" if os.name == "nt" else "regnotice")
    return str(beside) if beside.exists() else shutil.which("regnotice")


def run_once(cmd: list[str], cwd: str) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} exited {proc.returncode}: {proc.stderr.decode(errors='replace')}")
    return elapsed


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=20, help="runs per command (default 20)")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        app_file = Path(tmp) / "minimal_typer_app.py"
        app_file.write_text(MINIMAL_APP, encoding="utf-8")
        activity = Path(tmp) / "activity.yaml"
        activity.write_text("- actor: bank\n  actions: [account-opening]\n", encoding="utf-8")
        commands: dict[str, list[str]] = {
            "python -m regnotice clause IX": [sys.executable, "-m", "regnotice", "clause", "IX"],
            "python -m regnotice rules --clause IX": [sys.executable, "-m", "regnotice", "rules", "--clause", "IX"],
            "python -m regnotice screen TEXT": [sys.executable, "-m", "regnotice", "screen", "Acme Plain Trading Ltd"],
            "python -m regnotice check FILE": [sys.executable, "-m", "regnotice", "check", str(activity)],
        }
        script = console_script()
        if script:
            commands["regnotice clause IX (console script)"] = [script, "clause", "IX"]
        else:
            print("(console script 'regnotice' not found: skipped)")
        commands["minimal typer app: clause IX"] = [sys.executable, str(app_file), "clause", "IX"]
        commands["python -c pass"] = [sys.executable, "-c", "pass"]

        for cmd in commands.values():  # warm-up: bytecode caches
            run_once(cmd, tmp)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.n):
            for name, cmd in commands.items():
                times[name].append(run_once(cmd, tmp))

    import typer

    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}; typer {typer.__version__}; {os.cpu_count()} CPUs")
    print(f"cold start, {args.n} runs each, interleaved, after one warm-up round\n")
    floor = statistics.median(times["minimal typer app: clause IX"])
    width = max(map(len, times))
    print(f"    {'command':<{width}}  {'median ms':>9}  {'min ms':>7}  {'max ms':>7}  {'vs minimal typer':>16}")
    print(f"    {'-' * width}  {'-' * 9}  {'-' * 7}  {'-' * 7}  {'-' * 16}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"    {name:<{width}}  {med * 1e3:>9.1f}  {min(ts) * 1e3:>7.1f}  {max(ts) * 1e3:>7.1f}  {med / floor:>15.2f}x")


if __name__ == "__main__":
    main()
