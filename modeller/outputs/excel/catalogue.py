"""The numeric inputs of a set, one row each, as the workbook's Inputs sheet lists them.

The rows are the API's catalogue (``s.inputs()``, :mod:`modeller.inputs.keys`): the
dotted key paths that ``modeller grid --vary`` and ``with_values`` accept (list items
as ``[i]``), with label, value, unit, source and allowed range. Each :class:`Entry` adds
its *role* here: ``model`` inputs feed the formulas and are editable; ``layout`` inputs
(the horizon) fix the number of year columns and are shown locked; ``record`` inputs
(care-category splits when the set declares no budget holders or categories, duration
terms when the set states the duration, a national rate that every condition
overrides) are shown for the reader and not used by the
arithmetic.
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
    unit: str                # "fraction", "GBP", "months", "people/year", ...
    source: str | None
    minimum: float
    maximum: float           # inf when there is no upper bound
    integer: bool = False
    role: str = "model"      # model | layout | record
    group: str = ""


#: Keys the workbook's formulas read (``[i]`` and ``*`` stand for an index and an id).
MODEL_KEYS = [
    r"discount_rate", r"discount_rate\.schedule\[i\]\.(from_year|rate)",
    r"activity\.entering_treatment(\[i\])?", r"activity\.treatment_months",
    r"outcomes\.(completion_rate|recovery_rate)", r"benefit_duration\.months",
    r"conditions\.\*\.(share|annual_saving|completion_rate|recovery_rate)",
    r"costs\.(per_person_entering|per_completer)",
    r"costs\.booster\.(share_of_recovered|cost_per_person|months_after_entry)",
    r"costs\.fixed\[i\]\.(amount|year)",
    r"outcomes\.counterfactual_recovery_rate",
    r"conditions\.\*\.counterfactual_recovery_rate",
    r"optimism_bias\.(cost_uplift|savings_reduction|benefit_delay_months)",
    r"care_categories\.\*\.cash_releasing\.share",
    r"financial_case\.inflation\.(rate|index(\[i\])?)",
    r"outcomes\.qaly_gain_per_recovery",
]
_MODEL = re.compile("|".join(f"(?:{p})" for p in MODEL_KEYS))


def _shape(key: str) -> str:
    """``conditions.copd.share`` -> ``conditions.*.share``; ``[3]`` -> ``[i]``."""
    key = re.sub(r"\[\d+\]", "[i]", key)
    parts = key.split(".")
    if parts[0] in ("conditions", "care_categories") and len(parts) > 2:
        parts[1] = "*"
    if len(parts) > 3 and parts[2] == "savings_split":
        parts[3] = "*"
    return ".".join(parts)


def role_of(key: str, spec) -> str:
    """``model`` (the formulas read it), ``layout`` (the horizon) or ``record``."""
    if key == "horizon_years":
        return "layout"
    shape = _shape(key)
    if shape.startswith("benefit_duration.components"):
        return "model" if spec.benefit_duration.months is None else "record"
    if shape == "conditions.*.savings_split.*":
        # read by the budget-holder rows and the condition's cash-releasing share
        return "model" if spec.budget_holders or spec.care_categories else "record"
    if shape in ("outcomes.completion_rate", "outcomes.recovery_rate"):
        # read only by the conditions that do not give their own rate
        own = shape.split(".")[1]
        if all(getattr(c, own) is not None for c in spec.conditions.values()):
            return "record"
    return "model" if _MODEL.fullmatch(shape) else "record"


def entries(spec) -> list[Entry]:
    """Every numeric input of a validated set, as the API's ``s.inputs()`` lists them
    (:func:`modeller.inputs.keys.numeric_inputs`, the same keys and labels), each with
    its role in the workbook."""
    from ...inputs.keys import numeric_inputs

    out = []
    for item in numeric_inputs(spec):
        maximum = INF if item.maximum is None else float(item.maximum)
        if item.key.startswith("discount_rate") and item.unit == "fraction/year":
            maximum = min(maximum, 0.99)  # the schema's rate is below 1
        out.append(Entry(item.key, item.label, float(item.value), item.unit,
                         item.source, float(item.minimum), maximum, bool(item.integer),
                         role_of(item.key, spec), item.group.replace("_", " ")))
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
