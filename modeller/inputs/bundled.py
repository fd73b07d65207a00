"""Where the package's bundled files live, installed or in a checkout.

In a wheel, ``assumptions/``, ``templates/`` and ``docs/`` (for ``modeller help``) are
copied to ``modeller/_bundled/`` (see ``pyproject.toml``); in a source checkout they sit
beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def bundled_dir(name: str) -> Path:
    """The bundled ``assumptions``, ``templates`` or ``docs`` directory."""
    installed = _PACKAGE / "_bundled" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def bundled_sets() -> dict[str, Path]:
    """Bundled assumption sets by name: the file stem, and ``scenarios/<stem>`` for the
    scenario sets (the evidence library and conversion tables are not sets)."""
    root = bundled_dir("assumptions")
    sets = {p.stem: p for p in sorted(root.glob("*.yaml"))}
    sets.update({f"scenarios/{p.stem}": p for p in sorted((root / "scenarios").glob("*.yaml"))})
    return sets


def find_set(ref: str | Path) -> Path:
    """A path as given, or, when no such file exists, the bundled set of that name
    (``national-faq-2017``, ``scenarios/optimistic``; the ``.yaml`` is optional)."""
    path = Path(ref)
    try:
        if path.exists() or path.is_absolute():
            return path
        root = bundled_dir("assumptions").resolve()
        name = str(ref) if str(ref).endswith(".yaml") else f"{ref}.yaml"
        candidate = (root / name).resolve()
        if candidate.is_file() and root in candidate.parents:
            return candidate
    except (OSError, ValueError):  # a name too long, or holding NUL: reading says so
        pass
    return path
