"""The business case a finance director signs: Green Book present values, the
counterfactual, optimism bias, cash-releasing savings, affordability by financial year
and value for money, each against figures worked by hand."""

from __future__ import annotations

import copy

import pytest

from conftest import extending, load_problems
from modeller import model
from modeller.inputs import loader as assumptions
from modeller.inputs.loader import LoadedSet, hash_resolved
from modeller.inputs.schema import AssumptionSet

NATIONAL = "national-faq-2017"
DF = [1 / 1.035 ** t for t in range(10)]          # Green Book, year 1 undiscounted
#: National savings by year, by hand: 15 recoveries a month save GBP 1,250 a month each
#: for 26.5 months from the month after entry (000_531557c98ba51688.txt:1333, 1392-1396).
#: Months 61-87 after the horizon: month n saves 1,250 x (87.5 - n), so year 6 is
#: 1,250 x 252 = 315,000, year 7 1,250 x 108 = 135,000, year 8 1,250 x 4.5 = 5,625.
SAVINGS = [82_500, 262_500, 391_875, 397_500, 397_500, 315_000, 135_000, 5_625]
PV_COST = sum(390_000 * DF[t] for t in range(5))
PV_SAVINGS = sum(SAVINGS[t] * DF[t] for t in range(5))
PV_SAVINGS_LIFETIME = sum(s * d for s, d in zip(SAVINGS, DF))


def national_data() -> dict:
    return copy.deepcopy(assumptions.load(NATIONAL).resolved)


def run_data(data: dict):
    spec = AssumptionSet.model_validate(data)
    loaded = LoadedSet(file="<test>", resolved=data, spec=spec, hash=hash_resolved(data))
    return model.run(loaded)


def test_national_savings_by_year_inside_and_after_the_horizon():
    r = model.run(assumptions.load(NATIONAL))
    assert [y.gross_savings for y in r.by_year] == pytest.approx(SAVINGS[:5])
    assert r.totals.gross_savings_beyond_horizon == pytest.approx(sum(SAVINGS[5:]))


def test_benefit_cost_ratio_is_pv_over_pv():
    """Green Book: PV of benefits / PV of costs, 0.77 nationally (issue 10), not the
    undiscounted 0.79 (which stays, labelled, as benefit_cost_ratio_undiscounted)."""
    t = model.run(assumptions.load(NATIONAL)).totals
    assert t.benefit_cost_ratio == pytest.approx(PV_SAVINGS / PV_COST)
    assert round(t.benefit_cost_ratio, 2) == 0.77
    assert t.benefit_cost_ratio_undiscounted == pytest.approx(1_531_875 / 1_950_000)


def test_npv_lifetime_discounts_savings_after_the_horizon_the_same_way():
    """Undiscounted, the horizon's cohorts save GBP 37,500 more than they cost; at the
    Green Book's 3.5% the same flows are about -GBP 36k (issue 10)."""
    t = model.run(assumptions.load(NATIONAL)).totals
    assert t.net_lifetime == pytest.approx(37_500)
    assert t.npv_lifetime == pytest.approx(PV_SAVINGS_LIFETIME - PV_COST)
    assert -37_000 < t.npv_lifetime < -36_000
    assert t.benefit_cost_ratio_lifetime == pytest.approx(PV_SAVINGS_LIFETIME / PV_COST)
    d = model.run(assumptions.load(NATIONAL)).to_dict()
    assert d["totals"]["npv_lifetime"] == pytest.approx(t.npv_lifetime)


def test_a_third_of_recoveries_happening_anyway():
    """Counterfactual 0.1 of entrants = a third of the 30% who recover: savings x 2/3,
    cost unchanged; NPV falls from about -GBP 416k to about -GBP 885k (issue 10)."""
    data = national_data()
    data["outcomes"]["counterfactual_recovery_rate"] = 0.1
    r = run_data(data)
    assert r.totals.pv_cost == pytest.approx(PV_COST)
    assert r.totals.npv == pytest.approx(PV_SAVINGS * 2 / 3 - PV_COST)
    assert round(r.totals.npv, -3) == -885_000
    assert r.totals.recovered == pytest.approx(900)
    assert r.totals.attributable_recovered == pytest.approx(600)
    assert r.per_person_entering.probability_attributable == pytest.approx(0.2)
    d = r.to_dict()
    assert d["outcomes"]["counterfactual_recovery_rate"] == 0.1
    assert d["outcomes"]["by_condition"]["all_ltc_mus"]["attributable_per_entrant"] \
        == pytest.approx(0.2)


def test_national_set_states_zero_with_its_reason():
    d = model.run(assumptions.load(NATIONAL)).to_dict()
    assert d["outcomes"]["counterfactual_recovery_rate"] == 0
    assert d["outcomes"]["counterfactual_stated"] is True
    assert "credits every recovery" in d["outcomes"]["counterfactual_source"]


def test_counterfactual_threshold_by_hand():
    """With GBP 2,600 a year (the top of the FAQ's range), NPV = PV_s x 2.6 x (0.3 - c)
    / 0.3 - PV_c, zero at c = 0.3 x (1 - PV_c / (2.6 PV_s)); nationally (GBP 1,000)
    the NPV is below zero even with no counterfactual, so there is no threshold."""
    th = model.run(assumptions.load(NATIONAL)).outcomes["counterfactual_threshold"]
    assert th["within_horizon"] is None and th["npv_lifetime"] is None
    # Undiscounted (for comparison only): 1000 x (0.3 - c) x 26.5 / 12 = 650.
    assert th["lifetime"] == pytest.approx(0.3 - 650 * 12 / 26_500)
    data = national_data()
    data["conditions"]["all_ltc_mus"]["annual_saving"] = 2600
    th = run_data(data).outcomes["counterfactual_threshold"]
    assert th["within_horizon"] == pytest.approx(0.3 * (1 - PV_COST / (2.6 * PV_SAVINGS)))
    assert th["npv_lifetime"] == pytest.approx(
        0.3 * (1 - PV_COST / (2.6 * PV_SAVINGS_LIFETIME)))


def test_condition_overrides_counterfactual_and_floor_is_validated(tmp_path):
    data = national_data()
    data["conditions"]["all_ltc_mus"]["counterfactual_recovery_rate"] = 0.15
    data["outcomes"]["counterfactual_recovery_rate"] = 0.05
    r = run_data(data)
    assert r.per_person_entering.probability_attributable == pytest.approx(0.15)
    found = load_problems(extending(tmp_path, NATIONAL, """\
        outcomes:
          counterfactual_recovery_rate: 0.35
        """))
    assert any("outcomes.counterfactual_recovery_rate" in p and "at most 0.3" in p
               for p in found), found


def test_unstated_counterfactual_warns(tmp_path):
    data = national_data()
    del data["outcomes"]["counterfactual_recovery_rate"]
    path = tmp_path / "s.yaml"
    import yaml
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    loaded = assumptions.load(path)
    assert any("credited to the service" in w for w in loaded.warnings)
    assert model.run(loaded).outcomes["counterfactual_stated"] is False


def test_optimism_bias_before_and_after():
    """Cost +20%, savings -10%: PV cost x 1.2, PV savings x 0.9; results before too."""
    data = national_data()
    data["optimism_bias"] = {"cost_uplift": 0.2, "savings_reduction": 0.1,
                             "source": "test"}
    r = run_data(data)
    assert r.totals.pv_cost == pytest.approx(1.2 * PV_COST)
    assert r.totals.npv == pytest.approx(0.9 * PV_SAVINGS - 1.2 * PV_COST)
    ob = r.appraisal["optimism_bias"]
    assert ob["applied"] and ob["before"]["npv"] == pytest.approx(PV_SAVINGS - PV_COST)
    assert ob["after"]["npv"] == pytest.approx(r.totals.npv)


def test_optimism_bias_before_by_year_is_the_hand_worked_run_without_it():
    """before.by_year: the national figures by hand (cost 390,000 a year, the savings
    above), net and discounted net; after: costs x 1.2, savings x 0.9, 12 months later.
    With no adjustment it is the run's own by_year."""
    data = national_data()
    data["optimism_bias"] = {"cost_uplift": 0.2, "savings_reduction": 0.1,
                             "benefit_delay_months": 12, "source": "test"}
    r = run_data(data)
    years = r.appraisal["optimism_bias"]["before"]["by_year"]
    assert [y["year"] for y in years] == [1, 2, 3, 4, 5]
    assert [y["cost"] for y in years] == pytest.approx([390_000] * 5)
    assert [y["gross_savings"] for y in years] == pytest.approx(SAVINGS[:5])
    assert [y["net"] for y in years] == pytest.approx([s - 390_000 for s in SAVINGS[:5]])
    assert [y["discounted_net"] for y in years] == pytest.approx(
        [(s - 390_000) * DF[t] for t, s in enumerate(SAVINGS[:5])])
    assert [y.cost for y in r.by_year] == pytest.approx([1.2 * 390_000] * 5)
    assert [y.gross_savings for y in r.by_year] == pytest.approx(
        [0.0] + [0.9 * s for s in SAVINGS[:4]])
    plain = model.run(assumptions.load(NATIONAL))
    ob = plain.appraisal["optimism_bias"]
    assert not ob["applied"]
    assert ob["before"]["by_year"] == [
        {k: getattr(y, k) for k in ("year", "cost", "gross_savings", "net",
                                    "discounted_net")} for y in plain.by_year]


def test_benefit_delay_moves_savings_later():
    """A 12-month delay: the national year-2 savings happen in year 3, and so on."""
    data = national_data()
    data["optimism_bias"] = {"benefit_delay_months": 12, "source": "test"}
    r = run_data(data)
    assert [y.gross_savings for y in r.by_year] == pytest.approx([0] + SAVINGS[:4])
    assert r.totals.gross_savings_lifetime == pytest.approx(sum(SAVINGS))


def test_optimism_bias_needs_an_adjustment(tmp_path):
    found = load_problems(extending(tmp_path, NATIONAL, """\
        optimism_bias:
          source: nothing
        """))
    assert any("optimism_bias" in p and "at least one" in p for p in found)


def _cash_set(share: float = 0.5) -> dict:
    data = national_data()
    data["budget_holders"] = {"mh": "Mental health", "acute": "Acute trust"}
    data["care_categories"] = {
        "admissions": {"label": "Admissions", "budget_holder": "acute",
                       "cash_releasing": {"share": share, "mechanism": "tariff, beds closed"}},
        "ae": {"label": "A&E", "budget_holder": "acute"}}
    data["conditions"]["all_ltc_mus"]["savings_split"] = {"admissions": 0.6, "ae": 0.4}
    data["costs"]["budget_holder"] = "mh"
    data["financial_case"] = {"first_year": "2027/28"}
    return data


def test_cash_releasing_by_budget_holder_and_year():
    """60% of savings are admissions, half of which release cash: 30% of each year's
    savings; the A&E share states nothing, so it is non-cash-releasing."""
    r = run_data(_cash_set())
    acute = next(b for b in r.by_budget_holder if b.id == "acute")
    assert [y.cash_releasing_savings for y in acute.by_year] == pytest.approx(
        [0.3 * s for s in SAVINGS[:5]])
    assert [y.non_cash_releasing_savings for y in acute.by_year] == pytest.approx(
        [0.7 * s for s in SAVINGS[:5]])
    assert acute.by_year[0].financial_year == "2027/28"
    assert acute.by_year[4].financial_year == "2031/32"
    assert acute.cash_releasing_mechanisms == ("tariff, beds closed",)
    assert r.totals.pv_cash_releasing_savings_lifetime == pytest.approx(
        0.3 * PV_SAVINGS_LIFETIME)
    fin = r.financial
    assert [y["cash_releasing_savings"] for y in fin["by_year"]] == pytest.approx(
        [0.3 * s for s in SAVINGS[:5]])
    assert fin["by_year"][2]["financial_year"] == "2029/30"


def test_cash_releasing_needs_a_mechanism(tmp_path):
    data = _cash_set()
    del data["care_categories"]["admissions"]["cash_releasing"]["mechanism"]
    import yaml
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    found = load_problems(path)
    assert any("cash_releasing.mechanism" in p and "required" in p for p in found)


def test_financial_case_recurrent_non_recurrent_cash_terms_and_steady_state():
    """GBP 50,000 training in year 1 (non-recurrent), GBP 10,000 rent each year
    (recurrent), 2% inflation: cash terms = real x 1.02^(t-1). Steady state at 600 a
    year: cost 600 x 650 + 10,000; savings 600 x 662.50 (one year's entrants' lifetime
    savings, 000_531557c98ba51688.txt:1392-1396)."""
    data = national_data()
    data["costs"]["fixed"] = (
        [{"label": "Training", "amount": 50_000, "year": 1}]
        + [{"label": "Rent", "amount": 10_000, "year": t, "recurrent": True}
           for t in range(1, 6)])
    data["financial_case"] = {"first_year": "2027/28",
                              "inflation": {"rate": 0.02, "source": "test"}}
    fin = run_data(data).financial
    y1, y3 = fin["by_year"][0], fin["by_year"][2]
    assert y1["non_recurrent_cost"] == 50_000 and y3["non_recurrent_cost"] == 0
    assert y3["recurrent_cost"] == pytest.approx(390_000 + 10_000)
    assert y3["cost_cash_terms"] == pytest.approx(400_000 * 1.02 ** 2)
    assert y1["non_recurrent_cost_cash_terms"] == 50_000
    assert y3["recurrent_cost_cash_terms"] == pytest.approx(400_000 * 1.0404)
    assert y3["non_cash_releasing_savings_cash_terms"] == pytest.approx(
        y3["non_cash_releasing_savings"] * 1.0404)
    assert fin["terms"] == "cash"
    ss = fin["steady_state"]
    assert ss["annual_cost"] == pytest.approx(400_000)
    assert ss["annual_gross_savings"] == pytest.approx(397_500)
    assert ss["annual_net"] == pytest.approx(-2_500)


def test_value_for_money_by_hand():
    """Net cost per attributable recovery = -NPV lifetime / PV of recoveries (180 a
    year by year of entry); QALYs needed = that / GBP 20,000 or 30,000 (NICE PMG36)."""
    r = model.run(assumptions.load(NATIONAL))
    pv_recoveries = sum(180 * DF[t] for t in range(5))
    net = -(PV_SAVINGS_LIFETIME - PV_COST) / pv_recoveries
    vfm = r.appraisal["value_for_money"]
    assert vfm["net_cost_per_attributable_recovery"] == pytest.approx(net)
    assert vfm["cost_per_attributable_recovery"] == pytest.approx(PV_COST / pv_recoveries)
    needed = [row["qaly_per_recovery_needed"] for row in vfm["nice_thresholds"]]
    assert needed == pytest.approx([net / 20_000, net / 30_000])
    assert vfm["cost_per_qaly"] is None
    data = national_data()
    data["outcomes"]["qaly_gain_per_recovery"] = {"value": 0.1, "source": "test"}
    assert run_data(data).appraisal["value_for_money"]["cost_per_qaly"] == \
        pytest.approx(net / 0.1)


def test_options_are_incremental_to_business_as_usual():
    data = national_data()
    data["option"] = {"label": "Preferred: co-located", "kind": "preferred"}
    options = run_data(data).appraisal["options"]
    assert options[0]["kind"] == "business_as_usual" and options[0]["npv"] == 0
    assert options[1]["label"] == "Preferred: co-located"
    assert options[1]["npv"] == pytest.approx(PV_SAVINGS - PV_COST)


def test_net_saving_is_refused(tmp_path):
    found = load_problems(extending(tmp_path, NATIONAL, """\
        conditions:
          all_ltc_mus:
            annual_saving: {evidence: berkshire-west-diabetes}
        """))
    assert any("net of the intervention's cost" in p and "twice" in p for p in found)
    found = load_problems(extending(tmp_path, NATIONAL, """\
        conditions:
          all_ltc_mus:
            annual_saving: {value: 372, basis: net, source: x}
        """))
    assert any("annual_saving.basis" in p and "twice" in p for p in found)


def test_mixed_price_years_need_conversion_or_acknowledgement(tmp_path):
    """Angina in 2007 prices and rheumatoid arthritis in 2014 prices cannot be added
    silently; the example area acknowledges it with its reason."""
    body = """\
        price_years_acknowledged: null
        conditions:
          all_ltc_mus: null
          a: {label: A, share: 0.5, annual_saving: {evidence: angina-brief-intervention}}
          b: {label: B, share: 0.5, annual_saving: {evidence: ra-london-rct}}
        """
    found = load_problems(extending(tmp_path, NATIONAL, body))
    assert any("different price years" in p and "a: 2007" in p and "b: 2014" in p
               for p in found), found
    r = model.run(assumptions.load("example-area"))
    years = r.appraisal["price_years"]
    assert years["mixed"] and "2007 prices" in years["acknowledged"]


def test_financial_year_must_run_into_the_next(tmp_path):
    found = load_problems(extending(tmp_path, NATIONAL, """\
        financial_case: {first_year: "2027/29"}
        """))
    assert any("financial_case.first_year" in p and "2027/28" in p for p in found)


def test_new_fields_are_validated_with_located_messages(tmp_path):
    found = load_problems(extending(tmp_path, NATIONAL, """\
        optimism_bias: {cost_uplift: 11, savings_reduction: 1.5, source: x}
        outcomes:
          qaly_gain_per_recovery: 60
        financial_case: {inflation: {rate: 0.02}}
        option: {label: A, kind: best}
        care_categories:
          x: {label: X, budget_holder: acute, cash_releasing: {share: 2, mechanism: m}}
        board_asked_to: 5
        price_years_acknowledged: [a]
        costs:
          fixed: [{label: Rent, amount: 10, year: 1, recurrent: "yes"}]
        conditions:
          all_ltc_mus:
            counterfactual_recovery_rate: 0.5
        """))
    for needle in ("board_asked_to", "price_years_acknowledged", "costs.fixed[0].recurrent",
                   "conditions.all_ltc_mus.counterfactual_recovery_rate","optimism_bias.cost_uplift", "optimism_bias.savings_reduction",
                   "outcomes.qaly_gain_per_recovery", "financial_case.inflation.source", "option.kind",
                   "care_categories.x.cash_releasing.share"):
        assert any(needle in p for p in found), (needle, found)


def test_evidence_design_and_comparison_group_reach_json_and_business_case():
    """The RA figure is a small RCT (a comparison group); the COPD service example does
    not describe one: the business case says so beside each figure."""
    from modeller.outputs.reports import bundle as bundle_mod
    from modeller.outputs.reports.pdf import render_html
    loaded = assumptions.load("example-area")
    d = model.run(loaded).to_dict()
    assert d["evidence"]["msk"]["comparison_group"] == "yes"
    assert d["evidence"]["copd"]["comparison_group"] == "not_stated"
    assert "RCT" in d["evidence"]["msk"]["design"]
    html = render_html("business-case", bundle_mod.make_bundle(loaded, d))
    assert "Comparison group:</strong> yes." in html
    assert "not stated in the source, so the figure may include recoveries" in html


def test_counterfactual_optimism_bias_and_cash_shares_are_uncertain_inputs(tmp_path):
    """They take ranges and distributions like any input: the tornado moves them, the
    PSA draws them."""
    from modeller.analyses import psa, sensitivity
    path = extending(tmp_path, NATIONAL, """\
        optimism_bias:
          cost_uplift: {value: 0.1, range: [0, 0.3]}
          source: test
        budget_holders: {mh: MH, acute: Acute}
        costs: {budget_holder: mh}
        care_categories:
          adm:
            label: Admissions
            budget_holder: acute
            cash_releasing:
              share: {value: 0.5, range: [0, 1], distribution: {type: uniform, low: 0, high: 1}}
              mechanism: tariff
        conditions:
          all_ltc_mus:
            savings_split: {adm: 1.0}
        outcomes:
          counterfactual_recovery_rate:
            value: 0.05
            range: [0, 0.15]
            distribution: {type: uniform, low: 0, high: 0.15}
        """)
    loaded = assumptions.load(path)
    tornado = {r["parameter"]: r for r in sensitivity.one_way(loaded)["tornado"]}
    cf = tornado["outcomes.counterfactual_recovery_rate"]
    assert cf["npv_low"] > cf["npv_high"]            # more recover anyway: lower NPV
    ob = tornado["optimism_bias.cost_uplift"]
    assert ob["npv_low"] > ob["npv_high"]
    cash = tornado["care_categories.adm.cash_releasing.share"]
    assert cash["npv_low"] == pytest.approx(cash["npv_high"])  # NPV counts all savings
    out = psa.analyse(loaded, 400, 3)
    drawn = {d["parameter"] for d in out["distributions"]}
    assert {"outcomes.counterfactual_recovery_rate",
            "care_categories.adm.cash_releasing.share"} <= drawn
    cash_npv = out["summary"]["npv_cash_releasing_lifetime"]
    assert cash_npv["p5"] < cash_npv["p95"]
    assert any(r["key"] == "npv" for r in out["point_vs_mean"])


def test_scenarios_are_options_against_business_as_usual(tmp_path):
    """A do-minimum scenario sits beside the preferred option in the economic case."""
    from modeller.outputs.reports.finance import options
    pref = national_data()
    pref["option"] = {"label": "Preferred", "kind": "preferred"}
    dm = copy.deepcopy(pref)
    dm["option"] = {"label": "Do minimum", "kind": "do_minimum"}
    dm["activity"]["entering_treatment"] = 300
    a, b = run_data(pref).to_dict(), run_data(dm).to_dict()
    rows = options(a, [{"results": a}, {"results": b}])
    assert [r["label"] for r in rows] == ["Business as usual", "Preferred", "Do minimum"]
    assert rows[2]["kind"] == "do minimum"
    assert rows[2]["pv_cost"] == pytest.approx(PV_COST / 2)


def test_reports_state_figures_and_never_recommend():
    """No tool-written verdict: the decision is the set's own words or left for local
    completion; the statements are discounted."""
    from modeller.outputs.reports import bundle as bundle_mod
    from modeller.outputs.reports.pdf import render_html
    loaded = assumptions.load(NATIONAL)
    d = model.run(loaded).to_dict()
    for kind in ("business-case", "board-summary"):
        html = render_html(kind, bundle_mod.make_bundle(loaded, d))
        assert "Approve" not in html and "Not supported" not in html
        assert "The board is asked to" in html and "for local completion" in html
        assert "Discounted at 3.5% a year" in html
    data = national_data()
    data["board_asked_to"] = "approve funding of £1.95m from 2027/28."
    d2 = run_data(data).to_dict()
    html = render_html("board-summary", bundle_mod.make_bundle(loaded, d2))
    assert "The board is asked to approve funding of £1.95m from 2027/28." in html


def test_inflation_index_by_year():
    """An index of 100, 102, 105, 107, 110 turns real into cash terms year by year."""
    data = national_data()
    data["financial_case"] = {"first_year": "2027/28", "inflation": {
        "index": [100, 102, 105, 107, 110], "source": "test"}}
    fin = run_data(data).financial
    assert [y["cost_cash_terms"] for y in fin["by_year"]] == pytest.approx(
        [390_000 * k / 100 for k in (100, 102, 105, 107, 110)])


def test_every_affordability_figure_comes_in_cash_terms_and_totals_sum_the_years():
    """Each of the financial case's figures, in each year, × that year's index; the
    totals, real and cash terms, are the sums of their years (the report and the
    workbook read these, never multiplying themselves)."""
    from modeller.model.appraisal import AFFORDABILITY_KEYS

    data = national_data()
    data["costs"]["fixed"] = [{"label": "Training", "amount": 50_000, "year": 2},
                              {"label": "Rent", "amount": 10_000, "year": 1,
                               "recurrent": True}]
    data["financial_case"] = {"first_year": "2027/28", "inflation": {
        "index": [100, 102, 105, 107, 110], "source": "test"}}
    fin = run_data(data).financial
    assert len(AFFORDABILITY_KEYS) == 8
    for key in AFFORDABILITY_KEYS:
        for y, k in zip(fin["by_year"], (1.0, 1.02, 1.05, 1.07, 1.10)):
            assert y[key + "_cash_terms"] == pytest.approx(y[key] * k), key
        for name in (key, key + "_cash_terms"):
            assert fin["totals"][name] == pytest.approx(
                sum(y[name] for y in fin["by_year"])), name
    assert fin["totals"]["non_recurrent_cost_cash_terms"] == pytest.approx(51_000)


def test_inflation_needs_rate_or_index(tmp_path):
    found = load_problems(extending(tmp_path, NATIONAL, """\
        financial_case:
          inflation: {source: x}
        """))
    assert any("financial_case.inflation" in p and "neither" in p for p in found)
    found = load_problems(extending(tmp_path, NATIONAL, """\
        financial_case:
          inflation: {index: [1, 2], source: x}
        """))
    assert any("financial_case.inflation.index" in p and "one per year" in p
               for p in found)


def test_psa_means_beside_point_estimates_and_edge_warnings_in_the_report():
    """Nationally the completion rate (60% of 50-60%) and the cost (£650 of £650-684)
    sit at the favourable ends of their ranges, so the mean NPV is below the point
    estimate (issue 10): the business case says both."""
    from modeller.analyses import psa
    from modeller.outputs.reports import bundle as bundle_mod
    from modeller.outputs.reports.pdf import render_html
    loaded = assumptions.load("national-faq-2017-psa")
    out = psa.analyse(loaded, 2000, 1)
    npv = next(r for r in out["point_vs_mean"] if r["key"] == "npv")
    assert npv["point"] == pytest.approx(PV_SAVINGS - PV_COST)
    assert npv["mean"] < npv["point"] and npv["differs"]
    assert "so the point estimate is optimistic" in out["point_vs_mean_sentence"]
    edges = {e["parameter"]: e["end"] for e in out["central_value_at_edge"]}
    assert edges["outcomes.completion_rate"] == "high"
    assert edges["costs.per_person_entering"] == "low"
    bundle = bundle_mod.make_bundle(loaded, model.run(loaded).to_dict())
    html = render_html("business-case", {**bundle, "psa": out})
    assert out["point_vs_mean_sentence"] in html
    assert "Central values at an end of their own range" in html
    assert "Completion rate: 60%, the top of its range 50% to 60%." in html
