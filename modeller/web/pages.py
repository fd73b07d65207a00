"""Rendering the page and its fragments with the package's jinja2 templates.

Templates live in ``modeller/web/templates/`` and autoescape everything (an uploaded
set's labels, names and sources are untrusted text). Templates never compute money:
they get headline figures, charts and comparisons from :mod:`modeller.web.views`, and
the grouped inputs from :mod:`modeller.web.forms`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from modeller import __version__

from . import forms, views
from .downloads import DOWNLOADS
from .upload import MAX_UPLOAD

TEMPLATES = Path(__file__).resolve().parent / "templates"


class Pages:
    """The page and fragments, rendered from one autoescaping environment."""

    def __init__(self) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=True, trim_blocks=True, lstrip_blocks=True,
            undefined=jinja2.StrictUndefined)
        self.env.globals.update(
            slug=forms.slug, show=forms.show, condition_slot=forms.condition_slot, unit_text=forms.unit_text,
            is_whole=forms.is_whole, downloads=list(DOWNLOADS.values()),
            version=__version__, base_field=forms.BASE_FIELD,
            max_upload=MAX_UPLOAD)

    def _render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def _form_context(self, base: Any, reading: forms.Reading | None) -> dict:
        values = reading.values if reading is not None else {}
        problems = reading.problems if reading is not None else {}
        keys = {inp.key for inp in base.inputs()}
        groups = forms.groups(base)
        slots = {g.id for g in groups} | {forms.condition_slot(cid) for g in groups
                                          for cid in g.conditions}
        general = [m for k, ms in problems.items()
                   if k not in keys and k not in slots for m in ms]
        return {"base": base, "groups": groups, "values": values, "problems": problems,
                "general_problems": general}

    def _results_context(self, base: Any, reading: forms.Reading | None,
                         results: dict | None) -> dict:
        count = reading.count() if reading is not None else 0
        current = reading.edited if reading is not None and reading.ok else base
        return {
            "results": results, "problem_count": count,
            "headlines": views.headlines(results) if results else [],
            "over": views.horizon_text(results) if results else "",
            "current_hash": current.hash if results else None,
            "summary": views.summary(results) if results else "",
            "warnings": views.plain_warnings(
                list(current.warnings),
                {**forms.GROUP_LABELS, **{i.key: i.label for i in current.inputs()}})
            if results else [],
        }

    def page(self, base: Any, reading: forms.Reading | None, results: dict | None,
             charts: list, scenarios: dict) -> str:
        """The whole page."""
        return self._render(
            "page.html", **self._form_context(base, reading),
            **self._results_context(base, reading, results), charts=charts,
            scenarios=scenarios, note="")

    def workspace(self, base: Any, reading: forms.Reading | None, results: dict | None,
                  note: str = "") -> str:
        """The form, results and charts area (after an upload or a change of
        conditions); the charts load after it."""
        return self._render(
            "workspace.html", **self._form_context(base, reading),
            **self._results_context(base, reading, results), charts=[], note=note)

    def results(self, base: Any, reading: forms.Reading, results: dict | None) -> str:
        """The results region, plus every field's problem text and the downloads'
        state swapped out of band."""
        return self._render(
            "results_update.html", **self._form_context(base, reading),
            **self._results_context(base, reading, results))

    def charts(self, charts: list) -> str:
        """The charts region."""
        return self._render("charts.html", charts=charts)

    def scenarios(self, scenarios: dict) -> str:
        """The kept scenarios and their comparison."""
        return self._render("scenarios.html", scenarios=scenarios)

    def upload_problems(self, outcome: Any) -> str:
        """What went wrong with an upload, as text with line numbers."""
        return self._render("upload_problems.html", outcome=outcome)

    def message(self, text: str) -> str:
        """A small page with one message (errors of non-htmx requests)."""
        return self._render("message.html", text=text)
