"""The forked child that renders the business case during a build
(modeller/outputs/parallel.py): same value, same errors, same bytes as serial work."""

from __future__ import annotations

import os
import threading

import pytest

from modeller.outputs import parallel


class Refused(Exception):
    pass


class Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("not picklable")


def pid_and_bytes(n: int) -> tuple[int, bytes]:
    return os.getpid(), b"x" * n


def refuse(message: str) -> None:
    raise Refused(message)


def refuse_unpicklably() -> None:
    raise Unpicklable("x")


@pytest.fixture
def two_cpus(monkeypatch):
    monkeypatch.delenv("MODELLER_SERIAL", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


def test_value_comes_from_a_child_process(two_cpus):
    with parallel.Worker(warm=("json",)) as worker:
        worker.submit(pid_and_bytes, 300_000)
        pid, data = worker.result()
    assert pid != os.getpid()  # really forked
    assert data == b"x" * 300_000  # more than a pipe's buffer comes back whole


def test_the_childs_exception_is_raised_here(two_cpus):
    with parallel.Worker() as worker:
        worker.submit(refuse, "report rendering stopped: refused")
        with pytest.raises(Refused, match="report rendering stopped: refused"):
            worker.result()


def test_an_unpicklable_exception_still_fails_loudly(two_cpus):
    with parallel.Worker() as worker:
        worker.submit(refuse_unpicklably)
        with pytest.raises(RuntimeError, match="child process \\(Unpicklable\\)"):
            worker.result()


def test_a_worker_closed_without_a_job_leaves_no_process(two_cpus):
    worker = parallel.Worker(warm=("no_such_module_x",))  # a failed warm-up is harmless
    pid = worker._pid
    assert pid
    worker.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # already reaped
    worker.close()  # twice is fine


def test_a_job_that_cannot_be_sent_runs_here(two_cpus):
    with parallel.Worker() as worker:
        worker.submit(lambda: os.getpid())
        assert worker.result() == os.getpid()


@pytest.mark.parametrize("why", ["serial", "one cpu", "threads"])
def test_work_stays_in_this_process_when_forking_is_unsafe(two_cpus, monkeypatch, why):
    stop = threading.Event()
    if why == "serial":
        monkeypatch.setenv("MODELLER_SERIAL", "1")
    elif why == "one cpu":
        monkeypatch.setattr(os, "cpu_count", lambda: 1)
    else:
        threading.Thread(target=stop.wait).start()
    try:
        with parallel.Worker() as worker:
            worker.submit(pid_and_bytes, 1)
            assert worker.result() == (os.getpid(), b"x")
    finally:
        stop.set()


def test_parallel_build_is_byte_identical_to_serial(tmp_path, two_cpus, monkeypatch):
    import modeller

    s = modeller.load("national-faq-2017")
    forked = modeller.build(s, tmp_path / "forked")
    monkeypatch.setenv("MODELLER_SERIAL", "1")
    serial = modeller.build(s, tmp_path / "serial")
    assert [p.name for p in forked] == [p.name for p in serial]
    for a, b in zip(forked, serial):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_a_build_writes_the_reports_report_pdf_makes(tmp_path, two_cpus):
    """The build lays out the business case from HTML made in the main process
    (``pdf_from_html``); each PDF it writes, scenario sets attached, is the one
    ``report_pdf`` renders from the bundle alone."""
    import modeller

    s = modeller.load("example-area")
    scenarios = ["national-faq-2017"]
    written = {p.name: p for p in modeller.build(s, tmp_path / "out", scenarios=scenarios)}
    for kind in modeller.REPORT_KINDS:
        assert written[f"{kind}.pdf"].read_bytes() == modeller.report_pdf(
            kind, s, scenarios=scenarios), kind


def test_a_forked_build_leaves_no_font_folder_behind(tmp_path, two_cpus, monkeypatch):
    """WeasyPrint copies the fonts into a temporary folder it removes when its font
    configuration is collected; the forked child, leaving with os._exit, must remove its
    own (it left 1.5 MB per build), and this process's goes with release_fonts."""
    import tempfile

    import modeller
    from modeller.outputs.reports.pdf import release_fonts

    temp = tmp_path / "temp"
    temp.mkdir()
    release_fonts()  # fonts loaded by earlier tests live in the usual folder
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    modeller.build(modeller.load("national-faq-2017"), tmp_path / "out")
    assert len(list(temp.glob("weasyprint-*"))) == 1  # this process's, still in use
    release_fonts()
    assert not list(temp.glob("weasyprint-*"))


def test_a_build_run_here_keeps_the_fonts_other_renders_use(tmp_path, monkeypatch):
    """Without a child (threads running, one CPU) the job runs here and must not delete
    the fonts this process's other reports (and threads) are using."""
    import modeller
    from modeller.outputs.reports import pdf

    monkeypatch.setenv("MODELLER_SERIAL", "1")
    s = modeller.load("national-faq-2017")
    fonts = pdf._shared_resources()["fonts"]
    modeller.build(s, tmp_path / "out")
    assert pdf._shared_resources()["fonts"] is fonts
    assert fonts._folder is None or fonts._folder.is_dir()
    assert parallel.in_child() is False


def test_a_child_never_frees_the_fonts_it_inherits(tmp_path, two_cpus):
    """A child forked after this process loaded its fonts renders with its own, and
    releasing them leaves this process's folder in place."""
    import modeller
    from modeller.outputs.reports import pdf

    s = modeller.load("national-faq-2017")
    modeller.report_pdf("board-summary", s)  # this process's fonts, copied to a folder
    folder = pdf._shared_resources()["fonts"]._folder
    assert folder is not None and folder.is_dir()
    modeller.build(s, tmp_path / "out")  # a child renders the business case, then frees
    assert folder.is_dir()
    modeller.report_pdf("board-summary", s)


def test_a_build_that_fails_before_its_result_ends_its_child(tmp_path, two_cpus,
                                                             monkeypatch):
    """A failure after the child is sent its job (here, writing the JSON) ends the child
    at once, not when the worker happens to be collected."""
    import modeller
    from modeller.outputs import build, text

    def broken(_):
        raise Refused("no JSON")

    monkeypatch.setattr(text, "to_json", broken)
    worker = parallel.Worker()
    pid = worker._pid
    assert pid
    with pytest.raises(Refused):
        build.write_build(tmp_path / "out", {}, modeller.bundle("national-faq-2017"),
                          worker=worker)
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already ended and reaped
