"""Every number of an assumption set, addressed by its dotted key path.

One catalogue serves every front end that lets a person change a number: the Python
API's :meth:`modeller.AssumptionSet.with_values`, the web form (one ``<input>`` per
key) and the workbook's Inputs sheet (one row per key). A key is the path a user would
write, the same ``grid --vary`` takes: ``outcomes.recovery_rate``,
``conditions.copd.annual_saving``, ``costs.fixed[0].amount``, and for a per-year list
``activity.entering_treatment[2]`` (year 3).

:func:`numeric_inputs` lists them from a validated set (defaults included, e.g. the
Green Book discount rate when the set gives none), each with its label, unit, source
and allowed range; :func:`set_values` writes new values into a copy of the resolved
data, which the loader then validates again like any file.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from typing import Any

from .yamlsource import Path_, dotted

#: Keys that describe a figure rather than being one (never listed as inputs).
META_KEYS = frozenset({"source", "note", "range", "distribution", "evidence", "scale",
                       "reason", "assume_price_year", "label", "seed", "locator"})
#: Top-level keys that hold no model input.
SKIP_TOP = frozenset({"schema_version", "name", "title", "description", "extends",
                      "currency", "price_year", "budget_holders", "evidence_library",
                      "conversion", "option", "board_asked_to",
                      "price_years_acknowledged"})

#: Labels for people, by key path pattern (``*`` matches one path part).
LABELS = {
    "horizon_years": "Appraisal horizon",
    "discount_rate": "Discount rate (real, per year)",
    "discount_rate.schedule[*].rate": "Discount rate from year {from_year}",
    "discount_rate.schedule[*].from_year": "First year of discount step {i}",
    "activity.entering_treatment": "People entering treatment per year",
    "activity.entering_treatment[*]": "People entering treatment in year {n}",
    "activity.treatment_months": "Months from entry to the start of savings",
    "outcomes.completion_rate": "Completion rate (of people entering)",
    "outcomes.recovery_rate": "Recovery rate (of people completing)",
    "outcomes.counterfactual_recovery_rate":
        "Would have recovered anyway (share of people entering)",
    "outcomes.qaly_gain_per_recovery": "QALY gain per recovery",
    "benefit_duration.months": "Benefit duration",
    "benefit_duration.components[*].share": "Benefit duration term {n}: share",
    "benefit_duration.components[*].months": "Benefit duration term {n}: months",
    "conditions.*.share": "{condition}: share of case mix",
    "conditions.*.annual_saving": "{condition}: annual saving per beneficiary",
    "conditions.*.completion_rate": "{condition}: completion rate",
    "conditions.*.recovery_rate": "{condition}: recovery rate",
    "conditions.*.counterfactual_recovery_rate":
        "{condition}: would have recovered anyway (share of people entering)",
    "conditions.*.savings_split.*": "{condition}: share of saving in {last}",
    "costs.per_person_entering": "Cost per person entering treatment",
    "costs.per_completer": "Extra cost per person completing",
    "costs.booster.share_of_recovered": "Share of people recovering who need a booster",
    "costs.booster.cost_per_person": "Cost of a booster",
    "costs.booster.months_after_entry": "Booster: months after entry",
    "costs.fixed[*].amount": "{fixed}: amount",
    "costs.fixed[*].year": "{fixed}: year",
    "care_categories.*.cash_releasing.share": "{category}: share of savings that is cash-releasing",
    "optimism_bias.cost_uplift": "Optimism bias: cost uplift",
    "optimism_bias.savings_reduction": "Optimism bias: reduction in savings",
    "optimism_bias.benefit_delay_months": "Optimism bias: delay to benefits",
    "financial_case.inflation.rate": "Inflation to cash terms (per year)",
    "financial_case.inflation.index[*]": "Price index, year {n}",
}

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class NumericInput:
    """One number a person may change. [unit as stated in ``unit``]"""

    key: str                  # dotted key path, e.g. "conditions.copd.annual_saving"
    label: str                # for people
    value: float              # the set's value, in the set's own units (a rate is 0.41)
    unit: str                 # "fraction", "GBP", "GBP/year", "months", "people/year", ...
    source: str | None        # where the figure comes from, as the set states it
    minimum: float            # smallest allowed value
    maximum: float | None     # largest allowed value (None: no upper bound)
    integer: bool             # a whole number (years, whole months)
    group: str                # the top-level section: activity, outcomes, costs, ...


def parse_key(key: str) -> Path_:
    """``"costs.fixed[0].amount"`` -> ``("costs", "fixed", 0, "amount")``.

    Raises ``ValueError`` for text that is not a key path.
    """
    if not isinstance(key, str) or not key or key != key.strip():
        raise ValueError("a key path is dotted names with [n] list indices")
    parts: list[Any] = []
    pos = 0
    for match in _SEGMENT.finditer(key):
        gap = key[pos:match.start()]
        if gap not in ("", ".") or (gap == "." and match.group(2) is not None):
            raise ValueError("a key path is dotted names with [n] list indices")
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    if pos != len(key) or not parts or not isinstance(parts[0], str):
        raise ValueError("a key path is dotted names with [n] list indices")
    return tuple(parts)


def unit_of(key: str, path: str, currency: str = "GBP") -> str:
    """The unit of a figure from its last key and its path."""
    if key == "discount_rate" or path.startswith("discount_rate") \
            or path == "financial_case.inflation.rate":
        return "year" if key == "from_year" else "fraction/year"
    if key in {"cost_uplift", "savings_reduction"}:
        return "fraction"
    if key == "qaly_gain_per_recovery":
        return "QALY"
    if key == "annual_saving":
        return f"{currency}/year"
    if key in {"per_person_entering", "per_completer", "cost_per_person", "amount"}:
        return currency
    if (key.endswith("_rate") or key.startswith("share") or key == "share"
            or ".savings_split." in path or key.endswith("_share")):
        return "fraction"
    if "months" in key:
        return "months"
    if key == "horizon_years":
        return "years"
    if key == "entering_treatment":
        return "people/year"
    if key in {"year", "from_year", "price_year"}:
        return "year"
    return ""


def _pattern(path: Path_) -> list[str]:
    """Candidate LABELS patterns for a path, most specific first."""
    parts = [f"[{p}]" if isinstance(p, int) else p for p in path]
    out = []
    for mask in range(2 ** len(parts)):
        cand = [("[*]" if p.startswith("[") else "*") if mask >> i & 1 else p
                for i, p in enumerate(parts)]
        out.append("".join(c if c.startswith("[") else ("." + c if j else c)
                           for j, c in enumerate(cand)))
    return sorted(set(out), key=lambda c: c.count("*"))


def label_of(path: Path_, data: dict) -> str:
    """A label for people; falls back to the key path in words."""
    conditions = data.get("conditions") or {}
    context: dict[str, Any] = {"last": str(path[-1]).replace("_", " ")}
    index = next((p for p in path if isinstance(p, int)), None)
    if index is not None:
        context.update(i=index, n=index + 1)
    if path[0] == "conditions" and len(path) > 1:
        cond = conditions.get(path[1]) or {}
        context["condition"] = cond.get("label") or path[1]
        if len(path) > 3 and path[2] == "savings_split":
            category = (data.get("care_categories") or {}).get(path[3]) or {}
            context["last"] = category.get("label") or context["last"]
    if path[0] == "care_categories" and len(path) > 1:
        category = (data.get("care_categories") or {}).get(path[1]) or {}
        context["category"] = category.get("label") or path[1]
    if path[:2] == ("costs", "fixed") and index is not None:
        items = (data.get("costs") or {}).get("fixed") or []
        if index < len(items) and isinstance(items[index], dict):
            context["fixed"] = items[index].get("label") or f"Fixed cost {index + 1}"
    if path[:2] == ("discount_rate", "schedule") and index is not None:
        steps = (data.get("discount_rate") or {}).get("schedule") or []
        if index < len(steps):
            context["from_year"] = steps[index].get("from_year")
    label = dotted(path).replace("_", " ").replace(".", ": ")
    for pattern in _pattern(path):
        if pattern in LABELS:
            try:
                label = LABELS[pattern].format(**context)
            except (KeyError, IndexError):
                pass
            break
    return label + _inert(path, data)


def _inert(path: Path_, data: dict) -> str:
    """Why a number that moves no headline figure is there (said in its label)."""
    duration = data.get("benefit_duration") or {}
    if path[:2] == ("benefit_duration", "components") and duration.get("months"):
        return " (not used: the stated duration applies)"
    booster = (data.get("costs") or {}).get("booster") or {}
    if path[:3] == ("costs", "booster", "share_of_recovered") and \
            not booster.get("cost_per_person"):
        return " (not priced: no booster cost is given)"
    if path[:2] == ("financial_case", "inflation"):
        return " (cash-terms figures only)"
    return ""


def _limits(items: Any) -> tuple[float, float | None]:
    lo, hi = 0.0, None
    for item in items:
        for inner in getattr(item, "metadata", [item]):
            for attr, is_low in (("ge", True), ("gt", True), ("le", False), ("lt", False)):
                bound = getattr(inner, attr, None)
                if bound is not None:
                    if is_low:
                        lo = float(bound)
                    else:
                        hi = float(bound)
    return lo, hi


def _options(tp: Any) -> list[tuple[Any, list]]:
    """The alternatives of a type, each with the constraint metadata around it."""
    from typing import Annotated, Union, get_args, get_origin

    origin = get_origin(tp)
    if origin is Annotated:
        base, *meta = get_args(tp)
        return [(t, meta + m) for t, m in _options(base)]
    if origin is Union or type(tp).__name__ == "UnionType":
        out = []
        for arg in get_args(tp):
            if arg is not type(None):
                out += _options(arg)
        return out
    return [(tp, [])]


def _bounds_of(model: Any, path: Path_) -> tuple[float, float | None, bool]:
    """(minimum, maximum, integer) of the number at ``path``, from the schema's types."""
    from typing import get_args, get_origin

    from pydantic import BaseModel

    current: list[tuple[Any, list]] = [(model, [])]

    def number(options: list[tuple[Any, list]]) -> tuple[float, float | None, bool] | None:
        for tp, meta in options:
            if isinstance(tp, type) and issubclass(tp, BaseModel) and "value" in tp.model_fields:
                info = tp.model_fields["value"]
                found = number([(t, m + list(info.metadata))
                                for t, m in _options(info.annotation)])
                if found:
                    return found
            if get_origin(tp) is list:
                found = number(_options(get_args(tp)[0]))
                if found:
                    return found
            if tp in (int, float):
                lo, hi = _limits(meta)
                return lo, hi, tp is int
        return None

    for part in path:
        nxt: list[tuple[Any, list]] = []
        for tp, meta in current:
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                if isinstance(part, str) and part in tp.model_fields:
                    info = tp.model_fields[part]
                    nxt += [(t, m + list(info.metadata)) for t, m in _options(info.annotation)]
                elif isinstance(part, int) and "value" in tp.model_fields:
                    nxt += [(t, m) for t, m in _options(tp.model_fields["value"].annotation)
                            if get_origin(t) is list]
            elif get_origin(tp) is dict and isinstance(part, str):
                nxt += _options(get_args(tp)[1])
            elif get_origin(tp) is list and isinstance(part, int):
                nxt += _options(get_args(tp)[0])
        current = nxt
    return number(current) or (0.0, None, False)


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def numeric_inputs(spec: Any) -> list[NumericInput]:
    """Every number of a validated set (``AssumptionSet`` from the schema), in file
    order, schema defaults included (the Green Book discount rate when none is given).
    """
    data = spec.model_dump(mode="json", exclude_none=True)
    currency = str(data.get("currency") or "GBP")
    model = type(spec)
    out: list[NumericInput] = []

    def add(path: Path_, value: Any, source: str | None) -> None:
        key = dotted(path)
        last = next(p for p in reversed(path) if isinstance(p, str))
        lo, hi, integer = _bounds_of(model, path)
        out.append(NumericInput(
            key=key, label=label_of(path, data), value=float(value),
            unit=unit_of(last, key, currency), source=source, minimum=lo, maximum=hi,
            integer=integer, group=str(path[0])))

    def walk(node: Any, path: Path_, inherited: str | None) -> None:
        if isinstance(node, dict):
            source = node.get("source") or inherited
            if "value" in node:
                value = node["value"]
                if _is_number(value):
                    add(path, value, source)
                elif isinstance(value, list):
                    if len(value) == 1 and _is_number(value[0]):
                        add(path, value[0], source)
                    else:
                        for i, item in enumerate(value):
                            if _is_number(item):
                                add(path + (i,), item, source)
            for key, child in node.items():
                if key in META_KEYS or key == "value" or (not path and key in SKIP_TOP):
                    continue
                walk(child, path + (key,), source)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, path + (i,), inherited)
        elif _is_number(node) and path:
            add(path, node, inherited)

    walk(data, (), None)
    return out


class KeyError_(ValueError):
    """A key path or value that cannot be set; ``problems`` lists (key, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {m}" for k, m in problems))


def edit(loaded: Any, values: dict[str, Any], note: str = "changed by the user") -> Any:
    """A new, validated ``LoadedSet``: ``loaded`` with the numbers at these key paths
    changed (:func:`set_values`), merged data validated again like any file.

    Problems about an edited key name the edit (``FILE (edited)``, no line); problems
    elsewhere keep the file and line they had. Raises ``AssumptionsError``.
    """
    from .loader import AssumptionsError, load_located
    from .yamlsource import Located, Problem

    name = f"{loaded.file} (edited)"
    try:
        data = set_values(loaded.resolved, dict(values), numeric_inputs(loaded.spec), note)
    except KeyError_ as exc:
        raise AssumptionsError([Problem(name, None, key, message)
                                for key, message in exc.problems]) from None
    edited = [parse_key(k) for k in values]
    lines = {p: pos for p, pos in loaded.lines.items()
             if not any(p[:len(e)] == e for e in edited)}
    try:
        return load_located(Located(data, lines), loaded.file)
    except AssumptionsError as exc:
        keys = [str(k) for k in values]
        raise AssumptionsError([
            Problem(name, None, p.field, p.message)
            if any(p.field == k or p.field.startswith((k + ".", k + "[")) for k in keys)
            else p for p in exc.problems]) from None


def set_values(resolved: dict, values: dict[str, Any], known: list[NumericInput],
               note: str = "changed by the user") -> dict:
    """A deep copy of ``resolved`` with each key path set to its new value.

    Only keys in ``known`` (from :func:`numeric_inputs`) may be set, with finite
    numbers; a figure that cited evidence becomes a plain value whose source says it
    was ``note``. Raises :class:`KeyError_` listing every bad key or value.
    """
    import difflib

    by_key = {item.key: item for item in known}
    problems: list[tuple[str, str]] = []
    data = copy.deepcopy(resolved)
    for key, value in values.items():
        if key not in by_key:
            near = difflib.get_close_matches(str(key), list(by_key), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            problems.append((str(key), f"not a number of this set{hint}"))
            continue
        if not _is_number(value) or not math.isfinite(value):
            problems.append((key, "must be a finite number"))
            continue
        if by_key[key].integer:
            if value != int(value):
                problems.append((key, f"{value!r}: must be a whole number"))
                continue
            value = int(value)
        path = parse_key(key)
        if path[0] == "discount_rate" and isinstance(data.get("discount_rate"), list):
            data["discount_rate"] = {"schedule": data["discount_rate"]}
        try:
            _write(data, path, value, note)
        except (LookupError, TypeError, AttributeError):
            problems.append((key, "cannot be set in this set's layout; edit the file"))
    if problems:
        raise KeyError_(problems)
    return data


def _drop_range_without(figure: dict, value: float, note: str) -> None:
    """A declared ``range`` must contain its value (the schema's rule): when an edit
    moves the value outside it, the range is removed and the figure's note says so."""
    rng = figure.get("range")
    if isinstance(rng, list) and len(rng) == 2 and all(_is_number(v) for v in rng) \
            and not min(rng) <= value <= max(rng):
        del figure["range"]
        said = f"{note}: its range [{rng[0]:g}, {rng[1]:g}] did not contain the new " \
            f"value {value:g} and was removed"
        old = figure.get("note")
        figure["note"] = f"{old}; {said}" if isinstance(old, str) and old else said


def _resource(figure: dict, old: Any, note: str, which: str = "") -> None:
    """A figure whose value is changed no longer cites the source of its old value as
    its own: the source says it was ``note`` and what the old value and its source were,
    and the seed line (which located the old value) goes with it."""
    was = f"{old:g}" if _is_number(old) else "not set"
    cited = figure.get("source")
    said = f"{note}: {which}was {was}" + (f", from {cited}" if cited else "")
    figure["source"] = said
    figure.pop("seed", None)


def _write(data: dict, path: Path_, value: float, note: str) -> None:
    node: Any = data
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, list):
            if last:
                node[part] = value
                return
            node = node[part]
            continue
        current = node.get(part) if isinstance(node, dict) else None
        if last:
            if isinstance(current, dict) and "evidence" in current:
                node[part] = {"value": value, "source": f"{note} (the set cited evidence "
                              f"{current['evidence']!r})"}
            elif isinstance(current, dict):
                if current.get("value") != value:
                    _resource(current, current.get("value"), note)
                current["value"] = value
                _drop_range_without(current, value, note)
            else:
                node[part] = value
            return
        if isinstance(current, dict) and isinstance(current.get("value"), list) \
                and isinstance(path[i + 1], int):
            # one year of a per-year list held in ``value`` (the catalogue lists only
            # the years the set writes, so the index exists)
            if current["value"][path[i + 1]] != value:
                _resource(current, current["value"][path[i + 1]], note,
                          f"year {path[i + 1] + 1} ")
            current["value"][path[i + 1]] = value
            return
        if current is None:
            current = [] if isinstance(path[i + 1], int) else {}
            node[part] = current
        node = current
