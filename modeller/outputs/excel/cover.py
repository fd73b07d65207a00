"""The Cover sheet: what the workbook is, where it came from and how to use it."""

from __future__ import annotations

from ..cells import safe_text
from .inputs_sheet import SELECTOR
from .layout import Formats, fit_row

SHEET = "Cover"

HOW_TO_USE = [
    "Change an input on the Inputs sheet (the blue-on-yellow cells, column 'value'); "
    "every formula on Derived, Annual, Monthly and Results follows. Data validation "
    "keeps each input within its allowed range.",
    "Results lists every figure of `modeller run --format json` under the same key, "
    "each a formula of the inputs. An empty cell is an undefined ratio (no cost, no "
    "one recovering); 'never' is no break-even or no payback.",
    "Derived holds constants, the benefit duration and the rates in use per "
    "condition; Annual works by year of entry; Monthly works month by month (time "
    "runs left to right, one formula per row copied across).",
    "Discounting follows the HM Treasury Green Book: year 1 is undiscounted and "
    "year t's factor is 1/(1+rate)^(t-1). Excel's NPV() discounts the first year "
    "too; to check the NPV with it use =year1 + NPV(rate, year2:yearH).",
    "The sheets are protected without a password (Review > Unprotect Sheet) so that "
    "only the inputs can be changed by accident. The horizon fixes the number of year "
    "columns: to change it, write a new workbook with `modeller workbook`.",
    "If your spreadsheet shows stale figures, recalculate (F9 in Excel; "
    "Data > Calculate > Recalculate Hard in LibreOffice).",
]


def write_cover(wb, ws, fmt: Formats, d: dict, spec, scenarios: list[str],
                excluded: list[str]) -> None:
    """Write the cover; with ``scenarios`` (their names, the set's own first), a
    selector cell named ``scenario_selected`` picks the one the model uses."""
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 100)
    ws.write_string(0, 0, safe_text(f"IAPT-LTC cost-offset model: {d['name']}"),
                    fmt.title)
    facts = [("Assumption set", d["name"]),
             ("Description", (spec.description or "").strip()),
             ("SHA-256 of the resolved set", d["hash"]),
             ("Tool", f"modeller {d['tool_version']}"),
             ("Currency and price year", f"{d['currency']}, "
              f"{d['price_year'] if d['price_year'] is not None else 'price year not stated'}"),
             ("Horizon", f"{d['horizon_years']} years ({12 * d['horizon_years']} months)"),
             ("Savings apply to", f"people {d['savings_apply_to']}"),
             ("Discounting", d["discount_convention"])]
    r = 2
    for label, text in facts:
        ws.write_string(r, 0, label, fmt.header)
        ws.write_string(r, 1, safe_text(text), fmt.wrap)
        fit_row(ws, r, [(text, 100)])
        r += 1
    if scenarios:
        r += 1
        ws.write_string(r, 0, "Scenario in use", fmt.header)
        ws.write_number(r, 1, 1, fmt.number("count", input_cell=True))
        ws.data_validation(r, 1, r, 1, {
            "validate": "integer", "criteria": "between", "minimum": 1,
            "maximum": len(scenarios), "error_message":
            f"Choose a scenario number from 1 to {len(scenarios)}."})
        wb.define_name(SELECTOR, f"={SHEET}!$B${r + 1}")
        for i, name in enumerate(scenarios, start=1):
            ws.write_string(r + i, 1, safe_text(f"{i}: {name}"
                            + (" (the Inputs sheet's 'value' column)" if i == 1 else
                               f" (column '{name}' of Inputs)")), fmt.text)
        r += len(scenarios) + 1
    for text in excluded:
        ws.write_string(r, 0, "Not included", fmt.header)
        ws.write_string(r, 1, safe_text(text), fmt.wrap)
        fit_row(ws, r, [(text, 100)])
        r += 1
    r += 1
    ws.write_string(r, 0, "How to use", fmt.header)
    for text in HOW_TO_USE:
        ws.write_string(r, 1, text, fmt.wrap)
        fit_row(ws, r, [(text, 100)])
        r += 1
    if d["warnings"]:
        r += 1
        ws.write_string(r, 0, "Warnings", fmt.header)
        for text in d["warnings"]:
            ws.write_string(r, 1, safe_text(text), fmt.wrap)
            fit_row(ws, r, [(text, 100)])
            r += 1
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.protect()
