"""The model against hand-worked figures from the seeds and small cases worked by hand."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from modeller.inputs import loader as assumptions
from modeller import model
from modeller.inputs.loader import LoadedSet, hash_resolved
from modeller.inputs.schema import AssumptionSet

NATIONAL = "national-faq-2017"


def run_data(data: dict):
    """Run the model on an in-memory set (validated like a file)."""
    spec = AssumptionSet.model_validate(data)
    loaded = LoadedSet(file="<test>", resolved=data, spec=spec, hash=hash_resolved(data))
    return model.run(loaded)


def national_data() -> dict:
    return copy.deepcopy(assumptions.load(NATIONAL).resolved)


def tiny(**over) -> dict:
    """A one-year, one-condition set small enough to work by hand."""
    data = {
        "schema_version": 1, "name": "tiny", "currency": "GBP", "price_year": 2024,
        "horizon_years": 1, "discount_rate": 0.0,
        "activity": {"entering_treatment": 12, "treatment_months": 0},
        "outcomes": {"completion_rate": 1.0, "recovery_rate": 1.0},
        "benefit_duration": {"months": 2.5},
        "conditions": {"x": {"label": "X", "share": 1.0, "annual_saving": 1200}},
        "costs": {"per_person_entering": 50},
    }
    for key, value in over.items():
        data[key] = value
    return data


# --- The FAQ's own arithmetic (000_531557c98ba51688.txt:1333, 1392-1396; 001:98) ---

def test_faq_thirty_percent_recover():
    """'30% (0.5*0.6) of people entering treatment recover' (000_...:1392-1396)."""
    r = model.run(assumptions.load(NATIONAL))
    assert r.per_person_entering.probability_recovered == pytest.approx(0.30, abs=1e-12)
    assert r.totals.recovered == pytest.approx(0.3 * r.totals.entering)


def test_faq_uses_stated_26_5_months_and_warns_about_27():
    loaded = assumptions.load(NATIONAL)
    r = model.run(loaded)
    assert r.benefit_months == 26.5
    assert any("26.5" in w and "27" in w for w in r.warnings)


def test_faq_per_person_entering():
    """0.3 * GBP 1,000 * 26.5/12 = GBP 662.50 against GBP 650: net GBP 12.50."""
    p = model.run(assumptions.load(NATIONAL)).per_person_entering
    assert p.gross_saving == pytest.approx(662.50, abs=1e-9)
    assert p.cost == pytest.approx(650.0, abs=1e-9)
    assert p.net == pytest.approx(12.50, abs=1e-9)
    # 650 / (0.3 * 1000 / 12 per month) = 26 months after the month of entry.
    assert p.payback_months == pytest.approx(26.0, abs=1e-9)


def test_running_service_1200_a_year_is_0_8m_behind_after_five_years():
    """Issue 2: at 1,200 entering a year the service is still ~GBP 0.8m behind.

    By hand: costs 60 months x 100 people x GBP 650 = GBP 3.9m. Savings: each month's
    30 recoveries save GBP 2,500/month for 26.5 months from the next month; cohorts
    1-33 finish within 60 months (26.5 months each), cohorts 34-60 have 26..0 months
    left: (33 x 26.5 + 351) x 2,500 = GBP 3,063,750. Net = -GBP 836,250.
    """
    data = national_data()
    data["activity"]["entering_treatment"] = 1200
    t = run_data(data).totals
    assert t.cost == pytest.approx(3_900_000)
    assert t.gross_savings_within_horizon == pytest.approx(3_063_750)
    assert t.net_within_horizon == pytest.approx(-836_250)
    assert t.break_even_month is None
    # the lifetime view of the same cohorts: 6,000 x 662.50 - 3.9m
    assert t.net_lifetime == pytest.approx(6000 * 662.5 - 3_900_000)


def test_national_year_one_savings_by_hand():
    """600 a year: 15 recoveries a month save GBP 1,250/month each month from the next,
    so year 1 = 1,250 x (11 + 10 + ... + 0) = GBP 82,500."""
    r = model.run(assumptions.load(NATIONAL))
    assert r.by_year[0].gross_savings == pytest.approx(82_500)
    assert r.by_year[0].cost == pytest.approx(390_000)


# --- A small case worked month by month ---

def test_tiny_monthly_profile_by_hand():
    """One person a month, GBP 100/month saving for 2.5 months, GBP 50 each.

    Savings by month: 0, 100, 200, 250, 250, ... (cohort m saves in m+1, m+2 and half
    of m+3). Year: 0 + 100 + 200 + 9 x 250 = 2,550; lifetime 12 x 250 = 3,000.
    Cumulative savings 100 = cumulative cost 100 at month 2: break-even month 2.
    """
    r = run_data(tiny())
    cum = np.array(r.cumulative_savings)
    assert np.diff(cum, prepend=0).tolist() == pytest.approx(
        [0, 100, 200] + [250] * 9)
    assert r.totals.gross_savings_within_horizon == pytest.approx(2550)
    assert r.totals.gross_savings_lifetime == pytest.approx(3000)
    assert r.totals.gross_savings_beyond_horizon == pytest.approx(450)
    assert r.totals.cost == pytest.approx(600)
    assert list(r.cumulative_cost)[:3] == pytest.approx([50, 100, 150])
    assert r.totals.break_even_month == 2
    assert r.totals.benefit_cost_ratio == pytest.approx(2550 / 600)
    assert r.totals.roi == pytest.approx((2550 - 600) / 600)
    assert r.totals.cost_per_recovery == pytest.approx(50)


def test_treatment_months_delay_savings():
    """With 2 treatment months, cohort m first saves in month m + 3."""
    data = tiny(activity={"entering_treatment": 12, "treatment_months": 2})
    cum = np.array(run_data(data).cumulative_savings)
    assert np.diff(cum, prepend=0).tolist()[:6] == pytest.approx([0, 0, 0, 100, 200, 250])


def test_fixed_costs_fall_evenly_in_their_year_and_are_shared_by_case_mix():
    data = tiny(horizon_years=2, activity={"entering_treatment": [12, 24],
                                           "treatment_months": 0})
    data["costs"] = {"per_person_entering": 0,
                     "fixed": [{"label": "Training", "amount": 1200, "year": 2}]}
    data["conditions"] = {"a": {"label": "A", "share": 0.25, "annual_saving": 0},
                          "b": {"label": "B", "share": 0.75, "annual_saving": 0}}
    r = run_data(data)
    assert [y.cost for y in r.by_year] == pytest.approx([0, 1200])
    monthly = np.diff(np.array(r.cumulative_cost), prepend=0)
    assert monthly[12:].tolist() == pytest.approx([100] * 12)
    assert [c.cost for c in r.by_condition] == pytest.approx([300, 900])


def test_booster_after_horizon_is_reported_not_dropped():
    """Booster GBP 60 for half of recoveries, 6 months after entry: entries in months
    7-12 have their booster after the 12-month horizon."""
    data = tiny()
    data["costs"]["booster"] = {"share_of_recovered": 0.5, "cost_per_person": 60,
                                "months_after_entry": 6}
    r = run_data(data)
    assert r.totals.cost == pytest.approx(600 + 6 * 0.5 * 60)
    assert r.totals.cost_beyond_horizon == pytest.approx(6 * 0.5 * 60)
    assert r.totals.cost_lifetime == pytest.approx(600 + 12 * 0.5 * 60)
    assert not any("booster" in w for w in r.warnings)


@pytest.mark.parametrize("apply_to,factor", [("recovered", 0.5 * 0.6),
                                             ("completed", 0.6), ("entering", 1.0)])
def test_savings_apply_to(apply_to, factor):
    data = tiny(outcomes={"completion_rate": 0.6, "recovery_rate": 0.5,
                          "savings_apply_to": apply_to})
    r = run_data(data)
    assert r.savings_apply_to == apply_to
    assert r.totals.gross_savings_lifetime == pytest.approx(3000 * factor)


def test_per_condition_rate_overrides():
    data = tiny(outcomes={"completion_rate": 0.6, "recovery_rate": 0.5})
    data["conditions"] = {
        "ltc": {"label": "LTC", "share": 0.5, "annual_saving": 1200, "recovery_rate": 0.43},
        "mus": {"label": "MUS", "share": 0.5, "annual_saving": 1200}}
    r = run_data(data)
    ltc, mus = r.by_condition
    assert ltc.recovered == pytest.approx(6 * 0.6 * 0.43)
    assert mus.recovered == pytest.approx(6 * 0.6 * 0.5)


def test_duration_from_components_only():
    """Without a stated figure the components are used: 0.5*36+0.25*24+0.25*12 = 27."""
    data = national_data()
    del data["benefit_duration"]["months"]
    r = run_data(data)
    assert r.benefit_months == pytest.approx(27.0)
    assert r.per_person_entering.gross_saving == pytest.approx(0.3 * 1000 * 27 / 12)


def test_green_book_discounting_constant_and_schedule():
    assert model.discount_factors(3, [(1, 0.035)]).tolist() == pytest.approx(
        [1, 1 / 1.035, 1 / 1.035 ** 2])
    assert model.discount_factors(4, [(1, 0.035), (3, 0.03)]).tolist() == pytest.approx(
        [1, 1 / 1.035, 1 / (1.035 * 1.03), 1 / (1.035 * 1.03 ** 2)])


def test_npv_first_year_undiscounted():
    r = model.run(assumptions.load(NATIONAL))
    assert r.by_year[0].discount_factor == 1.0
    expected = sum(y.net / 1.035 ** (y.year - 1) for y in r.by_year)
    assert r.totals.npv == pytest.approx(expected)
    assert "Excel" in r.discount_convention


def test_totals_reconcile_with_years_and_conditions():
    r = model.run(assumptions.load("example-area"))
    t = r.totals
    assert sum(y.cost for y in r.by_year) == pytest.approx(t.cost)
    assert sum(y.gross_savings for y in r.by_year) == pytest.approx(
        t.gross_savings_within_horizon)
    assert sum(c.cost for c in r.by_condition) == pytest.approx(t.cost)
    assert sum(c.gross_savings_within_horizon for c in r.by_condition) == pytest.approx(
        t.gross_savings_within_horizon)
    assert sum(c.gross_savings_lifetime for c in r.by_condition) == pytest.approx(
        t.gross_savings_lifetime)
    assert r.by_year[-1].cumulative_net == pytest.approx(t.net_within_horizon)
    assert sum(y.discounted_net for y in r.by_year) == pytest.approx(t.npv)
    assert r.cumulative_savings[-1] == pytest.approx(t.gross_savings_within_horizon)
    assert r.cumulative_cost[-1] == pytest.approx(t.cost)
