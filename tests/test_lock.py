"""Run lock: a second process holding the database lock makes us fail fast or wait, then fail."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperbrief.errors import EXIT_TEMPFAIL, LockBusy
from paperbrief.run.lock import lock_path, run_lock

SRC = Path(__file__).resolve().parent.parent / "src"

HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from paperbrief.run.lock import run_lock
    with run_lock(Path(sys.argv[1])):
        print("held", flush=True)
        sys.stdin.read()  # hold until the parent closes our stdin
    print("released", flush=True)
    """
)


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen]]:
    """A real second process holding the lock of tmp_path/db/p.db until its stdin closes."""
    db = tmp_path / "db" / "p.db"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None and proc.stdin is not None
    assert proc.stdout.readline().strip() == "held"
    try:
        yield db, proc
    finally:
        if proc.poll() is None:
            proc.stdin.close()
            proc.wait(timeout=30)


def release(proc: subprocess.Popen) -> None:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.close()
    assert proc.stdout.readline().strip() == "released"
    proc.wait(timeout=30)


def test_lock_path_is_next_to_the_db():
    assert lock_path(Path("/x/y/paperbrief.db")) == Path("/x/y/paperbrief.db.lock")


def test_free_lock_is_taken_and_released(tmp_path):
    db = tmp_path / "new" / "p.db"
    with run_lock(db) as path:
        assert path == tmp_path / "new" / "p.db.lock"
        assert path.parent.is_dir()
    with run_lock(db):  # released: can be taken again
        pass


def test_busy_lock_fails_at_once_with_exit_75(holder):
    db, _ = holder
    for wait in (None, 0):
        with pytest.raises(LockBusy) as info, run_lock(db, wait=wait):
            pytest.fail("lock should be busy")
        message = str(info.value)
        assert message == (
            f"another paperbrief run holds {db}.lock; try again later or pass --wait SECONDS"
        )
        assert info.value.exit_code == EXIT_TEMPFAIL == 75


def test_busy_lock_with_wait_gives_up_after_waiting(holder):
    db, _ = holder
    with pytest.raises(LockBusy) as info, run_lock(db, wait=0.3):
        pytest.fail("lock should be busy")
    assert "after 0.3 s" in str(info.value)
    assert "\n" not in str(info.value)


def test_lock_is_free_once_the_holder_releases_it(holder):
    db, proc = holder
    with pytest.raises(LockBusy), run_lock(db):
        pass
    release(proc)
    with run_lock(db):
        pass


def test_lock_of_a_killed_holder_is_free(holder):
    db, proc = holder
    proc.kill()
    proc.wait(timeout=30)
    with run_lock(db):
        pass


def test_other_databases_have_their_own_lock(holder, tmp_path):
    with run_lock(tmp_path / "db" / "other.db"):
        pass


def test_waiting_run_gets_the_lock_when_the_holder_finishes(holder):
    db, proc = holder
    assert proc.stdin is not None
    timer = threading.Timer(0.2, proc.stdin.close)
    timer.start()
    try:
        with run_lock(db, wait=60):
            assert proc.wait(timeout=30) == 0
    finally:
        timer.cancel()
