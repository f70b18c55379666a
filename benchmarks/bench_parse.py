"""Parse speed, in process.

(a) the bundled seed page (a whole scraped page, two identical copies of the notice) and
    the bare notice region cut from it: median and min over N runs, after a warm-up;
(b) scaling: k bare notices concatenated, k = 1, 10, 100, 1000, parsed with
    ``regnotice.parse_all``. Identical copies are deduplicated by ``parse_all`` (located,
    compared, parsed once), so the main series makes every copy distinct by numbering
    its title line; the identical series is shown beside it. Reported: MB/s, time per
    notice, and the per-notice time relative to k = 1 (1.0 = linear scaling);
(c) where the time of one parse of the bare notice goes: the locator, the Lark LALR
    parser alone (its lexer and tree), the terminals' regular expressions alone (each
    token's terminal matched at its position, no parser), the transformer that builds
    the frozen models, the front-matter facts. The Lark line is the floor of any
    design that parses with this grammar.

    python benchmarks/bench_parse.py [--runs 20] [--max-copies 1000]

No asserts on time: this prints numbers, the tests check behaviour.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time

import regnotice
from regnotice.bundled import bundled_text

TITLE_ANCHOR = "Key Attention to RWA"


def timed(fn, runs: int) -> list[float]:
    """Wall times of ``runs`` calls, in seconds (GC collected before each and left on,
    as users run)."""
    out = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.2f}"


def distinct_copies(bare: str, k: int) -> str:
    """k copies of the bare notice, each with its own title line, one blank line apart."""
    assert TITLE_ANCHOR in bare
    copies = [bare.replace(TITLE_ANCHOR, f"Key Attention (copy {i:04d}) to RWA", 1) for i in range(k)]
    return "\n\n".join(copies) + "\n"


def identical_copies(bare: str, k: int) -> str:
    return "\n\n".join([bare] * k) + "\n"


def runs_for(k: int, runs: int) -> int:
    return max(1, min(runs, 200 // k))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=20, help="runs per measurement in (a) (default 20)")
    ap.add_argument("--max-copies", type=int, default=1000, help="largest k in (b) (default 1000)")
    args = ap.parse_args(argv)

    print(f"regnotice {regnotice.__version__}, Python {platform.python_version()} on {platform.machine()}, {platform.system()}")

    page = bundled_text()
    t0 = time.perf_counter()
    notice = regnotice.parse(page, source="seed")
    first = time.perf_counter() - t0
    bare = notice.text  # the notice region: title .. closing paragraph
    assert len(regnotice.parse(bare).clauses) == 19

    # (a) ------------------------------------------------------------------------------
    print(f"\n(a) single parses, {args.runs} runs each after one warm-up (first parse in process: {ms(first)} ms,")
    print("    including loading the Lark parser from its cache)\n")
    rows = []
    for name, text in (("seed page (parse)", page), ("seed page (parse_all)", page), ("bare notice (parse)", bare)):
        fn = (lambda t=text: regnotice.parse_all(t)) if "parse_all" in name else (lambda t=text: regnotice.parse(t))
        fn()
        times = timed(fn, args.runs)
        size = len(text.encode("utf-8"))
        rows.append((name, f"{size:,}", ms(statistics.median(times)), ms(min(times)), f"{size / 1e6 / statistics.median(times):.2f}"))
    table(["input", "bytes", "median ms", "min ms", "MB/s"], rows)

    # (b) ------------------------------------------------------------------------------
    ks = [k for k in (1, 10, 100, 1000) if k <= args.max_copies]
    print(f"\n(b) k concatenated bare notices, parse_all (runs: {', '.join(f'{k}x: {runs_for(k, args.runs)}' for k in ks)}; median)\n")
    rows = []
    base: dict[str, float] = {}
    for k in ks:
        for kind, build in (("distinct", distinct_copies), ("identical", identical_copies)):
            text = build(bare, k)
            result = regnotice.parse_all(text)  # warm-up and sanity check
            expected = k if kind == "distinct" else 1
            assert len(result) == expected and all(len(n.clauses) == 19 for n in result), (kind, k, len(result))
            del result
            times = timed(lambda text=text: regnotice.parse_all(text), runs_for(k, args.runs))
            med = statistics.median(times)
            size = len(text.encode("utf-8"))
            per = med / k
            base.setdefault(kind, per)
            rows.append(
                (
                    kind,
                    f"{k}x",
                    f"{size / 1e6:.2f}",
                    str(expected),
                    ms(med),
                    f"{per * 1e3:.3f}",
                    f"{size / 1e6 / med:.2f}",
                    f"{per / base[kind]:.2f}",
                )
            )
            print(f"    {kind:9} {k:>5}x  {ms(med):>10} ms", file=sys.stderr, flush=True)
    print()
    table(["copies", "k", "MB", "notices", "total ms", "ms/notice", "MB/s", "per-notice vs 1x"], rows)
    d = [r for r in rows if r[0] == "distinct"]
    if len(d) > 1:
        print(f"\n    distinct, ms/notice at {d[-1][1]} vs 1x: {d[-1][7]}x  (1.00 = linear)")

    # (c) ------------------------------------------------------------------------------
    print(f"\n(c) where one parse of the bare notice goes ({args.runs * 5} runs each, median)\n")
    rows = [(name, ms(statistics.median(timed(fn, args.runs * 5)))) for name, fn in phases(bare)]
    table(["phase", "ms"], rows)


def phases(bare: str):
    """(name, callable) for each phase of ``regnotice.parse(bare)``, run on its own."""
    import re

    from regnotice import parsing
    from regnotice.front import read_front_matter
    from regnotice.grammar import notice_parser
    from regnotice.lines import LineIndex
    from regnotice.transform import NoticeTransformer

    parser = notice_parser()
    bare = bare.rstrip() + "\n"  # the region as the parser reads it, one break appended
    tree = parser.parse(bare)
    lines = LineIndex(bare)
    skeleton = NoticeTransformer(bare, lines).transform(tree)
    tokens = list(tree.scan_values(lambda v: True))
    terminals = {name: re.compile(parser.get_terminal(name).pattern.to_regexp()) for name in {t.type for t in tokens}}
    matches = [(terminals[t.type].match, t.start_pos) for t in tokens]
    return [
        ("whole parse (regnotice.parse)", lambda: regnotice.parse(bare)),
        ("locator (find the region)", lambda: parsing._regions(bare, None)),
        (f"Lark LALR parse, tree only ({len(tokens)} tokens)", lambda: parser.parse(bare)),
        ("  of which terminal regexes alone", lambda: [match(bare, pos) for match, pos in matches]),
        ("transformer (frozen models)", lambda: NoticeTransformer(bare, lines).transform(tree)),
        ("front-matter facts", lambda: read_front_matter(skeleton.parts, bare, bare)),
    ]


def table(header: list[str], rows: list[tuple]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = "  ".join(f"{h:<{w}}" if i == 0 else f"{h:>{w}}" for i, (h, w) in enumerate(zip(header, widths)))
    print("    " + line)
    print("    " + "  ".join("-" * w for w in widths))
    for row in rows:
        print("    " + "  ".join(f"{c:<{w}}" if i == 0 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(row, widths))))


if __name__ == "__main__":
    main()
