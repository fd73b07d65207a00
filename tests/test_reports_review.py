"""The reports read again as a board member and an auditor would (issue 11 review).

Each test here pins one thing a reader found wrong in a full build: a derivation line
whose formula did not give the figure beside it, a set name where a title belongs, a
total repeated under a part of a table split across pages, an abbreviation the glossary
did not explain. Most read the HTML each PDF is rendered from (the same text, without
the layout time); layout checks render with weasyprint.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from modeller import api
from modeller.outputs.reports import formatting as fmt
from modeller.outputs.reports import wording
from modeller.outputs.reports.pdf import render_html


class _Rows(HTMLParser):
    """Rows of every table: ``{"id", "cells", "text"}`` (cell texts and link targets)."""

    def __init__(self):
        super().__init__()
        self.rows, self._row, self._cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = {"id": dict(attrs).get("id"), "cells": []}
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row["cells"].append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def _rows(html: str) -> list[dict]:
    parser = _Rows()
    parser.feed(html)
    return parser.rows


@pytest.fixture(scope="module")
def example_html() -> str:
    return render_html("business-case", api.bundle(
        "example-area", scenarios=["national-faq-2017", "scenarios/optimistic"]))


_MONEY = re.compile(r"[−-]?\u2060?£[\d,]+(?:\.\d+)?")


def _amounts(text: str) -> list[float]:
    return [fmt.printed_value(m) for m in _MONEY.findall(text)]


def _terms(text: str) -> list[tuple[float, float]]:
    """``£a × 1.000000 − £b × 0.966184`` terms of a sum, each amount with its sign (its
    own, or the one joining it to the term before)."""
    return [(fmt.printed_value(a) * (-1 if op == "−" else 1), float(f))
            for op, a, f in re.findall(r"(?:([+−]) )?([−-]?\u2060?£[\d,]+) × (\d\.\d{6})",
                                       text)]


def test_each_derivation_line_gives_the_figure_beside_it(example_html):
    """An auditor redoes each formula with the numbers printed in it."""
    lines = {r["id"]: r["cells"] for r in _rows(example_html) if (r["id"] or "")
             .startswith("d-")}
    value = {k: fmt.printed_value(v[1]) for k, v in lines.items()}
    net = _amounts(lines["d-net"][2])
    assert abs(net[0] - net[1] - value["d-net"]) <= 1
    life = _amounts(lines["d-lifetime"][2])
    assert abs(life[0] - life[1] - value["d-lifetime"]) <= 1
    # the ratio printed is the ratio of the two amounts its formula names
    bcr = _amounts(lines["d-bcr"][2])
    assert fmt.per_pound(bcr[0] / bcr[1]) == lines["d-bcr"][1], lines["d-bcr"]
    assert "present value" in lines["d-bcr"][2]
    for anchor in ("d-npvlife", "d-cash"):
        a = _amounts(lines[anchor][2])
        assert abs(a[0] - a[1] - value[anchor]) <= 1, lines[anchor]
    steady = _amounts(lines["d-steady"][2])
    assert abs(steady[0] - steady[2] - value["d-steady"]) <= 1, lines["d-steady"]
    # Σ amount × factor, as printed, gives the present value beside it (to rounding)
    for anchor in ("d-npv", "d-pvcost", "d-pvgross"):
        terms = _terms(lines[anchor][2])
        total = sum(a * f for a, f in terms)
        assert len(terms) == 5 and abs(total - value[anchor]) <= 2.5, lines[anchor]


def test_derivation_sources_name_every_input_once(example_html):
    lines = {r["id"]: r["cells"][-1] for r in _rows(example_html) if (r["id"] or "")
             .startswith("d-")}
    for anchor, text in lines.items():
        if "Sources:" not in text:
            continue
        cited = [c.strip() for c in text.split("Sources:", 1)[1].rstrip(".").split(";")]
        assert len(cited) == len(set(cited)), (anchor, cited)
    # every condition's saving is cited, not only the first condition's
    from modeller.outputs.reports import presentation

    bundle = api.bundle("example-area")
    rows = bundle["assumption_rows"]
    gross = next(d for d in presentation.derivations(bundle["results"], rows)
                 if d["id"] == "d-gross")
    for row in rows:
        if row["field"].endswith("annual_saving"):
            assert row["source"] in gross["sources"], row["field"]


def test_the_per_person_line_states_only_true_equations():
    """Each "=" of the per-person line (d-pp) joins a product to its value: no chain
    such as "100 × £662.50 = £66,250 − 100 × £650.00 = £65,000", whose middle reads as
    £66,250 − £65,000 = £65,000."""
    from modeller.outputs.reports import presentation

    bundle = api.bundle("national-faq-2017")
    line = next(d for d in presentation.derivations(bundle["results"],
                                                    bundle["assumption_rows"])
                if d["id"] == "d-pp")
    part = line["formula"].split("for 100 people entering:")[1]
    assert not re.search(r"= \S*£[\d,.]+ [−+×÷] ", part), part  # no value runs on
    products = re.findall(r"(\d+) × (£[\d,]+\.\d\d) = (£[\d,]+)", part)
    assert len(products) == 2 and part.count(" = ") == 2, part
    for n, each, total in products:
        assert abs(int(n) * fmt.printed_value(each) - fmt.printed_value(total)) <= 0.5


def test_options_carry_titles_and_say_when_volumes_differ(example_html):
    """The options table names sets by their titles, never their file names, and warns
    that options of different volumes differ mostly by volume."""
    options = [r["cells"][0] for r in _rows(example_html)
               if r["cells"] and "(preferred)" in r["cells"][0] or
               r["cells"] and "(alternative)" in r["cells"][0]]
    assert len(options) == 3, options
    for name in ("example-area", "national-faq-2017", "optimistic"):
        assert not any(o.startswith(name) for o in options), options
    assert options[0].startswith("Example area: the FAQ assumptions")
    economic = example_html[example_html.index("Options appraised"):
                            example_html.index("Optimism bias")]
    assert "Different volumes" in economic and "per person" in economic


def _render(html: str):
    import weasyprint

    from modeller.outputs.reports.fetcher import PackageFetcher
    from modeller.outputs.reports.pdf import templates_dir

    root = templates_dir()
    return weasyprint.HTML(string=html, base_url=root.as_uri() + "/",
                           url_fetcher=PackageFetcher(root)).render()


def _boxes(box, name: str):
    """Every layout box of type ``name`` under ``box``, in document order (not looking
    inside one found)."""
    stack = [box]
    while stack:
        b = stack.pop()
        if type(b).__name__ == name:
            yield b
            continue
        stack.extend(reversed(getattr(b, "children", []) or []))


def _page_text(page) -> str:
    return " ".join(t.text for t in _boxes(page._page_box, "TextBox"))


def test_a_split_table_prints_its_total_once_under_the_last_row():
    rows = "".join(f"<tr><th>Row {i}</th><td>{i}</td></tr>" for i in range(90))
    document = _render('<html><head><link rel="stylesheet" href="report.css"></head><body>'
                       f"<table><thead><tr><th>Row</th><th>N</th></tr></thead><tbody>{rows}"
                       "</tbody><tfoot><tr><th>Grand total</th><td>4005</td></tr></tfoot>"
                       "</table></body></html>")
    pages = [_page_text(p) for p in document.pages]
    assert len(pages) > 1
    assert [("Grand total" in p) for p in pages] == [False] * (len(pages) - 1) + [True]
    assert "Row 89" in pages[-1]


def _glossary(html: str) -> list[str]:
    import html as html_lib

    block = html[html.index('<dl class="glossary">'):]
    block = block[:block.index("</dl>")]
    return [html_lib.unescape(t) for t in re.findall(r"<dt>(.*?)</dt>", block)]


def _reader_text(html: str) -> str:
    """What a board reads of a business case: the text before the assumptions appendix,
    without the glossary and the reference list."""
    import html as html_lib

    body = html[:html.index('id="appendix"')] if 'id="appendix"' in html else html
    body = re.sub(r"<(style|head)\b.*?</\1>", " ", body, flags=re.DOTALL)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


#: Names, not abbreviations a reader must look up: publishers as cited, with the
#: reference list spelling them out, and "HM" of HM Treasury.
_NAMES = {"HM", "NCCMH", "UCL", "US", "PDF", "NHS England"}


@pytest.mark.parametrize("ref, options", [
    ("example-area", {"scenarios": ["national-faq-2017", "scenarios/optimistic"],
                      "sensitivity": True}),
    ("national-faq-2017-psa", {"psa_draws": 50}),
])
def test_every_abbreviation_a_reader_meets_is_in_the_glossary(ref, options):
    import html as html_lib

    html = render_html("business-case", api.bundle(ref, **options))
    terms = set(_glossary(html))
    text = _reader_text(html)
    used = {a.rstrip("s") if a.endswith("s") and a[:-1].isupper() else a
            for a in re.findall(r"(?<![\w-])[A-Z][A-Z&]+s?(?![\w-])", text)}
    spelled = set(re.findall(r"\(([A-Z][A-Z&]+)\)", text))  # "case mix (QIPP)"
    missing = sorted(used - terms - spelled - _NAMES)
    assert not missing, missing
    # and the glossary explains only terms the document uses (the appendix included)
    start = html.index('<dl class="glossary">')
    rest = re.sub(r"<(style|head)\b.*?</\1>", " ",
                  html[:start] + html[html.index("</dl>", start):], flags=re.DOTALL)
    whole = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", rest)).split())
    unused = [t for t in terms - wording.ONE_PAGE_TERMS if not re.search(
        rf"(?<![\w-]){re.escape(t)}s?(?![\w-])", whole,
        0 if t.isupper() or "-" in t else re.IGNORECASE)]
    assert not unused, unused


def test_the_glossary_explains_the_one_page_reports_terms():
    """The one-page reports send readers to the business case; its glossary explains
    every abbreviation they print."""
    bundle = api.bundle("example-area")
    terms = set(_glossary(render_html("business-case", bundle)))
    for kind in ("logic-model", "board-summary"):
        text = _reader_text(render_html(kind, bundle))
        used = {a.rstrip("s") if a.endswith("s") and a[:-1].isupper() else a
                for a in re.findall(r"(?<![\w-])[A-Z][A-Z&]+s?(?![\w-])", text)}
        spelled = set(re.findall(r"\(([A-Z][A-Z&]+)\)", text))
        assert not sorted(used - terms - spelled - _NAMES), kind
        assert "glossary" in text, kind


def test_per_person_figures_print_pence_wherever_they_appear(example_html):
    """Pence only for per-person unit figures, and then always: a reader comparing
    "cost per recovery £2,167" with "£2,166.67" elsewhere sees two figures."""
    per_person = re.compile(r"\bper (person|attributable recovery|recovery|beneficiary)\b|"
                            r"\bper person recovering\b", re.IGNORECASE)
    checked = 0
    for row in _rows(example_html):
        if not row["cells"] or not per_person.search(row["cells"][0]) or \
                re.search(r"over \d+ years|NPV|people", row["cells"][0]):
            continue
        for cell in row["cells"][1:2]:  # the figure itself, not a formula beside it
            for amount in _MONEY.findall(cell):
                checked += 1
                assert re.search(r"\.\d\d$", amount), (row["cells"][0], cell)
    assert checked >= 4


def test_no_total_is_labelled_as_a_unit_cost():
    """"Therapy per person entering treatment: £3,123,250" read as a unit cost."""
    bundle = api.bundle("example-area")
    for kind in ("logic-model", "business-case", "board-summary"):
        text = _reader_text(render_html(kind, bundle))
        for m in re.finditer(r"per (?:person|recovery)[^£.;×=]{0,40}?:?\s*([−-]?\u2060?£[\d,]+(?:\.\d+)?)",
                             text):
            assert re.search(r"\.\d\d$", m.group(1)), (kind, m.group(0))


def _lines(box) -> list[str]:
    """The text of each line of a box, in order (without zero-width break points)."""
    return ["".join(t.text for t in _boxes(line, "TextBox")).replace("\u200b", "").strip()
            for line in _boxes(box, "LineBox")]


def _row_header_lines(html: str, table_class: str, cell_class: str = "") -> list[list[str]]:
    """Lay out one table of a report alone; the lines of each of its row headers."""
    table = re.search(rf'<table class="{table_class}">.*?</table>', html, re.DOTALL).group(0)
    document = _render('<html lang="en-GB"><head><link rel="stylesheet" href="report.css">'
                       f"</head><body>{table}</body></html>")
    return [[ln for ln in _lines(cell) if ln] for page in document.pages
            for cell in _boxes(page._page_box, "TableCellBox")
            if cell.element_tag == "th" and cell_class in (cell.element.get("class") or "")]


def test_row_headers_of_fixed_tables_never_break_a_word_without_a_hyphen(tmp_path):
    """The largest set's condition names in the evidence table ("Musculoskel / etal")."""
    from test_reports_reader import LONG_NAMES, _large_set

    words = {w for name in LONG_NAMES for w in name.split()}
    html = render_html("business-case", api.bundle(str(_large_set(tmp_path))))
    checked = 0
    for lines in _row_header_lines(html, "fixed evidence"):
        for a, b in zip(lines, lines[1:]):
            checked += 1
            broken = a.split()[-1] + b.split()[0]
            assert a[-1] in "-\u2010/" or broken not in words, (a, b)
    assert checked > 10


def test_appendix_keys_wrap_only_between_their_parts(tmp_path):
    """An auditor copies a key from the appendix: it wraps after a "." or "_", never
    inside a word, and gains no hyphen."""
    html = render_html("business-case", api.bundle("example-area"))
    table = re.search(r'<table class="assumptions fixed">.*?</table>', html,
                      re.DOTALL).group(0)
    assert ".;" not in re.sub(r"<[^>]+>", "", table)  # "(Table 3).; range 0.5 to 0.6"
    wrapped = 0
    for lines in _row_header_lines(html, "assumptions fixed", "field"):
        for line in lines[:-1]:
            wrapped += 1
            assert line[-1] in "._", lines
    assert wrapped > 3


def test_plain_words_in_the_national_pack():
    """What a lay reader stumbled on: code arithmetic in warnings, "NPV convention: HM
    Treasury Green Book convention", "Treatment lasts 0 months", savings after the
    horizon without saying they are undiscounted."""
    bundle = api.bundle("national-faq-2017")
    for kind in ("logic-model", "business-case", "board-summary"):
        text = _reader_text(render_html(kind, bundle))
        assert "convention: HM Treasury Green Book convention" not in text, kind
        assert "lasts 0 months" not in text and "after 0 months" not in text, kind
        warnings = text[text.index("Warnings from the model run"):][:400]
        assert "0.5×36" in warnings and "0.5*36" not in warnings, kind
    text = _reader_text(render_html("logic-model", bundle))
    assert "Savings after the horizon (undiscounted)" in text


def test_psa_distributions_in_the_figures_own_units():
    """"lognormal (mean 1000, sd 600)" beside "£1,000.00": the same figure two ways."""
    html = render_html("business-case", api.bundle("national-faq-2017-psa", psa_draws=50))
    rows = {r["cells"][0]: r["cells"] for r in _rows(html)
            if len(r["cells"]) == 4 and re.match(r"(beta|triangular|uniform|lognormal|"
                                                 r"normal|gamma)\b", r["cells"][2])}
    assert len(rows) >= 4, rows
    assert rows["Completion rate"][2] == "triangular (low 50%, mode 60%, high 60%)"
    saving = next(v for k, v in rows.items() if "annual saving" in k)
    assert saving[2] == "lognormal (mean £1,000.00, standard deviation £600.00)"
    for cells in rows.values():
        cited = [c.strip() for c in cells[3].split(";")]
        assert len(cited) == len(set(cited)), cells  # "[1] Table 3; [1]"
        assert not re.search(r"\[(\d+)\].*\[\1\](?!\s)", cells[3]), cells


def test_internal_references_leave_no_stray_punctuation():
    """"all who enter treatment - domain brief B1)" printed "enter treatment -)"."""
    assert wording.plain_text("not stated (recovered, completers or all who enter "
                              "treatment - domain brief B1)") == \
        "not stated (recovered, completers or all who enter treatment)"
    html = render_html("business-case", api.bundle("example-area"))
    assert not re.search(r"\s[-–—]\)", re.sub(r"<[^>]+>", "", html))


def test_quoted_arithmetic_that_is_wrong_is_marked_sic():
    """The FAQ's "(0.5*36 + 0.25*24 + 0.25*12) = 26.5 months" is 27: a quotation keeps
    the source's words, and says [sic] where they are wrong."""
    from modeller.outputs.reports import content

    checked = 0
    for quote in content.all_quotes():
        for m in re.finditer(r"\(([\d.*+ ]+)\)\s*=\s*([\d.]+)(\s*\[sic\])?", quote["text"]):
            checked += 1
            right = abs(eval(m.group(1), {"__builtins__": {}}) - float(m.group(2))) < 1e-9
            assert right or m.group(3), quote["text"]
    assert checked
    html = render_html("business-case", api.bundle("national-faq-2017"))
    assert "= 26.5 [sic] months" in html


class _Figures(HTMLParser):
    """Money figures in the executive summary, economic and financial cases: each with
    the link it sits in (or None) and the header of its table row."""

    SECTIONS = ("summary", "economic", "financial")

    def __init__(self):
        super().__init__()
        self.ids, self.found = set(), []
        self._section, self._link, self._skip, self._row = None, None, 0, ""
        self._in_th = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "section":
            self._section = a.get("id") if a.get("id") in self.SECTIONS else None
        elif tag == "a" and (a.get("href") or "").startswith("#"):
            self._link = a["href"][1:]
        elif tag in ("figure", "caption", "blockquote"):
            self._skip += 1
        elif tag == "tr":
            self._row, self._ths = "", 0
        elif tag == "th":
            self._in_th = True

    def handle_endtag(self, tag):
        if tag == "a":
            self._link = None
        elif tag in ("figure", "caption", "blockquote") and self._skip:
            self._skip -= 1
        elif tag == "th":
            self._in_th = False
            self._ths = getattr(self, "_ths", 0) + 1
        elif tag == "table":
            self._row = ""      # a paragraph after a table is in no row

    def handle_data(self, data):
        if self._in_th and not getattr(self, "_ths", 0):
            self._row += data
        if self._section and not self._skip:
            for m in _MONEY.finditer(data):
                self.found.append({"figure": m.group(0), "link": self._link,
                                   "row": self._row, "text": data})


def _unlinked(html: str) -> tuple[list[dict], set[str]]:
    parser = _Figures()
    parser.feed(html)
    out = []
    for f in parser.found:
        if f["figure"] == "£1" or "Price years:" in f["text"] or "NICE" in f["text"] \
                or "NICE" in f["row"]:
            continue  # a unit; the set's own note on its inputs; NICE's thresholds
        if f["row"].startswith("Business as usual") or "(alternative)" in f["row"]:
            continue  # other options' figures are derived in their own business cases
        out.append(f)
    return out, parser.ids


def _optimism_set(tmp_path, delay: bool = True) -> str:
    """example-area with optimism bias (cost uplift, savings reduction and, with
    ``delay``, a benefit delay), written where a test can bundle it."""
    path = tmp_path / ("ob-delay.yaml" if delay else "ob.yaml")
    path.write_text(
        "schema_version: 1\nname: ob\ntitle: Example area with optimism bias\n"
        "extends: example-area\n"
        "optimism_bias: {cost_uplift: {value: 0.1, source: local}, "
        "savings_reduction: {value: 0.2, source: local}, "
        + ("benefit_delay_months: {value: 2, source: local}, " if delay else "")
        + "source: local}\n")
    return str(path)


#: A case that applies optimism bias and runs the one-way sensitivity (no PSA, so the
#: executive summary prints the sensitivity range): its "before" figures and the range
#: each need their own derivation line.
OPTIMISM_CASE = ("optimism-bias", {"sensitivity": True})


def _bundle(ref: str, options: dict, tmp_path) -> dict:
    return api.bundle(_optimism_set(tmp_path) if ref == OPTIMISM_CASE[0] else ref,
                      **options)


@pytest.mark.parametrize("ref, options", [
    ("example-area", {"scenarios": ["national-faq-2017", "scenarios/optimistic"],
                      "sensitivity": True}),
    ("national-faq-2017", {}),
    OPTIMISM_CASE,
])
def test_every_money_figure_of_the_three_cases_links_to_its_derivation(ref, options,
                                                                        tmp_path):
    html = render_html("business-case", _bundle(ref, options, tmp_path))
    figures, ids = _unlinked(html)
    assert len(figures) > 60
    missing = [(f["figure"], f["row"] or f["text"][:60]) for f in figures if not f["link"]]
    assert not missing, missing
    # every link goes to a derivation line of the appendix (never a section) that exists
    not_lines = [(f["figure"], f["row"] or f["text"][:60], f["link"]) for f in figures
                 if not f["link"].startswith("d-")]
    assert not not_lines, not_lines
    for f in figures:
        assert f["link"] in ids, f
    lines = {r["id"]: " ".join(r["cells"]) for r in _rows(html) if r["id"]}
    assert {f["link"] for f in figures} <= set(lines)
    if ref == OPTIMISM_CASE[0]:
        links = {f["link"] for f in figures}
        assert {"d-ob-pvcost", "d-ob-pvgross", "d-ob-npv", "d-ob-bcr", "d-ob-npvlife",
                "d-sens"} <= links, sorted(links)


@pytest.mark.parametrize("ref, options", [("national-faq-2017", {}), OPTIMISM_CASE])
def test_pdf_links_of_the_figures_go_to_their_derivation_lines(ref, options, tmp_path):
    """In the PDF itself (pypdf): every internal link names a destination that exists,
    and every derivation line the figures link to is such a destination."""
    import io

    from pypdf import PdfReader

    from modeller.outputs.reports.pdf import pdf_and_html

    data, html = pdf_and_html("business-case", _bundle(ref, options, tmp_path))
    reader = PdfReader(io.BytesIO(data))
    named = set(reader.named_destinations)
    targets = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/Subtype") != "/Link":
                continue
            dest = a.get("/Dest") or (a.get("/A") or {}).get("/D")
            if dest is not None and not isinstance(dest, list):
                targets.append(str(dest))
    figures, _ = _unlinked(html)
    assert len(targets) >= len(figures)
    assert set(targets) <= named, sorted(set(targets) - named)
    assert {f["link"] for f in figures} <= set(targets)
    for anchor in ("d-pvcost", "d-pvgross", "d-npvlife", "d-cpar", "d-steady", "d-cash",
                   "d-y1", "d-y5", "d-years"):
        assert anchor in named, anchor
    # each year's figures link to that year's own line in the PDF too
    assert {"d-y1", "d-y2", "d-y3", "d-y4", "d-y5"} <= set(targets)
    assert all(f["link"].startswith("d-") for f in figures)
    if ref == OPTIMISM_CASE[0]:
        assert {"d-ob-pvcost", "d-ob-npv", "d-sens"} <= set(targets) & named


def test_the_summary_points_to_the_sections_it_names():
    """"uncertainty: section 5" in a case whose uncertainty is section 10."""
    html = render_html("business-case", api.bundle("national-faq-2017-psa", psa_draws=50))
    text = _reader_text(html)
    pointer = re.search(r"The counterfactual[^.]*\.", text).group(0)
    number = re.search(r'id="h-uncertainty">(\d+)\.', html).group(1)
    assert f"uncertainty: section {number}" in pointer, pointer
    assert "(unrounded: 900.0)" not in html  # a count shown as it is needs no second form


class _RowTotals(HTMLParser):
    """Tables whose last column is headed "Total": rows of cell texts, and the text
    after each table."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row, self._head, self._after = [], None, None, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"head": [], "rows": [], "after": ""})
            self._after = None
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            (table["rows"] if table["head"] else table["head"]).extend(
                [self._row] if table["head"] else self._row)
            self._row = None
        elif tag == "table":
            self._after = self.tables[-1]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        elif self._after is not None and data.strip() and len(self._after["after"]) < 300:
            self._after["after"] += data


@pytest.mark.parametrize("large", [False, True])
def test_tables_with_a_total_column_sum_across_as_printed_or_say_so(large, tmp_path):
    from test_reports_reader import _large_set

    ref = str(_large_set(tmp_path)) if large else "example-area"
    html = render_html("business-case", api.bundle(ref))
    parser = _RowTotals()
    parser.feed(html)
    checked = 0
    for table in parser.tables:
        if not table["head"] or table["head"][-1] != "Total" or len(table["head"]) < 4:
            continue
        for row in table["rows"]:
            values = [fmt.printed_value(c) for c in row[1:]]
            if any(v is None for v in values):
                continue
            checked += 1
            if abs(sum(values[:-1]) - values[-1]) > 1e-6:
                assert fmt.ROUNDING_NOTE in table["after"], (row, table["after"][:80])
    assert checked >= 5


def test_the_last_page_is_not_a_line_on_its_own():
    """A full example build ended on a page holding one reference; the appendix's long
    warning list now runs on across a page instead of leaving a third of one empty."""
    from test_reports_reader import _filled

    bundle = api.bundle("example-area", scenarios=["national-faq-2017",
                                                   "scenarios/optimistic"],
                        sensitivity=True, grid=["outcomes.recovery_rate=0.4,0.5,0.6",
                                                "outcomes.completion_rate=0.5,0.6"])
    document = _render(render_html("business-case", bundle))
    fills = [_filled(page) for page in document.pages]
    assert all(f >= 0.3 for f in fills[:-1]) and fills[-1] >= 0.1, \
        [round(f, 2) for f in fills]


@pytest.mark.parametrize("kind", ["board-summary", "logic-model"])
def test_the_national_one_pagers_fit_without_tightening(kind):
    """Each tightening level is another layout of the page (build time, issue 11): the
    national set's one-pagers fit at the first. Wording added to them must stay within
    the page ('0.5 × 36' in a warning cost a line and a second layout)."""
    document = _render(render_html(kind, api.bundle("national-faq-2017"), compact=0))
    assert len(document.pages) == 1


def _signed_amounts(text: str) -> list[float]:
    """The amounts of a sum as printed (``−£1 − £2 + £3``), each with its sign."""
    out = []
    for op, m in re.findall(r"(^|[+−-]\s)?\s*([−-]?\u2060?£[\d,]+(?:\.\d+)?)", text):
        v = fmt.printed_value(m)
        out.append(-v if op.strip() in ("−", "-") else v)
    return out


def _year_lines(html: str) -> dict[str, list[str]]:
    return {r["id"]: r["cells"] for r in _rows(html) if re.fullmatch(r"d-y\d+", r["id"] or "")}


@pytest.mark.parametrize("ref, options", [
    ("example-area", {"scenarios": ["national-faq-2017"], "sensitivity": True}),
    ("national-faq-2017", {}),
    OPTIMISM_CASE,
])
def test_each_linked_figure_is_shown_in_the_line_it_links_to(ref, options, tmp_path):
    """A yearly figure linking to its total's line fails: the printed value of every
    linked money figure appears in the text of the derivation line it links to."""
    html = render_html("business-case", _bundle(ref, options, tmp_path))
    figures, _ = _unlinked(html)
    lines = {r["id"]: " ".join(r["cells"]) for r in _rows(html) if r["id"]}
    def shown(f: dict) -> bool:
        line = lines[f["link"]].replace("\u2060", "")
        figure = f["figure"].replace("\u2060", "")
        after = f["text"].replace("\u2060", "").split(figure, 1)[1][:1]
        if after in ("m", "k"):      # a short figure (£1.95m): an amount that rounds to it
            return any(fmt.money_short(v).replace("\u2060", "") == figure + after
                       for v in _amounts(line))
        return figure in line
    wrong = [(f["figure"], f["row"] or f["text"][:50], f["link"]) for f in figures
             if not (f["link"] or "").startswith("d-") or not shown(f)]
    assert not wrong, wrong
    # every year of the financial case has its own line, and its figures link to it
    years = _year_lines(html)
    assert len(years) == 5
    for anchor in years:
        assert any(f["link"] == anchor for f in figures), anchor


def test_each_year_line_redoes_with_its_printed_numbers(example_html):
    html = render_html("business-case", api.bundle("national-faq-2017"))
    for page in (example_html, html):
        years = _year_lines(page)
        note = re.search(r"A year’s entrants save, each month[^<]*", page).group(0)
        monthly = {}
        for people, per, months, amount in re.findall(
                r"([\d,]+) people entering × (£[\d,.]+) expected gross saving per person "
                r"÷ ([\d.]+) months = (£[\d,.]+) a month", note):
            got = float(people.replace(",", "")) * fmt.printed_value(per) / float(months)
            assert abs(got - fmt.printed_value(amount)) <= 0.005 * float(
                people.replace(",", "")) / float(months) + 0.006, note
            monthly[amount] = got
        assert monthly
        previous = None
        for anchor, (label, cost, gross, net, cash) in sorted(years.items()):
            # cost: people × £ per person
            people, rate, total = re.match(r"([\d,]+) × (£[\d,.]+) = (£[\d,]+)", cost).groups()
            assert abs(float(people.replace(",", "")) * fmt.printed_value(rate)
                       - fmt.printed_value(total)) <= 0.5, cost
            # gross savings: £ a month × (months + ...) = total
            m = re.match(r"(£[\d,.]+) a month × \(?([\d. +]+)\)? months = (£[\d,]+)", gross)
            assert m and m.group(1) in monthly, gross
            months = [float(x) for x in m.group(2).split(" + ")]
            assert abs(fmt.printed_value(m.group(1)) * sum(months)
                       - fmt.printed_value(m.group(3))) <= 1 + len(months), gross
            # net = gross − cost; cumulative = previous + net; discounted = net × factor
            a = _signed_amounts(net.split(";")[0])
            assert a[0] == fmt.printed_value(total) or a[0] == fmt.printed_value(m.group(3))
            assert abs(a[0] + a[1] - a[2]) <= 1, net
            if previous is not None:
                c = _signed_amounts(re.search(r"cumulative ([^;]*)", net).group(1))
                assert c[0] == previous and abs(c[0] + c[1] - c[2]) <= 1, net
                previous = c[2]
            else:
                previous = a[2]
            d = re.search(r"discounted ([−-]?\u2060?£[\d,]+) × (\d\.\d{6}) = "
                          r"([−-]?\u2060?£[\d,]+)", net)
            assert abs(fmt.printed_value(d.group(1)) * float(d.group(2))
                       - fmt.printed_value(d.group(3))) <= 1, net
            # non-cash-releasing = gross − cash; net cash = cash − cost
            for part in re.findall(r"(?:non-cash-releasing|net cash position) ([^;]*)", cash):
                s = _signed_amounts(part)
                assert abs(s[0] + s[1] - s[2]) <= 1, cash
        # the total row re-adds the years
        total_row = next(r["cells"] for r in _rows(page) if r["id"] == "d-years")
        for cell in total_row[1:3]:
            s = _signed_amounts(cell.split(" (")[0])
            times = re.match(r"(\d+) × ", cell)
            parts = int(times.group(1)) * s[0] if times else sum(s[:-1])
            assert abs(parts - s[-1]) <= len(s) + 5, cell


def test_each_budget_holder_line_adds_its_care_categories(example_html):
    _check_holder_lines(example_html)


def _check_holder_lines(html: str) -> None:
    lines = {r["id"]: r["cells"][1] for r in _rows(html)
             if (r["id"] or "").startswith("d-h-")}
    assert len(lines) >= 3
    categories = 0
    for anchor, text in lines.items():
        m = re.search(r"Σ its care categories: ([^;]*)", text)
        if m:
            categories += 1
            s = _amounts(m.group(1))
            assert abs(sum(s[:-1]) - s[-1]) <= len(s), text
            cash = re.search(r"cash-releasing ([^;]*)", text).group(1)
            terms = re.findall(r"(£[\d,]+) × ([\d.]+)%", cash)
            got = sum(fmt.printed_value(a) * float(p) / 100 for a, p in terms)
            # the cash-releasing part applies each share to that category's savings
            assert [fmt.printed_value(a) for a, _ in terms] == s[:-1], text
            assert abs(got - _amounts(cash.split("=")[-1])[0]) <= len(terms), text
        for y in re.findall(r"\d{4}/\d\d: ([^;.]*)", text):
            s = _signed_amounts(y.split(", cash")[0])
            assert abs(s[0] + s[1] - s[2]) <= 1, y
    assert categories


@pytest.mark.parametrize("ref, options", [
    ("example-area", {"scenarios": ["national-faq-2017"], "sensitivity": True}),
    ("national-faq-2017", {}),
])
def test_figures_by_year_and_by_holder_link_to_their_own_line(ref, options):
    """A year's figure links to that year's line, not to the total's (whose line may
    show the same amount among its terms); a budget holder's to the holder's line."""
    bundle = api.bundle(ref, **options)
    html = render_html("business-case", bundle)
    figures, _ = _unlinked(html)
    years = {cells[0]: anchor for anchor, cells in _year_lines(html).items()}
    holders = {h["label"]: "d-h-" + h["id"]
               for h in bundle["results"].get("by_budget_holder") or []}
    by_row: dict[str, list[str]] = {}
    for f in figures:
        by_row.setdefault(f["row"].strip(), []).append(f["link"])
    checked = 0
    for row, links in by_row.items():
        label = row.split(":")[0]
        if row in years:
            assert set(links) == {years[row]}, (row, links)
        elif label in holders:
            assert set(links) == {holders[label]}, (row, links)
        elif row.startswith(("Recurrent cost", "Non-recurrent cost", "Cash-releasing savings",
                             "Non-cash-releasing savings", "Net (all savings",
                             "Net cash position")):
            assert links == sorted(years.values()) + ["d-years"], (row, links)
        else:
            continue
        checked += 1
    assert checked >= 5 + 6 + (len(holders) and len(holders))


def test_year_and_holder_lines_hold_for_changing_volumes_delays_cash_and_inflation(tmp_path):
    """Cohorts of different sizes (one term per cohort), a treatment time and an
    optimism-bias delay (months shift), cash-releasing shares (the cash column sums
    holders) and an inflation rate (cash terms): every linked figure still shows in its
    own line, and every cohort term re-adds to the year's gross savings."""
    path = tmp_path / "varied.yaml"
    path.write_text(
        "schema_version: 1\nname: varied\nextends: example-area\n"
        "activity:\n  entering_treatment: {value: [500, 700, 900, 1100, 1300], "
        "source: local}\n  treatment_months: {value: 3, source: local}\n"
        "optimism_bias: {cost_uplift: {value: 0.1, source: local}, "
        "savings_reduction: {value: 0.2, source: local}, "
        "benefit_delay_months: {value: 2, source: local}, source: local}\n"
        "financial_case: {first_year: '2027/28', source: local, "
        "inflation: {rate: 0.02, source: local}}\n"
        "care_categories:\n  emergency_admissions:\n"
        "    cash_releasing: {share: 0.5, mechanism: tariff, source: local}\n"
        "  primary_care_consultations:\n"
        "    cash_releasing: {share: 0.25, mechanism: contract, source: local}\n")
    bundle = api.bundle(str(path))
    html = render_html("business-case", bundle)
    years = _year_lines(html)
    for anchor, (label, cost, gross, net, cash) in years.items():
        if anchor == "d-y1":
            continue
        terms = re.findall(r"(£[\d,]+\.\d\d) × ([\d.]+)", gross)
        assert len(terms) >= 2 and len({a for a, _ in terms}) >= 2, gross
        total = fmt.printed_value(gross.split(" = ")[-1])
        assert abs(sum(fmt.printed_value(a) * float(m) for a, m in terms) - total) \
            <= len(terms), gross
        assert "+" in cash.split(";")[0], cash
        # cash terms: the real-terms figures printed before them × the index
        real, terms_part = cash.split("Cash terms, each real-terms figure × ")
        index = float(terms_part.split(":")[0])
        net_cash = _signed_amounts(real.split("net cash position")[1])[-1]
        printed = _amounts(terms_part.split("net cash position")[1])[-1]
        assert index > 1 and abs(net_cash * index - printed) <= 1, cash
    figures, _ = _unlinked(html)
    lines = {r["id"]: " ".join(r["cells"]).replace("\u2060", "") for r in _rows(html)
             if r["id"]}
    assert not [f for f in figures if (f["link"] or "").startswith("d-y")
                and f["figure"].replace("\u2060", "") not in lines[f["link"]]]
    assert any(f["link"] == "d-h-acute" for f in figures)
    # in cash terms the affordability table still prints its totals, each linked to the
    # totals line, which adds up the years' cash-terms figures printed above it
    totals = [f for f in figures if f["link"] == "d-years" and f["row"] in (
        "Recurrent cost", "Net cash position (cash-releasing savings − cost)")]
    assert len(totals) == 2, totals
    for f in totals:
        assert f["figure"].replace("\u2060", "") in lines["d-years"].split(
            "Cash terms, the sums of the years:")[1]
    acute = lines["d-h-acute"]
    assert re.search(r"× 50(\.0)?%", acute) and "cash-releasing" in acute.split("By year")[1]
    _check_holder_lines(html)




@pytest.mark.parametrize("delay", [True, False])
def test_each_before_optimism_bias_line_redoes_with_its_printed_numbers(delay, tmp_path):
    """The economic case's "before" column: each figure's line sums each year's figure
    without the adjustment × its factor (the years' costs and savings tying to the net
    terms), and says what the adjustment does to reach the figure after it: PV of cost
    × (1 + uplift); PV of savings × (1 − reduction) when there is no delay."""
    html = render_html("business-case", api.bundle(_optimism_set(tmp_path, delay)))
    lines = {r["id"]: r["cells"] for r in _rows(html) if (r["id"] or "").startswith("d-")
             and len(r["cells"]) == 3}      # the headline lines: figure, value, formula
    value = {k: fmt.printed_value(v[1]) for k, v in lines.items()}
    text = {k: v[2] for k, v in lines.items()}
    cost, gross, net = (_terms(text[a]) for a in ("d-ob-pvcost", "d-ob-pvgross",
                                                    "d-ob-npv"))
    assert len(cost) == len(gross) == len(net) == 5
    for anchor, terms in (("d-ob-pvcost", cost), ("d-ob-pvgross", gross),
                          ("d-ob-npv", net)):
        assert abs(sum(a * f for a, f in terms) - value[anchor]) <= 2.5, text[anchor]
    for (c, f), (g, f2), (n, f3) in zip(cost, gross, net):
        assert f == f2 == f3 and abs(g - c - n) <= 1, (c, g, n)
    # the before figures differ from the after ones (the run's own lines)
    assert value["d-ob-pvcost"] != value["d-pvcost"]
    # PV of cost after = before × (1 + 10%): printed, and it is the after line's figure
    b, factor, after = re.search(r"(£[\d,]+) × ([\d.]+) = (£[\d,]+)",
                                 text["d-ob-pvcost"]).groups()
    assert fmt.printed_value(b) == value["d-ob-pvcost"] and float(factor) == 1.1
    assert abs(value["d-ob-pvcost"] * 1.1 - fmt.printed_value(after)) <= 0.5
    assert fmt.printed_value(after) == value["d-pvcost"]
    # and each year's cost after is the cost before × 1.1
    for (c, _), (c_after, _) in zip(cost, _terms(text["d-pvcost"])):
        assert abs(c * 1.1 - c_after) <= 1, (c, c_after)
    reduced = re.search(r"(£[\d,]+) × (0\.8) = (£[\d,]+)", text["d-ob-pvgross"])
    if delay:
        assert not reduced and "2 months later" in text["d-ob-pvgross"]
        assert _amounts(text["d-ob-pvgross"].split("later years")[1])[0] \
            == value["d-pvgross"]
    else:
        assert abs(fmt.printed_value(reduced.group(1)) * 0.8
                   - fmt.printed_value(reduced.group(3))) <= 0.5
        assert fmt.printed_value(reduced.group(3)) == value["d-pvgross"]
    # NPV = PV savings − PV cost, before and after; the ratio; the lifetime NPV
    s = _amounts(text["d-ob-npv"].split("the same as")[1])   # A − B; A' − B' = C'
    assert s[0] == value["d-ob-pvgross"] and s[1] == value["d-ob-pvcost"]
    assert abs(s[0] - s[1] - value["d-ob-npv"]) <= 1
    assert abs(s[2] - s[3] - s[4]) <= 1 and s[4] == value["d-npv"], s
    assert s[2] == value["d-pvgross"] and s[3] == value["d-pvcost"]
    ratio = _amounts(text["d-ob-bcr"])
    assert ratio[:2] == [value["d-ob-pvgross"], value["d-ob-pvcost"]]
    assert fmt.per_pound(ratio[0] / ratio[1]) == lines["d-ob-bcr"][1]
    assert fmt.per_pound(ratio[2] / ratio[3]) == fmt.per_pound(ratio[4])
    assert fmt.per_pound(ratio[4]) == lines["d-bcr"][1]
    life = _amounts(text["d-ob-npvlife"].split("; with")[0])
    assert abs(life[0] - life[1] - value["d-ob-npvlife"]) <= 1, text["d-ob-npvlife"]
    life_after = _amounts(text["d-ob-npvlife"].split("):")[1])
    assert abs(life_after[0] - life_after[1] - life_after[2]) <= 1
    assert life_after[2] == value["d-npvlife"]
    for anchor in ("d-ob-pvcost", "d-ob-pvgross", "d-ob-npv", "d-ob-bcr", "d-ob-npvlife"):
        assert "Sources:" in text[anchor] and "discounting" in text[anchor], anchor


def test_the_sensitivity_range_line_gives_the_assumption_its_values_and_npvs(tmp_path):
    """The summary's range links to a line naming the most influential assumption, its
    low and high values in its units, how its range was set, and the NPV at each."""
    from modeller.outputs.reports import variants
    from modeller.outputs.reports.uncertainty import tornado_rows

    bundle = api.bundle("example-area", sensitivity=True)
    html = render_html("business-case", bundle)
    line = next(r["cells"] for r in _rows(html) if r["id"] == "d-sens")
    rows, base = tornado_rows(bundle["sensitivity"], bundle["results"])
    top = rows[0]
    assert top["swing"] == max(r["swing"] for r in rows)
    text = line[2]
    assert f"“{top['label']}”" in text
    low, high = fmt.money(top["npv_low"]), fmt.money(top["npv_high"])
    assert f"at its low value, {top['low_text']}, the NPV over 5 years is {low}" in text
    assert f"at its high value, {top['high_text']}, it is {high}" in text
    assert f"{top['value_text']}, {fmt.money(base)}" in text
    assert line[1] == f"{low} to {high}"
    assert ("The set declares this range" in text) == (top["basis"] == "range")
    for r in rows:      # a range not declared: the set's value ± the default share
        if r["basis"] != "range":
            assert "No range is declared" in variants._range_text(r, 0.2)
            assert f"{r['value_text']} × 0.8 and × 1.2" in variants._range_text(r, 0.2)
    assert f"{fmt.money(top['swing'])} across it" in text
    assert abs(abs(fmt.printed_value(high) - fmt.printed_value(low))
               - top["swing"]) <= 1
    assert "Sources:" in text
