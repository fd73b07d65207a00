"""Evidence records: the controlled vocabularies and the record schema.

Part of :mod:`modeller.inputs.evidence`; see its docstring for units and rules.
"""


from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import (BaseModel, ConfigDict, Field, PlainValidator, Strict,
                      ValidationInfo, model_validator)

from .. import references
from ..limits import MAX_MONEY, MAX_MONTHS



# --------------------------------------------------------------------------------------
# Controlled vocabularies
# --------------------------------------------------------------------------------------

#: Condition ids a record may be tagged with, and what each covers. A record lists every
#: id that applies (a narrower id *and* its broader group, e.g. ``[angina,
#: cardiovascular]``); :func:`list_records` matches ids exactly and does not expand groups.
CONDITIONS: dict[str, str] = {
    "generic": "not condition-specific: all LTCs, co-morbid physical and mental health "
               "problems, or generic IAPT",
    "diabetes": "diabetes (type 1 and 2)",
    "copd": "chronic obstructive pulmonary disease and other respiratory disease",
    "cardiovascular": "cardiovascular disease (group; includes angina and cardiac "
                      "devices)",
    "angina": "angina (narrower than cardiovascular)",
    "cancer": "cancer (group)",
    "breast-cancer": "breast cancer (narrower than cancer)",
    "msk": "musculoskeletal disorders (group; includes rheumatology and back pain)",
    "rheumatoid-arthritis": "rheumatoid arthritis (narrower than msk)",
    "low-back-pain": "lower back pain (narrower than msk)",
    "mus": "medically unexplained symptoms / somatoform disorders (the FAQ keeps CFS as "
           "its own row)",
    "cfs": "chronic fatigue syndrome / ME",
}

ConditionId = Literal["generic", "diabetes", "copd", "cardiovascular", "angina", "cancer",
                      "breast-cancer", "msk", "rheumatoid-arthritis", "low-back-pain", "mus",
                      "cfs"]

#: ``$`` means "dollars, country not stated" (the Canadian breast-cancer RCT): it can
#: never be converted until a local record says which dollar.
Currency = Literal["GBP", "USD", "EUR", "CAD", "$"]
Measure = Literal["saving", "cost", "change", "payback", "attribution", "finding"]
Unit = Literal["per_person_per_year", "per_person_per_period", "per_episode", "percent",
               "activity", "years", "none"]
Basis = Literal["gross", "net", "unknown", "not_applicable"]
Care = Literal["secondary", "primary", "both", "unknown", "not_healthcare"]
Direction = Literal["reduction", "increase"]
Qualifier = Literal["over", "around", "up_to"]

MONEY_UNITS = ("per_person_per_year", "per_person_per_period", "per_episode")
SYMBOLS = {"GBP": "£", "USD": "US$", "EUR": "EUR ", "CAD": "C$", "$": "$"}

#: Every number of a record is finite and within +/- MAX_MONEY, so no conversion of
#: it can overflow.
Number = Annotated[float, Strict(), Field(ge=-MAX_MONEY, le=MAX_MONEY)]
Text = Annotated[str, Strict(), Field(min_length=1)]

_PRICE_YEAR = re.compile(r"^(\d{4})(?:/(\d{2})|-(\d{4}))?$")


def _price_year(raw: Any) -> int | str:
    """A calendar year (``2007``), financial year (``"2010/11"``) or range (``"1994-1998"``).

    Financial and range years are kept as the strings the seed prints; they match a
    table entry only under exactly the same key (``"2010/11"`` is not ``2011``).
    """
    if isinstance(raw, bool):
        raise ValueError("must be a year such as 2007, a financial year such as '2010/11' "
                         "or a range such as '1994-1998'")
    if isinstance(raw, int):
        if 1900 <= raw <= 2200:
            return raw
        raise ValueError(f"{raw} is not a plausible year (1900-2200)")
    if isinstance(raw, str):
        m = _PRICE_YEAR.match(raw.strip())
        if m:
            if not m.group(2) and not m.group(3):
                return int(m.group(1))
            if m.group(2):
                start = int(m.group(1))
                if (start + 1) % 100 != int(m.group(2)):
                    raise ValueError(f"{raw!r}: a financial year runs into the next year "
                                     f"(write '{start}/{(start + 1) % 100:02d}')")
            if m.group(3) and int(m.group(3)) < int(m.group(1)):
                raise ValueError(f"{raw!r}: a range must run forwards")
            return raw.strip()
    raise ValueError("must be a year such as 2007, a financial year such as '2010/11' "
                     "or a range such as '1994-1998'")


PriceYear = Annotated[Union[int, str], PlainValidator(_price_year)]

_CITE = re.compile(r"^(?P<file>[^\s:]+\.txt):(?P<ranges>\d+(?:-\d+)?(?:,\s*\d+(?:-\d+)?)*)$")


def parse_citation(text: str) -> tuple[str, list[tuple[int, int]]] | None:
    """Split ``"FILE.txt:988-992"`` or ``"FILE.txt:1022,1093-1097"`` into file and ranges.

    Returns ``None`` for text that is not a seed-style citation (a local record may cite
    its own documents in free text). Line numbers are 1-based and inclusive.
    """
    m = _CITE.match(text.strip())
    if not m:
        return None
    ranges = []
    for part in m.group("ranges").split(","):
        a, _, b = part.strip().partition("-")
        ranges.append((int(a), int(b or a)))
    return m.group("file"), ranges


def _is_kebab(text: str) -> bool:
    return re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", text) is not None


# --------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------

class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class StatedConversion(_Model):
    """A conversion the seed itself made (not ours), e.g. NHS Confed's angina uplift.

    ``value`` [currency, price_year] covers the same period and population as the
    record's own value; ``annual_value`` is the seed's own per-year figure, if it states
    one, kept verbatim even when it does not match value * 12 / period (see
    :func:`flags`).
    """

    value: Annotated[float, Strict(), Field(gt=0, le=MAX_MONEY)]
    currency: Currency
    price_year: PriceYear
    by: Text
    source: Text
    seed: Text | None = None
    quote: Text
    annual_value: Annotated[float, Strict(), Field(gt=0, le=MAX_MONEY)] | None = None
    note: Text | None = None


class Place(_Model):
    """Another place a figure is printed: the reader's citation and its seed lines."""

    source: Text
    seed: Text | None = None


class Part(_Model):
    """One component of a split (e.g. the MUS attribution 52/22/16/5/5 %). [unit of record]"""

    label: Text
    value: Number
    direction: Direction | None = None


class EvidenceRecord(_Model):
    """One published figure, as the seed gives it.

    ``value`` [currency/person over period_months, or the unit named] is as printed;
    ``annual_value`` (see :func:`annualise`) is derived, never stored.
    """

    id: Text
    label: Text
    conditions: list[ConditionId] = Field(min_length=1)
    measure: Measure
    value: Number | None = None
    qualifier: Qualifier | None = None
    range: tuple[Number, Number] | None = None
    currency: Currency | None = None
    price_year: PriceYear | None = None
    period_months: Annotated[float, Strict(), Field(gt=0, le=MAX_MONTHS)] | None = None
    unit: Unit
    quantity: Text | None = None
    direction: Direction | None = None
    basis: Basis
    care: Care
    design: Text
    #: Whether the study compared treated people with a group who were not treated
    #: ("no": a before/after change, which also counts recoveries that would have
    #: happened anyway, domain brief H2); "not_stated" when the seed does not say.
    comparison_group: Literal["yes", "no", "not_stated"] = "not_stated"
    country: Text | None = None
    population: Text
    citation: Text
    source: Text
    seed: Text | None = None
    also_in: list[Place] = []
    quote: Text | list[Text]
    finding: Text | None = None
    caveats: list[Text] = []
    stated_conversion: StatedConversion | None = None
    parts: list[Part] | None = None
    related: list[Text] = []
    #: For auditors only (never printed): where in the seed text copies the footnote,
    #: endnote or other detail behind the reader-facing text sits.
    seed_note: Text | None = None

    @model_validator(mode="after")
    def _semantics(self, info: ValidationInfo) -> "EvidenceRecord":
        if info.context and info.context.get("defer_semantics"):
            return self
        bad = self.semantic_problems()
        if bad:
            raise ValueError("; ".join(f"{k}: {m}" for k, m in bad))
        return self

    def semantic_problems(self) -> list[tuple[str, str]]:
        """Cross-field rules, as ``(field, message)`` pairs. Empty when consistent."""
        out: list[tuple[str, str]] = []
        money = self.currency is not None
        if not _is_kebab(self.id):
            out.append(("id", f"{self.id!r} must be kebab-case (lower-case letters, digits "
                              "and single hyphens)"))
        if money and self.unit not in MONEY_UNITS:
            out.append(("unit", f"a money figure ({self.currency}) needs a per-person unit: "
                                + ", ".join(MONEY_UNITS)))
        if money and self.measure not in ("saving", "cost"):
            out.append(("measure", "a money figure must be a 'saving' or a 'cost'"))
        if not money and self.measure in ("saving", "cost"):
            out.append(("currency", f"a {self.measure} is money: give the currency (GBP, "
                                    "USD, EUR, CAD, or '$'), or use measure 'change'"))
        elif not money and self.unit in MONEY_UNITS:
            out.append(("currency", f"unit {self.unit} is money: give the currency "
                                    "(GBP, USD, EUR, CAD, or '$' when the seed does "
                                    "not say which dollar)"))
        if not money and self.price_year is not None:
            out.append(("price_year", "only a money figure has a price year"))
        if not money and self.stated_conversion is not None:
            out.append(("stated_conversion", "only a money figure can be converted"))
        if self.measure == "finding" and self.value is not None:
            out.append(("value", "a 'finding' has no value; put the number in a record "
                                 "of its own or in the finding text"))
        if self.value is None and self.range is None and not self.parts and not self.finding:
            out.append(("value", "give a value, a range, parts, or (for a finding with "
                                 "no number) the finding text"))
        if self.range is not None and self.range[0] > self.range[1]:
            out.append(("range", f"low {self.range[0]} is above high {self.range[1]}"))
        if self.unit == "per_person_per_year" and self.period_months not in (None, 12):
            out.append(("period_months", "a per-year figure covers 12 months; use "
                                         "per_person_per_period for other periods"))
        if self.unit == "per_person_per_year" and self.period_months is None:
            out.append(("period_months", "a per-year figure covers 12 months: write "
                                         "period_months: 12"))
        if self.measure == "attribution" and not self.parts:
            out.append(("parts", "an attribution needs its parts"))
        if self.stated_conversion and self.stated_conversion.currency != "GBP":
            out.append(("stated_conversion.currency", "the seed's conversions are to GBP"))
        out += _citation_problems(self)
        return out

    @property
    def quotes(self) -> list[str]:
        """The verbatim quote as a list of fragments."""
        return [self.quote] if isinstance(self.quote, str) else list(self.quote)


def _citation_problems(record: "EvidenceRecord") -> list[tuple[str, str]]:
    """Each ``source`` against its ``seed`` (:func:`modeller.inputs.references.
    source_problems`), each seed a single ``FILE.txt:LINES`` (the lines the tests check
    the quote against), the seed note's locations in the bibliography, and no seed file
    name in any text a reader sees."""
    out: list[tuple[str, str]] = []
    places: list[tuple[str, str, str | None]] = [("", record.source, record.seed)]
    places += [(f"also_in[{i}].", p.source, p.seed) for i, p in enumerate(record.also_in)]
    if record.stated_conversion is not None:
        sc = record.stated_conversion
        places.append(("stated_conversion.", sc.source, sc.seed))
    for prefix, source, seed in places:
        if seed is not None and parse_citation(seed) is None:
            out.append((prefix + "seed", f"{seed!r} is not a seed location in one file "
                                         "like '000_531557c98ba51688.txt:1022,1093-1097'"))
            continue
        out += [(prefix + key, m) for key, m in references.source_problems(source, seed)]
    for location in references.seed_locations(record.seed_note):
        out += [("seed_note", m) for m in references.seed_problems(location)]
    reported = {field for field, _ in out}
    for path in references.seed_names(record.model_dump(mode="json")):
        if path not in reported:
            out.append((path, "a seed file name is for auditors: move it to `seed` or "
                              "`seed_note` and cite the document as people cite it"))
    return out


class EvidenceFile(_Model):
    """One ``assumptions/evidence/*.yaml`` file."""

    description: Text | None = None
    seed_note: Text | None = None
    records: list[dict[str, Any]] = Field(min_length=1)
