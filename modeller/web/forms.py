"""The form of numeric inputs: how it is laid out and how a submission is read.

Every scalar number of the set (:meth:`modeller.AssumptionSet.inputs`) is one
``<input>`` whose ``name`` is its dotted key path (``outcomes.recovery_rate``,
``benefit_duration.components[0].share``), in the set's own units (a rate is 0.41).
Inputs are grouped as the set is (activity, outcomes, conditions, costs, ...); the
conditions group is split by condition so each can be removed.

:func:`read` turns a submission into the edited set: each value is parsed and checked
against the input's allowed range, the values that differ from the base set are applied
with :meth:`~modeller.AssumptionSet.with_values` (which validates the whole set), and
every problem is returned keyed by the input it belongs to (or by its group, or ``""``
for the set as a whole) so the page can show it beside its field.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import modeller

#: Form fields that are not inputs start with an underscore.
BASE_FIELD = "_base"
MAX_FIELD_CHARS = 40    # a number is never longer [characters]

GROUP_LABELS = {
    "horizon_years": "Appraisal", "discount_rate": "Appraisal",
    "activity": "Activity", "outcomes": "Outcomes",
    "benefit_duration": "Benefit duration", "conditions": "Conditions (case mix)",
    "costs": "Costs",
}

_UNIT_TEXT = {"fraction": "fraction (0.41 = 41%)", "fraction/year": "fraction a year",
              "GBP": "£", "GBP/year": "£ a year", "people/year": "people a year",
              "months": "months", "years": "years"}


def unit_text(unit: str | None) -> str:
    """The unit as shown beside an input."""
    return _UNIT_TEXT.get(unit or "", unit or "")


def is_whole(inp: Any) -> bool:
    """Whether an input takes whole numbers only (for the browser's ``step``)."""
    flag = getattr(inp, "integer", None)
    if flag is not None:
        return bool(flag)
    unit = (inp.unit or "").lower()
    return "whole" in unit or unit in ("years", "year")


def show(value: Any) -> str:
    """A number as the form shows it: whole numbers without a point, others in full."""
    if value is None:
        return ""
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def slug(key: str) -> str:
    """An HTML id fragment for a dotted key (``outcomes.recovery_rate`` ->
    ``outcomes-recovery_rate``)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-")


@dataclass
class Group:
    """Inputs of one group, optionally split by condition id."""

    id: str
    label: str
    inputs: list = field(default_factory=list)
    conditions: dict = field(default_factory=dict)   # condition id -> (label, inputs)


def groups(s: Any) -> list[Group]:
    """The set's inputs grouped as the set is, in the set's order."""
    labels = {cid: c.get("label", cid) if isinstance(c, dict) else cid
              for cid, c in (s.resolved.get("conditions") or {}).items()}
    out: dict[str, Group] = {}
    for inp in s.inputs():
        gid = inp.group or inp.key.split(".")[0]
        title = GROUP_LABELS.get(gid, gid.replace("_", " ").capitalize())
        group = out.setdefault(title, Group(slug(title).lower(), title))
        parts = inp.key.split(".")
        if gid == "conditions" and len(parts) > 2:
            cid = parts[1]
            group.conditions.setdefault(cid, (labels.get(cid, cid), []))[1].append(inp)
        else:
            group.inputs.append(inp)
    # A condition with no numeric inputs of its own still shows (so it can be removed).
    if labels:
        title = GROUP_LABELS["conditions"]
        group = out.setdefault(title, Group(slug(title).lower(), title))
        for cid, label in labels.items():
            group.conditions.setdefault(cid, (label, []))
    return list(out.values())


@dataclass
class Reading:
    """A form submission read against its base set."""

    base: Any                         # the set the form edits
    edited: Any | None                # the edited, validated set; None with problems
    values: dict[str, str]            # key -> the text submitted (to show back)
    problems: dict[str, list[str]]    # input key, group id or "" -> messages

    @property
    def ok(self) -> bool:
        return self.edited is not None and not self.problems

    def count(self) -> int:
        return sum(len(v) for v in self.problems.values())


def _parse(text: str, inp: Any) -> tuple[float | int | None, str | None]:
    text = text.strip().replace(",", "")
    if not text:
        return None, "enter a number"
    if len(text) > MAX_FIELD_CHARS:
        return None, "is not a number"
    try:
        number = float(text)
    except ValueError:
        return None, "must be a number (e.g. 0.41 for a rate of 41%)"
    if not math.isfinite(number):
        return None, "must be a finite number"
    lo, hi = inp.minimum, inp.maximum
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        allowed = (f"from {show(lo)} to {show(hi)}" if lo is not None and hi is not None
                   else f"at least {show(lo)}" if lo is not None else f"at most {show(hi)}")
        return None, f"{show(number)} is outside the allowed values ({allowed})"
    if is_whole(inp):
        if not number.is_integer():
            return None, "must be a whole number"
        return int(number), None
    return number, None


def _owner(problem_field: str, keys: list[str], group_of: dict[str, str]) -> str:
    """The input key (or group id, or "") a problem belongs to."""
    name = problem_field or ""
    for key in sorted(keys, key=len, reverse=True):
        if name == key or name.startswith(key + ".") or name.startswith(key + "["):
            return key
    head = re.split(r"[.\[]", name, maxsplit=1)[0]
    return group_of.get(head, "")


def problem_text(p: Any) -> str:
    """A loader problem as one line for people (its field and message)."""
    return p.message if getattr(p, "message", None) else str(p)


def read(base: Any, form: Any) -> Reading:
    """Read a submission (a mapping of field name -> text) against ``base``."""
    inputs = base.inputs()
    keys = [inp.key for inp in inputs]
    group_of = {inp.key.split(".")[0]: _group_id(inp) for inp in inputs}
    values: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    changed: dict[str, float | int] = {}
    for inp in inputs:
        raw = form.get(inp.key)
        if raw is None:
            values[inp.key] = show(inp.value)
            continue
        text = str(raw)[:200]
        values[inp.key] = text
        number, problem = _parse(text, inp)
        if problem:
            problems.setdefault(inp.key, []).append(problem)
        elif number != inp.value:
            changed[inp.key] = number
    if problems:
        return Reading(base, None, values, problems)
    if not changed:
        return Reading(base, base, values, {})
    try:
        edited = base.with_values(changed)
    except modeller.InputError as exc:
        for p in exc.problems:
            owner = _owner(getattr(p, "field", "") or "", keys, group_of)
            problems.setdefault(owner, []).append(problem_text(p))
        return Reading(base, None, values, problems)
    return Reading(base, edited, values, {})


def _group_id(inp: Any) -> str:
    gid = inp.group or inp.key.split(".")[0]
    return slug(GROUP_LABELS.get(gid, gid.replace("_", " ").capitalize())).lower()
