"""The real response shapes of OpenAI-compatible servers, replayed with a valid answer inside.

Each case replays, from a loopback server (tests/compat_replay.py), what a real server sent
(tests/fixtures/compat/, sources in its SOURCES.md): its status, headers, fields and wrapping,
with a valid paperbrief takeaway where the server's own text stood. Each asserts what the user
gets: the LLM's answer used (or the documented failure), the calls made, the waits, the cost.
The table of servers and what was checked is docs/llm-compat.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from paperbrief.engines.llm import LLMEngine
from paperbrief.errors import FatalLLMError
from paperbrief.refserver import takeaway_draft
from tests.compat_replay import (
    Answer,
    ReplayServer,
    excerpt_body,
    excerpt_line,
    from_cassette,
    from_json_file,
    from_llama_stack,
    json_answer,
    llamacpp,
    ollama_generate,
    section_body,
)
from tests.llm_support import FAKE_KEY, SleepRecorder, StubFallback, numbered_paper

PAPER = numbered_paper()
ANSWER = takeaway_draft(PAPER.title, PAPER.abstract).model_dump_json()
ERRORS = "provider_error_bodies.md"
PA = "pydantic-ai/"


def answer_used(paper_reply: Answer) -> list[Answer]:
    return [paper_reply]


@dataclass
class Case:
    """One server's real shape: the answers it sends, and what the user must get."""

    id: str
    script: Callable[[], list[Answer]]
    calls: int = 1  # HTTP calls made for the paper
    outcome: str = "answer"  # "answer" (the LLM's), "offline" (fallback) or "fatal" (run stops)
    needle: str = ""  # in the fallback reason or the fatal error
    model: str = "gpt-4o-mini"
    waits: tuple[float, ...] | None = None  # the waits asked of tenacity, when checked


def _groq_tpd() -> str:
    # the Groq 429 envelope (Fabric#364) around the TPD message quoted in continue#10920
    message = excerpt_line(ERRORS, "## Groq 429 TPD").removeprefix("429 ")
    return json.dumps({"error": {"message": message, "type": "tokens",
                                 "code": "rate_limit_exceeded"}})


def _groq_schema_rejection() -> str:
    # the Groq envelope {"error": {"message", "type"}} around the message quoted in
    # dzhng/deep-research#127
    message = excerpt_line(ERRORS, "## Groq (older models)")
    return json.dumps({"error": {"message": message, "type": "invalid_request_error"}})


def _ok() -> Answer:
    return from_cassette(PA + "test_groq_test_groq_native_output.yaml", 0, ANSWER)


CASES = [
    # -- answers in their server's envelope: used as they are ---------------------------------
    Case("azure-structured-output", lambda: [from_cassette(
        "crewai/test_azure_agent_kickoff_structured_output_without_tools.yaml", 0, ANSWER)]),
    Case("azure-finish-length-complete-json", lambda: [from_cassette(
        "crewai/test_azure_async_with_max_tokens.yaml", 0, ANSWER)]),
    Case("openrouter-deepseek-r1-keepalive-whitespace", lambda: [from_cassette(
        "crewai/test_deepseek_r1_with_open_router.yaml", 0, ANSWER)]),
    Case("ollama-llama3.1-fenced", lambda: [ollama_generate(1, ANSWER)]),
    Case("ollama-llama3.1-name-arguments", lambda: [ollama_generate(4, ANSWER)]),
    Case("deepseek-reasoning-content", lambda: [from_cassette(
        PA + "test_deepseek_test_deepseek_model_thinking_part.yaml", 0, ANSWER)]),
    Case("groq-r1-think-in-content", lambda: [from_cassette(
        PA + "test_groq_test_groq_model_thinking_part.yaml", 0, ANSWER)]),
    Case("groq-reasoning-field", lambda: [from_cassette(
        PA + "test_groq_test_groq_model_thinking_part.yaml", 1, ANSWER)]),
    Case("groq-native-output-x-groq", lambda: [_ok()]),
    Case("groq-prompted-output", lambda: [from_cassette(
        PA + "test_groq_test_groq_prompted_output.yaml", 0, ANSWER)]),
    Case("groq-tool-use-failed-then-ok", lambda: [
        from_cassette(PA + "test_groq_test_tool_use_failed_error.yaml", 0, None),
        from_cassette(PA + "test_groq_test_tool_use_failed_error.yaml", 2, ANSWER)], calls=2),
    Case("together-r1-think-in-content", lambda: [from_cassette(
        PA + "test_huggingface_test_hf_model_thinking_part.yaml", 0, ANSWER)]),
    Case("together-r1-think-second-turn", lambda: [from_cassette(
        PA + "test_huggingface_test_hf_model_thinking_part.yaml", 1, ANSWER)]),
    Case("mistral-magistral-list-content", lambda: [from_cassette(
        PA + "test_mistral_test_mistral_model_thinking_part.yaml", 1, ANSWER)]),
    Case("mistral-plain", lambda: [from_cassette(
        PA + "test_settings__test_stop_settings[mistral].yaml", 0, ANSWER)]),
    Case("mistral-small-thinking-closed-parts", lambda: [from_cassette(
        PA + "test_thinking_wire_contract__mistral-small-thinking-high.yaml", 0, ANSWER)]),
    Case("ollama-v1-json-schema-reasoning-field", lambda: [from_cassette(
        PA + "test_ollama_test_ollama_local_native_output_uses_json_schema.yaml", 0, ANSWER)]),
    Case("gemini-openai-compat-thought-signature", lambda: [from_cassette(
        PA + "test_openai_test_compatible_api_with_tool_calls_without_id.yaml", 1, ANSWER)]),
    Case("cerebras-gpt-oss-harmony", lambda: [from_cassette(
        PA + "test_openai_test_openai_model_cerebras_provider_harmony.yaml", 0, ANSWER)]),
    Case("openrouter-gpt-5-mini-reasoning-details", lambda: [from_cassette(
        PA + "test_openrouter_test_openrouter_usage.yaml", 0, ANSWER)], model="openai/gpt-5-mini"),
    Case("openrouter-usage-cost-field", lambda: [from_cassette(
        PA + "test_openrouter_test_openrouter_usage.yaml", 1, ANSWER)], model="openai/gpt-5-mini"),
    Case("vllm-qwen3-json-schema", lambda: [from_llama_stack(
        "df353403c7fb59ed88c52269261b3dd9b75f681f8bb5431b4f07006d6c08aa7c.json", ANSWER)]),
    Case("vllm-qwen3-think-in-content", lambda: [from_llama_stack(
        "524ead18daaddb6228284820adaa3fb312d2a525cc35e20c181190ddf40793e6.json", ANSWER)]),
    Case("ollama-trailing-whitespace", lambda: [from_llama_stack(
        "fec22760875c460a453f839c1be6691e0fd8c546f68d07f7dfcfc6223de97207.json", ANSWER)]),
    Case("ollama-gpt-oss-reasoning", lambda: [from_llama_stack(
        "00bbacbcc8180b2151778cdac99b204e347526bc5509d4972f5fdb4d4bed2434.json", ANSWER)]),
    Case("bedrock-gpt-oss-reasoning-tag", lambda: [from_llama_stack(
        "0eca8ac9656056d4fd9b1802f01f6ae9f7ff628af04d5ed39f779a78a41a159b.json", ANSWER)]),
    Case("vllm-qwen3-next-reasoning-keys", lambda: [from_llama_stack(
        "3ae979e8c26c35109b3dcdb5d6178dd0fb3ca408f99dcfda81bee4185869ec80.json", ANSWER)]),
    Case("lmstudio-documented-envelope", lambda: [
        from_json_file("lmstudio_tools_mdx_response.json", ANSWER)]),
    Case("llamacpp-plain-timings", lambda: [llamacpp("plain", ANSWER)]),
    Case("llamacpp-reasoning-content", lambda: [llamacpp("reasoning_content", ANSWER)]),
    # -- errors that are transient: retried, then the answer ------------------------------------
    Case("openrouter-429-provider-returned-error", lambda: [
        from_cassette(PA + "test_openrouter_test_openrouter_errors_raised.yaml", i, None)
        for i in range(3)] + [_ok()], calls=4),
    Case("openrouter-200-with-error-object", lambda: [
        json_answer(200, excerpt_body("openrouter_200_error.md", "HTTP 200")), _ok()], calls=2),
    Case("groq-json-validate-failed", lambda: [
        json_answer(400, section_body(ERRORS, "Groq json_validate_failed")), _ok()], calls=2),
    Case("groq-429-tpm-wait-in-message", lambda: [
        json_answer(429, section_body(ERRORS, "Groq 429 body shape")), _ok()], calls=2,
        waits=(50.597142857,)),
    Case("azure-429-retry-after-60-seconds", lambda: [
        json_answer(429, section_body(ERRORS, "Azure OpenAI 429", 0)), _ok()], calls=2,
        waits=(60.0,)),
    Case("mistral-429-flat-envelope", lambda: [
        json_answer(429, section_body(ERRORS, "Mistral flat", 1)), _ok()], calls=2),
    # -- json_schema rejected: json_object from then on, then the answer --------------------------
    Case("gemini-array-body-schema-keyword", lambda: [
        json_answer(400, excerpt_body("gemini_openai_compat_errors.md", "verbatim:").replace(
            'Unknown name \\"web_search_options\\": Cannot find field.',
            "Unknown name \\\"additionalProperties\\\" at 'generation_config.response_schema':"
            " Cannot find field.")), _ok()], calls=2),
    Case("openrouter-400-cause-in-metadata-raw", lambda: [
        json_answer(400, excerpt_body("openrouter_400_provider_error.md", "verbatim")), _ok()],
        calls=2),
    Case("deepseek-response-format-unavailable", lambda: [
        json_answer(400, section_body(ERRORS, "DeepSeek json_schema")), _ok()], calls=2),
    Case("groq-json-schema-not-allowed", lambda: [
        json_answer(400, _groq_schema_rejection()), _ok()], calls=2),
    Case("groq-schema-keyword-min-items", lambda: [
        json_answer(400, section_body(ERRORS, "Groq rejecting a schema keyword")), _ok()],
        calls=2),
    # -- real failures ----------------------------------------------------------------------------
    Case("deepseek-402-insufficient-balance", lambda: [
        json_answer(402, section_body(ERRORS, "DeepSeek 402")), _ok()],
        outcome="fatal", needle="Insufficient Balance"),
    Case("groq-429-tokens-per-day", lambda: [json_answer(429, _groq_tpd()), _ok()],
         outcome="fatal", needle="tokens per day (TPD)", waits=()),
    Case("azure-429-retry-after-a-day", lambda: [
        json_answer(429, section_body(ERRORS, "Azure OpenAI 429", 1)), _ok()],
        outcome="fatal", needle="86400 seconds", waits=()),
    Case("vllm-404-flat-envelope", lambda: [
        json_answer(404, section_body(ERRORS, "vLLM")), _ok()],
        outcome="fatal", needle="The model `first` does not exist."),
    Case("ollama-404-model-not-found", lambda: [
        json_answer(404, section_body(ERRORS, "Ollama error struct")), _ok()],
        outcome="fatal", needle='model "deepseek-chat" not found'),
    Case("azure-content-filter-finish-reason", lambda: [_filtered(), _ok()],
         outcome="offline", needle="content filter"),
    Case("azure-content-filter-prompt-400", lambda: [
        json_answer(400, section_body(ERRORS, "Azure content filter", 1)), _ok()],
        outcome="offline", needle="Azure Content management policy"),
    Case("mistral-400-flat-envelope", lambda: [
        json_answer(400, section_body(ERRORS, "Mistral flat", 0)), _ok()],
        outcome="offline", needle="Not the same number of function calls"),
    Case("200-text-html", lambda: [
        Answer(200, b"<!doctype html><html><body>Sign in</body></html>",
               [("content-type", "text/html; charset=utf-8")]), _ok()],
        outcome="offline", needle="text/html body, not a chat completion"),
]


def _filtered() -> Answer:
    """Azure's documented filtered completion: no content, finish_reason content_filter."""
    answer = from_cassette(
        "crewai/test_azure_agent_kickoff_structured_output_without_tools.yaml", 0, None)
    body = json.loads(answer.body)
    body["choices"][0]["finish_reason"] = "content_filter"
    body["choices"][0]["message"]["content"] = None
    return Answer(200, json.dumps(body).encode(), answer.headers)


def _engine(srv: ReplayServer, model: str = "gpt-4o-mini", **kwargs) -> LLMEngine:
    kwargs.setdefault("fallback", StubFallback())
    kwargs.setdefault("sleep", SleepRecorder())
    return LLMEngine(model, api_key=FAKE_KEY, base_url=srv.base_url, **kwargs)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_real_shape(case: Case) -> None:
    sleeps = SleepRecorder()
    with ReplayServer(case.script()) as srv:
        engine = _engine(srv, case.model, sleep=sleeps)
        if case.outcome == "fatal":
            with pytest.raises(FatalLLMError) as info:
                engine.takeaway(PAPER)
            assert case.needle in str(info.value) and "\n" not in str(info.value)
            assert engine.stopped  # no more calls this run
            later = engine.takeaway(PAPER)
            assert later.calls == [] and later.value.engine == "offline"
            assert len(srv.requests) == case.calls
        else:
            out = engine.takeaway(PAPER)
            assert len(srv.requests) == case.calls
            assert len(out.calls) == case.calls
            if case.outcome == "answer":
                assert out.value.engine == case.model, out.value.fallback_reason
                assert out.value.takeaway == json.loads(ANSWER)["takeaway"]
                assert out.calls[-1].status in ("ok", "repaired")
            else:
                assert out.value.engine == "offline"
                assert case.needle in out.value.fallback_reason
    if case.waits is not None:
        assert sleeps.waits == list(case.waits)
