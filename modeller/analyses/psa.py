"""Probabilistic sensitivity analysis (PSA): distributions, sampling, vectorised runs.

Every quantity may declare a ``distribution`` (see :class:`modeller.inputs.schema.Distribution`
and ``docs/uncertainty.md``); parameters without one stay at their value. Draws are
evaluated by :func:`modeller.model.compute` with the draw axis ``D`` as the sample
axis, in chunks that bound memory; there is no per-draw Python loop.

Reproducibility: each sampled parameter has its own random stream, a numpy
``Generator(PCG64(SeedSequence(seed, spawn_key=(crc32(path),))))``, consumed in order
chunk after chunk. So a given ``seed`` gives the same draws whatever the chunk size, and
a parameter's draws do not change when another parameter gains or loses a distribution.

Parametrisations (``mean`` and ``sd`` are of the figure itself):

- beta(mean m, sd s): alpha = m k, beta = (1 - m) k with k = m (1 - m) / s^2 - 1;
  or ``alpha`` and ``beta`` directly;
- gamma(mean m, sd s): shape = (m / s)^2, scale = s^2 / m;
- lognormal(mean m, sd s): sigma^2 = ln(1 + s^2 / m^2), mu = ln m - sigma^2 / 2;
- triangular(low, mode, high); uniform(low, high); fixed (the value, every draw).

Draws are clipped to the quantity's allowed values (only a gamma or lognormal
duration can exceed 1,200 months). Case-mix shares, when sampled, are renormalised in
each draw so that they sum to 1.
"""

from __future__ import annotations

import math
import os
import zlib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..inputs.characters import shown
from ..inputs.limits import MAX_DRAWS, MAX_PSA_VALUES, RequestError
from .parameters import (Base, Param, base_from, build_inputs, check_work, chunk_size,
                         evaluate, finite)

#: Headline figures summarised (mean and 5th/50th/95th percentiles) per draw.
SUMMARY_KEYS = [
    "npv", "net_within_horizon", "net_lifetime", "cost", "gross_savings_within_horizon",
    "gross_savings_lifetime", "benefit_cost_ratio", "roi", "cost_per_recovery",
    "recovered", "per_person_gross_saving", "per_person_cost", "per_person_net",
    "break_even_month", "npv_lifetime", "pv_cost", "pv_gross_savings",
    "pv_cost_lifetime", "pv_gross_savings_lifetime", "benefit_cost_ratio_lifetime",
    "npv_cash_releasing_lifetime", "attributable_recovered",
    "cost_per_attributable_recovery",
]
#: Point estimates compared with the PSA means, with their labels for sentences.
COMPARED = {"npv": "NPV within the horizon", "npv_lifetime": "Lifetime NPV",
            "pv_cost": "Present value of cost",
            "pv_gross_savings": "Present value of gross savings",
            "benefit_cost_ratio": "Benefit-cost ratio (PV/PV)"}
#: A mean differs from its point estimate when they differ by more than this share.
DIFFERS_RTOL = 0.05
PERCENTILES = (5, 50, 95)


class NoDistributions(RequestError):
    """The set declares no (non-fixed) distribution, so there is nothing to sample."""


def check_request(draws: Any, seed: Any) -> None:
    """Refuse a draw count or seed out of bounds, before anything is allocated."""
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) \
            or not 1 <= draws <= MAX_DRAWS:
        raise RequestError(f"draws: {shown(draws)}; give a whole number from 1 to "
                           f"{MAX_DRAWS:,} (MAX_DRAWS)")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) \
            or not 0 <= seed < 2 ** 63:
        raise RequestError(f"seed: {shown(seed)}; give a whole number from 0 to 2**63 - 1")


def distribution_parameters(dist) -> dict:
    """The declared parameters of a distribution, as a plain dict."""
    return {k: getattr(dist, k) for k in ("mean", "sd", "alpha", "beta", "low", "mode",
                                          "high") if getattr(dist, k) is not None}


def stream(seed: int, path: str) -> np.random.Generator:
    """The random stream of one parameter for one seed."""
    key = zlib.crc32(path.encode("utf-8"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(
        int(seed), spawn_key=(key,))))


def draw(dist, rng: np.random.Generator, n: int, value: float) -> np.ndarray:
    """``n`` draws of a distribution (not yet clipped)."""
    kind = dist.type
    if kind == "beta":
        if dist.alpha is not None:
            a, b = dist.alpha, dist.beta
        else:
            m, s = dist.mean, dist.sd
            k = m * (1 - m) / (s * s) - 1
            a, b = m * k, (1 - m) * k
        return rng.beta(a, b, n)
    if kind == "gamma":
        m, s = dist.mean, dist.sd
        return rng.gamma((m / s) ** 2, s * s / m, n)
    if kind == "lognormal":
        m, s = dist.mean, dist.sd
        sigma2 = math.log1p((s / m) ** 2)
        return rng.lognormal(math.log(m) - sigma2 / 2, math.sqrt(sigma2), n)
    if kind == "triangular":
        return rng.triangular(dist.low, dist.mode, dist.high, n)
    if kind == "uniform":
        return rng.uniform(dist.low, dist.high, n)
    return np.full(n, float(value))


def sampled_params(base: Base) -> list[Param]:
    """The parameters that carry a distribution other than ``fixed``."""
    return [p for p in base.params.values()
            if p.distribution is not None and p.distribution.type != "fixed"]


class Sampler:
    """Draws of every sampled parameter, chunk after chunk, from per-parameter streams."""

    def __init__(self, base: Base, seed: int):
        self.params = sampled_params(base)
        self.streams = {p.path: stream(seed, p.path) for p in self.params}

    def next(self, n: int) -> dict[str, np.ndarray]:
        return {p.path: p.clip(draw(p.distribution, self.streams[p.path], n, p.value))
                for p in self.params}


def sample_inputs(obj, draws: int, seed: int):
    """``Inputs`` for ``draws`` draws at once (for checks on small runs)."""
    base = obj if isinstance(obj, Base) else base_from(obj)
    return build_inputs(base, draws, Sampler(base, seed).next(draws))


@dataclass
class Run:
    """The per-draw headline figures of a PSA run and what is needed to summarise it."""

    base: Base
    draws: int
    seed: int
    values: dict[str, np.ndarray]            # SUMMARY_KEYS -> (draws,)
    params: list[Param]
    samples: dict[str, np.ndarray] = field(default_factory=dict)  # path -> (draws,)
    chunk: int = 0


def default_workers() -> int:
    """Threads evaluating chunks: numpy releases the GIL in its array loops."""
    return max(1, min(4, os.cpu_count() or 1))


def _prepared(obj, draws: int, seed: int):
    """(base, sampler) of a PSA request, every limit checked before anything is drawn."""
    check_request(draws, seed)
    base = obj if isinstance(obj, Base) else base_from(obj)
    sampler = Sampler(base, seed)
    if not sampler.params:
        raise NoDistributions(
            f"{base.spec.name}: no parameter declares a distribution, so every draw "
            "would be the same; add `distribution:` to the uncertain figures (see "
            "`modeller help uncertainty`, or the bundled set national-faq-2017-psa)")
    check_work(draws, base.horizon, "draws")
    kept_values = draws * (len(SUMMARY_KEYS) + len(sampler.params))
    if kept_values > MAX_PSA_VALUES:
        most = MAX_PSA_VALUES // (len(SUMMARY_KEYS) + len(sampler.params))
        raise RequestError(f"{draws:,} draws of {len(sampler.params)} uncertain "
                           f"parameters would keep {kept_values:,} values; at most "
                           f"{MAX_PSA_VALUES:,} (MAX_PSA_VALUES): use at most {most:,} "
                           "draws")
    return base, sampler


def check_psa(obj, draws: int, seed: int) -> None:
    """Check a PSA request as :func:`run_draws` does, without drawing anything: raises
    :class:`NoDistributions` or :class:`~modeller.inputs.limits.RequestError`."""
    _prepared(obj, draws, seed)


def run_draws(obj, draws: int, seed: int, *, chunk: int | None = None,
              workers: int | None = None,
              progress: Callable[[int, int], None] | None = None) -> Run:
    """Sample and evaluate ``draws`` draws; keep each draw's headline figures.

    Samples are drawn chunk by chunk in order on the calling thread; chunks are
    evaluated on ``workers`` threads and gathered in order, so the result depends only
    on ``seed`` (not on ``chunk`` or ``workers``). At most ``workers + 1`` chunks are
    in flight, which bounds memory. Raises :class:`NoDistributions` when nothing is
    uncertain.
    """
    base, sampler = _prepared(obj, draws, seed)
    chunk = int(chunk or chunk_size(base.horizon))
    workers = int(workers or default_workers())
    values = {k: np.empty(draws) for k in SUMMARY_KEYS}
    kept = {p.path: np.empty(draws) for p in sampler.params}
    run = Run(base=base, draws=draws, seed=seed, values=values, params=sampler.params,
              samples=kept, chunk=chunk)

    def gather(start: int, samples: dict, out: dict) -> None:
        n = len(out["npv"])
        for k in SUMMARY_KEYS:
            values[k][start:start + n] = out[k]
        for path, v in samples.items():
            kept[path][start:start + n] = v
        if progress is not None:
            progress(start + n, draws)

    def job(samples: dict, n: int) -> dict:
        return evaluate(base, samples, n, chunk=n)

    starts = range(0, draws, chunk)
    if workers == 1:
        for start in starts:
            n = min(chunk, draws - start)
            samples = sampler.next(n)
            gather(start, samples, job(samples, n))
        return run
    pending: deque = deque()
    with ThreadPoolExecutor(workers) as pool:
        for start in starts:
            n = min(chunk, draws - start)
            samples = sampler.next(n)
            pending.append((start, samples, pool.submit(job, samples, n)))
            if len(pending) > workers:
                first, sampled, future = pending.popleft()
                gather(first, sampled, future.result())
        while pending:
            first, sampled, future = pending.popleft()
            gather(first, sampled, future.result())
    return run


def _summary(values: np.ndarray, key: str) -> dict:
    if key == "break_even_month":
        v = np.where(values > 0, values, np.inf)       # 0 = never within the horizon
        q = np.percentile(v, PERCENTILES, method="inverted_cdf")
        mean = float(v.mean()) if np.all(np.isfinite(v)) else None
        return {"mean": mean, **{f"p{p}": finite(x) for p, x in zip(PERCENTILES, q)}}
    ok = values[np.isfinite(values)]
    if ok.size == 0:
        return {"mean": None, **{f"p{p}": None for p in PERCENTILES}}
    q = np.percentile(ok, PERCENTILES)
    return {"mean": float(ok.mean()), **{f"p{p}": float(x) for p, x in
                                          zip(PERCENTILES, q)}}


def drivers(run: Run, target: int = 0) -> tuple[list[dict], float | None]:
    """Parameters ranked by how much of the variance of NPV (``target`` 0) or of the
    lifetime NPV (1, discounted) they explain: Pearson correlation, standardised regression
    coefficient (SRC) from a linear regression on all sampled parameters, and SRC^2,
    the share of the variance each explains under that linear model. Also R^2."""
    p = len(run.params)
    if run.draws < 3 or p == 0:
        return [], None
    z = np.column_stack([run.samples[q.path] for q in run.params]
                        + [run.values["npv" if target == 0 else "npv_lifetime"]])
    z = z - z.mean(axis=0)
    cov = (z.T @ z) / (run.draws - 1)
    del z
    y = p
    var_y = cov[y, y]
    sd = np.sqrt(np.clip(np.diag(cov)[:p], 0, None))
    live = [j for j in range(p) if sd[j] > 0]
    if var_y <= 0 or not live:
        return [], None
    cxx = cov[np.ix_(live, live)]
    cxy = cov[live, y]
    beta = np.linalg.lstsq(cxx, cxy, rcond=None)[0]
    r2 = float(beta @ cxy / var_y)
    rows = []
    for i, j in enumerate(live):
        src = float(beta[i] * sd[j] / math.sqrt(var_y))
        rows.append({"parameter": run.params[j].path, "label": run.params[j].label,
                     "correlation": float(cov[j, y] / (sd[j] * math.sqrt(var_y))),
                     "standardised_coefficient": src,
                     "share_of_variance": src * src})
    rows.sort(key=lambda r: -abs(r["standardised_coefficient"]))
    return rows, r2


def _in_sentence(label: str) -> str:
    """A :data:`COMPARED` label inside a sentence: lower-case first letter, bar "NPV"."""
    return label if label.startswith("NPV") else label[0].lower() + label[1:]


def point_vs_mean(run: Run) -> list[dict]:
    """Each headline's deterministic point estimate beside its PSA mean, with a plain
    sentence where they differ by more than :data:`DIFFERS_RTOL`."""
    point = evaluate(run.base, {}, 1)
    rows = []
    for key, label in COMPARED.items():
        p = finite(point[key][0])
        ok = run.values[key][np.isfinite(run.values[key])]
        m = float(ok.mean()) if ok.size else None
        differs = (p is not None and m is not None
                   and abs(m - p) > DIFFERS_RTOL * max(abs(p), abs(m), 1e-9))
        sentence = None
        if differs:
            word = "lower" if m < p else "higher"
            sentence = (f"The expected {_in_sentence(label)} across the draws (the mean) is {word} than "
                        "the point estimate: the central values are not the middle of "
                        "their distributions, so the point estimate is "
                        + ("optimistic." if (m < p) != (key == "pv_cost") else
                           "cautious."))
        rows.append({"key": key, "label": label, "point": p, "mean": m,
                     "differs": bool(differs), "sentence": sentence})
    return rows


def point_vs_mean_sentence(rows: list[dict]) -> str | None:
    """One plain sentence for the figures whose mean differs from the point estimate."""
    lower = [r for r in rows if r["differs"] and r["mean"] < r["point"]]
    higher = [r for r in rows if r["differs"] and r["mean"] > r["point"]]
    if not lower and not higher:
        return None

    def names(group):
        items = [_in_sentence(r["label"]) for r in group]
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    parts = []
    if lower:
        parts.append(f"lower than the point estimate for the {names(lower)}")
    if higher:
        parts.append(f"higher for the {names(higher)}")
    worse = any(r["key"] in ("npv", "npv_lifetime") for r in lower)
    return ("The expected values across the simulations (their means) are "
            + " and ".join(parts) + ": the central values of the inputs are not the "
            "middle of their distributions"
            + (", so the point estimate is optimistic." if worse else "."))


def edge_warnings(base: Base) -> list[dict]:
    """Declared figures whose central value sits at an end of their own range or
    distribution: the point estimate then takes that end, not the middle."""
    out = []
    for p in base.params.values():
        if not p.declared or p.share:
            continue
        spans = []
        if p.range is not None:
            spans.append(("range", p.range))
        d = p.distribution
        if d is not None and d.type in ("triangular", "uniform"):
            spans.append(("distribution", (float(d.low), float(d.high))))
        for what, (lo, hi) in spans:
            if hi <= lo:
                continue
            end = ("low" if abs(p.value - lo) <= 1e-12 * max(1.0, abs(lo)) else
                   "high" if abs(p.value - hi) <= 1e-12 * max(1.0, abs(hi)) else None)
            if end:
                out.append({"parameter": p.path, "label": p.label, "value": p.value,
                            "low": lo, "high": hi, "end": end, "of": what, "unit": p.unit})
                break
    return out


def summarise(run: Run) -> dict:
    """The ``modeller psa --format json`` contract (plus extra keys) of a run."""
    v = run.values
    h = run.base.horizon
    be = v["break_even_month"]
    by_year = [float(np.mean((be > 0) & (be <= 12 * y))) for y in range(1, h + 1)]
    npv_drivers, r2 = drivers(run, 0)
    life_drivers, r2_life = drivers(run, 1)
    declared = [p.path for p in run.base.params.values()
                if p.declared and not p.share and p not in run.params]
    notes = ["Parameters without a distribution stay at their value in every draw.",
             "probability_net_positive.within_horizon is P(NPV > 0) (Green Book, "
             "within the horizon); npv_lifetime is P(lifetime NPV of the horizon's "
             "cohorts > 0), discounted the same way; lifetime is P(their undiscounted "
             "lifetime net > 0), for comparison only.",
             "point_vs_mean: the deterministic point estimate beside the mean of the "
             "draws; central_value_at_edge: figures whose central value is an end of "
             "their own range or distribution.",
             "probability_broken_even_by_year[i] is P(break-even month <= 12 (i+1)), "
             "i.e. by the end of year i+1.",
             "Drivers: standardised coefficients of a linear regression of NPV on the "
             "sampled parameters; share_of_variance = coefficient^2 (R^2 tells how "
             "well the linear model fits).",
             "Draws are clipped to each quantity's allowed values."]
    if any(p.share for p in run.params):
        notes.append("Sampled case-mix shares are renormalised in each draw to sum to 1.")
    return {
        "name": run.base.spec.name,
        "draws": run.draws,
        "seed": run.seed,
        "summary": {k: _summary(v[k], k) for k in SUMMARY_KEYS},
        "point_vs_mean": (compared := point_vs_mean(run)),
        "point_vs_mean_sentence": point_vs_mean_sentence(compared),
        "central_value_at_edge": edge_warnings(run.base),
        "probability_net_positive": {
            "within_horizon": float(np.mean(v["npv"] > 0)),
            "npv_lifetime": float(np.mean(v["npv_lifetime"] > 0)),
            "lifetime": float(np.mean(v["net_lifetime"] > 0)),
            "within_horizon_undiscounted": float(np.mean(v["net_within_horizon"] > 0)),
        },
        "probability_broken_even_by_year": by_year,
        "years": list(range(1, h + 1)),
        "drivers": npv_drivers,
        "drivers_r_squared": r2,
        "drivers_lifetime": life_drivers,
        "drivers_lifetime_r_squared": r2_life,
        "distributions": [
            {"parameter": p.path, "type": p.distribution.type,
             "parameters": distribution_parameters(p.distribution), "value": p.value,
             "bounds": [p.bounds[0], finite(p.bounds[1])],
             "source": p.distribution.source or p.source, "note": p.distribution.note}
            for p in run.params],
        "fixed_parameters": declared,
        "rng": "numpy PCG64, SeedSequence(seed, spawn_key=(crc32(parameter path),))",
        "notes": notes,
    }


def analyse(obj, draws: int, seed: int, *, chunk: int | None = None,
            workers: int | None = None,
            progress: Callable[[int, int], None] | None = None) -> dict:
    """Run a PSA and summarise it (see :func:`summarise`)."""
    out = summarise(run_draws(obj, draws, seed, chunk=chunk, workers=workers,
                              progress=progress))
    if hasattr(obj, "hash"):
        out["hash"] = obj.hash
    return out


# --- rendering ----------------------------------------------------------------------

LABELS = {
    "npv": ("NPV within horizon (Green Book)", "money"),
    "net_within_horizon": ("Net within horizon", "money"),
    "net_lifetime": ("Net, lifetime (undiscounted)", "money"),
    "npv_lifetime": ("NPV, lifetime (Green Book)", "money"),
    "pv_cost": ("PV of cost within horizon", "money"),
    "pv_gross_savings": ("PV of gross savings within horizon", "money"),
    "pv_cost_lifetime": ("PV of cost, lifetime", "money"),
    "pv_gross_savings_lifetime": ("PV of gross savings, lifetime", "money"),
    "benefit_cost_ratio_lifetime": ("Benefit-cost ratio, lifetime (PV/PV)", "ratio"),
    "npv_cash_releasing_lifetime": ("Cash-releasing NPV, lifetime", "money"),
    "attributable_recovered": ("Attributable recoveries", "people"),
    "cost_per_attributable_recovery": ("Cost per attributable recovery (PV)", "pence"),
    "cost": ("Cost within horizon", "money"),
    "gross_savings_within_horizon": ("Gross savings within horizon", "money"),
    "gross_savings_lifetime": ("Gross savings, lifetime", "money"),
    "benefit_cost_ratio": ("Benefit-cost ratio (PV/PV)", "ratio"),
    "roi": ("ROI", "percent"),
    "cost_per_recovery": ("Cost per recovery", "pence"),
    "recovered": ("People recovering", "people"),
    "per_person_gross_saving": ("Gross saving per person entering", "pence"),
    "per_person_cost": ("Cost per person entering", "pence"),
    "per_person_net": ("Net per person entering", "pence"),
    "break_even_month": ("Break-even month", "month"),
}
