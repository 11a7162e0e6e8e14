"""SIGTERM and Ctrl-C stop a run whose LLM call hangs (issue 28, item 13), keeping what is paid.

The reference server answers the first two chat requests and never the later ones. The run is
stopped while the third hangs: the two answers stay in the store, the run is recorded as
interrupted, and the process exits 143 (SIGTERM) or 130 (SIGINT) after the stop's grace
(PAPERBRIEF_STOP_GRACE, 1 s here) instead of waiting for the call. Without that, it waits for the
server (an hour).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from paperbrief.store.core import Store
from paperbrief_refserver.server import RefServer
from tests.test_cron import _count_rows as _rows

HF_JSON = Path(__file__).parent / "fixtures" / "hf-api" / "hf_daily_papers_2026-03-16.json"
WAIT = 120.0  # generous: how long a stopped run may take before it counts as hanging


@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [
        (signal.SIGTERM, 143, "paperbrief: terminated (SIGTERM)\n"),
        (signal.SIGINT, 130, "paperbrief: interrupted\n"),
    ],
    ids=["SIGTERM", "SIGINT"],
)
def test_a_stop_ends_a_run_whose_call_hangs_and_keeps_the_answers_paid(
    tmp_path, signum, code, said
):
    src, db = tmp_path / "listing.json", tmp_path / "pb.db"
    src.write_text(json.dumps(json.loads(HF_JSON.read_text())[:5]), encoding="utf-8")
    with RefServer(hang_after=2) as server:
        env = {
            **os.environ,
            "OPENAI_BASE_URL": server.base_url,
            "OPENAI_API_KEY": "sk-test",
            "PAPERBRIEF_STOP_GRACE": "1",
        }
        victim = subprocess.Popen(
            [sys.executable, "-m", "paperbrief.cli", "digest", str(src), "--db", str(db),
             "--concurrency", "1"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            end = time.monotonic() + WAIT
            while not (_rows(db, "takeaways") == 2 and len(server.requests) == 3):
                assert victim.poll() is None, victim.communicate()
                assert time.monotonic() < end, "the run never got going"
                time.sleep(0.02)
            victim.send_signal(signum)
            stdout, stderr = victim.communicate(timeout=WAIT)
        finally:
            if victim.poll() is None:
                victim.kill()
                victim.communicate()
    assert (victim.returncode, stdout, stderr) == (code, "", said)
    assert _rows(db, "takeaways") == 2  # both answers paid for are kept
    with Store(db) as store:
        (run,) = store.recent_runs(1)
        assert run.status == "interrupted"
        calls = store.run_calls(run.id)
    chat = [c for c in calls if c.kind != "embedding"]
    assert sum(1 for c in chat if c.error is None) == 2  # and their calls are logged


class SignalledStore(Store):
    """A store that is sent Ctrl-C while it saves its first takeaway (the moment the test of
    tests/test_cron.py hits at random, now and then)."""

    signalled: str | None = None  # the paper whose save was interrupted

    def put_takeaway(self, paper, takeaway, engine=None):
        if self.signalled is None:
            self.signalled = paper.id
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler runs here, in the middle of the save
        return super().put_takeaway(paper, takeaway, engine)


def test_ctrl_c_in_the_middle_of_saving_an_answer_keeps_it(tmp_path):
    from paperbrief.engines.llm.engine import LLMEngine
    from paperbrief.run import stopping
    from paperbrief.run.pipeline import Pipeline
    from tests.llm_support import StubFallback, scitldr_papers

    papers = scitldr_papers(3)
    restore = stopping.install()
    try:
        with RefServer() as server, SignalledStore(tmp_path / "pb.db") as store:
            engine = LLMEngine("gpt-4o-mini", fallback=StubFallback(), api_key="sk-test",
                               base_url=server.base_url)  # fmt: skip
            pipeline = Pipeline(engine, StubFallback(), store=store, concurrency=1)
            with pytest.raises(KeyboardInterrupt):
                pipeline.takeaways(papers)
            kept = [p.id for p in papers if store.get_takeaway(p, engine.name,
                                                               engine.takeaway_version)]
    finally:
        restore()
    assert store.signalled in kept  # the answer being saved when the signal came is kept
