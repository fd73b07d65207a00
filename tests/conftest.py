import sys
from pathlib import Path

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
