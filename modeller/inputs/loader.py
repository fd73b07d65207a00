"""Load an assumption set: read YAML, resolve ``extends``, validate, hash.

Everything that can be wrong with a user's file is found here, all at once, with the
file and line of each problem (see :class:`AssumptionsError`). After this layer every
value is typed and in range, and :class:`LoadedSet` carries the merged ("resolved")
data, its SHA-256 hash and the validated :class:`~modeller.inputs.schema.AssumptionSet`.

Merging follows JSON Merge Patch (RFC 7396) with one addition: a mapping that has a
``value`` or ``evidence`` key (a *figure*) replaces the base's figure whole, so a base
figure's ``source`` never sticks to an overriding value. So: mappings merge, lists replace,
``null`` deletes a key (e.g. a base set's condition), and everything else replaces.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import checks
from .bundled import bundled_sets, find_set
from .characters import escaped, shown
from .named_files import parent_of, parse_set, read_set, trusted
from .limits import MAX_EXTENDS_DEPTH, MAX_MONEY, MAX_UPLOAD_BYTES
from .schema import AssumptionSet
from .yamlsource import Located, Path_, Problem, capped, dotted, locate
#: A mapping with one of these keys is a figure: it replaces the base's figure whole.
QUANTITY_KEYS = {"value", "evidence"}
#: What identifies one document is not inherited from the set it extends.
NOT_INHERITED = {"extends", "title", "date", "author", "sponsor"}


class AssumptionsError(Exception):
    """Raised with every problem found in one or more files."""

    def __init__(self, problems: list[Problem]):
        #: every problem (bounded by the reading limits); ``problems`` lists at most
        #: MAX_PROBLEMS of them, then one line saying how many more there are
        self.all_problems = list(problems)
        self.problems = capped(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


@dataclass(frozen=True)
class LoadedSet:
    """A validated, merged assumption set."""

    file: str
    resolved: dict            # merged user data, ``extends`` removed; what is hashed
    spec: AssumptionSet       # typed, validated view of ``resolved``
    hash: str                 # sha256 of the canonical JSON of ``resolved``
    warnings: tuple[str, ...] = ()
    lines: dict = field(default_factory=dict, repr=False, compare=False)
    #: condition id -> how its cited evidence became an annual saving (steps, notes)
    evidence: dict = field(default_factory=dict, repr=False, compare=False)
    #: the price year of each condition's saving and of the costs, and how mixing is
    #: handled (see :func:`price_years`)
    price_years: dict = field(default_factory=dict, repr=False, compare=False)


def canonical_json(data: Any) -> str:
    """The canonical text that is hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def hash_resolved(resolved: dict) -> str:
    """sha256 hex digest of :func:`canonical_json` of the resolved set."""
    return hashlib.sha256(canonical_json(resolved).encode("utf-8")).hexdigest()


def merge(base: Any, override: Any) -> Any:
    """Deep-merge ``override`` onto ``base`` (RFC 7396 plus whole-quantity replace)."""
    if not isinstance(override, dict) or not isinstance(base, dict) \
            or QUANTITY_KEYS & override.keys():
        return override
    out = dict(base)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
        elif key in out:
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve(path: Path, stack: tuple[Path, ...], problems: list[Problem],
             bundled_only: bool = False) -> Located | None:
    """Read the set at ``path`` and merge what it extends. The set the user names may
    be a report PDF, which carries its resolved set (:mod:`modeller.inputs.pdfset`);
    what a set extends is always YAML."""
    from . import pdfset

    if not stack and pdfset.is_pdf(path):
        located, found = pdfset.parse_pdf(path)
        problems.extend(found)
    else:
        located = read_set(path, problems)
    if located is None:
        return None
    return _resolve_located(located, path, stack, problems, bundled_only)


def _resolve_located(located: Located, path: Path | None, stack: tuple[Path, ...],
                     problems: list[Problem], bundled_only: bool = False,
                     file: str | None = None) -> Located | None:
    """Merge what a parsed set extends. ``path`` is None for text (an upload named
    ``file``). ``bundled_only``: the set may extend bundled sets by name only; the
    bundled sets themselves, being the package's own files, may extend each other.
    """
    file = file or str(path)
    data = located.data
    parent_ref = data.get("extends")
    if parent_ref is None:
        return located
    line = located.lines.get(("extends",), (file, None))[1]
    here_trusted = path is not None and trusted(path)
    parent = parent_of(parent_ref, path, line, file, bundled_only and not here_trusted,
                     problems)
    if parent is None:
        return None
    me = Path(os.path.realpath(path)) if path is not None else Path(file)
    real = Path(os.path.realpath(parent))
    if real in stack or real == me:
        chain = " -> ".join(str(p) for p in (*stack, me, real))
        problems.append(Problem(file, line, "extends", f"{shown(parent_ref)}: extends "
                                f"forms a cycle ({escaped(chain)})"))
        return None
    if len(stack) >= MAX_EXTENDS_DEPTH:
        problems.append(Problem(file, line, "extends", "extends chain is deeper than "
                                f"{MAX_EXTENDS_DEPTH} sets (MAX_EXTENDS_DEPTH)"))
        return None
    base = _resolve(parent, (*stack, me), problems, bundled_only)
    if base is None:
        return None
    child = {k: v for k, v in data.items() if k != "extends"}
    base_data = {k: v for k, v in base.data.items() if k not in NOT_INHERITED}
    merged = merge(base_data, child)
    lines = {p: pos for p, pos in base.lines.items() if _value_at(merged, p)[0]}
    lines.update(located.lines)
    return Located(merged, lines)


def _value_at(data: Any, loc: Path_) -> tuple[bool, Any]:
    cur = data
    for part in loc:
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
        else:
            return False, None
    return True, cur


def _allowed_keys(model: type[BaseModel], loc: Path_) -> list[str] | None:
    """Keys the schema allows in the mapping at ``loc`` (for 'unknown key' messages)."""
    from typing import get_args, get_origin

    def unwrap(tp: Any) -> Any:
        while True:
            origin = get_origin(tp)
            if origin is None:
                return tp
            args = [a for a in get_args(tp) if a is not type(None)]
            if origin is dict:
                return ("dict", args[1])
            if origin is list or origin is tuple:
                return ("list", args[0])
            if not args:
                return tp
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = models[0] if models else args[0]

    current: Any = model
    for part in loc:
        current = unwrap(current)
        if isinstance(current, tuple):
            current = current[1]
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            fld = current.model_fields.get(part)
            if fld is None:
                return None
            current = fld.annotation
        else:
            return None
    current = unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return None


def _percent_hint(kind: str, ctx: dict, value: Any) -> str:
    """For a percentage written where a fraction belongs (``55`` for a rate), the
    fraction it probably means: ``; a rate is a fraction: for 55% write 0.55``."""
    bound = ctx.get("le", ctx.get("lt"))
    if kind not in ("less_than_equal", "less_than") or bound != 1 \
            or isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not 2 <= value <= 100:  # 1.5 is likelier a slip than 1.5%
        return ""
    return f"; a rate is a fraction: for {value:g}% write {value / 100:g}"


def _friendly(err: dict, data: Any) -> tuple[Path_, str]:
    loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(AssumptionSet, loc[:-1])
        hint = f"; allowed here: {', '.join(allowed)}" if allowed else ""
        return loc, f"unknown key {shown(loc[-1])}{hint}"
    if kind == "missing":
        if loc == ("price_year",):
            return loc, ("required field is missing; give the year prices are in, or "
                         "`price_year: null` if the source states none")
        return loc, "required field is missing"
    # Point at what the user wrote: a plain number stands for {value: number}, and
    # one number for every year for a one-item list.
    while loc and not _value_at(data, loc)[0]:
        loc = loc[:-1]
    found, value = _value_at(data, loc)
    msg = err["msg"].replace("Input should be", "must be")
    if kind in ("float_type", "int_type"):
        msg = "must be a number" if kind == "float_type" else "must be a whole number"
        if isinstance(value, str):
            msg += " (write it without quotes)"
    if kind in ("dict_type", "model_type"):
        msg = "must be a mapping of keys"
    if kind == "string_type" and hasattr(value, "isoformat"):
        return loc, (f"{value.isoformat()}: write the date in quotes "
                     f"('{value.isoformat()}') so it is kept as written")
    msg += _percent_hint(kind, err.get("ctx") or {}, value)
    value_text = f"{shown(value)}: " if found and not isinstance(value, (dict, list)) else ""
    return loc, f"{value_text}{msg}"


def validate(located: Located, file: str) -> tuple[AssumptionSet | None, list[Problem],
                                                   list[str]]:
    """Validate merged data; return the typed set, every problem, and warnings."""
    problems: list[Problem] = []
    spec = None
    try:
        spec = AssumptionSet.model_validate(located.data)
    except ValidationError as exc:
        for err in exc.errors():
            loc, message = _friendly(err, located.data)
            f, line = locate(located.lines, loc, file)
            problems.append(Problem(f, line, dotted(loc), message))
    for loc, message in checks.cross_field(located.data):
        f, line = locate(located.lines, loc, file)
        problems.append(Problem(f, line, dotted(loc), message))
    warnings = checks.warnings(located.data) if not problems else []
    problems.sort(key=lambda p: (p.file, p.line or 0, p.field))
    return (None if problems else spec), problems, warnings


def load(file: str | Path, *, bundled_only: bool = False) -> LoadedSet:
    """Load, merge and validate an assumption set; raise :class:`AssumptionsError`.

    ``file`` is a path, or the name of a bundled set (``national-faq-2017``). With
    ``bundled_only`` only a bundled set's name is accepted, and nothing it names may
    lead outside the bundled sets (the web app's rule).
    """
    if bundled_only:
        sets = bundled_sets()
        name = str(file)
        if name not in sets:
            raise AssumptionsError([Problem(escaped(name)[:100], None, "", "not a bundled "
                                            f"set (bundled: {', '.join(sorted(sets))})")])
        path = sets[name]
    else:
        path = find_set(file)
    problems: list[Problem] = []
    located = _resolve(path, (), problems)
    if located is None:
        raise AssumptionsError(problems)
    return load_located(located, str(path), problems)


def load_text(text: str, name: str = "upload.yaml", *,
              bundled_only: bool = True) -> LoadedSet:
    """Load a set from YAML ``text`` (an upload); problems are reported against ``name``.

    Every limit of a file applies, plus :data:`~modeller.inputs.limits.MAX_UPLOAD_BYTES`.
    With ``bundled_only`` (the default) its ``extends`` may name bundled sets only and
    it may not name evidence folders, so the text can never make the tool read another
    file.
    """
    name = escaped(str(name))[:100] or "upload.yaml"
    if not isinstance(text, str):
        raise AssumptionsError([Problem(name, None, "", "the upload must be text")])
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_UPLOAD_BYTES:
        raise AssumptionsError([Problem(name, None, "", f"the upload is {size:,} bytes; "
                                        f"at most {MAX_UPLOAD_BYTES:,} (MAX_UPLOAD_BYTES)")])
    problems: list[Problem] = []
    located = parse_set(text, name, problems)
    if located is not None:
        located = _resolve_located(located, None, (), problems, bundled_only, file=name)
    if located is None:
        raise AssumptionsError(problems)
    return load_located(located, name, problems, bundled_only=bundled_only)


def load_located(located: Located, file: str, problems: list[Problem] | None = None,
                 *, bundled_only: bool = False) -> LoadedSet:
    """Validate merged data (``extends`` already resolved) into a :class:`LoadedSet`."""
    problems = list(problems or [])
    spec, found, warnings = validate(located, file)
    # A value the reader refused (a control character, a non-finite number) was read
    # as null: report the reader's problem, not also "must be a number" at that field.
    refused = {(p.file, p.field) for p in problems if p.field}
    found = [f for f in found if not any(
        f.file == file_ and (f.field == field or f.field.startswith((field + ".",
                                                                     field + "[")))
        for file_, field in refused)]
    if problems or spec is None:
        raise AssumptionsError(sorted(problems + found,
                                      key=lambda p: (p.file, p.line or 0, p.field)))
    resolved = located.data
    spec, conversions, found = _resolve_evidence(spec, located, file, bundled_only)
    if found:
        raise AssumptionsError(found)
    records = {c["record"]: c["record_data"] for c in conversions.values()}
    # Where local evidence folders are does not change the results (the records cited
    # are hashed), so a set resolved with absolute folders hashes the same anywhere.
    hashed = {k: v for k, v in resolved.items() if k != "evidence_library"}
    digest = hash_resolved(hashed if not records
                           else {"assumptions": hashed, "evidence": records})
    notes = [f"conditions.{cid}.annual_saving: {note}"
             for cid, c in conversions.items() for note in c["notes"]]
    years = price_years(spec, conversions)
    if years["mixed"] and not years["acknowledged"]:
        f, line = locate(located.lines, ("conditions",), file)
        raise AssumptionsError([Problem(f, line, "conditions", (
            "savings are in different price years (" + years["summary"] + ") and would "
            "be added together: convert them to one price year (set price_year and a "
            "conversion.price_index with its source), or state why they may be added "
            "as they are in price_years_acknowledged"))])
    if years["unknown"] and not years["acknowledged"]:
        notes.append("price years: " + years["summary"] + "; figures with no stated "
                     "price year are added as if in one price year. State why in "
                     "price_years_acknowledged, or convert them.")
    return LoadedSet(file=file, resolved=resolved, spec=spec, hash=digest,
                     warnings=tuple(warnings + notes), lines=located.lines,
                     evidence=conversions, price_years=years)


def price_years(spec: AssumptionSet, conversions: dict) -> dict:
    """The price year of each condition's saving (a converted citation's, else the
    set's ``price_year``) and of the costs (the set's), and whether they mix.

    ``mixed``: more than one stated price year; ``unknown``: some figure has none.
    Either needs ``price_years_acknowledged`` (printed beside the totals) or a
    conversion to one price year; mixing stated years without it is an error.
    """
    by_condition = {cid: (conversions[cid]["price_year"] if cid in conversions
                          else spec.price_year) for cid in spec.conditions}
    everything = list(by_condition.values()) + [spec.price_year]
    known = sorted({str(y) for y in everything if y is not None})
    unknown = [cid for cid, y in by_condition.items() if y is None]
    parts = [f"{cid}: {y if y is not None else 'not stated'}"
             for cid, y in by_condition.items()]
    parts.append(f"costs: {spec.price_year if spec.price_year is not None else 'not stated'}")
    return {"by_condition": by_condition, "costs": spec.price_year,
            "stated": known, "mixed": len(known) > 1,
            "unknown": bool(unknown) or spec.price_year is None,
            "acknowledged": spec.price_years_acknowledged,
            "summary": "; ".join(parts)}


def standalone(loaded: LoadedSet) -> dict:
    """The resolved data of ``loaded`` as a set that validates and runs to the same hash
    from any folder: each ``evidence_library`` folder, written relative to the file that
    named it, becomes an absolute path (the only paths a resolved set holds)."""
    data = dict(loaded.resolved)
    if data.get("evidence_library"):
        data["evidence_library"] = [
            str((Path(locate(loaded.lines, ("evidence_library", i), loaded.file)[0])
                 .parent / folder).resolve())
            for i, folder in enumerate(data["evidence_library"])]
    return data


def resolved_yaml(loaded: LoadedSet, first_line: str) -> str:
    """:func:`standalone` as YAML text headed by ``first_line``, the hash and the tool
    version: what ``modeller resolve`` prints and what every report PDF embeds."""
    import yaml

    from .. import __version__

    body = yaml.safe_dump(standalone(loaded), sort_keys=False, allow_unicode=True,
                          width=100)
    return f"# {first_line}\n# sha256: {loaded.hash}\n# modeller {__version__}\n{body}"


def _resolve_evidence(spec: AssumptionSet, located: Located, file: str,
                      bundled_only: bool = False
                      ) -> tuple[AssumptionSet, dict, list[Problem]]:
    """Replace each cited ``annual_saving: {evidence: id}`` by its converted value.

    The evidence library annualises the record and converts it to the set's currency
    and price year with the set's ``conversion`` tables, step by step; it never guesses
    (a missing table entry is a problem naming the figure and the entry needed).
    """
    cited = {cid: c for cid, c in spec.conditions.items() if c.annual_saving.evidence}
    problems: list[Problem] = []
    local = []
    for i, folder in enumerate(spec.evidence_library or []):
        where_file, line = locate(located.lines, ("evidence_library", i), file)
        if bundled_only and not trusted(Path(where_file)):
            problems.append(Problem(where_file, line, f"evidence_library[{i}]",
                                    "an uploaded set cannot name local evidence folders; "
                                    "cite records of the bundled library (`modeller "
                                    "evidence`)"))
            continue
        local.append(Path(where_file).parent / folder)
    if problems:
        return spec, {}, problems
    if not cited and spec.conversion is None:
        return spec, {}, []
    from . import evidence

    tables = None
    if spec.conversion is not None:
        tables, found = evidence.tables_from_data(
            located.data["conversion"], file, located.lines, ("conversion",))
        problems += found
    if not cited:
        return spec, {}, problems
    library, found = evidence.read_library(evidence.default_directory(), *local)
    problems += found
    conditions = dict(spec.conditions)
    conversions = {}
    for cid, cond in cited.items():
        saving = cond.annual_saving
        path = ("conditions", cid, "annual_saving", "evidence")
        conv = evidence.resolve(
            library, saving.evidence, tables=tables, target_price_year=spec.price_year,
            scale=saving.scale, reason=saving.reason,
            assume_price_year=saving.assume_price_year,
            where=locate(located.lines, path, file), field_name=dotted(path))
        problems += list(conv.problems)
        if not conv.ok:
            continue
        if not (isinstance(conv.value, (int, float)) and math.isfinite(conv.value)
                and 0 <= conv.value <= MAX_MONEY):
            where_file, line = locate(located.lines, path, file)
            problems.append(Problem(where_file, line, dotted(path), "the converted saving "
                                    f"({conv.value:.4g}) is outside 0 to {MAX_MONEY:g} "
                                    "(MAX_MONEY); check the conversion tables"))
            continue
        record = library.get(saving.evidence)
        if record.basis == "net":
            f, line = locate(located.lines, path, file)
            problems.append(Problem(f, line, dotted(path), (
                f"{record.id} is a saving net of the intervention's cost; the model "
                "subtracts the treatment cost itself, so it would count that cost "
                "twice. Cite a gross figure (e.g. faq-middle-figure-1000), or give a "
                "gross value with its source")))
            continue
        citation = f"{record.source}: {record.label}"
        conditions[cid] = cond.model_copy(update={"annual_saving": saving.model_copy(
            update={"value": conv.value, "source": saving.source or citation,
                    "seed": saving.seed or record.seed})})
        conversions[cid] = {
            "record": record.id, "record_data": record.model_dump(mode="json"),
            "original": conv.original, "value": conv.value,
            "currency": conv.currency, "price_year": conv.price_year,
            "design": record.design, "comparison_group": record.comparison_group,
            "caveats": list(record.caveats),
            "steps": [step.text for step in conv.steps],
            "by": [step.by for step in conv.steps],
            "notes": list(conv.notes), "explanation": conv.explain()}
    if problems:
        return spec, {}, problems
    return spec.model_copy(update={"conditions": conditions}), conversions, []
