"""The core commands: validate, run, compare, resolve, schema, build, report, evidence.

Each is a thin layer: load (every problem at once), compute, render, write.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from ..outputs.text import CSV_TABLES
from .common import FORMATS, _emit, _exit_with, _load, cli


@cli.command()
@click.argument("files", nargs=-1, required=True)
def validate(files) -> None:
    """Check assumption sets: every problem in every file, with file and line."""
    for item in _load(files):
        click.echo(f"ok: {item.file} ({item.spec.name}, sha256 {item.hash})")


@cli.command()
@click.argument("file")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
              help="table for people; json (the stable contract, `modeller schema "
              "--results`) or csv (one table, chosen with --table) for tools.")
@click.option("--table", "table_name", type=click.Choice(list(CSV_TABLES)),
              default=None, help="With --format csv: which table to print "
              "[default: by_year].")
@click.option("--out", type=click.Path(dir_okay=False), help="Write here (atomically) "
              "instead of standard output.")
def run(file, fmt, table_name, out) -> None:
    """Run the cost-offset model on one assumption set.

    With --format csv, --table picks one table: by_year (default), by_condition,
    by_budget_holder, by_budget_holder_year, by_care_category, by_month (cumulative
    cost and savings at each month's end) or cost_lines.
    """
    from .. import model
    from ..outputs import text as render

    if table_name and fmt != "csv":
        raise click.UsageError("--table chooses a CSV table; add --format csv")
    (loaded,) = _load([file])
    d = model.run(loaded).to_dict()
    if fmt == "csv":
        text = render.table_csv(d, table_name or "by_year")
    else:
        text = {"table": render.table, "json": render.to_json}[fmt](d)
    _emit(text, out)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False))
def compare(files, fmt, out) -> None:
    """Compare scenarios side by side, with differences from the first."""
    from .. import model
    from ..outputs import text as render

    if len(files) < 2:
        raise click.UsageError("compare needs at least two assumption sets")
    runs = [model.run(item).to_dict() for item in _load(files)]
    c = render.compare_dict(runs)
    text = {"table": render.compare_table, "json": render.to_json,
            "csv": render.compare_csv}[fmt](c)
    _emit(text, out)


@cli.command()
@click.argument("file")
@click.option("--out", type=click.Path(dir_okay=False))
def resolve(file, out) -> None:
    """Print the fully merged set (extends resolved) as YAML, with its hash.

    The output is itself a valid set that validates, runs and hashes the same from
    any folder (local evidence_library folders are written as absolute paths).
    """
    import yaml

    from ..inputs.loader import standalone

    (loaded,) = _load([file], show_warnings=False)
    body = yaml.safe_dump(standalone(loaded), sort_keys=False, allow_unicode=True,
                          width=100)
    text = (f"# Resolved from {loaded.file}\n# sha256: {loaded.hash}\n"
            f"# modeller {__version__}\n{body}")
    _emit(text, out)


@cli.command()
@click.option("--results", "of_results", is_flag=True,
              help="The schema of the JSON results (`modeller run --format json`) "
              "instead of an assumption set's.")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Write the schema here (atomically) instead of standard output.")
def schema(of_results, out) -> None:
    """Print the JSON Schema of an assumption set (for editor completion and checks),
    or with --results the JSON Schema of the results of `modeller run --format json`."""
    import json

    if of_results:
        from ..model.contract import results_schema

        doc = results_schema()
    else:
        from ..inputs.schema import AssumptionSet

        doc = AssumptionSet.model_json_schema()
        doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        doc["title"] = "IAPT-LTC modeller assumption set (schema_version 1)"
    _emit(json.dumps(doc, indent=2, sort_keys=True) + "\n", out)


REPORT_KINDS = ("logic-model", "business-case", "board-summary")


def _bundle(loaded, d: dict, scenario_files=(), sensitivity: bool = False,
            psa_draws: int | None = None, seed: int = 0, grid_specs=()) -> dict:
    """Everything the report templates read: results plus optional analyses."""
    from .. import model
    from ..outputs.reports.bundle import make_bundle

    scenarios = []
    if scenario_files:
        scenarios = [d] + [model.run(item).to_dict() for item in _load(scenario_files)]
    bundle = make_bundle(loaded, d, scenarios)
    if sensitivity:
        from ..analyses import sensitivity as sens

        bundle["sensitivity"] = sens.analyse(loaded)
    if psa_draws:
        from ..analyses import psa

        bundle["psa"] = psa.analyse(loaded, psa_draws, seed)
    if grid_specs:
        from ..analyses import grid

        bundle["grid"] = grid.run_grid(loaded, list(grid_specs))
    return bundle


def _analysis_options(command):
    """Options shared by `build` and `report` to add analyses to the business case."""
    options = [
        click.option("--scenario", "scenarios", multiple=True, metavar="FILE",
                     help="Another set to compare with FILE (repeatable)."),
        click.option("--sensitivity", is_flag=True,
                     help="Add one-way sensitivity (tornado) and break-even thresholds."),
        click.option("--psa-draws", type=click.IntRange(1, 10_000_000), default=None,
                     help="Add a probabilistic sensitivity analysis with N draws."),
        click.option("--seed", type=int, default=0, show_default=True,
                     help="Random seed for --psa-draws."),
        click.option("--grid", "grid_specs", multiple=True, metavar="PATH=VALUES",
                     help="Add a scenario grid (repeatable), as for `modeller grid`."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@cli.command()
@click.argument("file", default="national-faq-2017")
@click.option("--out-dir", default="reports", show_default=True,
              type=click.Path(file_okay=False),
              help="Outputs go to OUT_DIR/<set name>/.")
@_analysis_options
def build(file, out_dir, scenarios, sensitivity, psa_draws, seed, grid_specs) -> None:
    """Run a set and write everything into reports/<set name>/: the logic model,
    business case and board summary as PDF, and the JSON, CSV and text of the same run.
    """
    from .. import model
    from ..outputs import text as render
    from ..outputs.files import slug, write_atomic
    from ..outputs.reports import render_all

    (loaded,) = _load([file])
    d = model.run(loaded).to_dict()
    target = Path(out_dir) / slug(d["name"])
    bundle = _bundle(loaded, d, scenarios, sensitivity, psa_draws, seed, grid_specs)
    written = [
        write_atomic(target / "results.json", render.to_json(d)),
        write_atomic(target / "by_year.csv", render.by_year_csv(d)),
        write_atomic(target / "by_condition.csv", render.by_condition_csv(d)),
        write_atomic(target / "summary.txt", render.table(d)),
    ]
    for key in ("sensitivity", "psa"):
        if key in bundle:
            written.append(write_atomic(target / f"{key}.json", render.to_json(bundle[key])))
    if "grid" in bundle:
        from ..outputs.analysis_text import grid_csv

        written.append(write_atomic(target / "grid.csv", grid_csv(bundle["grid"])))
    written += list(render_all(bundle, target).values())
    for path in written:
        click.echo(str(path))


@cli.command()
@click.argument("kind", type=click.Choice(REPORT_KINDS))
@click.argument("file")
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False),
              help="The PDF to write (atomically; folders are created).")
@_analysis_options
def report(kind, file, out, scenarios, sensitivity, psa_draws, seed, grid_specs) -> None:
    """Write one report (logic-model, business-case or board-summary) as PDF."""
    from .. import model
    from ..outputs.reports import render_pdf

    (loaded,) = _load([file])
    d = model.run(loaded).to_dict()
    bundle = _bundle(loaded, d, scenarios, sensitivity, psa_draws, seed, grid_specs)
    click.echo(str(render_pdf(kind, bundle, Path(out))))


@cli.command("evidence")
@click.argument("condition", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False))
def evidence_command(condition, fmt, out) -> None:
    """List the evidence library: every published figure in the seeds, with its value,
    annual value, period, basis (gross/net), care covered, caveats and seed citation.

    CONDITION filters by condition id (e.g. copd, diabetes, mus).
    """
    import json

    from ..inputs import evidence

    try:
        records = evidence.select(condition)
    except evidence.EvidenceError as exc:
        _exit_with(exc.problems)
    if fmt == "json":
        text = json.dumps(evidence.to_json(records), indent=2, ensure_ascii=False) + "\n"
    else:
        text = evidence.format_table(records)
        text = text if text.endswith("\n") else text + "\n"
    _emit(text, out)


