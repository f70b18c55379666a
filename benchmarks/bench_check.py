"""Compliance-check and describe throughput, single-threaded, garbage collector on.

    python benchmarks/bench_check.py [-n 200000]

check: validated activities (``Activity`` objects, in the words of the scenarios and in
project ids) through ``regnotice.check(rules, activity)``, the public verb, on
- the activities of tests/cases/ in a loop;
- 10,000 random activities drawn from the lexicon and the registry, in a loop;
- 100,000 random activities checked once each by a fresh checker (memo tables cold).
Baseline in the same run: ``Activity.model_validate`` of the same activities as dicts,
the cost a caller pays to validate one before checking it.

describe: the scenario descriptions and 10,000 random sentences of vocabulary words
(seeded), through ``regnotice.describe``; baseline in the same run: ``str.split`` and a
regex word scan of the same texts.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

import yaml

import regnotice
from regnotice._check.checker import Checker
from regnotice.models import Activity
from regnotice.reading import reader

ROOT = Path(__file__).resolve().parent.parent


def rate(fn, items, n: int) -> float:
    fn(items[0])
    start = time.perf_counter()
    for i in range(n):
        fn(items[i % len(items)])
    return n / (time.perf_counter() - start)


def random_activities(rnd: random.Random, n: int) -> list[Activity]:
    lex, reg = reader().lexicon, reader().registry
    actors, actions, objects = sorted(reg.parties), lex.ids("actions"), lex.ids("objects")
    places, conditions = lex.ids("territory"), lex.ids("conditions")
    return [
        Activity(
            actor=rnd.choice(actors),
            actions=(rnd.choice(actions),),
            object=rnd.choice(objects),
            where=rnd.choice(places),
            holds=tuple(rnd.sample(conditions, rnd.randint(0, 2))),
        )
        for _ in range(n)
    ]


SENTENCE_WORDS = (
    "a the bank payment institution company individual internet platform overseas exchange mining machine maker "
    "opens accounts moves funds clears settles sells advertises issues invests in assists tokenizes "
    "for to of with without approval consent filing the PBOC bitcoin stablecoins RWA tokens virtual currency "
    "in China abroad Hong Kong mainland users knowingly new projects"
).split()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200_000)
    args = parser.parse_args()
    notice = regnotice.load()
    rules = regnotice.extract(notice)
    cases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "tests" / "cases").glob("*.yaml"))]
    scenario_dicts = [c["activity"] for c in cases if "activity" in c]
    scenarios = [Activity.model_validate(d) for d in scenario_dicts]
    rnd = random.Random(7)
    randoms = random_activities(rnd, 10_000)
    check = regnotice.check
    print(f"check: {args.n:,} checks each, single thread, gc on")
    print(f"  scenario activities ({len(scenarios)}, the users' words):  {rate(lambda a: check(rules, a), scenarios, args.n):>10,.0f} /s")
    print(f"  random activities (lexicon and registry ids):    {rate(lambda a: check(rules, a), randoms, args.n):>10,.0f} /s")
    fresh = random_activities(rnd, 100_000)
    cold = Checker(rules, reader())
    start = time.perf_counter()
    for activity in fresh:
        cold.check(activity)
    cold_rate = len(fresh) / (time.perf_counter() - start)
    distinct = len({(a.actor, a.actions, a.object, a.where, a.holds) for a in fresh})
    print(f"  100,000 random, fresh checker:                   {cold_rate:>10,.0f} /s  ({distinct:,} distinct, memo tables cold)")
    print(f"  baseline, Activity.model_validate(dict):         {rate(Activity.model_validate, scenario_dicts, args.n):>10,.0f} /s")

    texts = [c["text"] for c in cases if "text" in c] + [
        "A mainland bank opens accounts and moves funds for a cryptocurrency exchange",
        "An individual invests in bitcoin",
    ]
    sentences = [" ".join(rnd.choice(SENTENCE_WORDS) for _ in range(rnd.randint(6, 18))) for _ in range(10_000)]
    n = max(args.n // 4, 1000)
    describe = regnotice.describe
    print(f"describe: {n:,} descriptions each")
    print(f"  scenario descriptions ({len(texts)}):                   {rate(describe, texts, n):>10,.0f} /s")
    print(f"  10,000 random sentences of vocabulary words:     {rate(describe, sentences, n):>10,.0f} /s")
    word = re.compile(r"\w+")
    print(f"  baseline, str.split + a regex word scan:         {rate(lambda t: (t.split(), word.findall(t)), sentences, n):>10,.0f} /s")


if __name__ == "__main__":
    main()
