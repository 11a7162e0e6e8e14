"""The digest's relatedness made in a child process (paperbrief.relate.process, issue 11): the
same plan as in this process, and a child that fails makes the plan here, never a hang."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from paperbrief.cli import main
from paperbrief.digest.build import Plan, plan_digest
from paperbrief.relate.process import Related, RelateProcess
from paperbrief.relate.relatedness import Relatedness, paper_text
from paperbrief.sources import read_file
from paperbrief_refserver.embed import embed_text

SEED = Path(__file__).resolve().parent / "fixtures" / "hf-daily-papers-page.txt"


@pytest.fixture(scope="module")
def papers():
    return read_file(SEED).papers


def _embeddings(papers) -> np.ndarray:
    """The reference server's embeddings of the papers (what a digest with a key relates)."""
    return np.array([embed_text(paper_text(p)) for p in papers])


def _shape(plan: Plan) -> dict:
    """What a digest reads of a plan."""
    return {
        "pairs": [(a.id, b.id) for a, b in plan.pairs],
        "compared_with": plan.compared_with,
        "topics": [(t.name, t.paper_ids) for t in plan.related.topics],
        "unrelated": plan.related.unrelated(),
        "detailed": [p.id for p in plan.detailed],
        "nearest": [plan.related.most_related(i) for i in range(len(plan.papers))],
    }


@pytest.mark.parametrize("embedded", [False, True], ids=["tf-idf", "embeddings"])
def test_the_childs_plan_is_the_plan_made_here(papers, embedded, caplog) -> None:
    rows = _embeddings(papers) if embedded else None
    embed = (lambda listing, texts: (rows, np.zeros((0, rows.shape[1])))) if embedded else None
    here = plan_digest(papers, llm_all=True, embed=embed)
    caplog.set_level(logging.INFO, logger="paperbrief.relate.process")
    with RelateProcess() as child:
        there = plan_digest(papers, llm_all=True, embed=embed, relater=child.relate)
    assert isinstance(here.related, Relatedness)
    assert isinstance(there.related, Related)  # made by the child, not by the fallback
    assert "made by the child process" in caplog.text
    assert _shape(there) == _shape(here)
    # pairs: nearest neighbours sharing a distinctive subject (issue 22): 5 with embeddings
    assert len(there.pairs) >= 4 and len(there.related.topics) >= 5
    assert all(a in papers and b in papers for a, b in there.pairs)  # this process's papers


def test_a_dead_child_is_replaced_by_this_process(papers, caplog) -> None:
    child = RelateProcess()
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    related = child.relate(papers)
    assert isinstance(related, Relatedness)
    assert "the child process failed" in caplog.text
    assert [(p.a.id, p.b.id) for p in related.pairs]  # the plan, made here
    child.close()


def test_an_error_in_the_child_is_the_same_error_here(papers, caplog) -> None:
    """Embeddings of the wrong shape: the child reports relate's error, the plan is tried here
    and fails the same way (as it did before the child existed), with no hang."""
    with RelateProcess() as child, pytest.raises(ValueError, match="one row per paper"):
        child.relate(papers, embeddings=np.zeros((3, 8)))
    assert "the child process failed (ValueError: embeddings: expected one row" in caplog.text


def test_an_unused_child_is_ended(papers) -> None:
    child = RelateProcess()
    proc = child._proc
    assert proc is not None and proc.poll() is None
    child.close()
    assert proc.poll() is not None
    assert child.relate(papers[:3]) is not None  # after close: made here


def test_the_command_plans_in_a_child_as_it_would_here(llm_env, tmp_path) -> None:
    """`paperbrief digest` as a user runs it (a fresh process: scikit-learn not imported) plans
    in a child; in this process (scikit-learn loaded) it plans here: the same digest."""
    argv = ["digest", str(SEED), "--llm-all", "--json", "-v"]
    fresh = subprocess.run(
        [sys.executable, "-m", "paperbrief.cli", *argv, "--db", str(tmp_path / "a.db"),
         "--out", str(tmp_path / "a.json")],
        env=llm_env, capture_output=True, text=True, timeout=300,
    )
    assert fresh.returncode == 0, fresh.stderr
    assert "relatedness: made by the child process" in fresh.stderr
    assert "failed" not in fresh.stderr and "Traceback" not in fresh.stderr
    assert main([*argv, "--db", str(tmp_path / "b.db"), "--out", str(tmp_path / "b.json")]) == 0
    a, b = (json.loads((tmp_path / f"{n}.json").read_text()) for n in "ab")
    for key in ("topics", "unrelated", "compared_with", "detailed"):
        assert a[key] == b[key], key
    assert sorted((c["paper_a"], c["paper_b"]) for c in a["comparisons"]) == sorted(
        (c["paper_a"], c["paper_b"]) for c in b["comparisons"])
    assert len(a["comparisons"]) >= 4  # only pairs sharing a subject (issue 22: 5 here)


def test_the_offline_command_plans_in_a_child_beside_its_takeaways(tmp_path) -> None:
    """Offline without a profile, the child starts before the listing is read (scikit-learn's
    import on the other core): the same digest as a plan made in this process."""
    argv = ["digest", str(SEED), "--offline", "--json", "-v"]
    fresh = subprocess.run(
        [sys.executable, "-m", "paperbrief.cli", *argv, "--db", str(tmp_path / "a.db"),
         "--out", str(tmp_path / "a.json")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert fresh.returncode == 0, fresh.stderr
    assert "relatedness: made by the child process" in fresh.stderr
    assert "failed" not in fresh.stderr and "Traceback" not in fresh.stderr
    assert main([*argv, "--db", str(tmp_path / "b.db"), "--out", str(tmp_path / "b.json")]) == 0
    a, b = (json.loads((tmp_path / f"{n}.json").read_text()) for n in "ab")
    for key in ("topics", "unrelated", "compared_with", "detailed", "takeaways", "comparisons"):
        assert a[key] == b[key], key
    assert len(a["comparisons"]) >= 2  # only those that compare (issue 22 round 6: 2 here)


def test_a_profile_keeps_the_offline_plan_in_this_process(tmp_path) -> None:
    profile = tmp_path / "interests.toml"
    profile.write_text('keywords = ["code generation"]\n', encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "paperbrief.cli", "digest", str(SEED), "--offline", "-v",
         "--interests", str(profile), "--db", str(tmp_path / "a.db"),
         "--out", str(tmp_path / "a.md")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "child process" not in run.stderr  # ranking by the profile reads the TF-IDF space
