"""What the user of the command line gets from the real provider shapes (issue 24): a quota error
stops the run with the provider's message and exit 1, keeping what was done; fallbacks are
visible in text output; --max-cost needs a known price; reasoning models get room."""

from __future__ import annotations

import json
from typing import Any

import pytest

from paperbrief.cli import main
from paperbrief_refserver.answers import answer_content
from tests.compat_replay import (
    Answer,
    ReplayServer,
    from_cassette,
    json_answer,
    section_body,
)
from tests.conftest import FIXTURES

PAPERS = FIXTURES / "scitldr-3.jsonl"
PAGE = FIXTURES / "hf-daily-papers-page.txt"
ERRORS = "provider_error_bodies.md"
ENVELOPE = "crewai/test_azure_agent_kickoff_structured_output_without_tools.yaml"


def completion(body: dict[str, Any], *, finish: str = "stop", content: str | None = None
               ) -> Answer:
    """Azure's real envelope (crewAI cassette) around the reference server's answer to `body`."""
    answer = from_cassette(ENVELOPE, 0, content or answer_content(body["messages"]))
    data = json.loads(answer.body)
    data["choices"][0]["finish_reason"] = finish
    if finish == "content_filter":
        data["choices"][0]["message"]["content"] = None
    return Answer(200, json.dumps(data).encode(), answer.headers)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def endpoint(monkeypatch):
    def use(srv: ReplayServer) -> None:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")

    return use


def test_insufficient_balance_stops_the_run_and_topping_up_resumes(capsys, endpoint):
    """DeepSeek 402: one paper answered, then the run stops with the provider's message, exit 1;
    the answered paper is kept and the next run (balance topped up) is not served offline."""
    balance = {"empty": False}

    def script(body: dict[str, Any]) -> Answer:
        if balance["empty"]:
            return json_answer(402, section_body(ERRORS, "DeepSeek 402"))
        balance["empty"] = True  # the first answer used the last of the balance
        return completion(body)

    with ReplayServer(script) as srv:
        endpoint(srv)
        code, out, err = run(capsys, "takeaway", "--input", str(PAPERS), "--json",
                             "--concurrency", "1", "--model", "deepseek-chat")
        assert code == 1
        assert err.count("\n") == 1 and "Insufficient Balance" in err
        assert err.startswith("paperbrief: error: deepseek-chat: quota exhausted")
        assert len(srv.requests) == 2  # one answer, one 402: no call per remaining paper
        first = len(srv.requests)
        balance["empty"] = False
        srv.script = lambda body: completion(body)  # topped up
        code, out, err = run(capsys, "takeaway", "--input", str(PAPERS), "--json",
                             "--concurrency", "1", "--model", "deepseek-chat")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["engine"] for r in rows] == ["deepseek-chat"] * 3
    assert len(srv.requests) - first == 2  # the paper answered before the 402 was kept


def test_takeaway_text_output_marks_a_fallback_with_its_reason(capsys, endpoint):
    with ReplayServer(lambda body: completion(body, finish="content_filter")) as srv:
        endpoint(srv)
        code, out, _ = run(capsys, "takeaway", "--input", str(PAPERS), "--concurrency", "1")
    assert code == 0 and len(srv.requests) == 3  # one call per paper: no re-ask
    assert out.count("_Offline fallback: gpt-4o-mini: the reply was stopped by the content "
                     "filter_") == 3
    with ReplayServer(lambda body: completion(body, finish="content_filter")) as srv:
        endpoint(srv)  # plain text (a terminal, or --format text) says it too, unmarked
        code, out, _ = run(capsys, "takeaway", "--input", str(PAPERS), "--concurrency", "1",
                           "--format", "text")
    assert code == 0 and "_" not in out.replace("content_filter", "")
    assert " ".join(out.split()).count("Offline fallback: gpt-4o-mini: the reply was stopped "
                                       "by the content filter") == 3


def test_compare_text_output_shows_the_fallback_reason(capsys, endpoint):
    with ReplayServer(lambda body: json_answer(
            400, section_body(ERRORS, "Azure content filter", 1))) as srv:
        endpoint(srv)
        code, out, _ = run(capsys, "compare", "datastates", "universal checkpointing",
                           "--input", str(PAGE))
    assert code == 0 and len(srv.requests) == 1
    assert "_Engine: offline, a fallback: gpt-4o-mini: HTTP 400: The response was filtered" in out
    with ReplayServer(lambda body: json_answer(
            400, section_body(ERRORS, "Azure content filter", 1))) as srv:
        endpoint(srv)
        code, out, _ = run(capsys, "compare", "datastates", "universal checkpointing",
                           "--input", str(PAGE), "--format", "text")
    assert code == 0 and "_Engine" not in out
    assert ("Engine: offline, a fallback: gpt-4o-mini: HTTP 400: The response was filtered"
            in " ".join(out.split()))


def test_max_cost_is_refused_for_a_model_without_a_price(capsys, endpoint, tmp_path,
                                                          monkeypatch):
    with ReplayServer(lambda body: completion(body)) as srv:
        endpoint(srv)
        code, _, err = run(capsys, "takeaway", "--input", str(PAPERS), "--max-cost", "0.001",
                           "--model", "llama3.1")
        assert code == 2 and len(srv.requests) == 0
        assert "no price known for model 'llama3.1'" in err and "PAPERBRIEF_PRICES" in err
        prices = tmp_path / "prices.json"
        prices.write_text(json.dumps({"llama3.1": {"input": 0, "output": 0}}))
        monkeypatch.setenv("PAPERBRIEF_PRICES", str(prices))
        code, _, err = run(capsys, "takeaway", "--input", str(PAPERS), "--max-cost", "0.001",
                           "--model", "llama3.1")
        assert code == 0 and len(srv.requests) == 3


def test_a_provider_prefixed_model_is_priced_and_stopped_by_max_cost(capsys, endpoint):
    """OpenRouter's `openai/gpt-5-mini` costs what gpt-5-mini costs: --max-cost stops it."""
    def script(body: dict[str, Any]) -> Answer:
        answer = from_cassette("pydantic-ai/test_openrouter_test_openrouter_usage.yaml", 0,
                               answer_content(body["messages"]))
        return answer

    with ReplayServer(script) as srv:
        endpoint(srv)
        code, out, err = run(capsys, "takeaway", "--input", str(PAPERS), "--json",
                             "--concurrency", "1", "--model", "openai/gpt-5-mini",
                             "--max-cost", "0.004")
    rows = [json.loads(line) for line in out.splitlines()]
    # 17 prompt + 1,515 output tokens at $0.25/$2.00 per 1M: $0.00303 a call
    assert code == 0 and len(srv.requests) == 1
    assert [r["engine"] for r in rows] == ["openai/gpt-5-mini", "offline", "offline"]


def test_max_tokens_option_and_environment_reach_the_request(capsys, endpoint, monkeypatch):
    with ReplayServer(lambda body: completion(body)) as srv:
        endpoint(srv)
        monkeypatch.setenv("PAPERBRIEF_MAX_TOKENS", "3000")
        monkeypatch.setenv("PAPERBRIEF_REASONING_EFFORT", "low")
        assert run(capsys, "takeaway", "--input", str(PAPERS), "--concurrency", "1")[0] == 0
        assert run(capsys, "takeaway", "--input", str(PAPERS), "--concurrency", "1",
                   "--max-tokens", "5000", "--refresh")[0] == 0
    assert [r["max_tokens"] for r in srv.requests] == [3000] * 3 + [5000] * 3
    assert {r["reasoning_effort"] for r in srv.requests} == {"low"}


def test_a_bad_max_tokens_environment_is_a_usage_error(capsys, monkeypatch, endpoint):
    with ReplayServer(lambda body: completion(body)) as srv:
        endpoint(srv)
        monkeypatch.setenv("PAPERBRIEF_MAX_TOKENS", "lots")
        code, _, err = run(capsys, "takeaway", "--input", str(PAPERS))
    assert code == 2 and "PAPERBRIEF_MAX_TOKENS" in err and err.count("\n") == 1
