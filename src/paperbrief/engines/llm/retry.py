"""How the LLM engine treats a failed HTTP call: retry, downgrade the request, or give up."""

from __future__ import annotations

from collections.abc import Mapping

RETRY_STATUSES = frozenset({408, 409, 429})
# dropped for good when a server rejects them
OPTIONAL_PARAMS = ("temperature", "max_tokens", "max_completion_tokens", "reasoning_effort")


class TransientCallError(Exception):
    """A failure worth retrying (connection, timeout, 408/409/429/5xx), with the server's wait."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentCallError(Exception):
    """A failure that retrying will not fix for this request (e.g. 400)."""


class Downgrade(Exception):
    """The server rejected an optional request feature: json_schema, temperature or max_tokens."""

    def __init__(self, feature: str) -> None:
        super().__init__(feature)
        self.feature = feature


def is_retryable_status(status: int) -> bool:
    """408, 409, 429 and 5xx are worth another try (429 insufficient_quota is not: check first)."""
    return status in RETRY_STATUSES or status >= 500


def api_message(exc: object) -> str:
    """The server's own error message from an SDK status error, whatever the body's shape
    (engines/llm_errors.py), else the SDK's `body` or `message`."""
    from paperbrief.engines.llm.errors import provider_error

    response = getattr(exc, "response", None)
    try:
        text = response.text if response is not None else None
    except Exception:  # noqa: BLE001 (a closed stream: the SDK's copy below)
        text = None
    if text:
        message = provider_error(text).message
        if message:
            return message
    body = getattr(exc, "body", None)
    if isinstance(body, Mapping) and isinstance(body.get("message"), str):
        return body["message"]
    return str(getattr(exc, "message", exc))
