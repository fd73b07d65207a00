"""The workbook's structure: inputs, names, validation, protection, formulas, safety.

(That its figures equal the model's is tests/test_workbook_recalc.py.)
"""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

import modeller
import workbook_sets
from modeller.outputs.cells import safe_text
from modeller.outputs.excel import catalogue

#: Functions that Excel 2010 and LibreOffice 7.4 both have, and that the workbook uses.
PORTABLE = {"SUM", "SUMIF", "INDEX", "MATCH", "IF", "AND", "MAX", "ABS", "INT",
            "COLUMNS", "PRODUCT", "CHOOSE", "IFERROR", "ROUNDUP"}
SHEETS = ["Cover", "Inputs", "Derived", "Annual", "Monthly", "Results"]


def _book(s, **kw):
    data = modeller.workbook(s, **kw)
    return data, openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sets")
    out = [modeller.load(n) for n in ("national-faq-2017", "example-area")]
    out += [modeller.load(str(workbook_sets.write(tmp, workbook_sets.generated(seed))))
            for seed in (1, 2, 4, 6)]
    return out


def _rows(ws) -> list[dict]:
    rows = ws.iter_rows(values_only=True)
    header = list(next(rows))
    return [dict(zip(header, r)) for r in rows]


def test_inputs_sheet_is_the_api_catalogue(sets):
    for s in sets:
        _, wb = _book(s)
        ws = wb["Inputs"]
        header = [c.value for c in ws[1]]
        assert header[:5] == ["key", "label", "value", "unit", "source"]
        rows = _rows(ws)
        assert [r["key"] for r in rows] == [i.key for i in s.inputs()]
        assert [r["value"] for r in rows] == [i.value for i in s.inputs()]


def test_input_cells_are_named_unlocked_validated_and_the_rest_protected(sets):
    for s in sets:
        _, wb = _book(s)
        ws = wb["Inputs"]
        validated = set()
        for dv in ws.data_validations.dataValidation:
            validated |= {c for rng in dv.sqref.ranges for c in
                          (f"{rng.min_col}:{rng.min_row}",)}
        names = {n: wb.defined_names[n].attr_text for n in wb.defined_names}
        entries = {e.key: e for e in catalogue.entries(s.spec)}
        for r, row in enumerate(ws.iter_rows(min_row=2), start=2):
            key, cell = row[0].value, row[2]
            if entries[key].role != "layout":
                assert cell.protection.locked is False, key
                assert f"3:{r}" in validated, key
                assert f"Inputs!$C${r}" in names.values(), key
            else:  # the horizon: it sets the columns
                assert cell.protection.locked is not False, key
        for name in SHEETS:
            assert wb[name].protection.sheet, name
            assert wb[name].protection.password is None, name


def test_every_model_input_is_read_by_a_formula(sets):
    for s in sets:
        _, wb = _book(s)
        text = " ".join(c.value for name in ("Derived", "Annual", "Monthly", "Results")
                        for row in wb[name].iter_rows() for c in row
                        if isinstance(c.value, str) and c.value.startswith("="))
        used = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
        address = {wb.defined_names[n].attr_text: n for n in wb.defined_names}
        for r, row in enumerate(wb["Inputs"].iter_rows(min_row=2), start=2):
            entry = {e.key: e for e in catalogue.entries(s.spec)}[row[0].value]
            if entry.role == "model":
                name = address[f"Inputs!$C${r}"]
                listed = [n for a, n in address.items()
                          if a.startswith("Inputs!$C$") and ":" in a]
                assert name in used or any(n in used for n in listed), entry.key


def test_results_are_formulas_covering_every_json_figure(sets):
    for s in sets:
        _, wb = _book(s)
        d = modeller.run(s).to_dict()
        want = list(workbook_sets.expected(d))
        rows = list(wb["Results"].iter_rows(min_row=2))
        assert [c.value for c in wb["Results"][1]][:3] == ["key", "label", "value"]
        assert sorted(r[0].value for r in rows) == sorted(want)
        for r in rows:
            assert isinstance(r[2].value, str) and r[2].value.startswith("="), r[0].value


def _formulas(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    yield ws.title, c.coordinate, c.value


def test_formulas_are_portable_and_hold_no_typed_figures(sets):
    for s in sets:
        _, wb = _book(s)
        names = set(wb.defined_names)
        for sheet, ref, formula in _formulas(wb):
            functions = set(re.findall(r"([A-Z][A-Z0-9.]*)\(", formula))
            assert functions <= PORTABLE, (sheet, ref, formula)
            bare = re.sub(r'"[^"]*"', "", formula)
            bare = re.sub(r"'[^']*'!", "", bare)
            bare = re.sub(r"\$?[A-Z]{1,3}\$?\d+", "", bare)
            bare = re.sub(r"[A-Za-z_][A-Za-z0-9_.]*", lambda m: "" if m.group(0) in names
                          or m.group(0).upper() in PORTABLE else m.group(0), bare)
            numbers = set(re.findall(r"\d+(?:\.\d+)?(?:E[-+]?\d+)?", bare))
            assert numbers <= {"0", "1"}, (sheet, ref, formula, numbers)


def test_discount_factors_are_formulas_even_in_year_one(sets):
    _, wb = _book(sets[0])
    ws = wb["Annual"]
    row = next(r for r in ws.iter_rows() if str(r[0].value).startswith("Discount factor"))
    assert row[5].value == "=1/(1+F7)^(F4-1)" or "PRODUCT" in row[5].value
    assert all(c.value.startswith("=") for c in row[5:])


def test_print_setup_and_frozen_panes():
    _, wb = _book(modeller.load("example-area"))
    for name in SHEETS:
        ws = wb[name]
        assert ws.page_setup.paperSize in (9, "9"), name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        if name != "Cover":
            assert ws.freeze_panes, name
            assert ws.print_title_rows, name


def test_user_text_cannot_become_a_formula(tmp_path):
    data = workbook_sets.generated(3)
    data["conditions"]["c0"]["label"] = '=HYPERLINK("http://example.org","x")'
    data["conditions"]["c0"]["annual_saving"]["source"] = "@SUM(1+1)"
    data["name"] = "-injected"
    s = modeller.load(str(workbook_sets.write(tmp_path, data)))
    _, wb = _book(s)
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and ("HYPERLINK" in c.value or "@SUM" in c.value
                                              or "injected" in c.value)]
    assert texts and all(not t.startswith(("=", "@", "-", "+")) for t in texts), texts
    assert "'=HYPERLINK(\"http://example.org\",\"x\")" in texts


def test_safe_text():
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("+44 118") == "'+44 118"
    assert safe_text("a\x00b") == "ab"
    assert safe_text("plain") == "plain"
    assert len(safe_text("x" * 40_000)) == 32_767


def test_deterministic_no_macros_no_external_links():
    s = modeller.load("example-area")
    a, b = modeller.workbook(s), modeller.workbook(s)
    assert a == b
    names = zipfile.ZipFile(io.BytesIO(a)).namelist()
    assert not [n for n in names if "vba" in n.lower() or "externalLink" in n]


def test_scenarios_are_columns_switched_by_a_selector():
    base = modeller.load("national-faq-2017")
    _, wb = _book(base, scenarios=[modeller.load("scenarios/optimistic"),
                                   modeller.load("example-area")])
    header = [c.value for c in wb["Inputs"][1]]
    assert "in use" in header and "national-faq-2017-optimistic" in header
    assert "example-area" not in header
    assert wb.defined_names["scenario_selected"].attr_text.startswith("Cover!")
    row = _rows(wb["Inputs"])
    rec = next(r for r in row if r["key"] == "outcomes.recovery_rate")
    assert rec["national-faq-2017-optimistic"] == 0.6
    assert rec["in use"].startswith("=CHOOSE(scenario_selected,")


def test_workbook_survives_openpyxl_round_trip(tmp_path):
    data, wb = _book(modeller.load("example-area"))
    wb.save(tmp_path / "again.xlsx")
    again = openpyxl.load_workbook(tmp_path / "again.xlsx")
    assert again.sheetnames == SHEETS
    assert set(again.defined_names) == set(wb.defined_names)
