"""The browser tests' rule: without Chromium they skip with one line; under CI=true they fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def _run_browser_tests(ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PAPERBRIEF_CHROMIUM"] = "/nonexistent/chromium"  # as on a machine without Chromium
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         str(TESTS / "test_browser.py"), "-k", "light_and_dark"],
        capture_output=True, text=True, env=env, cwd=TESTS.parent, timeout=300,
    )


@pytest.mark.parametrize("ci", [None, "false"])
def test_without_chromium_they_skip_with_a_one_line_reason(ci):
    result = _run_browser_tests(ci)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "SKIPPED [1] " in result.stdout and "Chromium not found (apt-get install chromium" in (
        result.stdout)


def test_under_ci_a_missing_chromium_fails():
    result = _run_browser_tests("true")
    assert result.returncode == 1, result.stdout
    assert "CI=true and Chromium not found" in result.stdout and "skipped" not in result.stdout
