"""Writing files whole or not at all.

- :func:`atomic_file` and :func:`write_atomic`: one file, through a temp file beside the
  target, flushed and fsynced, renamed over the target, and the directory fsynced; a reader
  sees the old file or the new one, never half of one.
- :func:`write_files_atomic`: several files of one directory as a unit. The new directory
  is built beside the target (the target's other files hard-linked in) and swapped with it
  in one ``renameat2(RENAME_EXCHANGE)``, so a reader sees wholly the old files or wholly
  the new ones. Where the system has no such swap, the files are renamed one by one.
- Temp files and directories are named ``.<target>.regnotice-<pid>.tmp``: a run killed
  half-way leaves one, and the next run that writes the same target removes those whose
  process is gone (:func:`remove_stale`).

Failures to write (a missing or read-only directory, a full disk, a folder where a file
should be) raise :class:`~regnotice.errors.OutputError` with a one-line message.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
from pathlib import Path
from typing import IO, Iterator

from .errors import OutputError

__all__ = ["atomic_file", "write_atomic", "write_files_atomic", "remove_stale", "output_error", "read_text", "MAX_INPUT"]

_TMP = re.compile(r"^\.(?P<name>.+)\.regnotice-(?P<pid>\d+)(?:-\d+)?\.tmp$")
_counter = 0


def _tmp_name(target: Path) -> Path:
    global _counter
    _counter += 1
    return target.with_name(f".{target.name}.regnotice-{os.getpid()}-{_counter}.tmp")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale(target: str | os.PathLike) -> list[Path]:
    """Remove the temp files and directories a killed run left for ``target`` (those of
    processes that are gone); returns what was removed."""
    target = Path(target)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(target.parent if str(target.parent) else "."))
    except OSError:
        return removed
    for entry in entries:
        m = _TMP.match(entry.name)
        if not m or m["name"] != target.name or _alive(int(m["pid"])):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


def output_error(path: str | os.PathLike, exc: OSError) -> OutputError:
    """A one-line message for a failure to write ``path``."""
    reason = {
        errno.ENOENT: "its directory does not exist",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EFBIG: "the file would exceed the size allowed (a file-size limit or a full file system)",
        errno.EISDIR: "it is a directory",
        errno.ENOTDIR: "a part of the path is not a directory",
        errno.EEXIST: "it exists and is not a directory",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return OutputError(f"{path}: cannot write: {reason}")


def _make_parent(path: Path) -> None:
    """The directories above ``path``, made if missing (as ``mkdir -p``)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(path, exc) from None


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike, *, buffering: int = 1 << 16) -> Iterator[IO[str]]:
    """A text file (UTF-8, ``\\n`` line ends) that replaces ``path`` when the block ends
    without an error, and is removed when it raises."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: cannot write: it is a directory")
    _make_parent(path)
    remove_stale(path)
    tmp = _tmp_name(path)
    try:
        fh = open(tmp, "x", encoding="utf-8", newline="\n", buffering=buffering)
    except OSError as exc:
        raise output_error(path, exc) from None
    done = False
    try:
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
        done = True
        _fsync_dir(path.parent)
    except OSError as exc:
        raise output_error(path, exc) from None
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (see :func:`atomic_file`)."""
    with atomic_file(path) as fh:
        fh.write(text)


# ------------------------------------------------------------- several files as a unit

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where it is not supported.
    (ctypes is imported here: every verb that reads a file imports this module.)"""
    import ctypes
    import ctypes.util

    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _link_tree(source: Path, target: Path) -> None:
    """``target`` as a copy of ``source`` whose files are hard links (copies where a link
    cannot be made)."""
    for entry in os.scandir(source):
        dest = target / entry.name
        if entry.is_dir(follow_symlinks=False):
            dest.mkdir()
            _link_tree(Path(entry.path), dest)
        elif entry.is_symlink():
            os.symlink(os.readlink(entry.path), dest)
        else:
            try:
                os.link(entry.path, dest)
            except OSError:
                shutil.copy2(entry.path, dest)


def write_files_atomic(directory: str | os.PathLike, files: dict[str, str]) -> list[Path]:
    """Write ``files`` (name -> text) into ``directory`` as one unit: a reader sees all the
    old files or all the new ones. The directory's other files are kept. Returns the paths
    written, in the order given."""
    directory = Path(directory)
    for name in files:
        if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
            raise ValueError(f"{name!r} cannot name a file")
    if directory.exists() and not directory.is_dir():
        raise OutputError(f"{directory}: cannot write: it exists and is not a directory")
    parent = directory.parent
    _make_parent(directory)
    remove_stale(directory)
    tmp = _tmp_name(directory)
    try:
        tmp.mkdir()
        if directory.exists():
            _link_tree(directory, tmp)
        for name, text in files.items():
            target = tmp / name
            if target.is_dir():
                raise OutputError(f"{directory / name}: cannot write: it is a directory")
            with contextlib.suppress(FileNotFoundError):
                target.unlink()  # a hard link to the old file: write a new one
            with open(target, "x", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(target, 0o666 & ~_umask())
        _fsync_dir(tmp)
        if not directory.exists():
            os.rename(tmp, directory)
        elif not _exchange(tmp, directory):
            # no atomic swap here: the files one by one, each whole
            for name in files:
                os.replace(tmp / name, directory / name)
            _fsync_dir(directory)
        _fsync_dir(parent)
    except OSError as exc:
        raise output_error(directory, exc) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)  # the old directory, after a swap
    return [directory / name for name in files]


# ------------------------------------------------------------------------------ reading

#: The largest input file read (bytes), unless a caller says otherwise: a bigger one is
#: refused before it is read.
MAX_INPUT = 20_000_000


def read_text(path: str | os.PathLike, *, max_bytes: int | None = None, what: str = "a UTF-8 text file") -> str:
    """The text of ``path`` (``"-"``: standard input), decoded as UTF-8 (a BOM is
    dropped). One message for every verb: a missing file, a folder, an unreadable or
    oversized file, bytes that are not UTF-8 (with ``file:line:col`` and a caret) are an
    :class:`~regnotice.errors.InputError`."""
    import sys

    from .errors import InputError, caret_snippet

    limit = MAX_INPUT if max_bytes is None else max_bytes
    name = "<stdin>" if str(path) == "-" else str(path)
    try:
        if str(path) == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            p = Path(path)
            if p.is_dir():
                raise InputError(f"{name}: is a directory; expected {what}")
            with open(p, "rb") as fh:
                data = fh.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError(f"{name}: over {limit:,} bytes; at most {limit:,} are read")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = exc.start
        line = data.count(b"\n", 0, at) + 1
        line_start = data.rfind(b"\n", 0, at) + 1
        column = len(data[line_start:at].decode("utf-8", "replace")) + 1
        # the caret line: at most 200 bytes either side of the bad byte
        shown_start = max(line_start, at - 200)
        line_end = data.find(b"\n", at, at + 200)
        before = data[shown_start:at].decode("utf-8", "replace")
        shown = before + data[at : line_end if line_end != -1 else at + 200].decode("utf-8", "replace")
        raise InputError(
            f"{name}:{line}:{column}: not UTF-8 text (byte 0x{data[at]:02x}); expected {what}\n"
            + caret_snippet(shown, len(before) + 1)
        ) from None
