"""Assumption sets that cite the evidence library instead of typing a number."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from modeller.inputs import loader as assumptions
from modeller import model
from conftest import citing_local_evidence, extending, load_problems
from modeller.cli import cli


def test_example_area_cites_evidence_for_every_condition():
    loaded = assumptions.load("example-area")
    assert set(loaded.evidence) == set(loaded.spec.conditions)
    spec = loaded.spec
    # COPD: £837 over 6 months annualised x 12/6 (000_531557c98ba51688.txt:1002-1012)
    assert spec.conditions["copd"].annual_saving.value == pytest.approx(1674)
    # RA: the seed's £1,295 (2014) over five years is £259 a year, not its "£323"
    assert spec.conditions["msk"].annual_saving.value == pytest.approx(259)
    assert any("323" in w for w in loaded.warnings)
    # Diabetes: the seeds' only IAPT figure (£372, Berkshire West) is net of the
    # treatment cost (000_531557c98ba51688.txt:988-992), so the example uses the FAQ's
    # gross middle figure instead and never nets a net figure again.
    saving = spec.conditions["diabetes"].annual_saving
    assert saving.evidence == "faq-middle-figure-1000"
    assert not any("count them twice" in w for w in loaded.warnings)
    # the reader's citation names the document and table; the seed line is kept apart
    assert saving.source.startswith("NHS England (2017), IAPT-LTC FAQ, Table 1, "
                                    "'Assumptions used in calculations' row: ")
    assert saving.seed == "000_531557c98ba51688.txt:1267-1273"


def test_conversion_steps_reach_the_json():
    d = model.run(assumptions.load("example-area")).to_dict()
    copd = d["evidence"]["copd"]
    assert copd["record"] == "hillingdon-copd-secondary"
    assert any("12 / 6" in step for step in copd["steps"])
    assert "record_data" not in copd


def _problems(tmp_path, text: str) -> list[str]:
    return load_problems(extending(tmp_path, "national-faq-2017", text))


def test_unknown_evidence_record(tmp_path):
    found = _problems(tmp_path, """\
        conditions:
          all_ltc_mus:
            annual_saving: {evidence: berkshire-west-diabetis}
        """)
    assert any("set.yaml:6:" in p and "annual_saving.evidence" in p
               and "berkshire-west-diabetes" in p for p in found), found


def test_foreign_currency_without_tables_names_the_table(tmp_path):
    found = _problems(tmp_path, """\
        price_year: 2020
        conditions:
          all_ltc_mus:
            annual_saving:
              evidence: dutch-cfs-rct-months-9-14
              assume_price_year: 2004
              reason: the study's publication year
        """)
    assert any("set.yaml:8:" in p and "dutch-cfs-rct-months-9-14" in p and "EUR" in p
               and "2004" in p and "exchange_rates" in p for p in found), found


def test_price_year_change_without_index_is_refused(tmp_path):
    found = _problems(tmp_path, """\
        price_year: 2020
        conditions:
          all_ltc_mus:
            annual_saving: {evidence: ra-london-rct}
        """)
    assert any("ra-london-rct" in p and "price index" in p and "2014" in p
               and "does not guess" in p for p in found), found


def test_value_and_evidence_together_is_an_error(tmp_path):
    found = _problems(tmp_path, """\
        conditions:
          all_ltc_mus:
            annual_saving: {value: 1000, evidence: faq-middle-figure-1000}
        """)
    assert any("either `value`" in p and "not both" in p for p in found), found


def test_scale_is_applied_and_said(tmp_path):
    path = extending(tmp_path, "national-faq-2017", """\
        conditions:
          all_ltc_mus:
            annual_saving:
              evidence: faq-middle-figure-1000
              scale: 0.8
              reason: local prudence
        """)
    loaded = assumptions.load(path)
    assert loaded.spec.conditions["all_ltc_mus"].annual_saving.value == pytest.approx(800)
    steps = loaded.evidence["all_ltc_mus"]["steps"]
    assert any("0.8" in s and "local prudence" in s for s in steps)


def test_evidence_command_json_contract():
    result = CliRunner().invoke(cli, ["evidence", "copd", "--format", "json"])
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert records and all("copd" in r["conditions"] for r in records)
    for r in records:
        assert {"id", "conditions", "value", "currency", "price_year", "period_months",
                "basis", "care", "source", "seed", "annual_value"} <= set(r)
    hill = next(r for r in records if r["id"] == "hillingdon-copd-secondary")
    assert hill["annual_value"] == pytest.approx(1674)
    assert hill["source"] == "NHS England (2017), IAPT-LTC FAQ, Table 1, COPD row"
    assert hill["seed"] == "000_531557c98ba51688.txt:1002-1012"


def test_evidence_command_table_cites_documents_not_seed_files():
    result = CliRunner().invoke(cli, ["evidence"])
    assert result.exit_code == 0
    assert "source: NHS England (2017), IAPT-LTC FAQ, Table 1, COPD row; it cites: " \
        in result.stdout
    assert "also in: NHS England (2017), IAPT-LTC FAQ, section 1 (Evidence base)" \
        in result.stdout
    assert ".txt" not in result.stdout and "domain brief" not in result.stdout


def test_evidence_command_unknown_condition():
    result = CliRunner().invoke(cli, ["evidence", "gout"])
    assert result.exit_code == 2 and "unknown condition" in result.stderr


def test_local_evidence_library(tmp_path):
    """A set can add its own records (e.g. a local audit) beside the bundled library."""
    path = citing_local_evidence(tmp_path)
    loaded = assumptions.load(path)
    assert loaded.spec.conditions["all_ltc_mus"].annual_saving.value == 900
