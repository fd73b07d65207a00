"""Benchmark: writing the Excel workbook (issue 13).

Not a test. For the national set and the largest bundled set (the one whose workbook
has the most cells), prints the median write time of ``--repeat`` runs of
:func:`modeller.workbook` (model run included), the model run alone in the same
process, their ratio, the file size and the number of formula cells.

    .venv/bin/python benchmarks/bench_workbook.py [--repeat 5] [SET ...]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
import zipfile

import modeller


def _formula_cells(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return sum(z.read(n).count(b"<f>") for n in z.namelist()
                   if n.startswith("xl/worksheets/"))


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    names = args.sets
    if not names:
        sizes = {n: len(modeller.workbook(n)) for n in modeller.bundled_sets()}
        largest = max(sizes, key=sizes.get)
        names = ["national-faq-2017"] + ([largest] if largest != "national-faq-2017"
                                         else [])
    print(f"{'set':32} {'write [s]':>10} {'model [s]':>10} {'ratio':>7} "
          f"{'size [kB]':>10} {'formulas':>9}")
    for name in names:
        s = modeller.load(name)
        write = _median(lambda: modeller.workbook(s), args.repeat)
        run = _median(lambda: modeller.run(s), args.repeat)
        data = modeller.workbook(s)
        print(f"{name:32} {write:10.3f} {run:10.4f} {write / run:7.1f} "
              f"{len(data) / 1024:10.1f} {_formula_cells(data):9d}")


if __name__ == "__main__":
    main()
