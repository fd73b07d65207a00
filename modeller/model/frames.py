"""The results of one run as pandas DataFrames, for analysts (``Results.frames()``).

Built from the JSON contract (``Results.to_dict()``), so every figure is the one the
CLI, CSV and reports show. pandas is imported only when frames are asked for.
"""

from __future__ import annotations

#: Units of result columns by name [unit]; columns not listed are labels or ids.
UNITS = {
    "year": "year", "month": "month", "entering": "people", "completed": "people",
    "recovered": "people", "cost": "GBP", "gross_savings": "GBP", "net": "GBP",
    "cumulative_net": "GBP", "discount_factor": "factor", "discounted_net": "GBP",
    "cumulative_cost": "GBP", "cumulative_gross_savings": "GBP", "annual_saving":
    "GBP/year per beneficiary", "total": "GBP", "benefit_cost_ratio": "ratio",
    "roi": "ratio", "break_even_month": "month", "payback_months": "months",
    "probability_recovered": "fraction", "gross_saving": "GBP/person",
    "attributable_recovered": "people", "pv_attributable_recovered": "people",
    "probability_attributable": "fraction", "cash_terms_index": "factor",
    "benefit_cost_ratio_lifetime": "ratio", "benefit_cost_ratio_undiscounted": "ratio",
}


def _unit(column: str) -> str:
    if column in UNITS:
        return UNITS[column]
    if column.startswith(("cost", "gross_savings", "net", "npv", "pv_")) or \
            column.endswith(("_cost", "_savings", "_net")):
        return "GBP"
    return ""


def _frame(rows, index: str | None = None):
    import pandas as pd

    df = pd.DataFrame(rows)
    if index and index in df.columns:
        df = df.set_index(index)
    df.attrs["units"] = {c: _unit(c) for c in df.columns if _unit(c)}
    return df


def to_frames(d: dict) -> dict:
    """DataFrames of a results dict (see :meth:`Results.frames`)."""
    months = d["by_month"]
    by_month = [{"month": i + 1, "cumulative_cost": c, "cumulative_gross_savings": s}
                for i, (c, s) in enumerate(zip(months["cumulative_cost"],
                                               months["cumulative_gross_savings"]))]
    holders = [{k: v for k, v in b.items() if k != "by_year"}
               for b in d.get("by_budget_holder", [])]
    holder_years = [{"budget_holder": b["id"], **y}
                    for b in d.get("by_budget_holder", []) for y in b["by_year"]]
    return {
        "totals": _frame([d["totals"]]),
        "per_person_entering": _frame([d["per_person_entering"]]),
        "by_year": _frame(d["by_year"], "year"),
        "by_month": _frame(by_month, "month"),
        "by_condition": _frame(d["by_condition"], "id"),
        "by_budget_holder": _frame(holders, "id"),
        "by_budget_holder_year": _frame(holder_years),
        "by_care_category": _frame(d.get("by_care_category", []), "id"),
        "cost_lines": _frame(d.get("cost_lines", [])),
        "financial_by_year": _frame((d.get("financial") or {}).get("by_year", []), "year"),
        "options": _frame((d.get("appraisal") or {}).get("options", [])),
    }
