"""Uploads of a YAML assumption set: bounded, untrusted, never trusted with a path.

An upload is read with a hard limit on the request body (:class:`BodyLimit`, which
counts bytes as they arrive, so an oversized upload is refused without being held in
memory), decoded as UTF-8 and loaded with :func:`modeller.loads` with
``bundled_only=True``: it may ``extends:`` a bundled set by name, and can never make the
server read any other file. The limits on hostile YAML (size, nodes counting every use
of an alias, depth, size of values: :mod:`modeller.inputs.limits`) are the loader's, and
bound the memory and time of reading any upload. Problems come back as lines of text
with their line numbers; the file's content is never echoed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import modeller
from modeller.inputs.limits import MAX_UPLOAD_BYTES

from . import forms

MAX_UPLOAD = MAX_UPLOAD_BYTES  # bytes of YAML accepted, as modeller.loads [bytes]
MAX_BODY = MAX_UPLOAD + 16 * 1024   # the multipart request around it [bytes]
MAX_FORM_BODY = forms.MAX_FORM_BYTES   # any other request body (the form's fields) [bytes]


class TooLarge(Exception):
    """A request body over its limit."""


class BodyLimit:
    """ASGI middleware: refuse request bodies over a limit (by path prefix).

    The bytes that actually arrive are counted (a client may send no Content-Length,
    or a false one) and :class:`TooLarge` is raised from ``receive`` once the limit is
    passed; the routes turn it into a message (and check Content-Length up front).
    """

    def __init__(self, app: Any, limits: dict[str, int], default: int):
        self.app, self.limits, self.default = app, limits, default

    def _limit(self, path: str) -> int:
        for prefix, limit in self.limits.items():
            if path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self._limit(scope.get("path", ""))
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge(f"more than {limit:,} bytes")
            return message

        return await self.app(scope, limited, send)


@dataclass
class Outcome:
    """The result of an upload: the set, or the problems as lines of text."""

    set: Any | None = None
    problems: list[str] = field(default_factory=list)
    filename: str = "upload.yaml"


def safe_name(name: str | None) -> str:
    """The uploaded file's base name, shortened, as shown in messages."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w .()-]+", "_", base).strip()[:80]
    return base or "upload.yaml"


def too_large() -> Outcome:
    return Outcome(problems=[f"The file is larger than {MAX_UPLOAD // 1024} KiB, the "
                             "most an upload may be; nothing was loaded."])


def load(data: bytes, name: str | None) -> Outcome:
    """Load uploaded bytes as an assumption set (bundled ``extends`` only)."""
    shown = safe_name(name)
    if len(data) > MAX_UPLOAD:
        return too_large()
    if not data.strip():
        return Outcome(problems=[f"{shown}: the file is empty; choose a YAML assumption "
                                 "set."], filename=shown)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return Outcome(problems=[f"{shown}, line {line}: the file is not UTF-8 text "
                                 "(is it a YAML file?); nothing was loaded."],
                       filename=shown)
    try:
        s = modeller.loads(text, name=shown, bundled_only=True)
    except modeller.InputError as exc:
        # exc.problems is already capped at MAX_PROBLEMS, with a line counting the rest
        return Outcome(problems=[_problem_line(p, shown) for p in exc.problems],
                       filename=shown)
    if forms.too_big(s):
        return Outcome(problems=[f"{shown}: {forms.too_big(s)}; nothing was loaded."],
                       filename=shown)
    return Outcome(set=s, filename=shown)


def _problem_line(p: Any, shown: str) -> str:
    """``upload.yaml, line 7, outcomes.recovery_rate: message`` (the server's paths are
    never shown; a problem in a bundled base set names that set's file only)."""
    file = safe_name(str(getattr(p, "file", "") or shown))
    line = getattr(p, "line", None)
    where = f"{file}, line {line}" if line else file
    fld = getattr(p, "field", "") or ""
    message = getattr(p, "message", None) or str(p)
    return f"{where}, {fld}: {message}" if fld else f"{where}: {message}"
