"""The package layout tells the architecture: data flows one way through the stages
inputs -> model -> analyses -> outputs -> front ends (cli, api, ...), with no import
cycle, no module name used twice and no module over ~500 lines without a reason.

Imports are read with ``ast`` from every module, including imports inside functions
(the CLI imports heavy modules lazily, and a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import modeller

ROOT = Path(modeller.__file__).resolve().parent
PACKAGE = "modeller"
#: Stage of each top-level subpackage; anything else (cli, api, the package itself,
#: __main__, future front ends) is a front end, the last stage.
STAGES = {"inputs": 0, "model": 1, "analyses": 2, "outputs": 3}
FRONT_END = 4
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join([PACKAGE, *parts])] = path
    return out


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def _imports(name: str, source: str, package: bool = False) -> set[str]:
    """Package modules that module ``name`` (``source``) imports, at any depth."""
    package = name if package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES
                       else source for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:  # import a.b.c -> module a.b.c
                target = target.rpartition(".")[0]
            if target.startswith(PACKAGE) and target:
                found.add(target)
    # A module always imports its ancestor packages first; those edges are implicit.
    return {t for t in found if t != name and not name.startswith(t + ".")}


GRAPH = {name: _imports(name, path.read_text(encoding="utf-8"), _is_package(name))
         for name, path in MODULES.items()}


def _stage(name: str) -> int:
    parts = name.split(".")
    return STAGES.get(parts[1], FRONT_END) if len(parts) > 1 else FRONT_END


def test_the_import_reader_sees_lazy_and_relative_imports():
    assert "modeller.cli.common" in GRAPH["modeller.cli.commands"]
    assert "modeller.api" in GRAPH["modeller.cli.commands"]  # inside the commands
    assert "modeller.inputs.schema" in GRAPH["modeller.inputs.loader"]
    assert "modeller.model.results" in GRAPH["modeller.model.contract"]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, stack)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    return cycles


def test_no_import_cycle():
    cycles = _cycles(GRAPH)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_no_module_imports_a_later_stage():
    backwards = [f"{name} imports {dep}" for name, deps in GRAPH.items()
                 for dep in deps if _stage(dep) > _stage(name)]
    assert not backwards, backwards


def test_no_module_name_is_used_twice():
    seen: dict[str, list[str]] = {}
    for name in MODULES:
        last = name.rpartition(".")[2]
        if name != PACKAGE and not last.startswith("__"):  # __main__ is Python's name
            seen.setdefault(last, []).append(name)
    twice = {k: v for k, v in seen.items() if len(v) > 1}
    assert not twice, twice


def test_every_module_says_what_it_is_for_and_long_ones_say_why():
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(text))
        assert doc, f"{name} has no opening docstring"
        lines = text.count("\n")
        if lines > MAX_LINES:
            assert "because" in doc and "lines" in doc, (
                f"{name} has {lines} lines; split it by what it holds, or say in its "
                "docstring why it is long ('... lines because ...')")


def test_the_layout_checks_can_fail():
    """The readers above would notice a cycle and a backward import."""
    circle = {"modeller.cli.a": {"modeller.cli.b"}, "modeller.cli.b": {"modeller.cli.a"}}
    assert _cycles({**GRAPH, **circle})
    graph = dict(GRAPH)
    graph["modeller.inputs.schema"] = GRAPH["modeller.inputs.schema"] | {"modeller.outputs.text"}
    assert any(_stage(d) > _stage(n) for n, ds in graph.items() for d in ds)
    source = ("from ..outputs import text\n"
              "def f():\n    from modeller.cli import common\n")
    found = _imports("modeller.inputs.probe", source)
    assert found == {"modeller.outputs.text", "modeller.cli.common"}
