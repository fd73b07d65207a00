"""Assemble the report bundle from a loaded assumption set and its results.

The renderer only needs plain data (see :mod:`modeller.outputs.reports`); this helper builds it
from the core's objects so the CLI and the tests assemble it the same way:

* :func:`assumption_rows` lists every assumption of the validated set (the typed spec,
  so defaults such as the Green Book discount rate are included) as
  ``{"field", "value", "unit", "source", "note"}`` rows for the appendix. A figure
  without its own source inherits its section's source; a declared ``range`` is added
  to the note.
* :func:`make_bundle` returns ``{"results", "assumption_rows", "description",
  "scenarios"}``.

Nothing here imports WeasyPrint.
"""

from __future__ import annotations

from typing import Any, Iterable

from modeller.inputs.keys import unit_of

#: Keys that describe a figure rather than being one.
_META = {"source", "seed", "note", "range", "distribution", "evidence", "scale", "reason",
         "assume_price_year", "label"}
#: Top-level keys that are not assumptions (identity, or label tables).
_SKIP_TOP = {"schema_version", "name", "title", "date", "author", "sponsor", "description",
             "extends", "budget_holders", "care_categories"}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _note(node: dict) -> str | None:
    parts = []
    if node.get("note"):
        parts.append(str(node["note"]))
    if node.get("range"):
        low, high = node["range"]
        parts.append(f"range {_text(low)} to {_text(high)}")
    if node.get("distribution"):
        parts.append(_distribution(node["distribution"]))
    # "... (Table 3).; range 0.5 to 0.6": a note's own full stop ends its clause
    return "; ".join(p.rstrip().rstrip(".") if i < len(parts) - 1 else p
                     for i, p in enumerate(parts)) or None


def _distribution(d: dict) -> str:
    """A distribution in words: ``triangular distribution (low 0.5, mode 0.6, high 0.6)``
    and its source, never a Python dict."""
    params = ", ".join(f"{k} {_text(v)}" for k, v in d.items()
                       if k not in ("type", "source", "seed", "note") and v is not None)
    text = f"{d.get('type')} distribution" + (f" ({params})" if params else "")
    if d.get("source"):
        text += f", from {d['source']}"
    return text


def _walk(node: Any, path: str, key: str, inherited: str | None, currency: str,
          rows: list[dict]) -> None:
    if isinstance(node, dict):
        source = node.get("source") or inherited
        if "value" in node and not isinstance(node.get("value"), dict):
            if node["value"] is not None or node.get("schedule") is None:
                rows.append({"field": path, "value": _text(node["value"]),
                             "unit": unit_of(key, path, currency), "source": source,
                             "note": _note(node)})
            for step_index, step in enumerate(node.get("schedule") or []):
                rows.append({"field": f"{path}.schedule[{step_index}]",
                             "value": f"{_text(step['rate'])} from year {step['from_year']}",
                             "unit": "fraction/year", "source": source, "note": None})
            return
        for child_key, child in node.items():
            if child_key in _META or child_key in {"value", "schedule"}:
                continue
            if not path and child_key in _SKIP_TOP:
                continue
            child_path = f"{path}.{child_key}" if path else child_key
            _walk(child, child_path, child_key, source, currency, rows)
        return
    if isinstance(node, list):
        for index, item in enumerate(node):
            _walk(item, f"{path}[{index}]", key, inherited, currency, rows)
        return
    if node is None:
        if key == "price_year":
            rows.append({"field": path, "value": "not stated", "unit": "year",
                         "source": inherited, "note": "price year not stated in the source"})
        return
    rows.append({"field": path, "value": _text(node), "unit": unit_of(key, path, currency),
                 "source": inherited, "note": None})


def assumption_rows(spec_or_loaded: Any) -> list[dict]:
    """Every assumption of a validated set as appendix rows, in the set's order.

    Accepts a :class:`modeller.inputs.loader.LoadedSet`, an ``AssumptionSet`` or a plain
    dict shaped like ``AssumptionSet.model_dump(mode="json")``.
    """
    spec = getattr(spec_or_loaded, "spec", spec_or_loaded)
    data = spec.model_dump(mode="json") if hasattr(spec, "model_dump") else dict(spec)
    rows: list[dict] = []
    _walk(data, "", "", None, str(data.get("currency") or "GBP"), rows)
    return rows


def make_bundle(loaded: Any, results: dict, scenarios: Iterable[dict] = (),
                scenario_sets: Iterable[Any] = ()) -> dict:
    """The bundle :func:`modeller.outputs.reports.render_pdf` takes, from a LoadedSet and the
    ``to_dict()`` of its results (plus optional scenario results to compare, and the
    LoadedSets of those scenarios, which the PDFs embed with the set itself)."""
    spec = getattr(loaded, "spec", loaded)
    inputs = {}
    if hasattr(loaded, "resolved"):
        from modeller.inputs.loader import resolved_yaml
        from modeller.inputs.pdfset import SCENARIO_PREFIX, SET_ATTACHMENT

        inputs[SET_ATTACHMENT] = resolved_yaml(
            loaded, "The assumption set this report was built from (resolved)")
        for i, other in enumerate(scenario_sets, start=1):
            inputs[f"{SCENARIO_PREFIX}{i}.yaml"] = resolved_yaml(
                getattr(other, "loaded", other),
                f"Scenario {i} compared in this report (resolved)")
    return {
        "results": results,
        "assumption_rows": assumption_rows(spec),
        "description": getattr(spec, "description", None),
        "title": getattr(spec, "title", None),
        "cover": {key: getattr(spec, key, None) for key in ("date", "author", "sponsor")},
        "scenarios": list(scenarios),
        "scenario_titles": [getattr(getattr(x, "spec", x), "title", None)
                            or getattr(getattr(x, "spec", x), "name", "")
                            for x in ([loaded, *scenario_sets] if scenario_sets else [])],
        "saving_notes": {cid: c.annual_saving.note
                         for cid, c in (getattr(spec, "conditions", None) or {}).items()},
        "evidence_records": {cid: conv.get("record_data") or {}
                             for cid, conv in (getattr(loaded, "evidence", None) or {}).items()},
        "inputs": inputs,
    }
