"""Arbitrary YAML documents and mutations of the bundled sets, fed to ``validate`` and
``run``: the answer is always exit 0 or 2 with a message, never a traceback (exit 1)."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modeller.cli import cli
from modeller.inputs.bundled import bundled_sets
from modeller.inputs.loader import load

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

scalars = (st.none() | st.booleans() | st.integers(-10**30, 10**30)
           | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(max_size=30)
           | st.sampled_from(["1e12", ".inf", "-.nan", "0x1F", "0o17", "2017-04-01", "yes",
                              "~", "=cmd|' /C calc'!A0", "\x1b[31m", "\ud800", "a/b", "..",
                              "national-faq-2017", "../../etc/passwd.yaml", "*a", "&a x",
                              "!!python/object:os.system", "<<", "[700, 600]"]))
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.text(max_size=12) | st.integers(), inner,
                                           max_size=4), max_leaves=30)

TEXT_PIECES = st.lists(st.sampled_from(
    ["schema_version: 1\n", "name: x\n", "extends: national-faq-2017\n", "a: &a [1, 2]\n",
     "b: [*a, *a]\n", "- x\n", "  - y\n", "{", "}", "[", "]", ": ", "!!binary ", "!tag ",
     "\"\\e\"", "'", "\"", "\t", "\n", "%YAML 1.1\n", "---\n", "...\n", "? ", "<<: *a\n",
     "outcomes:\n  recovery_rate: .inf\n", "costs: {per_person_entering: 1e400}\n",
     "\ud800", "\x00", "\u202e", "#", "&", "*", "|\n  x\n", ">\n  y\n"]), max_size=12)


def _check(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    for command in ("validate", "run"):
        result = CliRunner().invoke(cli, [command, str(path)])
        assert result.exit_code in (0, 2), (command, text[:300], result.output[-2000:])
        assert "Traceback" not in result.output
        if result.exit_code == 2:
            assert result.stderr.strip(), text[:300]


@SETTINGS
@given(documents)
def test_arbitrary_documents_exit_0_or_2(tmp_path, doc):
    _check(tmp_path, yaml.safe_dump(doc, allow_unicode=True))


@SETTINGS
@given(st.builds("".join, TEXT_PIECES))
def test_arbitrary_text_exits_0_or_2(tmp_path, text):
    _check(tmp_path, text)


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, prefix + (i,))


BUNDLED = {name: load(path).resolved for name, path in bundled_sets().items()}


@st.composite
def mutated_sets(draw):
    name = draw(st.sampled_from(sorted(BUNDLED)))
    data = copy.deepcopy(BUNDLED[name])
    paths = [p for p in _paths(data) if p]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            action = draw(st.sampled_from(["replace", "delete", "add"]))
            if action == "replace":
                parent[path[-1]] = draw(documents)
            elif action == "delete" and isinstance(parent, dict):
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.text(max_size=10))] = draw(documents)
        except (KeyError, IndexError, TypeError):
            continue
    return {"schema_version": 1, **data} if draw(st.booleans()) else data


@SETTINGS
@given(mutated_sets())
def test_mutated_bundled_sets_exit_0_or_2(tmp_path, data):
    _check(tmp_path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
