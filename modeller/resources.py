"""Where the package's bundled files live, installed or in a checkout.

In a wheel, ``assumptions/`` and ``templates/`` are copied to ``modeller/_bundled/``
(see ``pyproject.toml``); in a source checkout they sit beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """The bundled ``assumptions`` or ``templates`` directory."""
    installed = _PACKAGE / "_bundled" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def bundled_sets() -> dict[str, Path]:
    """Bundled assumption sets by name (file stem)."""
    return {p.stem: p for p in sorted(bundled_dir("assumptions").glob("*.yaml"))}


def find_set(ref: str | Path) -> Path:
    """A path as given, or, when no such file exists, the bundled set of that name."""
    path = Path(ref)
    if path.exists():
        return path
    sets = bundled_sets()
    name = path.name.removesuffix(".yaml")
    if str(ref) == path.name and name in sets:
        return sets[name]
    return path
