"""Output files: only regular files are written, atomically (old file or new, never half).

Every output path (`--out`, `--log`, and any output added later) goes through `writable_file`
before any work: a symlink is followed to the file it names (that file is replaced, in its own
folder, the link is kept); a FIFO, device, socket or anything else that is not a regular file is
refused with a UsageError (exit 2), so `--out /dev/null` can never replace /dev/null.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from pathlib import Path

from paperbrief.errors import PaperbriefError, UsageError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def write_atomic(path: str | Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` through a temporary file in the same folder and a rename.

    `path` goes through `writable_file`: a symlink's target is replaced (the link stays), a path
    that is not a regular file is a UsageError and is left untouched.

    The file is fsynced before the rename and the folder after it. An existing file keeps its
    permission bits; a new one gets 0o666 minus the umask. On any failure the temporary file is
    removed, the old file is left as it was, and a PaperbriefError says why.
    """
    path = writable_file(path)
    data = text.encode("utf-8")
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise PaperbriefError(f"cannot write {path}: {exc.strerror or exc}") from exc
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise PaperbriefError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise PaperbriefError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: not every platform allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def output_path(out: str | Path, period_label: str, suffix: str = ".md") -> Path:
    """Where to write a digest: `out` itself, or `out/<period><suffix>` when `out` is a folder.

    `out` is a folder when it exists as one or when it ends with a path separator (pass the raw
    command-line string: `Path` drops a trailing "/"); a missing folder is created. Characters of
    the label other than letters, digits, ".", "_" and "-" become "-" ("Mar 5, 2026" →
    "Mar-5-2026.md").
    """
    raw = os.fspath(out)
    path = Path(raw).expanduser()
    seps = (os.sep, os.altsep) if os.altsep else (os.sep,)
    if not (raw.endswith(seps) or path.is_dir()):
        return path
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PaperbriefError(f"cannot create the folder {path}: {exc.strerror or exc}") from exc
    name = _UNSAFE.sub("-", period_label).strip("-.") or "digest"
    return path / f"{name}{suffix}"


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def writable_file(path: str | Path, option: str = "output") -> Path:
    """The regular file to write for `path`: itself, or the file its symlink(s) lead to.

    A missing path (or a symlink to a missing file) is returned as the file to create. Anything
    else that is not a regular file (FIFO, character or block device, socket, directory, a symlink
    loop) is a UsageError naming `option`, raised before anything is opened or written.
    """
    raw = os.fspath(path)
    path = Path(raw).expanduser()
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise UsageError(f"{option} {raw}: {exc.strerror or exc}") from None
    if stat.S_ISLNK(mode):
        target = Path(os.path.realpath(path))
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            return target  # a dangling link: its target is created
        except OSError as exc:  # e.g. a symlink loop
            raise UsageError(f"{option} {raw}: {exc.strerror or exc}") from None
        path = target
    if not stat.S_ISREG(mode):
        where = raw if os.fspath(path) == os.fspath(Path(raw).expanduser()) else f"{raw} -> {path}"
        raise UsageError(
            f"{option} {where}: {_kind(mode)}, not a regular file; "
            "paperbrief writes only regular files"
        )
    return path


def check_output(out: str | Path, option: str = "--out") -> None:
    """UsageError now, before any work, when `out` could not be written at the end of the run;
    the message names `option`."""
    raw = os.fspath(out)
    path = Path(raw).expanduser()
    seps = (os.sep, os.altsep) if os.altsep else (os.sep,)
    if raw.endswith(seps) or path.is_dir():
        existing = next((p for p in (path, *path.parents) if p.exists()), None)
        if existing is not None and not (existing.is_dir() and os.access(existing, os.W_OK)):
            raise UsageError(f"{option} {raw}: cannot create a folder under {existing}")
        return
    path = writable_file(raw, option)
    folder = path.parent
    if not folder.is_dir():
        advice = "end --out with / to create it" if option == "--out" else "create it first"
        raise UsageError(f"{option} {raw}: no such folder {folder} ({advice})")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{option} {raw}: not writable")
