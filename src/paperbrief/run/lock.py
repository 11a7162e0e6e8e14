"""One lock per database, so that two runs that can pay for model calls never overlap.

The database is the file, not the name: the lock is taken on the resolved path (a symlink to the
store shares its lock), and an existing store is also locked by device and inode in a per-user
folder of the temporary directory (a hard link, or the same folder mounted twice, shares it too).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from paperbrief.errors import LockBusy, PaperbriefError


def lock_path(db_path: Path) -> Path:
    """The lock file guarding `db_path`: `<db_path>.lock`."""
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def run_lock(db_path: Path, wait: float | None = None) -> Iterator[Path]:
    """Hold the lock of `db_path` for the block; yield the lock file's path.

    If another process holds it, raise LockBusy at once (`wait` None or 0) or after waiting
    `wait` seconds for it to be released.
    """
    db = Path(os.path.realpath(Path(db_path).expanduser()))
    path = lock_path(db)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PaperbriefError(f"cannot create the folder of {path}: {exc}") from exc
    timeout = max(wait or 0.0, 0.0)
    with ExitStack() as held:
        held.enter_context(_hold(path, timeout))
        by_inode = _inode_lock_path(db)
        if by_inode is not None:
            held.enter_context(_hold(by_inode, timeout))
        yield path


def _inode_lock_path(db: Path) -> Path | None:
    """`<tmp>/paperbrief-<uid>/<device>-<inode>.lock` of an existing store (None if it is absent
    or the folder cannot be made: the lock beside the resolved path still holds)."""
    try:
        st = os.stat(db)
        folder = Path(tempfile.gettempdir()) / f"paperbrief-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    return folder / f"{st.st_dev}-{st.st_ino}.lock"


@contextmanager
def _hold(path: Path, timeout: float) -> Iterator[None]:
    lock = FileLock(str(path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        if timeout:
            raise LockBusy(
                f"another paperbrief run still holds {path} after {timeout:g} s of waiting; "
                "try again later or pass a longer --wait"
            ) from None
        raise LockBusy(
            f"another paperbrief run holds {path}; try again later or pass --wait SECONDS"
        ) from None
    except OSError as exc:
        raise PaperbriefError(f"cannot take the lock {path}: {exc}") from exc
    try:
        yield
    finally:
        lock.release()
