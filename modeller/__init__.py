"""iapt-ltc-modeller: the IAPT-LTC cost-offset model and business-case reports.

The Python API (see ``docs/python.md``, or ``modeller help python``)::

    import modeller
    s = modeller.load("national-faq-2017")            # a bundled name or a path
    s2 = s.with_values({"outcomes.recovery_rate": 0.45})
    r = modeller.run(s2)                              # r.to_dict(): the JSON contract
    r.frames()["by_year"]                             # pandas DataFrames
    modeller.compare([s, s2])
    modeller.build(s, "reports/")                     # the PDFs, JSON and CSV

Importing the package is cheap: the API's names are loaded on first use, and heavy
libraries (numpy, pandas, weasyprint) only by the functions that need them,
so ``modeller --help`` starts instantly.
"""

from __future__ import annotations

__version__ = "0.1.0"

#: The public API, defined in :mod:`modeller.api` and loaded on first attribute access.
_API = ("AssumptionSet", "BuildPlan", "InputError", "NumericInput", "Results",
        "REPORT_KINDS", "build", "build_plan", "bundle", "bundled_sets", "compare", "grid", "grid_result", "load", "loads", "output_folder",
        "psa", "report_pdf", "run", "sensitivity", "write_report", "workbook",
        "write_workbook")

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'modeller' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
