"""The Monthly calculation sheet, and the years' costs and savings summed from it.

Entries of a year are spread evenly over its 12 months. A beneficiary entering in month
m saves annual_saving/12 (less the optimism-bias reduction) in each month n with
1 <= n - m - D <= F, D the months before savings start (treatment months plus any
optimism-bias delay) and F = INT(B) the whole months of benefit, and the fraction
B - F of a month when n - m - D = F + 1. So month n's saving is
annual/12 x (cum(n-D-1) - cum(n-D-F-1) + (B-F) x entering(n-D-F-1)), cum being the
running total of beneficiaries by entry month, read with INDEX. Per-person costs fall
in the month of entry, fixed costs evenly over their year, boosters ``k`` months after
entry. Back on the Annual sheet, SUMIF by year gives each year's figures, net,
cumulative net and the Green Book present values, within the horizon and over every
year the cohorts save in (the lifetime figures). Each cell caches the model's figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .calc import Annual
from .derived import Derived, lifetime_years, per_condition, scalar
from .layout import Formats, Row, TimeSheet, sum_refs

MONTHLY = "Monthly"


@dataclass
class Calc:
    """The rows the Results sheet reads."""

    annual: Annual
    cost: Row
    savings: Row
    net: Row
    cumulative: Row
    discounted_net: Row
    pv_cost: Row
    pv_savings: Row
    pv_cash: Row
    pv_attributable: Row
    booster_fall: Row
    reached: Row
    cash: Row
    monthly: TimeSheet
    month: Row
    myear: Row


def _take(row: np.ndarray, k: np.ndarray) -> np.ndarray:
    """row[k-1] where k >= 1, else 0 (INDEX with a lag)."""
    out = np.zeros(len(k))
    ok = k >= 1
    out[ok] = row[k[ok] - 1]
    return out


def write_monthly(ws, fmt: Formats, spec, x, ids, labels, names: dict, dv: Derived,
                  an: Annual) -> Calc:
    h, years = x.horizon, lifetime_years(x)
    months = 12 * years
    d = dv.names
    M = TimeSheet(ws, MONTHLY, months, 12 * h, fmt, "Monthly calculation: entries, "
                  "savings and costs month by month", "Month")
    month = M.period_row("Month")
    myear = M.row("Year of this month", "year", f"INT(({month.at}-1)/{d['mpy']})+1",
                  (month.values - 1) // 12 + 1, "count")
    delay = x.treatment_months + int(scalar(x, "benefit_delay_months"))
    whole = int(np.floor(x.benefit_months[0]))
    part = float(x.benefit_months[0]) - whole
    reduction = scalar(x, "savings_reduction")
    lag1 = M.row("Entry month whose people have their latest whole month of saving now "
                 "(month - months before savings start - 1)", "month",
                 f"{month.at}-{d['delay']}-1", month.values - delay - 1, "count")
    lag2 = M.row("Entry month whose people have their last, part month now "
                 "(the above - whole months of saving)", "month",
                 f"{lag1.at}-{d['bfull']}", month.values - delay - 1 - whole, "count")
    k1, k2 = lag1.values.astype(int), lag2.values.astype(int)

    M.section("Savings by condition (entries spread evenly over each year's 12 months)")
    saving_rows = []
    for c, cid in enumerate(ids):
        ben_y = an.condition[cid]["ben"]
        ben_m = np.repeat(ben_y.values / 12.0, 12)
        ben = M.row(f"{labels[c]}: beneficiaries entering this month", "people",
                    f"INDEX({ben_y.xrng},1,{myear.at})/{d['mpy']}", ben_m, "people",
                    total="sum")
        cum = M.row(f"{labels[c]}: beneficiaries entered so far", "people",
                    f"SUM(#~,{ben.at})", np.cumsum(ben_m), "people", total="last")
        values = (float(x.annual_saving[0, c]) / 12.0 * (1 - reduction)
                  * (_take(cum.values, k1) - _take(cum.values, k2)
                     + part * _take(ben_m, k2)))
        sav = M.row(
            f"{labels[c]}: gross savings this month", "GBP",
            f"{names[f'conditions.{cid}.annual_saving']}/{d['mpy']}*"
            f"(1-{d['savings_reduction']})*("
            f"IF({lag1.at}>=1,INDEX({cum.rng},1,{lag1.at}),0)"
            f"-IF({lag2.at}>=1,INDEX({cum.rng},1,{lag2.at}),0)"
            f"+{d['bpart']}*IF({lag2.at}>=1,INDEX({ben.rng},1,{lag2.at}),0))",
            values, "money", total="sum")
        saving_rows.append(sav)
        an.condition[cid].update(saving_month=sav, cum=cum, ben_month=ben)
    msav = M.row("All conditions: gross savings this month", "GBP",
                 sum_refs(saving_rows), sum(r.values for r in saving_rows), "money",
                 total="sum", bold=True)
    cum_sav = M.row("Cumulative gross savings", "GBP", f"SUM(#~,{msav.at})",
                    np.cumsum(msav.values), "money", total="last")

    M.section("Costs: per person in the month of entry, fixed costs evenly over their "
              "year, boosters booster months after entry")
    therapy = M.row("Therapy and fixed costs this month", "GBP",
                    f"(INDEX({an.per_entering.xrng},1,{myear.at})+INDEX("
                    f"{an.per_completer.xrng},1,{myear.at})+INDEX({an.fixed.xrng},1,"
                    f"{myear.at}))/{d['mpy']}",
                    np.repeat((an.per_entering.values + an.per_completer.values
                               + an.fixed.values) / 12.0, 12), "money", total="sum")
    b_entry = M.row("Boosters of this month's entrants", "GBP",
                    f"INDEX({an.booster_entry.xrng},1,{myear.at})/{d['mpy']}",
                    np.repeat(an.booster_entry.values / 12.0, 12), "money", total="sum")
    b_lag = M.row("Entry month whose boosters fall now (month - booster months)",
                  "month", f"{month.at}-{d['booster_months']}",
                  month.values - x.booster_months, "count")
    b_fall = M.row("Booster costs this month", "GBP",
                   f"IF({b_lag.at}>=1,INDEX({b_entry.rng},1,{b_lag.at}),0)",
                   _take(b_entry.values, b_lag.values.astype(int)), "money", total="sum")
    mcost = M.row("All costs this month", "GBP", f"{therapy.at}+{b_fall.at}",
                  therapy.values + b_fall.values, "money", total="sum", bold=True)
    cum_cost = M.row("Cumulative costs", "GBP", f"SUM(#~,{mcost.at})",
                     np.cumsum(mcost.values), "money", total="last")

    M.section("Break-even: the first month of the horizon whose cumulative savings "
              "reach cumulative costs")
    scale_v = np.maximum(np.abs(cum_cost.values), np.abs(cum_sav.values))
    scale = M.row("Scale of the comparison", "GBP",
                  f"MAX(ABS({cum_cost.at}),ABS({cum_sav.at}))", scale_v, "money")
    reached_v = ((month.values <= 12 * h) & (scale_v > 1e-9)
                 & (cum_sav.values >= cum_cost.values - 1e-12 * scale_v)).astype(float)
    reached = M.row("Savings have reached costs (1 = yes)", "-",
                    f"IF(AND({month.at}<={d['horizon_months']},{scale.at}>{d['atol']},"
                    f"{cum_sav.at}>={cum_cost.at}-{d['rtol']}*{scale.at}),1,0)",
                    reached_v, "count")
    M.finish()
    calc = _years(an, x, ids, labels, myear, msav, b_fall, mcost, reached, dv)
    calc.monthly, calc.month = M, month
    return calc


def _years(an: Annual, x, ids, labels, myear: Row, msav: Row, b_fall: Row, mcost: Row,
           reached: Row, dv: Derived) -> Calc:
    """Back on the Annual sheet: what falls in each year, net and present values."""
    A, year, factor = an.sheet, an.year, an.factor
    n = A.n
    A.section("Costs and savings falling in each year (summed from Monthly)")

    def by_year(label, monthly: Row, bold=False) -> Row:
        return A.row(label, "GBP", f"SUMIF({myear.xrng},{year.at},{monthly.xrng})",
                     monthly.values.reshape(n, 12).sum(axis=1), "money", total="sum",
                     bold=bold)
    cash = per_condition(x, "cash_share")
    saving_years = []
    for c, cid in enumerate(ids):
        row = by_year(f"{labels[c]}: gross savings", an.condition[cid]["saving_month"])
        an.condition[cid]["saving_year"] = row
        saving_years.append(row)
    savings = by_year("Gross savings", msav, bold=True)
    cash_row = A.row("Cash-releasing part of the gross savings", "GBP",
                     "+".join(f"{r.at}*{dv.condition[cid]['cash']}"
                              for r, cid in zip(saving_years, ids)),
                     sum(r.values * cash[c] for c, r in enumerate(saving_years)),
                     "money", total="sum")
    booster_fall = by_year("Booster costs falling in this year", b_fall)
    cost = by_year("Costs", mcost, bold=True)
    net = A.row("Net (gross savings - costs)", "GBP", f"{savings.at}-{cost.at}",
                savings.values - cost.values, "money", total="sum", bold=True)
    cumulative = A.row("Cumulative net", "GBP", f"SUM(#~,{net.at})",
                       np.cumsum(net.values), "money", total="last")
    A.section("Present values (Green Book discount factors)")

    def discounted(label, row: Row, bold=False, kind="money", unit="GBP") -> Row:
        return A.row(label, unit, f"{row.at}*{factor.at}", row.values * factor.values,
                     kind, total="sum", bold=bold)
    discounted_net = discounted("Discounted net", net, bold=True)
    pv_cost = discounted("Discounted costs", cost)
    pv_savings = discounted("Discounted gross savings", savings)
    pv_cash = discounted("Discounted cash-releasing savings", cash_row)
    pv_attr = discounted("Discounted recoveries credited to the service (by year of "
                         "entry)", an.attributable, kind="people", unit="people")
    A.finish()
    return Calc(annual=an, cost=cost, savings=savings, net=net, cumulative=cumulative,
                discounted_net=discounted_net, pv_cost=pv_cost, pv_savings=pv_savings,
                pv_cash=pv_cash, pv_attributable=pv_attr, booster_fall=booster_fall,
                reached=reached, cash=cash_row, monthly=None, month=None, myear=myear)
