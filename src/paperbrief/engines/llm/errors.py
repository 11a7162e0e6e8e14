"""Reading the error bodies OpenAI-compatible servers really send, and what each one means.

Servers disagree on the shape of an error (see docs/llm-compat.md for where each was seen):
- OpenAI, Groq, DeepSeek, Ollama, Azure: ``{"error": {"message", "type", "param", "code"}}``;
- OpenRouter: the same, with the upstream cause in ``error.metadata.raw`` (often itself JSON),
  and sometimes inside an HTTP 200;
- Gemini's OpenAI compatibility: a JSON *array* of ``{"error": {...}}``;
- LM Studio: ``{"error": "text"}``;
- vLLM and Mistral: flat ``{"object": "error", "message", "type", "code"}``.

`provider_error` turns any of these into one `ProviderError`; `classify` says what the engine
does about it. The phrases matched are the providers' own (hand rules: no library knows them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal[
    "transient",  # retry (5xx, 408/409/429, a 200 carrying an error, Groq json_validate_failed)
    "schema",  # the server does not take response_format json_schema: downgrade to json_object
    "quota",  # billing or a per-day limit: stop the run, say why, exit non-zero
    "content_filter",  # the provider filtered this input: offline for this paper, no re-ask
    "permanent",  # anything else the same request will hit again
]

# per-day limits: waiting minutes per paper will not help within this run
_PER_DAY_RE = re.compile(r"per day|\(TPD\)|\(RPD\)|daily (?:token |request )?limit", re.I)
_QUOTA_RE = re.compile(
    r"insufficient (?:balance|credits|funds|quota)|exceeded your current quota|quota exceeded",
    re.I,
)
_SCHEMA_WORDS = (
    "response_format",
    "json_schema",
    "structured output",
    "response_schema",
    "response format",
    "text.format",
)
_TRANSIENT_CODES = frozenset({"json_validate_failed", "tool_use_failed"})
# a server-asked wait longer than this (e.g. Azure's "retry after 86400 seconds") is a quota
LONG_WAIT_S = 600.0


@dataclass(frozen=True)
class ProviderError:
    """One error as the provider wrote it: its message (with any nested cause), code and type."""

    message: str
    code: str | None = None
    type: str | None = None
    param: str | None = None
    status: int | None = None  # a status written in the body (OpenRouter's 200 with an error)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _from_object(obj: Mapping[str, Any]) -> ProviderError:
    """An error object: ``{"message", "code", "type", "param", "metadata": {"raw"}}``."""
    message = _text(obj.get("message")) or ""
    meta = obj.get("metadata")
    raw = meta.get("raw") if isinstance(meta, Mapping) else None
    if raw is not None:  # OpenRouter: the upstream provider's own error, often JSON itself
        inner = provider_error(raw if isinstance(raw, str) else json.dumps(raw))
        provider = meta.get("provider_name") if isinstance(meta, Mapping) else None
        cause = inner.message or _text(raw) or ""
        who = f"{provider}: " if isinstance(provider, str) and provider else ""
        message = f"{message}: {who}{cause}" if message else f"{who}{cause}"
    code = obj.get("code")
    status = code if isinstance(code, int) and 100 <= code <= 599 else None
    raw_status = obj.get("raw_status_code")  # Mistral
    if isinstance(raw_status, int):
        status = raw_status
    return ProviderError(
        message=message,
        code=_text(code),
        type=_text(obj.get("type")),
        param=_text(obj.get("param")),
        status=status,
    )


def provider_error(body: Any) -> ProviderError:
    """The error in a response body (text or decoded JSON) of any of the shapes above."""
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return ProviderError(" ".join(body.split()))
    if isinstance(body, list) and body:  # Gemini: [{"error": {...}}]
        body = body[0]
    if isinstance(body, Mapping):
        err = body.get("error", body)
        if isinstance(err, str):  # LM Studio: {"error": "text"}
            return ProviderError(err)
        if isinstance(err, Mapping):
            return _from_object(err)
    return ProviderError(_text(body) or "")


def error_in_ok_body(body: Any) -> ProviderError | None:
    """The error a 200 answer carries instead of choices (OpenRouter), else None."""
    if isinstance(body, list):
        return provider_error(body) if body and isinstance(body[0], Mapping) else None
    if isinstance(body, Mapping) and body.get("error") and not body.get("choices"):
        return provider_error(body)
    return None


def classify(status: int, error: ProviderError, wait: float | None) -> Kind:
    """What a failed call means for the run (401/403/404 are handled before this)."""
    text = f"{error.param or ''} {error.code or ''} {error.type or ''} {error.message}"
    if status == 402 or _QUOTA_RE.search(error.message) or error.code == "insufficient_quota":
        return "quota"
    if error.code == "content_filter" or "content management policy" in text.lower():
        return "content_filter"
    if status == 429 and (_PER_DAY_RE.search(error.message) or (wait or 0) > LONG_WAIT_S):
        return "quota"
    if error.code in _TRANSIENT_CODES:
        return "transient"
    if status in (400, 422) and any(w in text.lower() for w in _SCHEMA_WORDS):
        return "schema"
    if status in (408, 409, 429) or status >= 500:
        return "transient"
    return "permanent"


def response_body(raw: Any) -> Any:
    """The decoded JSON body of a raw completion response (a list or the text when odd)."""
    try:
        return json.loads(raw.content)
    except ValueError:
        return raw.text


def error_text(exc: Any) -> Any:
    """The error response's body as sent (the SDK keeps only part of some shapes)."""
    try:
        return exc.response.text
    except Exception:  # noqa: BLE001 (a streamed or closed body: the SDK's copy then)
        return exc.body
