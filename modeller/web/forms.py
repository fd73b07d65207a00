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
MAX_SHOWN_UNKNOWN = 5   # unknown field names listed in one problem [names]
MAX_FIELDS = 2000       # fields one submission may hold [fields]
MAX_FORM_BYTES = 256 * 1024   # a submission's body [bytes]
_OTHER_FIELDS = 4 * 1024      # the hash, a scenario or condition name, ... [bytes]

#: A number as a person or the browser writes it: ASCII digits, an optional sign, point
#: and exponent (thousands separators are removed first). Python's float() also takes
#: "6_50", "NaN", "0x1p-1"-like spellings and other scripts' digits; the form does not.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

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


def too_big(s: Any) -> str | None:
    """Why the page could not carry ``s``'s form (too many or too long fields), or None.

    Every request posts every input, each at most :data:`MAX_FIELD_CHARS` characters,
    so a set whose form could pass :data:`MAX_FIELDS` or :data:`MAX_FORM_BYTES` is
    refused up front rather than every edit failing later.
    """
    from urllib.parse import quote_plus

    inputs = s.inputs()
    size = _OTHER_FIELDS + sum(len(quote_plus(i.key)) + MAX_FIELD_CHARS + 2 for i in inputs)
    if len(inputs) + 10 > MAX_FIELDS or size > MAX_FORM_BYTES:
        return (f"the set has {len(inputs):,} numbers with long names, more than the "
                "page can carry; edit it as a file with the command line instead")
    return None


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
    if not _NUMBER.fullmatch(text):
        return None, "must be a number (e.g. 0.41 for a rate of 41%)"
    number = float(text)
    if not math.isfinite(number):
        return None, "must be a finite number"
    lo, hi = inp.minimum, inp.maximum
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        allowed = (f"from {show(lo)} to {show(hi)}" if lo is not None and hi is not None
                   else f"at least {show(lo)}" if lo is not None else f"at most {show(hi)}")
        return None, f"{show(number)} is outside the allowed values ({allowed})"
    if is_whole(inp) and not number.is_integer():
        return None, "must be a whole number"
    # A whole number is passed on as one (700, not 700.0): the edited set then has the
    # hash of a YAML file that says 700, so the page's downloads match `modeller build`.
    return (int(number) if number.is_integer() else number), None


def condition_slot(cid: str) -> str:
    """The id of the problem area at the top of one condition's fieldset."""
    return "condition-" + slug(cid)


def _owner(problem_field: str, keys: list[str], group_of: dict[str, str],
           conditions: Any = ()) -> str:
    """The input key (or condition slot, group id, or "") a problem belongs to."""
    name = problem_field or ""
    for key in sorted(keys, key=len, reverse=True):
        if name == key or name.startswith(key + ".") or name.startswith(key + "["):
            return key
    parts = re.split(r"[.\[]", name)
    if len(parts) > 1 and parts[0] == "conditions" and parts[1] in conditions:
        return condition_slot(parts[1])   # e.g. a condition's savings split as a whole
    return group_of.get(parts[0], "")


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
    known = set(keys)
    unknown = [str(k) for k in form.keys() if not str(k).startswith("_") and k not in known]
    if unknown:   # the page sends only the set's inputs: anything else is a mistake
        shown = ", ".join(repr(k[:MAX_FIELD_CHARS]) for k in unknown[:MAX_SHOWN_UNKNOWN])
        more = len(unknown) - MAX_SHOWN_UNKNOWN
        problems[""] = [f"Unknown input{'s' if len(unknown) > 1 else ''} {shown}"
                        + (f" and {more} more" if more > 0 else "") + ": this set has no "
                        "such figure (reload the page to start again)."]
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
        conditions = base.resolved.get("conditions") or {}
        for p in exc.problems:
            owner = _owner(getattr(p, "field", "") or "", keys, group_of, conditions)
            problems.setdefault(owner, []).append(problem_text(p))
        return Reading(base, None, values, problems)
    return Reading(base, edited, values, {})


def _group_id(inp: Any) -> str:
    gid = inp.group or inp.key.split(".")[0]
    return slug(GROUP_LABELS.get(gid, gid.replace("_", " ").capitalize())).lower()
