"""Scenario grid: every combination, the right figures, clear errors for bad --vary."""

from __future__ import annotations

import copy
import csv
import io

import pytest
from click.testing import CliRunner

from modeller.inputs import loader as assumptions
from modeller.analyses import grid
from modeller import model
from modeller.cli import cli
from modeller.outputs.analysis_text import grid_csv
from modeller.inputs.schema import AssumptionSet


@pytest.fixture(scope="module")
def faq():
    return assumptions.load("national-faq-2017")


def _npv(loaded, edit) -> float:
    data = copy.deepcopy(loaded.spec.model_dump(exclude_none=True))
    data["price_year"] = loaded.spec.price_year
    edit(data)
    x, ids, labels = model.inputs_from(AssumptionSet.model_validate(data))
    return model.results_from(model.compute(x), x, ids, labels)["totals"].npv


def test_grid_csv_shape_and_values(faq):
    result = grid.run_grid(faq, ["outcomes.recovery_rate=0.4:0.6:0.05",
                                 "costs.per_person_entering=600,650,700"])
    rows = list(csv.reader(io.StringIO(grid_csv(result))))
    assert rows[0] == ["outcomes.recovery_rate", "costs.per_person_entering",
                       *grid.COLUMNS]
    assert len(rows) == 1 + 5 * 3
    assert {r[0] for r in rows[1:]} == {"0.4", "0.45", "0.5", "0.55", "0.6"}
    # the base case appears and equals `modeller run`
    base = next(r for r in result["rows"] if r["outcomes.recovery_rate"] == 0.5
                and r["costs.per_person_entering"] == 650)
    assert base["npv"] == pytest.approx(model.run(faq).totals.npv, rel=1e-12)
    # any other cell equals the modified set run from scratch
    cell = next(r for r in result["rows"] if r["outcomes.recovery_rate"] == 0.45
                and r["costs.per_person_entering"] == 700)

    def edit(data):
        data["outcomes"]["recovery_rate"] = {"value": 0.45}
        data["costs"]["per_person_entering"] = {"value": 700.0}
    assert cell["npv"] == pytest.approx(_npv(faq, edit), rel=1e-12)


def test_whole_month_and_condition_parameters():
    area = assumptions.load("example-area")
    result = grid.run_grid(area, ["activity.treatment_months=0,3",
                                  "conditions.copd.annual_saving=1000,2000"])
    assert len(result["rows"]) == 4
    cell = next(r for r in result["rows"] if r["activity.treatment_months"] == 3
                and r["conditions.copd.annual_saving"] == 1000)

    def edit(data):
        data["activity"]["treatment_months"] = 3
        data["conditions"]["copd"]["annual_saving"]["value"] = 1000.0
    assert cell["npv"] == pytest.approx(_npv(area, edit), rel=1e-12)


def test_parse_values():
    assert grid.parse_values("0.4:0.6:0.05", "s") == [0.4, 0.45, 0.5, 0.55, 0.6]
    assert grid.parse_values("1:2:0.3", "s") == [1.0, 1.3, 1.6, 1.9]
    assert grid.parse_values("600, 650,700", "s") == [600.0, 650.0, 700.0]
    assert grid.parse_values("5", "s") == [5.0]


@pytest.mark.parametrize("vary, message", [
    ("outcomes.recovery_rate", "write PATH=VALUES"),
    ("outcomes.recovery_rate=", "no values"),
    ("outcomes.recovery_rate=0.4:0.6", "low:high:step"),
    ("outcomes.recovery_rate=0.4:0.6:0", "step must be above 0"),
    ("outcomes.recovery_rate=0.6:0.4:0.1", "is below low"),
    ("outcomes.recovery_rate=0.4,abc", "'abc' is not a number"),
    ("outcomes.recovery_rate=0.4,1.5", "1.5 is outside the allowed values"),
    ("costs.per_person_entering=-5", "outside the allowed values"),
    ("outcomes.recovery=0.5", "unknown parameter 'outcomes.recovery'"),
    ("conditions.all_ltc_mus.share=0.5", "must sum to 1"),
    ("activity.treatment_months=1.5", "whole numbers"),
])
def test_bad_vary_is_a_clear_error(faq, vary, message):
    with pytest.raises(grid.VaryError) as err:
        grid.run_grid(faq, [vary])
    assert message in str(err.value)
    result = CliRunner().invoke(cli, ["grid", "national-faq-2017", "--vary", vary])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_duplicate_and_missing_vary(faq):
    with pytest.raises(grid.VaryError, match="more than once"):
        grid.run_grid(faq, ["discount_rate=0.03", "discount_rate=0.035"])
    result = CliRunner().invoke(cli, ["grid", "national-faq-2017"])
    assert result.exit_code == 2


def test_cli_grid_out_file(tmp_path):
    out = tmp_path / "grid.csv"
    result = CliRunner().invoke(cli, ["grid", "national-faq-2017", "--vary",
                                      "benefit_duration.months=12:36:12",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert [float(r["benefit_duration.months"]) for r in rows] == [12, 24, 36]
    npvs = [float(r["npv"]) for r in rows]
    assert npvs == sorted(npvs)


def test_any_number_of_the_set_can_be_varied_and_the_slow_path_equals_the_fast_one():
    """Numbers outside the vectorised parameters (a savings split, a duration term) are
    varied by editing the set and running the model; both paths agree to the penny."""
    import numpy as np

    from modeller.analyses.grid import _slow_rows

    loaded = assumptions.load("example-area")
    fast = grid.run_grid(loaded, ["outcomes.recovery_rate=0.4,0.55",
                                  "costs.per_person_entering=600,700"])
    combos = np.array([[r["outcomes.recovery_rate"], r["costs.per_person_entering"]]
                       for r in fast["rows"]])
    slow = _slow_rows(loaded, ["outcomes.recovery_rate", "costs.per_person_entering"],
                      combos)
    for a, b in zip(fast["rows"], slow):
        for key in grid.COLUMNS:
            if a[key] is None:
                assert b[key] is None
            else:
                assert b[key] == pytest.approx(a[key], rel=1e-9, abs=1e-6)
    split = grid.run_grid(loaded, ["conditions.mus.savings_split.prescribing=0.05"])
    assert split["rows"][0]["npv"] == pytest.approx(model.run(loaded).totals.npv)
    with pytest.raises(grid.VaryError, match="must sum to 1"):
        grid.run_grid(loaded, ["conditions.mus.share=0.3"])
