"""Cold start of the CLI: a fresh process per run.

Compares ``regnotice clause IX`` (through ``python -m regnotice`` and through the
console script), ``rules --clause IX``, ``screen "Acme Stablecoin Ltd"`` (a hit: exit
1) and ``check FILE`` against a minimal typer app with one subcommand that prints a
constant (the floor any typer CLI pays). For reference: the floor of ``check FILE`` on
this stack (that app reading the YAML file with PyYAML and validating each activity
with a pydantic model), and bare ``python -c pass``. The commands are interleaved (one
run of each, N rounds) so drift hits all alike; one untimed warm-up round first
compiles the bytecode caches (into a folder of the run, whatever
``PYTHONDONTWRITEBYTECODE`` says). Wall time and the child's CPU time (user + system)
are both reported: on a busy machine the CPU time is the steadier of the two.

    python benchmarks/bench_cli.py [-n 20] [--breakdown 7]

``--breakdown K`` then runs each regnotice command K more times with ``-X importtime``
and prints, per command, the medians of: the interpreter's startup (``python -c
pass``), the self time of the modules imported by group (typer and click, rich,
pydantic, PyYAML, regnotice, the rest), and the run after the imports (typer's parsing,
the data loaded, the verb's work). The data loading is timed apart, in a fresh process
after the verb's imports: the prebuilt files read and what is built from them.

No asserts on time: this prints numbers, the tests check behaviour.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import resource
except ImportError:  # pragma: no cover - Windows: no CPU times
    resource = None

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

#: The floor of ``check FILE`` on the mandated stack: the minimal app, plus the YAML file
#: read with PyYAML (libyaml's loader) and each activity validated by a pydantic model.
CHECK_FLOOR_APP = '''\
import typer

app = typer.Typer(add_completion=False)


@app.callback()
def main() -> None:
    """typer, PyYAML and one pydantic model."""


@app.command()
def check(file: str) -> None:
    import yaml
    from pydantic import BaseModel

    class Activity(BaseModel):
        actor: str
        actions: tuple[str, ...] = ()

    with open(file, encoding="utf-8") as fh:
        items = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    print([Activity.model_validate(item).actor for item in items])


if __name__ == "__main__":
    app()
'''


def console_script() -> str | None:
    beside = Path(sys.executable).parent / ("regnotice.exe" if os.name == "nt" else "regnotice")
    return str(beside) if beside.exists() else shutil.which("regnotice")


def child_env(tmp: str) -> dict[str, str]:
    """The environment of every timed process: bytecode caches written (to a folder of the
    run, so the checkout stays clean) and read, whatever ``PYTHONDONTWRITEBYTECODE`` says
    outside. An installed package has its ``.pyc`` files (pip writes them); without them
    every run would compile regnotice's modules from source and the minimal app would not."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
    return env


#: Exit codes other than 0 that a command is expected to end with (a screen hit exits 1).
EXPECTED_EXIT = {"python -m regnotice screen TEXT": 1}


def _children_cpu() -> float:
    if resource is None:  # pragma: no cover - Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(cmd: list[str], cwd: str, env: dict[str, str], ok: int = 0) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run. The CPU time (user + system, of the child
    alone: the runs are one at a time) is less disturbed than the wall time by other
    work on the machine."""
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0
    if proc.returncode != ok:
        raise SystemExit(f"{cmd} exited {proc.returncode}: {proc.stderr.decode(errors='replace')}")
    return elapsed, cpu


#: Groups of modules for the import-time breakdown, by the first part of their names.
GROUPS = {
    "typer+click": ("typer", "click", "shellingham"),
    "rich": ("rich", "markdown_it", "mdurl", "pygments"),
    "pydantic": ("pydantic", "pydantic_core", "annotated_types", "typing_inspection", "typing_extensions"),
    "yaml": ("yaml", "_yaml"),
    "regnotice": ("regnotice",),
}

#: What each verb loads before its work: (its imports, the loading), timed in a fresh
#: process after those imports and after a first use of pydantic (typer makes one when
#: it parses the arguments: that one pays pydantic's first-use costs). ACTIVITY is the
#: activity file.
LOADING = {
    "minimal typer app: clause IX": ("import typer", "pass"),
    "python -m regnotice clause IX": ("import regnotice.cli, regnotice.index as i", "i.load_index()"),
    "python -m regnotice rules --clause IX": ("import regnotice.cli, regnotice.bundled as b, regnotice.index as i", "b.rule_index(); i.load_index()"),
    "python -m regnotice screen TEXT": ("import regnotice.cli, regnotice.screening as s", "s.screener('name')"),
    "python -m regnotice check FILE": (
        "import regnotice.cli, regnotice.bundled as b, regnotice.pipeline as p, regnotice.activities as a",
        "p.checker(b.bundled_rules(), b.bundled_rules_json()); a.load_activities(ACTIVITY)",
    ),
}


def import_groups(stderr: str) -> dict[str, float]:
    """Seconds of self import time per group, from ``-X importtime`` output."""
    out = dict.fromkeys([*GROUPS, "other"], 0.0)
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _, self_us, _, name = (part.strip() for part in line.replace("import time:", "|", 1).split("|"))
        root = name.split(".")[0]
        group = next((g for g, roots in GROUPS.items() if root in roots), "other")
        out[group] += int(self_us) / 1e6
    return out


def breakdown(commands: dict[str, list[str]], startup: float, k: int, tmp: str, env: dict[str, str], activity: Path) -> list[str]:
    """The breakdown's lines (see the module's docstring). Every figure but the startup
    (``python -c pass``, the median CPU time of the main runs) and the data loading comes
    from the runs with ``-X importtime``: their CPU time, and the run after the imports,
    what is left of it once the startup and the imports are taken off."""
    rows = {name: [] for name in LOADING}
    loads = {name: [] for name in LOADING}
    for _ in range(k):
        for name in LOADING:
            cmd = commands[name]
            cpu0 = _children_cpu()
            proc = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], cwd=tmp, env=env, capture_output=True, text=True)
            cpu = _children_cpu() - cpu0
            if proc.returncode != EXPECTED_EXIT.get(name, 0):
                raise SystemExit(f"{cmd} exited {proc.returncode}: {proc.stderr[-2000:]}")
            groups = import_groups(proc.stderr)
            rows[name].append({**groups, "cpu": cpu, "run": cpu - startup - sum(groups.values())})
            setup, stmt = LOADING[name]
            code = (
                f"import time; {setup}\nfrom pydantic import TypeAdapter\nTypeAdapter(str).validate_python('')\n"
                f"ACTIVITY = {str(activity)!r}\nt = time.perf_counter()\n{stmt}\nprint(time.perf_counter() - t)"
            )
            timed = subprocess.run([cmd[0], "-c", code], cwd=tmp, env=env, capture_output=True, text=True)
            loads[name].append(float(timed.stdout) if timed.returncode == 0 else math.nan)  # nan: not this version's loaders
    columns = ["CPU total", "startup", *GROUPS, "other", "run", "of it: data"]
    width = max(map(len, rows))
    lines = [
        f"breakdown, ms: medians of {k} runs with -X importtime (which adds a little); imports are self times; run = the",
        "CPU total less the startup and the imports (typer's parsing, the data, the work); data = the data loading, timed apart",
        "",
        f"    {'command':<{width}}  " + "  ".join(f"{c:>11}" for c in columns),
        f"    {'-' * width}  " + "  ".join("-" * 11 for _ in columns),
    ]
    for name, samples in rows.items():
        cells = [statistics.median(s["cpu"] for s in samples), startup]
        cells += [statistics.median(s[c] for s in samples) for c in [*GROUPS, "other", "run"]]
        cells.append(statistics.median(loads[name]))
        lines.append(f"    {name:<{width}}  " + "  ".join(f"{v * 1e3:>11.1f}" if not math.isnan(v) else f"{'n/a':>11}" for v in cells))
    return lines


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=20, help="runs per command (default 20)")
    ap.add_argument("--breakdown", type=int, default=0, metavar="K", help="also K runs of each regnotice command with -X importtime (default: none)")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        app_file = Path(tmp) / "minimal_typer_app.py"
        app_file.write_text(MINIMAL_APP, encoding="utf-8")
        floor_file = Path(tmp) / "check_floor_app.py"
        floor_file.write_text(CHECK_FLOOR_APP, encoding="utf-8")
        activity = Path(tmp) / "activity.yaml"
        activity.write_text("- actor: bank\n  actions: [account-opening]\n", encoding="utf-8")
        commands: dict[str, list[str]] = {
            "python -m regnotice clause IX": [sys.executable, "-m", "regnotice", "clause", "IX"],
            "python -m regnotice rules --clause IX": [sys.executable, "-m", "regnotice", "rules", "--clause", "IX"],
            "python -m regnotice screen TEXT": [sys.executable, "-m", "regnotice", "screen", "Acme Stablecoin Ltd"],
            "python -m regnotice check FILE": [sys.executable, "-m", "regnotice", "check", str(activity)],
        }
        script = console_script()
        if script:
            commands["regnotice clause IX (console script)"] = [script, "clause", "IX"]
        else:
            print("(console script 'regnotice' not found: skipped)")
        commands["minimal typer app: clause IX"] = [sys.executable, str(app_file), "clause", "IX"]
        commands["floor of check: typer + PyYAML + pydantic"] = [sys.executable, str(floor_file), "check", str(activity)]
        commands["python -c pass"] = [sys.executable, "-c", "pass"]

        env = child_env(tmp)
        for name, cmd in commands.items():  # warm-up: bytecode caches
            run_once(cmd, tmp, env, EXPECTED_EXIT.get(name, 0))
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.n):
            for name, cmd in commands.items():
                wall, cpu = run_once(cmd, tmp, env, EXPECTED_EXIT.get(name, 0))
                times[name].append(wall)
                cpus[name].append(cpu)
        startup = statistics.median(cpus["python -c pass"])
        lines = breakdown(commands, startup, args.breakdown, tmp, env, activity) if args.breakdown else []

    import typer

    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}; typer {typer.__version__}; {os.cpu_count()} CPUs")
    print(f"cold start, {args.n} runs each, interleaved, after one warm-up round\n")
    floor = statistics.median(times["minimal typer app: clause IX"])
    cpu_floor = statistics.median(cpus["minimal typer app: clause IX"]) or 1.0
    width = max(map(len, times))
    print(f"    {'command':<{width}}  {'median ms':>9}  {'min ms':>7}  {'max ms':>7}  {'vs minimal typer':>16}  {'CPU ms':>7}  {'CPU vs minimal':>14}")
    print(f"    {'-' * width}  {'-' * 9}  {'-' * 7}  {'-' * 7}  {'-' * 16}  {'-' * 7}  {'-' * 14}")
    for name, ts in times.items():
        med = statistics.median(ts)
        cpu = statistics.median(cpus[name])
        print(
            f"    {name:<{width}}  {med * 1e3:>9.1f}  {min(ts) * 1e3:>7.1f}  {max(ts) * 1e3:>7.1f}  {med / floor:>15.2f}x"
            f"  {cpu * 1e3:>7.1f}  {cpu / cpu_floor:>13.2f}x"
        )

    if lines:
        print()
        print("\n".join(lines))


if __name__ == "__main__":
    main()
