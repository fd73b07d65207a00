"""Render reports: jinja2 templates -> HTML -> PDF (WeasyPrint), written atomically.

* jinja2 with ``autoescape=True`` (user text from YAML is escaped) and
  ``StrictUndefined`` (a missing value is an error, not an empty string).
* WeasyPrint with ``pdf_variant="pdf/ua-1"`` (tagged PDF, title and language in the
  metadata) and :class:`~modeller.outputs.reports.fetcher.PackageFetcher`, which serves only the
  templates directory and ``data:`` URIs.
* ``SOURCE_DATE_EPOCH`` is derived from the results hash for the render call (and the
  environment restored afterwards), so the same inputs give byte-identical PDFs.
* The PDF is rendered to memory first, then written to a temporary file in the target
  directory and moved into place with :func:`os.replace`: a failed render leaves an
  existing report untouched.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from pathlib import Path
from typing import Iterator

from modeller.inputs.pdfset import MANIFEST_ATTACHMENT, SET_ATTACHMENT
from modeller.outputs.files import write_atomic
from modeller.outputs.reports import formatting, wording
from modeller.outputs.reports.context import KINDS, ONE_PAGE, TEMPLATES, build_context

FILENAMES = {kind: f"{kind}.pdf" for kind in KINDS}


class ReportError(Exception):
    """A report could not be rendered (bad template data or a refused resource)."""


def templates_dir() -> Path:
    """The templates directory: bundled in the wheel, else the repository's top level."""
    from modeller.inputs.bundled import bundled_dir

    return bundled_dir("templates")


@functools.lru_cache(maxsize=4)
def _environment(root: str):
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(formatting.FILTERS)
    return env


def environment():
    """The jinja2 environment for the templates directory (cached)."""
    return _environment(str(templates_dir()))


def render_html(kind: str, bundle: dict, compact: int = 0) -> str:
    """Return the report ``kind`` as an HTML string (for PDF rendering or preview).

    ``compact`` (0-2) is the tightening level for one-page reports.
    """
    context = build_context(kind, bundle, compact=compact)
    html = environment().get_template(TEMPLATES[kind]).render(**context)
    return wording.glossary_in_use(html)


def source_date_epoch(results: dict) -> int:
    """A fixed timestamp derived from the results hash, not the clock. [seconds]

    Maps the hash onto 2000-01-01 .. ~2033 so dates stay plausible if a viewer shows them.
    """
    key = str(results.get("hash") or "") or hashlib.sha256(
        repr(sorted(results.items())).encode()).hexdigest()
    digest = hashlib.sha256(key.encode()).digest()
    return 946_684_800 + int.from_bytes(digest[:4], "big") % 1_000_000_000


@contextlib.contextmanager
def _env_var(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def _pdf_and_html(kind: str, bundle: dict, fetcher=None, **options) -> tuple[bytes, str]:
    """Render to PDF bytes; one-page reports are re-laid out tighter if they overflow.

    Returns the PDF and the HTML it was made from (the last compaction level tried).
    """
    levels = (0, 1, 2) if kind in ONE_PAGE else (0,)
    epoch, inputs = source_date_epoch(bundle["results"]), bundle.get("inputs") or {}
    with _rendering(epoch):
        for level in levels:
            html = render_html(kind, bundle, compact=level)
            document = _layout(html, fetcher, options)
            if len(document.pages) == 1:
                break
        return _write(document, inputs, epoch, fetcher, options), html


def pdf_from_html(html: str, epoch: int, inputs: dict, fetcher=None, **options) -> bytes:
    """The PDF of a report's final HTML (:func:`render_html`), laid out once, with the
    sets ``inputs`` attached and dated ``epoch`` (:func:`source_date_epoch`): the same
    bytes as :func:`pdf_bytes` for a report that is not fitted to one page. A build
    sends the business case's HTML to the child that lays it out, so the templating runs
    in the main process while the child imports WeasyPrint (issue 11)."""
    with _rendering(epoch):
        return _write(_layout(html, fetcher, options), inputs, epoch, fetcher, options)


def pdf_in_child(html: str, epoch: int, inputs: dict) -> bytes:
    """:func:`pdf_from_html` as the build's job for its forked child
    (:mod:`modeller.outputs.parallel`): there the fonts are then released
    (:func:`release_fonts`), since a child leaving with ``os._exit`` never collects
    them. Run in this process instead (one CPU, threads running), the fonts stay: other
    threads may be rendering with them."""
    from modeller.outputs.parallel import in_child

    try:
        return pdf_from_html(html, epoch, inputs)
    finally:
        if in_child():
            release_fonts()


def release_fonts() -> None:
    """Delete the copies of the bundled fonts WeasyPrint made for this process's reports.

    WeasyPrint copies each ``@font-face`` font into a temporary folder of its font
    configuration and removes the folder when the configuration is collected; a forked
    child leaving with ``os._exit`` never collects it, and left 1.5 MB in the temporary
    directory per build. The next report loads the fonts again. Only for a process no
    other thread renders in: their fonts would go from under them."""
    resources = _RESOURCES.pop(os.getpid(), None)  # this process's own, never a parent's
    if resources:
        resources["fonts"].__del__()  # WeasyPrint's own clean-up: removes the folder


@contextlib.contextmanager
def _rendering(epoch: int) -> Iterator[None]:
    """WeasyPrint dates the PDF from ``SOURCE_DATE_EPOCH``; a refused resource stops the
    render as a :class:`ReportError`."""
    from weasyprint.urls import FatalURLFetchingError

    try:
        with _env_var("SOURCE_DATE_EPOCH", str(epoch)):
            yield
    except FatalURLFetchingError as error:
        raise ReportError(f"report rendering stopped: {error.__cause__ or error}") from error


def _layout(html: str, fetcher, options: dict):
    """Lay out ``html`` as a tagged PDF/UA-1 document, fetching only package files."""
    import weasyprint

    from modeller.outputs.reports.fetcher import PackageFetcher

    root = templates_dir()
    shared = _shared_resources()
    return weasyprint.HTML(
        string=html, base_url=root.as_uri() + "/",
        url_fetcher=fetcher or PackageFetcher(root),
    ).render(pdf_variant="pdf/ua-1", font_config=shared["fonts"], cache=shared["images"],
             **options)


def _write(document, inputs: dict, epoch: int, fetcher, options: dict) -> bytes:
    """The laid-out ``document`` as PDF/UA-1 bytes, carrying ``inputs`` as attachments."""
    from modeller.outputs.reports.fetcher import PackageFetcher

    fetcher = fetcher or PackageFetcher(templates_dir())
    return document.write_pdf(pdf_variant="pdf/ua-1",
                              attachments=_attachments(inputs, epoch, fetcher), **options)


#: Each process's shared font configuration and image cache, by process id. A forked
#: child inherits its parent's entry but never uses it nor lets it go: WeasyPrint's
#: clean-up of a configuration deletes its font folder, which is the parent's.
_RESOURCES: dict[int, dict] = {}


def _shared_resources() -> dict:
    """One font configuration (the bundled @font-face fonts, loaded once) and one image
    cache for every report rendered in this process: the three PDFs of a build share
    them instead of loading the fonts three times (and up to seven with re-layouts)."""
    pid = os.getpid()
    if pid not in _RESOURCES:
        from weasyprint.text.fonts import FontConfiguration

        _RESOURCES[pid] = {"fonts": FontConfiguration(), "images": {}}
    return _RESOURCES[pid]


def _attachments(inputs: dict, epoch: int, fetcher) -> list:
    """The assumption sets the report carries (``inputs``: name -> YAML text, the
    bundle's ``inputs``), as PDF attachments dated ``epoch``, never the clock."""
    import datetime

    import weasyprint

    when = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    return [weasyprint.Attachment(string=text, name=name, url_fetcher=fetcher,
                                  description=_ATTACHMENT_DESCRIPTIONS.get(
                                      name, "A scenario set compared in this report"),
                                  created=when, modified=when, relationship="Source")
            for name, text in inputs.items()]


_ATTACHMENT_DESCRIPTIONS = {
    SET_ATTACHMENT: "The resolved assumption set this report was built from: "
                    "`modeller run REPORT.pdf` reproduces its figures",
    MANIFEST_ATTACHMENT: "How this report was built (its scenario sets and analyses): "
                         "`modeller build REPORT.pdf` builds it again",
}


def pdf_bytes(kind: str, bundle: dict, fetcher=None, **options) -> bytes:
    """Render report ``kind`` to PDF bytes. ``fetcher`` defaults to a PackageFetcher."""
    return _pdf_and_html(kind, bundle, fetcher, **options)[0]


def pdf_and_html(kind: str, bundle: dict, fetcher=None, **options) -> tuple[bytes, str]:
    """Like :func:`pdf_bytes`, also returning the HTML the PDF was rendered from."""
    return _pdf_and_html(kind, bundle, fetcher, **options)


def render_pdf(kind: str, bundle: dict, out_path: Path, fetcher=None) -> Path:
    """Render report ``kind`` ("logic-model", "business-case", "board-summary") from
    ``bundle`` to ``out_path`` atomically; create missing parent directories.

    Returns the path written. Raises :class:`ReportError` if a resource was refused,
    ``ValueError`` for an unknown kind, and jinja2's ``UndefinedError`` if the bundle
    lacks a value a template needs; in every failure an existing file is left intact.
    """
    data = pdf_bytes(kind, bundle, fetcher=fetcher)
    return write_atomic(Path(out_path), data)
