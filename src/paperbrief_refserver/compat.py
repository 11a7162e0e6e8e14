"""Reference-server faults that answer the way other OpenAI-compatible servers do (issue 24).

Each reproduces a real shape kept in tests/fixtures/compat/ (see docs/llm-compat.md): reasoning
before the JSON, list-shaped content, an error inside an HTTP 200, a JSON-array error body, and
the provider errors that must stop a run or be retried. Use them like any fault:
`RefServer(faults=["think"])` or `python -m paperbrief_refserver.server --fault think --fault 402`.
"""

from __future__ import annotations

from typing import Any

COMPAT_FAULTS = {
    "think": "vLLM/Groq/Together R1: '<think>...</think>' before the JSON in content",
    "reasoning-tag": "Bedrock gpt-oss: '<reasoning>...</reasoning>' glued before the JSON",
    "parts": "Mistral magistral: content as a list of a thinking part and a text part",
    "error200": "OpenRouter: HTTP 200 whose body is {'error': {'code': 500, ...}}",
    "402": "DeepSeek: 402 Insufficient Balance",
    "json_validate_failed": "Groq: 400 json_validate_failed (transient)",
    "tpd": "Groq: 429 on tokens per day (TPD), 'try again in 9m38.016s'",
    "gemini-schema400": "Gemini: a JSON-array 400 rejecting additionalProperties in the schema",
}
_THOUGHT = "Okay, the user wants a takeaway of this paper. Let me read the abstract first."
# the completion faults: the answer comes, wrapped; the others are errors
WRAPPING = frozenset({"think", "reasoning-tag", "parts"})


def wrap(completion: dict[str, Any], fault: str) -> dict[str, Any]:
    """A completion's answer wrapped the way `fault`'s server writes it."""
    message = completion["choices"][0]["message"]
    answer = message.get("content") or ""
    if fault == "think":
        message["content"] = f"<think>\n{_THOUGHT}\n</think>\n\n{answer}"
    elif fault == "reasoning-tag":
        message["content"] = f"<reasoning>{_THOUGHT}</reasoning>{answer}"
    elif fault == "parts":
        message["content"] = [
            {"type": "thinking", "thinking": [{"type": "text", "text": _THOUGHT}]},
            {"type": "text", "text": answer},
        ]
    return completion


def error(fault: str, model: str) -> tuple[int, dict[str, str], Any]:
    """(status, headers, body) of a compat error fault, in its provider's own shape."""
    if fault == "error200":
        return 200, {}, {"error": {"message": "Internal Server Error", "code": 500},
                         "user_id": "org_abc123"}
    if fault == "402":
        return 402, {}, {"error": {"message": "Insufficient Balance", "type": "unknown_error",
                                   "param": None, "code": "invalid_request_error"}}
    if fault == "json_validate_failed":
        return 400, {}, {"error": {
            "message": "Failed to generate JSON. Please adjust your prompt. See "
            "'failed_generation' for more details.",
            "type": "invalid_request_error", "code": "json_validate_failed",
            "failed_generation": ""}}
    if fault == "tpd":
        return 429, {}, {"error": {
            "message": f"Rate limit reached for model `{model}` in organization `org_ref` "
            "service tier `on_demand` on tokens per day (TPD): Limit 100000, Used 97050, "
            "Requested 3619. Please try again in 9m38.016s.",
            "type": "tokens", "code": "rate_limit_exceeded"}}
    if fault == "gemini-schema400":
        message = ("Invalid JSON payload received. Unknown name \"additionalProperties\" at "
                   "'generation_config.response_schema': Cannot find field.")
        return 400, {}, [{"error": {"code": 400, "message": message,
                                    "status": "INVALID_ARGUMENT"}}]
    raise ValueError(f"not a compat error fault {fault!r}")
