"""The reference docs stay true: every schema key and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args, get_origin

from click.testing import CliRunner
from pydantic import BaseModel

from modeller.cli import cli
from modeller.inputs.schema import AssumptionSet

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _models(tp: Any) -> list[tuple[str, type[BaseModel]]]:
    """(suffix, model) pairs reachable from an annotation: '' direct, '[]' list item,
    '.<id>' mapping value."""
    origin = get_origin(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [("", tp)]
    if origin is None:
        return []
    args = [a for a in get_args(tp) if a is not type(None)]
    if origin is list:
        return [("[]" + s, m) for s, m in _models(args[0])] if args else []
    if origin is dict:
        return [(".<id>" + s, m) for s, m in _models(args[1])]
    out = []
    for arg in args:
        out += _models(arg)
    return out


def schema_keys(model: type[BaseModel] = AssumptionSet, prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        dotted = f"{prefix}{name}"
        keys.append(dotted)
        for suffix, sub in _models(field.annotation):
            keys += schema_keys(sub, f"{dotted}{suffix}.")
    return keys


def _documented(text: str) -> set[str]:
    return set(re.findall(r"`([A-Za-z_<>\[\]\.]+)`", text))


def test_every_schema_key_is_documented():
    text = (DOCS / "assumptions.md").read_text(encoding="utf-8")
    documented = _documented(text)
    # A quantity's own keys (value, source, note, range, ...) are documented once.
    quantity = {"value", "source", "seed", "note", "range", "distribution"}
    missing = []
    for key in schema_keys():
        if ".distribution" in key:  # a quantity's distribution is documented once
            key = "distribution" + key.split(".distribution", 1)[1]
            if key == "distribution":
                continue
        if key not in documented and key.rsplit(".", 1)[-1] not in quantity:
            missing.append(key)
    assert not missing, f"undocumented keys in docs/assumptions.md: {missing}"
    for key in sorted(quantity):
        assert f"`{key}`" in text


REFERENCE_PAGES = ("commands.md", "uncertainty.md")


def test_every_command_and_option_is_documented():
    pages = [(DOCS / page).read_text(encoding="utf-8") for page in REFERENCE_PAGES]
    for name, command in cli.commands.items():
        heading = f"## `modeller {name}`"
        text = next((t for t in pages if heading in t), None)
        assert text is not None, f"command {name} has no section in {REFERENCE_PAGES}"
        section = text.split(heading, 1)[1].split("\n## ", 1)[0]
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert opt in section, f"{name} {opt} not documented"


def test_readme_commands_exist():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    for script in re.findall(r"^\s*(\./dev/[a-z-]+)", readme, flags=re.M):
        assert (DOCS.parent / script).is_file(), script


def test_help_of_every_command_runs():
    for name in cli.commands:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
