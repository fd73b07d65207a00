"""How a report PDF was built: its build manifest (``build.yaml``) and scenario sets.

Every report PDF carries, beside its resolved assumption set (``assumption-set.yaml``,
:mod:`modeller.inputs.pdfset`), the scenario sets it compared (``scenario-1.yaml`` ...)
and a small manifest of the analyses it included, so that ``modeller build REPORT.pdf``
rebuilds the same reports from the PDF alone. The manifest is YAML, written here
(:func:`manifest_yaml`) and read here (:func:`read`); it holds no clock time, so the
same build writes the same bytes::

    # How this report was built: `modeller build REPORT.pdf` builds it again
    manifest_version: 1
    modeller: 0.1.0
    scenarios: [scenario-1.yaml]       # the scenario attachments, in the report's order
    sensitivity: true                  # one-way sensitivity and break-even thresholds
    psa_draws: 200                     # a PSA with this many draws, or null
    seed: 1                            # the PSA's seed (null when there is no PSA)
    grid: [outcomes.recovery_rate=0.4:0.6:0.1]   # scenario grids, as --grid takes them

Read back, every part is untrusted input: the PDF and each attachment are size-checked
(:mod:`modeller.inputs.pdfset`), the manifest is parsed under every YAML limit, unknown
keys and wrong types are problems naming the PDF, the attachment, the line and the key
(never a value of the file), and each scenario set must be self-contained, as the main
embedded set. A PDF written before manifests existed has none; its scenario sets are
then reused in the order of their numbers, with no analyses.

:func:`choose` merges the options a user gave with those the PDF embeds: every option
given replaces the embedded one (any ``--scenario`` replaces every embedded scenario,
any ``--grid`` every embedded grid), and it returns one note per embedded option reused
or replaced, for the front ends to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .limits import DEFAULT_SEED, MAX_DRAWS, MAX_EMBEDDED_SCENARIOS, MAX_REPORT_SEED, \
    RequestError
from .pdfset import MANIFEST_ATTACHMENT
from .yamlsource import Problem, dotted, parse

#: The manifest format this version writes and reads.
MANIFEST_VERSION = 1
#: The name of a scenario attachment: ``scenario-1.yaml`` ... (at most three digits).
SCENARIO_NAME = re.compile(r"scenario-([1-9][0-9]{0,2})\.yaml")
#: A version of the tool, as the manifest records it (and a note may show it).
VERSION = re.compile(r"[0-9][0-9A-Za-z.+!-]{0,39}")
#: Every manifest key, and what it must hold (as a problem states it).
KEYS = {
    "manifest_version": f"the whole number {MANIFEST_VERSION}",
    "modeller": "the version of the tool that wrote the report (such as 0.1.0)",
    "scenarios": "a list of scenario attachment names (scenario-1.yaml, ...)",
    "sensitivity": "true or false",
    "psa_draws": f"null or a whole number from 1 to {MAX_DRAWS:,} (MAX_DRAWS)",
    "seed": f"null or a whole number from 0 to {MAX_REPORT_SEED:,} (MAX_REPORT_SEED)",
    "grid": "a list of PATH=VALUES texts, as `modeller build --grid` takes them",
}
#: The options of ``modeller build`` a manifest records, in the order notes list them.
OPTIONS = ("scenarios", "sensitivity", "psa_draws", "seed", "grid")


@dataclass(frozen=True)
class BuildOptions:
    """The analyses a report included, as ``modeller build`` options."""

    #: the scenario attachments compared, in order
    scenarios: tuple[str, ...] = ()
    sensitivity: bool = False
    #: PSA draws, or None for no PSA
    psa_draws: int | None = None
    #: the PSA's seed (None when there is no PSA)
    seed: int | None = None
    #: scenario grids, ``PATH=VALUES`` texts
    grid: tuple[str, ...] = ()
    #: the version of the tool that wrote the report ("" when unknown)
    modeller: str = ""


@dataclass(frozen=True)
class Embedded:
    """What a report PDF embeds: its main set, its manifest and its scenario sets."""

    #: the PDF read
    file: str
    #: the build manifest, or None for a PDF written before manifests existed
    options: BuildOptions | None
    #: the scenario sets (LoadedSets), in the manifest's order
    scenarios: tuple = field(default=(), repr=False)
    #: their attachment names, in the same order
    names: tuple[str, ...] = ()
    #: the main set (a LoadedSet, as :func:`modeller.inputs.loader.load` of the PDF)
    set: Any = field(default=None, repr=False)


def grid_text(spec: Any) -> str:
    """A grid as ``modeller build --grid`` takes it: a ``PATH=VALUES`` text as given, or
    an API ``(path, [values])`` pair as ``path=v1,v2`` (each value as Python prints it,
    which reads back as the same number)."""
    if isinstance(spec, str):
        return spec
    path, values = spec
    return f"{path}=" + ",".join(repr(float(v)) for v in values)


def manifest_yaml(options: BuildOptions) -> str:
    """The manifest text of ``options`` (deterministic: no clock, fixed key order).

    Raises :class:`~modeller.inputs.limits.RequestError` for a seed beyond
    :data:`~modeller.inputs.limits.MAX_REPORT_SEED`, which could not be read back."""
    import yaml

    if options.seed is not None and not 0 <= options.seed <= MAX_REPORT_SEED:
        raise RequestError(f"seed: a report records its PSA seed, which must be a whole "
                           f"number from 0 to {MAX_REPORT_SEED:,} (MAX_REPORT_SEED)")
    data = {"manifest_version": MANIFEST_VERSION, "modeller": options.modeller,
            "scenarios": list(options.scenarios), "sensitivity": options.sensitivity,
            "psa_draws": options.psa_draws, "seed": options.seed,
            "grid": list(options.grid)}
    return ("# How this report was built: `modeller build REPORT.pdf` builds it again "
            "(see `modeller help commands`)\n"
            + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def parse_manifest(data: bytes, label: str) -> tuple[BuildOptions | None, list[Problem]]:
    """Read a manifest's bytes; problems name ``label`` (``REPORT.pdf (build.yaml)``),
    the line and the key, never a value of the file."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, [Problem(label, None, "", "the build manifest is not UTF-8 text")]
    located, problems = parse(text, label)
    if located is None:
        return None, problems
    doc, lines = located.data, located.lines

    def bad(path: tuple, message: str) -> None:
        problems.append(Problem(label, lines.get(path, (label, None))[1], dotted(path),
                                message))

    if not isinstance(doc, dict):
        bad((), "the build manifest must be a mapping of "
            f"{', '.join(KEYS)}")
        return None, problems
    for key in doc:
        if key not in KEYS:  # the line, not the key: nothing of the file is echoed
            problems.append(Problem(label, lines.get((key,), (label, None))[1], "",
                                    "an unknown key in the build manifest; the keys are "
                                    f"{', '.join(KEYS)}"))
    for key in KEYS:
        if key not in doc:
            bad((), f"the build manifest has no {key} ({KEYS[key]})")
    version = doc.get("manifest_version")
    if "manifest_version" in doc and not _whole(version, MANIFEST_VERSION,
                                                MANIFEST_VERSION):
        bad(("manifest_version",), f"must be {KEYS['manifest_version']}: this manifest "
            "was written by another version of the tool; rebuild with that version, or "
            "add --no-embedded to reuse only the assumption set")
        return None, problems
    checks = {
        "modeller": lambda v: isinstance(v, str) and VERSION.fullmatch(v),
        "sensitivity": lambda v: isinstance(v, bool),
        "psa_draws": lambda v: v is None or _whole(v, 1, MAX_DRAWS),
        "seed": lambda v: v is None or _whole(v, 0, MAX_REPORT_SEED),
    }
    for key, ok in checks.items():
        if key in doc and not ok(doc[key]):
            bad((key,), f"must be {KEYS[key]}")
    for key, item_ok, what in (
            ("scenarios", lambda v: isinstance(v, str) and SCENARIO_NAME.fullmatch(v),
             "a scenario attachment name (scenario-1.yaml, ...)"),
            ("grid", lambda v: isinstance(v, str) and "=" in v, "a PATH=VALUES text")):
        items = doc.get(key, [])
        if not isinstance(items, list):
            bad((key,), f"must be {KEYS[key]}")
            continue
        for i, item in enumerate(items):
            if not item_ok(item):
                bad((key, i), f"must be {what}")
    scenarios = doc.get("scenarios")
    if isinstance(scenarios, list):
        if len(scenarios) > MAX_EMBEDDED_SCENARIOS:
            bad(("scenarios",), f"{len(scenarios):,} scenario sets; at most "
                f"{MAX_EMBEDDED_SCENARIOS} (MAX_EMBEDDED_SCENARIOS)")
        if len(set(map(str, scenarios))) != len(scenarios):
            bad(("scenarios",), "names a scenario attachment more than once")
    if doc.get("seed") is not None and doc.get("psa_draws") is None:
        bad(("seed",), "a seed is recorded only with psa_draws (it is the PSA's seed)")
    if problems:
        return None, problems
    return BuildOptions(scenarios=tuple(doc["scenarios"]), sensitivity=doc["sensitivity"],
                        psa_draws=doc["psa_draws"], seed=doc["seed"],
                        grid=tuple(doc["grid"]), modeller=doc["modeller"]), []


def read(path: Path) -> Embedded:
    """The main set, manifest and scenario sets of the report PDF ``path``, every one
    checked, from one reading of the PDF (the main set as
    :func:`modeller.inputs.loader.load` of ``path`` gives it).

    Raises :class:`~modeller.inputs.loader.AssumptionsError` with every problem (the
    main set's first, then the manifest's, and each scenario set's with its attachment
    named).
    """
    from . import pdfset
    from .loader import AssumptionsError, load_located

    path = Path(path)
    files, problems = pdfset.attachments(path)
    if problems:
        raise AssumptionsError(problems)
    main = None
    located, problems = pdfset.parse_attachment(files, path, pdfset.SET_ATTACHMENT)
    if located is not None:
        try:
            main = load_located(located, str(path), problems)
        except AssumptionsError as exc:
            problems = list(exc.all_problems)
    label = f"{path} ({MANIFEST_ATTACHMENT})"
    options = None
    if MANIFEST_ATTACHMENT in files:
        options, more = parse_manifest(files[MANIFEST_ATTACHMENT], label)
        problems += more
        if options is None:
            raise AssumptionsError(problems)
        names = list(options.scenarios)
    else:
        found = {int(m.group(1)): name for name in files
                 if (m := SCENARIO_NAME.fullmatch(name))}
        names = [found[n] for n in sorted(found)]
        if len(names) > MAX_EMBEDDED_SCENARIOS:
            raise AssumptionsError(problems + [Problem(str(path), None, "", (
                f"the PDF carries {len(names):,} scenario sets; at most "
                f"{MAX_EMBEDDED_SCENARIOS} (MAX_EMBEDDED_SCENARIOS)"))])
    scenarios = []
    for i, name in enumerate(names):
        if name not in files:
            problems.append(Problem(label, None, f"scenarios[{i}]", (
                f"names the attachment {name}, which this PDF does not carry")))
            continue
        located, found = pdfset.parse_attachment(files, path, name)
        if located is None:
            problems.extend(found)
            continue
        try:
            scenarios.append(load_located(located, f"{path} ({name})", found))
        except AssumptionsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise AssumptionsError(problems)
    return Embedded(file=str(path), options=options, scenarios=tuple(scenarios),
                    names=tuple(names), set=main)


def choose(embedded: Embedded | None, given: dict, reuse: tuple[str, ...] = OPTIONS
           ) -> tuple[dict, list[str]]:
    """The options to build with, and one note per embedded option reused or replaced.

    ``given`` holds only the options the user gave (keys of :data:`OPTIONS`; scenarios
    as LoadedSets or anything the caller loads). Every option given replaces the
    embedded one; the rest come from ``embedded`` (a PDF's), else the defaults.
    Only the embedded options named in ``reuse`` are considered (a workbook, which
    carries no analyses, reuses only ``("scenarios",)``); the others are never noted.
    """
    chosen: dict = {"scenarios": [], "sensitivity": False, "psa_draws": None,
                    "seed": DEFAULT_SEED, "grid": []}
    notes: list[str] = []
    if embedded is None:
        chosen.update(given)
        return chosen, notes
    name = Path(embedded.file).name
    opts = embedded.options or BuildOptions(scenarios=embedded.names)
    carried = {"scenarios": list(embedded.scenarios), "sensitivity": opts.sensitivity,
               "psa_draws": opts.psa_draws, "grid": list(opts.grid)}
    if opts.psa_draws is not None:
        carried["seed"] = opts.seed if opts.seed is not None else DEFAULT_SEED
    if embedded.options is None and embedded.scenarios:
        notes.append(f"{name} carries no build manifest ({MANIFEST_ATTACHMENT}; written "
                     "by an earlier version): only its scenario sets can be reused")
    elif embedded.options is not None and opts.modeller != _version():
        notes.append(f"{name} was built by modeller {opts.modeller or 'unknown'}; this is "
                     f"modeller {_version()}: the PDFs may not be byte-identical, and "
                     "figures differ if the model changed")
    for key in OPTIONS:
        if key not in reuse or key not in carried or carried[key] in (None, False, []):
            if key in given:
                chosen[key] = given[key]
            continue
        if key in given:
            chosen[key] = given[key]
            if key != "scenarios" and given[key] == carried[key]:
                continue  # given as embedded: nothing is replaced
            notes.extend(f"{name}: {_option(key)} given, so the embedded {item} is not "
                         "used" for item in _described(key, carried[key], opts))
            continue
        chosen[key] = carried[key]
        notes.extend(f"{name}: reusing the embedded {item}"
                     for item in _described(key, carried[key], opts))
    return chosen, notes


def _version() -> str:
    from .. import __version__

    return __version__


def _option(key: str) -> str:
    return {"scenarios": "--scenario", "psa_draws": "--psa-draws"}.get(
        key, f"--{key}")


def _described(key: str, value: Any, opts: BuildOptions) -> list[str]:
    """An embedded option as notes show it, one line per scenario set or grid."""
    if key == "scenarios":
        return [f"scenario set {attachment} ({_title(s)})"
                for attachment, s in zip(opts.scenarios, value)]
    if key == "sensitivity":
        return ["--sensitivity (one-way sensitivity and break-even thresholds)"]
    if key == "grid":
        return [f"--grid {spec}" for spec in value]
    return [f"{_option(key)} {value}"]


def _title(loaded: Any) -> str:
    from .characters import escaped

    spec = getattr(loaded, "spec", None)
    title = getattr(spec, "title", None) or getattr(spec, "name", "")
    return escaped(str(title))[:80]
