"""The evidence library: records load cleanly, match the seeds they cite, annualise and
convert exactly as the seed does by hand, and bad records or missing tables are clear
problems naming the file, line, figure and table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from modeller.inputs import evidence as ev
from modeller.inputs.evidence import (ConversionTables, convert, annualise, read_library,
                               read_tables, resolve)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
EVIDENCE = ROOT / "assumptions" / "evidence"
ANGINA_TABLE = ROOT / "assumptions" / "conversion" / "nhs-confed-angina-implied.yaml"


@pytest.fixture(scope="module")
def library() -> ev.Library:
    lib, problems = read_library()
    assert problems == [], "\n".join(p.format() for p in problems)
    return lib


# --------------------------------------------------------------------------------------
# The library itself
# --------------------------------------------------------------------------------------

def test_library_loads_without_problems_from_the_bundled_directory(library):
    assert ev.default_directory().resolve() == EVIDENCE.resolve()
    assert len(library.records) >= 40


def test_ids_are_unique_and_kebab_case(library):
    ids = library.ids
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_every_condition_id_is_in_the_vocabulary(library):
    used = {c for r in library.records for c in r.conditions}
    assert used <= set(ev.CONDITIONS)


def test_every_published_figure_named_in_the_issue_has_a_record(library):
    # FAQ Table 1 rows, the meta-analysis, the guidance and slide figures.
    wanted = {
        "berkshire-west-diabetes": 372, "severe-diabetes-mdt-kings-hillingdon": None,
        "hillingdon-copd-secondary": 837, "hillingdon-copd-overall": 1300,
        "angina-brief-intervention": 1337, "icd-home-cbt-rehabilitation": 50,
        "breast-cancer-group-cbt-canada": 147, "spanish-rheumatology-cbt": 251,
        "spanish-low-back-pain-absence": 5.4, "ra-london-rct": 1701.42,
        "german-somatoform-outpatient": 382, "german-somatoform-inpatient": 1098,
        "mus-primary-care-gp-visits": 50, "hackney-mus-consultation-service": 460,
        "lse-mus-payback": 3, "dutch-cfs-rct-months-0-8": 88,
        "dutch-cfs-rct-months-9-14": 146, "cfs-mccrone-pace": 300,
        "generic-iapt-general-practice": 1050, "de-lusignan-ed-attendances": 0.12,
        "chiles-meta-analysis-20-percent": 20, "faq-british-gross-savings-range": None,
        "faq-middle-figure-1000": 1000, "integrated-care-cost-unmet-need": 5670,
        "integrated-care-cost-treated": 3910, "integrated-care-saving-1760": 1760,
        "sheffield-integrated-care-1955": 1955, "iapt-gross-cost-per-person-treated": 650,
        "iapt-actual-cost-per-course": 684, "mus-savings-attribution-knapp": None,
    }
    for rid, value in wanted.items():
        rec = library.get(rid)
        assert rec is not None, rid
        assert rec.value == value, rid
    assert library.get("faq-british-gross-savings-range").range == (300, 2600)
    assert library.get("severe-diabetes-mdt-kings-hillingdon").range == (700, 1000)


def test_gross_net_and_care_follow_the_seed_wording(library):
    get = library.get
    assert (get("berkshire-west-diabetes").basis, get("berkshire-west-diabetes").care) \
        == ("net", "secondary")
    assert get("hillingdon-copd-secondary").basis == "gross"
    assert get("dutch-cfs-rct-months-0-8").basis == "net"  # "including the cost of intervention"
    assert get("cfs-mccrone-pace").basis == "gross"
    assert get("faq-middle-figure-1000").care == "both"
    assert get("breast-cancer-group-cbt-canada").currency == "$"  # which dollar? not stated


def test_mus_attribution_parts_sum_to_100(library):
    parts = library.get("mus-savings-attribution-knapp").parts
    assert [p.value for p in parts] == [52, 22, 16, 5, 5]
    assert sum(p.value for p in parts) == 100


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not present")
def test_every_citation_points_at_real_seed_lines_containing_the_quote_and_number(library):
    problems = ev.verify_citations(library, SEEDS)
    assert problems == [], "\n".join(p.format() for p in problems)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not present")
def test_citation_check_catches_a_wrong_line_and_a_wrong_number(library):
    rec = library.get("berkshire-west-diabetes")
    moved = rec.model_copy(update={"seed": "000_531557c98ba51688.txt:1002-1012"})
    wrong = rec.model_copy(update={"value": 373.0})
    beyond = rec.model_copy(update={"seed": "000_531557c98ba51688.txt:99999"})
    lib = ev.Library((moved,), {moved.id: ("x.yaml", 3)})
    assert any(p.field == "quote" for p in ev.verify_citations(lib, SEEDS))
    lib = ev.Library((wrong,), {})
    assert any(p.field == "value" for p in ev.verify_citations(lib, SEEDS))
    lib = ev.Library((beyond,), {})
    assert any(p.field == "seed" for p in ev.verify_citations(lib, SEEDS))
    noted = rec.model_copy(update={"seed_note": "marker at 000_531557c98ba51688.txt:99999"})
    lib = ev.Library((noted,), {})
    assert [p.field for p in ev.verify_citations(lib, SEEDS)] == ["seed_note"]


# --------------------------------------------------------------------------------------
# Annualising and the FAQ's own conversions
# --------------------------------------------------------------------------------------

def test_annualising_the_six_month_copd_figures(library):
    assert annualise(library.get("hillingdon-copd-secondary")) == pytest.approx(1674)
    assert annualise(library.get("hillingdon-copd-overall")) == pytest.approx(2600)
    conv = convert(library.get("hillingdon-copd-secondary"))
    assert conv.ok and conv.value == pytest.approx(1674)
    assert "£837.00 per person over 6 months × 12 / 6 = £1,674.00" in conv.steps[0].text


def test_annual_value_is_null_when_not_computable(library):
    assert annualise(library.get("spanish-rheumatology-cbt")) is None     # no period
    assert annualise(library.get("iapt-actual-cost-per-course")) is None  # per course
    assert annualise(library.get("chiles-meta-analysis-20-percent")) is None  # a percentage
    assert annualise(library.get("berkshire-west-diabetes")) == 372
    assert ev.annual_range(library.get("faq-british-gross-savings-range")) == (300, 2600)


def test_angina_seed_conversion_1337_to_2000_is_the_seeds_not_ours(library):
    rec = library.get("angina-brief-intervention")
    sc = rec.stated_conversion
    assert (rec.value, rec.price_year, sc.value, sc.price_year, sc.by) \
        == (1337, 2007, 2000, "2010/11", "NHS Confed")
    assert round(sc.value / rec.value, 3) == 1.496
    conv = convert(rec, target_price_year="2010/11")
    assert conv.ok and conv.value == pytest.approx(2000)
    assert conv.steps[0].by == "seed" and "NHS Confed" in conv.steps[0].text
    assert "the seed's conversion, not ours" in conv.explain()


def test_angina_conversion_reproduced_from_the_implied_table(library):
    tables, problems = read_tables(ANGINA_TABLE)
    assert problems == [] and tables is not None
    assert tables.price_index.seed == "000_531557c98ba51688.txt:1018-1020"
    assert tables.price_index.source.startswith("NHS England (2017), IAPT-LTC FAQ, Table 1")
    conv = convert(1337, "GBP", 2007, tables, target_price_year="2010/11", label="angina")
    assert conv.ok and conv.value == pytest.approx(2000)
    assert "£1,337.00 (2007) × index 2010/11 (2,000) / index 2007 (1,337) = £2,000.00" \
        in conv.steps[0].text
    own = convert(library.get("angina-brief-intervention"), tables=tables,
                  target_price_year="2010/11", use_stated=False)
    assert own.value == pytest.approx(2000) and own.steps[0].by == "tool"


def test_rheumatoid_arthritis_seed_conversion_and_its_divisor_inconsistency(library):
    rec = library.get("ra-london-rct")
    sc = rec.stated_conversion
    assert (rec.value, rec.currency, rec.price_year, rec.period_months) \
        == (1701.42, "USD", 2008, 60)
    assert (sc.value, sc.currency, sc.price_year, sc.annual_value) == (1295, "GBP", 2014, 323)
    conv = convert(rec, target_price_year=2014)
    assert conv.ok
    assert conv.steps[0].by == "seed" and "Bank of England calculator" in conv.steps[0].text
    assert conv.value == pytest.approx(1295 / 5)  # £259 over the five years it describes
    flagged = " ".join(ev.flags(rec))
    assert "£1,295.00 / 4 = £323.75" in flagged and "£259.00 a year" in flagged
    assert any("divisor" in n for n in conv.notes)
    assert 1295 / 4 == pytest.approx(323.75) and round(1295 / 4) == sc.annual_value + 1


def test_usd_figure_without_an_exchange_table_is_a_clear_problem(library):
    rec = library.get("ra-london-rct")
    conv = convert(rec, use_stated=False, target_price_year=2014,
                   where=("set.yaml", 12), field_name="conditions.ra.annual_saving")
    assert not conv.ok and conv.value is None
    (problem,) = conv.problems
    assert (problem.file, problem.line, problem.field) == \
        ("set.yaml", 12, "conditions.ra.annual_saving")
    for needle in ("ra-london-rct", "US$1,701.42", "USD", "2008",
                   "exchange_rates.rates.USD.2008", "does not guess"):
        assert needle in problem.message
    with pytest.raises(ev.EvidenceError):
        conv.require()


def test_exchange_and_index_tables_are_applied_and_explained():
    tables = ConversionTables.model_validate({
        "exchange_rates": {"name": "test rates", "source": "test fixture, not real data",
                           "rates": {"USD": {2008: 0.5}}},
        "price_index": {"name": "test index", "source": "test fixture, not real data",
                        "values": {2008: 100, 2014: 120}},
    })
    conv = convert(1000, "USD", 2008, tables, target_price_year=2014, label="x")
    assert conv.ok and conv.value == pytest.approx(600)
    kinds = [s.kind for s in conv.steps]
    assert kinds == ["exchange", "price_index"]
    assert "test fixture" in conv.explain()
    missing = convert(1000, "USD", 2009, tables, target_price_year=2014, label="y")
    assert "USD in 2009" in missing.problems[0].message
    assert "the table has USD for 2008 only" in missing.problems[0].message
    no_index = convert(1000, "GBP", 2008, tables, target_price_year=2017, label="z")
    assert "entries for 2017" in no_index.problems[0].message


def test_figures_the_seed_leaves_ambiguous_are_never_converted(library):
    dollar = convert(library.get("breast-cancer-group-cbt-canada"))
    assert "which dollar" in dollar.problems[0].message
    no_year = convert(library.get("hillingdon-copd-secondary"), target_price_year=2017)
    assert "no price year" in no_year.problems[0].message
    assumed = convert(library.get("hillingdon-copd-secondary"), target_price_year=2017,
                      assume_price_year=2017, reason="local choice")
    assert assumed.ok and assumed.steps[-1].by == "set"
    euro = convert(library.get("dutch-cfs-rct-months-0-8"))
    assert not euro.ok and "EUR" in euro.problems[0].message


def test_resolve_an_annual_saving_reference(library):
    conv = resolve(library, "hillingdon-copd-secondary", scale=0.5, reason="test")
    assert conv.ok and conv.value == pytest.approx(837)
    assert conv.steps[-1].by == "set"
    net = resolve(library, "berkshire-west-diabetes")
    assert any("net of the intervention" in n for n in net.notes)
    bad = resolve(library, "hillingdon-copd-secondry", where=("set.yaml", 30))
    assert bad.problems[0].line == 30
    assert "did you mean hillingdon-copd-secondary" in bad.problems[0].message
    pct = resolve(library, "chiles-meta-analysis-20-percent")
    assert "not a per-person money saving" in pct.problems[0].message


# --------------------------------------------------------------------------------------
# Bad records
# --------------------------------------------------------------------------------------

GOOD = """\
records:
  - id: test-figure
    label: a test figure
    conditions: [copd]
    measure: saving
    value: 100
    currency: GBP
    price_year: null
    period_months: 6
    unit: per_person_per_period
    basis: gross
    care: secondary
    design: test
    population: test
    citation: test
    source: local report p. 3
    quote: "100"
"""


def _library_from(tmp_path: Path, **files: str):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return read_library(tmp_path)


def test_bundled_files_are_read_once_local_files_every_time(tmp_path, monkeypatch):
    """Every load of a set citing evidence, and every edit of one, reads the library:
    the bundled files are validated once per process, a local folder every time."""
    from modeller.inputs.evidence import library as library_module

    read_library()
    real, calls = library_module._read_file, []
    monkeypatch.setattr(library_module, "_read_file",
                        lambda path: calls.append(path) or real(path))
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    for _ in range(2):
        lib, problems = read_library(ev.default_directory(), tmp_path)
        assert problems == [] and "test-figure" in lib.ids
    assert calls == [tmp_path / "a.yaml"] * 2


def test_a_minimal_local_record_loads(tmp_path):
    lib, problems = _library_from(tmp_path, **{"a.yaml": GOOD})
    assert problems == [] and annualise(lib.get("test-figure")) == 200


def test_unknown_key_is_reported_with_file_and_line(tmp_path):
    text = GOOD.replace("    design: test\n", "    design: test\n    desing: typo\n")
    _, problems = _library_from(tmp_path, **{"a.yaml": text})
    (p,) = problems
    assert p.file.endswith("a.yaml") and p.line == 14
    assert p.field == "records[0].desing" and "unknown key 'desing'" in p.message


def test_negative_period_is_reported_with_file_and_line(tmp_path):
    text = GOOD.replace("period_months: 6", "period_months: -6")
    _, problems = _library_from(tmp_path, **{"a.yaml": text})
    (p,) = problems
    assert (p.line, p.field) == (9, "records[0].period_months")
    assert "greater than 0" in p.message


def test_duplicate_id_across_files_is_reported_with_both_places(tmp_path):
    lib, problems = _library_from(tmp_path, **{"a.yaml": GOOD, "b.yaml": GOOD})
    (p,) = problems
    assert p.file.endswith("b.yaml") and p.line == 2
    assert "duplicate id 'test-figure'" in p.message and "a.yaml:2" in p.message
    assert len(lib.records) == 1


def test_semantic_and_type_errors_each_name_their_line(tmp_path):
    text = (GOOD.replace("conditions: [copd]", "conditions: [asthma]")
                .replace("value: 100", "value: '100'")
                .replace("unit: per_person_per_period", "unit: percent"))
    _, problems = _library_from(tmp_path, **{"a.yaml": text})
    by_field = {p.field: p for p in problems}
    assert by_field["records[0].conditions[0]"].line == 4
    assert "without quotes" in by_field["records[0].value"].message
    # value and unit errors stop the record before the money/unit rule runs
    text = GOOD.replace("unit: per_person_per_period", "unit: percent")
    _, problems = _library_from(tmp_path, **{"a.yaml": text})
    (p,) = problems
    assert (p.field, p.line) == ("records[0].unit", 10) and "per-person unit" in p.message


def test_unquoted_colon_in_text_is_explained(tmp_path):
    text = GOOD + "    caveats:\n      - Derived: a note\n"
    _, problems = _library_from(tmp_path, **{"a.yaml": text})
    (p,) = problems
    assert p.line == 19 and "put the text in quotes" in p.message


def test_yaml_duplicate_key_and_syntax_errors_are_problems(tmp_path):
    _, problems = _library_from(tmp_path, **{"a.yaml": GOOD + "    value: 3\n"})
    assert any("duplicate key" in p.message and p.line == 18 for p in problems)
    (tmp_path / "a.yaml").write_text("records: [\n", encoding="utf-8")
    _, problems = read_library(tmp_path)
    assert problems and "YAML syntax error" in problems[0].message


def test_related_id_must_exist(tmp_path):
    text = GOOD + "    related: [no-such-record]\n"
    _, problems = _library_from(tmp_path, **{"a.yaml": text})
    (p,) = problems
    assert p.field == "related" and "no-such-record" in p.message


def test_bad_conversion_table_is_located(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("price_index:\n  name: x\n  values:\n    2007: -1\n", encoding="utf-8")
    tables, problems = read_tables(path)
    assert tables is None
    fields = {p.field: p.line for p in problems}
    assert fields["price_index.source"] == 1  # missing: located at its parent
    assert fields["price_index.values.2007"] == 4


# --------------------------------------------------------------------------------------
# Listing (the future `modeller evidence` command)
# --------------------------------------------------------------------------------------

def test_json_contract(library):
    rows = ev.list_records("copd")
    assert {r["id"] for r in rows} >= {"hillingdon-copd-secondary", "hillingdon-copd-overall"}
    row = next(r for r in rows if r["id"] == "hillingdon-copd-secondary")
    for key in ("id", "conditions", "value", "currency", "price_year", "period_months",
                "basis", "care", "source", "seed", "annual_value"):
        assert key in row
    assert row["annual_value"] == 1674
    # readers get the reference as people cite it; auditors keep the seed lines
    assert row["source"] == "NHS England (2017), IAPT-LTC FAQ, Table 1, COPD row"
    assert row["seed"] == "000_531557c98ba51688.txt:1002-1012"
    assert row["also_in"] == [{"source": "NHS England (2017), IAPT-LTC FAQ, section 1 "
                               "(Evidence base)", "seed": "000_531557c98ba51688.txt:52-54"}]
    everything = ev.to_json(library.records)
    json.dumps(everything)  # serialisable
    assert len(everything) == len(library.records)
    ra = next(r for r in everything if r["id"] == "ra-london-rct")
    assert ra["annual_value"] == pytest.approx(1701.42 / 5)  # own currency, before conversion
    assert ra["stated_conversion"]["annual_value"] == 323


def test_unknown_condition_is_an_error_listing_the_vocabulary():
    with pytest.raises(ev.EvidenceError) as err:
        ev.list_records("asthma")
    assert "diabetes" in str(err.value)


def test_format_table_shows_values_periods_basis_and_caveats(library):
    text = ev.format_table(library.for_condition("copd"))
    assert "hillingdon-copd-secondary" in text and "£1,674.00" in text and "6 mo" in text
    assert "gross" in text and "caveat:" in text
    ra = ev.format_table([library.get("ra-london-rct")])
    assert "£259.00" in ra and "£323.75" in ra


def test_docs_list_every_record_and_condition(library):
    text = (ROOT / "docs" / "evidence.md").read_text(encoding="utf-8")
    missing = [i for i in library.ids if f"`{i}`" not in text]
    assert missing == []
    assert all(f"`{c}`" in text for c in ev.CONDITIONS)


def test_docs_record_tables_are_the_library_as_generated(library):
    """docs/evidence.md ends with ``records_markdown`` of the bundled library, written by
    ``dev/evidence-docs``: a record, or the way a figure prints, changed without the page
    fails here (per-person figures with pence: tests/test_unit_figures.py)."""
    text = (ROOT / "docs" / "evidence.md").read_text(encoding="utf-8")
    assert text.count(ev.RECORDS_HEADING) == 1
    section = text[text.index(ev.RECORDS_HEADING):]
    assert section == ev.records_markdown(library), "run ./dev/evidence-docs"
    assert "| `hillingdon-copd-secondary` | copd | £837.00 per person over 6 months | " \
           "£1,674.00 | gross | secondary |" in section
    assert "| £300.00-£2,600.00 per person per year | £300.00-£2,600.00 |" in section


def test_resolve_refuses_a_range_and_a_cost(library):
    rng = resolve(library, "faq-british-gross-savings-range")
    assert "is a range" in rng.problems[0].message
    cost = resolve(library, "iapt-actual-cost-per-course")
    assert "is a cost" in cost.problems[0].message
    period = resolve(library, "spanish-rheumatology-cbt")
    assert "does not state the period" in period.problems[0].message
