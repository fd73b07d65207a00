"""Results rows for the JSON's ``outcomes``, ``appraisal`` and ``financial`` blocks,
keyed by their JSON paths (list items as ``[i]``, the financial years by year number:
``financial.by_year.<year>.<field>``), each a formula of the calculation sheets.

Left out: ``outcomes.counterfactual_threshold``, which the model finds by running
itself at several counterfactual rates and interpolating (a root of the whole model,
not a closed form a cell can hold), and the text and yes/no fields.
"""

from __future__ import annotations

from ...model.appraisal import AFFORDABILITY_KEYS, SUMMARY_KEYS
from ..cells import safe_text
from .derived import Derived
from .financial_case import AFFORDABILITY_LABELS, Finance
from .monthly import Calc
from .results_sheet import BCR_PV, TOTALS

#: The summary figures of an option or of optimism bias after it: the totals' rows.
AFTER = {k: f"{{totals.{k}}}" for k in SUMMARY_KEYS}

FINANCIAL_YEAR = {**AFFORDABILITY_LABELS, "cash_terms_index": "cash-terms index",
                  **{f"{key}_cash_terms": f"{AFFORDABILITY_LABELS[key]} in cash terms"
                     for key in AFFORDABILITY_KEYS}}


def _kind(key: str) -> tuple[str, str]:
    if key.startswith("benefit_cost_ratio") or key.endswith("index"):
        return "ratio", "-"
    return "money", "GBP"


def _summary(prefix: str, label: str, d: dict, templates: dict) -> list[tuple]:
    out = []
    for key, value in d.items():
        if key in templates:
            kind, unit = _kind(key)
            text = (BCR_PV if key == "benefit_cost_ratio" else TOTALS[key])[0]
            out.append((f"{prefix}.{key}", f"{label}: {text[0].lower()}{text[1:]}", unit,
                        kind, templates[key], "" if value is None else value))
    return out


def _before(fin: Finance) -> dict:
    """appraisal.optimism_bias.before.<key> as formulas."""
    b = "{appraisal.optimism_bias.before."
    ratio = lambda num, den: f'IF({b}{den}}}>0,{b}{num}}}/{b}{den}}},"")'  # noqa: E731
    return {"cost": fin.before_cost.total,
            "gross_savings_within_horizon": fin.before_savings.total,
            "pv_cost": fin.before_pv_cost.total,
            "pv_gross_savings": fin.before_pv_savings.total,
            "npv": f"{b}pv_gross_savings}}-{b}pv_cost}}",
            "benefit_cost_ratio": ratio("pv_gross_savings", "pv_cost"),
            "pv_cost_lifetime": fin.before_pv_cost.life,
            "pv_gross_savings_lifetime": fin.before_pv_savings.life,
            "npv_lifetime": f"{b}pv_gross_savings_lifetime}}-{b}pv_cost_lifetime}}",
            "benefit_cost_ratio_lifetime": ratio("pv_gross_savings_lifetime",
                                                 "pv_cost_lifetime")}


def outcome_rows(d: dict, dv: Derived, names: dict) -> list[tuple]:
    o = d.get("outcomes")
    if not o:
        return []
    out = []
    top = {"completion_rate": names["outcomes.completion_rate"],
           "recovery_rate": names["outcomes.recovery_rate"],
           "counterfactual_recovery_rate": dv.names["cf_national"],
           "probability_recovered": f"SUM({dv.names['prec_range']})",
           "probability_attributable": f"SUM({dv.names['pattr_range']})"}
    for key, formula in top.items():
        out.append((f"outcomes.{key}", f"Outcomes: {key.replace('_', ' ')}", "fraction",
                    "fraction", formula, o[key]))
    label = {c["id"]: c["label"] for c in d.get("by_condition", [])}
    for cid, item in o["by_condition"].items():
        dc = dv.condition.get(cid)
        if dc is None:
            continue
        comp, rec, cf = dc["completion"], dc["recovery"], dc["counterfactual"]
        formulas = {"completion_rate": comp, "recovery_rate": rec,
                    "recovered_per_entrant": f"{comp}*{rec}",
                    "counterfactual_recovery_rate": cf,
                    "attributable_per_entrant": f"MAX({comp}*{rec}-{cf},0)"}
        for key, formula in formulas.items():
            out.append((f"outcomes.by_condition.{cid}.{key}",
                        safe_text(f"{label.get(cid, cid)}: {key.replace('_', ' ')}"),
                        "fraction",
                        "fraction", formula, item[key]))
    return out


def _before_years(ob: dict, calc: Calc, fin: Finance) -> list[tuple]:
    """appraisal.optimism_bias.before.by_year[i].<field>: the Annual sheet's rows
    before optimism bias, year by year."""
    out = []
    an = calc.annual
    for i, y in enumerate(ob["before"].get("by_year") or []):
        key = f"appraisal.optimism_bias.before.by_year[{i}]"
        formulas = {"year": ("Year", "year", "count", an.year.cell(i)),
                    "cost": ("cost", "GBP", "money", fin.before_cost.cell(i)),
                    "gross_savings": ("gross savings", "GBP", "money",
                                      fin.before_savings.cell(i)),
                    "net": ("net", "GBP", "money",
                            f"{{{key}.gross_savings}}-{{{key}.cost}}"),
                    "discounted_net": ("discounted net", "GBP", "money",
                                       f"{{{key}.net}}*{an.factor.cell(i)}")}
        for field, (label, unit, kind, formula) in formulas.items():
            if field in y:
                out.append((f"{key}.{field}", f"Before optimism bias, year {i + 1}: "
                            f"{label}", unit, kind, formula, y[field]))
    return out


def appraisal_rows(d: dict, fin: Finance, dv: Derived, names: dict, calc: Calc
                   ) -> list[tuple]:
    a = d.get("appraisal")
    if not a:
        return []
    out = []
    bau = dv.names["bau"]
    for i, option in enumerate(a["options"]):
        if option["kind"] == "business_as_usual":
            templates = {k: ('""' if k.startswith("benefit_cost_ratio") else bau)
                         for k in SUMMARY_KEYS}
        else:
            templates = AFTER
        out += _summary(f"appraisal.options[{i}]", safe_text(option["label"]),
                        option, templates)
    ob = a["optimism_bias"]
    for key in ("cost_uplift", "savings_reduction", "benefit_delay_months"):
        if ob.get(key) is not None:
            kind = "count" if key == "benefit_delay_months" else "fraction"
            out.append((f"appraisal.optimism_bias.{key}", f"Optimism bias: "
                        f"{key.replace('_', ' ')}", "months" if kind == "count"
                        else "fraction", kind, names[f"optimism_bias.{key}"], ob[key]))
    out += _summary("appraisal.optimism_bias.before", "Before optimism bias",
                    ob["before"], _before(fin))
    out += _before_years(ob, calc, fin)
    out += _summary("appraisal.optimism_bias.after", "After optimism bias", ob["after"],
                    AFTER)
    vfm = a["value_for_money"]
    net = "{appraisal.value_for_money.net_cost_per_attributable_recovery}"
    out.append(("appraisal.value_for_money.cost_per_attributable_recovery",
                "Cost per recovery credited to the service", "GBP/person", "money",
                "{totals.cost_per_attributable_recovery}",
                _blank(vfm["cost_per_attributable_recovery"])))
    out.append(("appraisal.value_for_money.net_cost_per_attributable_recovery",
                "Net cost per recovery credited to the service", "GBP/person", "money",
                "{totals.net_cost_per_attributable_recovery}",
                _blank(vfm["net_cost_per_attributable_recovery"])))
    for i, row in enumerate(vfm["nice_thresholds"]):
        threshold = dv.names[f"nice_{i}"]
        key = f"appraisal.value_for_money.nice_thresholds[{i}]"
        out.append((f"{key}.threshold", f"NICE threshold {i + 1}", "GBP/QALY", "money",
                    threshold, row["threshold"]))
        out.append((f"{key}.qaly_per_recovery_needed", f"QALYs each recovery would "
                    f"need to gain at NICE threshold {i + 1}", "QALY", "ratio",
                    f'IF({net}="","",MAX({net},0)/{threshold})',
                    _blank(row["qaly_per_recovery_needed"])))
    q = names.get("outcomes.qaly_gain_per_recovery")
    if q is not None:
        out.append(("appraisal.value_for_money.qaly_gain_per_recovery",
                    "QALY gain per recovery (the set's figure)", "QALY", "ratio", q,
                    vfm["qaly_gain_per_recovery"]))
        out.append(("appraisal.value_for_money.cost_per_qaly", "Net cost per QALY gained",
                    "GBP/QALY", "money", f'IF({net}="","",IF({q}>0,{net}/{q},""))',
                    _blank(vfm["cost_per_qaly"])))
    return out


def _blank(value):
    return "" if value is None else value


def financial_rows(d: dict, calc: Calc, fin: Finance, dv: Derived, names: dict
                   ) -> list[tuple]:
    f = d.get("financial")
    if not f:
        return []
    out = []
    an = calc.annual
    infl = f.get("inflation") or {}
    if infl.get("rate") is not None:
        out.append(("financial.inflation.rate", "Inflation to cash terms", "fraction/year",
                    "fraction", names["financial_case.inflation.rate"], infl["rate"]))
    for i, value in enumerate(infl.get("index") or []):
        out.append((f"financial.inflation.index[{i}]", f"Price index, year {i + 1}", "-",
                    "ratio", names[f"financial_case.inflation.index[{i}]"], value))
    for y in f["by_year"]:
        t = y["year"]
        for key, label in FINANCIAL_YEAR.items():
            if key in y:
                kind, unit = _kind(key)
                when = f"Year {t} ({y['financial_year']})" if y.get("financial_year") \
                    else f"Year {t}"
                out.append((f"financial.by_year.{t}.{key}", f"{when}: {label}",
                            unit, kind, fin.years[key].cell(t - 1), y[key]))
    for key, value in f["totals"].items():
        out.append((f"financial.totals.{key}", f"Financial case, total: "
                    f"{FINANCIAL_YEAR[key]}", "GBP", "money", fin.years[key].total, value))
    last = len(f["by_year"]) - 1
    lifetime_cash = "+".join(f"{an.condition[cid]['lifetime'].cell(last)}*"
                             f"{dv.condition[cid]['cash']}" for cid in an.condition)
    s = "{financial.steady_state."
    formulas = {
        "annual_cost": f"{an.per_entering.cell(last)}+{an.per_completer.cell(last)}+"
                       f"{an.booster_entry.cell(last)}+{fin.recurrent_fixed.cell(last)}",
        "annual_gross_savings": an.lifetime.cell(last),
        "annual_cash_releasing_savings": lifetime_cash,
        "annual_net": f"{s}annual_gross_savings}}-{s}annual_cost}}",
        "annual_net_cash_releasing": f"{s}annual_cash_releasing_savings}}-{s}annual_cost}}",
        "entering_per_year": an.volume.cell(last)}
    for key, value in f["steady_state"].items():
        if key in formulas:
            kind, unit = ("people", "people") if key == "entering_per_year" else (
                "money", "GBP/year")
            out.append((f"financial.steady_state.{key}", f"Steady state: "
                        f"{key.replace('_', ' ')}", unit, kind, formulas[key], value))
    return out
