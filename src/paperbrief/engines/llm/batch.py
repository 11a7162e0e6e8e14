"""The OpenAI Batch API client (imports openai): submit chat requests as one batch, poll, read.

`submit` uploads the request lines as a JSONL file (files.create, purpose "batch") and creates a
batch on /v1/chat/completions with the 24 h window; `status` polls it (batches.retrieve);
`results` reads its output and error files (files.content) into one `LineResult` per custom_id.
Transient failures (connection, timeout, 408/409/429/5xx) are retried by tenacity, the SDK's own
retries being off, as for live calls; anything else is a `BatchAPIError` with a one-line message.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import openai
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from paperbrief.deadline_httpx import timeout_reason
from paperbrief.engines.llm.reply import redact
from paperbrief.engines.llm.retry import TransientCallError, api_message, is_retryable_status
from paperbrief.errors import FatalLLMError, PaperbriefError
from paperbrief.retrying import wait_server_or_backoff

log = logging.getLogger("paperbrief.batch")

ENDPOINT = "/v1/chat/completions"
WINDOW = "24h"
UPLOAD_NAME = "paperbrief-batch.jsonl"
FINAL_STATES = frozenset({"completed", "expired", "cancelled", "failed"})
# every status the Batch API documents; anything else is a server this client cannot follow
KNOWN_STATES = FINAL_STATES | {"validating", "in_progress", "finalizing", "cancelling"}
T = TypeVar("T")


class BatchAPIError(PaperbriefError):
    """The Batch API could not be used (not served, rejected, or unreachable after retries)."""


class BatchNotFound(BatchAPIError):
    """The server answered 404: it does not know the batch or file (any more)."""


@dataclass(frozen=True)
class BatchState:
    """What the server says about a batch."""

    id: str
    status: str
    total: int = 0
    completed: int = 0
    failed: int = 0
    output_file_id: str | None = None
    error_file_id: str | None = None
    input_file_id: str | None = None
    errors: tuple[str, ...] = field(default_factory=tuple)

    @property
    def final(self) -> bool:
        """True once the batch will not change any more (completed, expired, cancelled, failed)."""
        return self.status in FINAL_STATES


@dataclass(frozen=True)
class LineResult:
    """One output or error line: the chat.completion body when it succeeded, else why not."""

    custom_id: str
    body: dict[str, Any] | None
    error: str | None


def request_line(custom_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """One line of a batch input file for the Chat Completions endpoint."""
    return {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": dict(body)}


def read_lines(text: str) -> Iterable[LineResult]:
    """The lines of an output or error file ({custom_id, response: {status_code, body}, error})."""
    for raw in text.splitlines():
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except ValueError:
            log.warning("batch file: skipped a line that is not JSON: %s", redact(raw[:80]))
            continue
        if not isinstance(line, dict) or not isinstance(line.get("custom_id"), str):
            continue
        yield _line_result(line)


def _line_result(line: Mapping[str, Any]) -> LineResult:
    custom_id = line["custom_id"]
    response = line.get("response") or {}
    error = line.get("error")
    status = response.get("status_code") if isinstance(response, Mapping) else None
    body = response.get("body") if isinstance(response, Mapping) else None
    if status == 200 and isinstance(body, dict) and not error:
        return LineResult(custom_id, body, None)
    if isinstance(error, Mapping):
        why = f"{error.get('code') or 'error'}: {error.get('message') or ''}".rstrip(": ")
    elif isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
        why = f"HTTP {status}: {body['error'].get('message') or ''}"
    else:
        why = f"HTTP {status}" if status else "no response"
    return LineResult(custom_id, None, redact(why))


class BatchClient:
    """The Files and Batches endpoints of an OpenAI-compatible server."""

    def __init__(
        self,
        client: openai.OpenAI,
        *,
        max_attempts: int = 4,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client.with_options(max_retries=0)
        self.max_attempts = max(1, max_attempts)
        self.sleep = sleep

    def submit(self, lines: list[dict[str, Any]]) -> BatchState:
        """Upload `lines` (see `request_line`) and start a batch; its state as created."""
        data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
        upload = self._call(
            "upload the batch file",
            lambda: self.client.files.create(file=(UPLOAD_NAME, data), purpose="batch"),
        )
        batch = self._call(
            "create the batch",
            lambda: self.client.batches.create(
                input_file_id=upload.id, endpoint=ENDPOINT, completion_window=WINDOW
            ),
        )
        return _state(batch)

    def status(self, batch_id: str) -> BatchState:
        """The batch's current state."""
        return _state(self._call("check the batch", lambda: self.client.batches.retrieve(batch_id)))

    def results(self, state: BatchState) -> dict[str, LineResult]:
        """Every answered or failed line of a finished batch, by custom_id (errors win ties)."""
        out: dict[str, LineResult] = {}
        for file_id in (state.output_file_id, state.error_file_id):
            if not file_id:
                continue
            text = self._call(
                "read the batch results", lambda f=file_id: self.client.files.content(f).text
            )
            for result in read_lines(text):
                out.setdefault(result.custom_id, result)
        return out

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=wait_server_or_backoff(),
            retry=retry_if_exception_type(TransientCallError),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(self._once, what, fn)
        except TransientCallError as exc:
            raise BatchAPIError(f"cannot {what}: {exc}") from None

    def _once(self, what: str, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except openai.APIStatusError as exc:
            message = redact(f"HTTP {exc.status_code}: {api_message(exc)}")
            if exc.status_code in (401, 403):
                raise FatalLLMError(f"cannot {what}: {message}: check OPENAI_API_KEY") from None
            if exc.status_code == 404:
                raise BatchNotFound(
                    f"cannot {what}: {message} (does the server offer the Batch API?)"
                ) from None
            if is_retryable_status(exc.status_code) and exc.code != "insufficient_quota":
                raise TransientCallError(message) from None
            raise BatchAPIError(f"cannot {what}: {message}") from None
        except openai.APITimeoutError as exc:
            raise TransientCallError(timeout_reason(exc, "timed out")) from None
        except openai.APIConnectionError as exc:
            raise TransientCallError(redact(f"connection error: {exc}")) from None


def _state(batch: Any) -> BatchState:
    counts = getattr(batch, "request_counts", None)
    errors = getattr(getattr(batch, "errors", None), "data", None) or []
    return BatchState(
        id=batch.id,
        status=batch.status,
        total=getattr(counts, "total", 0) or 0,
        completed=getattr(counts, "completed", 0) or 0,
        failed=getattr(counts, "failed", 0) or 0,
        output_file_id=getattr(batch, "output_file_id", None),
        error_file_id=getattr(batch, "error_file_id", None),
        input_file_id=getattr(batch, "input_file_id", None),
        errors=tuple(redact(f"{e.code or 'error'}: {e.message or ''}") for e in errors),
    )
