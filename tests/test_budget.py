"""Who pays and who saves: rows per budget holder reconcile with the totals."""

from __future__ import annotations

import pytest

from conftest import extending, load_problems
from modeller.inputs import loader as assumptions
from modeller import model
def test_budget_holders_reconcile_with_totals():
    r = model.run(assumptions.load("example-area"))
    rows = r.by_budget_holder
    assert sum(b.cost for b in rows) == pytest.approx(r.totals.cost)
    assert sum(b.gross_savings_within_horizon for b in rows) == pytest.approx(
        r.totals.gross_savings_within_horizon)
    assert sum(b.gross_savings_lifetime for b in rows) == pytest.approx(
        r.totals.gross_savings_lifetime)
    for t in range(r.horizon_years):
        assert sum(b.by_year[t].cost for b in rows) == pytest.approx(r.by_year[t].cost)
        assert sum(b.by_year[t].gross_savings for b in rows) == pytest.approx(
            r.by_year[t].gross_savings)


def test_cost_lines_and_budget_holders_carry_the_optimism_bias_uplift(tmp_path):
    """Fixed costs are uplifted in the totals, so in the cost lines and budget rows."""
    path = extending(tmp_path, "example-area", """
        optimism_bias: {cost_uplift: 0.25, source: "test"}
        costs:
          fixed:
            - {label: Set-up, amount: 40000, year: 1}
            - {label: Training, amount: 10000, year: 2, budget_holder: acute}
        """)
    r = model.run(assumptions.load(path))
    assert sum(total for _, total in r.cost_lines) == pytest.approx(r.totals.cost)
    assert sum(b.cost for b in r.by_budget_holder) == pytest.approx(r.totals.cost)
    acute = next(b for b in r.by_budget_holder if b.id == "acute")
    assert acute.by_year[1].cost == pytest.approx(12_500)


def test_mus_split_from_the_seeds():
    """MUS savings: admissions 52%, A&E 22%, primary care 16%, outpatients 5%,
    prescribing 5% (001_310680aaedf11e68.txt:2760-2783)."""
    r = model.run(assumptions.load("example-area"))
    mus = next(c for c in r.by_condition if c.id == "mus")
    cats = {c.id: c for c in r.by_care_category}
    assert cats["emergency_admissions"].gross_savings_within_horizon == pytest.approx(
        0.52 * mus.gross_savings_within_horizon)
    holders = {b.id: b for b in r.by_budget_holder}
    assert holders["acute"].gross_savings_within_horizon == pytest.approx(
        (0.52 + 0.22 + 0.05) * mus.gross_savings_within_horizon)
    assert holders["mh_programme"].cost == pytest.approx(r.totals.cost)
    assert holders["_not_split"].gross_savings_within_horizon == pytest.approx(
        sum(c.gross_savings_within_horizon for c in r.by_condition if c.id != "mus"))


def test_no_budget_holders_no_rows():
    r = model.run(assumptions.load("national-faq-2017"))
    assert r.by_budget_holder == () and r.to_dict()["by_budget_holder"] == []


def _problems(tmp_path, text):
    return load_problems(extending(tmp_path, "example-area", text))


def test_split_must_sum_to_one(tmp_path):
    found = _problems(tmp_path, """\
        conditions:
          mus:
            savings_split: {emergency_admissions: 0.5, ae_attendances: 0.2}
        """)
    assert any("set.yaml:6:" in p and "conditions.mus.savings_split" in p
               and "must sum to 1" in p for p in found), found


def test_unknown_budget_holder_and_category(tmp_path):
    found = _problems(tmp_path, """\
        care_categories:
          prescribing: {label: Prescribing, budget_holder: pharmacy}
        conditions:
          diabetes:
            savings_split: {foot_clinic: 1.0}
        """)
    assert any("care_categories.prescribing.budget_holder" in p and "'pharmacy'" in p
               and "declared: mh_programme" in p for p in found), found
    assert any("set.yaml:8:" in p and "savings_split.foot_clinic" in p
               and "unknown care category" in p for p in found), found


def test_cost_payer_required_once_holders_declared(tmp_path):
    found = _problems(tmp_path, "costs:\n  budget_holder: null\n")
    assert any("costs.budget_holder is required" in p for p in found), found


def test_business_case_shows_each_holder_by_year():
    from modeller.outputs.reports import render_html
    from modeller.outputs.reports.bundle import make_bundle
    from modeller.outputs.reports.formatting import money

    loaded = assumptions.load("example-area")
    d = model.run(loaded).to_dict()
    html = render_html("business-case", make_bundle(loaded, d))
    section = html.split("Net by budget holder and year", 1)[1].split("</table>", 1)[0]
    for holder in d["by_budget_holder"]:
        assert holder["label"] in section
        for year in holder["by_year"]:
            assert money(year["net"]) in section
