"""What the page shows of a run: headline figures, charts and scenario comparisons.

Figures are the model's own (:func:`modeller.run`, the JSON contract of ``modeller run
--format json``); this module only picks them by JSON path and formats them for people
with the reports' formatting, so the page, the JSON and the PDFs agree. Each headline
keeps its unrounded value (``data-value``, written as JSON writes it) beside its text.

Charts are the reports' own SVG (:mod:`modeller.outputs.reports.charts`): cumulative
cost and savings by month, and the tornado of one-way sensitivity
(:func:`modeller.sensitivity`). Drawing them takes a few tenths of a second, so the page
asks for them separately after the figures, and they are cached by the set's hash in a
small LRU (bounded memory).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

import modeller
from modeller.outputs.reports import formatting as fmt

MAX_CHART_CACHE = 32     # sets whose charts are kept [sets]


@dataclass(frozen=True)
class Headline:
    """One headline figure: JSON path, label, unrounded value and its text."""

    key: str
    label: str
    value: Any
    text: str

    @property
    def data_value(self) -> str:
        """The value as the JSON contract writes it (``null`` when there is none)."""
        return json.dumps(self.value)


def _months_after(value: float | None) -> str:
    return fmt.months(value, missing="not repaid")


def _month(value: int | None) -> str:
    return f"month {value}" if value is not None else "not within the horizon"


#: (JSON path, label, formatter) of the headline figures, in the order shown.
HEADLINES: list[tuple[str, str, Callable[[Any], str]]] = [
    ("totals.npv", "Net present value (NPV)", fmt.money),
    ("totals.net_within_horizon", "Net within the horizon (undiscounted)", fmt.money),
    ("totals.cost", "Cost within the horizon", fmt.money),
    ("totals.gross_savings_within_horizon", "Gross savings within the horizon", fmt.money),
    ("totals.gross_savings_lifetime", "Gross savings over the cohorts’ lifetime", fmt.money),
    ("totals.net_lifetime", "Net over the cohorts’ lifetime", fmt.money),
    ("totals.benefit_cost_ratio", "Savings per £1 spent (benefit–cost ratio)", fmt.per_pound),
    ("totals.roi", "Return on investment", fmt.percent),
    ("totals.cost_per_recovery", "Cost per person recovering", fmt.money_pp),
    ("totals.break_even_month", "Break-even of the running service", _month),
    ("totals.entering", "People entering treatment", fmt.people),
    ("totals.recovered", "People recovering", fmt.people),
    ("per_person_entering.net", "Net per person entering treatment", fmt.money_pp),
    ("per_person_entering.payback_months", "Payback per person (months after entry)",
     _months_after),
]


def lookup(results: dict, key: str) -> Any:
    """The value at a dotted JSON path of the results dict."""
    node: Any = results
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def headlines(results: dict) -> list[Headline]:
    """The headline figures of one run."""
    return [Headline(key, label, lookup(results, key), show(lookup(results, key)))
            for key, label, show in HEADLINES]


def summary(results: dict) -> str:
    """The headline in one plain sentence: what the service costs and saves within the
    horizon, the net, and the NPV (all the model's own totals, formatted)."""
    t = results["totals"]
    net = t["net_within_horizon"]
    verdict = (f"a net saving of {fmt.money(net)}" if net > 0
               else f"a net cost of {fmt.money(-net)}" if net < 0 else "no net change")
    return (f"{horizon_text(results).capitalize()}, the service costs {fmt.money(t['cost'])} "
            f"and saves {fmt.money(t['gross_savings_within_horizon'])} in healthcare use: "
            f"{verdict}. Discounted to today’s money the net present value (NPV) is "
            f"{fmt.money(t['npv'])}; a positive NPV means the savings repay the cost.")


def plain_warnings(warnings: list[str], labels: dict[str, str]) -> list[str]:
    """The set's warnings with a leading key path (``conditions.copd.annual_saving:``)
    replaced by that input's label, for people who have never seen the YAML."""
    out = []
    for text in warnings:
        key, sep, rest = str(text).partition(": ")
        out.append(f"{labels[key]}: {rest}" if sep and key in labels else str(text))
    return out


def horizon_text(results: dict) -> str:
    """``over 5 years`` for the set's horizon."""
    return f"over {fmt.years(results['horizon_years'])}"


# --- charts ------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_chart_cache: OrderedDict[str, list] = OrderedDict()


def _tornado(s: Any, results: dict):
    """The reports' tornado chart of this set's one-way sensitivity, or None."""
    from modeller.outputs.reports import charts
    from modeller.outputs.reports.uncertainty import tornado_drawn, tornado_rows

    rows, base = tornado_rows(modeller.sensitivity(s), results)
    drawn = tornado_drawn(rows, base)
    return charts.tornado(drawn, base, f"NPV {horizon_text(results)}") if drawn else None


def chart_list(s: Any, results: dict) -> list[dict]:
    """``[{"id", "title", "svg_uri", "alt"}]``: the charts of one set, cached by hash."""
    with _cache_lock:
        if s.hash in _chart_cache:
            _chart_cache.move_to_end(s.hash)
            return _chart_cache[s.hash]
    from modeller.outputs.reports import charts

    made = [("cumulative", "Cumulative cost and gross savings by month",
             charts.cumulative(results))]
    tornado = _tornado(s, results)
    if tornado is not None:
        made.append(("tornado", "What moves the NPV most (one-way sensitivity)", tornado))
    out = [{"id": cid, "title": title, "svg_uri": chart.data_uri, "alt": chart.alt}
           for cid, title, chart in made]
    with _cache_lock:
        _chart_cache[s.hash] = out
        while len(_chart_cache) > MAX_CHART_CACHE:
            _chart_cache.popitem(last=False)
    return out


# --- scenarios ---------------------------------------------------------------------------

#: Figures compared across scenarios (a subset of the headlines).
COMPARED = ["totals.npv", "totals.net_within_horizon", "totals.cost",
            "totals.gross_savings_within_horizon", "totals.net_lifetime",
            "totals.benefit_cost_ratio", "totals.break_even_month", "totals.recovered"]


def comparison(columns: list[tuple[str, dict]]) -> dict:
    """Scenarios side by side: ``{"names", "rows": [{"key", "label", "cells"}]}``; each
    cell is ``{"value", "data_value", "text", "difference"}``, the difference (from the
    first column) formatted with its sign for money figures."""
    labels = {key: label for key, label, _ in HEADLINES}
    shows = {key: show for key, _, show in HEADLINES}
    rows = []
    for key in COMPARED:
        cells = []
        first = lookup(columns[0][1], key) if columns else None
        for i, (_name, results) in enumerate(columns):
            value = lookup(results, key)
            diff = ""
            if i and shows[key] is fmt.money and value is not None and first is not None:
                diff = fmt.money_change(value - first)
            cells.append({"value": value, "data_value": json.dumps(value),
                          "text": shows[key](value), "difference": diff})
        rows.append({"key": key, "label": labels[key], "cells": cells})
    return {"names": [name for name, _ in columns], "rows": rows}
