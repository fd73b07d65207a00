"""One-way sensitivity (tornado) and exact break-even thresholds.

One-way: every numeric parameter (or those asked for) is moved, one at a time, to the
low and the high end of its declared ``range: [low, high]``, or, where none is
declared, to its value -/+ ``default_range`` (20%), clipped to the allowed values
(rates and shares [0, 1], money >= 0, months [0, MAX_MONTHS]). All scenarios go through
:func:`modeller.model.compute` in one vectorised call (one scenario per draw).

Thresholds are solved exactly, not searched for:

- NPV and lifetime net are *linear* in the recovery rate (savings and boosters scale
  with the people recovering), in a factor scaling every condition's annual saving,
  and in the cost per person entering treatment: two evaluations give the line and
  its root is exact.
- Lifetime net is linear in the benefit duration B; the NPV within the horizon is
  piecewise linear in B with breakpoints at whole months (each entry month's saving
  within the horizon is min(B, months left)), and never falls as B rises. The model is
  evaluated at B = 0, 1, ..., 12H and the root interpolated inside its bracketing
  piece, which is exact.

A threshold is ``None`` when no value in the allowed range breaks even (rates [0, 1],
the saving factor and money >= 0, months [0, MAX_MONTHS]).
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from ..inputs.limits import MAX_MONTHS, RequestError
from ..model.appraisal import THRESHOLD_METRICS as METRICS
from ..model.appraisal import counterfactual_threshold, grid_thresholds
from .parameters import BOUNDS, Base, base_from, evaluate, finite

DEFAULT_RANGE = 0.20
METRIC = "npv"
THRESHOLD_KEYS = ("recovery_rate", "annual_saving", "benefit_months",
                  "cost_per_person_entering", "counterfactual_recovery_rate")
THRESHOLD_LABELS = {
    "recovery_rate": "Recovery rate (every condition)",
    "counterfactual_recovery_rate": "Counterfactual recovery (every condition)",
    "annual_saving": "Annual saving (factor on every condition's saving)",
    "benefit_months": "Benefit duration (months)",
    "cost_per_person_entering": "Cost per person entering treatment",
}
#: Relative tolerance for accepting a root at the edge of its allowed range.
EDGE_RTOL = 1e-12


class UnknownParameter(RequestError):
    """A --param that names no parameter of the set."""


def candidates(base: Base) -> tuple[list, list[dict]]:
    """Parameters varied by default, and the ones left out with the reason."""
    chosen, skipped = [], []
    for p in base.params.values():
        if p.share:
            skipped.append({"parameter": p.path, "reason": "a case-mix share: shares "
                            "must sum to 1, so one cannot move alone (vary the case mix "
                            "in a scenario set instead)"})
        elif not p.declared:
            continue
        else:
            chosen.append(p)
    return chosen, skipped


def low_high(p, default_range: float) -> tuple[float, float, str]:
    """(low, high, basis) for one parameter."""
    if p.range is not None:
        low, high = p.range
        basis = "range"
    else:
        low, high = p.value * (1 - default_range), p.value * (1 + default_range)
        basis = f"default ±{default_range:.0%}"
    low, high = (float(v) for v in p.clip(np.array([low, high])))
    if p.integer:
        low, high = float(round(low)), float(round(high))
    return low, high, basis


def one_way(obj, params: Iterable[str] | None = None,
            default_range: float = DEFAULT_RANGE) -> dict:
    """Tornado data: each parameter at its low and high value, NPV at each, sorted by
    swing |npv_high - npv_low|, largest first. ``obj`` is a LoadedSet, an
    AssumptionSet or a :class:`~modeller.analyses.parameters.Base`."""
    if isinstance(default_range, bool) or not isinstance(default_range, (int, float)) \
            or not 0 < default_range < 1:
        raise RequestError(f"default_range: {default_range!r:.40}; give a fraction "
                           "above 0 and below 1 (0.2 is -/+20%)")
    base = obj if isinstance(obj, Base) else base_from(obj)
    chosen, skipped = candidates(base)
    if params:
        wanted = list(dict.fromkeys(params))
        unknown = [w for w in wanted if w not in base.params]
        if unknown:
            raise UnknownParameter(
                f"unknown parameter(s) {', '.join(unknown)}; parameters of this set: "
                + ", ".join(p.path for p in chosen))
        shares = [w for w in wanted if base.params[w].share]
        if shares:
            raise UnknownParameter(f"{', '.join(shares)}: case-mix shares must sum to "
                                   "1, so one cannot move alone")
        chosen = [base.params[w] for w in wanted]
        skipped = []
    rows, unchanged = [], []
    for p in chosen:
        low, high, basis = low_high(p, default_range)
        if low == p.value == high:
            unchanged.append({"parameter": p.path, "reason": f"{basis} of {p.value:g} "
                              "is no change"})
            continue
        rows.append((p, low, high, basis))
    n = 1 + 2 * len(rows)
    values = {}
    for i, (p, low, high, _) in enumerate(rows):
        v = np.full(n, p.value)
        v[1 + 2 * i], v[2 + 2 * i] = low, high
        values[p.path] = v
    out = evaluate(base, values, n)
    tornado = []
    for i, (p, low, high, basis) in enumerate(rows):
        lo, hi = 1 + 2 * i, 2 + 2 * i
        tornado.append({
            "parameter": p.path, "low": low, "high": high,
            "npv_low": float(out["npv"][lo]), "npv_high": float(out["npv"][hi]),
            "label": p.label, "value": p.value, "basis": basis,
            "swing": abs(float(out["npv"][hi] - out["npv"][lo])),
            "net_lifetime_low": float(out["net_lifetime"][lo]),
            "net_lifetime_high": float(out["net_lifetime"][hi]),
            "unit": p.unit, "source": p.source,
        })
    tornado.sort(key=lambda r: -r["swing"])
    return {"base": {k: finite(out[k][0]) for k in ("npv", "net_within_horizon",
                                                       "npv_lifetime", "net_lifetime")},
            "tornado": tornado, "not_varied": skipped + unchanged,
            "default_range": default_range}


# --- thresholds -------------------------------------------------------------------

def _linear_root(x0: float, f0: float, x1: float, f1: float, lo: float, hi: float
                 ) -> float | None:
    """Root of the line through (x0, f0), (x1, f1) if it lies in [lo, hi]."""
    if f0 == 0.0:
        return x0 if lo <= x0 <= hi else None
    if f1 == f0:
        return None
    root = x0 - f0 * (x1 - x0) / (f1 - f0)
    scale = max(abs(x0), abs(x1), 1.0) * EDGE_RTOL
    if lo - scale <= root <= hi + scale:
        return float(min(max(root, lo), hi))
    return None


def _pair(base: Base, transform_at) -> dict[str, np.ndarray]:
    """Headlines with the two scenarios set by ``transform_at(fields)``."""
    return evaluate(base, {}, 2, transform=transform_at)


def thresholds(obj) -> dict:
    """Break-even values, solved exactly: for each of recovery_rate, annual_saving
    (a factor on every condition's saving), benefit_months and cost_per_person_entering,
    ``{"within_horizon": value at which NPV = 0, "lifetime": value at which the
    undiscounted lifetime net of the horizon's cohorts = 0}`` (None: none in range)."""
    base = obj if isinstance(obj, Base) else base_from(obj)
    x = base.inputs
    out: dict[str, dict] = {}

    def solve(key, x0, x1, transform, lo, hi):
        r = _pair(base, transform)
        out[key] = {m: _linear_root(x0, float(r[f][0]), x1, float(r[f][1]), lo, hi)
                    for m, f in METRICS}

    # Recovery: linear until a condition's recoveries fall to its counterfactual
    # (attributable share floored at 0), so solve on the grid of those kinks.
    kinks = np.divide(x.counterfactual[0], x.completion[0],
                      out=np.zeros_like(x.completion[0]), where=x.completion[0] > 0)
    grid = np.unique(np.concatenate([[0.0, 1.0], np.clip(kinks, 0.0, 1.0)]))

    def recovery(fields, g):
        fields["recovery"][:] = g[:, None]
    out["recovery_rate"] = grid_thresholds(x, grid, recovery)
    out["counterfactual_recovery_rate"] = counterfactual_threshold(x)

    def saving(fields, idx):
        fields["annual_saving"] *= np.array([0.0, 1.0])[idx, None]
    solve("annual_saving", 0.0, 1.0, saving, 0.0, math.inf)

    c1 = max(float(x.per_person_entering[0]), 1.0)

    def cost(fields, idx):
        fields["per_person_entering"] = np.array([0.0, c1])[idx]
    solve("cost_per_person_entering", 0.0, c1, cost, 0.0, math.inf)

    out["benefit_months"] = _benefit_threshold(base)
    return {key: out[key] for key in THRESHOLD_KEYS}


def _benefit_threshold(base: Base) -> dict:
    longest = BOUNDS["months"][1]                    # the schema's longest duration
    months = 12 * base.horizon
    grid = np.arange(months + 1, dtype=float)        # breakpoints 0, 1, ..., 12H

    def at_grid(fields, idx):
        fields["benefit_months"] = grid[idx].copy()
    r = evaluate(base, {}, len(grid), transform=at_grid)
    npv = r["npv"]
    within = None
    hit = np.nonzero(npv >= 0.0)[0]
    # NPV never falls as B rises (savings are not negative), so the first grid point
    # at or above zero brackets the root with the one before it.
    if len(hit):
        k = int(hit[0])
        within = 0.0 if k == 0 else _linear_root(grid[k - 1], float(npv[k - 1]),
                                                 grid[k], float(npv[k]), 0.0, longest)
    lifetime = _linear_root(0.0, float(r["net_lifetime"][0]), 12.0,
                            float(r["net_lifetime"][12]), 0.0, longest)
    # The lifetime NPV is piecewise linear in B with whole-month breakpoints (each
    # month's saving is discounted by its own year) and never falls as B rises.
    full = np.arange(longest + 1)

    def at_full(fields, g):
        fields["benefit_months"] = g.copy()
    npv_lifetime = grid_thresholds(base.inputs, full, at_full)["npv_lifetime"]
    return {"within_horizon": within, "npv_lifetime": npv_lifetime, "lifetime": lifetime}


def current_values(base: Base) -> dict:
    """The set's own values of the four threshold parameters."""
    x = base.inputs
    rec = np.unique(x.recovery[0])
    cf = np.unique(x.counterfactual[0])
    return {"recovery_rate": float(rec[0]) if len(rec) == 1 else None,
            "counterfactual_recovery_rate": float(cf[0]) if len(cf) == 1 else None,
            "annual_saving": 1.0,
            "benefit_months": float(x.benefit_months[0]),
            "cost_per_person_entering": float(x.per_person_entering[0])}


def analyse(obj, params: Iterable[str] | None = None,
            default_range: float = DEFAULT_RANGE) -> dict:
    """The ``modeller sensitivity --format json`` contract, plus extra keys:

    ``{"name", "metric", "default_range", "base", "tornado": [...], "not_varied",
    "thresholds": {...}, "current": {...}, "notes": [...]}``.
    """
    base = obj if isinstance(obj, Base) else base_from(obj)
    tornado = one_way(base, params, default_range)
    overrides = [i for i, c in zip(base.ids, (base.spec.conditions[i] for i in base.ids))
                 if c.recovery_rate is not None]
    notes = [
        f"Each parameter is moved to its declared `range: [low, high]`, or, where none "
        f"is declared, to its value -/+{default_range:.0%}, clipped to the allowed "
        f"values (rates [0, 1], money >= 0, months [0, {MAX_MONTHS}]); all others stay at "
        "their values.",
        "NPV is within the horizon, Green Book convention (year 1 undiscounted).",
        "Thresholds are exact: within_horizon is the value at which NPV = 0; "
        "npv_lifetime the value at which the lifetime NPV of the horizon's cohorts "
        "(every saving and cost, discounted by the same convention) = 0; lifetime the "
        "value at which their undiscounted lifetime net = 0 (for comparison only); "
        "null when no allowed value breaks even.",
        "annual_saving thresholds are a factor applied to every condition's saving "
        "(1 = as in the set).",
    ]
    if overrides:
        notes.append("recovery_rate thresholds apply one rate to every condition, "
                      f"replacing the per-condition rates of {', '.join(overrides)}.")
    return {
        "name": base.spec.name,
        "metric": METRIC,
        "default_range": default_range,
        "base": tornado["base"],
        "tornado": tornado["tornado"],
        "not_varied": tornado["not_varied"],
        "thresholds": thresholds(base),
        "current": current_values(base),
        "notes": notes,
    }


__all__ = ["analyse", "one_way", "thresholds", "DEFAULT_RANGE", "UnknownParameter"]
