"""Who pays and who saves, on the Annual sheet: savings by care category and costs and
savings by budget holder, year by year, as formulas of the rows above them.

The same sharing as :mod:`modeller.model.budget`: each condition's savings in each year
split by its ``savings_split`` shares across care categories, each category's savings
going to its budget holder, savings of conditions with no split to a holder of their
own ("Savings not split by care category"); each cost line (therapy per person and per
completer, boosters as they fall, each fixed cost) to its budget holder. Nothing here
is new money: the rows add up to the totals. Written only for sets that declare
budget holders.
"""

from __future__ import annotations

import numpy as np

from ...model.budget import NOT_SPLIT, NOT_SPLIT_LABEL
from ..cells import safe_text
from .calc import Annual
from .derived import Derived, scalar
from .layout import Row
from .monthly import Calc

#: by_budget_holder.<id>.<key> -> (label, kind, row key, "horizon" | "life")
HOLDER_TOTALS = {
    "cost": ("cost within the horizon", "cost", "horizon"),
    "gross_savings_within_horizon": ("gross savings within the horizon", "saving",
                                     "horizon"),
    "gross_savings_lifetime": ("gross savings over the lifetime", "lifetime", "horizon"),
    "net_within_horizon": ("net within the horizon", "net", "horizon"),
}
HOLDER_YEARS = {"cost": "cost", "gross_savings": "saving", "net": "net"}
CATEGORY_TOTALS = {
    "gross_savings_within_horizon": ("gross savings within the horizon", "saving"),
    "gross_savings_lifetime": ("gross savings over the lifetime", "lifetime"),
}


def _sum(parts: list[str], values: list[np.ndarray], n: int) -> tuple[str, np.ndarray]:
    """A formula adding ``parts`` (or 0 times the year when there are none)."""
    if not parts:
        return "0", np.zeros(n)
    return "+".join(parts), sum(values)


def write_budget(an: Annual, calc: Calc, spec, x, ids: list[str], names: dict,
                 dv: Derived) -> dict:
    """Write the rows; returns {"holders": {id: {...rows}}, "categories": {...}}."""
    if not spec.budget_holders:
        return {}
    A, n = an.sheet, an.sheet.n
    d = dv.names
    categories = spec.care_categories or {}
    A.section("Savings by category of care (each condition's savings x its split)")
    cats = {}
    for cat_id, cat in categories.items():
        parts, values, life_parts, life_values = [], [], [], []
        for c, cid in enumerate(ids):
            split = spec.conditions[cid].savings_split or {}
            if cat_id in split:
                name = names[f"conditions.{cid}.savings_split.{cat_id}"]
                share = float(getattr(split[cat_id], "value", split[cat_id]))
                row = an.condition[cid]["saving_year"]
                parts.append(f"{row.at}*{name}")
                values.append(row.values * share)
                life = an.condition[cid]["lifetime"]
                life_parts.append(f"{life.at}*{name}")
                life_values.append(life.values * share)
        formula, value = _sum(parts, values, n)
        saving = A.row(f"{cat.label}: gross savings", "GBP", formula, value, "money",
                       total="sum")
        formula, value = _sum(life_parts, life_values, n)
        lifetime = A.row(f"{cat.label}: lifetime gross savings of each year's entrants",
                         "GBP", formula, value, "money", total="sum")
        cats[cat_id] = {"saving": saving, "lifetime": lifetime, "label": cat.label}

    A.section("Costs and savings by budget holder")
    payer = spec.costs.budget_holder
    booster = spec.costs.booster
    lines: list[tuple[str | None, Row]] = [(payer, an.per_entering)]
    if spec.costs.per_completer is not None:
        lines.append((payer, an.per_completer))
    if booster is not None and booster.cost_per_person is not None:
        lines.append((booster.budget_holder or payer, calc.booster_fall))
    uplift = 1 + scalar(x, "cost_uplift")
    holders = dict(spec.budget_holders)
    unsplit = [cid for cid in ids if not spec.conditions[cid].savings_split]
    if unsplit:
        holders[NOT_SPLIT] = NOT_SPLIT_LABEL
    out = {}
    year = an.year
    for hid, label in holders.items():
        parts = [row.at for who, row in lines if who == hid]
        values = [row.values for who, row in lines if who == hid]
        fixed = [(i, item) for i, item in enumerate(spec.costs.fixed)
                 if (item.budget_holder or payer) == hid]
        for i, item in fixed:
            parts.append(f"IF({year.at}={names[f'costs.fixed[{i}].year']},"
                         f"{names[f'costs.fixed[{i}].amount']}*(1+{d['cost_uplift']}),0)")
            values.append(np.where(year.values == item.year,
                                   float(item.amount.value) * uplift, 0.0))
        formula, value = _sum(parts, values, n)
        cost = A.row(f"{label}: costs", "GBP", formula, value, "money", total="sum")
        if hid == NOT_SPLIT:
            rows = [an.condition[cid]["saving_year"] for cid in unsplit]
            life = [an.condition[cid]["lifetime"] for cid in unsplit]
        else:
            mine = [k for k, cat in categories.items() if cat.budget_holder == hid]
            rows = [cats[k]["saving"] for k in mine]
            life = [cats[k]["lifetime"] for k in mine]
        formula, value = _sum([r.at for r in rows], [r.values for r in rows], n)
        saving = A.row(f"{label}: gross savings", "GBP", formula, value, "money",
                       total="sum")
        formula, value = _sum([r.at for r in life], [r.values for r in life], n)
        lifetime = A.row(f"{label}: lifetime gross savings of each year's entrants",
                         "GBP", formula, value, "money", total="sum")
        net = A.row(f"{label}: net", "GBP", f"{saving.at}-{cost.at}",
                    saving.values - cost.values, "money", total="sum")
        out[hid] = {"cost": cost, "saving": saving, "lifetime": lifetime, "net": net,
                    "label": label}
    return {"holders": out, "categories": cats}


def result_rows(d: dict, budget: dict) -> list[tuple]:
    """Results rows (key, label, unit, kind, formula, cached value) for the budget
    holders and care categories of the JSON results that the workbook has."""
    out = []
    if not budget:
        return out
    for item in d.get("by_budget_holder", []):
        rows = budget["holders"].get(item["id"])
        if rows is None:
            continue
        for key, (label, row, _) in HOLDER_TOTALS.items():
            if key in item:
                out.append((f"by_budget_holder.{item['id']}.{key}",
                            safe_text(f"{rows['label']}: {label}"), "GBP", "money",
                            rows[row].total, item[key]))
        for y in item.get("by_year", []):
            for key, row in HOLDER_YEARS.items():
                if key in y:
                    out.append((f"by_budget_holder.{item['id']}.by_year.{y['year']}.{key}",
                                safe_text(f"{rows['label']}: year {y['year']}: {key}"),
                                "GBP", "money", rows[row].cell(y["year"] - 1), y[key]))
    for item in d.get("by_care_category", []):
        rows = budget["categories"].get(item["id"])
        if rows is None:
            continue
        for key, (label, row) in CATEGORY_TOTALS.items():
            if key in item:
                out.append((f"by_care_category.{item['id']}.{key}",
                            safe_text(f"{rows['label']}: {label}"), "GBP", "money",
                            rows[row].total, item[key]))
    return out
