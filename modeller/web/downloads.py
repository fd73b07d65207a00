"""The files the page offers for the current inputs, as attachments.

Each download is what the command line makes from the same set: the three PDF reports
as ``modeller build`` renders them (:func:`modeller.report_pdf`), the results JSON of
``modeller run --format json``, the resolved assumption set as YAML
(:meth:`modeller.AssumptionSet.to_yaml`; loading it again gives the same hash) and the
Excel workbook. Every response is ``Content-Disposition: attachment`` with a file name
made from the set's name, so the browser saves it rather than opening a viewer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import modeller


@dataclass(frozen=True)
class Download:
    """One kind of download: its accessible name, file suffix, media type, maker."""

    kind: str
    label: str          # the link's accessible name
    suffix: str
    media_type: str
    make: Callable[[Any], bytes]


def _pdf(kind: str) -> Callable[[Any], bytes]:
    return lambda s: modeller.report_pdf(kind, s)


def _results_json(s: Any) -> bytes:
    from modeller.outputs.text import to_json

    return to_json(modeller.run(s).to_dict()).encode("utf-8")


def _yaml(s: Any) -> bytes:
    return s.to_yaml().encode("utf-8")


PDF = "application/pdf"
DOWNLOADS: dict[str, Download] = {d.kind: d for d in [
    Download("business-case", "Business case (PDF)", "business-case.pdf", PDF,
             _pdf("business-case")),
    Download("board-summary", "Board summary (PDF)", "board-summary.pdf", PDF,
             _pdf("board-summary")),
    Download("logic-model", "Logic model (PDF)", "logic-model.pdf", PDF,
             _pdf("logic-model")),
    Download("workbook", "Workbook (Excel)", "workbook.xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             modeller.workbook),
    Download("yaml", "Assumption set (YAML)", "assumptions.yaml",
             "application/yaml", _yaml),
    Download("json", "Results (JSON)", "results.json", "application/json",
             _results_json),
]}


def filename(s: Any, download: Download) -> str:
    """``<set name>-<suffix>``, reduced to safe characters for a header."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", str(s.name)).strip("-.")[:60] or "set"
    return f"{stem}-{download.suffix}"


def headers(name: str) -> dict[str, str]:
    """Response headers that make the browser save the file as ``name``."""
    return {"Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
