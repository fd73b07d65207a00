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
    assert copd["source"].startswith("NHS England (2017), IAPT-LTC FAQ, Table 1: Hillingdon COPD")
    assert rows["conditions.mus.savings_split.emergency_admissions"]["unit"] == "fraction"
