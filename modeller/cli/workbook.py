"""``modeller workbook``: the model of a set as an Excel workbook with live formulas."""

from __future__ import annotations

import click

from .commands import _plan
from .common import _emit_bytes, cli

#: How `workbook` treats a report PDF given as FILE (its --help; docs/commands.md).
EMBEDDED_HELP = ("When FILE is a report PDF and no --scenario is given, the scenario "
                 "sets the PDF embeds are the scenario columns (each listed on standard "
                 "error as it is reused), so the workbook is the one its build wrote; any "
                 "--scenario replaces them all. --no-embedded reuses only its assumption "
                 "set.")


@cli.command()
@click.argument("file")
@click.option("-o", "--out", required=True,
              type=click.Path(dir_okay=False, allow_dash=True),
              help="The .xlsx file to write (atomically; folders are created; an existing "
              "path must be a regular file); - for standard output.")
@click.option("--scenario", "scenarios", multiple=True, metavar="FILE",
              help="Another set to offer as a scenario column, chosen by the selector "
              "on the Cover sheet (repeatable; its inputs must line up with FILE's).")
@click.option("--embedded/--no-embedded", default=True, show_default=True,
              help=EMBEDDED_HELP)
def workbook(file, out, scenarios, embedded) -> None:
    """Write the model of FILE as an Excel workbook: Inputs (editable, validated,
    named), the calculation month by month as formulas, and Results with every figure
    of `modeller run --format json` as a formula of the inputs.

    Given a report PDF, its embedded scenario sets are the scenario columns (see
    --embedded).
    """
    from .. import api

    plan = _plan(file, embedded, reuse_analyses=False)
    if out != "-":
        from ..outputs.files import check_output

        check_output(out)  # refused before any work: not a regular file
    _emit_bytes(api.workbook(plan.set, scenarios=plan.options["scenarios"]), out)
