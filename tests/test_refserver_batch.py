"""The reference server's Files and Batch API, driven by the real openai SDK (paperbrief's client),
and the batch client's reading of output lines, including a real OpenAI Batch output file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openai
import pytest

from paperbrief.engines.llm.batch import BatchAPIError, BatchClient, read_lines, request_line
from paperbrief.engines.llm.engine import LLMEngine
from paperbrief.pricing import Price
from paperbrief_refserver.answers import answer_content
from paperbrief_refserver.server import RefServer
from tests.llm_support import FAKE_KEY, StubFallback, scitldr_papers

OPENAI_FIXTURES = Path(__file__).parent / "fixtures" / "openai"
REAL_OUTPUT = OPENAI_FIXTURES / "openai_batch_output_2lines_from_litellm_fixture.jsonl"


def _engine(server: RefServer) -> LLMEngine:
    return LLMEngine("gpt-4o-mini", api_key=FAKE_KEY, base_url=server.base_url,
                     fallback=StubFallback())


def _lines(engine: LLMEngine, n: int = 3) -> list[dict]:
    return [
        request_line(f"takeaway:{p.id}", engine.request_body("takeaway", [p]))
        for p in scitldr_papers(n)
    ]


def test_a_batch_runs_through_files_and_batches_like_openai():
    with RefServer(batch_polls=2) as server:
        engine = _engine(server)
        client = BatchClient(engine.client)
        lines = _lines(engine)
        state = client.submit(lines)
        assert state.status == "validating" and not state.final
        # the uploaded file is what was sent, byte for byte
        uploaded = engine.client.files.content(state.input_file_id).text
        assert [json.loads(x) for x in uploaded.splitlines()] == lines
        assert [client.status(state.id).status for _ in range(2)] == ["in_progress"] * 2
        done = client.status(state.id)
        assert done.status == "completed" and done.final
        assert (done.total, done.completed, done.failed) == (3, 3, 0)
        results = client.results(done)
        assert set(results) == {line["custom_id"] for line in lines}
        # each line answered like its live request would be, with no live request made
        for line in lines:
            body = results[line["custom_id"]].body
            assert body is not None and body["object"] == "chat.completion"
            content = body["choices"][0]["message"]["content"]
            assert content == answer_content(line["body"]["messages"])
        assert server.requests == [] and len(server.batches.lines) == 3


def test_failed_lines_go_to_the_error_file_and_expired_lines_say_so():
    faults = {"takeaway:" + scitldr_papers(3)[0].id: "500"}
    with RefServer(batch_end="expired", batch_answered=2, batch_line_faults=faults) as server:
        engine = _engine(server)
        client = BatchClient(engine.client)
        state = client.status(client.submit(_lines(engine)).id)
        assert state.status == "expired" and (state.completed, state.failed) == (1, 2)
        results = list(client.results(state).values())
        first, second, third = sorted(results, key=lambda r: [line["custom_id"] for line in
                                                              _lines(engine)].index(r.custom_id))
        assert first.body is None and first.error.startswith("HTTP 500:")
        assert second.body is not None and second.error is None
        assert third.body is None and third.error.startswith("batch_expired:")


def test_failed_batch_has_errors_and_no_files():
    with RefServer(batch_end="failed") as server:
        engine = _engine(server)
        client = BatchClient(engine.client)
        state = client.status(client.submit(_lines(engine, 1)).id)
        assert state.status == "failed" and state.errors[0].startswith("invalid_request:")
        assert state.output_file_id is None and client.results(state) == {}


def test_unknown_ids_and_bad_uploads_are_refused_like_openai_does():
    with RefServer() as server:
        client = BatchClient(_engine(server).client)
        with pytest.raises(BatchAPIError, match=r"^cannot check the batch: HTTP 404"):
            client.status("batch_nope")
        raw = openai.OpenAI(api_key=FAKE_KEY, base_url=server.base_url, max_retries=0)
        with pytest.raises(openai.NotFoundError):
            raw.batches.create(
                input_file_id="file-nope", endpoint="/v1/chat/completions", completion_window="24h"
            )
        with pytest.raises(openai.BadRequestError):
            raw.files.create(file=("x.jsonl", b"{}\n"), purpose="")  # type: ignore[arg-type]


def test_real_openai_output_lines_are_read_and_judged_like_live_answers():
    results = list(read_lines(REAL_OUTPUT.read_text(encoding="utf-8")))
    assert [r.custom_id for r in results] == ["request-1", "request-2"]
    assert all(r.body is not None and r.error is None for r in results)
    engine = LLMEngine("gpt-4o-mini", api_key=FAKE_KEY, base_url="http://127.0.0.1:9/v1",
                       fallback=StubFallback())
    paper = scitldr_papers(1)[0]
    # "Hello! How can I assist you today?" is no takeaway; the second was cut off (length)
    assert engine.accept("takeaway", [paper], results[0].body) is None
    assert engine.accept("takeaway", [paper], results[1].body) is None


def test_a_passing_batch_answer_costs_the_batch_price():
    with RefServer() as server:
        engine = _engine(server)
        paper = scitldr_papers(1)[0]
        body = server.completion(engine.request_body("takeaway", [paper]), None, FAKE_KEY)
        outcome = engine.accept("takeaway", [paper], body)
        assert outcome is not None and outcome.value == engine.takeaway(paper).value
        (call,) = outcome.calls
        price = Price(0.15, 0.075, 0.60)
        assert call.cost_usd == pytest.approx(
            price.batch().cost(call.prompt_tokens, call.completion_tokens, call.cached_tokens)
        )
        assert call.cost_usd == pytest.approx(
            price.cost(call.prompt_tokens, call.completion_tokens, call.cached_tokens) / 2
        )
        assert len(server.requests) == 1  # only the live takeaway above


def test_refserver_command_line_takes_batch_options():
    result = subprocess.run(
        [sys.executable, "-m", "paperbrief_refserver.server", "--batch-end", "sometime"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2 and "unknown batch end 'sometime'" in result.stderr
