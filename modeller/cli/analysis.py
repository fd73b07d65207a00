"""The uncertainty commands: ``modeller sensitivity``, ``psa`` and ``grid``.

Registered on the group of :mod:`modeller.cli.common`. Only click and the standard library
are imported here; numpy and the analysis modules are imported inside the commands so
that ``modeller --help`` stays instant. Exit status 2 for bad input (a bad set, an
unknown parameter, a bad ``--vary``, a set without distributions for ``psa``).
"""

from __future__ import annotations

import sys
import time

import click

from ..inputs.limits import DEFAULT_SEED, MAX_DRAWS, MAX_GRID_POINTS, MAX_GRID_VALUES
from .common import OUT_HELP, _emit, _fail, _load, cli

#: Show a progress bar by default when stderr is a terminal and the run is this long.
PROGRESS_DRAWS = 200_000


class ProgressBar:
    """A one-line progress bar on stderr (redrawn at most ten times a second)."""

    def __init__(self, total: int, label: str = "draws", stream=None, width: int = 30):
        self.total, self.label, self.width = total, label, width
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        filled = int(self.width * done / total)
        rate = done / max(now - self.start, 1e-9)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{done:,}/{total:,} {self.label} ({rate:,.0f}/s)")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


@cli.command()
@click.argument("file")
@click.option("--param", "params", multiple=True, metavar="PATH",
              help="Vary only this parameter (dotted path, e.g. "
              "outcomes.recovery_rate); repeat for several. Default: every one.")
@click.option("--default-range", type=click.FloatRange(0, 1, min_open=True),
              default=0.2, show_default=True,
              help="Relative move (-/+) for parameters without a declared range.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]),
              default="table", show_default=True,
              help="table for people; json (every figure, unrounded) for tools.")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), help=OUT_HELP)
def sensitivity(file, params, default_range, fmt, out) -> None:
    """One-way sensitivity (tornado of NPV) and exact break-even thresholds.

    Each parameter moves to its declared `range: [low, high]`, else -/+20% of its
    value (--default-range), clipped to allowed values. Thresholds: the recovery
    rate, saving factor, benefit months and cost per person at which NPV (within
    the horizon) and the lifetime net are zero.
    """
    from .. import api
    from ..analyses import sensitivity as sens
    from ..outputs import text as render
    from ..outputs.analysis_text import sensitivity_table

    (loaded,) = _load([file])
    try:
        result = api.sensitivity(loaded, params or None, default_range)
    except sens.UnknownParameter as exc:
        _fail(str(exc))
    text = (render.to_json(result) if fmt == "json"
            else sensitivity_table(result, loaded.spec.currency))
    _emit(text, out)

@cli.command()
@click.argument("file")
@click.option("--draws", type=click.IntRange(1, MAX_DRAWS), default=10_000,
              show_default=True, help=f"Number of draws (at most {MAX_DRAWS:,}, "
              "checked before anything is allocated).")
@click.option("--seed", type=click.IntRange(0), default=DEFAULT_SEED, show_default=True,
              help="Random seed: the same seed gives the same result.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]),
              default="table", show_default=True,
              help="table for people; json (every summary, unrounded) for tools.")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), help=OUT_HELP)
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: on a terminal, for runs of "
              f"{PROGRESS_DRAWS:,} draws or more).")
def psa(file, draws, seed, fmt, out, progress) -> None:
    """Probabilistic sensitivity analysis over the distributions in the set.

    Parameters without a `distribution` stay fixed; a set with none is an error
    (exit 2). Reports mean and 5th/50th/95th percentiles of the headline figures,
    the probability of a positive NPV and lifetime net, the probability of having
    broken even by each year, and the parameters driving the variance.
    """
    from .. import api
    from ..analyses import psa as psa_module
    from ..outputs import text as render
    from ..outputs.analysis_text import psa_table

    (loaded,) = _load([file])
    if progress is None:
        progress = sys.stderr.isatty() and draws >= PROGRESS_DRAWS
    bar = ProgressBar(draws) if progress else None
    try:
        result = api.psa(loaded, draws, seed, progress=bar)
    except psa_module.NoDistributions as exc:
        _fail(str(exc))
    text = (render.to_json(result) if fmt == "json"
            else psa_table(result, loaded.spec.currency))
    _emit(text, out)

@cli.command()
@click.argument("file")
@click.option("--vary", "varies", multiple=True, required=True,
              metavar="PATH=VALUES",
              help="A parameter and its values: low:high:step (inclusive), a comma "
              "list, or one number; repeat for each parameter. At most "
              f"{MAX_GRID_VALUES:,} values per parameter and {MAX_GRID_POINTS:,} "
              "combinations, checked before any is evaluated.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True, help="csv: one row per combination; json: the same "
              "rows with the set's hash.")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True), help=OUT_HELP)
def grid(file, varies, fmt, out) -> None:
    """Evaluate every combination of the varied parameters (a scenario grid).

    Example: --vary outcomes.recovery_rate=0.4:0.6:0.05
    --vary costs.per_person_entering=600,650,700. Writes one row per
    combination: the varied values, then the headline figures.
    """
    from .. import api
    from ..analyses import grid as grid_module
    from ..outputs import text as render
    from ..outputs.analysis_text import grid_csv

    (loaded,) = _load([file])
    try:
        result = api.grid_result(loaded, list(varies))
    except grid_module.VaryError as exc:
        _fail(str(exc))
    result["hash"] = loaded.hash
    text = render.to_json(result) if fmt == "json" else grid_csv(result)
    _emit(text, out)
