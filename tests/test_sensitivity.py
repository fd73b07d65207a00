"""One-way sensitivity and exact thresholds, checked against hand-worked cases and
against the full pipeline (a modified set validated and run from scratch)."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from modeller.inputs import loader as assumptions
from modeller import model
from modeller.analyses import sensitivity
from modeller.cli import cli
from modeller.analyses.parameters import base_from, evaluate
from modeller.inputs.schema import AssumptionSet

# A one-year service small enough to work by hand: one person enters in each month,
# everyone completes and recovers, each saves GBP 1 a month (12 a year) from the month
# after entry, costs GBP 2 each, no discounting.
TINY = """\
schema_version: 1
name: tiny
currency: GBP
price_year: null
horizon_years: 1
discount_rate: 0.0
activity: {entering_treatment: 12, treatment_months: 0}
outcomes: {completion_rate: 1.0, recovery_rate: 1.0}
benefit_duration: {months: 26.5}
conditions:
  only: {label: Only, share: 1.0, annual_saving: {value: 12, range: [6, 24]}}
costs: {per_person_entering: 2}
"""


@pytest.fixture(scope="module")
def faq():
    return assumptions.load("national-faq-2017")


@pytest.fixture(scope="module")
def area():
    return assumptions.load("example-area")


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    return assumptions.load(path)


def test_faq_lifetime_thresholds_by_hand(faq):
    t = sensitivity.thresholds(faq)
    # 0.6 * r * 1000 * 26.5 / 12 = 650 (issue 4's hand-worked case)
    assert t["recovery_rate"]["lifetime"] == pytest.approx(650 * 12 / (0.6 * 1000 * 26.5),
                                                           rel=1e-12)
    assert t["recovery_rate"]["lifetime"] == pytest.approx(0.490566, abs=1e-6)
    # 0.3 * 1000 * k * 26.5 / 12 = 650; 0.3 * 1000 * B / 12 = 650; cost = 662.50
    assert t["annual_saving"]["lifetime"] == pytest.approx(650 * 12 / (300 * 26.5),
                                                           rel=1e-12)
    assert t["benefit_months"]["lifetime"] == pytest.approx(26.0, rel=1e-12)
    assert t["cost_per_person_entering"]["lifetime"] == pytest.approx(662.5, rel=1e-12)
    assert list(t) == ["recovery_rate", "annual_saving", "benefit_months",
                       "cost_per_person_entering", "counterfactual_recovery_rate"]
    # Counterfactual: 1000 * (0.3 - c) * 26.5 / 12 = 650 -> c = 0.3 - 650 * 12 / 26500;
    # discounted, the NPVs are below zero even with no counterfactual.
    assert t["counterfactual_recovery_rate"]["lifetime"] == pytest.approx(
        0.3 - 650 * 12 / 26_500, rel=1e-12)
    assert t["counterfactual_recovery_rate"]["npv_lifetime"] is None


def test_tiny_thresholds_by_hand(tiny):
    t = sensitivity.thresholds(tiny)
    # Within the year the person entering in month m saves min(B, 12 - m) months:
    # S(B) = sum_{j=0..11} min(B, j); S(2) = 21, S(3) = 30, so S(B) = 24 (the cost)
    # at B = 2 + 3/9.
    assert t["benefit_months"]["within_horizon"] == pytest.approx(2 + 1 / 3, rel=1e-12)
    # Lifetime: 12 people * B months * GBP 1 = 24  ->  B = 2.
    assert t["benefit_months"]["lifetime"] == pytest.approx(2.0, rel=1e-12)
    # Recovery: within the year 66 r = 24; lifetime 12 * 26.5 r = 24.
    assert t["recovery_rate"]["within_horizon"] == pytest.approx(24 / 66, rel=1e-12)
    assert t["recovery_rate"]["lifetime"] == pytest.approx(24 / 318, rel=1e-12)
    # Cost per person: 66 / 12 within the year; 12 * 26.5 / 12 over the lifetime.
    assert t["cost_per_person_entering"]["within_horizon"] == pytest.approx(5.5)
    assert t["cost_per_person_entering"]["lifetime"] == pytest.approx(26.5)
    assert t["annual_saving"]["within_horizon"] == pytest.approx(24 / 66)
    # Undiscounted, the lifetime NPV is the lifetime net: the same thresholds.
    for key, pair in t.items():
        if pair["lifetime"] is not None:
            assert pair["npv_lifetime"] == pytest.approx(pair["lifetime"], rel=1e-9), key
    # Counterfactual c: lifetime 12 * 26.5 * (1 - c) = 24 -> c = 1 - 24 / 318.
    assert t["counterfactual_recovery_rate"]["lifetime"] == pytest.approx(1 - 24 / 318)


def _run_modified(loaded, edit):
    """NPV and lifetime net of the set with ``edit(resolved)`` applied, through the
    whole pipeline (schema validation, inputs_from, compute, results_from)."""
    data = copy.deepcopy(loaded.spec.model_dump(exclude_none=True))
    data["price_year"] = loaded.spec.price_year
    edit(data)
    spec = AssumptionSet.model_validate(data)
    x, ids, labels = model.inputs_from(spec)
    totals = model.results_from(model.compute(x), x, ids, labels)["totals"]
    return (totals.npv, totals.net_lifetime, totals.pv_cost, totals.cost_lifetime,
            totals.npv_lifetime, totals.pv_cost_lifetime)


def _set_value(data, path, value):
    *parents, last = path
    for key in parents:
        data = data[key]
    data[last] = {"value": value}


def _editor(key, value):
    def edit(data):
        if key == "recovery_rate":
            _set_value(data, ("outcomes", "recovery_rate"), value)
            for cond in data["conditions"].values():
                cond.pop("recovery_rate", None)
        elif key == "annual_saving":
            for cond in data["conditions"].values():
                cond["annual_saving"]["value"] *= value
        elif key == "benefit_months":
            data["benefit_duration"]["months"] = {"value": value}
        elif key == "counterfactual_recovery_rate":
            _set_value(data, ("outcomes", "counterfactual_recovery_rate"), value)
            for cond in data["conditions"].values():
                cond.pop("counterfactual_recovery_rate", None)
        else:
            _set_value(data, ("costs", "per_person_entering"), value)
    return edit


PRICED = """\
schema_version: 1
extends: {base}
name: priced
activity: {{entering_treatment: [500, 700, 900, 900], treatment_months: 3}}
horizon_years: 4
outcomes: {{counterfactual_recovery_rate: 0.05}}
conditions:
  all_ltc_mus: null
  a: {{label: A, share: 0.6, annual_saving: 900, recovery_rate: 0.55}}
  b: {{label: B, share: 0.4, annual_saving: 1500}}
costs:
  per_person_entering: 600
  per_completer: 40
  booster: {{share_of_recovered: 0.3, cost_per_person: 150, months_after_entry: 14}}
  fixed: [{{label: Set-up, amount: 80000, year: 1}}]
"""


@pytest.mark.parametrize("which", ["faq", "area", "priced"])
def test_npv_is_zero_at_every_threshold(which, faq, area, tmp_path):
    if which == "priced":
        path = tmp_path / "priced.yaml"
        path.write_text(PRICED.format(base=assumptions.load("national-faq-2017").file))
        loaded = assumptions.load(path)
    else:
        loaded = {"faq": faq, "area": area}[which]
    t = sensitivity.thresholds(loaded)
    found = 0
    for key, pair in t.items():
        for measure, value in pair.items():
            if value is None:
                continue
            found += 1
            npv, net_lifetime, pv_cost, cost_lifetime, npv_life, pv_cost_life = \
                _run_modified(loaded, _editor(key, value))
            if measure == "within_horizon":
                assert abs(npv) <= 1e-6 * pv_cost, (key, value, npv)
            elif measure == "npv_lifetime":
                assert abs(npv_life) <= 1e-6 * pv_cost_life, (key, value, npv_life)
            else:
                assert abs(net_lifetime) <= 1e-6 * cost_lifetime, (key, value)
    assert found >= 6


def test_null_when_nothing_in_range_breaks_even(area):
    t = sensitivity.thresholds(area)
    # Example area: even savings that never stop cannot repay five years of costs
    # within the horizon (the FAQ's savings profile), so no duration breaks even.
    assert t["benefit_months"]["within_horizon"] is None
    base = base_from(area)
    months = 1200.0

    def long(fields, idx):
        fields["benefit_months"][:] = months
    assert evaluate(base, {}, 1, transform=long)["npv"][0] < 0


def test_tornado_ranges_and_default(faq):
    result = sensitivity.analyse(faq)
    rows = {r["parameter"]: r for r in result["tornado"]}
    # declared ranges are used...
    assert (rows["outcomes.recovery_rate"]["low"],
            rows["outcomes.recovery_rate"]["high"]) == (0.43, 0.6)
    assert rows["conditions.all_ltc_mus.annual_saving"]["basis"] == "range"
    # ... else -/+20%
    b = rows["benefit_duration.months"]
    assert (b["low"], b["high"]) == (pytest.approx(21.2), pytest.approx(31.8))
    assert b["basis"] == "default ±20%"
    swings = [r["swing"] for r in result["tornado"]]
    assert swings == sorted(swings, reverse=True)
    # shares are not moved alone, and say so
    assert any(r["parameter"] == "conditions.all_ltc_mus.share"
               for r in result["not_varied"])
    for row in result["tornado"]:
        assert {"parameter", "low", "high", "npv_low", "npv_high"} <= set(row)


def test_tornado_values_by_hand(faq):
    rows = {r["parameter"]: r for r in sensitivity.one_way(faq)["tornado"]}
    # NPV is linear in the saving: NPV(s) = NPV(1000) + (s - 1000) * dNPV/ds, and the
    # savings part at 1000 is PV savings.
    base = model.run(faq).totals
    per_pound = base.pv_gross_savings / 1000.0
    row = rows["conditions.all_ltc_mus.annual_saving"]
    assert row["npv_low"] == pytest.approx(base.npv - 700 * per_pound, rel=1e-12)
    assert row["npv_high"] == pytest.approx(base.npv + 1600 * per_pound, rel=1e-12)
    # Cost per person: NPV falls by 34 * PV(people entering) at GBP 684.
    people_pv = sum(600 * (1 / 1.035) ** t for t in range(5))
    row = rows["costs.per_person_entering"]
    assert row["npv_low"] == pytest.approx(base.npv, rel=1e-12)
    assert row["npv_high"] == pytest.approx(base.npv - 34 * people_pv, rel=1e-12)
    # Rates are clipped to [0, 1]: a 0.9 rate moved +20% stops at 1.
    assert sensitivity.low_high(base_from(faq).params["outcomes.recovery_rate"],
                                0.2)[2] == "range"


def test_clipping_and_param_selection(tmp_path):
    path = tmp_path / "high.yaml"
    path.write_text(TINY.replace("completion_rate: 1.0", "completion_rate: 0.9"))
    result = sensitivity.analyse(assumptions.load(path),
                                 params=["outcomes.completion_rate"])
    (row,) = result["tornado"]
    assert (row["low"], row["high"]) == (pytest.approx(0.72), 1.0)
    with pytest.raises(sensitivity.UnknownParameter):
        sensitivity.analyse(assumptions.load(path), params=["outcomes.nope"])


def test_cli_sensitivity_json_contract(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    result = CliRunner().invoke(cli, ["sensitivity", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["thresholds"]) == {"recovery_rate", "annual_saving",
                                       "benefit_months", "cost_per_person_entering",
                                       "counterfactual_recovery_rate"}
    for pair in data["thresholds"].values():
        assert set(pair) == {"within_horizon", "npv_lifetime", "lifetime"}
    assert data["tornado"][0]["parameter"] == "conditions.only.annual_saving"
    table = CliRunner().invoke(cli, ["sensitivity", str(path)])
    assert table.exit_code == 0 and "-/+20%" in table.stdout
    bad = CliRunner().invoke(cli, ["sensitivity", str(path), "--param", "nope"])
    assert bad.exit_code == 2 and "unknown parameter" in bad.output

