"""Where the package's bundled files live, installed or in a checkout.

In a wheel, ``assumptions/`` and ``templates/`` are copied to ``modeller/_bundled/``
(see ``pyproject.toml``); in a source checkout they sit beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def bundled_dir(name: str) -> Path:
    """The bundled ``assumptions`` or ``templates`` directory."""
    installed = _PACKAGE / "_bundled" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def bundled_sets() -> dict[str, Path]:
    """Bundled assumption sets by name (file stem)."""
    return {p.stem: p for p in sorted(bundled_dir("assumptions").glob("*.yaml"))}


def bundled_names() -> list[str]:
    """Every bundled set's name: ``national-faq-2017``, ``scenarios/optimistic``, ..."""
    root = bundled_dir("assumptions")
    names = [p.relative_to(root).with_suffix("").as_posix()
             for p in root.rglob("*.yaml")]
    return sorted(n for n in names if not n.startswith(("evidence/", "conversion/")))


def bundled_set(ref: str) -> Path | None:
    """The bundled set named ``ref`` (``.yaml`` optional), or None. Only names listed
    by :func:`bundled_names` match: no path leads out of the bundled folder."""
    name = str(ref).strip()
    for suffix in (".yaml", ".yml"):
        name = name.removesuffix(suffix)
    if name not in bundled_names():
        return None
    return bundled_dir("assumptions") / f"{name}.yaml"


def find_set(ref: str | Path) -> Path:
    """A path as given, or, when no such file exists, the bundled set of that name
    (``national-faq-2017``, ``scenarios/optimistic``; the ``.yaml`` is optional)."""
    path = Path(ref)
    if path.exists() or path.is_absolute():
        return path
    root = bundled_dir("assumptions").resolve()
    name = str(ref) if str(ref).endswith(".yaml") else f"{ref}.yaml"
    candidate = (root / name).resolve()
    if candidate.is_file() and root in candidate.parents:
        return candidate
    return path
