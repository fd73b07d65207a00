"""A first read of an uploaded set in a child process with hard limits.

The loader reports hostile YAML (alias bombs, deep nesting, huge values) as problems,
within its own limits (issue 12). The web server reads files from anyone who can reach
it, so it does not rely on that alone: each upload is first loaded in a separate
Python process whose address space and CPU time are capped (``resource`` limits set by
the child itself) and which is killed after :data:`SECONDS`. Only a file that loads
there, or whose problems come back from there, is touched by the server's own process,
so no upload can exhaust the server's memory or hold a worker for long, and the server
goes on serving.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading

from modeller.inputs.yamlsource import Problem   # what modeller.InputError holds

SECONDS = 6                        # wall-clock limit of the first read [seconds]
MEMORY = 2 * 1024 ** 3             # address space of the child [bytes]
CHILDREN = 2                       # first reads at once (memory: CHILDREN * MEMORY)

_slots = threading.BoundedSemaphore(CHILDREN)

_CHILD = r"""
import json, resource, sys
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
resource.setrlimit(resource.RLIMIT_CPU, (int(sys.argv[3]), int(sys.argv[3]) + 1))
import modeller
text = sys.stdin.read()
try:
    modeller.loads(text, name=sys.argv[1], bundled_only=True)
except modeller.InputError as exc:
    out = [[p.file, p.line, p.field, p.message] for p in exc.problems[:200]]
    print(json.dumps({"ok": False, "problems": out}))
else:
    print(json.dumps({"ok": True}))
"""


class Refused(Exception):
    """The file could not be read within the limits; the message says which."""


def vet(text: str, name: str) -> list[Problem]:
    """Load ``text`` in a limited child process; return its problems (empty: it loads).

    Raises :class:`Refused` when the child runs out of time or memory, or fails, or
    when other uploads hold every slot for longer than :data:`SECONDS`.
    """
    if not _slots.acquire(timeout=SECONDS):
        raise Refused("the server is busy reading other uploads; try again shortly")
    try:
        return _vet(text, name)
    finally:
        _slots.release()


def _vet(text: str, name: str) -> list[Problem]:
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, name, str(MEMORY), str(SECONDS)],
            input=text, capture_output=True, text=True, timeout=SECONDS,
            encoding="utf-8")
    except subprocess.TimeoutExpired:
        raise Refused(f"reading it took longer than {SECONDS} seconds") from None
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        reason = ("it needs more memory than an upload may use"
                  if "MemoryError" in done.stderr
                  else "it is nested too deeply" if "RecursionError" in done.stderr
                  else "it could not be read")
        raise Refused(reason) from None
    if answer.get("ok"):
        return []
    return [Problem(str(f or ""), line if isinstance(line, int) else None, str(fld or ""),
                    str(msg)) for f, line, fld, msg in answer.get("problems", [])]
