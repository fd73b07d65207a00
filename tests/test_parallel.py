"""The forked child that renders the business case during a build
(modeller/outputs/parallel.py): same value, same errors, same bytes as serial work."""

from __future__ import annotations

import os
import threading

import pytest

from modeller.outputs import parallel


class Refused(Exception):
    pass


def test_value_comes_from_a_child_process(monkeypatch):
    monkeypatch.delenv("MODELLER_SERIAL", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    here = os.getpid()
    pending = parallel.in_child(lambda: (os.getpid(), b"x" * 300_000))
    pid, data = pending.result()
    assert pid != here  # really forked
    assert data == b"x" * 300_000  # more than a pipe's buffer comes back whole


def test_the_childs_exception_is_raised_here(monkeypatch):
    monkeypatch.delenv("MODELLER_SERIAL", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    def fail():
        raise Refused("report rendering stopped: refused")

    with pytest.raises(Refused, match="report rendering stopped: refused"):
        parallel.in_child(fail).result()


def test_an_unpicklable_exception_still_fails_loudly(monkeypatch):
    monkeypatch.delenv("MODELLER_SERIAL", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    class Local(Exception):  # local classes cannot be pickled
        pass

    def fail():
        raise Local("x")

    with pytest.raises(RuntimeError, match="child process"):
        parallel.in_child(fail).result()


@pytest.mark.parametrize("why", ["serial", "one cpu", "threads"])
def test_work_stays_in_this_process_when_forking_is_unsafe(monkeypatch, why):
    monkeypatch.delenv("MODELLER_SERIAL", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    stop = threading.Event()
    if why == "serial":
        monkeypatch.setenv("MODELLER_SERIAL", "1")
    elif why == "one cpu":
        monkeypatch.setattr(os, "cpu_count", lambda: 1)
    else:
        thread = threading.Thread(target=stop.wait)
        thread.start()
    try:
        assert parallel.in_child(os.getpid).result() == os.getpid()
    finally:
        stop.set()


def test_parallel_build_is_byte_identical_to_serial(tmp_path, monkeypatch):
    import modeller

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    s = modeller.load("national-faq-2017")
    monkeypatch.delenv("MODELLER_SERIAL", raising=False)
    forked = modeller.build(s, tmp_path / "forked")
    monkeypatch.setenv("MODELLER_SERIAL", "1")
    serial = modeller.build(s, tmp_path / "serial")
    assert [p.name for p in forked] == [p.name for p in serial]
    for a, b in zip(forked, serial):
        assert a.read_bytes() == b.read_bytes(), a.name
