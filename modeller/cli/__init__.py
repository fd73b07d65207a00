"""The ``modeller`` command line: a thin front end over the package.

:data:`cli` is the click group (:mod:`modeller.cli.common`); importing this package
registers the core commands (:mod:`modeller.cli.commands`), the uncertainty commands
(:mod:`modeller.cli.analysis`), ``new``/``help`` (:mod:`modeller.cli.starting`) and
the web app (:mod:`modeller.cli.serve`) and the Excel workbook
(:mod:`modeller.cli.workbook`) on it. ``main`` is the console-script entry point.
"""

from __future__ import annotations

from . import analysis, commands, serve, starting, workbook  # noqa: F401 (registers)
from .common import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Run the ``modeller`` command."""
    cli(prog_name="modeller")
