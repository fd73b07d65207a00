"""Display formatting for reports: money, percentages, months, people.

These functions only *format* numbers that the model has already computed; they never
compute money. They are registered as jinja2 filters by :mod:`modeller.outputs.reports.pdf`
and used by the tests to derive the exact strings a report must contain, so the rounding
rules live in one place:

* ``money``: whole pounds with thousands separators (``£12,345``), for totals and
  every table of totals.
* ``money_pp``: a per-person unit figure, always with pence (``£662.50``, ``£650.00``):
  the one place pence are printed, so they are printed consistently.
* ``money_short``: headline style, ``£1.95m`` at or above £1m, ``£390k`` at or above
  £10,000, otherwise as ``money``.
* ``percent``: ``30%``, ``30.5%`` (one decimal place, trailing ``.0`` dropped).
* ``months``: ``26.0 months`` (one decimal place); ``None`` gives a caller-chosen text.
* ``people``: whole people with thousands separators (``3,000``).
* ``per_pound``: a benefit–cost ratio as money per £1, ``£1.02``.
* ``years``: a count of years, ``1 year``, ``10 years``.

Negative amounts use the Unicode minus sign (U+2212), which the bundled font covers,
joined to a following "£" by U+2060 so the two never split across lines. The rounding
and layout of an amount live in :mod:`modeller.inputs.money_text`, shared with the
evidence conversion steps, which print per-person figures as ``money_pp`` does.
"""

from __future__ import annotations

import re

# MINUS and MINUS_MONEY are re-exported: the charts and tests read them from here.
from modeller.inputs.money_text import (MINUS, MINUS_MONEY, UNIT_PLACES,  # noqa: F401
                                        amount, missing as _missing,
                                        round_half_up as _round_half_up, signed as _signed)


def _pounds(value: float | None, places: int, missing: str) -> str:
    return amount(value, places, "£", missing)


def money(value: float | None, missing: str = "n/a") -> str:
    """Format an amount in GBP in whole pounds: ``£12,345``."""
    return _pounds(value, 0, missing)


def money_pp(value: float | None, missing: str = "n/a") -> str:
    """A per-person unit figure in GBP with pence: ``£662.50``, ``£650.00``."""
    return _pounds(value, UNIT_PLACES, missing)


def key_breaks(key: str):
    """A configuration key that may wrap after each ``.`` or ``_`` (HTML ``<wbr>``), never
    mid-word: ``activity.entering_treatmen / t`` misquotes the key to an auditor."""
    from markupsafe import Markup, escape

    return Markup(re.sub(r"([._])", r"\1<wbr>", str(escape(key))))


def printed_value(text: str) -> float | None:
    """The number a formatted figure shows (``−£1,234`` -> -1234.0); None if none."""
    cleaned = text.replace(MINUS_MONEY, "-").replace(MINUS, "-").replace("£", "")
    cleaned = cleaned.replace(",", "").replace("+", "").strip()
    try:
        return float(cleaned)
    except ValueError:
        return None


def adds_up(parts: list, total: float | None, formatter=None) -> bool:
    """Whether the parts, as printed by ``formatter``, sum to the total as printed.

    A table whose printed parts do not add up carries the rounding note instead
    (:data:`ROUNDING_NOTE`).
    """
    formatter = formatter or money
    shown = [printed_value(formatter(p)) for p in parts]
    whole = printed_value(formatter(total))
    if whole is None or any(v is None for v in shown):
        return True
    return abs(sum(shown) - whole) < 1e-6


ROUNDING_NOTE = "Figures may not sum to the totals shown because of rounding."


def money_change(value: float | None, missing: str = "n/a") -> str:
    """A difference in GBP with its sign: ``+£12,345``, ``−£12,345``, ``£0``."""
    text = money(value, missing)
    if _missing(value) or text in ("£0", "£0.00") or text.startswith((MINUS, MINUS_MONEY)):
        return text
    return "+" + text


def money_short(value: float | None, missing: str = "n/a") -> str:
    """Headline money: ``£1.95m`` (>= £1m), ``£390k`` (>= £10,000), else :func:`money`."""
    if _missing(value):
        return missing
    value = float(value)
    magnitude = abs(value)
    if magnitude >= 999_500:  # would round to "£1,000k"
        millions = _round_half_up(magnitude / 1_000_000, 2)
        return _signed(f"£{millions:,.2f}m", value < 0)
    if magnitude >= 10_000:
        thousands = _round_half_up(magnitude / 1000, 0)
        return _signed(f"£{thousands:,.0f}k", value < 0)
    return money(value, missing)


def per_pound(value: float | None, missing: str = "n/a") -> str:
    """A benefit–cost ratio as pounds per £1: ``1.0192`` -> ``£1.02``."""
    if _missing(value):
        return missing
    value = float(value)
    return _signed(f"£{_round_half_up(abs(value), 2):,.2f}", value < 0)


def percent(value: float | None, missing: str = "n/a", places: int = 1) -> str:
    """A fraction as a percentage: ``0.3`` -> ``30%``, ``0.305`` -> ``30.5%``."""
    if _missing(value):
        return missing
    value = float(value)
    rounded = _round_half_up(abs(value) * 100, places)
    text = f"{rounded:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _signed(f"{text}%", value < 0 and rounded != 0)


def months(value: float | None, missing: str = "not reached", whole: bool = False) -> str:
    """A duration in months, one decimal place: ``26.0 months``; ``None`` -> ``missing``.

    ``whole=True`` prints a whole number of months without decimals (``3 months``).
    """
    if _missing(value):
        return missing
    places = 0 if whole else 1
    rounded = _round_half_up(float(value), places)
    unit = "month" if rounded == 1 else "months"
    return f"{rounded:,.{places}f} {unit}"


def people(value: float | None, missing: str = "n/a") -> str:
    """A count of people, to the nearest whole person: ``3,000``."""
    if _missing(value):
        return missing
    value = float(value)
    rounded = _round_half_up(abs(value), 0)
    return _signed(f"{rounded:,.0f}", value < 0 and rounded != 0)


def number(value: float | None, places: int = 2, missing: str = "n/a") -> str:
    """A plain number with ``places`` decimals (discount factors: ``0.9662``)."""
    if _missing(value):
        return missing
    value = float(value)
    rounded = _round_half_up(abs(value), places)
    return _signed(f"{rounded:,.{places}f}", value < 0 and rounded != 0)


def years(n: int) -> str:
    """A count of years in words: ``1 year``, ``10 years``."""
    return f"{n} year" if n == 1 else f"{n} years"


def price_year(value: int | None) -> str:
    """``2017/18 prices``-style text; ``None`` -> the explicit not-stated sentence."""
    if value is None:
        return "price year not stated in the source"
    return f"{value} prices"


FILTERS = {
    "money": money,
    "money_short": money_short,
    "money_pp": money_pp,
    "key_breaks": key_breaks,
    "money_change": money_change,
    "per_pound": per_pound,
    "percent": percent,
    "months": months,
    "people": people,
    "number": number,
    "price_year": price_year,
}
