"""`paperbrief runs`: the recent runs with their calls, tokens, cost and failures (read only)."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
from pathlib import Path

from paperbrief.cli.common import out
from paperbrief.errors import EXIT_OK, PaperbriefError, UsageError
from paperbrief.safe_text import clean


def _nobody_running(db_path: Path) -> bool:
    """True when no run holds the lock (then runs still 'running' were killed). Taking the lock
    needs a writable folder: without one, nobody can be running a paid run here either."""
    from paperbrief.errors import LockBusy
    from paperbrief.run.lock import run_lock

    try:
        with run_lock(db_path, 0):
            return True
    except LockBusy:
        return False  # a live run holds the lock: its 'running' is true
    except PaperbriefError:
        return not os.access(db_path.parent, os.W_OK)



def cmd_runs(args: argparse.Namespace) -> int:
    """List recent runs with their calls, tokens, cost and failures."""
    from dataclasses import replace

    from paperbrief.store.core import Store, default_db_path

    db_path = Path(args.db) if args.db else default_db_path()
    if not db_path.exists():
        raise UsageError(f"{db_path}: no database yet (run `paperbrief digest` first)")
    with Store(db_path, read_only=True) as store:  # reading never writes: read-only files work
        try:
            runs = store.recent_runs(args.limit)
        except sqlite3.Error as exc:
            raise UsageError(f"{db_path}: cannot list its runs ({exc}); a run of `paperbrief "
                             "digest` with write access brings its schema up to date") from exc
    if any(run.status == "running" for run in runs) and _nobody_running(db_path):
        runs = [replace(r, status="interrupted") if r.status == "running" else r for r in runs]
    from paperbrief.redact import redact_argv, strip_userinfo

    # runs stored before credentials were left out of the command line are shown without them
    runs = [replace(r, argv=redact_argv(r.argv), error=strip_userinfo(r.error) if r.error else None)
            for r in runs]
    for run in runs:
        if args.json:
            out(json.dumps(run.as_dict(), default=str) + "\n")
        else:
            out(clean(run.as_line()) + "\n")  # errors may quote input
    return EXIT_OK



