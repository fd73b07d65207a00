"""The building blocks of the schema: bounded text and numbers, and *quantities*.

A quantity is a number with its provenance (``value``, ``source``, ``note``, ``range``
and, for uncertain ones, a PSA ``distribution``); a plain number is shorthand for
``{value: ...}``. Every number is finite and within the bounds of
:mod:`modeller.inputs.limits`; every text is printable (no control characters) and of
bounded length; a range is ordered and contains its value. The assumption set itself is
in :mod:`modeller.inputs.schema`, which imports these.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      PlainValidator, Strict, ValidationInfo, field_validator,
                      model_validator)
from pydantic_core import PydanticCustomError

from .characters import REFUSED, describe
from .evidence.records import _price_year
from .limits import (MAX_BETA_SHAPE, MAX_CV, MAX_DESCRIPTION_CHARS, MAX_HORIZON_YEARS,
                     MAX_LABEL_CHARS, MAX_MONEY, MAX_MONTHS, MAX_NAME_CHARS, MAX_PEOPLE,
                     MAX_SCALE, MAX_TEXT_CHARS)


def _printable(text: str) -> str:
    """Refuse control characters, lone surrogates and bidi overrides (see
    :mod:`modeller.inputs.characters`); the YAML reader refuses them too, with the line."""
    m = REFUSED.search(text)
    if m:
        raise PydanticCustomError("control_character", "holds the control character "
                                  f"{describe(m.group())}; only printable text, tab and "
                                  "newline are allowed")
    return text


def _text(limit: int, min_length: int = 0) -> Any:
    return Annotated[str, Strict(), Field(min_length=min_length, max_length=limit),
                     AfterValidator(_printable)]


#: Every number is finite (``allow_inf_nan=False`` on every model) and, for
#: distribution parameters, within +/- MAX_MONEY.
Number = Annotated[float, Strict(), Field(ge=-MAX_MONEY, le=MAX_MONEY)]
#: Free text (sources, notes): at most MAX_TEXT_CHARS characters.
Text = _text(MAX_TEXT_CHARS)
#: The ``seed`` key beside every ``source``: where an auditor finds the figure in the
#: seed text copies (``FILE.txt:LINES``). Kept in the resolved set and the JSON, never
#: printed as the reader's citation (reports cite the reference the ``source`` names).
SEED_DOC = ("Seed text location(s) for auditors (FILE.txt:LINES); never shown as the "
            "reader's citation.")
#: Text on the one-page board summary and logic model: labels and ids.
Label = _text(MAX_LABEL_CHARS, 1)
Key = _text(MAX_LABEL_CHARS, 1)


def _name(text: str) -> str:
    """A set's name must make an output folder name: at least one letter or digit."""
    if not any(ch.isalnum() for ch in text):
        raise PydanticCustomError("name", "a set's name needs at least one letter or "
                                  "digit (it names the output folder)")
    if text != text.strip():
        raise PydanticCustomError("name", "a set's name may not start or end with a space")
    return text


Name = Annotated[str, Strict(), Field(min_length=1, max_length=MAX_NAME_CHARS),
                 AfterValidator(_printable), AfterValidator(_name)]
Description = _text(MAX_DESCRIPTION_CHARS)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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
    seed: Text | None = Field(None, description=SEED_DOC)
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
        if info.data.get("type") in ("gamma", "lognormal") and mean and mean > 0 \
                and v / mean > MAX_CV:
            raise _problem("distribution_cv", f"sd / mean = {v / mean:.3g}; at most "
                           f"{MAX_CV:g} (MAX_CV)")
        if info.data.get("type") == "beta" and mean is not None and 0 < mean < 1 \
                and v * v >= mean * (1 - mean):
            limit = (mean * (1 - mean)) ** 0.5
            raise _problem("beta_sd", f"too large for a beta distribution with mean "
                           f"{mean:g}: sd must be below sqrt(mean*(1-mean)) = {limit:.4g}")
        return v

    @field_validator("alpha", "beta")
    @classmethod
    def _shape(cls, v: float | None) -> float | None:
        if v is not None and not 0 < v <= MAX_BETA_SHAPE:
            raise _problem("positive_shape", "a beta distribution's alpha and beta must "
                           f"be above 0 and at most {MAX_BETA_SHAPE:g} (MAX_BETA_SHAPE)")
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


def _range_check(self: Any) -> Any:
    """A ``range: [low, high]`` is ordered and contains its quantity's value."""
    rng = getattr(self, "range", None)
    if rng is None:
        return self
    low, high = rng
    if low > high:
        raise _problem("range", f"range [{low:g}, {high:g}] is not ordered: write "
                       "[low, high] with low <= high")
    value = getattr(self, "value", None)
    values = value if isinstance(value, list) else [value]
    if len(values) == 1 and isinstance(values[0], (int, float)) \
            and not low <= values[0] <= high:
        raise _problem("range", f"range [{low:g}, {high:g}] does not contain the value "
                       f"{values[0]:g}; a sensitivity range goes from low to high around it")
    return self


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
        "seed": Text | None,
        "note": Text | None,
        "range": tuple[range_type, range_type] | None,
    }
    namespace = {
        "__doc__": doc,
        "source": Field(None, description="Where the figure comes from: a reference of "
                        "the bibliography and a locator (table, section, page)."),
        "seed": Field(None, description=SEED_DOC),
        "note": Field(None, description="Free-text caveat shown beside the figure."),
        "range": Field(None, description="[low, high] for one-way sensitivity analysis."),
        "__module__": __name__,
    }
    namespace["_check_range"] = model_validator(mode="after")(_range_check)
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
_money = Annotated[float, Strict(), Field(ge=0, le=MAX_MONEY)]
_months = Annotated[float, Strict(), Field(ge=0, le=MAX_MONTHS)]
_whole_months = Annotated[int, Strict(), Field(ge=0, le=MAX_MONTHS)]
_horizon = Annotated[int, Strict(), Field(ge=1, le=MAX_HORIZON_YEARS)]
_people = Annotated[float, Strict(), Field(ge=0, le=MAX_PEOPLE)]

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
    "People", Annotated[list[_people], Field(min_length=1, max_length=100),
                        BeforeValidator(_as_list)],
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
    scale: Annotated[float, Strict(), Field(ge=0, le=MAX_SCALE)] | None = Field(
        None, description="Factor applied to the cited figure; give a `reason`.")
    reason: Text | None = None
    assume_price_year: Annotated[int, Strict()] | Text | None = Field(
        None, description="Price year to assume for a figure whose source states none.")
    basis: Literal["gross", "net", "unstated"] | None = Field(
        None, description="Whether a `value` is gross or already net of the treatment "
        "cost; a net figure is refused (the model subtracts the cost itself).")


AnnualSaving = Annotated[Saving, BeforeValidator(
    _as_quantity, json_schema_input_type=_money | Saving)]
