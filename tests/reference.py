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
- beneficiaries are the recovered (or completers, or everyone entering) *minus* the
  counterfactual: counterfactual[c] x people entering would have recovered anyway;
  never fewer than none (docs/method.md, "Counterfactual");
- a beneficiary saves annual/12 x (1 - optimism savings reduction) in each month from
  month m + T + delay + 1 on, for B months, the last (fractional) month pro rata;
- every cost is multiplied by (1 + optimism cost uplift); a booster falls k months
  after entry;
- a condition's cash-releasing share of its savings is booked as cash-releasing;
- every pound is discounted by the factor of the year it falls in, whether inside the
  horizon or after it: year 1 is undiscounted; after the last given factor each year
  is divided by (1 + r), r the rate implied by the last two factors;
- NPV = sum of net_t * factor_t over the horizon; lifetime NPV over every year.
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
            "annual_saving": float(x.annual_saving[draw, c]),
            "counterfactual": float(x.counterfactual[draw, c]),
            "cash_share": float(x.cash_share[draw, c])})
    return {
        "entering": [float(v) for v in x.entering[draw]],
        "conditions": conditions,
        "benefit_months": float(x.benefit_months[draw]),
        "treatment_months": int(x.treatment_months),
        "benefit_delay_months": int(x.benefit_delay_months),
        "per_person_entering": float(x.per_person_entering[draw]),
        "per_completer": float(x.per_completer[draw]),
        "booster_share": float(x.booster_share[draw]),
        "booster_cost": float(x.booster_cost[draw]),
        "booster_months": int(x.booster_months),
        "fixed": [float(v) for v in x.fixed[draw]],
        "discount_factors": [float(v) for v in x.discount_factor[draw]],
        "cost_uplift": float(x.cost_uplift[draw]),
        "savings_reduction": float(x.savings_reduction[draw]),
        "savings_apply_to": x.savings_apply_to,
    }


def factor(factors: list[float], year: int) -> float:
    """Discount factor of ``year`` (1-based), continuing past the given factors at the
    rate implied by the last two of them."""
    if year <= len(factors):
        return factors[year - 1]
    rate = factors[-2] / factors[-1] - 1.0
    return factors[-1] / (1.0 + rate) ** (year - len(factors))


def simulate(p: dict) -> dict:
    """Run the reference model. Money in GBP, months from 1."""
    horizon = len(p["entering"])
    months = 12 * horizon
    n_cond = len(p["conditions"])
    uplift = 1.0 + p["cost_uplift"]
    keep = 1.0 - p["savings_reduction"]
    cost: dict[int, float] = {}           # month -> GBP, inside and after the horizon
    savings: dict[int, float] = {}
    cash: dict[int, float] = {}
    within_c = [0.0] * n_cond
    lifetime_c = [0.0] * n_cond
    cost_c = [0.0] * n_cond
    entering_c = [0.0] * n_cond
    recovered_total = 0.0
    attributable_total = 0.0
    attributable_pv = 0.0
    whole = int(math.floor(p["benefit_months"]))
    part = p["benefit_months"] - whole

    def book(ledger, month, amount):
        ledger[month] = ledger.get(month, 0.0) + amount

    for month in range(1, months + 1):
        year = (month - 1) // 12            # 0-based
        book(cost, month, p["fixed"][year] / 12.0 * uplift)
        for ci, cond in enumerate(p["conditions"]):
            people = p["entering"][year] * cond["share"] / 12.0
            completed = people * cond["completion"]
            recovered = completed * cond["recovery"]
            anyway = cond["counterfactual"] * people
            entering_c[ci] += people
            recovered_total += recovered
            attributable = max(recovered - anyway, 0.0)
            attributable_total += attributable
            attributable_pv += attributable * factor(p["discount_factors"], year + 1)
            cost_c[ci] += p["fixed"][year] / 12.0 * cond["share"] * uplift
            entry_cost = (people * p["per_person_entering"]
                          + completed * p["per_completer"]) * uplift
            book(cost, month, entry_cost)
            cost_c[ci] += entry_cost
            booster = recovered * p["booster_share"] * p["booster_cost"] * uplift
            when = month + p["booster_months"]
            book(cost, when, booster)
            if when <= months:
                cost_c[ci] += booster
            beneficiaries = {"recovered": recovered, "completed": completed,
                             "entering": people}[p["savings_apply_to"]]
            beneficiaries = max(beneficiaries - anyway, 0.0)
            monthly = beneficiaries * cond["annual_saving"] / 12.0 * keep
            start = month + p["treatment_months"] + p["benefit_delay_months"] + 1
            for i in range(whole + (1 if part > 0 else 0)):
                amount = monthly * (1.0 if i < whole else part)
                lifetime_c[ci] += amount
                book(savings, start + i, amount)
                book(cash, start + i, amount * cond["cash_share"])
                if start + i <= months:
                    within_c[ci] += amount

    last = max([months, *cost, *savings])
    years = (last + 11) // 12

    def by_year(ledger):
        return [sum(ledger.get(m, 0.0) for m in range(12 * t + 1, 12 * t + 13))
                for t in range(years)]

    cost_all, savings_all, cash_all = by_year(cost), by_year(savings), by_year(cash)
    f = [factor(p["discount_factors"], t + 1) for t in range(years)]
    cost_by_year, savings_by_year = cost_all[:horizon], savings_all[:horizon]
    npv = sum((s - c) * d for s, c, d in zip(savings_by_year, cost_by_year, f))
    pv_savings_lifetime = sum(s * d for s, d in zip(savings_all, f))
    pv_cost_lifetime = sum(c * d for c, d in zip(cost_all, f))
    break_even = None
    cum_cost = cum_save = 0.0
    for month in range(1, months + 1):
        cum_cost += cost.get(month, 0.0)
        cum_save += savings.get(month, 0.0)
        if max(cum_cost, cum_save) > 1e-9 and cum_save >= cum_cost - 1e-9 * max(cum_cost, cum_save):
            break_even = month
            break
    return {
        "cost_by_year": cost_by_year,
        "savings_by_year": savings_by_year,
        "cost_within": sum(cost_by_year),
        "savings_within": sum(savings_by_year),
        "savings_lifetime": sum(savings_all),
        "cost_beyond": sum(cost_all) - sum(cost_by_year),
        "npv": npv,
        "pv_cost": sum(c * d for c, d in zip(cost_by_year, f)),
        "pv_savings": sum(s * d for s, d in zip(savings_by_year, f)),
        "pv_cost_lifetime": pv_cost_lifetime,
        "pv_savings_lifetime": pv_savings_lifetime,
        "npv_lifetime": pv_savings_lifetime - pv_cost_lifetime,
        "pv_cash_releasing_savings_lifetime": sum(s * d for s, d in zip(cash_all, f)),
        "cash_releasing_by_year": cash_all[:horizon],
        "break_even_month": break_even,
        "within_by_condition": within_c,
        "lifetime_by_condition": lifetime_c,
        "cost_by_condition": cost_c,
        "entering_by_condition": entering_c,
        "recovered": recovered_total,
        "attributable_recovered": attributable_total,
        "pv_attributable_recovered": attributable_pv,
        "monthly_cost": [cost.get(m, 0.0) for m in range(1, months + 1)],
        "monthly_savings": [savings.get(m, 0.0) for m in range(1, months + 1)],
    }
