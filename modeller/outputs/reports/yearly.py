"""Derivation lines of the business case's figures by year and by budget holder.

The appendix "How the headline figures are derived" gives the totals; this module gives
each year's own line (cost, gross savings, net, cumulative net, discounted net,
cash-releasing and non-cash-releasing savings, cash terms) and each budget holder's, so
every figure of the economic and financial cases links to a line an auditor can redo with
the numbers printed in it. It computes nothing the model has not: each line restates the
run's own figures (``results``) as the model sums them (modeller/model/engine.py):

- cost of year y = people entering in year y × cost per person entering (one cost line);
- gross savings of year y = Σ over the cohorts t <= y of (cohort t's saving a month
  while its benefit lasts) × (average months of benefit cohort t has within year y),
  where a cohort saves (people entering × expected gross saving per person ÷ benefit
  months) a month [GBP/month] (entries spread evenly over their year, benefit from the
  month after treatment: :func:`modeller.model.engine.cumulative_kernel`);
- net = gross savings − cost; discounted net = net × the year's Green Book factor;
- a budget holder's savings = Σ its care categories' savings; cash-releasing = Σ
  category savings × the category's cash-releasing share (modeller/model/budget.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from modeller.outputs.reports import formatting as fmt

if TYPE_CHECKING:  # numpy loads on first use (_months_in_year), not on import
    import numpy as np

money, pp = fmt.money, fmt.money_pp


def year_anchor(year: int) -> str:
    """The anchor of year ``year``'s derivation row."""
    return f"d-y{year}"


def holder_anchor(holder_id: str) -> str:
    """The anchor of a budget holder's derivation row."""
    return f"d-h-{holder_id}"


def _months_in_year(results: dict):
    """(H, H) array: average months of benefit per person of cohort t (column) within
    year y (row), as the model accrues them. numpy and the model load here, on first
    use: drawing a chart or importing the reports package needs neither."""
    import numpy as np

    from modeller.model.engine import cumulative_kernel

    h, b = results["horizon_years"], float(results["benefit_months"])
    bias = (results.get("appraisal") or {}).get("optimism_bias") or {}
    delay = int(results.get("treatment_months") or 0) + int(
        (bias.get("benefit_delay_months") or 0) if bias.get("applied") else 0)
    kernel = cumulative_kernel(h, delay, np.array([b]))[0]              # (H, M)
    ends = kernel[:, 11::12]                                             # (H, H): t, y
    return np.diff(ends, axis=1, prepend=0.0).T                          # y, t


def signed_sum(values: list[float], factors: list[float] | None = None) -> str:
    """``£1 + £2 − £3``: amounts joined by their signs, as an accountant writes a sum;
    with ``factors``, each amount × its factor (six decimal places, as the year lines
    print discount factors): ``−£1 × 1.000000 − £2 × 0.966184``."""
    out = ""
    for i, v in enumerate(values):
        if i:
            out += " − " if v < 0 and money(abs(v)) != "£0" else " + "
        out += money(abs(v) if i else v)
        if factors is not None:
            out += f" × {fmt.number(factors[i], 6)}"
    return out


def _months_text(value: float) -> str:
    return fmt.number(value, 4).rstrip("0").rstrip(".")


def _cohort_monthly(results: dict) -> list[float]:
    """Each year's entrants' gross saving a month while their benefit lasts. [GBP/month]"""
    per = results["per_person_entering"]["gross_saving"]
    b = float(results["benefit_months"])
    return [y["entering"] * per / b if b else 0.0 for y in results["by_year"]]


def _gross_formula(results: dict, year_index: int, monthly: list[float],
                   months: np.ndarray) -> str:
    y = results["by_year"][year_index]
    terms = [(monthly[t], months[year_index, t]) for t in range(year_index + 1)
             if months[year_index, t] > 1e-12 and monthly[t]]
    total = sum(a * m for a, m in terms)
    if abs(total - y["gross_savings"]) > 0.01 + 1e-9 * abs(y["gross_savings"]):
        return f"the cohorts’ savings within the year = {money(y['gross_savings'])}"
    if not terms:
        return f"no cohort saves in this year: {money(y['gross_savings'])}"
    if len({round(a, 6) for a, _ in terms}) == 1:
        inner = " + ".join(_months_text(m) for _, m in terms)
        body = (f"{pp(terms[0][0])} a month × "
                + (f"({inner})" if len(terms) > 1 else inner) + " months")
    else:
        body = " + ".join(f"{pp(a)} × {_months_text(m)}" for a, m in terms)
    return f"{body} = {money(y['gross_savings'])}"


def _cost_formula(results: dict, y: dict, fin_year: dict | None) -> str:
    lines = results.get("cost_lines") or []
    text = None
    if len(lines) == 1:  # the model's own cost per person entering, where it reconciles
        rate = results["per_person_entering"]["cost"]
        if abs(y["entering"] * rate - y["cost"]) < 0.005:
            text = f"{fmt.people(y['entering'])} × {pp(rate)} = {money(y['cost'])}"
    if text is None:
        text = f"the year’s cost lines = {money(y['cost'])}"
    if fin_year:
        text += (f" (recurrent {money(fin_year['recurrent_cost'])}, non-recurrent "
                 f"{money(fin_year['non_recurrent_cost'])})")
    return text


def _cash_formula(results: dict, i: int, fy: dict) -> str:
    holders = [h for h in results.get("by_budget_holder") or []
               if h["by_year"][i].get("cash_releasing_savings")]
    cash = fy["cash_releasing_savings"]
    if len(holders) > 1:
        parts = " + ".join(f"{h['label']} {money(h['by_year'][i]['cash_releasing_savings'])}"
                           for h in holders)
        head = f"cash-releasing {parts} = {money(cash)}"
    elif holders:
        head = f"cash-releasing ({holders[0]['label']}) {money(cash)}"
    else:
        head = f"cash-releasing {money(cash)}"
    return f"{head}; {_beyond_cash(fy)}"


def _beyond_cash(f: dict) -> str:
    """The non-cash-releasing savings and the net cash position of ``f`` (a year of the
    model's ``financial`` figures, or their totals), each from the figures it takes."""
    cash = f["cash_releasing_savings"]
    return (f"non-cash-releasing {money(f['gross_savings'])} − {money(cash)} = "
            f"{money(f['non_cash_releasing_savings'])}; net cash position "
            f"{money(cash)} − {money(f['cost'])} = {money(f['net_cash_releasing'])}")


#: The figures a cash-terms line shows, with their names in the line.
_CASH_TERMS_PARTS = (("cost", "cost"), ("recurrent", "recurrent_cost"),
                     ("non-recurrent", "non_recurrent_cost"),
                     ("cash-releasing", "cash_releasing_savings"),
                     ("non-cash-releasing", "non_cash_releasing_savings"),
                     ("net", "net"), ("net cash position", "net_cash_releasing"))


def _cash_terms(fy: dict) -> str:
    """The year's cash-terms figures, as the model gives them (``<key>_cash_terms``)."""
    index = fmt.number(fy["cash_terms_index"], 6)
    return (f"Cash terms, each real-terms figure × {index}: " + "; ".join(
        f"{name} {money(fy[key + '_cash_terms'])}" for name, key in _CASH_TERMS_PARTS))


#: The figures of the financial case's affordability table, in the order it prints them.
AFFORDABLE = ("recurrent_cost", "non_recurrent_cost", "cash_releasing_savings",
              "non_cash_releasing_savings", "net", "net_cash_releasing")


def year_rows(results: dict) -> list[dict[str, Any]]:
    """One derivation row per year of the horizon: ``{"id", "label", "cost", "gross",
    "net", "cash", "cash_terms"}`` (formula texts), then the affordability figures the
    financial case prints for that year (``fin``: :func:`affordability`)."""
    fin = results.get("financial") or {}
    fin_years = fin.get("by_year") or []
    cash_terms = fin.get("terms") == "cash"
    months = _months_in_year(results)
    monthly = _cohort_monthly(results)
    rows, previous = [], 0.0
    for i, y in enumerate(results["by_year"]):
        fy = fin_years[i] if i < len(fin_years) else None
        label = (fy or {}).get("financial_year") or f"Year {y['year']}"
        cumulative = (f"; cumulative {signed_sum([previous, y['net']])} = "
                      f"{money(y['cumulative_net'])}" if i else "")
        rows.append({
            "id": year_anchor(y["year"]), "label": label,
            "cost": _cost_formula(results, y, fy),
            "gross": _gross_formula(results, i, monthly, months),
            "net": (f"{money(y['gross_savings'])} − {money(y['cost'])} = "
                    f"{money(y['net'])}{cumulative}; discounted "
                    f"{money(y['net'])} × {fmt.number(y['discount_factor'], 6)} = "
                    f"{money(y['discounted_net'])}"),
            "cash": _cash_formula(results, i, fy) if fy else "",
            "cash_terms": _cash_terms(fy) if fy and cash_terms else "",
            "fin": affordability(fin, fy) if fy else {},
        })
        previous = y["cumulative_net"]
    return rows


def affordability(fin: dict, figures: dict) -> dict[str, float]:
    """The affordability figures of ``figures`` (a year of the model's ``financial``
    ``by_year``, or its ``totals``) as the financial case prints them: in cash terms where
    the set gives inflation (``fin["terms"]`` "cash": the model's ``<key>_cash_terms``),
    else in real terms. The one place the table's terms are chosen. [GBP]"""
    suffix = "_cash_terms" if fin.get("terms") == "cash" else ""
    return {k: figures[k + suffix] for k in AFFORDABLE}


def cohort_note(results: dict) -> str:
    """How much each year's entrants save a month (the amounts of the savings column)."""
    p = results["per_person_entering"]
    b = results["benefit_months"]
    seen, parts = set(), []
    for y, m in zip(results["by_year"], _cohort_monthly(results)):
        key = (round(y["entering"], 6), round(m, 6))
        if key in seen:
            continue
        seen.add(key)
        parts.append(f"{fmt.people(y['entering'])} people entering × "
                     f"{pp(p['gross_saving'])} expected gross saving per person ÷ "
                     f"{fmt.months(b)} = {pp(m)} a month")
    return "; ".join(parts)


def totals_row(results: dict) -> dict[str, Any]:
    """The horizon's totals as the sums of the year rows (anchor ``d-years``), with the
    financial case's total column (``fin``: :func:`affordability`)."""
    t, years = results["totals"], results["by_year"]
    fin = results.get("financial") or {}
    ft = fin.get("totals") or {}

    def summed(key: str, total: float) -> str:
        values = [y[key] for y in years]
        if len(values) > 2 and len({money(v) for v in values}) == 1:
            return f"{len(values)} × {money(values[0])} = {money(total)}"
        return signed_sum(values) + f" = {money(total)}"
    cash = cash_terms = ""
    if ft and fin.get("terms") == "cash":
        cash_terms = "Cash terms, the sums of the years: " + "; ".join(
            f"{name} " + signed_sum([y[key + "_cash_terms"] for y in fin["by_year"]])
            + f" = {money(ft[key + '_cash_terms'])}"
            for name, key in _CASH_TERMS_PARTS if key in AFFORDABLE)
    if ft:
        cash = f"cash-releasing {money(ft['cash_releasing_savings'])}; {_beyond_cash(ft)}"
    return {"id": "d-years", "label": "Total",
            "cost": summed("cost", t["cost"]) + (
                f" (recurrent {money(ft['recurrent_cost'])}, non-recurrent "
                f"{money(ft['non_recurrent_cost'])})" if ft else ""),
            "gross": summed("gross_savings", t["gross_savings_within_horizon"]),
            "net": (f"{money(t['gross_savings_within_horizon'])} − {money(t['cost'])} = "
                    f"{money(t['net_within_horizon'])}; NPV "
                    + summed("discounted_net", t["npv"])),
            "cash": cash, "cash_terms": cash_terms,
            "fin": affordability(fin, ft) if ft else {}}


def holder_rows(results: dict, rows: list[dict] = ()) -> list[dict[str, Any]]:
    """One derivation row per budget holder: its cost, its savings as the sum of its care
    categories' (within the horizon and lifetime), the cash-releasing part (category
    savings × cash-releasing share), its net, and its net and cash by year; ``sources``:
    the references of the set's split of savings and cash-releasing shares (``rows``:
    the assumptions appendix rows)."""
    sources = list(dict.fromkeys(
        r["source"] for r in rows if r.get("source") and any(
            k in str(r.get("field", "")) for k in ("savings_split", "care_categories"))))
    categories = results.get("by_care_category") or []
    holders = results.get("by_budget_holder") or []
    any_cash = any(h.get("cash_releasing_savings_within_horizon") for h in holders)
    out = []
    for h in holders:
        mine = [c for c in categories if c.get("budget_holder") == h["id"]]
        cost = (f"cost {money(h['cost'])}"
                + (" (all the service’s cost)" if h["cost"] and abs(
                    h["cost"] - results["totals"]["cost"]) < 0.5 else
                   " (the cost lines it funds)" if h["cost"] else " (funds no cost line)"))
        if mine:
            gross = ("gross savings Σ its care categories: " + " + ".join(
                f"{c['label']} {money(c['gross_savings_within_horizon'])}" for c in mine)
                + f" = {money(h['gross_savings_within_horizon'])}; lifetime "
                + " + ".join(money(c["gross_savings_lifetime"]) for c in mine)
                + f" = {money(h['gross_savings_lifetime'])}")
            cash = ("cash-releasing " + " + ".join(
                f"{money(c['gross_savings_within_horizon'])} × "
                f"{fmt.percent(c.get('cash_releasing_share') or 0.0)}" for c in mine)
                + f" = {money(h.get('cash_releasing_savings_within_horizon', 0.0))}")
        else:
            what = ("the savings of conditions not split by care category, all "
                    "non-cash-releasing" if h["id"] == "_not_split"
                    else "no care category’s savings fall to it")
            gross = (f"gross savings {money(h['gross_savings_within_horizon'])} ({what}); "
                     f"lifetime {money(h['gross_savings_lifetime'])}")
            cash = f"cash-releasing {money(h.get('cash_releasing_savings_within_horizon', 0.0))}"
        net = (f"net {money(h['gross_savings_within_horizon'])} − {money(h['cost'])} = "
               f"{money(h['net_within_horizon'])}")
        by_year = "; ".join(
            f"{y.get('financial_year') or 'year ' + str(y['year'])}: "
            f"{money(y['gross_savings'])} − {money(y['cost'])} = {money(y['net'])}"
            + (f", cash-releasing {money(y.get('cash_releasing_savings', 0.0))}, non-cash "
               f"{money(y.get('non_cash_releasing_savings', y['gross_savings']))}"
               if any_cash else "")
            for y in h["by_year"])
        out.append({"id": holder_anchor(h["id"]), "label": h["label"], "sources": sources,
                    "text": f"{cost}; {gross}; {cash}; {net}. By year (gross savings − "
                            f"cost = net): {by_year}"})
    return out
