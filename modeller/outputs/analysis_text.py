"""Terminal and CSV views of the analyses (sensitivity, PSA, grid).

The analyses (:mod:`modeller.analyses`) return plain dicts; this module only formats
them for people (tables) and tools (CSV). Nothing here computes a figure.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .text import money, pence


def _value_text(v: Any, key: str | None = None, unit: str | None = None) -> str:
    if v is None:
        return "none"
    if key == "annual_saving":
        return f"x{v:.4g}"
    if unit in ("rate", "discount rate") or key == "recovery_rate":
        return f"{v:.4g}"
    if unit == "money" or key == "cost_per_person_entering":
        return f"{v:,.2f}"
    return f"{v:,.4g}"


def sensitivity_table(result: dict, currency: str = "GBP") -> str:
    """The terminal view of :func:`modeller.analyses.sensitivity.analyse`."""
    from ..analyses.sensitivity import THRESHOLD_KEYS, THRESHOLD_LABELS

    lines = [f"One-way sensitivity of NPV: {result['name']}",
             f"Base case NPV {money(result['base']['npv'], currency)}; lifetime NPV "
             f"{money(result['base'].get('npv_lifetime'), currency)}; lifetime net "
             f"(undiscounted) {money(result['base']['net_lifetime'], currency)}.",
             f"Each parameter moves to its declared range, else -/+"
             f"{result['default_range']:.0%} of its value (clipped to allowed values).",
             ""]
    header = ["Parameter", "Low", "High", "NPV at low", "NPV at high", "Swing", "Basis"]
    rows = [[r["parameter"], _value_text(r["low"], unit=r.get("unit")),
             _value_text(r["high"], unit=r.get("unit")), money(r["npv_low"], currency),
             money(r["npv_high"], currency), money(r["swing"], currency), r["basis"]]
            for r in result["tornado"]]
    lines += _grid(rows, header)
    if result.get("not_varied"):
        lines.append("")
        lines.append("Not varied:")
        by_reason: dict[str, list[str]] = {}
        for r in result["not_varied"]:
            by_reason.setdefault(r["reason"], []).append(r["parameter"])
        lines += [f"  {', '.join(names)}: {reason}"
                  for reason, names in by_reason.items()]
    lines += ["", "Break-even thresholds (solved exactly; 'none' = no allowed value "
              "breaks even)", ""]
    header = ["Parameter", "Set's value", "NPV = 0 (within horizon)",
              "Lifetime NPV = 0", "Lifetime net = 0 (undiscounted)"]
    rows = []
    for key in THRESHOLD_KEYS:
        t = result["thresholds"][key]
        current = result["current"].get(key)
        rows.append([THRESHOLD_LABELS[key],
                     "by condition" if current is None else _value_text(current, key),
                     _value_text(t["within_horizon"], key),
                     _value_text(t.get("npv_lifetime"), key),
                     _value_text(t["lifetime"], key)])
    lines += _grid(rows, header)
    lines.append("")
    lines += [f"- {n}" for n in result["notes"]]
    return "\n".join(lines) + "\n"


def _grid(rows: list[list[str]], header: list[str]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(str(c).ljust(w) if i == 0 or i == len(cells) - 1
                         else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return [line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]


def psa_table(result: dict, currency: str = "GBP") -> str:
    """The terminal view of a PSA result (:func:`modeller.analyses.psa.analyse`)."""
    from ..analyses.psa import LABELS

    def show(v, kind):
        if v is None:
            return "after horizon" if kind == "month" else "n/a"
        return {"money": lambda: money(v, currency), "pence": lambda: pence(v, currency),
                "ratio": lambda: f"{v:.2f}", "percent": lambda: f"{v:.1%}",
                "people": lambda: f"{v:,.0f}", "month": lambda: f"{v:.0f}"}[kind]()

    lines = [f"Probabilistic sensitivity analysis: {result['name']}",
             f"{result['draws']:,} draws, seed {result['seed']}; "
             f"{len(result['distributions'])} uncertain parameter(s), the rest fixed.",
             ""]
    header = ["Figure", "Mean", "5th pct", "Median", "95th pct"]
    rows = []
    for key, s in result["summary"].items():
        label, kind = LABELS.get(key, (key, "money"))
        rows.append([label] + [show(s[k], kind) for k in ("mean", "p5", "p50", "p95")])
    lines += _grid(rows, header)
    pn = result["probability_net_positive"]
    lines += ["", f"P(NPV > 0 within the horizon): {pn['within_horizon']:.1%}",
              f"P(lifetime net > 0): {pn['lifetime']:.1%}", "",
              "P(broken even by the end of year):"]
    lines.append("  " + "  ".join(f"{y}: {p:.1%}" for y, p in
                                  zip(result["years"],
                                      result["probability_broken_even_by_year"])))
    if result["drivers"]:
        r2 = result["drivers_r_squared"]
        lines += ["", "What drives the variance of NPV (linear regression, "
                  f"R^2 = {r2:.2f}):"]
        rows = [[d["parameter"], f"{d['correlation']:+.2f}",
                 f"{d['standardised_coefficient']:+.2f}",
                 f"{d['share_of_variance']:.1%}"] for d in result["drivers"]]
        lines += _grid(rows, ["Parameter", "Correlation", "Std. coefficient",
                              "Share of variance"])
    lines += ["", "Distributions:"]
    for d in result["distributions"]:
        args = ", ".join(f"{k} {v:g}" for k, v in d["parameters"].items())
        lines.append(f"  {d['parameter']}: {d['type']}({args})")
    return "\n".join(lines) + "\n"


def grid_csv(grid: dict) -> str:
    """The grid as CSV: the varied parameters, then the headline figures (unrounded;
    an empty cell is undefined, e.g. no break-even within the horizon)."""
    from .cells import cell

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([cell(c) for c in grid["columns"]])
    for row in grid["rows"]:
        writer.writerow(["" if row[c] is None else cell(row[c]) for c in grid["columns"]])
    return buf.getvalue()
