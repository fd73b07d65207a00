"""Report charts drawn with matplotlib as deterministic SVG with real text.

Every chart is returned as a :class:`Chart` (the SVG text plus the alt text that
describes it). The SVG keeps its text as ``<text>`` (``svg.fonttype = "none"``) so that
WeasyPrint typesets it in the report font and it stays searchable and extractable in the
PDF; ``svg.hashsalt`` is fixed and the date metadata dropped so that the same inputs give
byte-identical SVG (engineering notes, "WeasyPrint: performance, pitfalls, chart
embedding").

matplotlib is imported inside the functions only, so importing this module is cheap and
``modeller --help`` never pays for it. Charts use :class:`matplotlib.figure.Figure` with
the Agg canvas directly (no pyplot, no global figure state). The functions only *draw*
figures the model computed; the per-100-people scaling and the month-by-month net used
for plotting are display arithmetic, never printed as new figures in the text.
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass
from typing import Any, Sequence

from modeller.outputs.reports import formatting as fmt

FONT_FAMILY = "DejaVu Sans"  # the bundled report font (templates/fonts/)

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
SERIES = [NHS_BLUE, NHS_GREEN, NHS_WARM_YELLOW, NHS_PINK, NHS_PURPLE, NHS_DARK_GREY,
          NHS_LIGHT_BLUE]

RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "iapt-ltc-modeller",
    "font.family": [FONT_FAMILY],
    "font.size": 8.5,
    "text.parse_math": False,  # user labels with "$" must not become mathtext
    "axes.edgecolor": NHS_MID_GREY,
    "axes.labelcolor": NHS_DARK_GREY,
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
    "axes.titlecolor": NHS_DARK_BLUE,
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": NHS_DARK_GREY,
    "ytick.color": NHS_DARK_GREY,
    "legend.frameon": False,
    "svg.image_inline": True,
}


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


def _figure(width_in: float, height_in: float, **subplots: Any):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _to_svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, transparent=True)
    return buf.getvalue()


def _money_axis(axis, max_abs: float) -> None:
    """Format a money axis in £m or £k depending on its scale."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))

    def label(value: float, _pos: int) -> str:
        if max_abs >= 1_000_000:
            text = f"£{abs(value) / 1e6:,.1f}m"
        elif max_abs >= 10_000:
            text = f"£{abs(value) / 1e3:,.0f}k"
        else:
            text = f"£{abs(value):,.0f}"
        return f"{fmt.MINUS}{text}" if value < 0 and abs(value) > 1e-9 else text

    axis.set_major_formatter(FuncFormatter(label))


def _month_axis(ax, n_months: int) -> None:
    """Ticks at year ends; the axis is in months from the start of the service."""
    step = 12 if n_months <= 120 else 12 * max(1, round(n_months / 120))
    ax.set_xticks(list(range(0, n_months + 1, step)))
    ax.set_xlim(0, n_months)
    ax.set_xlabel("Months from the start of the service")


def _rc():
    import matplotlib

    return matplotlib.rc_context(RC)


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

    with _rc():
        fig = _figure(6.7, 2.3)
        left, right = fig.subplots(1, 2, width_ratios=[1.35, 1])
        colours = [NHS_BLUE, NHS_LIGHT_BLUE, NHS_GREEN]
        bars = left.barh([0, 1, 2], people, color=colours, height=0.62)
        left.set_yticks([0, 1, 2], stages)
        left.invert_yaxis()
        left.set_xlim(0, 118)
        left.set_xticks([0, 25, 50, 75, 100])
        left.set_xlabel("People")
        left.set_title("Of 100 people entering treatment")
        for bar, value in zip(bars, people):
            left.text(bar.get_width() + 1.5, bar.get_y() + bar.get_height() / 2,
                      fmt.people(value), va="center", ha="left", color=NHS_DARK_GREY)

        labels = ["Cost", "Gross savings"]
        values = [cost_100, saving_100]
        mbars = right.bar([0, 1], values, color=[NHS_DARK_GREY, NHS_GREEN], width=0.6)
        right.set_xticks([0, 1], labels)
        top = max(values + [1.0])
        right.set_ylim(0, top * 1.22)
        _money_axis(right.yaxis, top)
        right.set_title("What they cost and save")
        for bar, value in zip(mbars, values):
            right.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + top * 0.03,
                       fmt.money(value), ha="center", va="bottom", color=NHS_DARK_GREY)
        svg = _to_svg(fig)

    applies = results.get("savings_apply_to", "recovered")
    alt = (f"Bar charts. Of 100 people entering treatment, {fmt.people(people[1])} complete "
           f"treatment and {fmt.people(people[2])} recover. Treating them costs "
           f"{fmt.money(cost_100)} and saves {fmt.money(saving_100)} in gross healthcare "
           f"costs over the benefit period (savings counted for people who are "
           f"{applies}), a net {fmt.money(net_100)}.")
    return Chart(svg, alt)


def cumulative(results: dict, horizon_label: str | None = None,
               height_in: float = 2.7) -> Chart:
    """Cumulative cost and cumulative gross savings by month, break-even marked. [GBP]"""
    by_month = results["by_month"]
    cost = list(by_month["cumulative_cost"])
    savings = list(by_month["cumulative_gross_savings"])
    n = len(cost)
    months = list(range(1, n + 1))
    be = results["totals"].get("break_even_month")
    horizon = results["horizon_years"]
    horizon_label = horizon_label or f"the {horizon}-year horizon"

    with _rc():
        fig = _figure(6.7, height_in)
        ax = fig.subplots()
        ax.plot([0] + months, [0.0] + cost, color=NHS_DARK_GREY, linewidth=2,
                label="Cumulative cost")
        ax.plot([0] + months, [0.0] + savings, color=NHS_GREEN, linewidth=2,
                label="Cumulative gross savings")
        top = max(cost + savings + [1.0])
        ax.set_ylim(0, top * 1.12)
        _money_axis(ax.yaxis, top)
        _month_axis(ax, n)
        ax.grid(axis="y", color=NHS_PALE_GREY, linewidth=0.8)
        ax.set_axisbelow(True)
        if be is not None and 1 <= be <= n:
            ax.axvline(be, color=NHS_BLUE, linestyle="--", linewidth=1.2)
            ax.plot([be], [savings[be - 1]], marker="o", color=NHS_BLUE, markersize=6)
            ha = "right" if be > n * 0.7 else "left"
            dx = -1.0 if ha == "right" else 1.0
            ax.text(be + dx, top * 1.05, f"Break-even: month {be}", color=NHS_BLUE,
                    ha=ha, va="center", fontweight="bold")
        else:
            ax.text(n * 0.02, top * 1.05, f"No break-even within {horizon_label}",
                    color=NHS_BLUE, ha="left", va="center", fontweight="bold")
        # Both curves start at zero and rise, so the upper left is always clear;
        # the break-even label sits above the legend.
        legend = ax.legend(loc="upper left", bbox_to_anchor=(0.01, 0.88),
                           borderaxespad=0.0, handlelength=1.6, frameon=True,
                           facecolor="white", edgecolor="none", framealpha=0.92)
        legend.set_zorder(5)
        svg = _to_svg(fig)

    end_cost = cost[-1] if cost else 0.0
    end_savings = savings[-1] if savings else 0.0
    if be is not None:
        crossing = f"Cumulative savings overtake cumulative cost in month {be} (break-even)."
    else:
        crossing = f"The lines do not cross: no break-even within {horizon_label}."
    alt = (f"Line chart by month over {n} months. By month {n}, cumulative cost reaches "
           f"{fmt.money(end_cost)} and cumulative gross savings reach "
           f"{fmt.money(end_savings)}. {crossing}")
    return Chart(svg, alt)


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

    with _rc():
        fig = _figure(6.7, 2.8)
        ax = fig.subplots()
        ax.axhline(0, color=NHS_MID_GREY, linewidth=1)
        lo = min(min(net) for _, net, _ in series)
        hi = max(max(net) for _, net, _ in series)
        for i, (name, net, _be) in enumerate(series):
            ax.plot(range(0, len(net) + 1), [0.0] + net, color=SERIES[i % len(SERIES)],
                    linewidth=2, label=name,
                    linestyle=["-", "--", "-.", ":"][(i // len(SERIES)) % 4])
        span = max(hi - lo, 1.0)
        ax.set_ylim(min(lo, 0) - span * 0.08, max(hi, 0) + span * 0.12)
        _money_axis(ax.yaxis, max(abs(lo), abs(hi), 1.0))
        _month_axis(ax, n)
        ax.set_ylabel("Cumulative net")
        ax.grid(axis="y", color=NHS_PALE_GREY, linewidth=0.8)
        ax.set_axisbelow(True)
        ax.legend(loc="best", fontsize=7.5)
        svg = _to_svg(fig)

    parts = []
    for name, net, be in series:
        when = f"breaks even in month {be}" if be is not None else "does not break even"
        parts.append(f"{name}: cumulative net {fmt.money(net[-1] if net else 0.0)} "
                     f"by month {len(net)}, {when}")
    alt = "Line chart of cumulative net by month for each scenario. " + "; ".join(parts) + "."
    return Chart(svg, alt)


# --- sensitivity and uncertainty ----------------------------------------------------------

NHS_RED = "#DA291C"
#: A white backing for labels that may sit on a reference line.
_LABEL_BOX = {"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.9}


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def tornado(bars: Sequence[dict], base: float, metric: str) -> Chart:
    """One-way sensitivity of NPV: for each parameter a bar from the base-case NPV to the
    NPV at its low value and another to the NPV at its high value, largest swing at the
    top. [GBP]

    ``bars``: ``{"label", "low_text", "high_text", "npv_low", "npv_high"}`` in the order
    to draw (largest swing first); the texts are the formatted low and high values.
    ``metric`` names what is plotted, e.g. "NPV over 5 years".
    """
    from matplotlib.patches import Patch

    n = len(bars)
    ticks = [f"{_wrap(b['label'], 48)}\n{b['low_text']} to {b['high_text']}" for b in bars]
    lines = sum(t.count("\n") + 1 for t in ticks)
    with _rc():
        fig = _figure(6.7, 0.8 + 0.14 * n + 0.13 * lines)
        ax = fig.subplots()
        ys = list(range(n))
        values = [base] + [b["npv_low"] for b in bars] + [b["npv_high"] for b in bars]
        lo, hi = min(values + [0.0]), max(values + [0.0])
        span = max(hi - lo, 1.0)
        pad = span * 0.012
        for y, b in zip(ys, bars):
            for value, colour in ((b["npv_low"], NHS_LIGHT_BLUE),
                                  (b["npv_high"], NHS_DARK_BLUE)):
                ax.barh(y, value - base, left=base, height=0.6, color=colour,
                        edgecolor="white", linewidth=0.4)
            # End labels: the NPV reached, just outside each end of the bar.
            left, right = min(b["npv_low"], b["npv_high"]), max(b["npv_low"], b["npv_high"])
            if left < base - span * 1e-6:
                ax.text(left - pad, y, fmt.money_short(left), va="center", ha="right",
                        fontsize=7.3, color=NHS_DARK_GREY, bbox=_LABEL_BOX)
            if right > base + span * 1e-6:
                ax.text(right + pad, y, fmt.money_short(right), va="center", ha="left",
                        fontsize=7.3, color=NHS_DARK_GREY, bbox=_LABEL_BOX)
        ax.set_yticks(ys, ticks, fontsize=7.4)
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(lo - span * 0.2, hi + span * 0.2)
        ax.set_ylim(n - 0.5, -1.0)
        _money_axis(ax.xaxis, max(abs(lo), abs(hi), 1.0))
        ax.set_xlabel(metric)
        ax.grid(axis="x", color=NHS_PALE_GREY, linewidth=0.8)
        ax.set_axisbelow(True)
        # The base line's label goes on the side away from the zero line, if drawn.
        zero_line = lo < 0 < hi and abs(base) > span * 1e-3
        base_side = ("right" if base < 0 else "left") if zero_line else "center"
        ax.axvline(base, color=NHS_DARK_GREY, linewidth=1.1)
        ax.text(base + {"right": -pad, "left": pad, "center": 0.0}[base_side], -0.72,
                f"This case {fmt.money_short(base)}", ha=base_side, va="center",
                fontsize=7.5, fontweight="bold", color=NHS_DARK_GREY, bbox=_LABEL_BOX)
        if zero_line:
            ax.axvline(0, color=NHS_GREEN, linewidth=1.1, linestyle="--")
            zero_side = "left" if base_side == "right" else "right"
            ax.text(pad if zero_side == "left" else -pad, -0.72, "NPV = 0",
                    ha=zero_side, va="center", fontsize=7.5, color=NHS_GREEN,
                    fontweight="bold")
        ax.legend(handles=[Patch(color=NHS_LIGHT_BLUE, label="At the low value"),
                           Patch(color=NHS_DARK_BLUE, label="At the high value")],
                  loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=7.3, ncols=2,
                  borderaxespad=0.2)
        svg = _to_svg(fig)

    parts = [f"{b['label']}, {b['low_text']} to {b['high_text']}: "
             f"{fmt.money(b['npv_low'])} at the low value and {fmt.money(b['npv_high'])} "
             f"at the high value" for b in bars]
    alt = (f"Tornado chart of {metric} when one assumption at a time moves to its low and "
           f"high value, around this case's {fmt.money(base)}; largest effect first. "
           + "; ".join(parts) + ".")
    return Chart(svg, alt)


def probability_by_year(years: Sequence[int], probabilities: Sequence[float],
                        draws: int) -> Chart:
    """The probability of the running service having broken even (cumulative savings
    reaching cumulative costs) by the end of each year, from a PSA. [fraction]"""
    n = len(years)
    with _rc():
        fig = _figure(6.7, 2.2)
        ax = fig.subplots()
        heights = [100.0 * p for p in probabilities]
        bars = ax.bar(range(n), heights, color=NHS_BLUE, width=0.58)
        for bar, p in zip(bars, probabilities):
            ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 2.5,
                    fmt.percent(p), ha="center", va="bottom", color=NHS_DARK_GREY,
                    fontsize=8)
        ax.set_xticks(range(n), [f"Year {y}" for y in years])
        ax.set_ylim(0, 112)
        ax.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
        ax.set_ylabel("Share of simulations")
        ax.grid(axis="y", color=NHS_PALE_GREY, linewidth=0.8)
        ax.set_axisbelow(True)
        ax.set_title("Probability of having broken even by the end of each year")
        svg = _to_svg(fig)
    parts = [f"year {y}: {fmt.percent(p)}" for y, p in zip(years, probabilities)]
    alt = (f"Bar chart of the share of {draws:,} simulations in which the running service "
           f"has broken even (cumulative savings reaching cumulative cost) by the end of "
           f"each year. " + "; ".join(parts) + ".")
    return Chart(svg, alt)


def heat_map(values: Sequence[Sequence[float | None]], x_ticks: Sequence[str],
             y_ticks: Sequence[str], x_label: str, y_label: str, metric: str,
             highlight: tuple[int, int] | None = None) -> Chart:
    """A grid of one figure (NPV) over two varied parameters: rows are the ``y`` values,
    columns the ``x`` values; a diverging colour map centred on 0 (red below, blue above).
    Cells are annotated when there are few enough to read. [GBP]

    ``highlight``: ``(row, column)`` of this case's own values, outlined.
    """
    import numpy as np
    from matplotlib.colors import LinearSegmentedColormap, Normalize

    grid = np.array([[np.nan if v is None else float(v) for v in row] for row in values])
    ny, nx = grid.shape
    finite = grid[np.isfinite(grid)]
    top = float(np.max(np.abs(finite))) if finite.size else 1.0
    top = top or 1.0
    cmap = LinearSegmentedColormap.from_list(
        "npv", ["#B2182B", "#EF8A62", "#FDDBC7", "#F7F7F7", "#D1E5F0", "#67A9CF",
                NHS_DARK_BLUE])
    cmap = cmap.with_extremes(bad=NHS_PALE_GREY)
    norm = Normalize(-top, top)
    annotate = nx * ny <= 120 and nx <= 12
    with _rc():
        height = min(1.2 + 0.36 * ny, 6.0) if annotate else 3.6
        fig = _figure(6.7, height)
        ax = fig.subplots()
        mesh = ax.pcolormesh(np.arange(nx + 1) - 0.5, np.arange(ny + 1) - 0.5,
                             np.ma.masked_invalid(grid), cmap=cmap, norm=norm,
                             edgecolors="white", linewidth=0.8 if annotate else 0,
                             rasterized=nx * ny > 400)
        step_x = max(1, math.ceil(nx / (12 if annotate else 7)))
        step_y = max(1, math.ceil(ny / 14))
        ax.set_xticks(range(0, nx, step_x), list(x_ticks)[::step_x], fontsize=7.6)
        ax.set_yticks(range(0, ny, step_y), list(y_ticks)[::step_y], fontsize=7.6)
        ax.tick_params(length=0)
        for side in ("left", "bottom", "top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_xlim(-0.5, nx - 0.5)
        ax.set_ylim(-0.5, ny - 0.5)
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        if annotate:
            for iy in range(ny):
                for ix in range(nx):
                    v = grid[iy, ix]
                    if not np.isfinite(v):
                        text, dark = "n/a", False
                    else:
                        text = fmt.money_short(v)
                        r, g, b, _a = cmap(norm(v))
                        dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5
                    ax.text(ix, iy, text, ha="center", va="center", fontsize=7.2,
                            color="white" if dark else "#212B32")
        if highlight is not None:
            from matplotlib.patches import Rectangle

            iy, ix = highlight
            ax.add_patch(Rectangle((ix - 0.5, iy - 0.5), 1, 1, fill=False,
                                   edgecolor="#212B32", linewidth=1.8))
        bar = fig.colorbar(mesh, ax=ax, shrink=0.9, pad=0.02, aspect=22)
        _money_axis(bar.ax.yaxis, top)
        bar.set_label(metric)
        bar.outline.set_visible(False)
        svg = _to_svg(fig)

    lo = float(np.min(finite)) if finite.size else None
    hi = float(np.max(finite)) if finite.size else None
    positive = int(np.sum(finite > 0))
    alt = (f"Heat map of {metric} for {ny} values of {y_label} (rows, {y_ticks[0]} to "
           f"{y_ticks[-1]}) and {nx} values of {x_label} (columns, {x_ticks[0]} to "
           f"{x_ticks[-1]}); red below zero, blue above. It ranges from {fmt.money(lo)} to "
           f"{fmt.money(hi)}; {positive} of {finite.size} combinations have a positive "
           f"{metric}.")
    if annotate and nx * ny <= 36:
        cells = []
        for iy in range(ny):
            row = ", ".join(f"{x_ticks[ix]} {fmt.money(None if not np.isfinite(grid[iy, ix]) else float(grid[iy, ix]))}"
                            for ix in range(nx))
            cells.append(f"{y_ticks[iy]}: {row}")
        alt += " By row: " + "; ".join(cells) + "."
    if highlight is not None:
        alt += (f" This case's values ({y_ticks[highlight[0]]}, {x_ticks[highlight[1]]}) "
                f"are outlined.")
    return Chart(svg, alt)
