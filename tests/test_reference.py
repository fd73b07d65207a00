"""The fast, vectorised model equals the simple reference loop on random valid sets,
and behaves as it must: linear in volume, rising with recovery, parts adding up."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modeller import model
from reference import params_from_inputs, simulate

rates = st.floats(0.0, 1.0)
money = st.floats(0.0, 5000.0)


@st.composite
def inputs(draw, draws: int = 1) -> model.Inputs:
    h = draw(st.integers(1, 6))
    c = draw(st.integers(1, 4))
    raw = draw(st.lists(st.floats(0.01, 1.0), min_size=c, max_size=c))
    share = np.array(raw) / sum(raw)

    def arr(strategy, shape):
        return np.array(draw(st.lists(strategy, min_size=int(np.prod(shape)),
                                      max_size=int(np.prod(shape))))).reshape(shape)

    rate = draw(st.floats(0.0, 0.1))
    step = draw(st.floats(0.0, 0.1))
    years = h + draw(st.integers(1, 3))
    factors = model.discount_factors(years, [(1, rate), (min(h + 1, years), step)])
    return model.Inputs(
        entering=arr(st.floats(0.0, 3000.0), (draws, h)),
        share=np.tile(share, (draws, 1)),
        completion=arr(rates, (draws, c)),
        recovery=arr(rates, (draws, c)),
        annual_saving=arr(money, (draws, c)),
        benefit_months=arr(st.floats(0.0, 80.0), (draws,)),
        per_person_entering=arr(st.floats(0.0, 1000.0), (draws,)),
        per_completer=arr(st.floats(0.0, 500.0), (draws,)),
        booster_share=arr(rates, (draws,)),
        booster_cost=arr(st.floats(0.0, 400.0), (draws,)),
        fixed=arr(st.floats(0.0, 1e5), (draws, h)),
        discount_factor=np.tile(factors, (draws, 1)),
        counterfactual=arr(st.floats(0.0, 0.5), (draws, c)),
        cash_share=arr(rates, (draws, c)),
        cost_uplift=arr(st.floats(0.0, 2.0), (draws,)),
        savings_reduction=arr(rates, (draws,)),
        treatment_months=draw(st.integers(0, 14)),
        booster_months=draw(st.integers(0, 30)),
        savings_apply_to=draw(st.sampled_from(["recovered", "completed", "entering"])),
        benefit_delay_months=draw(st.integers(0, 18)),
    )


def close(a, b):
    return np.allclose(np.asarray(a, float), np.asarray(b, float), rtol=1e-9, atol=1e-6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs())
def test_fast_model_equals_reference(x):
    a = model.compute(x)
    ref = simulate(params_from_inputs(x))
    assert close(a.cost_by_year[0], ref["cost_by_year"])
    assert close(a.savings_by_year[0], ref["savings_by_year"])
    assert close(np.diff(a.cumulative_savings[0], prepend=0), ref["monthly_savings"])
    assert close(a.monthly_cost[0], ref["monthly_cost"])
    assert close(a.savings_lifetime_by_condition[0], ref["lifetime_by_condition"])
    assert close(a.savings_within_by_condition[0], ref["within_by_condition"])
    assert close(a.cost_by_condition[0], ref["cost_by_condition"])
    assert close(a.cost_beyond[0], ref["cost_beyond"])
    assert close(((a.savings_by_year - a.cost_by_year) * a.discount_factor).sum(),
                 ref["npv"])
    expected_break_even = ref["break_even_month"] or 0
    assert int(a.break_even_month[0]) == expected_break_even
    hl = {k: v[0] for k, v in model.headlines(a).items()}
    for key in ("npv", "npv_lifetime", "pv_cost", "pv_cost_lifetime",
                "pv_cash_releasing_savings_lifetime", "attributable_recovered",
                "pv_attributable_recovered"):
        assert close(hl[key], ref[key]), key
    assert close(hl["pv_gross_savings"], ref["pv_savings"])
    assert close(hl["pv_gross_savings_lifetime"], ref["pv_savings_lifetime"])
    assert close(hl["gross_savings_lifetime"], ref["savings_lifetime"])
    assert close(a.cost_all[0].sum(), ref["cost_within"] + ref["cost_beyond"])


@settings(max_examples=15, deadline=None)
@given(inputs(draws=4))
def test_draw_axis_is_independent(x):
    """Each draw of a vectorised run equals that draw run alone."""
    together = model.compute(x)
    for d in range(x.draws):
        one = model.compute(dataclasses.replace(
            x, **{f.name: getattr(x, f.name)[d:d + 1] for f in dataclasses.fields(x)
                  if isinstance(getattr(x, f.name), np.ndarray)}))
        assert close(together.cost_by_year[d], one.cost_by_year[0])
        assert close(together.cumulative_savings[d], one.cumulative_savings[0])
        assert together.break_even_month[d] == one.break_even_month[0]


@settings(max_examples=40, deadline=None)
@given(inputs(), st.floats(0.1, 10.0))
def test_savings_and_costs_scale_linearly_with_volume(x, k):
    a = model.compute(x)
    b = model.compute(dataclasses.replace(x, entering=x.entering * k,
                                          fixed=x.fixed * k))
    assert close(b.savings_by_year, a.savings_by_year * k)
    assert close(b.cost_by_year, a.cost_by_year * k)


@settings(max_examples=40, deadline=None)
@given(inputs(), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_savings_rise_with_recovery_rate(x, r1, r2):
    lo, hi = sorted((r1, r2))
    a = model.compute(dataclasses.replace(x, recovery=np.full_like(x.recovery, lo),
                                          savings_apply_to="recovered"))
    b = model.compute(dataclasses.replace(x, recovery=np.full_like(x.recovery, hi),
                                          savings_apply_to="recovered"))
    assert (b.savings_by_year >= a.savings_by_year - 1e-6).all()
    assert (b.savings_lifetime_by_condition >= a.savings_lifetime_by_condition - 1e-6).all()


@settings(max_examples=40, deadline=None)
@given(inputs())
def test_conditions_add_up_to_totals(x):
    a = model.compute(x)
    assert close(a.cost_by_condition.sum(axis=1), a.cost_by_year.sum(axis=1))
    assert close(a.savings_within_by_condition.sum(axis=1), a.savings_by_year.sum(axis=1))
    lifetime = a.savings_lifetime_by_condition.sum(axis=1)
    assert (lifetime >= a.savings_by_year.sum(axis=1) - 1e-6).all()


def test_reference_reproduces_faq_cohort():
    """The reference itself, on the FAQ set: GBP 662.50 per person over a lifetime."""
    from modeller.inputs import loader as assumptions
    x, _, _ = model.inputs_from(assumptions.load("national-faq-2017").spec)
    ref = simulate(params_from_inputs(x))
    per_person = ref["savings_lifetime"] / sum(ref["entering_by_condition"])
    assert per_person == pytest.approx(662.50)
