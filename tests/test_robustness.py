"""check, describe and extract on hostile input: only RegnoticeError ever escapes.

Times are measured by benchmarks/bench_robust.py, not asserted here.
"""

from __future__ import annotations

import random

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import regnotice
from regnotice.models import Activity

NOTICE = regnotice.load()
RULES = regnotice.extract(NOTICE)
FIELDS = list(Activity.model_fields) + ["colour", "", "actor "]

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
ACTIVITIES = st.dictionaries(st.sampled_from(FIELDS), JSON | st.text(max_size=60) | st.lists(st.text(max_size=30), max_size=3), max_size=8)


def only_regnotice_errors(fn, *args) -> None:
    try:
        fn(*args)
    except regnotice.RegnoticeError:
        pass


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACTIVITIES)
def test_check_raises_only_regnotice_errors_for_any_mapping(activity):
    only_regnotice_errors(regnotice.check, RULES, activity)


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_check_raises_only_regnotice_errors_for_any_value(value):
    only_regnotice_errors(regnotice.check, RULES, value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400) | JSON)
def test_describe_raises_only_regnotice_errors(value):
    only_regnotice_errors(regnotice.describe, value)


def test_huge_strings_in_every_field_are_refused_as_unknown_terms():
    huge = "x" * 1_000_000
    for field in ("actor", "object", "where"):
        activity = {"actor": "bank", field: huge}
        only_regnotice_errors(regnotice.check, RULES, activity)
    for field in ("actions", "served", "holds", "lacks", "flags"):
        only_regnotice_errors(regnotice.check, RULES, {"actor": "bank", field: [huge]})
    verdict = regnotice.check(RULES, {"actor": "bank", "actions": ["register"], "name": "Stablecoin " * 9_000})
    assert verdict.outcome == "prohibited"
    for field in ("name", "business_scope"):
        with pytest.raises(regnotice.ActivityError, match=field):
            regnotice.check(RULES, {"actor": "bank", field: huge})


def test_deeply_nested_values_are_activity_errors():
    nested: object = "x"
    for _ in range(500):
        nested = [nested]
    only_regnotice_errors(regnotice.check, RULES, {"actor": "bank", "actions": nested})
    only_regnotice_errors(regnotice.describe, nested)


def _mutate(text: str, rnd: random.Random) -> str:
    chars = list(text)
    for _ in range(rnd.randint(1, 40)):
        op = rnd.random()
        i = rnd.randrange(len(chars) + 1)
        if op < 0.4 and chars:
            del chars[min(i, len(chars) - 1)]
        elif op < 0.8:
            chars.insert(i, rnd.choice(" \n,.;:()\"'-abcXIV(1)（一）、。and or" ))
        else:
            j = rnd.randrange(len(chars) + 1)
            chars[i:i] = chars[j : j + rnd.randint(1, 200)]
    return "".join(chars)


def test_extraction_of_mutated_notices_raises_only_regnotice_errors():
    rnd = random.Random(42)
    for _ in range(60):
        text = _mutate(NOTICE.text, rnd)
        try:
            notice = regnotice.parse(text)
        except regnotice.RegnoticeError:
            continue
        ruleset = regnotice.extract(notice)
        for rule in ruleset.rules:
            for name in ("actions", "objects", "served", "qualifiers", "parties"):
                for fact in getattr(rule, name, ()):
                    assert notice.text[fact.span.start - notice.span.start : fact.span.end - notice.span.start] == fact.text
