"""Report charts as small, deterministic, hand-written SVG with real text.

Every chart is returned as a :class:`Chart` (the SVG text plus the alt text that
describes it). The SVG is drawn with the primitives of :mod:`.svg`: text stays as
``<text>`` in the report font (searchable and extractable in the PDF), every label from a
set is escaped, coordinates have a fixed precision, so the same inputs give
byte-identical SVG. Hand-written SVG replaced matplotlib: importing and drawing with it
cost about half a second of every build, and its SVG (hundreds of nodes) was slow for
WeasyPrint to draw.

The functions only *draw* figures the model computed; the per-100-people scaling and the
month-by-month net used for plotting are display arithmetic, never printed as new figures
in the text. Sizes are in points [pt] (72 to the inch); a chart is 6.7 inches wide.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Sequence

from modeller.outputs.reports import formatting as fmt
from modeller.outputs.reports.svg import (FONT_FAMILY, PAD, TICK, Drawing, Scale, centred,
                                          intervals, left_margin, legend, money_ticks,
                                          month_ticks, side_label, text_width, truncate,
                                          wrap, x_axis, y_axis)

__all__ = ["FONT_FAMILY", "Chart", "cohort_walk", "cumulative", "scenarios_net", "tornado",
           "probability_by_year", "heat_map"]

NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
NHS_LIGHT_BLUE = "#41B6E6"
NHS_GREEN = "#009639"
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"
NHS_PALE_GREY = "#E8EDEE"
NHS_WARM_YELLOW = "#FFB81C"
NHS_PURPLE = "#330072"
NHS_PINK = "#AE2573"
NHS_RED = "#DA291C"
SERIES = [NHS_BLUE, NHS_GREEN, NHS_WARM_YELLOW, NHS_PINK, NHS_PURPLE, NHS_DARK_GREY,
          NHS_LIGHT_BLUE]
DASHES = [None, "6 3", "6 2 1.5 2", "1.5 2"]   # solid, dashed, dash-dot, dotted
INK = "#212B32"

WIDTH = 6.7 * 72          # [pt]
SIZE = 8.5                # body text [pt]; the page scales a chart by about 1.03
SMALL = 7.8               # dense labels (bar ends, cells, legends) [pt]
TITLE = 9.0               # chart titles, bold dark blue [pt]
BOTTOM = 30.0             # x tick labels and the x-axis label under a plot [pt]


@dataclass(frozen=True)
class Chart:
    """An SVG chart and its alt text."""

    svg: str
    alt: str

    @property
    def data_uri(self) -> str:
        """The SVG as a ``data:`` URI for an ``<img src>``."""
        encoded = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        return f"data:image/svg+xml;base64,{encoded}"


# --- the business case's charts -----------------------------------------------------------

def cohort_walk(results: dict) -> Chart:
    """Of 100 people entering treatment: how many complete and recover, and what they
    cost and save (each person's lifetime of benefit). [people, GBP]

    Uses ``totals`` entering/completed/recovered for the funnel and
    ``per_person_entering`` cost and gross saving (times 100) for the money.
    """
    totals = results["totals"]
    person = results["per_person_entering"]
    entering = totals["entering"] or 0.0
    share_completed = totals["completed"] / entering if entering else 0.0
    share_recovered = totals["recovered"] / entering if entering else 0.0
    people = [100.0, 100.0 * share_completed, 100.0 * share_recovered]
    stages = ["Enter treatment", "Complete treatment", "Recover"]
    cost_100 = 100.0 * (person["cost"] or 0.0)
    saving_100 = 100.0 * (person["gross_saving"] or 0.0)
    net_100 = None if person["net"] is None else 100.0 * person["net"]

    height = 2.3 * 72
    d = Drawing(WIDTH, height, SIZE, NHS_DARK_GREY)
    top, bottom = 17.0, height - BOTTOM
    values = [cost_100, saving_100]
    lo, hi = min(values + [0.0]), max(values + [0.0])
    span = max(hi - lo, 1.0)
    y_money = Scale(lo - (span * 0.22 if lo < 0 else 0.0), hi + span * 0.22, bottom, top)
    marks = money_ticks(y_money.d0, y_money.d1, intervals(bottom - top, 22))
    # Widths: the funnel's labels, the two plots in the ratio 1.35 : 1, the money labels.
    left0 = left_margin(stages, SIZE)
    right_axis = max(text_width(t, SIZE) for _, t in marks) + 2 + TICK
    plots = WIDTH - left0 - 30 - right_axis - PAD
    left1 = left0 + plots * 1.35 / 2.35
    right0 = left1 + 30 + right_axis
    right1 = WIDTH - PAD

    # Left: of 100 people entering, how many complete and recover.
    x = Scale(0, 118, left0, left1)
    slot = (bottom - top) / 3
    for i, (stage, value, colour) in enumerate(zip(stages, people,
                                                   (NHS_BLUE, NHS_LIGHT_BLUE, NHS_GREEN))):
        mid = top + slot * (i + 0.5)
        d.rect(x(0), mid - slot * 0.31, x(value) - x(0), slot * 0.62, colour)
        d.line(left0 - TICK, mid, left0, mid, NHS_MID_GREY)
        d.text(left0 - TICK - 2, mid, stage, anchor="end")
        d.text(x(value) + 3, mid, fmt.people(value))
    d.line(left0, top, left0, bottom, NHS_MID_GREY)
    x_axis(d, x, [(v, str(v)) for v in (0, 25, 50, 75, 100)], bottom, "People")
    d.text(left0, 7, "Of 100 people entering treatment", size=TITLE, bold=True,
           fill=NHS_DARK_BLUE)

    # Right: what they cost and save.
    x = Scale(-0.5, 1.5, right0, right1)
    y_axis(d, y_money, marks, right0)
    for i, (value, colour) in enumerate(zip(values, (NHS_DARK_GREY, NHS_GREEN))):
        d.rect(x(i - 0.3), y_money(0), x(i + 0.3) - x(i - 0.3), y_money(value) - y_money(0),
               colour)
        above = value >= 0
        d.text(x(i), y_money(value) + (-7 if above else 7), fmt.money(value), anchor="middle")
    x_axis(d, x, [(0, "Cost"), (1, "Gross savings")], bottom)
    d.text(right0, 7, "What they cost and save", size=TITLE, bold=True, fill=NHS_DARK_BLUE)

    applies = results.get("savings_apply_to", "recovered")
    alt = (f"Bar charts. Of 100 people entering treatment, {fmt.people(people[1])} complete "
           f"treatment and {fmt.people(people[2])} recover. Treating them costs "
           f"{fmt.money(cost_100)} and saves {fmt.money(saving_100)} in gross healthcare "
           f"costs over the benefit period (savings counted for people who are "
           f"{applies}), a net {fmt.money(net_100)}.")
    return Chart(d.document("Of 100 people entering treatment: who completes and recovers, "
                            "and what they cost and save", alt), alt)


def _line_chart(d: Drawing, series: Sequence[tuple[str, list[float], str, str | None]],
                n: int, top: float, y_label: str | None = None, pad_share: float = 0.06
                ) -> tuple[Scale, Scale]:
    """Lines of monthly values (each starting from 0 at month 0) over a money axis and a
    month axis, from ``top`` down to the chart's bottom. Returns the x and y scales."""
    values = [v for _, ys, _, _ in series for v in ys] + [0.0]
    lo, hi = min(values), max(values + [1.0])   # an axis to £1 when all is zero
    span = max(hi - lo, 1.0)
    lo, hi = (lo - span * pad_share if lo < 0 else 0.0), hi + span * pad_share
    bottom = d.height - BOTTOM
    y = Scale(lo, hi, bottom, top)
    marks = money_ticks(lo, hi, intervals(bottom - top, 16))
    months = month_ticks(n)
    left = left_margin([t for _, t in marks], SIZE, SIZE if y_label else 0.0)
    right = d.width - PAD - text_width(months[-1][1], SIZE) / 2
    x = Scale(0, max(n, 1), left, right)
    y_axis(d, y, marks, left, grid_to=right)
    if lo < 0:
        d.line(left, y(0), right, y(0), NHS_MID_GREY, 1.0)
    for _, ys, colour, dash in series:
        d.polyline([(x(m), y(v)) for m, v in enumerate([0.0] + list(ys))], colour,
                   stroke_dasharray=dash)
    x_axis(d, x, months, bottom, "Months from the start of the service")
    if y_label:
        d.text(PAD + SIZE / 2, (top + bottom) / 2, truncate(y_label, bottom - top, SIZE),
               anchor="middle", rotate=True)
    return x, y


def cumulative(results: dict, horizon_label: str | None = None,
               height_in: float = 2.7) -> Chart:
    """Cumulative cost and cumulative gross savings by month, break-even marked. [GBP]

    The break-even month (or that there is none) and the legend sit in a line above the
    plot, so that they never cover the lines whatever the chart's height [in].
    """
    by_month = results["by_month"]
    cost = list(by_month["cumulative_cost"])
    savings = list(by_month["cumulative_gross_savings"])
    n = len(cost)
    be = results["totals"].get("break_even_month")
    horizon = results["horizon_years"]
    horizon_label = horizon_label or f"the {horizon}-year horizon"

    d = Drawing(WIDTH, height_in * 72, SIZE, NHS_DARK_GREY)
    marked = be is not None and 1 <= be <= n
    status = (f"Break-even: month {be}" if marked
              else f"No break-even within {horizon_label}")
    status = truncate(status, WIDTH - 2 * PAD, SIZE, bold=True)
    entries = [("Cumulative cost", NHS_DARK_GREY, None),
               ("Cumulative gross savings", NHS_GREEN, None)]
    status_w = text_width(status, SIZE, bold=True)
    legend_w = sum(16 + 4 + text_width(t, SMALL) for t, _, _ in entries) + 12
    beside = status_w + 16 + legend_w <= WIDTH - 2 * PAD
    d.text(PAD, 8, status, bold=True, fill=NHS_BLUE)
    last = legend(d, entries, PAD + (status_w + 16 if beside else 0), WIDTH - PAD,
                  8 if beside else 20, SMALL, align_right=beside)
    x, y = _line_chart(d, [("cost", cost, NHS_DARK_GREY, None),
                           ("savings", savings, NHS_GREEN, None)], n, last + 10)
    if marked:
        d.line(x(be), y.r1, x(be), y.r0, NHS_BLUE, 1.2, stroke_dasharray="4.4 1.9")
        d.circle(x(be), y(savings[be - 1]), 3.0, NHS_BLUE)

    end_cost = cost[-1] if cost else 0.0
    end_savings = savings[-1] if savings else 0.0
    if be is not None:
        crossing = f"Cumulative savings overtake cumulative cost in month {be} (break-even)."
    else:
        crossing = f"The lines do not cross: no break-even within {horizon_label}."
    alt = (f"Line chart by month over {n} months. By month {n}, cumulative cost reaches "
           f"{fmt.money(end_cost)} and cumulative gross savings reach "
           f"{fmt.money(end_savings)}. {crossing}")
    return Chart(d.document("Cumulative cost and cumulative gross savings by month", alt), alt)


def scenarios_net(scenarios: Sequence[dict]) -> Chart:
    """Cumulative net (gross savings minus cost) by month for each scenario. [GBP]"""
    series = []
    for result in scenarios:
        by_month = result["by_month"]
        net = [s - c for s, c in zip(by_month["cumulative_gross_savings"],
                                     by_month["cumulative_cost"])]
        series.append((result.get("title") or result["name"], net,
                       result["totals"].get("break_even_month")))
    n = max(len(net) for _, net, _ in series)

    styles = [(SERIES[i % len(SERIES)], DASHES[(i // len(SERIES)) % len(DASHES)])
              for i in range(len(series))]
    entries = [(name, colour, dash) for (name, _, _), (colour, dash) in zip(series, styles)]
    rows = legend(Drawing(WIDTH, 0, SIZE, NHS_DARK_GREY), entries, PAD, WIDTH - PAD, 0, SMALL)
    d = Drawing(WIDTH, 2.8 * 72 + max(0.0, rows - SMALL * 1.45), SIZE, NHS_DARK_GREY)
    last = legend(d, entries, PAD, WIDTH - PAD, 8, SMALL)
    _line_chart(d, [(name, net, colour, dash)
                    for (name, net, _), (colour, dash) in zip(series, styles)],
                n, last + 10, y_label="Cumulative net")

    parts = []
    for name, net, be in series:
        when = f"breaks even in month {be}" if be is not None else "does not break even"
        parts.append(f"{name}: cumulative net {fmt.money(net[-1] if net else 0.0)} "
                     f"by month {len(net)}, {when}")
    alt = "Line chart of cumulative net by month for each scenario. " + "; ".join(parts) + "."
    return Chart(d.document("Cumulative net by month for each scenario", alt), alt)


# --- sensitivity and uncertainty ----------------------------------------------------------

def tornado(bars: Sequence[dict], base: float, metric: str) -> Chart:
    """One-way sensitivity of NPV: for each parameter a bar from the base-case NPV to the
    NPV at its low value and another to the NPV at its high value, largest swing at the
    top. [GBP]

    ``bars``: ``{"label", "low_text", "high_text", "npv_low", "npv_high"}`` in the order
    to draw (largest swing first); the texts are the formatted low and high values. A bar
    that does not move the NPV prints its optional ``"note"`` (such as "not priced") or
    "no change in NPV". ``metric`` names what is plotted, e.g. "NPV over 5 years".
    """
    column = WIDTH * 0.4
    rows = []
    for b in bars:
        lines = wrap(b["label"], column, SMALL, max_lines=3)
        lines.append(truncate(f"{b['low_text']} to {b['high_text']}", column, SMALL))
        rows.append(lines)
    line_h = SMALL * 1.2
    slots = [max(22.0, len(lines) * line_h + 8) for lines in rows]
    labels_w = max((text_width(t, SMALL) for lines in rows for t in lines), default=0.0)
    left, right = PAD + labels_w + 8, WIDTH - PAD
    top = 30.0
    height = top + sum(slots) + 4 + BOTTOM
    d = Drawing(WIDTH, height, SIZE, NHS_DARK_GREY)
    bottom = height - BOTTOM

    values = [base] + [b["npv_low"] for b in bars] + [b["npv_high"] for b in bars]
    lo, hi = min(values + [0.0]), max(values + [0.0])
    if hi - lo < 1.0:
        lo, hi = lo - 0.5, hi + 0.5
    span = hi - lo
    ends = [(min(b["npv_low"], b["npv_high"]), max(b["npv_low"], b["npv_high"])) for b in bars]
    room_l = max([text_width(fmt.money_short(a), SMALL) + 6 for a, _ in ends
                  if a < base - span * 1e-6] + [6.0])
    room_r = max([text_width(fmt.money_short(z), SMALL) + 6 for _, z in ends
                  if z > base + span * 1e-6] + [6.0])
    inner = Scale(lo, hi, left + room_l, right - room_r)
    x = Scale(inner.invert(left), inner.invert(right), left, right)
    marks = money_ticks(x.d0, x.d1, intervals(right - left, 50))
    for value, _ in marks:
        d.line(x(value), top - 4, x(value), bottom, NHS_PALE_GREY, 0.8)
    x_axis(d, x, marks, bottom, metric)
    # NPV = 0 under the bars (when it is on the chart apart from this case's NPV).
    zero_line = lo < 0 < hi and abs(base) > span * 1e-3
    if zero_line:
        d.line(x(0), top - 4, x(0), bottom, NHS_GREEN, 1.1, stroke_dasharray="4 1.8")
    d.line(left, top - 4, left, bottom, NHS_MID_GREY)

    y = top
    for b, lines, slot in zip(bars, rows, slots):
        mid = y + slot / 2
        first = mid - (len(lines) - 1) * line_h / 2
        for i, text in enumerate(lines):
            d.text(left - 6, first + i * line_h, text, anchor="end", size=SMALL)
        # The longer bar first, so that a shorter one on the same side stays visible.
        pair = sorted([(b["npv_low"], NHS_LIGHT_BLUE), (b["npv_high"], NHS_DARK_BLUE)],
                      key=lambda vc: -abs(vc[0] - base))
        for value, colour in pair:
            d.rect(x(base), mid - 6, x(value) - x(base), 12, colour)
        a, z = min(b["npv_low"], b["npv_high"]), max(b["npv_low"], b["npv_high"])
        if a < base - span * 1e-6:
            d.text(x(a) - 3, mid, fmt.money_short(a), anchor="end", size=SMALL,
                   backing="#FFFFFF")
        if z > base + span * 1e-6:
            d.text(x(z) + 3, mid, fmt.money_short(z), size=SMALL, backing="#FFFFFF")
        if not (a < base - span * 1e-6 or z > base + span * 1e-6):
            d.text(x(base) + 4, mid, b.get("note") or "no change in NPV", size=SMALL)
        y += slot

    # This case's NPV and, when it is on the chart apart from it, NPV = 0.
    d.line(x(base), top - 4, x(base), bottom, NHS_DARK_GREY, 1.1)
    base_text = f"This case {fmt.money_short(base)}"
    if zero_line:
        towards = 1 if base > 0 else -1      # each label on the side away from the other
        side_label(d, x(base), 19, base_text, towards, NHS_DARK_GREY, SMALL)
        side_label(d, x(0), 19, "NPV = 0", -towards, NHS_GREEN, SMALL)
    else:
        centred(d, x(base), 19, base_text, size=SMALL, bold=True)
    legend(d, [("At the low value", NHS_LIGHT_BLUE, None),
                ("At the high value", NHS_DARK_BLUE, None)], left, right, 7, SMALL, box=True,
           align_right=True)

    parts = [f"{b['label']}, {b['low_text']} to {b['high_text']}: "
             f"{fmt.money(b['npv_low'])} at the low value and {fmt.money(b['npv_high'])} "
             f"at the high value" for b in bars]
    alt = (f"Tornado chart of {metric} when one assumption at a time moves to its low and "
           f"high value, around this case's {fmt.money(base)}; largest effect first. "
           + "; ".join(parts) + ".")
    return Chart(d.document(f"One-way sensitivity of the {metric}", alt), alt)


def probability_by_year(years: Sequence[int], probabilities: Sequence[float],
                        draws: int) -> Chart:
    """The probability of the running service having broken even (cumulative savings
    reaching cumulative costs) by the end of each year, from a PSA. [fraction]"""
    n = len(years)
    height = 2.2 * 72
    d = Drawing(WIDTH, height, SIZE, NHS_DARK_GREY)
    top, bottom = 20.0, height - BOTTOM + SIZE * 1.4   # no x-axis label
    marks = [(v, f"{v}%") for v in (0, 25, 50, 75, 100)]
    left = left_margin([t for _, t in marks], SIZE, SIZE)
    y = Scale(0, 112, bottom, top)
    x = Scale(-0.5, n - 0.5, left, WIDTH - PAD)
    y_axis(d, y, marks, left, grid_to=WIDTH - PAD)
    slot = x(1) - x(0)
    labels = [f"Year {yr}" for yr in years]
    widest = max([text_width(t, SIZE) for t in labels] + [text_width("100%", SMALL)])
    every = max(1, math.ceil((widest + 4) / slot))
    for i, p in enumerate(probabilities):
        value = 100.0 * (p or 0.0)
        d.rect(x(i - 0.29), y(0), x(i + 0.29) - x(i - 0.29), y(value) - y(0), NHS_BLUE)
        if i % every == 0:
            d.text(x(i), y(value) - 7, fmt.percent(p), anchor="middle", size=SMALL)
    x_axis(d, x, [(i, t) for i, t in enumerate(labels) if i % every == 0], bottom)
    d.text(PAD + SIZE / 2, (top + bottom) / 2, "Share of simulations", anchor="middle",
           rotate=True)
    d.text(left, 8, "Probability of having broken even by the end of each year", size=TITLE,
           bold=True, fill=NHS_DARK_BLUE)
    parts = [f"year {y}: {fmt.percent(p)}" for y, p in zip(years, probabilities)]
    alt = (f"Bar chart of the share of {draws:,} simulations in which the running service "
           f"has broken even (cumulative savings reaching cumulative cost) by the end of "
           f"each year. " + "; ".join(parts) + ".")
    return Chart(d.document("Probability of having broken even by the end of each year",
                            alt), alt)


# --- heat map ---------------------------------------------------------------------------

#: The diverging colour scale of a heat map, from -top (red) through 0 to +top (blue).
SCALE = ["#B2182B", "#EF8A62", "#FDDBC7", "#F7F7F7", "#D1E5F0", "#67A9CF", NHS_DARK_BLUE]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def scale_colour(value: float | None, top: float) -> tuple[int, int, int]:
    """The colour of ``value`` on :data:`SCALE` over -top to +top (pale grey if missing)."""
    if value is None or not math.isfinite(value):
        return _rgb(NHS_PALE_GREY)
    t = min(max((value / top + 1) / 2, 0.0), 1.0) * (len(SCALE) - 1)
    i = min(int(t), len(SCALE) - 2)
    a, b = _rgb(SCALE[i]), _rgb(SCALE[i + 1])
    return tuple(round(p + (q - p) * (t - i)) for p, q in zip(a, b))  # type: ignore[return-value]


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def heat_map(values: Sequence[Sequence[float | None]], x_ticks: Sequence[str],
             y_ticks: Sequence[str], x_label: str, y_label: str, metric: str,
             highlight: tuple[int, int] | None = None) -> Chart:
    """A grid of one figure (NPV) over two varied parameters: rows are the ``y`` values
    (the first at the bottom), columns the ``x`` values; a diverging colour scale centred
    on 0 (red below, blue above). Cells carry their values when there are few enough to
    read; a larger grid is one image of one pixel per cell. [GBP]

    ``highlight``: ``(row, column)`` of this case's own values, outlined.
    """
    grid = [[None if v is None or not math.isfinite(float(v)) else float(v) for v in row]
            for row in values]
    ny, nx = len(grid), len(grid[0]) if grid else 0
    finite = [v for row in grid for v in row if v is not None]
    top_value = max((abs(v) for v in finite), default=0.0) or 1.0
    annotate = nx * ny <= 120 and nx <= 12
    height = (min(1.2 + 0.36 * ny, 6.0) if annotate else 3.6) * 72
    d = Drawing(WIDTH, height, SIZE, NHS_DARK_GREY)

    heading = wrap(y_label, WIDTH * 0.6, SIZE, max_lines=2)
    top = 6 + len(heading) * SIZE * 1.25
    bottom = height - BOTTOM
    y_texts = [truncate(t, WIDTH * 0.22, SMALL) for t in y_ticks]
    x_texts = [truncate(t, WIDTH * 0.3, SMALL) for t in x_ticks]
    bar_marks = money_ticks(-top_value, top_value, 4)
    bar_w = max(text_width(t, SMALL) for _, t in bar_marks)
    cells = Scale(-0.5, nx - 0.5, left_margin(y_texts, SMALL),
                  WIDTH - PAD - SIZE * 1.4 - bar_w - TICK - 4 - 10 - 10)
    rows = Scale(-0.5, ny - 0.5, bottom, top)
    cell_w, cell_h = cells(1) - cells(0), rows(0) - rows(1)
    for i, line in enumerate(heading):
        d.text(PAD, 6 + (i + 0.5) * SIZE * 1.25, line)

    size = SMALL
    texts = [[("n/a" if v is None else fmt.money_short(v)) for v in row] for row in grid]
    if annotate:
        widest = max(text_width(t, SMALL) for row in texts for t in row)
        size = min(SMALL, SMALL * (cell_w - 4) / widest)
        annotate = size >= 6.0 and cell_h >= size + 3
    if annotate:
        for iy, row in enumerate(grid):
            for ix, v in enumerate(row):
                rgb = scale_colour(v, top_value)
                d.rect(cells(ix - 0.5), rows(iy + 0.5), cell_w, cell_h, _hex(rgb),
                       stroke="#FFFFFF", stroke_width=0.8)
                dark = v is not None and (0.2126 * rgb[0] + 0.7152 * rgb[1]
                                          + 0.0722 * rgb[2]) / 255 < 0.5
                d.text(cells(ix), rows(iy), texts[iy][ix], anchor="middle", size=size,
                       fill="#FFFFFF" if dark else INK)
    elif nx and ny:
        d.pixels(cells.r0, rows.r1, cells.r1 - cells.r0, rows.r0 - rows.r1,
                 [[scale_colour(v, top_value) for v in row] for row in reversed(grid)])
    if highlight is not None:
        iy, ix = highlight
        d.rect(cells(ix - 0.5), rows(iy + 0.5), cell_w, cell_h, "none", stroke=INK,
               stroke_width=1.8)

    # Tick labels, thinned so that they never overlap.
    step_x = max(1, math.ceil((max(text_width(t, SMALL) for t in x_texts) + 6) / cell_w))
    step_y = max(1, math.ceil(SMALL * 1.3 / cell_h))
    for ix in range(0, nx, step_x):
        d.text(cells(ix), bottom + 2 + 0.5 * SMALL + TICK, x_texts[ix], anchor="middle",
               size=SMALL)
    for iy in range(0, ny, step_y):
        d.text(cells.r0 - 4, rows(iy), y_texts[iy], anchor="end", size=SMALL)
    centred(d, (cells.r0 + cells.r1) / 2, bottom + TICK + 4 + SIZE * 1.7, x_label)

    # The colour scale, with money ticks and the metric beside it.
    bar_x, span = cells.r1 + 10, (rows.r0 - rows.r1) * 0.9
    bar = Scale(-top_value, top_value, (rows.r0 + rows.r1 + span) / 2,
                (rows.r0 + rows.r1 - span) / 2)
    steps = 120
    d.pixels(bar_x, bar.r1, 10, span, [[scale_colour(top_value * (1 - 2 * i / steps), top_value)]
                                       for i in range(steps + 1)], smooth=True)
    for value, text in bar_marks:
        d.line(bar_x + 10, bar(value), bar_x + 10 + TICK, bar(value), NHS_MID_GREY)
        d.text(bar_x + 12 + TICK, bar(value), text, size=SMALL)
    d.text(WIDTH - PAD - SIZE / 2, (bar.r0 + bar.r1) / 2, truncate(metric, span, SIZE),
           anchor="middle", rotate=True)

    lo, hi = (min(finite), max(finite)) if finite else (None, None)
    positive = sum(1 for v in finite if v > 0)
    alt = (f"Heat map of {metric} for {ny} values of {y_label} (rows, {y_ticks[0]} to "
           f"{y_ticks[-1]}) and {nx} values of {x_label} (columns, {x_ticks[0]} to "
           f"{x_ticks[-1]}); red below zero, blue above. It ranges from {fmt.money(lo)} to "
           f"{fmt.money(hi)}; {positive} of {len(finite)} combinations have a positive "
           f"{metric}.")
    if nx * ny <= 36 and nx <= 12:
        cells_alt = []
        for iy in range(ny):
            row = ", ".join(f"{x_ticks[ix]} {fmt.money(grid[iy][ix])}" for ix in range(nx))
            cells_alt.append(f"{y_ticks[iy]}: {row}")
        alt += " By row: " + "; ".join(cells_alt) + "."
    if highlight is not None:
        alt += (f" This case's values ({y_ticks[highlight[0]]}, {x_ticks[highlight[1]]}) "
                f"are outlined.")
    return Chart(d.document(f"Heat map of {metric} by {y_label} and {x_label}", alt), alt)
