"""What a board reader and an auditor need beyond the figures themselves.

Part of the context building of :mod:`modeller.outputs.reports.context`. Like it, this
module arranges figures the model computed and never prints a new money figure:

* :func:`cover`: title, date, author and sponsor (from the set, never the clock; blanks
  to complete locally), short and full hash.
* :func:`rounding`: for each table with a total, whether its parts as printed add up to
  the total as printed (if not, the table carries the standard rounding note).
* :func:`derivations`: the appendix lines the headline money figures link to, each a
  formula with the run's own numbers and the references of its inputs.
* :func:`evidence_rows`: per condition, how the saving used was arrived at: study
  design, population, basis (gross or net, which care) and transformation.
* :func:`care_share` and :func:`volume_note`: the share of all savings a partial
  table covers, and a warning when compared scenarios treat different numbers of people.
"""

from __future__ import annotations

from typing import Any

from modeller.outputs.reports import formatting as fmt
from modeller.outputs.reports.wording import short_hash

_BASIS = {"gross": "gross (treatment cost not deducted)",
          "net": "net of the intervention’s cost", "unknown": "gross or net not stated",
          "not_applicable": ""}
_CARE = {"secondary": "secondary care only", "primary": "primary care only",
         "both": "primary and secondary care", "unknown": "care setting not stated",
         "not_healthcare": "not healthcare costs"}
_BENEFICIARIES = {"recovered": "recovering", "completed": "completing",
                  "entering": "entering treatment"}


def cover(bundle: dict, results: dict) -> dict[str, Any]:
    """Cover-block fields: the set's own title, date, author and sponsor."""
    given = bundle.get("cover") or {}
    return {
        "title": bundle.get("title") or results["name"],
        "date": given.get("date"), "author": given.get("author"),
        "sponsor": given.get("sponsor"),
        "hash_short": short_hash(results.get("hash")),
    }


def rounding(results: dict) -> dict[str, bool]:
    """Which tables need the rounding note (True: the printed parts do not add up)."""
    years, conds = results["by_year"], results["by_condition"]
    t = results["totals"]
    checks = {
        "activity": any(not fmt.adds_up([y[k] for y in years], t[k], fmt.people)
                        for k in ("entering", "completed", "recovered")),
        "by_year": any(not fmt.adds_up([y[k] for y in years], t[tk])
                       for k, tk in (("cost", "cost"), ("gross_savings",
                                                        "gross_savings_within_horizon"),
                                     ("net", "net_within_horizon"),
                                     ("discounted_net", "npv"))),
        "conditions": any(not fmt.adds_up([c[k] for c in conds], t[k], fmt.people)
                          for k in ("entering", "completed", "recovered"))
        or any(not fmt.adds_up([c[k] for c in conds], t[tk])
               for k, tk in (("cost", "cost"),
                             ("gross_savings_within_horizon",
                              "gross_savings_within_horizon"),
                             ("gross_savings_lifetime", "gross_savings_lifetime"))),
        "cost_lines": not fmt.adds_up([c["total"] for c in results.get("cost_lines") or []],
                                      t["cost"]),
    }
    holders = results.get("by_budget_holder") or []
    checks["holders"] = bool(holders) and any(
        not fmt.adds_up([h[k] for h in holders], t[tk])
        for k, tk in (("cost", "cost"), ("gross_savings_within_horizon",
                                         "gross_savings_within_horizon"),
                      ("net_within_horizon", "net_within_horizon"),
                      ("gross_savings_lifetime", "gross_savings_lifetime")))
    checks["beyond"] = not fmt.adds_up(
        [t["gross_savings_within_horizon"], t["gross_savings_beyond_horizon"]],
        t["gross_savings_lifetime"])
    return checks


def care_share(results: dict) -> dict[str, Any] | None:
    """The part of all gross savings the care-category table covers, with its share."""
    cats = results.get("by_care_category") or []
    if not cats:
        return None
    t = results["totals"]
    within = sum(c["gross_savings_within_horizon"] for c in cats)
    lifetime = sum(c["gross_savings_lifetime"] for c in cats)
    share = within / t["gross_savings_within_horizon"] if t["gross_savings_within_horizon"] \
        else None
    return {"within": within, "lifetime": lifetime, "share": share,
            "complete": share is not None and abs(share - 1) < 1e-9,
            "adds_up": fmt.adds_up([c["gross_savings_within_horizon"] for c in cats], within)
            and fmt.adds_up([c["gross_savings_lifetime"] for c in cats], lifetime)}


def volume_note(scenarios: list[dict]) -> dict[str, Any] | None:
    """When compared scenarios treat different numbers of people: the warning and the
    per-person figures (each scenario's own per-person results)."""
    if len(scenarios) < 2:
        return None
    entering = [s["totals"]["entering"] for s in scenarios]
    differ = max(entering) - min(entering) > 1e-6 * max(1.0, max(entering))
    return {"differ": differ,
            "text": ("These scenarios treat different numbers of people ("
                     + "; ".join(f"{s.get('title') or s['name']}: "
                                 f"{fmt.people(s['totals']['entering'])}"
                                 for s in scenarios)
                     + "), so much of the difference in their totals is volume, not "
                       "value for money. Compare the per-person figures.")
            if differ else None}


def derivations(results: dict, rows: list[dict]) -> list[dict[str, str]]:
    """The appendix lines that derive each headline money figure, with their anchors.

    Each line is the figure, the formula with this run's own numbers (people × rate ×
    £ = total), and the sources of its inputs (cited by the template).
    """
    t, p = results["totals"], results["per_person_entering"]
    years = results["by_year"]
    h = results["horizon_years"]
    conds = results["by_condition"]
    who = _BENEFICIARIES.get(results["savings_apply_to"], results["savings_apply_to"])

    def source(*needles: str) -> list[str]:
        found = []
        for needle in needles:
            for row in rows:
                if needle in str(row.get("field", "")) and row.get("source"):
                    found.append(row["source"])
                    break
        return found

    cost_parts = " + ".join(f"{c['label']}: {fmt.money(c['total'])}"
                            for c in results.get("cost_lines") or [])
    out = [{
        "id": "d-cost", "figure": f"Cost over {h} years", "value": fmt.money(t["cost"]),
        "formula": (f"{fmt.people(t['entering'])} people entering treatment × "
                    f"{fmt.money_pp(p['cost']) if p['cost'] is not None else 'n/a'} per "
                    f"person (the cost lines: {cost_parts})"),
        "sources": source("entering_treatment", "per_person_entering"),
    }]
    savings = "; ".join(
        f"{c['label']}: {fmt.people(c[results['savings_apply_to']] if results['savings_apply_to'] in c else c['recovered'])} "
        f"people × {fmt.money_pp(c['annual_saving'])} a year"
        for c in conds)
    out.append({
        "id": "d-gross", "figure": f"Gross healthcare savings over {h} years",
        "value": fmt.money(t["gross_savings_within_horizon"]),
        "formula": (f"people {who} × annual saving ÷ 12, for each month of the "
                    f"{fmt.months(results['benefit_months'])} benefit that falls within "
                    f"the {h} years ({savings}); the rest, "
                    f"{fmt.money(t['gross_savings_beyond_horizon'])}, falls after the "
                    f"horizon (lifetime {fmt.money(t['gross_savings_lifetime'])})"),
        "sources": source("annual_saving", "recovery_rate", "completion_rate",
                          "benefit_duration"),
    })
    out.append({
        "id": "d-net", "figure": f"Net over {h} years", "value": fmt.money(t["net_within_horizon"]),
        "formula": (f"gross savings {fmt.money(t['gross_savings_within_horizon'])} − cost "
                    f"{fmt.money(t['cost'])}"),
        "sources": [],
    })
    terms = " + ".join(f"{fmt.money(y['net'])} × {fmt.number(y['discount_factor'], 4)}"
                       for y in years)
    out.append({
        "id": "d-npv", "figure": f"Net present value over {h} years",
        "value": fmt.money(t["npv"]),
        "formula": f"Σ net in year t × discount factor of year t = {terms}",
        "sources": source("discount_rate"),
    })
    out.append({
        "id": "d-bcr", "figure": "Saved per £1 (benefit–cost ratio)",
        "value": fmt.per_pound(t["benefit_cost_ratio"]),
        "formula": (f"gross savings {fmt.money(t['gross_savings_within_horizon'])} ÷ cost "
                    f"{fmt.money(t['cost'])}"),
        "sources": [],
    })
    out.append({
        "id": "d-cpr", "figure": "Cost per person recovering",
        "value": fmt.money_pp(t["cost_per_recovery"]),
        "formula": (f"cost {fmt.money(t['cost'])} ÷ {fmt.people(t['recovered'])} people "
                    f"recovering (unrounded: {t['recovered']:,.1f})"),
        "sources": source("recovery_rate"),
    })
    out.append({
        "id": "d-lifetime", "figure": "Lifetime net of the horizon’s cohorts",
        "value": fmt.money(t["net_lifetime"]),
        "formula": (f"lifetime gross savings {fmt.money(t['gross_savings_lifetime'])} − "
                    f"lifetime cost {fmt.money(t['cost_lifetime'])}"),
        "sources": [],
    })
    out.append({
        "id": "d-pp", "figure": "Per person entering treatment (net)",
        "value": fmt.money_pp(p["net"]),
        "formula": (f"probability of recovery {fmt.percent(p['probability_recovered'])} "
                    f"→ expected gross saving {fmt.money_pp(p['gross_saving'])} − cost "
                    f"{fmt.money_pp(p['cost'])}"),
        "sources": source("recovery_rate", "annual_saving", "per_person_entering"),
    })
    return out


def evidence_rows(results: dict, records: dict, notes: dict) -> list[dict[str, Any]]:
    """Per condition: the saving used, its reference, and how honest a figure it is
    (``notes``: each condition's own note on its saving)."""
    out = []
    conversions = results.get("evidence") or {}
    for c in results["by_condition"]:
        record = records.get(c["id"]) or {}
        conv = conversions.get(c["id"]) or {}
        note = notes.get(c["id"])
        if record:
            basis = ", ".join(x for x in (_BASIS.get(record.get("basis"), ""),
                                          _CARE.get(record.get("care"), "")) if x)
            steps = list(conv.get("steps") or [])
            out.append({
                "label": c["label"], "value": fmt.money_pp(c["annual_saving"]),
                "source": c.get("source"),
                "design": record.get("design") or "not described",
                "population": record.get("population") or "not described",
                "basis": basis or "not stated",
                "transformation": "; ".join(steps) if steps else "used as published",
                "published": conv.get("original") or "",
                "caveats": list(record.get("caveats") or []),
            })
        else:
            out.append({
                "label": c["label"], "value": fmt.money_pp(c["annual_saving"]),
                "source": c.get("source"),
                "design": "a judgement or figure given in the source, not a single study",
                "population": "not stated in the set",
                "basis": note or "not stated in the set",
                "transformation": "used as given",
                "published": "", "caveats": [],
            })
    return out


def board_risks(risks: list[dict], results: dict) -> list[dict[str, Any]]:
    """The three risks a board should weigh for this case, each with why it matters
    here (from this run's figures), most pressing first. ``risks`` are the source
    documents' risks (:data:`modeller.outputs.reports.content.RISKS`), in their order."""
    t, h = results["totals"], results["horizon_years"]
    years = results["by_year"]
    holders = results.get("by_budget_holder") or []
    be = t.get("break_even_month")
    payers = [x for x in holders if x["cost"] > 0]
    savers = [x for x in holders if x["gross_savings_within_horizon"] > 0]
    elsewhere = sum(x["gross_savings_within_horizon"] for x in savers
                    if x not in payers)
    here = {
        0: ((f"Here the running service does not break even within {h} years, so the "
             f"savings must be shown over a longer period.", 3) if be is None else
            (f"Here the running service breaks even only in month {be}.", 2)),
        1: ((f"Here {fmt.percent(elsewhere / t['gross_savings_within_horizon'])} of the "
             f"savings fall to budgets that do not pay for the service.", 3)
            if holders and t["gross_savings_within_horizon"] and elsewhere > 0 else
            ("The set does not say which budgets the savings fall to.", 1)
            if not holders else ("", 0)),
        2: ((f"Here {fmt.people(years[0]['entering'])} people are treated from the first "
             f"year, which needs the workforce in post from the start.", 2)
            if years else ("", 0)),
        3: ("Demonstrating the savings needs IAPT and healthcare data linked.", 1),
        4: ((f"Here costs start in year 1 ({fmt.money(years[0]['cost'])}) while savings "
             f"build up over {fmt.months(results['benefit_months'])}.", 2)
            if years else ("", 0)),
    }
    ranked = sorted(range(len(risks)), key=lambda i: (-here.get(i, ("", 0))[1], i))
    return [{"short": risks[i]["short"], "here": here.get(i, ("", 0))[0],
             "quote": min(risks[i]["evidence"], key=lambda e: len(e["text"]))}
            for i in ranked[:3]]
