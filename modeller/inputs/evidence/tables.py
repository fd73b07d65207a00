"""Conversion tables (price indices, exchange rates) and reading them.

Part of :mod:`modeller.inputs.evidence`; see its docstring for units and rules.
"""


from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (Field, Strict,
                      model_validator)

from .. import references
from ..yamlsource import Path_, Problem, dotted, locate, parse_file
from .records import Text, _Model
from .library import EvidenceError, _validate


#: A price index value or exchange rate: above 0 and within [1e-6, 1e6], so a
#: conversion (value x index / index x rate) of a bounded figure stays finite.
TableNumber = Annotated[float, Strict(), Field(ge=1e-6, le=1e6)]


class PriceIndex(_Model):
    """A price index by price year [dimensionless], with its source.

    Keys are price years written as in the records: ``2007``, ``"2010/11"``.
    """

    name: Text
    source: Text
    seed: Text | None = None
    note: Text | None = None
    values: dict[str, TableNumber] = Field(min_length=1)

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
    seed: Text | None = None
    basis: Text | None = None  # e.g. "annual average market rate", "PPP"
    note: Text | None = None
    rates: dict[Literal["USD", "EUR", "CAD"],
                dict[str, TableNumber]] = Field(min_length=1)

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

    @model_validator(mode="after")
    def _cited(self) -> "ConversionTables":
        """Each table's ``source`` as people cite it, its seed lines in ``seed``
        (:func:`modeller.inputs.references.source_problems`), and no seed file name in
        any text a reader sees."""
        bad = [f"{name}.{key}: {m}" for name, table in (("price_index", self.price_index),
                                                         ("exchange_rates",
                                                          self.exchange_rates))
               if table is not None
               for key, m in references.source_problems(table.source, table.seed)]
        bad += [f"{path}: a seed file name is for auditors: move it to `seed`"
                for path in references.seed_names(self.model_dump(mode="json"))]
        if bad:
            raise ValueError("; ".join(bad))
        return self

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
