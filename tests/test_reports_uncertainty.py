"""The business case's "Sensitivity and uncertainty" section and the board summary's PSA
line, from the optional bundle keys ``sensitivity``, ``psa`` and ``grid``.

The bundle is a real run of the bundled ``national-faq-2017-psa`` set with
``sensitivity.analyse``, ``psa.analyse`` (2,000 draws, seed 1) and a two-parameter
``grid.run_grid``; the figures checked in the PDF are the analyses' dicts after display
rounding (``modeller.outputs.reports.formatting`` and ``uncertainty.param_value``). The hand-worked
anchor: the FAQ set breaks even over the lifetime at a recovery rate r with
0.6 * r * 1000 * 26.5 / 12 = 650, r = 0.4906 ("49.1%"), at a cost per person of £662.50
and at a benefit duration of 26.0 months (000_531557c98ba51688.txt:1271-1273, 1333,
1392-1396; 001_310680aaedf11e68.txt:98).

The full business case is rendered once per module; everything else checks the HTML.
"""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")

from modeller.outputs.reports import charts, pdf_bytes, render_html  # noqa: E402
from modeller.outputs.reports import formatting as fmt  # noqa: E402
from modeller.outputs.reports.bundle import make_bundle  # noqa: E402
from modeller.outputs.reports.uncertainty import param_value  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ASSUMPTIONS = ROOT / "assumptions"
DRAWS, SEED = 2000, 1
RECOVERY = "outcomes.recovery_rate"
SAVING = "conditions.all_ltc_mus.annual_saving"
GRID = [f"{RECOVERY}=0.4:0.6:0.05", f"{SAVING}=600:2600:400"]
SECTION = "Sensitivity and uncertainty"


def _load(path: Path):
    from modeller import model
    from modeller.inputs.loader import load

    loaded = load(path)
    return loaded, make_bundle(loaded, model.run(loaded).to_dict())


@pytest.fixture(scope="module")
def loaded_and_plain():
    return _load(ASSUMPTIONS / "national-faq-2017-psa.yaml")


@pytest.fixture(scope="module")
def plain(loaded_and_plain) -> dict:
    return loaded_and_plain[1]


@pytest.fixture(scope="module")
def full(loaded_and_plain) -> dict:
    from modeller.analyses import grid
    from modeller.analyses import psa
    from modeller.analyses import sensitivity
    loaded, bundle = loaded_and_plain
    return {**bundle, "sensitivity": sensitivity.analyse(loaded),
            "psa": psa.analyse(loaded, DRAWS, SEED), "grid": grid.run_grid(loaded, GRID)}


@pytest.fixture(scope="module")
def case_pdf(full) -> bytes:
    return pdf_bytes("business-case", full)


@pytest.fixture(scope="module")
def case_pages(case_pdf) -> list[str]:
    """Each page's text, whitespace collapsed (extraction is slow: do it once)."""
    return [_collapse(p.extract_text() or "") for p in _reader(case_pdf).pages]


@pytest.fixture(scope="module")
def case_text(case_pages) -> str:
    return _collapse(" ".join(case_pages))


@pytest.fixture(scope="module")
def full_html(full) -> str:
    return render_html("business-case", full)


def _reader(data: bytes) -> "pypdf.PdfReader":
    return pypdf.PdfReader(io.BytesIO(data))


def _collapse(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)


def _text(data: bytes) -> str:
    return _collapse(" ".join(p.extract_text() or "" for p in _reader(data).pages))


def _plain(figure: str) -> str:
    """A formatted figure as extracted from the PDF (no U+2060 word joiner)."""
    return figure.replace("\u2060", "")


def _section(text: str) -> str:
    """The sensitivity and uncertainty section's text, up to the section after the next:
    sections flow on from one another, and text extraction gives a chart's text after
    the page's other text, so the last chart may follow the next section's heading."""
    start = text.index(f"9. {SECTION} The figures in this case")
    return text[start:text.index("11. Benefits realisation plan", start)]


# --- the section in the PDF equals the analyses' dicts ------------------------------------

def test_tornado_labels_and_values_equal_the_sensitivity_dict(full, case_text):
    s = full["sensitivity"]
    section = _section(case_text)
    assert s["tornado"], "the FAQ set has parameters to vary"
    for row in s["tornado"]:
        low, high = param_value(row["low"], row["unit"]), param_value(row["high"], row["unit"])
        basis = "Declared range" if row["basis"] == "range" else "Default ±20%"
        # The table row, in order: label, low, high, NPV at low, NPV at high, basis.
        expected = " ".join([row["label"], low, high, _plain(fmt.money(row["npv_low"])),
                             _plain(fmt.money(row["npv_high"])), basis])
        assert expected in section, expected
    # The tornado chart's own labels (SVG text): label and range of every bar drawn.
    for row in s["tornado"]:
        if row["swing"] > 0:
            low = param_value(row["low"], row["unit"])
            high = param_value(row["high"], row["unit"])
            assert f"{low} to {high}" in section, row["parameter"]
    top = s["tornado"][0]
    assert top["parameter"] == SAVING  # £300 to £2,600 a year: the widest range
    assert f"“{top['label']}”: from £300.00 to £2,600.00" in section
    assert _plain(fmt.money_short(top["npv_low"])) in section  # bar-end label
    assert f"This case {_plain(fmt.money_short(s['base']['npv']))}" in section


def test_threshold_table_equals_the_dict_after_display_rounding(full, case_text):
    s = full["sensitivity"]
    th, cur = s["thresholds"], s["current"]
    section = _section(case_text)
    rows = {
        "Recovery rate": (param_value(cur["recovery_rate"], "rate"),
                          param_value(th["recovery_rate"]["within_horizon"], "rate"),
                          param_value(th["recovery_rate"]["npv_lifetime"], "rate")),
        "Annual savings (factor on every condition’s saving)": (
            f"×{fmt.number(cur['annual_saving'], 2)}",
            f"×{fmt.number(th['annual_saving']['within_horizon'], 2)}",
            f"×{fmt.number(th['annual_saving']['npv_lifetime'], 2)}"),
        "Benefit duration": (fmt.months(cur["benefit_months"]),
                             fmt.months(th["benefit_months"]["within_horizon"]),
                             fmt.months(th["benefit_months"]["npv_lifetime"])),
        "Cost per person entering treatment": (
            fmt.money_pp(cur["cost_per_person_entering"]),
            fmt.money_pp(th["cost_per_person_entering"]["within_horizon"]),
            fmt.money_pp(th["cost_per_person_entering"]["npv_lifetime"])),
    }
    for label, values in rows.items():
        assert f"{label} {' '.join(values)}" in section, label
    # The hand-worked (undiscounted) lifetime threshold of the FAQ's arithmetic stays
    # in the JSON; the report shows the discounted one (Green Book, issue 10).
    assert th["recovery_rate"]["lifetime"] == pytest.approx(650 / (0.6 * 1000 * 26.5 / 12))
    assert "Recovery rate 50% 64.8% 51%" in section
    assert "Cost per person entering treatment £650.00 £501.76 £637.10" in section
    assert "Benefit duration 26.5 months 41.0 months 27.1 months" in section
    # The plain sentences: NPV is negative within the horizon and over the lifetime.
    assert "The case does not break even within 5 years (NPV below zero)" in section
    assert "a recovery rate of 64.8% (50% in this case)" in section
    assert ("The case does not break even over the lifetime of the benefit "
            "(lifetime NPV below zero)") in section


def test_null_threshold_is_said_in_words(full):
    bundle = copy.deepcopy(full)
    bundle["sensitivity"]["thresholds"]["recovery_rate"]["within_horizon"] = None
    html = _collapse(render_html("business-case", bundle))
    row = re.search(r"<th scope=\"row\">Recovery rate</th><td class=\"num\">50%</td>"
                    r"<td class=\"num none\">([^<]*)</td>", html)
    assert row and row.group(1) == "no value in the allowed range breaks even"
    assert ("No allowed value of the recovery rate or counterfactual recovery alone "
            "breaks even within 5 years") in html


def test_psa_probabilities_summary_draws_and_seed(full, case_text):
    p = full["psa"]
    section = _section(case_text)
    pn = p["probability_net_positive"]
    assert (p["draws"], p["seed"]) == (DRAWS, SEED)
    assert f"{fmt.people(DRAWS)} simulations (draws)" in section
    assert f"random seed {SEED}" in section
    assert f"Headline figures across {fmt.people(DRAWS)} simulations (seed {SEED})" in section
    for figure, where in ((pn["within_horizon"], "saves more than it costs over 5 years"),
                          (pn["npv_lifetime"], "lifetime NPV of the people treated")):
        i = section.index(where)
        assert _plain(fmt.percent(figure)) in section[i - 40:i], where
    assert "NHS healthcare perspective" in section
    npv = p["summary"]["npv"]
    expected = " ".join(["Net present value over 5 years"]
                        + [_plain(fmt.money(npv[k])) for k in ("mean", "p5", "p50", "p95")])
    assert expected in section
    bcr = p["summary"]["benefit_cost_ratio"]
    assert " ".join(["Saved per £1 over 5 years in present values, NHS healthcare perspective"]
                    + [fmt.per_pound(bcr[k]) for k in ("mean", "p5", "p50", "p95")]) in section
    # Probability of having broken even by each year: the chart's bar labels.
    for year, prob in zip(p["years"], p["probability_broken_even_by_year"]):
        assert fmt.percent(prob) in section, year
    # The largest variance driver, with its share.
    top = p["drivers"][0]
    assert top["parameter"] == SAVING
    assert f"annual saving per beneficiary {fmt.percent(top['share_of_variance'])}" in section


def test_executive_summary_carries_the_psa_probability(full, case_pages):
    summary = [t for t in case_pages if "Headline figures" in t and "Measure" in t]
    assert len(summary) == 1
    chance = _plain(fmt.percent(full["psa"]["probability_net_positive"]["within_horizon"]))
    assert (f"Chance that the NPV over 5 years is above zero, NHS healthcare perspective "
            f"({fmt.people(DRAWS)} simulations, seed {SEED}; section 9) {chance}") in summary[0]
    # The executive summary still ends on its own page.
    assert "Money in GBP" in summary[0] and "The decision" in summary[0]


def test_grid_heat_map_cells_equal_the_grid(full, full_html, case_text):
    g = full["grid"]
    section = _section(case_text)
    assert g["parameters"] == [RECOVERY, SAVING] and len(g["rows"]) == 30
    assert "for each of the 30 combinations" in section
    for row in g["rows"]:
        assert _plain(fmt.money_short(row["npv"])) in section, row
    for value in (0.4, 0.45, 0.5, 0.55, 0.6):
        assert fmt.percent(value) in section
    alt = re.search(r'<img src="[^"]+" alt="(Heat map[^"]*)"', full_html).group(1)
    for row in g["rows"]:  # every cell, to the whole pound, in the alt text
        assert fmt.money(row["npv"]) in alt, row
    assert "the outlined cell is this case" in section  # 50%, £1,000 is on the grid


def test_every_chart_has_alt_text_and_every_header_scope(full_html):
    html = full_html
    images = re.findall(r"<img[^>]*>", html)
    assert len(images) >= 5  # cohort, cumulative, tornado, PSA by year, heat map
    assert re.findall(r"<img(?![^>]*\balt=\"[^\"]+\")[^>]*>", html) == []
    assert re.findall(r"<th(?=[\s>])(?![^>]*\bscope=)[^>]*>", html) == []
    for start in ("Tornado chart of NPV over 5 years", "Bar chart of the share of 2,000",
                  "Heat map of NPV over 5 years"):
        assert f'alt="{start}' in html, start


# --- absent keys: the report is as before --------------------------------------------------

def test_without_the_keys_there_is_no_such_section(plain, full):
    html = render_html("business-case", plain)
    assert SECTION not in html and 'id="uncertainty"' not in html
    assert "Chance that the NPV" not in html and "Tornado" not in html
    assert ">9. Risks<" in html
    # None counts as absent; each key alone adds the section with only its part.
    nones = {**plain, "sensitivity": None, "psa": None, "grid": None}
    assert render_html("business-case", nones) == html
    only_psa = render_html("business-case", {**plain, "psa": full["psa"]})
    assert SECTION in only_psa and "Tornado chart" not in only_psa
    assert "How wrong can we be?" not in only_psa and "Heat map" not in only_psa
    only_sens = render_html("business-case", {**plain, "sensitivity": full["sensitivity"]})
    assert "How wrong can we be?" in only_sens and "How likely" not in only_sens
    assert "NPV over 5 years across the range of the most influential" in only_sens


def test_sections_are_renumbered_with_scenarios(plain, full):
    from modeller import model
    from modeller.inputs.loader import load

    other = model.run(load(ASSUMPTIONS / "scenarios" / "optimistic.yaml")).to_dict()
    bundle = {**full, "scenarios": [plain["results"], other]}
    html = render_html("business-case", bundle)
    for number, title in ((9, "Scenarios compared"), (10, SECTION), (11, "Risks"),
                          (12, "Benefits realisation plan")):
        assert f">{number}. {title}</a>" in html and f">{number}. {title}</h2>" in html


def test_grid_of_other_than_two_parameters_is_a_table(loaded_and_plain):
    from modeller.analyses import grid
    loaded, bundle = loaded_and_plain
    three = grid.run_grid(loaded, [f"{RECOVERY}=0.4,0.6", "costs.per_person_entering=600,650",
                                   "benefit_duration.months=12,36"])
    html = _collapse(render_html("business-case", {**bundle, "grid": three}))
    assert "Heat map" not in html and "Scenario grid: NPV over 5 years by combination" in html
    for row in three["rows"]:
        assert f"<td class=\"num\">{fmt.money(row['npv'])}</td>" in html
    many = grid.run_grid(loaded, ["costs.per_person_entering=500:700:2"])  # 101 rows
    html = _collapse(render_html("business-case", {**bundle, "grid": many}))
    assert "61 more combinations are in the grid’s CSV output" in html


# --- board summary -------------------------------------------------------------------------

def test_board_summary_psa_line_and_one_page(full, plain, tmp_path):
    p = full["psa"]["probability_net_positive"]
    data = pdf_bytes("board-summary", full)
    assert len(_reader(data).pages) == 1
    text = _text(data)
    assert (f"Uncertainty: In {fmt.people(DRAWS)} simulations, a "
            f"{fmt.percent(p['within_horizon'])} chance that the NPV over 5 years is above "
            f"zero and {fmt.percent(p['npv_lifetime'])} that the lifetime NPV "
            f"(discounted) is above zero (NHS healthcare perspective).") in text
    assert "Uncertainty:" not in render_html("board-summary", plain)


def test_board_summary_with_psa_still_one_page_for_the_example_area(tmp_path):
    """Five conditions and ten warnings, plus the PSA line: still one page."""
    from conftest import extending

    from modeller.analyses import psa
    path = extending(tmp_path, "example-area", """
        outcomes:
          recovery_rate:
            value: 0.5
            source: "000_531557c98ba51688.txt:1392-1396"
            distribution: {type: beta, mean: 0.5, sd: 0.0434}
        """)
    loaded, bundle = _load(path)
    bundle["psa"] = psa.analyse(loaded, 500, SEED)
    data = pdf_bytes("board-summary", bundle)
    assert len(_reader(data).pages) == 1
    assert "Uncertainty:" in _text(data)


# --- charts --------------------------------------------------------------------------------

def test_new_charts_are_deterministic_svg_with_real_text(full):
    bars = [{"label": "Recovery rate", "low_text": "43%", "high_text": "60%",
             "npv_low": -612_599.0, "npv_high": -134_265.0}]
    one = charts.tornado(bars, -415_638.0, "NPV over 5 years")
    assert one == charts.tornado(bars, -415_638.0, "NPV over 5 years")
    by_year = charts.probability_by_year([1, 2], [0.1, 0.25], 100)
    heat = charts.heat_map([[-1.0, 2.0], [3.0, None]], ["a", "b"], ["c", "d"], "x", "y",
                           "NPV", highlight=(0, 1))
    for chart in (one, by_year, heat):
        assert "<text" in chart.svg and "dc:date" not in chart.svg
        assert chart.alt
    assert "43% to 60%" in one.svg and "25%" in by_year.svg and "n/a" in heat.svg
    # A dense grid is rasterised (one embedded image), not thousands of vector cells.
    dense = charts.heat_map([[float(i - j) for i in range(40)] for j in range(30)],
                            [str(i) for i in range(40)], [str(j) for j in range(30)],
                            "x", "y", "NPV")
    assert "<image" in dense.svg and dense.svg.count("<rect") < 10


def test_scenarios_show_differences_from_the_first():
    """Issue 4: side by side, with the difference from the first scenario."""
    from modeller.inputs import loader as assumptions
    from modeller import model
    from modeller.outputs.text import compare_dict
    from modeller.outputs.reports import render_html
    from modeller.outputs.reports.bundle import make_bundle
    from modeller.outputs.reports.formatting import money_change

    sets = ["national-faq-2017", "scenarios/optimistic", "scenarios/pessimistic"]
    loaded = [assumptions.load(assumptions.find_set(s)) for s in sets]
    runs = [model.run(item).to_dict() for item in loaded]
    html = render_html("business-case", make_bundle(loaded[0], runs[0], runs))
    section = html.split("Difference from", 1)[1].split("</table>", 1)[0]
    npv = next(r for r in compare_dict(runs)["headlines"] if r["figure"] == "totals.npv")
    for name, diff in zip([r["name"] for r in runs[1:]], npv["difference_from_first"][1:]):
        assert name in section
        assert money_change(diff) in section
    assert "+£" in section
