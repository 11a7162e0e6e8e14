"""Where the benches find the project's shared real data: one lookup for every bench.

The directory is `$PAPERBRIEF_SHARED_DATA` when set, else `shared/data` beside the checkout
(`<repo>/../shared/data`), else one level further up (`<repo>/../../shared/data`: a git worktree
checked out one level down, as in `<dir>/wt/<name>`). The benches keep no copy of these files.
A bench that needs a file that is not there says so in one line and exits 2
(docs/benchmarks.md).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV = "PAPERBRIEF_SHARED_DATA"
ROOT = Path(__file__).resolve().parents[1]
MISSING_EXIT = 2


def shared_dir() -> Path:
    """The shared data directory (which may be missing: see `need`)."""
    chosen = os.environ.get(ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    beside = ROOT.parent / "shared" / "data"
    for candidate in (beside, ROOT.parent.parent / "shared" / "data"):
        if candidate.is_dir():
            return candidate
    return beside


def shared(name: str) -> Path:
    """The path of the shared file `name` (not checked: a default for a --data option)."""
    return shared_dir() / name


def found(name: str) -> Path | None:
    """The shared file `name` when it is there, else None (for benches with a fallback)."""
    path = shared(name)
    return path if path.is_file() else None


def need(path: Path) -> Path:
    """`path` when it exists; else one line on stderr and exit 2 (never a traceback)."""
    if path.exists():
        return path
    print(
        f"{Path(sys.argv[0]).name}: {path}: no such file; set {ENV} to the shared data "
        "directory (docs/benchmarks.md)",
        file=sys.stderr,
    )
    raise SystemExit(MISSING_EXIT)
