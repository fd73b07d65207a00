"""The Python API as users call it: a notebook-style session, the doctests of
docs/python.md, and the CLI as a thin layer over the same functions."""

from __future__ import annotations

import doctest
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import modeller
from modeller.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def test_docs_python_md_examples_run():
    result = doctest.testfile(str(ROOT / "docs" / "python.md"), module_relative=False,
                              optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10
    assert result.failed == 0


def test_notebook_session_load_edit_run_compare_build(tmp_path):
    s = modeller.load("example-area")
    keys = {i.key: i for i in s.inputs()}
    assert keys["conditions.copd.annual_saving"].unit == "GBP/year"
    assert keys["outcomes.recovery_rate"].maximum == 1.0
    edited = s.with_values({"outcomes.recovery_rate": 0.45,
                            "costs.per_person_entering": 700})
    r0, r1 = modeller.run(s), modeller.run(edited)
    assert r1.totals.cost > r0.totals.cost
    frames = r1.frames()
    assert set(frames) >= {"by_year", "by_month", "by_condition", "by_budget_holder",
                           "by_care_category", "totals"}
    assert frames["by_condition"]["gross_savings_within_horizon"].sum() == \
        pytest.approx(r1.totals.gross_savings_within_horizon)
    table = modeller.compare([s, edited])
    assert table.loc["totals.cost"].iloc[2] == pytest.approx(r0.totals.cost)
    assert table.loc["totals.cost"].iloc[3] == pytest.approx(r1.totals.cost)
    written = modeller.build(edited, tmp_path)
    names = {p.name for p in written}
    assert {"results.json", "business-case.pdf", "board-summary.pdf",
            "logic-model.pdf"} <= names
    d = json.loads((tmp_path / "example-area" / "results.json").read_text())
    assert d == json.loads(json.dumps(r1.to_dict()))


def test_results_are_frozen_and_edits_do_not_touch_the_original():
    s = modeller.load("national-faq-2017")
    before = s.resolved
    s.with_values({"activity.entering_treatment": 800})
    assert s.resolved == before
    with pytest.raises(Exception):
        modeller.run(s).totals.npv = 0  # type: ignore[misc]


def test_with_values_reports_every_bad_key_at_once():
    s = modeller.load("national-faq-2017")
    with pytest.raises(modeller.InputError) as err:
        s.with_values({"outcomes.recovery_rat": 0.4, "costs.per_person_entering": "x",
                       "discount_rate": float("nan")})
    fields = sorted(p.field for p in err.value.problems)
    assert fields == ["costs.per_person_entering", "discount_rate", "outcomes.recovery_rat"]
    assert "did you mean 'outcomes.recovery_rate'" in str(err.value)


def test_with_values_on_cited_evidence_and_per_year_volumes():
    s = modeller.load("example-area")
    edited = s.with_values({"conditions.copd.annual_saving": 1000})
    saving = edited.resolved["conditions"]["copd"]["annual_saving"]
    assert saving["value"] == 1000 and "evidence" not in saving
    assert "hillingdon-copd-secondary" in saving["source"]
    years = s.with_values({"activity.entering_treatment": 500})
    assert modeller.run(years).totals.entering == pytest.approx(500 * 5)


def test_an_edited_figure_no_longer_cites_its_old_source_as_its_own():
    s = modeller.load("national-faq-2017")
    before = s.resolved["outcomes"]["counterfactual_recovery_rate"]
    edited = s.with_values({"outcomes.counterfactual_recovery_rate": 0.1})
    after = edited.resolved["outcomes"]["counterfactual_recovery_rate"]
    assert after["value"] == 0.1 and "seed" not in after
    assert after["source"] == f"changed by the user: was 0, from {before['source']}"
    same = s.with_values({"outcomes.recovery_rate": 0.5})  # the value it already had
    assert same.resolved == s.resolved and same.hash == s.hash


def test_loads_allows_bundled_names_only():
    text = "schema_version: 1\nname: up\nextends: national-faq-2017\n"
    assert modeller.loads(text).name == "up"
    with pytest.raises(modeller.InputError) as err:
        modeller.loads("schema_version: 1\nname: up\nextends: ../secret.yaml\n")
    assert "bundled set by name only" in str(err.value)
    with pytest.raises(modeller.InputError):
        modeller.load("/etc/hostname", bundled_only=True)


def test_extends_by_name_works_from_anywhere(tmp_path):
    copy = tmp_path / "mine.yaml"
    copy.write_text((ROOT / "assumptions" / "example-area.yaml").read_text())
    assert modeller.load(copy).hash == modeller.load("example-area").hash


def test_cli_run_json_equals_api_run():
    out = CliRunner().invoke(cli, ["run", "national-faq-2017", "--format", "json"])
    assert out.exit_code == 0, out.output
    cli_json = json.loads(out.stdout)
    assert cli_json == json.loads(json.dumps(modeller.run("national-faq-2017").to_dict()))


def test_importing_modeller_stays_light():
    code = ("import sys, modeller, modeller.cli\n"
            "heavy = [m for m in ('numpy', 'pandas', 'jinja2', 'weasyprint', 'pydantic')"
            " if m in sys.modules]\nprint(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_every_finance_input_is_a_key_with_a_label(tmp_path):
    """Counterfactual, optimism bias, cash-releasing shares and inflation are numbers a
    person may change like any other (issue 10's inputs, issue 13/14's front ends)."""
    path = tmp_path / "fin.yaml"
    path.write_text(
        "schema_version: 1\nname: fin\nextends: example-area\n"
        "optimism_bias: {cost_uplift: {value: 0.1, source: local}, "
        "savings_reduction: {value: 0.2, source: local}, source: local}\n"
        "care_categories:\n  emergency_admissions:\n"
        "    cash_releasing: {share: 0.5, mechanism: tariff, source: local}\n")
    s = modeller.load(path)
    keys = {i.key: i for i in s.inputs()}
    share = keys["care_categories.emergency_admissions.cash_releasing.share"]
    assert share.label.endswith("share of savings that is cash-releasing")
    assert (share.minimum, share.maximum) == (0.0, 1.0)
    assert keys["optimism_bias.cost_uplift"].label == "Optimism bias: cost uplift"
    assert not any(i.label.startswith(i.group + ":") for i in keys.values())
    edited = s.with_values({"optimism_bias.savings_reduction": 0.3,
                            "care_categories.emergency_admissions.cash_releasing.share": 1})
    assert modeller.run(edited).totals.npv < modeller.run(s).totals.npv


def test_with_values_on_a_bare_discount_schedule_and_whole_numbers(tmp_path):
    path = tmp_path / "sched.yaml"
    path.write_text("schema_version: 1\nname: sched\nextends: national-faq-2017\n"
                    "discount_rate:\n  - {from_year: 1, rate: 0.035}\n"
                    "  - {from_year: 4, rate: 0.03}\n")
    s = modeller.load(path)
    edited = s.with_values({"discount_rate.schedule[1].rate": 0.02,
                            "activity.treatment_months": 2.0})
    assert [step.rate for step in edited.spec.discount_rate.schedule] == [0.035, 0.02]
    assert edited.spec.activity.treatment_months.value == 2
    with pytest.raises(modeller.InputError, match="whole number"):
        s.with_values({"activity.treatment_months": 2.5})
