"""The prebuilt files (``regnotice index``): each is fresh, and each fast path built on one
gives what the slow path it replaces gives."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

import regnotice
from regnotice import agencies, bundled, lexicon, prebuilt
from regnotice.cli import app
from regnotice.models import RULE_KINDS, RuleSet
from regnotice.models.base import load_trusted

runner = CliRunner()

PREBUILT_NAMES = {
    "clause_index.json",
    "bundled_rules.json",
    "rule_index.json",
    "screen_terms.json",
    "agencies_prebuilt.json",
    "lexicon_prebuilt.json",
}


def test_every_prebuilt_file_is_fresh():
    """What ``regnotice index`` would write now, from a live parse and extraction and the
    YAML files, is what the package holds."""
    fresh = prebuilt.prebuilt()
    assert {path.name for path in fresh} == PREBUILT_NAMES
    stale, notes = prebuilt.stale_files()
    assert stale == [], f"stale: {[p.name for p in stale]}: run 'regnotice index'"
    for path, text in fresh.items():
        if path == lexicon.PREBUILT_FILE and notes:
            continue  # stems made with another stemmer: unused here (see the next test)
        assert path.read_text(encoding="utf-8") == text, path.name


def test_the_prebuilt_stems_are_those_of_the_installed_stemmer():
    data = json.loads(lexicon.PREBUILT_FILE.read_text(encoding="utf-8"))
    if data["stemmer"] != lexicon.stemmer_digest():
        pytest.skip("the prebuilt stems were made with another stemmer (they are unused here)")
    assert data["stems"] == prebuilt.build_lexicon()["stems"]


def test_index_check_names_a_stale_file(tmp_path, monkeypatch):
    stale = tmp_path / "rule_index.json"
    stale.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(prebuilt, "RULE_INDEX_FILE", stale)
    result = runner.invoke(app, ["index", "--check"])
    assert result.exit_code == 1
    assert f"{stale} is stale: run 'regnotice index'" in result.output
    assert "bundled_rules.json" not in result.output


def test_index_check_notes_stems_of_another_stemmer(tmp_path, monkeypatch):
    data = json.loads(lexicon.PREBUILT_FILE.read_text(encoding="utf-8"))
    data["stemmer"] = "snowballstemmer 0000"
    data["stems"] = {"banks": "banks"}
    other = tmp_path / "lexicon_prebuilt.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(lexicon, "PREBUILT_FILE", other)
    result = runner.invoke(app, ["index", "--check"])
    assert result.exit_code == 0, result.output
    assert "another stemmer" in result.output


# --- the rules: a trusted load of the snapshot ------------------------------------------


def test_the_trusted_snapshot_is_the_validated_one():
    text = bundled.SNAPSHOT_FILE.read_text(encoding="utf-8")
    trusted = load_trusted(RuleSet, json.loads(text))
    validated = RuleSet.model_validate_json(text)
    assert trusted == validated
    assert trusted.model_dump_json() + "\n" == text
    assert bundled.bundled_rules() == validated
    assert bundled.bundled_rules_json() + "\n" == text
    for mine, theirs in zip(trusted.rules, validated.rules):  # the same types throughout: tuples, models
        assert type(mine) is type(theirs)
        for name in type(mine).model_fields:
            assert type(getattr(mine, name)) is type(getattr(theirs, name)), (mine.id, name)


def test_load_trusted_refuses_a_type_it_cannot_load():
    from regnotice.models.base import _Frozen

    class Odd(_Frozen):
        values: dict[str, int] = {}

    with pytest.raises(TypeError, match="Odd.values"):
        load_trusted(Odd, {"values": {}})


def test_the_checker_hashes_the_snapshot_as_it_would_the_rules():
    from regnotice._check.checker import Checker
    from regnotice.reading import reader

    rules = bundled.bundled_rules()
    assert Checker(rules, reader(), bundled.bundled_rules_json()).rules_hash == Checker(rules, reader()).rules_hash


# --- rules: the rule index --------------------------------------------------------------


RULES_ARGS = [
    ["rules"],
    ["rules", "--clause", "IX"],
    ["rules", "--clause", "6", "--kind", "exception"],
    ["rules", "--kind", "repeal"],
    ["rules", "--agency", "CBIRC"],
    ["rules", "--clause", "XIII", "--format", "json"],
    ["rules", "--kind", "prohibition", "--format", "yaml"],
    ["rules", "--clause", "20"],
    ["rules", "--kind", "prohib"],
]


@pytest.mark.parametrize("args", RULES_ARGS)
def test_rules_print_the_same_from_the_rule_index_and_from_the_models(args, monkeypatch):
    fast = runner.invoke(app, args)
    monkeypatch.setattr(bundled, "rule_index", lambda: None)  # no prebuilt file: the rules' models
    slow = runner.invoke(app, args)
    assert (fast.exit_code, fast.output) == (slow.exit_code, slow.output)
    assert fast.output


def test_the_rule_index_kinds_are_the_models_kinds():
    assert bundled.rule_index()["kinds"] == list(RULE_KINDS)
    assert [e["id"] for e in bundled.rule_index()["rules"]] == [r["id"] for r in bundled.bundled_rules_data()["rules"]]


# --- screen: the screening terms ---------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "business_scope", "ad"])
def test_the_prebuilt_screener_is_the_one_of_the_rules(field, monkeypatch):
    from regnotice.screening import Screener, cited_rules, screener

    screener.cache_clear()
    try:
        fast = screener(field)
        live = Screener.from_rule(*cited_rules(bundled.live_rules(), field))
        assert (fast.terms, fast.cite, fast.also, fast.spellings, fast.anchors) == (live.terms, live.cite, live.also, live.spellings, live.anchors)
        assert fast.entries == live.entries
        for name in ("Acme Stablecoin Ltd", "虚拟货币交易所", "ＲＷＡ科技", "Rwanda Trading", "crypto-assets and RWA tokenisation"):
            assert fast.screen(name) == live.screen(name)
        monkeypatch.setattr(bundled, "screen_terms", lambda: None)  # no prebuilt file: the rules' models
        screener.cache_clear()
        assert screener(field).entries == live.entries
    finally:
        screener.cache_clear()


# --- check: the prebuilt registry and lexicon ---------------------------------------------


def test_the_prebuilt_registry_is_the_yaml_one():
    fast, slow = agencies._prebuilt_registry(), agencies.load_registry()
    assert fast is not None
    assert (fast.agencies, fast.parties, fast._by_spelling, fast.source) == (slow.agencies, slow.parties, slow._by_spelling, slow.source)
    assert (list(fast.agencies), list(fast.parties), list(fast._by_spelling)) == (list(slow.agencies), list(slow.parties), list(slow._by_spelling))
    for entry in (*fast.agencies.values(), *fast.parties.values()):
        assert all(not isinstance(v, list) for v in entry.__dict__.values()), entry.id


def test_the_prebuilt_lexicon_is_the_yaml_one():
    from regnotice.reading import Reader

    lexicon.lexicon.cache_clear()
    try:
        fast = lexicon.lexicon()
        slow = lexicon.load_lexicon()
        Reader(slow, agencies.load_registry())
        assert fast.concepts == slow.concepts
        assert fast.function_words == slow.function_words
        assert (fast.normalise.inflections, fast.normalise.unstemmed) == (slow.normalise.inflections, slow.normalise.unstemmed)
        assert fast.matcher.phrases == slow.matcher.phrases
        assert fast.to_data() == slow.to_data()
        # in the same order too: the order of the ids (vocab), and of the kinds a phrase names
        assert json.dumps(fast.to_data()) == json.dumps(slow.to_data())
        assert [list(section) for section in fast.concepts.values()] == [list(section) for section in slow.concepts.values()]
        assert [(k, list(v.items())) for k, v in fast.matcher.phrases.items()] == [(k, list(v.items())) for k, v in slow.matcher.phrases.items()]
        assert repr(fast.matcher.root) == repr(slow.matcher.root)
        if json.loads(lexicon.PREBUILT_FILE.read_text(encoding="utf-8"))["stemmer"] == lexicon.stemmer_digest():
            assert fast.normalise.memo == slow.normalise.memo  # every prebuilt stem is the stemmer's
    finally:
        lexicon.lexicon.cache_clear()


def _copy_package_file(tmp_path, path, edit=None):
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    if edit:
        copy.write_text(edit(copy.read_text(encoding="utf-8")), encoding="utf-8")
    return copy


def test_an_edited_yaml_file_is_read_instead_of_the_prebuilt_one(tmp_path, monkeypatch):
    """The prebuilt files name the digest of their sources: an edited ``lexicon.yaml`` or
    ``agencies.yaml`` is read as it is now."""
    edited_lexicon = _copy_package_file(tmp_path, lexicon.LEXICON_FILE, lambda t: t.replace("actions:\n", "actions:\n  levitation:\n    label: levitation\n", 1))
    edited_registry = _copy_package_file(tmp_path, agencies.REGISTRY_FILE, lambda t: t + "\n# a comment\n")
    monkeypatch.setattr(lexicon, "LEXICON_FILE", edited_lexicon)
    monkeypatch.setattr(agencies, "REGISTRY_FILE", edited_registry)
    lexicon.lexicon.cache_clear()
    agencies.registry.cache_clear()
    try:
        assert "levitation" in lexicon.lexicon().concepts["actions"]
        assert agencies._prebuilt_registry() is None
        assert agencies.registry().source == str(edited_registry)
    finally:
        lexicon.lexicon.cache_clear()
        agencies.registry.cache_clear()


def test_stems_of_another_stemmer_are_not_used(monkeypatch):
    monkeypatch.setattr(lexicon, "stemmer_digest", lambda: "snowballstemmer another")
    lexicon.lexicon.cache_clear()
    try:
        lex = lexicon.lexicon()
        live = lexicon.load_lexicon()
        assert lex.normalise.memo == live.normalise.memo  # stemmed as they came: no registry word prefilled
        assert lex.resolve("actions", "open accounts") == "account-opening"
        assert lex.to_data() == live.to_data()
    finally:
        lexicon.lexicon.cache_clear()


def test_a_missing_prebuilt_file_falls_back_to_the_sources(tmp_path, monkeypatch):
    monkeypatch.setattr(lexicon, "PREBUILT_FILE", tmp_path / "missing.json")
    monkeypatch.setattr(agencies, "PREBUILT_FILE", tmp_path / "missing.json")
    lexicon.lexicon.cache_clear()
    agencies.registry.cache_clear()
    try:
        assert lexicon.lexicon().resolve("objects", "RMB stablecoins") == "rmb-pegged-stablecoin"
        assert agencies.registry().resolve("CBIRC") == "cbirc"
    finally:
        lexicon.lexicon.cache_clear()
        agencies.registry.cache_clear()


def test_the_prebuilt_reader_is_the_yaml_one():
    from regnotice.reading import Reader, reader

    fast, slow = reader(), Reader(lexicon.load_lexicon(), agencies.load_registry())
    assert repr(fast.matcher.root) == repr(slow.matcher.root)
    assert [(k, list(v.items())) for k, v in fast.matcher.phrases.items()] == [(k, list(v.items())) for k, v in slow.matcher.phrases.items()]
    text = "Overseas entities provide services to domestic entities via a virtual currency trading platform"
    assert fast.find(text) == slow.find(text)


def test_vocab_is_the_same_from_the_prebuilt_and_the_yaml_vocabulary(monkeypatch):
    fast = runner.invoke(app, ["vocab", "--format", "json"])
    from regnotice import reading

    monkeypatch.setattr(reading, "reader", lambda: reading.Reader(lexicon.load_lexicon(), agencies.load_registry()))
    slow = runner.invoke(app, ["vocab", "--format", "json"])
    assert fast.exit_code == slow.exit_code == 0
    assert fast.output == slow.output


def test_a_check_gives_the_same_verdicts_on_the_prebuilt_and_the_yaml_vocabulary(tmp_path, monkeypatch):
    from regnotice._check.checker import Checker
    from regnotice.reading import Reader, reader

    activities = [
        {"actor": "bank", "actions": ["open accounts"], "object": "bitcoin"},
        {"actor": "a payment institution in China", "actions": "settle funds", "object": "USDT", "holds": ["approval of the PBOC"]},
        {"actor": "crypto exchange based abroad", "actions": ["provide services"], "served": ["domestic residents"]},
        {"actor": "energy company", "actions": "mining", "where": "domestic"},
    ]
    rules = bundled.bundled_rules()
    fast = Checker(rules, reader())
    slow = Checker(rules, Reader(lexicon.load_lexicon(), agencies.load_registry()))
    for activity in activities:
        assert fast.check(activity) == slow.check(activity), activity


def test_a_cold_check_is_the_same_with_and_without_the_prebuilt_files(tmp_path):
    """The real CLI, in fresh processes: the prebuilt vocabulary and a vocabulary read
    from YAML (the prebuilt files moved away) give the same output."""
    import subprocess
    import sys

    activity = tmp_path / "activity.yaml"
    activity.write_text("- actor: bank\n  actions: [open accounts]\n  object: bitcoin\n- actor: exchange\n  actions: [custody]\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from regnotice import agencies, lexicon\n"
        "if sys.argv[1] == 'yaml':\n"
        "    lexicon.PREBUILT_FILE = agencies.PREBUILT_FILE = lexicon.PREBUILT_FILE.with_name('absent.json')\n"
        "sys.argv = ['regnotice', 'check', sys.argv[2]]\n"
        "from regnotice.cli import main\n"
        "main()\n"
    )
    outputs = [
        subprocess.run([sys.executable, "-c", code, mode, str(activity)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
        for mode in ("prebuilt", "yaml")
    ]
    assert outputs[0].returncode == outputs[1].returncode == 1, outputs[0].stderr
    assert outputs[0].stdout == outputs[1].stdout
    assert "PROHIBITED" in outputs[0].stdout


def test_regnotice_check_still_reads_the_bundled_notice():
    assert regnotice.check(regnotice.load(), {"actor": "bank", "actions": ["open accounts"], "object": "bitcoin"}).outcome == "prohibited"
