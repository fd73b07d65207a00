"""The deterministic IAPT-LTC cost-offset model.

Pure arithmetic: no I/O, no printing, no rounding, no renderer. :func:`compute` works
on :class:`Inputs` whose arrays carry a leading *draw* axis ``D`` (``D = 1`` for a
deterministic run), so probabilistic sensitivity analysis calls the very same code
vectorised over draws (:func:`modeller.model.runner.run` turns a validated set into
plain :class:`~modeller.model.results.Results`).

The logic generalises the NHS England IAPT-LTC FAQ (000_531557c98ba51688.txt:1251-1396):

- entering[t, c] = entering_treatment[t] * share[c]                       [people]
- completed = entering * completion_rate[c]; recovered = completed * recovery_rate[c]
  ("30% (0.5*0.6) of people entering treatment recover", 000_...:1392-1396)
- beneficiaries = recovered, completed or entering (``savings_apply_to``), less the
  counterfactual: max(B - counterfactual[c] x entering, 0) (docs/method.md)
- each beneficiary saves annual_saving[c] / 12 per month for ``B`` benefit months
  (a fractional last month pro rata), from the month after entry + treatment_months
  (FAQ Table 2, 000_...:1279-1333)

Timing (all monthly; month 1 is the first month of year 1): entries are spread evenly
over the 12 months of their year; per-person costs fall in the month of entry; fixed
costs evenly over the months of their year; a booster ``k`` months after entry.
Anything after month 12*H is outside the horizon and reported separately; the
``*_all`` arrays carry every year in which the horizon's cohorts still save, so the
lifetime NPV discounts them by the same convention. Optimism bias: every cost x (1 +
cost_uplift), every saving x (1 - savings_reduction), savings ``benefit_delay_months``
later.

Discounting follows the HM Treasury Green Book: year 1 is undiscounted and year t is
multiplied by prod_{s=2..t} 1/(1+r_s), i.e. 1/(1+r)^(t-1) for a constant rate. This
differs from Excel's NPV(), which discounts the first year as well.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np


DISCOUNT_CONVENTION = (
    "HM Treasury Green Book convention: year 1 is undiscounted and year t is multiplied "
    "by 1/(1+r)^(t-1) (the product of each year's rate for a schedule). Excel's NPV() "
    "discounts the first year too; to reproduce these figures in Excel use "
    "=first_year + NPV(rate, later_years).")

#: Relative tolerance when comparing cumulative savings with cumulative costs.
BREAK_EVEN_RTOL = 1e-12
#: Cumulative amounts below this are "nothing yet" for break-even (a month in which
#: neither costs nor savings have arisen is not a break-even). [GBP]
BREAK_EVEN_ATOL = 1e-9


@dataclass(frozen=True)
class Inputs:
    """Numeric model inputs. Arrays have a leading draw axis of length D.

    Shapes: ``(D, H)`` per year, ``(D, C)`` per condition, ``(D,)`` scalars;
    ``discount_factor`` is ``(D, Y)`` with ``Y >= H``: years after the horizon are
    used for the flows that fall after it (lifetime NPV); past the last given year the
    rate implied by the last two factors continues (see :func:`extend_factors`).
    """

    entering: np.ndarray          # (D, H) people entering treatment per year [people/year]
    share: np.ndarray             # (D, C) case-mix share [fraction]
    completion: np.ndarray        # (D, C) completion rate [fraction]
    recovery: np.ndarray          # (D, C) recovery rate among completers [fraction]
    annual_saving: np.ndarray     # (D, C) saving per beneficiary [GBP/year]
    benefit_months: np.ndarray    # (D,) duration of saving [months]
    per_person_entering: np.ndarray  # (D,) [GBP/person entering]
    per_completer: np.ndarray     # (D,) [GBP/completer]
    booster_share: np.ndarray     # (D,) share of recovered needing a booster [fraction]
    booster_cost: np.ndarray      # (D,) [GBP/booster]; 0 when unpriced
    fixed: np.ndarray             # (D, H) fixed costs per year [GBP/year]
    discount_factor: np.ndarray   # (D, Y), Y >= H: Green Book factors [-]
    counterfactual: np.ndarray    # (D, C) share of entrants who would recover anyway [fraction]
    cash_share: np.ndarray        # (D, C) cash-releasing share of savings [fraction]
    cost_uplift: np.ndarray       # (D,) optimism bias: every cost x (1 + this) [fraction]
    savings_reduction: np.ndarray  # (D,) optimism bias: savings x (1 - this) [fraction]
    treatment_months: int = 0     # months from entry until savings can start [months]
    booster_months: int = 0       # months from entry to the booster [months]
    savings_apply_to: str = "recovered"
    benefit_delay_months: int = 0  # optimism bias: extra months before savings [months]

    @property
    def draws(self) -> int:
        return self.entering.shape[0]

    @property
    def horizon(self) -> int:
        return self.entering.shape[1]


def tile(x: Inputs, n: int) -> dict:
    """The fields of a one-draw ``x`` with every array repeated for ``n`` draws (fresh
    arrays; the integer and text fields as they are), ready to edit and pass to
    ``Inputs(**fields)``."""
    return {f.name: (np.repeat(getattr(x, f.name), n, axis=0)
                     if isinstance(getattr(x, f.name), np.ndarray) else getattr(x, f.name))
            for f in dataclasses.fields(x)}


@dataclass(frozen=True)
class Arrays:
    """Everything :func:`compute` works out, as arrays with a leading draw axis.

    Money is after the optimism-bias adjustment of the inputs (none when they are 0).
    ``*_all`` arrays run over Y years: the horizon and the years after it in which the
    horizon's cohorts still save (or have boosters), so they hold every pound.
    """

    entering: np.ndarray          # (D, H, C) [people]
    completed: np.ndarray         # (D, H, C) [people]
    recovered: np.ndarray         # (D, H, C) [people]
    attributable: np.ndarray      # (D, H, C) recoveries net of the counterfactual [people]
    cost_by_year: np.ndarray      # (D, H) within the horizon [GBP]
    cost_by_condition: np.ndarray  # (D, C) within horizon; fixed shared by case mix [GBP]
    savings_by_year: np.ndarray   # (D, H) gross savings [GBP]
    savings_by_year_condition: np.ndarray  # (D, H, C) gross savings [GBP]
    cost_entering_by_year: np.ndarray   # (D, H) per-person-entering cost line [GBP]
    cost_completer_by_year: np.ndarray  # (D, H) per-completer cost line [GBP]
    cost_booster_by_year: np.ndarray    # (D, H) boosters within the horizon [GBP]
    cost_fixed_by_year: np.ndarray      # (D, H) fixed cost lines [GBP]
    savings_within_by_condition: np.ndarray  # (D, C) [GBP]
    savings_lifetime_by_condition: np.ndarray  # (D, C) [GBP]
    cost_beyond: np.ndarray       # (D,) boosters falling after the horizon [GBP]
    monthly_cost: np.ndarray      # (D, M) [GBP/month]
    cumulative_savings: np.ndarray  # (D, M) at the end of each month [GBP]
    break_even_month: np.ndarray  # (D,) first month cum. savings >= cum. costs; 0 = none
    discount_factor: np.ndarray   # (D, H) factors of the horizon's years
    discount_factor_all: np.ndarray  # (D, Y)
    savings_all_condition: np.ndarray  # (D, Y, C) gross savings by year, lifetime [GBP]
    cost_all: np.ndarray          # (D, Y) costs by year, lifetime [GBP]
    cash_share: np.ndarray        # (D, C) cash-releasing share of each condition's saving
    per_person_saving: np.ndarray  # (D,) lifetime gross saving per person entering [GBP]
    probability_recovered: np.ndarray  # (D,) [fraction]
    probability_attributable: np.ndarray  # (D,) attributable recoveries per entrant
    cohort_savings: np.ndarray    # (D, H, C) each year's entrants' lifetime savings [GBP]
    cohort_cost: np.ndarray       # (D, H) each year's entrants' own costs, incl. boosters [GBP]


def discount_factors(horizon: int, steps: list[tuple[int, float]]) -> np.ndarray:
    """Green Book discount factor for years 1..H. [-]

    ``steps`` is a list of ``(from_year, rate)``; the rate in force in year t is the
    last step with from_year <= t. Factor_1 = 1; factor_t = factor_{t-1} / (1 + r_t).
    Source: HM Treasury Green Book (2022), Annex 6 (declining schedule after year 30).
    """
    rates = np.zeros(horizon)
    for from_year, rate in sorted(steps):
        rates[from_year - 1:] = rate
    factors = np.ones(horizon)
    for t in range(1, horizon):
        factors[t] = factors[t - 1] / (1.0 + rates[t])
    return factors


def factor_years(horizon: int, steps: list[tuple[int, float]], months_after: float) -> int:
    """How many years of factors :func:`inputs_from` gives: the horizon, every year a
    flow can fall in ``months_after`` months after it, and at least one year past the
    schedule's last step (so the rate implied by the last two factors is that step's)."""
    last_step = max(y for y, _ in steps)
    return int(max(horizon + math.ceil(months_after / 12.0), last_step) + 1)


def extend_factors(factors: np.ndarray, years: int) -> np.ndarray:
    """``factors`` (D, Y) continued to ``years`` columns at the rate implied by the
    last two given factors: f_{y+1} = f_y / (1 + r), r = f_{Y-1} / f_Y - 1. [-]"""
    d, y = factors.shape
    if years <= y:
        return factors[:, :years]
    if y < 2:
        raise ValueError("discount factors must cover at least two years to be "
                         "continued past the horizon")
    growth = factors[:, -1] / factors[:, -2]                  # 1 / (1 + r)
    extra = factors[:, -1:] * growth[:, None] ** np.arange(1, years - y + 1)[None, :]
    return np.concatenate([factors, extra], axis=1)


def _months_of_saving(a: np.ndarray) -> np.ndarray:
    """sum_{j=0..11} max(a - j, 0), elementwise, for real a. [months]"""
    k = np.minimum(np.maximum(np.ceil(a), 0.0), 12.0)
    return k * a - k * (k - 1) / 2


def _accrual_of(index: np.ndarray, delay: int, benefit_months: np.ndarray) -> np.ndarray:
    """Average months of saving accrued by the end of each month i of ``index``
    (counted from the first month of a cohort's entry year) per person entering in
    that year: mean over its 12 entry months of clip(i + 1 - m - delay, 0, B).
    (D, len(index))"""
    a = (index - delay).astype(float)
    return (_months_of_saving(a[None])
            - _months_of_saving(a[None] - benefit_months[:, None])) / 12.0


def _accrual_at(index: np.ndarray, delay: int, benefit_months: np.ndarray) -> np.ndarray:
    """:func:`_accrual_of`, exactly B once every entry month's benefit is over
    (i - delay >= B + 12), so later years add exactly nothing (not rounding noise)."""
    over = (index - delay).astype(float)[None] >= benefit_months[:, None] + 12.0
    return np.where(over, benefit_months[:, None],
                    _accrual_of(index, delay, benefit_months))


def cumulative_kernel(horizon: int, treatment_months: int,
                      benefit_months: np.ndarray) -> np.ndarray:
    """Average months of saving accrued by the end of month n per person entering in year t.

    Returns shape (D, H, M): mean over the 12 entry months m of year t of
    clip(n - m - T, 0, B). [months] It depends on n and t only through n - 12(t-1), so
    it is computed once and shifted for each year.
    """
    months = 12 * horizon
    shape = _accrual_of(np.arange(months), treatment_months, benefit_months)
    out = np.zeros((len(benefit_months), horizon, months))
    for t in range(horizon):
        out[:, t, 12 * t:] = shape[:, :months - 12 * t]
    return out


def lifetime_years(x: Inputs) -> int:
    """Years the ``*_all`` arrays (and the workbook's year columns) cover: the horizon
    and every year in which its cohorts still save, for the longest benefit among the
    draws, or have boosters, with one year to spare (the last year then holds each
    cohort's whole benefit exactly)."""
    delay = x.treatment_months + x.benefit_delay_months
    longest = math.ceil(float(np.max(x.benefit_months))) if x.draws else 0
    return x.horizon + math.ceil(max(delay + longest, x.booster_months) / 12) + 1


def compute(x: Inputs) -> Arrays:
    """Run the cost-offset model on :class:`Inputs`, vectorised over draws."""
    d, h = x.entering.shape
    months = 12 * h
    delay = x.treatment_months + x.benefit_delay_months
    uplift = 1.0 + x.cost_uplift                                         # (D,)
    entering = x.entering[:, :, None] * x.share[:, None, :]              # (D, H, C)
    completed = entering * x.completion[:, None, :]
    recovered = completed * x.recovery[:, None, :]
    anyway = entering * x.counterfactual[:, None, :]
    attributable = np.maximum(recovered - anyway, 0.0)
    beneficiaries = {"recovered": recovered, "completed": completed,
                     "entering": entering}[x.savings_apply_to]
    beneficiaries = np.maximum(beneficiaries - anyway, 0.0)
    flow = (beneficiaries * x.annual_saving[:, None, :]
            * (1.0 - x.savings_reduction)[:, None, None])              # [GBP/year]

    kernel = cumulative_kernel(h, delay, x.benefit_months)               # (D, H, M)
    cumulative_savings = np.einsum("dt,dtn->dn", flow.sum(axis=2) / 12.0, kernel)
    savings_within_c = np.einsum("dtc,dt->dc", flow / 12.0, kernel[:, :, -1])
    savings_lifetime_c = flow.sum(axis=1) * x.benefit_months[:, None] / 12.0
    year_end = cumulative_savings[:, 11::12]
    savings_by_year = np.diff(year_end, axis=1, prepend=0.0)
    year_end_c = np.einsum("dtc,dty->dyc", flow / 12.0, kernel[:, :, 11::12])
    savings_by_year_c = np.diff(year_end_c, axis=1, prepend=0.0)        # (D, H, C)

    # Every year in which the horizon's cohorts still save or have boosters. Every sum
    # over years is a running (left-to-right) sum, so trailing years of zeros never
    # change a draw's figures and results do not depend on how draws are chunked.
    years = lifetime_years(x)
    accrual = _accrual_at(12 * np.arange(years) + 11, delay, x.benefit_months)  # (D, Y)
    lag = np.arange(years)[None, :] - np.arange(h)[:, None]              # (H, Y)
    at_year_end = np.where(lag >= 0, accrual[:, np.maximum(lag, 0)], 0.0)  # (D, H, Y)
    year_end_all = np.zeros((d, years, flow.shape[2]))
    for t in range(h):      # a fixed order of additions: the same sums for any D
        year_end_all += at_year_end[:, t, :, None] * (flow[:, t, None, :] / 12.0)
    savings_all_c = np.diff(year_end_all, axis=1, prepend=0.0)          # (D, Y, C)

    # Costs: per person and per completer in the month of entry; fixed evenly.
    cost_entering = entering * (x.per_person_entering * uplift)[:, None, None]
    cost_completer = completed * (x.per_completer * uplift)[:, None, None]
    variable_c = cost_entering + cost_completer                          # (D, H, C)
    variable = variable_c.sum(axis=2)
    fixed = x.fixed * uplift[:, None]
    monthly_cost = np.repeat((variable + fixed) / 12.0, 12, axis=1)     # (D, M)

    # Boosters: recovered * share * cost, k months after each entry month.
    booster_c = recovered * (x.booster_share * x.booster_cost * uplift)[:, None, None]
    k = x.booster_months
    entry_month = np.arange(1, months + 1)
    inside = (entry_month + k <= months).reshape(h, 12).mean(axis=1)      # (H,)
    booster_monthly_by_entry = np.repeat(booster_c.sum(axis=2) / 12.0, 12, axis=1)
    span = 12 * int(math.ceil((months + k) / 12.0))
    booster_all = np.zeros((d, span))
    booster_all[:, k:k + months] = booster_monthly_by_entry
    booster_monthly = booster_all[:, :months]
    monthly_cost = monthly_cost + booster_monthly
    booster_within_c = np.einsum("dtc,t->dc", booster_c, inside)
    cost_beyond = booster_c.sum(axis=(1, 2)) - booster_within_c.sum(axis=1)
    cost_by_year = monthly_cost.reshape(d, h, 12).sum(axis=2)
    cost_all = np.zeros((d, years))
    cost_all[:, :span // 12] = booster_all.reshape(d, span // 12, 12).sum(axis=2)
    cost_all[:, :h] = cost_by_year

    # Fixed costs are shared between conditions by case-mix share (which is also
    # their share of people entering in any year with entrants).
    cost_by_condition = (variable_c.sum(axis=1) + booster_within_c
                         + fixed.sum(axis=1)[:, None] * x.share)

    cumulative_cost = np.cumsum(monthly_cost, axis=1)
    scale = np.maximum(np.abs(cumulative_cost), np.abs(cumulative_savings))
    reached = (cumulative_savings >= cumulative_cost - BREAK_EVEN_RTOL * scale) & (scale > BREAK_EVEN_ATOL)
    break_even = np.where(reached.any(axis=1), reached.argmax(axis=1) + 1, 0)

    probability_recovered = (x.share * x.completion * x.recovery).sum(axis=1)
    probability_attributable = (x.share * np.maximum(
        x.completion * x.recovery - x.counterfactual, 0.0)).sum(axis=1)
    benefit_probability = {"recovered": x.completion * x.recovery,
                           "completed": x.completion,
                           "entering": np.ones_like(x.completion)}[x.savings_apply_to]
    benefit_probability = np.maximum(benefit_probability - x.counterfactual, 0.0)
    per_person_saving = ((x.share * benefit_probability * x.annual_saving).sum(axis=1)
                         * x.benefit_months / 12.0 * (1.0 - x.savings_reduction))
    factors = extend_factors(x.discount_factor, years)
    return Arrays(entering=entering, completed=completed, recovered=recovered,
                  attributable=attributable,
                  cost_by_year=cost_by_year, cost_by_condition=cost_by_condition,
                  savings_by_year=savings_by_year,
                  savings_by_year_condition=savings_by_year_c,
                  cost_entering_by_year=cost_entering.sum(axis=2),
                  cost_completer_by_year=cost_completer.sum(axis=2),
                  cost_booster_by_year=booster_monthly.reshape(d, h, 12).sum(axis=2),
                  cost_fixed_by_year=fixed,
                  savings_within_by_condition=savings_within_c,
                  savings_lifetime_by_condition=savings_lifetime_c,
                  cost_beyond=cost_beyond, monthly_cost=monthly_cost,
                  cumulative_savings=cumulative_savings, break_even_month=break_even,
                  discount_factor=factors[:, :h], discount_factor_all=factors,
                  savings_all_condition=savings_all_c, cost_all=cost_all,
                  cash_share=x.cash_share,
                  per_person_saving=per_person_saving,
                  probability_recovered=probability_recovered,
                  probability_attributable=probability_attributable,
                  cohort_savings=flow * x.benefit_months[:, None, None] / 12.0,
                  cohort_cost=variable + booster_c.sum(axis=2))


def headlines(a: Arrays) -> dict[str, np.ndarray]:
    """Headline totals for every draw, shape (D,). Undefined ratios are NaN and "no
    break-even" is month 0. [GBP unless named]

    The one place the totals are aggregated: :func:`results_from` reads one draw of
    it, and sensitivity, grid and PSA read all of them. Present values (``pv_*``,
    ``npv*``) follow the Green Book convention of :data:`DISCOUNT_CONVENTION`, within
    the horizon unless named ``_lifetime`` (every year in which the horizon's cohorts
    save or cost anything, discounted the same way).
    """
    cost = a.cost_by_year.sum(axis=1)
    within = a.savings_by_year.sum(axis=1)
    lifetime = a.savings_lifetime_by_condition.sum(axis=1)
    cost_lifetime = cost + a.cost_beyond
    entering = a.entering.sum(axis=(1, 2))
    recovered = a.recovered.sum(axis=(1, 2))
    attributable = a.attributable.sum(axis=(1, 2))
    df = a.discount_factor
    df_all = a.discount_factor_all
    savings_all = a.savings_all_condition.sum(axis=2)
    cash_all = (a.savings_all_condition * a.cash_share[:, None, :]).sum(axis=2)
    pv_cost = (a.cost_by_year * df).sum(axis=1)
    pv_savings = (a.savings_by_year * df).sum(axis=1)

    def running_total(v):          # left to right: trailing zeros change nothing
        return np.cumsum(v, axis=1)[:, -1]
    pv_cost_lifetime = running_total(a.cost_all * df_all)
    pv_savings_lifetime = running_total(savings_all * df_all)
    pv_cash_lifetime = running_total(cash_all * df_all)
    pv_attributable = (a.attributable.sum(axis=2) * df).sum(axis=1)

    def ratio(num, den):
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)

    person_cost = ratio(cost_lifetime, entering)
    return {
        "npv": pv_savings - pv_cost,
        "npv_lifetime": pv_savings_lifetime - pv_cost_lifetime,
        "net_within_horizon": within - cost,
        "net_lifetime": lifetime - cost_lifetime,
        "cost": cost,
        "cost_lifetime": cost_lifetime,
        "cost_beyond_horizon": a.cost_beyond,
        "gross_savings_within_horizon": within,
        "gross_savings_lifetime": lifetime,
        "pv_cost": pv_cost,
        "pv_gross_savings": pv_savings,
        "pv_cost_lifetime": pv_cost_lifetime,
        "pv_gross_savings_lifetime": pv_savings_lifetime,
        "pv_cash_releasing_savings_lifetime": pv_cash_lifetime,
        "npv_cash_releasing_lifetime": pv_cash_lifetime - pv_cost_lifetime,
        "benefit_cost_ratio": ratio(pv_savings, pv_cost),
        "benefit_cost_ratio_lifetime": ratio(pv_savings_lifetime, pv_cost_lifetime),
        "benefit_cost_ratio_undiscounted": ratio(within, cost),
        "roi": ratio(within - cost, cost),
        "cost_per_recovery": ratio(cost, recovered),
        "cost_per_attributable_recovery": ratio(pv_cost_lifetime, pv_attributable),
        "net_cost_per_attributable_recovery": ratio(pv_cost_lifetime - pv_savings_lifetime,
                                                    pv_attributable),
        "break_even_month": a.break_even_month.astype(float),
        "entering": entering,
        "completed": a.completed.sum(axis=(1, 2)),
        "recovered": recovered,
        "attributable_recovered": attributable,
        "pv_attributable_recovered": pv_attributable,
        "per_person_gross_saving": a.per_person_saving,
        "per_person_cost": person_cost,
        "per_person_net": a.per_person_saving - person_cost,
    }


