"""The core commands: validate, run, compare, resolve, schema, build, report, evidence.

Each is a thin layer: load (every problem at once), compute, render, write.
"""

from __future__ import annotations


import click

from ..inputs.limits import DEFAULT_SEED, MAX_DRAWS, MAX_GRID_POINTS, MAX_REPORT_SEED
from ..outputs.cells import terminal
from ..outputs.text import CSV_TABLES
from .common import FORMATS, OUT_HELP, _emit, _emit_bytes, _exit_with, _load, _warn, cli


@cli.command()
@click.argument("files", nargs=-1, required=True)
def validate(files) -> None:
    """Check assumption sets: every problem in every file, with file and line."""
    for item in _load(files):
        click.echo(terminal(f"ok: {item.file} ({item.spec.name}, sha256 {item.hash})"))


@cli.command()
@click.argument("file")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
              help="table for people; json (the stable contract, `modeller schema "
              "--results`) or csv (one table, chosen with --table) for tools.")
@click.option("--table", "table_name", type=click.Choice(list(CSV_TABLES)),
              default=None, help="With --format csv: which table to print "
              "[default: by_year].")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), help=OUT_HELP)
def run(file, fmt, table_name, out) -> None:
    """Run the cost-offset model on one assumption set.

    With --format csv, --table picks one table: by_year (default), by_condition,
    by_budget_holder, by_budget_holder_year, by_care_category, by_month (cumulative
    cost and savings at each month's end) or cost_lines.
    """
    from .. import api
    from ..outputs import text as render

    if table_name and fmt != "csv":
        raise click.UsageError("--table chooses a CSV table; add --format csv")
    (loaded,) = _load([file])
    d = api.run(loaded).to_dict()
    if fmt == "csv":
        text = render.table_csv(d, table_name or "by_year")
    else:
        text = {"table": render.table, "json": render.to_json}[fmt](d)
    _emit(text, out)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
              help="table for people; json (headlines, differences and every run's "
              "full results) or csv (the headline figures) for tools.")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), help=OUT_HELP)
def compare(files, fmt, out) -> None:
    """Compare scenarios side by side, with differences from the first."""
    from .. import api
    from ..outputs import text as render

    if len(files) < 2:
        raise click.UsageError("compare needs at least two assumption sets")
    runs = [api.run(item).to_dict() for item in _load(files)]
    c = render.compare_dict(runs)
    text = {"table": render.compare_table, "json": render.to_json,
            "csv": render.compare_csv}[fmt](c)
    _emit(text, out)


@cli.command()
@click.argument("file")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), help=OUT_HELP)
def resolve(file, out) -> None:
    """Print the fully merged set (extends resolved) as YAML, with its hash.

    The output is itself a valid set that validates, runs and hashes the same from
    any folder (local evidence_library folders are written as absolute paths).
    """
    (loaded,) = _load([file], show_warnings=False)
    _emit(loaded.to_yaml(), out)


@cli.command()
@click.option("--results", "of_results", is_flag=True,
              help="The schema of the JSON results (`modeller run --format json`) "
              "instead of an assumption set's.")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), help=OUT_HELP)
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
#: How `build` and `report` treat a report PDF given as FILE (their --help and docs).
EMBEDDED_HELP = ("When FILE is a report PDF, every option not given here is the one "
                 "the PDF embeds (its scenario sets and analyses, listed on standard "
                 "error as they are reused), so the same reports are built again. An "
                 "option given replaces the embedded one: any --scenario replaces all "
                 "its scenario sets, any --grid all its grids, --no-sensitivity drops "
                 "its sensitivity analysis. --no-embedded reuses only its assumption set.")


def _analysis_options(command):
    """Options shared by `build` and `report` to add analyses to the business case."""
    options = [
        click.option("--scenario", "scenarios", multiple=True, metavar="FILE",
                     help="Another set to compare with FILE (repeatable)."),
        click.option("--sensitivity/--no-sensitivity", default=False,
                     help="Add one-way sensitivity (tornado) and break-even thresholds."),
        click.option("--psa-draws", type=click.IntRange(1, MAX_DRAWS), default=None,
                     help="Add a probabilistic sensitivity analysis with N draws "
                     f"(at most {MAX_DRAWS:,}, as for `modeller psa`)."),
        click.option("--seed", type=click.IntRange(0, MAX_REPORT_SEED),
                     default=DEFAULT_SEED, show_default=True,
                     help="Random seed for --psa-draws (the same default as `modeller "
                     f"psa`; at most {MAX_REPORT_SEED:,}, as the report records it)."),
        click.option("--grid", "grid_specs", multiple=True, metavar="PATH=VALUES",
                     help="Add a scenario grid (repeatable), as for `modeller grid` "
                     f"(at most {MAX_GRID_POINTS:,} points)."),
        click.option("--embedded/--no-embedded", default=True, show_default=True,
                     help=EMBEDDED_HELP),
    ]
    for option in reversed(options):
        command = option(command)
    return command


#: CLI parameter -> option of :func:`modeller.api.build_plan`.
_PLAN_OPTIONS = {"scenarios": "scenarios", "sensitivity": "sensitivity",
                 "psa_draws": "psa_draws", "seed": "seed", "grid_specs": "grid"}


def _plan(file: str, embedded: bool, reuse_analyses: bool = True):
    """The set and options to build: those given on the command line, the rest from a
    report PDF's embedded ones (each reused one noted on stderr), else the defaults.
    (``reuse_analyses=False``: only the embedded scenario sets, for `workbook`.)"""
    from click.core import ParameterSource

    from .. import api

    ctx = click.get_current_context()
    given = {key: ctx.params[param] for param, key in _PLAN_OPTIONS.items()
             if ctx.get_parameter_source(param) not in (None, ParameterSource.DEFAULT)}
    plan = api.build_plan(file, embedded=embedded, reuse_analyses=reuse_analyses,
                          **given)
    _warn([plan.set, *plan.options["scenarios"]])
    for note in plan.notes:
        click.echo(terminal(f"note: {note}"), err=True)
    return plan


@cli.command()
@click.argument("file", default="national-faq-2017")
@click.option("--out-dir", default="reports", show_default=True,
              type=click.Path(file_okay=False),
              help="Outputs go to OUT_DIR/<slug of the set name>/, replaced whole.")
@_analysis_options
def build(file, out_dir, scenarios, sensitivity, psa_draws, seed, grid_specs,
          embedded) -> None:
    """Run a set and write everything into reports/<set name>/: the logic model,
    business case and board summary as PDF, and the JSON, CSV and text of the same run.

    Prints the path of each file written. Given a report PDF, builds the same reports
    again from what it embeds (see --embedded).

    \b
    FILE  a YAML assumption set, a bundled set's name or a report PDF
          [default: national-faq-2017]
    """
    if out_dir == "-":
        raise click.UsageError("--out-dir -: a build writes a folder of files, so it "
                               "cannot go to standard output; give a folder")
    from ..outputs.parallel import Worker

    # The child that will lay out the business case imports WeasyPrint while this
    # process imports the model and runs the set (modeller/outputs/parallel.py).
    with Worker(warm=("weasyprint", "modeller.outputs.reports")) as worker:
        from .. import api

        plan = _plan(file, embedded)
        written = api.build(plan.set, out_dir, **plan.options, _worker=worker)
    for path in written:
        click.echo(terminal(str(path)))


@cli.command()
@click.argument("kind", type=click.Choice(REPORT_KINDS))
@click.argument("file")
@click.option("-o", "--out", required=True,
              type=click.Path(dir_okay=False, allow_dash=True),
              help="The PDF to write (atomically; folders are created; an existing path "
              "must be a regular file); - for standard output.")
@_analysis_options
def report(kind, file, out, scenarios, sensitivity, psa_draws, seed, grid_specs,
           embedded) -> None:
    """Write one report (logic-model, business-case or board-summary) as PDF.

    Given a report PDF as FILE, reuses what it embeds (see --embedded)."""
    from .. import api

    plan = _plan(file, embedded)
    if out != "-":
        from ..outputs.files import check_output

        check_output(out)  # refused before any work: not a regular file
    _emit_bytes(api.report_pdf(kind, plan.set, **plan.options), out)


@cli.command("evidence")
@click.argument("condition", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table for people; json (every record key) for "
              "tools.")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), help=OUT_HELP)
def evidence_command(condition, fmt, out) -> None:
    """List the evidence library: every published figure in the seeds, with its value,
    annual value, period, basis (gross/net), care covered, caveats and source (as
    people cite it; --format json keeps the seed lines for auditors).

    CONDITION filters by condition id (e.g. copd, diabetes, mus).
    """
    from ..inputs import evidence
    from ..outputs import text as render

    try:
        records = evidence.select(condition)
    except evidence.EvidenceError as exc:
        _exit_with(exc.problems)
    if fmt == "json":
        text = render.to_json(evidence.to_json(records))
    else:
        text = evidence.format_table(records)
        text = text if text.endswith("\n") else text + "\n"
    _emit(text, out)


