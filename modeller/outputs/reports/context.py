"""Build the template context for each report from a bundle of computed results.

The bundle is plain data (see :func:`modeller.outputs.reports.render_pdf`): the results dict of
``modeller run --format json``, the assumption rows for the appendix, an optional
description and optional scenario results. This module arranges it for the templates and
writes the few sentences whose wording depends on the figures (the ask, break-even
text); the finance director's sections and the board's decision come from
:mod:`modeller.outputs.reports.finance`. It never computes a new money figure that is printed:
the only arithmetic is display scaling (the cohort of 100) and ratios of people counts
(completion and recovery shares), each derived from the bundle.
"""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup

from modeller.outputs.reports import charts, content, presentation, wording
from modeller.outputs.reports import formatting as fmt
from modeller.outputs.reports.citing import Citer
from modeller.outputs.reports.finance import finance
from modeller.outputs.reports import yearly
from modeller.outputs.reports.uncertainty import (board_psa_line, differences, section_numbers,
                                               uncertainty)

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


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def headline(results: dict, perspective: str) -> dict[str, Any]:
    """Display strings for the headline figures (also used by the tests)."""
    t = results["totals"]
    h = results["horizon_years"]
    over = f"over {fmt.years(h)}"
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
                           f"{over} in present values, {perspective}"),
        "roi": fmt.percent(t["roi"]),
        "roi_sentence": (f"{fmt.percent(t['roi'])} return on investment {over} "
                         f"(undiscounted), {perspective}"),
        "cost_per_recovery": fmt.money_pp(t["cost_per_recovery"]),
        "break_even": (f"month {be}" if be is not None
                       else f"not within the {h}-year horizon"),
        "break_even_short": (f"Month {be}" if be is not None else "Not within horizon"),
        "payback": fmt.months(results["per_person_entering"]["payback_months"],
                              missing="never"),
        "payback_sentence": (
            f"One person entering treatment repays their cost (undiscounted) after "
            f"{fmt.months(results['per_person_entering']['payback_months'])}"
            if results["per_person_entering"]["payback_months"] is not None
            else "One person entering treatment never repays their cost from savings, "
                 "even undiscounted"),
        "over": over,
    }


def _ask(results: dict, link=lambda text, anchor: text) -> Markup:
    """The ask, each money figure linked to its derivation (``link``)."""
    t = results["totals"]
    h = results["horizon_years"]
    first = results["by_year"][0] if results["by_year"] else None
    text = Markup("Invest {} over {} in IAPT-LTC talking therapies, offering treatment to "
                  "{} people with long-term physical health conditions and common mental "
                  "health problems").format(link(fmt.money(t["cost"]), "d-cost"),
                                            fmt.years(h), fmt.people(t["entering"]))
    if first is not None:
        text += Markup(" ({} people and {} in year 1)").format(
            fmt.people(first["entering"]),
            link(fmt.money(first["cost"]), yearly.year_anchor(first["year"])))
    return text + "."


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
         "text": f"Savings are counted for people who are {applies}."},
        {"title": "Savings",
         "text": f"Each of them saves the annual saving for their condition ÷ 12 a month "
                 f"for {fmt.months(results['benefit_months'])}, starting "
                 + (f"after {fmt.months(results['treatment_months'], whole=True)} of "
                    f"treatment. " if results["treatment_months"] else
                    "in the month after entry (no treatment length is set). ") +
                 f"Savings falling after the {results['horizon_years']}-year horizon are "
                 f"reported separately."},
        {"title": "Costs",
         "text": "Cost per person entering × people entering, plus any other cost lines, "
                 "in the month they arise."},
        {"title": "Discounting",
         "text": results["discount_convention"].rstrip(" .")
                 + ". Net present value = Σ over years of net × discount factor."},
        {"title": "Ratios",
         "text": f"Benefit–cost ratio = present value of gross savings ÷ present value "
                 f"of cost, both within the {results['horizon_years']}-year horizon "
                 f"(Green Book; “saved per £1”); the lifetime ratio adds the savings and "
                 f"costs after the horizon, discounted the same way. Undiscounted, for "
                 f"comparison: return on investment = (gross savings − cost) ÷ cost; cost "
                 f"per recovery = cost ÷ people recovering. Perspective: the NHS "
                 f"healthcare costs the savings figures cover."},
        {"title": "Counterfactual",
         "text": "Only attributable recoveries save: per person entering, completion × "
                 "recovery − the share who would have recovered anyway "
                 "(outcomes.counterfactual_recovery_rate); costs are unchanged."},
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
            f"in year 1, {fmt.people(t['entering'])} over {fmt.years(results['horizon_years'])}",
            "entering_treatment")
    add(f"Completion {fmt.percent(_ratio(t['completed'], t['entering']))} of people entering",
        "completion_rate")
    add(f"Recovery {fmt.percent(_ratio(t['recovered'], t['completed']))} of people completing",
        "recovery_rate")
    conditions = results["by_condition"]
    if len(conditions) == 1:
        c = conditions[0]
        add(f"Saving per person a year ({c['label']}): {fmt.money_pp(c['annual_saving'])}",
            source=c.get("source"))
    elif conditions:
        savings = ", ".join(f"{c['label']} {fmt.money_pp(c['annual_saving'])}"
                            for c in conditions[:ONE_PAGE_ITEMS])
        if len(conditions) > ONE_PAGE_ITEMS:
            savings += (f" and {len(conditions) - ONE_PAGE_ITEMS} more conditions (in the "
                        "business case)")
        cites = [c["source"] for c in conditions if c.get("source")]
        add(f"Saving per person a year: {savings}",
            source="; ".join(dict.fromkeys(cites)) or None)
    add(f"Savings last {fmt.months(results['benefit_months'])}, counted for people who are "
        f"{results['savings_apply_to']}", "benefit_duration")
    add(f"Cost per person entering treatment: "
        f"{fmt.money_pp(results['per_person_entering']['cost'])}", "per_person_entering")
    discount = _find_row(rows, "discount_rate")
    if discount is not None:
        try:
            rate = f"{fmt.percent(float(discount['value']))} a year"
        except (TypeError, ValueError):  # a schedule: "0.035 from year 1"
            rate = f"{discount['value']} (a schedule; see the business case)"
        add(f"Discount rate {rate}", "discount_rate")
    return items


def _metric_groups(conditions: list[dict]) -> list[dict]:
    """Conditions grouped by the seed metric list that applies to them."""
    groups: dict[str, dict] = {}
    for c in conditions:
        metrics = c["metrics"]
        group = groups.setdefault(metrics["cite"], {"labels": [], "metrics": metrics})
        group["labels"].append(c["label"])
    return list(groups.values())


#: Most conditions, and cost lines, the one-page logic model lists by name; the rest
#: are counted (and listed in the business case).
ONE_PAGE_ITEMS = 5


def _abridged_for_one_page(results: dict, conditions: list[dict]
                           ) -> tuple[dict, list[dict], list[dict]]:
    """Results, conditions and metric groups with long lists cut to ONE_PAGE_ITEMS:
    the first ones by name, then one line for the rest (cost lines: their total)."""
    lines = list(results.get("cost_lines") or [])
    if len(lines) > ONE_PAGE_ITEMS:
        rest = lines[ONE_PAGE_ITEMS - 1:]
        lines = lines[:ONE_PAGE_ITEMS - 1] + [{
            "label": f"{len(rest)} further cost lines (listed in the business case)",
            "total": math.fsum(line["total"] for line in rest)}]
        results = {**results, "cost_lines": lines}
    if len(conditions) > ONE_PAGE_ITEMS:
        shown = conditions[:ONE_PAGE_ITEMS - 1]
        more = len(conditions) - len(shown)
        groups = _metric_groups(shown)
        conditions = shown + [{"label": f"and {more} more conditions (listed in the "
                                        "business case)"}]
        return results, conditions, groups
    return results, conditions, _metric_groups(conditions)


def _output_years(results: dict) -> tuple[list[dict], str | None]:
    """Year rows for the logic model's outputs; long horizons are abridged."""
    years = results["by_year"]
    if len(years) <= 6:
        return years, None
    shown = years[:3] + years[-1:]
    return shown, (f"Years 4 to {len(years) - 1} are in the business case.")


#: Reports that must fit on one page, and the chart height at each compaction level.
ONE_PAGE = {"logic-model", "board-summary"}
_BOARD_CHART_HEIGHT = (1.5, 1.4, 1.3)


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
    titles = list(bundle.get("scenario_titles") or [])
    scenarios = [{**scenario, "title": titles[i] if i < len(titles) else scenario["name"]}
                 for i, scenario in enumerate(scenarios)]

    conditions = []
    for row in results["by_condition"]:
        conditions.append({**row, "metrics": content.metrics_for(row["id"], row["label"])})
    metric_groups = _metric_groups(conditions)
    if kind == "logic-model":  # one page whatever the set holds: long lists are abridged
        results, conditions, metric_groups = _abridged_for_one_page(results, conditions)

    holders = list(results.get("by_budget_holder") or [])
    holder_labels = {h["id"]: h["label"] for h in holders}
    care_categories = [
        {**c, "holder_label": holder_labels.get(c.get("budget_holder"),
                                                c.get("budget_holder") or "not assigned")}
        for c in (results.get("by_care_category") or [])]
    condition_labels = {c["id"]: c["label"] for c in results["by_condition"]}
    evidence_notes = [
        {"label": condition_labels.get(cid, cid), "record": e.get("record") or "",
         "original": e.get("original") or "", "steps": list(e.get("steps") or []),
         "notes": list(e.get("notes") or []), "design": e.get("design"),
         "comparison_group": e.get("comparison_group"),
         "caveats": list(e.get("caveats") or [])}
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
    rows = bundle.get("assumption_rows") or []
    cover = presentation.cover(bundle, results)
    output_years, output_years_note = _output_years(results)
    link = presentation.linker(kind == "business-case")
    return {
        "cite": Citer(),
        "link": link,
        "title": cover["title"],
        "cover": cover,
        "warnings_plain": [wording.plain_warning(w, condition_labels)
                           for w in results["warnings"]],
        "glossary": wording.GLOSSARY,
        "rounding": presentation.rounding(results),
        "rounding_note": fmt.ROUNDING_NOTE,
        "care_share": presentation.care_share(results),
        "volume": presentation.volume_note(scenarios),
        "derivations": presentation.derivations(results, rows,
                                               (unc or {}).get("sensitivity")),
        "year_lines": yearly.year_rows(results) + [yearly.totals_row(results)],
        "cohort_note": yearly.cohort_note(results),
        "holder_lines": yearly.holder_rows(results, rows),
        "evidence_rows": presentation.evidence_rows(
            results, bundle.get("evidence_records") or {}, bundle.get("saving_notes") or {}),
        "uncertainty": unc,
        "numbers": section_numbers(bool(scenarios), unc is not None),
        "board_psa": (board_psa_line(bundle, results, perspective, hl)
                      if kind == "board-summary" else None),
        "kind": kind,
        "compact": compact,
        "label": label,
        "doc_title": f"IAPT-LTC {label.lower()}: {cover['title']}",
        "doc_subject": (f"IAPT-LTC {label.lower()} for {cover['title']}, "
                        f"{fmt.years(results['horizon_years'])}, {perspective}"),
        "results": results,
        "npv_convention": results["discount_convention"].rstrip(" ."),
        "npv_convention_short": _first_sentence(results["discount_convention"]),
        "t": t,
        "pp": results["per_person_entering"],
        "hl": hl,
        "perspective": perspective,
        "description": bundle.get("description"),
        "assumption_rows": rows,
        "scenarios": scenarios,
        "differences": [{**d, "title": s["title"]}
                        for d, s in zip(differences(scenarios), scenarios[1:])],
        "conditions": conditions,
        "budget_holders": holders,
        "care_categories": care_categories,
        "charts": chart_set,
        "ask": _ask(results, link),
        "finance": finance(results, bundle, scenarios, link),
        "why_differ": _why_differ(results, hl),
        "per100": _cohort_of_100(results),
        "completion_share": _ratio(t["completed"], t["entering"]),
        "recovery_share": _ratio(t["recovered"], t["completed"]),
        "method": bundle.get("method") or _method(results),
        "key_assumptions": _key_assumptions(results, rows),
        "metric_groups": metric_groups,
        "output_years": output_years,
        "output_years_note": output_years_note,
        "risks": _risks(),
        "board_risks": presentation.board_risks(_risks(), results),
        "seeds": content,
        "years": fmt.years,
    }
