"""The economic and financial case around one model run (HM Treasury Green Book).

Plain data for the JSON contract and the reports, computed from the model's own
arrays (no second copy of its arithmetic):

- :func:`outcomes` -- the funnel's rates, the counterfactual and the counterfactual
  rate at which the NPV is zero (solved exactly: the NPV is piecewise linear in it);
- :func:`appraisal` -- options against business as usual, results before and after
  optimism bias, value for money (cost per attributable recovery, the QALY gain per
  recovery at which NICE's thresholds are met), price years;
- :func:`financial` -- affordability by financial year: recurrent and non-recurrent
  costs, cash-releasing and non-cash-releasing savings, real and cash terms, and the
  steady-state annual position of a running service.

Sources: HM Treasury (2022) *The Green Book*, and its supplementary guidance on
optimism bias (the method: uplift costs, reduce and delay benefits); NICE (2022,
updated 2023) *NICE health technology evaluations: the manual* (PMG36), chapter 6:
£20,000 and £30,000 per QALY gained.
"""

from __future__ import annotations

import numpy as np

from .budget import financial_year
from .engine import Arrays, Inputs, compute, headlines, tile

#: NICE cost-effectiveness thresholds [GBP per QALY gained].
NICE_THRESHOLDS = (20_000.0, 30_000.0)
NICE_SOURCE = ("NICE (2022, updated 2023) NICE health technology evaluations: the "
               "manual (PMG36), chapter 6 'Committee recommendations': below £20,000 "
               "per QALY gained, and £20,000 to £30,000 with further judgement")
OPTIMISM_BIAS_SOURCE = ("HM Treasury, Green Book supplementary guidance: optimism bias "
                        "(adjust costs up, and benefits down and later, by explicit, "
                        "evidenced amounts)")
#: Headline keys shown before and after optimism bias, and for each option.
SUMMARY_KEYS = ("pv_cost", "pv_gross_savings", "npv", "benefit_cost_ratio",
                "pv_cost_lifetime", "pv_gross_savings_lifetime", "npv_lifetime",
                "benefit_cost_ratio_lifetime", "cost", "gross_savings_within_horizon")


def _root(xs: np.ndarray, fs: np.ndarray) -> float | None:
    """The first zero of the piecewise-linear function through (xs, fs), xs rising."""
    for i in range(len(xs)):
        if fs[i] == 0.0:
            return float(xs[i])
        if i and (fs[i - 1] > 0) != (fs[i] > 0):
            return float(xs[i - 1] - fs[i - 1] * (xs[i] - xs[i - 1]) / (fs[i] - fs[i - 1]))
    return None


#: Threshold metrics: the NPV within the horizon, the lifetime NPV (discounted) and
#: the undiscounted lifetime net (kept, labelled, for comparison).
THRESHOLD_METRICS = (("within_horizon", "npv"), ("npv_lifetime", "npv_lifetime"),
                     ("lifetime", "net_lifetime"))


def grid_thresholds(x: Inputs, grid: np.ndarray, transform) -> dict:
    """Where each threshold metric crosses zero along ``grid`` (rising), for a function
    that is linear between grid points: ``transform(fields, grid)`` sets the varied
    inputs of the ``len(grid)`` draws. None where it does not cross."""
    fields = tile(x, len(grid))
    transform(fields, grid)
    hl = headlines(compute(Inputs(**fields)))
    return {name: _root(grid, hl[key]) for name, key in THRESHOLD_METRICS}


def counterfactual_threshold(x: Inputs) -> dict:
    """The counterfactual rate (one rate for every condition) at which the NPV within
    the horizon, the lifetime NPV and the undiscounted lifetime net are zero
    [fraction]; None when no rate in [0, 1] gives zero. Each falls linearly as the rate
    rises until a condition's attributable share reaches its floor of 0, so evaluating
    at 0, each condition's share benefiting and 1, and interpolating, is exact."""
    benefit = {"recovered": x.completion * x.recovery, "completed": x.completion,
               "entering": np.ones_like(x.completion)}[x.savings_apply_to][0]
    grid = np.unique(np.concatenate([[0.0, 1.0], np.clip(benefit, 0.0, 1.0)]))

    def rate(fields, g):
        fields["counterfactual"] = np.repeat(g[:, None], x.share.shape[1], axis=1)
    return grid_thresholds(x, grid, rate)


def outcomes(spec, x: Inputs, a: Arrays, ids: list[str]) -> dict:
    """``outcomes`` of the JSON contract (see docs/commands.md)."""
    o = spec.outcomes
    cf = o.counterfactual_recovery_rate
    by_condition = {}
    for c, cid in enumerate(ids):
        cond = spec.conditions[cid]
        own = cond.counterfactual_recovery_rate
        p = float(x.completion[0, c] * x.recovery[0, c])
        by_condition[cid] = {
            "completion_rate": float(x.completion[0, c]),
            "recovery_rate": float(x.recovery[0, c]),
            "recovered_per_entrant": p,
            "counterfactual_recovery_rate": float(x.counterfactual[0, c]),
            "counterfactual_source": (own.source if own is not None
                                      else cf.source if cf is not None else None),
            "attributable_per_entrant": max(p - float(x.counterfactual[0, c]), 0.0)}
    return {
        "completion_rate": float(o.completion_rate.value),
        "recovery_rate": float(o.recovery_rate.value),
        "savings_apply_to": o.savings_apply_to,
        "counterfactual_recovery_rate": float(cf.value) if cf is not None else 0.0,
        "counterfactual_stated": cf is not None,
        "counterfactual_source": cf.source if cf is not None else None,
        "counterfactual_note": cf.note if cf is not None else None,
        "probability_recovered": float(a.probability_recovered[0]),
        "probability_attributable": float(a.probability_attributable[0]),
        "by_condition": by_condition,
        "counterfactual_threshold": counterfactual_threshold(x),
    }


def _summary(hl: dict) -> dict:
    out = {}
    for k in SUMMARY_KEYS:
        v = float(hl[k][0])
        out[k] = None if np.isnan(v) else v
    return out


def _by_year(a: Arrays) -> list[dict]:
    """Each year of the horizon's cost, gross savings, net (savings - cost) and
    discounted net (net x the year's Green Book factor) of draw 0, as the run's own
    ``by_year`` gives them. [GBP]"""
    cost, savings = a.cost_by_year[0], a.savings_by_year[0]
    df = a.discount_factor[0]
    return [{"year": t + 1, "cost": float(cost[t]), "gross_savings": float(savings[t]),
             "net": float(savings[t] - cost[t]),
             "discounted_net": float((savings[t] - cost[t]) * df[t])}
            for t in range(len(cost))]


def optimism_bias(spec, x: Inputs, after: dict, a: Arrays) -> dict:
    """Results before and after the set's optimism-bias adjustment; ``after`` is the
    run's own summary (:data:`SUMMARY_KEYS`), the model being run with it applied
    (arrays ``a``). ``before`` adds ``by_year``: each year's figures without the
    adjustment, which its present values sum (the run's own when none applies)."""
    ob = spec.optimism_bias
    if ob is None:
        return {"applied": False, "cost_uplift": None, "savings_reduction": None,
                "benefit_delay_months": None, "source": None, "note": None,
                "before": {**after, "by_year": _by_year(a)}, "after": after}
    plain = Inputs(**dict(tile(x, 1), cost_uplift=np.zeros(1),
                          savings_reduction=np.zeros(1), benefit_delay_months=0))
    plain_arrays = compute(plain)
    before = {**_summary(headlines(plain_arrays)), "by_year": _by_year(plain_arrays)}

    def val(q):
        return None if q is None else float(q.value)
    return {"applied": True, "cost_uplift": val(ob.cost_uplift),
            "savings_reduction": val(ob.savings_reduction),
            "benefit_delay_months": val(ob.benefit_delay_months),
            "source": ob.source, "note": ob.note, "method": OPTIMISM_BIAS_SOURCE,
            "before": before, "after": after}


def value_for_money(spec, totals) -> dict:
    """Cost per attributable recovery and the QALY gain per recovery that NICE's
    thresholds would need: (PV lifetime cost - PV lifetime savings) / (PV attributable
    recoveries x threshold). A threshold, not a claim: the seeds give no QALY figure."""
    net = totals.net_cost_per_attributable_recovery
    rows = []
    for threshold in NICE_THRESHOLDS:
        needed = None if net is None else max(net, 0.0) / threshold
        rows.append({"threshold": threshold, "qaly_per_recovery_needed": needed})
    q = spec.outcomes.qaly_gain_per_recovery
    cost_per_qaly = None
    if q is not None and net is not None and q.value > 0:
        cost_per_qaly = net / float(q.value)
    return {"cost_per_attributable_recovery": totals.cost_per_attributable_recovery,
            "net_cost_per_attributable_recovery": net,
            "cost_saving": net is not None and net <= 0,
            "nice_thresholds": rows, "nice_source": NICE_SOURCE,
            "qaly_gain_per_recovery": None if q is None else float(q.value),
            "qaly_gain_source": None if q is None else q.source,
            "cost_per_qaly": cost_per_qaly}


def appraisal(spec, x: Inputs, a: Arrays, totals, price_years: dict) -> dict:
    """``appraisal`` of the JSON contract: this option against business as usual."""
    option = spec.option
    mine = _summary(headlines(a))
    zero = {k: (None if k.startswith("benefit_cost_ratio") else 0.0)
            for k in SUMMARY_KEYS}
    return {
        "options": [
            {"label": "Business as usual", "kind": "business_as_usual",
             "description": "No service: nothing spent, nothing saved.", **zero},
            {"label": option.label if option else spec.name,
             "kind": option.kind if option else "preferred",
             "declared": option is not None,
             "description": option.description if option else spec.description,
             **mine}],
        "incremental_to": "business_as_usual",
        "optimism_bias": optimism_bias(spec, x, mine, a),
        "value_for_money": value_for_money(spec, totals),
        "price_years": dict(price_years or {}),
        "board_asked_to": spec.board_asked_to,
    }


#: The financial case's figures for each year, in real terms; each also comes in cash
#: terms as ``<key>_cash_terms`` (the real-terms figure × that year's cash-terms index).
AFFORDABILITY_KEYS = ("recurrent_cost", "non_recurrent_cost", "cost", "gross_savings",
                      "cash_releasing_savings", "non_cash_releasing_savings", "net",
                      "net_cash_releasing")


def financial(spec, x: Inputs, a: Arrays) -> dict:
    """Affordability by financial year, real and cash terms, and the steady state.

    Every figure of :data:`AFFORDABILITY_KEYS` [GBP/year] comes in real terms (the set's
    prices) and in cash terms (× the year's index: (1 + inflation)^(year − 1), or the
    set's index ÷ its year-1 value, or 1 with no inflation; the Green Book appraises in
    real terms, budgets are set in cash terms); totals [GBP] are the sums of the years,
    in each terms."""
    fc = spec.financial_case
    first = fc.first_year if fc else None
    h = x.horizon
    uplift = float(1.0 + x.cost_uplift[0])
    recurrent_fixed = np.zeros(h)
    non_recurrent = np.zeros(h)
    for item in spec.costs.fixed:
        target = recurrent_fixed if item.recurrent else non_recurrent
        target[item.year - 1] += float(item.amount.value) * uplift
    variable = (a.cost_entering_by_year[0] + a.cost_completer_by_year[0]
                + a.cost_booster_by_year[0])
    recurrent = variable + recurrent_fixed
    savings = a.savings_by_year[0]
    cash = (a.savings_by_year_condition[0] * a.cash_share[0][None, :]).sum(axis=1)
    inflation = fc.inflation if fc and fc.inflation else None
    if inflation is None:
        index = np.ones(h)
    elif inflation.index is not None:
        index = np.array(inflation.index, float) / float(inflation.index[0])
    else:
        index = (1.0 + inflation.rate) ** np.arange(h)
    years = []
    for t in range(h):
        row = {"year": t + 1, "financial_year": financial_year(first, t + 1),
               "recurrent_cost": float(recurrent[t]),
               "non_recurrent_cost": float(non_recurrent[t]),
               "cost": float(recurrent[t] + non_recurrent[t]),
               "gross_savings": float(savings[t]),
               "cash_releasing_savings": float(cash[t]),
               "non_cash_releasing_savings": float(savings[t] - cash[t]),
               "net": float(savings[t] - recurrent[t] - non_recurrent[t]),
               "net_cash_releasing": float(cash[t] - recurrent[t] - non_recurrent[t]),
               "cash_terms_index": float(index[t])}
        for key in AFFORDABILITY_KEYS:
            row[key + "_cash_terms"] = row[key] * float(index[t])
        years.append(row)
    # Steady state: a running service at the last year's volume once every cohort's
    # benefit overlaps: each year costs one year's entrants (and the last year's
    # recurrent fixed costs) and saves one year's entrants' lifetime savings.
    cohort = a.cohort_savings[0, -1]
    steady_savings = float(cohort.sum())
    steady_cash = float((cohort * a.cash_share[0]).sum())
    steady_cost = float(a.cohort_cost[0, -1] + recurrent_fixed[-1])
    return {
        "first_financial_year": first,
        "funding_source": fc.funding_source if fc else None,
        "terms": "cash" if inflation else "real",
        "inflation": ({"rate": inflation.rate, "index": inflation.index,
                       "source": inflation.source, "note": inflation.note}
                      if inflation else None),
        "by_year": years,
        "totals": {k: float(sum(r[k] for r in years))
                   for k in (*AFFORDABILITY_KEYS,
                             *(f"{key}_cash_terms" for key in AFFORDABILITY_KEYS))},
        "steady_state": {"annual_cost": steady_cost, "annual_gross_savings": steady_savings,
                         "annual_cash_releasing_savings": steady_cash,
                         "annual_net": steady_savings - steady_cost,
                         "annual_net_cash_releasing": steady_cash - steady_cost,
                         "entering_per_year": float(x.entering[0, -1])},
    }
