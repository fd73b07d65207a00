"""Read YAML with ``yaml.safe_load`` semantics while keeping the line of every key.

PyYAML's ``safe_load`` loses positions and silently keeps the last of two duplicate
keys. Here the document is *composed* with the safe loader (same tag resolution, no
arbitrary objects) and the node tree is walked by hand, so that:

- every mapping key and list item is recorded with its 1-based line number;
- a duplicate key is a problem, not a silent overwrite;
- syntax errors and empty files become :class:`Problem` records, never tracebacks.

Paths are tuples of keys and list indices, e.g. ``("conditions", "copd", "share")``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[Any, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a user's file, located as precisely as we can."""

    file: str
    line: int | None
    field: str
    message: str

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


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


def _construct(node: yaml.Node, loader: yaml.SafeLoader, file: str, path: Path_,
               lines: dict, problems: list[Problem]) -> Any:
    lines.setdefault(path, (file, node.start_mark.line + 1))
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves YAML merge keys ("<<") as safe_load does
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                problems.append(Problem(file, key_node.start_mark.line + 1, dotted(path),
                                        "a mapping key must be a plain value"))
                continue
            child = path + (key,)
            if key in out:
                first = lines.get(child, (file, None))[1]
                problems.append(Problem(
                    file, key_node.start_mark.line + 1, dotted(child),
                    f"duplicate key (first given on line {first}); YAML would silently keep "
                    "only the last one, so each key may appear once"))
                continue
            lines[child] = (file, key_node.start_mark.line + 1)
            out[key] = _construct(value_node, loader, file, child, lines, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            items.append(_construct(item, loader, file, path + (i,), lines, problems))
        return items
    return loader.construct_object(node, deep=True)


def parse(text: str, file: str) -> tuple[Located | None, list[Problem]]:
    """Parse YAML ``text`` from ``file`` into data plus line positions.

    Returns ``(None, problems)`` when the text cannot be read as one YAML document.
    """
    problems: list[Problem] = []
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, [Problem(file, None, "", "the file is empty; an assumption set "
                                  "needs at least schema_version and name")]
        lines: dict[Path_, tuple[str, int]] = {}
        data = _construct(root, loader, file, (), lines, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        return None, [Problem(file, line, "", f"YAML syntax error: {what}")]
    except yaml.YAMLError as exc:  # pragma: no cover - defensive (reader errors)
        return None, [Problem(file, None, "", f"YAML error: {exc}")]
    finally:
        loader.dispose()
    return Located(data, lines), problems


def parse_file(path: Path) -> tuple[Located | None, list[Problem]]:
    """Read and parse ``path``; unreadable files are a :class:`Problem`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(str(path), None, "", "file not found")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(str(path), None, "", f"cannot read file: {exc}")]
    return parse(text, str(path))
