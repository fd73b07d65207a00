"""From a validated assumption set to the model's numeric :class:`~.engine.Inputs`.

The one place the schema's figures become arrays: per-condition rates (a condition's
own, else the set's), the counterfactual, cash-releasing shares (from each care
category's statement and each condition's savings split), optimism bias, and the
discount factors for every year in which the horizon's cohorts save.
"""

from __future__ import annotations

import numpy as np

from ..inputs.limits import MAX_MONTHS
from .engine import Inputs, discount_factors, factor_years


def _value(q) -> float:
    return float(q.value) if q is not None else 0.0


def counterfactual_rates(spec) -> list[float]:
    """Per condition, the share of entrants who would have recovered anyway [fraction]:
    the condition's own rate, else ``outcomes.counterfactual_recovery_rate``, else 0
    (stated on every run: every recovery is then credited to the service)."""
    default = _value(spec.outcomes.counterfactual_recovery_rate)
    return [_value(c.counterfactual_recovery_rate) if c.counterfactual_recovery_rate
            is not None else default for c in spec.conditions.values()]


def category_cash_shares(spec) -> dict[str, float]:
    """Cash-releasing share of each care category's saving [fraction]; unstated = 0."""
    return {k: (_value(cat.cash_releasing.share) if cat.cash_releasing else 0.0)
            for k, cat in (spec.care_categories or {}).items()}


def cash_shares(spec) -> list[float]:
    """Per condition, the cash-releasing share of its saving [fraction]:
    sum over its care categories of split share x the category's cash-releasing
    share. A condition with no split releases no cash (non-cash-releasing)."""
    cats = category_cash_shares(spec)
    return [sum(share.value * cats.get(k, 0.0)
                for k, share in (c.savings_split or {}).items())
            for c in spec.conditions.values()]


def inputs_from(spec) -> tuple[Inputs, list[str], list[str]]:
    """Deterministic (D = 1) :class:`Inputs` from a validated AssumptionSet.

    Returns the inputs, the condition ids and their labels, in file order.
    """
    h = int(spec.horizon_years.value)
    entering = list(spec.activity.entering_treatment.value)
    entering = np.array(entering * h if len(entering) == 1 else entering, float)
    ids = list(spec.conditions)
    conds = [spec.conditions[i] for i in ids]
    completion = [(c.completion_rate or spec.outcomes.completion_rate).value for c in conds]
    recovery = [(c.recovery_rate or spec.outcomes.recovery_rate).value for c in conds]
    duration = spec.benefit_duration
    if duration.months is not None:
        months = duration.months.value
    else:
        months = sum(c.share * c.months for c in duration.components)
    fixed = np.zeros(h)
    for item in spec.costs.fixed:
        fixed[item.year - 1] += item.amount.value
    rate = spec.discount_rate
    steps = ([(s.from_year, s.rate) for s in rate.schedule] if rate.schedule
             else [(1, rate.value)])
    booster = spec.costs.booster
    one = np.ones(1)
    ob = spec.optimism_bias
    treatment = int(spec.activity.treatment_months.value)
    delay = int(_value(ob.benefit_delay_months)) if ob else 0
    booster_months = (int(booster.months_after_entry.value)
                      if booster and booster.months_after_entry else 0)
    # MAX_MONTHS more: the schema's longest duration (modeller.inputs.limits), so
    # an analysis that lengthens the benefit (thresholds, PSA) finds every factor given
    # rather than continued by extend_factors.
    years = factor_years(h, steps, max(treatment + delay + months, booster_months) + MAX_MONTHS)
    inputs = Inputs(
        entering=entering[None, :],
        share=np.array([[c.share.value for c in conds]]),
        completion=np.array([completion]),
        recovery=np.array([recovery]),
        annual_saving=np.array([[c.annual_saving.value for c in conds]]),
        benefit_months=one * months,
        per_person_entering=one * spec.costs.per_person_entering.value,
        per_completer=one * _value(spec.costs.per_completer),
        booster_share=one * (_value(booster.share_of_recovered) if booster else 0.0),
        booster_cost=one * (_value(booster.cost_per_person) if booster else 0.0),
        fixed=fixed[None, :],
        discount_factor=discount_factors(years, steps)[None, :],
        counterfactual=np.array([counterfactual_rates(spec)]),
        cash_share=np.array([cash_shares(spec)]),
        cost_uplift=one * (_value(ob.cost_uplift) if ob else 0.0),
        savings_reduction=one * (_value(ob.savings_reduction) if ob else 0.0),
        treatment_months=treatment,
        booster_months=booster_months,
        savings_apply_to=spec.outcomes.savings_apply_to,
        benefit_delay_months=delay,
    )
    return inputs, ids, [c.label for c in conds]
