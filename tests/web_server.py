"""Start ``modeller serve`` as a subprocess for the tests, and read its first line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVING = re.compile(r"^Serving (http://(\S+):(\d+)/)$")


def start(*args: str, timeout: float = 60.0) -> tuple[subprocess.Popen, str, str]:
    """Start ``modeller serve ARGS``; return the process, its first stdout line and the
    URL it names. Fails (and stops the process) when no ``Serving`` line comes."""
    env = dict(os.environ, PYTHONUNBUFFERED="0")
    proc = subprocess.Popen([sys.executable, "-m", "modeller", "serve", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, env=env)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()),
                              daemon=True)
    reader.start()
    reader.join(timeout)
    if not lines or not SERVING.match(lines[0].rstrip("\n")):
        proc.kill()
        out, err = proc.communicate(timeout=10)
        raise AssertionError(f"no Serving line within {timeout}s: stdout {lines!r} "
                             f"{out!r}, stderr {err[-2000:]!r}")
    first = lines[0].rstrip("\n")
    return proc, first, SERVING.match(first).group(1)


def stop(proc: subprocess.Popen) -> tuple[int, str]:
    """Ctrl-C the server; return its exit status and standard error."""
    import signal

    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return proc.returncode, err
