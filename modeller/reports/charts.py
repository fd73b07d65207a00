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
from dataclasses import dataclass
from typing import Any, Sequence

from modeller.reports import formatting as fmt

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
        series.append((result["name"], net, result["totals"].get("break_even_month")))
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
