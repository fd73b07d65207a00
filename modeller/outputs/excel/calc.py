"""The Annual calculation sheet by year of entry: discounting, the funnel and costs.

The same steps as :mod:`modeller.model` (see docs/method.md), laid out as a financial
model, one column per year: the Green Book discount factor, people entering,
completing and recovering per condition (and, net of the counterfactual, those the
service is credited with), the costs of each year's entrants (per person, per
completer, boosters) and fixed costs, each with the optimism-bias uplift, and each
year's entrants' lifetime savings. Columns run past the horizon for the years in which
its cohorts still save; nobody enters then. :mod:`.monthly` spreads all this over the
months and brings the years' figures back here. Each cell caches the model's figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import model
from .derived import Derived, lifetime_years, per_condition, scalar
from .layout import Formats, Row, TimeSheet, sum_refs

ANNUAL = "Annual"


@dataclass
class Annual:
    """The rows the Monthly sheet and the Results read."""

    sheet: TimeSheet
    year: Row
    factor: Row
    entering: Row
    completed: Row
    recovered: Row
    attributable: Row
    lifetime: Row
    per_entering: Row
    per_completer: Row
    booster_entry: Row
    fixed: Row
    condition: dict
    volume: Row


def _pad(values, n: int) -> np.ndarray:
    """Per-year figures of the horizon, with zeros for the years after it."""
    values = np.asarray(values, float)
    return np.concatenate([values, np.zeros(n - len(values))])


def _discounting(A: TimeSheet, spec, names: dict, year: Row, n: int) -> Row:
    """Rows for the discount rate in force and the Green Book factor; returns the
    factor row. Year 1 is undiscounted; year t is 1/(1+r)^(t-1), or the product of
    each year's 1/(1+r) for a schedule (HM Treasury Green Book, 2022)."""
    rate = spec.discount_rate
    A.section("Discounting (HM Treasury Green Book: year 1 is undiscounted)")
    if not rate.schedule:
        df = model.discount_factors(n, [(1, rate.value)])
        in_force = A.row("Discount rate", "fraction/year", names["discount_rate"],
                         np.full(n, rate.value), "fraction")
        return A.row("Discount factor (Green Book): 1/(1+rate)^(year-1)", "-",
                     f"1/(1+{in_force.at})^({year.at}-1)", df, "factor")
    steps = [(s.from_year, s.rate) for s in rate.schedule]
    df = model.discount_factors(n, steps)
    rows = []
    for i, (first, _) in enumerate(steps):
        f = names[f"discount_rate.schedule[{i}].from_year"]
        rows.append(A.row(f"Schedule step {i + 1}: its first year, once in force "
                          "(else 0)", "year", f"IF({f}<={year.at},{f},0)",
                          np.where(first <= year.values, first, 0), "count"))
    latest = A.row("First year of the step in force", "year",
                   f"MAX({rows[0].at}:{rows[-1].at})",
                   np.max([r.values for r in rows], axis=0), "count")
    parts = ",".join(f"IF({names[f'discount_rate.schedule[{i}].from_year']}={latest.at},"
                     f"{names[f'discount_rate.schedule[{i}].rate']},0)"
                     for i in range(len(steps)))
    rates = np.zeros(n)
    for first, r in sorted(steps):
        rates[first - 1:] = r
    in_force = A.row("Discount rate in force", "fraction/year", f"MAX({parts})", rates,
                     "fraction")
    step = A.row("Discount from the previous year (year 1: none)", "-",
                 f"IF({year.at}>1,1/(1+{in_force.at}),1)",
                 np.where(year.values > 1, 1 / (1 + rates), 1.0), "factor")
    first_cell = step.rng.split(":")[0]
    return A.row("Discount factor (Green Book)", "-", f"PRODUCT({first_cell}:{step.at})",
                 df, "factor")


def write_annual(ws, fmt: Formats, spec, x, arrays, ids, labels, names: dict,
                 lists: dict, dv: Derived) -> Annual:
    h, n = x.horizon, lifetime_years(x)
    d = dv.names
    A = TimeSheet(ws, ANNUAL, n, h, fmt, "Annual calculation: by year (year 1 = the "
                  "first 12 months)", "Year")
    year = A.period_row("Year")
    factor = _discounting(A, spec, names, year, n)

    A.section("People entering, completing and recovering (by year of entry)")
    horizon = names["horizon_years"]
    if "activity.entering_treatment" in lists:
        formula = (f"IF({year.at}<={horizon},"
                   f"INDEX({lists['activity.entering_treatment']},{year.at},1),0)")
    else:
        formula = f"IF({year.at}<={horizon},{names['activity.entering_treatment']},0)"
    volume = A.row("People entering treatment (none after the horizon)", "people",
                   formula, _pad(x.entering[0], n), "people", total="sum")
    apply_to = spec.outcomes.savings_apply_to
    cfs = per_condition(x, "counterfactual")
    reduction, uplift = scalar(x, "savings_reduction"), scalar(x, "cost_uplift")
    cond = {}
    for c, cid in enumerate(ids):
        dc = dv.condition[cid]
        ent = A.row(f"{labels[c]}: entering", "people",
                    f"{volume.at}*{names[f'conditions.{cid}.share']}",
                    _pad(arrays.entering[0, :, c], n), "people", total="sum")
        comp = A.row(f"{labels[c]}: completing", "people",
                     f"{ent.at}*{dc['completion']}", _pad(arrays.completed[0, :, c], n),
                     "people", total="sum")
        rec = A.row(f"{labels[c]}: recovering", "people", f"{comp.at}*{dc['recovery']}",
                    _pad(arrays.recovered[0, :, c], n), "people", total="sum")
        anyway = A.row(f"{labels[c]}: would have recovered without the service", "people",
                       f"{ent.at}*{dc['counterfactual']}", ent.values * cfs[c], "people",
                       total="sum")
        attr = A.row(f"{labels[c]}: recoveries credited to the service", "people",
                     f"MAX({rec.at}-{anyway.at},0)",
                     np.maximum(rec.values - anyway.values, 0.0), "people", total="sum")
        src = {"recovered": rec, "completed": comp, "entering": ent}[apply_to]
        ben = A.row(f"{labels[c]}: beneficiaries (the {apply_to}, less those who would "
                    "have recovered anyway)", "people", f"MAX({src.at}-{anyway.at},0)",
                    np.maximum(src.values - anyway.values, 0.0), "people", total="sum")
        cond[cid] = {"entering": ent, "completed": comp, "recovered": rec,
                     "attributable": attr, "ben": ben}
    totals = {}
    for key, label in (("entering", "entering"), ("completed", "completing"),
                       ("recovered", "recovering"),
                       ("attributable", "recoveries credited to the service")):
        rows = [v[key] for v in cond.values()]
        totals[key] = A.row(f"All conditions: {label}", "people", sum_refs(rows),
                            sum(r.values for r in rows), "people", total="sum", bold=True)

    A.section("Costs by year of entry, and fixed costs (with the optimism-bias uplift)")
    up = f"(1+{d['cost_uplift']})"
    per_entering = A.row("Therapy: per person entering", "GBP",
                         f"{totals['entering'].at}*{names['costs.per_person_entering']}*{up}",
                         _pad(arrays.cost_entering_by_year[0], n), "money", total="sum")
    per_completer = A.row("Therapy: extra per person completing", "GBP",
                          f"{totals['completed'].at}*{d['per_completer']}*{up}",
                          _pad(arrays.cost_completer_by_year[0], n), "money", total="sum")
    booster = A.row("Boosters for this year's entrants (they fall booster months after "
                    "entry)", "GBP", f"{totals['recovered'].at}*{d['booster_share']}*"
                    f"{d['booster_cost']}*{up}",
                    totals["recovered"].values * scalar(x, "booster_share")
                    * scalar(x, "booster_cost") * (1 + uplift), "money", total="sum")
    fixed = A.row("Fixed costs falling in this year", "GBP",
                  f"SUMIF({dv.fixed_years},{year.at},{dv.fixed_amounts})*{up}",
                  _pad(x.fixed[0], n) * (1 + uplift), "money", total="sum")

    A.section("Lifetime gross savings of each year's entrants (all B months, "
              "undiscounted, with the optimism-bias reduction)")
    life_rows = []
    for c, cid in enumerate(ids):
        ben = cond[cid]["ben"]
        life_rows.append(A.row(
            f"{labels[c]}: lifetime gross savings", "GBP",
            f"{ben.at}*{names[f'conditions.{cid}.annual_saving']}*{d['b']}/{d['mpy']}*"
            f"(1-{d['savings_reduction']})",
            ben.values * x.annual_saving[0, c] * x.benefit_months[0] / 12.0
            * (1 - reduction), "money", total="sum"))
        cond[cid]["lifetime"] = life_rows[-1]
    lifetime = A.row("All conditions: lifetime gross savings", "GBP",
                     sum_refs(life_rows), sum(r.values for r in life_rows), "money",
                     total="sum", bold=True)
    return Annual(sheet=A, year=year, factor=factor, entering=totals["entering"],
                  completed=totals["completed"], recovered=totals["recovered"],
                  attributable=totals["attributable"], lifetime=lifetime,
                  per_entering=per_entering, per_completer=per_completer,
                  booster_entry=booster, fixed=fixed, condition=cond, volume=volume)
