"""Getting started: ``modeller new`` (a starting set) and ``modeller help`` (the docs).

Registered on the group of :mod:`modeller.cli.common`. ``new`` writes a set that extends
the bundled national set by name, so it works in any folder, with every local figure
(volume, case mix, savings, cost) marked REPLACE; it never overwrites a file. ``help``
prints the documentation bundled with the package (``docs/`` in a checkout,
``modeller/_bundled/docs`` in a wheel), so every pointer in an error message names
something an installed user has.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import click

from .common import _fail, cli

#: The set a new set extends, by its bundled name.
BASE_SET = "national-faq-2017"
REPLACE = "REPLACE with your local figure and its source"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _figure(indent: int, key: str, figure: dict, what: str) -> str:
    """A figure of the base set, with its value kept and marked for replacement."""
    pad = " " * indent
    value = figure["value"] if isinstance(figure, dict) else figure
    base = figure.get("source") if isinstance(figure, dict) else None
    source = _q("REPLACE with the source of your figure; "
                + (f"the national figure's: {base}" if base else
                   "the national set's value until then"))
    note = _q(f"{REPLACE}: {what}.")
    return (f"{pad}{key}:\n{pad}  value: {json.dumps(value)}\n"
            f"{pad}  source: {source}\n{pad}  note: {note}\n")


def default_name(stem: str) -> str:
    """A plain set name from a file name: ``My Area`` -> ``my-area`` (lower-case ASCII
    letters and digits joined by ``-``, as bundled names are)."""
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:48].strip("-") \
        or "my-area"


def starting_set(name: str) -> str:
    """The text of a new set called ``name`` extending :data:`BASE_SET`."""
    from .. import api

    base = api.load(BASE_SET).resolved
    (cid, condition), = base["conditions"].items()
    return (
        f"# {name}: a starting assumption set, written by `modeller new`.\n"
        f"# It extends the bundled national set ({BASE_SET}, the NHS England IAPT-LTC FAQ's\n"
        "# figures) by name, so it works in any folder; `modeller resolve` shows every\n"
        "# figure it inherits. Replace each figure marked REPLACE with your local figure and\n"
        "# its source (a plan, an audit, a contract); keys and units: `modeller help\n"
        "# assumptions`. Then: `modeller validate FILE` and `modeller build FILE`.\n"
        "schema_version: 1\n"
        f"extends: {BASE_SET}\n"
        f"name: {_q(name)}\n"
        "description: >-\n"
        "  REPLACE: the area, the service and what this business case is for.\n"
        "# price_year: the year your figures' prices are in (2024, or a financial year such\n"
        "# as 2024/25); the national set states none (null).\n"
        "\n"
        "activity:\n"
        + _figure(2, "entering_treatment", base["activity"]["entering_treatment"],
                  "people entering treatment per year (one number, or a list, one per "
                  "year)")
        + "\n"
        "# The case mix: one entry per condition, shares summing to 1. The national set has\n"
        "# one generic condition; to model several, remove it (`" + cid + ": null`) and add\n"
        "# each with a label, share and annual_saving (see the bundled example-area:\n"
        "# `modeller resolve example-area`; cited savings: `modeller evidence`).\n"
        "conditions:\n"
        f"  {cid}:\n"
        f"    label: {_q(condition['label'])}\n"
        + _figure(4, "share", condition["share"], "this condition's share of the "
                  "people entering treatment")
        + _figure(4, "annual_saving", condition["annual_saving"], "healthcare saving per "
                  "person benefiting per year [GBP/year], gross unless you say otherwise")
        + "\n"
        "costs:\n"
        + _figure(2, "per_person_entering", base["costs"]["per_person_entering"],
                  "cost per person entering treatment [GBP]")
    )


def _write_new(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` unless something is already there (atomically: the
    text goes to a temporary file that is then linked into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.link(tmp, path)  # fails if path exists, whatever it is
    finally:
        os.unlink(tmp)


@cli.command("new")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--name", help="The set's name (default: the file name without .yaml).")
def new(file, name) -> None:
    """Write a starting assumption set to FILE (e.g. my-area.yaml).

    It extends the bundled national set by name, with each local figure (volume, case
    mix, savings, cost) marked REPLACE. An existing file is never overwritten (exit 2).
    """
    path = Path(file)
    if path.suffix.lower() not in (".yaml", ".yml"):
        path = path.with_name(path.name + ".yaml")
    if path.exists() or path.is_symlink():
        _fail(f"{path} already exists; nothing was written (choose another name, or "
              "remove the file first)")
    text = starting_set(name or default_name(path.stem))
    try:
        _write_new(path, text)
    except FileExistsError:
        _fail(f"{path} already exists; nothing was written")
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror or exc}")
    click.echo(f"wrote {path}")
    click.echo(f"next: replace each figure marked REPLACE, then `modeller validate {path}` "
               f"and `modeller build {path}`", err=True)


def _docs_dir() -> Path:
    from ..inputs.bundled import bundled_dir

    return bundled_dir("docs")


def help_topics() -> dict[str, Path]:
    """Bundled documentation pages by topic (file stem)."""
    return {p.stem: p for p in sorted(_docs_dir().glob("*.md"))}


def _title(page: Path) -> str:
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


@cli.command("help")
@click.argument("topic", required=False)
@click.pass_context
def help_command(ctx, topic) -> None:
    """Show the documentation bundled with modeller: `modeller help` lists the topics,
    `modeller help TOPIC` prints one (e.g. uncertainty); a command name shows its --help.
    """
    topics = help_topics()
    if topic is None:
        width = max((len(t) for t in topics), default=0)
        lines = [f"  {t.ljust(width)}  {_title(p)}" for t, p in topics.items()]
        click.echo("Topics (modeller help TOPIC):\n" + "\n".join(lines)
                   + "\nCommands: modeller COMMAND --help (or modeller help COMMAND).")
        return
    key = Path(topic.strip().lower()).stem if topic.endswith(".md") else topic.strip()
    if key in topics:
        click.echo(topics[key].read_text(encoding="utf-8"), nl=False)
        return
    group = ctx.parent.command if ctx.parent else cli
    command = group.get_command(ctx, key) if isinstance(group, click.Group) else None
    if command is not None and key != "help":
        with click.Context(command, info_name=key, parent=ctx.parent) as sub:
            click.echo(command.get_help(sub))
        return
    _fail(f"no help topic {topic!r}; topics: {', '.join(topics)}; or a command name")
