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

from paperbrief.engines.llm.embed import Embedder, EmbeddingError
from paperbrief.engines.llm.engine import LLMEngine
from paperbrief.engines.llm.errors import provider_error
from paperbrief.errors import FatalLLMError
from paperbrief.pricing import DEFAULT_PRICES, Price
from paperbrief_refserver.answers import takeaway_draft
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
    section_lines,
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


def _groq_headers() -> list[tuple[str, str]]:
    """Groq's documented rate-limit headers (quoted in gpt-pilot#862): `retry-after: 2 (seconds,
    only on 429); x-ratelimit-...: ...`."""
    line = section_lines(ERRORS, "Groq rate-limit headers")[0]
    pairs = [p.split(":", 1) for p in line.split(";")]
    return [(k.strip(), v.strip().split(" ")[0]) for k, v in pairs]


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
    Case("groq-429-with-its-rate-limit-headers", lambda: [
        json_answer(429, section_body(ERRORS, "Groq 429 body shape"), _groq_headers()), _ok()],
        calls=2, waits=(2.0,)),
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
        calls=2),  # a captive portal's page is an outage (issue 28, 23): retried, then answered
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
                # a failed call was retried as it was, not re-asked with an error message
                assert {c.status for c in out.calls[:-1]} <= {"error"}
                assert {len(r["messages"]) for r in srv.requests} == {2}
            else:
                assert out.value.engine == "offline"
                assert case.needle in out.value.fallback_reason
    if case.waits is not None:
        assert sleeps.waits == list(case.waits)


# -- quirks checked one by one -----------------------------------------------------------------


def test_gemini_thinking_tokens_are_counted_and_billed() -> None:
    """Gemini: total 100 = 66 prompt + 6 completion + 28 thinking; the 28 are billed output."""
    shape = [from_cassette(
        PA + "test_openai_test_compatible_api_with_tool_calls_without_id.yaml", 1, ANSWER)]
    price = Price(1.25, 0.31, 10.0)
    with ReplayServer(shape) as srv:
        out = _engine(srv, "gemini-2.5-pro-preview-05-06",
                      price_table={"gemini-2.5-pro-preview-05-06": price}).takeaway(PAPER)
    (call,) = out.calls
    assert (call.prompt_tokens, call.completion_tokens) == (66, 34)
    assert call.cost_usd == pytest.approx((66 * 1.25 + 34 * 10.0) / 1e6)


def test_openrouter_prefixed_model_is_priced_by_its_base_model() -> None:
    shape = [from_cassette(PA + "test_openrouter_test_openrouter_usage.yaml", 0, ANSWER)]
    with ReplayServer(shape) as srv:
        out = _engine(srv, "openai/gpt-5-mini").takeaway(PAPER)
    (call,) = out.calls
    assert (call.prompt_tokens, call.completion_tokens) == (17, 1515)  # 704 of them reasoning
    assert call.cost_usd == pytest.approx(DEFAULT_PRICES["gpt-5-mini"].cost(17, 1515))
    assert call.cost_usd > 0


def test_an_unpriced_model_is_reported_once(caplog) -> None:
    shape = [llamacpp("plain", ANSWER)]
    with ReplayServer(shape) as srv, caplog.at_level("INFO", logger="paperbrief.llm"):
        engine = _engine(srv, "gemma-2-2b-it-Q4_K_M")
        engine.takeaway(PAPER)
        engine.takeaway(PAPER)
        engine.cost_limited = True
        engine.takeaway(numbered_paper())
    notes = [r for r in caplog.records if "no price known" in r.getMessage()]
    assert len(notes) == 1 and "PAPERBRIEF_PRICES" in notes[0].getMessage()


def test_llamacpp_reasoning_model_gets_room_by_default() -> None:
    """llama.cpp R1 with 1,200 tokens: content "" and finish_reason length (its recording);
    a reasoning model's default budget is larger, so the answer comes."""

    def server(body: dict) -> Answer:
        if body["max_tokens"] < 2000:
            return llamacpp("finish_reason length", None)
        return llamacpp("reasoning_content", ANSWER)

    with ReplayServer(server) as srv:
        out = _engine(srv, "DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M").takeaway(PAPER)
    assert out.value.engine != "offline" and len(srv.requests) == 1
    assert srv.requests[0]["max_tokens"] == 16000


def test_reasoning_that_eats_the_budget_is_not_reasked_to_be_briefer() -> None:
    with ReplayServer([llamacpp("finish_reason length", None)]) as srv:
        out = _engine(srv, "DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M", max_tokens=1200).takeaway(
            PAPER)
    assert len(srv.requests) == 1 and out.value.engine == "offline"
    assert "--max-tokens" in out.value.fallback_reason


def test_max_tokens_renamed_when_the_server_asks_for_max_completion_tokens() -> None:
    """OpenAI reasoning models reject max_tokens and name max_completion_tokens instead."""
    rejection = {"error": {"message": "Unsupported parameter: 'max_tokens' is not supported "
                           "with this model. Use 'max_completion_tokens' instead.",
                           "type": "invalid_request_error", "param": "max_tokens",
                           "code": "unsupported_parameter"}}

    def server(body: dict) -> Answer:
        return json_answer(400, rejection) if "max_tokens" in body else _ok()

    with ReplayServer(server) as srv:
        engine = _engine(srv, "gpt-5-mini")
        first = engine.takeaway(PAPER)
        engine.takeaway(PAPER)
    assert first.value.engine == "gpt-5-mini" and len(srv.requests) == 3
    assert [("max_tokens" in r, r.get("max_completion_tokens")) for r in srv.requests] == [
        (True, None), (False, 16000), (False, 16000)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (section_body(ERRORS, "LM Studio"), "'response_format.type' must be 'json_schema' or"),
        (excerpt_body("gemini_openai_compat_errors.md", "verbatim:"),
         'Invalid JSON payload received. Unknown name "web_search_options"'),
        (excerpt_body("openrouter_400_provider_error.md", "verbatim"),
         "Provider returned error: OpenAI: Response input messages must contain the word"),
        (section_body(ERRORS, "Mistral flat", 0), "Not the same number of function calls"),
    ],
    ids=["lmstudio-string", "gemini-array", "openrouter-metadata-raw", "mistral-flat"],
)
def test_error_messages_are_read_from_every_body_shape(body: str, message: str) -> None:
    assert provider_error(body).message.startswith(message)
    with ReplayServer([json_answer(400, body)]) as srv:
        engine = _engine(srv)
        engine._json_schema = False  # json_object already: nothing to downgrade
        out = engine.takeaway(PAPER)
    assert message in out.value.fallback_reason and len(srv.requests) == 1


def test_embeddings_not_supported_go_straight_to_the_fallback() -> None:
    """A chat-only server answering /v1/embeddings with 501 is not an outage: one attempt."""
    body = {"error": {"message": "embeddings are not supported by this server",
                      "type": "not_implemented_error", "param": None, "code": None}}
    sleeps = SleepRecorder()
    with ReplayServer([json_answer(501, body)]) as srv:
        emb = Embedder("nomic-embed-text", api_key=FAKE_KEY, base_url=srv.base_url,
                       sleep=sleeps)
        with pytest.raises(EmbeddingError, match="not supported"):
            emb.embed(["one text"])
    assert len(srv.requests) == 1 and sleeps.waits == [] and not emb.breaker.reason


def _seven_paper(extra: str = ""):
    return PAPER.model_copy(update={
        "abstract": "We train Orca, a language model with 7 billion parameters, on 2T tokens. "
        f"It matches larger models on 12 benchmarks.{extra}"})


def _seven_answer(paper) -> str:
    draft = takeaway_draft(paper.title, paper.abstract).model_dump()
    draft["key_numbers"] = [{"value": "7", "context": "parameters of Orca"}]
    return json.dumps(draft)


def test_a_bare_number_the_paper_writes_one_way_is_repaired_locally(caplog) -> None:
    """"7" where the abstract says exactly one "7 billion": read so and logged, no re-ask."""
    paper = _seven_paper()
    shape = [llamacpp("plain", _seven_answer(paper))]
    with ReplayServer(shape) as srv, caplog.at_level("INFO", logger="paperbrief.llm"):
        out = _engine(srv).takeaway(paper)
    assert len(srv.requests) == 1 and out.value.engine == "gpt-4o-mini"
    assert [k.value for k in out.value.key_numbers] == ["7 billion"]
    (call,) = out.calls
    assert call.status == "repaired" and "bare '7' read as the paper's only '7 billion'" in (
        call.error or "")
    assert any("repaired locally, no re-ask" in r.getMessage() for r in caplog.records)


def test_a_bare_number_with_two_possible_meanings_is_reasked() -> None:
    paper = _seven_paper(" Its corpus holds 7M documents.")
    good = takeaway_draft(paper.title, paper.abstract).model_dump_json()
    shape = [llamacpp("plain", _seven_answer(paper)), llamacpp("plain", good)]
    with ReplayServer(shape) as srv:
        out = _engine(srv).takeaway(paper)
    assert [c.status for c in out.calls] == ["ungrounded", "ok"] and len(srv.requests) == 2


# -- the same shapes from the reference server's switches (paperbrief_refserver.compat) -------


@pytest.mark.parametrize(
    ("faults", "calls", "engine"),
    [
        (["think"], 1, "gpt-4o-mini"),
        (["reasoning-tag"], 1, "gpt-4o-mini"),
        (["parts"], 1, "gpt-4o-mini"),
        (["error200"], 2, "gpt-4o-mini"),
        (["json_validate_failed"], 2, "gpt-4o-mini"),
        (["gemini-schema400"], 2, "gpt-4o-mini"),
    ],
)
def test_refserver_switches_reproduce_the_shapes(faults, calls, engine) -> None:
    from paperbrief_refserver.server import RefServer

    with RefServer(faults=faults) as ref:
        eng = LLMEngine("gpt-4o-mini", api_key=FAKE_KEY, base_url=ref.base_url,
                        fallback=StubFallback(), sleep=SleepRecorder())
        out = eng.takeaway(PAPER)
    assert out.value.engine == engine and len(ref.requests) == calls


@pytest.mark.parametrize(("fault", "needle"), [("402", "Insufficient Balance"),
                                               ("tpd", "tokens per day")])
def test_refserver_quota_switches_stop_the_run(fault, needle) -> None:
    from paperbrief_refserver.server import RefServer

    with RefServer(faults=[fault]) as ref:
        eng = LLMEngine("gpt-4o-mini", api_key=FAKE_KEY, base_url=ref.base_url,
                        fallback=StubFallback(), sleep=SleepRecorder())
        with pytest.raises(FatalLLMError, match=needle):
            eng.takeaway(PAPER)
    assert len(ref.requests) == 1
