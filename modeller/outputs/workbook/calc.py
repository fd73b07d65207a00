"""The Annual and Monthly calculation sheets: the model's arithmetic as formulas.

The same steps as :mod:`modeller.model.engine` (see docs/method.md), laid out as a
financial model: by year of entry on *Annual* (the funnel per condition, costs per
person and fixed costs, discount factors), month by month on *Monthly* (entries spread
evenly over their year's 12 months, each beneficiary saving annual_saving/12 a month
for B months from the month after entry + treatment months, a fractional last month
pro rata; boosters k months after entry), and back on *Annual* the years' costs,
savings, net and discounted figures summed from the months.

A beneficiary entering in month m saves in month n when 1 <= n - m - T <= F (whole
months, F = INT(B)) and the fraction B - F when n - m - T = F + 1, so month n's saving
is annual/12 x (cum(n-T-1) - cum(n-T-F-1) + (B-F) x entering(n-T-F-1)) where cum is
the running total of beneficiaries by entry month. Each cell caches the model's figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .derived import Derived
from .layout import Formats, Row, TimeSheet

ANNUAL, MONTHLY = "Annual", "Monthly"


@dataclass
class Calc:
    """The rows the Results sheet reads."""

    year: Row
    factor: Row
    entering: Row
    completed: Row
    recovered: Row
    lifetime: Row
    booster_entry: Row
    booster_fall: Row
    cost: Row
    savings: Row
    net: Row
    cumulative: Row
    discounted_net: Row
    pv_cost: Row
    pv_savings: Row
    reached: Row
    condition: dict


def _take(row: np.ndarray, k: np.ndarray) -> np.ndarray:
    """row[k-1] where k >= 1, else 0 (INDEX with a lag)."""
    out = np.zeros(len(k))
    ok = k >= 1
    out[ok] = row[k[ok] - 1]
    return out


def _sum_refs(rows: list[Row]) -> str:
    return "+".join(r.at for r in rows)


def write_calc(a_ws, m_ws, fmt: Formats, spec, x, arrays, ids, labels,
               names: dict[str, str], lists: dict[str, str], dv: Derived) -> Calc:
    h, months = x.horizon, 12 * x.horizon
    d = dv.names
    A = TimeSheet(a_ws, ANNUAL, h, fmt, "Annual calculation: by year (year 1 = the "
                  "first 12 months)", "Year")
    M = TimeSheet(m_ws, MONTHLY, months, fmt, "Monthly calculation: entries, savings "
                  "and costs month by month", "Month")
    year = A.period_row("Year")

    # --- Discounting (HM Treasury Green Book: year 1 undiscounted) -----------------
    A.section("Discounting (HM Treasury Green Book: year 1 is undiscounted)")
    df = arrays.discount_factor[0]
    rate = spec.discount_rate
    if rate.schedule:
        steps = []
        for i, step in enumerate(rate.schedule):
            f = names[f"discount_rate.schedule[{i}].from_year"]
            steps.append(A.row(f"Schedule step {i + 1}: first year, if in force by "
                               "this year (else 0)", "year", f"IF({f}<={year.at},{f},0)",
                               np.where(step.from_year <= year.values, step.from_year, 0),
                               "count"))
        latest = A.row("First year of the step in force", "year",
                       f"MAX({steps[0].at}:{steps[-1].at})",
                       np.max([s.values for s in steps], axis=0), "count")
        parts = ",".join(f"IF({names[f'discount_rate.schedule[{i}].from_year']}="
                         f"{latest.at},{names[f'discount_rate.schedule[{i}].rate']},0)"
                         for i in range(len(rate.schedule)))
        rates = np.zeros(h)
        for s in sorted((s.from_year, s.rate) for s in rate.schedule):
            rates[s[0] - 1:] = s[1]
        in_force = A.row("Discount rate in force", "fraction/year", f"MAX({parts})",
                         rates, "fraction")
        step = A.row("Discount from the previous year (year 1: none)", "-",
                     f"IF({year.at}>1,1/(1+{in_force.at}),1)",
                     np.where(year.values > 1, 1 / (1 + rates), 1.0), "factor")
        factor = A.row("Discount factor (Green Book)", "-",
                       f"PRODUCT(${step.rng.split(':')[0][1:]}:{step.at})", df, "factor")
    else:
        in_force = A.row("Discount rate", "fraction/year", names["discount_rate"],
                         np.full(h, rate.value), "fraction")
        factor = A.row("Discount factor (Green Book): 1/(1+rate)^(year-1)", "-",
                       f"1/(1+{in_force.at})^({year.at}-1)", df, "factor")

    # --- The funnel, by year of entry ------------------------------------------------
    A.section("People entering, completing and recovering (by year of entry)")
    if "activity.entering_treatment" in lists:
        formula = f"INDEX({lists['activity.entering_treatment']},{year.at},1)"
    else:
        formula = names["activity.entering_treatment"]
    volume = A.row("People entering treatment", "people", formula, x.entering[0],
                   "people", total="sum")
    apply_to = spec.outcomes.savings_apply_to
    cond = {}
    for c, cid in enumerate(ids):
        dc = dv.condition[cid]
        ent = A.row(f"{labels[c]}: entering", "people",
                    f"{volume.at}*{names[f'conditions.{cid}.share']}",
                    arrays.entering[0, :, c], "people", total="sum")
        comp = A.row(f"{labels[c]}: completing", "people",
                     f"{ent.at}*{dc['completion']}", arrays.completed[0, :, c],
                     "people", total="sum")
        rec = A.row(f"{labels[c]}: recovering", "people", f"{comp.at}*{dc['recovery']}",
                    arrays.recovered[0, :, c], "people", total="sum")
        ben_src = {"recovered": rec, "completed": comp, "entering": ent}[apply_to]
        ben = A.row(f"{labels[c]}: beneficiaries (savings apply to the {apply_to})",
                    "people", ben_src.at, ben_src.values, "people", total="sum")
        cond[cid] = {"entering": ent, "completed": comp, "recovered": rec, "ben": ben}
    entering = A.row("All conditions: entering", "people",
                     _sum_refs([v["entering"] for v in cond.values()]),
                     arrays.entering[0].sum(axis=1), "people", total="sum", bold=True)
    completed = A.row("All conditions: completing", "people",
                      _sum_refs([v["completed"] for v in cond.values()]),
                      arrays.completed[0].sum(axis=1), "people", total="sum", bold=True)
    recovered = A.row("All conditions: recovering", "people",
                      _sum_refs([v["recovered"] for v in cond.values()]),
                      arrays.recovered[0].sum(axis=1), "people", total="sum", bold=True)

    A.section("Costs by year of entry, and fixed costs")
    per_entering = A.row("Therapy: per person entering", "GBP",
                         f"{entering.at}*{names['costs.per_person_entering']}",
                         arrays.cost_entering_by_year[0], "money", total="sum")
    per_completer = A.row("Therapy: extra per person completing", "GBP",
                          f"{completed.at}*{d['per_completer']}",
                          arrays.cost_completer_by_year[0], "money", total="sum")
    booster_year = (arrays.recovered[0].sum(axis=1) * float(x.booster_share[0])
                    * float(x.booster_cost[0]))
    booster_entry = A.row("Boosters for this year's entrants (they fall booster months "
                          "after entry)", "GBP",
                          f"{recovered.at}*{d['booster_share']}*{d['booster_cost']}",
                          booster_year, "money", total="sum")
    fixed = A.row("Fixed costs falling in this year", "GBP",
                  f"SUMIF({dv.fixed_years},{year.at},{dv.fixed_amounts})", x.fixed[0],
                  "money", total="sum")

    A.section("Lifetime gross savings of each year's entrants (all B months, "
              "undiscounted)")
    life_rows = []
    for c, cid in enumerate(ids):
        flow = arrays.recovered if apply_to == "recovered" else (
            arrays.completed if apply_to == "completed" else arrays.entering)
        values = flow[0, :, c] * x.annual_saving[0, c] * x.benefit_months[0] / 12.0
        life_rows.append(A.row(
            f"{labels[c]}: lifetime gross savings", "GBP",
            f"{cond[cid]['ben'].at}*{names[f'conditions.{cid}.annual_saving']}*"
            f"{d['b']}/{d['mpy']}", values, "money", total="sum"))
    lifetime = A.row("All conditions: lifetime gross savings", "GBP",
                     _sum_refs(life_rows), sum(r.values for r in life_rows), "money",
                     total="sum", bold=True)

    # --- Month by month --------------------------------------------------------------
    month = M.period_row("Month")
    myear = M.row("Year of this month", "year", f"INT(({month.at}-1)/{d['mpy']})+1",
                  (month.values - 1) // 12 + 1, "count")
    T, F = x.treatment_months, int(np.floor(x.benefit_months[0]))
    frac = float(x.benefit_months[0]) - F
    lag1 = M.row("Entry month whose people have their latest whole month of saving now "
                  "(month - treatment months - 1)", "month",
                  f"{month.at}-{names['activity.treatment_months']}-1",
                  month.values - T - 1, "count")
    lag2 = M.row("Entry month whose people have their last, part month now "
                 "(the above - whole months of saving)", "month",
                 f"{lag1.at}-{d['bfull']}", month.values - T - 1 - F, "count")
    k1, k2 = lag1.values.astype(int), lag2.values.astype(int)
    M.section("Savings by condition (entries spread evenly over each year's 12 months)")
    saving_rows = []
    for c, cid in enumerate(ids):
        ben_y = cond[cid]["ben"]
        ben_m = np.repeat(ben_y.values / 12.0, 12)
        ben = M.row(f"{labels[c]}: beneficiaries entering this month", "people",
                    f"INDEX({ben_y.xrng},1,{myear.at})/{d['mpy']}", ben_m, "people",
                    total="sum")
        cum = M.row(f"{labels[c]}: beneficiaries entered so far", "people",
                    f"SUM(#~,{ben.at})", np.cumsum(ben_m), "people", total="last")
        saving = (float(x.annual_saving[0, c]) / 12.0
                  * (_take(cum.values, k1) - _take(cum.values, k2)
                     + frac * _take(ben_m, k2)))
        sav = M.row(
            f"{labels[c]}: gross savings this month", "GBP",
            f"{names[f'conditions.{cid}.annual_saving']}/{d['mpy']}*("
            f"IF({lag1.at}>=1,INDEX({cum.rng},1,{lag1.at}),0)"
            f"-IF({lag2.at}>=1,INDEX({cum.rng},1,{lag2.at}),0)"
            f"+{d['bpart']}*IF({lag2.at}>=1,INDEX({ben.rng},1,{lag2.at}),0))",
            saving, "money", total="sum")
        saving_rows.append(sav)
        cond[cid]["saving_month"] = sav
    msav = M.row("All conditions: gross savings this month", "GBP",
                 _sum_refs(saving_rows), sum(r.values for r in saving_rows), "money",
                 total="sum", bold=True)
    cum_sav = M.row("Cumulative gross savings", "GBP", f"SUM(#~,{msav.at})",
                    np.cumsum(msav.values), "money", total="last")

    M.section("Costs: per person in the month of entry, fixed costs evenly over their "
              "year, boosters booster months after entry")
    therapy = M.row("Therapy and fixed costs this month", "GBP",
                    f"(INDEX({per_entering.xrng},1,{myear.at})+INDEX({per_completer.xrng},"
                    f"1,{myear.at})+INDEX({fixed.xrng},1,{myear.at}))/{d['mpy']}",
                    np.repeat((per_entering.values + per_completer.values
                               + fixed.values) / 12.0, 12), "money", total="sum")
    b_entry = M.row("Boosters of this month's entrants", "GBP",
                    f"INDEX({booster_entry.xrng},1,{myear.at})/{d['mpy']}",
                    np.repeat(booster_entry.values / 12.0, 12), "money", total="sum")
    k = int(x.booster_months)
    b_lag = M.row("Entry month whose boosters fall now (month - booster months)",
                  "month", f"{month.at}-{d['booster_months']}", month.values - k, "count")
    b_fall = M.row("Booster costs this month", "GBP",
                   f"IF({b_lag.at}>=1,INDEX({b_entry.rng},1,{b_lag.at}),0)",
                   _take(b_entry.values, b_lag.values.astype(int)), "money", total="sum")
    mcost = M.row("All costs this month", "GBP", f"{therapy.at}+{b_fall.at}",
                  therapy.values + b_fall.values, "money", total="sum", bold=True)
    cum_cost = M.row("Cumulative costs", "GBP", f"SUM(#~,{mcost.at})",
                     np.cumsum(mcost.values), "money", total="last")

    M.section("Break-even: the first month whose cumulative savings reach cumulative "
              "costs")
    scale_v = np.maximum(np.abs(cum_cost.values), np.abs(cum_sav.values))
    scale = M.row("Scale of the comparison", "GBP",
                  f"MAX(ABS({cum_cost.at}),ABS({cum_sav.at}))", scale_v, "money")
    reached_v = ((cum_sav.values >= cum_cost.values - 1e-12 * scale_v)
                 & (scale_v > 1e-9)).astype(float)
    reached = M.row("Savings have reached costs (1 = yes)", "-",
                    f"IF(AND({scale.at}>{d['atol']},{cum_sav.at}>={cum_cost.at}-"
                    f"{d['rtol']}*{scale.at}),1,0)", reached_v, "count")
    M.finish()

    # --- Back to years: what falls in each year --------------------------------------
    A.section("Costs and savings falling in each year (summed from Monthly)")

    def by_year(label, monthly: Row, bold=False) -> Row:
        return A.row(label, "GBP", f"SUMIF({myear.xrng},{year.at},{monthly.xrng})",
                     monthly.values.reshape(h, 12).sum(axis=1), "money", total="sum",
                     bold=bold)
    for c, cid in enumerate(ids):
        cond[cid]["saving_year"] = by_year(f"{labels[c]}: gross savings",
                                           cond[cid]["saving_month"])
    savings = by_year("Gross savings", msav, bold=True)
    booster_fall = by_year("Booster costs falling in this year", b_fall)
    cost = by_year("Costs", mcost, bold=True)
    net = A.row("Net (gross savings - costs)", "GBP", f"{savings.at}-{cost.at}",
                savings.values - cost.values, "money", total="sum", bold=True)
    cumulative = A.row("Cumulative net", "GBP", f"SUM(#~,{net.at})",
                       np.cumsum(net.values), "money", total="last")
    A.section("Present values (Green Book discount factors)")
    discounted_net = A.row("Discounted net", "GBP", f"{net.at}*{factor.at}",
                           net.values * factor.values, "money", total="sum", bold=True)
    pv_cost = A.row("Discounted costs", "GBP", f"{cost.at}*{factor.at}",
                    cost.values * factor.values, "money", total="sum")
    pv_savings = A.row("Discounted gross savings", "GBP", f"{savings.at}*{factor.at}",
                       savings.values * factor.values, "money", total="sum")
    A.finish()
    return Calc(year=year, factor=factor, entering=entering, completed=completed,
                recovered=recovered, lifetime=lifetime, booster_entry=booster_entry,
                booster_fall=booster_fall, cost=cost, savings=savings, net=net,
                cumulative=cumulative, discounted_net=discounted_net, pv_cost=pv_cost,
                pv_savings=pv_savings, reached=reached, condition=cond)
