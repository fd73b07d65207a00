"""Adding and removing conditions (the case mix) of the set the form edits.

A change of conditions changes which inputs exist, so it makes a new base set: the
edited set's resolved data with the condition added or removed, loaded again with
:func:`modeller.loads` (which validates it and gives its hash).

- A new condition starts with a share of 0 and an annual saving of 0, so the case mix
  still sums to 1 and nothing changes until its figures are entered; its saving's
  source says it was added here, with no published figure behind it.
- Removing a condition whose share is above 0 would leave shares that no longer sum
  to 1; the remaining shares are scaled up in proportion, and the note returned says
  so, figure by figure (the page shows it), rather than changing them silently.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import yaml

import modeller
from modeller.inputs.limits import MAX_CONDITIONS   # the schema's own limit

MAX_LABEL = 80           # characters of a new condition's label [characters]


class ConditionError(Exception):
    """A change of conditions that cannot be made; the message says why."""


def _reload(data: dict, s: Any) -> Any:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    try:
        return modeller.loads(text, name=f"{s.name}.yaml", bundled_only=True)
    except modeller.InputError as exc:
        messages = "; ".join(f"{p.field}: {p.message}" if p.field else p.message
                             for p in exc.problems[:5])
        raise ConditionError(f"The change would make the set invalid: {messages}") from exc


def _share(node: Any) -> float:
    value = node.get("value") if isinstance(node, dict) else node
    return float(value or 0.0)


def _with_share(node: Any, value: float) -> Any:
    if isinstance(node, dict):
        return dict(node, value=value)
    return value


def add(s: Any, label: str) -> tuple[Any, str]:
    """``s`` with a new condition labelled ``label`` (share 0, annual saving 0)."""
    label = " ".join(str(label).split())[:MAX_LABEL]
    if not label:
        raise ConditionError("Give the new condition a name, then press Add condition.")
    data = copy.deepcopy(s.resolved)
    existing = data.setdefault("conditions", {})
    if len(existing) >= MAX_CONDITIONS:
        raise ConditionError(f"A set holds at most {MAX_CONDITIONS} "
                             "conditions.")
    stem = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:40] or "condition"
    cid, n = stem, 2
    while cid in existing:
        cid, n = f"{stem}_{n}", n + 1
    existing[cid] = {
        "label": label,
        "share": 0.0,
        "annual_saving": {"value": 0.0, "source": "Added in the web app; enter the "
                          "annual saving per beneficiary and its source"},
    }
    new = _reload(data, s)
    return new, (f"Added the condition “{label}” with a share of 0 and an annual saving "
                 "of £0: enter its figures, and move share to it from the others.")


def remove(s: Any, cid: str) -> tuple[Any, str]:
    """``s`` without condition ``cid``; other shares rescaled to sum to 1 if needed."""
    data = copy.deepcopy(s.resolved)
    existing = data.get("conditions") or {}
    if cid not in existing:
        raise ConditionError("That condition is not in the set.")
    if len(existing) == 1:
        raise ConditionError("A set needs at least one condition; add another before "
                             "removing this one.")
    gone = existing.pop(cid)
    label = gone.get("label", cid) if isinstance(gone, dict) else cid
    removed = _share(gone.get("share") if isinstance(gone, dict) else 0.0)
    note = f"Removed the condition “{label}”."
    if removed > 0:
        rest = sum(_share(c.get("share")) for c in existing.values())
        if rest <= 0:
            raise ConditionError(f"“{label}” holds the whole case mix; give another "
                                 "condition a share first.")
        changes = []
        for other in existing.values():
            old = _share(other.get("share"))
            new = round(old / rest, 12)
            other["share"] = _with_share(other.get("share"), new)
            changes.append(f"“{other.get('label')}” {old:g} → {new:g}")
        note += (f" Its share ({removed:g}) was given to the others in proportion so the "
                 "case mix still sums to 1: " + "; ".join(changes) + ".")
    return _reload(data, s), note
