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
    allowed = {"regnotice.models", "regnotice.models.base", "regnotice.models.tree", "regnotice.models.rules", "regnotice.models.verdict", "regnotice.errors", "regnotice.numbering"}
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
