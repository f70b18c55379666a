"""Compliance-check throughput, single-threaded, on validated input.

    python benchmarks/bench_check.py [-n 200000]

Workloads: the scenario activities of tests/cases/ in a loop; 10,000 random activities
drawn from the vocabulary (seeded) in a loop; and 100,000 random activities checked once
each by a fresh checker, whose memo tables (validation, exceptions, nearest rules) start
empty. Baseline in the same run: validating the same
activities from plain dicts (pydantic), the cost a caller pays before check().
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import yaml

import regnotice
from regnotice.check import Activity, _checker, vocabulary

ROOT = Path(__file__).resolve().parent.parent


def rate(fn, items, n: int) -> float:
    fn(items[0])
    start = time.perf_counter()
    for i in range(n):
        fn(items[i % len(items)])
    return n / (time.perf_counter() - start)


def random_activities(rnd: random.Random, vocab, actions: list[str], n: int) -> list[Activity]:
    """``n`` activities drawn from the vocabulary."""
    return [
        Activity(
            actor=rnd.choice(vocab.actors),
            actions=(rnd.choice(actions),),
            object=rnd.choice(vocab.objects),
            where=rnd.choice(vocab.where),
            holds=tuple(rnd.sample(vocab.conditions, rnd.randint(0, 2))),
        )
        for _ in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200_000)
    args = parser.parse_args()
    notice = regnotice.load()
    checker = _checker(notice)
    scenario_dicts = [yaml.safe_load(p.read_text(encoding="utf-8"))["activity"] for p in sorted((ROOT / "tests" / "cases").glob("*.yaml"))]
    scenarios = [Activity.model_validate(d) for d in scenario_dicts]
    vocab = vocabulary(notice)
    rnd = random.Random(7)
    actions = sorted(set(vocab.actions.values()))
    randoms = random_activities(rnd, vocab, actions, 10_000)
    print(f"{args.n:,} checks each, single thread")
    print(f"  check, scenario activities ({len(scenarios)}):   {rate(checker.check, scenarios, args.n):>10,.0f} /s")
    print(f"  check, random vocabulary activities:   {rate(checker.check, randoms, args.n):>10,.0f} /s")
    # Cold: a fresh checker (empty memo tables) over activities each checked once.
    fresh = random_activities(rnd, vocab, actions, 100_000)
    from regnotice.check import _Checker
    from regnotice.agencies import registry

    cold = _Checker(notice.ruleset, registry())
    start = time.perf_counter()
    for activity in fresh:
        cold.check(activity)
    cold_rate = len(fresh) / (time.perf_counter() - start)
    distinct = len({(a.actor, a.actions, a.object, a.where, a.holds) for a in fresh})
    print(f"  check, 100,000 random, fresh checker:  {cold_rate:>10,.0f} /s  ({distinct:,} distinct activities, memo tables cold)")
    print(f"  baseline: Activity.model_validate(dict): {rate(Activity.model_validate, scenario_dicts, args.n):>10,.0f} /s")


if __name__ == "__main__":
    main()
