"""Real OpenAI answers and errors (tests/fixtures/openai/) through the response handling."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import openai
import pytest
import yaml

from paperbrief.engines.llm.engine import LLMEngine
from paperbrief.engines.llm.reply import judge, read_completion
from paperbrief.errors import FatalLLMError
from paperbrief.models import TakeawayDraft
from paperbrief.pricing import DEFAULT_PRICES
from tests.llm_support import FAKE_KEY, SleepRecorder, StubFallback, numbered_paper

OPENAI = Path(__file__).resolve().parent / "fixtures" / "openai"


def recorded_responses(name: str) -> list[httpx2.Response]:
    """The responses of a real vcrpy cassette (string or parsed bodies) as httpx2 Responses."""
    data = yaml.safe_load((OPENAI / name).read_text(encoding="utf-8"))
    out = []
    for interaction in data["interactions"]:
        resp = interaction["response"]
        if "parsed_body" in resp:
            content = json.dumps(resp["parsed_body"]).encode()
        else:
            content = resp["body"]["string"].encode()
        out.append(
            httpx2.Response(
                resp["status"]["code"],
                content=content,
                headers={"content-type": "application/json"},
            )
        )
    return out


def engine_replaying(responses: list[httpx2.Response], model: str) -> tuple[LLMEngine, list]:
    sent: list = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent.append(json.loads(request.content))
        return responses[min(len(sent), len(responses)) - 1]

    client = openai.OpenAI(
        api_key=FAKE_KEY,
        base_url="https://api.openai.com/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    engine = LLMEngine(model, client=client, fallback=StubFallback(), sleep=SleepRecorder())
    return engine, sent


def test_real_json_schema_answer_is_read_then_judged_against_our_schema():
    responses = recorded_responses("crewai__test_openai_response_format_with_pydantic_model.yaml")
    engine, sent = engine_replaying(responses, "gpt-4o")
    out = engine.takeaway(numbered_paper())
    # A real answer to someone else's schema: read fine (usage, cost), rejected by validation.
    assert [c.status for c in out.calls] == ["invalid"] * 3 and len(sent) == 3
    first = out.calls[0]
    assert (first.prompt_tokens, first.completion_tokens, first.cached_tokens) == (94, 11, 0)
    price = DEFAULT_PRICES["gpt-4o"]  # the answer names gpt-4o-2024-08-06
    assert first.cost_usd == pytest.approx((94 * price.input + 11 * price.output) / 1e6)
    assert "takeaway: Field required" in first.error
    assert out.value.engine == "offline" and "schema errors" in out.value.fallback_reason
    assert sent[0]["response_format"]["json_schema"]["strict"] is True


def test_real_404_model_not_found_stops_the_run():
    responses = recorded_responses("crewai__test_llm_call_with_error.yaml")
    engine, sent = engine_replaying(responses, "non-existent-model")
    with pytest.raises(FatalLLMError, match="does not exist"):
        engine.takeaway(numbered_paper())
    assert len(sent) == 1


def test_real_400_unsupported_value_fails_fast_to_fallback():
    responses = recorded_responses("pydanticai__test_openai_o1_mini_system_rolesystem.yaml")
    engine, sent = engine_replaying(responses, "o1-mini")
    out = engine.takeaway(numbered_paper())
    assert len(sent) == 1 and [c.status for c in out.calls] == ["error"]
    assert "HTTP 400: Unsupported value: 'messages[0].role'" in out.calls[0].error
    assert out.value.engine == "offline" and "HTTP 400" in out.value.fallback_reason


@pytest.mark.parametrize(
    ("name", "index", "content"),
    [
        (
            "crewai__test_openai_async_with_response_format_json.yaml",
            0,
            {"greeting": "Hello, world!"},
        ),
        (
            "pydanticai__test_openai_native_output.yaml",
            1,
            {"city": "Mexico City", "country": "Mexico"},
        ),
    ],
)
def test_real_json_contents_parse(name, index, content):
    body = json.loads(recorded_responses(name)[index].content)
    reply = read_completion(body)
    assert json.loads(reply.content) == content and reply.finish_reason == "stop"
    assert reply.prompt_tokens > 0 and reply.model.startswith("gpt-4o")
    assert judge(reply, TakeawayDraft, "").status == "invalid"


def test_real_batch_output_lines_including_length():
    lines = (OPENAI / "openai_batch_output_2lines_from_litellm_fixture.jsonl").read_text()
    replies = [read_completion(json.loads(line)["response"]["body"]) for line in lines.splitlines()]
    assert [r.finish_reason for r in replies] == ["stop", "length"]
    assert [(r.prompt_tokens, r.completion_tokens) for r in replies] == [(20, 10), (22, 10)]
    assert judge(replies[0], TakeawayDraft, "").status == "invalid"  # plain text, not JSON
    verdict = judge(replies[1], TakeawayDraft, "")
    assert verdict.status == "length" and "finish_reason=length" in verdict.error
