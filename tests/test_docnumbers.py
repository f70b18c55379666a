"""Document numbers in the forms real texts write them; the prefixes are data
(regnotice/docnumbers.yaml)."""

from __future__ import annotations

import pytest

from regnotice.front import find_doc_numbers, parse_doc_number
from regnotice.models import DocNumber

TABLE = [
    ("Yinfa [2026] No. 42", ("Yinfa", 2026, 42)),
    ("Yin Fa [2021] No. 237", ("Yinfa", 2021, 237)),
    ("Silver Hair [2026] No. 42", ("Yinfa", 2026, 42)),
    ("(Bank Notice [2013] No. 289, hereinafter referred to as", ("Yinfa", 2013, 289)),
    ("银发〔2021〕237号", ("Yinfa", 2021, 237)),
    ("国发﹝2005﹞40号", ("Guofa", 2005, 40)),
    ("发改运行〔2021〕1283号", ("Fagai Yunxing", 2021, 1283)),
    ("Development and Reform Operation [2021] No. 1283", ("Fagai Yunxing", 2021, 1283)),
    ("Development and Reform Commission [2021] No. 1283", ("Development and Reform Commission", 2021, 1283)),
    ("Yinfa (2017) No. 99", ("Yinfa", 2017, 99)),
]


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[t for t, _ in TABLE])
def test_document_numbers_in_the_forms_real_texts_use(text, expected):
    prefix, year, seq = expected
    number = parse_doc_number(text)
    assert number == DocNumber(prefix=prefix, year=year, seq=seq)
    ((found, span),) = find_doc_numbers(text)
    assert text[span.start : span.end].endswith(("No. " + str(seq), f"{seq}号"))


def test_the_bundled_notice_keeps_its_numbers():
    import regnotice

    notice = regnotice.load()
    assert str(notice.number) == "Yinfa [2026] No. 42"
    assert [str(n) for n in notice.repeals] == ["Yinfa [2021] No. 237"]


def test_a_bad_prefix_file_is_an_error(tmp_path, monkeypatch):
    from regnotice import front
    from regnotice.errors import RuleFileError

    bad = tmp_path / "docnumbers.yaml"
    bad.write_text("Yinfa:\n  zh: [银发]\nGuofa:\n  zh: [银发]\n", encoding="utf-8")
    monkeypatch.setattr(front, "__file__", str(tmp_path / "front.py"))
    with pytest.raises(RuleFileError, match="names both 'Yinfa' and 'Guofa'"):
        front._load_prefixes()
