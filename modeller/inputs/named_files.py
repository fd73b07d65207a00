"""Which files an assumption set may name, and reading them without leaking them.

``extends:`` names a bundled set (``national-faq-2017``), or a file ending ``.yaml`` or
``.yml`` relative to the set (never, for an upload). A named file whose name, or the
name of the file a symlink leads to, does not end so, or that is not an assumption set
(no ``schema_version`` at its top), is refused by its name alone: nothing from inside it
is reported, since a hostile set may name any file of the machine. Reading itself is
bounded by :func:`modeller.inputs.yamlsource.read_text` and
:func:`~modeller.inputs.yamlsource.parse`. The package's own files (the bundled sets)
are trusted and may name each other by relative path.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from .bundled import bundled_dir, bundled_sets
from .characters import escaped, shown
from .yamlsource import Located, Problem, parse, read_text


#: File names an assumption set may have (checked before a named file is opened, and
#: again on the file a symlink leads to).
SET_SUFFIXES = (".yaml", ".yml")
_SCHEMA_LINE = re.compile(r"^schema_version[ \t]*:", re.MULTILINE)
NOT_A_SET = ("not an assumption set: it must be a mapping of keys with `schema_version: 1` "
             "at its top level (nothing from the file is shown)")


def trusted(path: Path) -> bool:
    """A file of the package itself (the bundled sets), after following symlinks."""
    root = bundled_dir("assumptions").resolve()
    return root in Path(os.path.realpath(path)).parents


def _set_name_problem(path: Path) -> str | None:
    """Why ``path`` cannot be an assumption set, judged by its name alone."""
    if "\x00" in str(path):
        return "not a file name (it holds a NUL character)"
    if path.suffix.lower() not in SET_SUFFIXES:
        return "not an assumption set: its name does not end in .yaml or .yml"
    real = Path(os.path.realpath(path))
    if real.suffix.lower() not in SET_SUFFIXES:
        return ("not an assumption set: it is a link to a file whose name does not end "
                "in .yaml or .yml")
    return None


def parse_set(text: str, file: str, problems: list[Problem]) -> Located | None:
    """Parse ``text`` as an assumption set. Text that is not one (no ``schema_version``
    at its top) is refused by its name alone: none of its problems, keys or values is
    reported, since it may be any file a hostile set named."""
    located, found = parse(text, file)
    if located is not None:
        is_set = isinstance(located.data, dict) and "schema_version" in located.data
    else:
        is_set = bool(_SCHEMA_LINE.search(text)) or not text.strip()
    if not is_set:
        problems.append(Problem(file, None, "", NOT_A_SET))
        return None
    problems.extend(found)
    return located


def read_set(path: Path, problems: list[Problem]) -> Located | None:
    """Read the assumption set at ``path`` (after :func:`_set_name_problem` and
    :func:`~modeller.inputs.yamlsource.read_text`'s checks)."""
    refused = _set_name_problem(path)
    if refused:
        problems.append(Problem(str(path), None, "", refused))
        return None
    text, found = read_text(path)
    if text is None:
        problems.extend(found)
        return None
    return parse_set(text, str(path), problems)


def parent_of(ref: Any, path: Path | None, line: int | None, file: str,
            bundled_only: bool, problems: list[Problem]) -> Path | None:
    """The file an ``extends:`` names, or None (with the problem recorded).

    A reference ending in ``.yaml``/``.yml`` is a path relative to the file that names
    it; anything else is the name of a bundled set (``national-faq-2017``,
    ``scenarios/optimistic``), reachable from anywhere. With ``bundled_only`` (uploads)
    only bundled names are allowed.
    """
    names = ", ".join(sorted(bundled_sets()))
    if not isinstance(ref, str) or not ref.strip():
        problems.append(Problem(file, line, "extends", "must be the name of a bundled "
                                f"set ({names}) or the path of a base set relative to "
                                "this file"))
        return None
    if ref.endswith(SET_SUFFIXES):
        if bundled_only:
            problems.append(Problem(file, line, "extends", f"{shown(ref)}: an uploaded "
                                    f"set may extend a bundled set by name only ({names})"))
            return None
        folder = path.parent if path is not None else Path(".")
        parent = Path(os.path.abspath(folder / ref))
        if not os.path.lexists(parent):
            problems.append(Problem(file, line, "extends", f"{shown(ref)}: no such file "
                                    f"({escaped(str(parent))}); give a path relative to "
                                    f"{escaped(str(folder))}, or a bundled set by name "
                                    f"({names})"))
            return None
        return parent
    sets = bundled_sets()
    if ref not in sets:
        problems.append(Problem(file, line, "extends", f"{shown(ref)}: no bundled set of "
                                f"that name (bundled: {names}); a file is named with its "
                                ".yaml ending, relative to this file"))
        return None
    return sets[ref]
