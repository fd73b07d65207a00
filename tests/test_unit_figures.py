"""Per-person unit figures print pence wherever a reader meets them (issue 11, "Numbers
as finance prints them": money in whole pounds in tables, pence only for per-person unit
figures, consistently).

A reader who sees "£1,674" in the evidence table and "£1,674.00" in the case mix sees two
figures. Checked as people read them: the extracted text of every PDF of a national
build and an example-area build (with a scenario), the evidence conversion steps and
notes (the JSON of a run and of ``modeller evidence``), the terminal summary and
comparison, and the web app's page. Quotations of the sources are left as published.
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from starlette.testclient import TestClient

import modeller
from modeller.cli import cli
from modeller.inputs.evidence.convert import _money
from modeller.outputs.reports import formatting as fmt
from modeller.web.app import create_app

#: Quoted source text, left as the source printed it ("£2600 a year"); an apostrophe
#: inside a word ("FAQ's") opens no quotation.
QUOTED = re.compile(r'"[^"]*"|“[^”]*”|(?<!\w)\'[^\']*\'(?!\w)')
#: An amount; a comma after it ends the amount ("£56,859, cost ..." is £56,859).
AMOUNT = r"[−-]?(?:£|US\$|C\$|EUR |GBP )\d(?:[\d,]*\d)?(?:\.\d+)?"
#: An amount followed by what makes it a unit figure ("£837 per person over 6 months",
#: "£259 a year", "the £650 cost") ...
UNIT_AFTER = re.compile(rf"({AMOUNT})(?:\s*\([^)]*\))?\s+(?:a year|per year|per person|"
                        r"per patient|per beneficiary|per recovery|per course|"
                        r"over \w+ months|saving\b|cost\b)")
#: ... or preceded by its per-person label ("Cost per person recovering £2,166.67").
UNIT_BEFORE = re.compile(rf"\bper (?:person|patient|beneficiary|recovery)\b"
                         rf"[^£.;×=()−+]{{0,40}}?:?\s*({AMOUNT})")
PENCE = re.compile(r"\.\d\d$")


def unit_figures(text: str) -> list[tuple[str, str]]:
    """Every per-person amount in ``text`` outside quotations: (amount, its context)."""
    text = QUOTED.sub(" ", re.sub(r"\s+", " ", text.replace("\u2060", "")))
    return [(m.group(1), text[max(0, m.start() - 60):m.end() + 20])
            for rx in (UNIT_AFTER, UNIT_BEFORE) for m in rx.finditer(text)]


def whole_pounds(text: str) -> list[tuple[str, str]]:
    return [(a, ctx) for a, ctx in unit_figures(text) if not PENCE.search(a)]


def test_the_finder_sees_a_whole_pound_unit_figure_and_leaves_totals_and_quotes():
    steps = "£837 per person over 6 months × 12 / 6 = £1,674 per person per year"
    assert [a for a, _ in whole_pounds(steps)] == ["£837", "£1,674"]
    assert [a for a, _ in whole_pounds("Cost per person recovering £2,167")] == ["£2,167"]
    assert [a for a, _ in whole_pounds("GBP 650 per person treated")] == ["GBP 650"]
    assert whole_pounds("the source states £323.00 a year; £1,295.00 per person") == []
    assert whole_pounds("Invest £3,123,250 over 5 years; saved per £1 over 5 years") == []
    assert whole_pounds("the FAQ's “between £300 and £2600 a year” and 'cost £650'") == []
    assert whole_pounds("(600 people × £662.50 expected gross saving per person) − "
                        "their cost £390,000") == []
    # a total followed by a comma and the next item's name is not a unit figure
    assert whole_pounds("gross savings 100 × £662.50 = £66,250, cost 100 × £650.00") == []
    assert [a for a, _ in whole_pounds("the £650, cost £650 per person")] == ["£650"]


@pytest.fixture(scope="module")
def pdf_texts(tmp_path_factory) -> dict[str, str]:
    """The text of every PDF of a national and an example-area build: {name: text}."""
    root = tmp_path_factory.mktemp("unit")
    out = {}
    for argv in (["national-faq-2017"], ["example-area", "--scenario", "national-faq-2017"]):
        result = CliRunner().invoke(cli, ["build", *argv, "--out-dir", str(root)])
        assert result.exit_code == 0, result.output
    for pdf in sorted(root.glob("*/*.pdf")):
        text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
        out[f"{pdf.parent.name}/{pdf.name}"] = text
    assert len(out) == 6
    return out


def test_every_per_person_figure_in_the_pdfs_prints_pence(pdf_texts):
    checked = 0
    for name, text in pdf_texts.items():
        found = unit_figures(text)
        checked += len(found)
        assert whole_pounds(text) == [], name
    assert checked >= 40


def test_the_evidence_table_prints_the_conversion_steps_with_pence(pdf_texts):
    text = re.sub(r"\s+", " ", pdf_texts["example-area/business-case.pdf"])
    assert "£837.00 per person over 6 months × 12 / 6 = £1,674.00 per person per year" in text
    assert "£1,674.00 a year" in text            # the same figure in the condition column
    assert "US$1,701.42 (2008 prices) = £1,295.00 (2014 prices)" in text
    board = re.sub(r"\s+", " ", pdf_texts["national-faq-2017/board-summary.pdf"])
    assert "£650.00 per person treated" in board


def test_conversion_steps_share_the_reports_per_person_formatter():
    for value in (1674, 1674.004, 323.75, 0.5, 2166.666667, -12.5, 1_000_000):
        assert _money(value, "GBP") == fmt.money_pp(value)
    assert _money(1701.42, "USD") == "US$1,701.42"
    assert _money(88, "EUR") == "EUR 88.00"


def _texts(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


def test_the_runs_evidence_and_the_evidence_listing_print_pence():
    evidence = modeller.run(modeller.load("example-area")).to_dict()["evidence"]
    texts = _texts(evidence)
    assert any("£1,674.00" in t for t in texts)
    amounts = [a for t in texts for a in re.findall(AMOUNT, QUOTED.sub(" ", t))]
    assert len(amounts) >= 20
    assert [a for a in amounts if not PENCE.search(a)] == []
    result = CliRunner().invoke(cli, ["evidence", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    shown = [t for r in records for t in [r["display"], *r["flags"]]]
    amounts = [a for t in shown for a in re.findall(AMOUNT, QUOTED.sub(" ", t))]
    assert len(amounts) >= 20
    assert [a for a in amounts if not PENCE.search(a)] == []


#: Any money amount the evidence library prints: every one is a per-person figure (the
#: "$" of a record that does not say which dollar, and "EUR" with or without a space).
EVIDENCE_AMOUNT = re.compile(r"(?:£|US\$|C\$|\$|EUR ?|GBP )\d[\d,]*(?:\.\d+)?")


def evidence_whole_pounds(text: str) -> tuple[int, list[str]]:
    """How many amounts ``text`` holds outside quotations, and those without pence."""
    amounts = EVIDENCE_AMOUNT.findall(QUOTED.sub(" ", text))
    return len(amounts), [a for a in amounts if not PENCE.search(a.rstrip(",."))]


def test_the_finder_of_evidence_amounts_sees_whole_pounds_and_leaves_quotes():
    assert evidence_whole_pounds("by £1,760 (£5,670.00 - $3,910); about EUR1,559")[1] \
        == ["£1,760", "$3,910", "EUR1,559"]
    assert evidence_whole_pounds('"over £460" and \'£650\', US$340.28') == (1, [])


def test_every_figure_of_the_evidence_listing_prints_pence():
    """`modeller evidence` (the table with its caveats and sources, and the JSON's labels,
    caveats and citations): every money figure of the library is per person, so each
    prints with pence; quotations of the sources stay as published."""
    table = CliRunner().invoke(cli, ["evidence"])
    assert table.exit_code == 0, table.output
    count, whole = evidence_whole_pounds(table.stdout)
    assert count >= 60 and whole == []
    records = json.loads(CliRunner().invoke(cli, ["evidence", "--format", "json"]).stdout)
    texts = [t for r in records for t in [r["label"], r["citation"], *r["caveats"]]]
    count, whole = evidence_whole_pounds("\n".join(texts))
    assert count >= 30 and whole == []


def test_the_evidence_docs_print_every_per_person_figure_with_pence():
    """docs/evidence.md: the record tables (generated: tests/test_evidence.py) and the
    table of the seeds' own conversions."""
    from pathlib import Path

    from modeller.inputs.evidence import RECORDS_HEADING

    page = (Path(__file__).resolve().parent.parent / "docs" / "evidence.md").read_text(
        encoding="utf-8")
    records = page[page.index(RECORDS_HEADING):]
    conversions = page.split("### The seed's own conversions", 1)[1].split("\n#", 1)[0]
    for section, least in ((records, 40), (conversions, 6)):
        count, whole = evidence_whole_pounds(section)
        assert count >= least and whole == []


def test_terminal_summary_comparison_and_psa_print_unit_figures_with_pence():
    run = CliRunner().invoke(cli, ["run", "national-faq-2017"])
    assert run.exit_code == 0, run.output
    assert re.search(r"Cost per recovery \(undiscounted\) +GBP 2,166\.67\n", run.stdout)
    assert "net GBP 12.50" in run.stdout
    assert re.search(r"Cost within horizon +GBP 1,950,000\n", run.stdout)  # a total
    both = CliRunner().invoke(cli, ["compare", "national-faq-2017", "example-area"])
    assert both.exit_code == 0, both.output
    line = next(x for x in both.stdout.splitlines() if x.startswith("Net per person"))
    assert re.findall(r"GBP [\d,]+(?:\.\d+)?", line) == [
        "GBP 12.50", "GBP 81.41", "GBP 93.91"]
    psa = CliRunner().invoke(cli, ["psa", "national-faq-2017-psa", "--draws", "50"])
    assert psa.exit_code == 0, psa.output
    rows = [x for x in psa.stdout.splitlines() if x.startswith(("Cost per", "Net per"))]
    assert len(rows) == 4
    for row in rows:
        shown = re.findall(r"GBP [\d,]+(?:\.\d+)?", row)
        assert len(shown) == 4 and all(PENCE.search(a) for a in shown), row


@pytest.mark.parametrize("name", ["national-faq-2017", "example-area"])
def test_the_web_page_prints_unit_figures_with_pence(name):
    with TestClient(create_app(modeller.load(name)), base_url="http://127.0.0.1") as c:
        html = c.get("/").text
    for key in ("per_person_entering.net", "totals.cost_per_recovery"):
        shown = re.search(rf'data-key="{re.escape(key)}"[^>]*>\s*<dt>[^<]*</dt>\s*'
                          r"<dd>([^<]*)</dd>", html)
        assert shown and PENCE.search(shown.group(1)), key
    assert re.search(r'data-key="totals.cost"[^>]*>\s*<dt>[^<]*</dt>\s*<dd>£[\d,]+</dd>',
                     html)  # a total stays in whole pounds
    page = unescape(re.sub(r"<[^>]+>", " ", html))
    assert len(unit_figures(page)) >= 2
    assert whole_pounds(page) == []
