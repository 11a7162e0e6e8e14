"""kill -9 of a run leaves no offline worker behind (issue 28, item 14).

A real `paperbrief digest --offline` of 2,000 real papers runs with two worker processes (made
to use them on any machine: the count is otherwise the cores other work leaves free). Once the
workers exist, the run is killed with SIGKILL; every child it had must end (a zombie waiting for
its new parent to reap it counts as ended). Before the fix they waited for work for ever,
re-parented to init.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

WAIT = 120.0  # generous: how long starting the workers, or their end, may take on a busy machine

DRIVER = """
import sys
from paperbrief import cli; from paperbrief.run import offline_pool
offline_pool.workers = lambda: 2  # two workers whatever the load of the machine
sys.exit(cli.main(sys.argv[1:]))
"""


def children(pid: int) -> list[int]:
    """The live (not zombie) child processes of `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(pid) and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_kill_9_of_a_run_leaves_no_worker_behind(tmp_path):
    log = (tmp_path / "stderr").open("w")  # not a pipe: a surviving worker would hold it open
    victim = subprocess.Popen(
        [sys.executable, "-c", DRIVER, "digest", str(FIXTURES / "hf-2024-papers-2000.jsonl"),
         "--offline", "--db", str(tmp_path / "pb.db"), "--out", str(tmp_path / "d.md")],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    workers: list[int] = []
    try:
        end = time.monotonic() + WAIT
        while len(workers := children(victim.pid)) < 2:
            assert victim.poll() is None, (tmp_path / "stderr").read_text()
            assert time.monotonic() < end, "the workers never started"
            time.sleep(0.05)
        time.sleep(0.5)  # at work
    finally:
        victim.kill()  # SIGKILL
        victim.wait(WAIT)
        log.close()
    end = time.monotonic() + WAIT
    while any(alive(pid) for pid in workers) and time.monotonic() < end:
        time.sleep(0.1)
    survivors = [pid for pid in workers if alive(pid)]
    for pid in survivors:  # leave nothing behind on a failure either
        os.kill(pid, signal.SIGKILL)
    assert survivors == []
