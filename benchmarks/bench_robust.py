"""Worst cases: how long check and describe take on hostile input, and extraction on
mutated notices (per 100 kB).

    python benchmarks/bench_robust.py [--inputs 20000] [--mutations 2000]

- check and describe: random mappings and strings (seeded), huge strings in every field,
  unknown keys, wrong types, None; the slowest call of each kind is reported (the target
  is 50 ms), and any exception that is not a RegnoticeError is counted and shown.
- extraction: the bundled notice with random edits (deletions, insertions of markers and
  punctuation, copied runs); parse + extract time per 100 kB, the slowest reported
  (the target is 1 s per 100 kB).
Garbage collector on; no assertion: the figures are printed.
"""

from __future__ import annotations

import argparse
import random
import time

import regnotice
from regnotice.models import Activity

FIELDS = list(Activity.model_fields) + ["colour", ""]
WORDS = "bank open accounts bitcoin domestic overseas approval consent of the PBOC knowingly invest sell mining machines RWA".split()


def random_value(rnd: random.Random, depth: int = 0):
    pick = rnd.random()
    if pick < 0.15:
        return None
    if pick < 0.25:
        return rnd.randint(-(10**6), 10**6)
    if pick < 0.35 and depth < 3:
        return [random_value(rnd, depth + 1) for _ in range(rnd.randint(0, 3))]
    if pick < 0.4 and depth < 3:
        return {str(rnd.random()): random_value(rnd, depth + 1)}
    if pick < 0.45:
        return rnd.choice(WORDS) * rnd.choice((1, 1000, 100_000))
    return " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(0, 8)))


def random_activity(rnd: random.Random) -> dict:
    return {rnd.choice(FIELDS): random_value(rnd) for _ in range(rnd.randint(0, 8))}


def worst(fn, items) -> tuple[float, int, str]:
    """The slowest call of ``fn`` over ``items`` (ms), the escapes (exceptions that are no
    RegnoticeError) and the first of them."""
    slowest, escaped, example, _, _ = measure(fn, items)
    return slowest * 1000, escaped, example


def measure(fn, items) -> tuple[float, int, str, object, int]:
    """(slowest call in s, escapes, the first escape, the slowest item, calls) over ``items``
    (any iterable: made one at a time)."""
    slowest, escaped, example, slowest_item, n = 0.0, 0, "", None, 0
    for item in items:
        n += 1
        start = time.perf_counter()
        try:
            fn(item)
        except regnotice.RegnoticeError:
            pass
        except Exception as exc:  # noqa: BLE001 - counted: none should escape
            escaped += 1
            example = example or f"{type(exc).__name__}: {str(exc)[:160]} <- {str(item)[:80]!r}"
        took = time.perf_counter() - start
        if took > slowest:
            slowest, slowest_item = took, item
    return slowest, escaped, example, slowest_item, n


def mutate(text: str, rnd: random.Random) -> str:
    chars = list(text)
    for _ in range(rnd.randint(1, 60)):
        op = rnd.random()
        i = rnd.randrange(len(chars) + 1)
        if op < 0.4 and chars:
            del chars[min(i, len(chars) - 1) : min(i, len(chars) - 1) + rnd.randint(1, 50)]
        elif op < 0.8:
            chars[i:i] = rnd.choice([" ", "\n", ",", ".", ";", ":", "(", ")", '"', "-", "(IV)", "(5)", "（一）", "一、", "。", " and ", " or ", " " * 500])
        else:
            j = rnd.randrange(len(chars) + 1)
            chars[i:i] = chars[j : j + rnd.randint(1, 2000)]
    return "".join(chars)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", type=int, default=20_000)
    parser.add_argument("--mutations", type=int, default=2_000)
    args = parser.parse_args()
    rnd = random.Random(11)
    notice = regnotice.load()
    rules = regnotice.extract(notice)
    activities = [random_activity(rnd) for _ in range(args.inputs)]
    texts = [random_value(rnd) for _ in range(args.inputs)]
    ms, escaped, example = worst(lambda a: regnotice.check(rules, a), activities)
    print(f"check, {len(activities):,} random activities: slowest {ms:.1f} ms, non-Regnotice errors {escaped} {example}")
    ms, escaped, example = worst(regnotice.describe, texts)
    print(f"describe, {len(texts):,} random values: slowest {ms:.1f} ms, non-Regnotice errors {escaped} {example}")
    huge = "x" * 10_000_000
    ms, escaped, example = worst(lambda f: regnotice.check(rules, {"actor": "bank", f: huge}), ["actor", "object", "where", "name", "business_scope"])
    print(f"check, a 10 MB string in a field: slowest {ms:.1f} ms, non-Regnotice errors {escaped} {example}")
    ms, escaped, example = worst(regnotice.describe, [huge, "bank " * 1000])
    print(f"describe, 10 MB and 5 kB strings: slowest {ms:.1f} ms, non-Regnotice errors {escaped} {example}")

    per_100kb, slow, escaped, example = [], 0, 0, ""
    for _ in range(args.mutations):
        text = mutate(notice.text, rnd)
        start = time.perf_counter()
        try:
            regnotice.extract(regnotice.parse(text))
        except regnotice.RegnoticeError:
            pass
        except Exception as exc:  # noqa: BLE001
            escaped += 1
            example = f"{type(exc).__name__}: {exc}"[:200]
        took = time.perf_counter() - start
        per_100kb.append(took / max(len(text), 1) * 100_000)
        slow += took / max(len(text), 1) * 100_000 > 1.0
    per_100kb.sort()
    print(
        f"extraction, {args.mutations:,} mutated notices: median {per_100kb[len(per_100kb) // 2] * 1000:.0f} ms per 100 kB, "
        f"slowest {per_100kb[-1] * 1000:.0f} ms per 100 kB, {slow} over 1 s per 100 kB, non-Regnotice errors {escaped} {example}"
    )


if __name__ == "__main__":
    main()
