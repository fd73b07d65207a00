"""Board-ready PDF reports: logic model, business case and board summary.

Public API::

    render_pdf(kind, bundle, out_path) -> Path     # atomic write, creates parent dirs
    render_html(kind, bundle) -> str
    KINDS = ("logic-model", "business-case", "board-summary")

``bundle`` is plain data::

    {"results": <modeller run --format json>,
     "assumption_rows": [{"field", "value", "unit", "source", "note"}, ...],
     "description": str | None,
     "scenarios": [<results>, ...]}          # optional; compared when >= 2

Templates never compute money; see :mod:`modeller.outputs.reports.context`. Importing this
package does not import WeasyPrint (it loads on first render), but the CLI
should still import it inside the command that needs it.
"""

from modeller.outputs.reports.context import KINDS, LABELS, build_context
from modeller.outputs.reports.pdf import (
    FILENAMES,
    ReportError,
    pdf_bytes,
    render_html,
    render_pdf,
    source_date_epoch,
    templates_dir,
)

__all__ = [
    "FILENAMES",
    "KINDS",
    "LABELS",
    "ReportError",
    "build_context",
    "pdf_bytes",
    "render_html",
    "render_pdf",
    "source_date_epoch",
    "templates_dir",
]
