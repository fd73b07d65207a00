"""Benchmark: the web app's answer to a changed input, against the model run alone.

Not a test. For one assumption set, through the ASGI app in this process (Starlette's
test client, no network), prints the median over ``--repeat`` requests of:

* ``POST /results``: read and validate the form, apply it to the set
  (``with_values``), run the model and render the results fragment with every field's
  problem slot: what the page waits for after each change (issue 14 asks < 100 ms for
  the national set);
* ``POST /charts``: the two report charts (cumulative cost and savings, tornado) for a
  new set of values (not cached), which the page asks for after the figures;
* ``modeller.run`` alone on the same edited set, in the same run;

and the ratio results / run (what the web layer adds on top of the model).

    .venv/bin/python benchmarks/bench_web.py [SET] [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", nargs="?", default="national-faq-2017")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    import modeller
    from starlette.testclient import TestClient

    from modeller.web.app import create_app

    s = modeller.load(args.set)
    base = {"_base": s.hash, **{i.key: repr(float(i.value)) for i in s.inputs()}}
    key = "outcomes.recovery_rate"
    client = TestClient(create_app(s), base_url="http://127.0.0.1")
    client.get("/")                       # warm: imports, templates, charts

    def value(i: int) -> str:
        return repr(0.30 + (i % 500) / 1000)

    results_ms, charts_ms, run_ms = [], [], []
    for i in range(args.repeat):
        form = dict(base, **{key: value(i)})
        t0 = time.perf_counter()
        response = client.post("/results", data=form)
        results_ms.append(1e3 * (time.perf_counter() - t0))
        assert response.status_code == 200 and "data-key" in response.text

        edited = s.with_values({key: float(value(i))})
        t0 = time.perf_counter()
        modeller.run(edited).to_dict()
        run_ms.append(1e3 * (time.perf_counter() - t0))
    for i in range(max(3, args.repeat // 5)):
        form = dict(base, **{key: value(10_000 + 7 * i)})    # new values: not cached
        t0 = time.perf_counter()
        response = client.post("/charts", data=form)
        charts_ms.append(1e3 * (time.perf_counter() - t0))
        assert response.status_code == 200

    med = statistics.median
    print(f"set {s.name}, {args.repeat} changes of {key}")
    print(f"POST /results (validate, run, render): median {med(results_ms):7.1f} ms, "
          f"max {max(results_ms):7.1f} ms  (issue 14: under 100 ms)")
    print(f"POST /charts (two report SVG charts): median {med(charts_ms):7.1f} ms")
    print(f"modeller.run alone:                   median {med(run_ms):7.1f} ms")
    print(f"ratio /results : run                  {med(results_ms) / med(run_ms):7.1f}x")


if __name__ == "__main__":
    main()
