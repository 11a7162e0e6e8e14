"""The reference server's faults: what each does (`FAULTS`), the error ones (`_ERROR_FAULTS`, an
HTTP error: 429s, 5xx, 400, ...) and their answers as OpenAI writes them (`error_answer`). Shared by
the live handler (handler), the server (server) and the Batch API desk (batch)."""

from __future__ import annotations

from typing import Any

from paperbrief_refserver.compat import COMPAT_FAULTS

FAULTS = {
    "429": "rate limited, with retry-after (seconds) and 'try again in' in the message",
    "429-ms": "rate limited, with retry-after-ms",
    "quota": "429 insufficient_quota (not retryable)",
    "500": "internal server error",
    "503": "service unavailable",
    "400": "bad request (unsupported_value)",
    "temperature400": "400 rejecting the temperature parameter (when the request sets it)",
    "401": "invalid API key",
    "403": "permission denied",
    "404": "model not found",
    "schema400": "400 rejecting response_format json_schema (when the request uses it)",
    "malformed": "content that is not valid JSON",
    "ungrounded": "a takeaway or summary stating a number the paper does not",
    "refusal": "message.refusal set, no content",
    "length": "finish_reason length, content cut off",
    "content_filter": "finish_reason content_filter, no content",
    "slow": "a good answer after `slow_latency` seconds (default 20)",
    "none": "no fault (a placeholder in a fault script)",
    "sloppy": "a takeaway with cosmetic slips: messy whitespace, 8 tags, one over 40 characters",
    "429-bare": "rate limited without retry-after: x-ratelimit-remaining-requests 0 and a reset",
    **COMPAT_FAULTS,  # other servers' shapes (refserver_compat.py)
}
_ERROR_FAULTS = frozenset(
    {
        "429",
        "429-ms",
        "429-bare",
        "quota",
        "500",
        "503",
        "400",
        "401",
        "403",
        "404",
        "schema400",
        "temperature400",
    }
)


def error_answer(fault: str, model: str, key: str, wait: float) -> tuple[int, dict[str, Any], dict]:
    """(status, extra headers, body) of an error fault; `wait`: the retry-after it states."""
    masked = f"{key[:3]}***{key[-4:]}" if len(key) > 8 else "***"
    table: dict[str, tuple[int, str, str | None, str | None, str]] = {
        "429": (
            429,
            "requests",
            None,
            "rate_limit_exceeded",
            f"Rate limit reached for {model} on requests per min (RPM): Limit 3, "
            f"Used 3, Requested 1. Please try again in {wait:g}s.",
        ),
        "429-ms": (
            429,
            "tokens",
            None,
            "rate_limit_exceeded",
            f"Rate limit reached for {model} on tokens per min (TPM).",
        ),
        "429-bare": (
            429,
            "requests",
            None,
            "rate_limit_exceeded",
            f"Rate limit reached for {model} on requests per min (RPM): Limit 3, "
            "Used 3, Requested 1.",
        ),
        "quota": (
            429,
            "insufficient_quota",
            None,
            "insufficient_quota",
            "You exceeded your current quota, please check your plan and billing details.",
        ),
        "500": (
            500,
            "server_error",
            None,
            None,
            "The server had an error while processing your request. Sorry about that!",
        ),
        "503": (503, "server_error", None, None, "The engine is currently overloaded."),
        "400": (
            400,
            "invalid_request_error",
            "messages[0].role",
            "unsupported_value",
            "Unsupported value: 'messages[0].role' does not support 'system' with this model.",
        ),
        "401": (
            401,
            "invalid_request_error",
            None,
            "invalid_api_key",
            f"Incorrect API key provided: {masked}. You can find your API key in your "
            "account settings.",
        ),
        "403": (
            403,
            "invalid_request_error",
            None,
            "model_not_allowed",
            f"Project does not have access to model {model}",
        ),
        "404": (
            404,
            "invalid_request_error",
            None,
            "model_not_found",
            f"The model `{model}` does not exist or you do not have access to it.",
        ),
        "temperature400": (
            400,
            "invalid_request_error",
            "temperature",
            "unsupported_value",
            "Unsupported value: 'temperature' does not support 0 with this model. Only the "
            "default (1) value is supported.",
        ),
        "schema400": (
            400,
            "invalid_request_error",
            "response_format",
            None,
            "Invalid parameter: 'response_format' of type 'json_schema' is not "
            "supported with this model.",
        ),
    }
    status, kind, param, code, message = table[fault]
    headers = {}
    if fault == "429":
        headers["retry-after"] = f"{wait:g}"
    if fault == "429-ms":
        headers["retry-after-ms"] = str(int(wait * 1000))
    if fault == "429-bare":
        headers["x-ratelimit-remaining-requests"] = "0"
        headers["x-ratelimit-reset-requests"] = openai_duration(wait)
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return status, headers, body


def openai_duration(seconds: float) -> str:
    """A reset time as OpenAI writes it: '6ms', '8.64s', '1m30s'."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    if seconds < 60:
        return f"{seconds:.3g}s"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}m{rest:.3g}s"
