"""Write a whole build: the JSON, CSV and text of one run, the analyses it asked for,
the three PDF reports and the Excel workbook, into one output folder.

The caller (the Python API, and through it the CLI and the web app) runs the model
and the analyses and assembles the report bundle; this module only renders and
writes. Everything is rendered in memory first, then written into a fresh folder that
replaces the previous build whole (:func:`~modeller.outputs.files.replace_folder`): the
folder holds the complete old build or the complete new one, and never the outputs of an
analysis this build did not run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from . import text
from .files import check_folder, replace_folder
from .parallel import Worker

#: Every file a build may write; a folder holding anything else is not replaced.
BUILD_FILES = {"results.json", "by_year.csv", "by_condition.csv", "summary.txt",
               "sensitivity.json", "psa.json", "grid.csv", "logic-model.pdf",
               "business-case.pdf", "board-summary.pdf"}


def allowed_files(target: Path) -> set[str]:
    """:data:`BUILD_FILES` and the folder's Excel workbook, ``<folder name>.xlsx``."""
    return BUILD_FILES | {f"{Path(target).name}.xlsx"}


def check_target(target: Path) -> None:
    """Refuse, before any work, a build folder that :func:`write_build` would refuse."""
    check_folder(Path(target), allowed_files(target))


def write_build(target: Path, results: dict, bundle: dict,
                workbook: bytes | Callable[[], bytes] | None = None,
                worker: Worker | None = None) -> list[Path]:
    """Render and write everything for one set into ``target``; return the paths.

    ``results`` is ``Results.to_dict()``; ``bundle`` is the report bundle, with the
    optional ``sensitivity``, ``psa`` and ``grid`` analyses the build asked for;
    ``workbook`` (the .xlsx bytes, or a function making them, run while the business
    case renders) is written as ``<folder name>.xlsx``.

    The business case, the longest render by far, is laid out by ``worker`` (a forked
    child, :mod:`modeller.outputs.parallel`; one is started here if none is given) from
    the HTML made here, while this process renders everything else; the bytes are the
    same as a serial build's and as :func:`~modeller.outputs.reports.pdf_bytes`'.
    """
    from .reports import FILENAMES, KINDS, pdf_bytes, render_html, source_date_epoch
    from .reports.pdf import pdf_in_child

    longest = "business-case"
    worker = worker or Worker()
    try:  # the child ends whatever fails here (closing twice is harmless)
        # The HTML is made here, so the child only lays it out: its templating then runs
        # while the child is still importing WeasyPrint.
        worker.submit(pdf_in_child, render_html(longest, bundle),
                      source_date_epoch(bundle["results"]), bundle.get("inputs") or {})
        files: dict[str, bytes | str] = {
            "results.json": text.to_json(results),
            "by_year.csv": text.by_year_csv(results),
            "by_condition.csv": text.by_condition_csv(results),
            "summary.txt": text.table(results),
        }
        for key in ("sensitivity", "psa"):
            if key in bundle:
                files[f"{key}.json"] = text.to_json(bundle[key])
        if "grid" in bundle:
            from .analysis_text import grid_csv

            files["grid.csv"] = grid_csv(bundle["grid"])
        pdfs = {kind: pdf_bytes(kind, bundle) for kind in KINDS if kind != longest}
        book = workbook() if callable(workbook) else workbook
        pdfs[longest] = worker.result()
    finally:
        worker.close()  # ends a child whose result is no longer wanted
    for kind in KINDS:
        files[FILENAMES[kind]] = pdfs[kind]
    if book is not None:
        files[f"{Path(target).name}.xlsx"] = book
    return replace_folder(Path(target), files, allowed_files(target))
