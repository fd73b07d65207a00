"""The numeric parameters of an assumption set, and scenarios evaluated in one go.

Sensitivity analysis, the scenario grid and probabilistic sensitivity analysis (PSA) all
ask the same question: "what does the model give when these parameters take those
values?" for many scenarios at once. This module answers it without a second copy of
the model's arithmetic:

- :func:`base_from` lists every parameter of a validated set (:class:`Param`: its dotted
  path as written in the YAML, value, allowed bounds, declared ``range`` and
  ``distribution``) and how it maps onto :class:`modeller.model.Inputs`;
- :func:`build_inputs` turns per-scenario values into ``Inputs`` whose draw axis ``D``
  is the scenario axis;
- :func:`evaluate` runs :func:`modeller.model.compute` on them (in chunks, grouped by the
  few whole-number parameters that are not per-draw arrays) and returns
  :func:`headlines`: the headline figures per scenario, as numpy arrays.

:func:`headlines` aggregates ``compute``'s arrays exactly as
:func:`modeller.model.results_from` does for one draw (a test keeps the two equal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .. import model
from ..model.engine import tile
from ..inputs.limits import (MAX_MODEL_CELLS, MAX_MONEY, MAX_MONTHS, MAX_PEOPLE,
                             MAX_SCALE, RequestError)

INF = math.inf

#: Allowed values by unit: the schema's bounds (rates and shares [0, 1], money up to
#: MAX_MONEY, people up to MAX_PEOPLE, months [0, MAX_MONTHS], the discount rate [0, 1),
#: a saving's factor up to MAX_SCALE).
BOUNDS = {"rate": (0.0, 1.0), "money": (0.0, MAX_MONEY), "people": (0.0, MAX_PEOPLE),
          "months": (0.0, float(MAX_MONTHS)), "whole months": (0.0, float(MAX_MONTHS)),
          "discount rate": (0.0, 0.99), "factor": (0.0, MAX_SCALE), "uplift": (0.0, 10.0)}

#: Headline figures per scenario (see :func:`headlines`), in output order.
HEADLINE_KEYS = [
    "npv", "net_within_horizon", "net_lifetime", "cost", "cost_lifetime",
    "cost_beyond_horizon", "gross_savings_within_horizon", "gross_savings_lifetime", "pv_cost",
    "pv_gross_savings", "benefit_cost_ratio", "roi", "cost_per_recovery",
    "break_even_month", "entering", "completed", "recovered", "per_person_gross_saving",
    "per_person_cost", "per_person_net",
    "npv_lifetime", "pv_cost_lifetime", "pv_gross_savings_lifetime",
    "pv_cash_releasing_savings_lifetime", "npv_cash_releasing_lifetime",
    "benefit_cost_ratio_lifetime", "benefit_cost_ratio_undiscounted",
    "cost_per_attributable_recovery", "net_cost_per_attributable_recovery",
    "attributable_recovered", "pv_attributable_recovered",
]

#: Draws (scenarios) per call of ``model.compute``: the model builds (D, H, 12H)
#: arrays, so the chunk is sized to keep each near this many elements.
CHUNK_ELEMENTS = 3_000_000


def check_work(scenarios: int, horizon: int, what: str) -> None:
    """Refuse, before any work, a run of ``scenarios`` over ``horizon`` years beyond
    MAX_MODEL_CELLS (scenarios x H x 12H cells of the model's arrays)."""
    cells = scenarios * horizon * 12 * horizon
    if cells > MAX_MODEL_CELLS:
        most = MAX_MODEL_CELLS // (12 * horizon * horizon)
        raise RequestError(f"{scenarios:,} {what} over a {horizon}-year horizon is "
                           f"{cells:,} model cells; at most {MAX_MODEL_CELLS:,} "
                           f"(MAX_MODEL_CELLS): use at most {most:,} {what}")


def chunk_size(horizon: int) -> int:
    """Scenarios per ``compute`` call for a horizon of ``horizon`` years."""
    return int(max(64, min(50_000, CHUNK_ELEMENTS // (12 * horizon * horizon))))


@dataclass(frozen=True)
class Param:
    """One numeric parameter of a set, addressed by its dotted YAML path."""

    path: str                    # e.g. "outcomes.recovery_rate", "costs.fixed[0].amount"
    label: str                   # for people
    value: float                 # the set's value (the base case)
    unit: str                    # a key of BOUNDS
    quantity: Any = None         # the schema quantity (range, distribution, source)
    declared: bool = True        # written in the set (not absent, not derived)
    integer: bool = False        # a whole number that is not a per-draw array
    share: bool = False          # a condition's case-mix share (shares sum to 1)
    order: int = 0               # application order (per-condition after global)
    apply: Callable[[dict, np.ndarray], None] = field(default=None, repr=False,
                                                      compare=False)

    @property
    def bounds(self) -> tuple[float, float]:
        return BOUNDS[self.unit]

    @property
    def range(self) -> tuple[float, float] | None:
        r = getattr(self.quantity, "range", None)
        return (float(r[0]), float(r[1])) if r is not None and self.unit != "factor" \
            else None

    @property
    def distribution(self):
        return getattr(self.quantity, "distribution", None) if self.unit != "factor" \
            else None

    @property
    def source(self) -> str | None:
        return getattr(self.quantity, "source", None)

    def clip(self, values):
        lo, hi = self.bounds
        return np.clip(values, lo, hi)


@dataclass(frozen=True)
class Base:
    """A validated set, its deterministic inputs (D = 1) and its parameters."""

    spec: Any
    inputs: model.Inputs
    ids: list[str]
    labels: list[str]
    params: dict[str, Param]

    @property
    def horizon(self) -> int:
        return self.inputs.horizon


def _spec(obj):
    """A LoadedSet or an AssumptionSet -> the AssumptionSet."""
    return getattr(obj, "spec", obj)


def _columns(fields: dict, name: str, columns: list[int], values: np.ndarray) -> None:
    if columns:
        fields[name][:, columns] = values[:, None]


def _set_whole(name: str):
    def apply(fields: dict, values: np.ndarray) -> None:
        first = float(values[0])
        if np.any(values != first) or first != round(first):
            raise ValueError(f"{name} must be one whole number per evaluation group")
        fields[name] = int(round(first))
    return apply


def base_from(obj) -> Base:
    """List the parameters of a validated set (a LoadedSet or an AssumptionSet)."""
    spec = _spec(obj)
    x, ids, labels = model.inputs_from(spec)
    h = x.horizon
    params: list[Param] = []

    rate = spec.discount_rate
    if rate.schedule is None and rate.value is not None:
        def discount(fields, values):
            width = fields["discount_factor"].shape[1]
            unique, inverse = np.unique(values, return_inverse=True)
            table = np.stack([model.discount_factors(width, [(1, float(r))])
                              for r in unique])
            fields["discount_factor"] = table[inverse.reshape(-1)]
        params.append(Param("discount_rate", "Discount rate", float(rate.value),
                            "discount rate", rate, apply=discount))

    entering = spec.activity.entering_treatment
    if len(entering.value) == 1:
        def volume(fields, values):
            fields["entering"][:] = values[:, None]
        params.append(Param("activity.entering_treatment", "People entering treatment "
                            "a year", float(entering.value[0]), "people", entering,
                            apply=volume))
    else:
        def volume_factor(fields, values):
            fields["entering"] *= values[:, None]
        params.append(Param("activity.entering_treatment", "People entering treatment "
                            "(multiplier on every year's figure)", 1.0, "factor",
                            entering, apply=volume_factor))
    params.append(Param("activity.treatment_months", "Months of treatment before "
                        "savings start", float(x.treatment_months), "whole months",
                        spec.activity.treatment_months, integer=True,
                        apply=_set_whole("treatment_months")))

    outcomes = spec.outcomes
    conds = [spec.conditions[i] for i in ids]
    for key, name, label in (("completion_rate", "completion", "Completion rate"),
                             ("recovery_rate", "recovery", "Recovery rate")):
        uses_global = [c for c, cond in enumerate(conds) if getattr(cond, key) is None]

        def global_rate(fields, values, name=name, cols=uses_global):
            _columns(fields, name, cols, values)
        params.append(Param(f"outcomes.{key}", label + (" (conditions without their "
                            "own rate)" if len(uses_global) < len(conds) else ""),
                            float(getattr(outcomes, key).value), "rate",
                            getattr(outcomes, key), apply=global_rate))

    uses_global = [c for c, cond in enumerate(conds)
                   if cond.counterfactual_recovery_rate is None]

    def global_counterfactual(fields, values, cols=uses_global):
        _columns(fields, "counterfactual", cols, values)
    q = outcomes.counterfactual_recovery_rate
    params.append(Param("outcomes.counterfactual_recovery_rate", "Counterfactual recovery "
                        "(share of entrants who would recover anyway)"
                        + (" (conditions without their own rate)"
                           if len(uses_global) < len(conds) else ""),
                        float(q.value) if q is not None else 0.0, "rate", q,
                        declared=q is not None, apply=global_counterfactual))

    duration = spec.benefit_duration

    def benefit(fields, values):
        fields["benefit_months"] = values.astype(float).copy()
    params.append(Param("benefit_duration.months", "Benefit duration (months)",
                        float(x.benefit_months[0]), "months", duration.months,
                        declared=True, apply=benefit))

    for c, (cid, cond) in enumerate(zip(ids, conds)):
        def share(fields, values, c=c):
            fields["share"][:, c] = values
        params.append(Param(f"conditions.{cid}.share", f"{cond.label}: share of case mix",
                            float(x.share[0, c]), "rate", cond.share, share=True,
                            apply=share))

        def saving(fields, values, c=c):
            fields["annual_saving"][:, c] = values
        params.append(Param(f"conditions.{cid}.annual_saving", f"{cond.label}: annual "
                            "saving per beneficiary", float(x.annual_saving[0, c]),
                            "money", cond.annual_saving, apply=saving))
        for key, name, label in (("completion_rate", "completion", "completion rate"),
                                 ("recovery_rate", "recovery", "recovery rate"),
                                 ("counterfactual_recovery_rate", "counterfactual",
                                  "counterfactual recovery")):
            q = getattr(cond, key)

            def own_rate(fields, values, name=name, c=c):
                fields[name][:, c] = values
            params.append(Param(f"conditions.{cid}.{key}", f"{cond.label}: {label}",
                                float(getattr(x, name)[0, c]), "rate", q,
                                declared=q is not None, order=1, apply=own_rate))

    costs = spec.costs

    def scalar(name):
        def apply(fields, values):
            fields[name] = values.astype(float).copy()
        return apply
    params.append(Param("costs.per_person_entering", "Cost per person entering "
                        "treatment", float(costs.per_person_entering.value), "money",
                        costs.per_person_entering, apply=scalar("per_person_entering")))
    params.append(Param("costs.per_completer", "Extra cost per completer",
                        float(x.per_completer[0]), "money", costs.per_completer,
                        declared=costs.per_completer is not None,
                        apply=scalar("per_completer")))
    booster = costs.booster
    params.append(Param("costs.booster.share_of_recovered", "Share of recovered needing "
                        "a booster", float(x.booster_share[0]), "rate",
                        booster.share_of_recovered if booster else None,
                        declared=booster is not None, apply=scalar("booster_share")))
    params.append(Param("costs.booster.cost_per_person", "Booster cost per person",
                        float(x.booster_cost[0]), "money",
                        booster.cost_per_person if booster else None,
                        declared=booster is not None and booster.cost_per_person
                        is not None, apply=scalar("booster_cost")))
    params.append(Param("costs.booster.months_after_entry", "Months from entry to "
                        "booster", float(x.booster_months), "whole months",
                        booster.months_after_entry if booster else None,
                        declared=booster is not None and booster.months_after_entry
                        is not None, integer=True, apply=_set_whole("booster_months")))
    for i, item in enumerate(costs.fixed):
        def fixed(fields, values, year=item.year - 1, base=float(item.amount.value)):
            fields["fixed"][:, year] += values - base
        params.append(Param(f"costs.fixed[{i}].amount",
                            f"{item.label} (year {item.year})",
                            float(item.amount.value), "money", item.amount,
                            apply=fixed))
    params += _finance_params(spec, x, ids)
    return Base(spec=spec, inputs=x, ids=ids, labels=labels,
                params={p.path: p for p in params})


def _split_share(condition, category: str) -> float:
    """The share of ``condition``'s saving in ``category`` (0 when none). [fraction]"""
    share = (condition.savings_split or {}).get(category)
    return float(share.value) if share is not None else 0.0


def _finance_params(spec, x: model.Inputs, ids: list[str]) -> list[Param]:
    """Optimism bias and cash-releasing shares, as parameters like any other."""
    params: list[Param] = []
    ob = spec.optimism_bias

    def scalar(name):
        def apply(fields, values):
            fields[name] = values.astype(float).copy()
        return apply
    params.append(Param("optimism_bias.cost_uplift", "Optimism bias: cost uplift",
                        float(x.cost_uplift[0]), "uplift",
                        ob.cost_uplift if ob else None,
                        declared=ob is not None and ob.cost_uplift is not None,
                        apply=scalar("cost_uplift")))
    params.append(Param("optimism_bias.savings_reduction", "Optimism bias: savings "
                        "reduction", float(x.savings_reduction[0]), "rate",
                        ob.savings_reduction if ob else None,
                        declared=ob is not None and ob.savings_reduction is not None,
                        apply=scalar("savings_reduction")))
    params.append(Param("optimism_bias.benefit_delay_months", "Optimism bias: delay to "
                        "savings (months)", float(x.benefit_delay_months), "whole months",
                        ob.benefit_delay_months if ob else None,
                        declared=ob is not None and ob.benefit_delay_months is not None,
                        integer=True, apply=_set_whole("benefit_delay_months")))
    for cat_id, cat in (spec.care_categories or {}).items():
        if cat.cash_releasing is None:
            continue
        weights = np.array([_split_share(spec.conditions[c], cat_id) for c in ids])
        base_share = float(cat.cash_releasing.share.value)

        def cash(fields, values, w=weights, b=base_share):
            fields["cash_share"] = fields["cash_share"] + (values - b)[:, None] * w[None, :]
        params.append(Param(f"care_categories.{cat_id}.cash_releasing.share",
                            f"{cat.label}: cash-releasing share", base_share, "rate",
                            cat.cash_releasing.share, apply=cash))
    return params


def build_inputs(base: Base, n: int, values: dict[str, Any],
                 transform: Callable[[dict], None] | None = None,
                 index: np.ndarray | None = None) -> model.Inputs:
    """``Inputs`` for ``n`` scenarios: the base case with ``values`` ({path: (n,) or
    scalar}) applied. Sampled condition shares are renormalised to sum to 1.

    ``transform(fields, index)`` may edit the field arrays last (used by threshold
    analysis); ``index`` says which of the caller's scenarios these ``n`` are.
    """
    fields = tile(base.inputs, n)
    chosen = sorted((base.params[p] for p in values), key=lambda p: p.order)
    for p in chosen:
        v = np.broadcast_to(np.asarray(values[p.path], float), (n,))
        p.apply(fields, v)
    if any(p.share for p in chosen):
        total = fields["share"].sum(axis=1, keepdims=True)
        fields["share"] = np.divide(fields["share"], total,
                                    out=np.full_like(fields["share"],
                                                     1.0 / fields["share"].shape[1]),
                                    where=total > 0)
    if transform is not None:
        transform(fields, np.arange(n) if index is None else index)
    return model.Inputs(**fields)


#: The headline totals of every scenario; see :func:`modeller.model.headlines`.
headlines = model.headlines


def evaluate(base: Base, values: dict[str, np.ndarray], n: int | None = None, *,
             transform: Callable[[dict, np.ndarray], None] | None = None,
             chunk: int | None = None) -> dict[str, np.ndarray]:
    """Headline figures for ``n`` scenarios given ``values`` ({path: (n,) array}).

    Runs ``model.compute`` in chunks; scenarios are grouped by the whole-number
    parameters (treatment and booster months), which ``Inputs`` holds as one number.
    """
    if n is None:
        n = len(next(iter(values.values()))) if values else 1
    values = {p: np.broadcast_to(np.asarray(v, float), (n,)) for p, v in values.items()}
    chunk = chunk or chunk_size(base.horizon)
    whole = [p for p in values if base.params[p].integer]
    if whole:
        keys = np.stack([values[p] for p in whole], axis=1)
        _, group = np.unique(keys, axis=0, return_inverse=True)
        group = group.reshape(-1)
    else:
        group = np.zeros(n, dtype=int)
    out = {k: np.empty(n) for k in HEADLINE_KEYS}
    for g in np.unique(group):
        index = np.nonzero(group == g)[0]
        for start in range(0, len(index), chunk):
            idx = index[start:start + chunk]
            x = build_inputs(base, len(idx), {p: v[idx] for p, v in values.items()},
                             transform, idx)
            for k, v in headlines(model.compute(x)).items():
                out[k][idx] = v
    return out


def finite(value: float) -> float | None:
    """A float for JSON: NaN and infinities become None."""
    value = float(value)
    return value if math.isfinite(value) else None
