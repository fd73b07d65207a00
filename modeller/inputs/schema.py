"""The schema of an assumption set (version 1), as pydantic models.

Every model forbids unknown keys, so a typo is an error rather than a silently
ignored setting. Any number may be written plainly (``recovery_rate: 0.5``) or as a
*quantity* mapping that carries its provenance::

    recovery_rate: {value: 0.5, source: "000_531557c98ba51688.txt:1392-1396",
                    range: [0.45, 0.6]}

The keys and units are documented in ``docs/assumptions.md``; a test keeps the two
in step. Cross-field rules (shares summing to 1, list lengths) live in
:mod:`modeller.inputs.checks` so that they run even when a field is invalid, and every
problem in a file is reported at once.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, Literal

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator,
                      Strict, ValidationInfo, field_validator, model_validator)
from pydantic_core import PydanticCustomError

from .evidence.records import _price_year

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


def _problem(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


class Distribution(_Model):
    """A probability distribution for probabilistic sensitivity analysis (``modeller psa``).

    ``beta`` (rates): ``mean`` and ``sd``, or ``alpha`` and ``beta``; ``gamma`` and
    ``lognormal`` (money, months, people): ``mean`` and ``sd`` of the figure itself;
    ``triangular``: ``low``, ``mode``, ``high``; ``uniform``: ``low``, ``high``;
    ``fixed``: no uncertainty (the quantity's ``value`` is used in every draw).
    Documented in ``modeller help uncertainty``.
    """

    type: Literal["beta", "gamma", "lognormal", "triangular", "uniform", "fixed"]
    mean: Number | None = None
    sd: Number | None = None
    alpha: Number | None = None
    beta: Number | None = None
    low: Number | None = None
    mode: Number | None = None
    high: Number | None = None
    source: Text | None = None
    note: Text | None = None

    @field_validator("mean")
    @classmethod
    def _mean(cls, v: float | None, info: ValidationInfo) -> float | None:
        kind = info.data.get("type")
        if v is None:
            return v
        if kind == "beta" and not 0 < v < 1:
            raise _problem("beta_mean", "a beta distribution's mean must be strictly "
                           "between 0 and 1 (it is a rate)")
        if kind in ("gamma", "lognormal") and not v > 0:
            raise _problem("positive_mean", f"a {kind} distribution's mean must be above 0")
        return v

    @field_validator("sd")
    @classmethod
    def _sd(cls, v: float | None, info: ValidationInfo) -> float | None:
        if v is None:
            return v
        if v < 0:
            raise _problem("negative_sd", "a standard deviation cannot be negative")
        if v == 0 and info.data.get("type") in ("beta", "gamma", "lognormal"):
            raise _problem("zero_sd", "must be above 0; for no uncertainty use "
                           "`type: fixed`")
        mean = info.data.get("mean")
        if info.data.get("type") == "beta" and mean is not None and 0 < mean < 1 \
                and v * v >= mean * (1 - mean):
            limit = (mean * (1 - mean)) ** 0.5
            raise _problem("beta_sd", f"too large for a beta distribution with mean "
                           f"{mean:g}: sd must be below sqrt(mean*(1-mean)) = {limit:.4g}")
        return v

    @field_validator("alpha", "beta")
    @classmethod
    def _shape(cls, v: float | None) -> float | None:
        if v is not None and not v > 0:
            raise _problem("positive_shape", "a beta distribution's alpha and beta must "
                           "be above 0")
        return v

    @model_validator(mode="after")
    def _complete(self) -> "Distribution":
        given = {k for k in ("mean", "sd", "alpha", "beta", "low", "mode", "high")
                 if getattr(self, k) is not None}
        allowed = {"beta": [{"mean", "sd"}, {"alpha", "beta"}],
                   "gamma": [{"mean", "sd"}], "lognormal": [{"mean", "sd"}],
                   "triangular": [{"low", "mode", "high"}], "uniform": [{"low", "high"}],
                   "fixed": [set()]}[self.type]
        if given not in allowed:
            want = " or ".join(", ".join(sorted(a)) or "no parameters" for a in allowed)
            got = ", ".join(sorted(given)) or "none"
            raise _problem("distribution", f"a {self.type} distribution takes {want} (given: {got})")
        if self.type == "triangular" and not (self.low <= self.mode <= self.high
                                              and self.low < self.high):
            raise _problem("distribution", f"a triangular distribution needs low <= mode <= high and "
                             f"low < high (given low {self.low:g}, mode {self.mode:g}, "
                             f"high {self.high:g})")
        if self.type == "uniform" and not self.low < self.high:
            raise _problem("distribution", f"a uniform distribution needs low < high (given low "
                             f"{self.low:g}, high {self.high:g})")
        return self

    def support(self) -> tuple[float, float]:
        """The smallest and largest value a draw can take (before clipping)."""
        if self.type in ("triangular", "uniform"):
            return float(self.low), float(self.high)
        if self.type == "beta":
            return 0.0, 1.0
        return 0.0, float("inf")


def _bounds(tp: Any) -> tuple[float, float]:
    """The [ge, le] bounds declared on an ``Annotated`` number type."""
    lo, hi = float("-inf"), float("inf")
    for meta in getattr(tp, "__metadata__", ()):
        for item in getattr(meta, "metadata", [meta]):
            if getattr(item, "ge", None) is not None:
                lo = float(item.ge)
            if getattr(item, "le", None) is not None:
                hi = float(item.le)
    return lo, hi


def _distribution_check(lo: float, hi: float):
    """A validator that the distribution suits the quantity it is attached to."""

    def check(cls, v: Distribution | None, info: ValidationInfo) -> Distribution | None:
        if v is None or v.type == "fixed":
            return v
        value = info.data.get("value")
        if isinstance(value, list) and len(value) != 1:
            raise _problem("distribution", "a distribution needs a single value for every year; give "
                             "one number (not a list) or remove the distribution")
        if v.type == "beta" and (lo, hi) != (0.0, 1.0):
            raise _problem("distribution", "a beta distribution is for rates (0 to 1); use gamma, "
                             "lognormal, triangular or uniform here")
        if v.type in ("gamma", "lognormal") and hi <= 1.0:
            raise _problem("distribution", f"a {v.type} distribution can exceed {hi:g}, the largest "
                             "allowed value here; use beta, triangular or uniform")
        low, high = v.support()
        if v.type in ("triangular", "uniform") and (low < lo or high > hi):
            raise _problem("distribution", f"[{low:g}, {high:g}] goes outside the allowed values "
                             f"[{lo:g}, {hi:g}]")
        return v

    return field_validator("distribution")(classmethod(check))


def _quantity(name: str, value_type: Any, doc: str, range_type: Any = None,
              input_type: Any = None, uncertain: bool = True) -> Any:
    """Build a quantity model whose ``value`` (and ``range``) have ``value_type``.

    ``uncertain`` quantities also take a ``distribution`` (for ``modeller psa``); it
    is checked against the value's bounds (a beta only for rates, nothing that can
    leave [0, 1] for a rate, ...).
    """
    range_type = range_type or value_type
    annotations = {
        "value": value_type,
        "source": Text | None,
        "note": Text | None,
        "range": tuple[range_type, range_type] | None,
    }
    namespace = {
        "__doc__": doc,
        "source": Field(None, description="Where the figure comes from (seed file:line, study)."),
        "note": Field(None, description="Free-text caveat shown beside the figure."),
        "range": Field(None, description="[low, high] for one-way sensitivity analysis."),
        "__module__": __name__,
    }
    if uncertain:
        annotations["distribution"] = Distribution | None
        namespace["distribution"] = Field(
            None, description="Probability distribution for `modeller psa`.")
        namespace["_check_distribution"] = _distribution_check(*_bounds(range_type))
    namespace["__annotations__"] = annotations
    model = type(name, (_Model,), namespace)
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
WholeMonths = _quantity("WholeMonths", _whole_months, "A whole number of months. [months]",
                        uncertain=False)
Factor = _quantity("Factor", Annotated[float, Strict(), Field(ge=0, le=10)],
                   "A proportional uplift, 0 to 10 (2 = +200%). [fraction]")
QalyGain = _quantity("QalyGain", Annotated[float, Strict(), Field(ge=0, le=50)],
                     "Quality-adjusted life years gained. [QALY]")
Horizon = _quantity("Horizon", _horizon, "Appraisal horizon, 1 to 100. [years]",
                    uncertain=False)
def _as_list(raw: Any) -> Any:
    """One number for every year is kept as a one-item list (broadcast by the model)."""
    return raw if isinstance(raw, list) else [raw]


Share = _quantity("Share", _rate, "A share of a whole, in [0, 1]. [fraction]",
                  uncertain=False)


def _set_price_year(raw: Any) -> int | str:
    """A set's price year: a calendar year (``2017``) or a financial year (``"2010/11"``),
    parsed as the evidence library parses its records' price years."""
    try:
        year = _price_year(raw)
    except ValueError as exc:
        detail = str(exc).split(": ", 1)[-1] if "financial year runs" in str(exc) else (
            "must be a calendar year such as 2017 or a financial year such as 2010/11")
        raise _problem("price_year", detail) from None
    if isinstance(year, str) and "-" in year:
        raise _problem("price_year", "a set's prices are in one year: give a calendar "
                       "year such as 2017 or a financial year such as 2010/11")
    return year


#: A calendar year (kept as a whole number) or a financial year (kept as "2010/11").
PriceYear = Annotated[int | str, PlainValidator(
    _set_price_year, json_schema_input_type=Annotated[int, Field(ge=1900, le=2200)]
    | Annotated[str, Field(pattern=r"^\d{4}/\d{2}$")])]


People = _quantity(
    "People", Annotated[list[_people], BeforeValidator(_as_list)],
    "People per year: one number for every year or a list, one per year. [people/year]",
    range_type=_people, input_type=_people | list[_people])


class Saving(typing.get_args(Money)[0]):
    """An annual saving per beneficiary: a number, or a citation of an evidence record
    (``{evidence: berkshire-west-diabetes, scale: 0.8, reason: ...}``) that the
    assumptions layer annualises and converts to the set's currency and price year.
    [GBP/year]"""

    value: _money | None = None
    evidence: Text | None = Field(None, description="Id of a record in the evidence "
                                  "library (`modeller evidence`).")
    scale: Annotated[float, Strict(), Field(ge=0)] | None = Field(
        None, description="Factor applied to the cited figure; give a `reason`.")
    reason: Text | None = None
    assume_price_year: Annotated[int, Strict()] | Text | None = Field(
        None, description="Price year to assume for a figure whose source states none.")
    basis: Literal["gross", "net", "unstated"] | None = Field(
        None, description="Whether a `value` is gross or already net of the treatment "
        "cost; a net figure is refused (the model subtracts the cost itself).")


AnnualSaving = Annotated[Saving, BeforeValidator(
    _as_quantity, json_schema_input_type=_money | Saving)]


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
    counterfactual_recovery_rate: Rate | None = Field(
        None, description="Share of people entering treatment who would have recovered "
        "without the service; only attributable recoveries save.")
    qaly_gain_per_recovery: QalyGain | None = Field(
        None, description="Cited QALY gain per attributable recovery (no default).")
    source: Text | None = None


class Condition(_Model):
    label: Text
    share: Rate
    annual_saving: AnnualSaving
    completion_rate: Rate | None = None
    recovery_rate: Rate | None = None
    counterfactual_recovery_rate: Rate | None = None
    savings_split: dict[Text, Share] | None = Field(
        None, description="Share of this condition's saving by care category "
        "(ids from care_categories); sums to 1. Each share may carry a source.")
    source: Text | None = None
    note: Text | None = None


class CashReleasing(_Model):
    """The share of a care category's saving that releases cash, and how."""

    share: Rate
    mechanism: Text | None = None
    source: Text | None = None
    note: Text | None = None


class CareCategory(_Model):
    """A category of care whose use falls (A&E, admissions...) and who pays for it."""

    label: Text
    budget_holder: Text
    cash_releasing: CashReleasing | None = Field(
        None, description="Whether (and how much of) this category's saving releases "
        "cash, and by what mechanism; unstated = non-cash-releasing.")
    source: Text | None = None


class Booster(_Model):
    share_of_recovered: Rate
    cost_per_person: Money | None = None
    months_after_entry: WholeMonths | None = None
    budget_holder: Text | None = None
    source: Text | None = None
    note: Text | None = None


class FixedCost(_Model):
    label: Text
    amount: Money
    year: Annotated[int, Strict(), Field(ge=1)]
    budget_holder: Text | None = None
    recurrent: Annotated[bool, Strict()] = Field(
        False, description="A running cost (true) or a one-off set-up, training or "
        "recruitment cost (false).")
    source: Text | None = None


class Costs(_Model):
    per_person_entering: Money
    per_completer: Money | None = None
    booster: Booster | None = None
    fixed: list[FixedCost] = []
    budget_holder: Text | None = Field(
        None, description="Who pays the cost lines (unless a line names its own).")
    source: Text | None = None


class OptimismBias(_Model):
    """HM Treasury Green Book optimism-bias adjustment: explicit, with no default."""

    cost_uplift: Factor | None = None
    savings_reduction: Rate | None = None
    benefit_delay_months: WholeMonths | None = None
    source: Text | None = None
    note: Text | None = None


class Inflation(_Model):
    """An index turning real-terms figures into cash terms: a constant annual ``rate``
    [fraction/year] or an ``index`` with one value per year (year 1 = the set's
    prices). [-]"""

    rate: Annotated[float, Strict(), Field(ge=-0.5, le=1)] | None = None
    index: list[Annotated[float, Strict(), Field(gt=0, le=1e6)]] | None = None
    source: Text
    note: Text | None = None


class FinancialCase(_Model):
    """Affordability: financial years, cash terms, funding."""

    first_year: Annotated[str, Strict(), Field(pattern=r"^\d{4}/\d{2}$")] = Field(
        description="The financial year of year 1, e.g. '2027/28'.")
    inflation: Inflation | None = None
    funding_source: Text | None = None
    source: Text | None = None


class Option(_Model):
    """What this set is in an options appraisal (business as usual is implicit)."""

    label: Text
    kind: Literal["preferred", "do_minimum", "alternative"] = "alternative"
    description: Text | None = None


class AssumptionSet(_Model):
    """A complete, merged assumption set (``extends`` already resolved)."""

    schema_version: Literal[1]
    name: Text
    description: Text | None = None
    extends: Text | None = None
    currency: Literal["GBP"]
    price_year: PriceYear | None
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
    budget_holders: dict[Text, Text] | None = Field(
        None, description="Budget holders by id, with their labels.")
    care_categories: dict[Text, CareCategory] | None = None
    evidence_library: list[Text] | None = Field(
        None, description="Folders of local evidence records (relative to this file), "
        "read together with the bundled library; ids must not repeat.")
    optimism_bias: OptimismBias | None = None
    financial_case: FinancialCase | None = None
    option: Option | None = None
    board_asked_to: Text | None = Field(
        None, description="The decision the board is asked to take, in the set's own "
        "words; the reports print it and never write a recommendation.")
    price_years_acknowledged: Text | None = Field(
        None, description="Why savings in different or unstated price years may be "
        "added together; printed wherever the totals appear.")
    conversion: dict[Text, Any] | None = Field(
        None, description="Price index and exchange rates for converting cited evidence "
        "(see `modeller help evidence`); checked by modeller.inputs.evidence.")
