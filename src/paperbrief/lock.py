"""One lock per database, so that two runs that can pay for model calls never overlap."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
    path = lock_path(Path(db_path).expanduser())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PaperbriefError(f"cannot create the folder of {path}: {exc}") from exc
    timeout = max(wait or 0.0, 0.0)
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
        yield path
    finally:
        lock.release()
