"""A damaged store, or one a newer paperbrief migrated: one error, one exit code (2), one message.

The same corruption used to give three exit codes, depending on where SQLite first tripped over
it: 1 "cannot write to the database", 2 "cannot read the database", or 1 "internal error:
database disk image is malformed". A store with a migration this version does not know (a newer
paperbrief ran on it) was used silently, with a schema this code was not written for. Both now
stop the run before anything is written, as a `StoreUnusable` naming the file, what is wrong
and what to do (issue 28, item 19).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from paperbrief.errors import InputError
from paperbrief.safe_text import brief

# SQLite's primary result codes for a damaged file (extended codes keep them in the low byte)
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26
_DAMAGE_WORDS = ("malformed", "file is not a database", "file is encrypted")
PREFIX = "cannot use this database"


class StoreUnusable(InputError):
    """The database is damaged, or was migrated by a newer paperbrief (exit 2)."""


def is_damage(exc: BaseException) -> bool:
    """Whether an SQLite error says the file itself is damaged (not busy, full or read-only)."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return True
    return any(word in str(exc) for word in _DAMAGE_WORDS)


def damaged(path: Path, exc: BaseException) -> StoreUnusable:
    """The error for a damaged store at `path`."""
    return StoreUnusable(
        f"{path}: {PREFIX}: it is damaged ({exc}). Move it aside (the next run starts a new "
        f"one) or restore a backup; `sqlite3 {path} .recover` may save what it holds"
    )


def check_not_newer(conn: sqlite3.Connection, path: Path, known: Iterable[str]) -> None:
    """StoreUnusable when the store records a migration that this version does not know."""
    from paperbrief import __version__

    try:
        if not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'"
        ).fetchone():
            return
        recorded = [row[0] for row in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise damaged(path, exc) from exc
        raise
    names = set(known)
    unknown = [name for name in recorded if name not in names]
    if unknown:
        raise StoreUnusable(
            f"{path}: {PREFIX}: a newer paperbrief changed it (migration {unknown[0]!r} is "
            f"unknown to paperbrief {__version__}); upgrade paperbrief, or pass another --db"
        )


def remove_new_store(path: Path, existed: bool) -> None:
    """After a new store could not be created (a full disk): remove what SQLite made of it, so
    that no half-made database is left behind (the file itself only if this run created it)."""
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
    if not existed:
        path.unlink(missing_ok=True)
    elif path.exists() and path.stat().st_size:
        with path.open("r+b") as handle:  # it was empty before this run: empty again
            handle.truncate(0)


def readable_argv(raw: object) -> list[str]:
    """A run's recorded command line; a row edited or damaged into something else (malformed
    JSON, not a list of strings) is shown as it is stored rather than breaking `runs`."""
    try:
        value = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
    except (ValueError, RecursionError):
        value = None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return [f"(unreadable: {brief(str(raw), 60)})"]


def readable_time(raw: object) -> datetime | None:
    """A recorded ISO 8601 time, or None when the row holds something else."""
    try:
        value = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
