"""Report context for the finance director: the economic case (options against business
as usual, optimism bias, the counterfactual), the financial case (affordability by
financial year, recurrent and non-recurrent, cash-releasing or not, cash terms, steady
state), value for money, and the board's decision.

The tool writes no recommendation: it states what the figures show, discounted (HM
Treasury Green Book), with their uncertainty, and prints the decision the set asks the
board to take in the set's own words, or leaves it for local completion. Every money
figure here is read from the results (``modeller run --format json``); nothing is
computed that is printed except differences of two printed figures.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from modeller.outputs.reports import formatting as fmt

LOCAL = "… [for local completion: the decision the board is asked to take]"


def _rate_text(results: dict) -> str:
    """'3.5% a year' from the discount factors of the run, or the convention."""
    years = results.get("by_year") or []
    if len(years) >= 2 and years[1]["discount_factor"]:
        r = 1 / years[1]["discount_factor"] - 1
        return f"{fmt.percent(r)} a year"
    return "the set's discount rate"


def statements(results: dict, bundle: dict, link=lambda text, anchor: text) -> list:
    """Plain sentences of what the figures show, discounted, with their uncertainty;
    each money figure linked to its derivation line (``link``, business case only)."""
    t = results["totals"]
    h = results["horizon_years"]
    out: list = []
    npv_word = "above" if t["npv"] > 0 else "below" if t["npv"] < 0 else "exactly"
    out.append(Markup(
        "Discounted at {} (HM Treasury Green Book), the present value of the savings over "
        "{} is {} against {} of cost: a net present value of {} ({} zero), or {} of "
        "savings for each £1 of cost.").format(
        _rate_text(results), fmt.years(h), link(fmt.money(t["pv_gross_savings"]), "d-pvgross"),
        link(fmt.money(t["pv_cost"]), "d-pvcost"), link(fmt.money(t["npv"]), "d-npv"),
        npv_word, link(fmt.per_pound(t["benefit_cost_ratio"]), "d-bcr")))
    life_word = ("above" if t["npv_lifetime"] > 0 else "below" if t["npv_lifetime"] < 0
                 else "exactly")
    out.append(Markup(
        "Counting the savings that the people treated in those {} go on making after it "
        "({} undiscounted), discounted the same way, the lifetime net present value is {} "
        "({} zero; {} per £1).").format(
        fmt.years(h), link(fmt.money(t["gross_savings_beyond_horizon"]), "d-gross"),
        link(fmt.money(t["npv_lifetime"]), "d-npvlife"), life_word,
        link(fmt.per_pound(t.get("benefit_cost_ratio_lifetime")), "d-npvlife")))
    o = results.get("outcomes") or {}
    if o:
        cf = o.get("counterfactual_recovery_rate") or 0.0
        th = (o.get("counterfactual_threshold") or {}).get("within_horizon")
        if cf == 0:
            s = ("These figures credit every recovery to the service: nobody is assumed "
                 "to recover without it")
        else:
            s = (f"These figures assume {fmt.percent(cf)} of the people entering "
                 f"treatment would have recovered without it; only the remaining "
                 f"recoveries earn savings")
        if th is not None:
            s += (f". The NPV over {fmt.years(h)} would be zero if "
                  f"{fmt.percent(th)} of people entering would have recovered anyway.")
        elif t["npv"] < 0:
            s += f". The NPV over {fmt.years(h)} is below zero even with no counterfactual."
        else:
            s += ". The NPV stays above zero whatever share would have recovered anyway."
        out.append(s)
    ob = (results.get("appraisal") or {}).get("optimism_bias") or {}
    if ob.get("applied"):
        out.append(Markup("After the optimism-bias adjustment the NPV is {}; before it, "
                          "{}.").format(link(fmt.money(ob["after"]["npv"]), "d-npv"),
                                        link(fmt.money(ob["before"]["npv"]), "d-ob-npv")))
    else:
        out.append("No optimism-bias adjustment is stated in the assumption set: the "
                   "figures are as estimated, with no allowance for the Green Book's "
                   "systematic tendency of appraisals to understate costs and overstate "
                   "benefits.")
    psa = bundle.get("psa")
    if psa:
        pn = psa.get("probability_net_positive") or {}
        out.append(f"In {fmt.people(psa['draws'])} simulations the NPV over {fmt.years(h)} "
                   f"is above zero in {fmt.percent(pn.get('within_horizon'))} of them.")
        out += [r["sentence"] for r in psa.get("point_vs_mean") or [] if r.get("sentence")
                and r["key"] == "npv"]
    return out


def _option_row(label: str, kind: str, f: dict, note: str | None = None) -> dict:
    return {"label": label, "kind": kind.replace("_", " "), "note": note,
            "pv_cost": f.get("pv_cost"), "pv_gross_savings": f.get("pv_gross_savings"),
            "npv": f.get("npv"), "bcr": f.get("benefit_cost_ratio"),
            "npv_lifetime": f.get("npv_lifetime")}


def _option_label(option: dict, results: dict, title: str | None) -> str:
    """An option's own label, or, where the set gives none (the model then uses the
    set's file name), the set's title: readers see titles, not file names."""
    return title if title and option["label"] == results.get("name") else option["label"]


def options(results: dict, scenarios: list[dict], title: str | None = None) -> list[dict]:
    """Business as usual, this set and each scenario, each incremental to BAU."""
    appraisal = results.get("appraisal") or {}
    listed = appraisal.get("options") or []
    rows = [_option_row(_option_label(o, results, title), o["kind"], o, o.get("description"))
            for o in listed]
    for s in scenarios[1:] if scenarios else []:
        r = s.get("results") or s
        mine = ((r.get("appraisal") or {}).get("options") or [None, None])[1]
        if mine is None:
            continue
        kind = mine["kind"] if mine.get("declared") else "alternative"
        rows.append(_option_row(_option_label(mine, r, s.get("title")), kind, mine,
                                mine.get("description")))
    return rows


def _financial_rows(results: dict) -> list[dict]:
    fin = results.get("financial") or {}
    return [{**y, "label": y.get("financial_year") or f"Year {y['year']}"}
            for y in fin.get("by_year") or []]


def _holder_cash(results: dict) -> list[dict]:
    """Cash-releasing and other savings by holder and year; empty when no category
    states any cash-releasing saving (all are then non-cash-releasing, said in words)."""
    holders = results.get("by_budget_holder") or []
    if not any(h.get("cash_releasing_savings_within_horizon") for h in holders):
        return []
    rows = []
    for h in holders:
        if not h["gross_savings_within_horizon"]:
            continue
        rows.append({"id": h["id"], "label": h["label"],
                     "mechanisms": "; ".join(h.get("cash_releasing_mechanisms") or [])
                     or "none stated (non-cash-releasing)",
                     "years": [{"label": y.get("financial_year") or f"Year {y['year']}",
                                "cash": y.get("cash_releasing_savings", 0.0),
                                "non_cash": y.get("non_cash_releasing_savings",
                                                  y["gross_savings"]),
                                "cost": y["cost"]}
                               for y in h["by_year"]]})
    return rows


def _vfm(results: dict) -> dict:
    v = (results.get("appraisal") or {}).get("value_for_money") or {}
    return {**v, "thresholds": [
        {"threshold": fmt.money(r["threshold"]),
         "needed": (fmt.number(r["qaly_per_recovery_needed"], 3)
                    if r["qaly_per_recovery_needed"] is not None else "n/a")}
        for r in v.get("nice_thresholds") or []]}


def _of_100(outcomes: dict) -> dict[str, str]:
    """Of 100 people entering treatment: how many recover, would have recovered anyway
    and recover because of the service (display scaling of the model's probabilities)."""
    return {name: fmt.people(100 * outcomes[key]) for name, key in (
        ("recovered", "probability_recovered"),
        ("anyway", "counterfactual_recovery_rate"),
        ("attributable", "probability_attributable")) if outcomes.get(key) is not None}


def finance(results: dict, bundle: dict, scenarios: list[dict],
            link=lambda text, anchor: text) -> dict[str, Any]:
    """The ``finance`` context of the business case and the board summary."""
    appraisal = results.get("appraisal") or {}
    fin = results.get("financial") or {}
    years = appraisal.get("price_years") or {}
    return {
        "board_asked_to": appraisal.get("board_asked_to"),
        "local_ask": LOCAL,
        "statements": statements(results, bundle, link),
        "options": options(results, scenarios, bundle.get("title")),
        "optimism_bias": appraisal.get("optimism_bias") or {},
        "outcomes": results.get("outcomes") or {},
        "outcomes_of_100": _of_100(results.get("outcomes") or {}),
        "vfm": _vfm(results),
        "financial": fin,
        "fin_rows": _financial_rows(results),
        "holder_cash": _holder_cash(results),
        "cash_terms": fin.get("terms") == "cash",
        "price_years": years,
        "price_note": (years.get("acknowledged") if years.get("acknowledged") else
                       ("Price years not reconciled: " + years["summary"])
                       if years.get("mixed") or years.get("unknown") else None),
    }
