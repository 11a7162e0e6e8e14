"""The code base stays ruff clean (the same check a reviewer runs)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

# the LLM modules under engines/: live calls, the Batch API client, embeddings
OPENAI_MODULES = {
    "paperbrief/engines/llm/engine.py",
    "paperbrief/engines/llm/call.py",
    "paperbrief/engines/llm/batch.py",
    "paperbrief/engines/llm/embed.py",
    "paperbrief/engines/llm/endpoint.py",
}


def test_ruff_check_is_clean():
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(ROOT / ".venv" / "bin"))
    if ruff is None:
        pytest.skip("ruff is not installed (it comes with the test extra)")
    result = subprocess.run(
        [ruff, "check", "src", "tests", "bench"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_llm_module_imports_openai_and_only_the_cli_imports_argparse():
    offenders = []
    for path in (ROOT / "src" / "paperbrief").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT / "src").as_posix()
        uses_openai = "import openai" in text or "from openai" in text
        if uses_openai and name not in OPENAI_MODULES:
            offenders.append(f"{name} imports openai")
        if "import argparse" in text and not name.startswith("paperbrief/cli/"):
            offenders.append(f"{name} imports argparse")
    assert offenders == []


def test_importing_the_package_does_not_import_openai():
    code = "import paperbrief.cli, paperbrief.run.pipeline, sys; print('openai' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
