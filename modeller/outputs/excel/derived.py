"""The Derived sheet: constants, the benefit duration, the years the calculation
covers, the costs and optimism-bias adjustments in use, per-condition rates in use and
the fixed-cost table, each a named cell the calculation sheets read.

Anything a set leaves out (no per-completer cost, no priced booster, no fixed costs, no
counterfactual, no optimism bias) is a labelled 0 or an empty row here, so the
calculation sheets keep the same rows and formulas for every set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from xlsxwriter.utility import xl_rowcol_to_cell

from ..cells import safe_text
from ...model.appraisal import NICE_SOURCE, NICE_THRESHOLDS
from ...model.engine import BREAK_EVEN_ATOL, BREAK_EVEN_RTOL, lifetime_years
from .catalogue import defined_name
from .layout import Formats, fit_row, quote

SHEET = "Derived"


@dataclass
class Derived:
    """Defined names of the derived cells; per condition, and the fixed-cost table."""

    names: dict[str, str] = field(default_factory=dict)
    condition: dict[str, dict[str, str]] = field(default_factory=dict)
    fixed_years: str = ""
    fixed_amounts: str = ""
    fixed_recurrent: str = ""
    categories: dict[str, str] = field(default_factory=dict)


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
        text = f"{label}\n({note})" if note else label
        ws.write_string(r, 0, safe_text(text), self.fmt.wrap)
        if formula is None:
            ws.write_number(r, 1, value, self.fmt.number(kind))
        else:
            ws.write_formula(r, 1, "=" + formula, self.fmt.number(kind), value)
        ws.write_string(r, 2, unit, self.fmt.text)
        fit_row(ws, r, [(text, 52)])
        self.r += 1
        return self.name(key, r, 1)


def scalar(x, name: str) -> float:
    """A per-draw input of the model's :class:`Inputs` (0 where the model has none)."""
    value = getattr(x, name, None)
    return 0.0 if value is None else float(np.asarray(value).reshape(-1)[0])


def per_condition(x, name: str) -> np.ndarray:
    """A (C,) per-condition input of :class:`Inputs` (zeros where the model has none)."""
    value = getattr(x, name, None)
    return np.zeros(x.share.shape[1]) if value is None else np.asarray(value)[0]


def write_derived(wb, ws, fmt: Formats, spec, x, ids: list[str], labels: list[str],
                  names: dict[str, str], taken: set[str]) -> Derived:
    """Write the Derived sheet. ``x`` is the model's deterministic :class:`Inputs`."""
    w = _Writer(wb, ws, fmt, taken)
    out = Derived()
    ws.write_string(0, 0, "Derived figures and constants", fmt.title)
    for c, text in enumerate(["Quantity (how it is worked out)", "Value", "Unit"]):
        ws.write_string(2, c, text, fmt.header)
    w.r = 3
    w.section("Constants")
    d = out.names
    d["mpy"] = w.line("months_per_year", "Months in a year", None, 12, "count", "months")
    d["rtol"] = w.line("break_even_rtol", "Break-even test: relative tolerance", None,
                       BREAK_EVEN_RTOL, "general", "-", "the model's tolerance when comparing "
                       "cumulative savings with cumulative costs (rounding only)")
    d["atol"] = w.line("break_even_atol", "Break-even test: amounts below this are "
                       "'nothing yet'", None, BREAK_EVEN_ATOL, "general", "GBP")

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

    w.section("Costs and optimism-bias adjustments in use (0 where the set has none)")

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
    d["cost_uplift"] = in_use("cost_uplift_in_use", "Optimism bias: uplift on every "
                              "cost", scalar(x, "cost_uplift"), "fraction", "fraction",
                              "optimism_bias.cost_uplift")
    d["savings_reduction"] = in_use("savings_reduction_in_use", "Optimism bias: "
                                    "reduction of every saving",
                                    scalar(x, "savings_reduction"), "fraction",
                                    "fraction", "optimism_bias.savings_reduction")
    d["benefit_delay"] = in_use("benefit_delay_in_use", "Optimism bias: extra months "
                                "before savings start", scalar(x, "benefit_delay_months"),
                                "count", "months", "optimism_bias.benefit_delay_months")
    d["cf_national"] = in_use("counterfactual_national_in_use", "Counterfactual recovery "
                              "rate (the set's national figure)",
                              float(spec.outcomes.counterfactual_recovery_rate.value)
                              if spec.outcomes.counterfactual_recovery_rate else 0.0,
                              "fraction", "fraction",
                              "outcomes.counterfactual_recovery_rate")
    d["bau"] = w.line("business_as_usual", "Business as usual: spent and saved", None, 0,
                      "money", "GBP", "the options are incremental to no service")
    for i, threshold in enumerate(NICE_THRESHOLDS):
        d[f"nice_{i}"] = w.line(f"nice_threshold_{i}", f"NICE threshold {i + 1}", None,
                                threshold, "money", "GBP/QALY", NICE_SOURCE)
    w.section("Timing and the years the calculation covers")
    years = lifetime_years(x)
    d["horizon_months"] = w.line("horizon_months", "Months in the horizon",
                                 f"{names['horizon_years']}*{d['mpy']}", 12 * x.horizon,
                                 "count", "months")
    d["delay"] = w.line("savings_delay_months", "Months from entry until savings can "
                        "start", f"{names['activity.treatment_months']}+{d['benefit_delay']}",
                        x.treatment_months + scalar(x, "benefit_delay_months"), "count",
                        "months", "treatment months + the optimism-bias delay")
    d["years"] = w.line("years_covered", "Year columns in this workbook", None, years,
                        "count", "years", "the horizon and the years after it in which "
                        "its cohorts still save or have boosters")
    d["years_needed"] = w.line(
        "years_needed", "Year columns the inputs need", f"{names['horizon_years']}+"
        f"ROUNDUP(MAX({d['delay']}+ROUNDUP({d['b']},0),{d['booster_months']})/{d['mpy']},0)"
        "+1", years, "count", "years", "if this exceeds the columns, the lifetime "
        "figures miss the last savings: write a new workbook")

    cat_share = {}
    categories = spec.care_categories or {}
    if categories:
        w.section("Care categories: the share of each one's saving that releases cash")
        for cat_id, cat in categories.items():
            stated = getattr(cat, "cash_releasing", None)
            value = float(stated.share.value) if stated is not None else 0.0
            key = f"care_categories.{cat_id}.cash_releasing.share"
            if key in names:
                cat_share[cat_id] = w.line(f"cash_share.{cat_id}", cat.label, names[key],
                                           value, "fraction", "fraction")
            else:
                cat_share[cat_id] = w.line(
                    f"cash_share.{cat_id}", cat.label, None, value, "fraction", "fraction",
                    "as the set states it (not an input of the catalogue)"
                    if stated is not None else "not stated: non-cash-releasing")

    out.categories = cat_share
    w.section(f"Conditions (savings apply to the {spec.outcomes.savings_apply_to}; "
              "the counterfactual recoveries save nothing)")
    head = ["Condition", "Share", "Completion rate", "Recovery rate",
            "Would recover anyway (of entering)", "Share x completion x recovery",
            "Share x attributable recovery", "P(benefit), net of the counterfactual",
            "Cash-releasing share of the saving", "Annual saving [GBP/year]",
            "Lifetime saving per person entering [GBP]"]
    keys = ["label", "share", "comp", "rec", "cf", "prec", "pattr", "pben", "cash",
            "saving", "pp"]
    for c, text in enumerate(head):
        ws.write_string(w.r, c, text, fmt.header)
    fit_row(ws, w.r, [(text, 16) for text in head[1:]])
    w.r += 1
    apply_to = spec.outcomes.savings_apply_to
    cfs, cash = per_condition(x, "counterfactual"), per_condition(x, "cash_share")
    reduction = scalar(x, "savings_reduction")
    b = float(x.benefit_months[0])
    first = w.r
    for c, cid in enumerate(ids):
        r, cond = w.r, spec.conditions[cid]
        at = {k: xl_rowcol_to_cell(r, i) for i, k in enumerate(keys)}
        col = {k: i for i, k in enumerate(keys)}

        def put(key, formula, value, kind="fraction"):
            if formula is None:
                ws.write_number(r, col[key], value, fmt.number(kind))
            else:
                ws.write_formula(r, col[key], "=" + formula, fmt.number(kind), value)
        comp = names.get(f"conditions.{cid}.completion_rate", names.get(
            "outcomes.completion_rate"))
        rec = names.get(f"conditions.{cid}.recovery_rate", names.get(
            "outcomes.recovery_rate"))
        cf = names.get(f"conditions.{cid}.counterfactual_recovery_rate",
                       names.get("outcomes.counterfactual_recovery_rate"))
        xs, xc, xr, xa = (float(v[0, c]) for v in (x.share, x.completion, x.recovery,
                                                   x.annual_saving))
        base = {"recovered": (f"{at['comp']}*{at['rec']}", xc * xr),
                "completed": (at["comp"], xc),
                "entering": ("1", 1.0)}[apply_to]
        pben = max(base[1] - cfs[c], 0.0)
        ws.write_string(r, 0, safe_text(cond.label), fmt.wrap)
        put("share", names[f"conditions.{cid}.share"], xs)
        put("comp", comp, xc)
        put("rec", rec, xr)
        put("cf", cf, cfs[c])
        put("prec", f"{at['share']}*{at['comp']}*{at['rec']}", xs * xc * xr)
        put("pattr", f"{at['share']}*MAX({at['comp']}*{at['rec']}-{at['cf']},0)",
            xs * max(xc * xr - cfs[c], 0.0))
        put("pben", f"MAX({base[0]}-{at['cf']},0)", pben)
        terms = [f"{names[f'conditions.{cid}.savings_split.{cat}']}*{cat_share[cat]}"
                 for cat in (cond.savings_split or {})
                 if f"conditions.{cid}.savings_split.{cat}" in names and cat in cat_share]
        put("cash", "+".join(terms) or None, float(cash[c]))
        put("saving", names[f"conditions.{cid}.annual_saving"], xa, "money")
        put("pp", f"{at['share']}*{at['pben']}*{at['saving']}*{d['b']}/{d['mpy']}*"
            f"(1-{d['savings_reduction']})", xs * pben * xa * b / 12.0 * (1 - reduction),
            "money")
        out.condition[cid] = {
            "completion": w.name(f"completion_in_use.{cid}", r, col["comp"]),
            "recovery": w.name(f"recovery_in_use.{cid}", r, col["rec"]),
            "counterfactual": w.name(f"counterfactual_in_use.{cid}", r, col["cf"]),
            "cash": w.name(f"cash_share_in_use.{cid}", r, col["cash"])}
        w.r += 1
    last = w.r
    for key in ("prec", "pattr", "pp"):
        letter = xl_rowcol_to_cell(0, keys.index(key))[:-1]
        d[f"{key}_range"] = f"{quote(SHEET)}!${letter}${first + 1}:${letter}${last}"

    w.section("Fixed costs (each in the year it falls in)")
    for c, text in enumerate(["Fixed cost", "Year", "Amount [GBP]",
                              "Recurrent (1 = yes, as the set states)",
                              "Recurrent amount [GBP]"]):
        ws.write_string(w.r, c, text, fmt.header)
    w.r += 1
    first = w.r
    for i, item in enumerate(spec.costs.fixed):
        ws.write_string(w.r, 0, safe_text(item.label), fmt.wrap)
        ws.write_formula(w.r, 1, "=" + names[f"costs.fixed[{i}].year"],
                         fmt.number("count"), item.year)
        ws.write_formula(w.r, 2, "=" + names[f"costs.fixed[{i}].amount"],
                         fmt.number("money"), float(item.amount.value))
        ws.write_number(w.r, 3, 1 if item.recurrent else 0, fmt.number("count"))
        ws.write_formula(w.r, 4, f"=IF(D{w.r + 1}=1,C{w.r + 1},0)", fmt.number("money"),
                         float(item.amount.value) if item.recurrent else 0.0)
        w.r += 1
    if not spec.costs.fixed:
        ws.write_string(w.r, 0, "(no fixed costs in this set)", fmt.note)
        w.r += 1
    out.fixed_years = f"{quote(SHEET)}!$B${first + 1}:$B${w.r}"
    out.fixed_amounts = f"{quote(SHEET)}!$C${first + 1}:$C${w.r}"
    out.fixed_recurrent = f"{quote(SHEET)}!$E${first + 1}:$E${w.r}"

    ws.set_column(0, 0, 52)
    ws.set_column(1, 10, 16)
    ws.freeze_panes(3, 0)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2)
    ws.protect()
    return out
