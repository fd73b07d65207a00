import sys
from pathlib import Path

import pytest

# tests/reference.py is imported as a plain module by the tests.
sys.path.insert(0, str(Path(__file__).parent))


def load_problems(path) -> list[str]:
    """Every problem ``modeller.inputs.loader.load`` reports for ``path``, formatted."""
    import pytest

    from modeller.inputs.loader import AssumptionsError, load

    with pytest.raises(AssumptionsError) as info:
        load(path)
    return [p.format() for p in info.value.problems]


def extending(tmp_path, base: str, body: str, name: str = "set.yaml"):
    """Write a set named ``x`` that extends the bundled ``base`` set, plus ``body``."""
    import textwrap

    from modeller.inputs.bundled import bundled_dir

    path = tmp_path / name
    parent = (bundled_dir("assumptions") / f"{base}.yaml").resolve()
    path.write_text(f"schema_version: 1\nextends: {parent}\nname: x\n"
                    + textwrap.dedent(body), encoding="utf-8")
    return path


def write_local_evidence(folder):
    """A local evidence folder with one record, ``local-copd-audit`` (GBP 900 a year)."""
    import textwrap

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "audit.yaml").write_text(textwrap.dedent("""\
        records:
          - id: local-copd-audit
            label: Local COPD service audit
            conditions: [copd]
            measure: saving
            value: 900
            currency: GBP
            price_year: 2024
            period_months: 12
            unit: per_person_per_year
            basis: gross
            care: secondary
            design: local audit
            country: England
            population: people in the local COPD pathway
            citation: Local audit 2024 (illustrative test record)
            source: "local-audit.pdf:3"
            quote: "900"
        """), encoding="utf-8")
    return folder


def citing_local_evidence(folder):
    """A set in ``folder`` extending the national set, whose one condition cites
    ``local-copd-audit`` from a local evidence folder beside it."""
    write_local_evidence(folder / "local-evidence")
    return extending(folder, "national-faq-2017", """\
        evidence_library: [local-evidence]
        conditions:
          all_ltc_mus:
            annual_saving: {evidence: local-copd-audit}
        """)


#: Address-space limit for hostile cases run in a subprocess. [MiB] Reading any file
#: must stay well below it; before the limits, an alias bomb took 8 GB.
HOSTILE_MEMORY_MB = 512


def run_modeller(*args, cwd=None, memory_mb: int = HOSTILE_MEMORY_MB, timeout: int = 120,
                 stdin=None):
    """Run ``modeller ARGS`` in a fresh Python process whose address space is limited to
    ``memory_mb`` (``resource.setrlimit``), so a case that exhausts memory fails here
    instead of swapping the machine. Returns the ``CompletedProcess`` (text output)."""
    import os
    import subprocess

    limit = memory_mb * 2**20
    code = ("import resource, sys\n"
            f"resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n"
            "from modeller.cli import main\n"
            f"sys.argv = ['modeller'] + {list(map(str, args))!r}\n"
            "main()\n")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env, stdin=stdin)


@pytest.fixture(scope="session", autouse=True)
def _release_report_fonts():
    """The test process's copies of the report fonts go when the tests end (a process
    that renders PDFs and exits normally removes them itself; pytest's teardown may
    not)."""
    yield
    from modeller.outputs.reports.pdf import release_fonts

    release_fonts()
