"""Read the assumption set a report PDF carries as an attachment.

Every PDF report embeds the resolved assumption set it was built from (and any scenario
sets) as PDF file attachments (see :mod:`modeller.outputs.reports.pdf`), so that
``modeller run REPORT.pdf`` (and ``validate``, ``resolve``, ``build``) reproduce the
same hash and figures years later from the PDF alone. The loader calls
:func:`parse_pdf` when it is given a PDF instead of YAML.

A PDF is untrusted input: the file is size-checked before it is parsed, the attachment
is size-checked before it is decoded, any failure of the PDF library becomes one
:class:`~modeller.inputs.yamlsource.Problem` (never a traceback), and no content of the
file is echoed in a message. pypdf is imported only here, only when a PDF is read.
"""

from __future__ import annotations

from pathlib import Path

from .limits import MAX_PDF_BYTES, MAX_SET_BYTES
from .yamlsource import Located, Problem, parse

#: The attachment holding the report's own (resolved) assumption set.
SET_ATTACHMENT = "assumption-set.yaml"
#: Scenario sets compared in the report: ``scenario-1.yaml``, ``scenario-2.yaml`` ...
SCENARIO_PREFIX = "scenario-"
#: How the report was built (:mod:`modeller.inputs.embedded`).
MANIFEST_ATTACHMENT = "build.yaml"


def is_pdf(path: Path) -> bool:
    """True for a regular file named ``*.pdf`` that starts with the signature ``%PDF-``."""
    try:
        if path.suffix.lower() != ".pdf" or not path.is_file():
            return False
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False


def attachments(path: Path) -> tuple[dict[str, bytes], list[Problem]]:
    """The report's embedded files by name, or the problems met reading them."""
    where = str(path)
    try:
        size = path.stat().st_size
    except OSError:
        return {}, [Problem(where, None, "", "cannot read the file")]
    if size > MAX_PDF_BYTES:
        return {}, [Problem(where, None, "", f"the PDF is {size:,} bytes; a report PDF "
                            f"read for its assumption set may be at most "
                            f"{MAX_PDF_BYTES:,} bytes")]
    import logging

    # pypdf logs what it repairs in a damaged file; the one problem below says enough.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(path), strict=False)
        found = {}
        for name, contents in (reader.attachments or {}).items():
            if not (name in (SET_ATTACHMENT, MANIFEST_ATTACHMENT)
                    or name.startswith(SCENARIO_PREFIX)):
                continue
            data = contents[0] if contents else b""
            if len(data) > MAX_SET_BYTES:
                return {}, [Problem(where, None, "", f"the embedded file {name!r} is larger "
                                    f"than {MAX_SET_BYTES:,} bytes")]
            found[name] = data
    except Exception:  # noqa: BLE001 - any failure of the PDF library on hostile input
        return {}, [Problem(where, None, "", "not a readable PDF report (the file could "
                            "not be parsed as a PDF)")]
    return found, []


def parse_pdf(path: Path, attachment: str = SET_ATTACHMENT
              ) -> tuple[Located | None, list[Problem]]:
    """Parse the set embedded in the report PDF ``path`` (as :func:`yamlsource.parse`).

    Problems name the PDF and the attachment (``REPORT.pdf (assumption-set.yaml)``)
    and, for YAML problems, the line in the embedded file.
    """
    files, problems = attachments(path)
    if problems:
        return None, problems
    return parse_attachment(files, path, attachment)


def parse_attachment(files: dict[str, bytes], path: Path, attachment: str
                     ) -> tuple[Located | None, list[Problem]]:
    """Parse the set ``attachment`` of ``files`` (:func:`attachments` of the PDF
    ``path``); it must be self-contained (no ``extends``, no ``evidence_library``)."""
    if attachment not in files:
        what = ("assumption set" if attachment == SET_ATTACHMENT else "scenario set")
        return None, [Problem(str(path), None, "", f"this PDF carries no embedded "
                              f"{what} ({attachment}); only reports written by "
                              f"iapt-ltc-modeller 0.1 or later carry one")]
    label = f"{path} ({attachment})"
    try:
        text = files[attachment].decode("utf-8")
    except UnicodeDecodeError:
        return None, [Problem(label, None, "", "the embedded set is not UTF-8 text")]
    located, problems = parse(text, label)
    if located is not None and isinstance(located.data, dict):
        for key in ("extends", "evidence_library"):
            if key in located.data:
                line = located.lines.get((key,), (label, None))[1]
                problems.append(Problem(label, line, key, "a set embedded in a PDF must be "
                                        "resolved (self-contained): it cannot name other "
                                        "files"))
        if problems:
            return None, problems
    return located, problems
