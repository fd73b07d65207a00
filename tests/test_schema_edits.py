"""Small schema additions a newcomer expects: shares with sources, financial price years."""

from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import extending, load_problems
from modeller import model
from modeller.cli import cli
from modeller.inputs import loader as assumptions
from modeller.outputs import text as render
from modeller.outputs.reports.bundle import assumption_rows
from modeller.outputs.reports.formatting import price_year


def test_savings_split_share_carries_its_source(tmp_path):
    path = extending(tmp_path, "example-area", """
        conditions:
          mus:
            savings_split:
              emergency_admissions: {value: 0.52, source: "LSE 2011, pp33-35"}
              ae_attendances: 0.22
              primary_care_consultations: 0.16
              outpatient_attendances: 0.05
              prescribing: 0.05
        """)
    loaded = assumptions.load(path)
    rows = {r["field"]: r for r in assumption_rows(loaded)}
    share = rows["conditions.mus.savings_split.emergency_admissions"]
    assert (share["value"], share["source"]) == ("0.52", "LSE 2011, pp33-35")
    plain = model.run(assumptions.load("example-area")).to_dict()["by_budget_holder"]
    assert model.run(loaded).to_dict()["by_budget_holder"] == plain


def test_savings_split_share_is_still_a_fraction(tmp_path):
    path = extending(tmp_path, "example-area", """
        conditions:
          mus:
            savings_split: {emergency_admissions: {value: 52, source: x}}
        """)
    assert any("savings_split.emergency_admissions" in p for p in load_problems(path))


def test_financial_price_year_is_kept_and_shown(tmp_path):
    path = extending(tmp_path, "national-faq-2017", "price_year: 2010/11\n")
    d = model.run(assumptions.load(path)).to_dict()
    assert d["price_year"] == "2010/11"
    assert "price year 2010/11;" in render.table(d)
    assert price_year(d["price_year"]) == "2010/11 prices"
    out = CliRunner().invoke(cli, ["run", str(path), "--format", "json"])
    assert json.loads(out.stdout)["price_year"] == "2010/11"


def test_bad_price_years_are_explained(tmp_path):
    for written, expected in [("2010/12", "write '2010/11'"),
                              ("1994-1998", "prices are in one year"),
                              ("55.5", "a financial year such as 2010/11"),
                              ("'2017'", None)]:
        path = extending(tmp_path, "national-faq-2017", f"price_year: {written}\n")
        if expected is None:
            assert assumptions.load(path).spec.price_year == 2017
            continue
        problems = load_problems(path)
        assert len(problems) == 1 and "set.yaml:4: price_year:" in problems[0]
        assert expected in problems[0]
