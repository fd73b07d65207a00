"""The Inputs sheet: one row per numeric input, with defined names for the formulas.

Columns: key, label, value, unit, source, minimum, maximum, group, use. ``value`` is
the set's own figure, styled as an input (blue on pale yellow), unlocked, with data
validation for its allowed range. When the workbook carries scenarios, each has a value
column of its own to the right and the ``in use`` column picks one with ``CHOOSE`` of
the selector cell on the Cover sheet; the defined names then point at ``in use``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ..cells import safe_text
from .catalogue import Entry, defined_name
from .layout import UNIT_KINDS, Formats, fit_row

SHEET = "Inputs"
HEADER = ["key", "label", "value", "unit", "source", "minimum", "maximum", "group",
          "use"]
VALUE, IN_USE, FIRST_SCENARIO = 2, 9, 10
USE = {"model": "input: edit it and the calculation follows",
       "layout": "fixed by the layout (one column per year): write a new workbook "
                 "to change it",
       "record": "recorded: no figure of this workbook depends on it (nor does the "
                 "model's for these results)"}
SELECTOR = "scenario_selected"
WIDTHS = [36, 48, 14, 13, 60, 11, 11, 24, 34]


@dataclass
class InputNames:
    """Where each input lives: key -> defined name (of the cell the model reads)."""

    names: dict[str, str] = field(default_factory=dict)
    lists: dict[str, str] = field(default_factory=dict)   # list key -> range name
    taken: set[str] = field(default_factory=set)


def _validation(entry: Entry) -> dict:
    kind = "integer" if entry.integer else "decimal"
    message = (f"Allowed: {entry.minimum:g} to "
               f"{'no upper limit' if math.isinf(entry.maximum) else f'{entry.maximum:g}'}"
               f"{' (whole numbers)' if entry.integer else ''}.")
    spec = {"validate": kind, "error_title": "Outside the allowed range",
            "error_message": message, "input_title": "Allowed values",
            "input_message": message[:255]}
    if math.isinf(entry.maximum):
        spec.update(criteria=">=", value=entry.minimum)
    else:
        spec.update(criteria="between", minimum=entry.minimum, maximum=entry.maximum)
    return spec


def write_inputs(wb, ws, fmt: Formats, entries: list[Entry],
                 scenarios: list[tuple[str, dict[str, float]]]) -> InputNames:
    """Write the sheet; ``scenarios`` are (name, key -> value) after the set itself."""
    out = InputNames()
    for c, text in enumerate(HEADER):
        ws.write_string(0, c, text, fmt.header)
    live = VALUE
    if scenarios:
        live = IN_USE
        ws.write_string(0, IN_USE, "in use", fmt.header)
        for s, (name, _) in enumerate(scenarios):
            ws.write_string(0, FIRST_SCENARIO + s, safe_text(name), fmt.header)
    for r, entry in enumerate(entries, start=1):
        kind = UNIT_KINDS.get(entry.unit, "general")
        # Recorded inputs stay editable: the model does not use them for these
        # results either, so an edit changes nothing here or in `modeller run`.
        editable = entry.role != "layout"
        value_fmt = fmt.number(kind, input_cell=editable, locked_input=not editable)
        ws.write_string(r, 0, entry.key, fmt.text)
        ws.write_string(r, 1, safe_text(entry.label), fmt.wrap)
        ws.write_number(r, VALUE, entry.value, value_fmt)
        ws.write_string(r, 3, entry.unit, fmt.text)
        ws.write_string(r, 4, safe_text(entry.source or "not stated in the set"),
                        fmt.wrap)
        ws.write_number(r, 5, entry.minimum, fmt.number(kind))
        if math.isinf(entry.maximum):
            ws.write_string(r, 6, "no limit", fmt.text)
        else:
            ws.write_number(r, 6, entry.maximum, fmt.number(kind))
        ws.write_string(r, 7, safe_text(entry.group), fmt.text)
        ws.write_string(r, 8, USE[entry.role], fmt.note)
        fit_row(ws, r, [(entry.label, WIDTHS[1]), (entry.source or "", WIDTHS[4]),
                        (USE[entry.role], WIDTHS[8])])
        if editable:
            ws.data_validation(r, VALUE, r, VALUE, _validation(entry))
        if scenarios:
            cells = [xl_rowcol_to_cell(r, VALUE)]
            for s, (_, values) in enumerate(scenarios):
                c = FIRST_SCENARIO + s
                ws.write_number(r, c, values[entry.key], value_fmt)
                if editable:
                    ws.data_validation(r, c, r, c, _validation(entry))
                cells.append(xl_rowcol_to_cell(r, c))
            ws.write_formula(r, IN_USE, f"=CHOOSE({SELECTOR},{','.join(cells)})",
                             fmt.number(kind), entry.value)
        name = defined_name(entry.key, out.taken)
        wb.define_name(name, f"={SHEET}!${xl_col_to_name(live)}${r + 1}")
        out.names[entry.key] = name
    # Per-year lists: one row per year, and a name for the whole column of them.
    rows: dict[str, list[int]] = {}
    for r, entry in enumerate(entries, start=1):
        if entry.key.endswith("]") and entry.key.count("[") == 1:
            rows.setdefault(entry.key.split("[")[0], []).append(r + 1)
    for key, rs in rows.items():
        name = defined_name(key, out.taken)
        letter = xl_col_to_name(live)
        wb.define_name(name, f"={SHEET}!${letter}${rs[0]}:${letter}${rs[-1]}")
        out.lists[key] = name
    for c, w in enumerate(WIDTHS):
        ws.set_column(c, c, w)
    if scenarios:
        ws.set_column(IN_USE, FIRST_SCENARIO + len(scenarios) - 1, 16)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, len(entries), len(HEADER) - 1)
    ws.repeat_rows(0)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.protect("", {"autofilter": True, "sort": False})
    return out
