"""A deliberately simple reference implementation of the cost-offset model.

It walks every entry month and every condition, follows that group of people month
by month through their benefit period, and books each pound in the month it falls.
No numpy, no closed forms: slow and obvious, so the fast model in
:mod:`modeller.model` can be checked against it.

Conventions (the same as the model's documented ones, written out independently):
- entries of year t are spread evenly over its 12 months;
- costs per person entering and per completer fall in the month of entry;
- fixed costs fall evenly over the 12 months of their year and are shared between
  conditions by case-mix share;
- a beneficiary saves annual/12 in each month from month m + T + 1 on, for B months,
  the last (fractional) month pro rata;
- a booster falls k months after entry;
- year 1 is undiscounted; NPV = sum of net_t * factor_t.
"""

from __future__ import annotations

import math


def params_from_inputs(x, draw: int = 0) -> dict:
    """Plain-number parameters from a :class:`modeller.model.Inputs` draw."""
    conditions = []
    for c in range(x.share.shape[1]):
        conditions.append({
            "share": float(x.share[draw, c]), "completion": float(x.completion[draw, c]),
            "recovery": float(x.recovery[draw, c]),
            "annual_saving": float(x.annual_saving[draw, c])})
    return {
        "entering": [float(v) for v in x.entering[draw]],
        "conditions": conditions,
        "benefit_months": float(x.benefit_months[draw]),
        "treatment_months": int(x.treatment_months),
        "per_person_entering": float(x.per_person_entering[draw]),
        "per_completer": float(x.per_completer[draw]),
        "booster_share": float(x.booster_share[draw]),
        "booster_cost": float(x.booster_cost[draw]),
        "booster_months": int(x.booster_months),
        "fixed": [float(v) for v in x.fixed[draw]],
        "discount_factors": [float(v) for v in x.discount_factor[draw]],
        "savings_apply_to": x.savings_apply_to,
    }


def simulate(p: dict) -> dict:
    """Run the reference model. Money in GBP, months from 1."""
    horizon = len(p["entering"])
    months = 12 * horizon
    n_cond = len(p["conditions"])
    cost = [0.0] * (months + 1)           # index = month (1-based); beyond -> extra
    savings = [0.0] * (months + 1)
    cost_beyond = 0.0
    savings_beyond = 0.0
    within_c = [0.0] * n_cond
    lifetime_c = [0.0] * n_cond
    cost_c = [0.0] * n_cond
    entering_c = [0.0] * n_cond
    recovered_total = 0.0
    whole = int(math.floor(p["benefit_months"]))
    part = p["benefit_months"] - whole

    for month in range(1, months + 1):
        year = (month - 1) // 12            # 0-based
        cost[month] += p["fixed"][year] / 12.0
        for ci, cond in enumerate(p["conditions"]):
            people = p["entering"][year] * cond["share"] / 12.0
            completed = people * cond["completion"]
            recovered = completed * cond["recovery"]
            entering_c[ci] += people
            recovered_total += recovered
            cost_c[ci] += p["fixed"][year] / 12.0 * cond["share"]
            entry_cost = people * p["per_person_entering"] + completed * p["per_completer"]
            cost[month] += entry_cost
            cost_c[ci] += entry_cost
            booster = recovered * p["booster_share"] * p["booster_cost"]
            when = month + p["booster_months"]
            if when <= months:
                cost[when] += booster
                cost_c[ci] += booster
            else:
                cost_beyond += booster
            beneficiaries = {"recovered": recovered, "completed": completed,
                             "entering": people}[p["savings_apply_to"]]
            monthly = beneficiaries * cond["annual_saving"] / 12.0
            start = month + p["treatment_months"] + 1
            for i in range(whole + (1 if part > 0 else 0)):
                amount = monthly * (1.0 if i < whole else part)
                lifetime_c[ci] += amount
                if start + i <= months:
                    savings[start + i] += amount
                    within_c[ci] += amount
                else:
                    savings_beyond += amount

    cost_by_year = [sum(cost[12 * t + 1:12 * t + 13]) for t in range(horizon)]
    savings_by_year = [sum(savings[12 * t + 1:12 * t + 13]) for t in range(horizon)]
    npv = sum((s - c) * f for s, c, f in
              zip(savings_by_year, cost_by_year, p["discount_factors"]))
    break_even = None
    cum_cost = cum_save = 0.0
    for month in range(1, months + 1):
        cum_cost += cost[month]
        cum_save += savings[month]
        if max(cum_cost, cum_save) > 1e-9 and cum_save >= cum_cost - 1e-9 * max(cum_cost, cum_save):
            break_even = month
            break
    return {
        "cost_by_year": cost_by_year,
        "savings_by_year": savings_by_year,
        "cost_within": sum(cost_by_year),
        "savings_within": sum(savings_by_year),
        "savings_lifetime": sum(savings_by_year) + savings_beyond,
        "cost_beyond": cost_beyond,
        "npv": npv,
        "break_even_month": break_even,
        "within_by_condition": within_c,
        "lifetime_by_condition": lifetime_c,
        "cost_by_condition": cost_c,
        "entering_by_condition": entering_c,
        "recovered": recovered_total,
        "monthly_cost": cost[1:],
        "monthly_savings": savings[1:],
    }
