"""The Results sheet: every figure of the JSON results as a formula of the inputs.

One row per ``totals.*``, ``per_person_entering.*``, ``by_condition.<id>.<field>``
(the numeric fields), ``by_year.<year>.<field>``, and the budget holders' and care
categories' figures of ``modeller run --format json``, keyed as there (header: key,
label, value, unit). Each value cell is a formula reading the calculation sheets; a JSON null is a
formula giving "" (an undefined ratio) or "never" (no break-even, no payback). The
model's own figure is cached in each cell.
"""

from __future__ import annotations

import re

from xlsxwriter.utility import xl_rowcol_to_cell

from ..cells import safe_text
from .derived import Derived
from .monthly import Calc
from .layout import Formats, fit_row

SHEET = "Results"
HEADER = ["key", "label", "value", "unit"]
NEVER = "never"

#: totals.<key> -> (label, unit, kind, formula); {other.key} is that row's value cell.
TOTALS = {
    "entering": ("People entering treatment", "people", "people", "{entering}"),
    "completed": ("People completing treatment", "people", "people", "{completed}"),
    "recovered": ("People recovering", "people", "people", "{recovered}"),
    "cost": ("Cost within the horizon", "GBP", "money", "{cost}"),
    "gross_savings_within_horizon": ("Gross savings within the horizon", "GBP", "money",
                                     "{savings}"),
    "gross_savings_lifetime": ("Gross savings over the beneficiaries' lifetime "
                               "(including after the horizon)", "GBP", "money",
                               "{lifetime}"),
    "net_within_horizon": ("Net within the horizon (undiscounted)", "GBP", "money",
                           "{totals.gross_savings_within_horizon}-{totals.cost}"),
    "npv": ("Net present value within the horizon (Green Book)", "GBP", "money",
            "{discounted_net}"),
    "benefit_cost_ratio": ("Benefit-cost ratio (gross savings / cost, within the "
                           "horizon)", "-", "ratio",
                           'IF({totals.cost}>0,{totals.gross_savings_within_horizon}/'
                           '{totals.cost},"")'),
    "roi": ("Return on investment ((savings - cost) / cost)", "fraction", "fraction",
            'IF({totals.cost}>0,({totals.gross_savings_within_horizon}-{totals.cost})/'
            '{totals.cost},"")'),
    "cost_per_recovery": ("Cost per person recovering", "GBP/person", "money",
                          'IF({totals.recovered}>0,{totals.cost}/{totals.recovered},"")'),
    "break_even_month": ("Break-even month (cumulative savings reach cumulative costs)",
                         "month", "count", f'IFERROR(MATCH(1,{{reached}},0),"{NEVER}")'),
    "gross_savings_beyond_horizon": ("Gross savings after the horizon", "GBP", "money",
                                     "{totals.gross_savings_lifetime}-"
                                     "{totals.gross_savings_within_horizon}"),
    "cost_beyond_horizon": ("Booster costs after the horizon", "GBP", "money",
                            "{booster_entry}-{booster_fall}"),
    "cost_lifetime": ("Cost including boosters after the horizon", "GBP", "money",
                      "{totals.cost}+{totals.cost_beyond_horizon}"),
    "net_lifetime": ("Net over the lifetime (undiscounted)", "GBP", "money",
                     "{totals.gross_savings_lifetime}-{totals.cost_lifetime}"),
    "pv_cost": ("Present value of costs", "GBP", "money", "{pv_cost}"),
    "pv_gross_savings": ("Present value of gross savings", "GBP", "money",
                         "{pv_savings}"),
    # Over every year the horizon's cohorts save in, discounted the same way.
    "npv_lifetime": ("Net present value over the cohorts' lifetime", "GBP", "money",
                     "{totals.pv_gross_savings_lifetime}-{totals.pv_cost_lifetime}"),
    "pv_cost_lifetime": ("Present value of costs over the lifetime", "GBP", "money",
                         "{pv_cost_life}"),
    "pv_gross_savings_lifetime": ("Present value of gross savings over the lifetime",
                                  "GBP", "money", "{pv_savings_life}"),
    "benefit_cost_ratio_lifetime": ("Benefit-cost ratio over the lifetime (PV savings / "
                                    "PV cost)", "-", "ratio",
                                    'IF({totals.pv_cost_lifetime}>0,'
                                    '{totals.pv_gross_savings_lifetime}/'
                                    '{totals.pv_cost_lifetime},"")'),
    "benefit_cost_ratio_undiscounted": ("Benefit-cost ratio, undiscounted (savings / "
                                        "cost within the horizon)", "-", "ratio",
                                        'IF({totals.cost}>0,'
                                        '{totals.gross_savings_within_horizon}/'
                                        '{totals.cost},"")'),
    "attributable_recovered": ("Recoveries credited to the service (net of the "
                               "counterfactual)", "people", "people", "{attributable}"),
    "pv_attributable_recovered": ("Discounted recoveries credited to the service",
                                  "people", "people", "{pv_attr}"),
    "cost_per_attributable_recovery": ("Cost per recovery credited (PV lifetime cost / "
                                       "discounted recoveries)", "GBP/person", "money",
                                       'IF({totals.pv_attributable_recovered}>0,'
                                       '{totals.pv_cost_lifetime}/'
                                       '{totals.pv_attributable_recovered},"")'),
    "net_cost_per_attributable_recovery": ("Net cost per recovery credited (-lifetime "
                                           "NPV / discounted recoveries)", "GBP/person",
                                           "money",
                                           'IF({totals.pv_attributable_recovered}>0,'
                                           '({totals.pv_cost_lifetime}-'
                                           '{totals.pv_gross_savings_lifetime})/'
                                           '{totals.pv_attributable_recovered},"")'),
    "pv_cash_releasing_savings_lifetime": ("Present value of cash-releasing savings over "
                                           "the lifetime", "GBP", "money",
                                           "{pv_cash_life}"),
    "pv_non_cash_releasing_savings_lifetime": ("Present value of non-cash-releasing "
                                               "savings over the lifetime", "GBP",
                                               "money",
                                               "{totals.pv_gross_savings_lifetime}-"
                                               "{totals.pv_cash_releasing_savings_lifetime}"),
    "npv_cash_releasing_lifetime": ("Net present value counting cash-releasing savings "
                                    "only (lifetime)", "GBP", "money",
                                    "{totals.pv_cash_releasing_savings_lifetime}-"
                                    "{totals.pv_cost_lifetime}"),
}

#: The benefit-cost ratio as present values (the model with lifetime discounting).
BCR_PV = ("Benefit-cost ratio (PV gross savings / PV cost, within the horizon)", "-",
          "ratio", 'IF({totals.pv_cost}>0,{totals.pv_gross_savings}/{totals.pv_cost},"")')

PER_PERSON = {
    "probability_recovered": ("Probability of recovery per person entering", "fraction",
                              "fraction", "SUM({prec_range})"),
    "gross_saving": ("Lifetime gross saving per person entering", "GBP/person", "money",
                     "SUM({pp_range})"),
    "cost": ("Lifetime cost per person entering", "GBP/person", "money",
             'IF({totals.entering}>0,{totals.cost_lifetime}/{totals.entering},"")'),
    "net": ("Lifetime net per person entering", "GBP/person", "money",
            'IF({totals.entering}>0,{per_person_entering.gross_saving}-'
            '{per_person_entering.cost},"")'),
    "payback_months": ("Cohort payback: months after the month of entry", "months",
                       "months",
                       'IF(AND({totals.entering}>0,{per_person_entering.gross_saving}>0),'
                       'IF({per_person_entering.cost}<={per_person_entering.gross_saving},'
                       '{treatment}+{per_person_entering.cost}*{b}/'
                       f'{{per_person_entering.gross_saving}},"{NEVER}"),"{NEVER}")'),
    "probability_attributable": ("Probability of a recovery credited to the service, "
                                 "per person entering", "fraction", "fraction",
                                 "SUM({pattr_range})"),
}

BY_YEAR = {
    "year": ("Year", "year", "count", "year"),
    "entering": ("People entering treatment", "people", "people", "entering"),
    "completed": ("People completing", "people", "people", "completed"),
    "recovered": ("People recovering", "people", "people", "recovered"),
    "cost": ("Cost falling in the year", "GBP", "money", "cost"),
    "gross_savings": ("Gross savings arising in the year", "GBP", "money", "savings"),
    "net": ("Net", "GBP", "money", "net"),
    "cumulative_net": ("Cumulative net", "GBP", "money", "cumulative"),
    "discount_factor": ("Discount factor (Green Book)", "-", "factor", "factor"),
    "discounted_net": ("Discounted net", "GBP", "money", "discounted_net"),
}

#: by_condition.<id>.<key> -> (label, unit, kind, formula); {row} is the condition's
#: Annual row of that name, {total:row} an all-conditions one.
BY_CONDITION = {
    "entering": ("People entering treatment", "people", "people", "{entering}"),
    "completed": ("People completing", "people", "people", "{completed}"),
    "recovered": ("People recovering", "people", "people", "{recovered}"),
    "cost": ("Cost within the horizon (fixed costs shared by case mix, boosters by "
             "recoveries)", "GBP", "money",
             "({entering}*{ppe}+{completed}*{pc})*(1+{uplift})+IF({total:recovered}>0,"
             "{booster_fall}*{recovered}/{total:recovered},0)+{fixed}*{share}"),
    "gross_savings_within_horizon": ("Gross savings within the horizon", "GBP", "money",
                                     "{saving_year}"),
    "gross_savings_lifetime": ("Gross savings over the lifetime", "GBP", "money",
                               "{lifetime}"),
    "annual_saving": ("Annual saving per beneficiary", "GBP/year", "money", "{saving}"),
}

NULL_AS = {"break_even_month": NEVER, "payback_months": NEVER}


def rows(d: dict, calc: Calc, dv: Derived, names: dict[str, str]) -> list[tuple]:
    """(key, label, unit, kind, formula template, cached value) for every figure."""
    an = calc.annual
    refs = {"entering": an.entering.total, "completed": an.completed.total,
            "recovered": an.recovered.total, "cost": calc.cost.total,
            "savings": calc.savings.total, "lifetime": an.lifetime.total,
            "discounted_net": calc.discounted_net.total, "reached": calc.reached.xrng,
            "booster_entry": an.booster_entry.total,
            "booster_fall": calc.booster_fall.total, "pv_cost": calc.pv_cost.total,
            "pv_savings": calc.pv_savings.total, "pv_cost_life": calc.pv_cost.life,
            "pv_savings_life": calc.pv_savings.life, "pv_cash_life": calc.pv_cash.life,
            "attributable": an.attributable.total, "pv_attr": calc.pv_attributable.total,
            "prec_range": dv.names["prec_range"], "pattr_range": dv.names["pattr_range"],
            "pp_range": dv.names["pp_range"], "b": dv.names["b"],
            "treatment": names["activity.treatment_months"]}
    by_year = {"year": an.year, "factor": an.factor, "entering": an.entering,
               "completed": an.completed, "recovered": an.recovered, "cost": calc.cost,
               "savings": calc.savings, "net": calc.net, "cumulative": calc.cumulative,
               "discounted_net": calc.discounted_net}
    # With lifetime discounting the model's headline ratio is PV / PV.
    pv_ratio = "benefit_cost_ratio_undiscounted" in d["totals"]
    out = []
    for group, table in (("totals", TOTALS), ("per_person_entering", PER_PERSON)):
        for key, value in d[group].items():
            if key in table:
                label, unit, kind, template = (BCR_PV if pv_ratio and key ==
                                               "benefit_cost_ratio" else table[key])
                out.append((f"{group}.{key}", label, unit, kind, template,
                            NULL_AS.get(key, "") if value is None else value, refs))
    for item in d.get("by_condition", []):
        cid = item["id"]
        rows_c = calc.annual.condition.get(cid)
        if rows_c is None:
            continue
        here = {k: rows_c[k].total for k in ("entering", "completed", "recovered",
                                              "saving_year", "lifetime")}
        here.update({"total:recovered": an.recovered.total, "fixed": an.fixed.total,
                     "booster_fall": calc.booster_fall.total,
                     "ppe": names["costs.per_person_entering"],
                     "pc": dv.names["per_completer"], "uplift": dv.names["cost_uplift"],
                     "share": names[f"conditions.{cid}.share"],
                     "saving": names[f"conditions.{cid}.annual_saving"]})
        for key, value in item.items():
            if key in BY_CONDITION:
                label, unit, kind, template = BY_CONDITION[key]
                out.append((f"by_condition.{cid}.{key}", f"{item['label']}: {label}",
                            unit, kind, template, value, {**refs, **here}))
    for y in d["by_year"]:
        t = y["year"]
        for key, value in y.items():
            if key in BY_YEAR:
                label, unit, kind, row = BY_YEAR[key]
                out.append((f"by_year.{t}.{key}", f"Year {t}: {label}", unit, kind,
                            by_year[row].cell(t - 1), value, refs))
    return out


def write_results(ws, fmt: Formats, d: dict, calc: Calc, dv: Derived,
                  names: dict[str, str], extra: list[tuple] = ()) -> None:
    """Write the sheet; ``extra`` rows (key, label, unit, kind, formula, value) follow
    (the budget holders and care categories)."""
    items = rows(d, calc, dv, names) + [(*row, {}) for row in extra]
    where = {key: xl_rowcol_to_cell(r, 2, True, True)
             for r, (key, *_) in enumerate(items, start=1)}
    for c, text in enumerate(HEADER):
        ws.write_string(0, c, text, fmt.header)
    for r, (key, label, unit, kind, template, value, refs) in enumerate(items, start=1):
        formula = re.sub(r"\{([^{}]+)\}",
                         lambda m: where.get(m.group(1)) or refs[m.group(1)], template)
        ws.write_string(r, 0, key, fmt.text)
        ws.write_string(r, 1, safe_text(label), fmt.wrap)
        fit_row(ws, r, [(label, 62)])
        ws.write_formula(r, 2, "=" + formula, fmt.number(kind, bold=key.startswith(
            "totals.")), value)
        ws.write_string(r, 3, unit, fmt.text)
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 62)
    ws.set_column(2, 2, 18)
    ws.set_column(3, 3, 12)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, len(items), len(HEADER) - 1)
    ws.repeat_rows(0)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.protect("", {"autofilter": True})
