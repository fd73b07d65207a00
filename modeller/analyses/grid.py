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
from typing import Any, Callable

import numpy as np

from ..inputs.characters import shown
from ..inputs.limits import MAX_GRID_POINTS, MAX_GRID_VALUES, RequestError
from .parameters import Base, base_from, check_work, evaluate, finite

#: Headline columns written after the varied parameters.
COLUMNS = ["npv", "net_within_horizon", "net_lifetime", "cost",
           "gross_savings_within_horizon", "gross_savings_lifetime", "benefit_cost_ratio",
           "roi", "cost_per_recovery", "break_even_month", "per_person_net",
           "npv_lifetime"]
#: Limits of :mod:`modeller.inputs.limits` (stated in ``modeller grid --help``).
MAX_COMBINATIONS = MAX_GRID_POINTS
MAX_VALUES = MAX_GRID_VALUES
#: Combinations when a varied number is not one of the vectorised parameters (each is
#: a full validation and model run, about a millisecond).
MAX_SLOW_COMBINATIONS = 5_000


class VaryError(RequestError):
    """A bad ``--vary`` specification (the message says what is wrong)."""


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def _number(text: str, spec: str) -> float:
    text = text.strip()
    if len(text) > 40 or not re.fullmatch(_NUMBER, text) or not math.isfinite(float(text)):
        raise VaryError(f"--vary {shown(spec)}: {shown(text)} is not a number (a finite "
                        "one)")
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


def _split_spec(spec: str) -> tuple[str, str]:
    if "=" not in spec:
        raise VaryError(f"--vary {spec!r}: write PATH=VALUES, e.g. "
                        "outcomes.recovery_rate=0.4:0.6:0.05")
    path, text = (part.strip() for part in spec.split("=", 1))
    return path, text


def _check_values(spec: str, path: str, values: list[float], lo: float, hi: float | None,
                  unit: str, integer: bool) -> None:
    hi = math.inf if hi is None else hi
    bad = [v for v in values if not lo <= v <= hi]
    if bad:
        upper = "inf" if hi == math.inf else f"{hi:g}"
        raise VaryError(f"--vary {shown(spec)}: {bad[0]:g} is outside the allowed values "
                        f"of {path} ([{lo:g}, {upper}], {unit})")
    if integer and any(v != round(v) for v in values):
        raise VaryError(f"--vary {shown(spec)}: {path} takes whole numbers")


def _given_values(spec: str, values: Any) -> list[float]:
    """The values of an API (path, values) pair, checked as ``--vary`` checks text."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise VaryError(f"--vary {shown(spec)}: give a list of numbers")
    if len(values) > MAX_VALUES:
        raise VaryError(f"--vary {shown(spec)}: {len(values):,} values; at most "
                        f"{MAX_VALUES:,} per parameter (MAX_GRID_VALUES)")
    if not values or any(isinstance(v, bool) or not isinstance(v, (int, float))
                         or not math.isfinite(v) for v in values):
        raise VaryError(f"--vary {shown(spec)}: give one or more finite numbers")
    return [float(v) for v in values]


def parse_vary(spec: str, base: Base, catalogue: dict | None = None
               ) -> tuple[str, list[float]]:
    """``PATH=VALUES`` -> (path, values), checked against the set's numbers.

    A path is one of the vectorised parameters (:func:`base_from`) or, when
    ``catalogue`` is given, any number of the set (:mod:`modeller.inputs.keys`).
    """
    path, text = _split_spec(spec)
    return _checked(spec, path, lambda: parse_values(text, spec), base, catalogue)


def _checked(spec: str, path: str, get_values: Callable[[], list[float]], base: Base,
             catalogue: dict | None) -> tuple[str, list[float]]:
    param = base.params.get(path)
    if param is None or param.share:
        item = (catalogue or {}).get(path)
        if item is not None:
            values = get_values()
            _check_values(spec, path, values, item.minimum, item.maximum, item.unit,
                          item.integer)
            return path, values
    if param is None:
        known = ", ".join(catalogue or (p for p, q in base.params.items() if not q.share))
        hint = (" (horizon_years changes what is measured; compare sets instead)"
                if path == "horizon_years" else "")
        raise VaryError(f"--vary {shown(spec)}: unknown parameter {shown(path)}{hint}; "
                        f"this set's parameters: {known}")
    if param.share:
        raise VaryError(f"--vary {shown(spec)}: case-mix shares must sum to 1, so one "
                        "cannot vary alone; compare sets with different case mixes instead")
    values = get_values()
    lo, hi = param.bounds
    _check_values(spec, path, values, lo, hi, param.unit, param.integer)
    return path, values


def _slow_rows(obj, paths: list[str], combos: np.ndarray) -> list[dict]:
    """Headline figures by editing the set and running the model once per combination
    (for numbers the vectorised parameters do not cover)."""
    from ..inputs.keys import edit
    from ..inputs.loader import AssumptionsError
    from ..model import runner

    loaded = getattr(obj, "loaded", obj)
    rows = []
    for combo in combos:
        values = {p: float(v) for p, v in zip(paths, combo)}
        try:
            edited = edit(loaded, values)
        except AssumptionsError as exc:
            first = exc.problems[0]
            raise VaryError(f"the combination {values} is not a valid set: "
                            f"{first.field}: {first.message}") from None
        d = runner.run(edited).to_dict()
        t = d["totals"]
        row = dict(values)
        for c in COLUMNS:
            v = d["per_person_entering"]["net"] if c == "per_person_net" else t.get(c)
            row[c] = v if c == "break_even_month" else finite(v) if v is not None else None
        rows.append(row)
    return rows


def check_grid(obj, varies: list[tuple[str, list[float]]] | list[str]) -> int:
    """Check ``varies`` as :func:`run_grid` does, without evaluating anything; return
    the number of combinations. Raises :class:`VaryError` as :func:`run_grid` would."""
    return _prepared(obj, varies)[2]


def _prepared(obj, varies):
    """(base, pairs, total, slow) of a grid request, every limit checked; ``slow`` are
    the varied paths that need a full model run per combination."""
    base = obj if isinstance(obj, Base) else base_from(obj)
    catalogue = None
    if not isinstance(obj, Base) and getattr(obj, "resolved", None) is not None:
        from ..inputs.keys import numeric_inputs

        loaded = getattr(obj, "loaded", obj)
        catalogue = {i.key: i for i in numeric_inputs(loaded.spec)}
    if len(varies) > MAX_VALUES:
        raise VaryError(f"{len(varies):,} parameters to vary; at most {MAX_VALUES:,}")
    pairs = [parse_vary(v, base, catalogue) if isinstance(v, str)
             else _checked(str(v[0]), str(v[0]), lambda v=v: _given_values(str(v[0]), v[1]),
                           base, catalogue) for v in varies]
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
    check_work(total, base.horizon, "combinations")
    slow = [p for p in paths if p not in base.params or base.params[p].share]
    if slow:
        if catalogue is None:
            raise VaryError(f"unknown parameter {slow[0]!r}")
        if total > MAX_SLOW_COMBINATIONS:
            raise VaryError(f"{total:,} combinations; at most {MAX_SLOW_COMBINATIONS:,} "
                            f"when varying {', '.join(slow)} (each is a full model run)")
    return base, pairs, total, slow


def run_grid(obj, varies: list[tuple[str, list[float]]] | list[str]) -> dict:
    """Evaluate every combination. ``varies`` is a list of ``PATH=VALUES`` strings or
    of (path, values) pairs. Returns ``{"name", "parameters", "columns", "rows"}``
    where each row is a dict of the varied values and the headline figures."""
    base, pairs, total, slow = _prepared(obj, varies)
    paths = [p for p, _ in pairs]
    combos = np.array(list(itertools.product(*(v for _, v in pairs))), float)
    combos = combos.reshape(total, len(pairs))
    if slow:
        return {"name": base.spec.name, "parameters": paths, "columns": paths + COLUMNS,
                "rows": _slow_rows(obj, paths, combos)}
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
