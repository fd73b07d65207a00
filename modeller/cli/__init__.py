"""The ``modeller`` command line: a thin front end over the package.

:data:`cli` is the click group (:mod:`modeller.cli.common`); importing this package
registers the core commands (:mod:`modeller.cli.commands`), the uncertainty commands
(:mod:`modeller.cli.analysis`) and ``new``/``help`` (:mod:`modeller.cli.starting`) on
it. ``main`` is the console-script entry point.
"""

from __future__ import annotations

from . import analysis, commands, starting, workbook  # noqa: F401  (registers the commands)
from .common import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Run the ``modeller`` command."""
    cli(prog_name="modeller")
