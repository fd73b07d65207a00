"""Recalculate workbooks in a real spreadsheet engine: LibreOffice Calc, headless.

:func:`recalculate` first saves each workbook through openpyxl, which drops every
cached formula result, so the figures read back can only come from LibreOffice
evaluating the formulas; LibreOffice runs once for the whole batch, with a throwaway
profile set to recalculate on load, and converts each file back to .xlsx. A missing
LibreOffice is a failure, never a skip: ``dev/setup`` installs it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl

PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        raise AssertionError("LibreOffice (soffice) is not installed: run ./dev/setup, "
                             "which installs Debian's libreoffice-calc-nogui")
    return path


def strip_cached(src: Path, dst: Path) -> Path:
    """Save ``src`` through openpyxl (formulas kept, cached values dropped)."""
    wb = openpyxl.load_workbook(src)
    wb.save(dst)
    return dst


def recalculate(paths: list[Path], work: Path) -> list[Path]:
    """Strip cached values from each workbook, recalculate them all in one LibreOffice
    run, and return the recalculated copies (same order)."""
    stripped = work / "stripped"
    out = work / "recalculated"
    stripped.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for i, path in enumerate(paths):
        name = f"w{i:03d}.xlsx"
        strip_cached(Path(path), stripped / name)
        names.append(name)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
        result = subprocess.run(
            [soffice(), "--headless", "--norestore", "--nolockcheck", "--nodefault",
             f"-env:UserInstallation={Path(profile).as_uri()}", "--calc",
             "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
             *[str(stripped / n) for n in names]],
            capture_output=True, text=True, timeout=900)
    done = [out / n for n in names]
    missing = [p for p in done if not p.exists()]
    if result.returncode != 0 or missing:
        raise AssertionError(f"LibreOffice failed (exit {result.returncode}); missing "
                             f"{[p.name for p in missing]}\n{result.stdout}\n"
                             f"{result.stderr}")
    return done


def results(path: Path) -> dict:
    """The Results sheet as {key: value}, values as cached in the file."""
    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    rows = wb["Results"].iter_rows(values_only=True)
    header = [str(h) for h in next(rows)]
    k, v = header.index("key"), header.index("value")
    out = {row[k]: row[v] for row in rows if row[k]}
    wb.close()
    return out


def cells(path: Path, sheet: str) -> dict:
    """Every cell of a sheet as {coordinate: value} (cached values)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[sheet]
    out = {c.coordinate: c.value for row in ws.iter_rows() for c in row
           if c.value is not None}
    wb.close()
    return out
