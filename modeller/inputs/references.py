"""The bibliography: references as people cite them, and where auditors find them.

``assumptions/references/bibliography.yaml`` lists every document the bundled sets, the
evidence library and the report text cite: author or publisher, year, full title, the
address where the document prints one, and (for auditors only) the seed text copy and
the lines it occupies. This module reads it and finds references in text:

* :func:`find` locates, in any text (a ``source:``, a note, a warning), the references
  it names: a reference's ``cite_as`` text ("NHS England (2017), IAPT-LTC FAQ") with the
  locator that follows it ("Table 3"), or a seed location (``FILE.txt:LINES``), which is
  mapped to its reference and to the section, table or slide holding those lines.
* :func:`reader_citation` turns a seed location into the citation a reader can use
  ("NHS England (2017), IAPT-LTC FAQ, Table 1").
* :func:`seed_locations` lists the seed locations in a text (for ``seed:`` fields).

Nothing here numbers references; the reports do that in order of first use
(:mod:`modeller.outputs.reports.citing`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import yaml

from .bundled import bundled_dir

#: A seed location: ``000_531557c98ba51688.txt:1384-1386`` or ``...:1022,1093-1097``.
SEED = re.compile(r"\b(?P<file>\d{3}_[0-9a-f]{16}\.txt):(?P<lines>\d+(?:[–-]\d+)?"
                  r"(?:,\s?\d+(?:[–-]\d+)?)*)(?:\s+and\s+(?P<more>\d+(?:[–-]\d+)?))?")


@dataclass(frozen=True)
class Reference:
    """One document of the bibliography."""

    id: str
    cite_as: str                 # how a source names it: "NHS England (2017), IAPT-LTC FAQ"
    author: str | None
    year: str
    title: str
    details: str | None
    address: str | None
    seed_file: str | None        # auditors only; never printed
    first: int = 0
    last: int = 0
    sections: tuple[tuple[int, str | None], ...] = ()

    def entry(self, address: bool = True) -> str:
        """The reference-list entry: author (year). Title. Details. Address."""
        who = self.author or self.title
        parts = [f"{who} ({self.year})."]
        if self.author:
            parts.append(self.title.rstrip(".") + ".")
        if self.details:
            parts.append(self.details.rstrip(".") + ".")
        if self.address and address:
            parts.append(f"Available from: {self.address}")
        return " ".join(parts)

    def locator(self, line: int) -> str | None:
        """The section, table or slide that holds seed ``line`` (or ``None``)."""
        found = None
        for first, text in self.sections:
            if first <= line:
                found = text
            else:
                break
        return found


@dataclass(frozen=True)
class Mention:
    """A reference found in a text: where it is, which one, and its locator."""

    start: int
    end: int
    reference: Reference
    locator: str | None
    seed: str | None             # the seed location written in the text, if any


def _load(data: Any) -> dict[str, Reference]:
    refs = {}
    for item in data["references"]:
        seed = item.get("seed") or {}
        sections = tuple(sorted((int(a), b) for a, b in item.get("sections") or []))
        refs[item["id"]] = Reference(
            id=item["id"], cite_as=item["cite_as"], author=item.get("author"),
            year=str(item["year"]), title=item["title"], details=item.get("details"),
            address=item.get("address"), seed_file=seed.get("file"),
            first=int(seed.get("first") or 0), last=int(seed.get("last") or 0),
            sections=sections)
    return refs


@functools.lru_cache(maxsize=1)
def bibliography() -> dict[str, Reference]:
    """The bundled bibliography, by id (read once)."""
    path = bundled_dir("assumptions") / "references" / "bibliography.yaml"
    return _load(yaml.safe_load(path.read_text(encoding="utf-8")))


def for_seed(file: str, line: int) -> Reference | None:
    """The reference whose text copy holds ``line`` of seed ``file``."""
    for ref in bibliography().values():
        if ref.seed_file == file and ref.first <= line <= ref.last:
            return ref
    return None


def _first_line(lines: str) -> int:
    return int(re.split(r"[–,-]", lines, maxsplit=1)[0])


def _locator_after(text: str, pos: int) -> str | None:
    """The locator written after a ``cite_as``: ", Table 3 (...)" -> "Table 3"."""
    m = re.match(r",\s*([^,;()]+?)(?=\s*(?:\(|;|,|\.\s|\.$|$))", text[pos:])
    return m.group(1).strip() if m else None


def find(text: str | None) -> list[Mention]:
    """Every reference named in ``text``, in order: ``cite_as`` texts and seed locations."""
    if not text:
        return []
    found: list[Mention] = []
    for ref in bibliography().values():
        for m in re.finditer(re.escape(ref.cite_as), text):
            found.append(Mention(m.start(), m.end(), ref, _locator_after(text, m.end()),
                                 None))
    for m in SEED.finditer(text):
        line = _first_line(m.group("lines"))
        ref = for_seed(m.group("file"), line)
        if ref is not None:
            found.append(Mention(m.start(), m.end(), ref, ref.locator(line), m.group(0)))
    found.sort(key=lambda x: x.start)
    return found


def reader_citation(seed: str) -> str | None:
    """The citation a reader can use for a seed location, or ``None`` if unknown:
    ``"000_531557c98ba51688.txt:1002-1012"`` -> ``"NHS England (2017), IAPT-LTC FAQ,
    Table 1 (Healthcare utilisation benefits table)"``."""
    mentions = [m for m in find(seed) if m.seed]
    if not mentions:
        return None
    m = mentions[0]
    return _joined(m.reference, short_locator(m.locator))


def short_locator(locator: str | None) -> str | None:
    """A table's locator without its title: ``"Table 1 (Healthcare ...)"`` -> ``"Table 1"``."""
    if locator and re.match(r"(part \d+, )?Table \d+ \(", locator):
        return locator.split(" (", 1)[0]
    return locator


def _joined(reference: Reference, locator: str | None) -> str:
    return f"{reference.cite_as}, {locator}" if locator else reference.cite_as


def seed_locations(text: str | None) -> list[str]:
    """The seed locations written in ``text`` (``FILE.txt:LINES``), in order."""
    return [m.group(0) for m in SEED.finditer(text or "")]


def plain(text: str | None) -> str | None:
    """``text`` with every seed location replaced by its reader's citation (no
    numbering; for terminal output and places without a reference list)."""
    if not text:
        return text
    out, pos = [], 0
    for m in find(text):
        if m.seed is None or m.start < pos:
            continue
        cite = _joined(m.reference, short_locator(m.locator))
        out.append(text[pos:m.start] + cite)
        pos = m.end
    out.append(text[pos:])
    return "".join(out)
