"""The evidence library: reading record files, with every problem at once.

Part of :mod:`modeller.inputs.evidence`; see its docstring for units and rules.
"""


from __future__ import annotations

import difflib
import functools
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import (BaseModel, ValidationError)

from ..characters import shown
from ..limits import MAX_EVIDENCE_FILES
from ..named_files import trusted
from ..yamlsource import Path_, Problem, dotted, locate, parse, read_text
from .records import EvidenceFile, EvidenceRecord, Part, Place, StatedConversion

_RECORDS_LINE = re.compile(r"^records[ \t]*:", re.MULTILINE)
NOT_EVIDENCE = ("not an evidence file: it must be a mapping with a list under `records:` "
                "(nothing from the file is shown)")


def evidence_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """The ``*.yaml``/``*.yml`` files of an evidence folder, in name order: a folder
    (after following symlinks) of at most MAX_EVIDENCE_FILES such files."""
    name = str(folder)
    try:
        is_dir = stat.S_ISDIR(os.stat(folder).st_mode)
    except OSError:
        is_dir = False
    if not is_dir:
        return [], [Problem(name, None, "", "evidence folder not found (it must be a "
                            "folder, relative to the set that names it)")]
    files: list[Path] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.name.endswith((".yaml", ".yml")) or entry.name.startswith("."):
                    continue
                if len(files) >= MAX_EVIDENCE_FILES:
                    return [], [Problem(name, None, "", "more than "
                                        f"{MAX_EVIDENCE_FILES} evidence files "
                                        "(MAX_EVIDENCE_FILES)")]
                files.append(folder / entry.name)
    except OSError as exc:
        return [], [Problem(name, None, "", f"cannot list: {exc.strerror or 'error'}")]
    if not files:
        return [], [Problem(name, None, "", "no *.yaml evidence files here")]
    return sorted(files), []


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------

class EvidenceError(Exception):
    """The library (or a reference into it) has problems; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


@dataclass(frozen=True)
class Library:
    """The loaded records, in file order, with where each was defined."""

    records: tuple[EvidenceRecord, ...]
    locations: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def get(self, record_id: str) -> EvidenceRecord | None:
        for rec in self.records:
            if rec.id == record_id:
                return rec
        return None

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.records]

    def for_condition(self, condition: str | None) -> list[EvidenceRecord]:
        """Records tagged with ``condition`` exactly (all records when None)."""
        if condition is None:
            return list(self.records)
        return [r for r in self.records if condition in r.conditions]


def default_directory() -> Path:
    """The bundled ``assumptions/evidence`` directory (installed wheel or checkout)."""
    from ..bundled import bundled_dir

    return bundled_dir("assumptions") / "evidence"


def _user_loc(loc: Path_, data: Any, kind: str) -> Path_:
    """Trim pydantic's union/validator tags so the path is one the user wrote."""
    out: list[Any] = []
    cur = data
    for i, part in enumerate(loc):
        if isinstance(cur, dict) and part not in cur:
            # table keys are normalised to text ("2007"); the user wrote 2007
            part = next((k for k in cur if str(k) == str(part)), part)
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
            out.append(part)
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
            out.append(part)
        else:
            if i == len(loc) - 1 and kind in ("missing", "extra_forbidden") \
                    and isinstance(cur, dict):
                out.append(part)
            break
    return tuple(out)


def _allowed(model: type[BaseModel]) -> str:
    return ", ".join(model.model_fields)


_NESTED = {"stated_conversion": StatedConversion, "parts": Part, "also_in": Place}


def _friendly(err: dict, loc: Path_, model: type[BaseModel]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        owner = model
        for part in loc[:-1]:
            if isinstance(part, str) and part in _NESTED:
                owner = _NESTED[part]
        return f"unknown key {shown(loc[-1])}; allowed here: {_allowed(owner)}"
    if kind == "missing":
        return "required field is missing"
    nested = [_NESTED[p] for p in loc if isinstance(p, str) and p in _NESTED]
    if kind == "model_type" and nested:
        return f"must be a mapping with the keys {_allowed(nested[-1])}"
    msg = str(err["msg"]).replace("Input should be", "must be")
    msg = msg.removeprefix("Value error, ")
    value = err.get("input")
    if kind in ("float_type", "int_type") and isinstance(value, str):
        msg = "must be a number (write it without quotes)"
    if kind == "string_type" and isinstance(value, dict):
        msg = ("must be text, but YAML read a mapping: put the text in quotes (an "
               "unquoted ': ' makes YAML read what comes before it as a key)")
    value_text = f"{shown(value)}: " if not isinstance(value, (dict, list)) \
        and value is not None \
        else ""
    return f"{value_text}{msg}"


def _validate(model: type[BaseModel], data: Any, base: Path_, lines: dict, file: str,
              context: dict | None = None) -> tuple[Any, list[Problem]]:
    try:
        return model.model_validate(data, context=context), []
    except ValidationError as exc:
        problems = []
        seen = set()
        for err in exc.errors():
            loc = _user_loc(tuple(err["loc"]), data, err["type"])
            key = (loc, err["type"] if err["type"] != "missing" else err["loc"])
            if key in seen:
                continue
            seen.add(key)
            path = base + loc
            f, line = locate(lines, path, file)
            problems.append(Problem(f, line, dotted(path), _friendly(err, loc, model)))
        return None, problems


def read_file(path: Path) -> tuple[list[EvidenceRecord], dict[str, tuple[str, int | None]],
                                   list[Problem]]:
    """Read one evidence file: its valid records, where each id is, and every problem.

    The returned locations also hold the ids of records that failed validation (so a
    ``related`` reference to them is not reported a second time). A file of the bundled
    library is read and validated once per process (it is part of the package, as the
    bibliography is): every set that cites evidence, and every edit of one
    (``with_values``, a grid's combinations), reads the whole bundled library.
    """
    if trusted(path):
        records, where, problems = _read_bundled(Path(path))
        return list(records), dict(where), list(problems)
    return _read_file(path)


@functools.lru_cache(maxsize=None)
def _read_bundled(path: Path) -> tuple[tuple[EvidenceRecord, ...],
                                       dict[str, tuple[str, int | None]],
                                       tuple[Problem, ...]]:
    records, where, problems = _read_file(path)
    return tuple(records), where, tuple(problems)


def _read_file(path: Path) -> tuple[list[EvidenceRecord], dict[str, tuple[str, int | None]],
                                    list[Problem]]:
    file = str(path)
    text, problems = read_text(path)
    if text is None:
        return [], {}, problems
    located, problems = parse(text, file)
    is_evidence = (isinstance(located.data, dict) and "records" in located.data
                   if located is not None else bool(_RECORDS_LINE.search(text)))
    if not is_evidence:
        # Refused by name alone: it may be any file a hostile set's folder holds.
        return [], {}, [Problem(file, None, "", NOT_EVIDENCE)]
    if located is None:
        return [], {}, problems
    data, lines = located.data, located.lines
    shell, bad = _validate(EvidenceFile, {k: v for k, v in data.items()}, (), lines, file)
    if shell is None:
        # Report shell problems, but still look at the records that are there.
        problems += [p for p in bad if not p.field.startswith("records[")]
        raw_records = data.get("records") if isinstance(data.get("records"), list) else []
    else:
        raw_records = shell.records
    records: list[EvidenceRecord] = []
    where: dict[str, tuple[str, int | None]] = {}
    for i, raw in enumerate(raw_records):
        base: Path_ = ("records", i)
        if not isinstance(raw, dict):
            f, line = locate(lines, base, file)
            problems.append(Problem(f, line, dotted(base), "a record is a mapping of keys"))
            continue
        rec, bad = _validate(EvidenceRecord, raw, base, lines, file,
                             context={"defer_semantics": True})
        problems += bad
        if rec is None:
            if isinstance(raw.get("id"), str):
                where.setdefault(raw["id"], locate(lines, base + ("id",), file))
            continue
        semantic = rec.semantic_problems()
        for fld, message in semantic:
            parts = tuple(int(p) if p.isdigit() else p
                          for p in re.split(r"[.\[\]]+", fld) if p)
            f, line = locate(lines, base + parts, file)
            problems.append(Problem(f, line, dotted(base + parts), message))
        if semantic:
            where.setdefault(rec.id, locate(lines, base + ("id",), file))
            continue
        records.append(rec)
        where[rec.id] = locate(lines, base + ("id",), file)
    return records, where, problems


def read_library(*directories: str | Path) -> tuple[Library, list[Problem]]:
    """Read every ``*.yaml`` evidence file in ``directories`` (default: the bundled one).

    Returns the library of valid records and *every* problem found (syntax, unknown
    keys, bad values, duplicate ids across files, ``related`` ids that do not exist).
    A caller that needs a clean library should use :func:`load_library`.
    """
    dirs = [Path(d) for d in directories] or [default_directory()]
    records: list[EvidenceRecord] = []
    where: dict[str, tuple[str, int | None]] = {}
    failed: set[str] = set()
    problems: list[Problem] = []
    for d in dirs:
        files, found = evidence_files(d)
        problems += found
        if found:
            continue
        for path in files:
            recs, locs, bad = read_file(path)
            problems += bad
            failed |= set(locs) - {r.id for r in recs}
            for rec in recs:
                if rec.id in where:
                    f0, l0 = where[rec.id]
                    f, line = locs[rec.id]
                    problems.append(Problem(
                        f, line, "id", f"duplicate id {rec.id!r} (first defined at "
                        f"{f0}:{l0}); ids must be unique across the library"))
                    continue
                where[rec.id] = locs[rec.id]
                records.append(rec)
    known = set(where)
    for rec in records:
        for other in rec.related:
            if other not in known and other not in failed:
                f, line = where[rec.id]
                problems.append(Problem(f, line, "related",
                                        f"{rec.id}: related id {other!r} is not in the "
                                        "library" + _suggest(other, known)))
    return Library(tuple(records), {r.id: where[r.id] for r in records}), problems


def load_library(*directories: str | Path) -> Library:
    """Like :func:`read_library` but raise :class:`EvidenceError` on any problem."""
    library, problems = read_library(*directories)
    if problems:
        raise EvidenceError(problems)
    return library


def _suggest(word: str, options: set[str] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""
