"""The model of one assumption set as an Excel workbook with live formulas.

:func:`workbook_bytes` writes, with XlsxWriter (no macros, no external links):

- *Cover*: the set, its hash, the tool version, how to use the workbook, and the
  scenario selector when the workbook carries scenarios;
- *Inputs*: one row per numeric input (key, label, value, unit, source, allowed range),
  input cells unlocked, validated and named (:mod:`.inputs_sheet`);
- *Derived*, *Annual*, *Monthly*: the model's arithmetic as formulas
  (:mod:`.derived`, :mod:`.calc`, :mod:`.monthly`), time running left to right past
  the horizon for the lifetime figures, who pays and who saves (:mod:`.payers`), the
  figures before optimism bias and the financial case (:mod:`.financial_case`);
- *Results*: every JSON figure as a formula of the inputs (:mod:`.results_sheet`,
  :mod:`.appraisal_rows` for the outcomes, appraisal and financial blocks; the
  counterfactual threshold, a root of the whole model, is left out).

Every formula cell caches the model's own figure, so a viewer that never recalculates
shows the same numbers as ``modeller run``; the tests recalculate the workbook in
LibreOffice and compare. Only functions that Excel 2010 and LibreOffice 7.4 share are
used. The output is deterministic (fixed document dates).
"""

from __future__ import annotations

import datetime as _dt
import io
from pathlib import Path

#: The workbook's document date: fixed, so the same set gives the same bytes.
DOCUMENT_DATE = _dt.datetime(2000, 1, 1)


def workbook_bytes(loaded, scenarios=()) -> bytes:
    """The workbook of a set (a :class:`~modeller.inputs.loader.LoadedSet` or the API's
    ``AssumptionSet``); ``scenarios`` are other sets offered through the selector on the
    Cover when their inputs line up with this set's."""
    import xlsxwriter

    from ... import model
    from . import catalogue
    from .payers import result_rows, write_budget
    from .calc import ANNUAL, write_annual
    from .cover import SHEET as COVER, write_cover
    from .derived import SHEET as DERIVED, write_derived
    from .financial_case import write_finance
    from .appraisal_rows import appraisal_rows, financial_rows, outcome_rows
    from .inputs_sheet import SHEET as INPUTS, write_inputs
    from .layout import Formats
    from .monthly import MONTHLY, write_monthly
    from .results_sheet import SHEET as RESULTS, write_results

    loaded = getattr(loaded, "loaded", loaded)
    scenarios = [getattr(s, "loaded", s) for s in scenarios]
    spec = loaded.spec
    d = model.run(loaded).to_dict()
    x, ids, labels = model.inputs_from(spec)
    arrays = model.compute(x)
    entries = catalogue.entries(spec)
    kept, excluded = _scenario_columns(entries, spec, scenarios)

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                      "strings_to_numbers": False,
                                      "strings_to_urls": False})
    wb.set_properties({"title": f"IAPT-LTC cost-offset model: {d['name']}"[:250],
                       "subject": f"sha256 {d['hash']}",
                       "author": f"modeller {d['tool_version']}",
                       "created": DOCUMENT_DATE})
    fmt = Formats(wb)
    sheets = {name: wb.add_worksheet(name)
              for name in (COVER, INPUTS, DERIVED, ANNUAL, MONTHLY, RESULTS)}
    names = write_inputs(wb, sheets[INPUTS], fmt, entries, kept)
    dv = write_derived(wb, sheets[DERIVED], fmt, spec, x, ids, labels, names.names,
                       names.taken)
    annual = write_annual(sheets[ANNUAL], fmt, spec, x, arrays, ids, labels, names.names,
                          names.lists, dv)
    calc = write_monthly(sheets[MONTHLY], fmt, spec, x, ids, labels, names.names, dv,
                         annual)
    budget = write_budget(annual, calc, spec, x, ids, names.names, dv)
    fin = write_finance(calc, spec, x, ids, labels, names.names, names.lists, dv)
    extra = (result_rows(d, budget) + outcome_rows(d, dv, names.names)
             + appraisal_rows(d, fin, dv, names.names, calc)
             + financial_rows(d, calc, fin, dv, names.names))
    write_results(sheets[RESULTS], fmt, d, calc, dv, names.names, extra=extra)
    write_cover(wb, sheets[COVER], fmt, d, spec,
                [d["name"]] + [name for name, _ in kept] if kept else [], excluded)
    sheets[COVER].activate()
    wb.close()
    return buffer.getvalue()


def _scenario_columns(entries, spec, scenarios):
    from . import catalogue

    shape = [(e.key, e.role, e.integer) for e in entries]
    horizon = spec.horizon_years.value
    kept, excluded = [], []
    for other in scenarios:
        o = other.spec
        others = catalogue.entries(o)
        if ([(e.key, e.role, e.integer) for e in others] != shape
                or o.horizon_years.value != horizon
                or o.outcomes.savings_apply_to != spec.outcomes.savings_apply_to):
            excluded.append(f"Scenario {o.name}: its inputs do not line up with this "
                            "set's (different conditions, horizon, cost lines or "
                            "savings basis); write its own workbook with `modeller "
                            "workbook`.")
            continue
        kept.append((o.name, {e.key: e.value for e in others}))
    return kept, excluded


def write_workbook(loaded, path: str | Path, scenarios=()) -> Path:
    """Write the workbook to ``path`` atomically; returns the path."""
    from ..files import write_atomic

    return write_atomic(path, workbook_bytes(loaded, scenarios))
