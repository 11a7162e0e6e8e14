"""LLM engine scenarios replayed from cassettes (cassettes/test_llm_cassettes/), network blocked.

Recording (`--record-mode=rewrite`) runs each scenario against the shipped reference server,
which scripts the faults. The two success scenarios talk to a real endpoint instead when
OPENAI_API_KEY is set for the recording run (see cassettes/README.md).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from paperbrief.engines.llm.engine import DEFAULT_MODEL, LLMEngine
from paperbrief.errors import FatalLLMError
from paperbrief.numbers import ungrounded
from paperbrief_refserver.server import RefServer
from tests.llm_support import FAKE_KEY, SleepRecorder, StubFallback, numbered_paper, scitldr_papers

# Read at import, before the autouse fixture clears them: only a recording run uses them.
REAL_KEY = os.environ.get("OPENAI_API_KEY") or None
REAL_BASE_URL = os.environ.get("OPENAI_BASE_URL") or None
REAL_MODEL = os.environ.get("PAPERBRIEF_MODEL") or DEFAULT_MODEL
REPLAY_URL = "http://replay.invalid/v1"  # never reached: vcr answers, the network is blocked
MODEL = "gpt-4o-mini"  # what the reference server recordings use

pytestmark = [pytest.mark.vcr, pytest.mark.block_network]


def _cassette(request: pytest.FixtureRequest, cassette_dir: str) -> Path:
    return Path(cassette_dir) / f"{request.node.name}.yaml"


def recorded_model(path: Path) -> str:
    """The model named in a cassette's first request (replay must send the same body)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    body = data["interactions"][0]["request"]["body"]
    return json.loads(body)["model"]


class Endpoint:
    """Where a scenario sends its requests, and the engine built for it."""

    def __init__(self, base_url: str, key: str, model: str, server: RefServer | None) -> None:
        self.base_url, self.key, self.model, self.server = base_url, key, model, server
        self.sleeps = SleepRecorder()
        self.fallback = StubFallback()

    def engine(self, **kwargs) -> LLMEngine:
        return LLMEngine(
            self.model,
            api_key=self.key,
            base_url=self.base_url,
            fallback=self.fallback,
            sleep=self.sleeps,
            **kwargs,
        )

    def faults(self, *faults: str) -> None:
        if self.server is not None:  # recording: script the server; replay: the cassette has it
            self.server.add_faults(*faults)


def _endpoint(request, record_mode: str, cassette_dir: str, real_capable: bool):
    if record_mode == "none":
        path = _cassette(request, cassette_dir)
        model = recorded_model(path) if real_capable and path.exists() else MODEL
        yield Endpoint(REPLAY_URL, FAKE_KEY, model, None)
    elif real_capable and REAL_KEY:
        yield Endpoint(REAL_BASE_URL or "https://api.openai.com/v1", REAL_KEY, REAL_MODEL, None)
    else:
        with RefServer(retry_after=1.0) as server:
            yield Endpoint(server.base_url, FAKE_KEY, MODEL, server)


@pytest.fixture
def scripted(request, record_mode, vcr_cassette_dir):
    """An endpoint for fault scenarios: always the reference server when recording."""
    yield from _endpoint(request, record_mode, vcr_cassette_dir, real_capable=False)


@pytest.fixture
def live(request, record_mode, vcr_cassette_dir):
    """An endpoint for success scenarios: a real one when recording with OPENAI_API_KEY set."""
    yield from _endpoint(request, record_mode, vcr_cassette_dir, real_capable=True)


def test_takeaway_success(live):
    paper = numbered_paper()
    out = live.engine().takeaway(paper)
    assert out.value.engine == live.model and out.value.fallback_reason is None
    assert out.calls[-1].status == "ok" and out.calls[-1].prompt_tokens > 0
    for text in (out.value.takeaway, out.value.result, *[k.value for k in out.value.key_numbers]):
        assert ungrounded(text, f"{paper.title}\n{paper.abstract}") == []


def test_compare_success(live):
    a, b = scitldr_papers(2)
    out = live.engine().compare(a, b)
    assert out.value.engine == live.model and out.value.paper_a == a.id
    assert out.calls[-1].status == "ok" and out.calls[-1].completion_tokens > 0


def test_rate_limit_with_retry_after_then_success(scripted):
    scripted.faults("429")
    out = scripted.engine().takeaway(numbered_paper())
    assert [c.status for c in out.calls] == ["error", "ok"]
    assert scripted.sleeps.waits == [1.0]  # the recorded retry-after header


def test_server_error_then_success(scripted):
    scripted.faults("500")
    out = scripted.engine().takeaway(numbered_paper())
    assert [c.status for c in out.calls] == ["error", "ok"] and "HTTP 500" in out.calls[0].error
    assert len(scripted.sleeps.waits) == 1


def test_malformed_json_then_good_reask(scripted):
    scripted.faults("malformed")
    out = scripted.engine().takeaway(numbered_paper())
    assert [c.status for c in out.calls] == ["invalid", "ok"]
    assert out.value.engine == MODEL


def test_ungrounded_number_then_grounded_reask(scripted):
    scripted.faults("ungrounded")
    out = scripted.engine().compare(*scitldr_papers(2))
    assert [c.status for c in out.calls] == ["ungrounded", "ok"]
    assert "987.65%" in out.calls[0].error and "987.65" not in out.value.summary


def test_refusal_leads_to_offline_fallback(scripted):
    scripted.faults("refusal", "refusal", "refusal")
    out = scripted.engine().takeaway(numbered_paper())
    assert out.value.engine == "offline" and "refused" in out.value.fallback_reason
    assert [c.status for c in out.calls] == ["refusal"] * 3


def test_json_schema_400_leads_to_json_object(scripted):
    scripted.faults("schema400")
    engine = scripted.engine()
    out = engine.takeaway(numbered_paper())
    assert [c.status for c in out.calls] == ["error", "ok"]
    assert engine.response_mode == "json_object" and out.value.engine == MODEL


def test_unauthorized_stops_the_run(scripted):
    scripted.faults("401")
    with pytest.raises(FatalLLMError, match="check OPENAI_API_KEY"):
        scripted.engine().takeaway(numbered_paper())
    assert scripted.fallback.takeaways == []


def test_sloppy_answer_is_repaired_without_a_reask(scripted):
    scripted.faults("sloppy")
    out = scripted.engine().takeaway(numbered_paper())
    [call] = out.calls
    assert call.status == "repaired" and out.value.engine == MODEL
    assert "whitespace normalised" in call.error and "shortened (over 40 chars)" in call.error
    assert len(out.value.tags) == 6 and all(len(t) <= 40 for t in out.value.tags)
    assert "\n" not in out.value.method and out.value.method == out.value.method.strip()


def test_rate_limit_without_retry_after_backs_off_and_honours_the_reset(scripted):
    scripted.faults("429-bare")
    engine = scripted.engine()
    out = engine.takeaway(numbered_paper())
    assert [c.status for c in out.calls] == ["error", "ok"]
    # an isolated 429 does not cut the concurrency (a burst does: tests/test_llm_scale.py) ...
    assert engine.limiter.rate_limited == 1 and engine.limiter.concurrency == 8
    # ... but its headers said the window was used up: nobody started before the reset
    assert engine.limiter._paused_until > 0
    assert len(scripted.sleeps.waits) == 1  # the backoff of the one retry


def test_each_attempt_is_reported_as_it_returns(scripted):
    scripted.faults("500", "malformed")
    engine = scripted.engine()
    seen: list[tuple[str, int]] = []
    engine.call_log = lambda call: seen.append((call.status, len(scripted.sleeps.waits)))
    out = engine.takeaway(numbered_paper())
    # the 500 was reported before the retry's wait, each with its own start time
    assert seen == [("error", 0), ("invalid", 1), ("ok", 1)]
    assert out.logged and [c.status for c in out.calls] == ["error", "invalid", "ok"]
    starts = [c.started for c in out.calls]
    assert all(starts) and starts == sorted(starts) and len(set(starts)) == 3


@pytest.mark.vcr(record_mode="none")
def test_cassettes_hold_no_secret(vcr_cassette_dir):
    # every cassette of the suite, not only this module's: any test may record an LLM call
    files = sorted(Path(vcr_cassette_dir).parent.rglob("*.yaml"))
    assert len(files) >= 9
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert FAKE_KEY not in text and "SECRET123" not in text, path.name
        assert not REAL_KEY or REAL_KEY not in text, path.name
        assert "authorization" not in text.lower(), path.name
        assert "Bearer" not in text, path.name
