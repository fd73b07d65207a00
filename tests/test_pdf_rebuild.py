"""A report PDF rebuilds itself: ``build.yaml`` and the scenario sets it embeds.

``modeller build REPORT.pdf`` (and ``report KIND REPORT.pdf``, and the API given a PDF's
path) reuse the embedded scenario sets and analyses (``workbook REPORT.pdf`` the
scenario sets), so the same version of the tool writes byte-identical files; options
given replace the embedded ones. The manifest and scenario attachments are untrusted:
hostile ones are clear problems naming the PDF and the attachment, never a traceback,
never a value of the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from modeller import __version__, api
from modeller.cli import cli
from modeller.inputs import embedded
from modeller.inputs.limits import MAX_REPORT_SEED, MAX_SET_BYTES, RequestError

GRID = "outcomes.recovery_rate=0.4:0.6:0.1"
OPTIONS = ["--scenario", "scenarios/optimistic", "--sensitivity", "--psa-draws", "50",
           "--seed", "7", "--grid", GRID]
SECRET = "SECRET-do-not-echo"


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> Path:
    """A full build with a scenario, sensitivity, a small PSA and a grid."""
    root = tmp_path_factory.mktemp("original")
    result = CliRunner().invoke(cli, ["build", "national-faq-2017-psa", *OPTIONS,
                                      "--out-dir", str(root)])
    assert result.exit_code == 0, result.output
    return root / "national-faq-2017-psa"


def _attachments(pdf: Path) -> dict[str, bytes]:
    return {name: data[0] for name, data in PdfReader(str(pdf)).attachments.items()}


def test_every_report_carries_its_build_manifest(original):
    for pdf in sorted(original.glob("*.pdf")):
        files = _attachments(pdf)
        assert list(files) == ["assumption-set.yaml", "scenario-1.yaml", "build.yaml"]
        text = files["build.yaml"].decode()
        assert "scenarios:\n- scenario-1.yaml\nsensitivity: true\npsa_draws: 50\n" \
               "seed: 7\n" in text
        assert f"grid:\n- {GRID}\n" in text
        options, problems = embedded.parse_manifest(files["build.yaml"], "x")
        assert problems == [] and options.psa_draws == 50 and options.grid == (GRID,)


def test_building_from_the_pdf_gives_byte_identical_files(original, tmp_path):
    result = CliRunner().invoke(cli, ["build", str(original / "business-case.pdf"),
                                      "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    again = tmp_path / "national-faq-2017-psa"
    for name in ("logic-model.pdf", "business-case.pdf", "board-summary.pdf",
                 "results.json", "sensitivity.json", "psa.json", "grid.csv",
                 "by_year.csv", "summary.txt", "national-faq-2017-psa.xlsx"):
        assert (again / name).read_bytes() == (original / name).read_bytes(), name
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert notes == [
        "note: business-case.pdf: reusing the embedded scenario set scenario-1.yaml "
        "(Optimistic scenario: the favourable end of every range)",
        "note: business-case.pdf: reusing the embedded --sensitivity (one-way "
        "sensitivity and break-even thresholds)",
        "note: business-case.pdf: reusing the embedded --psa-draws 50",
        "note: business-case.pdf: reusing the embedded --seed 7",
        f"note: business-case.pdf: reusing the embedded --grid {GRID}",
    ]


def test_report_from_the_pdf_is_the_same_report(original, tmp_path):
    out = tmp_path / "again.pdf"
    result = CliRunner().invoke(cli, ["report", "board-summary",
                                      str(original / "logic-model.pdf"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (original / "board-summary.pdf").read_bytes()
    # The API given the PDF's path reuses the same options.
    assert api.report_pdf("board-summary", original / "board-summary.pdf") == \
        out.read_bytes()


def test_options_given_replace_the_embedded_ones(original):
    pdf = original / "business-case.pdf"
    plan = api.build_plan(pdf, scenarios=["scenarios/pessimistic"], sensitivity=False,
                          psa_draws=20)
    o = plan.options
    assert [s.name for s in o["scenarios"]] == ["national-faq-2017-pessimistic"]
    assert o["sensitivity"] is False and o["psa_draws"] == 20 and o["seed"] == 7
    assert o["grid"] == [GRID]
    assert any("--scenario given, so the embedded scenario set scenario-1.yaml" in n
               for n in plan.notes)
    assert any("--sensitivity given" in n for n in plan.notes)
    assert "business-case.pdf: reusing the embedded --seed 7" in plan.notes
    bare = api.build_plan(pdf, embedded=False)
    assert bare.options == {"scenarios": [], "sensitivity": False, "psa_draws": None,
                            "seed": 1, "grid": []} and bare.notes == ()
    assert bare.set.hash == api.load("national-faq-2017-psa").hash
    # A set loaded from the PDF is the set alone: only a PDF's path brings its options.
    assert api.build_plan(api.load(pdf)).options["scenarios"] == []


def test_cli_no_sensitivity_and_scenario_replace_and_say_so(original, tmp_path):
    out = tmp_path / "bs.pdf"
    result = CliRunner().invoke(cli, [
        "report", "board-summary", str(original / "business-case.pdf"), "-o", str(out),
        "--no-sensitivity", "--scenario", "scenarios/pessimistic"])
    assert result.exit_code == 0, result.output
    files = _attachments(out)
    text = files["build.yaml"].decode()
    assert "sensitivity: false" in text and "psa_draws: 50" in text
    assert files["scenario-1.yaml"] != _attachments(original / "board-summary.pdf")[
        "scenario-1.yaml"]
    assert "--scenario given, so the embedded scenario set scenario-1.yaml" in result.stderr
    assert "reusing the embedded --grid" in result.stderr


def _workbook(tmp_path: Path, name: str, *argv: str):
    """``modeller workbook ARGV -o NAME``: the bytes written and the ``note:`` lines."""
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["workbook", *argv, "-o", str(out)])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    return out.read_bytes(), notes


def test_a_workbook_from_the_pdf_reuses_its_scenario_sets(original, tmp_path):
    pdf = str(original / "business-case.pdf")
    again, notes = _workbook(tmp_path, "again.xlsx", pdf)
    direct, _ = _workbook(tmp_path, "direct.xlsx", "national-faq-2017-psa",
                          "--scenario", "scenarios/optimistic")
    bare, _ = _workbook(tmp_path, "bare.xlsx", "national-faq-2017-psa")
    assert again == direct == (original / "national-faq-2017-psa.xlsx").read_bytes()
    assert again != bare  # the scenario is a column, not left out
    # Only the scenario set: a workbook has no place for the embedded analyses.
    assert notes == ["note: business-case.pdf: reusing the embedded scenario set "
                     "scenario-1.yaml (Optimistic scenario: the favourable end of every "
                     "range)"]
    alone, notes = _workbook(tmp_path, "alone.xlsx", pdf, "--no-embedded")
    assert alone == bare and notes == []
    # The API given the PDF's path does the same.
    assert api.workbook(original / "business-case.pdf") == again
    assert api.workbook(original / "business-case.pdf", embedded=False) == bare
    assert api.workbook(original / "business-case.pdf", scenarios=[]) == bare


def test_a_workbook_scenario_given_replaces_the_embedded_ones(original, tmp_path):
    replaced, notes = _workbook(tmp_path, "replaced.xlsx",
                                str(original / "board-summary.pdf"),
                                "--scenario", "scenarios/pessimistic")
    direct, _ = _workbook(tmp_path, "direct.xlsx", "national-faq-2017-psa",
                          "--scenario", "scenarios/pessimistic")
    assert replaced == direct
    assert notes == ["note: board-summary.pdf: --scenario given, so the embedded "
                     "scenario set scenario-1.yaml (Optimistic scenario: the favourable "
                     "end of every range) is not used"]


def test_the_seed_a_report_records_is_bounded():
    result = CliRunner().invoke(cli, ["build", "national-faq-2017-psa", "--psa-draws",
                                      "5", "--seed", str(MAX_REPORT_SEED + 1)])
    assert result.exit_code == 2
    with pytest.raises(RequestError) as error:
        embedded.manifest_yaml(embedded.BuildOptions(psa_draws=5, seed=MAX_REPORT_SEED + 1))
    assert "MAX_REPORT_SEED" in str(error.value)
    assert "seed: 999999999999999999" in embedded.manifest_yaml(
        embedded.BuildOptions(psa_draws=5, seed=MAX_REPORT_SEED))


# --- hostile PDFs ---------------------------------------------------------------------


def _pdf(tmp_path: Path, files: dict[str, bytes], name: str = "hostile.pdf") -> Path:
    """A one-page PDF carrying ``files`` as attachments."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    for attachment, data in files.items():
        writer.add_attachment(attachment, data)
    path = tmp_path / name
    with path.open("wb") as handle:
        writer.write(handle)
    return path


@pytest.fixture(scope="module")
def carried(original) -> dict[str, bytes]:
    return _attachments(original / "board-summary.pdf")


def _manifest(**changes) -> bytes:
    data = {"manifest_version": 1, "modeller": "0.1.0", "scenarios": ["scenario-1.yaml"],
            "sensitivity": False, "psa_draws": None, "seed": None, "grid": []}
    data.update(changes)
    import yaml

    return yaml.safe_dump({k: v for k, v in data.items() if v != "DROP"},
                          sort_keys=False).encode()


def _refused(pdf: Path, *argv: str) -> str:
    result = CliRunner().invoke(cli, ["build", str(pdf), "--out-dir",
                                      str(pdf.parent / "out"), *argv])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Error:" not in result.output
    assert SECRET not in result.output
    assert not (pdf.parent / "out").exists()
    return result.stderr


def test_a_tampered_manifest_is_every_problem_named_never_echoed(tmp_path, carried):
    bad = _manifest(sensitivity="yes", psa_draws=2_000_000, seed=-1, grid=[SECRET],
                    scenarios=[f"{SECRET}.yaml"], modeller=["x"])
    bad += f"extra_{SECRET}: {SECRET}\n".encode()
    pdf = _pdf(tmp_path, {"assumption-set.yaml": carried["assumption-set.yaml"],
                          "build.yaml": bad})
    err = _refused(pdf)
    label = f"{pdf} (build.yaml)"
    for field in ("sensitivity: must be true or false",
                  "psa_draws: must be null or a whole number from 1 to 1,000,000",
                  "seed: must be null or a whole number from 0",
                  "grid[0]: must be a PATH=VALUES text",
                  "scenarios[0]: must be a scenario attachment name",
                  "modeller: must be the version",
                  "an unknown key in the build manifest"):
        assert field in err, field
    assert err.count(label) >= 7


@pytest.mark.parametrize("manifest, message", [
    (b"- not a mapping\n", "the build manifest must be a mapping"),
    (b"manifest_version: 1\nscenarios: [\n", "YAML syntax error"),
    (b"\xff\xfe" + SECRET.encode(), "the build manifest is not UTF-8 text"),
    (_manifest(manifest_version=2), "manifest_version: must be the whole number 1"),
    (_manifest(manifest_version=True), "manifest_version: must be the whole number 1"),
    (_manifest(modeller="1.0\x1b[31m"), "modeller: must be the version of the tool"),
    (_manifest(psa_draws="DROP"), "the build manifest has no psa_draws"),
    (_manifest(seed=3), "seed: a seed is recorded only with psa_draws"),
    (_manifest(scenarios=["scenario-1.yaml", "scenario-1.yaml"]),
     "names a scenario attachment more than once"),
    (_manifest(scenarios=["scenario-1.yaml", "scenario-2.yaml"]),
     "scenarios[1]: names the attachment scenario-2.yaml, which this PDF does not carry"),
    (_manifest(grid=["outcomes.recovery_rate=0:1:0.00001"]),
     "grid[0]: --vary 'outcomes.recovery_rate=0:1:0.00001': more than 10,000 values"),
    (_manifest(grid=["nothing.here=1,2"]), "grid[0]: --vary 'nothing.here=1,2': unknown "
                                           "parameter"),
    (_manifest(grid=["outcomes.recovery_rate=0:1:0.01", "outcomes.completion_rate=0:1:0.001"]),
     "grid: 101,101 combinations; at most 100,000"),
])
def test_a_bad_manifest_is_a_clear_problem(tmp_path, carried, manifest, message):
    pdf = _pdf(tmp_path, {"assumption-set.yaml": carried["assumption-set.yaml"],
                          "scenario-1.yaml": carried["scenario-1.yaml"],
                          "build.yaml": manifest})
    err = _refused(pdf)
    assert f"{pdf} (build.yaml)" in err
    assert message in err
    # --no-embedded reuses the assumption set alone, whatever the manifest holds.
    assert api.build_plan(pdf, embedded=False).set.hash == \
        api.load("national-faq-2017-psa").hash


def test_an_embedded_psa_the_set_cannot_run_names_the_manifest(tmp_path):
    plain = api.load("national-faq-2017").to_yaml().encode()  # no distributions
    pdf = _pdf(tmp_path, {"assumption-set.yaml": plain,
                          "build.yaml": _manifest(scenarios=[], psa_draws=10, seed=1,
                                                  grid=["nothing.here=1"])})
    err = _refused(pdf)
    assert f"{pdf} (build.yaml): psa_draws: national-faq-2017: no parameter declares " \
           "a distribution" in err
    assert f"{pdf} (build.yaml): grid[0]: --vary" in err
    assert "2 problem(s) found" in err
    # Given on the command line, the analyses are the user's own request.
    assert api.build_plan(pdf, psa_draws=5, grid=[]).options["psa_draws"] == 5


@pytest.mark.parametrize("attachment", ["build.yaml", "scenario-1.yaml"])
def test_an_oversized_attachment_is_refused(tmp_path, carried, attachment):
    files = {"assumption-set.yaml": carried["assumption-set.yaml"],
             "scenario-1.yaml": carried["scenario-1.yaml"], "build.yaml": _manifest()}
    files[attachment] = b"# " + SECRET.encode() + b"x" * MAX_SET_BYTES + b"\n"
    err = _refused(_pdf(tmp_path, files))
    assert f"the embedded file '{attachment}' is larger than 2,097,152 bytes" in err


def test_an_embedded_scenario_must_be_self_contained(tmp_path, carried):
    scenario = b"extends: ../../../home/" + SECRET.encode() + b".yaml\n" + \
        carried["scenario-1.yaml"]
    pdf = _pdf(tmp_path, {"assumption-set.yaml": carried["assumption-set.yaml"],
                          "scenario-1.yaml": scenario, "build.yaml": _manifest()})
    err = _refused(pdf)
    assert f"{pdf} (scenario-1.yaml):1: extends: a set embedded in a PDF must be " \
           "resolved" in err


def test_an_invalid_embedded_scenario_names_its_attachment(tmp_path, carried):
    scenario = carried["scenario-1.yaml"].replace(b"\ncurrency: GBP\n",
                                                  b"\ncurrency: GBP\nhorizon: 5\n")
    assert scenario != carried["scenario-1.yaml"]
    pdf = _pdf(tmp_path, {"assumption-set.yaml": carried["assumption-set.yaml"],
                          "scenario-1.yaml": scenario, "build.yaml": _manifest()})
    err = _refused(pdf)
    assert f"{pdf} (scenario-1.yaml):" in err and "horizon: unknown key" in err


def test_a_pdf_without_a_manifest_reuses_its_scenarios_in_order(tmp_path, carried):
    optimistic = carried["scenario-1.yaml"]
    pessimistic = api.load("scenarios/pessimistic")
    pdf = _pdf(tmp_path, {"assumption-set.yaml": carried["assumption-set.yaml"],
                          "scenario-10.yaml": pessimistic.to_yaml().encode(),
                          "scenario-2.yaml": optimistic})
    plan = api.build_plan(pdf)
    assert [s.hash for s in plan.options["scenarios"]] == [
        api.load("scenarios/optimistic").hash, pessimistic.hash]
    assert plan.options["sensitivity"] is False and plan.options["psa_draws"] is None
    assert "carries no build manifest" in plan.notes[0]


def test_a_report_built_by_another_version_says_so(tmp_path, carried):
    pdf = _pdf(tmp_path, {"assumption-set.yaml": carried["assumption-set.yaml"],
                          "scenario-1.yaml": carried["scenario-1.yaml"],
                          "build.yaml": _manifest(modeller="0.0.9")})
    plan = api.build_plan(pdf)
    assert plan.notes[0].startswith("hostile.pdf was built by modeller 0.0.9; this is "
                                    f"modeller {__version__}")
    assert len(plan.options["scenarios"]) == 1


def test_a_workbook_reads_the_embedded_files_as_build_does(tmp_path, carried):
    """A tampered manifest is refused by `workbook` too (--no-embedded reads the set
    alone); an embedded PSA or grid the set cannot run is no concern of a workbook."""
    bad = _pdf(tmp_path, {"assumption-set.yaml": carried["assumption-set.yaml"],
                          "scenario-1.yaml": carried["scenario-1.yaml"],
                          "build.yaml": _manifest(psa_draws=2_000_000)}, "bad.pdf")
    result = CliRunner().invoke(cli, ["workbook", str(bad), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and f"{bad} (build.yaml):" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()
    alone, notes = _workbook(tmp_path, "alone.xlsx", str(bad), "--no-embedded")
    assert alone == api.workbook("national-faq-2017-psa") and notes == []
    plain = api.load("national-faq-2017").to_yaml().encode()  # no distributions
    pdf = _pdf(tmp_path, {"assumption-set.yaml": plain,
                          "scenario-1.yaml": carried["scenario-1.yaml"],
                          "build.yaml": _manifest(psa_draws=10, seed=1,
                                                  grid=["nothing.here=1"])}, "psa.pdf")
    book, notes = _workbook(tmp_path, "psa.xlsx", str(pdf))
    assert book == api.workbook("national-faq-2017", scenarios=["scenarios/optimistic"])
    assert any("reusing the embedded scenario set scenario-1.yaml" in n for n in notes)
    assert not any("--psa-draws" in n or "--grid" in n for n in notes)


def test_a_damaged_pdf_is_one_problem_and_a_bad_set_is_reported_with_the_manifest(
        tmp_path, carried):
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + SECRET.encode())
    err = _refused(damaged)
    assert err.count("not a readable PDF report") == 1
    bad_set = carried["assumption-set.yaml"].replace(b"\ncurrency: GBP\n",
                                                     b"\ncurrency: GBP\nhorizon: 5\n")
    pdf = _pdf(tmp_path, {"assumption-set.yaml": bad_set, "build.yaml": b"- x\n"})
    err = _refused(pdf)
    assert f"{pdf} (assumption-set.yaml):" in err and "horizon: unknown key" in err
    assert f"{pdf} (build.yaml):" in err and "must be a mapping" in err


def test_a_plan_reads_the_pdf_once(original, monkeypatch):
    """build_plan reads the PDF's attachments once for its set, manifest and scenario
    sets (pypdf's reading is most of a plan's time); the set is the one `load` gives."""
    from modeller.inputs import pdfset

    pdf = original / "business-case.pdf"
    reads = []
    real = pdfset.attachments
    monkeypatch.setattr(pdfset, "attachments", lambda path: reads.append(path) or real(path))
    plan = api.build_plan(pdf)
    assert reads == [pdf] and len(plan.options["scenarios"]) == 1
    assert plan.set.loaded == api.load(pdf).loaded
