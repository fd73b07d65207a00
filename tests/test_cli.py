"""The ``modeller`` command as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner

from modeller.cli import cli

CONTRACT = {
    "per_person_entering": {"probability_recovered", "gross_saving", "cost", "net",
                            "payback_months"},
    "totals": {"entering", "completed", "recovered", "cost",
               "gross_savings_within_horizon", "gross_savings_lifetime",
               "net_within_horizon", "npv", "benefit_cost_ratio", "roi",
               "cost_per_recovery", "break_even_month"},
    "by_year": {"year", "entering", "completed", "recovered", "cost", "gross_savings",
                "net", "cumulative_net", "discount_factor", "discounted_net"},
    "by_condition": {"id", "label", "entering", "completed", "recovered", "cost",
                     "gross_savings_within_horizon", "gross_savings_lifetime"},
}


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_run_json_contract():
    result = invoke("run", "national-faq-2017", "--format", "json")
    assert result.exit_code == 0
    d = json.loads(result.stdout)  # warnings went to stderr: stdout is pure JSON
    for key in ("name", "hash", "currency", "price_year"):
        assert key in d
    assert len(d["hash"]) == 64
    for section, keys in CONTRACT.items():
        rows = d[section] if isinstance(d[section], list) else [d[section]]
        for row in rows:
            assert keys <= set(row), (section, keys - set(row))
    assert d["per_person_entering"]["gross_saving"] == 662.5  # unrounded money
    assert "26.5" in result.stderr and "27" in result.stderr


def test_run_is_deterministic():
    a = invoke("run", "example-area", "--format", "json").stdout
    b = invoke("run", "example-area", "--format", "json").stdout
    assert a == b


def test_run_table_shows_which_population_and_convention():
    out = invoke("run", "national-faq-2017").stdout
    assert "savings apply to people who are recovered" in out
    assert "GBP 662.50" in out
    assert "Excel" in out


def test_run_csv_prints_one_table_chosen_with_table():
    def table(name=None):
        args = ["run", "example-area", "--format", "csv"] + (["--table", name] if name else [])
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        assert "\n\n" not in result.stdout  # one table per stream
        return list(csv.DictReader(io.StringIO(result.stdout)))

    years = table()
    assert years == table("by_year")
    assert [r["year"] for r in years] == ["1", "2", "3", "4", "5"]
    conditions = table("by_condition")
    assert {r["id"] for r in conditions} == {"diabetes", "copd", "cardiovascular", "msk",
                                             "mus"}
    d = json.loads(invoke("run", "example-area", "--format", "json").stdout)
    assert sum(float(r["cost"]) for r in years) == pytest.approx(d["totals"]["cost"])
    holders = table("by_budget_holder")
    assert sum(float(r["net_within_horizon"]) for r in holders) == pytest.approx(
        d["totals"]["net_within_horizon"])
    holder_years = table("by_budget_holder_year")
    assert len(holder_years) == len(holders) * 5
    assert sum(float(r["cost"]) for r in holder_years) == pytest.approx(d["totals"]["cost"])
    categories = table("by_care_category")
    assert {r["id"] for r in categories} >= {"emergency_admissions", "prescribing"}
    months = table("by_month")
    assert len(months) == 60
    assert float(months[-1]["cumulative_cost"]) == pytest.approx(d["totals"]["cost"])
    lines = table("cost_lines")
    assert sum(float(r["total"]) for r in lines) == pytest.approx(d["totals"]["cost"])


def test_run_table_option_needs_csv():
    result = CliRunner().invoke(cli, ["run", "example-area", "--table", "by_month"])
    assert result.exit_code == 2 and "--format csv" in result.output


def test_every_csv_table_is_documented():
    from pathlib import Path

    from modeller.outputs.text import CSV_TABLES

    docs = (Path(__file__).resolve().parent.parent / "docs" / "commands.md").read_text()
    for name in CSV_TABLES:
        assert f"`{name}`" in docs, name


def test_out_writes_file_atomically(tmp_path):
    target = tmp_path / "new" / "r.json"
    result = invoke("run", "national-faq-2017", "--format", "json", "--out", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text())["name"] == "national-faq-2017"
    assert [p.name for p in target.parent.iterdir()] == ["r.json"]


def test_bad_file_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nname: x\nhorizon: 5\n")
    result = invoke("run", str(bad))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "bad.yaml:3: horizon: unknown key" in result.stderr


@pytest.mark.parametrize("command", [["build", "--out-dir"],
                                     ["report", "business-case", "-o"],
                                     ["workbook", "-o"]])
def test_a_bad_set_and_a_bad_scenario_are_reported_together(tmp_path, command):
    """`build`, `report` and `workbook` list the set's problems and every scenario's at
    once (api.build_plan), the set's first, and write nothing."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nname: x\nhorizon: 5\n")
    other = tmp_path / "other.yaml"
    other.write_text("schema_version: 1\nname: y\nbogus: 1\n")
    result = invoke(*command, str(tmp_path / "out"), str(bad), "--scenario", str(other))
    assert result.exit_code == 2 and "Traceback" not in result.output
    first = result.stderr.index("bad.yaml:3: horizon: unknown key")
    assert result.stderr.index("other.yaml:3: bogus: unknown key") > first
    assert sorted(tmp_path.iterdir()) == [bad, other]


def test_validate_reports_every_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\n")
    result = invoke("validate", "national-faq-2017", str(bad))
    assert result.exit_code == 2
    assert "bad.yaml" in result.stderr


def test_validate_ok():
    result = invoke("validate", "national-faq-2017", "example-area")
    assert result.exit_code == 0
    assert result.stdout.count("ok:") == 2


def test_resolve_round_trips_to_same_hash(tmp_path):
    out = invoke("resolve", "example-area").stdout
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(out)
    assert "extends" not in yaml.safe_load(out)
    original = json.loads(invoke("run", "example-area", "--format", "json").stdout)
    again = json.loads(invoke("run", str(resolved), "--format", "json").stdout)
    assert f"# sha256: {original['hash']}" in out
    assert again == original


def test_compare_differences_from_first(tmp_path):
    higher = tmp_path / "higher.yaml"
    from modeller.inputs.bundled import bundled_dir
    base = bundled_dir("assumptions") / "national-faq-2017.yaml"
    higher.write_text(f"schema_version: 1\nextends: {base}\nname: higher\n"
                      "outcomes:\n  recovery_rate: 0.6\n")
    d = json.loads(invoke("compare", "national-faq-2017", str(higher),
                          "--format", "json").stdout)
    rows = {r["figure"]: r for r in d["headlines"]}
    base_v, high_v = rows["totals.recovered"]["values"]
    assert rows["totals.recovered"]["difference_from_first"] == [0, high_v - base_v]
    assert high_v == pytest.approx(base_v * 0.6 / 0.5)
    table = invoke("compare", "national-faq-2017", str(higher)).stdout
    assert "higher - national-faq-2017" in table


def test_schema_is_json_schema():
    d = json.loads(invoke("schema").stdout)
    assert d["additionalProperties"] is False
    assert "conditions" in d["properties"]


def test_build_writes_outputs(tmp_path):
    result = invoke("build", "national-faq-2017", "--out-dir", str(tmp_path))
    assert result.exit_code == 0
    folder = tmp_path / "national-faq-2017"
    d = json.loads((folder / "results.json").read_text())
    assert d["totals"]["cost"] == pytest.approx(1_950_000)
    assert (folder / "by_year.csv").exists() and (folder / "by_condition.csv").exists()
    for name in ("logic-model.pdf", "business-case.pdf", "board-summary.pdf"):
        assert (folder / name).read_bytes().startswith(b"%PDF"), name
        assert str(folder / name) in result.stdout
    workbook = folder / "national-faq-2017.xlsx"
    assert workbook.read_bytes().startswith(b"PK") and str(workbook) in result.stdout


def test_report_writes_one_pdf_into_a_new_folder(tmp_path):
    target = tmp_path / "new" / "summary.pdf"
    result = invoke("report", "board-summary", "example-area", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")
    assert result.stdout.strip() == str(target)


def test_help_imports_no_heavy_libraries():
    code = ("import sys; from modeller.cli import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('numpy', 'pandas', 'jinja2', 'weasyprint')"
            " if m in sys.modules]\nprint('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "HEAVY []" in out


def test_the_report_kinds_are_one_list():
    """The CLI names the report kinds without importing the reports (``--help`` stays
    light); its list, the API's and the reports' own are the same."""
    from modeller import api
    from modeller.cli import commands
    from modeller.outputs.reports import KINDS

    assert commands.REPORT_KINDS == api.REPORT_KINDS == KINDS
