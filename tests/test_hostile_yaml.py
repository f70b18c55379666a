"""Hostile YAML and hostile activities: alias bombs, deep nesting, files of a million
problems, duplicate rule ids, malformed activities at every public entry point, bounded
caches that hold no user object, and fuzzing that only ever meets a RegnoticeError.

Time and memory bounds are resource limits on a subprocess (``RLIMIT_AS`` and a
``timeout``), never timing asserts.
"""

from __future__ import annotations

import gc
import json
import os
import re
import resource
import subprocess
import sys
import textwrap
import types
import weakref
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import regnotice
from regnotice import pipeline, rules_io, yamlio
from regnotice._check import checker as checker_module
from regnotice._check import terms as terms_module
from regnotice.cli import app
from regnotice.errors import ActivityError, ActivityFileError, RegnoticeError, RuleFileError
from regnotice.rules_io import MAX_FILE_BYTES, MAX_NODES, MAX_PROBLEMS, dump_rules, load_rules, load_rules_text, validate_files
from regnotice.yamlio import MAX_ALIAS_NODES, MAX_DEPTH, load_yaml_text

RULES = regnotice.extract(regnotice.load())
RULES_TEXT = dump_rules(RULES)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
runner = CliRunner()

# ---------------------------------------------------------------------- helpers


def bounded(code: str, *, limit_mb: int = 1024, timeout: float = 60) -> dict:
    """Run ``code`` in a fresh interpreter under an address-space limit and a timeout;
    the code prints one JSON object, returned. A MemoryError, a crash or a hang fails."""

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_mb << 20, limit_mb << 20))

    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limits,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


#: The body of a subprocess that validates one rule file and reports what it found.
VALIDATE = """
import json, sys
from regnotice.rules_io import validate_files
problems = validate_files([sys.argv[1] if len(sys.argv) > 1 else {path!r}])
print(json.dumps({{"problems": problems}}))
"""


def validate_bounded(path: Path, **kw) -> list[str]:
    return bounded(VALIDATE.format(path=str(path)), **kw)["problems"]


def alias_bomb(levels: int, where: str = "rules") -> str:
    """A "billion laughs": ``levels`` anchors, each a list of nine aliases of the one
    before; the last, expanded, is 9**levels strings."""
    names = [f"l{i}" for i in range(levels)]
    lines = ["notice: yinfa-2026-42", "stash:", f"  - &{names[0]} [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, name in zip(names, names[1:]):
        lines.append(f"  - &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    lines.append(f"{where}: *{names[-1]}")
    return "\n".join(lines) + "\n"


def nested_block(depth: int, leaf: str = "x: 1") -> str:
    """A mapping ``depth`` levels deep, in block style, under ``rules[0].span``."""
    head = "notice: yinfa-2026-42\nrules:\n- id: yinfa-2026-42/9/1\n  span:\n"
    return head + "".join("    " + "  " * i + f"k{i}:\n" for i in range(depth)) + "    " + "  " * depth + leaf + "\n"


def nested_flow(depth: int, key: str = "notice") -> str:
    return f"{key}: " + "{a: " * depth + "1" + "}" * depth + "\n"


LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+)(?::\d+)?: ")


def assert_located(message: str, path: str) -> None:
    """Every line of a message starts with ``path:line:``."""
    for line in message.splitlines():
        assert line.startswith(f"{path}:") and re.match(re.escape(path) + r":\d+(:\d+)?: ", line), line


# ---------------------------------------------------------------------- 1. alias bombs


@pytest.mark.parametrize("levels", [9, 10])
def test_an_alias_bomb_is_refused_before_it_is_expanded(tmp_path, levels):
    """Nine levels took 35-47 s and 2-3 GB before the refusal (the message held the
    repr of the expansion); ten were a MemoryError. Now: at once, in 256 MB."""
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(levels), encoding="utf-8")
    assert len(path.read_bytes()) < 600
    problems = validate_bounded(path, limit_mb=256, timeout=30)
    assert len(problems) == 1, problems
    assert re.match(re.escape(str(path)) + r":\d+:\d+: aliases stand for more than 10,000 nodes \(the limit\)", problems[0]), problems
    assert len(problems[0]) < 300
    out = bounded(
        f"""
        import json
        from regnotice import load_activities, RuleFileError
        from regnotice.yamlio import load_yaml
        found = []
        for load in (load_yaml, load_activities):
            try:
                load({str(path)!r})
            except RuleFileError as exc:
                found.append(type(exc).__name__ + ": " + str(exc))
        print(json.dumps({{"found": found}}))
        """,
        limit_mb=256,
        timeout=30,
    )["found"]
    assert [m.split(":")[0] for m in out] == ["RuleFileError", "ActivityFileError"]
    assert all("10,000 nodes" in m and str(path) in m for m in out), out


def test_aliases_within_the_budget_load():
    text = "a: &x [1, 2, 3]\nb: *x\nc: *x\n"
    assert load_yaml_text(text, "x.yaml") == {"a": [1, 2, 3], "b": [1, 2, 3], "c": [1, 2, 3]}
    # exactly at the budget: still read; one more node over it: refused
    items = MAX_ALIAS_NODES // 10 - 1  # a list of that many scalars is that many + 1 nodes
    base = f"a: &x [{', '.join(['1'] * items)}]\n"
    assert len(load_yaml_text(base + "".join(f"b{i}: *x\n" for i in range(10)), "x.yaml")) == 11
    with pytest.raises(RuleFileError, match=r"x.yaml:12:6: aliases stand for more than 10,000 nodes"):
        load_yaml_text(base + "".join(f"b{i}: *x\n" for i in range(11)), "x.yaml")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a: &x [1, *x]\n", ["x.yaml:1:11:", "alias *x", "recursive"]),
        ("a: &x {b: *x}\n", ["x.yaml:1:11:", "recursive"]),
        ("a: *nothing\n", ["x.yaml:1:4:", "undefined alias *nothing"]),
        ("a: &x 1\nb: &x 2\n", ["x.yaml:2:4:", "duplicate anchor &x", "first at line 1"]),
        ("a: 1\n---\nb: 2\n", ["x.yaml:2:1:", "single document"]),
        ("a: &" + "x" * 5000 + " 1\nb: *" + "y" * 5000 + "\n", ["x.yaml:2:4:", "undefined alias", "..."]),
    ],
)
def test_alias_and_anchor_errors_are_located(text, words):
    with pytest.raises(RuleFileError) as caught:
        load_yaml_text(text, "x.yaml")
    for word in words:
        assert word in str(caught.value), (word, str(caught.value))
    assert len(str(caught.value)) < 300


# ---------------------------------------------------------------------- 2. deep nesting


@pytest.mark.parametrize("shape", ["block", "flow"])
def test_nesting_300_deep_is_a_located_rule_file_error(tmp_path, shape):
    """It was a RecursionError traceback from validate and load_rules."""
    path = tmp_path / "deep.yaml"
    path.write_text(nested_block(300) if shape == "block" else nested_flow(300), encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_rules(path)
    message = str(caught.value)
    assert f"nested more than {MAX_DEPTH} deep (the limit)" in message
    assert_located(message, str(path))
    assert validate_files([path]) == [message]
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output and str(path) in result.stderr


@pytest.mark.parametrize("shape", ["block", "flow", "sequence"])
def test_a_deep_activity_file_is_a_located_activity_file_error(tmp_path, shape):
    """``check`` of an activity file 300 deep was a RecursionError traceback."""
    path = tmp_path / "acts.yaml"
    if shape == "block":
        text = "- actor:\n" + "".join("    " + "  " * i + f"k{i}:\n" for i in range(300)) + "    " + "  " * 300 + "x: 1\n"
    elif shape == "flow":
        text = "- actor: " + "{a: " * 300 + "1" + "}" * 300 + "\n"
    else:
        text = "- actor: bank\n  actions: " + "[" * 300 + "]" * 300 + "\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ActivityFileError) as caught:
        regnotice.load_activities(path)
    assert f"nested more than {MAX_DEPTH} deep" in str(caught.value)
    assert_located(str(caught.value), str(path))
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert str(path) in result.stderr and "nested more than" in result.stderr


def test_the_depth_limit_is_exact():
    assert load_yaml_text("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1), "x.yaml") is not None  # the root mapping + 63
    with pytest.raises(RuleFileError, match=r"x.yaml:1:\d+: mappings and sequences nested more than 64 deep"):
        load_yaml_text("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH, "x.yaml")
    # an alias counts the depth of what it names
    inner = "[" * 40 + "]" * 40
    with pytest.raises(RuleFileError, match=r"x.yaml:2:\d+: .*through alias \*x"):
        load_yaml_text(f"a: &x {inner}\nb: " + "[" * 30 + "*x" + "]" * 30 + "\n", "x.yaml")


def test_deep_nesting_under_the_pure_python_reader_too(monkeypatch):
    monkeypatch.setattr(rules_io, "_COMPOSER", yaml.SafeLoader)
    for text in (nested_block(300), nested_flow(5000), alias_bomb(10)):
        with pytest.raises(RuleFileError) as caught:
            load_rules_text(text, "py.yaml")
        assert_located(str(caught.value), "py.yaml")


def test_a_hundred_thousand_open_brackets_are_located():
    with pytest.raises(RuleFileError) as caught:
        load_rules_text("notice: " + "[" * 100_000, "deep.yaml")
    assert_located(str(caught.value), "deep.yaml")


# ---------------------------------------------------------------------- 3. many problems, big files


def unknown_keys(n: int) -> str:
    return "notice: yinfa-2026-42\n" + "".join(f"k{i}: 1\n" for i in range(n))


def test_forty_thousand_unknown_keys_are_reported_in_linear_time(tmp_path):
    """20,000 unknown keys took 14 s and 40,000 took 73 s (each error scanned the file
    again for its line). The first problems, in file order, then a count."""
    path = tmp_path / "keys.yaml"
    path.write_text(unknown_keys(40_000), encoding="utf-8")
    problems = validate_bounded(path, limit_mb=1024, timeout=60)
    assert len(problems) == MAX_PROBLEMS
    for i, message in enumerate(problems[:-1]):
        assert message == f"{path}:{i + 2}: top level: unknown key 'k{i}'; allowed keys: notice, number, title, rules"
    assert problems[-1] == f"{path}:{MAX_PROBLEMS + 1}: ... and 39,901 more problems (the first 99 are listed)"


def test_a_fifty_mb_file_is_refused_unread(tmp_path):
    """A 50 MB file of 4.46 million unknown keys: refused before it is read."""
    path = tmp_path / "huge.yaml"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("notice: x\n")
        for start in range(0, 4_460_000, 100_000):
            fh.write("".join(f"k{i:07d}: 1\n" for i in range(start, start + 100_000)))
    assert path.stat().st_size > 50_000_000
    problems = validate_bounded(path, limit_mb=256, timeout=30)
    assert problems == [f"{path}: over {MAX_FILE_BYTES:,} bytes; at most {MAX_FILE_BYTES:,} are read"]
    with pytest.raises(RuleFileError, match="characters; a rule file may hold at most"):
        load_rules_text("#" * (MAX_FILE_BYTES + 1), "big.yaml")


def test_a_file_of_too_many_nodes_is_refused_where_it_passes_the_limit(tmp_path):
    path = tmp_path / "nodes.yaml"
    path.write_text("notice: x\nrules: [" + "1," * (MAX_NODES + 10) + "]\n", encoding="utf-8")
    problems = validate_bounded(path, limit_mb=512, timeout=60)
    assert len(problems) == 1 and re.match(re.escape(str(path)) + r":2:\d+: more than 400,000 YAML nodes", problems[0]), problems


@pytest.mark.parametrize(
    "body",
    [
        "rules: [" + "{}," * (MAX_NODES - 20) + "]\n",  # one-line flow: every problem on line 2
        "rules:\n" + "- 1\n" * (MAX_NODES - 20),  # a rule that is no mapping, 400,000 times
        "rules:\n- kind: prohibition\n" + "".join(f"  k{i:06d}: 1\n" for i in range(MAX_NODES // 2 - 20)),  # one rule, 200,000 bad keys
        "".join(f"d: {i}\n" for i in range(MAX_NODES // 2 - 20)),  # duplicate keys
    ],
    ids=["empty-rules", "scalar-rules", "one-rule-many-keys", "duplicate-keys"],
)
def test_the_worst_files_under_the_caps_are_reported_within_bounds(tmp_path, body):
    path = tmp_path / "worst.yaml"
    path.write_text("notice: x\n" + body, encoding="utf-8")
    assert path.stat().st_size <= MAX_FILE_BYTES
    problems = validate_bounded(path, limit_mb=1024, timeout=90)
    assert len(problems) == MAX_PROBLEMS
    assert re.match(re.escape(str(path)) + r":\d+: \.\.\. and [\d,]+ more problems \(the first 99 are listed\)$", problems[-1]), problems[-1]
    lines = [int(LOCATED.match(p)["line"]) for p in problems]
    assert lines == sorted(lines)


def test_problems_of_a_file_are_capped_and_in_file_order():
    rules = "".join(f"- id: r{i}\n  kind: prohibition\n  colour: red\n" for i in range(150))
    with pytest.raises(RuleFileError) as caught:
        load_rules_text("notice: x\nrules:\n" + rules + "title: [1]\n", "cap.yaml")
    lines = str(caught.value).splitlines()
    assert len(lines) == MAX_PROBLEMS
    numbers = [int(LOCATED.match(line)["line"]) for line in lines]
    assert numbers == sorted(numbers)
    assert lines[0].startswith("cap.yaml:3: rules[0]: missing required key 'clause'")
    assert "more problems (the first 99 are listed)" in lines[-1]


def test_many_control_characters_are_found_in_one_pass():
    text = "notice: x\n" + "a: \x01\n" * 200_000
    problems = rules_io._check(text, "c.yaml")[1]
    assert len(problems) == MAX_PROBLEMS
    assert problems[0] == "c.yaml:2:4: character '\\x01' (#x0001) is not allowed in YAML"
    assert problems[-1] == "c.yaml:101: ... and 199,901 more problems (the first 99 are listed)"


def test_many_duplicate_keys_are_capped_in_file_order():
    text = "notice: x\n" + "".join(f"k{i % 7}: {i}\n" for i in range(1000))
    problems = rules_io._check(text, "d.yaml")[1]
    assert len(problems) == MAX_PROBLEMS
    assert problems[0] == "d.yaml:9: duplicate key 'k0' (first at line 2)"
    assert problems[-1] == "d.yaml:108: ... and 894 more problems (the first 99 are listed)"


@pytest.mark.parametrize(
    "text",
    [
        "notice: x\ntitle: [" + ", ".join(["word"] * 100_000) + "]\n",
        "notice: x\ntitle: {" + ", ".join(f"k{i}: {{a: [1, 2, 3]}}" for i in range(10_000)) + "}\n",
        "notice: x\n" + "k" * 1_000_000 + ": 1\n",
        "notice: x\n" + "k" * 1_000_000 + ": 1\n" + "k" * 1_000_000 + ": 2\n",
        "notice: x\nrules:\n- kind: " + "p" * 1_000_000 + "\n",
        "notice: x\nnumber: {prefix: Yinfa, year: " + "9" * 100_000 + ", seq: 1}\n",
        alias_bomb(3, "title"),
    ],
    ids=["long-list", "big-mapping", "long-key", "long-duplicate-key", "long-kind", "long-number", "aliased-value"],
)
def test_messages_quote_bounded_excerpts(text):
    problems = rules_io._check(text, "b.yaml")[1]
    assert problems
    for message in problems:
        assert len(message) < 600, message[:700]
        assert message.startswith("b.yaml:")


def test_excerpt_never_walks_a_whole_value():
    shared = ["lol"] * 9
    for _ in range(12):  # 9**12 items, shared: a full repr would never end
        shared = [shared] * 9
    assert len(yamlio.excerpt(shared)) <= 80
    assert len(yamlio.excerpt("x" * 10**7)) <= 80 and "..." in yamlio.excerpt("x" * 10**7)

    class Bad:
        def __repr__(self):
            raise RuntimeError("no repr")

    assert yamlio.excerpt(Bad()).startswith("<Bad")


# ---------------------------------------------------------------------- 4. duplicate rule ids


def test_a_duplicate_rule_id_names_both_lines():
    data = yaml.safe_load(RULES_TEXT)
    data["rules"].append(dict(data["rules"][3]))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    first = text.splitlines().index(f"- id: {data['rules'][3]['id']}") + 1
    last = len(text.splitlines()) - text.splitlines()[::-1].index(f"- id: {data['rules'][3]['id']}")
    with pytest.raises(RuleFileError) as caught:
        load_rules_text(text, "dup.yaml")
    n = len(data["rules"]) - 1
    assert str(caught.value) == f"dup.yaml:{last}: rules[{n}]: duplicate rule id '{data['rules'][3]['id']}' (first at line {first}, rules[3])"


def test_the_bundled_rules_have_unique_ids():
    ids = [r.id for r in RULES.rules]
    assert len(ids) == len(set(ids))
    assert load_rules_text(RULES_TEXT, "rules.yaml") == RULES


# ---------------------------------------------------------------------- 5. bad activities at every entry point

BAD_ACTIVITIES = [
    ({"actor": None}, ["actor", "expected a string", "null"]),
    ({"actor": 5}, ["actor", "expected a string", "int 5"]),
    ({"actor": ["bank"]}, ["actor", "expected a string", "list"]),
    ({"actor": "bank", "actions": None}, ["actions", "expected a string or a list of strings", "null"]),
    ({"actor": "bank", "actions": 5}, ["actions", "expected a string or a list of strings", "int 5"]),
    ({"actor": "bank", "actions": [5]}, ["actions[0]", "expected a string", "int 5"]),
    ({"actor": "bank", "actions": {"a": 1}}, ["actions", "got dict"]),
    ({"actor": "bank", "actions": iter(["custody"])}, ["actions", "expected a string or a list of strings"]),
    ({"actor": "bank", "actions": ["custody"] * 5000}, ["actions", "at most 1,000 terms"]),
    ({"actor": "bank", "object": ["bitcoin"]}, ["object", "expected a string"]),
    ({"actor": "bank", "where": 1.5}, ["where", "expected a string", "float"]),
    ({"actor": "bank", "name": "x" * 200_000}, ["name", "at most"]),
    ({"actor": "bank", "colour": "red"}, ["unknown key 'colour'", "allowed keys"]),
    ({1: 2}, ["unknown key 1", "allowed keys"]),
    ({(1, 2): 3, None: 4}, ["unknown keys"]),
    ({f"k{i}": i for i in range(100_000)}, ["unknown keys", "and 99,995 more"]),
    ({}, ["actor", "missing"]),
    ({"actions": "custody"}, ["actor", "missing"]),
    ([], ["mapping", "not list"]),
    (None, ["mapping", "not null"]),
    ("a bank opens accounts", ["mapping", "not str"]),
    (5, ["mapping", "not int"]),
    (b"actor: bank", ["mapping", "not bytes"]),
    ({"actor": "bank", "actions": ("custody",), "holds": 3}, ["holds", "int 3"]),
]


@pytest.mark.parametrize(("activity", "words"), BAD_ACTIVITIES, ids=[repr(a)[:40] for a, _ in BAD_ACTIVITIES])
@pytest.mark.parametrize("rules", ["notice", "ruleset"])
def test_a_bad_activity_is_an_activity_error_naming_the_field(activity, words, rules):
    with pytest.raises(ActivityError) as caught:
        regnotice.check(regnotice.load() if rules == "notice" else RULES, activity)
    assert isinstance(caught.value, RegnoticeError) and caught.value.exit_code == 2
    message = str(caught.value)
    for word in words:
        assert word in message, (word, message)
    assert len(message) < 1000


def test_a_mapping_that_is_no_dict_is_read():
    proxy = types.MappingProxyType({"actor": "bank", "actions": ["open accounts"], "object": "bitcoin"})
    assert regnotice.check(RULES, proxy).outcome == "prohibited"


class Hostile(dict):
    def __iter__(self):
        raise RuntimeError("no iteration")

    def keys(self):
        raise RuntimeError("no keys")


class BadKey:
    def __hash__(self):
        return hash("actor")

    def __eq__(self, other):
        raise RuntimeError("no comparison")


@pytest.mark.parametrize("activity", [Hostile(actor="bank"), {BadKey(): "bank"}], ids=["hostile-dict", "bad-key"])
def test_a_hostile_mapping_is_an_activity_error(activity):
    with pytest.raises(ActivityError):
        regnotice.check(RULES, activity)


@pytest.mark.parametrize("text", [None, 123, 1.5, b"a bank", ["a bank"], {"text": "a bank"}, object()], ids=repr)
def test_describe_refuses_what_is_not_a_string(text):
    with pytest.raises(ActivityError, match="describe\\(\\) needs a str"):
        regnotice.describe(text)


@pytest.mark.parametrize("rules", [None, 5, b"rules.yaml", [], {"notice": "x"}, "\0", "", "/nonexistent/rules.yaml"], ids=repr)
def test_bad_rules_are_a_regnotice_error(rules):
    with pytest.raises(RegnoticeError):
        regnotice.check(rules, {"actor": "bank", "actions": ["custody"]})


class BytesPath:
    def __fspath__(self):
        return b"/tmp/rules.yaml"


@pytest.mark.parametrize("path", [None, 5, b"/tmp/x.yaml", BytesPath(), "\0", "", "/nonexistent.yaml", "/"], ids=repr)
def test_bad_paths_are_named_errors(path):
    with pytest.raises(RuleFileError):
        regnotice.load_rules(path)
    with pytest.raises(ActivityFileError):
        regnotice.load_activities(path)
    problems = validate_files([path])
    assert len(problems) == 1


@pytest.mark.parametrize("text", [None, 5, b"notice: x"], ids=repr)
def test_load_rules_text_refuses_what_is_not_a_string(text):
    with pytest.raises(RuleFileError):
        load_rules_text(text, "t.yaml")


def test_extract_refuses_what_is_not_a_notice():
    for value in (None, RULES, "text", 5):
        with pytest.raises(RegnoticeError):
            regnotice.extract(value)


# ---------------------------------------------------------------------- 6. bounded caches, no user object kept


def test_fifty_thousand_distinct_activities_keep_the_memos_within_their_bounds():
    """Each memo of a checker is bounded (least recently used first out); a word that
    names nothing is never kept. 50,000 unknown actions added ~199 MB before."""
    ruleset = load_rules_text(RULES_TEXT, "fresh.yaml")  # a checker of its own
    compiled = pipeline.checker(ruleset)
    unknown = 0
    for i in range(50_000):
        if i % 5:  # a phrase read through its complement: a new word, memoised
            activity = {"actor": "bank", "actions": [f"custody zq{i}x"], "object": f"bitcoin qz{i}"}
        else:  # a word that names nothing: an UnknownTerm, and nothing kept
            activity = {"actor": f"zq{i}x", "actions": ["custody"]}
        try:
            regnotice.check(ruleset, activity)
        except regnotice.UnknownTerm:
            unknown += 1
    assert unknown == 10_000
    size = checker_module.CACHE_SIZE
    for memo in (compiled._verdicts, compiled._resolved, compiled._exception_memo, compiled._nearest_memo):
        assert len(memo) <= size == memo.maxsize
    assert len(compiled._verdicts) == size  # full: the bound is what holds it
    assert len(compiled.terms._memo) <= terms_module.MEMO_SIZE == compiled.terms._memo.maxsize
    assert not any(key[1].startswith("zq") for key in compiled.terms._memo.keys() if key[0] == "actor")
    for index in (compiled.prohibition_index, compiled.obligation_index, compiled.consequence_index):
        assert len(index._cache) <= index._cache.maxsize
    assert len(pipeline._CHECKERS) <= pipeline._CHECKERS.limit and len(pipeline._RULESETS) <= pipeline._RULESETS.limit


def test_a_checked_rule_set_and_notice_can_be_collected():
    ruleset = load_rules_text(RULES_TEXT, "gc.yaml")
    notice = regnotice.parse(regnotice.load().text)
    for rules in (ruleset, notice):
        assert regnotice.check(rules, {"actor": "bank", "actions": ["open accounts"], "object": "bitcoin"}).outcome == "prohibited"
        with pytest.raises(regnotice.UnknownTerm):
            regnotice.check(rules, {"actor": "bank", "actions": ["teleport"]})
    refs = [weakref.ref(ruleset), weakref.ref(notice), weakref.ref(regnotice.extract(notice))]
    checkers = len(pipeline._CHECKERS)
    del ruleset, notice, rules
    gc.collect()
    assert [r() for r in refs] == [None, None, None]
    assert len(pipeline._CHECKERS) == checkers - 2  # the checkers went with their rule sets


def test_a_table_past_its_limit_forgets_the_oldest_and_its_finalizer():
    table = pipeline._WeakTable(limit=4)

    class Thing:
        pass

    things = [Thing() for _ in range(10)]
    for _ in range(3):
        for thing in things:
            assert table.get(thing, lambda t: id(t)) == id(thing)
    assert len(table) == 4
    # one finalizer per entry kept: those of the entries forgotten were detached
    mine = [f for f, info in weakref.finalize._registry.items() if getattr(info.func, "__self__", None) is table]  # noqa: SLF001
    assert len(mine) == 4, len(mine)
    del things, thing
    gc.collect()
    assert len(table) == 0


# ---------------------------------------------------------------------- 7. fuzzing

YAMLISH = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "notice: x\n", "rules:\n", "- ", "  ", ": ", "{", "}", "[", "]", ",", "&a ", "*a", "&b ", "*b", "!!str ", "!!binary ", "!!python/object ",
                "<<: *a\n", "? ", "--- ", "...\n", "%YAML 1.2\n", "'", '"', "|\n", ">\n", "#", "\n", "\t", "\r\n", "\x00", "\x85", "\ufeff",
                "kind: prohibition\n", "id: r\n", "span: {start: 1, end: 2}\n", "1: 2\n", "null", "~", "2026-13-45", "0x", "1e999", ".nan",
            ]
        ),
        st.text(max_size=8),
    ),
    max_size=40,
).map("".join)  # fmt: skip


@FUZZ
@given(YAMLISH)
def test_fuzz_rule_text_only_ever_raises_a_rule_file_error(text):
    try:
        load_rules_text(text, "f.yaml")
    except RuleFileError as exc:
        message = str(exc)
        assert message and all(line.startswith("f.yaml") for line in message.splitlines()), message
        assert len(message) < 100_000


@settings(FUZZ, max_examples=100)
@given(st.data())
def test_fuzz_edited_rule_files_only_ever_raise_a_rule_file_error(tmp_path, data):
    at = data.draw(st.integers(0, len(RULES_TEXT)))
    cut = data.draw(st.integers(0, 200))
    text = RULES_TEXT[:at] + data.draw(YAMLISH) + RULES_TEXT[at + cut :]
    path = tmp_path / "edited.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_rules(path)
    except RuleFileError as exc:
        assert all(line.startswith(str(path)) for line in str(exc).splitlines()), str(exc)
    try:
        regnotice.load_activities(path)
    except ActivityFileError:
        pass


LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30), st.binary(max_size=10),
    st.sampled_from(["bank", "custody", "open accounts", "bitcoin", "approval:pboc", "domestic", "knowingly", "x" * 300]),
)  # fmt: skip
VALUES = st.recursive(LEAF, lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=12)
FIELDS = st.sampled_from([*regnotice.models.Activity.model_fields, "colour", ""])
ACTIVITIES = st.one_of(st.dictionaries(FIELDS, VALUES, max_size=6), VALUES, st.fixed_dictionaries({"actor": VALUES}, optional={"actions": VALUES, "object": VALUES}))


@FUZZ
@given(ACTIVITIES)
def test_fuzz_check_only_ever_raises_a_regnotice_error(activity):
    try:
        verdict = regnotice.check(RULES, activity)
    except RegnoticeError as exc:
        assert len(str(exc)) < 5000
    else:
        assert verdict.outcome in ("prohibited", "permitted", "conditional", "invalid", "not_covered")


@FUZZ
@given(st.one_of(st.text(max_size=400), st.text(alphabet=st.sampled_from(list("ab \"'“”「」.,;:-\n\t\x00\u2028")), max_size=200), VALUES))
def test_fuzz_describe_only_ever_raises_a_regnotice_error(text):
    try:
        regnotice.describe(text)
    except RegnoticeError:
        pass
