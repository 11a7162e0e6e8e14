"""Outputs never replace or append to what the run reads or keeps: the store, its SQLite side files
(WAL, shared memory, rollback journal) and lock file, the input listings, the profile, the
template, or another output of the same run.

Paths are compared as the files they name: symlinks resolved, and an existing file also by device
and inode (a hard link or a bind mount of the store is the store). Checked before any work, with
the one-line UsageError (exit 2) naming both options.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from paperbrief.errors import UsageError

SIDE_FILES = ("-wal", "-shm", "-journal", ".lock")


def _identity(path: Path) -> tuple[str, tuple[int, int] | None]:
    """(resolved path, (device, inode) if the file exists)."""
    resolved = os.path.realpath(path.expanduser())
    try:
        st = os.stat(resolved)
    except OSError:
        return resolved, None
    return resolved, (st.st_dev, st.st_ino)


def protected_files(db_path: Path | None, inputs: Iterable[tuple[str, str | Path | None]]
                    ) -> list[tuple[str, Path]]:
    """(what, path) of every file an output must not be: the store and its side files, then
    each named input that is a local file (live specs such as `hf:2026-W10` are not paths)."""
    found: list[tuple[str, Path]] = []
    if db_path is not None:
        db = Path(db_path).expanduser()
        found.append(("the store (--db)", db))
        # the side files of the store as named and as resolved (SQLite names them after the path
        # it opens; the lock is taken on the resolved path)
        for base in {db, Path(os.path.realpath(db))}:
            found += [(f"the store's {suffix.lstrip('-.')} file",
                       base.with_name(base.name + suffix)) for suffix in SIDE_FILES]
    for what, raw in inputs:
        if raw is None:
            continue
        path = Path(raw).expanduser()
        if path.exists():
            found.append((what, path))
    return found


def check_outputs(outputs: Sequence[tuple[str, str | Path | None]],
                  protected: Sequence[tuple[str, Path]]) -> None:
    """UsageError when an output (option, path) is one of `protected` or another output."""
    seen: list[tuple[str, tuple[str, tuple[int, int] | None]]] = []
    for option, raw in outputs:
        if raw is None:
            continue
        ident = _identity(Path(raw))
        for what, path in protected:
            if _same(ident, _identity(path)):
                raise UsageError(
                    f"{option} {raw}: that is {what}; paperbrief never writes over what it "
                    "reads or keeps: name another file"
                )
        for other, other_ident in seen:
            if _same(ident, other_ident):
                raise UsageError(f"{option} {raw}: the same file as {other}; name another file")
        seen.append((option, ident))


def _same(a: tuple[str, tuple[int, int] | None], b: tuple[str, tuple[int, int] | None]) -> bool:
    return a[0] == b[0] or (a[1] is not None and a[1] == b[1])


def guard_outputs(args: object, target: Path | None = None) -> None:
    """Check the outputs of a parsed command line (--out, --feed, --log) against its store and
    inputs. `--out DIR/` is checked once the run has named its file (`target`)."""
    from paperbrief.store.core import default_db_path

    get = args.__dict__.get
    db = Path(get("db")) if get("db") else default_db_path()
    inputs: list[tuple[str, str | Path | None]] = [
        (f"an input listing ({source})", source) for source in get("sources") or []
    ]
    inputs += [("the --interests profile", get("interests") or os.environ.get(
        "PAPERBRIEF_INTERESTS") or None), ("the --template", get("template")),
               ("the $PAPERBRIEF_PRICES file", os.environ.get("PAPERBRIEF_PRICES") or None)]
    out = target if target is not None else get("out")
    if target is None and out is not None:
        raw = os.fspath(out)
        if raw.endswith((os.sep, os.altsep or os.sep)) or Path(raw).expanduser().is_dir():
            out = None  # a folder: its file is named after the period, checked then
    outputs = [("--out", out), ("--feed", get("feed")), ("--log", get("log"))]
    check_outputs(outputs, protected_files(db, inputs))
