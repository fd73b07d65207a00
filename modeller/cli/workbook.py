"""``modeller workbook``: the model of a set as an Excel workbook with live formulas."""

from __future__ import annotations

import click

from .common import _emit_bytes, _load, cli


@cli.command()
@click.argument("file")
@click.option("-o", "--out", required=True,
              type=click.Path(dir_okay=False, allow_dash=True),
              help="The .xlsx file to write (atomically; folders are created; an existing "
              "path must be a regular file); - for standard output.")
@click.option("--scenario", "scenarios", multiple=True, metavar="FILE",
              help="Another set to offer as a scenario column, chosen by the selector "
              "on the Cover sheet (repeatable; its inputs must line up with FILE's).")
def workbook(file, out, scenarios) -> None:
    """Write the model of FILE as an Excel workbook: Inputs (editable, validated,
    named), the calculation month by month as formulas, and Results with every figure
    of `modeller run --format json` as a formula of the inputs.
    """
    from .. import api

    (loaded,) = _load([file])
    others = _load(scenarios) if scenarios else []
    if out != "-":
        from ..outputs.files import check_output

        check_output(out)  # refused before any work: not a regular file
    _emit_bytes(api.workbook(loaded, scenarios=others), out)
