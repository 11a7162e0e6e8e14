"""Look at a database file before using it: read-only, so that a file that is not ours is
refused exactly as it was found (no `_migrations` table, no WAL switch, no journal)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from paperbrief.errors import InputError

SQLITE_HEADER = b"SQLite format 3\x00"
OUR_TABLE = "_migrations"  # every paperbrief database has it from its first write on


def read_only_connection(path: Path, timeout: float = 15.0) -> sqlite3.Connection:
    """A connection that cannot write to `path`: `mode=ro`, or `immutable=1` when even a
    read-only open fails (a WAL database in a folder we may not write: no -shm can be made)."""
    uri = "file:" + quote(str(path.absolute()), safe="/")
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout,
                               check_same_thread=False, isolation_level=None)  # fmt: skip
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=timeout,
                               check_same_thread=False, isolation_level=None)  # fmt: skip
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn


def check_ours(path: Path) -> None:
    """Raise InputError, touching nothing, unless `path` is missing, empty or a paperbrief
    database (an SQLite file with no tables yet, or with our `_migrations` table)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return  # a new database
    except OSError as exc:
        raise InputError(f"{path}: cannot read the database: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: not a regular file; --db needs a database file")
    if info.st_size == 0:
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the database: {exc.strerror or exc}") from exc
    if header != SQLITE_HEADER:
        raise InputError(f"{path}: not an SQLite database; refusing to touch it "
                         "(pass another --db)")
    try:
        conn = read_only_connection(path)
        try:
            names = [row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]  # fmt: skip
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        from paperbrief.store.damage import damaged, is_damage

        if is_damage(exc):
            raise damaged(path, exc) from exc
        raise InputError(f"{path}: cannot read the database: {exc}") from exc
    if names and OUR_TABLE not in names:
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        raise InputError(
            f"{path}: an SQLite database paperbrief did not create (tables: {shown}); "
            "refusing to touch it (pass another --db)"
        )
