"""A notice and its rules as an Akoma Ntoso 3.0 document (``regnotice.akn`` is the verb).

The document is an ``<act name="...">``:

- ``<meta>``: the FRBR work, expression and manifestation (IRIs built from the document
  number: ``/akn/cn/act/notice/2026/yinfa-42``), the lifecycle (the notice's generation),
  the repeals it makes (``activeModifications``), and the references: the agencies of the
  registry the notice names (``TLCOrganization``), the concepts and terms its inline
  marks point at, and regnotice itself, the source of the markup;
- ``<preface>``: title, number and issuers; ``<preamble>``: the addressee and the
  preamble; ``<body>``: one ``<paragraph>`` per item (``num``, ``heading``, ``content``),
  inside a ``<section>`` where the notice has two levels; ``<conclusions>``: the closing
  paragraph and the signature block.

eIds follow the Akoma Ntoso naming convention (akn-nc 1.0, section 5.4): ``[prefix "__"]
element_ref ["_" number]``, the prefix being the eId of the context element, the number
that of the element's ``<num>`` with punctuation stripped (``(IX)`` -> ``para_IX``,
``（九）`` -> ``para_九``), a count for elements without one (``para_IX__p_2``), none
for an element unique in its context (``para_IX__content``, ``para_IX__heading``).

The page's headline and foreword (a news site's words about the notice, not the
notice's) are left out. Text is copied as the source has it, so every inline mark's text
is the source's text at the rule span it came from; a character XML cannot hold (a
control character such as U+0001) becomes a space, one for one.

>>> clean_num("(IX)"), clean_num("（十九）"), clean_num("Art. 11.2 bis"), clean_num("一、")
('IX', '十九', 'Art-11-2bis', '一')
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..errors import InputError, RuleFileError
from ..models import Block, Clause, Condition, DocNumber, Extract, Fact, Heading, Notice, Paragraph, RuleSet, SectionHeading
from .marks import Candidate, Mark, Marked, Target, Unmarked, place

__all__ = [
    "AKN_NS",
    "AknExport",
    "build",
    "clean_num",
    "language_of",
    "signed_date",
    "subtype_of",
    "work_iri",
]

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
_NS = "{" + AKN_NS + "}"

#: The agent that made the markup: the ``source`` of identification, lifecycle,
#: analysis and references.
SOURCE_ID = "regnotice"
_KINDS_FILE = Path(__file__).resolve().parent / "kinds.yaml"

# The naming convention's abbreviations (akn-nc 1.0, 5.4.2) of the elements used here.
_ELEMENT_REF = {"paragraph": "para", "section": "sec", "eventRef": "eref"}
# Facts of a rule, by field: the lexicon kind (or "party": the registry's party types).
_FACT_KINDS = {"actions": "actions", "objects": "objects", "territory": "territory", "qualifiers": "qualifiers", "served": "party", "parties": "party"}
_TLC_ORDER = ("TLCOrganization", "TLCConcept", "TLCTerm", "TLCReference")
# Characters XML 1.0 cannot hold.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]+")
# Elements that hold only elements: indented on output; every other element's content is
# written as it is (mixed content is never re-spaced).
_STRUCTURAL = frozenset(
    "akomaNtoso act meta identification FRBRWork FRBRExpression FRBRManifestation lifecycle analysis "
    "activeModifications textualMod references preface longTitle preamble body section paragraph hcontainer "
    "intro content conclusions".split()
)


@dataclass(frozen=True)
class AknExport:
    """An Akoma Ntoso document and what went into it.

    ``xml`` is the document (UTF-8, with its XML declaration). ``work``, ``expression``
    and ``manifestation`` are its FRBR IRIs. ``date`` is the notice's date: the one given,
    the signature's, or (``dated_by == "year"``) 1 January of its number's year, the text
    stating none. ``marks`` are the inline marks written, ``unmarked`` the rule spans left
    out and why. ``organizations`` are the registry ids of the ``TLCOrganization``
    entries; ``unresolved`` the issuers the registry does not know.
    """

    xml: str
    work: str
    expression: str
    manifestation: str
    language: str
    date: date
    dated_by: str
    paragraphs: int
    marks: tuple[Marked, ...]
    unmarked: tuple[Unmarked, ...]
    organizations: tuple[str, ...]
    unresolved: tuple[str, ...]
    number: str

    def summary(self) -> str:
        """One line for a person: what was written, and what was not marked."""
        line = f"{self.number}: {self.expression}, {self.paragraphs} paragraphs, {len(self.marks)} inline marks"
        if self.unmarked:
            reasons: dict[str, int] = {}
            for u in self.unmarked:
                reasons[u.reason] = reasons.get(u.reason, 0) + 1
            words = {"crosses": "cross a mark kept", "outside": "outside the exported text", "across": "span two paragraphs", "text differs": "do not match the text", "no target": "cite no numbered document", "no name": "name their agency or party in no words of their own"}
            line += f"; {len(self.unmarked)} rule span{'s' if len(self.unmarked) > 1 else ''} not marked (" + ", ".join(f"{n} {words.get(r, r)}" for r, n in sorted(reasons.items())) + ")"
        if self.dated_by == "year":
            line += f"; the notice states no date: dated {self.date.isoformat()}, the year of its number (give --date)"
        if self.unresolved:
            line += f"; issuers not in the registry: {'; '.join(self.unresolved)}"
        return line


def clean_num(num: str) -> str:
    """The number part of an eId from the text of a ``<num>`` (akn-nc 1.0, 5.4.3): spaces
    dropped, leading and trailing punctuation stripped, a run of punctuation inside one
    hyphen."""
    out: list[str] = []
    pending = False
    for ch in num:
        cat = unicodedata.category(ch)
        if ch.isspace() or cat[0] == "Z":
            continue
        if cat[0] in "PS":
            pending = bool(out)
            continue
        if pending:
            out.append("-")
            pending = False
        out.append(ch)
    return "".join(out)


def language_of(text: str) -> str:
    """The ISO 639-2 code of a notice's text: ``zho`` where Chinese characters outnumber
    Latin words, ``eng`` otherwise.

    >>> language_of("虚拟货币不具有与法定货币等同的法律地位。"), language_of("Virtual currency does not ...")
    ('zho', 'eng')
    """
    return "zho" if len(_CJK.findall(text)) > len(_LATIN.findall(text)) else "eng"  # words, not letters: a fifth of the matches


_ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_EN_DATE = re.compile(r"([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})|(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})")


def signed_date(text: str | None) -> date | None:
    """The date of a signature line, as ``layout.yaml``'s dates are written.

    >>> signed_date("2021年9月3日"), signed_date("September 3, 2021"), signed_date("no date")
    (datetime.date(2021, 9, 3), datetime.date(2021, 9, 3), None)
    """
    if not text:
        return None
    months = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
    try:
        if m := _ZH_DATE.search(text) or _ISO_DATE.search(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _EN_DATE.search(text):
            month, day, year = (m[1], m[2], m[3]) if m[1] else (m[5], m[4], m[6])
            if month.lower() in months:
                return date(int(year), months[month.lower()], int(day))
    except ValueError:  # "2021年2月30日"
        return None
    return None


@lru_cache(maxsize=1)
def _kinds() -> tuple[dict[str, str], re.Pattern]:
    from ..layout import alternation
    from ..yamlio import load_yaml

    data = load_yaml(_KINDS_FILE)
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) and re.fullmatch(r"[a-z][a-z-]*", v) for k, v in data.items()):
        raise RuleFileError(f"{_KINDS_FILE}: expected a mapping of kinds of document to subtypes such as 'notice'")
    english = tuple(k for k in data if k.isascii())
    chinese = tuple(k for k in data if not k.isascii())
    return data, re.compile(rf"\b(?:{alternation(english)})\b|{alternation(chinese)}")


def subtype_of(title: str | None) -> str:
    """The AKN subtype of a document from its title: the kind of document it names (the
    first an English title names, the last a Chinese one: "关于...的通知"), ``notice``
    where it names none.

    >>> subtype_of("Announcement on Preventing Token Issuance Financing Risks"), subtype_of("关于整治虚拟货币挖矿活动的通知"), subtype_of(None)
    ('announcement', 'notice', 'notice')
    """
    table, pattern = _kinds()
    found = pattern.findall(title or "")
    if not found:
        return "notice"
    word = found[-1] if _CJK.search(title or "") else found[0]
    return table.get(" ".join(word.split()), "notice")


def _slug(text: str) -> str:
    return re.sub(r"[\W_]+", "-", text.lower()).strip("-")


def work_iri(number: DocNumber, subtype: str = "notice", country: str = "cn") -> str:
    """The FRBR work IRI of a document number (akn-nc 1.0, 4.5): the number's year, and
    its prefix and sequence number as the number component.

    >>> work_iri(DocNumber(prefix="Yinfa", year=2021, seq=237))
    '/akn/cn/act/notice/2021/yinfa-237'
    """
    return f"/akn/{country}/act/{subtype}/{number.year}/{_slug(number.prefix) or 'nn'}-{number.seq}"


class _Ids:
    """eIds of one document, unique (the schema's ``eId-act`` constraint covers meta too)."""

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._count: dict[tuple[str, str], int] = {}

    def take(self, eid: str) -> str:
        if eid in self._used:
            n = 2
            while f"{eid}_{n}" in self._used:
                n += 1
            eid = f"{eid}_{n}"
        self._used.add(eid)
        return eid

    def child(self, prefix: str, element: str, num: str | None = None, unique: bool = False) -> str:
        """The eId of an ``element`` in the context ``prefix``: numbered by its ``num``, unique
        in its context (no number), or counted."""
        ref = _ELEMENT_REF.get(element, element)
        base = f"{prefix}__{ref}" if prefix else ref
        if unique:
            return self.take(base)
        number = clean_num(num) if num is not None else ""
        if not number:
            key = (prefix, ref)
            number = str(self._count.setdefault(key, 0) + 1)
            self._count[key] = int(number)
        return self.take(f"{base}_{number}")


def _xml(text: str) -> str:
    return _NOT_XML.sub(" ", text)


@dataclass
class _Container:
    start: int
    end: int
    element: object  # the lxml element the text goes in
    prefix: str  # the eId of its context, for the eIds of its marks
    text: str
    owner: str  # the eId a reference to its text names: its own, or its context's


class _Document:
    def __init__(self, notice: Notice, rules: RuleSet, *, when: date | None, generated: date, country: str) -> None:
        from lxml import etree

        from ..agencies import registry
        from ..reading import reader

        self.etree = etree
        self.notice = notice
        self.rules = rules
        self.registry = registry()
        self.reader = reader()
        self.country = country
        self.ids = _Ids()
        self.containers: list[_Container] = []
        self.tlcs: dict[Target, tuple[str, dict]] = {}  # target -> (TLC element, attributes)
        self.organizations: list[str] = []
        self.no_target: list[Unmarked] = []
        self.written: list[Marked] = []  # the inline elements, in document order
        self.conclusions_eid = ""
        number = notice.number
        if number is None:
            where = f"{notice.source}: " if notice.source else ""
            raise InputError(f"{where}the notice has no document number (such as 'Yinfa [2026] No. 42'), which its Akoma Ntoso work IRI is built from")
        self.number = number
        self.subtype = subtype_of(notice.title)
        self.language = language_of(notice.text)
        self.work = work_iri(number, self.subtype, country)
        self.expression = f"{self.work}/{self.language}@"
        self.manifestation = f"{self.expression}.xml"
        signed = signed_date(notice.signed)
        if when is not None:
            self.date, self.dated_by = when, "given"
        elif signed is not None:
            self.date, self.dated_by = signed, "signature"
        else:
            self.date, self.dated_by = date(number.year, 1, 1), "year"
        self.generated = generated
        self._base = notice.span.start

    # ------------------------------------------------------------------ helpers

    def source(self, start: int, end: int) -> str:
        return self.notice.text[start - self._base : end - self._base]

    def el(self, parent, tag: str, text: str | None = None, **attrs):
        element = self.etree.SubElement(parent, _NS + tag, {k: v for k, v in attrs.items() if v is not None})
        if text is not None:
            element.text = _xml(text)
        return element

    def hold(self, element, start: int, text: str, prefix: str) -> None:
        """``element`` takes ``text``, the source's at ``start``; its marks are put in once
        every such element is known."""
        self.containers.append(_Container(start, start + len(text), element, prefix, text, element.get("eId") or prefix))

    def paragraphs(self, parent, paragraphs, prefix: str) -> None:
        for para in paragraphs:
            self.hold(self.el(parent, "p", eId=self.ids.child(prefix, "p")), para.span.start, para.text, prefix)

    def organization(self, agency_id: str) -> Target:
        target = Target("organization", agency_id)
        if target not in self.tlcs:
            agency = self.registry.agencies[agency_id]
            attrs = {"eId": self.ids.take(agency_id), "href": f"/akn/ontology/organization/{self.country}.{agency_id}", "showAs": agency.name}
            if agency.abbreviations:
                attrs["shortForm"] = agency.abbreviations[0]
            self.tlcs[target] = ("TLCOrganization", attrs)
            self.organizations.append(agency_id)
        return target

    def eid_of(self, target: Target) -> str:
        """The eId of the TLC a mark points at, made on first use."""
        if target in self.tlcs:
            return self.tlcs[target][1]["eId"]
        if target.kind == "concept":
            kind, ident = target.key.split(":", 1)
            if kind == "party":
                label, where = self.registry.parties[ident].name, "registry"
            else:
                label, where = self.reader.lexicon.label(kind, ident), "lexicon"
            attrs = {"eId": self.ids.take(ident), "href": f"/akn/ontology/concept/regnotice.{where}.{ident}", "showAs": label}
            self.tlcs[target] = ("TLCConcept", attrs)
        elif target.kind == "term":
            words = re.findall(r"\w+", target.key)
            resource = self.work.removeprefix("/akn/").replace("/", ".")
            attrs = {
                "eId": self.ids.take("term-" + "-".join(words).lower()),
                "href": f"/akn/ontology/term/{resource}.{self.language}.{'.'.join(words).lower()}",
                "showAs": target.key,
            }
            self.tlcs[target] = ("TLCTerm", attrs)
        else:  # pragma: no cover - organizations are made by organization()
            raise KeyError(target)
        return self.tlcs[target][1]["eId"]

    # ------------------------------------------------------------------ the document

    def build(self) -> AknExport:
        etree = self.etree
        root = etree.Element(_NS + "akomaNtoso", nsmap={None: AKN_NS})
        act = self.el(root, "act", name=self.subtype)
        meta = self.el(act, "meta")
        identification = self.el(meta, "identification", source=f"#{SOURCE_ID}")
        self.tlcs[Target("organization", SOURCE_ID)] = (
            "TLCOrganization",
            {"eId": self.ids.take(SOURCE_ID), "href": f"/akn/ontology/organization/unreg.{SOURCE_ID}", "showAs": "regnotice"},
        )
        issuers, unresolved = self.issuers()
        self.identification(identification, issuers)
        lifecycle = self.el(meta, "lifecycle", source=f"#{SOURCE_ID}")
        analysis = self.el(meta, "analysis", source=f"#{SOURCE_ID}")
        references = self.el(meta, "references", source=f"#{SOURCE_ID}")
        for name in (*self.notice.consulted, *([self.notice.approved_by] if self.notice.approved_by else [])):
            found = self.registry.resolve(name)
            if found in self.registry.agencies:
                self.organization(found)
        candidates = list(self.candidates())  # registers the agencies the rules name
        self.preface(act, issuers)
        self.preamble(act)
        paragraphs = self.body(act)
        self.conclusions(act)
        marks, unmarked = place(candidates, [(c.start, c.end) for c in self.containers], self.source)
        self.write_marks(marks)
        self.lifecycle(lifecycle)
        if not self.analysis(analysis):
            meta.remove(analysis)
        for tag, attrs in sorted(self.tlcs.values(), key=lambda t: _TLC_ORDER.index(t[0])):  # stable: first use within a kind
            self.el(references, tag, **attrs)
        _indent(root)
        xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="unicode") + "\n"
        return AknExport(
            xml=xml,
            work=self.work,
            expression=self.expression,
            manifestation=self.manifestation,
            language=self.language,
            date=self.date,
            dated_by=self.dated_by,
            paragraphs=paragraphs,
            marks=tuple(self.written),
            unmarked=tuple(self.no_target + unmarked),
            organizations=tuple(self.organizations),
            unresolved=unresolved,
            number=str(self.number),
        )

    def issuers(self) -> tuple[list[tuple[str, str | None]], tuple[str, ...]]:
        """The issuers as written, each with its registry id (None: not in the registry)."""
        out, unresolved = [], []
        for name in self.notice.issuers:
            found = self.registry.resolve(name)
            if found in self.registry.agencies:
                self.organization(found)
                out.append((name, found))
            else:
                out.append((name, None))
                unresolved.append(name)
        return out, tuple(unresolved)

    def identification(self, parent, issuers) -> None:
        n, day = self.notice, self.date.isoformat()
        if self.dated_by == "year":
            parent.append(self.etree.Comment(f" The notice states no date: {day} stands for {self.number.year}, the year of its number. "))
        authors = [f"#{i}" for _, i in issuers if i] or [""]
        work = self.el(parent, "FRBRWork")
        self.el(work, "FRBRthis", value=f"{self.work}/!main")
        self.el(work, "FRBRuri", value=self.work)
        if n.title:
            self.el(work, "FRBRalias", value=_xml(n.title), name="title")
        self.el(work, "FRBRdate", date=day, name=self.dated_by)
        for href in authors:
            self.el(work, "FRBRauthor", href=href)
        self.el(work, "FRBRcountry", value=self.country)
        self.el(work, "FRBRsubtype", value=self.subtype)
        self.el(work, "FRBRnumber", value=self.work.rsplit("/", 1)[1], showAs=str(self.number))
        expression = self.el(parent, "FRBRExpression")
        self.el(expression, "FRBRthis", value=f"{self.expression}/!main")
        self.el(expression, "FRBRuri", value=self.expression)
        self.el(expression, "FRBRdate", date=day, name=self.dated_by)
        translated = self.language != "zho"  # Chinese bodies issue in Chinese: a text in another language is a translation
        for href in [""] if translated else authors:  # the translator is not named in the source
            self.el(expression, "FRBRauthor", href=href)
        if translated:
            self.el(expression, "FRBRauthoritative", value="false")
        self.el(expression, "FRBRlanguage", language=self.language)
        if translated:
            self.el(expression, "FRBRtranslation", href=f"{self.work}/zho@", fromLanguage="zho", authoritative="false", by="")
        manifestation = self.el(parent, "FRBRManifestation")
        self.el(manifestation, "FRBRthis", value=f"{self.expression}/!main.xml")
        self.el(manifestation, "FRBRuri", value=self.manifestation)
        self.el(manifestation, "FRBRdate", date=self.generated.isoformat(), name="generation")
        self.el(manifestation, "FRBRauthor", href=f"#{SOURCE_ID}")

    def preface(self, act, issuers) -> None:
        n = self.notice
        eid = self.ids.take("preface")
        preface = self.el(act, "preface", eId=eid)
        if n.title:
            long_title = self.el(preface, "longTitle", eId=self.ids.child(eid, "longTitle", unique=True))
            self.el(self.el(long_title, "p", eId=self.ids.child(eid, "p")), "docTitle", n.title)
        block = next((p for p in n.parts if isinstance(p, Block) and p.kind == "number"), None)
        written = " ".join(block.text.split()) if block is not None else str(self.number)
        self.el(self.el(preface, "p", eId=self.ids.child(eid, "p")), "docNumber", written)
        if issuers:
            p = self.el(preface, "p", eId=self.ids.child(eid, "p"))
            separator = "、" if self.language == "zho" else "; "
            for k, (name, ident) in enumerate(issuers):
                proponent = self.el(p, "docProponent", name, refersTo=f"#{ident}" if ident else None)
                if k < len(issuers) - 1:
                    proponent.tail = separator

    def _blocks(self, kind: str) -> list[Block]:
        return [p for p in self.notice.parts if isinstance(p, Block) and p.kind == kind]

    def preamble(self, act) -> None:
        paragraphs = [para for kind in ("addressee", "preamble") for b in self._blocks(kind) for para in b.paragraphs]
        if not self.notice.clauses:  # the preamble's prose is the notice's text: it goes in the body
            paragraphs = [para for b in self._blocks("addressee") for para in b.paragraphs]
        if paragraphs:
            eid = self.ids.take("preamble")
            self.paragraphs(self.el(act, "preamble", eId=eid), paragraphs, eid)

    def body(self, act) -> int:
        body = self.el(act, "body")
        if not self.notice.clauses:
            prose = [para for b in self._blocks("preamble") for para in b.paragraphs]
            eid = self.ids.child("", "hcontainer")
            container = self.el(body, "hcontainer", eId=eid, name="text")
            content = self.el(container, "content", eId=self.ids.child(eid, "content", unique=True))
            if prose:
                self.paragraphs(content, prose, eid)
            else:
                self.el(content, "p")
            return 0
        groups: list[tuple[SectionHeading | None, list[Clause]]] = []  # in order: a section and its items, or an item
        for part in self.notice.parts:
            if isinstance(part, SectionHeading):
                groups.append((part, []))
            elif isinstance(part, Clause):
                if part.section is not None and groups and groups[-1][0] is not None:
                    groups[-1][1].append(part)
                else:
                    groups.append((None, [part]))
        for section, clauses in groups:
            if section is None:
                self.clause(body, clauses[0], "")
            else:
                self.section(body, section, clauses)
        return sum(len(clauses) for _, clauses in groups)

    def section(self, body, section: SectionHeading, clauses: list[Clause]) -> None:
        eid = self.ids.child("", "section", section.marker)
        element = self.el(body, "section", eId=eid)
        self.el(element, "num", section.marker)
        paras = [c for c in section.children if isinstance(c, Paragraph)]
        if paras:
            title = paras[0]
            heading = self.el(element, "heading", eId=self.ids.child(eid, "heading", unique=True))
            self.hold(heading, title.span.start, title.text.rstrip(" .。"), eid)
        prose = paras[1:]
        if prose:
            wrapper = self.el(element, "intro" if clauses else "content", eId=self.ids.child(eid, "intro" if clauses else "content", unique=True))
            self.paragraphs(wrapper, prose, eid)
        for clause in clauses:
            self.clause(element, clause, eid)

    def clause(self, parent, clause: Clause, prefix: str) -> None:
        eid = self.ids.child(prefix, "paragraph", clause.marker)
        element = self.el(parent, "paragraph", eId=eid)
        self.el(element, "num", clause.marker)
        heading = next((c for c in clause.children if isinstance(c, Heading)), None)
        if heading is not None:
            head = self.el(element, "heading", eId=self.ids.child(eid, "heading", unique=True))
            self.hold(head, heading.span.start, heading.title, eid)
        content = self.el(element, "content", eId=self.ids.child(eid, "content", unique=True))
        if clause.paragraphs:
            self.paragraphs(content, clause.paragraphs, eid)
        else:
            self.el(content, "p")

    def conclusions(self, act) -> None:
        closing = [para for b in self._blocks("closing") for para in b.paragraphs]
        signature = [para for b in self._blocks("signature") for para in b.paragraphs]
        if not closing and not signature:
            return
        eid = self.conclusions_eid = self.ids.take("conclusions")
        conclusions = self.el(act, "conclusions", eId=eid)
        self.paragraphs(conclusions, closing, eid)
        for k, para in enumerate(signature):
            p = self.el(conclusions, "p", eId=self.ids.child(eid, "p"))
            when = signed_date(para.text) if k == len(signature) - 1 else None
            if when is not None:
                self.el(p, "date", para.text, date=when.isoformat())
            else:
                p.text = _xml(para.text)

    # ------------------------------------------------------------------ marks

    def candidates(self):
        """Every span of the rules that could be marked (see :mod:`regnotice._akn.marks`)."""
        agencies, parties = self.registry.agencies, self.registry.parties
        for rule in self.rules.rules:
            for name, value in rule:  # its fields, in order
                for item in value if isinstance(value, tuple) else (value,):
                    if isinstance(item, Condition):
                        item = item.authority
                    if isinstance(item, Fact):
                        kind = _FACT_KINDS.get(name)
                        if kind == "party" and item.id not in parties:
                            continue
                        if kind is not None:
                            yield Candidate(item.span.start, item.span.end, "term", (Target("concept", f"{kind}:{item.id}"),), rule.id, item.text)
                    elif isinstance(item, Extract):
                        yield from self._extract(rule, name, item, agencies, parties)

    def _extract(self, rule, name: str, item: Extract, agencies, parties):
        span = (item.span.start, item.span.end)
        if rule.kind == "definition" and name == "term":
            concept = self._concept(item.text)
            targets = (Target("term", " ".join(item.text.split())), *([concept] if concept else []))
            yield Candidate(*span, "def", targets, rule.id, item.text)
        elif rule.kind == "definition" and name == "examples":
            concept = self._concept(item.text)
            if concept is not None:
                yield Candidate(*span, "term", (concept,), rule.id, item.text)
        elif rule.kind in ("reference", "repeal") and name == "title":
            numbers = (rule.number,) if rule.kind == "reference" else rule.repealed
            numbers = tuple(n for n in numbers if n is not None)
            if len(numbers) == 1:
                yield Candidate(*span, "ref", (Target("href", work_iri(numbers[0], subtype_of(item.text), self.country)),), rule.id, item.text)
            else:
                self.no_target.append(Unmarked(*span, "ref", item.text, rule.id, "no target"))
        elif item.ref in agencies or item.ref in parties:
            is_agency = item.ref in agencies
            target = self.organization(item.ref) if is_agency else Target("concept", f"party:{item.ref}")
            tag = "organization" if is_agency else "term"
            for start, end in self._names(item, rule.id):
                yield Candidate(start, end, tag, (target,), rule.id, self.source(start, end))

    def _names(self, item: Extract, rule_id: str) -> list[tuple[int, int]]:
        """Where a part of a rule names the agency or party it resolved to: the whole part
        when it is one of its names ("the People's Bank of China"), else the words in it
        that name it ("Domestic entities" of "Domestic entities engaging ... abroad")."""
        if self.registry.resolve(item.text) == item.ref:
            return [(item.span.start, item.span.end)]
        kind = "agency" if item.ref in self.registry.agencies else "party"
        found = [(item.span.start + m.start, item.span.start + m.end) for m in self.reader.find(item.text, kinds=[kind]) if m.id == item.ref]
        if not found:
            self.no_target.append(Unmarked(item.span.start, item.span.end, "organization" if kind == "agency" else "term", item.text, rule_id, "no name"))
        return found

    def _concept(self, phrase: str) -> Target | None:
        for kind in ("objects", "actions", "party"):
            found = self.reader.resolve(kind, phrase)
            if found:
                return Target("concept", f"{kind}:{found}")
        return None

    def write_marks(self, marks: list[Mark]) -> None:
        """Each container's text, with its marks as nested inline elements."""
        by_container: dict[int, list[Mark]] = {}
        for mark in marks:
            by_container.setdefault(mark.container, []).append(mark)
        for k, c in enumerate(self.containers):
            inner = by_container.get(k, [])
            _Writer(self, c).write(c.element, c.start, c.end, inner, 0)

    def attrs_of(self, mark: Mark, prefix: str) -> dict:
        mark.eid = self.ids.child(prefix, mark.tag)
        if mark.tag == "ref":
            targets = (mark.targets[0].key,)
            attrs = {"eId": mark.eid, "href": targets[0]}
        else:
            targets = tuple("#" + self.eid_of(t) for t in mark.targets)
            attrs = {"eId": mark.eid, "refersTo": " ".join(targets)}
        self.written.append(Marked(mark.eid, mark.tag, mark.start, mark.end, mark.text, targets, tuple(mark.rules)))
        return attrs

    # ------------------------------------------------------------------ lifecycle, repeals

    def lifecycle(self, lifecycle) -> None:
        original = Target("reference", "original")
        eid = self.ids.take("original")
        self.tlcs[original] = ("TLCReference", {"eId": eid, "href": self.work, "showAs": str(self.number), "name": "original"})
        self.el(lifecycle, "eventRef", eId=self.ids.child("", "eventRef"), date=self.date.isoformat(), source=f"#{eid}", type="generation")

    def analysis(self, analysis) -> bool:
        """The repeals the notice makes, as active modifications (the repealed notice's own
        record would list them as passive ones). False when it makes none."""
        repeals: list[tuple[DocNumber, str, str]] = []  # number, its IRI, where the notice says so
        for rule in self.rules.rules:
            if rule.kind != "repeal":
                continue
            where = self._owner(rule.span.start)
            for number in rule.repealed:
                if all(number != r[0] for r in repeals):
                    repeals.append((number, work_iri(number, subtype_of(rule.title.text if rule.title else None), self.country), where))
        for number in self.notice.repeals:
            if all(number != r[0] for r in repeals):
                repeals.append((number, work_iri(number, "notice", self.country), self.conclusions_eid))
        if not repeals:
            return False
        active = self.el(analysis, "activeModifications")
        for number, iri, where in repeals:
            mod = self.el(active, "textualMod", eId=self.ids.child("", "textualMod"), type="repeal")
            self.el(mod, "source", href=f"#{where}" if where else "")
            self.el(mod, "destination", href=iri)
        return True

    def _owner(self, position: int) -> str:
        """The eId of the exported block holding ``position``."""
        for c in self.containers:
            if c.start <= position < c.end:
                return c.owner
        return self.conclusions_eid


class _Writer:
    """Writes one container's text and its (nested, sorted) marks."""

    def __init__(self, doc: _Document, container: _Container) -> None:
        self.doc = doc
        self.c = container

    def text(self, start: int, end: int) -> str:
        return _xml(self.c.text[start - self.c.start : end - self.c.start])

    def write(self, element, start: int, end: int, marks: list[Mark], i: int) -> int:
        """Fill ``element`` with the text of ``[start, end)`` and the marks from ``marks[i]``
        that lie in it; the index of the first mark after it."""
        pos, last = start, None
        while i < len(marks) and marks[i].start < end:
            mark = marks[i]
            _append(element, last, self.text(pos, mark.start))
            last = self.doc.etree.SubElement(element, _NS + mark.tag, self.doc.attrs_of(mark, self.c.prefix))
            i = self.write(last, mark.start, mark.end, marks, i + 1)
            pos = mark.end
        _append(element, last, self.text(pos, end))
        return i


def _append(element, last, text: str) -> None:
    if not text:
        return
    if last is None:
        element.text = (element.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def _indent(element, level: int = 0) -> None:
    """Line breaks and indentation between the children of elements that hold only
    elements; text content is left as it is."""
    if not isinstance(element.tag, str) or element.tag.rpartition("}")[2] not in _STRUCTURAL or not len(element):
        return
    pad = "\n" + "  " * (level + 1)
    element.text = pad
    for child in element:
        _indent(child, level + 1)
        child.tail = pad
    element[-1].tail = "\n" + "  " * level


def build(notice: Notice, rules: RuleSet, *, when: date | None = None, generated: date | None = None, country: str = "cn") -> AknExport:
    """The Akoma Ntoso document of ``notice`` with the inline marks of ``rules``."""
    return _Document(notice, rules, when=when, generated=generated or date.today(), country=country).build()

