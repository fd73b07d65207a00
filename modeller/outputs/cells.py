"""User text made safe for the places it is shown: spreadsheet cells and terminals.

- :func:`cell` protects a CSV (or XLSX) cell against formula injection the way
  spreadsheet exporters do (OWASP "CSV injection"): text starting with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return gets a leading apostrophe, so Excel and
  LibreOffice show it as text instead of running it. Numbers stay numbers. The Excel
  workbook exporter uses the same function for every text cell it writes.
- :func:`terminal` shows control characters, lone surrogates and bidi overrides as
  visible escapes (``\\x1b``), keeping tab and newline, so printed text cannot move the
  cursor, change colours or reorder a line (the reader refuses such characters in
  files; this guards text that reaches a terminal another way).

Standard library only.
"""

from __future__ import annotations

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


__all__ = ["FORMULA_START", "cell", "terminal"]
