"""The schema of an assumption set (version 1), as pydantic models.

Every model forbids unknown keys, so a typo is an error rather than a silently
ignored setting. Any number may be written plainly (``recovery_rate: 0.5``) or as a
*quantity* mapping that carries its provenance::

    recovery_rate: {value: 0.5, source: "000_531557c98ba51688.txt:1392-1396",
                    range: [0.45, 0.6]}

The keys and units are documented in ``docs/assumptions.md``; a test keeps the two
in step. Cross-field rules (shares summing to 1, list lengths) live in
:mod:`modeller.checks` so that they run even when a field is invalid, and every
problem in a file is reported at once.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict

Number = Annotated[float, Strict()]
WholeNumber = Annotated[int, Strict()]
Text = Annotated[str, Strict()]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _as_quantity(raw: Any) -> Any:
    """A plain number (or list of numbers) is shorthand for ``{value: ...}``."""
    if isinstance(raw, dict):
        return raw
    return {"value": raw}


def _quantity(name: str, value_type: Any, doc: str, range_type: Any = None,
              input_type: Any = None) -> Any:
    """Build a quantity model whose ``value`` (and ``range``) have ``value_type``."""
    range_type = range_type or value_type
    model = type(name, (_Model,), {
        "__doc__": doc,
        "__annotations__": {
            "value": value_type,
            "source": Text | None,
            "note": Text | None,
            "range": tuple[range_type, range_type] | None,
        },
        "source": Field(None, description="Where the figure comes from (seed file:line, study)."),
        "note": Field(None, description="Free-text caveat shown beside the figure."),
        "range": Field(None, description="[low, high] for one-way sensitivity analysis."),
        "__module__": __name__,
    })
    return Annotated[model, BeforeValidator(
        _as_quantity, json_schema_input_type=(input_type or value_type) | model)]


_rate = Annotated[float, Strict(), Field(ge=0, le=1)]
_money = Annotated[float, Strict(), Field(ge=0)]
_months = Annotated[float, Strict(), Field(ge=0, le=1200)]
_whole_months = Annotated[int, Strict(), Field(ge=0, le=1200)]
_horizon = Annotated[int, Strict(), Field(ge=1, le=100)]
_people = Annotated[float, Strict(), Field(ge=0)]

Rate = _quantity("Rate", _rate, "A proportion in [0, 1]. [fraction]")
Money = _quantity("Money", _money, "An amount of money, not negative. [currency of the set]")
Months = _quantity("Months", _months, "A duration. [months]")
WholeMonths = _quantity("WholeMonths", _whole_months, "A whole number of months. [months]")
Horizon = _quantity("Horizon", _horizon, "Appraisal horizon, 1 to 100. [years]")
def _as_list(raw: Any) -> Any:
    """One number for every year is kept as a one-item list (broadcast by the model)."""
    return raw if isinstance(raw, list) else [raw]


People = _quantity(
    "People", Annotated[list[_people], BeforeValidator(_as_list)],
    "People per year: one number for every year or a list, one per year. [people/year]",
    range_type=_people, input_type=_people | list[_people])


class DurationComponent(_Model):
    """One term of the benefit-duration formula: ``share * months``."""

    label: Text
    share: _rate
    months: _months
    source: Text | None = None


class BenefitDuration(_Model):
    """How long each beneficiary keeps saving. [months]"""

    months: Months | None = None
    components: list[DurationComponent] | None = None
    source: Text | None = None
    note: Text | None = None


class DiscountStep(_Model):
    """A discount rate in force from ``from_year`` (year 1 is the first year)."""

    from_year: Annotated[int, Strict(), Field(ge=1)]
    rate: Annotated[float, Strict(), Field(ge=0, lt=1)]


def _as_discount(raw: Any) -> Any:
    if isinstance(raw, list):
        return {"schedule": raw}
    return _as_quantity(raw)


class DiscountRate(_Model):
    """Annual real discount rate, constant (``value``) or a schedule. [fraction/year]"""

    value: Annotated[float, Strict(), Field(ge=0, lt=1)] | None = None
    schedule: list[DiscountStep] | None = None
    source: Text | None = None
    note: Text | None = None
    range: tuple[Annotated[float, Strict(), Field(ge=0, lt=1)],
                 Annotated[float, Strict(), Field(ge=0, lt=1)]] | None = None


Discount = Annotated[DiscountRate, BeforeValidator(
    _as_discount, json_schema_input_type=float | list[DiscountStep] | DiscountRate)]


class Activity(_Model):
    entering_treatment: People
    treatment_months: WholeMonths
    source: Text | None = None


class Outcomes(_Model):
    completion_rate: Rate
    recovery_rate: Rate
    savings_apply_to: Literal["recovered", "completed", "entering"] = "recovered"
    source: Text | None = None


class Condition(_Model):
    label: Text
    share: Rate
    annual_saving: Money
    completion_rate: Rate | None = None
    recovery_rate: Rate | None = None
    source: Text | None = None
    note: Text | None = None


class Booster(_Model):
    share_of_recovered: Rate
    cost_per_person: Money | None = None
    months_after_entry: WholeMonths | None = None
    source: Text | None = None
    note: Text | None = None


class FixedCost(_Model):
    label: Text
    amount: Money
    year: Annotated[int, Strict(), Field(ge=1)]
    source: Text | None = None


class Costs(_Model):
    per_person_entering: Money
    per_completer: Money | None = None
    booster: Booster | None = None
    fixed: list[FixedCost] = []
    source: Text | None = None


class AssumptionSet(_Model):
    """A complete, merged assumption set (``extends`` already resolved)."""

    schema_version: Literal[1]
    name: Text
    description: Text | None = None
    extends: Text | None = None
    currency: Literal["GBP"]
    price_year: Annotated[int, Strict(), Field(ge=1900, le=2200)] | None
    horizon_years: Horizon
    discount_rate: Discount = Field(
        default_factory=lambda: DiscountRate(
            value=0.035,
            source="HM Treasury Green Book (2022), standard real discount rate 3.5%"),
    )
    activity: Activity
    outcomes: Outcomes
    benefit_duration: BenefitDuration
    conditions: dict[Text, Condition] = Field(min_length=1)
    costs: Costs
