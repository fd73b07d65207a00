"""The ``modeller`` command group and the helpers every command shares.

Exit status: 0 success, 2 bad input (every problem listed, one per line, on stderr),
1 unexpected failure (a short message; the traceback only with ``--debug``).
Warnings go to stderr so stdout stays valid JSON or CSV. Heavy libraries are imported
inside the commands that need them, so ``modeller --help`` starts instantly.

Commands live in :mod:`modeller.cli.commands` and :mod:`modeller.cli.analysis`; each
registers itself on :data:`cli` here, which imports neither of them back.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import __version__

FORMATS = click.Choice(["table", "json", "csv"])


class _Group(click.Group):
    """Turns unexpected exceptions into a one-line error and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort,
                KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - last-resort handler
            if ctx.params.get("debug"):
                raise
            click.echo(f"error: {type(exc).__name__}: {exc} (run with --debug for the "
                       "traceback)", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="modeller")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
def cli(debug: bool) -> None:
    """IAPT-LTC cost-offset modeller: validate assumption sets, run the model, compare
    scenarios and build business-case reports.

    FILE is a YAML assumption set, or the name of a bundled set (national-faq-2017,
    example-area, national-faq-2017-psa, scenarios/optimistic, scenarios/pessimistic).
    """


def _exit_with(problems) -> None:
    """Print every problem, one per line, on stderr and exit with status 2."""
    for problem in problems:
        click.echo(problem.format(), err=True)
    click.echo(f"{len(problems)} problem(s) found; nothing was run.", err=True)
    sys.exit(2)


def _fail(message: str) -> None:
    """Print one error on stderr and exit with status 2 (bad input)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _load(files, *, show_warnings: bool = True):
    """Load every file; on problems print them all and exit 2."""
    from .. import api

    loaded, problems = [], []
    for file in files:
        try:
            loaded.append(api.load(file))
        except api.InputError as exc:
            problems.extend(exc.problems)
    if problems:
        _exit_with(problems)
    if show_warnings:
        for item in loaded:
            for warning in item.warnings:
                click.echo(f"warning: {Path(item.file).name}: {warning}", err=True)
    return loaded


def _emit(text: str, out: str | None) -> None:
    if out:
        from ..outputs.files import write_atomic

        path = write_atomic(out, text)
        click.echo(f"wrote {path}", err=True)
    else:
        click.echo(text, nl=False)


