"""Quiet under cron (issue 23): cron mails whatever a job writes to stderr, so informational
lines ("using the offline engine", "wrote …") go there only with -v or when stderr is a
terminal; warnings and errors always do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES
from tests.pty_run import on_a_terminal

SEED = FIXTURES / "hf-daily-papers-page.txt"
NOTICE = "paperbrief: no OPENAI_API_KEY or OPENAI_BASE_URL: using the offline engine"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    return env | {"PAPERBRIEF_DB": str(tmp_path / "p.db")}


def _argv(tmp_path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "paperbrief.cli", "digest", str(SEED),
            "--out", str(tmp_path / "digest.md"), *extra]


def test_no_key_under_cron_is_silent(tmp_path):
    done = subprocess.run(_argv(tmp_path), capture_output=True, text=True, timeout=120,
                          env=_env(tmp_path))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (tmp_path / "digest.md").read_text("utf-8").startswith("# Paper digest")


def test_verbose_says_what_happens(tmp_path):
    done = subprocess.run(_argv(tmp_path, "-v"), capture_output=True, text=True, timeout=120,
                          env=_env(tmp_path))
    assert done.returncode == 0
    assert NOTICE in done.stderr and f"paperbrief: wrote {tmp_path / 'digest.md'}" in done.stderr


def test_a_terminal_hears_it_without_v(tmp_path):
    code, said = on_a_terminal(_argv(tmp_path), _env(tmp_path), "stderr")
    assert code == 0 and NOTICE in said


def test_errors_still_reach_cron(tmp_path):
    argv = [sys.executable, "-m", "paperbrief.cli", "digest", str(tmp_path / "missing.txt")]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=_env(tmp_path))
    assert done.returncode != 0 and done.stderr.startswith("paperbrief: error:")
    assert "missing.txt" in done.stderr
