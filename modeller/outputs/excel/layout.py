"""Cell formats and the row writer that every calculation sheet uses.

A calculation sheet is a financial model's usual grid: one quantity per row (label in
column A, unit in B, the total within the horizon in C, the total over every column in
D, a blank spacer in E) and time running left to right from column F: the horizon's
periods, then those after it in which the horizon's cohorts still save or have
boosters (for the lifetime figures). :meth:`TimeSheet.row` writes one formula copied across every time
column, with the model's own figure cached in each cell so that a viewer that never
recalculates still shows the right numbers. In a formula template ``@`` stands for the
current column's letter, ``#`` for the previous column's and ``~`` for this row's
number: a running total is ``SUM(#~,@x)`` (column E is blank, so it starts at 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xlsxwriter.utility import xl_col_to_name

from ..cells import safe_text

FIRST = 5  # column F: the first time column

#: Number formats by kind of figure.
NUMBER_FORMATS = {
    "money": "£#,##0.00;[Red]-£#,##0.00",
    "people": "#,##0.00",
    "fraction": "0.00%",
    "factor": "0.000000",
    "months": "0.00",
    "count": "0",
    "ratio": "0.0000",
    "general": "General",
}

#: Units (as the catalogue names them) -> kind of number format.
UNIT_KINDS = {"GBP": "money", "GBP/year": "money", "GBP/person": "money",
              "fraction": "fraction", "fraction/year": "fraction", "months": "months",
              "people/year": "people", "years": "count", "year": "count"}

INPUT_FILL = "#FFF2CC"   # the conventional input colour: blue text on pale yellow
INPUT_FONT = "#0000FF"


class Formats:
    """The workbook's cell formats, made once per workbook."""

    def __init__(self, wb):
        self.wb = wb
        add = wb.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.section = add({"bold": True, "bg_color": "#D9E1F2"})
        self.header = add({"bold": True, "bottom": 1, "text_wrap": True,
                           "valign": "top"})
        self.text = add({"valign": "top"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.note = add({"italic": True, "font_color": "#595959", "text_wrap": True,
                         "valign": "top"})
        self._cache: dict = {}

    def number(self, kind: str, *, input_cell: bool = False, locked_input: bool = False,
               bold: bool = False):
        """The format for a number of ``kind``; ``input_cell`` ones are unlocked."""
        key = (kind, input_cell, locked_input, bold)
        if key not in self._cache:
            spec = {"num_format": NUMBER_FORMATS[kind], "valign": "top"}
            if input_cell:
                spec.update(bg_color=INPUT_FILL, font_color=INPUT_FONT, locked=False,
                            border=1, border_color="#BFBFBF")
            if locked_input:
                spec.update(bg_color="#EDEDED", font_color="#404040")
            if bold:
                spec["bold"] = True
            self._cache[key] = self.wb.add_format(spec)
        return self._cache[key]


LINE_HEIGHT = 15  # points per line of wrapped text


def fit_row(ws, r: int, cells: list[tuple[str, float]]) -> None:
    """Make row ``r`` tall enough for its wrapped texts: (text, column width) pairs.

    Spreadsheets do not grow a row for wrapped text written by a program, so the
    height is set from an estimate of the lines each text needs (a column of width w
    holds about 1.15 w characters a line)."""
    lines = max([1] + [sum(max(1, -(-len(part) // max(1, int(width * 1.15))))
                           for part in str(text).split("\n"))
                       for text, width in cells])
    if lines > 1:
        ws.set_row(r, LINE_HEIGHT * lines)


def col(i: int) -> str:
    """Column letter of the 0-based time index ``i``."""
    return xl_col_to_name(FIRST + i)


def quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def sum_refs(rows: list["Row"]) -> str:
    """A formula adding ``rows`` in the current column (same sheet)."""
    return "+".join(r.at for r in rows)


@dataclass(frozen=True)
class Row:
    """A written row: where it is and the figures cached in it."""

    sheet: str
    r: int                 # 1-based row number
    n: int                 # time columns
    values: np.ndarray

    @property
    def at(self) -> str:
        """This row in the current column (same sheet)."""
        return f"@{self.r}"

    @property
    def rng(self) -> str:
        """All time columns of this row, absolute (same sheet)."""
        return f"${col(0)}${self.r}:${col(self.n - 1)}${self.r}"

    @property
    def xrng(self) -> str:
        """All time columns, qualified with the sheet name (for other sheets)."""
        return f"{quote(self.sheet)}!{self.rng}"

    @property
    def total(self) -> str:
        """The row's total within the horizon (column C), qualified."""
        return f"{quote(self.sheet)}!$C${self.r}"

    @property
    def life(self) -> str:
        """The row's total over every column (column D), qualified."""
        return f"{quote(self.sheet)}!$D${self.r}"

    def cell(self, i: int) -> str:
        """Time column ``i`` of this row, qualified and absolute."""
        return f"{quote(self.sheet)}!${col(i)}${self.r}"


class TimeSheet:
    """A calculation sheet with ``n`` time columns (years or months), the first ``h``
    of them within the horizon."""

    def __init__(self, ws, name: str, n: int, h: int, fmt: Formats, title: str,
                 period: str):
        self.ws, self.name, self.n, self.h, self.fmt = ws, name, n, h, fmt
        ws.write_string(0, 0, safe_text(title), fmt.title)
        for c, text in enumerate(["", "Unit", "Within the horizon", "All columns"]):
            if text:
                ws.write_string(2, c, text, fmt.header)
        ws.write_string(2, 0, period, fmt.header)
        for i in range(n):  # plain text: the period numbers below count these cells
            ws.write_string(2, FIRST + i, f"{period} {i + 1}"
                            + (" (after the horizon)" if i >= h else ""), fmt.header)
        ws.set_row(2, 2 * LINE_HEIGHT)
        ws.set_column(0, 0, 58)
        ws.set_column(1, 1, 14)
        ws.set_column(2, 3, 16)
        ws.set_column(4, 4, 2)
        ws.set_column(FIRST, FIRST + n - 1, 13)
        ws.freeze_panes(4, FIRST)
        ws.repeat_rows(2, 3)
        ws.repeat_columns(0, 0)
        self.next = 3  # 0-based row of the period-number row

    def section(self, text: str) -> None:
        self.next += 1
        self.ws.write_string(self.next, 0, safe_text(text), self.fmt.section)
        self.next += 1

    def row(self, label: str, unit: str, template: str, values, kind: str, *,
            total: str | None = None, bold: bool = False) -> Row:
        """Write ``template`` in every time column; ``total`` is "sum" or "last"."""
        r0 = self.next
        self.next += 1
        values = np.asarray(values, dtype=float).reshape(-1)
        if values.shape != (self.n,):
            raise ValueError(f"{label}: {values.shape[0]} values for {self.n} columns")
        ws, fmt = self.ws, self.fmt.number(kind, bold=bold)
        ws.write_string(r0, 0, safe_text(label), self.fmt.wrap)
        fit_row(ws, r0, [(label, 58)])
        ws.write_string(r0, 1, unit, self.fmt.text)
        for i in range(self.n):
            text = (template.replace("~", str(r0 + 1)).replace("@", col(i))
                    .replace("#", xl_col_to_name(FIRST + i - 1)))
            ws.write_formula(r0, FIRST + i, "=" + text, fmt, float(values[i]))
        row = Row(self.name, r0 + 1, self.n, values)
        h = self.h
        if total == "sum":
            ws.write_formula(r0, 2, f"=SUM({col(0)}{row.r}:{col(h - 1)}{row.r})", fmt,
                             float(values[:h].sum()))
            ws.write_formula(r0, 3, f"=SUM({row.rng})", fmt, float(values.sum()))
        elif total == "last":
            ws.write_formula(r0, 2, f"={col(h - 1)}{row.r}", fmt, float(values[h - 1]))
            ws.write_formula(r0, 3, f"={col(self.n - 1)}{row.r}", fmt, float(values[-1]))
        return row

    def period_row(self, label: str) -> Row:
        """The period numbers 1..n, as formulas (COLUMNS of the range so far)."""
        self.next = 3
        return self.row(label, "", f"COLUMNS(${col(0)}$3:@3)",
                        np.arange(1, self.n + 1), "count")

    def finish(self) -> None:
        """Print set-up: A4 landscape, fit to one page wide."""
        ws = self.ws
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.protect()
