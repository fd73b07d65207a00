"""Derivation lines of the figures the business case prints from other runs of the model.

Two kinds of figure in the business case come from the model run again with something
changed, not from the set's own run:

- *before optimism bias* (economic case): the set run without its optimism-bias
  adjustment, as :func:`modeller.model.appraisal.optimism_bias` gives it
  (``appraisal.optimism_bias.before``, with each year's figures in ``by_year``);
- *the sensitivity range* (executive summary): the NPV with the most influential
  assumption at the low and the high end of its range, every other input as in the set
  (:func:`modeller.analyses.sensitivity.one_way`).

Each gets an appendix line like the headline figures' own
(:func:`modeller.outputs.reports.presentation.derivations`): the formula with the
numbers printed in it, so an auditor can redo it by hand. Nothing here computes a
money figure: each line restates the model's figures; the only arithmetic is the
check that a product printed with "=" reconciles with the model's figure to the pound
(otherwise the line names the figure without the "=").
"""

from __future__ import annotations

from typing import Any, Callable

from modeller.outputs.reports import formatting as fmt
from modeller.outputs.reports.yearly import signed_sum

money = fmt.money

#: Anchors of the before-optimism-bias lines, by the summary key they derive.
OB_ANCHORS = {"pv_cost": "d-ob-pvcost", "pv_gross_savings": "d-ob-pvgross",
              "npv": "d-ob-npv", "benefit_cost_ratio": "d-ob-bcr",
              "npv_lifetime": "d-ob-npvlife"}
#: The anchor of the sensitivity range's line.
SENSITIVITY_ANCHOR = "d-sens"


def discounted_terms(years: list[dict], factors: list[float], key: str) -> str:
    """``£a × 1.000000 + £b × 0.966184 − £c × 0.933511 ...``: each year's ``key`` × its
    Green Book factor, joined by their signs
    (:func:`~modeller.outputs.reports.yearly.signed_sum`)."""
    return signed_sum([y[key] for y in years], factors)


def _factor(value: float) -> str:
    """A multiplier as an auditor types it: ``1.1``, ``0.85``, ``1.125``."""
    return fmt.number(value, 6).rstrip("0").rstrip(".")


def _times(before: float, factor: float, after: float) -> str | None:
    """``£X × 1.1 = £Y`` when the printed product reconciles with the model's figure."""
    if abs(before * factor - after) <= 0.5 + 1e-9 * abs(after):
        return f"{money(before)} × {_factor(factor)} = {money(after)}"
    return None


def _cost_after(ob: dict, before: dict, after: dict) -> str:
    """How the adjustment takes the present value of cost from before to after it."""
    u = ob.get("cost_uplift")
    if not u:
        return "the adjustment changes no cost: the same after it"
    return (f"with the adjustment every cost × {_factor(1 + u)} (an uplift of "
            f"{fmt.percent(u)}): " + (_times(before["pv_cost"], 1 + u, after["pv_cost"])
                                     or money(after["pv_cost"])))


def _gross_after(ob: dict, before: dict, after: dict) -> str:
    """How the adjustment takes the present value of gross savings from before to after
    it: a product that reconciles (a reduction alone), else the figure after it."""
    s, d = ob.get("savings_reduction"), ob.get("benefit_delay_months")
    parts = ([f"every saving × {_factor(1 - s)} (a reduction of {fmt.percent(s)})"]
             if s else []) + ([f"savings start {fmt.months(d, whole=True)} later"]
                              if d else [])
    if not parts:
        return "the adjustment changes no saving: the same after it"
    how = "with the adjustment " + " and ".join(parts)
    product = None if d else _times(before["pv_gross_savings"], 1 - (s or 0.0),
                                    after["pv_gross_savings"])
    if product:
        return f"{how}: {product}"
    return (how + (", which moves savings into later years, each discounted more"
                   if d else "")
            + f": {money(after['pv_gross_savings'])}, the figure after it (its own line)")


def adjustment_text(ob: dict) -> str:
    """What the adjustment does, in short: ``costs × 1.1, savings × 0.8, savings 2
    months later`` (the parts the set gives)."""
    parts = []
    if ob.get("cost_uplift"):
        parts.append(f"costs × {_factor(1 + ob['cost_uplift'])}")
    if ob.get("savings_reduction"):
        parts.append(f"savings × {_factor(1 - ob['savings_reduction'])}")
    if ob.get("benefit_delay_months"):
        parts.append(f"savings {fmt.months(ob['benefit_delay_months'], whole=True)} "
                     f"later")
    return ", ".join(parts)


def optimism_lines(results: dict, line: Callable[..., dict]) -> list[dict[str, Any]]:
    """The lines of the economic case's "before" column (none when the set applies no
    optimism bias). ``line(anchor, figure, value, formula, *needles)`` makes a line and
    cites the inputs whose keys contain a needle."""
    ob = (results.get("appraisal") or {}).get("optimism_bias") or {}
    if not ob.get("applied"):
        return []
    b, a = ob["before"], ob["after"]
    years = b.get("by_year") or []
    factors = [y["discount_factor"] for y in results["by_year"]]
    over = f"over {results['horizon_years']} years"
    how = f"with the adjustment ({adjustment_text(ob)})"
    needles = ("discount_rate", "optimism_bias")
    return [
        line(OB_ANCHORS["pv_cost"], f"Present value of cost {over}, before optimism bias",
             money(b["pv_cost"]),
             f"Σ cost in year t without the adjustment × discount factor of year t = "
             f"{discounted_terms(years, factors, 'cost')}; {_cost_after(ob, b, a)}",
             *needles),
        line(OB_ANCHORS["pv_gross_savings"],
             f"Present value of gross savings {over}, before optimism bias",
             money(b["pv_gross_savings"]),
             f"Σ gross savings in year t without the adjustment × discount factor of "
             f"year t = {discounted_terms(years, factors, 'gross_savings')}; "
             f"{_gross_after(ob, b, a)}", *needles),
        line(OB_ANCHORS["npv"], f"Net present value {over}, before optimism bias",
             money(b["npv"]),
             f"Σ net in year t without the adjustment × discount factor of year t = "
             f"{discounted_terms(years, factors, 'net')}, the same as present value of "
             f"gross savings {money(b['pv_gross_savings'])} − present value of cost "
             f"{money(b['pv_cost'])}; {how}: {money(a['pv_gross_savings'])} − "
             f"{money(a['pv_cost'])} = {money(a['npv'])}", *needles),
        line(OB_ANCHORS["benefit_cost_ratio"],
             "Saved per £1 (benefit–cost ratio), before optimism bias",
             fmt.per_pound(b["benefit_cost_ratio"]),
             f"present value of gross savings {money(b['pv_gross_savings'])} ÷ present "
             f"value of cost {money(b['pv_cost'])}, both without the adjustment; {how}: "
             f"{money(a['pv_gross_savings'])} ÷ {money(a['pv_cost'])} = "
             f"{fmt.per_pound(a['benefit_cost_ratio'])}", *needles),
        line(OB_ANCHORS["npv_lifetime"], "Lifetime net present value, before optimism bias",
             money(b["npv_lifetime"]),
             f"present value of the lifetime gross savings of the people treated within "
             f"the horizon {money(b['pv_gross_savings_lifetime'])} − present value of "
             f"their lifetime cost {money(b['pv_cost_lifetime'])}, both without the "
             f"adjustment, each year discounted as for the NPV; {how}: "
             f"{money(a['pv_gross_savings_lifetime'])} − {money(a['pv_cost_lifetime'])} = "
             f"{money(a['npv_lifetime'])}", *needles),
    ]


def _range_text(top: dict, default_range: float | None) -> str:
    """How the sensitivity analysis set the assumption's low and high values."""
    if top.get("basis") == "range":
        return "The set declares this range for it, with its source"
    if default_range is None:
        return "No range is declared for it, so the analysis’s default range is used"
    return (f"No range is declared for it, so the range is the set’s value ± "
            f"{fmt.percent(default_range)} ({top['value_text']} × "
            f"{_factor(1 - default_range)} and × {_factor(1 + default_range)}), kept "
            f"within the values it may take")


def sensitivity_line(sens: dict | None, results: dict) -> list[dict[str, Any]]:
    """The line of the executive summary's sensitivity range: the most influential
    assumption (``sens``: the report's sensitivity context, rows largest swing first),
    its low and high values in their units, and the NPV the model gives at each with
    every other input as in the set. None when no assumption was varied."""
    from markupsafe import Markup  # the value breaks after "to" in its narrow column

    rows = (sens or {}).get("rows") or []
    if not rows:
        return []
    top = rows[0]
    h = results["horizon_years"]
    low, high = money(top["npv_low"]), money(top["npv_high"])
    formula = (
        f"the model run again with “{top['label']}” alone moved, every other input as "
        f"in the set: at its low value, {top['low_text']}, the NPV over {h} years is "
        f"{low}; at its high value, {top['high_text']}, it is {high} (at the set’s "
        f"value, {top['value_text']}, {money(sens['base_npv'])}). "
        f"{_range_text(top, sens.get('default_range'))}. The NPV moves by "
        f"{money(top['swing'])} across it, more than across any other assumption’s "
        f"range")
    return [{"id": SENSITIVITY_ANCHOR,
             "figure": f"NPV over {h} years across the range of the most influential "
                       f"assumption", "value": Markup("{} to <br>{}").format(low, high),
             "formula": formula,
             "sources": [top["source"]] if top.get("source") else []}]
