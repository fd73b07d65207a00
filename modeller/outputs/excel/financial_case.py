"""The financial case and the figures before optimism bias, as formulas on the
calculation sheets.

The same arithmetic as :func:`modeller.model.appraisal.financial` and
:func:`~modeller.model.appraisal.optimism_bias` (docs/method.md, "Optimism bias" and
"Cash-releasing savings and the financial case"):

- *Before optimism bias* (Monthly, then Annual): each condition's savings month by
  month with savings starting after the treatment months only and no reduction, read
  from the same running totals of beneficiaries (the counterfactual still applies);
  costs are the costs with the uplift taken off (every cost line carries the same
  uplift, so that is exact). Their present values give
  ``appraisal.optimism_bias.before``.
- *Financial case* (Annual, year by year within the horizon): recurrent cost (therapy,
  boosters as they fall, the fixed lines marked recurrent) and non-recurrent cost (the
  other fixed lines), gross, cash-releasing and non-cash-releasing savings, net, the
  cash-terms index ((1 + rate)^(year - 1), or index_t / index_1) and the cash-terms
  figures.

The steady state reads the last year of the horizon: one year's entrants' costs (with
their boosters) and recurrent fixed costs against their lifetime savings. Each cell
caches the model's figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...model.appraisal import AFFORDABILITY_KEYS
from .derived import Derived, scalar
from .layout import Row, sum_refs
from .monthly import Calc, _take

#: Each affordability figure in words (the workbook's cash-terms rows and the Results
#: sheet's financial-case labels).
AFFORDABILITY_LABELS = {
    "recurrent_cost": "recurrent cost", "non_recurrent_cost": "non-recurrent cost",
    "cost": "cost", "gross_savings": "gross savings",
    "cash_releasing_savings": "cash-releasing savings",
    "non_cash_releasing_savings": "non-cash-releasing savings", "net": "net",
    "net_cash_releasing": "net cash position"}


@dataclass
class Finance:
    """Rows the Results sheet reads."""

    before_cost: Row
    before_savings: Row
    before_pv_cost: Row
    before_pv_savings: Row
    years: dict            # financial.by_year field -> Row
    recurrent_fixed: Row


def write_before_bias(calc: Calc, x, ids, labels, names: dict, dv: Derived
                      ) -> tuple[Row, Row, Row, Row]:
    """Savings and costs as they would be without the optimism-bias adjustment."""
    M, an, d = calc.monthly, calc.annual, dv.names
    month = calc.month
    M.section("Before optimism bias: savings starting after the treatment months, "
              "with no reduction (for appraisal.optimism_bias.before)")
    treatment = x.treatment_months
    whole = int(np.floor(x.benefit_months[0]))
    part = float(x.benefit_months[0]) - whole
    lag1 = M.row("Entry month whose people have their latest whole month of saving now, "
                 "without the delay", "month",
                 f"{month.at}-{names['activity.treatment_months']}-1",
                 month.values - treatment - 1, "count")
    lag2 = M.row("Entry month whose people have their last, part month now, without "
                 "the delay", "month", f"{lag1.at}-{d['bfull']}",
                 month.values - treatment - 1 - whole, "count")
    k1, k2 = lag1.values.astype(int), lag2.values.astype(int)
    rows = []
    for c, cid in enumerate(ids):
        cum, ben = an.condition[cid]["cum"], an.condition[cid]["ben_month"]
        values = (float(x.annual_saving[0, c]) / 12.0
                  * (_take(cum.values, k1) - _take(cum.values, k2)
                     + part * _take(ben.values, k2)))
        rows.append(M.row(
            f"{labels[c]}: gross savings this month before optimism bias", "GBP",
            f"{names[f'conditions.{cid}.annual_saving']}/{d['mpy']}*("
            f"IF({lag1.at}>=1,INDEX({cum.rng},1,{lag1.at}),0)"
            f"-IF({lag2.at}>=1,INDEX({cum.rng},1,{lag2.at}),0)"
            f"+{d['bpart']}*IF({lag2.at}>=1,INDEX({ben.rng},1,{lag2.at}),0))",
            values, "money", total="sum"))
    msav = M.row("All conditions: gross savings this month before optimism bias", "GBP",
                 sum_refs(rows), sum(r.values for r in rows), "money",
                 total="sum")
    A, year, factor = an.sheet, an.year, an.factor
    n = A.n
    A.section("Before optimism bias (costs without the uplift, savings without the "
              "reduction or the delay)")
    savings = A.row("Gross savings before optimism bias", "GBP",
                    f"SUMIF({calc.myear.xrng},{year.at},{msav.xrng})",
                    msav.values.reshape(n, 12).sum(axis=1), "money", total="sum")
    uplift = 1 + scalar(x, "cost_uplift")
    cost = A.row("Costs before optimism bias (costs / (1 + uplift))", "GBP",
                 f"{calc.cost.at}/(1+{d['cost_uplift']})", calc.cost.values / uplift,
                 "money", total="sum")
    pv_cost = A.row("Discounted costs before optimism bias", "GBP",
                    f"{cost.at}*{factor.at}", cost.values * factor.values, "money",
                    total="sum")
    pv_savings = A.row("Discounted gross savings before optimism bias", "GBP",
                       f"{savings.at}*{factor.at}", savings.values * factor.values,
                       "money", total="sum")
    return cost, savings, pv_cost, pv_savings


def write_financial(calc: Calc, spec, x, names: dict, lists: dict, dv: Derived
                    ) -> tuple[dict, Row]:
    """The financial case by year, real and cash terms (zero after the horizon);
    returns its rows by JSON field, and the recurrent fixed costs' row."""
    an, d = calc.annual, dv.names
    A, year, n, h = an.sheet, an.year, an.sheet.n, x.horizon
    inside = (year.values <= h).astype(float)
    A.section("Financial case: affordability by financial year (year 1 is the set's "
              "first financial year), within the horizon")
    inh = A.row("Within the horizon (1 = yes)", "-",
                f"IF({year.at}<={names['horizon_years']},1,0)", inside, "count")
    uplift = 1 + scalar(x, "cost_uplift")
    rec_fixed_v = np.zeros(n)
    for item in spec.costs.fixed:
        if item.recurrent:
            rec_fixed_v[item.year - 1] += float(item.amount.value) * uplift
    rec_fixed = A.row("Recurrent fixed costs falling in this year", "GBP",
                      f"SUMIF({dv.fixed_years},{year.at},{dv.fixed_recurrent})*"
                      f"(1+{d['cost_uplift']})", rec_fixed_v, "money", total="sum")
    rows = {}

    def put(key, label, formula, values, kind="money", unit="GBP"):
        rows[key] = A.row(label, unit, formula, values, kind, total="sum")
        return rows[key]
    rec = put("recurrent_cost", "Recurrent cost (therapy, boosters as they fall, "
              "recurrent fixed costs)",
              f"({an.per_entering.at}+{an.per_completer.at}+{calc.booster_fall.at}+"
              f"{rec_fixed.at})*{inh.at}",
              (an.per_entering.values + an.per_completer.values
               + calc.booster_fall.values + rec_fixed_v) * inside)
    non = put("non_recurrent_cost", "Non-recurrent cost (set-up, training, "
              "recruitment: the other fixed costs)",
              f"({an.fixed.at}-{rec_fixed.at})*{inh.at}",
              (an.fixed.values - rec_fixed_v) * inside)
    cost = put("cost", "Cost", f"{rec.at}+{non.at}", rec.values + non.values)
    gross = put("gross_savings", "Gross savings", f"{calc.savings.at}*{inh.at}",
                calc.savings.values * inside)
    cash = put("cash_releasing_savings", "Cash-releasing savings",
               f"{calc.cash.at}*{inh.at}", calc.cash.values * inside)
    put("non_cash_releasing_savings", "Non-cash-releasing savings",
        f"{gross.at}-{cash.at}", gross.values - cash.values)
    put("net", "Net (gross savings - cost)", f"{gross.at}-{cost.at}",
        gross.values - cost.values)
    put("net_cash_releasing", "Net cash position (cash-releasing savings - "
        "cost)", f"{cash.at}-{cost.at}", cash.values - cost.values)
    inflation = spec.financial_case.inflation if spec.financial_case else None
    if inflation is None:
        formula, index = f"{inh.at}", inside.copy()
        label = "Cash-terms index (no inflation stated: real terms)"
    elif inflation.index is not None:
        listed = lists["financial_case.inflation.index"]
        formula = (f"IF({year.at}<={names['horizon_years']},INDEX({listed},{year.at},1)/"
                   f"INDEX({listed},1,1),0)")
        index = np.concatenate([np.array(inflation.index, float) / inflation.index[0],
                                np.zeros(n - h)])
        label = "Cash-terms index (the set's index / its year-1 value)"
    else:
        formula = f"(1+{names['financial_case.inflation.rate']})^({year.at}-1)*{inh.at}"
        index = (1.0 + inflation.rate) ** (year.values - 1) * inside
        label = "Cash-terms index: (1 + inflation)^(year - 1)"
    idx = A.row(label, "-", formula, index, "factor")
    rows["cash_terms_index"] = idx
    for key in AFFORDABILITY_KEYS:
        row = rows[key]
        label = AFFORDABILITY_LABELS[key]
        put(f"{key}_cash_terms", f"{label[0].upper()}{label[1:]} in cash terms",
            f"{row.at}*{idx.at}", row.values * index)
    return rows, rec_fixed


def write_finance(calc: Calc, spec, x, ids, labels, names: dict, lists: dict,
                  dv: Derived) -> Finance:
    """Both parts; returns the rows the Results sheet reads."""
    cost, savings, pv_cost, pv_savings = write_before_bias(calc, x, ids, labels, names, dv)
    years, recurrent_fixed = write_financial(calc, spec, x, names, lists, dv)
    return Finance(before_cost=cost, before_savings=savings, before_pv_cost=pv_cost,
                   before_pv_savings=pv_savings, years=years,
                   recurrent_fixed=recurrent_fixed)

