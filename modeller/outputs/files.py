"""Write outputs safely: atomically, never over anything but a regular file, and a
build's folder swapped in whole.

- :func:`write_atomic` writes one file through a temporary file in the same folder: a
  reader sees the old file or the new one, never half. A path that exists and is not a
  regular file (a FIFO, a device, a folder, a symlink, wherever it points) is refused
  with :class:`OutputError` and left untouched.
- :func:`replace_folder` writes a build's files into a fresh temporary folder beside the
  target and swaps it in whole, under a lock: a reader sees the complete old build or
  the complete new one, never a mix, and files of analyses a build did not run do not
  survive from an earlier build. A folder holding files a build did not write is
  refused, never deleted.
- :func:`slug` names a set's output folder; two different names never share one.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import os
import re
import shutil
import stat
import tempfile
import unicodedata
from glob import escape as glob_escape
from pathlib import Path
from typing import Iterator


class OutputError(OSError):
    """An output path the tool will not or cannot write (the message says why); exit
    status 2. An ``OSError``, so callers catching write failures catch it too."""


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc) or "input/output error"


_KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"),
          (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def _lstat(path: Path) -> os.stat_result | None:
    """What is at ``path`` (a link itself, not followed), or None when nothing is."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_why(exc)}") from None


def check_output(path: str | Path) -> Path:
    """Refuse an output path that exists and is not a regular file (symlinks included:
    they are not followed). Returns the path."""
    path = Path(path)
    _exists_as(path, stat.S_ISREG, "; only a regular file is ever replaced, so nothing "
               "was written")
    return path


def _exists_as(path: Path, is_kind, refusal: str) -> bool:
    """False if nothing is at ``path``; True if it is of the wanted kind (``is_kind`` of
    its mode, links not followed); else :class:`OutputError` ending in ``refusal``."""
    info = _lstat(path)
    if info is None:
        return False
    if not is_kind(info.st_mode):
        raise OutputError(f"{path} exists and is {_kind(info.st_mode)}{refusal}")
    return True


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _mkdirs(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"cannot create the folder {folder}: a file of that name "
                          "exists") from None
    except OSError as exc:
        raise OutputError(f"cannot create the folder {folder}: {_why(exc)}") from None


def _write_new(path: str, payload: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())


def write_atomic(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same directory.

    Missing parent directories are created. If writing fails, the previous file (if
    any) is left untouched and the temporary file is removed. Raises
    :class:`OutputError` for a path that is not a regular file or cannot be written.
    """
    path = check_output(path)
    _mkdirs(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write in {path.parent}: {_why(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files
        check_output(path)  # it may have become a FIFO or link meanwhile
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {_why(exc)}") from None
        raise
    return path


# --- whole folders ----------------------------------------------------------------------

@contextlib.contextmanager
def _locked(lock: Path) -> Iterator[None]:
    """An exclusive lock on ``lock`` (created if missing; never a link or FIFO)."""
    import fcntl

    check_output(lock)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
                     | os.O_NONBLOCK, 0o666)  # less the umask, as for any new file
    except OSError as exc:
        raise OutputError(f"cannot lock {lock}: {_why(exc)}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False when
    the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b),
                       _RENAME_EXCHANGE)
    return result == 0


def check_folder(target: Path, allowed: set[str]) -> bool:
    """True if ``target`` exists (as a build folder we may replace); refuse anything
    else: a non-folder, a link, or a folder holding files a build did not write."""
    if not _exists_as(target, stat.S_ISDIR, ", not a build folder; nothing was written"):
        return False
    try:
        foreign = sorted(set(os.listdir(target)) - allowed)
    except OSError as exc:
        raise OutputError(f"cannot read the folder {target}: {_why(exc)}") from None
    if foreign:
        raise OutputError(f"{target} holds files a build did not write ({foreign[0]!r}"
                          f"{' and more' if len(foreign) > 1 else ''}); move them or "
                          "choose another --out-dir: a build replaces its folder whole")
    return True


def replace_folder(target: str | Path, files: dict[str, bytes | str],
                   known: set[str] = frozenset()) -> list[Path]:
    """Write ``files`` (name -> content) as the folder ``target``, replacing any earlier
    build there in one step. ``known`` lists every file name a build may write: an
    existing folder holding anything else is refused. Returns the paths written.

    Everything happens under the lock (the content is already rendered, so it is held
    briefly): so any temporary folder of this target found there is a leftover of a
    build that was killed, and is removed.
    """
    target = Path(target)
    parent = target.parent
    allowed = set(known) | set(files)
    check_folder(target, allowed)
    _mkdirs(parent)
    tmp: Path | None = None
    try:
        with _locked(parent / f".{target.name}.lock"):
            _remove_leftovers(parent, target.name)
            exists = check_folder(target, allowed)
            tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp",
                                        dir=parent))
            for name, data in files.items():  # created 0666 less the umask
                _write_new(str(tmp / name), data.encode("utf-8") if isinstance(data, str)
                           else data)
            os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700 folders
            if not exists:
                os.rename(tmp, target)
                tmp = None
            elif not _exchange(tmp, target):  # tmp now holds the old build
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp",
                                            dir=parent))
                os.rename(target, old / "build")
                os.rename(tmp, target)
                shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {_why(exc)}") from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return [target / name for name in files]


def _remove_leftovers(parent: Path, name: str) -> None:
    """Remove ``.<name>.*.tmp`` folders: a build killed while writing leaves one."""
    for leftover in parent.glob(f".{glob_escape(name)}.*.tmp"):
        info = _lstat(leftover)
        if info is not None and stat.S_ISDIR(info.st_mode):
            shutil.rmtree(leftover, ignore_errors=True)


# --- folder names -------------------------------------------------------------------------

_SAFE = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
#: Longest folder name made from a set's name (plus the hash suffix). [characters]
SLUG_CHARS = 48


def slug(name: str) -> str:
    """A safe folder name for a set's name, different for every different name.

    A name that is already a safe lower-case slug (``national-faq-2017``: ASCII letters
    and digits, single ``-``, ``_`` or ``.`` between them, at most 48 characters) is
    used as it is. Any other name becomes a readable part plus ``--`` and 12 hex digits
    of its SHA-256 (``My Area`` -> ``my-area--3f0a...``): a safe name never holds
    ``--``, so the two forms cannot meet, and folders differ even on file systems that
    ignore case. A name with no letter or digit is refused by the schema.
    """
    if len(name) <= SLUG_CHARS and _SAFE.match(name):
        return name
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    readable = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:SLUG_CHARS - 14]
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{readable.strip('-') or 'set'}--{digest}"
