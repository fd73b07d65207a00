"""PSA throughput: draws per second at 10k, 100k and 1M draws, against the reference loop.

Usage: .venv/bin/python benchmarks/bench_psa.py [--set example-area] [--quick]

The example-area set declares no distributions, so the benchmark writes a temporary
set that extends it and gives distributions to the recovery and completion rates, the
benefit duration, every condition's annual saving and the cost per person (shapes are
the benchmark's choice; only throughput matters here). It prints:

- draws/s of ``modeller.analyses.psa.analyse`` (sampling, model, summary) at each size, with
  the default threads and with one thread;
- the reference per-person, per-month loop (tests/reference.py) timed on 20 draws in
  the same run, and the speed-up;
- peak memory traced by tracemalloc at 100k and 1M draws (numpy reports its buffers
  to tracemalloc), and the process's peak resident set size.

Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from modeller.analyses import psa  # noqa: E402
from modeller.inputs import loader as assumptions  # noqa: E402
from modeller.analyses.parameters import base_from  # noqa: E402


def uncertain_set(name: str, folder: Path) -> Path:
    """A temporary set extending ``name`` with distributions on the main figures."""
    loaded = assumptions.load(name)
    spec = loaded.spec
    lines = [
        "schema_version: 1",
        f"extends: {Path(loaded.file).resolve()}",
        f"name: {spec.name}-bench",
        "outcomes:",
        "  completion_rate: {value: 0.6, distribution: {type: triangular, low: 0.5, "
        "mode: 0.6, high: 0.6}}",
        "  recovery_rate: {value: 0.5, distribution: {type: beta, mean: 0.5, "
        "sd: 0.0434}}",
        "benefit_duration:",
        "  months: {value: 26.5, distribution: {type: triangular, low: 12, mode: 26.5, "
        "high: 36}}",
        "conditions:",
    ]
    for cid, cond in spec.conditions.items():
        v = float(cond.annual_saving.value)
        lines.append(f"  {cid}: {{annual_saving: {{value: {v!r}, distribution: "
                     f"{{type: lognormal, mean: {v!r}, sd: {0.5 * v!r}}}}}}}")
    lines += ["costs:",
              "  per_person_entering: {value: 650, distribution: {type: uniform, "
              "low: 650, high: 684}}"]
    path = folder / f"{spec.name}-bench.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="example-area")
    parser.add_argument("--quick", action="store_true", help="skip the 1M-draw runs")
    args = parser.parse_args()

    from reference import params_from_inputs, simulate

    with tempfile.TemporaryDirectory() as tmp:
        loaded = assumptions.load(uncertain_set(args.set, Path(tmp)))
    base = base_from(loaded)
    print(f"set: {args.set} (+ distributions on {len(psa.sampled_params(base))} "
          f"parameters), horizon {base.horizon} years, {len(base.ids)} conditions")
    print(f"cores: {os.cpu_count()}, threads used: {psa.default_workers()}, "
          f"chunk: {psa.chunk_size(base.horizon)} draws")

    ref_draws = 20
    x = psa.sample_inputs(base, ref_draws, 1)
    start = time.perf_counter()
    for d in range(ref_draws):
        simulate(params_from_inputs(x, d))
    ref_rate = ref_draws / (time.perf_counter() - start)
    print(f"reference loop: {ref_rate:,.1f} draws/s (timed on {ref_draws} draws)")

    psa.analyse(base, 1000, 1)                       # warm up
    sizes = [10_000, 100_000] + ([] if args.quick else [1_000_000])
    print(f"{'draws':>10}  {'threads':>7}  {'seconds':>8}  {'draws/s':>12}  "
          f"{'x reference':>12}")
    for n in sizes:
        for workers in (psa.default_workers(), 1):
            repeat = 5 if n <= 10_000 else 3 if n <= 100_000 else 1
            t = best_of(lambda: psa.analyse(base, n, 1, workers=workers), repeat)
            print(f"{n:>10,}  {workers:>7}  {t:>8.3f}  {n / t:>12,.0f}  "
                  f"{n / t / ref_rate:>12,.0f}")

    for n in [100_000] + ([] if args.quick else [1_000_000]):
        tracemalloc.start()
        psa.analyse(base, n, 1)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak traced memory at {n:,} draws: {peak / 2**20:,.0f} MiB "
              f"({peak / n:,.0f} bytes/draw)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident set size of this process: {rss:,.0f} MiB")


if __name__ == "__main__":
    main()
