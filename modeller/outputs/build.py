"""Write a whole build: the JSON, CSV and text of one run, the analyses it asked for,
and the three PDF reports, into one output folder.

The caller (the Python API, and through it the CLI and the web app) runs the model
and the analyses and assembles the report bundle; this module only renders and
writes. Every file is written atomically.
"""

from __future__ import annotations

from pathlib import Path

from . import text
from .files import write_atomic


def write_build(target: Path, results: dict, bundle: dict) -> list[Path]:
    """Render and write everything for one set into ``target``; return the paths.

    ``results`` is ``Results.to_dict()``; ``bundle`` is the report bundle, with the
    optional ``sensitivity``, ``psa`` and ``grid`` analyses the build asked for.
    """
    from .reports import render_all

    written = [
        write_atomic(target / "results.json", text.to_json(results)),
        write_atomic(target / "by_year.csv", text.by_year_csv(results)),
        write_atomic(target / "by_condition.csv", text.by_condition_csv(results)),
        write_atomic(target / "summary.txt", text.table(results)),
    ]
    for key in ("sensitivity", "psa"):
        if key in bundle:
            written.append(write_atomic(target / f"{key}.json", text.to_json(bundle[key])))
    if "grid" in bundle:
        from .analysis_text import grid_csv

        written.append(write_atomic(target / "grid.csv", grid_csv(bundle["grid"])))
    written += list(render_all(bundle, target).values())
    return written
