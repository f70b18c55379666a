"""The public API of ``regnotice``: what ``__all__`` promises, ``load()``, and what the
fast CLI lookup path keeps out of the process."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

import regnotice
from regnotice import errors
from regnotice.models import Clause, Notice

EXPECTED_ALL = {
    "load",
    "screen_batch",
    "parse",
    "parse_all",
    "extract",
    "check",
    "describe",
    "load_rules",
    "load_activities",
    "page_text",
    "screen",
    "agencies",
    "RegnoticeError",
    "OutputError",
    "NoticeSyntaxError",
    "NoticeNotFound",
    "InputError",
    "ScreenInputError",
    "RuleFileError",
    "ActivityFileError",
    "ActivityError",
    "UnknownTerm",
    "UnknownClause",
    "InvalidReference",
    "__version__",
}


def test_all_is_exactly_the_public_api():
    assert set(regnotice.__all__) == EXPECTED_ALL
    assert len(regnotice.__all__) == len(EXPECTED_ALL), "duplicate names in __all__"


def test_all_is_what_the_package_really_exposes():
    """Every public name bound in the package (functions, classes, the version) is in
    ``__all__``, and every name of ``__all__`` is bound or loaded on first use. Run in a
    fresh interpreter, so that no submodule imported by another test is counted."""
    code = (
        "import json, types, __future__, regnotice as r\n"
        "names = [n for n, v in vars(r).items() if not n.startswith('_') and not isinstance(v, (types.ModuleType, __future__._Feature))]\n"
        "print(json.dumps(sorted(names + ['__version__'])))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    exposed = set(json.loads(out)) | {"agencies"}  # the registry module, loaded on first use
    assert exposed == set(regnotice.__all__)


def test_every_error_class_is_in_the_errors_tree_and_exported():
    """Every exception class of the package derives from the root, is defined in
    errors.py, is drawn in its docstring and exported from the package."""
    import importlib
    import pkgutil

    classes = set()
    for info in pkgutil.walk_packages(regnotice.__path__, "regnotice."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            # a private class (``_Unfit``) is an internal signal that never leaves its module
            if isinstance(value, type) and issubclass(value, BaseException) and value.__module__.startswith("regnotice") and not value.__name__.startswith("_"):
                classes.add(value)
    assert classes, "no error classes found"
    for cls in classes:
        assert cls.__module__ == "regnotice.errors", cls
        assert issubclass(cls, regnotice.RegnoticeError), cls
        assert cls.__name__ in errors.__doc__, cls
        assert cls.__name__ in regnotice.__all__, cls


@pytest.mark.parametrize("name", sorted(EXPECTED_ALL))
def test_every_name_in_all_resolves(name):
    assert getattr(regnotice, name) is not None


def test_star_import_gives_all():
    namespace: dict = {}
    exec("from regnotice import *", namespace)
    assert EXPECTED_ALL <= set(namespace)


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED_ALL if n.endswith("Error") or n in ("NoticeNotFound", "UnknownClause", "InvalidReference", "UnknownTerm")))
def test_exported_errors_derive_from_the_root(name):
    cls = getattr(regnotice, name)
    assert issubclass(cls, regnotice.RegnoticeError)
    assert cls is getattr(errors, name)


def test_version_is_a_string_and_matches_the_distribution():
    from importlib.metadata import version

    assert isinstance(regnotice.__version__, str)
    assert regnotice.__version__ == version("regnotice")


def test_load_returns_the_bundled_notice():
    notice = regnotice.load()
    assert isinstance(notice, Notice)
    assert len(notice.clauses) == 19
    assert all(isinstance(c, Clause) for c in notice.clauses)
    assert notice.ordinals == tuple(range(1, 20))
    assert str(notice.number) == "Yinfa [2026] No. 42"
    assert notice.clause("IX") is notice.clause(9) is notice.clause("（九）")


def test_load_is_cached():
    assert regnotice.load() is regnotice.load()


def test_parse_and_parse_all_on_the_bundled_text():
    from regnotice.bundled import bundled_text

    text = bundled_text()
    notice = regnotice.parse(text)
    assert len(notice.clauses) == 19
    # the seed page holds two identical copies: parsed once, the other reported
    notices = regnotice.parse_all(text)
    assert len(notices) == 1
    assert any(a.kind == "duplicate" for a in notices[0].anomalies)


def test_errors_raised_through_the_api():
    notice = regnotice.load()
    with pytest.raises(regnotice.UnknownClause):
        notice.clause(20)
    with pytest.raises(regnotice.InvalidReference):
        notice.clause("abc")
    with pytest.raises(regnotice.NoticeNotFound):
        regnotice.parse("no notice here\n")
    with pytest.raises(regnotice.NoticeSyntaxError):
        regnotice.parse("To all departments:\n(1) Do a.\n(2)\n(3) Do c.\n")


def test_import_regnotice_is_light():
    """``import regnotice`` alone must not pull in the parser stack."""
    code = "import sys, json, regnotice; print(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    modules = set(json.loads(proc.stdout))
    for heavy in ("lark", "yaml", "pydantic", "typer"):
        assert heavy not in modules, heavy


LOOKUP = """\
import sys
from regnotice.cli import app
from typer.testing import CliRunner
for args in (['clause', 'IX'], ['clause', '9', '--format', 'json'], ['clauses'], ['search', 'mining machine']):
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, (args, r.output)
print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'yaml', 'regnotice')))
"""


def test_cli_lookup_path_does_not_import_the_parser():
    """``clause``/``clauses``/``search`` read the prebuilt index: no Lark, no YAML, and
    none of regnotice's parsing modules. (typer itself may import pydantic, so pydantic
    is not checked here.)"""
    proc = subprocess.run([sys.executable, "-c", LOOKUP], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    modules = ast.literal_eval(proc.stdout.strip().splitlines()[-1])
    roots = {m.split(".")[0] for m in modules}
    assert "lark" not in roots
    assert "yaml" not in roots
    for parser_module in ("regnotice.parsing", "regnotice.models", "regnotice.grammar", "regnotice.transform", "regnotice.bundled"):
        assert parser_module not in modules, parser_module
    assert "regnotice.index" in modules  # sanity: the lookup really ran


def test_cli_yaml_output_imports_yaml_only_when_asked():
    code = LOOKUP.replace("['clauses'],", "['clauses', '--format', 'yaml'],")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    modules = ast.literal_eval(proc.stdout.strip().splitlines()[-1])
    assert "yaml" in {m.split(".")[0] for m in modules}
    assert "lark" not in {m.split(".")[0] for m in modules}


def test_agencies_is_the_registry_module_loaded_on_first_use():
    import regnotice

    assert regnotice.agencies.registry().resolve("PBOC") == "pboc"
    assert regnotice.agencies.registry().current("cbirc") == "nfra"
