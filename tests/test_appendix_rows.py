"""The assumptions appendix lists every figure with its value and source."""

from modeller.inputs import loader as assumptions
from modeller.outputs.reports.bundle import assumption_rows


def test_every_figure_of_the_national_set_is_listed_with_its_source():
    rows = {r["field"]: r for r in assumption_rows(assumptions.load("national-faq-2017"))}
    for field, value in [("outcomes.recovery_rate", "0.5"), ("outcomes.completion_rate", "0.6"),
                         ("benefit_duration.months", "26.5"),
                         ("conditions.all_ltc_mus.annual_saving", "1000"),
                         ("costs.per_person_entering", "650"), ("horizon_years", "5"),
                         ("discount_rate", "0.035"), ("activity.entering_treatment", "600")]:
        assert rows[field]["value"] == value
        assert rows[field]["source"], field
    assert rows["price_year"]["value"] == "not stated"
    assert rows["benefit_duration.components[0].months"]["value"] == "36"


def test_cited_evidence_appears_converted():
    rows = {r["field"]: r for r in assumption_rows(assumptions.load("example-area"))}
    copd = rows["conditions.copd.annual_saving"]
    assert copd["value"] == "1674"
    assert copd["source"].startswith("NHS England (2017), IAPT-LTC FAQ, Table 1, COPD row: "
                                    "Hillingdon COPD")
    assert rows["conditions.mus.savings_split.emergency_admissions"]["unit"] == "fraction"


def test_finance_fields_are_listed_with_units_and_sources(tmp_path):
    """Issue 10's new fields reach the appendix: the counterfactual with its honest
    source, the price-year acknowledgement, the first financial year, optimism bias."""
    rows = {r["field"]: r for r in assumption_rows(assumptions.load("national-faq-2017"))}
    cf = rows["outcomes.counterfactual_recovery_rate"]
    assert cf["value"] == "0" and cf["unit"] == "fraction"
    assert "credits every recovery" in cf["source"]
    assert rows["financial_case.first_year"]["value"] == "2016/17"
    assert "no price year" in rows["price_years_acknowledged"]["value"]
    from conftest import extending
    path = extending(tmp_path, "national-faq-2017", """\
        optimism_bias:
          cost_uplift: 0.2
          benefit_delay_months: 3
          source: a local review
        """)
    rows = {r["field"]: r for r in assumption_rows(assumptions.load(path))}
    assert rows["optimism_bias.cost_uplift"]["unit"] == "fraction"
    assert rows["optimism_bias.cost_uplift"]["source"] == "a local review"
    assert rows["optimism_bias.benefit_delay_months"]["unit"] == "months"
