"""Every assumption of a loaded set as a flat row: field, value, unit, source, note.

The business case's appendix and the board's auditors read this list; it is built from
the validated set (so a cited evidence record appears with its converted value) and
contains no arithmetic of its own.
"""

from __future__ import annotations

from typing import Any

from .yamlsource import dotted

#: Units by the last part of a field's name (see docs/assumptions.md).
UNITS = {
    "horizon_years": "years", "discount_rate": "fraction/year", "rate": "fraction/year",
    "from_year": "year", "entering_treatment": "people/year", "treatment_months": "months",
    "completion_rate": "fraction", "recovery_rate": "fraction", "share": "fraction",
    "months": "months", "annual_saving": "GBP/year per beneficiary",
    "per_person_entering": "GBP/person", "per_completer": "GBP/person",
    "share_of_recovered": "fraction", "cost_per_person": "GBP/person",
    "months_after_entry": "months", "amount": "GBP", "year": "year",
    "price_year": "year", "scale": "factor", "savings_split": "fraction",
}

_SKIP = {"schema_version", "name", "description", "extends", "source", "note", "label",
         "conversion", "budget_holders"}


def _unit(path: tuple) -> str:
    for part in reversed(path):
        if isinstance(part, str) and part in UNITS:
            return UNITS[part]
    return ""


def _show(value: Any) -> str:
    if value is None:
        return "not stated"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value)
    return str(value)


def rows(loaded) -> list[dict]:
    """One row per figure or setting: {field, value, unit, source, note}."""
    data = loaded.spec.model_dump(mode="json", exclude_none=True)
    out: list[dict] = []
    if loaded.spec.price_year is None:
        out.append({"field": "price_year", "value": "not stated", "unit": "year",
                    "source": "the sources give no price year for these figures",
                    "note": None})

    def walk(node: Any, path: tuple, inherited: str | None) -> None:
        if isinstance(node, dict):
            source = node.get("source") or inherited
            if "value" in node and not isinstance(node["value"], dict):
                extra = []
                if node.get("range"):
                    extra.append("range " + " to ".join(_show(v) for v in node["range"]))
                if node.get("distribution"):
                    dist = node["distribution"]
                    extra.append("PSA " + dist.get("type", "") + " distribution")
                note = "; ".join(filter(None, [(node.get("note") or "").rstrip(". "),
                                               *extra])) or None
                out.append({"field": dotted(path), "value": _show(node["value"]),
                            "unit": _unit(path), "source": node.get("source") or inherited,
                            "note": note})
                return
            if "label" in node and path and path[0] in ("conditions", "care_categories"):
                out.append({"field": dotted(path), "value": node["label"], "unit": "",
                            "source": node.get("source"), "note": None})
            for key, value in node.items():
                if key in _SKIP or (key == "value" and isinstance(value, dict)):
                    continue
                walk(value, path + (key,), source)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, path + (i,), inherited)
        else:
            out.append({"field": dotted(path), "value": _show(node), "unit": _unit(path),
                        "source": inherited, "note": None})

    for key, value in data.items():
        if key in _SKIP:
            continue
        walk(value, (key,), None)
    return out
