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
from modeller.outputs.reports import variants
from modeller.outputs.reports.wording import short_hash
from modeller.outputs.reports.yearly import AFFORDABLE, affordability

_BASIS = {"gross": "gross (treatment cost not deducted)",
          "net": "net of the intervention’s cost", "unknown": "gross or net not stated",
          "not_applicable": ""}
_CARE = {"secondary": "secondary care only", "primary": "primary care only",
         "both": "primary and secondary care", "unknown": "care setting not stated",
         "not_healthcare": "not healthcare costs"}
_COMPARISON = {"yes": "yes.",
               "no": "none: a before/after change, which also counts people who would "
                     "have recovered anyway (see the counterfactual in the economic case).",
               None: "not stated in the source, so the figure may include recoveries "
                     "that would have happened anyway."}
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
    fin = results.get("financial") or {}
    checks["affordability"] = False
    if fin.get("totals"):  # in the terms the table prints
        years = [affordability(fin, y) for y in fin.get("by_year") or []]
        total = affordability(fin, fin["totals"])
        checks["affordability"] = any(
            not fmt.adds_up([y[k] for y in years], total[k]) for k in AFFORDABLE)
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


def derivations(results: dict, rows: list[dict], sensitivity: dict | None = None
                ) -> list[dict[str, Any]]:
    """The appendix lines that derive each headline money figure, with their anchors.

    Each line is the figure, the formula with this run's own numbers (people × rate ×
    £ = total), and the sources of its inputs (cited by the template); then the lines
    of the figures before optimism bias and of the sensitivity range (``sensitivity``:
    the report's sensitivity context), :mod:`modeller.outputs.reports.variants`.
    """
    t, p = results["totals"], results["per_person_entering"]
    h, applies = results["horizon_years"], results["savings_apply_to"]
    who = _BENEFICIARIES.get(applies, applies)
    money, pp = fmt.money, fmt.money_pp

    def source(*needles: str) -> list[str]:
        # every input a figure uses (each condition's saving, not only the first), once
        found = [r["source"] for n in needles for r in rows
                 if n in str(r.get("field", "")) and r.get("source")]
        return list(dict.fromkeys(found))

    def line(anchor: str, figure: str, value: str, formula: str, *needles: str) -> dict:
        return {"id": anchor, "figure": figure, "value": value, "formula": formula,
                "sources": source(*needles)}

    lines = results.get("cost_lines") or []
    cost_formula = (" + ".join(f"{c['label']} {money(c['total'])}" for c in lines)
                    if len(lines) > 1 else
                    f"{fmt.people(t['entering'])} people entering treatment × "
                    f"{pp(p['cost'])} per person")
    savings = "; ".join(f"{c['label']}: {fmt.people(c[applies])} people × "
                        f"{pp(c['annual_saving'])} a year" for c in results["by_condition"])
    gross, cost = money(t["gross_savings_within_horizon"]), money(t["cost"])

    def discounted(key: str) -> str:
        years = results["by_year"]
        return variants.discounted_terms(years, [y["discount_factor"] for y in years], key)
    terms = discounted("net")

    fin = results.get("financial") or {}
    fin_totals = fin.get("totals") or {}
    cash = fin_totals.get("cash_releasing_savings")
    ss = fin.get("steady_state") or {}
    vfm = (results.get("appraisal") or {}).get("value_for_money") or {}
    extra = []
    if cash is not None:
        extra.append(line("d-cash", f"Net cash position over {h} years",
                          money(fin_totals["net_cash_releasing"]),
                          f"cash-releasing savings {money(cash)} (the savings of care "
                          f"categories stated to release cash) − cost {cost}"))
    if ss:
        per = ss["entering_per_year"] * p["gross_saving"]
        product = (f" ({fmt.people(ss['entering_per_year'])} people × "
                   f"{pp(p['gross_saving'])} expected gross saving per person)"
                   if abs(per - ss["annual_gross_savings"]) < 0.5 else "")
        extra.append(line("d-steady", "Steady-state year (net)", money(ss["annual_net"]),
                          f"one year’s entrants’ lifetime gross savings "
                          f"{money(ss['annual_gross_savings'])}{product} − their cost "
                          f"{money(ss['annual_cost'])} (cash-releasing savings "
                          f"{money(ss['annual_cash_releasing_savings'])}; net cash position "
                          f"{money(ss['annual_cash_releasing_savings'])} − "
                          f"{money(ss['annual_cost'])} = "
                          f"{money(ss['annual_net_cash_releasing'])})"))
    if vfm.get("cost_per_attributable_recovery") is not None:
        extra.append(line(
            "d-cpar", "Cost per attributable recovery (present values)",
            pp(vfm["cost_per_attributable_recovery"]),
            f"present value of lifetime cost {money(t['pv_cost_lifetime'])} ÷ "
            f"{fmt.number(t['pv_attributable_recovered'], 1)} attributable recoveries "
            f"(each year’s recoveries discounted as for the NPV); net of lifetime savings: "
            f"({money(t['pv_cost_lifetime'])} − {money(t['pv_gross_savings_lifetime'])}) ÷ "
            f"{fmt.number(t['pv_attributable_recovered'], 1)} = "
            f"{pp(vfm.get('net_cost_per_attributable_recovery'))}", "discount_rate"))
    return [
        line("d-cost", f"Cost over {h} years", cost, cost_formula,
             "entering_treatment", "per_person_entering"),
        line("d-gross", f"Gross healthcare savings over {h} years", gross,
             f"people {who} × annual saving ÷ 12, for each month of the "
             f"{fmt.months(results['benefit_months'])} benefit that falls within the {h} "
             f"years ({savings}); the rest, {money(t['gross_savings_beyond_horizon'])}, "
             f"falls after the horizon (lifetime {money(t['gross_savings_lifetime'])})",
             "annual_saving", "recovery_rate", "completion_rate", "benefit_duration"),
        line("d-net", f"Net over {h} years", money(t["net_within_horizon"]),
             f"gross savings {gross} − cost {cost}"),
        line("d-npv", f"Net present value over {h} years", money(t["npv"]),
             f"Σ net in year t × discount factor of year t = {terms}", "discount_rate"),
        line("d-pvcost", f"Present value of cost over {h} years", money(t["pv_cost"]),
             f"Σ cost in year t × discount factor of year t = {discounted('cost')}",
             "discount_rate"),
        line("d-pvgross", f"Present value of gross savings over {h} years",
             money(t["pv_gross_savings"]),
             f"Σ gross savings in year t × discount factor of year t = "
             f"{discounted('gross_savings')}", "discount_rate"),
        line("d-npvlife", "Lifetime net present value", money(t["npv_lifetime"]),
             f"present value of the lifetime gross savings of the people treated within "
             f"the horizon {money(t['pv_gross_savings_lifetime'])} − present value of "
             f"their lifetime cost {money(t['pv_cost_lifetime'])}, each year discounted as "
             f"for the NPV; {fmt.per_pound(t.get('benefit_cost_ratio_lifetime'))} saved "
             f"per £1", "discount_rate"),
        line("d-bcr", "Saved per £1 (benefit–cost ratio)",
             fmt.per_pound(t["benefit_cost_ratio"]),
             f"present value of gross savings {money(t['pv_gross_savings'])} ÷ present "
             f"value of cost {money(t['pv_cost'])} (each year discounted as for the NPV)",
             "discount_rate"),
        line("d-cpr", "Cost per person recovering", pp(t["cost_per_recovery"]),
             f"cost {cost} ÷ {fmt.people(t['recovered'])} people recovering"
             + (f" (unrounded: {t['recovered']:,.1f})"
                if abs(t["recovered"] - round(t["recovered"])) > 0.05 else ""),
             "recovery_rate"),
        line("d-lifetime", "Lifetime net of the horizon’s cohorts", money(t["net_lifetime"]),
             f"lifetime gross savings {money(t['gross_savings_lifetime'])} − lifetime cost "
             f"{money(t['cost_lifetime'])} (cost within the horizon {cost} + after it "
             f"{money(t['cost_beyond_horizon'])})"),
        line("d-pp", "Per person entering treatment (net)", pp(p["net"]),
             f"probability of recovery {fmt.percent(p['probability_recovered'])} → expected "
             f"gross saving {pp(p['gross_saving'])} − cost {pp(p['cost'])}; for 100 "
             f"people entering: gross savings 100 × {pp(p['gross_saving'])} = "
             f"{money(100 * p['gross_saving'])}, cost 100 × {pp(p['cost'])} = "
             f"{money(100 * p['cost'])}, net {money(100 * p['net'])}",
             "recovery_rate", "annual_saving", "per_person_entering"),
        *extra,
        *variants.optimism_lines(results, line),
        *variants.sensitivity_line(sensitivity, results),
    ]


def linker(active: bool):
    """``link(text, anchor)`` for templates: the figure as a link to its derivation line
    in the business case's appendix; elsewhere (one-page reports, which have no
    appendix) the figure as it is."""
    from markupsafe import Markup

    def link(text, anchor: str):
        if not active or anchor is None:
            return text
        return Markup('<a href="#{}">{}</a>').format(anchor, text)

    return link


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
                "comparison": _COMPARISON.get(record.get("comparison_group"),
                                              _COMPARISON[None]),
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
                "comparison": _COMPARISON[None],
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
