"""The CLI as a newcomer meets it: sets copied out of the repo, resolved sets moved
elsewhere, starting a new set, help that the installed tool carries."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from conftest import citing_local_evidence, extending
from modeller.cli import cli


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _hash(*args) -> str:
    result = invoke("run", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["hash"]


def test_resolved_set_with_local_evidence_validates_and_hashes_the_same_elsewhere(
        tmp_path, monkeypatch):
    home = tmp_path / "area"
    path = citing_local_evidence(home)
    monkeypatch.chdir(home)
    original = _hash("set.yaml")
    resolved = invoke("resolve", "set.yaml", "--out", "resolved.yaml")
    assert resolved.exit_code == 0, resolved.output
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(str(home / "resolved.yaml"), elsewhere / "resolved.yaml")
    monkeypatch.chdir(elsewhere)
    check = invoke("validate", "resolved.yaml")
    assert check.exit_code == 0, check.output
    assert original in check.stdout
    assert _hash("resolved.yaml") == original
    assert f"# sha256: {original}" in (elsewhere / "resolved.yaml").read_text()
    assert path.exists()


def test_resolved_bundled_sets_hash_the_same_from_another_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("example-area", "national-faq-2017-psa", "scenarios/optimistic"):
        out = tmp_path / "resolved.yaml"
        assert invoke("resolve", name, "--out", out).exit_code == 0
        assert _hash(out) == _hash(name), name


def _bundled(name: str):
    from modeller.inputs.bundled import bundled_dir

    return bundled_dir("assumptions") / f"{name}.yaml"


def test_copied_example_area_builds_outside_the_repo(tmp_path, monkeypatch):
    """The fresh-clone workflow: copy the bundled example to one's own folder, build."""
    mine = tmp_path / "my-bid"
    mine.mkdir()
    shutil.copy(_bundled("example-area"), mine / "example-area.yaml")
    monkeypatch.chdir(mine)
    result = invoke("build", "example-area.yaml", "--out-dir", "out")
    assert result.exit_code == 0, result.output
    folder = mine / "out" / "example-area"
    for name in ("logic-model.pdf", "business-case.pdf", "board-summary.pdf"):
        assert (folder / name).read_bytes().startswith(b"%PDF"), name
    printed = [line for line in result.stdout.splitlines() if line]
    assert printed and all((mine / line).is_file() for line in printed)
    assert _hash("example-area.yaml") == _hash("example-area")


def test_new_writes_a_set_that_extends_the_national_set_by_name(tmp_path, monkeypatch):
    import yaml

    monkeypatch.chdir(tmp_path)
    result = invoke("new", "my-area.yaml")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "my-area.yaml").read_text()
    data = yaml.safe_load(text)
    assert data["extends"] == "national-faq-2017" and data["name"] == "my-area"
    local = [data["activity"]["entering_treatment"], data["costs"]["per_person_entering"],
             *[c[k] for c in data["conditions"].values() for k in ("share", "annual_saving")]]
    for figure in local:
        assert "REPLACE with your local figure and its source" in figure["note"]
        assert figure["source"].startswith("REPLACE")
    assert "REPLACE" in data["description"]
    check = invoke("validate", "my-area.yaml")
    assert check.exit_code == 0, check.output
    assert "5 figure(s) still marked REPLACE" in check.stderr
    assert "conditions.all_ltc_mus.annual_saving" in check.stderr
    assert "REPLACE" not in invoke("validate", "national-faq-2017", "example-area").stderr
    national = json.loads(invoke("run", "national-faq-2017", "--format", "json").stdout)
    mine = json.loads(invoke("run", "my-area.yaml", "--format", "json").stdout)
    assert mine["totals"] == national["totals"]  # the national figures until replaced


def test_new_never_overwrites(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("my own work\n")
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "link.yaml").symlink_to(tmp_path / "nowhere.yaml")
    for name in ("mine.yaml", "folder.yaml", "link.yaml"):
        result = CliRunner().invoke(cli, ["new", name])
        assert result.exit_code == 2, name
        assert ("already exists; nothing was written" in result.stderr
                or "is a directory" in result.stderr), result.stderr
    assert (tmp_path / "mine.yaml").read_text() == "my own work\n"
    assert not (tmp_path / "nowhere.yaml").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.yaml", "link.yaml",
                                                          "mine.yaml"]


def test_new_adds_the_yaml_ending_and_takes_a_name(tmp_path, monkeypatch):
    import yaml

    monkeypatch.chdir(tmp_path)
    assert invoke("new", "sub/area", "--name", "North Area").exit_code == 0
    assert yaml.safe_load((tmp_path / "sub" / "area.yaml").read_text())["name"] == \
        "North Area"


def test_help_prints_the_bundled_docs():
    from modeller.inputs.bundled import bundled_dir

    listing = invoke("help")
    assert listing.exit_code == 0
    for topic in ("commands", "assumptions", "method", "uncertainty", "evidence"):
        assert f"  {topic}" in listing.stdout
    page = invoke("help", "uncertainty")
    assert page.stdout == (bundled_dir("docs") / "uncertainty.md").read_text()
    assert invoke("help", "docs/uncertainty.md").stdout == page.stdout
    assert "run [OPTIONS] FILE" in invoke("help", "run").stdout
    unknown = CliRunner().invoke(cli, ["help", "nothing"])
    assert unknown.exit_code == 2 and "topics: " in unknown.stderr


def _package_strings():
    """(module, string) for every string constant in the package except module and
    function docstrings (class docstrings of schema models reach users)."""
    import ast
    from pathlib import Path

    import modeller

    root = Path(modeller.__file__).parent
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef)) \
                    and node.body and isinstance(node.body[0], ast.Expr) \
                    and isinstance(node.body[0].value, ast.Constant):
                docstrings.add(id(node.body[0].value))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in docstrings:
                yield path.relative_to(root), node.value


def test_every_pointer_names_something_the_installed_tool_carries():
    import re

    from modeller.cli.starting import help_topics

    topics = set(help_topics())
    found = []
    for module, text in _package_strings():
        assert "docs/" not in text, (module, text)
        found += [(module, t) for t in re.findall(r"modeller help ([a-z]+)", text)]
    assert found
    assert all(topic in topics for _, topic in found), found


def test_a_percentage_where_a_fraction_belongs_suggests_the_fraction(tmp_path):
    from conftest import load_problems

    path = extending(tmp_path, "example-area", """\
        discount_rate: 3.5
        outcomes:
          recovery_rate: 55
          completion_rate: {value: 41, source: local audit}
        conditions:
          mus:
            share: 1.5
        """)
    problems = "\n".join(load_problems(path))
    assert "recovery_rate: 55: must be less than or equal to 1; a rate is a fraction: " \
           "for 55% write 0.55" in problems
    assert "for 41% write 0.41" in problems
    assert "for 3.5% write 0.035" in problems
    assert "for 1.5% write" not in problems  # more likely a slip than a percentage
    high = extending(tmp_path, "national-faq-2017", "outcomes:\n  recovery_rate: 550\n",
                     name="high.yaml")
    assert "a rate is a fraction" not in "\n".join(load_problems(high))


def test_help_says_what_out_and_format_do_and_builds_default():
    for name, command in cli.commands.items():
        for param in command.params:
            if {"--out", "--format"} & set(getattr(param, "opts", [])):
                assert param.help, f"{name} {param.opts[0]} has no help"
    build = invoke("build", "--help").stdout
    assert "[default: national-faq-2017]" in build
