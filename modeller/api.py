"""The Python API: the one front door the CLI, the web app, the workbook exporter and
analysts' notebooks all use.

>>> import modeller
>>> s = modeller.load("national-faq-2017")
>>> r = modeller.run(s.with_values({"outcomes.recovery_rate": 0.45}))
>>> round(r.totals.npv)  # doctest: +SKIP

Everything here is a thin composition of the stages below it (inputs -> model ->
analyses -> outputs); nothing here computes a figure. Objects are frozen: changing a
value gives a new, validated :class:`AssumptionSet` with its own hash.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from .inputs import loader
from .inputs.keys import NumericInput, edit, numeric_inputs
from .inputs.limits import DEFAULT_SEED
from .model.results import Results

#: Raised for every bad input: ``.problems`` lists each (file, line, field, message).
InputError = loader.AssumptionsError

REPORT_KINDS = ("logic-model", "business-case", "board-summary")


@dataclass(frozen=True)
class AssumptionSet:
    """A validated, merged assumption set: what every other function takes.

    Get one with :func:`load` or :func:`loads`; never build one by hand.
    """

    loaded: loader.LoadedSet = field(repr=False)

    @property
    def name(self) -> str:
        """The set's ``name`` (also its output folder name)."""
        return self.loaded.spec.name

    @property
    def title(self) -> str:
        """The set's title for people (its ``title`` if it has one, else its name)."""
        return getattr(self.loaded.spec, "title", None) or self.loaded.spec.name

    @property
    def hash(self) -> str:
        """sha256 of the resolved set (and any evidence it cites) [hex]."""
        return self.loaded.hash

    @property
    def file(self) -> str:
        """The file (or upload name) the set was read from."""
        return self.loaded.file

    @property
    def spec(self):
        """The validated, typed set (:class:`modeller.inputs.schema.AssumptionSet`)."""
        return self.loaded.spec

    @property
    def resolved(self) -> dict:
        """A copy of the merged data (``extends`` resolved): what is hashed."""
        return copy.deepcopy(self.loaded.resolved)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Warnings about the set (published arithmetic that does not add up, ...)."""
        return tuple(self.loaded.warnings)

    def inputs(self) -> list[NumericInput]:
        """Every number of the set, with key path, label, unit, source and bounds."""
        return numeric_inputs(self.loaded.spec)

    def with_values(self, values: Mapping[str, float]) -> "AssumptionSet":
        """A new set with the numbers at these key paths changed, validated again.

        Keys are those of :meth:`inputs` (the paths ``modeller grid --vary`` takes),
        e.g. ``{"outcomes.recovery_rate": 0.45, "conditions.copd.share": 0.2}``.
        Raises :class:`InputError` listing every bad key or value.
        """
        return AssumptionSet(edit(self.loaded, values))

    def to_yaml(self) -> str:
        """The resolved set as YAML text; :func:`loads` of it gives the same hash, and
        saved anywhere it loads to the same hash (local evidence folders absolute)."""
        return loader.resolved_yaml(self.loaded, f"Resolved from {Path(self.file).name}")


def load(ref: str | Path, *, bundled_only: bool = False) -> AssumptionSet:
    """Load and validate a set: a YAML file's path, or a bundled set's name.

    With ``bundled_only`` only bundled names are accepted (the web app's rule).
    Raises :class:`InputError` with every problem (file, line, field, message).
    """
    return AssumptionSet(loader.load(ref, bundled_only=bundled_only))


def loads(text: str, name: str = "upload.yaml", *, bundled_only: bool = True
          ) -> AssumptionSet:
    """Load a set from YAML text (an upload); its ``extends`` may name bundled sets
    only unless ``bundled_only`` is False. Problems are reported against ``name``."""
    return AssumptionSet(loader.load_text(text, name, bundled_only=bundled_only))


def _loaded(s: AssumptionSet | str | Path) -> loader.LoadedSet:
    return (s if isinstance(s, AssumptionSet) else load(s)).loaded


def run(s: AssumptionSet | str | Path) -> Results:
    """Run the cost-offset model; :meth:`Results.to_dict` is the JSON contract and
    :meth:`Results.frames` gives pandas DataFrames."""
    from .model import runner

    return runner.run(_loaded(s))


def compare(sets: Sequence[AssumptionSet | str | Path]):
    """Headline figures of several sets side by side: a DataFrame with one row per
    figure (index: its JSON path) and one column per set (columns: set names, made
    unique), plus ``label`` and ``kind`` columns."""
    import pandas as pd

    from .outputs.text import compare_dict

    runs = [run(s).to_dict() for s in sets]
    c = compare_dict(runs)
    names, seen = [], {}
    for n in c["scenarios"]:
        seen[n] = seen.get(n, 0) + 1
        names.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    df = pd.DataFrame([{"figure": row["figure"], "label": row["label"],
                        "kind": row["kind"], **dict(zip(names, row["values"]))}
                       for row in c["headlines"]]).set_index("figure")
    df.attrs["hashes"] = dict(zip(names, c["hashes"]))
    return df


def sensitivity(s: AssumptionSet | str | Path, params: Iterable[str] | None = None,
                default_range: float = 0.2) -> dict:
    """One-way sensitivity (the tornado of NPV) and exact break-even thresholds, as the
    JSON of ``modeller sensitivity --format json``; ``pandas.DataFrame(result["tornado"])``
    gives the table."""
    from .analyses import sensitivity as sens

    loaded = _loaded(s)
    result = sens.analyse(loaded, list(params) if params else None, default_range)
    result["hash"] = loaded.hash
    return result


def psa(s: AssumptionSet | str | Path, draws: int = 10_000, seed: int = DEFAULT_SEED,
        progress=None) -> dict:
    """Probabilistic sensitivity analysis over the set's distributions, as the JSON of
    ``modeller psa --format json`` (means, percentiles, probabilities, drivers)."""
    from .analyses import psa as psa_module

    return psa_module.analyse(_loaded(s), draws, seed, progress=progress)


def grid(s: AssumptionSet | str | Path,
         vary: Mapping[str, Sequence[float]] | Sequence[str]):
    """Every combination of the varied parameters: a DataFrame with one row per
    combination (the varied values, then the headline figures).

    ``vary`` maps key paths to values (``{"outcomes.recovery_rate": [0.4, 0.5]}``) or
    lists ``PATH=VALUES`` texts as ``modeller grid --vary`` takes them.
    """
    import pandas as pd

    result = grid_result(s, vary)
    df = pd.DataFrame(result["rows"], columns=result["columns"])
    df.attrs["name"] = result["name"]
    return df


def grid_result(s: AssumptionSet | str | Path,
                vary: Mapping[str, Sequence[float]] | Sequence[str]) -> dict:
    """:func:`grid` as the JSON of ``modeller grid --format json`` (rows as dicts)."""
    from .analyses import grid as grid_module

    loaded = _loaded(s)
    specs = (list(vary.items()) if isinstance(vary, Mapping)
             else [str(v) for v in vary])
    result = grid_module.run_grid(loaded, specs)
    result["hash"] = loaded.hash
    return result


@dataclass(frozen=True)
class BuildPlan:
    """What :func:`build` (and :func:`report_pdf`, :func:`bundle`) will build: the set,
    the options (keyword arguments of those functions) and one note per option reused
    from (or given in place of) what a report PDF embeds."""

    set: AssumptionSet
    #: ``scenarios`` (AssumptionSets), ``sensitivity``, ``psa_draws``, ``seed``, ``grid``
    options: dict
    notes: tuple[str, ...] = ()


def build_plan(s: AssumptionSet | str | Path, *, scenarios: Sequence | None = None,
               sensitivity: bool | None = None, psa_draws: int | None = None,
               seed: int | None = None, grid: Sequence | Mapping | None = None,
               embedded: bool = True, reuse_analyses: bool = True) -> BuildPlan:
    """The set and options to build ``s`` with.

    Options left as None take their defaults, except when ``s`` is the path of a report
    PDF and ``embedded`` is true: then they are the scenario sets and analyses the PDF
    embeds (its ``build.yaml``), so the same reports are built again. Every option given
    replaces the embedded one (any ``scenarios`` replace every embedded scenario set,
    any ``grid`` every embedded grid). ``reuse_analyses=False`` reuses the embedded
    scenario sets only, never its analyses, and notes none (as :func:`workbook`, which
    carries no analyses). Raises :class:`InputError` with every problem of the set,
    the ``scenarios`` given and a bad embedded manifest or scenario set (naming the
    PDF and the attachment), all at once.
    """
    from .inputs import embedded as embedded_module
    from .inputs.pdfset import is_pdf

    given = {key: value for key, value in (
        ("scenarios", scenarios), ("sensitivity", sensitivity), ("psa_draws", psa_draws),
        ("seed", seed), ("grid", grid)) if value is not None}
    if isinstance(given.get("grid"), Mapping):
        given["grid"] = list(given["grid"].items())
    found, problems = None, []
    if not isinstance(s, AssumptionSet):
        try:
            if embedded and is_pdf(Path(s)):  # the PDF read once: its set and the rest
                found = embedded_module.read(Path(s))
                s = AssumptionSet(found.set)
            else:
                s = load(s)
        except InputError as exc:
            problems += exc.all_problems
    if "scenarios" in given:
        sets = []
        for x in given["scenarios"]:
            try:
                sets.append(x if isinstance(x, AssumptionSet) else load(x))
            except InputError as exc:
                problems += exc.all_problems
        given["scenarios"] = sets
    if problems:  # the set's, the embedded files' and the scenarios' problems, at once
        raise InputError(list(dict.fromkeys(problems)))  # a file given twice: once
    options, notes = embedded_module.choose(
        found, given, embedded_module.OPTIONS if reuse_analyses else ("scenarios",))
    options["scenarios"] = [x if isinstance(x, AssumptionSet) else AssumptionSet(x)
                            for x in options["scenarios"]]
    options["grid"] = list(options["grid"])
    if found is not None:
        _check_embedded(s, options, given, found.file)
    return BuildPlan(s, options, tuple(notes))


def _check_embedded(s: AssumptionSet, options: dict, given: dict, pdf: str) -> None:
    """Refuse, before any work, an embedded PSA or grid the set cannot run, naming the
    PDF and its manifest (as `modeller psa` and `modeller grid` would refuse them)."""
    from .analyses import grid as grid_module
    from .analyses import psa as psa_module
    from .inputs.embedded import MANIFEST_ATTACHMENT
    from .inputs.limits import RequestError
    from .inputs.yamlsource import Problem

    label = f"{pdf} ({MANIFEST_ATTACHMENT})"
    checks = []
    if options["psa_draws"] and "psa_draws" not in given:
        checks.append(("psa_draws", lambda: psa_module.check_psa(
            s.loaded, options["psa_draws"], options["seed"])))
    if options["grid"] and "grid" not in given:
        checks += [(f"grid[{i}]", lambda spec=spec: grid_module.check_grid(s.loaded, [spec]))
                   for i, spec in enumerate(options["grid"])]
        checks.append(("grid", lambda: grid_module.check_grid(s.loaded, options["grid"])))
    problems = []
    for where, check in checks:
        if where == "grid" and any(p.field.startswith("grid[") for p in problems):
            continue  # the whole grid is checked once each part is sound
        try:
            check()
        except RequestError as exc:
            problems.append(Problem(label, None, where, str(exc)))
    if problems:
        raise InputError(problems)


def bundle(s: AssumptionSet | str | Path, *, scenarios: Sequence | None = None,
           sensitivity: bool | None = None, psa_draws: int | None = None,
           seed: int | None = None, grid: Sequence | Mapping | None = None,
           embedded: bool = True) -> dict:
    """Everything the reports read: the results plus the analyses asked for (options
    as :func:`build_plan` chooses them: a report PDF's embedded ones by default)."""
    from . import __version__
    from .analyses import grid as grid_module
    from .analyses import psa as psa_module
    from .analyses import sensitivity as sens
    from .inputs.embedded import MANIFEST_ATTACHMENT, BuildOptions, grid_text, manifest_yaml
    from .inputs.pdfset import SCENARIO_PREFIX
    from .outputs.reports.bundle import make_bundle

    plan = build_plan(s, scenarios=scenarios, sensitivity=sensitivity,
                      psa_draws=psa_draws, seed=seed, grid=grid, embedded=embedded)
    o = plan.options
    loaded = plan.set.loaded
    others = [x.loaded for x in o["scenarios"]]
    results = run(plan.set).to_dict()
    runs = [results] + [run(AssumptionSet(x)).to_dict() for x in others] if others else []
    out = make_bundle(loaded, results, runs, others)
    if out["inputs"]:
        # How the report was built, so `modeller build REPORT.pdf` builds it again.
        out["inputs"][MANIFEST_ATTACHMENT] = manifest_yaml(BuildOptions(
            scenarios=tuple(k for k in out["inputs"] if k.startswith(SCENARIO_PREFIX)),
            sensitivity=bool(o["sensitivity"]), psa_draws=o["psa_draws"] or None,
            seed=o["seed"] if o["psa_draws"] else None,
            grid=tuple(grid_text(g) for g in o["grid"]), modeller=__version__))
    if o["sensitivity"]:
        out["sensitivity"] = sens.analyse(loaded)
    if o["psa_draws"]:
        out["psa"] = psa_module.analyse(loaded, o["psa_draws"], o["seed"])
    if o["grid"]:
        out["grid"] = grid_module.run_grid(loaded, o["grid"])
    return out


def output_folder(s: AssumptionSet, out_dir: str | Path = "reports") -> Path:
    """The folder ``build`` writes into: ``OUT_DIR/<slug of the set's name>``."""
    from .outputs.files import slug

    return Path(out_dir) / slug(s.name)


def build(s: AssumptionSet | str | Path, out_dir: str | Path = "reports", *,
          scenarios: Sequence | None = None, sensitivity: bool | None = None,
          psa_draws: int | None = None, seed: int | None = None,
          grid: Sequence | Mapping | None = None, embedded: bool = True,
          _worker=None) -> list[Path]:
    """Write everything ``modeller build`` writes into ``OUT_DIR/<set name>/``: the
    logic model, business case and board summary as PDF, and the JSON, CSV and text
    of the same run (plus the analyses asked for). Returns the paths written.

    Given the path of a report PDF, the options not given are those the PDF embeds
    (:func:`build_plan`), so the same reports are built again; ``embedded=False``
    reuses only its assumption set.

    (``_worker``: a :class:`modeller.outputs.parallel.Worker` the caller started early,
    as the CLI does before it imports the model; internal.)"""
    from .outputs.build import check_target, write_build

    plan = build_plan(s, scenarios=scenarios, sensitivity=sensitivity,
                      psa_draws=psa_draws, seed=seed, grid=grid, embedded=embedded)
    check_target(output_folder(plan.set, out_dir))  # refused before any rendering
    b = bundle(plan.set, **plan.options)
    # The workbook of the same set is written beside the PDFs, as <name>.xlsx.
    return write_build(output_folder(plan.set, out_dir), b["results"], b,
                       workbook=lambda: workbook(plan.set,
                                                 scenarios=plan.options["scenarios"]),
                       worker=_worker)


def report_pdf(kind: str, s: AssumptionSet | str | Path, *,
               scenarios: Sequence | None = None, sensitivity: bool | None = None,
               psa_draws: int | None = None, seed: int | None = None,
               grid: Sequence | Mapping | None = None, embedded: bool = True) -> bytes:
    """One report as PDF bytes: ``logic-model``, ``business-case`` or ``board-summary``
    (the same document ``build`` writes for the same inputs; a report PDF's path
    reuses what it embeds, as :func:`build`)."""
    from .outputs.reports import pdf_bytes

    if kind not in REPORT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(REPORT_KINDS)}")
    b = bundle(s, scenarios=scenarios, sensitivity=sensitivity, psa_draws=psa_draws,
               seed=seed, grid=grid, embedded=embedded)
    return pdf_bytes(kind, b)


def write_report(kind: str, s: AssumptionSet | str | Path, out: str | Path, **options
                 ) -> Path:
    """Write one report as a PDF file (atomically); return its path."""
    from .outputs.reports import render_pdf

    if kind not in REPORT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(REPORT_KINDS)}")
    return render_pdf(kind, bundle(s, **options), Path(out))


def workbook(s: AssumptionSet | str | Path, *, scenarios: Sequence | None = None,
             embedded: bool = True) -> bytes:
    """The model of ``s`` as an Excel workbook (.xlsx bytes) with live formulas: Inputs,
    calculation sheets and Results (every JSON figure as a formula); ``scenarios``
    whose inputs line up with ``s`` become columns chosen by a selector cell.

    Given the path of a report PDF and no ``scenarios``, the scenario sets the PDF
    embeds are the columns (:func:`build_plan` with ``reuse_analyses=False``), so the
    workbook is the one its build wrote; ``embedded=False`` reuses only its set."""
    from .outputs.excel import workbook_bytes

    plan = build_plan(s, scenarios=scenarios, embedded=embedded, reuse_analyses=False)
    return workbook_bytes(plan.set.loaded, [x.loaded for x in plan.options["scenarios"]])


def write_workbook(s: AssumptionSet | str | Path, out: str | Path, *,
                   scenarios: Sequence | None = None, embedded: bool = True) -> Path:
    """Write :func:`workbook` to a file (atomically); return its path."""
    from .outputs.files import write_atomic

    return write_atomic(out, workbook(s, scenarios=scenarios, embedded=embedded))


def bundled_sets() -> list[str]:
    """Names of the bundled assumption sets (``load`` takes any of them)."""
    from .inputs.bundled import bundled_sets as sets

    return sorted(sets())


__all__ = ["AssumptionSet", "BuildPlan", "InputError", "NumericInput", "Results",
           "REPORT_KINDS", "build", "build_plan", "bundle", "bundled_sets", "compare",
           "grid", "grid_result", "load", "loads", "output_folder", "psa", "report_pdf",
           "run", "sensitivity", "write_report", "workbook", "write_workbook"]
