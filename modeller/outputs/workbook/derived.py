"""The Derived sheet: constants, the benefit duration, per-condition rates in use and
the fixed-cost table, each a named cell the calculation sheets read.

Anything a set leaves out (no per-completer cost, no priced booster, no fixed costs) is
a labelled 0 or an empty row here, so the calculation sheets keep the same rows and
formulas for every set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from xlsxwriter.utility import xl_rowcol_to_cell

from ..cells import safe_text
from .catalogue import defined_name
from .layout import Formats, quote

SHEET = "Derived"


@dataclass
class Derived:
    """Defined names of the derived cells; per condition, and the fixed-cost table."""

    names: dict[str, str] = field(default_factory=dict)
    condition: dict[str, dict[str, str]] = field(default_factory=dict)
    fixed_years: str = ""
    fixed_amounts: str = ""


class _Writer:
    def __init__(self, wb, ws, fmt: Formats, taken: set[str]):
        self.wb, self.ws, self.fmt, self.taken = wb, ws, fmt, taken
        self.r = 2

    def name(self, key: str, r: int, c: int) -> str:
        name = defined_name(key, self.taken)
        cell = xl_rowcol_to_cell(r, c, row_abs=True, col_abs=True)
        self.wb.define_name(name, f"={SHEET}!{cell}")
        return name

    def section(self, text: str) -> None:
        self.r += 1
        self.ws.write_string(self.r, 0, text, self.fmt.section)
        self.r += 1

    def line(self, key: str, label: str, formula: str | None, value: float, kind: str,
             unit: str, note: str = "") -> str:
        ws, r = self.ws, self.r
        ws.write_string(r, 0, safe_text(label), self.fmt.wrap)
        if formula is None:
            ws.write_number(r, 1, value, self.fmt.number(kind))
        else:
            ws.write_formula(r, 1, "=" + formula, self.fmt.number(kind), value)
        ws.write_string(r, 2, unit, self.fmt.text)
        if note:
            ws.write_string(r, 3, safe_text(note), self.fmt.note)
        self.r += 1
        return self.name(key, r, 1)


def write_derived(wb, ws, fmt: Formats, spec, x, ids: list[str], labels: list[str],
                  names: dict[str, str], taken: set[str]) -> Derived:
    """Write the Derived sheet. ``x`` is the model's deterministic :class:`Inputs`."""
    w = _Writer(wb, ws, fmt, taken)
    out = Derived()
    ws.write_string(0, 0, "Derived figures and constants", fmt.title)
    for c, text in enumerate(["Quantity", "Value", "Unit", "How it is worked out"]):
        ws.write_string(2, c, text, fmt.header)
    w.r = 3
    w.section("Constants")
    d = out.names
    d["mpy"] = w.line("months_per_year", "Months in a year", None, 12, "count", "months")
    d["rtol"] = w.line("break_even_rtol", "Break-even test: relative tolerance", None,
                       1e-12, "general", "-", "the model's tolerance when comparing "
                       "cumulative savings with cumulative costs (rounding only)")
    d["atol"] = w.line("break_even_atol", "Break-even test: amounts below this are "
                       "'nothing yet'", None, 1e-9, "general", "GBP")

    w.section("Benefit duration")
    dur = spec.benefit_duration
    b = float(x.benefit_months[0])
    if dur.months is not None:
        formula, how = names["benefit_duration.months"], "the set's benefit_duration.months"
    else:
        formula = "+".join(f"{names[f'benefit_duration.components[{i}].share']}*"
                           f"{names[f'benefit_duration.components[{i}].months']}"
                           for i in range(len(dur.components)))
        how = "sum of share x months over the duration components"
    d["b"] = w.line("benefit_months", "Benefit duration B", formula, b, "months",
                    "months", how)
    d["bfull"] = w.line("benefit_full_months", "Whole months of saving", f"INT({d['b']})",
                        math.floor(b), "count", "months")
    d["bpart"] = w.line("benefit_last_fraction", "Fraction of the last, part month",
                        f"{d['b']}-{d['bfull']}", b - math.floor(b), "ratio", "-",
                        "a fractional last month saves pro rata")

    w.section("Costs in use (0 where the set has none)")
    costs, booster = spec.costs, spec.costs.booster

    def in_use(key, label, value, kind, unit, input_key):
        if input_key in names:
            return w.line(key, label, names[input_key], value, kind, unit)
        return w.line(key, label, None, 0, kind, unit, "not in the set: counts as 0")
    d["per_completer"] = in_use("per_completer_in_use", "Extra cost per completer",
                                float(x.per_completer[0]), "money", "GBP/person",
                                "costs.per_completer")
    d["booster_share"] = in_use("booster_share_in_use", "Share of recovered needing a "
                                "booster", float(x.booster_share[0]), "fraction",
                                "fraction", "costs.booster.share_of_recovered")
    d["booster_cost"] = in_use("booster_cost_in_use", "Booster cost per person",
                               float(x.booster_cost[0]), "money", "GBP/person",
                               "costs.booster.cost_per_person")
    d["booster_months"] = in_use("booster_months_in_use", "Months from entry to the "
                                 "booster", float(x.booster_months), "count", "months",
                                 "costs.booster.months_after_entry")
    del costs, booster

    w.section(f"Conditions (savings apply to the {spec.outcomes.savings_apply_to})")
    head = ["Condition", "Share", "Completion rate", "Recovery rate",
            "Share x completion x recovery", "P(benefit)", "Annual saving [GBP/year]",
            "Lifetime saving per person entering [GBP]"]
    for c, text in enumerate(head):
        ws.write_string(w.r, c, text, fmt.header)
    w.r += 1
    apply_to = spec.outcomes.savings_apply_to
    for c, cid in enumerate(ids):
        r, cond = w.r, spec.conditions[cid]
        cells = {k: xl_rowcol_to_cell(r, i) for i, k in enumerate(
            ["label", "share", "comp", "rec", "prec", "pben", "saving", "pp"])}
        comp = names.get(f"conditions.{cid}.completion_rate", names["outcomes.completion_rate"])
        rec = names.get(f"conditions.{cid}.recovery_rate", names["outcomes.recovery_rate"])
        xs, xc, xr, xa = (float(v[0, c]) for v in (x.share, x.completion, x.recovery,
                                                   x.annual_saving))
        pben = {"recovered": xc * xr, "completed": xc, "entering": 1.0}[apply_to]
        ws.write_string(r, 0, safe_text(cond.label), fmt.wrap)
        ws.write_formula(r, 1, "=" + names[f"conditions.{cid}.share"],
                         fmt.number("fraction"), xs)
        ws.write_formula(r, 2, "=" + comp, fmt.number("fraction"), xc)
        ws.write_formula(r, 3, "=" + rec, fmt.number("fraction"), xr)
        ws.write_formula(r, 4, f"={cells['share']}*{cells['comp']}*{cells['rec']}",
                         fmt.number("fraction"), xs * xc * xr)
        if apply_to == "recovered":
            ws.write_formula(r, 5, f"={cells['comp']}*{cells['rec']}",
                             fmt.number("fraction"), pben)
        elif apply_to == "completed":
            ws.write_formula(r, 5, f"={cells['comp']}", fmt.number("fraction"), pben)
        else:
            ws.write_number(r, 5, 1.0, fmt.number("fraction"))
        ws.write_formula(r, 6, "=" + names[f"conditions.{cid}.annual_saving"],
                         fmt.number("money"), xa)
        ws.write_formula(r, 7, f"={cells['share']}*{cells['pben']}*{cells['saving']}*"
                         f"{d['b']}/{d['mpy']}", fmt.number("money"),
                         xs * pben * xa * b / 12.0)
        out.condition[cid] = {
            "completion": w.name(f"completion_in_use.{cid}", r, 2),
            "recovery": w.name(f"recovery_in_use.{cid}", r, 3),
            "prec": f"{quote(SHEET)}!{xl_rowcol_to_cell(r, 4, True, True)}",
            "pp": f"{quote(SHEET)}!{xl_rowcol_to_cell(r, 7, True, True)}"}
        w.r += 1
    first, last = w.r - len(ids), w.r - 1
    d["prec_range"] = f"{quote(SHEET)}!$E${first + 1}:$E${last + 1}"
    d["pp_range"] = f"{quote(SHEET)}!$H${first + 1}:$H${last + 1}"

    w.section("Fixed costs (each in the year it falls in)")
    for c, text in enumerate(["Fixed cost", "Year", "Amount [GBP]"]):
        ws.write_string(w.r, c, text, fmt.header)
    w.r += 1
    first = w.r
    for i, item in enumerate(spec.costs.fixed):
        ws.write_string(w.r, 0, safe_text(item.label), fmt.wrap)
        ws.write_formula(w.r, 1, "=" + names[f"costs.fixed[{i}].year"],
                         fmt.number("count"), item.year)
        ws.write_formula(w.r, 2, "=" + names[f"costs.fixed[{i}].amount"],
                         fmt.number("money"), float(item.amount.value))
        w.r += 1
    if not spec.costs.fixed:
        ws.write_string(w.r, 0, "(no fixed costs in this set)", fmt.note)
        w.r += 1
    out.fixed_years = f"{quote(SHEET)}!$B${first + 1}:$B${w.r}"
    out.fixed_amounts = f"{quote(SHEET)}!$C${first + 1}:$C${w.r}"

    ws.set_column(0, 0, 52)
    ws.set_column(1, 7, 16)
    ws.set_column(3, 3, 40)
    ws.freeze_panes(3, 0)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2)
    ws.protect()
    return out
