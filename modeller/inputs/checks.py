"""Cross-field rules and warnings for an assumption set.

These read the merged user data directly (not the validated model) and skip anything
that is not a number, so they run even when a field is invalid: a user sees every
problem in one pass. Each returns ``(path, message)`` pairs; the caller adds the file
and line.
"""

from __future__ import annotations

import math
from typing import Any

SUM_TOLERANCE = 1e-6


def _num(raw: Any) -> float | None:
    """The number in a plain or quantity field, or None when it is not one."""
    if isinstance(raw, dict):
        raw = raw.get("value")
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    return float(raw)


def _get(data: Any, *keys: Any) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _sum_problem(values: list[float | None], what: str) -> str | None:
    if not values or any(v is None for v in values):
        return None
    total = math.fsum(values)  # type: ignore[arg-type]
    if abs(total - 1.0) > SUM_TOLERANCE:
        return (f"{what} sum to {total:.6g}; they must sum to 1 "
                f"(within {SUM_TOLERANCE:g})")
    return None


def benefit_components_months(data: Any) -> float | None:
    """Sum of share * months over ``benefit_duration.components``. [months]

    Source: the FAQ's formula "(0.5*36 + 0.25*24 + 0.25*12)"
    (000_531557c98ba51688.txt:1333), which evaluates to 27.0.
    """
    comps = _get(data, "benefit_duration", "components")
    if not isinstance(comps, list) or not comps:
        return None
    terms = []
    for comp in comps:
        share, months = _num(_get(comp, "share")), _num(_get(comp, "months"))
        if share is None or months is None:
            return None
        terms.append(share * months)
    return math.fsum(terms)


def cross_field(data: Any) -> list[tuple[tuple, str]]:
    """Rules that relate several fields. Returns (path, message) pairs."""
    out: list[tuple[tuple, str]] = []
    if not isinstance(data, dict):
        return out
    horizon = _num(data.get("horizon_years"))
    horizon_int = int(horizon) if horizon is not None and horizon == int(horizon) else None

    conditions = data.get("conditions")
    if isinstance(conditions, dict) and conditions:
        shares = [_num(_get(c, "share")) for c in conditions.values()]
        msg = _sum_problem(shares, "condition shares " + " + ".join(
            f"{k}={_num(_get(c, 'share'))}" for k, c in conditions.items()))
        if msg:
            out.append((("conditions",), msg))

    for cid, cond in (conditions.items() if isinstance(conditions, dict) else []):
        saving = _get(cond, "annual_saving")
        if saving is None and isinstance(cond, dict) and "annual_saving" in cond:
            out.append((("conditions", cid, "annual_saving"),
                        "is empty; give a number, or `evidence:` (a record id from "
                        "`modeller evidence`)"))
        if isinstance(saving, dict):
            has_value = saving.get("value") is not None
            has_evidence = saving.get("evidence") is not None
            if has_value == has_evidence:
                out.append((("conditions", cid, "annual_saving"),
                            "give either `value` (a number) or `evidence` (a record id "
                            "from `modeller evidence`), not " +
                            ("both" if has_value else "neither")))
            elif has_value and any(saving.get(k) is not None for k in
                                   ("scale", "assume_price_year")):
                out.append((("conditions", cid, "annual_saving"), "`scale` and "
                            "`assume_price_year` apply only to a cited `evidence` record"))

    entering = _get(data, "activity", "entering_treatment")
    entering_value = entering.get("value") if isinstance(entering, dict) else entering
    if isinstance(entering_value, list) and horizon_int is not None \
            and len(entering_value) != horizon_int:
        out.append((("activity", "entering_treatment"),
                    f"a list of {len(entering_value)} numbers; it must have one number per "
                    f"year of the horizon ({horizon_int}), or be a single number for "
                    "every year"))

    duration = data.get("benefit_duration")
    if isinstance(duration, dict):
        comps = duration.get("components")
        if duration.get("months") is None and not comps:
            out.append((("benefit_duration",), "give `months`, `components` "
                        "(list of {label, share, months}), or both"))
        if isinstance(comps, list) and comps:
            msg = _sum_problem([_num(_get(c, "share")) for c in comps],
                               "benefit_duration component shares")
            if msg:
                out.append((("benefit_duration", "components"), msg))

    discount = data.get("discount_rate")
    if isinstance(discount, list):
        discount = {"schedule": discount}
    if isinstance(discount, dict):
        schedule = discount.get("schedule")
        if schedule is not None and discount.get("value") is not None:
            out.append((("discount_rate",), "give a single rate (`value`) or a "
                        "`schedule`, not both"))
        if isinstance(schedule, list):
            years = [_get(s, "from_year") for s in schedule]
            if not schedule:
                out.append((("discount_rate",), "the schedule is empty; give at least "
                            "{from_year: 1, rate: ...}"))
            elif all(isinstance(y, int) for y in years):
                if years[0] != 1:
                    out.append((("discount_rate", 0, "from_year"), f"{years[0]}: the "
                                "first step of a discount schedule must start at year 1"))
                for i in range(1, len(years)):
                    if years[i] <= years[i - 1]:
                        out.append((("discount_rate", i, "from_year"), f"{years[i]}: "
                                    "from_year must increase from step to step"))
        elif schedule is None and "value" not in discount:
            out.append((("discount_rate",), "give `value` (a rate) or `schedule`"))

    fixed = _get(data, "costs", "fixed")
    if isinstance(fixed, list) and horizon_int is not None:
        for i, item in enumerate(fixed):
            year = _get(item, "year")
            if isinstance(year, int) and not isinstance(year, bool) and year > horizon_int:
                out.append((("costs", "fixed", i, "year"), f"{year}: after the horizon "
                            f"({horizon_int} years); a fixed cost must fall in years "
                            f"1..{horizon_int}"))

    booster = _get(data, "costs", "booster")
    if isinstance(booster, dict) and booster.get("cost_per_person") is not None \
            and booster.get("months_after_entry") is None:
        out.append((("costs", "booster", "months_after_entry"), "required when the "
                    "booster has a cost_per_person: when does the booster fall?"))
    out += _budget_rules(data)
    out += _finance_rules(data)
    return out


def _finance_rules(data: dict) -> list[tuple[tuple, str]]:
    """Counterfactual, net savings, cash-releasing, optimism bias, financial years."""
    out: list[tuple[tuple, str]] = []
    outcomes = data.get("outcomes") if isinstance(data.get("outcomes"), dict) else {}
    basis = outcomes.get("savings_apply_to", "recovered")
    if not isinstance(basis, str):  # a wrong type is the schema's problem to report
        basis = "recovered"
    conditions = data.get("conditions")
    for cid, cond in (conditions.items() if isinstance(conditions, dict) else []):
        cf = _num(_get(cond, "counterfactual_recovery_rate"))
        path = ("conditions", cid, "counterfactual_recovery_rate")
        if cf is None:
            cf = _num(outcomes.get("counterfactual_recovery_rate"))
            path = ("outcomes", "counterfactual_recovery_rate")
        completion = _num(_get(cond, "completion_rate"))
        if completion is None:
            completion = _num(outcomes.get("completion_rate"))
        recovery = _num(_get(cond, "recovery_rate"))
        if recovery is None:
            recovery = _num(outcomes.get("recovery_rate"))
        if cf is not None and completion is not None and recovery is not None:
            benefit = {"recovered": completion * recovery, "completed": completion,
                       "entering": 1.0}.get(basis, completion * recovery)
            what = {"recovered": f"recover with the service ({completion:g} x "
                                 f"{recovery:g} = {benefit:g})",
                    "completed": f"complete treatment ({benefit:g})",
                    "entering": "enter treatment (1)"}.get(basis, "")
            if cf > benefit + 1e-12:
                out.append((path, f"{cf:g}: more people entering treatment would "
                            f"recover without the service than {what} for condition "
                            f"{cid!r}; the counterfactual may be at most {benefit:g} "
                            "(the model would otherwise credit negative savings)"))
        saving = _get(cond, "annual_saving")
        if isinstance(saving, dict) and saving.get("basis") == "net":
            out.append((("conditions", cid, "annual_saving", "basis"),
                        "'net': a saving already net of the treatment cost cannot be "
                        "used, because the model subtracts the treatment cost itself "
                        "and would count it twice; give the gross saving (before the "
                        "treatment cost) with its source"))

    categories = data.get("care_categories")
    for cat_id, cat in (categories.items() if isinstance(categories, dict) else []):
        cash = _get(cat, "cash_releasing")
        share = _num(_get(cash, "share"))
        if isinstance(cash, dict) and share and not cash.get("mechanism"):
            out.append((("care_categories", cat_id, "cash_releasing", "mechanism"),
                        "required when a share of the saving is cash-releasing: by what "
                        "mechanism is the cash released (e.g. activity-based tariff "
                        "with capacity removed, a contract variation)?"))

    ob = data.get("optimism_bias")
    if isinstance(ob, dict) and all(ob.get(k) is None for k in
                                   ("cost_uplift", "savings_reduction",
                                    "benefit_delay_months")):
        out.append((("optimism_bias",), "give at least one of cost_uplift, "
                    "savings_reduction or benefit_delay_months (or remove the block)"))

    inflation = _get(data, "financial_case", "inflation")
    if isinstance(inflation, dict):
        rate, index = inflation.get("rate"), inflation.get("index")
        if (rate is None) == (index is None):
            out.append((("financial_case", "inflation"), "give a `rate` (a number a "
                        "year) or an `index` (one number per year), not " +
                        ("both" if rate is not None else "neither")))
        horizon = _num(data.get("horizon_years"))
        if isinstance(index, list) and horizon is not None and len(index) != horizon:
            out.append((("financial_case", "inflation", "index"), f"a list of "
                        f"{len(index)} numbers; it must have one per year of the horizon "
                        f"({horizon:g})"))
    first = _get(data, "financial_case", "first_year")
    if isinstance(first, str) and len(first) == 7 and first[:4].isdigit() \
            and first[5:].isdigit() and (int(first[:4]) + 1) % 100 != int(first[5:]):
        start = int(first[:4])
        out.append((("financial_case", "first_year"), f"{first!r}: a financial year "
                    f"runs into the next year (write '{start}/{(start + 1) % 100:02d}')"))
    return out


def _budget_rules(data: dict) -> list[tuple[tuple, str]]:
    """Who pays and who saves: every reference names a declared holder or category."""
    out: list[tuple[tuple, str]] = []
    holders = data.get("budget_holders")
    holder_ids = list(holders) if isinstance(holders, dict) else []
    categories = data.get("care_categories")
    category_ids = list(categories) if isinstance(categories, dict) else []

    def holder_ref(path: tuple, ref: Any) -> None:
        if ref is None or not isinstance(ref, str):
            return
        if not holder_ids:
            out.append((path, f"{ref!r}: no budget_holders are declared; add "
                        f"budget_holders: {{{ref}: <label>}} at the top level"))
        elif ref not in holder_ids:
            out.append((path, f"{ref!r}: unknown budget holder; declared: "
                        + ", ".join(holder_ids)))

    for cid, category in (categories or {}).items() if category_ids else []:
        holder_ref(("care_categories", cid, "budget_holder"), _get(category, "budget_holder"))
    costs = data.get("costs") if isinstance(data.get("costs"), dict) else {}
    holder_ref(("costs", "budget_holder"), costs.get("budget_holder"))
    holder_ref(("costs", "booster", "budget_holder"), _get(costs, "booster", "budget_holder"))
    for i, item in enumerate(costs.get("fixed") or []):
        holder_ref(("costs", "fixed", i, "budget_holder"), _get(item, "budget_holder"))
    if holder_ids and costs and costs.get("budget_holder") is None:
        out.append((("costs",), "budget_holders are declared, so costs.budget_holder is "
                    "required: who pays for treatment? allowed: " + ", ".join(holder_ids)))

    conditions = data.get("conditions")
    for cid, cond in (conditions.items() if isinstance(conditions, dict) else []):
        split = _get(cond, "savings_split")
        if not isinstance(split, dict):
            continue
        path = ("conditions", cid, "savings_split")
        if not category_ids:
            out.append((path, "no care_categories are declared; add care_categories "
                        "with a label and budget_holder for each category"))
            continue
        for key in split:
            if key not in category_ids:
                out.append((path + (key,), f"unknown care category {key!r}; declared: "
                            + ", ".join(category_ids)))
        msg = _sum_problem([_num(v) for v in split.values()], f"{cid} savings_split shares")
        if msg:
            out.append((path, msg))
    return out


#: The FAQ's benefit-duration formula, (share, months) terms, and the answer it prints
#: (NHS England (2017), IAPT-LTC FAQ, Table 2: "(0.5*36 + 0.25*24 + 0.25*12) = 26.5
#: months", which sums to 27); the warning names the FAQ only for this very formula.
FAQ_BENEFIT_FORMULA = ((0.5, 36.0), (0.25, 24.0), (0.25, 12.0))
FAQ_BENEFIT_STATED = 26.5


def warnings(data: dict) -> list[str]:
    """Inconsistencies that do not stop a run but must be shown on every run and report."""
    out: list[str] = []
    duration = data.get("benefit_duration") or {}
    stated = _num(duration.get("months"))
    computed = benefit_components_months(data)
    if stated is not None and computed is not None and abs(stated - computed) > 1e-9:
        terms = " + ".join(f"{_num(c.get('share')):g}*{_num(c.get('months')):g}"
                           for c in duration["components"])
        pairs = tuple((_num(c.get("share")), _num(c.get("months")))
                      for c in duration["components"])
        faq = ("" if (pairs, stated) != (FAQ_BENEFIT_FORMULA, FAQ_BENEFIT_STATED) else
               " (The FAQ prints the same formula with the answer 26.5: "
               "NHS England (2017), IAPT-LTC FAQ, Table 2.)")
        out.append(
            f"benefit_duration: the stated duration is {stated:g} months but its components "
            f"({terms}) sum to {computed:g} months; the model uses the stated "
            f"{stated:g} months.{faq}")
    if _num(_get(data, "outcomes", "counterfactual_recovery_rate")) is None:
        out.append(
            "outcomes.counterfactual_recovery_rate: not stated, so every recovery is "
            "credited to the service (as if nobody would have recovered without it); "
            "state the share of people entering treatment who would have recovered "
            "anyway, with its source, or 0 with the reason.")
    booster = _get(data, "costs", "booster")
    if isinstance(booster, dict) and booster.get("cost_per_person") is None:
        share = _num(booster.get("share_of_recovered"))
        share_text = f"{share:.0%}" if share is not None else "a share"
        out.append(
            f"costs.booster: {share_text} of people who recover are expected to need a "
            "booster, but no booster cost is given, so boosters are not priced (as in the "
            "FAQ's own calculation); give costs.booster.cost_per_person and "
            "months_after_entry to price them.")
    marked = _marked_for_replacement(data)
    if marked:
        out.append(f"{len(marked)} figure(s) still marked REPLACE (as `modeller new` wrote "
                   f"them): {', '.join(marked)}; replace each with your local figure and "
                   "its source.")
    return out


def _marked_for_replacement(data: Any, path: str = "") -> list[str]:
    """Dotted paths whose ``note``, ``source`` or ``description`` starts with REPLACE."""
    found: list[str] = []
    if isinstance(data, dict):
        if any(isinstance(data.get(k), str) and data[k].startswith("REPLACE")
               for k in ("note", "source", "description")):
            found.append(path or "description")
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                found += _marked_for_replacement(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            found += _marked_for_replacement(item, f"{path}[{i}]")
    return found
