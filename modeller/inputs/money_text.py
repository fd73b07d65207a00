"""Printing an amount of money: one rounding rule and one layout for every stage.

The report filters (:mod:`modeller.outputs.reports.formatting`: ``money``, whole pounds
for totals; ``money_pp``, pence for per-person unit figures) and the evidence
conversion steps (:mod:`modeller.inputs.evidence.convert`, every amount of which is a
per-person figure) print money with :func:`amount`. It lives in ``inputs/``, the first
stage, so that both can use it without an import against the one-way flow
(tests/test_layout.py).

Rounding is half up, as a finance reader expects (not banker's rounding). Negative
amounts use the Unicode minus sign (U+2212), joined to a following currency sign by
WORD JOINER (U+2060) so the two never split across lines.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

MINUS = "\u2212"
#: Before a currency sign the minus is followed by WORD JOINER (U+2060, in the bundled
#: font) so a line never breaks between "−" and "£"; PDF text extraction drops it.
MINUS_MONEY = "\u2212\u2060"
#: Pence (two decimal places): the places of a per-person unit figure.
UNIT_PLACES = 2


def round_half_up(value: float, places: int) -> Decimal:
    """Round like a finance reader expects (0.5 up), not banker's rounding."""
    quantum = Decimal(1).scaleb(-places)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def signed(text: str, negative: bool, money: bool | None = None) -> str:
    """``text`` with a leading minus when ``negative`` (joined to a currency sign)."""
    if not negative:
        return text
    if money is None:
        money = text.startswith("£")
    return (MINUS_MONEY if money else MINUS) + text


def missing(value: object) -> bool:
    """None or NaN: a figure that does not exist."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def amount(value: float | None, places: int, symbol: str = "£",
           missing_text: str = "n/a") -> str:
    """``symbol`` and the amount to ``places`` decimals with thousands separators:
    ``amount(1674, 2)`` -> ``£1,674.00``; ``amount(1701.42, 2, "US$")`` -> ``US$1,701.42``."""
    if missing(value):
        return missing_text
    value = float(value)
    rounded = round_half_up(abs(value), places)
    return signed(f"{symbol}{rounded:,.{places}f}", value < 0 and rounded != 0, money=True)
