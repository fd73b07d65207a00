"""Checking records against the seed documents they cite (auditors' tool).

Part of :mod:`modeller.inputs.evidence`; see its docstring for units and rules.
"""


from __future__ import annotations

import re
from pathlib import Path


from ..references import seed_locations
from ..yamlsource import Problem
from .records import parse_citation
from .library import Library
from .convert import _num


# --------------------------------------------------------------------------------------
# Checking records against the seeds (used by the tests; seeds are not bundled)
# --------------------------------------------------------------------------------------

def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def cited_text(citation: str, seeds_dir: str | Path) -> str | None:
    """The seed lines a citation points to, joined with single spaces; None if invalid."""
    parsed = parse_citation(citation)
    if parsed is None:
        return None
    file, ranges = parsed
    path = Path(seeds_dir) / file
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    chunks = []
    for a, b in ranges:
        if a < 1 or b < a or b > len(lines):
            return None
        chunks.append(" ".join(s.strip() for s in lines[a - 1:b]))
    return _normalise(" ".join(chunks))


_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
          "ten", "eleven", "twelve")


def number_forms(x: float) -> list[str]:
    """Ways a seed may print ``x``: ``1337`` -> ``1,337`` and ``1337``; ``0.12``."""
    forms = []
    if abs(x - round(x)) < 1e-9:
        n = int(round(x))
        forms += [f"{n:,}", str(n)]
        if 0 <= n < len(_WORDS):
            forms += [_WORDS[n], _WORDS[n].capitalize()]
    else:
        forms += [f"{x:,.2f}", f"{x:.2f}", f"{x:,}", repr(x)]
        forms += [s.rstrip("0") for s in list(forms) if "." in s]
    return list(dict.fromkeys(forms))


def verify_citations(library: Library, seeds_dir: str | Path) -> list[Problem]:
    """Check every record against the seed text it cites.

    For each record with a ``seed`` (a local record citing its own documents has none):
    ``seed`` and each ``also_in`` seed point at real lines; every quote fragment appears
    (whitespace-normalised) in the seed lines; and ``value``, both ends of ``range``,
    each part, and the stated conversion's value and annual value appear as numbers in
    the seed text (the record's ``seed`` plus the stated conversion's). The readers'
    ``source`` texts are checked against the bibliography on load, not here.
    """
    problems: list[Problem] = []
    for rec in library.records:
        file, line = library.locations.get(rec.id, ("evidence", None))

        def bad(fld: str, msg: str) -> None:
            problems.append(Problem(file, line, fld, f"{rec.id}: {msg}"))

        if rec.seed is None:
            continue  # a local record citing its own documents
        text = cited_text(rec.seed, seeds_dir)
        if text is None:
            bad("seed", f"{rec.seed!r} does not point at lines in {seeds_dir}")
            continue
        for i, other in enumerate(rec.also_in):
            if other.seed is not None and cited_text(other.seed, seeds_dir) is None:
                bad(f"also_in[{i}].seed", f"{other.seed!r} does not point at lines in "
                                          f"{seeds_dir}")
        for loc in seed_locations(rec.seed_note):
            if cited_text(loc, seeds_dir) is None:
                bad("seed_note", f"{loc!r} does not point at lines in {seeds_dir}")
        for q in rec.quotes:
            if _normalise(q) not in text:
                bad("quote", f"quote not found in {rec.seed}: {q!r}")
        numbers: list[tuple[str, float, str]] = []
        if rec.value is not None:
            numbers.append(("value", rec.value, text))
        if rec.range is not None:
            numbers += [("range", v, text) for v in rec.range]
        for i, p in enumerate(rec.parts or []):
            numbers.append((f"parts[{i}].value", p.value, text))
        sc = rec.stated_conversion
        if sc is not None:
            sc_text = cited_text(sc.seed, seeds_dir) if sc.seed else None
            if sc_text is None:
                bad("stated_conversion.seed", f"{sc.seed!r} does not point at seed lines")
            else:
                if _normalise(sc.quote) not in sc_text:
                    bad("stated_conversion.quote", f"quote not found in {sc.seed}")
                numbers.append(("stated_conversion.value", sc.value, sc_text))
                if sc.annual_value is not None:
                    numbers.append(("stated_conversion.annual_value", sc.annual_value,
                                    sc_text))
        for fld, x, where_text in numbers:
            if not any(re.search((r"\b" + f + r"\b") if f.isalpha() else
                                 (r"(?<![\d.,])" + re.escape(f) + r"(?![\d]|[.,]\d)"),
                                 where_text)
                       for f in number_forms(x)):
                bad(fld, f"{_num(x)} does not appear in the cited seed lines")
    return problems
