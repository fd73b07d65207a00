"""Text that user files supply, made safe to put in a spreadsheet cell or CSV field.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read as a formula by Excel and LibreOffice when a CSV is opened or a cell is edited
("formula injection", OWASP: CSV Injection). :func:`safe_text` prefixes such text with
an apostrophe, the spreadsheet convention for "this is text", drops control characters
that XML cannot hold, and caps the length at what one Excel cell can hold. Every
renderer that puts a user's words (labels, sources, notes, names) into a cell uses it.
"""

from __future__ import annotations

import re

#: Characters that make a spreadsheet treat a cell's text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The most characters one Excel cell holds.
MAX_CELL_CHARS = 32_767

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_text(text: object) -> str:
    """``text`` as a string that no spreadsheet evaluates, within one cell's size."""
    value = _CONTROL.sub("", "" if text is None else str(text))
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    if len(value) > MAX_CELL_CHARS:
        value = value[:MAX_CELL_CHARS - 1] + "…"
    return value
