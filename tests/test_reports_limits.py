"""The one-page reports stay one page at the schema's text and count limits: longest
name (one unbreakable word) or title (which heads the reports in its place),
description and labels, most conditions and cost lines."""

from __future__ import annotations

import io

import pytest
import yaml
from pypdf import PdfReader

import modeller
from modeller.inputs import limits


def _text(prefix: str, length: int, word: str = "Wide words ") -> str:
    return (prefix + word * 400)[:length].rstrip() + "W" * (length - len(
        (prefix + word * 400)[:length].rstrip()))


@pytest.fixture(scope="module", params=["name", "title"])
def at_limits(request):
    n = limits.MAX_CONDITIONS
    shares = [round(1 / n, 12)] * n
    shares[-1] = round(1 - sum(shares[:-1]), 12)
    conditions = {f"c{i:02d}": {"label": _text(f"{i:02d} ", limits.MAX_LABEL_CHARS),
                                "share": shares[i], "annual_saving": 500}
                  for i in range(n)}
    base = modeller.load("national-faq-2017")
    conditions.update({k: None for k in base.resolved["conditions"]})
    doc = {"schema_version": 1, "extends": "national-faq-2017",
           "name": "N" * limits.MAX_NAME_CHARS,  # one unbreakable word
           "description": _text("Description ", limits.MAX_DESCRIPTION_CHARS),
           "board_asked_to": _text("approve ", limits.MAX_ASK_CHARS),
           "price_years_acknowledged": _text("Because ", limits.MAX_PRICE_NOTE_CHARS),
           "conditions": conditions,
           "costs": {"fixed": [{"label": _text(f"{i} ", limits.MAX_LABEL_CHARS),
                                "amount": 1000, "year": 1}
                               for i in range(limits.MAX_FIXED_COSTS)]}}
    if request.param == "title":
        doc["title"] = _text("Title ", limits.MAX_TITLE_CHARS)
    s = modeller.loads(yaml.safe_dump(doc, sort_keys=False), "limits.yaml")
    if request.param == "title":
        assert len(s.spec.title) == limits.MAX_TITLE_CHARS
    assert len(s.spec.description) == limits.MAX_DESCRIPTION_CHARS
    assert len(s.spec.conditions) == limits.MAX_CONDITIONS
    return s


@pytest.mark.parametrize("kind", ["board-summary", "logic-model"])
def test_one_page_reports_stay_one_page_at_the_limits(at_limits, kind):
    pdf = modeller.report_pdf(kind, at_limits)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    if kind == "logic-model":
        assert f"and {limits.MAX_CONDITIONS - 4} more conditions" in text
        assert "further cost lines" in text
