"""`modeller schema --results`: the JSON results contract as a JSON Schema."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
from click.testing import CliRunner

from modeller.cli import cli
from modeller.inputs.bundled import bundled_dir, bundled_sets
from modeller.model.contract import results_schema


def _schema() -> dict:
    result = CliRunner().invoke(cli, ["schema", "--results"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _bundled_names() -> list[str]:
    root = bundled_dir("assumptions")
    return sorted(str(p.relative_to(root).with_suffix("")) for p in root.rglob("*.yaml")
                  if p.parent.name not in ("evidence", "conversion", "references"))


def _results(name: str) -> dict:
    result = CliRunner().invoke(cli, ["run", name, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft202012Validator(_schema())


def test_every_bundled_set_has_results_that_match_the_schema(validator):
    names = _bundled_names()
    assert {"national-faq-2017", "example-area", "scenarios/optimistic"} <= set(names)
    assert set(bundled_sets()) <= set(names)
    for name in names:
        errors = [e.message for e in validator.iter_errors(_results(name))]
        assert not errors, (name, errors[:5])


def test_schema_covers_the_keys_docs_used_to_leave_out(validator):
    d = _results("example-area")
    assert d["by_budget_holder"] and d["by_care_category"] and d["evidence"]
    props = validator.schema["properties"]
    for key in ("by_budget_holder", "by_care_category", "evidence", "by_month",
                "cost_lines", "warnings"):
        assert key in props and props[key].get("description"), key
    assert props["totals"]["properties"]["npv"]["description"].startswith("Green Book")


@pytest.mark.parametrize("where", [(), ("totals",), ("by_budget_holder", 0),
                                   ("by_budget_holder", 0, "by_year", 0),
                                   ("by_care_category", 0), ("evidence", "copd"),
                                   ("by_condition", 0), ("by_month",)])
def test_a_key_the_schema_lacks_fails(validator, where):
    d = copy.deepcopy(_results("example-area"))
    node = d
    for part in where:
        node = node[part]
    node["surprise"] = 1
    assert not validator.is_valid(d)


def test_a_missing_key_or_wrong_type_fails(validator):
    d = _results("national-faq-2017")
    broken = copy.deepcopy(d)
    del broken["totals"]["npv"]
    assert not validator.is_valid(broken)
    broken = copy.deepcopy(d)
    broken["by_year"][0]["cost"] = "1,000"
    assert not validator.is_valid(broken)


def test_schema_follows_the_dataclasses():
    """A field added to a results dataclass appears in the schema without editing it."""
    import dataclasses

    from modeller.model import results
    from modeller.model.contract import object_schema

    @dataclasses.dataclass(frozen=True)
    class Wider(results.Totals):
        extra_total: float = 0.0  # [GBP] a new figure

    props = object_schema(Wider)["properties"]
    assert props["extra_total"] == {"type": "number", "description": "[GBP] a new figure"}
    assert set(results_schema()["properties"]["totals"]["properties"]) == {
        f.name for f in dataclasses.fields(results.Totals)}
