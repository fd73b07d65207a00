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
from ..outputs.cells import terminal

FORMATS = click.Choice(["table", "json", "csv"])
#: Help of every ``--out`` option.
OUT_HELP = ("Write here (atomically; an existing path must be a regular file) instead of "
            "standard output; - is standard output.")


def _one_line(text: str, limit: int = 300) -> str:
    line = terminal(" ".join(str(text).split()))
    return line if len(line) <= limit else line[:limit - 3] + "..."


def _silence() -> None:
    """Send further output to /dev/null (after the reader of a pipe went away)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):
            pass


class _Group(click.Group):
    """Exit status 2 for every bad input or request, 1 for a defect of the tool.

    Bad input (:class:`~modeller.inputs.loader.AssumptionsError`), a refused request
    (:class:`~modeller.inputs.limits.RequestError`: over a limit, a set without
    distributions, an unknown parameter, a bad ``--vary``), an output path that is not
    a regular file (:class:`~modeller.outputs.files.OutputError`) and a file that cannot
    be read or written (``OSError``) print their message and exit 2. Anything else is a
    defect: one line, exit 1, the traceback only with ``--debug``. No Python exception
    class name is shown.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort,
                KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - classified below
            # Imported only now, so that `modeller CMD --help` stays light.
            from ..inputs.limits import RequestError
            from ..inputs.loader import AssumptionsError
            from ..outputs.files import OutputError

            if isinstance(exc, BrokenPipeError):
                # Whoever read our output stopped (`| head`): stop quietly.
                _silence()
                ctx.exit(2)
            if isinstance(exc, AssumptionsError):
                _exit_with(exc.all_problems)
            if isinstance(exc, (RequestError, OutputError)):
                click.echo(f"error: {_one_line(str(exc), 2000)}", err=True)
                ctx.exit(2)
            if ctx.params.get("debug"):
                raise
            if isinstance(exc, OSError):
                where = f"{_one_line(str(exc.filename))}: " if exc.filename else ""
                click.echo(f"error: {where}"
                           f"{exc.strerror or 'input/output error'}", err=True)
                ctx.exit(2)
            click.echo("error: modeller failed unexpectedly (a defect in the tool; "
                       f"please report it): {_one_line(str(exc)) or 'no message'} "
                       "(run with --debug for the traceback)", err=True)
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
    """Print every problem (at most MAX_PROBLEMS, then how many more), one per line, on
    stderr and exit with status 2."""
    from ..inputs.yamlsource import capped

    problems = list(problems)
    listed = capped(problems)
    try:
        for problem in listed:
            click.echo(problem.format(), err=True)
        click.echo(f"{len(problems):,} problem(s) found; nothing was run.", err=True)
    except BrokenPipeError:
        _silence()
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
            problems.extend(exc.all_problems)
    if problems:
        _exit_with(problems)
    if show_warnings:
        _warn(loaded)
    return loaded


def _warn(sets) -> None:
    """Print each set's warnings on stderr, one line each, after its file's name."""
    for item in sets:
        for warning in item.warnings:
            click.echo(terminal(f"warning: {Path(item.file).name}: {warning}"), err=True)


#: ``--out -`` (or no ``--out``) writes to standard output.
STDOUT = "-"


def _emit(text: str, out: str | None) -> None:
    """Write ``text`` to ``out`` atomically, or to standard output (``-`` or None) with
    control characters shown as escapes."""
    if out and out != STDOUT:
        from ..outputs.files import write_atomic

        path = write_atomic(out, text)
        click.echo(terminal(f"wrote {path}"), err=True)
    else:
        click.echo(terminal(text), nl=False)


def _emit_bytes(data: bytes, out: str) -> None:
    """Write binary ``data`` (a PDF, a workbook) to ``out`` atomically, or to standard
    output for ``-`` (for piping; refused when standard output is a terminal)."""
    if out == STDOUT:
        sys.stdout.flush()
        stream = sys.stdout.buffer
        if stream.isatty():
            raise click.UsageError("-o -: a PDF or workbook is not written to a "
                                   "terminal; redirect standard output to a file or pipe")
        stream.write(data)
        stream.flush()
    else:
        from ..outputs.files import write_atomic

        click.echo(terminal(str(write_atomic(out, data))))
