"""The annotated HTML view (regnotice.html, ``regnotice html``).

Two kinds of tests. In-process: the walk over span boundaries (``nest``), the page's
marks read back with the standard library's HTML parser and compared with the committed
rule file, self-containment, escaping, the CLI's contract. In a real browser: Playwright
driving the system's Chromium (Debian's ``chromium``, installed by ``.ci/run``; nothing is
downloaded) counts marks and matrix cells, follows anchors, compares every highlight's
``textContent`` with its rule part and takes a screenshot. Without Chromium the browser
tests are skipped, with a message, except in CI (``CI=true`` or ``REGNOTICE_CI=1``),
where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import sys
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

import regnotice
import regnotice.html as view
from regnotice.cli import app
from regnotice.errors import InputError
from regnotice.html import CLOSE, OPEN, TEXT, Interval, nest
from regnotice.report import agency_matrix, coverage

ROOT = Path(__file__).resolve().parent.parent
RULE_FILE = ROOT / "rules" / "yinfa-2026-42.yaml"
LAYOUTS = sorted((ROOT / "tests" / "layouts").glob("*.txt"))
EXTERNAL = ROOT.parent / "shared" / "external"

#: A notice whose text holds markup and references: shown as text, never run or decoded.
HOSTILE = """To all banks & <script>alert(1)</script> brokers:
Recently, speculative activities have disrupted the financial order. The relevant matters are notified as follows:
(I) Banks & <script>alert("x")</script> brokers may not provide custody for virtual currency.
(II) The People's Bank of China shall, together with <b>the CSRC</b>, supervise <i>trading</i> &amp; clearing.
Further notices will follow.
"""


# ------------------------------------------------------------------------- helpers


def draw(text: str, intervals: list[Interval]) -> str:
    """The events of ``nest`` as compact markup: ``<tag>`` and ``</tag>``."""
    out = []
    for op, iv, x in nest(text, 0, len(text), intervals):
        out.append(x if op == TEXT else f"<{iv.tag}>" if op == OPEN else f"</{iv.tag}>")
    return "".join(out)


def iv(start, end, tag, layer=5, seq=0):
    return Interval(start, end, tag, {}, layer, seq, key=tag if layer > 2 else "")


def expected_parts(rules_data: dict) -> dict[tuple[str, str], str]:
    """(rule id, path) -> text of every spanned part, read from a rule set's JSON data (not
    from the models the page walked): a dict with ``text`` and a non-empty ``span``."""
    found: dict[tuple[str, str], str] = {}

    def walk(value, rule_id: str, path: str):
        if isinstance(value, dict):
            if path and "span" in value and "text" in value and value["span"]["end"] > value["span"]["start"]:
                found[(rule_id, path)] = value["text"]
            for key, item in value.items():
                if key != "span":
                    walk(item, rule_id, f"{path}/{key}" if path else key)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, rule_id, f"{path}/{i}")

    for rule in rules_data["rules"]:
        for key, value in rule.items():
            if key not in ("id", "span", "quote"):
                walk(value, rule["id"], key)
    return found


class Marks(HTMLParser):
    """The page read back: every element balanced (else AssertionError), the text of each
    mark joined over its fragments, the ids and the links."""

    VOID = {"meta", "br", "hr", "img", "link", "input", "wbr"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.texts: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.frags: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.kinds: dict[str, str] = {}
        self.ids: list[str] = []
        self.links: list[tuple[str, str]] = []  # (attribute, value) of every href and src
        self.tags: Counter = Counter()
        self.cells: list[dict] = []
        self.feed(html)
        self.close()
        assert not self.stack, f"unclosed: {[t for t, _ in self.stack]}"

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] += 1
        if "id" in a:
            self.ids.append(a["id"])
        self.links += [(k, v) for k, v in attrs if k in ("href", "src")]
        if tag == "td" and "cell" in a.get("class", ""):
            self.cells.append(a)
        if tag in self.VOID:
            return
        self.stack.append((tag, a))
        key = self.key(a)
        if key:
            self.frags[key].append(a["data-frag"])
            if a["data-part"] == "sentence":
                self.kinds[a["data-rule"]] = a["data-kind"]

    @staticmethod
    def key(a: dict):
        return (a["data-rule"], a.get("data-path", "")) if "data-rule" in a else None

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        for _, a in self.stack:
            key = self.key(a)
            if key:
                self.texts[key].append(data)

    def text(self, key) -> str:
        return "".join(self.texts[key])


@pytest.fixture(scope="module")
def bundled():
    notice = regnotice.load()
    return notice, view.page(notice)


@pytest.fixture(scope="module")
def rule_file_data() -> dict:
    return regnotice.load_rules(RULE_FILE).model_dump(mode="json")


# ------------------------------------------------------------------ nest, the walk

NEST_CASES = [
    # (text, intervals, expected markup)
    ("abcdef", [iv(0, 6, "a"), iv(2, 4, "b", seq=1)], "<a>ab<b>cd</b>ef</a>"),
    ("abcdef", [iv(2, 4, "b", seq=1), iv(0, 6, "a")], "<a>ab<b>cd</b>ef</a>"),  # input order does not matter
    ("abcdef", [iv(0, 4, "a"), iv(2, 6, "b", seq=1)], "<a>ab<b>cd</b></a><b>ef</b>"),  # crossing: two fragments of b
    ("abcd", [iv(0, 4, "a"), iv(0, 4, "b", seq=1)], "<a><b>abcd</b></a>"),  # identical spans: both, in rule order
    ("abcd", [iv(0, 4, "b", seq=1), iv(0, 4, "a", 4)], "<a><b>abcd</b></a>"),  # lower layer outside
    ("abcd", [iv(1, 1, "z"), iv(0, 4, "a")], "<a>abcd</a>"),  # an empty span draws nothing
    # a mark across two paragraphs: split at the block boundary, the paragraphs never
    ("ab cd", [iv(0, 2, "p", 2), iv(3, 5, "p", 2), iv(1, 4, "m")], "<p>a<m>b</m></p><m> </m><p><m>c</m>d</p>"),
]


@pytest.mark.parametrize("text, intervals, expected", NEST_CASES)
def test_nest(text, intervals, expected):
    assert draw(text, intervals) == expected


def test_nest_numbers_fragments_and_keeps_the_id_on_the_first():
    a = Interval(0, 4, "mark", {"id": "rule-1-1"}, 5, 0, "a")
    b = Interval(2, 6, "mark", {"id": "x"}, 5, 1, "b")
    opened = [(i.key, attrs) for op, i, attrs in nest("abcdef", 0, 6, [a, b]) if op == OPEN]
    assert opened == [("a", {"id": "rule-1-1", "data-frag": "0"}), ("b", {"id": "x", "data-frag": "0"}), ("b", {"data-frag": "1"})]
    assert (a.pieces, b.pieces) == (1, 2)


def test_nest_walks_each_character_once():
    text = "x" * 1000
    intervals = [iv(i, i + 7, f"m{i}", seq=i) for i in range(0, 990, 3)]
    drawn = "".join(x for op, _, x in nest(text, 0, len(text), intervals) if op == TEXT)
    assert drawn == text


# ------------------------------------------------------------ the page, in-process


def test_every_rule_and_part_is_marked_with_its_text(bundled, rule_file_data):
    notice, page = bundled
    marks = Marks(page.html)
    expected = expected_parts(rule_file_data)
    rules = rule_file_data["rules"]
    sentences = {k: v for k, v in marks.texts.items() if k[1] == ""}
    parts = {k: v for k, v in marks.texts.items() if k[1] != ""}
    assert {k[0] for k in sentences} == {r["id"] for r in rules}
    assert all(marks.text((r["id"], "")) == r["quote"] for r in rules)
    assert set(parts) == set(expected)
    assert {k: marks.text(k) for k in parts} == expected
    assert (page.rules, page.parts, page.unmarked) == (len(rules), len(expected), ())
    assert Counter(marks.kinds.values()) == Counter(r["kind"] for r in rules) == Counter(page.by_kind)


def test_a_sentence_with_two_rules_shows_both(bundled):
    marks = Marks(bundled[1].html)
    assert marks.text(("yinfa-2026-42/13/1", "")) == marks.text(("yinfa-2026-42/13/2", ""))
    assert (marks.kinds["yinfa-2026-42/13/1"], marks.kinds["yinfa-2026-42/13/2"]) == ("prohibition", "exception")
    assert marks.text(("yinfa-2026-42/13/2", "conditions/0/authority")) == "relevant departments"


def test_marks_name_their_registry_and_lexicon_ids(bundled):
    html = bundled[1].html
    assert 'data-part="bearer" data-path="bearers/0" data-ref="financial-institution" data-source="registry"' in html
    assert 'data-part="action" data-path="actions/0" data-ref="account-opening" data-source="lexicon"' in html
    assert 'data-part="condition" data-path="conditions/0" data-condition="approval"' in html


def test_anchors_are_stable_and_every_link_lands(bundled):
    marks = Marks(bundled[1].html)
    assert len(marks.ids) == len(set(marks.ids)), [i for i, n in Counter(marks.ids).items() if n > 1]
    assert {"clause-13", "rule-13-2", "rule-closing-1", "legend", "matrix", "coverage", "block-preamble"} <= set(marks.ids)
    targets = {v[1:] for k, v in marks.links if k == "href"}
    assert targets - set(marks.ids) == set()


def test_the_page_is_self_contained(bundled):
    marks = Marks(bundled[1].html)
    assert all(k == "href" and v.startswith("#") for k, v in marks.links), [v for _, v in marks.links if not v.startswith("#")]
    assert marks.tags["script"] == marks.tags["link"] == marks.tags["img"] == marks.tags["iframe"] == 0
    assert marks.tags["style"] == 1 and "url(" not in bundled[1].html and "@import" not in bundled[1].html


def test_the_matrix_has_a_cell_for_every_agency_and_clause(bundled):
    notice, page = bundled
    matrix = agency_matrix(notice)
    marks = Marks(page.html)
    clauses = sorted({c.ordinal for c in notice.clauses} | {0})
    assert (page.agencies, page.clauses) == (len(matrix), len(clauses)) == (36, 20)
    assert len(marks.cells) == len(matrix) * len(clauses)
    got = {(c["data-agency"], int(c["data-clause"])): c["data-roles"] for c in marks.cells}
    want = {(ref, k): " ".join(matrix[ref].get(k, ())) for ref in matrix for k in clauses}
    assert got == want


def test_the_unmodeled_sentences_are_those_of_coverage(bundled):
    notice, page = bundled
    marks = Marks(page.html)
    report = coverage(notice)
    shown = [i for i in marks.ids if i.startswith("unmodeled-")]
    assert len(shown) == sum(len(r.unmodeled) for r in report.clauses) == 5
    texts = [s.text for _, _, s in view._Layout(notice).uncovered(regnotice.extract(notice).rules)]
    assert texts == [t for r in report.clauses for t in r.unmodeled]


def test_markup_in_the_notice_is_text():
    notice = regnotice.parse(HOSTILE)
    page = view.page(notice)
    marks = Marks(page.html)
    assert marks.tags["script"] == marks.tags["b"] == marks.tags["i"] == 0
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.html or '&lt;script&gt;alert("x")&lt;/script&gt;' in page.html
    assert "&amp;amp; clearing" in page.html  # "&amp;" in the notice is five characters of text
    bearer = marks.text(("notice/1/1", "bearers/0"))
    assert bearer == 'Banks & <script>alert("x")</script> brokers'
    assert expected_parts(regnotice.extract(notice).model_dump(mode="json")) == {k: marks.text(k) for k in marks.texts if k[1]}


def _inputs():
    cases = [pytest.param(p, id=p.name) for p in LAYOUTS]
    if EXTERNAL.is_dir():
        cases += [pytest.param(p, id=p.name) for p in sorted(EXTERNAL.iterdir()) if p.suffix in (".txt", ".html")]
    return cases


@pytest.mark.parametrize("path", _inputs())
def test_any_notice_is_drawn_whole(path):
    """Layouts of one and two levels, a Chinese page with sections, notices with no items."""
    notice = regnotice.parse(path.read_text(encoding="utf-8"), source=path.name)
    page = view.page(notice)
    marks = Marks(page.html)
    rules = regnotice.extract(notice)
    expected = expected_parts(rules.model_dump(mode="json"))
    assert {k: marks.text(k) for k in marks.texts if k[1]} == expected
    assert all(marks.text((r.id, "")) == r.quote for r in rules.rules)
    assert len(marks.cells) == page.agencies * page.clauses
    targets = {v[1:] for k, v in marks.links if k == "href"}
    assert targets <= set(marks.ids)


def test_crossing_parts_are_split_into_fragments(monkeypatch):
    """No two spans of the bundled rules cross; a rule set where they do is drawn in
    fragments, whose joined text is still each part's."""
    notice = regnotice.load()
    rules = regnotice.extract(notice)
    r = next(r for r in rules.rules if r.id == "yinfa-2026-42/6/1")
    a, b = r.activities[0], r.bearers[0]
    cross = type(a)(text=notice.text[b.span.start + 3 - notice.span.start : a.span.start + 5 - notice.span.start], span={"start": b.span.start + 3, "end": a.span.start + 5})
    changed = r.model_copy(update={"served": (), "unresolved": (cross,)})
    patched = rules.model_copy(update={"rules": tuple(changed if x is r else x for x in rules.rules)})
    monkeypatch.setattr("regnotice.pipeline.extract", lambda n: patched)
    page = view.page(notice)
    marks = Marks(page.html)
    key = (r.id, "unresolved/0")
    assert page.split >= 1 and page.fragments >= 1 and len(marks.frags[key]) >= 2
    assert marks.text(key) == cross.text
    assert f"{page.split} mark" in page.html


def test_a_part_whose_text_is_not_the_source_is_reported_not_marked(monkeypatch):
    notice = regnotice.load()
    rules = regnotice.extract(notice)
    r = rules.rules[5]
    wrong = r.model_copy(update={"quote": r.quote + " (edited)"})
    patched = rules.model_copy(update={"rules": tuple(wrong if x is r else x for x in rules.rules)})
    monkeypatch.setattr("regnotice.pipeline.extract", lambda n: patched)
    page = view.page(notice)
    assert page.unmarked == ((r.id, "", "its quote differs from the source at its span"),)
    assert page.rules == len(rules.rules) - 1 and "Parts with nothing to mark" in page.html


def test_without_jinja2_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "jinja2", None)
    monkeypatch.setattr(view, "_ENV", None)
    with pytest.raises(InputError, match=r'jinja2.*pip install "regnotice\[html\]"'):
        view.page(regnotice.load())
    result = CliRunner().invoke(app, ["html"])
    assert result.exit_code == 2 and 'pip install "regnotice[html]"' in result.output


# ------------------------------------------------------------------------------ CLI

runner = CliRunner()


def test_cli_writes_dir_index_html(tmp_path):
    out = tmp_path / "site"
    result = runner.invoke(app, ["html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out / 'index.html'}: 66 rules and 356 parts marked" in result.output
    assert (out / "index.html").read_text(encoding="utf-8") == view.render(regnotice.load())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temp file left


def test_cli_reads_a_file_and_writes_standard_output(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(HOSTILE, encoding="utf-8")
    result = runner.invoke(app, ["html", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>") and "&lt;script&gt;" in result.stdout


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["html", "no-such-file.txt"], 2, "no-such-file.txt: no such file"),
        (["html", "--out", "{file}"], 3, "cannot write: it exists and is not a directory"),
    ],
)
def test_cli_exit_codes(tmp_path, args, code, words):
    afile = tmp_path / "afile"
    afile.write_text("x")
    result = runner.invoke(app, [a.replace("{file}", str(afile)) for a in args])
    assert result.exit_code == code and words in result.output, result.output


# --------------------------------------------------------------------- the browser

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes") or os.environ.get("REGNOTICE_CI") == "1"


def _chromium() -> str | None:
    for name in (os.environ.get("REGNOTICE_CHROMIUM"), "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = name and shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = _chromium()
needs_browser = pytest.mark.skipif(
    CHROMIUM is None and not IN_CI,
    reason="no Chromium on PATH (apt-get install chromium, or REGNOTICE_CHROMIUM=/path): the browser tests run in CI",
)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("CI: no Chromium on PATH for the browser tests (.ci/run installs Debian's chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if IN_CI:
            pytest.fail("CI: playwright is not installed (the test extra has it)")
        pytest.skip("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    return view.write(regnotice.load(), out).as_uri()


def _open(browser, url: str, **viewport):
    page = browser.new_page(viewport=viewport or {"width": 1200, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    return page, requests, dialogs


@pytest.fixture(scope="module")
def loaded(browser, site):
    page, requests, dialogs = _open(browser, site)
    yield page, requests, dialogs
    page.close()


_MARKS_JS = """() => Array.from(document.querySelectorAll('mark[data-rule]'), m => ({
    rule: m.dataset.rule, kind: m.dataset.kind, part: m.dataset.part, path: m.dataset.path || '',
    frag: m.dataset.frag, text: m.textContent }))"""


@needs_browser
def test_browser_counts_marks_per_kind(loaded, rule_file_data):
    marks = loaded[0].evaluate(_MARKS_JS)
    sentences = [m for m in marks if m["part"] == "sentence" and m["frag"] == "0"]
    assert Counter(m["kind"] for m in sentences) == Counter(r["kind"] for r in rule_file_data["rules"])
    parts = {(m["rule"], m["path"]) for m in marks if m["part"] != "sentence"}
    assert len(parts) == len(expected_parts(rule_file_data)) == 356


@needs_browser
def test_browser_every_highlight_is_its_rule_part(loaded, rule_file_data):
    joined: dict[tuple[str, str], str] = defaultdict(str)
    for m in loaded[0].evaluate(_MARKS_JS):
        joined[(m["rule"], m["path"])] += m["text"]
    quotes = {(r["id"], ""): r["quote"] for r in rule_file_data["rules"]}
    assert dict(joined) == {**quotes, **expected_parts(rule_file_data)}


@needs_browser
def test_browser_matrix_cells(loaded, bundled):
    notice, page = bundled
    n_cells = loaded[0].locator("table.matrix td.cell").count()
    n_rows = loaded[0].locator("table.matrix tbody tr").count()
    n_cols = loaded[0].locator("table.matrix thead th[data-clause]").count()
    assert (n_rows, n_cols) == (len(agency_matrix(notice)), len(notice.clauses) + 1)
    assert n_cells == n_rows * n_cols == 36 * 20
    assert loaded[0].locator('td.cell[data-agency="pboc"][data-clause="3"]').inner_text() == "LP"


_TARGET_JS = """() => { const t = document.querySelector(':target'); if (!t) return null;
    const r = t.getBoundingClientRect();
    return { id: t.id, rule: t.dataset.rule || '', top: r.top, bottom: r.bottom, height: innerHeight }; }"""


@needs_browser
def test_browser_follows_anchors(browser, site):
    page, _, _ = _open(browser, site)
    try:
        page.locator('table.matrix thead a[href="#clause-13"]').click()
        target = page.evaluate(_TARGET_JS)
        assert target["id"] == "clause-13" and 0 <= target["top"] < target["height"], target
        page.locator('#clause-13 details.rules a[href="#rule-13-2"]').click()
        target = page.evaluate(_TARGET_JS)
        assert (target["id"], target["rule"]) == ("rule-13-2", "yinfa-2026-42/13/2"), target
        assert 0 <= target["top"] < target["height"], target
        page.goto(site + "#rule-closing-1")
        assert page.evaluate(_TARGET_JS)["rule"] == "yinfa-2026-42/closing/1"
        page.locator('nav a[href="#coverage"]').click()
        page.locator('.uncovered-list a[href="#unmodeled-1"]').click()
        assert page.evaluate(_TARGET_JS)["id"] == "unmodeled-1"
    finally:
        page.close()


@needs_browser
def test_browser_loads_nothing_but_the_page(loaded, site):
    page, requests, dialogs = loaded
    assert requests == [site] and dialogs == []
    assert page.evaluate("() => document.scripts.length") == 0


@needs_browser
def test_browser_shows_markup_as_text(browser, tmp_path):
    url = view.write(regnotice.parse(HOSTILE), tmp_path).as_uri()
    page, requests, dialogs = _open(browser, url)
    try:
        assert dialogs == [] and requests == [url] and page.evaluate("() => document.scripts.length") == 0
        bearer = page.locator('mark[data-rule="notice/1/1"][data-path="bearers/0"]').text_content()
        assert bearer == 'Banks & <script>alert("x")</script> brokers'
        assert "<i>trading</i> &amp; clearing" in page.locator("#clause-2").text_content()
    finally:
        page.close()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@needs_browser
def test_browser_screenshot(browser, site, tmp_path):
    page, _, _ = _open(browser, site + "#clause-13", width=1200, height=900)
    try:
        shot = tmp_path / "page.png"
        page.screenshot(path=str(shot))
        data = shot.read_bytes()
        assert _png_size(data) == (1200, 900)
        assert len(data) > 50_000  # marked text, not a blank page
        full = page.screenshot(full_page=True)
        width, height = _png_size(full)
        assert width == 1200 and height > 10_000  # the whole notice, the matrix, the coverage
    finally:
        page.close()
