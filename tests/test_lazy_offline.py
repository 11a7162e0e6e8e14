"""The LLM run's offline engine, made on first use (paperbrief.engines.offline.lazy, issue 11)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.engines.offline.lazy import LazyOfflineEngine
from paperbrief.sources import read_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "hf-daily-papers-page.txt"
HF_JSON = FIXTURES / "hf-api" / "hf_daily_papers_2026-03-16.json"


def test_it_is_the_offline_engine_once_used() -> None:
    papers = read_file(SEED).papers
    lazy, real = LazyOfflineEngine(), OfflineEngine()
    assert lazy._engine is None  # nothing made yet
    assert (lazy.name, lazy.takeaway_version, lazy.comparison_version) == (
        real.name, real.takeaway_version, real.comparison_version)
    assert isinstance(lazy.engine, OfflineEngine) and lazy.engine is lazy.engine  # made once
    assert lazy.takeaway(papers[0]).value == real.takeaway(papers[0]).value
    assert lazy.compare(papers[1], papers[2]).value == real.compare(papers[1], papers[2]).value


def test_a_copy_for_another_process_is_the_real_engine() -> None:
    """offline_pool sends the engine to its worker processes by pickling it."""
    copy = pickle.loads(pickle.dumps(LazyOfflineEngine()))
    assert type(copy) is OfflineEngine


def test_the_llm_digest_falls_back_through_it(llm_env, server, tmp_path, capsys) -> None:
    """An answer that cannot be used falls back to the offline engine, made on demand."""
    from paperbrief.cli import main

    one = tmp_path / "one.json"  # one paper of a real Hugging Face API day
    one.write_text(json.dumps(json.loads(HF_JSON.read_text())[:1]), encoding="utf-8")
    server.faults.extend(["malformed"] * 3)  # every attempt at its takeaway unusable
    out = tmp_path / "d.json"
    assert main(["digest", str(one), "--json", "--out", str(out)]) == 0
    assert "1 of 1 papers fell back to the offline engine" in capsys.readouterr().err
    (takeaway,) = json.loads(out.read_text())["takeaways"].values()
    assert takeaway["fallback_reason"] and takeaway["engine"] == "offline"
