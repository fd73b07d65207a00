"""The report charts: hand-written SVG (``modeller.outputs.reports.charts`` drawn with the
primitives of ``modeller.outputs.reports.svg``).

Every chart must be well-formed SVG with a viewBox, a physical size, a title and a
description, its labels as real ``<text>``; the same inputs give the same bytes; text from
a user's set is escaped; nothing is drawn outside the chart and no two labels overlap
(judged with the same font metrics the layout uses). The tick steps and labels are checked
against hand-worked examples, and the edge cases (all zero, negative values, one year, a
100-year horizon, missing heat-map cells, long labels) draw cleanly.
"""

from __future__ import annotations

import base64
import copy
import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from modeller.outputs.reports import charts
from modeller.outputs.reports import formatting as fmt
from modeller.outputs.reports.svg import (esc, money_label, money_ticks, month_ticks,
                                          nice_step, num, text_width, ticks, truncate, wrap)

ROOT = Path(__file__).resolve().parent.parent
NS = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert('x')</script> & \"quoted\" \x00\x07 ]]> end"


def _results(months: int = 60, cost: float = 32_500.0, saving: float = 30_000.0,
             start: float = 0.0, be: int | None = None, name: str = "synthetic") -> dict:
    """A results dict with the keys the charts read: straight-line cumulative cost and a
    cumulative saving that starts at ``start`` and grows by ``saving`` a month. [GBP]"""
    return {
        "name": name, "title": name, "horizon_years": max(1, months // 12),
        "totals": {"entering": 600.0, "completed": 360.0, "recovered": 180.0,
                   "break_even_month": be},
        "per_person_entering": {"cost": 650.0, "gross_saving": 662.5, "net": 12.5},
        "by_month": {"cumulative_cost": [cost * m for m in range(1, months + 1)],
                     "cumulative_gross_savings": [start + saving * m
                                                  for m in range(1, months + 1)]},
    }


@pytest.fixture(scope="module")
def national() -> dict:
    import modeller

    return modeller.run("national-faq-2017").to_dict()


def _tornado_bars() -> list[dict]:
    return [{"label": "Annual saving per beneficiary", "low_text": "£300.00",
             "high_text": "£2,600.00", "npv_low": -1_400_442.0, "npv_high": 1_835_343.0},
            {"label": "Recovery rate", "low_text": "43%", "high_text": "60%",
             "npv_low": -612_599.0, "npv_high": -134_265.0}]


def _all_charts(national: dict) -> dict[str, charts.Chart]:
    optimistic = copy.deepcopy(national)
    optimistic["title"] = "Optimistic"
    optimistic["by_month"]["cumulative_gross_savings"] = [
        2 * v for v in national["by_month"]["cumulative_gross_savings"]]
    return {
        "cohort": charts.cohort_walk(national),
        "cumulative": charts.cumulative(national),
        "board": charts.cumulative(national, height_in=1.3),
        "scenarios": charts.scenarios_net([national, optimistic]),
        "tornado": charts.tornado(_tornado_bars(), -415_638.0, "NPV over 5 years"),
        "probability": charts.probability_by_year([1, 2, 3, 4, 5],
                                                  [0.0, 0.06, 0.13, 0.18, 0.21], 200),
        "heat": charts.heat_map([[-884_592.0, -697_010.0], [-650_115.0, -415_638.0],
                                 [-415_638.0, -134_265.0]], ["50%", "60%"],
                                ["40%", "50%", "60%"], "Completion rate", "Recovery rate",
                                "NPV over 5 years", highlight=(1, 1)),
    }


# --- reading the SVG back ------------------------------------------------------------------

def _root(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(chart.svg.encode("utf-8"))


def _texts(chart: charts.Chart) -> list[str]:
    return [t.text or "" for t in _root(chart).iter(f"{NS}text")]


def _size(root: ET.Element) -> tuple[float, float]:
    return (float(root.get("width").removesuffix("pt")),
            float(root.get("height").removesuffix("pt")))


def _boxes(chart: charts.Chart) -> list[tuple[str, float, float, float, float]]:
    """Each unrotated label's box ``(text, x0, y0, x1, y1)`` from the layout's metrics."""
    root = _root(chart)
    default = float(root.get("font-size"))
    out = []
    for t in root.iter(f"{NS}text"):
        if t.get("transform"):
            continue
        size = float(t.get("font-size", default))
        w = text_width(t.text or "", size, t.get("font-weight") == "bold")
        x, base = float(t.get("x")), float(t.get("y"))
        x0 = {"start": x, "middle": x - w / 2, "end": x - w}[t.get("text-anchor", "start")]
        out.append((t.text or "", x0, base - 0.73 * size, x0 + w, base + 0.23 * size))
    return out


def _check_layout(chart: charts.Chart) -> None:
    """Inside the chart and without overlaps: every label, every shape's coordinates."""
    root = _root(chart)
    width, height = _size(root)
    boxes = _boxes(chart)
    for text, x0, y0, x1, y1 in boxes:
        assert x0 >= -0.01 and x1 <= width + 0.01, (text, x0, x1, width)
        assert y0 >= -0.01 and y1 <= height + 0.01, (text, y0, y1, height)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap_x = min(a[3], b[3]) - max(a[1], b[1])
            overlap_y = min(a[4], b[4]) - max(a[2], b[2])
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (a, b)
    for element in root.iter():
        for key in ("x", "x1", "x2", "cx"):
            if element.tag != f"{NS}text" and element.get(key) is not None:
                assert -0.01 <= float(element.get(key)) <= width + 0.01, (element.tag, key)
        for key in ("y", "y1", "y2", "cy"):
            if element.tag != f"{NS}text" and element.get(key) is not None:
                assert -0.01 <= float(element.get(key)) <= height + 0.01, (element.tag, key)
        if element.tag == f"{NS}polyline":
            for pair in element.get("points").split():
                x, y = map(float, pair.split(","))
                assert -0.01 <= x <= width + 0.01 and -0.01 <= y <= height + 0.01


# --- every chart -----------------------------------------------------------------------

def test_every_chart_is_wellformed_svg_of_its_stated_size(national):
    sizes = {"cohort": 2.3, "cumulative": 2.7, "board": 1.3, "scenarios": 2.8,
             "probability": 2.2, "heat": 1.2 + 0.36 * 3}
    for name, chart in _all_charts(national).items():
        root = _root(chart)
        assert root.tag == f"{NS}svg", name
        width, height = _size(root)
        assert root.get("viewBox") == f"0 0 {num(width)} {num(height)}", name
        assert width == pytest.approx(6.7 * 72), name
        if name in sizes:
            assert height == pytest.approx(sizes[name] * 72, abs=0.01), name
        assert root.get("font-family") == "DejaVu Sans"
        assert root.get("role") == "img"
        assert root.find(f"{NS}title").text
        assert root.find(f"{NS}desc").text == chart.alt
        assert chart.data_uri == ("data:image/svg+xml;base64,"
                                  + base64.b64encode(chart.svg.encode()).decode())
        _check_layout(chart)


def test_the_same_inputs_give_the_same_bytes(national):
    first = _all_charts(national)
    again = _all_charts(copy.deepcopy(national))
    for name in first:
        assert first[name].svg == again[name].svg, name
        assert first[name].alt == again[name].alt, name


def test_labels_titles_and_ticks_are_text(national):
    c = _all_charts(national)
    cohort = _texts(c["cohort"])
    for label in ("Of 100 people entering treatment", "What they cost and save",
                  "Enter treatment", "Complete treatment", "Recover", "People", "Cost",
                  "Gross savings", "100", "60", "30", "£65,000", "£66,250"):
        assert label in cohort, label
    # 100 x £662.50 = £66,250 (x 1.22 headroom = £80,825): steps of £20k to £80k.
    assert [t for t in cohort if t.startswith("£") and t.endswith(("k", "£0"))] == [
        "£0", "£20k", "£40k", "£60k", "£80k"]
    cumulative = _texts(c["cumulative"])
    for label in ("No break-even within the 5-year horizon", "Cumulative cost",
                  "Cumulative gross savings", "Months from the start of the service"):
        assert label in cumulative, label
    # £1.95m of cost over 60 months: £0.5m steps to £2.0m; year-end ticks.
    assert ["£0", "£0.5m", "£1.0m", "£1.5m", "£2.0m"] == [t for t in cumulative
                                                        if t.startswith("£")]
    assert ["0", "12", "24", "36", "48", "60"] == [t for t in cumulative if t.isdigit()]
    board = _texts(c["board"])
    assert "Months from the start of the service" in board and "£2.0m" in board
    assert "Cumulative net" in _texts(c["scenarios"]) and "Optimistic" in _texts(c["scenarios"])
    tornado = _texts(c["tornado"])
    for label in ("Annual saving per beneficiary", "£300.00 to £2,600.00", "43% to 60%",
                  "At the low value", "At the high value", "NPV over 5 years", "NPV = 0",
                  "This case " + fmt.money_short(-415_638.0), fmt.money_short(1_835_343.0)):
        assert label in tornado, label
    probability = _texts(c["probability"])
    for label in ("Probability of having broken even by the end of each year",
                  "Share of simulations", "Year 1", "Year 5", "0%", "21%", "100%"):
        assert label in probability, label
    heat = _texts(c["heat"])
    for label in ("Recovery rate", "Completion rate", "NPV over 5 years", "40%", "60%",
                  fmt.money_short(-884_592.0), fmt.money_short(-134_265.0), "£0"):
        assert label in heat, label
    assert _root(c["heat"]).find(f"{NS}rect[@stroke-width='1.8']") is not None  # this case


def test_drawing_needs_no_plotting_library_and_is_the_same_in_every_process():
    """No matplotlib (nor numpy) is imported to draw, and the bytes do not depend on the
    process (hash seeds)."""
    code = (
        "import hashlib, sys\n"
        "sys.path.insert(0, 'tests')\n"
        "from test_charts import _results\n"
        "from modeller.outputs.reports import charts\n"
        "r = _results(be=40)\n"
        "out = [charts.cohort_walk(r), charts.cumulative(r), charts.scenarios_net([r, r]),\n"
        "       charts.probability_by_year([1, 2], [0.5, 1.0], 10),\n"
        "       charts.heat_map([[1.0, None], [-1.0, 2.0]], ['a', 'b'], ['c', 'd'], 'x',\n"
        "                       'y', 'NPV'),\n"
        "       charts.heat_map([[float(i - j) for i in range(30)] for j in range(20)],\n"
        "                       [str(i) for i in range(30)], [str(j) for j in range(20)],\n"
        "                       'x', 'y', 'NPV')]\n"
        "print(sorted(m for m in ('matplotlib', 'numpy', 'PIL') if m in sys.modules))\n"
        "print(hashlib.sha256(''.join(c.svg for c in out).encode()).hexdigest())\n")
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs.append(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                   text=True, check=True, cwd=ROOT, env=env).stdout)
    assert runs[0] == runs[1]
    assert runs[0].splitlines()[0] == "[]"


# --- escaping ----------------------------------------------------------------------------

def test_hostile_labels_are_escaped_everywhere():
    r = _results(name=HOSTILE)
    bars = [{"label": HOSTILE, "low_text": "<b>", "high_text": "&amp;",
             "npv_low": -1.0e5, "npv_high": 2.0e5}]
    made = [charts.scenarios_net([r, _results(name="B & C")]),
            charts.tornado(bars, 0.0, HOSTILE),
            charts.heat_map([[1.0, None]], [HOSTILE, "'"], ["\""], HOSTILE, HOSTILE, HOSTILE,
                            highlight=(0, 0)),
            charts.cumulative(r, horizon_label=HOSTILE)]
    for chart in made:
        root = _root(chart)  # well-formed, so every label was escaped
        assert "<script" not in chart.svg and "\x00" not in chart.svg
        assert not [e for e in root.iter() if e.tag.endswith("script")]
        texts = " ".join(_texts(chart))
        assert "<scr" in texts          # the label itself, as text
    assert "&lt;b&gt; to &amp;amp;" in made[1].svg
    assert esc(HOSTILE) == ("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
                            "&quot;quoted&quot;  ]]&gt; end")
    assert esc("a\nb\tc") == "a b c"


# --- ticks and labels --------------------------------------------------------------------

def test_nice_steps_against_hand_worked_examples():
    # span / intervals, then the next of 1, 2, 2.5, 5, 10 x 10^n:
    assert nice_step(80_825, 5) == 20_000        # 16,165 -> 20,000
    assert nice_step(2_067_000, 6) == 500_000    # 344,500 -> 500,000
    assert nice_step(600, 6) == 100              # exactly 100
    assert nice_step(13, 6) == 2.5               # 2.17 -> 2.5
    assert nice_step(7, 6) == 2                  # 1.17 -> 2
    assert nice_step(0.9, 6) == pytest.approx(0.2)  # 0.15 -> 0.2
    assert nice_step(0.9, 6, min_step=1.0) == 1.0   # never finer than £1
    assert nice_step(0.0) == 1.0                 # nothing to span
    assert nice_step(4_600_000, 5) == 1_000_000  # 920,000 -> 1,000,000
    assert ticks(-500_000, 3_200_000, 6) == [0.0, 1e6, 2e6, 3e6]
    assert ticks(-0.45, 0.1, 6) == pytest.approx([-0.4, -0.3, -0.2, -0.1, 0.0, 0.1])


def test_money_and_month_labels():
    m = fmt.MINUS
    assert money_ticks(0, 2_070_000) == [(0.0, "£0"), (5e5, "£0.5m"), (1e6, "£1.0m"),
                                         (1.5e6, "£1.5m"), (2e6, "£2.0m")]
    assert [t for _, t in money_ticks(-450_000, 100_000)] == [
        f"{m}£400k", f"{m}£300k", f"{m}£200k", f"{m}£100k", "£0", "£100k"]
    assert money_label(-1.5e6, 2e6, 5e5) == f"{m}£1.5m"
    assert money_label(250_000, 1e6, 250_000) == "£0.25m"   # the decimals the step needs
    assert money_label(3_000, 9_000, 1_000) == "£3,000"
    assert [t for _, t in money_ticks(0, 1.06)] == ["£0", "£1"]   # all zero: to £1
    assert month_ticks(60) == [(m, str(m)) for m in (0, 12, 24, 36, 48, 60)]
    assert month_ticks(12) == [(0, "0"), (12, "12")]
    assert [m for m, _ in month_ticks(1200)] == list(range(0, 1201, 120))
    assert [m for m, _ in month_ticks(180)] == list(range(0, 181, 24))


def test_text_is_measured_cut_and_wrapped_in_the_report_font():
    # DejaVu Sans advances: "0" 636, "£" 636, "m" 974, "." 318 [1/1000 em].
    assert text_width("£2.0m", 10) == pytest.approx((636 * 3 + 318 + 974) / 100)
    assert text_width("W", 10, bold=True) > text_width("W", 10)
    cut = truncate("A scenario with a very long title indeed", 60, 8.5)
    assert cut.endswith("\u2026") and text_width(cut, 8.5) <= 60
    lines = wrap("All long-term conditions and MUS (FAQ generic figure): annual saving "
                 "per beneficiary " * 3, 120, 7.8, max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith("\u2026")
    assert all(text_width(line, 7.8) <= 120 for line in lines)
    assert all(0 < text_width(t, 8) <= 50 for t in wrap("x" * 200, 50, 8))
    assert num(-0.001) == "0" and num(12.5) == "12.5" and num(3.0) == "3"
    with pytest.raises(ValueError):
        num(float("nan"))


# --- edge cases --------------------------------------------------------------------------

def test_all_zero_data():
    zero = _results(cost=0.0, saving=0.0)
    for chart in (charts.cumulative(zero), charts.scenarios_net([zero]),
                  charts.tornado([{"label": "Booster", "low_text": "0%", "high_text": "50%",
                                   "npv_low": 0.0, "npv_high": 0.0, "note": "not priced"}],
                                 0.0, "NPV"),
                  charts.heat_map([[0.0, 0.0], [0.0, 0.0]], ["a", "b"], ["c", "d"], "x", "y",
                                  "NPV"),
                  charts.probability_by_year([1], [0.0], 10)):
        _check_layout(chart)
    assert "£1" in _texts(charts.cumulative(zero))          # an axis, not one tick
    assert "not priced" in _texts(charts.tornado(
        [{"label": "Booster", "low_text": "0%", "high_text": "50%", "npv_low": -5.0,
          "npv_high": -5.0, "note": "not priced"}], -5.0, "NPV"))


def test_negative_and_positive_values():
    losing = _results(cost=40_000.0, saving=10_000.0, name="Losing")
    winning = _results(cost=10_000.0, saving=40_000.0, start=-500_000.0, name="Winning")
    chart = charts.scenarios_net([losing, winning])
    _check_layout(chart)
    labels = _texts(chart)
    assert "£0" in labels and any(t.startswith(fmt.MINUS + "£") for t in labels)
    assert any(t.startswith("£") and t != "£0" for t in labels)
    _check_layout(charts.cumulative(winning))
    _check_layout(charts.tornado([{"label": "x", "low_text": "1", "high_text": "2",
                                   "npv_low": 100.0, "npv_high": 5_000.0}], 2_000.0, "NPV"))


def test_one_year_and_a_hundred_years():
    one = charts.cumulative(_results(months=12))
    _check_layout(one)
    assert [t for t in _texts(one) if t.isdigit()] == ["0", "12"]
    long = charts.cumulative(_results(months=1200, cost=1e5, saving=1.3e5, start=-5e6,
                                      be=1100))
    _check_layout(long)
    assert [t for t in _texts(long) if t.isdigit()] == [str(m) for m in range(0, 1201, 120)]
    assert "Break-even: month 1100" in _texts(long)
    assert _root(long).find(f"{NS}circle") is not None
    years = charts.probability_by_year(list(range(1, 101)), [i / 100 for i in range(100)],
                                       1000)
    _check_layout(years)   # labels thinned so that they do not overlap
    assert "Year 1" in _texts(years) and "Year 2" not in _texts(years)
    _check_layout(charts.probability_by_year([1], [1.0], 10))


def test_heat_map_missing_cells_dense_grids_and_long_labels():
    gaps = charts.heat_map([[-1.0, 2.0e6], [3.0, None], [float("nan"), 4.0]],
                           ["a", "b"], ["c", "d", "e"], "x", "y", "NPV", highlight=(1, 1))
    _check_layout(gaps)
    assert _texts(gaps).count("n/a") == 2
    assert "n/a" in gaps.alt and "£2,000,000" in gaps.alt
    # Twelve columns of long values: values shrink to fit their cells, ticks thin out.
    wide = charts.heat_map([[(i - j) * 123_456.0 for i in range(12)] for j in range(9)],
                           [f"£{2_600 + i:,}.00 a year" for i in range(12)],
                           [f"{40 + j}%" for j in range(9)], "Annual saving " * 12,
                           "Recovery rate " * 12, "NPV over 5 years")
    _check_layout(wide)
    assert any(t.endswith("\u2026") for t in _texts(wide))
    # A dense grid is one embedded PNG of one pixel per cell, not 1,200 shapes.
    dense = charts.heat_map([[float(i - j) for i in range(40)] for j in range(30)],
                            [str(i) for i in range(40)], [str(j) for j in range(30)],
                            "x", "y", "NPV", highlight=(0, 0))
    _check_layout(dense)
    images = [e for e in _root(dense).iter(f"{NS}image")]
    grid = images[0].get("{http://www.w3.org/1999/xlink}href")
    from PIL import Image

    png = Image.open(io.BytesIO(base64.b64decode(grid.split(",", 1)[1])))
    assert png.size == (40, 30) and images[0].get("image-rendering") == "pixelated"
    # Top left is the last row's first column: -29 of at most 39, red; bottom right blue.
    red, _, blue = png.getpixel((0, 0))
    assert red > blue
    red, _, blue = png.getpixel((39, 29))
    assert blue > red
    assert charts.scale_colour(None, 1.0) == charts.scale_colour(float("nan"), 1.0)
    assert charts.scale_colour(0.0, 1.0) == (0xF7, 0xF7, 0xF7)
    assert charts.scale_colour(-1.0, 1.0) == (0xB2, 0x18, 0x2B)


def test_long_user_labels_are_wrapped_or_cut_never_overflow():
    long_label = "A very long parameter label from a user's own set " * 8
    tornado = charts.tornado([{"label": long_label, "low_text": "1", "high_text": "2",
                               "npv_low": -3e5, "npv_high": 4e5}] * 3, 0.0,
                             "NPV over the lifetime of everyone treated " * 4)
    _check_layout(tornado)
    lines = [t for t in _texts(tornado) if t.startswith(("A very", "user", "label"))]
    assert any(t.endswith("\u2026") for t in _texts(tornado))
    assert all(text_width(t, charts.SMALL) <= charts.WIDTH * 0.4 + 0.01 for t in lines)
    many = [_results(name=f"Scenario {i}: " + "long title " * 12) for i in range(9)]
    scenarios = charts.scenarios_net(many)
    _check_layout(scenarios)
    assert _size(_root(scenarios))[1] > 2.8 * 72      # the legend's rows add height
    dashes = {e.get("stroke-dasharray") for e in _root(scenarios).iter(f"{NS}polyline")}
    assert len(dashes) == 2                           # series 8 and 9 are dashed


def test_the_report_charts_of_a_real_build_lay_out_cleanly(national):
    """The national set's charts as the business case draws them."""
    from modeller.outputs.reports.context import build_context
    import modeller

    bundle = modeller.bundle("national-faq-2017", scenarios=["scenarios/optimistic"])
    context = build_context("business-case", bundle)
    assert set(context["charts"]) == {"cohort", "cumulative", "scenarios"}
    for chart in context["charts"].values():
        _check_layout(chart)
        assert re.search(r'height="\d+(\.\d+)?pt"', chart.svg)
