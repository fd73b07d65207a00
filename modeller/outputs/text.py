"""Text renderers of :class:`~modeller.model.results.Results`: terminal table, JSON and CSV.

They read ``Results.to_dict()`` only and never compute money; rounding happens here,
for display. Standard library only, so the CLI stays quick to start.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

YEAR_COLUMNS = ["year", "entering", "completed", "recovered", "cost", "gross_savings",
                "net", "cumulative_net", "discount_factor", "discounted_net"]
CONDITION_COLUMNS = ["id", "label", "entering", "completed", "recovered", "cost",
                     "gross_savings_within_horizon", "gross_savings_lifetime"]

#: Headline figures shown in tables and comparisons: (key path, label, kind).
HEADLINES = [
    (("totals", "entering"), "People entering treatment", "people"),
    (("totals", "recovered"), "People recovering", "people"),
    (("totals", "cost"), "Cost within horizon", "money"),
    (("totals", "gross_savings_within_horizon"), "Gross savings within horizon", "money"),
    (("totals", "net_within_horizon"), "Net within horizon", "money"),
    (("totals", "npv"), "NPV within horizon (Green Book)", "money"),
    (("totals", "gross_savings_lifetime"), "Gross savings, lifetime", "money"),
    (("totals", "net_lifetime"), "Net, lifetime (undiscounted)", "money"),
    (("totals", "npv_lifetime"), "NPV, lifetime (Green Book)", "money"),
    (("totals", "benefit_cost_ratio"), "Benefit-cost ratio (PV/PV)", "ratio"),
    (("totals", "attributable_recovered"), "Recoveries attributable to the service",
     "people"),
    (("totals", "roi"), "ROI (undiscounted)", "percent"),
    (("totals", "cost_per_recovery"), "Cost per recovery (undiscounted)", "pence"),
    (("totals", "break_even_month"), "Break-even month (undiscounted)", "month"),
    (("per_person_entering", "net"), "Net per person entering", "pence"),
    (("per_person_entering", "payback_months"), "Cohort payback (months)", "months"),
]


def money(value: float | None, currency: str = "GBP") -> str:
    """GBP 1,234,567 (rounded to the pound for display)."""
    if value is None:
        return "n/a"
    sign = "-" if round(value) < 0 else ""
    return f"{sign}{currency} {abs(value):,.0f}"


def pence(value: float | None, currency: str = "GBP") -> str:
    """GBP 662.50: per-person figures keep their pence."""
    if value is None:
        return "n/a"
    sign = "-" if round(value, 2) < 0 else ""
    return f"{sign}{currency} {abs(value):,.2f}"


def fmt(value: Any, kind: str, currency: str = "GBP") -> str:
    if value is None:
        return "none" if kind == "month" else "n/a"
    if kind == "money":
        return money(value, currency)
    if kind == "pence":  # a per-person unit figure
        return pence(value, currency)
    if kind == "people":
        return f"{value:,.0f}"
    if kind == "percent":
        return f"{value:.1%}"
    if kind == "ratio":
        return f"{value:.2f}"
    if kind == "months":
        return f"{value:.1f}"
    if kind == "month":
        return f"month {value}"
    return str(value)


def get(d: dict, path: tuple) -> Any:
    for key in path:
        d = d[key]
    return d


def _grid(rows: list[list[str]], header: list[str], align_left: int = 1) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    def line(cells):
        return "  ".join(str(c).ljust(w) if i < align_left else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(header), line(["-" * w for w in widths])]
                     + [line(r) for r in rows])


def table(d: dict) -> str:
    """The terminal summary of one run."""
    cur = d["currency"]
    price_year = d["price_year"] if d["price_year"] is not None else "not stated in source"
    pp = d["per_person_entering"]
    out = [
        f"{d['name']}  (sha256 {d['hash'][:12]}, modeller {d['tool_version']})",
        f"Currency {cur}, price year {price_year}; horizon {d['horizon_years']} years; "
        f"savings apply to people who are {d['savings_apply_to']}; benefit lasts "
        f"{d['benefit_months']:g} months.",
        "",
        "One person entering treatment (cohort view, undiscounted, lifetime):",
        f"  probability of recovery {pp['probability_recovered']:.2f}; gross saving "
        f"{pence(pp['gross_saving'], cur)}; cost {pence(pp['cost'], cur)}; net "
        f"{pence(pp['net'], cur)}; payback "
        + (f"{pp['payback_months']:.1f} months after the month of entry"
           if pp["payback_months"] is not None else "never (savings do not repay cost)"),
        "",
        "Running service (whole horizon):",
    ]
    rows = [[label, fmt(get(d, path), kind, cur)] for path, label, kind in HEADLINES
            if path[0] == "totals"]
    out.append(_grid(rows, ["figure", "value"]))
    out += ["", "By year:"]
    rows = [[str(y["year"]), f"{y['entering']:,.0f}", f"{y['recovered']:,.0f}",
             money(y["cost"], cur), money(y["gross_savings"], cur), money(y["net"], cur),
             money(y["cumulative_net"], cur), f"{y['discount_factor']:.4f}",
             money(y["discounted_net"], cur)] for y in d["by_year"]]
    out.append(_grid(rows, ["year", "entering", "recovered", "cost", "gross savings",
                            "net", "cumulative net", "discount", "discounted net"]))
    out += ["", "By condition (within horizon unless lifetime):"]
    rows = [[c["label"], f"{c['entering']:,.0f}", f"{c['recovered']:,.0f}",
             money(c["cost"], cur), money(c["gross_savings_within_horizon"], cur),
             money(c["gross_savings_lifetime"], cur)] for c in d["by_condition"]]
    out.append(_grid(rows, ["condition", "entering", "recovered", "cost",
                            "gross savings", "lifetime savings"]))
    if d.get("by_budget_holder"):
        out += ["", "Who pays and who saves (within horizon unless lifetime):"]
        rows = [[b["label"], money(b["cost"], cur),
                 money(b["gross_savings_within_horizon"], cur),
                 money(b["net_within_horizon"], cur),
                 money(b["gross_savings_lifetime"], cur)] for b in d["by_budget_holder"]]
        out.append(_grid(rows, ["budget holder", "cost", "gross savings", "net",
                                "lifetime savings"]))
    out += ["", "NPV: " + d["discount_convention"]]
    years = (d.get("appraisal") or {}).get("price_years") or {}
    if years.get("acknowledged"):
        out.append("Price years: " + years["acknowledged"])
    return "\n".join(out) + "\n"


def to_json(d: Any) -> str:
    """Deterministic JSON text (keys in contract order, unrounded numbers). A NaN or
    infinity would not be JSON: it raises ``ValueError`` (a defect) instead."""
    return json.dumps(d, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def csv_table(rows: list[dict], columns: list[str]) -> str:
    """CSV text: unrounded numbers (``repr``), empty cells for None, and every text cell
    protected against formula injection (:func:`modeller.outputs.cells.cell`)."""
    from .cells import cell

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([cell(c) for c in columns])
    for row in rows:
        writer.writerow(["" if row.get(k) is None else repr(row[k])
                         if isinstance(row.get(k), float) else cell(row[k])
                         for k in columns])
    return buf.getvalue()


def by_year_csv(d: dict) -> str:
    return csv_table(d["by_year"], YEAR_COLUMNS)


def by_condition_csv(d: dict) -> str:
    return csv_table(d["by_condition"], CONDITION_COLUMNS)


BUDGET_COLUMNS = ["id", "label", "cost", "gross_savings_within_horizon",
                  "gross_savings_lifetime", "net_within_horizon"]
BUDGET_YEAR_COLUMNS = ["id", "label", "year", "cost", "gross_savings", "net"]
CATEGORY_COLUMNS = ["id", "label", "budget_holder", "gross_savings_within_horizon",
                    "gross_savings_lifetime"]


def _by_budget_holder_year(d: dict) -> list[dict]:
    return [dict(row, id=b["id"], label=b["label"]) for b in d["by_budget_holder"]
            for row in b["by_year"]]


def _by_month(d: dict) -> list[dict]:
    m = d["by_month"]
    return [{"month": i + 1, "cumulative_cost": cost, "cumulative_gross_savings": saving}
            for i, (cost, saving) in enumerate(zip(m["cumulative_cost"],
                                                   m["cumulative_gross_savings"]))]


#: The tables ``modeller run --format csv --table NAME`` can print, one per stream:
#: name -> (rows of a run's ``to_dict()``, columns, what one row is).
CSV_TABLES = {
    "by_year": (lambda d: d["by_year"], YEAR_COLUMNS, "one row per year"),
    "by_condition": (lambda d: d["by_condition"], CONDITION_COLUMNS,
                     "one row per condition, within the horizon unless lifetime"),
    "by_budget_holder": (lambda d: d["by_budget_holder"], BUDGET_COLUMNS,
                         "one row per budget holder (empty when the set declares none)"),
    "by_budget_holder_year": (_by_budget_holder_year, BUDGET_YEAR_COLUMNS,
                              "one row per budget holder and year"),
    "by_care_category": (lambda d: d["by_care_category"], CATEGORY_COLUMNS,
                         "one row per care category (empty when the set declares none)"),
    "by_month": (_by_month, ["month", "cumulative_cost", "cumulative_gross_savings"],
                 "one row per month: cumulative cost and gross savings at its end"),
    "cost_lines": (lambda d: d["cost_lines"], ["label", "total"],
                   "one row per cost line, within the horizon"),
}


def table_csv(d: dict, name: str) -> str:
    """One table of a run as CSV (see :data:`CSV_TABLES`)."""
    rows, columns, _ = CSV_TABLES[name]
    return csv_table(rows(d), columns)


def compare_dict(runs: list[dict]) -> dict:
    """Headline figures of several runs with their differences from the first."""
    base = runs[0]
    rows = []
    for path, label, kind in HEADLINES:
        values = [get(r, path) for r in runs]
        first = values[0]
        diffs = [None if v is None or first is None else v - first for v in values]
        rows.append({"figure": ".".join(path), "label": label, "kind": kind,
                     "values": values, "difference_from_first": diffs})
    return {"base": base["name"], "scenarios": [r["name"] for r in runs],
            "hashes": [r["hash"] for r in runs], "headlines": rows,
            "results": runs}


def compare_table(c: dict) -> str:
    names = c["scenarios"]
    header = ["figure", *names, *[f"{n} - {names[0]}" for n in names[1:]]]
    rows = []
    for row in c["headlines"]:
        kind = row["kind"]
        cells = [row["label"], *[fmt(v, kind) for v in row["values"]]]
        for diff in row["difference_from_first"][1:]:
            if diff is None:
                cells.append("n/a")
            elif kind == "month":
                cells.append(f"{diff:+d} months")
            elif kind in ("money", "pence"):
                show = money if kind == "money" else pence
                cells.append(("+" if diff >= 0 else "-") + show(abs(diff)))
            else:
                cells.append(("+" if diff >= 0 else "") + fmt(diff, kind))
        rows.append(cells)
    return _grid(rows, header) + "\n"


def compare_csv(c: dict) -> str:
    names = c["scenarios"]
    columns = ["figure", *names, *[f"{n} - {names[0]}" for n in names[1:]]]
    rows = []
    for row in c["headlines"]:
        rows.append(dict(zip(columns, [row["figure"], *row["values"],
                                       *row["difference_from_first"][1:]])))
    return csv_table(rows, columns)
