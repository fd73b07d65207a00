"""Annualising and converting a cited figure, step by step, never guessing.

Part of :mod:`modeller.inputs.evidence`; see its docstring for units and rules.
"""


from __future__ import annotations

import math

from dataclasses import dataclass


from ..money_text import UNIT_PLACES, amount
from ..yamlsource import Problem
from .records import EvidenceRecord, SYMBOLS, _price_year
from .tables import ConversionTables, _key
from .library import EvidenceError, Library, _suggest


# --------------------------------------------------------------------------------------
# Arithmetic
# --------------------------------------------------------------------------------------

def annualise(record: EvidenceRecord) -> float | None:
    """Per person per year [record currency/person/year, record price year].

    ``value`` for a per-year figure; ``value * 12 / period_months`` for a figure per
    person over a period (spread evenly: a modelling choice, domain brief E4); None for
    a per-episode cost, a non-money figure, a range, or a period the seed does not state.
    """
    if record.currency is None or record.value is None:
        return None
    return _annual(record.value, record)


def annual_range(record: EvidenceRecord) -> tuple[float, float] | None:
    """The annualised ``range`` [currency/person/year], or None (see :func:`annualise`)."""
    if record.currency is None or record.range is None:
        return None
    low, high = (_annual(v, record) for v in record.range)
    return None if low is None or high is None else (low, high)


def _annual(value: float, record: EvidenceRecord) -> float | None:
    if record.unit == "per_person_per_year":
        return value
    if record.unit == "per_person_per_period" and record.period_months:
        return value * 12 / record.period_months
    return None


def flags(record: EvidenceRecord) -> list[str]:
    """Computed checks of the seed's own arithmetic for ``record`` (Derived, not seed text).

    Reports, for a stated conversion, the implied factor, and, where the seed states its
    own annual figure, whether it equals value * 12 / period and which divisor it implies.
    """
    out: list[str] = []
    sc = record.stated_conversion
    if sc is None or record.value is None:
        return out
    factor = sc.value / record.value
    out.append(f"Derived: the seed's conversion implies a factor of {factor:.4f} "
               f"({_money(sc.value, sc.currency)} / {_money(record.value, record.currency)}), "
               + ("covering currency and prices together" if sc.currency != record.currency
                  else "for prices only")
               + f"; its method is not given beyond {sc.by!r}.")
    if sc.annual_value is not None and record.period_months:
        ours = sc.value * 12 / record.period_months
        if abs(ours - sc.annual_value) > 0.5:
            years = record.period_months / 12
            implied = sc.value / sc.annual_value
            out.append(
                f"Derived: the seed's {_money(sc.annual_value, sc.currency)} a year does not "
                f"equal {_money(sc.value, sc.currency)} over {_num(years)} years "
                f"(= {_money(ours, sc.currency)} a year); it implies a divisor of "
                f"{_num(implied)} years ({_money(sc.value, sc.currency)} / "
                f"{round(implied)} = {_money(sc.value / round(implied), sc.currency)}).")
    return out


def _num(x: float) -> str:
    """``1337`` -> ``1,337``; ``23.5`` -> ``23.5``; ``4.0139`` -> ``4.01``."""
    if not math.isfinite(x):
        return str(x)
    if abs(x - round(x)) < 1e-9:
        return f"{int(round(x)):,}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _money(x: float, currency: str | None) -> str:
    """A per-person figure with pence, as the reports print one (``£1,337.00``,
    ``US$340.28``, ``£73.50``): every money figure of the evidence library is per person
    (or per episode), so every amount in a conversion step is a unit figure."""
    if currency is None or not math.isfinite(x):
        return _num(x)
    return amount(x, UNIT_PLACES, SYMBOLS.get(currency, currency + " "))


def _prices(year: int | str | None) -> str:
    return "price year not stated" if year is None else f"{year} prices"


def describe_value(record: EvidenceRecord) -> str:
    """The figure as published, in words: ``£837.00 per person over 6 months``,
    ``20% reduction in healthcare costs``, ``0.12 fewer emergency department attendances
    per person over 6 months``."""
    q = {"over": "over ", "around": "around ", "up_to": "up to ", None: ""}[record.qualifier]
    what = record.quantity
    if record.value is None:
        if record.range is not None and record.currency is not None:
            low, high = (_money(x, record.currency) for x in record.range)
            v = f"{low}-{high}"
        elif record.parts:
            return "see parts"
        else:
            return "no figure (finding)"
    elif record.currency is not None:
        v = _money(record.value, record.currency)
    else:
        v = _num(record.value)
    over = (f" over {_num(record.period_months)} months"
            if record.period_months and record.period_months != 12 else "")
    if record.unit == "per_person_per_year":
        text = f"{v} per person per year"
    elif record.unit == "per_person_per_period":
        text = (f"{v} per person over {_num(record.period_months)} months"
                if record.period_months else f"{v} per person (period not stated)")
    elif record.unit == "per_episode":
        text = f"{v} {what or 'per episode'}"
    elif record.unit == "percent":
        text = f"{v}%" + (f" {record.direction}" if record.direction else "") \
            + (f" in {what}" if what else "") + over
    elif record.unit == "activity":
        word = {"reduction": "fewer ", "increase": "more ", None: ""}[record.direction]
        text = f"{v} {word}{what or ''}".rstrip() + over
    elif record.unit == "years":
        text = f"{v} {what or 'years'}"
    else:
        text = v
    return f"{q}{text}".strip()


# --------------------------------------------------------------------------------------
# Conversion
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One step of a conversion: ``text`` explains it, ``value`` is the running result.

    ``by`` says whose step it is: ``"seed"`` (the seed's own conversion, verbatim),
    ``"tool"`` (arithmetic on a cited table or on the record), or ``"set"`` (a choice
    the assumption set made, e.g. a scale or an assumed price year).
    """

    kind: str
    text: str
    value: float | None
    by: str = "tool"


@dataclass(frozen=True)
class Conversion:
    """The result of :func:`convert`: a value and how it was reached, or the problems.

    ``value`` [``currency`` at ``price_year`` prices, per person per year when
    ``annualised``] is None when any problem stopped the conversion.
    """

    figure: str
    original: str
    value: float | None
    currency: str | None
    price_year: int | str | None
    annualised: bool
    steps: tuple[Step, ...] = ()
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and self.value is not None

    def explain(self) -> str:
        """The steps as numbered sentences, for a report appendix."""
        lines = [f"{self.figure}: {self.original}"]
        for i, s in enumerate(self.steps, 1):
            who = {"seed": " [the seed's conversion, not ours]",
                   "set": " [a choice made by the assumption set]"}.get(s.by, "")
            lines.append(f"  {i}. {s.text}{who}")
        for n in self.notes:
            lines.append(f"  Note: {n}")
        for p in self.problems:
            lines.append(f"  Problem: {p.format()}")
        return "\n".join(lines)

    def require(self) -> float:
        """The value, or raise :class:`EvidenceError` with the problems."""
        if not self.ok:
            raise EvidenceError(list(self.problems) or [Problem(self.figure, None, "",
                                                                "no value")])
        return self.value  # type: ignore[return-value]


def convert(figure: EvidenceRecord | float, currency: str | None = None,
            price_year: int | str | None = None, tables: ConversionTables | None = None,
            target_currency: str = "GBP", target_price_year: int | str | None = None, *,
            annualise_value: bool | None = None, use_stated: bool = True,
            assume_price_year: int | str | None = None, reason: str | None = None,
            label: str | None = None, where: tuple[str, int | None] | None = None,
            field_name: str = "") -> Conversion:
    """Convert a record (or a bare value) to ``target_currency`` at ``target_price_year``.

    - ``figure``: an :class:`EvidenceRecord` (its own currency, price year and period are
      used; ``currency``/``price_year`` are ignored) or a number [``currency`` at
      ``price_year``] with ``label`` naming it.
    - ``target_price_year`` None means "as published": no price adjustment is made (a
      currency conversion still uses the rate for the figure's own year).
    - ``annualise_value`` (default: True for a record, False for a number) first turns
      the record into [currency/person/year] with :func:`annualise`.
    - ``use_stated``: where the record has the seed's own ``stated_conversion`` into the
      target currency, start from it (labelled as the seed's) instead of the tables.
    - ``assume_price_year`` (with ``reason``): a price year the *set* assumes for a
      figure whose seed states none; shown as the set's choice.

    Method with tables: convert currency at the exchange rate for the figure's price
    year [GBP/unit], then apply the price index: x * index[target] / index[year]. Missing
    entries are problems naming the figure, currency, year and the table entry needed.
    """
    steps: list[Step] = []
    notes: list[str] = []
    problems: list[Problem] = []
    file, line = where or ("evidence", None)

    if isinstance(figure, EvidenceRecord):
        rec: EvidenceRecord | None = figure
        name = label or figure.id
        if figure.value is None:
            return Conversion(name, describe_value(figure), None, None, None, False,
                              problems=(Problem(file, line, field_name,
                                                f"{name} has no single value to convert "
                                                f"({describe_value(figure)})"),))
        value = float(figure.value)
        cur: str | None = figure.currency
        year: int | str | None = figure.price_year
        original = f"{describe_value(figure)} ({_prices(year)})"
        do_annual = True if annualise_value is None else annualise_value
    else:
        rec = None
        name = label or "figure"
        value = float(figure)
        cur = currency
        year = price_year
        original = f"{_money(value, cur)} ({_prices(year)})"
        do_annual = False if annualise_value is None else annualise_value

    fig = f"{name} ({original})"

    def fail(msg: str) -> Conversion:
        problems.append(Problem(file, line, field_name, msg))
        return Conversion(name, original, None, target_currency, target_price_year,
                          do_annual, tuple(steps), tuple(problems), tuple(notes))

    if cur is None:
        return fail(f"{fig} is not a money figure; it cannot be converted")
    if target_currency != "GBP":
        return fail(f"only conversion to GBP is supported (asked for {target_currency}); "
                    "exchange-rate tables give GBP per unit of currency")
    if cur == "$":
        return fail(f"{fig} is printed with '$' and the seed does not say which dollar "
                    "(US or Canadian?). Copy the record, with a new id, into a local evidence "
                    "folder (the set's evidence_library) with currency USD or CAD and a "
                    "source for that choice, before converting it")

    if rec is not None and do_annual and rec.unit != "per_person_per_year":
        if rec.unit != "per_person_per_period" or not rec.period_months:
            why = ("it is a per-episode figure" if rec.unit == "per_episode"
                   else "the seed does not state the period it covers")
            return fail(f"{fig} cannot be made per person per year: {why}")

    # 1. The seed's own conversion, where it has one into the target currency.
    sc = rec.stated_conversion if rec is not None else None
    needs_currency = cur != target_currency
    if target_price_year is None:
        needs_prices = False
    else:
        needs_prices = year is None or _key(target_price_year) != _key(year)
    if sc is not None and use_stated and sc.currency == target_currency \
            and (needs_currency or needs_prices):
        steps.append(Step("seed_conversion",
                          f"{_money(value, cur)} ({_prices(year)}) = "
                          f"{_money(sc.value, sc.currency)} ({_prices(sc.price_year)}), "
                          f"as the seed converts it, by {sc.by} ({sc.source}: "
                          f"\"{sc.quote}\")", sc.value, by="seed"))
        value, cur, year = float(sc.value), sc.currency, sc.price_year
        notes.extend(f for f in flags(rec) if "divisor" in f)  # type: ignore[arg-type]

    # 2. Annualise [per person per year], in whatever currency/prices we now hold.
    if rec is not None and do_annual and rec.unit == "per_person_per_period" \
            and rec.period_months != 12:
        months = rec.period_months or 0
        new = value * 12 / months
        text = (f"{_money(value, cur)} per person over {_num(months)} months × 12 / "
                f"{_num(months)} = {_money(new, cur)} per person per year "
                "(spread evenly over the period)")
        if sc is not None and sc.annual_value is not None and cur == sc.currency:
            text += (f"; the seed states {_money(sc.annual_value, cur)} a year, which does "
                     f"not divide by the {_num(months / 12)} years it describes"
                     if abs(new - sc.annual_value) > 0.5 else
                     f"; the seed states {_money(sc.annual_value, cur)} a year")
        steps.append(Step("annualise", text, new))
        value = new

    # 3. An assumed price year (the set's choice) for a figure with none stated.
    if year is None and assume_price_year is not None:
        year = _price_year(assume_price_year)
        steps.append(Step("assume_price_year",
                          f"the seed states no price year for {name}; the set assumes "
                          f"{year} prices" + (f" ({reason})" if reason else ""),
                          value, by="set"))

    # 4. Currency, at the rate for the figure's price year.
    if cur != target_currency:
        if year is None:
            return fail(f"{fig}: the seed states no price year, so there is no year at "
                        f"which to convert {cur} to {target_currency}; give assume_price_year "
                        "(with a reason) and an exchange rate for that year")
        if isinstance(year, str) and "-" in year:
            return fail(f"{fig}: {year} prices is a range, as the seed prints it; no single "
                        "exchange rate or index year applies. Copy the record, with a new "
                        "id, one price year and a reason, into a folder named in the set's "
                        "evidence_library before converting it")
        rate = tables.rate(cur, year) if tables else None
        if rate is None:
            have = (sorted(tables.exchange_rates.rates.get(cur, {}))  # type: ignore[arg-type]
                    if tables and tables.exchange_rates else [])
            return fail(f"{fig}: the figure is in {cur} at {year} prices; converting it "
                        f"to {target_currency} needs an exchange rate for {cur} "
                        f"in {year} (table exchange_rates.rates.{cur}.{year}, "
                        f"{target_currency} per {cur}, with its source)"
                        + (f"; the table has {cur} for {', '.join(have)} only" if have else
                           "; no exchange-rate table is given")
                        + ". The tool does not guess exchange rates")
        new = value * rate
        er = tables.exchange_rates  # type: ignore[union-attr]
        steps.append(Step("exchange",
                          f"{_money(value, cur)} ({_prices(year)}) × {rate:g} "
                          f"{target_currency}/{cur} ({er.name}, {year}; source: {er.source}) "
                          f"= {_money(new, target_currency)} ({_prices(year)})", new))
        value, cur = new, target_currency

    # 5. Prices.
    if target_price_year is not None and (year is None or _key(year) != _key(target_price_year)):
        if year is None:
            return fail(f"{fig}: the seed states no price year, so it cannot be expressed "
                        f"in {target_price_year} prices; leave the set's price_year empty to "
                        "use figures as published, or give assume_price_year with a reason")
        if isinstance(year, str) and "-" in year:
            return fail(f"{fig}: {year} prices is a range, as the seed prints it; no "
                        "single index year applies")
        i_from = tables.index(year) if tables else None
        i_to = tables.index(target_price_year) if tables else None
        if i_from is None or i_to is None:
            missing = [str(y) for y, i in ((year, i_from), (target_price_year, i_to))
                       if i is None]
            return fail(f"{fig}: expressing {_money(value, cur)} ({year} prices) in "
                        f"{target_price_year} prices needs a price index with entries for "
                        f"{' and '.join(missing)} (table price_index.values, with its source)"
                        + ("" if tables and tables.price_index else
                           "; no price index is given")
                        + ". The tool does not guess inflation")
        new = value * i_to / i_from
        pi = tables.price_index  # type: ignore[union-attr]
        steps.append(Step("price_index",
                          f"{_money(value, cur)} ({year}) × index {target_price_year} "
                          f"({_num(i_to)}) / index {year} ({_num(i_from)}) = "
                          f"{_money(new, cur)} ({target_price_year} prices) "
                          f"[{pi.name}; source: {pi.source}]", new))
        value, year = new, target_price_year
    elif target_price_year is None:
        notes.append(f"kept in {year} prices as published (no target price year)"
                     if year is not None else
                     "the seed states no price year; used as published (no target price "
                     "year either)")

    return Conversion(name, original, value, cur, year, do_annual and rec is not None,
                      tuple(steps), tuple(problems), tuple(notes))


def resolve(library: Library, evidence_id: str, *, tables: ConversionTables | None = None,
            target_price_year: int | str | None = None, target_currency: str = "GBP",
            scale: float | None = None, reason: str | None = None,
            assume_price_year: int | str | None = None, use_stated: bool = True,
            where: tuple[str, int | None] | None = None,
            field_name: str = "annual_saving.evidence") -> Conversion:
    """Turn an ``annual_saving: {evidence: ID, scale: s}`` reference into [GBP/person/year].

    Checks that ``evidence_id`` exists and is a per-person money saving, annualises it,
    converts it (see :func:`convert`) and applies ``scale`` (with ``reason``). Problems
    are located at ``where`` (the reference's file and line) under ``field_name``.
    Non-fatal cautions (a net figure, a lower bound, a range-less judgement) go to
    ``notes``.
    """
    file, line = where or ("assumptions", None)
    rec = library.get(evidence_id)
    if rec is None:
        return Conversion(evidence_id, "unknown", None, None, None, True, problems=(
            Problem(file, line, field_name, f"no evidence record {evidence_id!r}"
                    + _suggest(evidence_id, library.ids)
                    + "; `modeller evidence` lists the library"),))
    if rec.measure == "saving" and rec.currency is not None and rec.value is None:
        return Conversion(rec.id, describe_value(rec), None, None, None, True, problems=(
            Problem(file, line, field_name,
                    f"{rec.id} is a range ({describe_value(rec)}), not a single figure; "
                    "cite a record with one value (e.g. faq-middle-figure-1000) or give "
                    "the number you choose from the range with its reason"),))
    if rec.measure != "saving" or rec.currency is None or rec.value is None:
        what = describe_value(rec)
        return Conversion(rec.id, what, None, None, None, True, problems=(
            Problem(file, line, field_name,
                    f"{rec.id} is a {rec.measure} ({what}), not a per-person money "
                    "saving; an annual_saving can cite only a saving with a value"),))
    conv = convert(rec, tables=tables, target_currency=target_currency,
                   target_price_year=target_price_year, use_stated=use_stated,
                   assume_price_year=assume_price_year, reason=reason, where=(file, line),
                   field_name=field_name)
    notes = list(conv.notes)
    if rec.basis == "net":
        notes.append(f"{rec.id} is net of the intervention's cost; subtracting treatment "
                     "costs again in the model would count them twice")
    if rec.qualifier:
        notes.append(f"{rec.id} is published as '{rec.qualifier.replace('_', ' ')}' "
                     f"{_money(rec.value, rec.currency)}")
    steps = list(conv.steps)
    value = conv.value
    if conv.ok and scale is not None:
        new = value * scale  # type: ignore[operator]
        steps.append(Step("scale", f"{_money(value, conv.currency)} × {scale:g}"  # type: ignore
                          + (f" ({reason})" if reason else "") + " = "
                          + _money(new, conv.currency), new, by="set"))
        value = new
    return Conversion(conv.figure, conv.original, value, conv.currency, conv.price_year,
                      conv.annualised, tuple(steps), conv.problems, tuple(notes))
