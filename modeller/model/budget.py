"""Who pays and who saves: costs and savings by budget holder and by care category.

"The benefits of integrating mental and physical health pathways rarely accrue in the
same place as the costs" (002_e728865fc4112d63.txt:2734-2738). A set may split each
condition's saving across care categories (A&E, admissions, outpatients, primary care,
prescribing: the seeds give such a split for MUS, 001_310680aaedf11e68.txt:2760-2783)
and map every category and cost line to a budget holder. Each category may state the
share of its saving that is cash-releasing and by what mechanism (payment by activity
with capacity actually removed, a contract variation...); unstated means
non-cash-releasing, and savings not split by category are non-cash-releasing. This
module shares out the model's own per-year arrays; it computes no new money, so every
row adds up exactly to the totals.
"""

from __future__ import annotations

import numpy as np

from .results import BudgetRow, BudgetYear, CategoryRow


def financial_year(first: str | None, year: int) -> str | None:
    """'2028/29' for year 2 of a set whose first financial year is '2027/28'."""
    if not first:
        return None
    start = int(first[:4]) + year - 1
    return f"{start}/{(start + 1) % 100:02d}"

NOT_SPLIT = "_not_split"
NOT_SPLIT_LABEL = "Savings not split by care category"


def cost_lines_by_year(spec, arrays, draw: int = 0) -> list[tuple[str, str | None, np.ndarray]]:
    """Each cost line as (label, budget holder id, cost by year [GBP])."""
    costs = spec.costs
    payer = costs.budget_holder
    h = arrays.cost_by_year.shape[1]
    lines = [("Therapy for people entering treatment", payer,
              arrays.cost_entering_by_year[draw])]
    if costs.per_completer is not None:
        lines.append(("Extra therapy for people completing", payer,
                      arrays.cost_completer_by_year[draw]))
    if costs.booster is not None and costs.booster.cost_per_person is not None:
        lines.append(("Booster treatment", costs.booster.budget_holder or payer,
                      arrays.cost_booster_by_year[draw]))
    # Fixed costs carry the optimism-bias uplift as in the totals (engine.compute).
    bias = getattr(spec, "optimism_bias", None)
    uplift = 1.0 + (float(bias.cost_uplift.value) if bias and bias.cost_uplift else 0.0)
    for item in costs.fixed:
        by_year = np.zeros(h)
        by_year[item.year - 1] = item.amount.value * uplift
        lines.append((f"{item.label} (year {item.year})", item.budget_holder or payer,
                      by_year))
    return lines


def split(spec, arrays, ids: list[str], draw: int = 0
          ) -> tuple[tuple[BudgetRow, ...], tuple[CategoryRow, ...]]:
    """Rows per budget holder and per care category; empty when none are declared."""
    if not spec.budget_holders:
        return (), ()
    categories = spec.care_categories or {}
    h = arrays.cost_by_year.shape[1]
    holders = dict(spec.budget_holders)
    cost = {k: np.zeros(h) for k in holders}
    saving = {k: np.zeros(h) for k in holders}
    cash = {k: np.zeros(h) for k in holders}
    mechanisms: dict[str, list[str]] = {k: [] for k in holders}
    lifetime = {k: 0.0 for k in holders}
    cat_within = {k: 0.0 for k in categories}
    cat_lifetime = {k: 0.0 for k in categories}

    for _, payer, by_year in cost_lines_by_year(spec, arrays, draw):
        cost[payer] = cost[payer] + by_year

    by_year_c = arrays.savings_by_year_condition[draw]           # (H, C)
    lifetime_c = arrays.savings_lifetime_by_condition[draw]      # (C,)
    for c, cid in enumerate(ids):
        shares = spec.conditions[cid].savings_split
        if not shares:
            if NOT_SPLIT not in holders:
                holders[NOT_SPLIT] = NOT_SPLIT_LABEL
                cost[NOT_SPLIT], saving[NOT_SPLIT] = np.zeros(h), np.zeros(h)
                cash[NOT_SPLIT], mechanisms[NOT_SPLIT] = np.zeros(h), []
                lifetime[NOT_SPLIT] = 0.0
            saving[NOT_SPLIT] = saving[NOT_SPLIT] + by_year_c[:, c]
            lifetime[NOT_SPLIT] += float(lifetime_c[c])
            continue
        for category, quantity in shares.items():
            share = quantity.value
            holder = categories[category].budget_holder
            saving[holder] = saving[holder] + share * by_year_c[:, c]
            stated = categories[category].cash_releasing
            if stated is not None:
                cash[holder] = cash[holder] + (share * float(stated.share.value)
                                               * by_year_c[:, c])
                if stated.mechanism and stated.mechanism not in mechanisms[holder]:
                    mechanisms[holder].append(stated.mechanism)
            lifetime[holder] += share * float(lifetime_c[c])
            cat_within[category] += share * float(by_year_c[:, c].sum())
            cat_lifetime[category] += share * float(lifetime_c[c])

    first = spec.financial_case.first_year if spec.financial_case else None
    rows = tuple(BudgetRow(
        id=k, label=label, cost=float(cost[k].sum()),
        gross_savings_within_horizon=float(saving[k].sum()),
        gross_savings_lifetime=lifetime[k],
        net_within_horizon=float(saving[k].sum() - cost[k].sum()),
        by_year=tuple(BudgetYear(year=t + 1, cost=float(cost[k][t]),
                                 gross_savings=float(saving[k][t]),
                                 net=float(saving[k][t] - cost[k][t]),
                                 cash_releasing_savings=float(cash[k][t]),
                                 non_cash_releasing_savings=float(saving[k][t]
                                                                  - cash[k][t]),
                                 financial_year=financial_year(first, t + 1))
                      for t in range(h)),
        cash_releasing_savings_within_horizon=float(cash[k].sum()),
        non_cash_releasing_savings_within_horizon=float(saving[k].sum() - cash[k].sum()),
        cash_releasing_mechanisms=tuple(mechanisms[k]))
        for k, label in holders.items())
    cats = tuple(CategoryRow(
        id=k, label=cat.label, budget_holder=cat.budget_holder,
        gross_savings_within_horizon=cat_within[k],
        gross_savings_lifetime=cat_lifetime[k],
        cash_releasing_share=(float(cat.cash_releasing.share.value)
                              if cat.cash_releasing else 0.0),
        cash_releasing_mechanism=cat.cash_releasing.mechanism if cat.cash_releasing
        else None)
        for k, cat in categories.items())
    return rows, cats
