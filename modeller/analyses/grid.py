"""Scenario grid: every combination of a few varied parameters, evaluated at once.

``--vary PATH=SPEC`` names a parameter by its dotted YAML path
(``outcomes.recovery_rate``, ``costs.per_person_entering``,
``conditions.<id>.annual_saving``, ``costs.fixed[0].amount``, ...) and its values:
``low:high:step`` (inclusive of ``high``), a comma list ``600,650,700``, or one value.
All combinations go through :func:`modeller.model.compute` in vectorised chunks.
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Any

import numpy as np

from ..inputs.characters import shown
from ..inputs.limits import MAX_GRID_POINTS, MAX_GRID_VALUES, RequestError
from .parameters import Base, base_from, evaluate, finite

#: Headline columns written after the varied parameters.
COLUMNS = ["npv", "net_within_horizon", "net_lifetime", "cost",
           "gross_savings_within_horizon", "gross_savings_lifetime", "benefit_cost_ratio",
           "roi", "cost_per_recovery", "break_even_month", "per_person_net"]
#: Limits of :mod:`modeller.inputs.limits` (stated in ``modeller grid --help``).
MAX_COMBINATIONS = MAX_GRID_POINTS
MAX_VALUES = MAX_GRID_VALUES


class VaryError(RequestError):
    """A bad ``--vary`` specification (the message says what is wrong)."""


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def _number(text: str, spec: str) -> float:
    text = text.strip()
    if len(text) > 40 or not re.fullmatch(_NUMBER, text) or not math.isfinite(float(text)):
        raise VaryError(f"--vary {shown(spec)}: {shown(text)} is not a number (a finite one)")
    return float(text)


def parse_values(text: str, spec: str) -> list[float]:
    """``a:b:step`` (inclusive), ``a,b,c`` or ``a`` -> a list of numbers."""
    text = text.strip()
    if not text:
        raise VaryError(f"--vary {spec!r}: no values after '='; give low:high:step, "
                        "a comma list or one number")
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise VaryError(f"--vary {spec!r}: a range is low:high:step (three numbers)")
        low, high, step = (_number(p, spec) for p in parts)
        if step <= 0:
            raise VaryError(f"--vary {spec!r}: the step must be above 0")
        if high < low:
            raise VaryError(f"--vary {spec!r}: high ({high:g}) is below low ({low:g})")
        steps = (high - low) / step * (1 + 1e-12) + 1e-9
        count = math.floor(steps) + 1 if math.isfinite(steps) else math.inf
        if count > MAX_VALUES:
            raise VaryError(f"--vary {shown(spec)}: more than {MAX_VALUES:,} values; at "
                            f"most {MAX_VALUES:,} per parameter (MAX_GRID_VALUES)")
        return [float(v) for v in np.round(low + step * np.arange(count), 12)]
    if text.count(",") >= MAX_VALUES:
        raise VaryError(f"--vary {shown(spec)}: more than {MAX_VALUES:,} values; at most "
                        f"{MAX_VALUES:,} per parameter (MAX_GRID_VALUES)")
    return [_number(part, spec) for part in text.split(",")]


def parse_vary(spec: str, base: Base) -> tuple[str, list[float]]:
    """``PATH=VALUES`` -> (path, values), checked against the set's parameters."""
    if "=" not in spec:
        raise VaryError(f"--vary {shown(spec)}: write PATH=VALUES, e.g. "
                        "outcomes.recovery_rate=0.4:0.6:0.05")
    path, text = (part.strip() for part in spec.split("=", 1))
    _param(path, spec, base)
    return checked(path, parse_values(text, spec), base, spec)


def _param(path: str, spec: str, base: Base):
    param = base.params.get(path)
    if param is None:
        known = ", ".join(p for p, q in base.params.items() if not q.share)
        hint = (" (horizon_years changes what is measured; compare sets instead)"
                if path == "horizon_years" else "")
        raise VaryError(f"--vary {shown(spec)}: unknown parameter {shown(path)}{hint}; "
                        f"this set's parameters: {known}")
    if param.share:
        raise VaryError(f"--vary {shown(spec)}: case-mix shares must sum to 1, so one "
                        "cannot vary alone; compare sets with different case mixes instead")
    return param


def checked(path: Any, values: Any, base: Base, spec: str | None = None
            ) -> tuple[str, list[float]]:
    """(path, values) after the same checks as ``--vary`` (the API passes pairs):
    a known parameter, at most MAX_GRID_VALUES finite numbers within its bounds."""
    spec = spec if spec is not None else f"{path}"
    param = _param(str(path), spec, base)
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise VaryError(f"--vary {shown(spec)}: give a list of numbers")
    if len(values) > MAX_VALUES:
        raise VaryError(f"--vary {shown(spec)}: {len(values):,} values; at most "
                        f"{MAX_VALUES:,} per parameter (MAX_GRID_VALUES)")
    if not values or any(isinstance(v, bool) or not isinstance(v, (int, float))
                         or not math.isfinite(v) for v in values):
        raise VaryError(f"--vary {shown(spec)}: give one or more finite numbers")
    values = [float(v) for v in values]
    lo, hi = param.bounds
    bad = [v for v in values if not lo <= v <= hi]
    if bad:
        upper = "inf" if hi == math.inf else f"{hi:g}"
        raise VaryError(f"--vary {shown(spec)}: {bad[0]:g} is outside the allowed values "
                        f"of {path} ([{lo:g}, {upper}], {param.unit})")
    if param.integer and any(v != round(v) for v in values):
        raise VaryError(f"--vary {shown(spec)}: {path} takes whole numbers of months")
    return str(path), values


def run_grid(obj, varies: list[tuple[str, list[float]]] | list[str]) -> dict:
    """Evaluate every combination. ``varies`` is a list of ``PATH=VALUES`` strings or
    of (path, values) pairs. Returns ``{"name", "parameters", "columns", "rows"}``
    where each row is a dict of the varied values and the headline figures."""
    base = obj if isinstance(obj, Base) else base_from(obj)
    if len(varies) > MAX_VALUES:
        raise VaryError(f"{len(varies):,} parameters to vary; at most {MAX_VALUES:,}")
    pairs = [parse_vary(v, base) if isinstance(v, str) else checked(v[0], v[1], base)
             for v in varies]
    if not pairs:
        raise VaryError("give at least one --vary PATH=VALUES")
    paths = [p for p, _ in pairs]
    dupes = sorted({p for p in paths if paths.count(p) > 1})
    if dupes:
        raise VaryError(f"--vary names {', '.join(dupes)} more than once")
    total = math.prod(len(v) for _, v in pairs)
    if total > MAX_COMBINATIONS:
        raise VaryError(f"{total:,} combinations; at most {MAX_COMBINATIONS:,} "
                        "(MAX_GRID_POINTS)")
    combos = np.array(list(itertools.product(*(v for _, v in pairs))), float)
    combos = combos.reshape(total, len(pairs))
    out = evaluate(base, {p: combos[:, i] for i, p in enumerate(paths)}, total)
    rows = []
    for r in range(total):
        row = {p: float(combos[r, i]) for i, p in enumerate(paths)}
        for c in COLUMNS:
            v = out[c][r]
            row[c] = (int(v) or None) if c == "break_even_month" else finite(v)
        rows.append(row)
    return {"name": base.spec.name, "parameters": paths, "columns": paths + COLUMNS,
            "rows": rows}
