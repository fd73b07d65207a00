"""The CLI as a newcomer meets it: sets copied out of the repo, resolved sets moved
elsewhere, starting a new set, help that the installed tool carries."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from conftest import extending, write_local_evidence
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
    write_local_evidence(home / "local-evidence")
    path = extending(home, "national-faq-2017", """\
        evidence_library: [local-evidence]
        conditions:
          all_ltc_mus:
            annual_saving: {evidence: local-copd-audit}
        """)
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
