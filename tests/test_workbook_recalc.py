"""The workbook, recalculated by LibreOffice, gives the model's figures.

Every workbook here is saved without cached values and recalculated in one LibreOffice
run (see tests/recalc.py), so each figure read back comes from the formulas. Cases: the
bundled sets, generated sets (conditions, horizon, volumes by year, fixed costs, a
priced booster, discount schedules, savings basis, duration terms), workbooks whose
Inputs were edited (compared with ``modeller run`` of the set with the same edits),
and a workbook whose scenario selector was switched.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import openpyxl
import pytest

import modeller
import recalc
import workbook_sets

RATES = {"probability_recovered", "roi", "benefit_cost_ratio", "discount_factor"}
GENERATED = range(14)
EDITED = (0, 2, 3, 5, 8, 11)  # generated sets also edited


def _edits(s) -> dict:
    """Edits to make in a workbook's Inputs: the recovery rate and a cost always, and
    for generated sets a volume, a fixed cost and its year, the booster's timing, a
    discount step, the treatment time, a saving and the duration where present."""
    keys = {i.key: i for i in s.inputs()}
    horizon = int(keys["horizon_years"].value)
    edits = {"outcomes.recovery_rate": 0.41, "costs.per_person_entering": 712.5}
    wanted = {"activity.entering_treatment[1]": 333.0, "costs.fixed[0].amount": 12345.67,
              "costs.fixed[0].year": horizon, "activity.treatment_months": 2,
              "costs.booster.months_after_entry": 5, "conditions.c0.annual_saving": 1234.5,
              "benefit_duration.months": 17.25,
              "benefit_duration.components[0].months": 30.5,
              "discount_rate.schedule[0].rate": 0.05, "discount_rate": 0.015,
              "conditions.c0.recovery_rate": 0.55, "costs.per_completer": 99.0,
              "outcomes.counterfactual_recovery_rate": 0.05,
              "optimism_bias.cost_uplift": 0.2, "optimism_bias.savings_reduction": 0.1,
              "optimism_bias.benefit_delay_months": 3,
              "care_categories.admissions.cash_releasing.share": 0.5,
              "conditions.c0.savings_split.admissions": 0.7,
              "conditions.c0.savings_split.primary": 0.3}
    edits.update({k: v for k, v in wanted.items() if k in keys})
    return edits


def _edit_workbook(src, dst, values: dict) -> None:
    wb = openpyxl.load_workbook(src)
    ws = wb["Inputs"]
    header = [c.value for c in ws[1]]
    k, v = header.index("key"), header.index("value")
    found = set()
    for row in ws.iter_rows(min_row=2):
        key = row[k].value
        if key in values:
            row[v].value = values[key]
            found.add(key)
    assert found == set(values), set(values) - found
    wb.save(dst)


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    """(label, expected JSON, original workbook, recalculated workbook) for each case,
    all recalculated in one LibreOffice run."""
    tmp = tmp_path_factory.mktemp("workbooks")
    todo = []   # (label, expected dict, workbook path)
    for name in modeller.bundled_sets():
        s = modeller.load(name)
        path = modeller.write_workbook(s, tmp / f"{name.replace('/', '-')}.xlsx")
        todo.append((name, modeller.run(s).to_dict(), path))
    # Nobody enters: every ratio undefined, no break-even, no payback (JSON nulls).
    empty = workbook_sets.generated(4)
    empty.update(name="nobody")
    empty["activity"]["entering_treatment"] = 0.0
    empty["costs"]["fixed"] = []
    s = modeller.load(str(workbook_sets.write(tmp, empty)))
    todo.append(("nobody", modeller.run(s).to_dict(),
                 modeller.write_workbook(s, tmp / "nobody.xlsx")))
    sets = {}
    for seed in GENERATED:
        s = modeller.load(str(workbook_sets.write(tmp, workbook_sets.generated(seed))))
        sets[seed] = s
        path = modeller.write_workbook(s, tmp / f"generated-{seed}.xlsx")
        todo.append((f"generated-{seed}", modeller.run(s).to_dict(), path))
    for label, s in [("national-faq-2017", modeller.load("national-faq-2017")),
                     ("example-area", modeller.load("example-area")),
                     *[(f"generated-{k}", sets[k]) for k in EDITED]]:
        values = _edits(s)
        src = modeller.write_workbook(s, tmp / f"{label}-to-edit.xlsx")
        dst = tmp / f"{label}-edited.xlsx"
        _edit_workbook(src, dst, values)
        expected = modeller.run(s.with_values(values)).to_dict()
        todo.append((f"{label} edited {sorted(values)}", expected, dst))
    # The same edits made in a YAML file and run by the command line.
    s = modeller.load("national-faq-2017")
    edited = tmp / "edited.yaml"
    edited.write_text(s.with_values(_edits(s)).to_yaml(), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "modeller", "run", str(edited), "--format",
                          "json"], capture_output=True, text=True, check=True)
    todo.append(("national edited, modeller run", json.loads(run.stdout),
                 tmp / "national-faq-2017-edited.xlsx"))
    # Scenarios: the selector switched to the second scenario.
    base = modeller.load("national-faq-2017")
    others = [modeller.load("scenarios/optimistic"), modeller.load("scenarios/pessimistic")]
    src = modeller.write_workbook(base, tmp / "scenarios.xlsx", scenarios=others)
    wb = openpyxl.load_workbook(src)
    selector = wb.defined_names["scenario_selected"].attr_text.split("!")[1].replace("$", "")
    for choice, expected in ((2, others[0]), (3, others[1])):
        wb["Cover"][selector].value = choice
        dst = tmp / f"scenarios-{choice}.xlsx"
        wb.save(dst)
        todo.append((f"scenario {choice}", modeller.run(expected).to_dict(), dst))
    todo.append(("scenario 1", modeller.run(base).to_dict(), src))
    done = recalc.recalculate([p for _, _, p in todo], tmp / "lo")
    return [(label, d, p, out) for (label, d, p), out in zip(todo, done)]


def _close(key: str, got, want) -> bool:
    if want is None:
        return got in ("", None, "never")
    if not isinstance(got, (int, float)) or isinstance(got, bool):
        return False
    if key.endswith("break_even_month") or key.endswith(".year"):
        return got == want
    if key.split(".")[-1] in RATES:
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    return abs(got - want) <= 0.005


def test_every_results_figure_equals_the_model_after_recalculation(cases):
    failures = []
    for label, d, _, out in cases:
        got = recalc.results(out)
        want = workbook_sets.expected(d)
        missing = sorted(set(want) - set(got))
        if missing:
            failures.append(f"{label}: no Results row for {missing[:5]}")
        for key, value in want.items():
            if key in got and not _close(key, got[key], value):
                failures.append(f"{label}: {key} = {got[key]!r}, model {value!r}")
    assert not failures, "\n".join(failures[:40])


def test_cases_cover_what_the_formulas_must_follow(cases):
    """The generated sets reach the branches: null break-even, schedules, lists..."""
    never = [d for _, d, _, _ in cases if d["totals"]["break_even_month"] is None]
    some = [d for _, d, _, _ in cases if d["totals"]["break_even_month"] is not None]
    beyond = [d for _, d, _, _ in cases if d["totals"]["cost_beyond_horizon"] > 0]
    assert never and some and beyond
    nobody = next(d for label, d, _, _ in cases if label == "nobody")
    assert nobody["totals"]["benefit_cost_ratio"] is None
    assert nobody["per_person_entering"]["payback_months"] is None
    sets = [workbook_sets.generated(s) for s in GENERATED]
    assert any(isinstance(s["discount_rate"], dict) for s in sets)
    assert any(isinstance(s["activity"]["entering_treatment"], list) for s in sets)
    assert any("components" in s["benefit_duration"] for s in sets)
    assert {s["outcomes"]["savings_apply_to"] for s in sets} == {"recovered", "completed",
                                                                  "entering"}
    assert any(s["costs"]["fixed"] for s in sets) and any(len(s["conditions"]) > 2
                                                          for s in sets)


def test_cached_values_equal_the_recalculated_ones(cases):
    """A viewer that never recalculates shows what LibreOffice computes.

    Sets whose benefit duration lies within rounding of a whole number are left out:
    LibreOffice's INT() snaps 25.999999999999996 to 26 (Excel's and numpy's do not),
    which moves a whole month into "whole months" with no change to any money figure
    beyond 1e-9 (the Results test still covers them)."""
    failures = []
    chosen = [c for c in cases if not 0 < abs(c[1]["benefit_months"]
                                             - round(c[1]["benefit_months"])) < 1e-9]
    for label, _, original, out in chosen[:10]:
        for sheet in ("Derived", "Annual", "Monthly", "Results"):
            before, after = recalc.cells(original, sheet), recalc.cells(out, sheet)
            for ref, value in before.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    again = after.get(ref)
                    if not isinstance(again, (int, float)) or not math.isclose(
                            value, again, rel_tol=1e-9, abs_tol=1e-6):
                        failures.append(f"{label} {sheet}!{ref}: cached {value}, "
                                        f"recalculated {again}")
    assert not failures, "\n".join(failures[:20])


def test_missing_libreoffice_fails_loudly(monkeypatch):
    monkeypatch.setattr(recalc.shutil, "which", lambda name: None)
    with pytest.raises(AssertionError, match="dev/setup"):
        recalc.soffice()


def test_workbook_command_writes_a_workbook(tmp_path):
    out = tmp_path / "sub" / "model.xlsx"
    result = subprocess.run([sys.executable, "-m", "modeller", "workbook",
                             "national-faq-2017", "-o", str(out), "--scenario",
                             "scenarios/optimistic", "--scenario", "example-area"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    wb = openpyxl.load_workbook(out)
    cover = " ".join(str(c.value) for row in wb["Cover"].iter_rows() for c in row
                     if c.value)
    assert "1: national-faq-2017" in cover and "2: national-faq-2017-optimistic" in cover
    assert "Scenario example-area: its inputs do not line up" in cover
    piped = subprocess.run([sys.executable, "-m", "modeller", "workbook",
                            "national-faq-2017", "-o", "-"], capture_output=True)
    assert piped.returncode == 0 and piped.stdout == modeller.workbook("national-faq-2017")
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    (tmp_path / "link.xlsx").symlink_to(target)
    link = subprocess.run([sys.executable, "-m", "modeller", "workbook",
                           "national-faq-2017", "-o", str(tmp_path / "link.xlsx")],
                          capture_output=True, text=True)
    assert link.returncode == 2 and target.read_text() == "keep me", link.stderr
    bad = subprocess.run([sys.executable, "-m", "modeller", "workbook", "no-such-set",
                          "-o", str(tmp_path / "x.xlsx")], capture_output=True, text=True)
    assert bad.returncode == 2 and not (tmp_path / "x.xlsx").exists()
