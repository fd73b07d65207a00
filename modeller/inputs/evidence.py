"""The evidence library: every published savings or cost figure in the seeds, as records.

A record holds one figure exactly as the seed prints it -- value, currency, price year,
the period it covers, gross or net of the intervention's cost, which care it covers --
with the seed file and lines it comes from, a verbatim quote, the citation as the seed
gives it, and the caveats a commissioner needs before copying it into a spreadsheet.

The library lives in ``assumptions/evidence/*.yaml`` (bundled with the package). Each
file is a mapping with an optional ``description`` and a list of ``records``; the keys
are documented in ``docs/evidence.md``.

Units used throughout (square brackets in docstrings):

- money values are in the record's own ``currency`` and ``price_year`` unless a
  :class:`Conversion` says otherwise;
- ``annual_value`` is [currency/person/year] = value * 12 / period_months;
- ``period_months`` is [months];
- price indices are dimensionless; exchange rates are [GBP per unit of currency].

Conversion (:func:`convert`) never guesses. A figure in another currency or price year
converts only with a table entry that carries its source (:class:`ConversionTables`);
without one the result is a :class:`~modeller.inputs.yamlsource.Problem` naming the figure,
its currency and year, and the table entry it needs. Where the seed itself converts a
figure (the angina and rheumatoid-arthritis rows of the FAQ's Table 1,
000_531557c98ba51688.txt:1014-1020 and 1137-1145), the record's ``stated_conversion``
is used and labelled as the seed's conversion, not ours.

No exchange rate, inflation index or discount rate appears anywhere in the seeds
(domain brief section 6.1), so the package ships none, except the two points implied by
NHS Confed's angina conversion (``assumptions/conversion/nhs-confed-angina-implied.yaml``),
which is opt-in and labelled as such.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import (BaseModel, ConfigDict, Field, PlainValidator, Strict,
                      ValidationError, ValidationInfo, model_validator)

from .yamlsource import Path_, Problem, dotted, locate, parse_file


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

Number = Annotated[float, Strict()]
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
    model_config = ConfigDict(extra="forbid", frozen=True)


class StatedConversion(_Model):
    """A conversion the seed itself made (not ours), e.g. NHS Confed's angina uplift.

    ``value`` [currency, price_year] covers the same period and population as the
    record's own value; ``annual_value`` is the seed's own per-year figure, if it states
    one, kept verbatim even when it does not match value * 12 / period (see
    :func:`flags`).
    """

    value: Annotated[float, Strict(), Field(gt=0)]
    currency: Currency
    price_year: PriceYear
    by: Text
    source: Text
    quote: Text
    annual_value: Annotated[float, Strict(), Field(gt=0)] | None = None
    note: Text | None = None


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
    period_months: Annotated[float, Strict(), Field(gt=0, le=1200)] | None = None
    unit: Unit
    quantity: Text | None = None
    direction: Direction | None = None
    basis: Basis
    care: Care
    design: Text
    country: Text | None = None
    population: Text
    citation: Text
    source: Text
    also_in: list[Text] = []
    quote: Text | list[Text]
    finding: Text | None = None
    caveats: list[Text] = []
    stated_conversion: StatedConversion | None = None
    parts: list[Part] | None = None
    related: list[Text] = []

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
        for i, other in enumerate(self.also_in):
            if parse_citation(other) is None:
                out.append((f"also_in[{i}]", f"{other!r} is not a citation like "
                                             "'000_531557c98ba51688.txt:33-34'"))
        if ".txt:" in self.source and parse_citation(self.source) is None:
            out.append(("source", f"{self.source!r} is not a citation like "
                                  "'000_531557c98ba51688.txt:988-992'"))
        return out

    @property
    def quotes(self) -> list[str]:
        """The verbatim quote as a list of fragments."""
        return [self.quote] if isinstance(self.quote, str) else list(self.quote)


class EvidenceFile(_Model):
    """One ``assumptions/evidence/*.yaml`` file."""

    description: Text | None = None
    records: list[dict[str, Any]] = Field(min_length=1)


class PriceIndex(_Model):
    """A price index by price year [dimensionless], with its source.

    Keys are price years written as in the records: ``2007``, ``"2010/11"``.
    """

    name: Text
    source: Text
    note: Text | None = None
    values: dict[str, Annotated[float, Strict(), Field(gt=0)]] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("values"), dict):
            data = dict(data)
            data["values"] = {_key(k): v for k, v in data["values"].items()}
        return data


class ExchangeRates(_Model):
    """Exchange rates to GBP by currency and year [GBP per unit of currency]."""

    name: Text
    source: Text
    basis: Text | None = None  # e.g. "annual average market rate", "PPP"
    note: Text | None = None
    rates: dict[Literal["USD", "EUR", "CAD"],
                dict[str, Annotated[float, Strict(), Field(gt=0)]]] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("rates"), dict):
            data = dict(data)
            data["rates"] = {c: ({_key(k): v for k, v in by_year.items()}
                                 if isinstance(by_year, dict) else by_year)
                             for c, by_year in data["rates"].items()}
        return data


class ConversionTables(_Model):
    """The tables a conversion may use: a price index and exchange rates to GBP.

    Either may be absent; converting anything that needs the missing one is a Problem.
    """

    description: Text | None = None
    price_index: PriceIndex | None = None
    exchange_rates: ExchangeRates | None = None

    def index(self, year: int | str | None) -> float | None:
        """Index value for ``year`` [dimensionless], or None if the table lacks it."""
        if self.price_index is None or year is None:
            return None
        return self.price_index.values.get(_key(year))

    def rate(self, currency: str, year: int | str | None) -> float | None:
        """GBP per unit of ``currency`` in ``year`` [GBP/unit], or None if not given."""
        if currency == "GBP":
            return 1.0
        if self.exchange_rates is None or year is None:
            return None
        return self.exchange_rates.rates.get(currency, {}).get(_key(year))  # type: ignore


def _key(year: Any) -> str:
    return str(year).strip()


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------

class EvidenceError(Exception):
    """The library (or a reference into it) has problems; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


@dataclass(frozen=True)
class Library:
    """The loaded records, in file order, with where each was defined."""

    records: tuple[EvidenceRecord, ...]
    locations: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def get(self, record_id: str) -> EvidenceRecord | None:
        for rec in self.records:
            if rec.id == record_id:
                return rec
        return None

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.records]

    def for_condition(self, condition: str | None) -> list[EvidenceRecord]:
        """Records tagged with ``condition`` exactly (all records when None)."""
        if condition is None:
            return list(self.records)
        return [r for r in self.records if condition in r.conditions]


def default_directory() -> Path:
    """The bundled ``assumptions/evidence`` directory (installed wheel or checkout)."""
    from .bundled import bundled_dir

    return bundled_dir("assumptions") / "evidence"


def default_conversion_directory() -> Path:
    """The bundled ``assumptions/conversion`` directory (opt-in tables; none is default)."""
    return default_directory().parent / "conversion"


def _user_loc(loc: Path_, data: Any, kind: str) -> Path_:
    """Trim pydantic's union/validator tags so the path is one the user wrote."""
    out: list[Any] = []
    cur = data
    for i, part in enumerate(loc):
        if isinstance(cur, dict) and part not in cur:
            # table keys are normalised to text ("2007"); the user wrote 2007
            part = next((k for k in cur if str(k) == str(part)), part)
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
            out.append(part)
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
            out.append(part)
        else:
            if i == len(loc) - 1 and kind in ("missing", "extra_forbidden") \
                    and isinstance(cur, dict):
                out.append(part)
            break
    return tuple(out)


def _allowed(model: type[BaseModel]) -> str:
    return ", ".join(model.model_fields)


_NESTED = {"stated_conversion": StatedConversion, "parts": Part}


def _friendly(err: dict, loc: Path_, data: Any, model: type[BaseModel]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        owner = model
        for part in loc[:-1]:
            if isinstance(part, str) and part in _NESTED:
                owner = _NESTED[part]
        return f"unknown key {loc[-1]!r}; allowed here: {_allowed(owner)}"
    if kind == "missing":
        return "required field is missing"
    msg = str(err["msg"]).replace("Input should be", "must be")
    msg = msg.removeprefix("Value error, ")
    value = err.get("input")
    if kind in ("float_type", "int_type") and isinstance(value, str):
        msg = "must be a number (write it without quotes)"
    if kind == "string_type" and isinstance(value, dict):
        msg = ("must be text, but YAML read a mapping: put the text in quotes (an "
               "unquoted ': ' makes YAML read what comes before it as a key)")
    shown = f"{value!r}: " if not isinstance(value, (dict, list)) and value is not None \
        else ""
    return f"{shown}{msg}"


def _validate(model: type[BaseModel], data: Any, base: Path_, lines: dict, file: str,
              context: dict | None = None) -> tuple[Any, list[Problem]]:
    try:
        return model.model_validate(data, context=context), []
    except ValidationError as exc:
        problems = []
        seen = set()
        for err in exc.errors():
            loc = _user_loc(tuple(err["loc"]), data, err["type"])
            key = (loc, err["type"] if err["type"] != "missing" else err["loc"])
            if key in seen:
                continue
            seen.add(key)
            path = base + loc
            f, line = locate(lines, path, file)
            problems.append(Problem(f, line, dotted(path), _friendly(err, loc, data, model)))
        return None, problems


def read_file(path: Path) -> tuple[list[EvidenceRecord], dict[str, tuple[str, int | None]],
                                   list[Problem]]:
    """Read one evidence file: its valid records, where each id is, and every problem.

    The returned locations also hold the ids of records that failed validation (so a
    ``related`` reference to them is not reported a second time).
    """
    located, problems = parse_file(path)
    file = str(path)
    if located is None:
        return [], {}, problems
    data, lines = located.data, located.lines
    if not isinstance(data, dict):
        return [], {}, problems + [Problem(file, 1, "", "an evidence file is a mapping with "
                                           "a list under 'records:'")]
    shell, bad = _validate(EvidenceFile, {k: v for k, v in data.items()}, (), lines, file)
    if shell is None:
        # Report shell problems, but still look at the records that are there.
        problems += [p for p in bad if not p.field.startswith("records[")]
        raw_records = data.get("records") if isinstance(data.get("records"), list) else []
    else:
        raw_records = shell.records
    records: list[EvidenceRecord] = []
    where: dict[str, tuple[str, int | None]] = {}
    for i, raw in enumerate(raw_records):
        base: Path_ = ("records", i)
        if not isinstance(raw, dict):
            f, line = locate(lines, base, file)
            problems.append(Problem(f, line, dotted(base), "a record is a mapping of keys"))
            continue
        rec, bad = _validate(EvidenceRecord, raw, base, lines, file,
                             context={"defer_semantics": True})
        problems += bad
        if rec is None:
            if isinstance(raw.get("id"), str):
                where.setdefault(raw["id"], locate(lines, base + ("id",), file))
            continue
        semantic = rec.semantic_problems()
        for fld, message in semantic:
            parts = tuple(int(p) if p.isdigit() else p
                          for p in re.split(r"[.\[\]]+", fld) if p)
            f, line = locate(lines, base + parts, file)
            problems.append(Problem(f, line, dotted(base + parts), message))
        if semantic:
            where.setdefault(rec.id, locate(lines, base + ("id",), file))
            continue
        records.append(rec)
        where[rec.id] = locate(lines, base + ("id",), file)
    return records, where, problems


def read_library(*directories: str | Path) -> tuple[Library, list[Problem]]:
    """Read every ``*.yaml`` evidence file in ``directories`` (default: the bundled one).

    Returns the library of valid records and *every* problem found (syntax, unknown
    keys, bad values, duplicate ids across files, ``related`` ids that do not exist).
    A caller that needs a clean library should use :func:`load_library`.
    """
    dirs = [Path(d) for d in directories] or [default_directory()]
    records: list[EvidenceRecord] = []
    where: dict[str, tuple[str, int | None]] = {}
    failed: set[str] = set()
    problems: list[Problem] = []
    for d in dirs:
        if not d.is_dir():
            problems.append(Problem(str(d), None, "", "evidence directory not found"))
            continue
        files = sorted(list(d.glob("*.yaml")) + list(d.glob("*.yml")))
        if not files:
            problems.append(Problem(str(d), None, "", "no *.yaml evidence files here"))
        for path in files:
            recs, locs, bad = read_file(path)
            problems += bad
            failed |= set(locs) - {r.id for r in recs}
            for rec in recs:
                if rec.id in where:
                    f0, l0 = where[rec.id]
                    f, line = locs[rec.id]
                    problems.append(Problem(
                        f, line, "id", f"duplicate id {rec.id!r} (first defined at "
                        f"{f0}:{l0}); ids must be unique across the library"))
                    continue
                where[rec.id] = locs[rec.id]
                records.append(rec)
    known = set(where)
    for rec in records:
        for other in rec.related:
            if other not in known and other not in failed:
                f, line = where[rec.id]
                problems.append(Problem(f, line, "related",
                                        f"{rec.id}: related id {other!r} is not in the "
                                        "library" + _suggest(other, known)))
    return Library(tuple(records), {r.id: where[r.id] for r in records}), problems


def load_library(*directories: str | Path) -> Library:
    """Like :func:`read_library` but raise :class:`EvidenceError` on any problem."""
    library, problems = read_library(*directories)
    if problems:
        raise EvidenceError(problems)
    return library


def tables_from_data(data: Any, file: str, lines: dict | None = None,
                     prefix: Path_ = ()) -> tuple[ConversionTables | None, list[Problem]]:
    """Validate conversion tables already parsed (e.g. a ``conversion:`` section of a set).

    ``lines`` and ``prefix`` locate problems: ``prefix`` is the path of ``data`` in its
    document, e.g. ``("conversion",)``.
    """
    lines = lines or {}
    if not isinstance(data, dict):
        f, line = locate(lines, prefix, file)
        return None, [Problem(f, line, dotted(prefix), "conversion tables are a mapping with "
                              "price_index and/or exchange_rates")]
    tables, problems = _validate(ConversionTables, data, prefix, lines, file)
    return tables, problems


def read_tables(path: str | Path) -> tuple[ConversionTables | None, list[Problem]]:
    """Read a conversion-table file (``assumptions/conversion/*.yaml``)."""
    located, problems = parse_file(Path(path))
    if located is None:
        return None, problems
    tables, bad = tables_from_data(located.data, str(path), located.lines)
    return tables, problems + bad


def load_tables(path: str | Path) -> ConversionTables:
    """Like :func:`read_tables` but raise :class:`EvidenceError` on any problem."""
    tables, problems = read_tables(path)
    if problems or tables is None:
        raise EvidenceError(problems)
    return tables


def _suggest(word: str, options: set[str] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""


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
    if abs(x - round(x)) < 1e-9:
        return f"{int(round(x)):,}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _money(x: float, currency: str | None) -> str:
    """``£1,337``; pence shown to two places (``US$340.28``, ``£73.50``)."""
    if currency is None:
        return _num(x)
    amount = f"{int(round(x)):,}" if abs(x - round(x)) < 1e-9 else f"{x:,.2f}"
    return f"{SYMBOLS.get(currency, currency + ' ')}{amount}"


def _prices(year: int | str | None) -> str:
    return "price year not stated" if year is None else f"{year} prices"


def describe_value(record: EvidenceRecord) -> str:
    """The figure as published, in words: ``£837 per person over 6 months``,
    ``20% reduction in healthcare costs``, ``0.12 fewer emergency department attendances
    per person over 6 months``."""
    q = {"over": "over ", "around": "around ", "up_to": "up to ", None: ""}[record.qualifier]
    what = record.quantity
    if record.value is None:
        if record.range is not None and record.currency is not None:
            v = f"{_money(record.range[0], record.currency)}-{_num(record.range[1])}"
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


# --------------------------------------------------------------------------------------
# Listing
# --------------------------------------------------------------------------------------

CONTRACT_FIELDS = ("id", "conditions", "value", "currency", "price_year", "period_months",
                   "basis", "care", "source", "annual_value")


def to_json(records: list[EvidenceRecord] | tuple[EvidenceRecord, ...]) -> list[dict]:
    """Records as JSON-ready dicts: the contract fields first, then everything else.

    Contract (``modeller evidence --format json``): ``id``, ``conditions``, ``value``,
    ``currency``, ``price_year``, ``period_months``, ``basis``, ``care``, ``source``
    (seed file:lines) and ``annual_value`` [record currency/person/year at the record's
    own price year, before any conversion; null when not computable]. Also:
    ``annual_range``, ``display`` (the figure in words) and ``flags`` (Derived checks of
    the seed's own arithmetic).
    """
    out = []
    for rec in records:
        body = rec.model_dump(mode="json")
        row: dict[str, Any] = {k: body.get(k) for k in CONTRACT_FIELDS if k in body}
        row["annual_value"] = annualise(rec)
        ar = annual_range(rec)
        row["annual_range"] = list(ar) if ar else None
        for k, v in body.items():
            if k not in row:
                row[k] = v
        row["display"] = describe_value(rec)
        row["flags"] = flags(rec)
        out.append(row)
    return out


def select(condition: str | None = None,
           directory: str | Path | None = None) -> list[EvidenceRecord]:
    """The library's records for ``condition`` (exact tag; all when None).

    Raises :class:`EvidenceError` if the library has problems or ``condition`` is not
    in :data:`CONDITIONS`.
    """
    library = load_library(*([directory] if directory else []))
    if condition is not None and condition not in CONDITIONS:
        raise EvidenceError([Problem("evidence", None, "condition",
                                     f"unknown condition {condition!r}"
                                     + _suggest(condition, list(CONDITIONS))
                                     + "; one of: " + ", ".join(CONDITIONS))])
    return list(library.for_condition(condition))


def list_records(condition: str | None = None,
                 directory: str | Path | None = None) -> list[dict]:
    """JSON-ready records for ``condition`` (the ``modeller evidence --format json``
    contract); raises like :func:`select`."""
    return to_json(select(condition, directory))


def format_table(records: list[EvidenceRecord] | tuple[EvidenceRecord, ...], *,
                 tables: ConversionTables | None = None,
                 target_price_year: int | str | None = None,
                 caveats: bool = True) -> str:
    """A plain-text table: id, conditions, value as published, per person per year,
    period, basis, care, the converted value [GBP/person/year] and, under each row, its
    caveats, the seed's own conversion and the Derived flags.

    The converted column uses :func:`convert` (the seed's stated conversion where it has
    one); without tables only GBP figures already at the target price year convert.
    """
    header = ("id", "conditions", "value (as published)", "per person/year", "period",
              "basis", "care", "GBP/person/year" + (f" ({target_price_year})"
                                                     if target_price_year else ""))
    rows: list[tuple[str, ...]] = []
    extra: list[list[str]] = []
    for rec in records:
        annual = annualise(rec)
        ar = annual_range(rec)
        if annual is not None:
            per_year = _money(annual, rec.currency)
        elif ar is not None:
            per_year = f"{_money(ar[0], rec.currency)}-{_num(ar[1])}"
        else:
            per_year = "-"
        period = f"{_num(rec.period_months)} mo" if rec.period_months else "not stated" \
            if rec.currency else "-"
        conv = "-"
        if rec.currency and rec.measure == "saving" and rec.value is not None \
                and annual is not None:
            c = convert(rec, tables=tables, target_price_year=target_price_year)
            conv = _money(c.value, c.currency) if c.ok else _why_not(rec, c)
        py = f" ({rec.price_year})" if rec.price_year is not None else (
            " (no price yr)" if rec.currency else "")
        rows.append((rec.id, ",".join(rec.conditions), describe_value(rec) + py, per_year,
                     period, rec.basis, rec.care, conv))
        lines: list[str] = []
        if rec.finding:
            lines.append(f"finding: {rec.finding}")
        if rec.parts:
            lines.append("parts: " + "; ".join(
                f"{p.label} {_num(p.value)}{'%' if rec.unit == 'percent' else ''}"
                + (f" {p.direction}" if p.direction else "") for p in rec.parts))
        if rec.stated_conversion:
            sc = rec.stated_conversion
            lines.append(f"seed's own conversion ({sc.by}): {_money(sc.value, sc.currency)} "
                         f"({sc.price_year} prices)"
                         + (f", stated as {_money(sc.annual_value, sc.currency)} a year"
                            if sc.annual_value else ""))
        lines += flags(rec)
        if caveats:
            lines += [f"caveat: {c}" for c in rec.caveats]
        lines.append(f"source: {rec.source}; {rec.citation}")
        extra.append(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
           "  ".join("-" * w for w in widths)]
    for row, lines in zip(rows, extra):
        out.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        out += [f"    - {x}" for x in lines]
    return "\n".join(out)


def _why_not(rec: EvidenceRecord, conv: Conversion) -> str:
    text = " ".join(p.message for p in conv.problems)
    if rec.currency == "$":
        return "which dollar?"
    if "exchange rate" in text:
        return "needs FX rate"
    if "no stated price year" in text:
        return "no price year"
    if "price index" in text:
        return "needs index"
    return "not convertible"


# --------------------------------------------------------------------------------------
# Checking records against the seeds (used by the tests; seeds are not bundled)
# --------------------------------------------------------------------------------------

def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def cited_text(citation: str, seeds_dir: str | Path) -> str | None:
    """The seed lines a citation points to, joined with single spaces; None if invalid."""
    parsed = parse_citation(citation)
    if parsed is None:
        return None
    file, ranges = parsed
    path = Path(seeds_dir) / file
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    chunks = []
    for a, b in ranges:
        if a < 1 or b < a or b > len(lines):
            return None
        chunks.append(" ".join(s.strip() for s in lines[a - 1:b]))
    return _normalise(" ".join(chunks))


_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
          "ten", "eleven", "twelve")


def number_forms(x: float) -> list[str]:
    """Ways a seed may print ``x``: ``1337`` -> ``1,337`` and ``1337``; ``0.12``."""
    forms = []
    if abs(x - round(x)) < 1e-9:
        n = int(round(x))
        forms += [f"{n:,}", str(n)]
        if 0 <= n < len(_WORDS):
            forms += [_WORDS[n], _WORDS[n].capitalize()]
    else:
        forms += [f"{x:,.2f}", f"{x:.2f}", f"{x:,}", repr(x)]
        forms += [s.rstrip("0") for s in list(forms) if "." in s]
    return list(dict.fromkeys(forms))


def verify_citations(library: Library, seeds_dir: str | Path) -> list[Problem]:
    """Check every record against the seed text it cites.

    For each record: ``source`` and ``also_in`` point at real lines; every quote fragment
    appears (whitespace-normalised) in the cited lines; and ``value``, both ends of
    ``range``, each part, and the stated conversion's value and annual value appear as
    numbers in the cited text (the record's ``source`` plus the stated conversion's).
    """
    problems: list[Problem] = []
    for rec in library.records:
        file, line = library.locations.get(rec.id, ("evidence", None))

        def bad(fld: str, msg: str) -> None:
            problems.append(Problem(file, line, fld, f"{rec.id}: {msg}"))

        text = cited_text(rec.source, seeds_dir)
        if parse_citation(rec.source) is None:
            continue  # a local record citing its own documents
        if text is None:
            bad("source", f"{rec.source!r} does not point at lines in {seeds_dir}")
            continue
        for other in rec.also_in:
            if cited_text(other, seeds_dir) is None:
                bad("also_in", f"{other!r} does not point at lines in {seeds_dir}")
        for q in rec.quotes:
            if _normalise(q) not in text:
                bad("quote", f"quote not found in {rec.source}: {q!r}")
        numbers: list[tuple[str, float, str]] = []
        if rec.value is not None:
            numbers.append(("value", rec.value, text))
        if rec.range is not None:
            numbers += [("range", v, text) for v in rec.range]
        for i, p in enumerate(rec.parts or []):
            numbers.append((f"parts[{i}].value", p.value, text))
        sc = rec.stated_conversion
        if sc is not None:
            sc_text = cited_text(sc.source, seeds_dir)
            if sc_text is None:
                bad("stated_conversion.source", f"{sc.source!r} does not point at seed lines")
            else:
                if _normalise(sc.quote) not in sc_text:
                    bad("stated_conversion.quote", f"quote not found in {sc.source}")
                numbers.append(("stated_conversion.value", sc.value, sc_text))
                if sc.annual_value is not None:
                    numbers.append(("stated_conversion.annual_value", sc.annual_value,
                                    sc_text))
        for fld, x, where_text in numbers:
            if not any(re.search((r"\b" + f + r"\b") if f.isalpha() else
                                 (r"(?<![\d.,])" + re.escape(f) + r"(?![\d]|[.,]\d)"),
                                 where_text)
                       for f in number_forms(x)):
                bad(fld, f"{_num(x)} does not appear in the cited seed lines")
    return problems
