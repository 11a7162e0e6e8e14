"""LLM runs at scale, against the reference server: one work queue, every attempt logged as it
returns (also under kill -9), local repair, the failure cooldown, rate limits, the circuit breaker,
the per-call timeout and the stderr line when items fell back."""

from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from paperbrief import cli
from paperbrief.engines import Outcome
from paperbrief.engines.llm.engine import LLMEngine
from paperbrief.engines.llm.reply import Reply, judge
from paperbrief.engines.offline.engine import OfflineEngine
from paperbrief.models import Comparison, Paper, Takeaway, TakeawayDraft
from paperbrief.ratelimit import RateLimiter
from paperbrief.run.pipeline import Pipeline
from paperbrief.sources import read_file
from paperbrief.store.core import Store
from paperbrief_refserver.answers import takeaway_draft
from paperbrief_refserver.server import RefServer
from tests.llm_support import FAKE_KEY, SleepRecorder, StubFallback, scitldr_papers

FIXTURES = Path(__file__).parent / "fixtures"
# 2024-10-25: since issue 22's round 5 the first papers of 2026-03-16 make no surely related
# pair, and comparisons are part of what these tests check
HF_JSON = FIXTURES / "hf-api" / "hf_daily_papers_2024-10-25.json"
SEED_PAGE = FIXTURES / "hf-daily-papers-page.txt"
TIMEOUT = 120


def listing(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "listing.json"
    path.write_text(json.dumps(json.loads(HF_JSON.read_text())[:n]), encoding="utf-8")
    return path


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def use_server(monkeypatch: pytest.MonkeyPatch, base_url: str) -> dict[str, str]:
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    return dict(os.environ)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def db_rows(db: Path, sql: str) -> list[tuple]:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=15)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet
        return []


# -- one work queue ---------------------------------------------------------------------------


class GatedEngine:
    """The first paper's takeaway is answered only once some comparison has been asked for."""

    name = "gated-model"
    takeaway_version = "t1"
    comparison_version = "c1"

    def __init__(self, offline: OfflineEngine, gate_paper: str) -> None:
        self.offline = offline
        self.gate_paper = gate_paper
        self.comparison_started = threading.Event()
        self.gate_opened: bool | None = None

    def takeaway(self, paper: Paper) -> Outcome[Takeaway]:
        if paper.id == self.gate_paper:
            self.gate_opened = self.comparison_started.wait(timeout=20)
        value = self.offline.takeaway(paper).value
        return Outcome(value.model_copy(update={"engine": self.name, "prompt_version": "t1"}))

    def compare(self, a: Paper, b: Paper) -> Outcome[Comparison]:
        self.comparison_started.set()
        value = self.offline.compare(a, b).value
        return Outcome(value.model_copy(update={"engine": self.name, "prompt_version": "c1"}))


def test_a_comparison_does_not_wait_for_the_takeaways(tmp_path):
    papers = read_file(HF_JSON).papers[:6]
    pairs = [(papers[1], papers[2]), (papers[3], papers[4])]
    offline = OfflineEngine()
    engine = GatedEngine(offline, gate_paper=papers[0].id)
    with Store(tmp_path / "pb.db") as store:
        pipeline = Pipeline(engine, offline, store=store, run_id=None, concurrency=3)
        takeaways, comparisons = pipeline.run(papers, pairs)
    # the slow takeaway was still in flight when a comparison started (two phases would wait)
    assert engine.gate_opened is True
    assert set(takeaways) == {p.id for p in papers}
    assert [(c.paper_a, c.paper_b) for c in comparisons] == [(a.id, b.id) for a, b in pairs]
    assert all(t.fallback_reason is None for t in takeaways.values())


def test_digest_sends_takeaways_and_comparisons_through_one_queue(tmp_path, monkeypatch, capsys):
    # 10 papers: the first 8 share no distinctive subject (issue 22), so no comparison
    src, db = listing(tmp_path, 10), tmp_path / "pb.db"
    # the first takeaway's answer takes a while: in one queue, comparisons are asked meanwhile
    # (as soon as relatedness has chosen them: imported already here, it takes milliseconds)
    importlib.import_module("paperbrief.relate.relatedness")
    with RefServer(faults=["slow"], slow_latency=5.0) as server:
        arrived_before_slow_answer: list[int] = []
        original = server.completion

        def completion(body, fault, key):
            if fault == "slow":
                arrived_before_slow_answer.append(len(server.requests))
            return original(body, fault, key)

        server.completion = completion
        use_server(monkeypatch, server.base_url)
        code, out, err = run_cli(["digest", str(src), "--db", str(db), "--json",
                                  "--concurrency", "4"], capsys)
        assert (code, err) == (0, "")
        kinds = [
            "comparison" if 'label="A"' in r["messages"][-1]["content"] else "takeaway"
            for r in server.requests
        ]
    digest = json.loads(out)
    assert digest["comparisons"] and kinds.count("comparison") == len(digest["comparisons"])
    assert kinds[0] == "takeaway" and len(kinds) == 10 + len(digest["comparisons"])
    # a comparison went out while the first takeaway was still pending
    assert kinds.index("comparison") < arrived_before_slow_answer[0]


# -- every attempt logged as it returns, even under kill -9 -----------------------------------


def test_kill_9_mid_paper_leaves_every_answered_attempt_in_the_log(tmp_path, monkeypatch):
    src, db = listing(tmp_path, 8), tmp_path / "pb.db"
    # 4 good answers, then two 500s whose retries never get an answer: two papers are
    # mid-way (one paid attempt each) when the run is killed
    faults = ["none"] * 4 + ["500", "500"]
    with RefServer(faults=faults, hang_after=6) as server:
        env = use_server(monkeypatch, server.base_url)
        victim = subprocess.Popen(
            [sys.executable, "-m", "paperbrief.cli", "digest", str(src), "--db", str(db),
             "--concurrency", "2", "--timeout", "60", "--embedding-model", "none"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            deadline = time.monotonic() + TIMEOUT
            while len(server.requests) < 8 or len(db_rows(db, "SELECT id FROM calls")) < 6:
                assert victim.poll() is None, victim.communicate()
                assert time.monotonic() < deadline, (
                    f"answered {server.answered}, logged {db_rows(db, 'SELECT * FROM calls')}"
                )
                time.sleep(0.05)
        finally:
            victim.send_signal(signal.SIGKILL)
            victim.communicate(timeout=TIMEOUT)
        answered = server.answered
        embedded = len(server.embedding_requests)
    # chat attempts only: the embeddings, asked for beside the first takeaways, could be in
    # flight at any moment of the kill
    assert answered == 6 and embedded == 0
    rows = db_rows(db, "SELECT subject, attempt, status, started, duration_s, at FROM calls")
    assert len(rows) == answered
    assert sorted(r[2] for r in rows) == ["error", "error", "ok", "ok", "ok", "ok"]
    assert all(r[3] is not None and r[3] <= r[5] for r in rows)  # own start, logged after it
    # `runs` reports what the killed run paid, failed attempts included
    runs = subprocess.run([sys.executable, "-m", "paperbrief.cli", "runs", "--db", str(db)],
                          env=env, capture_output=True, text=True, timeout=TIMEOUT)
    first = runs.stdout.splitlines()[0]
    assert "interrupted: 6 calls" in first and "2 failed calls" in first


# -- repair before re-asking ------------------------------------------------------------------


def _reply(data: dict) -> Reply:
    return Reply(content=json.dumps(data), refusal=None, finish_reason="stop", model="m")


def test_cosmetic_slips_are_repaired_locally_and_recorded():
    paper = scitldr_papers(1)[0]
    good = takeaway_draft(paper.title, paper.abstract).model_dump()
    slipped = dict(
        good,
        method="  " + good["method"].replace(" ", "\n  ", 2) + "  ",
        tags=["alpha", "a tag that is " + "much " * 8 + "too long", "alpha", "b", "c", "d", "e",
              "f"],
    )
    verdict = judge(_reply(slipped), TakeawayDraft, f"{paper.title}\n{paper.abstract}")
    assert verdict.status == "repaired" and verdict.draft is not None
    assert verdict.draft.method == " ".join(good["method"].split())
    assert verdict.draft.tags == ["alpha", "a tag that is much much much much much", "b", "c",
                                  "d", "e"]
    assert all(len(t) <= 40 for t in verdict.draft.tags)
    for note in ("whitespace normalised", "tags.1 shortened", "tags.2 dropped (repeated)",
                 "tags: 1 surplus item(s) dropped"):
        assert note in verdict.error


def test_what_needs_the_model_is_not_repaired():
    paper = scitldr_papers(1)[0]
    good = takeaway_draft(paper.title, paper.abstract).model_dump()
    long_takeaway = dict(good, takeaway=" ".join(["word"] * 31))
    assert judge(_reply(long_takeaway), TakeawayDraft, paper.abstract).status == "invalid"
    missing = {k: v for k, v in good.items() if k != "problem"}
    assert judge(_reply(missing), TakeawayDraft, paper.abstract).status == "invalid"
    assert judge(_reply(good), TakeawayDraft, f"{paper.title}\n{paper.abstract}").status == "ok"


def test_a_repairable_answer_costs_one_call_not_three(tmp_path):
    paper = scitldr_papers(1)[0]
    good = takeaway_draft(paper.title, paper.abstract).model_dump()
    with RefServer() as server:
        original = server.completion

        def sloppy(body, fault, key):  # the server's answer with 8 tags, one of 60 chars
            out = original(body, fault, key)
            out["choices"][0]["message"]["content"] = json.dumps(
                dict(good, tags=["x" * 60, *[f"tag{i}" for i in range(7)]])
            )
            return out

        server.completion = sloppy
        engine = LLMEngine("gpt-4o-mini", api_key=FAKE_KEY, base_url=server.base_url,
                           fallback=StubFallback(), sleep=SleepRecorder())
        out = engine.takeaway(paper)
        assert len(server.requests) == 1
    assert out.value.fallback_reason is None and out.value.tags == [f"tag{i}" for i in range(6)]
    [call] = out.calls
    assert call.status == "repaired" and "tags.0 dropped" in call.error


# -- failures remembered ----------------------------------------------------------------------


def test_a_failed_item_is_not_paid_again_until_the_cooldown_or_refresh(
    tmp_path, monkeypatch, capsys
):
    src, db, out = listing(tmp_path, 1), tmp_path / "pb.db", tmp_path / "d.md"
    argv = ["digest", str(src), "--db", str(db), "--out", str(out)]
    with RefServer(faults=["malformed"] * 3) as server:
        use_server(monkeypatch, server.base_url)
        code, _, err = run_cli(argv, capsys)
        assert code == 0 and len(server.requests) == 3
        assert err == ("paperbrief: 1 of 1 papers fell back to the offline engine: "
                       "see the digest footer\n")
        # the next cron run: same content, prompt and model: not paid, offline, footer says why
        code, _, err = run_cli(argv, capsys)
        assert code == 0 and len(server.requests) == 3
        assert "1 of 1 papers fell back" in err
        footer = out.read_text().split("\n---\n", 1)[1]
        assert "gave up after 3 answers" in footer and "not asked again before" in footer
        # a shorter cooldown lets it be paid again (here: failing again), and so does --refresh
        server.add_faults("malformed", "malformed", "malformed")
        run_cli([*argv, "--failure-cooldown", "0"], capsys)
        assert len(server.requests) == 6
        code, _, err = run_cli([*argv, "--refresh"], capsys)
        assert (code, err, len(server.requests)) == (0, "", 7)
        assert "_(offline)_" not in out.read_text()
        # the cooldown from the environment
        other = ["digest", str(src), "--db", str(tmp_path / "other.db"), "--out", str(out)]
        server.add_faults("malformed", "malformed", "malformed")
        run_cli(other, capsys)
        monkeypatch.setenv("PAPERBRIEF_FAILURE_COOLDOWN", "0.5")
        run_cli(other, capsys)
        assert len(server.requests) == 10
        monkeypatch.setenv("PAPERBRIEF_FAILURE_COOLDOWN", "0")
        code, _, err = run_cli(other, capsys)
        assert (code, err, len(server.requests)) == (0, "", 11)


def test_a_bad_cooldown_is_a_one_line_usage_error(tmp_path, monkeypatch, capsys):
    src = listing(tmp_path, 1)
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{closed_port()}/v1")
    monkeypatch.setenv("PAPERBRIEF_FAILURE_COOLDOWN", "soon")
    code, out, err = run_cli(["digest", str(src), "--db", str(tmp_path / "pb.db")], capsys)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "PAPERBRIEF_FAILURE_COOLDOWN" in err
    with pytest.raises(SystemExit) as info:
        cli.main(["digest", str(src), "--timeout", "nan"])
    assert info.value.code == 2


# -- rate limits ------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_aimd_halves_on_a_burst_of_429s_and_grows_back_by_one_per_round():
    clock = FakeClock()
    limiter = RateLimiter(8, clock=clock)
    limiter.throttled()  # an isolated 429: only its own attempt waits
    assert limiter.concurrency == 8 and limiter.decreases == 0
    for _ in range(8):
        limiter.success()
    limiter.throttled()  # the first one is out of the window of recent answers
    assert limiter.concurrency == 8
    limiter.throttled()
    limiter.throttled()  # the same burst: one decrease
    assert limiter.concurrency == 4 and limiter.decreases == 1
    clock.now += 2
    limiter.throttled()
    assert limiter.concurrency == 2
    for _ in range(3):
        limiter.success()
    assert limiter.concurrency == 3  # about +1 per round of answers
    for _ in range(100):
        limiter.success()
    assert limiter.concurrency == 8  # never above the configured concurrency


def test_headers_saying_the_window_is_used_up_pause_new_calls_until_the_reset():
    clock = FakeClock()
    limiter = RateLimiter(4, clock=clock)
    limiter.acquire()
    limiter.observe({"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1m30s"})
    limiter.release()
    assert limiter._wait_time(clock.now) == pytest.approx(90.0)
    clock.now += 90
    assert limiter._wait_time(clock.now) == 0
    limiter.observe({"X-RateLimit-Remaining-Tokens": "5", "X-RateLimit-Reset-Tokens": "6ms"})
    assert limiter._wait_time(clock.now) == 0  # plenty left: no pause


def test_rpm_spaces_the_starts():
    clock = FakeClock()
    limiter = RateLimiter(8, rpm=60, clock=clock)
    limiter.acquire()
    assert limiter._wait_time(clock.now) == pytest.approx(1.0)
    clock.now += 1.0
    limiter.acquire()
    assert limiter.in_flight == 2


def _digest_pipeline(server: RefServer, limiter: RateLimiter, store: Store) -> Pipeline:
    engine = LLMEngine("gpt-4o-mini", api_key=FAKE_KEY, base_url=server.base_url,
                       fallback=OfflineEngine(), limiter=limiter)
    return Pipeline(engine, OfflineEngine(), store=store, run_id=store.start_run("t", []),
                    concurrency=8)


def test_adaptive_concurrency_under_429_loses_no_paper(tmp_path):
    papers = read_file(HF_JSON).papers[:12]
    # at most 4 requests per second: 8 at once draw 429s (without retry-after)
    with RefServer(rpm=240, rpm_window=1.0, latency=0.05) as server, Store(tmp_path / "p.db") as s:
        limiter = RateLimiter(8)
        takeaways = _digest_pipeline(server, limiter, s).takeaways(papers)
        rate_limited = server.rate_limited
    assert all(t.fallback_reason is None for t in takeaways.values())
    assert rate_limited > 0 and limiter.rate_limited == rate_limited
    assert limiter.decreases >= 1 and limiter.lowest_limit < 8


def test_rpm_cap_keeps_under_the_servers_limit(tmp_path):
    papers = read_file(HF_JSON).papers[:6]
    with RefServer(rpm=240, rpm_window=1.0, ratelimit_headers=True) as server, \
            Store(tmp_path / "p.db") as s:
        limiter = RateLimiter(8, rpm=200)
        takeaways = _digest_pipeline(server, limiter, s).takeaways(papers)
        assert server.rate_limited == 0 and len(server.requests) == 6
    assert all(t.fallback_reason is None for t in takeaways.values())


def test_rpm_option_is_used_by_the_cli(tmp_path, monkeypatch, capsys):
    src = listing(tmp_path, 3)
    with RefServer(rpm=120, rpm_window=1.0) as server:
        use_server(monkeypatch, server.base_url)
        code, _, err = run_cli(["takeaway", "--input", str(src), "--db", str(tmp_path / "p.db"),
                                "--rpm", "100"], capsys)
        assert (code, err) == (0, "") and server.rate_limited == 0


# -- outages: circuit breaker and timeout -----------------------------------------------------


def _assert_finished_offline(code: int, out: str, err: str, needle: str) -> None:
    assert code == 0 and out.startswith("# ")
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "fell back to the offline engine" in lines[0]
    assert "failed 5 times in a row" in lines[0] and needle in lines[0]
    assert "no more calls were made" in lines[0]


def test_a_closed_port_finishes_offline_at_once_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{closed_port()}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    db = tmp_path / "pb.db"
    code, out, err = run_cli(["digest", str(SEED_PAGE), "--db", str(db), "--llm-all"], capsys)
    # the embeddings request failed first (4 attempts): TF-IDF, said in a line of its own
    embed_line, err = err.split("\n", 1)
    assert embed_line.startswith("paperbrief: embeddings unavailable (")
    assert "connection error" in embed_line and embed_line.endswith("use TF-IDF this run")
    _assert_finished_offline(code, out, err, "connection error")
    n_papers = len(read_file(SEED_PAGE).papers)  # --llm-all: every paper was sent to the LLM
    assert f"{n_papers} of {n_papers} papers" in err
    calls = db_rows(db, "SELECT status FROM calls")
    assert 5 <= len(calls) <= 5 + 8  # the breaker's five, and at most the calls then in flight


def test_a_server_answering_500_to_everything_trips_the_breaker(tmp_path, monkeypatch, capsys):
    with RefServer(fault_rates={"500": 1.0}) as server:
        use_server(monkeypatch, server.base_url)
        code, out, err = run_cli(["digest", str(SEED_PAGE), "--db", str(tmp_path / "pb.db")],
                                 capsys)
        if err.startswith("paperbrief: embeddings unavailable ("):  # asked for beside the first
            err = err.split("\n", 1)[1]  # takeaways, the embeddings may meet the open breaker
        _assert_finished_offline(code, out, err, "HTTP 500")
        assert 5 <= len(server.requests) <= 5 + 8


def test_a_server_that_never_answers_times_out_and_trips_the_breaker(
    tmp_path, monkeypatch, capsys
):
    with RefServer(hang_after=0) as server:
        use_server(monkeypatch, server.base_url)
        code, out, err = run_cli(["digest", str(SEED_PAGE), "--db", str(tmp_path / "pb.db"),
                                  "--timeout", "0.5"], capsys)
        _assert_finished_offline(code, out, err, "timed out after 0.5s")
        assert 5 <= len(server.requests) <= 5 + 8


def test_a_few_failures_in_a_row_do_not_trip_the_breaker(tmp_path):
    sleeps = SleepRecorder()
    with RefServer(faults=["500", "503", "500", "500"]) as server:
        engine = LLMEngine("gpt-4o-mini", api_key=FAKE_KEY, base_url=server.base_url,
                           fallback=StubFallback(), sleep=sleeps, max_attempts=5)
        out = engine.takeaway(scitldr_papers(1)[0])
    assert out.value.fallback_reason is None and engine.stopped is None
    assert engine.breaker.consecutive == 0  # the answer reset the count
