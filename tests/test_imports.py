"""The package's shape: no import cycle (function-level imports included), models that
import no stage, and caches that keep no user's notice alive."""

from __future__ import annotations

import ast
import gc
import resource
from pathlib import Path

import regnotice

PACKAGE = Path(regnotice.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports, at module level or inside functions."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                targets = [stem]
                # "from . import x": x may be a submodule
                targets += [f"{stem}.{a.name}" for a in node.names if f"{stem}.{a.name}" in modules]
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    assert len(graph) > 30 and graph["regnotice.pipeline"]  # the graph was really read
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_model_imports_a_stage():
    graph = import_graph()
    allowed = {"regnotice.models", "regnotice.models.base", "regnotice.models.common", "regnotice.models.tree", "regnotice.models.rules", "regnotice.models.verdict", "regnotice.errors", "regnotice.numbering"}
    for name in (n for n in graph if n.startswith("regnotice.models")):
        assert graph[name] <= allowed, (name, graph[name] - allowed)


def test_a_notice_holds_no_verbs():
    for name in ("rules", "rules_for", "ruleset", "check"):
        assert not hasattr(regnotice.models.Notice, name), name


def _rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def test_parsing_and_checking_a_thousand_notices_keeps_memory_flat():
    """Each notice is parsed, extracted and checked, then dropped: the caches must let it
    go. Peak RSS after 1,000 notices stays within a few MB of the peak after 100."""
    text = regnotice.load().text
    activity = {"actor": "bank", "actions": ["open accounts"], "object": "bitcoin"}

    def run(k: int) -> None:
        for _ in range(k):
            notice = regnotice.parse(text)
            assert regnotice.check(notice, activity).outcome == "prohibited"
        gc.collect()

    from regnotice import pipeline

    run(100)
    after_100 = _rss_kb()
    cached = (len(pipeline._RULESETS.entries), len(pipeline._CHECKERS.entries))
    run(900)
    after_1000 = _rss_kb()
    assert (len(pipeline._RULESETS.entries), len(pipeline._CHECKERS.entries)) == cached  # no entry outlives its notice
    assert after_1000 - after_100 < 8 * 1024, (after_100, after_1000)


# --- what each verb imports and builds, cold --------------------------------------------

#: Runs the real console script (``regnotice.cli:main``) with the arguments given, and
#: reports on standard error, at the interpreter's exit, every module imported and every
#: model of ``regnotice.models`` whose validators were built.
_VERB = """
import atexit, json, sys

def _report():
    modules = sorted(sys.modules)  # before looking at the models: a lazy name would import the tree
    made = vars(sys.modules["regnotice.models"]) if "regnotice.models" in sys.modules else {}
    built = [n for n, v in made.items() if isinstance(v, type) and getattr(v, "__pydantic_complete__", False)]
    sys.__stderr__.write("\\nREPORT " + json.dumps({"modules": modules, "built": built}) + "\\n")

atexit.register(_report)
sys.argv = ["regnotice", *sys.argv[1:]]
from regnotice.cli import main
main()
"""

#: What no cold start of these verbs may import: the parser stack, the stemmer (the
#: lexicon's stems are prebuilt), the rule-file reader.
_PARSER = ("lark", "regnotice.parsing", "regnotice.grammar", "regnotice.transform", "regnotice._extract")


def _cold(tmp_path, *args: str) -> tuple[set[str], list[str]]:
    import json
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _VERB, *args], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stderr.rsplit("REPORT ", 1)[1])
    return set(report["modules"]), report["built"]


def _absent(modules: set[str], *names: str) -> list[str]:
    return [n for n in names if n in modules or any(m.startswith(n + ".") for m in modules)]


def test_clause_imports_no_model_no_yaml(tmp_path):
    modules, built = _cold(tmp_path, "clause", "IX")
    assert "regnotice.index" in modules  # the lookup really ran
    assert _absent(modules, *_PARSER, "yaml", "regnotice.models", "regnotice.bundled", "regnotice.agencies") == []


def test_rules_of_the_bundled_notice_import_no_model_no_yaml(tmp_path):
    """``rules --clause IX`` prints from the prebuilt rule index: no pydantic model of
    regnotice is even defined, no YAML read, no registry loaded."""
    modules, built = _cold(tmp_path, "rules", "--clause", "IX")
    assert "regnotice.bundled" in modules
    assert _absent(modules, *_PARSER, "yaml", "regnotice.models", "regnotice.pipeline", "regnotice.agencies", "regnotice.report") == []
    modules, built = _cold(tmp_path, "rules", "--clause", "IX", "--format", "json")
    assert _absent(modules, *_PARSER, "yaml", "regnotice.models", "regnotice.pipeline") == []


def test_screen_imports_no_model_and_no_rule_machinery(tmp_path):
    """``screen TEXT`` builds its screener from the prebuilt screening terms: no model of
    regnotice, no pipeline, registry, lexicon or stemmer. (YAML is read: the look-alike
    letters, ``lookalikes.yaml``. pydantic itself is imported by typer, which coerces the
    arguments with it: what no verb here imports is regnotice's models.)"""
    modules, built = _cold(tmp_path, "screen", "Acme Stablecoin Ltd")
    assert "regnotice.screening" in modules
    assert _absent(modules, *_PARSER, "regnotice.models", "regnotice.pipeline", "regnotice.agencies", "regnotice.lexicon", "snowballstemmer", "regnotice.rules_io") == []


def test_check_builds_no_rule_model_and_imports_no_stemmer(tmp_path):
    """``check FILE`` against the bundled rules loads them as trusted data and the
    vocabulary from its prebuilt JSON: the validators of the rule models are never
    built, the stemmer is not imported (every word of the activity is in the prebuilt
    stems), no rule-file reader. The activity is validated (``Activity``)."""
    activity = tmp_path / "activity.yaml"
    activity.write_text("- actor: bank\n  actions: [account-opening]\n", encoding="utf-8")
    modules, built = _cold(tmp_path, "check", str(activity))
    assert "regnotice._check.checker" in modules
    assert _absent(modules, *_PARSER, "snowballstemmer", "regnotice.rules_io", "regnotice.report") == []
    assert "Activity" in built
    assert not {"RuleSet", "Prohibition", "Notice", "Clause"} & set(built), built
    assert "regnotice.models.tree" not in modules  # no class of the notice tree is even made
    # an activity in other words: the stemmer is imported for the new words only
    activity.write_text("- actor: a bank in China\n  actions: [opening accounts for clients]\n  object: bitcoins\n", encoding="utf-8")
    modules, built = _cold(tmp_path, "check", str(activity))
    assert _absent(modules, *_PARSER, "regnotice.rules_io") == []


def test_the_lazy_names_of_the_models_are_the_tree_s():
    import regnotice.models as models
    from regnotice.models import tree

    assert list(models._TREE) == tree.__all__
    assert all(getattr(models, name) is getattr(tree, name) for name in tree.__all__)


def test_importing_the_models_builds_no_validator():
    import subprocess
    import sys

    code = "import regnotice.models as m; print(sum(getattr(m, n).__pydantic_complete__ for n in m.__all__ if hasattr(getattr(m, n), '__pydantic_complete__')))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "0", proc.stdout + proc.stderr
