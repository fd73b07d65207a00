"""Read untrusted YAML in bounded memory and time, keeping the line of every key.

PyYAML's ``safe_load`` loses positions, silently keeps the last of two duplicate keys,
expands aliases without limit ("billion laughs"), recurses once per level of nesting and
reads numbers by YAML 1.1 (``1e12`` is text there). Here the document is *composed*
with a safe loader and the node tree is walked by hand, so that:

- every mapping key and list item is recorded with its 1-based line number;
- a duplicate key is a problem, not a silent overwrite;
- every limit of :mod:`modeller.inputs.limits` is enforced before the work it bounds:
  the file's size and kind (only regular files, after following symlinks; never a FIFO,
  device or folder), nesting depth (while composing), the nodes an expansion of aliases
  may produce (before constructing), the length of keys and text;
- tags (``!!python/object``, ``!!binary``, ``!custom``) are refused, not dropped;
- control characters, lone surrogates and bidi overrides are refused
  (:mod:`modeller.inputs.characters`);
- plain scalars are read by the YAML 1.2 core schema: ``1e12`` and ``.5`` are numbers,
  ``yes``/``no``/``on``/``off`` and dates are text; ``.inf`` and ``.nan`` are refused
  (every number must be finite); mapping keys are always text (``2007:`` is ``"2007"``);
- syntax errors, empty files and every refusal become :class:`Problem` records with the
  file and line, never tracebacks.

Paths are tuples of keys and list indices, e.g. ``("conditions", "copd", "share")``.
"""

from __future__ import annotations

import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .characters import REFUSED, REFUSED_IN_FILE, describe, escaped, first_refused
from .limits import (MAX_DEPTH, MAX_FILE_BYTES, MAX_KEY_CHARS, MAX_NODES,
                     MAX_NUMBER_DIGITS, MAX_PROBLEMS, MAX_TEXT_CHARS)

Path_ = tuple[Any, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a user's file, located as precisely as we can."""

    file: str
    line: int | None
    field: str
    message: str

    def format(self) -> str:
        if not self.file:
            return escaped(self.message)
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return escaped(f"{where}:{field} {self.message}")


def capped(problems: list[Problem], limit: int = MAX_PROBLEMS) -> list[Problem]:
    """The first ``limit`` problems, then one line saying how many more there are."""
    problems = list(problems)
    if len(problems) <= limit:
        return problems
    more = len(problems) - limit
    return problems[:limit] + [Problem("", None, "", f"... and {more:,} more problem(s) "
                                       f"(at most {limit} are listed: MAX_PROBLEMS)")]


@dataclass(frozen=True)
class Located:
    """A parsed document with the (file, line) of each path in it."""

    data: Any
    lines: dict[Path_, tuple[str, int]]


def dotted(path: Path_) -> str:
    """Render a path as the dotted field name a user would write: ``costs.fixed[0].amount``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def locate(lines: dict, path: Path_, default_file: str) -> tuple[str, int | None]:
    """(file, line) of ``path``, or of its nearest ancestor that the user wrote."""
    for end in range(len(path), -1, -1):
        hit = lines.get(tuple(path[:end]))
        if hit:
            return hit
    return default_file, None


# --- the loader: YAML 1.2 core scalars, no tags, bounded nesting ------------------------

class _Refused(Exception):
    """A limit or rule broken while composing (turned into a :class:`Problem`)."""

    def __init__(self, mark: Any, message: str):
        self.line = mark.line + 1 if mark is not None else None
        super().__init__(message)


_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TAG = "tag:yaml.org,2002:"


class _Loader(yaml.SafeLoader):
    """Safe loader with YAML 1.2 core-schema resolution, no tags and a depth limit."""

    yaml_implicit_resolvers: dict = {}

    def __init__(self, text: str):
        super().__init__(text)
        self.depth = 0
        self.nodes = 0

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        event = self.peek_event()
        tag = getattr(event, "tag", None)
        if tag is not None and not isinstance(event, yaml.AliasEvent):
            shown_tag = escaped(tag.replace(_TAG, "!!"))[:40]
            raise _Refused(event.start_mark, f"YAML tags (here {shown_tag}) are not "
                           "accepted: write plain values")
        self.depth += 1
        self.nodes += 1
        try:
            if self.nodes > MAX_NODES:
                raise _Refused(event.start_mark, f"more than {MAX_NODES:,} values "
                               "(MAX_NODES); an assumption set has a few hundred")
            if self.depth > MAX_DEPTH:
                raise _Refused(event.start_mark, f"nested more than {MAX_DEPTH} levels "
                               "deep (MAX_DEPTH); an assumption set needs at most 6")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


for _name, _pattern, _first in (
        ("bool", _BOOL, list("tTfF")),
        ("int", _INT, list("-+0123456789")),
        ("float", _FLOAT, list("-+0123456789.")),
        ("null", _NULL, ["~", "n", "N", ""]),
        ("merge", re.compile(r"^(?:<<)$"), ["<"])):
    _Loader.add_implicit_resolver(_TAG + _name, _pattern, _first)


def _expansion_problem(root: yaml.Node) -> tuple[Any, str] | None:
    """Walk the node graph as construction will (every alias in full) without building
    anything; return (mark, message) when it exceeds MAX_NODES or MAX_DEPTH."""
    count = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            return node.start_mark, (f"expands to more than {MAX_NODES:,} values "
                                     "(MAX_NODES), counting every use of an alias (*name) "
                                     "in full")
        if depth > MAX_DEPTH:
            return node.start_mark, (f"nested more than {MAX_DEPTH} levels deep "
                                     "(MAX_DEPTH) once aliases are expanded")
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
    return None


class _Builder:
    """Builds plain data from a composed node tree, recording lines and problems."""

    def __init__(self, loader: _Loader, file: str):
        self.loader, self.file = loader, file
        self.lines: dict[Path_, tuple[str, int]] = {}
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node, path: Path_, message: str) -> None:
        self.problems.append(Problem(self.file, node.start_mark.line + 1, dotted(path),
                                     message))

    def text(self, node: yaml.Node, path: Path_, value: str, what: str) -> bool:
        """Check a key or text value against the character and length rules."""
        bad = first_refused(value, REFUSED)
        if bad:
            self.problem(node, path, f"{what} holds the control character "
                         f"{describe(bad[1])}; only printable text, tab and newline are "
                         "allowed")
            return False
        limit = MAX_KEY_CHARS if what == "key" else MAX_TEXT_CHARS
        if len(value) > limit:
            name = "MAX_KEY_CHARS" if what == "key" else "MAX_TEXT_CHARS"
            self.problem(node, path, f"{what} of {len(value):,} characters; at most "
                         f"{limit:,} ({name})")
            return False
        return True

    def scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        tag, value = node.tag, node.value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return value.lower() == "true"
        if tag == _TAG + "int":
            digits = value.lstrip("+-")
            if len(digits) > MAX_NUMBER_DIGITS:
                self.problem(node, path, f"a number of {len(digits):,} digits; at most "
                             f"{MAX_NUMBER_DIGITS} (MAX_NUMBER_DIGITS)")
                return None
            if digits.startswith(("0o", "0x")):
                return int(digits[2:], 8 if digits[1] == "o" else 16)
            return int(value, 10)
        if tag == _TAG + "float":
            special = value.lower().lstrip("+-")
            number = math.nan if special in (".inf", ".nan") else float(value)
            if not math.isfinite(number):
                self.problem(node, path, f"{escaped(value)[:30]}: every number must be "
                             "finite (no .inf, .nan or numbers beyond 1.8e308)")
                return None
            return number
        return value if self.text(node, path, value, "text") else None

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.lines.setdefault(path, (self.file, node.start_mark.line + 1))
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)  # YAML merge keys ("<<"), bounded above
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problem(key_node, path, "a mapping key must be a plain value")
                    continue
                key = key_node.value
                child = path + (key,)
                if not self.text(key_node, path, key, "key"):
                    continue
                if key in out:
                    first = self.lines.get(child, (self.file, None))[1]
                    self.problem(key_node, child, f"duplicate key (first given on line "
                                 f"{first}); YAML would silently keep only the last one, "
                                 "so each key may appear once")
                    continue
                self.lines[child] = (self.file, key_node.start_mark.line + 1)
                out[key] = self.build(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def parse(text: str, file: str) -> tuple[Located | None, list[Problem]]:
    """Parse YAML ``text`` from ``file`` into data plus line positions.

    Returns ``(None, problems)`` when the text cannot be read as one YAML document
    within the limits; otherwise the data and any problems found in its values.
    """
    bad = first_refused(text, REFUSED_IN_FILE)
    if bad:
        return None, [Problem(file, _line_of(text, bad[0]), "", "the file holds the "
                              f"control character {describe(bad[1])}; only printable text, "
                              "tab and newline are allowed")]
    if len(text) > MAX_FILE_BYTES:
        return None, [Problem(file, None, "", f"{len(text):,} characters; at most "
                              f"{MAX_FILE_BYTES:,} (MAX_FILE_BYTES)")]
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, [Problem(file, None, "", "the file is empty; an assumption set "
                                  "needs at least schema_version and name")]
        found = _expansion_problem(root)
        if found:
            return None, [Problem(file, found[0].line + 1, "", found[1])]
        builder = _Builder(loader, file)
        data = builder.build(root, ())
    except _Refused as exc:
        return None, [Problem(file, exc.line, "", str(exc))]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        return None, [Problem(file, line, "", f"YAML syntax error: {escaped(what)[:200]}")]
    except (yaml.YAMLError, RecursionError) as exc:
        return None, [Problem(file, None, "", "not readable as YAML "
                              f"({escaped(str(exc))[:120]})")]
    finally:
        loader.dispose()
    return Located(data, builder.lines), builder.problems


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
          (stat.S_ISSOCK, "a socket"))


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> tuple[str | None, list[Problem]]:
    """The UTF-8 text of ``path``, read only if, after following symlinks, it is a
    regular file of at most ``limit`` bytes. Never blocks (a FIFO is refused unopened)
    and never reads more than ``limit`` + 1 bytes."""
    name = escaped(str(path))
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None, [Problem(name, None, "", "file not found")]
    except ValueError:
        return None, [Problem(name, None, "", "not a file name (it holds a NUL character)")]
    except OSError as exc:
        return None, [Problem(name, None, "", f"cannot read: {exc.strerror or 'error'}")]
    kind = _not_regular(info.st_mode)
    if kind:
        return None, [Problem(name, None, "", f"is {kind}, not a regular file; only "
                              "regular files are read")]
    if info.st_size > limit:
        return None, [Problem(name, None, "", f"the file is {info.st_size:,} bytes; at "
                              f"most {limit:,} are read (MAX_FILE_BYTES)")]
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        return None, [Problem(name, None, "", f"cannot read: {exc.strerror or 'error'}")]
    try:
        kind = _not_regular(os.fstat(fd).st_mode)  # it may have changed since stat()
        if kind:
            return None, [Problem(name, None, "", f"is {kind}, not a regular file")]
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(65_536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        return None, [Problem(name, None, "", f"cannot read: {exc.strerror or 'error'}")]
    finally:
        os.close(fd)
    if size > limit:
        return None, [Problem(name, None, "", f"the file is more than {limit:,} bytes "
                              "(MAX_FILE_BYTES)")]
    data = b"".join(chunks)
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [Problem(name, line, "", "is not UTF-8 text (an invalid byte at "
                              f"offset {exc.start:,}); save it as UTF-8")]


def parse_file(path: Path) -> tuple[Located | None, list[Problem]]:
    """Read (see :func:`read_text`) and parse ``path``; every failure is a Problem."""
    text, problems = read_text(path)
    if text is None:
        return None, problems
    return parse(text, str(path))
