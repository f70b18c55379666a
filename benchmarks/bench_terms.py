"""User term lists of any size: build time and names/s (``regnotice screen --terms FILE``).

For lists of 1,000 and 10,000 terms (seeded watch-list names: brand-like words, some
followed by "global", "exchange", ...), in the same run:

- **build**: seconds to build the screener (``Screener.from_entries``; the automaton
  engine), best of 3;
- **names/s** over 1 M synthetic company names (``bench_screen.synthetic_name``; 1% of
  them hold a list term), with the collector on, one call per name, for:
  - ``Screener.screen`` (exact matching: whole words, plurals, separators, look-alikes),
    from a freshly built screener (``cold``: it compiles the sub-pattern of each literal
    the first time it meets it, some 0.15 ms each) and again over the same names
    (``warm``);
  - the plain Aho-Corasick baseline: ``next(automaton.iter(name.lower()), None)``
    over the terms' lowercase, which only says whether a term occurs as a substring
    (no whole-word check, no plurals or separators, no positions);
  - the naive loop ``any(t in name.lower() for t in terms)``, on a sample of names (it is
    slow: the rate is what counts).

    python benchmarks/bench_terms.py                     # about 1 minute
    python benchmarks/bench_terms.py --names 200000      # quicker
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from bench_screen import synthetic_name  # noqa: E402

from regnotice._screen.termlist import TermEntry  # noqa: E402
from regnotice.screening import Screener  # noqa: E402

HEADS = "bit coin crypto chain block meta defi moon luna star nova hash token ether sol doge shib pepe ape gem yield stake swap mint dex lend vault quant alpha omega zen flux volt".split()
TAILS = "ex fi pay swap verse chain hub net io x coin cash bank trade fund labs dao finance wallet market mining pool bridge".split()
SECOND = ["global", "exchange", "capital", "network", "protocol", "foundation", "international", "group"]


def watch_list(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct brand-like terms, a third of them two words."""
    out: dict[str, None] = {}
    while len(out) < count:
        word = rng.choice(HEADS) + rng.choice(TAILS)
        if rng.random() < 0.6:
            word += "".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(1, 2)))
        out[word + (" " + rng.choice(SECOND) if rng.random() < 0.3 else "")] = None
    return list(out)


def rate(fn, names: list[str]) -> float:
    t0 = time.perf_counter()
    for name in names:
        fn(name)
    return len(names) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--names", type=int, default=1_000_000)
    ap.add_argument("--naive-names", type=int, default=20_000)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    args = ap.parse_args()
    import ahocorasick

    rng = random.Random(20261203)
    base = [synthetic_name(rng, term_rate=0) for _ in range(args.names)]
    print(f"{args.names:,} names; collector on; Python {sys.version.split()[0]}")
    print(f"{'terms':>7} {'build s':>8} {'cold M/s':>9} {'warm M/s':>9} {'plain AC M/s':>13} {'naive M/s':>10} {'flagged':>8} {'AC says':>8}")
    for size in args.sizes:
        terms = watch_list(size, rng)
        names = list(base)
        for i in range(0, len(names), 100):  # 1% hold a term
            head, *rest = names[i].split(" ", 1)
            names[i] = f"{head} {terms[(i // 100) % size].title()} {rest[0] if rest else ''}".strip()
        entries = [TermEntry(t, id=f"WL-{i}") for i, t in enumerate(terms)]
        builds = []
        for _ in range(3):
            t0 = time.perf_counter()
            s = Screener.from_entries(entries, "watch-list")
            builds.append(time.perf_counter() - t0)
        screen = s.screen
        flagged = sum(1 for n in names if screen(n))  # also compiles what the run meets
        s = Screener.from_entries(entries, "watch-list")  # measured from cold
        screen_rate = rate(s.screen, names)
        warm_rate = rate(s.screen, names)

        automaton = ahocorasick.Automaton()
        for t in terms:
            automaton.add_word(t.lower(), t)
        automaton.make_automaton()
        ac_flagged = sum(1 for n in names if next(automaton.iter(n.lower()), None) is not None)
        ac_rate = rate(lambda n: next(automaton.iter(n.lower()), None), names)

        lowered = [t.lower() for t in terms]
        naive_rate = rate(lambda n: any(t in n.lower() for t in lowered), names[: args.naive_names])
        print(f"{size:>7,} {min(builds):>8.3f} {screen_rate / 1e6:>9.2f} {warm_rate / 1e6:>9.2f} {ac_rate / 1e6:>13.2f} {naive_rate / 1e6:>10.4f} {flagged:>8,} {ac_flagged:>8,}")


if __name__ == "__main__":
    main()
