"""The clause tree is lossless: leaves rebuild the region byte for byte, every node's
span cuts its text from the source, children tile their container, parts tile the
region. And the grammar is conflict-free under Lark's strict mode."""

from __future__ import annotations

import pytest

import regnotice
from conftest import VARIANTS, walk

from regnotice.grammar import strict_notice_parser
from regnotice.models import Clause, Gap, Heading, Marker, Paragraph, SectionHeading, Sentence
from regnotice.parsing import parse, parse_all

NAMES = sorted(VARIANTS)


def _parsed(name: str):
    text = VARIANTS[name]()
    return text, parse(text)


def _region(text, notice) -> str:
    return text[notice.span.start : notice.span.end]


def _tiles(text: str, start: int, end: int, nodes) -> None:
    """``nodes`` cover ``text[start:end]`` exactly, in order, with no gap or overlap."""
    pos = start
    for node in nodes:
        assert node.span.start == pos, (node.kind, node.span, pos, text[pos : node.span.start])
        pos = node.span.end
    assert pos == end


@pytest.mark.parametrize("name", NAMES)
def test_leaves_rebuild_the_region(name):
    text, notice = _parsed(name)
    assert "".join(leaf.text for leaf in notice.leaves()) == _region(text, notice)
    assert notice.text == _region(text, notice)


@pytest.mark.parametrize("name", NAMES)
def test_every_node_is_its_source_slice(name):
    text, notice = _parsed(name)
    kinds = set()
    for part in notice.parts:
        for node in walk(part):
            kinds.add(node.kind)
            assert text[node.span.start : node.span.end] == node.text, node.kind
            assert node.span.start <= node.span.end
            assert notice.span.start <= node.span.start and node.span.end <= notice.span.end
    assert {"clause", "paragraph", "sentence", "marker", "heading", "gap", "addressee", "preamble", "closing"} <= kinds


@pytest.mark.parametrize("name", NAMES)
def test_children_tile_their_container(name):
    text, notice = _parsed(name)
    _tiles(text, notice.span.start, notice.span.end, notice.parts)
    for part in notice.parts:
        for node in walk(part):
            children = getattr(node, "children", None)
            if children is not None:
                assert children, node.kind
                _tiles(text, node.span.start, node.span.end, children)


@pytest.mark.parametrize("name", NAMES)
def test_node_shapes(name):
    """Gaps hold only whitespace; containers start and end with content; a clause
    starts with its marker; sentences never hold a line break of the lines layout."""
    text, notice = _parsed(name)
    for part in notice.parts:
        for node in walk(part):
            if isinstance(node, Gap):
                assert node.text and not node.text.strip(" \t\r\n\u00a0\u3000\ufeff"), repr(node.text)
            elif getattr(node, "children", None):
                assert not isinstance(node.children[0], Gap) and not isinstance(node.children[-1], Gap)
            if isinstance(node, (Clause, SectionHeading)):
                assert isinstance(node.children[0], Marker) and node.children[0].text == node.marker
            if isinstance(node, (Sentence, Heading)) and notice.layout == "lines":
                assert "\n" not in node.text
            if isinstance(node, Paragraph):
                assert node.sentences
    clause_starts = [c.span.start for c in notice.clauses]
    assert clause_starts == sorted(clause_starts)
    assert [p for p in notice.parts if isinstance(p, Clause)] == list(notice.clauses)


@pytest.mark.parametrize("name", ["page_000", "page_003", "crlf_bom_page", "wrapped_page"])
def test_duplicate_copy_is_lossless_too(name):
    """The anomaly's span cuts an identical copy; with the copy made different, it is
    parsed on its own and is lossless as well."""
    text = VARIANTS[name]()
    first = parse(text)
    (dup,) = [a for a in first.anomalies if a.kind == "duplicate"]
    assert text[dup.span.start : dup.span.end] == first.text
    changed = text[: dup.span.start] + text[dup.span.start :].replace("is hereby repealed.", "is hereby repealed in full.", 1)
    notices = parse_all(changed)
    assert len(notices) == 2
    assert [a.kind for a in notices[0].anomalies] == ["other_notice"]
    for notice in notices:
        assert "".join(leaf.text for leaf in notice.leaves()) == _region(changed, notice)
        _tiles(changed, notice.span.start, notice.span.end, notice.parts)


def test_strict_grammar_builds_without_conflicts():
    parser = strict_notice_parser()
    assert parser.options.strict and parser.options.parser == "lalr"
    names = {t.name for t in parser.terminals}
    assert {"MARKER", "SECTION_MARKER", "ADDRESSEE", "CLOSING", "HEADING", "SENTENCE", "BR", "SP"} <= names


def _models(obj):
    """Every pydantic model in ``obj``: nodes, spans, facts, rules."""
    from pydantic import BaseModel

    if isinstance(obj, BaseModel):
        yield obj
        for name in type(obj).model_fields:
            yield from _models(getattr(obj, name))
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            yield from _models(item)


@pytest.mark.parametrize("name", ["bare", "wrapped", "sections_restart"])
def test_models_built_without_validation_hold_every_field(name):
    """Nodes are built from trusted dicts that share one field-name set per class
    (models.build): that holds only while every field is given, so check it on every
    model of a parsed notice and of its rules."""
    from regnotice.models import _ALL_FIELDS

    _, notice = _parsed(name)
    shared = 0
    for model in _models((notice, regnotice.extract(notice).rules)):
        fields = set(type(model).model_fields)
        assert set(model.__dict__) == fields, (type(model).__name__, fields ^ set(model.__dict__))
        if model.model_fields_set is _ALL_FIELDS.get(type(model)):
            shared += 1
    assert shared > 500
