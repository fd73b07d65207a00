"""The JSON Schema of the results contract (``modeller run --format json``).

Generated from the result dataclasses of :mod:`modeller.model.results` so that it cannot
drift from them: every field becomes a required property of its type, with the field's
trailing comment (its unit and meaning) as the description, and every object forbids
keys the schema does not list. Only the parts :meth:`Results.to_dict` reshapes (the
monthly series, the by-condition extras, the cost lines and the evidence conversions,
which the loader builds as plain mappings) are described here by hand; a test validates
the results of every bundled set against the schema, so a key added to the JSON without
the schema fails it. ``modeller schema --results`` prints :func:`results_schema`.
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import textwrap
import tokenize
import types
import typing
from typing import Any

from . import results

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"

#: Results fields that ``to_dict`` does not emit under their own name.
_RESHAPED = {"cumulative_cost", "cumulative_savings", "annual_saving", "sources",
             "cost_lines", "evidence", "outcomes", "appraisal", "financial"}

_NUMBER = {"type": "number"}


def _comments(cls: type) -> dict[str, str]:
    """Field name -> its trailing ``# comment`` in the source of ``cls`` (or a base)."""
    out: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not dataclasses.is_dataclass(klass):
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):  # pragma: no cover - source not shipped
            continue
        line_field: dict[int, str] = {}
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.NAME and tok.start[1] == 4 \
                    and tok.string in klass.__annotations__:
                line_field.setdefault(tok.start[0], tok.string)
            elif tok.type == tokenize.COMMENT and tok.start[0] in line_field:
                out[line_field[tok.start[0]]] = tok.string.lstrip("# ").strip()
    return out


def _of_type(tp: Any) -> dict:
    """The JSON Schema of a (dataclass field) type."""
    if tp is type(None):
        return {"type": "null"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return dict(_NUMBER)
    if tp is str:
        return {"type": "string"}
    if dataclasses.is_dataclass(tp):
        return object_schema(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_of_type(a) for a in args]}
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return {"type": "array", "items": _of_type(args[0])}
    if origin in (list, tuple) and args:
        return {"type": "array", "items": _of_type(args[0])}
    raise TypeError(f"no JSON Schema for {tp!r}; describe it in modeller.model.contract")


def object_schema(cls: type, skip: set[str] = frozenset(), extra: dict | None = None
                  ) -> dict:
    """A closed object schema for dataclass ``cls``: every field required, typed and
    described by its trailing comment; ``extra`` adds properties (also required)."""
    hints = typing.get_type_hints(cls)
    comments = _comments(cls)
    props: dict[str, dict] = {}
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        prop = _of_type(hints[f.name])
        if f.name in comments:
            prop = {**prop, "description": comments[f.name]}
        props[f.name] = prop
    props.update(extra or {})
    out = {"type": "object", "properties": props, "required": list(props),
           "additionalProperties": False}
    doc = (cls.__doc__ or "").strip()
    if doc and not doc.startswith(f"{cls.__name__}("):
        out["description"] = " ".join(doc.split())
    return out


def _nullable(schema: dict, description: str) -> dict:
    return {"anyOf": [schema, {"type": "null"}], "description": description}


def _strings(description: str) -> dict:
    return {"type": "array", "items": {"type": "string"}, "description": description}


_PRICE_YEAR = {"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]}

#: One cited figure's conversion (built by :mod:`modeller.inputs.loader`).
_EVIDENCE = {
    "type": "object",
    "description": "How a condition's cited evidence record became its annual saving.",
    "properties": {
        "record": {"type": "string", "description": "Evidence record id."},
        "original": {"type": "string", "description": "The figure as published."},
        "value": {"type": "number",
                  "description": "Annual saving used [currency/person/year]."},
        "currency": {"type": "string"},
        "price_year": {**_PRICE_YEAR, "description": "Price year of value (null: as "
                       "published, none stated)."},
        "design": {"type": "string", "description": "The study design, as the seed "
                   "describes it."},
        "comparison_group": {"type": "string", "enum": ["yes", "no", "not_stated"],
                             "description": "Whether the study had an untreated "
                             "comparison group (no: a before/after change, which "
                             "includes recoveries that would have happened anyway)."},
        "caveats": _strings("The record's caveats."),
        "steps": _strings("Each conversion step, in order."),
        "by": _strings("Whose each step is: seed, tool or set."),
        "notes": _strings("Caveats of the conversion."),
        "explanation": {"type": "string", "description": "The steps as sentences."},
    },
    "additionalProperties": False,
}
_EVIDENCE["required"] = list(_EVIDENCE["properties"])


#: What each top-level key of the results is (the Results fields carry no comments).
_TOP = {
    "name": "The assumption set's name.",
    "hash": "sha256 of the resolved assumption set (and any cited evidence records).",
    "tool_version": "The modeller version that produced these results.",
    "currency": "Currency of every money figure (GBP).",
    "horizon_years": "Appraisal horizon [years].",
    "savings_apply_to": "Who saves: recovered, completed or entering.",
    "benefit_months": "How long each beneficiary keeps saving [months].",
    "treatment_months": "Months from entering treatment to its end [months].",
    "discount_convention": "How NPV is discounted (Green Book), in words.",
    "warnings": "Inconsistencies in the inputs shown on every run.",
    "per_person_entering": "The cohort view of one person entering treatment.",
    "totals": "Headline totals of the running service over the horizon.",
    "by_year": "One row per year of the horizon.",
    "by_condition": "One row per condition (within the horizon unless lifetime).",
    "by_budget_holder": "Who pays and who saves (empty when the set declares no "
                        "budget holders).",
    "by_care_category": "Savings by category of care (empty when the set declares none).",
}


def _closed(description: str, properties: dict) -> dict:
    return {"type": "object", "description": description, "properties": properties,
            "required": list(properties), "additionalProperties": False}


_NUM_OR_NULL = {"anyOf": [dict(_NUMBER), {"type": "null"}]}
_TEXT_OR_NULL = {"anyOf": [{"type": "string"}, {"type": "null"}]}
_OBJECT = {"type": "object"}
_THRESHOLD = _closed("Counterfactual rate [fraction] at which each figure is zero; "
                     "null when no rate in [0, 1] gives zero.", {
                         "within_horizon": _NUM_OR_NULL, "npv_lifetime": _NUM_OR_NULL,
                         "lifetime": _NUM_OR_NULL})

#: ``outcomes``, ``appraisal`` and ``financial`` (built by :mod:`.appraisal`).
FINANCE = {
    "outcomes": _closed("The funnel's rates, the counterfactual and its threshold.", {
        "completion_rate": dict(_NUMBER), "recovery_rate": dict(_NUMBER),
        "savings_apply_to": {"type": "string"},
        "counterfactual_recovery_rate": {**_NUMBER, "description": "Share of people "
                                         "entering who would have recovered anyway "
                                         "(0 when unstated) [fraction]."},
        "counterfactual_stated": {"type": "boolean"},
        "counterfactual_source": _TEXT_OR_NULL, "counterfactual_note": _TEXT_OR_NULL,
        "probability_recovered": dict(_NUMBER), "probability_attributable": dict(_NUMBER),
        "by_condition": {"type": "object", "additionalProperties": _OBJECT,
                         "description": "Condition id -> its rates and attributable "
                         "share per person entering."},
        "counterfactual_threshold": _THRESHOLD}),
    "appraisal": _closed("Options against business as usual, optimism bias, value for "
                         "money, price years and the board's decision.", {
        "options": {"type": "array", "items": _OBJECT, "description": "Business as "
                    "usual first, then this set; each incremental to business as usual."},
        "incremental_to": {"type": "string"},
        "optimism_bias": {**_OBJECT, "description": "Results before and after the set's "
                          "optimism-bias adjustment; before.by_year gives each year's "
                          "cost, gross savings, net and discounted net without it."},
        "value_for_money": {**_OBJECT, "description": "Cost per attributable recovery "
                            "and the QALY gain per recovery NICE's thresholds need."},
        "price_years": {**_OBJECT, "description": "Price year of each saving and how "
                        "mixing is acknowledged."},
        "board_asked_to": _TEXT_OR_NULL}),
    "financial": _closed("Affordability by financial year: recurrent and non-recurrent "
                         "cost, cash-releasing savings, real or cash terms, steady "
                         "state.", {
        "first_financial_year": _TEXT_OR_NULL, "funding_source": _TEXT_OR_NULL,
        "terms": {"type": "string", "enum": ["real", "cash"]},
        "inflation": {"anyOf": [_OBJECT, {"type": "null"}]},
        "by_year": {"type": "array", "items": _OBJECT},
        "totals": _OBJECT, "steady_state": _OBJECT}),
}


def results_schema() -> dict:
    """The JSON Schema (draft 2020-12) of :meth:`Results.to_dict`."""
    money_series = {"type": "array", "items": dict(_NUMBER)}
    condition = object_schema(results.ConditionRow, extra={
        "annual_saving": _nullable(dict(_NUMBER), "Saving per person benefiting "
                                   "[GBP/year]."),
        "source": _nullable({"type": "string"}, "Citation of the annual saving."),
    })
    doc = object_schema(results.Results, skip=_RESHAPED)
    props = doc["properties"]
    props["price_year"] = {**_PRICE_YEAR, "description": "Calendar year (2017), financial "
                           "year (\"2010/11\") or null when the sources state none."}
    props["by_condition"] = {"type": "array", "items": condition}
    props["by_month"] = {
        "type": "object", "additionalProperties": False,
        "required": ["cumulative_cost", "cumulative_gross_savings"],
        "description": "Cumulative totals at the end of each month of the horizon.",
        "properties": {
            "cumulative_cost": {**money_series, "description": "[GBP]"},
            "cumulative_gross_savings": {**money_series, "description": "[GBP]"}}}
    props["cost_lines"] = {"type": "array", "description": "Investment by cost line.",
                           "items": {"type": "object", "additionalProperties": False,
                                     "required": ["label", "total"],
                                     "properties": {"label": {"type": "string"},
                                                    "total": {**_NUMBER, "description":
                                                              "within the horizon [GBP]"}}}}
    props["evidence"] = {"type": "object", "additionalProperties": _EVIDENCE,
                         "description": "Condition id -> how its cited evidence was "
                         "converted (empty when no condition cites the library)."}
    props.update(FINANCE)
    for key, text in _TOP.items():
        if key in props:
            props[key].setdefault("description", text)
    doc["required"] = list(props)
    return {"$schema": SCHEMA_URI,
            "title": "IAPT-LTC modeller results (modeller run --format json)", **doc}
