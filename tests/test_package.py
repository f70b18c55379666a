"""The wheel: it holds the grammars, the seed pages and the clause index, and once
installed into a fresh, plain virtual environment the CLI and ``regnotice.load()``
work from any directory, offline from the source checkout.

Slow (builds a wheel, creates a venv, installs the dependencies from the package
index). Runs by default, in CI too; set ``REGNOTICE_SKIP_SLOW=1`` to skip locally.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("REGNOTICE_SKIP_SLOW") == "1", reason="REGNOTICE_SKIP_SLOW=1"),
]

ROOT_RULES = Path(__file__).resolve().parent.parent / "rules"

REQUIRED_IN_WHEEL = [
    "regnotice/__init__.py",
    "regnotice/cli.py",
    "regnotice/_data/grammars/notice.lark",
    "regnotice/_data/seeds/000_f9843fba284d51a1.txt",
    "regnotice/clause_index.json",
    "regnotice/bundled_rules.json",
    "regnotice/rule_index.json",
    "regnotice/screen_terms.json",
    "regnotice/agencies_prebuilt.json",
    "regnotice/lexicon_prebuilt.json",
    "regnotice/agencies.yaml",
    "regnotice/lexicon.yaml",
    "regnotice/docnumbers.yaml",
    "regnotice/layout.yaml",
    "regnotice/cues.yaml",
    "regnotice/terms.yaml",
    "regnotice/lookalikes.yaml",
    "regnotice/_data/rules/verdict.schema.json",
    "regnotice/_data/rules/lexicon.schema.json",
    "regnotice/_data/grammars/rules.lark",
    "regnotice/_data/rules/yinfa-2026-42.yaml",
    "regnotice/_data/rules/schema.json",
    "regnotice/templates/notice.html.j2",
    "regnotice/templates/notice.css",
    "regnotice/diff.schema.json",
    "regnotice/_akn/kinds.yaml",
]


def _clean_env() -> dict:
    """The environment without anything that could leak the checkout or the dev venv in."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env["PYTHONIOENCODING"] = "utf-8"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    return env


def _run(cmd: list, *, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=_clean_env(), capture_output=True, text=True, encoding="utf-8", timeout=timeout
    )
    assert proc.returncode == 0, f"{cmd} exited {proc.returncode}\n--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-4000:]}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    outdir = tmp_path_factory.mktemp("dist")
    cmd = [sys.executable, "-m", "build", "--wheel", "--outdir", outdir]
    if importlib.util.find_spec("hatchling") is not None:
        cmd.append("--no-isolation")  # hatchling is here: no need to fetch it again
    _run(cmd, cwd=ROOT)
    wheels = sorted(outdir.glob("regnotice-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh plain venv (no system site-packages) with the wheel installed; its bin dir."""
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", venv], cwd=venv)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run([bindir / "python", "-m", "pip", "install", "--quiet", wheel], cwd=venv)
    return bindir


def test_wheel_holds_the_data_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [n for n in REQUIRED_IN_WHEEL if n not in names]
    assert not missing, f"missing from {wheel.name}: {missing}"
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert not any(n.startswith(("tests/", "benchmarks/", "grammars/", "seeds/")) for n in names)


def test_wheel_data_equals_the_checkout(wheel):
    with zipfile.ZipFile(wheel) as zf:
        for name in REQUIRED_IN_WHEEL:
            relative = name.removeprefix("regnotice/_data/")
            assert zf.read(name) == (ROOT / relative).read_bytes(), name


def test_wheel_declares_the_console_script(wheel):
    with zipfile.ZipFile(wheel) as zf:
        entry_points = next(n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt"))
        assert "regnotice = regnotice.cli:main" in zf.read(entry_points).decode()


def test_installed_console_script_from_another_directory(installed, tmp_path):
    proc = _run([installed / "regnotice", "clause", "9"], cwd=tmp_path)
    assert "(IX)" in proc.stdout
    assert proc.stdout.startswith("Yinfa [2026] No. 42, clause 9 (IX)")


def test_installed_rule_verbs_use_the_bundled_grammars(installed, tmp_path):
    proc = _run([installed / "regnotice", "rules", "--clause", "XIII"], cwd=tmp_path)
    assert "yinfa-2026-42/13/2" in proc.stdout and "exception" in proc.stdout
    proc = _run([installed / "regnotice", "agency", "cbirc"], cwd=tmp_path)
    assert "succeeded by nfra" in proc.stdout
    proc = _run([installed / "regnotice", "validate", str(ROOT_RULES / "yinfa-2026-42.yaml")], cwd=tmp_path)
    assert proc.stdout.startswith("ok:")


def test_installed_check_reads_the_bundled_lexicon(installed, tmp_path):
    code = (
        "import regnotice; "
        "d = regnotice.describe('A bank opens accounts for a bitcoin exchange'); "
        "print(regnotice.check(regnotice.load(), d.activity).outcome)"
    )
    proc = _run([installed / "python", "-c", code], cwd=tmp_path)
    assert proc.stdout.strip() == "prohibited"
    proc = subprocess.run(
        [str(installed / "regnotice"), "check", "--text", "A payment institution in China settles bitcoin trades"],
        cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, encoding="utf-8", timeout=600,
    )
    assert proc.returncode == 1 and "PROHIBITED" in proc.stdout, proc.stdout + proc.stderr


def test_installed_python_m_and_search(installed, tmp_path):
    proc = _run([installed / "python", "-m", "regnotice", "search", "mining machine"], cwd=tmp_path)
    assert "[mining machine]" in proc.stdout
    proc = _run([installed / "regnotice", "clauses"], cwd=tmp_path)
    assert len(proc.stdout.splitlines()) == 19


def test_installed_load_parses_the_bundled_seed(installed, tmp_path):
    code = "import regnotice; print(len(regnotice.load().clauses))"
    proc = _run([installed / "python", "-c", code], cwd=tmp_path)
    assert proc.stdout.strip() == "19"


def test_installed_package_is_not_the_checkout(installed, tmp_path):
    code = (
        "import regnotice, regnotice.resources as r; "
        "print(regnotice.__file__); print(r.data_path('grammars/notice.lark'))"
    )
    proc = _run([installed / "python", "-c", code], cwd=tmp_path)
    package_file, grammar = proc.stdout.splitlines()
    assert not Path(package_file).is_relative_to(ROOT)
    assert Path(grammar).parts[-4:] == ("regnotice", "_data", "grammars", "notice.lark")


def test_installed_index_is_fresh(installed, tmp_path):
    """The shipped prebuilt files (the clause index, the rules snapshot, the rule index,
    the screening terms, the checked registry and lexicon) equal a fresh build from the
    shipped seed and YAML files."""
    _run([installed / "regnotice", "index", "--check"], cwd=tmp_path)


def test_installed_parse_file(installed, tmp_path):
    import json

    seed = ROOT / "seeds" / "003_6f0e12012882d88c.txt"
    proc = _run([installed / "regnotice", "parse", seed], cwd=tmp_path)
    assert len(json.loads(proc.stdout)["clauses"]) == 19
