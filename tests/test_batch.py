"""`digest --batch` end to end: the real CLI and store, replayed from cassettes/test_batch/.

Recorded (`--record-mode=rewrite`) against the reference server's Files and Batch API, each test
scripting how its batch ends (polls before completion, expired/failed, lines that fail). HTTP is
counted from the cassette (every request a run made) and calls from the store's call log.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperbrief import cli
from paperbrief.digest.render import md
from paperbrief.models import Takeaway
from paperbrief.pricing import find_price, price_table
from paperbrief.run import batching
from paperbrief.store.core import Store
from paperbrief_refserver.server import RefServer
from tests.llm_support import FAKE_KEY

HF_JSON = Path(__file__).parent / "fixtures" / "hf-api" / "hf_daily_papers_2024-10-25.json"
REPLAY_URL = "http://replay.invalid/v1"  # never reached: vcr answers, the network is blocked
MODEL = "gpt-4o-mini"
# 10 papers of 2024-10-25 (since issue 22's round 5 the first 10 of 2026-03-16 make no pair):
# among the first 5 no two share a distinctive subject (issue 22), so no comparison
PAPERS = 10

pytestmark = [pytest.mark.vcr, pytest.mark.block_network]

# How the reference server ends each scenario's batches (used only when recording).
SCENARIOS: dict[str, dict] = {
    "test_submit_returns_at_once_with_one_pending_line_and_a_provisional_digest": {
        "batch_polls": 1
    },
    "test_next_run_collects_and_a_rerun_pays_nothing": {"batch_polls": 1},
    "test_batch_wait_polls_until_done": {"batch_polls": 2},
    "test_partial_failure_is_asked_live_or_left_offline": {
        "batch_line_faults": {
            "takeaway:2410.17243": "500",  # the server failed the line: asked live
            "takeaway:2410.18533": "malformed",  # the answer fails validation: re-asked live
            "takeaway:2410.16251": "ungrounded",  # a number not in the paper: re-asked live
        },
    },
    "test_expired_batch_is_told_in_one_line_and_the_rest_resubmitted": {
        "batch_end": "expired",
        "batch_answered": 3,
    },
    "test_failed_batch_is_told_in_one_line_and_resubmitted": {"batch_end": "failed"},
    "test_batch_results_are_identical_in_shape_to_live_ones": {},
    "test_max_calls_caps_the_batch_and_the_rest_waits_for_the_next": {},
}


@pytest.fixture(autouse=True)
def no_poll_floor(monkeypatch):
    """Replayed batches end on cue: `--batch-poll 0` polls at once (test_batch_hostile.py checks
    the floor a real run keeps)."""
    monkeypatch.setattr(batching, "MIN_POLL_S", 0.0)


@pytest.fixture
def listing(tmp_path: Path) -> Path:
    """The first PAPERS papers of a real HF API day."""
    path = tmp_path / "listing.json"
    path.write_text(json.dumps(json.loads(HF_JSON.read_text())[:PAPERS]), encoding="utf-8")
    return path


@pytest.fixture
def endpoint(request, record_mode, monkeypatch):
    """The reference server scripted for this scenario when recording; the cassette otherwise."""
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    if record_mode == "none":
        monkeypatch.setenv("OPENAI_BASE_URL", REPLAY_URL)
        yield None
        return
    with RefServer(**SCENARIOS.get(request.node.name, {})) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        yield server


class Http:
    """The HTTP requests the test has made so far, from the cassette (recording or replaying)."""

    def __init__(self, cassette, record_mode: str) -> None:
        self.cassette, self.replay = cassette, record_mode == "none"
        self.seen = 0

    def all(self) -> list[tuple[str, str]]:
        requests = self.cassette.requests
        if self.replay:
            requests = [requests[i] for i in sorted(self.cassette.play_counts)]
        return [(r.method, r.path.removeprefix("/v1")) for r in requests]

    def since_last(self) -> list[tuple[str, str]]:
        """The requests made since the previous call."""
        log = self.all()
        new, self.seen = log[self.seen :], len(log)
        return new


@pytest.fixture
def http(vcr, record_mode) -> Http:
    return Http(vcr, record_mode)


def digest(listing: Path, db: Path, out: Path, *flags: str, capsys) -> tuple[int, str, str]:
    code = cli.main(
        ["digest", str(listing), "--db", str(db), "--out", str(out), "--batch-poll", "0", *flags]
    )
    captured = capsys.readouterr()
    return code, out.read_text(encoding="utf-8") if out.exists() else "", captured.err


def last_run(db: Path):
    with Store(db) as store:
        (run,) = store.recent_runs(1)
        return run, store.run_calls(run.id)


def chat_only(calls: list) -> list:
    """The calls of a run but its embeddings request (each listing's first run makes one)."""
    return [c for c in calls if c.kind != "embedding"]


def batches(db: Path) -> list:
    with Store(db) as store:
        return list(store.iter_batches())


def chat_calls(requests: list[tuple[str, str]]) -> int:
    return sum(1 for _, path in requests if path == "/chat/completions")


def body(text: str) -> str:
    """A digest without its footer (which reports the run's calls)."""
    return text.split("\n---\n", 1)[0]


def test_submit_returns_at_once_with_one_pending_line_and_a_provisional_digest(
    endpoint, http, listing, tmp_path, capsys
):
    db, out = tmp_path / "pb.db", tmp_path / "digest.md"
    code, text, err = digest(listing, db, out, "--batch", capsys=capsys)
    assert code == 0
    lines = err.splitlines()
    assert len(lines) == 1 and "pending" in lines[0] and "provisional" in lines[0]
    assert http.since_last() == [("POST", "/embeddings"), ("POST", "/files"), ("POST", "/batches")]
    (batch,) = batches(db)
    assert batch.status == "validating" and batch.collected is None
    assert batch.id in lines[0] and batch.requests >= PAPERS + 1  # takeaways and comparisons
    # the provisional digest: every paper there, offline stand-ins, marked in its footer
    assert md(f"Provisional: OpenAI batch {batch.id}") in text
    assert text.count("_(offline)_") >= PAPERS
    run, calls = last_run(db)
    assert run.status == "ok" and [c.kind for c in calls] == ["embedding"]  # paid live, at once
    assert run.cost_usd == calls[0].cost_usd > 0
    # the pending stand-ins are told once (the provisional line), not once per paper
    assert "waiting for OpenAI batch" not in text


def test_next_run_collects_and_a_rerun_pays_nothing(endpoint, http, listing, tmp_path, capsys):
    db, out = tmp_path / "pb.db", tmp_path / "digest.md"
    assert digest(listing, db, out, "--batch", capsys=capsys)[0] == 0
    http.since_last()
    (batch,) = batches(db)

    # still running: one line again, nothing submitted twice, no live call
    code, text, err = digest(listing, db, out, "--batch", capsys=capsys)
    assert code == 0 and len(err.splitlines()) == 1 and batch.id in err
    assert http.since_last() == [("GET", f"/batches/{batch.id}")]
    assert "Provisional" in text

    # done: collected, validated, cached; the full digest, quietly
    code, text, err = digest(listing, db, out, "--batch", capsys=capsys)
    assert code == 0 and err == ""
    requests = http.since_last()
    assert requests[0] == ("GET", f"/batches/{batch.id}")
    assert [m for m, p in requests[1:] if p.startswith("/files/")] == ["GET"]  # the output file
    assert chat_calls(requests) == 0  # 0 live calls for the batched items
    assert "Provisional" not in text and "_(offline)_" not in text
    run, calls = last_run(db)
    assert len(calls) == batch.requests and all(c.status == "ok" for c in calls)
    assert run.fallbacks == 0
    # at the batch price: half of what the same tokens cost live
    price = find_price(price_table(), MODEL)
    assert price is not None
    live = sum(price.cost(c.prompt_tokens, c.completion_tokens, c.cached_tokens) for c in calls)
    assert run.cost_usd == pytest.approx(live / 2) and run.cost_usd > 0
    assert f"cost: ${run.cost_usd:.4f}" in text
    (collected,) = batches(db)
    assert collected.status == "completed" and collected.collected is not None

    # a rerun after completion pays nothing and makes no request at all
    code, again, err = digest(listing, db, out, "--batch", capsys=capsys)
    assert code == 0 and err == "" and http.since_last() == []
    run, calls = last_run(db)
    assert calls == [] and run.cost_usd == 0 and body(again) == body(text)


def test_batch_wait_polls_until_done(endpoint, http, listing, tmp_path, capsys):
    db, out = tmp_path / "pb.db", tmp_path / "digest.md"
    code, text, err = digest(listing, db, out, "--batch-wait", capsys=capsys)
    assert code == 0 and err == ""
    (batch,) = batches(db)
    assert batch.collected is not None
    requests = http.since_last()
    polls = [r for r in requests if r == ("GET", f"/batches/{batch.id}")]
    assert len(polls) == 3  # in progress, in progress, completed
    assert chat_calls(requests) == 0
    assert "Provisional" not in text and "_(offline)_" not in text
    _, calls = last_run(db)
    assert len(chat_only(calls)) == batch.requests


def test_partial_failure_is_asked_live_or_left_offline(endpoint, http, listing, tmp_path, capsys):
    db, out = tmp_path / "pb.db", tmp_path / "digest.md"
    assert digest(listing, db, out, "--batch", capsys=capsys)[0] == 0
    http.since_last()
    (batch,) = batches(db)
    if endpoint is not None:  # recording: the live ask of the failed line is refused 3 times
        endpoint.add_faults("refusal", "refusal", "refusal")
    # one call at a time, so that the scripted refusals meet the first paper's live ask
    code, text, err = digest(listing, db, out, "--batch", "--concurrency", "1", capsys=capsys)
    assert code == 0
    requests = http.since_last()
    # live: the failed line (3 refusals, then offline) and one re-ask for each spoilt answer
    assert chat_calls(requests) == 3 + 1 + 1
    _, calls = last_run(db)
    by_subject: dict[str, list[str]] = {}
    for call in calls:
        by_subject.setdefault(call.subject, []).append(call.status)
    spoilt = {"2410.17243", "2410.18533", "2410.16251"}
    assert by_subject["2410.17243"] == ["refusal", "refusal", "refusal"]  # all live
    assert by_subject["2410.18533"] == ["invalid", "ok"]  # the batch answer, a live re-ask
    assert by_subject["2410.16251"] == ["ungrounded", "ok"]
    others = {s: v for s, v in by_subject.items() if s not in spoilt}
    assert len(others) == batch.requests - 3 and all(v == ["ok"] for v in others.values())
    # the one left offline is marked in the digest and is the only fallback; it is not cached
    assert f"{md('2410.17243')}: offline fallback" in text
    assert text.count("offline fallback") == 1
    assert "Provisional" not in text
    with Store(db) as store:
        cached = {r["paper_id"] for r in store._read("SELECT paper_id FROM takeaways")}
    assert cached == {s for s in by_subject if "|" not in s} - {"2410.17243"}

    # the one that failed waits out the failure cooldown: not batched again, not asked live
    code, text, err = digest(listing, db, out, "--batch", capsys=capsys)
    assert code == 0 and http.since_last() == [] and len(batches(db)) == 1
    assert "not asked again before" in text and "Provisional" not in text
    assert f"1 of {PAPERS} papers fell back" in err


def test_expired_batch_is_told_in_one_line_and_the_rest_resubmitted(
    endpoint, http, listing, tmp_path, capsys
):
    db, out = tmp_path / "pb.db", tmp_path / "digest.md"
    assert digest(listing, db, out, "--batch", capsys=capsys)[0] == 0
    http.since_last()
    (first,) = batches(db)
    code, text, err = digest(listing, db, out, "--batch", capsys=capsys)
    assert code == 0
    expired, pending = err.splitlines()
    assert first.id in expired and "expired" in expired
    assert f"{first.requests - 3} of {first.requests} request(s) unanswered" in expired
    second = next(b for b in batches(db) if b.id != first.id)
    assert second.requests == first.requests - 3 and second.id in pending
    assert chat_calls(http.since_last()) == 0
    _, calls = last_run(db)
    assert len(calls) == 3  # the answered lines, stored
    assert "Provisional" in text


def test_failed_batch_is_told_in_one_line_and_resubmitted(
    endpoint, http, listing, tmp_path, capsys
):
    db, out = tmp_path / "pb.db", tmp_path / "digest.md"
    assert digest(listing, db, out, "--batch", capsys=capsys)[0] == 0
    (first,) = batches(db)
    code, text, err = digest(listing, db, out, "--batch", capsys=capsys)
    assert code == 0
    failed, pending = err.splitlines()
    assert first.id in failed and "failed (invalid_request:" in failed
    assert f"{first.requests} of {first.requests} request(s) unanswered" in failed
    assert "pending" in pending and first.id not in pending
    assert chat_calls(http.all()) == 0


def test_batch_results_are_identical_in_shape_to_live_ones(
    endpoint, http, listing, tmp_path, capsys
):
    live_db, batch_db = tmp_path / "live.db", tmp_path / "batch.db"
    code, live_text, _ = digest(listing, live_db, tmp_path / "live.md", capsys=capsys)
    assert code == 0
    live_chat = chat_calls(http.since_last())
    code, batch_text, err = digest(
        listing, batch_db, tmp_path / "b.md", "--batch-wait", capsys=capsys
    )
    assert code == 0 and err == ""
    assert chat_calls(http.since_last()) == 0
    assert body(batch_text) == body(live_text)
    live_rows, batch_rows = _cache(live_db), _cache(batch_db)
    assert live_rows == batch_rows and len(live_rows) == live_chat
    for row in batch_rows.values():
        assert row["engine"] == MODEL and row.get("fallback_reason") is None
    takeaways = [Takeaway.model_validate(r) for k, r in batch_rows.items() if k[0] == "t"]
    assert len(takeaways) == PAPERS


def _cache(db: Path) -> dict[tuple[str, str], dict]:
    with Store(db) as store:
        rows = store._read("SELECT paper_id, json FROM takeaways")
        pairs = store._read("SELECT paper_a, paper_b, json FROM comparisons")
    out = {("t", r["paper_id"]): json.loads(r["json"]) for r in rows}
    out.update({("c", f"{r['paper_a']}|{r['paper_b']}"): json.loads(r["json"]) for r in pairs})
    return out


def test_max_calls_caps_the_batch_and_the_rest_waits_for_the_next(
    endpoint, http, listing, tmp_path, capsys
):
    db, out = tmp_path / "pb.db", tmp_path / "digest.md"
    code, text, err = digest(listing, db, out, "--batch", "--max-calls", "4", capsys=capsys)
    assert code == 0
    budget, pending = err.splitlines()
    assert budget.startswith("paperbrief: budget reached: --max-calls 4: 4 of ")
    (first,) = batches(db)
    assert first.requests == 4 and first.id in pending
    total = int(budget.split(" of ")[1].split()[0])
    # the next run collects the 4 and batches (at most 4 of) the rest
    code, text, err = digest(listing, db, out, "--batch", "--max-calls", "4", capsys=capsys)
    assert code == 0
    second = next(b for b in batches(db) if b.id != first.id)
    assert second.requests == min(4, total - 4)
    _, calls = last_run(db)
    assert len(calls) == 4 and chat_calls(http.all()) == 0


def test_max_cost_batches_only_what_fits_at_its_worst_case_cost(tmp_path):
    from paperbrief.engines.llm.batch import request_line
    from paperbrief.engines.llm.engine import LLMEngine
    from paperbrief.run.batching import BatchMode, plan_lines
    from paperbrief.run.pipeline import Budget
    from paperbrief.sources import read_file
    from tests.llm_support import StubFallback

    papers = read_file(HF_JSON).papers[:PAPERS]
    engine = LLMEngine(MODEL, api_key=FAKE_KEY, base_url=REPLAY_URL, fallback=StubFallback())
    lines = list(plan_lines(engine, papers, []).values())
    body = [request_line(x.custom_id, engine.request_body(x.kind, x.papers)) for x in lines]
    price = find_price(price_table(), MODEL)
    assert price is not None
    worst = [
        price.batch().cost(len(json.dumps(b["body"]["messages"], ensure_ascii=False)) // 3 + 1,
                           b["body"]["max_tokens"])
        for b in body
    ]
    with Store(tmp_path / "pb.db") as store:
        for budget, fits in ((sum(worst[:2]) + 1e-9, 2), (sum(worst) * 2, PAPERS), (0.0, 0)):
            mode = BatchMode(engine, store, None, budget=Budget(max_cost=budget))
            assert mode._within_budget(body) == fits
        mode = BatchMode(engine, store, None, budget=Budget(max_calls=3, max_cost=1.0))
        assert mode._within_budget(body) == 3


def test_batch_without_an_llm_is_a_usage_error(listing, tmp_path, capsys):
    code = cli.main(["digest", str(listing), "--batch", "--db", str(tmp_path / "pb.db")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--batch needs the LLM engine" in err


def test_cassettes_hold_no_secret(vcr_cassette_dir):
    files = sorted(Path(vcr_cassette_dir).glob("*.yaml"))
    assert len(files) >= 7
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert FAKE_KEY not in text and "SECRET123" not in text, path.name
        assert "authorization" not in text.lower() and "Bearer" not in text, path.name
