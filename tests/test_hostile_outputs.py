"""Output paths, builds, exported text and exit codes under hostile or careless use:
nothing but a regular file is ever replaced, a build folder is swapped in whole, CSV
cells cannot run formulas, terminals see no raw control characters, and the exit code
is 0, 2 (bad input or request) or 1 (a defect, with no Python class name shown)."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import extending
from modeller.cli import cli
from modeller.inputs import limits
from modeller.outputs import files
from modeller.outputs.cells import cell, terminal


def invoke(*args, **kw):
    return CliRunner().invoke(cli, [str(a) for a in args], **kw)


# --- output paths -------------------------------------------------------------------------

@pytest.fixture
def odd_paths(tmp_path):
    """A FIFO, symlinks to /dev/null and to a file elsewhere, and a folder."""
    os.mkfifo(tmp_path / "pipe.json")
    (tmp_path / "null.json").symlink_to("/dev/null")
    (tmp_path / "elsewhere.txt").write_text("keep me")
    (tmp_path / "link.json").symlink_to(tmp_path / "elsewhere.txt")
    (tmp_path / "dangling.json").symlink_to(tmp_path / "nowhere" / "x.json")
    return tmp_path


@pytest.mark.parametrize("name, kind", [("pipe.json", "named pipe"),
                                        ("null.json", "symbolic link"),
                                        ("link.json", "symbolic link"),
                                        ("dangling.json", "symbolic link")])
@pytest.mark.parametrize("command", [["run", "national-faq-2017", "--format", "json"],
                                     ["schema"], ["evidence", "copd"],
                                     ["resolve", "example-area"]])
def test_out_refuses_what_is_not_a_regular_file(odd_paths, name, kind, command):
    before = {p.name: (p.is_symlink(), p.is_fifo()) for p in odd_paths.iterdir()}
    result = invoke(*command, "--out", odd_paths / name)
    assert result.exit_code == 2, result.output
    assert kind in result.stderr and "nothing was written" in result.stderr
    assert {p.name: (p.is_symlink(), p.is_fifo()) for p in odd_paths.iterdir()} == before
    assert (odd_paths / "elsewhere.txt").read_text() == "keep me"
    assert not (odd_paths / "nowhere").exists()


def test_report_refuses_a_fifo_before_rendering(odd_paths):
    result = invoke("report", "board-summary", "national-faq-2017", "-o",
                    odd_paths / "pipe.json")
    assert result.exit_code == 2 and "named pipe" in result.stderr
    assert (odd_paths / "pipe.json").is_fifo()


def test_dash_is_standard_output(tmp_path):
    result = invoke("run", "national-faq-2017", "--format", "json", "--out", "-")
    assert result.exit_code == 0 and result.stdout.startswith("{")
    pdf = invoke("report", "board-summary", "national-faq-2017", "-o", "-")
    assert pdf.exit_code == 0 and pdf.stdout_bytes.startswith(b"%PDF")
    assert not Path("-").exists()


def test_write_atomic_replaces_a_regular_file_only(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    files.write_atomic(target, "new")
    assert target.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    (tmp_path / "blocker").write_text("a file where a folder is needed")
    with pytest.raises(files.OutputError, match="Not a directory|cannot create"):
        files.write_atomic(tmp_path / "blocker" / "x.txt", "x")


# --- builds -------------------------------------------------------------------------------

def _listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_a_rebuild_leaves_no_outputs_of_analyses_it_did_not_run(tmp_path):
    out = tmp_path / "reports"
    first = invoke("build", "national-faq-2017-psa", "--psa-draws", "200", "--out-dir", out)
    assert first.exit_code == 0, first.output
    folder = out / "national-faq-2017-psa"
    assert "psa.json" in _listing(folder)
    second = invoke("build", "national-faq-2017-psa", "--out-dir", out)
    assert second.exit_code == 0, second.output
    assert "psa.json" not in _listing(folder)
    assert _listing(folder) == {Path(line).name for line in second.stdout.split()}
    assert _listing(out) == {"national-faq-2017-psa", ".national-faq-2017-psa.lock"}


def test_a_failed_build_keeps_the_old_build_whole(tmp_path, monkeypatch):
    out = tmp_path / "reports"
    assert invoke("build", "national-faq-2017", "--out-dir", out).exit_code == 0
    folder = out / "national-faq-2017"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    import modeller.outputs.reports as reports

    calls = []

    def fail_on_second(kind, bundle, *a, **k):
        calls.append(kind)
        if len(calls) == 2:
            raise RuntimeError("renderer crashed half-way")
        return b"%PDF-new"

    monkeypatch.setattr(reports, "pdf_bytes", fail_on_second)
    result = invoke("build", "national-faq-2017", "--out-dir", out)
    assert result.exit_code == 1 and "renderer crashed" in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert _listing(out) == {"national-faq-2017", ".national-faq-2017.lock"}


@pytest.mark.parametrize("make", ["foreign-file", "file", "symlink", "fifo"])
def test_build_never_replaces_what_it_did_not_write(tmp_path, make):
    out = tmp_path / "reports"
    out.mkdir()
    target = out / "national-faq-2017"
    if make == "foreign-file":
        target.mkdir()
        (target / "my-notes.docx").write_text("mine")
    elif make == "file":
        target.write_text("mine")
    elif make == "symlink":
        (tmp_path / "elsewhere").mkdir()
        target.symlink_to(tmp_path / "elsewhere")
    else:
        os.mkfifo(target)
    result = invoke("build", "national-faq-2017", "--out-dir", out)
    assert result.exit_code == 2, result.output
    assert str(target) in result.stderr
    if make == "foreign-file":
        assert _listing(target) == {"my-notes.docx"}
    elif make == "file":
        assert target.read_text() == "mine"
    elif make == "symlink":
        assert target.is_symlink() and _listing(tmp_path / "elsewhere") == set()
    else:
        assert target.is_fifo()


def test_concurrent_builds_never_mix_and_readers_see_one_whole_build(tmp_path):
    target = tmp_path / "out" / "set"
    names = ["a.txt", "b.txt", "c.txt"]
    stop = threading.Event()
    mixed: list[set] = []
    reads: list[int] = []
    errors: list[Exception] = []

    def reader():
        while not stop.is_set():
            try:
                fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY)
            except FileNotFoundError:
                continue
            try:
                seen = set()
                for name in os.listdir(fd):
                    with open(os.open(name, os.O_RDONLY, dir_fd=fd), "rb") as handle:
                        seen.add(handle.read())
                if len(seen) > 1:
                    mixed.append(seen)
                reads.append(len(seen))
            except FileNotFoundError:
                pass  # an old build, removed after the swap while we read it
            except Exception as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)
            finally:
                os.close(fd)

    def writer(tag: str):
        for i in range(15):
            files.replace_folder(target, {n: f"{tag}{i}" for n in names}, set(names))

    threads = [threading.Thread(target=reader)] + [
        threading.Thread(target=writer, args=(tag,)) for tag in "xy"]
    for t in threads:
        t.start()
    for t in threads[1:]:
        t.join()
    stop.set()
    threads[0].join()
    assert not mixed and not errors and reads
    assert {p.read_text() for p in target.iterdir()} in ({"x14"}, {"y14"})
    assert _listing(target.parent) == {"set", ".set.lock"}


def test_build_psa_without_distributions_is_a_clean_exit_2(tmp_path):
    result = invoke("build", "national-faq-2017", "--psa-draws", "100", "--out-dir",
                    tmp_path)
    assert result.exit_code == 2
    assert "no parameter declares a distribution" in result.stderr
    assert "NoDistributions" not in result.output and "Error:" not in result.stderr
    assert list(tmp_path.iterdir()) == []


# --- folder names -------------------------------------------------------------------------

def test_slugs_keep_safe_names_and_separate_every_other():
    assert files.slug("national-faq-2017") == "national-faq-2017"
    samples = ["a/b", "a b", "A B", "a-b", "A-b", "..", "~", "a\\b", "Área", "area",
               "x" * 300, "x" * 301, "日本", "中国", "a--b"]
    slugs = [files.slug(n) for n in samples]
    assert len(set(slugs)) == len(samples)
    for s in slugs:
        assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", s) and len(s) <= files.SLUG_CHARS
        assert s not in (".", "..")


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=120), st.text(min_size=1, max_size=120))
def test_two_different_names_never_share_a_folder(a, b):
    sa, sb = files.slug(a), files.slug(b)
    assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", sa) and len(sa) <= files.SLUG_CHARS
    if a != b:
        assert sa.lower() != sb.lower()


def test_a_long_name_builds_into_a_short_folder(tmp_path):
    name = "Integrated IAPT-LTC service / North & South (2025/26 bid)"
    path = extending(tmp_path, "national-faq-2017", "description: d\n")
    path.write_text(path.read_text().replace("name: x", f"name: '{name}'"))
    result = invoke("build", path, "--out-dir", tmp_path / "r")
    assert result.exit_code == 0, result.output
    (folder,) = [p for p in (tmp_path / "r").iterdir() if not p.name.startswith(".")]
    assert folder.name == files.slug(name) and "--" in folder.name


# --- exported text ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)",
                                  "\tcmd", "\rcmd"])
def test_formula_text_is_escaped_and_numbers_stay_numbers(text):
    assert cell(text) == "'" + text
    assert cell(-2.5) == -2.5 and cell(0) == 0 and cell(None) is None
    assert cell("COPD") == "COPD"


def test_csv_outputs_escape_user_text(tmp_path):
    path = extending(tmp_path, "national-faq-2017", """\
        conditions:
          all_ltc_mus:
            label: "=HYPERLINK(\\"http://evil\\",\\"click\\")"
        """)
    path.write_text(path.read_text().replace("name: x", "name: '@evil'"))
    out = invoke("run", path, "--format", "csv", "--table", "by_condition").stdout
    assert "'=HYPERLINK" in out and ",=HYPERLINK" not in out
    years = invoke("run", path, "--format", "csv").stdout
    assert ",-307500.0," in years  # a negative number is still a number
    compare = invoke("compare", path, "national-faq-2017", "--format", "csv").stdout
    assert compare.splitlines()[0].startswith("figure,'@evil,")


def test_terminal_text_shows_control_characters_escaped():
    assert terminal("a\x1b[31mb\x9b\u202ec\nd\te") == "a\\x1b[31mb\\x9b\\u202ec\nd\te"
    from modeller.inputs.yamlsource import Problem

    assert "\x1b" not in Problem("f\x1b.yaml", 1, "k\x1b", "v\x1b").format()


# --- exit codes and resource requests -----------------------------------------------------

def test_a_defect_exits_1_with_one_line_and_no_class_name(monkeypatch):
    import modeller.api as api

    def broken(*a, **k):
        raise KeyError("internal")

    monkeypatch.setattr(api, "run", broken)
    result = invoke("run", "national-faq-2017")
    assert result.exit_code == 1
    lines = [l for l in result.stderr.splitlines() if not l.startswith("warning:")]
    assert len(lines) == 1 and "defect" in lines[0] and "--debug" in lines[0]
    assert "KeyError" not in result.output and "Traceback" not in result.output
    debug = invoke("--debug", "run", "national-faq-2017")
    assert isinstance(debug.exception, KeyError)


def test_limits_are_stated_in_help_and_shared_by_every_command():
    for command in (["psa"], ["build"], ["report"]):
        text = invoke(*command, "--help").stdout
        assert f"{limits.MAX_DRAWS:,}" in text, command
    assert f"{limits.MAX_GRID_POINTS:,}" in invoke("grid", "--help").stdout
    for command in (["psa"], ["build"], ["report"]):
        text = " ".join(invoke(*command, "--help").stdout.split())
        assert f"[default: {limits.DEFAULT_SEED};" in text, command


@pytest.mark.parametrize("args", [
    ["psa", "national-faq-2017-psa", "--draws", str(limits.MAX_DRAWS + 1)],
    ["build", "national-faq-2017-psa", "--psa-draws", str(10**8)],
    ["psa", "national-faq-2017-psa", "--seed", "-1"],
    ["grid", "national-faq-2017", "--vary", "outcomes.recovery_rate=0:1:1e-300"],
    ["grid", "national-faq-2017", "--vary", "outcomes.recovery_rate=0:1:0.001",
     "--vary", "outcomes.completion_rate=0:1:0.001"],
    ["grid", "national-faq-2017", "--vary", "costs.per_person_entering=1e999"],
    ["grid", "national-faq-2017", "--vary", "costs.per_person_entering=1e300"],
    ["sensitivity", "national-faq-2017", "--param", "nope"],
])
def test_requests_over_a_limit_exit_2_before_any_work(args, tmp_path):
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Error" not in result.stderr.split(":")[0]


def test_api_requests_are_checked_before_allocation():
    import modeller

    s = modeller.load("national-faq-2017-psa")
    with pytest.raises(limits.RequestError, match="MAX_DRAWS"):
        modeller.psa(s, draws=10**9)
    with pytest.raises(limits.RequestError, match="seed"):
        modeller.psa(s, draws=10, seed=-1)
    with pytest.raises(limits.RequestError, match="MAX_GRID_VALUES"):
        modeller.grid(s, {"outcomes.recovery_rate": [0.5] * (limits.MAX_GRID_VALUES + 1)})
    with pytest.raises(limits.RequestError, match="finite"):
        modeller.grid(s, {"outcomes.recovery_rate": [float("nan")]})
    with pytest.raises(limits.RequestError, match="outside the allowed values"):
        modeller.grid(s, {"outcomes.recovery_rate": [5.0]})


def test_a_build_removes_what_a_killed_build_left(tmp_path):
    out = tmp_path / "reports"
    leftover = out / ".national-faq-2017.k1ll3d.tmp"
    leftover.mkdir(parents=True)
    (leftover / "results.json").write_text("half")
    other = out / ".other-set.k1ll3d.tmp"
    other.mkdir()
    assert invoke("build", "national-faq-2017", "--out-dir", out).exit_code == 0
    assert not leftover.exists() and other.exists()
