"""The schema of an assumption set (version 1), as pydantic models.

Every model forbids unknown keys, so a typo is an error rather than a silently
ignored setting. Any number may be written plainly (``recovery_rate: 0.5``) or as a
*quantity* mapping that carries its provenance::

    recovery_rate: {value: 0.5, source: "NHS England (2017), IAPT-LTC FAQ, Table 3",
                    seed: "000_531557c98ba51688.txt:1392-1396", range: [0.45, 0.6]}

``source`` cites the document as people cite it (reports print it); ``seed`` holds the
seed text lines for auditors (never printed as the citation).

The keys and units are documented in ``docs/assumptions.md``; a test keeps the two
in step. Cross-field rules (shares summing to 1, list lengths) live in
:mod:`modeller.inputs.checks` so that they run even when a field is invalid, and every
problem in a file is reported at once.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, Strict, field_validator

from .limits import (MAX_ASK_CHARS, MAX_CONDITIONS, MAX_DESCRIPTION_CHARS,
                     MAX_EVIDENCE_FOLDERS, MAX_FIXED_COSTS, MAX_HORIZON_YEARS,
                     MAX_LIST_ITEMS, MAX_NAME_CHARS, MAX_PRICE_NOTE_CHARS, MAX_TITLE_CHARS)
from .quantities import (AnnualSaving, Description, Factor, Horizon, Key, Label, Money,
                         Months, Name, People, PriceYear, QalyGain, Rate, Share, Text,
                         WholeMonths, _as_quantity, _Model, _months, _problem,
                         _rate, _text, SEED_DOC)
from .quantities import Distribution, Number, Saving  # noqa: F401 (re-exported)


class DurationComponent(_Model):
    """One term of the benefit-duration formula: ``share * months``."""

    label: Text
    share: _rate
    months: _months
    source: Text | None = None
    seed: Text | None = Field(None, description=SEED_DOC)


class BenefitDuration(_Model):
    """How long each beneficiary keeps saving. [months]"""

    months: Months | None = None
    components: Annotated[list[DurationComponent],
                          Field(max_length=MAX_LIST_ITEMS)] | None = None
    source: Text | None = None
    seed: Text | None = Field(None, description=SEED_DOC)
    note: Text | None = None


class DiscountStep(_Model):
    """A discount rate in force from ``from_year`` (year 1 is the first year)."""

    from_year: Annotated[int, Strict(), Field(ge=1, le=MAX_HORIZON_YEARS)]
    rate: Annotated[float, Strict(), Field(ge=0, lt=1)]


def _as_discount(raw: Any) -> Any:
    if isinstance(raw, list):
        return {"schedule": raw}
    return _as_quantity(raw)


class DiscountRate(_Model):
    """Annual real discount rate, constant (``value``) or a schedule. [fraction/year]"""

    value: Annotated[float, Strict(), Field(ge=0, lt=1)] | None = None
    schedule: Annotated[list[DiscountStep], Field(max_length=MAX_LIST_ITEMS)] | None = None
    source: Text | None = None
    seed: Text | None = Field(None, description=SEED_DOC)
    note: Text | None = None
    range: tuple[Annotated[float, Strict(), Field(ge=0, lt=1)],
                 Annotated[float, Strict(), Field(ge=0, lt=1)]] | None = None


Discount = Annotated[DiscountRate, BeforeValidator(
    _as_discount, json_schema_input_type=float | list[DiscountStep] | DiscountRate)]


class Activity(_Model):
    entering_treatment: People
    treatment_months: WholeMonths
    source: Text | None = None
    seed: Text | None = Field(None, description=SEED_DOC)


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
    seed: Text | None = Field(None, description=SEED_DOC)


class Condition(_Model):
    label: Label
    share: Rate
    annual_saving: AnnualSaving
    completion_rate: Rate | None = None
    recovery_rate: Rate | None = None
    counterfactual_recovery_rate: Rate | None = None
    savings_split: Annotated[dict[Key, Share],
                             Field(max_length=MAX_LIST_ITEMS)] | None = Field(
        None, description="Share of this condition's saving by care category "
        "(ids from care_categories); sums to 1. Each share may carry a source.")
    source: Text | None = None
    seed: Text | None = Field(None, description=SEED_DOC)
    note: Text | None = None


class CashReleasing(_Model):
    """The share of a care category's saving that releases cash, and how."""

    share: Rate
    mechanism: Text | None = None
    source: Text | None = None
    seed: Text | None = Field(None, description=SEED_DOC)
    note: Text | None = None


class CareCategory(_Model):
    """A category of care whose use falls (A&E, admissions...) and who pays for it."""

    label: Label
    budget_holder: Key
    cash_releasing: CashReleasing | None = Field(
        None, description="Whether (and how much of) this category's saving releases "
        "cash, and by what mechanism; unstated = non-cash-releasing.")
    source: Text | None = None
    seed: Text | None = Field(None, description=SEED_DOC)


class Booster(_Model):
    share_of_recovered: Rate
    cost_per_person: Money | None = None
    months_after_entry: WholeMonths | None = None
    budget_holder: Key | None = None
    source: Text | None = None
    seed: Text | None = Field(None, description=SEED_DOC)
    note: Text | None = None


class FixedCost(_Model):
    label: Label
    amount: Money
    year: Annotated[int, Strict(), Field(ge=1, le=MAX_HORIZON_YEARS)]
    budget_holder: Key | None = None
    recurrent: Annotated[bool, Strict()] = Field(
        False, description="A running cost (true) or a one-off set-up, training or "
        "recruitment cost (false).")
    source: Text | None = None
    seed: Text | None = Field(None, description=SEED_DOC)


class Costs(_Model):
    per_person_entering: Money
    per_completer: Money | None = None
    booster: Booster | None = None
    fixed: Annotated[list[FixedCost], Field(max_length=MAX_FIXED_COSTS)] = []
    budget_holder: Key | None = Field(
        None, description="Who pays the cost lines (unless a line names its own).")
    source: Text | None = None
    seed: Text | None = Field(None, description=SEED_DOC)


class OptimismBias(_Model):
    """HM Treasury Green Book optimism-bias adjustment: explicit, with no default."""

    cost_uplift: Factor | None = None
    savings_reduction: Rate | None = None
    benefit_delay_months: WholeMonths | None = None
    source: Text | None = None
    seed: Text | None = Field(None, description=SEED_DOC)
    note: Text | None = None


class Inflation(_Model):
    """An index turning real-terms figures into cash terms: a constant annual ``rate``
    [fraction/year] or an ``index`` with one value per year (year 1 = the set's
    prices). [-]"""

    rate: Annotated[float, Strict(), Field(ge=-0.5, le=1)] | None = None
    index: list[Annotated[float, Strict(), Field(gt=0, le=1e6)]] | None = None
    source: Text
    seed: Text | None = Field(None, description=SEED_DOC)
    note: Text | None = None


class FinancialCase(_Model):
    """Affordability: financial years, cash terms, funding."""

    first_year: Annotated[str, Strict(), Field(pattern=r"^\d{4}/\d{2}$")] = Field(
        description="The financial year of year 1, e.g. '2027/28'.")
    inflation: Inflation | None = None
    funding_source: Text | None = None
    source: Text | None = None
    seed: Text | None = Field(None, description=SEED_DOC)


class Option(_Model):
    """What this set is in an options appraisal (business as usual is implicit)."""

    label: Text
    kind: Literal["preferred", "do_minimum", "alternative"] = "alternative"
    description: Text | None = None


class AssumptionSet(_Model):
    """A complete, merged assumption set (``extends`` already resolved)."""

    schema_version: Literal[1]
    name: Name = Field(description="The set's name: on every report and, as a safe "
                       f"slug, the output folder; at most {MAX_NAME_CHARS} characters, "
                       "with a letter or digit.")
    title: _text(MAX_TITLE_CHARS, 1) | None = Field(
        None, description="The title reports print (the name is used when absent); at "
        f"most {MAX_TITLE_CHARS} characters.")
    date: Label | None = Field(
        None, description="Date of this version of the set, printed on report covers "
        "(write it in quotes, e.g. '2024-05-01'); reports never use the clock.")
    author: Label | None = Field(None, description="Who prepared the business case.")
    sponsor: Label | None = Field(None, description="The executive sponsor.")
    description: Description | None = Field(
        None, description="One or two sentences shown under the name on the board "
        f"summary; at most {MAX_DESCRIPTION_CHARS} characters.")
    extends: Text | None = None
    currency: Literal["GBP"]
    price_year: PriceYear | None
    horizon_years: Horizon
    discount_rate: Discount = Field(
        default_factory=lambda: DiscountRate(
            value=0.035,
            source="HM Treasury (2022), Green Book, discounting (standard real discount "
                   "rate of 3.5% a year)"),
    )
    activity: Activity
    outcomes: Outcomes
    benefit_duration: BenefitDuration
    conditions: dict[Key, Condition] = Field(min_length=1, max_length=MAX_CONDITIONS)
    costs: Costs
    budget_holders: Annotated[dict[Key, Label], Field(max_length=MAX_LIST_ITEMS)] | None = \
        Field(None, description="Budget holders by id, with their labels.")
    care_categories: Annotated[dict[Key, CareCategory],
                               Field(max_length=MAX_LIST_ITEMS)] | None = None
    evidence_library: Annotated[list[Text],
                                Field(max_length=MAX_EVIDENCE_FOLDERS)] | None = Field(
        None, description="Folders of local evidence records (relative to this file), "
        "read together with the bundled library; ids must not repeat.")
    optimism_bias: OptimismBias | None = None
    financial_case: FinancialCase | None = None
    option: Option | None = None
    board_asked_to: _text(MAX_ASK_CHARS) | None = Field(
        None, description="The decision the board is asked to take, in the set's own "
        "words; the reports print it and never write a recommendation.")
    price_years_acknowledged: _text(MAX_PRICE_NOTE_CHARS) | None = Field(
        None, description="Why savings in different or unstated price years may be "
        "added together; printed wherever the totals appear.")
    conversion: dict[Text, Any] | None = Field(
        None, description="Price index and exchange rates for converting cited evidence "
        "(see `modeller help evidence`); checked by modeller.inputs.evidence.")

    @field_validator("schema_version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> Any:
        if type(v) is not int or v != 1:
            raise _problem("schema_version", "must be the whole number 1 (the only "
                           "schema version), written without quotes or a decimal point")
        return v
