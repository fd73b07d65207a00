"""The numeric inputs of a set, one row each, as the workbook's Inputs sheet lists them.

Each :class:`Entry` carries the dotted key path that ``modeller grid --vary`` and the
API's ``with_values`` accept (list items as ``[i]``), a label, the value, its unit, its
source, the allowed range (from the schema) and its *role*: ``model`` inputs feed the
formulas and are editable; ``layout`` inputs (the horizon) fix the number of columns and
are shown locked; ``record`` inputs (the price year, care-category splits) are stated
for the reader and not used by the arithmetic.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

INF = math.inf


@dataclass(frozen=True)
class Entry:
    key: str                 # dotted path, e.g. "costs.fixed[0].amount"
    label: str
    value: float
    unit: str                # for people: "fraction", "GBP", "months", ...
    source: str | None
    minimum: float
    maximum: float
    integer: bool = False
    role: str = "model"      # model | layout | record
    group: str = ""


def _source(q, *fallbacks) -> str | None:
    for item in (q, *fallbacks):
        text = getattr(item, "source", None)
        if text:
            return text
    return None


def entries(spec) -> list[Entry]:
    """Every numeric input of a validated set, in the order of the YAML schema."""
    out: list[Entry] = []

    def add(key, label, value, unit, source, lo, hi, *, integer=False, role="model",
            group=""):
        out.append(Entry(key, label, float(value), unit, source, lo, hi, integer, role,
                         group))

    add("horizon_years", "Appraisal horizon (sets the number of year columns; make a "
        "new workbook to change it)", spec.horizon_years.value, "years",
        _source(spec.horizon_years), 1, 100, integer=True, role="layout", group="General")
    if spec.price_year is not None:
        add("price_year", "Price year of the money figures (recorded, not used in the "
            "arithmetic)", spec.price_year, "year", None, 1900, 2200, integer=True,
            role="record", group="General")
    rate = spec.discount_rate
    if rate.schedule:
        for i, step in enumerate(rate.schedule):
            add(f"discount_rate.schedule[{i}].from_year", f"Discount schedule step "
                f"{i + 1}: first year", step.from_year, "year", _source(rate), 1, 100,
                integer=True, group="Discounting")
            add(f"discount_rate.schedule[{i}].rate", f"Discount schedule step {i + 1}: "
                "rate", step.rate, "fraction/year", _source(rate), 0, 0.99,
                group="Discounting")
    else:
        add("discount_rate", "Discount rate (real, a year)", rate.value, "fraction/year",
            _source(rate), 0, 0.99, group="Discounting")

    act = spec.activity
    volumes = act.entering_treatment.value
    if len(volumes) == 1:
        add("activity.entering_treatment", "People entering treatment a year",
            volumes[0], "people/year", _source(act.entering_treatment, act), 0, INF,
            group="Activity")
    else:
        for i, v in enumerate(volumes):
            add(f"activity.entering_treatment[{i}]", f"People entering treatment in "
                f"year {i + 1}", v, "people/year", _source(act.entering_treatment, act),
                0, INF, group="Activity")
    add("activity.treatment_months", "Months of treatment before savings start",
        act.treatment_months.value, "months", _source(act.treatment_months, act), 0,
        1200, integer=True, group="Activity")

    out_ = spec.outcomes
    add("outcomes.completion_rate", "Completion rate (conditions without their own)",
        out_.completion_rate.value, "fraction", _source(out_.completion_rate, out_), 0, 1,
        group="Outcomes")
    add("outcomes.recovery_rate", "Recovery rate among completers (conditions without "
        "their own)", out_.recovery_rate.value, "fraction",
        _source(out_.recovery_rate, out_), 0, 1, group="Outcomes")

    dur = spec.benefit_duration
    if dur.months is not None:
        add("benefit_duration.months", "Benefit duration", dur.months.value, "months",
            _source(dur.months, dur), 0, 1200, group="Benefit duration")
    # Components are the model's input only when no months are given.
    role = "record" if dur.months is not None else "model"
    for i, comp in enumerate(dur.components or []):
        add(f"benefit_duration.components[{i}].share", f"Duration component {i + 1} "
            f"({comp.label}): share", comp.share, "fraction", _source(comp, dur), 0, 1,
            role=role, group="Benefit duration")
        add(f"benefit_duration.components[{i}].months", f"Duration component {i + 1} "
            f"({comp.label}): months", comp.months, "months", _source(comp, dur), 0,
            1200, role=role, group="Benefit duration")

    for cid, cond in spec.conditions.items():
        group = f"Condition: {cond.label}"
        add(f"conditions.{cid}.share", f"{cond.label}: share of people entering",
            cond.share.value, "fraction", _source(cond.share, cond), 0, 1, group=group)
        saving = cond.annual_saving
        add(f"conditions.{cid}.annual_saving", f"{cond.label}: annual saving per "
            "beneficiary", saving.value, "GBP/year",
            _source(saving, cond) or (f"evidence record {saving.evidence}"
                                      if saving.evidence else None), 0, INF, group=group)
        for key, label in (("completion_rate", "completion rate"),
                           ("recovery_rate", "recovery rate among completers")):
            q = getattr(cond, key)
            if q is not None:
                add(f"conditions.{cid}.{key}", f"{cond.label}: {label}", q.value,
                    "fraction", _source(q, cond), 0, 1, group=group)
        for cat, share in (cond.savings_split or {}).items():
            add(f"conditions.{cid}.savings_split.{cat}", f"{cond.label}: share of the "
                f"saving in {cat} (recorded; the workbook does not split by budget)",
                share, "fraction", _source(cond), 0, 1, role="record", group=group)

    costs = spec.costs
    add("costs.per_person_entering", "Cost per person entering treatment",
        costs.per_person_entering.value, "GBP/person",
        _source(costs.per_person_entering, costs), 0, INF, group="Costs")
    if costs.per_completer is not None:
        add("costs.per_completer", "Extra cost per person completing",
            costs.per_completer.value, "GBP/person", _source(costs.per_completer, costs),
            0, INF, group="Costs")
    booster = costs.booster
    if booster is not None:
        add("costs.booster.share_of_recovered", "Share of people recovered needing a "
            "booster", booster.share_of_recovered.value, "fraction",
            _source(booster.share_of_recovered, booster), 0, 1, group="Costs")
        if booster.cost_per_person is not None:
            add("costs.booster.cost_per_person", "Booster cost per person",
                booster.cost_per_person.value, "GBP/person",
                _source(booster.cost_per_person, booster), 0, INF, group="Costs")
        if booster.months_after_entry is not None:
            add("costs.booster.months_after_entry", "Months from entry to the booster",
                booster.months_after_entry.value, "months",
                _source(booster.months_after_entry, booster), 0, 1200, integer=True,
                group="Costs")
    horizon = int(spec.horizon_years.value)
    for i, item in enumerate(costs.fixed):
        add(f"costs.fixed[{i}].amount", f"Fixed cost: {item.label}", item.amount.value,
            "GBP", _source(item.amount, item), 0, INF, group="Costs")
        add(f"costs.fixed[{i}].year", f"Fixed cost: {item.label}: year it falls in",
            item.year, "year", _source(item), 1, horizon, integer=True, group="Costs")
    return out


def defined_name(key: str, taken: set[str]) -> str:
    """An Excel/LibreOffice defined name for ``key``: letters, digits and underscores,
    starting with a letter, unique (case-insensitively) among ``taken``, which it joins.
    """
    base = re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_") or "input"
    if not base[0].isalpha():
        base = "n_" + base
    base = base[:200]
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name.lower())
    return name
