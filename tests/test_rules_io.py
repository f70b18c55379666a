"""Rule files: YAML round trips (hypothesis), libyaml and pure-Python dumpers agree,
bad files name file:line, the key and what is allowed there, the JSON Schema, and the
``schema``, ``validate`` and ``export`` commands."""

from __future__ import annotations

import importlib
import json
import re
import types
import typing
from pathlib import Path
from typing import Union
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from typer.testing import CliRunner

import regnotice
from regnotice import rules_io
from regnotice.cli import app
from regnotice.errors import RuleFileError
from regnotice.models import RULE_KINDS, DocNumber, Extract, RuleSet, Span
from regnotice.rules_io import MODELINE, dump_rules, load_rules, load_rules_text, rules_schema, validate_files, write_rules

BAD_DIR = Path(__file__).resolve().parent / "bad_rules"
BAD_FILES = sorted(BAD_DIR.glob("*.yaml"))
RULE_MODELS = typing.get_args(typing.get_args(typing.get_args(RuleSet.model_fields["rules"].annotation)[0])[0])

# ------------------------------------------------------------------ strategies

#: Strings YAML likes to misread, characters the two emitters treat differently.
TRICKY = [
    "", " ", "yes", "No", "null", "~", "true", "1", "1.5", "0x1F", "0o17", "1_000", "2026-01-31", ".inf",
    "- item", "a: b", "# not a comment", "'", '"', "\\", "&anchor", "*alias", "!tag", "|", ">", "%", "@", "`",
    "\n", "a\nb", "trailing\n", "\r\n", "\t", "\x85", "\u2028", "\ufeff", "\x00", "\x7f", "\xa0",
    "\u3000（九）", "中国人民银行", "\U00020000\U0001f600", " lead", "trail ", "multi  space", "a" * 120,
]  # fmt: skip
TEXT = st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=10), st.sampled_from(TRICKY))
SPANS = st.builds(lambda start, length: Span(start=start, end=start + length), st.integers(0, 10**6), st.integers(0, 500))


def strategy_for(tp) -> st.SearchStrategy:
    """A strategy for a field type of the rule models, derived from the annotation."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        return strategy_for(args[0])
    if origin is Union or origin is getattr(types, "UnionType", None):
        return st.one_of([strategy_for(a) for a in args])
    if origin is tuple:
        return st.lists(strategy_for(args[0]), max_size=3).map(tuple)
    if origin is typing.Literal:
        return st.sampled_from(args)
    if tp is type(None):
        return st.none()
    if tp is Span:
        return SPANS
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return builds(tp)
    return {str: TEXT, int: st.integers(-(10**9), 10**9), bool: st.booleans()}[tp]


def builds(model: type[BaseModel]) -> st.SearchStrategy:
    return st.builds(model, **{name: strategy_for(f.annotation) for name, f in model.model_fields.items()})


def unique_ids(rules: tuple) -> tuple:
    """The rules with every id made unique (a rule file holds each id once), and one
    marker per clause ordinal (the first rule's: one ordinal names one clause)."""
    seen: set[str] = set()
    markers: dict[int, str] = {}
    out = []
    for n, rule in enumerate(rules):
        ident = rule.id if rule.id not in seen else f"{rule.id}#{n}"
        seen.add(ident)
        marker = rule.marker if rule.clause == 0 else markers.setdefault(rule.clause, rule.marker)
        update = {k: v for k, v in (("id", ident), ("marker", marker)) if v != getattr(rule, k)}
        out.append(rule.model_copy(update=update) if update else rule)
    return tuple(out)


RULESETS = builds(RuleSet).map(lambda r: r.model_copy(update={"rules": unique_ids(r.rules)}))
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def roundtrip(ruleset: RuleSet) -> None:
    text = dump_rules(ruleset)
    assert text.startswith(MODELINE + "\n")
    again = load_rules_text(text, "x.yaml")
    assert again == ruleset
    assert dump_rules(again) == text
    assert dump_rules(ruleset) == text  # deterministic


# ------------------------------------------------------------------ round trips


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RULESETS)
def test_dump_load_round_trip(ruleset):
    roundtrip(ruleset)


@pytest.mark.parametrize("model", RULE_MODELS, ids=lambda m: m.__name__)
@FAST
@given(data=st.data())
def test_every_rule_kind_round_trips(model, data):
    rules = data.draw(st.lists(builds(model), min_size=1, max_size=3).map(unique_ids))
    roundtrip(RuleSet(notice="yinfa-2026-42", rules=rules))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RULESETS)
def test_libyaml_and_pure_python_agree(ruleset):
    c_text = dump_rules(ruleset)
    with mock.patch.object(rules_io, "_DUMPER", rules_io._PyDumper):
        py_text = dump_rules(ruleset)
    assert py_text == c_text
    plain = ruleset.model_dump(mode="json")
    for loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        assert yaml.load(c_text, Loader=loader) == plain


@FAST
@given(RULESETS.filter(lambda r: r.rules), st.data())
def test_unknown_key_is_reported_on_its_line(ruleset, data):
    """Insert a bad key into a random rule: the message names its line and the rule."""
    lines = dump_rules(ruleset).splitlines(keepends=True)
    starts = [n for n, line in enumerate(lines) if line.startswith("- id: ")]
    assert len(starts) == len(ruleset.rules)
    index = data.draw(st.integers(0, len(starts) - 1))
    lines.insert(starts[index] + 1, "  bogus_key: 1\n")
    with pytest.raises(RuleFileError) as caught:
        load_rules_text("".join(lines), "r.yaml")
    assert str(caught.value) == (
        f"r.yaml:{starts[index] + 2}: rules[{index}]: unknown key 'bogus_key'; allowed keys: "
        + ", ".join(type(ruleset.rules[index]).model_fields)
    )


def test_libyaml_is_used_when_present():
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML built without libyaml")
    assert issubclass(rules_io._DUMPER, yaml.CSafeDumper)
    assert rules_io._COMPOSER is yaml.CSafeLoader


def test_pure_python_fallback_when_libyaml_is_missing(monkeypatch):
    sample = sample_ruleset()
    expected = dump_rules(sample)
    bad = (BAD_DIR / "many_problems.yaml").read_text(encoding="utf-8")
    with pytest.raises(RuleFileError) as c_error:
        load_rules_text(bad, "m.yaml")
    try:
        with monkeypatch.context() as patch:
            patch.delattr(yaml, "CSafeDumper", raising=False)
            patch.delattr(yaml, "CSafeLoader", raising=False)
            importlib.reload(rules_io)
            assert rules_io._DUMPER is rules_io._PyDumper
            assert rules_io._COMPOSER is yaml.SafeLoader
            assert rules_io.dump_rules(sample) == expected
            with pytest.raises(RuleFileError) as py_error:
                rules_io.load_rules_text(bad, "m.yaml")
            assert str(py_error.value) == str(c_error.value)
    finally:
        importlib.reload(rules_io)


def sample_ruleset() -> RuleSet:
    span = Span(start=5, end=25)
    ex = lambda text, ref=None: Extract(text=text, span=span, ref=ref)
    common = dict(clause=9, marker="(IX)", span=span, quote="Mining is prohibited.\n中文 \U00020000 \x85")
    kinds = [
        dict(kind="prohibition", bearers=(ex("enterprises", "enterprise"),), actions=(dict(id="mining", text="Mining", span=span),), territory=dict(id="domestic", text="in China", span=span)),
        dict(kind="exception", applies_to=("yinfa-2026-42/9/1",), mode="any_of", conditions=[dict(kind="approval", text="approved", span=span, authority=ex("State Council", "state-council"))]),
        dict(kind="definition", term=ex("virtual currency"), examples=(ex("Bitcoin"),)),
        dict(kind="penalty", sanction=ex("fined"), criminal=True),
        dict(kind="repeal", repealed=(DocNumber(prefix="Yinfa", year=2017, seq=1),)),
        dict(kind="entry_into_force", when=ex("the date of issuance")),
        dict(kind="unmodeled"),
    ]  # fmt: skip
    rules = [{"id": f"yinfa-2026-42/9/{n}", **common, **k} for n, k in enumerate(kinds, 1)]
    return RuleSet.model_validate(
        {"notice": "yinfa-2026-42", "number": {"prefix": "Yinfa", "year": 2026, "seq": 42}, "title": "Notice", "rules": rules}
    )


def test_dump_layout():
    ruleset = sample_ruleset()
    text = dump_rules(ruleset)
    lines = text.splitlines()
    assert lines[:3] == [MODELINE, "notice: yinfa-2026-42", "number:"]
    assert text.endswith("\n") and "\r" not in text
    # every field is written, in model order; quotes with odd characters stay on one line
    first = yaml.safe_load(text)["rules"][0]
    assert list(first) == list(type(ruleset.rules[0]).model_fields)
    assert '  quote: "Mining is prohibited.\\n中文 \\U00020000 \\N"' in lines
    assert max(map(len, lines)) < 200
    roundtrip(ruleset)


def test_long_strings_never_wrap():
    long = " ".join(["word"] * 50_000)
    text = dump_rules(RuleSet(notice="n", title=long))
    assert f"title: {long}" in text.splitlines()
    with mock.patch.object(rules_io, "_DUMPER", rules_io._PyDumper):
        assert dump_rules(RuleSet(notice="n", title=long)) == text


# ------------------------------------------------------------------ bad rule files


#: The fixtures whose problems name a column too (what the YAML reader refuses).
WITH_COLUMNS = ("yaml_syntax", "control_character", "alias_bomb", "deep_nesting")


def expected_words(path: Path) -> list[str]:
    return [w for w in path.with_suffix(".expect").read_text(encoding="utf-8").splitlines() if w]


def test_every_bad_file_has_an_expect_file():
    assert {p.stem for p in BAD_FILES} == {p.stem for p in BAD_DIR.glob("*.expect")}
    assert len(BAD_FILES) >= 15


@pytest.mark.parametrize("composer", ["libyaml", "python"])
@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_bad_rule_files_are_named_errors(path, composer, monkeypatch):
    if composer == "python":
        monkeypatch.setattr(rules_io, "_COMPOSER", yaml.SafeLoader)
    with pytest.raises(RuleFileError) as caught:
        load_rules(path)
    message = str(caught.value)
    for word in expected_words(path):
        assert word in message, (word, message)
    located = re.escape(str(path)) + (r":\d+:\d+: " if path.stem in WITH_COLUMNS else r":\d+: ")
    for line in message.splitlines():
        assert re.match(located, line), line
    assert message.splitlines() == validate_files([path])


def test_every_problem_is_listed_in_file_order():
    problems = validate_files([BAD_DIR / "many_problems.yaml"])
    assert len(problems) == 5
    lines = [int(p.split(":")[1]) for p in problems]
    assert lines == sorted(lines) == [2, 10, 12, 21, 23]


@pytest.mark.parametrize(
    "content, where, words", [(None, "", ["no such file"]), (b"notice: caf\xe9\n", ":1:12", ["not UTF-8", "0xe9"])]
)
def test_unreadable_files(tmp_path, content, where, words):
    """The messages of the one reader of every verb (regnotice.io.read_text)."""
    path = tmp_path / "r.yaml"
    if content is not None:
        path.write_bytes(content)
    problems = validate_files([path])
    assert len(problems) == 1 and problems[0].startswith(f"{path}{where}: "), problems
    for word in words:
        assert word in problems[0]
    with pytest.raises(RuleFileError):
        load_rules(path)


def test_public_load_rules(tmp_path):
    paths = write_rules(sample_ruleset(), tmp_path)
    assert regnotice.load_rules(paths[0]) == sample_ruleset()
    with pytest.raises(regnotice.RegnoticeError):
        regnotice.load_rules(BAD_FILES[0])


# ------------------------------------------------------------------ schema and writing


def test_schema():
    schema = rules_schema()
    assert list(schema)[:3] == ["$schema", "$id", "title"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    mapping = schema["properties"]["rules"]["items"]["discriminator"]["mapping"]
    assert sorted(mapping) == sorted(RULE_KINDS)
    assert tuple(m.model_fields["kind"].default for m in RULE_MODELS) == RULE_KINDS  # the strategies see every kind
    for ref in mapping.values():
        assert "kind" in schema["$defs"][ref.rsplit("/", 1)[-1]]["required"]
    text = rules_io.dump_schema()
    assert text == rules_io.dump_schema() and text.endswith("}\n")
    assert json.loads(text) == schema


def test_dump_validates_against_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    data = yaml.safe_load(dump_rules(sample_ruleset()))
    jsonschema.Draft202012Validator(rules_schema()).validate(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(rules_schema()).validate({**data, "colour": "red"})


def test_write_rules(tmp_path):
    ruleset = sample_ruleset()
    paths = write_rules(ruleset, tmp_path / "out")
    assert [p.name for p in paths] == ["yinfa-2026-42.yaml", "schema.json"]
    assert paths[0].read_text(encoding="utf-8") == dump_rules(ruleset)
    assert paths[1].read_text(encoding="utf-8") == rules_io.dump_schema()
    assert load_rules(paths[0]) == ruleset
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["schema.json", "yinfa-2026-42.yaml"]


@pytest.mark.parametrize("notice", ["", "a/b", "..", "a\\b"])
def test_write_rules_refuses_unsafe_names(tmp_path, notice):
    with pytest.raises(ValueError):
        write_rules(RuleSet(notice=notice), tmp_path)


# ------------------------------------------------------------------ CLI

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_cli_schema():
    result = run("schema")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert result.stdout == rules_io.dump_schema()


def test_cli_validate_good_file(tmp_path):
    path = write_rules(sample_ruleset(), tmp_path)[0]
    result = run("validate", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"ok: {path}\n"
    assert result.stderr == ""


def test_cli_validate_lists_every_problem_of_every_file(tmp_path):
    good = write_rules(sample_ruleset(), tmp_path)[0]
    missing = tmp_path / "nope.yaml"
    result = run("validate", str(good), *map(str, BAD_FILES), str(missing))
    assert result.exit_code == 2  # bad input (the CLI's contract: see regnotice.errors)
    assert result.stdout == f"ok: {good}\n"
    stderr = result.stderr.splitlines()
    for path in BAD_FILES:
        assert any(line.startswith(f"{path}:") for line in stderr), path
        for word in expected_words(path):
            assert word in result.stderr, (path, word)
    assert sum(line.startswith(f"{BAD_DIR / 'many_problems.yaml'}:") for line in stderr) == 5
    assert f"{missing}: no such file" in stderr
    assert "Traceback" not in result.output


def test_cli_validate_missing_file(tmp_path):
    result = run("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"{tmp_path / 'nope.yaml'}: no such file\n"
    assert run("validate").exit_code == 2  # no file at all: a usage error


def test_cli_export_with_a_stub_extractor(tmp_path, monkeypatch):
    import regnotice.pipeline

    seen = []
    monkeypatch.setattr(regnotice.pipeline, "extract", lambda notice: seen.append(notice) or sample_ruleset())
    result = run("export", "--out", str(tmp_path / "rules"))
    assert result.exit_code == 0, result.output
    written = [tmp_path / "rules" / "yinfa-2026-42.yaml", tmp_path / "rules" / "schema.json"]
    assert result.stdout == "".join(f"wrote {p}\n" for p in written)
    assert seen == [regnotice.load()]
    assert load_rules(written[0]) == sample_ruleset()
    assert run("validate", str(written[0])).exit_code == 0


def test_cli_export_real_rules(tmp_path):
    try:
        importlib.import_module("regnotice._extract")
    except ImportError as exc:
        pytest.skip(f"regnotice._extract is not importable yet ({exc})")
    first = run("export", "--out", str(tmp_path / "a"))
    assert first.exit_code == 0, first.output
    second = run("export", "-o", str(tmp_path / "b"))
    assert second.exit_code == 0, second.output
    (rules_a,) = (tmp_path / "a").glob("*.yaml")
    assert rules_a.read_bytes() == (tmp_path / "b" / rules_a.name).read_bytes()
    assert run("validate", str(rules_a)).exit_code == 0
    assert load_rules(rules_a).rules


JUNK = st.one_of(TEXT, st.sampled_from([":", "- ", "  ", "\n", "{", "[", "? ", "&a ", "*a", "!!str ", "<<: ", "1: "]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RULESETS, st.data())
def test_mangled_files_fail_cleanly(ruleset, data):
    """A rule file with a random cut and insertion loads or raises RuleFileError, never
    anything else, and every problem starts with the file name."""
    text = dump_rules(ruleset)
    at = data.draw(st.integers(0, len(text)))
    mangled = text[:at] + data.draw(JUNK) + text[at + data.draw(st.integers(0, 30)) :]
    try:
        load_rules_text(mangled, "m.yaml")
    except RuleFileError as exc:
        for line in str(exc).splitlines():
            assert line.startswith("m.yaml:"), str(exc)
