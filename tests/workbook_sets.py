"""Assumption sets for the workbook tests: random valid sets that vary what the
workbook's formulas must follow (conditions, horizon, volumes per year, fixed costs,
a priced booster, a discount schedule, per-condition rates, the savings basis, the
benefit duration as terms, fractional months)."""

from __future__ import annotations

import random

import yaml

from modeller.inputs.schema import AssumptionSet

#: The finance rules (counterfactual, optimism bias, cash-releasing), where the schema
#: has them.
FINANCE = "optimism_bias" in AssumptionSet.model_fields


def generated(seed: int) -> dict:
    rng = random.Random(seed)
    horizon = rng.choice([1, 2, 3, 5, 7, 10, 12])
    n = rng.randint(1, 4)
    raw = [rng.uniform(0.1, 1.0) for _ in range(n)]
    shares = [round(v / sum(raw), 6) for v in raw]
    shares[-1] = round(1 - sum(shares[:-1]), 6)
    conditions = {}
    for i in range(n):
        cond = {"label": f"Condition {i + 1} =SUM(A1) <b>", "share": shares[i],
                "annual_saving": {"value": round(rng.uniform(100, 3000), 2),
                                  "source": "+generated test figure"}}
        if rng.random() < 0.4:
            cond["recovery_rate"] = round(rng.uniform(0.3, 0.7), 3)
        if rng.random() < 0.3:
            cond["completion_rate"] = round(rng.uniform(0.4, 0.9), 3)
        conditions[f"c{i}"] = cond
    if rng.random() < 0.5:
        volumes = [round(rng.uniform(0, 1500), 1) for _ in range(horizon)]
    else:
        volumes = round(rng.uniform(50, 1500), 1)
    if rng.random() < 0.5:
        steps = [{"from_year": 1, "rate": round(rng.uniform(0, 0.08), 4)}]
        if horizon > 2:
            steps.append({"from_year": rng.randint(2, horizon),
                          "rate": round(rng.uniform(0, 0.08), 4)})
        # The long form: with_values cannot yet edit the list shorthand's steps.
        discount = {"schedule": steps}
    else:
        discount = round(rng.uniform(0, 0.1), 4)
    if rng.random() < 0.5:
        duration = {"months": round(rng.uniform(0, 40), 2)}
    else:
        duration = {"components": [
            {"label": "a", "share": 0.6, "months": round(rng.uniform(1, 36), 1)},
            {"label": "b", "share": 0.4, "months": round(rng.uniform(1, 36), 1)}]}
    costs = {"per_person_entering": round(rng.uniform(200, 1200), 2),
             "fixed": [{"label": f"Fixed {j + 1}", "amount": round(rng.uniform(0, 9e4), 2),
                        "year": rng.randint(1, horizon)}
                       for j in range(rng.randint(0, 3))]}
    if rng.random() < 0.5:
        costs["per_completer"] = round(rng.uniform(0, 300), 2)
    if rng.random() < 0.7:
        costs["booster"] = {"share_of_recovered": round(rng.uniform(0, 0.5), 3),
                            "cost_per_person": round(rng.uniform(50, 400), 2),
                            "months_after_entry": rng.randint(0, 14 * horizon)}
    data = {
        "schema_version": 1, "name": f"generated-{seed}", "currency": "GBP",
        "price_year": None, "horizon_years": horizon, "discount_rate": discount,
        "activity": {"entering_treatment": volumes,
                     "treatment_months": rng.randint(0, 6)},
        "outcomes": {"completion_rate": round(rng.uniform(0.4, 0.9), 3),
                     "recovery_rate": round(rng.uniform(0.3, 0.7), 3),
                     "savings_apply_to": rng.choice(["recovered", "recovered",
                                                     "completed", "entering"])},
        "benefit_duration": duration, "conditions": conditions, "costs": costs}
    if seed % 3 == 0 or rng.random() < 0.3:
        _budget(rng, data)
    if FINANCE:
        _finance(rng, data)
    return data


def _budget(rng: random.Random, data: dict) -> None:
    """Budget holders and care categories, the first condition's saving split between
    two of them, a fixed cost paid by the second holder."""
    data["budget_holders"] = {"icb": "ICB", "acute": "Acute trust"}
    data["costs"]["budget_holder"] = "icb"
    data["care_categories"] = {
        "admissions": {"label": "Admissions", "budget_holder": "acute"},
        "primary": {"label": "Primary care", "budget_holder": "icb"}}
    if FINANCE:
        data["care_categories"]["admissions"]["cash_releasing"] = {
            "share": round(rng.uniform(0, 1), 3), "mechanism": "tariff, capacity removed"}
    split = round(rng.uniform(0, 1), 3)
    data["conditions"]["c0"]["savings_split"] = {"admissions": split,
                                                 "primary": round(1 - split, 3)}
    if data["costs"]["fixed"]:
        data["costs"]["fixed"][0]["budget_holder"] = "acute"
    if "booster" in data["costs"] and rng.random() < 0.5:
        data["costs"]["booster"]["budget_holder"] = "acute"


def _finance(rng: random.Random, data: dict) -> None:
    """Counterfactual recovery and optimism bias, at random."""
    if rng.random() < 0.6:
        data["outcomes"]["counterfactual_recovery_rate"] = round(rng.uniform(0, 0.1), 3)
    first = data["conditions"]["c0"]
    if rng.random() < 0.3:
        first["counterfactual_recovery_rate"] = round(rng.uniform(0, 0.11), 3)
    if rng.random() < 0.5:
        data["optimism_bias"] = {"cost_uplift": round(rng.uniform(0, 0.5), 3),
                                 "savings_reduction": round(rng.uniform(0, 0.4), 3),
                                 "benefit_delay_months": rng.randint(0, 6),
                                 "source": "generated"}


def write(tmp_path, data: dict):
    path = tmp_path / f"{data['name']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def expected(d: dict) -> dict:
    """Every figure the Results sheet must hold, by its key there."""
    out = {}
    for group in ("totals", "per_person_entering"):
        out.update({f"{group}.{k}": v for k, v in d[group].items()})
    for y in d["by_year"]:
        out.update({f"by_year.{y['year']}.{k}": v for k, v in y.items()})
    for c in d["by_condition"]:
        out.update({f"by_condition.{c['id']}.{k}": v for k, v in c.items()
                    if isinstance(v, (int, float)) and not isinstance(v, bool)})
    for b in d["by_budget_holder"]:
        for k in ("cost", "gross_savings_within_horizon", "gross_savings_lifetime",
                  "net_within_horizon"):
            out[f"by_budget_holder.{b['id']}.{k}"] = b[k]
        for y in b["by_year"]:
            for k in ("cost", "gross_savings", "net"):
                out[f"by_budget_holder.{b['id']}.by_year.{y['year']}.{k}"] = y[k]
    for c in d["by_care_category"]:
        for k in ("gross_savings_within_horizon", "gross_savings_lifetime"):
            out[f"by_care_category.{c['id']}.{k}"] = c[k]
    return out
