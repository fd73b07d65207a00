"""One deterministic run: a validated set in, plain :class:`~.results.Results` out.

Reads one draw of :func:`~.engine.compute`'s arrays into per-year, per-condition and
total rows, and adds who pays and who saves (:mod:`.budget`), the outcomes, the
appraisal and the financial case (:mod:`.appraisal`).
"""

from __future__ import annotations

import numpy as np

from .engine import DISCOUNT_CONVENTION, Arrays, Inputs, compute, headlines
from .results import ConditionRow, PerPerson, Results, Totals, YearRow
from .spec_inputs import inputs_from


def _one(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def results_from(arrays: Arrays, x: Inputs, ids: list[str], labels: list[str],
                 draw: int = 0) -> dict:
    """Plain per-year, per-condition and total figures for one draw (no rounding)."""
    a = arrays
    h = x.horizon
    cost_t = a.cost_by_year[draw]
    save_t = a.savings_by_year[draw]
    net_t = save_t - cost_t
    df = a.discount_factor[draw]
    cumulative_net = np.cumsum(net_t)
    years = [YearRow(year=t + 1, entering=float(a.entering[draw, t].sum()),
                     completed=float(a.completed[draw, t].sum()),
                     recovered=float(a.recovered[draw, t].sum()),
                     cost=float(cost_t[t]), gross_savings=float(save_t[t]),
                     net=float(net_t[t]), cumulative_net=float(cumulative_net[t]),
                     discount_factor=float(df[t]), discounted_net=float(net_t[t] * df[t]))
             for t in range(h)]
    conditions = [ConditionRow(
        id=ids[c], label=labels[c],
        entering=float(a.entering[draw, :, c].sum()),
        completed=float(a.completed[draw, :, c].sum()),
        recovered=float(a.recovered[draw, :, c].sum()),
        cost=float(a.cost_by_condition[draw, c]),
        gross_savings_within_horizon=float(a.savings_within_by_condition[draw, c]),
        gross_savings_lifetime=float(a.savings_lifetime_by_condition[draw, c]))
        for c in range(len(ids))]
    hl = {k: float(v[draw]) for k, v in headlines(a).items()}
    totals = Totals(
        entering=hl["entering"], completed=hl["completed"], recovered=hl["recovered"],
        cost=hl["cost"], gross_savings_within_horizon=hl["gross_savings_within_horizon"],
        gross_savings_lifetime=hl["gross_savings_lifetime"],
        net_within_horizon=hl["net_within_horizon"], npv=hl["npv"],
        benefit_cost_ratio=_one(hl["benefit_cost_ratio"]), roi=_one(hl["roi"]),
        cost_per_recovery=_one(hl["cost_per_recovery"]),
        break_even_month=int(hl["break_even_month"]) or None,
        gross_savings_beyond_horizon=(hl["gross_savings_lifetime"]
                                      - hl["gross_savings_within_horizon"]),
        cost_beyond_horizon=hl["cost_beyond_horizon"], cost_lifetime=hl["cost_lifetime"],
        net_lifetime=hl["net_lifetime"], pv_cost=hl["pv_cost"],
        pv_gross_savings=hl["pv_gross_savings"],
        npv_lifetime=hl["npv_lifetime"], pv_cost_lifetime=hl["pv_cost_lifetime"],
        pv_gross_savings_lifetime=hl["pv_gross_savings_lifetime"],
        benefit_cost_ratio_lifetime=_one(hl["benefit_cost_ratio_lifetime"]),
        benefit_cost_ratio_undiscounted=_one(hl["benefit_cost_ratio_undiscounted"]),
        attributable_recovered=hl["attributable_recovered"],
        pv_attributable_recovered=hl["pv_attributable_recovered"],
        cost_per_attributable_recovery=_one(hl["cost_per_attributable_recovery"]),
        net_cost_per_attributable_recovery=_one(hl["net_cost_per_attributable_recovery"]),
        pv_cash_releasing_savings_lifetime=hl["pv_cash_releasing_savings_lifetime"],
        pv_non_cash_releasing_savings_lifetime=(hl["pv_gross_savings_lifetime"]
                                                - hl["pv_cash_releasing_savings_lifetime"]),
        npv_cash_releasing_lifetime=hl["npv_cash_releasing_lifetime"])
    gross_pp = hl["per_person_gross_saving"]
    cost_pp = _one(hl["per_person_cost"])
    months = float(x.benefit_months[draw])
    payback = None
    if cost_pp is not None and gross_pp > 0 and cost_pp <= gross_pp:
        payback = x.treatment_months + cost_pp * months / gross_pp
    person = PerPerson(
        probability_recovered=float(a.probability_recovered[draw]),
        gross_saving=gross_pp, cost=cost_pp,
        net=None if cost_pp is None else hl["per_person_net"], payback_months=payback,
        probability_attributable=float(a.probability_attributable[draw]))
    return dict(years=years, conditions=conditions, totals=totals, person=person,
                cumulative_cost=tuple(np.cumsum(a.monthly_cost[draw]).tolist()),
                cumulative_savings=tuple(a.cumulative_savings[draw].tolist()))


def run(loaded) -> Results:
    """Run the model on a :class:`~modeller.inputs.loader.LoadedSet`."""
    from .. import __version__
    from ..inputs.loader import price_years
    from . import appraisal, budget

    spec = loaded.spec
    x, ids, labels = inputs_from(spec)
    arrays = compute(x)
    parts = results_from(arrays, x, ids, labels)
    by_holder, by_category = budget.split(spec, arrays, ids)
    years = loaded.price_years or price_years(spec, loaded.evidence)
    cost_lines = tuple((label, float(by_year.sum()))
                       for label, _, by_year in budget.cost_lines_by_year(spec, arrays))
    return Results(
        name=spec.name, hash=loaded.hash, tool_version=__version__,
        currency=spec.currency, price_year=spec.price_year,
        horizon_years=x.horizon, savings_apply_to=x.savings_apply_to,
        benefit_months=float(x.benefit_months[0]), treatment_months=x.treatment_months,
        discount_convention=DISCOUNT_CONVENTION, warnings=tuple(loaded.warnings),
        per_person_entering=parts["person"], totals=parts["totals"],
        by_year=tuple(parts["years"]), by_condition=tuple(parts["conditions"]),
        cumulative_cost=parts["cumulative_cost"],
        cumulative_savings=parts["cumulative_savings"],
        cost_lines=cost_lines,
        annual_saving={i: float(spec.conditions[i].annual_saving.value) for i in ids},
        sources={i: spec.conditions[i].annual_saving.source or spec.conditions[i].source
                 for i in ids},
        by_budget_holder=by_holder, by_care_category=by_category,
        evidence=dict(loaded.evidence),
        outcomes=appraisal.outcomes(spec, x, arrays, ids),
        appraisal=appraisal.appraisal(spec, x, arrays, parts["totals"], years),
        financial=appraisal.financial(spec, x, arrays),
    )
