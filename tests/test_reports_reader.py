"""Reports a board can read and an auditor can trace (issue 11).

Full builds (every PDF, with scenarios and analyses, and a set with a dozen long-named
conditions) are checked as a reader sees them: the extracted text of every PDF, the
tables of the HTML each PDF is rendered from, the layout boxes of every table, and the
assumption sets the PDFs carry as attachments.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from modeller.cli import cli
from modeller.inputs import references
from modeller.inputs.loader import load
from modeller.outputs.reports import formatting as fmt
from modeller.outputs.reports.citing import Citer
from modeller.outputs.reports.wording import plain_warning

#: A dozen long condition names (labels may be up to 60 characters).
LONG_NAMES = [
    "Type 2 diabetes, poorly controlled glucose and complications",
    "Chronic obstructive pulmonary disease, breathlessness clinic",
    "Coronary heart disease incl. angina and post-infarction care",
    "Chronic musculoskeletal pain, lower back pain, fibromyalgia",
    "Medically unexplained symptoms, persistent physical symptoms",
    "Irritable bowel syndrome and functional bowel disorders",
    "Chronic fatigue syndrome and myalgic encephalomyelitis (ME)",
    "Cancer survivorship after treatment for breast/bowel cancer",
    "Heart failure with reduced ejection fraction, community",
    "Asthma in adults attending emergency departments frequently",
    "Rheumatoid arthritis and other inflammatory arthritis",
    "Stroke survivors with depression in community rehabilitation",
]


def _large_set(tmp: Path) -> Path:
    from modeller.inputs.bundled import bundled_dir

    base = bundled_dir("assumptions") / "national-faq-2017.yaml"
    lines = ["schema_version: 1", f"extends: {base}", "name: large-area",
             'title: "A very large area with a dozen long-named conditions to test the '
             'layout of every report"', "conditions:", "  all_ltc_mus: null"]
    for i, label in enumerate(LONG_NAMES):
        share = "0.083333" if i < 11 else "0.083337"
        lines += [f"  condition_{i:02d}:", f'    label: "{label}"', f"    share: {share}",
                  f"    annual_saving: {{value: {300 + 150 * i}, source: \"Local linked "
                  f"data (illustrative)\", range: [{200 + 100 * i}, {600 + 200 * i}]}}"]
    path = tmp / "large.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


BUILDS = {
    "example": ["example-area", "--scenario", "national-faq-2017", "--sensitivity"],
    "psa": ["national-faq-2017-psa", "--scenario", "scenarios/optimistic", "--psa-draws",
            "200", "--seed", "1", "--grid", "outcomes.recovery_rate=0.4:0.6:0.1",
            "--grid", "costs.per_person_entering=600,650"],
}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """Every PDF of three full builds: {build name: folder}."""
    root = tmp_path_factory.mktemp("reader")
    out = {}
    args = dict(BUILDS, large=[str(_large_set(root)), "--sensitivity"])
    for name, argv in args.items():
        result = CliRunner().invoke(cli, ["build", *argv, "--out-dir", str(root / name)])
        assert result.exit_code == 0, result.output
        (folder,) = [p for p in (root / name).iterdir() if p.is_dir()]
        out[name] = folder
    return out


def _pdfs(builds):
    return [pdf for folder in builds.values() for pdf in sorted(folder.glob("*.pdf"))]


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(pdf)).pages)


#: Configuration keys (snake_case or dotted paths) and evidence record ids.
_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z_]+\.[a-z_]+(?:\.[a-z_]+)*\b")
_REPR = re.compile(r"\{'|'\}|\bNone\b|\bTrue\b|\bFalse\b|\[\{|<function")


def _outside_appendix(text: str) -> str:
    """The text a board reads: everything but the business case's assumptions appendix
    (configuration keys are allowed there) and the reference list's addresses."""
    start = text.rfind("Appendix: assumptions, method and provenance")
    end = text.rfind("Glossary")
    if start > 0 and end > start:
        text = text[:start] + text[end:]
    return re.sub(r"https?://\S+", "", text)


def test_every_pdf_reads_as_people_cite(builds):
    for pdf in _pdfs(builds):
        text = _text(pdf)
        board = _outside_appendix(text)
        assert ".txt" not in text, pdf
        assert "domain brief" not in text.lower(), pdf
        # "seed" is the project's word for its text copies; readers get documents
        # (a PSA's random seed is the only seed a reader meets)
        words = re.sub(r"(random )?seed \d+|same seed", "", " ".join(text.split()))
        assert not re.search(r"\bseeds?\b", words, re.IGNORECASE), (
            pdf, re.search(r".{40}\bseeds?\b.{20}", words, re.IGNORECASE).group(0))
        assert not _REPR.search(text), (pdf, _REPR.search(text).group(0))
        keys = set(_KEY.findall(board)) - {"e.g", "n.d"}
        assert not keys, (pdf.name, sorted(keys))
        assert not re.search(r"\b[0-9a-f]{64}\b", board.replace("\n", "")) or \
            pdf.name == "business-case.pdf", pdf  # full hash only in the provenance
        # numbered citations, each with an entry in the document's own reference list
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", board)}
        assert cited and min(cited) == 1 and cited == set(range(1, max(cited) + 1)), pdf
        assert "References" in text, pdf


def test_business_case_has_glossary_reference_list_and_cover(builds):
    text = _text(builds["example"] / "business-case.pdf")
    for term in ("PWP", "WSAS", "PREM", "MUS", "LTC"):
        assert re.search(rf"\b{term}\b", text[text.rfind("Glossary"):]), term
    refs = text[text.rfind("References"):]
    assert "[1] " in refs and "NHS England (2017). FAQ for the IAPT-LTC" in refs.replace("\n", " ")
    cover = " ".join(PdfReader(str(builds["example"] / "business-case.pdf")).pages[0]
                     .extract_text().split())
    assert "Example area: the FAQ assumptions" in cover  # the set's own title
    for field in ("Date", "Prepared by", "Executive sponsor"):
        assert field in cover
    assert "for local completion" in cover  # no date from the clock


def test_seed_locations_never_reach_the_reader_but_stay_for_auditors(builds):
    loaded = load("example-area")
    assert loaded.resolved["outcomes"]["recovery_rate"]["seed"].startswith(
        "000_531557c98ba51688.txt:")
    assert loaded.spec.conditions["copd"].annual_saving.seed.startswith("000_")
    assert references.reader_citation("000_531557c98ba51688.txt:1002-1012") == \
        "NHS England (2017), IAPT-LTC FAQ, Table 1"
    cite = Citer()
    html = str(cite("Generic IAPT services give 50-60% (000_531557c98ba51688.txt:1368-1370)."))
    assert ".txt" not in html and "[1]" in html and "Table 3" in html


def test_citations_are_numbered_in_order_of_first_use():
    cite = Citer()
    cite("NCCMH (2020), IAPT Manual, section 6.4")
    cite("NHS England (2017), IAPT-LTC FAQ, Table 2")
    cite("NCCMH (2020), IAPT Manual, section 9.1")
    assert [e["short"] for e in cite.entries()] == ["NCCMH (2020), IAPT Manual",
                                                    "NHS England (2017), IAPT-LTC FAQ"]
    assert str(cite("a local plan", compact=True)) == "a local plan"


def test_warnings_use_labels_not_keys():
    text = plain_warning(
        "costs.booster: 33% of people who recover are expected to need a booster, but no "
        "booster cost is given, so boosters are not priced; give costs.booster."
        "cost_per_person and months_after_entry to price them.", {})
    assert text.startswith("Booster treatment: ") and "not priced" in text
    assert not _KEY.search(text)
    text = plain_warning("conditions.copd.annual_saving: hillingdon-copd-secondary is "
                         "gross; the seed states no price year", {"copd": "COPD"})
    assert text.startswith("COPD: annual saving: the cited figure") and "seed" not in text


class _Tables(HTMLParser):
    """Tables of a report's HTML: rows of cell texts by part, and the next text."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._part, self._row = [], None, None, None
        self._after = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"tbody": [], "tfoot": [], "caption": "", "after": ""})
        elif tag in ("tbody", "tfoot", "thead") and self.tables:
            self._part = tag
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""
        elif tag == "caption":
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "caption" and self.tables:
            self.tables[-1]["caption"] = self._cell or ""
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._part in ("tbody", "tfoot"):
                self.tables[-1][self._part].append(self._row)
            self._row = None
        elif tag == "table":
            self._after = self.tables[-1]
            self._part = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        elif self._after is not None and data.strip():
            self._after["after"] += data
            if len(self._after["after"]) > 200:
                self._after = None


def test_every_table_with_a_total_sums_as_printed_or_says_so(builds, tmp_path):
    from modeller import api
    from modeller.outputs.reports.pdf import pdf_and_html

    checked = 0
    for ref, kind in (("example-area", "business-case"), ("national-faq-2017", "business-case"),
                      ("example-area", "logic-model")):
        bundle = api.bundle(ref, scenarios=["scenarios/optimistic"])
        html = pdf_and_html(kind, bundle)[1]
        parser = _Tables()
        parser.feed(html)
        for table in parser.tables:
            totals = [r for r in table["tfoot"] if r and r[0].startswith("Total")]
            if not totals:
                continue
            total = totals[0]
            for col in range(1, len(total)):
                shown = fmt.printed_value(total[col]) if total[col] else None
                parts = [fmt.printed_value(r[col]) for r in table["tbody"] if len(r) > col]
                if shown is None or any(p is None for p in parts) or len(parts) < 2:
                    continue
                checked += 1
                if abs(sum(parts) - shown) > 1e-6:
                    assert fmt.ROUNDING_NOTE in table["after"], table["caption"]
    assert checked > 10


def _table_boxes(box):
    stack = [box]
    while stack:
        b = stack.pop()
        if type(b).__name__ == "TableBox":
            yield b
        stack.extend(getattr(b, "children", []) or [])


@pytest.mark.parametrize("kind", ["logic-model", "business-case", "board-summary"])
def test_tables_stay_inside_the_margins_and_one_pagers_fit(kind, tmp_path):
    """The largest input: a dozen long-named conditions, with every analysis."""
    import weasyprint

    from modeller import api
    from modeller.outputs.reports.fetcher import PackageFetcher
    from modeller.outputs.reports.pdf import render_html, templates_dir

    bundle = api.bundle(str(_large_set(tmp_path)), scenarios=["national-faq-2017"],
                        sensitivity=True)
    root = templates_dir()
    levels = (0, 1, 2) if kind != "business-case" else (0,)
    for level in levels:
        document = weasyprint.HTML(
            string=render_html(kind, bundle, compact=level), base_url=root.as_uri() + "/",
            url_fetcher=PackageFetcher(root)).render()
        if len(document.pages) == 1:
            break
    if kind != "business-case":
        assert len(document.pages) == 1, f"{kind} does not fit on one page"
    for page in document.pages:
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        for table in _table_boxes(page_box):
            assert table.position_x + table.margin_width() <= right + 0.5, kind


def test_pdfs_carry_their_sets_and_reproduce_the_hash(builds):
    for name, folder in builds.items():
        results = (folder / "results.json").read_text(encoding="utf-8")
        digest = re.search(r'"hash": "([0-9a-f]{64})"', results).group(1)
        for pdf in sorted(folder.glob("*.pdf")):
            files = PdfReader(str(pdf)).attachments
            assert "assumption-set.yaml" in files, pdf
            assert load(pdf).hash == digest, pdf
    # the scenario compared travels with the report too
    assert "scenario-1.yaml" in PdfReader(str(builds["example"] / "business-case.pdf")).attachments
    run = CliRunner().invoke(cli, ["run", str(builds["example"] / "board-summary.pdf"),
                                   "--format", "json"])
    assert run.exit_code == 0
    assert run.output.split('"hash": "')[1][:64] == load("example-area").hash


def test_a_damaged_or_foreign_pdf_is_one_clear_problem(tmp_path):
    bad = tmp_path / "report.pdf"
    bad.write_bytes(b"%PDF-1.7\nsecret text that must not be echoed\n")
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "not a readable PDF report" in result.output
    assert "secret" not in result.output


def _filled(page) -> float:
    """How far down its content area a page is filled (0 to 1)."""
    box = page._page_box
    top, bottom = box.content_box_y(), box.content_box_y()
    stack = [c for c in box.children if type(c).__name__ != "MarginBox"]
    while stack:
        b = stack.pop()
        if type(b).__name__ in ("LineBox", "InlineReplacedBox", "BlockReplacedBox",
                                "TableRowBox"):
            bottom = max(bottom, b.position_y + b.margin_height())
            continue
        stack.extend(getattr(b, "children", []) or [])
    return (bottom - top) / box.height


@pytest.mark.parametrize("ref, options", [
    ("example-area", {"scenarios": ["national-faq-2017"], "sensitivity": True}),
    ("national-faq-2017-psa", {"scenarios": ["scenarios/optimistic"], "psa_draws": 200,
                               "grid": ["outcomes.recovery_rate=0.4:0.6:0.1",
                                        "costs.per_person_entering=600,650"]}),
])
def test_no_near_empty_pages_in_the_business_case(ref, options):
    import weasyprint

    from modeller import api
    from modeller.outputs.reports.fetcher import PackageFetcher
    from modeller.outputs.reports.pdf import render_html, templates_dir

    root = templates_dir()
    document = weasyprint.HTML(
        string=render_html("business-case", api.bundle(ref, **options)),
        base_url=root.as_uri() + "/", url_fetcher=PackageFetcher(root)).render()
    fills = [_filled(page) for page in document.pages]
    assert all(f >= 0.3 for f in fills[:-1]), [round(f, 2) for f in fills]


def test_linked_figures_are_real_links_in_the_tagged_structure(builds):
    """Headline figures link to their derivation lines; links stay in the tag tree."""
    reader = PdfReader(str(builds["example"] / "business-case.pdf"))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots") or []
             if a.get_object().get("/Subtype") == "/Link"]
    assert len(links) > 20
    assert all("/StructParent" in link for link in links)
    named = set(reader.named_destinations)
    for anchor in ("d-cost", "d-gross", "d-npv", "d-bcr", "ref-1"):
        assert anchor in named, anchor


def test_bibliography_covers_every_seed_location_the_package_cites():
    """Every reference has its author or publisher, year and title; the slide decks'
    line ranges do not overlap; every seed location in the bundled sets, the evidence
    library and the report text maps to a reference (so none can reach a reader)."""
    from modeller.inputs.bundled import bundled_dir
    from modeller.outputs.reports import content

    bib = references.bibliography()
    for ref in bib.values():
        assert ref.year and ref.title and ref.cite_as, ref.id
        assert ref.author or "presenter not named" in ref.title, ref.id
    decks = sorted((r.first, r.last) for r in bib.values()
                   if r.seed_file == "001_310680aaedf11e68.txt")
    assert all(a[1] < b[0] for a, b in zip(decks, decks[1:])), decks
    texts = [p.read_text(encoding="utf-8")
             for p in bundled_dir("assumptions").rglob("*.yaml")]
    texts += [q["cite"] for q in content.all_quotes()]
    cited = {loc for text in texts for loc in references.seed_locations(text)}
    assert len(cited) > 100
    unmapped = sorted(loc for loc in cited if references.reader_citation(loc) is None)
    assert not unmapped, unmapped
