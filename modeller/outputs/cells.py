"""User text made safe for the places it is shown: spreadsheet cells and terminals.

- :func:`cell` protects a CSV (or XLSX) cell against formula injection the way
  spreadsheet exporters do (OWASP "CSV injection"): text starting with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return gets a leading apostrophe, so Excel and
  LibreOffice show it as text instead of running it. Numbers stay numbers.
- :func:`safe_text` is :func:`cell` for the Excel workbook's text cells, which also
  drop control characters that XML cannot hold and keep to what one cell holds.
- :func:`terminal` shows control characters, lone surrogates and bidi overrides as
  visible escapes (``\\x1b``), keeping tab and newline, so printed text cannot move the
  cursor, change colours or reorder a line (the reader refuses such characters in
  files; this guards text that reaches a terminal another way).

Standard library only.
"""

from __future__ import annotations

import re
from typing import Any

from ..inputs.characters import REFUSED, escaped

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """``value`` as a safe spreadsheet cell: numbers (and None, booleans) unchanged;
    text starting with one of :data:`FORMULA_START` prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def terminal(text: str) -> str:
    """``text`` with every refused character (see :mod:`modeller.inputs.characters`)
    shown as an escape; tab and newline are kept."""
    return REFUSED.sub(lambda m: escaped(m.group()), text)


#: The most characters one Excel cell holds.
MAX_CELL_CHARS = 32_767
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_text(text: object) -> str:
    """``text`` as a workbook text cell: control characters dropped, protected by
    :func:`cell`, and cut to what one Excel cell holds."""
    value = cell(_CONTROL.sub("", "" if text is None else str(text)))
    if len(value) > MAX_CELL_CHARS:
        value = value[:MAX_CELL_CHARS - 1] + "…"
    return value


__all__ = ["FORMULA_START", "MAX_CELL_CHARS", "cell", "safe_text", "terminal"]
