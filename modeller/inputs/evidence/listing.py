"""The evidence library for people and tools: the table and the JSON contract.

Part of :mod:`modeller.inputs.evidence`; see its docstring for units and rules.
"""


from __future__ import annotations

from pathlib import Path
from typing import Any


from ..yamlsource import Problem
from .records import CONDITIONS, EvidenceRecord
from .tables import ConversionTables
from .library import EvidenceError, Library, _suggest, load_library
from .convert import Conversion, _money, _num, annual_range, annualise, convert, describe_value, flags


# --------------------------------------------------------------------------------------
# Listing
# --------------------------------------------------------------------------------------

CONTRACT_FIELDS = ("id", "conditions", "value", "currency", "price_year", "period_months",
                   "basis", "care", "source", "seed", "annual_value")


def to_json(records: list[EvidenceRecord] | tuple[EvidenceRecord, ...]) -> list[dict]:
    """Records as JSON-ready dicts: the contract fields first, then everything else.

    Contract (``modeller evidence --format json``): ``id``, ``conditions``, ``value``,
    ``currency``, ``price_year``, ``period_months``, ``basis``, ``care``, ``source`` (the
    reference and locator, as people cite it), ``seed`` (for auditors: the seed text
    lines, ``FILE.txt:LINES``; null for a local record) and ``annual_value`` [record
    currency/person/year at the record's own price year, before any conversion; null
    when not computable]. Also: ``annual_range``, ``display`` (the figure in words) and
    ``flags`` (Derived checks of the seed's own arithmetic).
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
    caveats, the source's own conversion, the Derived flags and the references as people
    cite them (the seed lines are for auditors: :func:`to_json` keeps them).

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
        per_year = _per_year(rec)
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
            lines.append(f"the source's own conversion ({sc.by}): "
                         f"{_money(sc.value, sc.currency)} ({sc.price_year} prices)"
                         + (f", stated as {_money(sc.annual_value, sc.currency)} a year"
                            if sc.annual_value else "") + f" ({sc.source})")
        lines += flags(rec)
        if caveats:
            lines += [f"caveat: {c}" for c in rec.caveats]
        lines.append(f"source: {rec.source}; it cites: {rec.citation}")
        lines += [f"also in: {p.source}" for p in rec.also_in]
        extra.append(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(),
           "  ".join("-" * w for w in widths)]
    for row, lines in zip(rows, extra):
        out.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        out += [f"    - {x}" for x in lines]
    return "\n".join(out)


def _per_year(rec: EvidenceRecord) -> str:
    """The figure per person per year with pence (a range as ``£300.00-£2,600.00``), or
    ``-`` when it has none (not money, per episode, no period stated)."""
    annual, ar = annualise(rec), annual_range(rec)
    if annual is not None:
        return _money(annual, rec.currency)
    if ar is not None:
        return f"{_money(ar[0], rec.currency)}-{_money(ar[1], rec.currency)}"
    return "-"


#: The heading of the record tables, the last section of ``docs/evidence.md``: the page
#: from there to its end is :func:`records_markdown` of the bundled library.
RECORDS_HEADING = "## The records"


def records_markdown(library: Library) -> str:
    """The last section of ``docs/evidence.md``: one Markdown table per evidence file,
    each record's id, conditions, figure as published, per person per year, basis,
    care, source (as people cite it) and seed (for auditors). Every money figure of the
    library is per person, so each prints with pence (:func:`_money`), as in
    :func:`format_table`, the conversion steps and the reports.

    ``dev/evidence-docs`` writes it into the page; tests/test_evidence.py checks the
    page holds exactly this text.
    """
    def cell(text: str) -> str:
        return " ".join(str(text).split()).replace("|", "\\|")

    out = [RECORDS_HEADING, "",
           "Generated from `assumptions/evidence/` by `dev/evidence-docs` (the tests check "
           "it matches). Each record's `source` as people cite it; `seed` (for auditors) "
           "is the seed text location the quote and figures are checked against. Every "
           "money figure is per person, so each prints with pence.", ""]
    by_file: dict[str, list[EvidenceRecord]] = {}
    for rec in library.records:
        by_file.setdefault(Path(library.locations[rec.id][0]).name, []).append(rec)
    for name, records in by_file.items():
        out += [f"**{name}**", "",
                "| id | conditions | figure as published | per person per year | basis "
                "| care | source | seed |", "|---|---|---|---|---|---|---|---|"]
        for rec in records:
            prices = f" ({rec.price_year} prices)" if rec.price_year is not None else ""
            row = (f"`{rec.id}`", ", ".join(rec.conditions), describe_value(rec) + prices,
                   _per_year(rec), rec.basis, rec.care, rec.source, rec.seed or "-")
            out.append("| " + " | ".join(cell(c) for c in row) + " |")
        out.append("")
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
