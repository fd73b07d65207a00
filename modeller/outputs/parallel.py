"""A forked child process that renders one report while this process does the rest.

A build's time is almost all WeasyPrint laying out the business case (about 20 pages);
the logic model, the board summary, the workbook and the text outputs together take less.
On a machine with more than one core, a :class:`Worker` forks a child early (the CLI
starts it before it even imports the model), the child imports WeasyPrint and the report
modules while this process loads and runs the set, then the child renders the business
case from the bundle it is sent while this process renders everything else (issue 11:
a build within 3x one bare WeasyPrint process; ``benchmarks/bench_build.py``).

The result is the same bytes either way: the child runs the very same function on an
exact copy of the same data (pickled: plain dicts, lists, strings and floats round-trip
exactly), so builds stay byte-identical. Work runs in this process instead when forking
is not available or not safe:

* no ``os.fork`` (Windows), or one CPU only;
* more than one thread running (the web app's server threads): forking a threaded
  process can copy a lock another thread holds;
* ``MODELLER_SERIAL=1`` in the environment (to compare or debug);
* a job that cannot be pickled (a local function, as tests substitute): it runs here.

A failure in the child is raised here as the same exception (pickled back), so a
refused resource is reported exactly as it would be without the child. The child never
returns into the caller's code: it leaves with :func:`os._exit` whatever happens, and
leaves at once if this process closes the worker (or dies) without sending a job.
"""

from __future__ import annotations

import importlib
import os
import pickle
import signal
import threading
from typing import Any, Callable, Sequence


#: The process id of this process if it is a :class:`Worker`'s child, else 0.
_child_pid = 0


def in_child() -> bool:
    """Whether this process is a :class:`Worker`'s forked child (it leaves with
    :func:`os._exit` once its job is done, so nothing it holds is collected)."""
    return _child_pid == os.getpid()


def forking_allowed() -> bool:
    """Whether a :class:`Worker` will fork (see the module docstring for when not)."""
    return (hasattr(os, "fork") and (os.cpu_count() or 1) > 1
            and threading.active_count() == 1
            and os.environ.get("MODELLER_SERIAL", "") not in ("1", "true", "yes"))


def _read_all(fd: int) -> bytes:
    with os.fdopen(fd, "rb") as pipe:
        return pipe.read()


def _outcome(fn: Callable, args: tuple) -> bytes:
    """``(True, value)`` or ``(False, exception)``, pickled."""
    try:
        return pickle.dumps((True, fn(*args)), pickle.HIGHEST_PROTOCOL)
    except BaseException as error:  # noqa: BLE001 - re-raised in the parent
        try:
            return pickle.dumps((False, error), pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            return pickle.dumps((False, RuntimeError(
                f"rendering failed in a child process ({type(error).__name__})")))


class Worker:
    """One forked child that imports ``warm`` modules, then runs one job.

    Use :meth:`submit` once, then :meth:`result`; :meth:`close` (or the ``with`` block)
    ends a child that was never given a job. Without forking (see
    :func:`forking_allowed`) the job runs in this process, in :meth:`result`.
    """

    def __init__(self, warm: Sequence[str] = ()):
        self._pid = 0
        self._job_w = self._result_r = -1
        self._job: tuple[Callable, tuple] | None = None
        if forking_allowed():
            self._fork(tuple(warm))

    def _fork(self, warm: tuple[str, ...]) -> None:
        job_r, job_w = os.pipe()
        result_r, result_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            global _child_pid
            _child_pid = os.getpid()
            status = 1
            try:
                os.close(job_w)
                os.close(result_r)
                for name in warm:  # only warming: the job's own imports report failures
                    try:
                        importlib.import_module(name)
                    except Exception:  # noqa: BLE001
                        pass
                job = _read_all(job_r)
                if job:
                    fn, args = pickle.loads(job)  # our parent's bytes, our own pipe
                    payload = _outcome(fn, args)
                    with os.fdopen(result_w, "wb") as pipe:
                        pipe.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(job_r)
        os.close(result_w)
        self._pid, self._job_w, self._result_r = pid, job_w, result_r

    def submit(self, fn: Callable, *args: Any) -> None:
        """Send the job: ``fn`` must be a module-level function (it is pickled by name)
        and ``args`` plain data."""
        if self._job is not None:
            raise RuntimeError("a Worker runs one job")
        self._job = (fn, args)
        if self._pid:
            try:
                data = pickle.dumps(self._job, pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - e.g. a local function: run it here instead
                self._reap(kill=True)
                return
            with os.fdopen(self._job_w, "wb") as pipe:
                pipe.write(data)
            self._job_w = -1

    def result(self) -> Any:
        """The job's value; re-raises its exception."""
        if self._job is None:
            raise RuntimeError("no job was submitted")
        if not self._pid:
            fn, args = self._job
            return fn(*args)
        try:
            data = _read_all(self._result_r)
            self._result_r = -1
        finally:
            self._reap()
        if not data:
            raise RuntimeError("a rendering child process ended without a result")
        ok, value = pickle.loads(data)  # our own child's bytes, through our own pipe
        if not ok:
            raise value
        return value

    def _reap(self, kill: bool = False) -> None:
        if kill and self._pid:
            try:  # a job nobody will collect, or warming nobody needs
                os.kill(self._pid, signal.SIGKILL)
            except OSError:
                pass
        for fd in (self._job_w, self._result_r):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._job_w = self._result_r = -1
        if self._pid:
            try:
                os.waitpid(self._pid, 0)
            except OSError:
                pass
            self._pid = 0

    def close(self) -> None:
        """End the child (if any) without a result; safe to call more than once."""
        self._reap(kill=True)

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:  # never leave a zombie behind
        self._reap(kill=True)
