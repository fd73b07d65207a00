"""Report context for the optional analyses: sensitivity (tornado, thresholds), PSA,
the scenario grid and scenario differences.

Part of the context building of :mod:`modeller.outputs.reports.context`, which calls
:func:`uncertainty`, :func:`board_psa_line`, :func:`differences` and
:func:`section_numbers`. Like it, it arranges figures from the bundle and never
computes a printed money figure.
"""

from __future__ import annotations

from modeller.outputs.reports import charts
from modeller.outputs.reports import formatting as fmt


#: Units of a parameter's value by the last part of its dotted path (see
#: docs/uncertainty.md, "Parameters and their paths"), for parameters that arrive
#: without one (PSA drivers, grid columns).
_UNIT_BY_KEY = {
    "discount_rate": "discount rate", "completion_rate": "rate", "recovery_rate": "rate",
    "share": "rate", "share_of_recovered": "rate", "annual_saving": "money",
    "per_person_entering": "money", "per_completer": "money", "cost_per_person": "money",
    "amount": "total money", "treatment_months": "whole months",
    "months_after_entry": "whole months", "entering_treatment": "people",
    "counterfactual_recovery_rate": "rate", "savings_reduction": "rate",
    "cost_uplift": "uplift", "benefit_delay_months": "whole months",
}
_LABEL_BY_PATH = {
    "discount_rate": "Discount rate",
    "activity.entering_treatment": "People entering treatment a year",
    "activity.treatment_months": "Months of treatment before savings start",
    "outcomes.completion_rate": "Completion rate",
    "outcomes.recovery_rate": "Recovery rate",
    "outcomes.counterfactual_recovery_rate": "Counterfactual recovery (share of entrants "
                                             "who would recover anyway)",
    "optimism_bias.cost_uplift": "Optimism bias: cost uplift",
    "optimism_bias.savings_reduction": "Optimism bias: savings reduction",
    "optimism_bias.benefit_delay_months": "Optimism bias: delay to savings",
    "benefit_duration.months": "Benefit duration (months)",
    "costs.per_person_entering": "Cost per person entering treatment",
    "costs.per_completer": "Extra cost per completer",
    "costs.booster.share_of_recovered": "Share of recovered needing a booster",
    "costs.booster.cost_per_person": "Booster cost per person",
    "costs.booster.months_after_entry": "Months from entry to booster",
}
_CONDITION_KEYS = {"share": "share of case mix",
                   "annual_saving": "annual saving per beneficiary",
                   "completion_rate": "completion rate", "recovery_rate": "recovery rate"}

#: Threshold figures: label, unit, and whether a higher value improves the case.
THRESHOLDS = {
    "recovery_rate": ("Recovery rate", "rate", True),
    "annual_saving": ("Annual savings (factor on every condition’s saving)", "factor",
                      True),
    "benefit_months": ("Benefit duration", "months", True),
    "cost_per_person_entering": ("Cost per person entering treatment", "money", False),
    "counterfactual_recovery_rate": ("Counterfactual recovery (share of entrants who "
                                     "would recover anyway)", "rate", False),
}
_THRESHOLD_PHRASE = {
    "counterfactual_recovery_rate": "a counterfactual recovery of {v} of entrants",
    "recovery_rate": "a recovery rate of {v}",
    "annual_saving": "savings {v} times those assumed",
    "benefit_months": "benefits lasting {v}",
    "cost_per_person_entering": "a cost of {v} per person entering treatment",
}

#: PSA summary rows in order: key, label template, kind.
_PSA_ROWS = [
    ("npv", "Net present value {over}", "money"),
    ("net_within_horizon", "Net (savings minus cost) {over}, undiscounted", "money"),
    ("npv_lifetime", "Lifetime NPV of the horizon’s cohorts (discounted)", "money"),
    ("net_lifetime", "Lifetime net of the horizon’s cohorts, undiscounted", "money"),
    ("cost", "Cost {over}, undiscounted", "money"),
    ("gross_savings_within_horizon", "Gross healthcare savings {over}, undiscounted",
     "money"),
    ("gross_savings_lifetime", "Lifetime gross savings, undiscounted", "money"),
    ("benefit_cost_ratio", "Saved per £1 {over} in present values, {perspective}",
     "per_pound"),
    ("roi", "Return on investment {over}, undiscounted, {perspective}", "percent"),
    ("cost_per_recovery", "Cost per person recovering, undiscounted", "money_pp"),
    ("recovered", "People recovering {over}", "people"),
    ("per_person_net", "Net per person entering treatment", "money_pp"),
    ("break_even_month", "Break-even of the running service", "month"),
]

#: Bars in the tornado chart (the largest swings; the table lists every parameter).
TORNADO_BARS = 10

#: Grid rows shown in a table before the rest are left to the CSV.
GRID_TABLE_LIMIT = 40


def param_unit(path: str, results: dict | None = None) -> str:
    """The unit of a parameter from its dotted path (``rate``, ``money``, ...)."""
    key = path.rsplit(".", 1)[-1]
    if path == "benefit_duration.months":
        return "months"
    if key == "entering_treatment" and results is not None:
        entering = {round(y["entering"], 9) for y in results.get("by_year") or []}
        if len(entering) > 1:
            return "factor"
    return _UNIT_BY_KEY.get(key, "")


def param_label(path: str, results: dict, known: dict[str, str] | None = None) -> str:
    """A reader's label for a parameter path (the sensitivity run's own when known)."""
    if known and path in known:
        return known[path]
    if path in _LABEL_BY_PATH:
        if path == "activity.entering_treatment" and param_unit(path, results) == "factor":
            return "People entering treatment (multiplier on every year’s figure)"
        return _LABEL_BY_PATH[path]
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "conditions":
        labels = {c["id"]: c["label"] for c in results.get("by_condition") or []}
        what = _CONDITION_KEYS.get(parts[2], parts[2].replace("_", " "))
        return f"{labels.get(parts[1], parts[1])}: {what}"
    return path


def param_value(value: float | None, unit: str, missing: str = "n/a") -> str:
    """A parameter value for display in its unit: ``43%``, ``£650``, ``26.5 months``."""
    if value is None:
        return missing
    if unit in ("rate", "discount rate", "uplift"):
        return fmt.percent(value)
    if unit == "money":
        return fmt.money_pp(value)
    if unit == "total money":
        return fmt.money(value)
    if unit in ("months", "whole months"):
        return fmt.months(value, whole=unit == "whole months")
    if unit == "people":
        return fmt.people(value)
    if unit == "factor":
        return f"×{fmt.number(value, 2)}"
    return f"{float(value):g}"


def _basis(basis: str | None, default_range: float | None) -> str:
    if basis == "range":
        return "Declared range"
    if basis and basis.startswith("default"):
        share = fmt.percent(default_range) if default_range is not None else None
        return f"Default ±{share}" if share else basis.capitalize()
    return basis or ""


def tornado_rows(s: dict, results: dict) -> tuple[list[dict], float]:
    """Every parameter of the one-way sensitivity run ``s`` as readers see it (label; low,
    high and current value in its unit; basis of its range), and the NPV it moves from."""
    rows = []
    for r in s.get("tornado") or []:
        unit = r.get("unit") or param_unit(r["parameter"], results)
        rows.append({
            **r, "label": r.get("label") or param_label(r["parameter"], results),
            "low_text": param_value(r["low"], unit), "high_text": param_value(r["high"], unit),
            "value_text": param_value(r.get("value"), unit),
            "basis_text": _basis(r.get("basis"), s.get("default_range")),
        })
    return rows, (s.get("base") or {}).get("npv", results["totals"]["npv"])


def _moving(rows: list[dict], base_npv: float) -> list[dict]:
    return [r for r in rows if r["npv_low"] != base_npv or r["npv_high"] != base_npv]


def tornado_drawn(rows: list[dict], base_npv: float) -> list[dict]:
    """The bars of the tornado chart: the rows that move the NPV, largest swing first,
    at most :data:`TORNADO_BARS` (the table lists every row)."""
    return sorted(_moving(rows, base_npv),
                  key=lambda r: -abs(r["npv_high"] - r["npv_low"]))[:TORNADO_BARS]


def _sensitivity_context(s: dict, results: dict, over: str, horizon: int) -> dict:
    rows, base_npv = tornado_rows(s, results)
    shown = _moving(rows, base_npv)
    drawn = tornado_drawn(rows, base_npv)
    chart = (charts.tornado(drawn, base_npv, f"NPV {over}") if drawn else None)

    flips = [r for r in shown if (r["npv_low"] > 0) != (base_npv > 0)
             or (r["npv_high"] > 0) != (base_npv > 0)]
    if rows:
        top = rows[0]
        sentence = (f"The assumption that moves the NPV most is “{top['label']}”: from "
                    f"{top['low_text']} to {top['high_text']} the NPV {over} runs from "
                    f"{fmt.money(top['npv_low'])} to {fmt.money(top['npv_high'])}, against "
                    f"{fmt.money(base_npv)} in this case.")
        if flips == [top]:
            sentence += (" It is the only assumption that, moved on its own within its "
                         "range, changes the sign of the NPV.")
        elif flips:
            names = "; ".join(f"“{r['label']}”" for r in flips)
            sentence += (f" Moved on its own within its range, each of these changes the "
                         f"sign of the NPV: {names}.")
        else:
            verdict = "positive" if base_npv > 0 else "negative"
            sentence += (f" No single assumption moved within its range changes the sign "
                         f"of the NPV: it stays {verdict} at both ends of every range.")
    else:
        sentence = "No assumption was varied."
    unpriced_booster = any(w.startswith("costs.booster:") and "not priced" in w
                           for w in results.get("warnings") or [])
    unchanged = [{**r, "not_priced": ("no booster cost is given"
                                      if unpriced_booster and "booster" in r["parameter"]
                                      else None)}
                 for r in rows if r not in shown]

    thresholds = []
    current = s.get("current") or {}
    for key, (label, unit, higher_better) in THRESHOLDS.items():
        th = (s.get("thresholds") or {}).get(key)
        if th is None:
            continue
        none = "no value in the allowed range breaks even"
        thresholds.append({
            "key": key, "label": label, "unit": unit, "higher_better": higher_better,
            "current": current.get(key), "within_horizon": th.get("within_horizon"),
            "lifetime": th.get("npv_lifetime"),
            "current_text": param_value(current.get(key), unit,
                                        missing="differs by condition"),
            "within_text": param_value(th.get("within_horizon"), unit, missing=none),
            "lifetime_text": param_value(th.get("npv_lifetime"), unit, missing=none),
        })
    return {
        "rows": rows, "unchanged": unchanged, "chart": chart, "sentence": sentence,
        "base_npv": base_npv, "base_net_lifetime": results["totals"]["net_lifetime"],
        "base_npv_lifetime": results["totals"]["npv_lifetime"],
        "not_varied": _group_by_reason(s.get("not_varied") or [], results),
        "drawn": len(drawn), "not_drawn": len(shown) - len(drawn),
        "default_range": s.get("default_range"),
        "thresholds": thresholds,
        "threshold_sentences": _threshold_sentences(thresholds, base_npv,
                                                    results["totals"]["npv_lifetime"],
                                                    horizon),
    }


def _group_by_reason(items: list[dict], results: dict) -> list[dict]:
    """Parameters not varied, grouped by the reason given: ``{"labels", "reason"}``."""
    groups: dict[str, list[str]] = {}
    for n in items:
        groups.setdefault(n.get("reason") or "", []).append(
            param_label(n["parameter"], results))
    return [{"labels": labels, "reason": reason} for reason, labels in groups.items()]


def _threshold_sentences(rows: list[dict], npv: float, net_lifetime: float,
                         horizon: int) -> list[str]:
    """Plain sentences on how far each threshold figure can move."""
    out = []
    for key, base, what, sign in (
            ("within_horizon", npv, f"within {fmt.years(horizon)}",
             "NPV above zero" if npv > 0 else "NPV below zero" if npv < 0 else "NPV zero"),
            ("lifetime", net_lifetime, "over the lifetime of the benefit",
             ("lifetime NPV above zero" if net_lifetime > 0 else
              "lifetime NPV below zero" if net_lifetime < 0 else
              "lifetime NPV zero"))):
        reachable = [r for r in rows if r[key] is not None]
        phrases = []
        for r in reachable:
            value = (fmt.number(r[key], 2) if r["unit"] == "factor"
                     else r["within_text" if key == "within_horizon" else "lifetime_text"])
            phrase = _THRESHOLD_PHRASE[r["key"]].format(v=value)
            if r["current"] is not None and r["unit"] != "factor":
                phrase += f" ({r['current_text']} in this case)"
            phrases.append(phrase)
        if base > 0:
            lead = (f"The case breaks even {what} ({sign}). Taken one at a time, it would "
                    f"stop doing so at")
        elif base < 0:
            lead = (f"The case does not break even {what} ({sign}). To do so it would "
                    f"need, taken one at a time,")
        else:
            lead = f"The case breaks even {what} exactly ({sign}), at"
        if phrases:
            text = f"{lead} " + _or_list(phrases) + "."
        else:
            text = (f"The case does not break even {what} ({sign}), and no allowed "
                    f"value of any of these figures on its own changes that.")
        missing = [r["label"].split(" (")[0].lower() for r in rows if r[key] is None]
        if phrases and missing:
            text += (f" No allowed value of the {_or_list(missing, 'or')} alone breaks "
                     f"even {what}.")
        out.append(text)
    return out


def _or_list(items: list[str], word: str = "or") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _psa_value(value: float | None, kind: str, horizon: int) -> str:
    if kind == "month":
        return (f"month {fmt.people(value)}" if value is not None
                else "not reached")
    if kind == "people":
        return fmt.people(value)
    if kind == "per_pound":
        return fmt.per_pound(value)
    if kind == "percent":
        return fmt.percent(value)
    if kind == "money_pp":
        return fmt.money_pp(value)
    return fmt.money(value)


#: Distribution parameters in the parameter's own unit, as a reader names them; any
#: other (a shape parameter) is printed as written.
_IN_UNIT = {"low": "low", "mode": "mode", "high": "high", "mean": "mean",
            "sd": "standard deviation", "min": "minimum", "max": "maximum"}


def _distribution_text(d: dict, unit: str) -> str:
    """``beta (mean 50%, standard deviation 4.3%)``: the declared parameters in the
    figure's own unit, as the column beside prints the figure (the appendix gives them
    exactly as written)."""
    params = d.get("parameters") or {}
    args = ", ".join(f"{_IN_UNIT[k]} {param_value(v, unit)}" if k in _IN_UNIT
                     else f"{k} {float(v):g}" for k, v in params.items())
    return f"{d.get('type', '')} ({args})" if args else str(d.get("type", ""))


def _psa_context(p: dict, results: dict, over: str, perspective: str, horizon: int,
                 known: dict[str, str]) -> dict:
    summary = p.get("summary") or {}
    rows = []
    for key, label, kind in _PSA_ROWS:
        s = summary.get(key)
        if s is None:
            continue
        rows.append({"key": key,
                     "label": label.format(over=over, perspective=perspective),
                     **{k: _psa_value(s.get(k), kind, horizon)
                        for k in ("mean", "p5", "p50", "p95")}})
    years = list(p.get("years") or range(1, len(p.get("probability_broken_even_by_year")
                                                  or []) + 1))
    by_year = list(p.get("probability_broken_even_by_year") or [])
    chart = charts.probability_by_year(years, by_year, p["draws"]) if by_year else None
    drivers = [{**d, "label": d.get("label") or param_label(d["parameter"], results, known)}
               for d in (p.get("drivers") or [])]
    distributions = []
    for d in p.get("distributions") or []:
        unit = param_unit(d["parameter"], results)
        distributions.append({
            "label": param_label(d["parameter"], results, known),
            "value": param_value(d.get("value"), unit),
            "text": _distribution_text(d, unit),
            "source": d.get("source")})
    pn = p.get("probability_net_positive") or {}
    return {
        "draws": p["draws"], "draws_text": fmt.people(p["draws"]), "seed": p["seed"],
        "rows": rows, "chart": chart, "years": years, "by_year": by_year,
        "p_within": pn.get("within_horizon"), "p_lifetime": pn.get("npv_lifetime"),
        "p_within_text": fmt.percent(pn.get("within_horizon")),
        "p_lifetime_text": fmt.percent(pn.get("npv_lifetime")),
        "point_vs_mean": p.get("point_vs_mean") or [],
        "point_vs_mean_sentence": p.get("point_vs_mean_sentence"),
        "at_edge": [{**e, "value_text": param_value(e["value"], e["unit"]),
                     "low_text": param_value(e["low"], e["unit"]),
                     "high_text": param_value(e["high"], e["unit"])}
                    for e in p.get("central_value_at_edge") or []],
        "drivers": drivers[:8], "drivers_more": max(0, len(drivers) - 8),
        "r_squared": p.get("drivers_r_squared"),
        "distributions": distributions,
        "fixed": [param_label(f, results, known) for f in p.get("fixed_parameters") or []],
        "break_even_mean_missing": (summary.get("break_even_month") or {}).get("mean") is None,
    }


def _base_value(path: str, rows: list[dict]) -> float | None:
    for row in rows:
        if row.get("field") == path:
            try:
                return float(row["value"])
            except (TypeError, ValueError):
                return None
    return None


def _index_of(values: list[float], value: float | None) -> int | None:
    """The position of ``value`` among grid values (to floating-point tolerance)."""
    if value is None:
        return None
    for i, v in enumerate(values):
        if abs(float(v) - value) <= 1e-9 * max(1.0, abs(value)):
            return i
    return None


def _grid_context(g: dict, results: dict, over: str, known: dict[str, str],
                  assumption_rows: list[dict]) -> dict:
    params = list(g.get("parameters") or [])
    rows = list(g.get("rows") or [])
    units = {p: param_unit(p, results) for p in params}
    labels = {p: param_label(p, results, known) for p in params}
    out = {"parameters": [{"path": p, "label": labels[p]} for p in params],
           "count": len(rows), "count_text": fmt.people(len(rows)), "chart": None,
           "table": None, "more": 0}
    if len(params) == 2 and rows:
        y_path, x_path = params
        ys = list(dict.fromkeys(r[y_path] for r in rows))
        xs = list(dict.fromkeys(r[x_path] for r in rows))
        cell = {(r[y_path], r[x_path]): r.get("npv") for r in rows}
        values = [[cell.get((y, x)) for x in xs] for y in ys]
        iy = _index_of(ys, _base_value(y_path, assumption_rows))
        ix = _index_of(xs, _base_value(x_path, assumption_rows))
        highlight = (iy, ix) if iy is not None and ix is not None else None
        out["chart"] = charts.heat_map(
            values, [param_value(x, units[x_path]) for x in xs],
            [param_value(y, units[y_path]) for y in ys], labels[x_path], labels[y_path],
            f"NPV {over}", highlight=highlight)
        out["highlight"] = highlight is not None
    else:
        shown = rows[:GRID_TABLE_LIMIT]
        out["table"] = [{
            "values": [param_value(r[p], units[p]) for p in params],
            "npv": fmt.money(r.get("npv")),
            "net_lifetime": fmt.money(r.get("npv_lifetime", r.get("net_lifetime"))),
            "bcr": fmt.per_pound(r.get("benefit_cost_ratio")),
            "break_even": (f"month {r['break_even_month']}"
                           if r.get("break_even_month") is not None else "not reached"),
        } for r in shown]
        out["more"] = len(rows) - len(shown)
        out["highlight"] = False
    return out


def uncertainty(bundle: dict, results: dict, perspective: str, hl: dict) -> dict | None:
    """The sensitivity, PSA and grid parts of the business case, or ``None`` when the
    bundle carries none of them. Figures are the analyses' own; only display text and
    the charts are made here."""
    s, p, g = bundle.get("sensitivity"), bundle.get("psa"), bundle.get("grid")
    if not (s or p or g):
        return None
    over, horizon = hl["over"], results["horizon_years"]
    sens = _sensitivity_context(s, results, over, horizon) if s else None
    known = {r["parameter"]: r["label"] for r in (sens or {}).get("rows", [])}
    return {
        "sensitivity": sens,
        "psa": _psa_context(p, results, over, perspective, horizon, known) if p else None,
        "grid": (_grid_context(g, results, over, known, bundle.get("assumption_rows") or [])
                 if g else None),
    }


def board_psa_line(bundle: dict, results: dict, perspective: str, hl: dict) -> str | None:
    """One sentence of the PSA result for the board summary, or ``None``."""
    p = bundle.get("psa")
    if not p:
        return None
    pn = p.get("probability_net_positive") or {}
    return (f"In {fmt.people(p['draws'])} simulations, a "
            f"{fmt.percent(pn.get('within_horizon'))} chance that the NPV {hl['over']} is "
            f"above zero and {fmt.percent(pn.get('npv_lifetime'))} that the lifetime NPV "
            f"(discounted) is above zero ({perspective}).")


DIFFERENCE_FIGURES = ("totals.cost", "totals.gross_savings_within_horizon",
                      "totals.net_within_horizon", "totals.npv",
                      "totals.gross_savings_lifetime")


def differences(scenarios: list[dict]) -> list[dict]:
    """Each scenario after the first with its differences from the first (the same
    figures as ``modeller compare``), keyed by figure."""
    if not scenarios:
        return []
    from modeller.outputs.text import compare_dict

    rows = {r["figure"]: r for r in compare_dict(scenarios)["headlines"]}
    return [{"name": scenario["name"],
             "diff": {key.split(".", 1)[1]: rows[key]["difference_from_first"][i]
                      for key in DIFFERENCE_FIGURES}}
            for i, scenario in enumerate(scenarios) if i > 0]


def section_numbers(scenarios: bool, uncertain: bool) -> dict[str, int]:
    """Numbers of the business case's sections after the management case (8)."""
    numbers, n = {}, 8
    for key, present in (("scenarios", scenarios), ("uncertainty", uncertain),
                         ("risks", True), ("benefits", True)):
        if present:
            n += 1
            numbers[key] = n
    return numbers
