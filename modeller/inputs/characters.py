"""Which characters user text may hold, and how to show text that holds others.

A set's text ends up on terminals, in CSV and spreadsheet cells and in PDFs. Control
characters (C0 and C1, including ESC, which starts terminal escape sequences), lone
surrogates (not text at all: they cannot be written as UTF-8), Unicode
non-characters and the bidirectional overrides that make text display in another order
than it reads ("Trojan Source") are refused when a file is read; tab and newline are
the only controls allowed. :func:`escaped` shows any such character as a visible escape
(``\\x1b``), for the terminal and error messages, in case text reaches them another way.
Standard library only.
"""

from __future__ import annotations

import re

#: Characters refused in any text a user writes (tab and newline are allowed).
REFUSED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069"
    "\ufffe\uffff]")
#: The same, applied to raw file text: CR is a line break there, and a leading BOM is
#: allowed (it marks UTF-8).
REFUSED_IN_FILE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069"
    "\ufffe\uffff]")
_SHOW = re.compile(REFUSED.pattern[:-1] + "\t\n\r]")


def describe(ch: str) -> str:
    """``U+001B`` for one character."""
    return f"U+{ord(ch):04X}"


def first_refused(text: str, pattern: re.Pattern = REFUSED) -> tuple[int, str] | None:
    """(offset, character) of the first refused character in ``text``, or None."""
    m = pattern.search(text)
    return (m.start(), m.group()) if m else None


def escaped(text: str) -> str:
    """``text`` with every control, surrogate or bidi character shown as an escape
    (``\\x1b``, ``\\n``, ``\\u202e``), so printing it cannot move the cursor, change
    colours or reorder what a terminal shows."""
    def show(m: re.Match) -> str:
        ch = m.group()
        if ch in "\t\n\r":
            return {"\t": "\\t", "\n": "\\n", "\r": "\\r"}[ch]
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return _SHOW.sub(show, text)


def shown(value: object, limit: int | None = None) -> str:
    """A user's value as an error message shows it: ``repr``-like, escaped and cut to
    ``limit`` characters (default :data:`~modeller.inputs.limits.MAX_SHOWN_CHARS`)."""
    from .limits import MAX_SHOWN_CHARS

    limit = limit or MAX_SHOWN_CHARS
    text = f"'{escaped(value)}'" if isinstance(value, str) else escaped(repr(value))
    return text if len(text) <= limit else text[:limit - 3] + "..."
