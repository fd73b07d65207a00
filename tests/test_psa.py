"""Probabilistic sensitivity analysis: draw by draw equal to the reference loop,
reproducible, correctly parametrised, and bad distributions are clear errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

from modeller.inputs import loader as assumptions
from modeller import model
from modeller.analyses import psa
from modeller.inputs.loader import AssumptionsError
from modeller.cli import cli
from modeller.analyses.parameters import HEADLINE_KEYS, base_from, headlines
from reference import params_from_inputs, simulate

# Every kind of distribution, on every kind of parameter, with treatment months,
# a priced booster, a per-completer cost and a fixed cost, so the draws exercise all
# of the model.
UNCERTAIN = """\
schema_version: 1
name: uncertain
currency: GBP
price_year: 2017
horizon_years: 3
discount_rate: 0.035
activity:
  entering_treatment: {value: 400, distribution: {type: gamma, mean: 400, sd: 60}}
  treatment_months: 2
outcomes:
  completion_rate:
    value: 0.6
    distribution: {type: triangular, low: 0.5, mode: 0.6, high: 0.65}
  recovery_rate: {value: 0.5, distribution: {type: beta, mean: 0.5, sd: 0.05}}
benefit_duration:
  months: {value: 26.5, distribution: {type: triangular, low: 12, mode: 26.5, high: 36}}
conditions:
  a:
    label: A
    share: {value: 0.7, distribution: {type: uniform, low: 0.6, high: 0.8}}
    annual_saving: {value: 1000, distribution: {type: lognormal, mean: 1000, sd: 500}}
    recovery_rate: {value: 0.45, distribution: {type: beta, alpha: 45, beta: 55}}
  b:
    label: B
    share: 0.3
    annual_saving: {value: 600, distribution: {type: fixed}}
costs:
  per_person_entering: {value: 650, distribution: {type: uniform, low: 650, high: 684}}
  per_completer: {value: 30, distribution: {type: gamma, mean: 30, sd: 10}}
  booster:
    share_of_recovered: {value: 0.33, distribution: {type: beta, mean: 0.33, sd: 0.08}}
    cost_per_person: {value: 200, distribution: {type: lognormal, mean: 200, sd: 40}}
    months_after_entry: 9
  fixed:
    - label: Set-up
      year: 1
      amount:
        value: 50000
        distribution: {type: triangular, low: 40000, mode: 50000, high: 80000}
"""


@pytest.fixture
def uncertain(tmp_path):
    path = tmp_path / "uncertain.yaml"
    path.write_text(UNCERTAIN)
    return assumptions.load(path)


def test_vectorised_psa_equals_reference_loop_draw_by_draw(uncertain):
    draws, seed = 20, 2017
    run = psa.run_draws(uncertain, draws, seed, chunk=7, workers=2)
    x = psa.sample_inputs(uncertain, draws, seed)
    # the draws really vary, within their bounds, and shares still sum to 1
    assert np.ptp(x.recovery[:, 0]) > 0 and np.ptp(x.benefit_months) > 0
    assert np.allclose(x.share.sum(axis=1), 1.0)
    assert np.all((x.completion >= 0.5) & (x.completion <= 0.65))
    assert np.all(x.annual_saving[:, 1] == 600)
    for d in range(draws):
        ref = simulate(params_from_inputs(x, d))
        v = {k: run.values[k][d] for k in run.values}
        assert v["npv"] == pytest.approx(ref["npv"], rel=1e-9, abs=1e-6)
        assert v["cost"] == pytest.approx(ref["cost_within"], rel=1e-9)
        assert v["gross_savings_within_horizon"] == pytest.approx(ref["savings_within"],
                                                                 rel=1e-9)
        assert v["gross_savings_lifetime"] == pytest.approx(ref["savings_lifetime"],
                                                           rel=1e-9)
        assert v["net_lifetime"] == pytest.approx(
            ref["savings_lifetime"] - ref["cost_within"] - ref["cost_beyond"], rel=1e-9,
            abs=1e-6)
        assert v["recovered"] == pytest.approx(ref["recovered"], rel=1e-9)
        assert (int(v["break_even_month"]) or None) == ref["break_even_month"]


def test_headlines_match_results_from(uncertain):
    x = psa.sample_inputs(uncertain, 5, 3)
    base = base_from(uncertain)
    h = headlines(model.compute(x))
    assert set(h) == set(HEADLINE_KEYS)
    a = model.compute(x)
    for d in range(5):
        parts = model.results_from(a, x, base.ids, base.labels, draw=d)
        t, person = parts["totals"], parts["person"]
        for key in ("npv", "net_within_horizon", "net_lifetime", "cost",
                    "cost_lifetime", "gross_savings_within_horizon",
                    "gross_savings_lifetime", "pv_cost", "pv_gross_savings",
                    "benefit_cost_ratio", "roi", "cost_per_recovery", "entering",
                    "recovered"):
            assert h[key][d] == pytest.approx(getattr(t, key), rel=1e-12), key
        assert (int(h["break_even_month"][d]) or None) == t.break_even_month
        assert h["per_person_net"][d] == pytest.approx(person.net, rel=1e-12)
        assert h["per_person_gross_saving"][d] == pytest.approx(person.gross_saving)


def test_reproducible_and_independent_of_chunks_and_threads(uncertain):
    a = psa.analyse(uncertain, 3000, 11)
    b = psa.analyse(uncertain, 3000, 11, chunk=101, workers=1)
    c = psa.analyse(uncertain, 3000, 11, chunk=1000, workers=3)
    assert json.dumps(a) == json.dumps(b) == json.dumps(c)
    d = psa.analyse(uncertain, 3000, 12)
    assert d["summary"]["npv"] != a["summary"]["npv"]


def test_contract_and_consistency(uncertain):
    r = psa.analyse(uncertain, 4000, 5)
    assert {"draws", "seed", "summary", "probability_net_positive",
            "probability_broken_even_by_year"} <= set(r)
    assert (r["draws"], r["seed"]) == (4000, 5)
    for key, s in r["summary"].items():
        assert set(s) == {"mean", "p5", "p50", "p95"}
        if None not in (s["p5"], s["p50"], s["p95"]):
            assert s["p5"] <= s["p50"] <= s["p95"], key
    assert set(r["probability_net_positive"]) >= {"within_horizon", "lifetime"}
    by_year = r["probability_broken_even_by_year"]
    assert len(by_year) == 3 and by_year == sorted(by_year)
    assert all(0 <= p <= 1 for p in by_year)
    run = psa.run_draws(uncertain, 4000, 5)
    assert r["summary"]["npv"]["mean"] == pytest.approx(run.values["npv"].mean())
    assert r["probability_net_positive"]["within_horizon"] == pytest.approx(
        np.mean(run.values["npv"] > 0))
    # the saving per recovery drives NPV most; fixed b saving is not a driver
    drivers = [d["parameter"] for d in r["drivers"]]
    assert "conditions.b.annual_saving" not in drivers
    assert drivers[0] == "conditions.a.annual_saving"
    assert 0 < r["drivers_r_squared"] <= 1
    json.dumps(r, allow_nan=False)


@pytest.mark.parametrize("yaml_dist, mean, sd", [
    ("{type: beta, mean: 0.3, sd: 0.1}", 0.3, 0.1),
    ("{type: beta, alpha: 2, beta: 6}", 0.25, math.sqrt(2 * 6 / (64 * 9))),
    ("{type: gamma, mean: 900, sd: 300}", 900, 300),
    ("{type: lognormal, mean: 900, sd: 300}", 900, 300),
    ("{type: triangular, low: 100, mode: 400, high: 1000}", 500,
     math.sqrt((100**2 + 400**2 + 1000**2 - 100 * 400 - 100 * 1000 - 400 * 1000) / 18)),
    ("{type: uniform, low: 100, high: 700}", 400, 600 / math.sqrt(12)),
])
def test_distribution_parametrisation(tmp_path, yaml_dist, mean, sd):
    kind = "rate" if "beta" in yaml_dist else "money"
    path = tmp_path / "d.yaml"
    if kind == "rate":
        text = UNCERTAIN.replace("{type: beta, mean: 0.5, sd: 0.05}", yaml_dist)
        param = "outcomes.recovery_rate"
    else:
        text = UNCERTAIN.replace("{type: lognormal, mean: 1000, sd: 500}", yaml_dist)
        param = "conditions.a.annual_saving"
    path.write_text(text)
    p = base_from(assumptions.load(path)).params[param]
    v = psa.draw(p.distribution, psa.stream(1, param), 400_000, p.value)
    assert v.mean() == pytest.approx(mean, rel=0.01)
    assert v.std() == pytest.approx(sd, rel=0.02)


def _line_of(text: str, fragment: str) -> int:
    """1-based line of the first line of ``text`` containing ``fragment``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


BAD = [
    ("recovery_rate: {value: 0.5, distribution: {type: beta, mean: 1.2, sd: 0.05}}",
     "outcomes.recovery_rate.distribution.mean", "strictly between 0 and 1"),
    ("recovery_rate: {value: 0.5, distribution: {type: beta, mean: 0.5, sd: -0.1}}",
     "outcomes.recovery_rate.distribution.sd", "cannot be negative"),
    ("recovery_rate: {value: 0.5, distribution: {type: beta, mean: 0.5, sd: 0.6}}",
     "outcomes.recovery_rate.distribution.sd", "too large for a beta"),
    ("recovery_rate: {value: 0.5, distribution: {type: gamma, mean: 0.5, sd: 0.1}}",
     "outcomes.recovery_rate.distribution", "use beta, triangular or uniform"),
    ("recovery_rate: {value: 0.5, distribution: {type: uniform, low: 0.4, high: 1.2}}",
     "outcomes.recovery_rate.distribution", "outside the allowed values"),
    ("recovery_rate: {value: 0.5, distribution: {type: triangular, low: 0.4, mode: 0.7, "
     "high: 0.6}}", "outcomes.recovery_rate.distribution", "low <= mode <= high"),
    ("recovery_rate: {value: 0.5, distribution: {type: beta, mean: 0.5}}",
     "outcomes.recovery_rate.distribution", "takes mean, sd or alpha, beta"),
    ("recovery_rate: {value: 0.5, distribution: {type: normal, mean: 0.5, sd: 0.1}}",
     "outcomes.recovery_rate.distribution.type", "beta"),
    ("recovery_rate: {value: 0.5, distribution: {type: beta, mean: 0.5, sd: 0.1, "
     "shape: 2}}", "outcomes.recovery_rate.distribution.shape", "unknown key"),
]


@pytest.mark.parametrize("line, field, message", BAD)
def test_bad_distribution_names_field_and_line(tmp_path, line, field, message):
    text = UNCERTAIN.replace(
        "  recovery_rate: {value: 0.5, distribution: {type: beta, mean: 0.5, sd: 0.05}}",
        "  " + line)
    assert text != UNCERTAIN
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(AssumptionsError) as err:
        assumptions.load(path)
    (problem,) = err.value.problems
    assert problem.field == field
    assert message in problem.message
    line_no = _line_of(text, line)                 # the recovery_rate line
    assert problem.line == line_no
    assert f"bad.yaml:{line_no}: {field}:" in str(err.value)


def test_bad_money_distribution(tmp_path):
    text = UNCERTAIN.replace("{type: gamma, mean: 30, sd: 10}",
                             "{type: beta, mean: 0.3, sd: 0.1}")
    text = text.replace("{type: lognormal, mean: 200, sd: 40}",
                        "{type: lognormal, mean: -200, sd: 40}")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(AssumptionsError) as err:
        assumptions.load(path)
    fields = {p.field: p for p in err.value.problems}
    assert "a beta distribution is for rates" in \
        fields["costs.per_completer.distribution"].message
    assert "mean must be above 0" in \
        fields["costs.booster.cost_per_person.distribution.mean"].message
    assert fields["costs.per_completer.distribution"].line == _line_of(
        text, "per_completer: {value: 30")


def test_no_distribution_is_an_error():
    loaded = assumptions.load("national-faq-2017")
    with pytest.raises(psa.NoDistributions):
        psa.run_draws(loaded, 10, 1)
    result = CliRunner().invoke(cli, ["psa", "national-faq-2017", "--draws", "10"])
    assert result.exit_code == 2
    assert "no parameter declares a distribution" in result.output


def test_cli_psa_json_and_table(tmp_path):
    path = tmp_path / "u.yaml"
    path.write_text(UNCERTAIN)
    result = CliRunner().invoke(cli, ["psa", str(path), "--draws", "500", "--seed", "3",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["draws"] == 500 and data["seed"] == 3
    assert data["summary"]["npv"]["p5"] <= data["summary"]["npv"]["p95"]
    table = CliRunner().invoke(cli, ["psa", str(path), "--draws", "500",
                                     "--progress"])
    assert table.exit_code == 0
    assert "P(NPV > 0 within the horizon)" in table.stdout
    assert "500/500 draws" in table.stderr


def test_bundled_psa_set_runs():
    loaded = assumptions.load("national-faq-2017-psa")
    assert model.run(loaded).totals.npv == pytest.approx(
        model.run(assumptions.load("national-faq-2017")).totals.npv)
    r = psa.analyse(loaded, 2000, 1)
    assert len(r["distributions"]) == 5
    assert all(d["source"] for d in r["distributions"])
