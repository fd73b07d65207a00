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
* :func:`source_problems` checks a reader's ``source`` against its auditors' ``seed``:
  the source names the bibliography reference that holds the seed lines, with a locator
  that agrees with the bibliography's section, table or slide; the seed is
  ``FILE.txt:LINES`` inside that reference; no seed file name is left in the source.
  The evidence library (:mod:`modeller.inputs.evidence`) checks every record with it.
* :func:`seed_names` finds seed file names left in the reader-facing text of parsed
  YAML (everything but the auditors' keys: ``seed``, ``seed_note``).

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
#: A seed file name, with or without lines: never in text a reader sees.
SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
#: Keys whose values are for auditors only (seed text locations and notes about them).
AUDITOR_KEYS = frozenset({"seed", "seed_note"})


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


def _head(locator: str) -> str:
    """A locator without its parenthesised title: ``"section 1 (Evidence base)"`` ->
    ``"section 1"``; ``"slide 'Why?'"`` is kept whole."""
    return locator.split(" (", 1)[0].strip()


def seed_problems(seed: str) -> list[str]:
    """What is wrong with a ``seed:`` value (empty when nothing): one or more
    ``FILE.txt:LINES`` locations, separated by "; ", each inside a bibliography
    reference's seed text."""
    out = []
    for part in (p.strip() for p in seed.split(";")):
        m = SEED.fullmatch(part)
        if not m:
            out.append(f"{part!r} is not a seed location like "
                       "'000_531557c98ba51688.txt:988-992'")
        elif for_seed(m.group("file"), _first_line(m.group("lines"))) is None:
            out.append(f"{part!r} is in no reference of the bibliography "
                       "(assumptions/references/bibliography.yaml)")
    return out


def source_problems(source: str, seed: str | None) -> list[tuple[str, str]]:
    """What is wrong with a reader's ``source`` beside its auditors' ``seed``, as
    ``(key, message)`` pairs (key ``"source"`` or ``"seed"``); empty when nothing.

    A source never holds a seed file name (that goes in ``seed``). With a ``seed``, the
    source names the reference holding the seed's first line by its ``cite_as`` text,
    followed by a locator people can use ("NHS England (2017), IAPT-LTC FAQ, Table 1,
    COPD row"); where the bibliography maps that line to a section, table or slide, the
    locator starts with it ("Table 1", "section 2.3.1", "slide 'Why IAPT has zero net
    cost'"). Without a seed, a source may cite a local document in free text.
    """
    if SEED_FILE.search(source):
        return [("source", "a seed text location is for auditors: write it in `seed` and "
                           "cite the document as people cite it here (reference, then a "
                           "table, section or slide)")]
    if not seed:
        return []
    bad = seed_problems(seed)
    if bad:
        return [("seed", m) for m in bad]
    m = SEED.match(seed.strip())
    line = _first_line(m.group("lines"))
    ref = for_seed(m.group("file"), line)
    named = [x for x in find(source) if x.reference is ref]
    if not named:
        return [("source", f"names no reference for its seed "
                           f"{seed.split(';')[0].strip()!r}: cite it as {ref.cite_as!r} "
                           "with a locator")]
    wanted = ref.locator(line)
    after = re.match(r",\s*(\S.*)", source[named[0].end:])
    if not after:
        return [("source", f"give a locator after {ref.cite_as!r} (a table, section or "
                           "slide" + (f": {_head(wanted)!r})" if wanted else ")"))]
    if wanted and not re.match(re.escape(_head(wanted)) + r"(?![\w.])", after.group(1)):
        return [("source", f"locator {after.group(1)[:40]!r} disagrees with the "
                           f"bibliography: seed line {line} is in {wanted!r}")]
    return []


def seed_names(data: Any, path: str = "") -> list[str]:
    """Dotted paths of the strings in parsed YAML ``data`` that name a seed file,
    outside the auditors' keys (:data:`AUDITOR_KEYS`)."""
    if isinstance(data, dict):
        return [p for k, v in data.items() if k not in AUDITOR_KEYS
                for p in seed_names(v, f"{path}.{k}" if path else str(k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in seed_names(v, f"{path}[{i}]")]
    return [path] if isinstance(data, str) and SEED_FILE.search(data) else []
