"""Run one piece of rendering in a forked child process while this process does the rest.

A build's time is almost all WeasyPrint laying out the business case (about 20 pages);
the logic model, the board summary, the workbook and the text outputs together take less.
On a machine with more than one core, :func:`in_child` starts the business case in a
forked copy of this process (no re-import, no pickling of the bundle: the child inherits
it) and the caller renders everything else meanwhile, then collects the child's bytes
(issue 11: a build within 3x one bare WeasyPrint process; ``benchmarks/bench_build.py``).

The result is the same bytes either way: the child runs the very same function on the
very same data, so builds stay byte-identical. Work runs in this process instead when
forking is not available or not safe:

* no ``os.fork`` (Windows), or one CPU only;
* more than one thread running (the web app's server threads): forking a threaded
  process can copy a lock another thread holds;
* ``MODELLER_SERIAL=1`` in the environment (to compare or debug).

A failure in the child is raised in the caller as the same exception (pickled back),
so a refused resource is reported exactly as it would be without the child. The child
never returns into the caller's code: it leaves with :func:`os._exit` whatever happens.
"""

from __future__ import annotations

import os
import pickle
import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


def _forking_allowed() -> bool:
    return (hasattr(os, "fork") and (os.cpu_count() or 1) > 1
            and threading.active_count() == 1
            and os.environ.get("MODELLER_SERIAL", "") not in ("1", "true", "yes"))


class Pending(Generic[T]):
    """The result of :func:`in_child`: call :meth:`result` once to collect it."""

    def __init__(self, fn: Callable[[], T]):
        self._fn = fn
        self._pid = 0
        self._read = -1
        if _forking_allowed():
            self._start()

    def _start(self) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, send (ok, value) back, leave at once
            os.close(read)
            status = 1
            try:
                try:
                    payload = pickle.dumps((True, self._fn()), pickle.HIGHEST_PROTOCOL)
                except BaseException as error:  # noqa: BLE001 - re-raised in the parent
                    try:
                        payload = pickle.dumps((False, error), pickle.HIGHEST_PROTOCOL)
                    except Exception:  # noqa: BLE001 - an unpicklable exception
                        payload = pickle.dumps((False, RuntimeError(
                            f"rendering failed in a child process "
                            f"({type(error).__name__})")))
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> T:
        """The function's value (computed here if no child was started); re-raises the
        child's exception."""
        if not self._pid:
            return self._fn()
        try:
            with os.fdopen(self._read, "rb") as pipe:
                data = pipe.read()
        finally:
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
        if not data:
            raise RuntimeError(f"a rendering child process ended without a result "
                               f"(wait status {status})")
        ok, value = pickle.loads(data)  # our own child's bytes, through our own pipe
        if not ok:
            raise value
        return value

    def __del__(self) -> None:  # never leave a zombie if result() was not called
        if self._pid:
            try:
                os.close(self._read)
                os.waitpid(self._pid, 0)
            except OSError:
                pass


def in_child(fn: Callable[[], T]) -> Pending[T]:
    """Start ``fn()`` in a forked child when that is safe and useful; return a
    :class:`Pending` whose :meth:`~Pending.result` gives ``fn()``'s value."""
    return Pending(fn)
