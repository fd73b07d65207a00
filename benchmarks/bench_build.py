"""Benchmark: a full build of the three PDF reports against bare WeasyPrint.

Not a test. Prints, for one assumption set (median of ``--repeat`` runs):

* cold build: ``modeller build`` in a fresh Python process (imports the package, loads
  and runs the model and writes the three PDFs and the other outputs), and the same
  with ``MODELLER_SERIAL=1``;
* warm build, in this process: model run, charts + templating, and our WeasyPrint call
  (PDF/UA-1, restricted URL fetcher, one-page check) for the three reports;
* bare WeasyPrint: ``weasyprint.HTML(string=html).write_pdf()`` on the very same HTML,
  in this same run;

and the ratios build / bare. The model, charts and templating should add little on top
of WeasyPrint itself (issue 3). It also prints the floor any build has while the business
case is one PDF laid out by one WeasyPrint process: importing WeasyPrint plus laying out
and drawing that document alone (issue 11's target is a build within 3x the bare process).

    .venv/bin/python benchmarks/bench_build.py [SET] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE_PROCESS = ("import weasyprint; "
                "weasyprint.HTML(string='<p>One line.</p>').write_pdf()")


def bare_process() -> float:
    """Wall-clock seconds for one bare WeasyPrint process: import and a one-line page
    (the yardstick of issue 11: a full build should take at most 3 times this)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", BARE_PROCESS], check=True, capture_output=True)
    return time.perf_counter() - start


def _median(values: list[float]) -> float:
    return statistics.median(values)


def cold_build(set_path: str, serial: bool = False) -> float:
    """Wall-clock seconds for one build in a fresh process (``serial``: with
    ``MODELLER_SERIAL=1``, no forked business-case renderer)."""
    env = {**os.environ, "MODELLER_SERIAL": "1" if serial else "0"}
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "modeller.cli", "build", set_path,
                        "--out-dir", out], check=True, capture_output=True, cwd=ROOT,
                       env=env)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("set", nargs="?", default=str(ROOT / "assumptions" /
                                                      "national-faq-2017.yaml"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    cold_build(args.set)  # warm-up: byte-compiled modules and font caches, as a user has
    cold, serial, bare_runs = [], [], []
    for _ in range(args.repeat):  # interleaved, so all see the same machine load
        cold.append(cold_build(args.set))
        serial.append(cold_build(args.set, serial=True))
        bare_runs.append(bare_process())

    start = time.perf_counter()
    import weasyprint
    import_weasyprint = time.perf_counter() - start

    from modeller import model
    from modeller.inputs.loader import load
    from modeller.outputs.reports import KINDS, pdf_bytes, templates_dir
    from modeller.outputs.reports.pdf import pdf_and_html
    from modeller.outputs.reports.bundle import make_bundle

    from modeller.outputs.reports import render_html

    def compact_level(html: str) -> int:
        for level in (2, 1):
            if f'data-compact="{level}"' in html:
                return level
        return 0

    loaded = load(args.set)
    bundle = make_bundle(loaded, model.run(loaded).to_dict())
    base_url = templates_dir().as_uri() + "/"
    pdf_bytes("board-summary", bundle)  # warm-up: imports WeasyPrint, font caches

    timings: dict[str, list[float]] = {k: [] for k in
                                       ("model", "html", "ours", "bare", "warm_build",
                                        "bare_longest")}
    pages: dict[str, int] = {}
    for _ in range(args.repeat):
        t = time.perf_counter()
        loaded = load(args.set)
        results = model.run(loaded).to_dict()
        bundle = make_bundle(loaded, results)
        timings["model"].append(time.perf_counter() - t)

        html_total = ours_total = bare_total = 0.0
        for kind in KINDS:
            t = time.perf_counter()
            _, html = pdf_and_html(kind, bundle)  # templating, charts and WeasyPrint
            ours_total += time.perf_counter() - t
            t = time.perf_counter()
            render_html(kind, bundle, compact=compact_level(html))
            html_total += time.perf_counter() - t
            t = time.perf_counter()
            document = weasyprint.HTML(string=html, base_url=base_url).render()
            document.write_pdf()
            bare_total += time.perf_counter() - t
            if kind == "business-case":
                timings["bare_longest"].append(time.perf_counter() - t)
            pages[kind] = len(document.pages)
        timings["html"].append(html_total)
        timings["ours"].append(ours_total)
        timings["bare"].append(bare_total)
        timings["warm_build"].append(timings["model"][-1] + ours_total)

    med = {k: _median(v) for k, v in timings.items()}
    cold_med = _median(cold)
    bare = med["bare"]
    print(f"assumption set:            {args.set}")
    print("pages:                     " + ", ".join(f"{k} {n}" for k, n in pages.items()))
    print(f"repeats (median of):       {args.repeat}")
    print(f"cold build (modeller build): {cold_med:6.2f} s  "
          f"(runs: {', '.join(f'{x:.2f}' for x in cold)})")
    print(f"import weasyprint:         {import_weasyprint:6.2f} s")
    print(f"warm build, total:         {med['warm_build']:6.2f} s")
    print(f"  load + model run:        {med['model']:6.2f} s")
    print(f"  charts + templating:     {med['html']:6.2f} s")
    print(f"  our weasyprint call:     {med['ours'] - med['html']:6.2f} s  "
          f"(PDF/UA-1, URL fetcher, one-page check and any re-layout)")
    print(f"bare weasyprint, same HTML:{bare:6.2f} s  (final HTML, default options)")
    print(f"ratio warm build / bare:   {med['warm_build'] / bare:6.2f}")
    bare_proc = _median(bare_runs)
    print(f"bare weasyprint process:   {bare_proc:6.2f} s  (import + a one-line page)")
    print(f"ratio build / bare process:{cold_med / bare_proc:6.2f}  (issue 11 target: <= 3)")
    # A build lays out each PDF in one WeasyPrint process, and WeasyPrint lays out one
    # document's pages one after another: so no build can be faster than importing
    # WeasyPrint and laying out the business case alone, whatever runs beside it.
    floor = import_weasyprint + med["bare_longest"]
    print(f"floor, one process:        {floor:6.2f} s  (import WeasyPrint "
          f"{import_weasyprint:.2f} s + bare business case alone "
          f"{med['bare_longest']:.2f} s; ratio {floor / bare_proc:.2f})")
    serial_med = _median(serial)
    print(f"serial cold build:         {serial_med:6.2f} s  (MODELLER_SERIAL=1: no forked "
          f"renderer; ratio {serial_med / bare_proc:.2f}; {os.cpu_count()} CPUs)")
    print(f"ratio cold build / bare:   {cold_med / bare:6.2f}  "
          f"(cold includes Python start-up and imports: "
          f"{cold_med - med['warm_build']:.2f} s more than warm)")


if __name__ == "__main__":
    main()
