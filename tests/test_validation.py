"""Every kind of bad input gets a clear, located message; all problems at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from modeller.inputs.loader import AssumptionsError, load
from modeller.inputs.bundled import bundled_dir

NATIONAL = (bundled_dir("assumptions") / "national-faq-2017.yaml").resolve()

GOOD = f"""\
schema_version: 1
extends: {NATIONAL}
name: local
"""


def problems(tmp_path: Path, text: str, name: str = "set.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(AssumptionsError) as info:
        load(path)
    return [p.format() for p in info.value.problems]


def one(found: list[str], *needles: str) -> str:
    hits = [p for p in found if all(n in p for n in needles)]
    assert hits, f"no problem with {needles} in {found}"
    return hits[0]


def test_good_override_loads(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(GOOD + "outcomes:\n  recovery_rate: 0.55\n")
    loaded = load(path)
    assert loaded.spec.outcomes.recovery_rate.value == 0.55
    # the overriding plain number does not inherit the base figure's source
    assert loaded.spec.outcomes.recovery_rate.source is None
    assert loaded.spec.outcomes.completion_rate.value == 0.6


def test_unknown_key_names_line_and_allowed_keys(tmp_path):
    found = problems(tmp_path, GOOD + "outcomes:\n  recovery_rat: 0.5\n")
    msg = one(found, "set.yaml:5:", "outcomes.recovery_rat", "unknown key")
    assert "recovery_rate" in msg  # what is allowed


def test_unknown_top_level_key(tmp_path):
    found = problems(tmp_path, GOOD + "horizon: 5\n")
    one(found, "set.yaml:4:", "horizon", "unknown key", "horizon_years")


@pytest.mark.parametrize("value", ["1.5", "-0.1"])
def test_rate_outside_0_1(tmp_path, value):
    found = problems(tmp_path, GOOD + f"outcomes:\n  completion_rate: {value}\n")
    one(found, "set.yaml:5:", "outcomes.completion_rate", value)


def test_negative_money_and_count(tmp_path):
    found = problems(tmp_path, GOOD + textwrap.dedent("""\
        costs:
          per_person_entering: -650
        activity:
          entering_treatment: -10
        """))
    one(found, "set.yaml:5:", "costs.per_person_entering", "-650", "greater than or equal to 0")
    one(found, "set.yaml:7:", "activity.entering_treatment", "-10")


def test_shares_must_sum_to_one(tmp_path):
    found = problems(tmp_path, GOOD + textwrap.dedent("""\
        conditions:
          all_ltc_mus: null
          a: {label: A, share: 0.5, annual_saving: 100}
          b: {label: B, share: 0.3, annual_saving: 100}
        """))
    one(found, "set.yaml:4:", "conditions", "sum to 0.8", "must sum to 1")


def test_benefit_components_must_sum_to_one(tmp_path):
    found = problems(tmp_path, GOOD + textwrap.dedent("""\
        benefit_duration:
          components:
            - {label: a, share: 0.5, months: 36}
        """))
    one(found, "benefit_duration.components", "must sum to 1")


def test_list_of_wrong_length(tmp_path):
    found = problems(tmp_path, GOOD + "activity:\n  entering_treatment: [100, 200]\n")
    one(found, "set.yaml:5:", "activity.entering_treatment", "2 numbers", "(5)")


def test_missing_required_fields(tmp_path):
    found = problems(tmp_path, "schema_version: 1\nname: x\n")
    for field in ("currency", "price_year", "horizon_years", "activity", "outcomes",
                  "benefit_duration", "conditions", "costs"):
        one(found, f" {field}:", "required field is missing")


def test_duplicate_keys_are_errors(tmp_path):
    found = problems(tmp_path, GOOD + "outcomes:\n  recovery_rate: 0.5\n"
                     "  recovery_rate: 0.6\n")
    one(found, "set.yaml:6:", "outcomes.recovery_rate", "duplicate key", "line 5")


def test_bad_extends_missing_file(tmp_path):
    found = problems(tmp_path, "schema_version: 1\nextends: nowhere.yaml\nname: x\n")
    one(found, "set.yaml:2:", "extends", "nowhere.yaml", "no such file")


def test_extends_cycle(tmp_path):
    (tmp_path / "b.yaml").write_text("schema_version: 1\nextends: set.yaml\n")
    found = problems(tmp_path, "schema_version: 1\nextends: b.yaml\n")
    one(found, "b.yaml:2: extends: 'set.yaml': extends forms a cycle")


def test_yaml_syntax_error_has_line(tmp_path):
    found = problems(tmp_path, GOOD + "outcomes: [1,\n  x: 2\n")
    one(found, "set.yaml:", "YAML syntax error")


def test_empty_file(tmp_path):
    found = problems(tmp_path, "")
    one(found, "set.yaml", "empty")


def test_not_a_mapping(tmp_path):
    one(problems(tmp_path, "- 1\n- 2\n"), "must be a mapping")


def test_quoted_number_is_not_guessed(tmp_path):
    found = problems(tmp_path, GOOD + "outcomes:\n  recovery_rate: '0.5'\n")
    one(found, "set.yaml:5:", "outcomes.recovery_rate", "must be a number",
        "without quotes")


def test_all_problems_reported_at_once(tmp_path):
    found = problems(tmp_path, GOOD + textwrap.dedent("""\
        outcomes:
          recovery_rat: 0.5
          completion_rate: 2
        costs:
          per_person_entering: -1
        conditions:
          all_ltc_mus: {share: 0.5}
        """))
    assert len(found) >= 4
    one(found, "recovery_rat")
    one(found, "completion_rate")
    one(found, "per_person_entering")
    one(found, "must sum to 1")


def test_error_in_base_file_is_located_in_base(tmp_path):
    (tmp_path / "base.yaml").write_text(NATIONAL.read_text().replace(
        "horizon_years:\n  value: 5", "horizon_years:\n  value: 0"))
    found = problems(tmp_path, "schema_version: 1\nextends: base.yaml\nname: x\n")
    one(found, "base.yaml:", "horizon_years", "0")


def test_discount_schedule_rules(tmp_path):
    found = problems(tmp_path, GOOD + textwrap.dedent("""\
        discount_rate:
          - {from_year: 2, rate: 0.035}
          - {from_year: 2, rate: 0.03}
        """))
    one(found, "discount_rate[0].from_year", "start at year 1")
    one(found, "discount_rate[1].from_year", "must increase")


def test_booster_cost_needs_timing(tmp_path):
    found = problems(tmp_path, GOOD + textwrap.dedent("""\
        costs:
          booster: {share_of_recovered: 0.33, cost_per_person: 100}
        """))
    one(found, "costs.booster.months_after_entry", "required")


def test_null_deletes_and_quantity_replaces_whole(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(GOOD + textwrap.dedent("""\
        costs:
          per_person_entering: {value: 684, source: "001_310680aaedf11e68.txt:105"}
          booster: null
        """))
    loaded = load(path)
    assert loaded.spec.costs.per_person_entering.value == 684
    assert loaded.spec.costs.per_person_entering.range is None  # not the base's range
    assert loaded.spec.costs.booster is None
    assert not any("booster" in w for w in loaded.warnings)


def test_benefit_duration_warning_names_the_faq_only_for_the_faqs_formula(tmp_path):
    faq = "The FAQ prints the same formula"
    (national,) = [w for w in load(NATIONAL).warnings if w.startswith("benefit_duration")]
    assert faq in national
    path = tmp_path / "local.yaml"
    path.write_text(GOOD + "benefit_duration:\n  months:\n    value: 20\n")
    (local,) = [w for w in load(path).warnings if w.startswith("benefit_duration")]
    assert "stated duration is 20 months" in local and faq not in local


@pytest.mark.parametrize("value", ["[]", "{a: 1}", "[recovered]"])
def test_a_wrong_type_for_who_benefits_is_a_problem_not_a_crash(tmp_path, value):
    """The cross-field checks read ``savings_apply_to`` before the schema has vetted its
    type; a list there (found by the fuzz test) crashed them ("unhashable type")."""
    found = problems(tmp_path, GOOD + f"outcomes:\n  savings_apply_to: {value}\n")
    one(found, "outcomes.savings_apply_to")
