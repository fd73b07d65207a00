"""Build the template context for each report from a bundle of computed results.

The bundle is plain data (see :func:`modeller.outputs.reports.render_pdf`): the results dict of
``modeller run --format json``, the assumption rows for the appendix, an optional
description and optional scenario results. This module arranges it for the templates and
writes the few sentences whose wording depends on the figures (the ask, the
recommendation, break-even text). It never computes a new money figure that is printed:
the only arithmetic is display scaling (the cohort of 100) and ratios of people counts
(completion and recovery shares), each derived from the bundle.
"""

from __future__ import annotations

from typing import Any

from modeller.outputs.reports import charts, content
from modeller.outputs.reports import formatting as fmt

KINDS = ("logic-model", "business-case", "board-summary")

TEMPLATES = {
    "logic-model": "logic_model.html",
    "business-case": "business_case.html",
    "board-summary": "board_summary.html",
}

LABELS = {
    "logic-model": "Logic model",
    "business-case": "Business case",
    "board-summary": "Board summary",
}

#: Whose costs and savings count. The savings figure covers "both primary and secondary
#: care costs" (000_531557c98ba51688.txt:1271-1273): an NHS healthcare perspective.
DEFAULT_PERSPECTIVE = "NHS healthcare perspective"


def _first_sentence(text: str) -> str:
    """The first sentence of ``text``, without its full stop."""
    head = text.split(". ", 1)[0]
    return head.rstrip(" .")


def _years(n: int) -> str:
    return f"{n} year" if n == 1 else f"{n} years"


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def headline(results: dict, perspective: str) -> dict[str, Any]:
    """Display strings for the headline figures (also used by the tests)."""
    t = results["totals"]
    h = results["horizon_years"]
    over = f"over {_years(h)}"
    be = t.get("break_even_month")
    return {
        "investment": fmt.money_short(t["cost"]),
        "investment_full": fmt.money(t["cost"]),
        "gross_within": fmt.money_short(t["gross_savings_within_horizon"]),
        "gross_within_full": fmt.money(t["gross_savings_within_horizon"]),
        "net_within": fmt.money_short(t["net_within_horizon"]),
        "net_within_full": fmt.money(t["net_within_horizon"]),
        "npv": fmt.money_short(t["npv"]),
        "npv_full": fmt.money(t["npv"]),
        "bcr": fmt.per_pound(t["benefit_cost_ratio"]),
        "ratio_sentence": (f"{fmt.per_pound(t['benefit_cost_ratio'])} saved per £1 "
                           f"{over}, {perspective}"),
        "roi": fmt.percent(t["roi"]),
        "roi_sentence": f"{fmt.percent(t['roi'])} return on investment {over}, {perspective}",
        "cost_per_recovery": fmt.money(t["cost_per_recovery"]),
        "break_even": (f"month {be}" if be is not None
                       else f"not within the {h}-year horizon"),
        "break_even_short": (f"Month {be}" if be is not None else "Not within horizon"),
        "payback": fmt.months(results["per_person_entering"]["payback_months"],
                              missing="never"),
        "payback_sentence": (
            f"One person entering treatment repays their cost after "
            f"{fmt.months(results['per_person_entering']['payback_months'])}"
            if results["per_person_entering"]["payback_months"] is not None
            else "One person entering treatment never repays their cost from savings"),
        "over": over,
    }


def _ask(results: dict) -> str:
    t = results["totals"]
    h = results["horizon_years"]
    first = results["by_year"][0] if results["by_year"] else None
    text = (f"Invest {fmt.money(t['cost'])} over {_years(h)} in IAPT-LTC talking "
            f"therapies, offering treatment to {fmt.people(t['entering'])} people with "
            f"long-term physical health conditions and common mental health problems")
    if first is not None:
        text += (f" ({fmt.people(first['entering'])} people and {fmt.money(first['cost'])} "
                 f"in year 1)")
    return text + "."


def _recommendation(results: dict, hl: dict) -> dict[str, str]:
    """The recommendation and its basis; wording follows the sign of the figures."""
    t = results["totals"]
    h = results["horizon_years"]
    if t["npv"] > 0:
        when = (f", breaking even in month {t['break_even_month']}"
                if t.get("break_even_month") is not None else "")
        return {
            "verdict": "Approve, with a local evaluation from the outset",
            "text": (f"On these assumptions the service pays for itself within "
                     f"{_years(h)}: net present value {hl['npv_full']}{when}. Make the "
                     f"approval conditional on a local evaluation that links IAPT and "
                     f"healthcare utilisation data, so the savings can be demonstrated "
                     f"to the budgets where they fall."),
        }
    if t["net_lifetime"] > 0:
        return {
            "verdict": "Approve only if the board accepts savings beyond the horizon",
            "text": (f"On these assumptions the service does not pay back within "
                     f"{_years(h)} (net present value {hl['npv_full']}). People treated "
                     f"go on saving after the horizon "
                     f"({fmt.money(t['gross_savings_beyond_horizon'])} gross), so over "
                     f"the lifetime of their benefit the savings exceed the costs by "
                     f"{fmt.money(t['net_lifetime'])}. The case therefore rests on "
                     f"clinical outcomes and on savings that arrive late and are hard to "
                     f"demonstrate; approve only with a local evaluation from the "
                     f"outset."),
        }
    return {
        "verdict": "Not supported on savings alone",
        "text": (f"On these assumptions the modelled savings do not repay the investment, "
                 f"even over the lifetime of the benefit (net {fmt.money(t['net_lifetime'])}). "
                 f"Any approval would rest on clinical and patient-experience benefits, "
                 f"not on cost offset."),
    }


def _why_differ(results: dict, hl: dict) -> str:
    """Why one cohort's payback and the running service's break-even differ."""
    t = results["totals"]
    be = t.get("break_even_month")
    reason = (f"each year’s new costs arrive before that year’s savings: every new cohort "
              f"is paid for when it starts treatment, while its savings come in month by "
              f"month over the following {fmt.months(results['benefit_months'])}, so a "
              f"running service always carries the costs of people whose savings are "
              f"still to come.")
    if results["per_person_entering"]["payback_months"] is None:
        return (f"{hl['payback_sentence']}, so the running service cannot break even "
                f"either. Even where one person’s savings do repay their cost, a running "
                f"service breaks even later than one person does, because {reason}")
    service = (f"the running service breaks even only in month {be}" if be is not None
               else f"the running service does not break even within the "
                    f"{results['horizon_years']}-year horizon")
    return (f"{hl['payback_sentence']} on average, but {service}. The two differ because "
            f"{reason}")


def _cohort_of_100(results: dict) -> dict[str, str]:
    t = results["totals"]
    p = results["per_person_entering"]
    completed = _ratio(t["completed"], t["entering"])
    recovered = _ratio(t["recovered"], t["entering"])
    def per100(value: float | None) -> float | None:
        return None if value is None else 100 * value

    return {
        "completed": fmt.people(per100(completed)),
        "recovered": fmt.people(per100(recovered)),
        "cost": fmt.money(per100(p["cost"])),
        "gross": fmt.money(per100(p["gross_saving"])),
        "net": fmt.money(per100(p["net"])),
    }


def _method(results: dict) -> list[dict[str, str]]:
    """Plain-language method; a bundle may replace it with its own ``method`` list."""
    applies = results["savings_apply_to"]
    return [
        {"title": "People",
         "text": "People completing = people entering × completion rate; people "
                 "recovering = people completing × recovery rate (the FAQ’s funnel, "
                 "000_531557c98ba51688.txt:1392-1396)."},
        {"title": "Who saves",
         "text": f"Savings are counted for people who are {applies} "
                 f"(setting savings_apply_to)."},
        {"title": "Savings",
         "text": f"Each of them saves the annual saving for their condition ÷ 12 a month "
                 f"for {fmt.months(results['benefit_months'])}, starting after "
                 f"{fmt.months(results['treatment_months'], whole=True)} of treatment. "
                 f"Savings falling after the {results['horizon_years']}-year horizon are "
                 f"reported separately."},
        {"title": "Costs",
         "text": "Cost per person entering × people entering, plus any other cost lines, "
                 "in the month they arise."},
        {"title": "Discounting",
         "text": results["discount_convention"].rstrip(" .")
                 + ". Net present value = Σ over years of net × discount factor."},
        {"title": "Ratios",
         "text": f"Benefit–cost ratio = gross savings ÷ cost, both within the "
                 f"{results['horizon_years']}-year horizon and undiscounted (“saved per "
                 f"£1”); return on investment = (gross savings − cost) ÷ cost; cost per "
                 f"recovery = cost ÷ people recovering. Perspective: the NHS healthcare "
                 f"costs the savings figures cover."},
        {"title": "Break-even and payback",
         "text": "Break-even month: the first month in which cumulative gross savings reach "
                 "cumulative cost. Payback per person entering: the months until one "
                 "person’s expected savings repay their cost."},
    ]


def _risks() -> list[dict]:
    return content.RISKS


def _find_row(rows: list[dict], *needles: str) -> dict | None:
    """The first assumption row whose field contains any of ``needles``."""
    for needle in needles:
        for row in rows:
            if needle in str(row.get("field", "")):
                return row
    return None


def _key_assumptions(results: dict, rows: list[dict]) -> list[dict[str, str | None]]:
    """The assumptions a logic model reader needs, each with its source if known."""
    t = results["totals"]
    items: list[dict[str, str | None]] = []

    def add(text: str, *needles: str, source: str | None = None) -> None:
        row = _find_row(rows, *needles) if needles else None
        items.append({"text": text, "source": source or (row or {}).get("source")})

    if results["by_year"]:
        add(f"People entering treatment: {fmt.people(results['by_year'][0]['entering'])} "
            f"in year 1, {fmt.people(t['entering'])} over {_years(results['horizon_years'])}",
            "entering_treatment")
    add(f"Completion {fmt.percent(_ratio(t['completed'], t['entering']))} of people entering",
        "completion_rate")
    add(f"Recovery {fmt.percent(_ratio(t['recovered'], t['completed']))} of people completing",
        "recovery_rate")
    conditions = results["by_condition"]
    if len(conditions) == 1:
        c = conditions[0]
        add(f"Saving per person a year ({c['label']}): {fmt.money(c['annual_saving'])}",
            source=c.get("source"))
    elif conditions:
        savings = ", ".join(f"{c['label']} {fmt.money(c['annual_saving'])}"
                            for c in conditions)
        cites = [fmt.short_source(c.get("source")) for c in conditions if c.get("source")]
        add(f"Saving per person a year: {savings}",
            source="; ".join(dict.fromkeys(cites)) or None)
    add(f"Savings last {fmt.months(results['benefit_months'])}, counted for people who are "
        f"{results['savings_apply_to']}", "benefit_duration")
    add(f"Cost per person entering treatment: "
        f"{fmt.money(results['per_person_entering']['cost'])}", "per_person_entering")
    discount = _find_row(rows, "discount_rate")
    if discount is not None:
        add(f"Discount rate {discount['value']} ({discount.get('unit') or 'per year'})",
            "discount_rate")
    return items


def _metric_groups(conditions: list[dict]) -> list[dict]:
    """Conditions grouped by the seed metric list that applies to them."""
    groups: dict[str, dict] = {}
    for c in conditions:
        metrics = c["metrics"]
        group = groups.setdefault(metrics["cite"], {"labels": [], "metrics": metrics})
        group["labels"].append(c["label"])
    return list(groups.values())


def _output_years(results: dict) -> tuple[list[dict], str | None]:
    """Year rows for the logic model's outputs; long horizons are abridged."""
    years = results["by_year"]
    if len(years) <= 6:
        return years, None
    shown = years[:3] + years[-1:]
    return shown, (f"Years 4 to {len(years) - 1} are in the business case.")


#: Reports that must fit on one page, and the chart height at each compaction level.
ONE_PAGE = {"logic-model", "board-summary"}
_BOARD_CHART_HEIGHT = (2.15, 1.85, 1.6)


def build_context(kind: str, bundle: dict, compact: int = 0) -> dict[str, Any]:
    """Everything a template needs for ``kind``; charts are rendered here.

    ``compact`` (0, 1, 2) tightens one-page reports when their content would not fit.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown report {kind!r}; choose one of {', '.join(KINDS)}")
    results = bundle["results"]
    perspective = results.get("perspective") or DEFAULT_PERSPECTIVE
    hl = headline(results, perspective)
    scenarios = [s for s in (bundle.get("scenarios") or [])]
    if len(scenarios) < 2:
        scenarios = []
    t = results["totals"]

    conditions = []
    for row in results["by_condition"]:
        conditions.append({**row, "metrics": content.metrics_for(row["id"], row["label"])})

    holders = list(results.get("by_budget_holder") or [])
    holder_labels = {h["id"]: h["label"] for h in holders}
    care_categories = [
        {**c, "holder_label": holder_labels.get(c.get("budget_holder"),
                                                c.get("budget_holder") or "not assigned")}
        for c in (results.get("by_care_category") or [])]
    labels_by_id = {c["id"]: c["label"] for c in results["by_condition"]}
    evidence_notes = [
        {"label": labels_by_id.get(cid, cid), "record": e.get("record") or "",
         "original": e.get("original") or "", "steps": list(e.get("steps") or []),
         "notes": list(e.get("notes") or [])}
        for cid, e in (results.get("evidence") or {}).items()]

    chart_set: dict[str, charts.Chart] = {}
    if kind == "business-case":
        chart_set["cohort"] = charts.cohort_walk(results)
        chart_set["cumulative"] = charts.cumulative(results, height_in=2.4)
        if scenarios:
            chart_set["scenarios"] = charts.scenarios_net(scenarios)
    elif kind == "board-summary":
        chart_set["cumulative"] = charts.cumulative(
            results, height_in=_BOARD_CHART_HEIGHT[min(compact, 2)])

    unc = uncertainty(bundle, results, perspective, hl) if kind == "business-case" else None
    label = LABELS[kind]
    return {
        "uncertainty": unc,
        "numbers": section_numbers(bool(scenarios), unc is not None),
        "board_psa": (board_psa_line(bundle, results, perspective, hl)
                      if kind == "board-summary" else None),
        "kind": kind,
        "compact": compact,
        "label": label,
        "doc_title": f"IAPT-LTC {label.lower()}: {results['name']}",
        "doc_subject": (f"IAPT-LTC {label.lower()} for {results['name']}, "
                        f"{_years(results['horizon_years'])}, {perspective}"),
        "results": results,
        "npv_convention": results["discount_convention"].rstrip(" ."),
        "npv_convention_short": _first_sentence(results["discount_convention"]),
        "t": t,
        "pp": results["per_person_entering"],
        "hl": hl,
        "perspective": perspective,
        "description": bundle.get("description"),
        "assumption_rows": bundle.get("assumption_rows") or [],
        "scenarios": scenarios,
        "differences": _differences(scenarios),
        "conditions": conditions,
        "budget_holders": holders,
        "care_categories": care_categories,
        "evidence_notes": evidence_notes,
        "charts": chart_set,
        "ask": _ask(results),
        "recommendation": _recommendation(results, hl),
        "why_differ": _why_differ(results, hl),
        "per100": _cohort_of_100(results),
        "completion_share": _ratio(t["completed"], t["entering"]),
        "recovery_share": _ratio(t["recovered"], t["completed"]),
        "method": bundle.get("method") or _method(results),
        "key_assumptions": _key_assumptions(results, bundle.get("assumption_rows") or []),
        "metric_groups": _metric_groups(conditions),
        "output_years": _output_years(results)[0],
        "output_years_note": _output_years(results)[1],
        "risks": _risks(),
        "board_risks": [{"short": r["short"],
                         "quote": min(r["evidence"], key=lambda e: len(e["text"]))}
                        for r in _risks()[:3]],
        "seeds": content,
        "years": _years,
    }


# --- sensitivity and uncertainty (optional bundle keys "sensitivity", "psa", "grid") ----

#: Units of a parameter's value by the last part of its dotted path (see
#: docs/uncertainty.md, "Parameters and their paths"), for parameters that arrive
#: without one (PSA drivers, grid columns).
_UNIT_BY_KEY = {
    "discount_rate": "discount rate", "completion_rate": "rate", "recovery_rate": "rate",
    "share": "rate", "share_of_recovered": "rate", "annual_saving": "money",
    "per_person_entering": "money", "per_completer": "money", "cost_per_person": "money",
    "amount": "money", "treatment_months": "whole months",
    "months_after_entry": "whole months", "entering_treatment": "people",
}
_LABEL_BY_PATH = {
    "discount_rate": "Discount rate",
    "activity.entering_treatment": "People entering treatment a year",
    "activity.treatment_months": "Months of treatment before savings start",
    "outcomes.completion_rate": "Completion rate",
    "outcomes.recovery_rate": "Recovery rate",
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
}
_THRESHOLD_PHRASE = {
    "recovery_rate": "a recovery rate of {v}",
    "annual_saving": "savings {v} times those assumed",
    "benefit_months": "benefits lasting {v}",
    "cost_per_person_entering": "a cost of {v} per person entering treatment",
}

#: PSA summary rows in order: key, label template, kind.
_PSA_ROWS = [
    ("npv", "Net present value {over}", "money"),
    ("net_within_horizon", "Net (savings minus cost) {over}, undiscounted", "money"),
    ("net_lifetime", "Lifetime net of the horizon’s cohorts, undiscounted", "money"),
    ("cost", "Cost {over}", "money"),
    ("gross_savings_within_horizon", "Gross healthcare savings {over}", "money"),
    ("gross_savings_lifetime", "Lifetime gross savings", "money"),
    ("benefit_cost_ratio", "Saved per £1 {over}, {perspective}", "per_pound"),
    ("roi", "Return on investment {over}, {perspective}", "percent"),
    ("cost_per_recovery", "Cost per person recovering", "money"),
    ("recovered", "People recovering {over}", "people"),
    ("per_person_net", "Net per person entering treatment", "money"),
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
    if unit in ("rate", "discount rate"):
        return fmt.percent(value)
    if unit == "money":
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


def _sensitivity_context(s: dict, results: dict, over: str, horizon: int) -> dict:
    rows = []
    for r in s.get("tornado") or []:
        unit = r.get("unit") or param_unit(r["parameter"], results)
        rows.append({
            **r, "label": r.get("label") or param_label(r["parameter"], results),
            "low_text": param_value(r["low"], unit), "high_text": param_value(r["high"], unit),
            "value_text": param_value(r.get("value"), unit),
            "basis_text": _basis(r.get("basis"), s.get("default_range")),
        })
    base = s.get("base") or {}
    base_npv = base.get("npv", results["totals"]["npv"])
    shown = [r for r in rows if r["npv_low"] != base_npv or r["npv_high"] != base_npv]
    drawn = sorted(shown, key=lambda r: -abs(r["npv_high"] - r["npv_low"]))[:TORNADO_BARS]
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
    unchanged = [r for r in rows if r not in shown]

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
            "lifetime": th.get("lifetime"),
            "current_text": param_value(current.get(key), unit,
                                        missing="differs by condition"),
            "within_text": param_value(th.get("within_horizon"), unit, missing=none),
            "lifetime_text": param_value(th.get("lifetime"), unit, missing=none),
        })
    return {
        "rows": rows, "unchanged": unchanged, "chart": chart, "sentence": sentence,
        "base_npv": base_npv, "base_net_lifetime": base.get(
            "net_lifetime", results["totals"]["net_lifetime"]),
        "not_varied": _group_by_reason(s.get("not_varied") or [], results),
        "drawn": len(drawn), "not_drawn": len(shown) - len(drawn),
        "default_range": s.get("default_range"),
        "thresholds": thresholds,
        "threshold_sentences": _threshold_sentences(thresholds, base_npv,
                                                    base.get("net_lifetime",
                                                             results["totals"]["net_lifetime"]),
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
            ("within_horizon", npv, f"within {_years(horizon)}",
             "NPV above zero" if npv > 0 else "NPV below zero" if npv < 0 else "NPV zero"),
            ("lifetime", net_lifetime, "over the lifetime of the benefit",
             ("undiscounted net above zero" if net_lifetime > 0 else
              "undiscounted net below zero" if net_lifetime < 0 else
              "undiscounted net zero"))):
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
    return fmt.money(value)


def _distribution_text(d: dict, unit: str) -> str:
    """``beta (mean 0.5, sd 0.0434)``: the declared parameters as written."""
    params = d.get("parameters") or {}
    args = ", ".join(f"{k} {float(v):g}" for k, v in params.items())
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
        "p_within": pn.get("within_horizon"), "p_lifetime": pn.get("lifetime"),
        "p_within_text": fmt.percent(pn.get("within_horizon")),
        "p_lifetime_text": fmt.percent(pn.get("lifetime")),
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
            "net_lifetime": fmt.money(r.get("net_lifetime")),
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
            f"above zero and {fmt.percent(pn.get('lifetime'))} that lifetime savings exceed "
            f"costs ({perspective}).")


DIFFERENCE_FIGURES = ("totals.cost", "totals.gross_savings_within_horizon",
                      "totals.net_within_horizon", "totals.npv",
                      "totals.gross_savings_lifetime")


def _differences(scenarios: list[dict]) -> list[dict]:
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
