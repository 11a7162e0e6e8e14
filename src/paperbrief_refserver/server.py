"""A loopback OpenAI-compatible reference server: schema-valid answers and scriptable faults.

Run `python -m paperbrief_refserver.server [--port 0] [--latency 0.5] [--fault 429 ...]
[--no-json-schema]`
to serve on 127.0.0.1 and print the base URL; tests and benchmarks use `RefServer` as a context
manager. It answers POST /v1/chat/completions and GET /v1/models, building a grounded takeaway or
comparison from the papers quoted in the prompt (between <paper> tags), `latency` seconds after
the request arrived (its own work included; a `slow` answer `slow_latency` later). Each request
takes the next fault from `faults`, if any, else one drawn at random from `fault_rates` (seeded).

Rate limits like OpenAI's: `rpm` enforces at most `rpm` requests per minute (a sliding window;
`rpm_window` scales the minute down for quick tests, keeping the rate), answering 429
`rate_limit_exceeded` above it; `ratelimit_headers` sends x-ratelimit-limit/remaining/reset-*
headers (`8.64s`, `6ms`, `1m30s`) on every answer. `answered` counts the answers sent in full.

The Files and Batch API (`--batch-polls N`, `--batch-end STATUS`) are served by
paperbrief_refserver.batch, answering each batched line like a live request. POST /v1/embeddings
is answered by paperbrief_refserver.embed (its requests are kept in `embedding_requests`; it takes
faults only from `embedding_faults`, so scripted chat faults stay with chat requests).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
import threading
import time
from collections import Counter, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from paperbrief.models import (
    LINE_MAX_CHARS,
    MAX_KEY_NUMBERS,
    TAKEAWAY_MAX_WORDS,
    ComparisonDraft,
    TakeawayDraft,
)
from paperbrief.numbers import find_numbers, ungrounded
from paperbrief.text import content_tokens, sentences
from paperbrief_refserver.batch import BatchDesk
from paperbrief_refserver.compat import COMPAT_FAULTS, WRAPPING, wrap
from paperbrief_refserver.compat import error as compat_error
from paperbrief_refserver.embed import embeddings_answer
from paperbrief_refserver.faults import _ERROR_FAULTS

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
_PAPER_RE = re.compile(
    r"<paper(?: label=\"(?P<label>[AB])\")?>\s*<title>(?P<title>.*?)</title>\s*"
    r"<abstract>\s*(?P<abstract>.*?)\s*</abstract>\s*</paper>",
    re.DOTALL,
)
_CONTRIBUTION_RE = re.compile(
    r"\b(?:we (?:propose|present|introduce|develop|release|build)|this (?:paper|work))\b", re.I
)
_FAKE_NUMBER = "987.65%"
_TYPES = [
    ("survey", "survey"),
    ("benchmark", "benchmark"),
    ("dataset", "dataset"),
    ("position", "position"),
    ("system", "system"),
    ("analy", "analysis"),
]


def _words(text: str, limit: int) -> str:
    return " ".join(text.split()[:limit]).rstrip(",;:")


def _chars(text: str, limit: int) -> str:
    out = ""
    for word in text.split():
        if len(out) + len(word) + 1 > limit:
            break
        out = f"{out} {word}" if out else word
    return out or text[:limit]


def _grounded(text: str, source: str, fallback: str) -> str:
    return text if text and not ungrounded(text, source) else fallback


def _paper_parts(abstract: str) -> tuple[list[str], str, str, str]:
    sents = sentences(abstract) or [abstract or "No abstract."]
    contribution = next((s for s in sents if _CONTRIBUTION_RE.search(s)), sents[0])
    with_numbers = [s for s in sents if find_numbers(s)]
    result = with_numbers[-1] if with_numbers else sents[-1]
    return sents, contribution, result, sents[0]


def _tags(text: str, n: int = 3) -> list[str]:
    counts = Counter(t for t in content_tokens(text) if len(t) > 3 and len(t) <= 40)
    return [word for word, _ in counts.most_common(n)] or ["research"]


def takeaway_draft(title: str, abstract: str) -> TakeawayDraft:
    """A grounded, schema-valid takeaway built from the paper's own sentences."""
    source = f"{title}\n{abstract}"
    _, contribution, result, first = _paper_parts(abstract)
    generic = "The paper describes its contribution in the abstract."
    key_numbers = []
    for sent in sentences(abstract):
        for number in find_numbers(sent):
            if len(key_numbers) < MAX_KEY_NUMBERS and not ungrounded(number.text, source):
                context = _grounded(_chars(sent, 200), source, number.text)
                key_numbers.append({"value": number.text[:40], "context": context})
    lower = abstract.lower()
    kind = next((t for word, t in _TYPES if word in lower), "method")
    return TakeawayDraft.model_validate(
        {
            "takeaway": _grounded(
                _chars(_words(contribution, TAKEAWAY_MAX_WORDS), LINE_MAX_CHARS), source, generic
            ),
            "problem": _grounded(_chars(first, 400), source, generic),
            "method": _grounded(_chars(contribution, 400), source, generic),
            "result": _grounded(_chars(result, 400), source, generic),
            "key_numbers": key_numbers,
            "contribution_type": kind,
            "tags": _tags(source),
        }
    )


def comparison_draft(a: tuple[str, str], b: tuple[str, str]) -> ComparisonDraft:
    """A grounded, schema-valid comparison of papers a and b, each (title, abstract)."""
    source = f"{a[0]}\n{a[1]}\n{b[0]}\n{b[1]}"
    _, method_a, result_a, _ = _paper_parts(a[1])
    _, method_b, result_b, _ = _paper_parts(b[1])
    shared = sorted(set(_tags(a[1], 8)) & set(_tags(b[1], 8)))[:3]
    topic = ", ".join(shared) if shared else "related questions"
    generic = "Described in the paper's abstract."
    return ComparisonDraft.model_validate(
        {
            "summary": f"Both papers work on {topic}, with different approaches.",
            "shared_ground": f"Both papers address {topic}.",
            "differences": [
                {
                    "aspect": "approach",
                    "a": _grounded(_chars(method_a, 400), source, generic),
                    "b": _grounded(_chars(method_b, 400), source, generic),
                },
                {
                    "aspect": "results",
                    "a": _grounded(_chars(result_a, 400), source, generic),
                    "b": _grounded(_chars(result_b, 400), source, generic),
                },
            ],
            "prefer_a_when": f"Read paper A for {', '.join(_tags(a[1]))}.",
            "prefer_b_when": f"Read paper B for {', '.join(_tags(b[1]))}.",
        }
    )


def answer_content(messages: list[dict[str, Any]], fault: str | None = None) -> str:
    """The JSON text the server answers with for these messages (a fault may spoil it)."""
    prompt = next((m.get("content") or "" for m in messages if m.get("role") == "user"), "")
    papers = [(m.group("title"), m.group("abstract")) for m in _PAPER_RE.finditer(prompt)]
    if len(papers) >= 2:
        comparison = comparison_draft(papers[0], papers[1])
        if fault == "ungrounded":
            comparison.summary = _words(comparison.summary, 20) + f" Gains reach {_FAKE_NUMBER}."
        return comparison.model_dump_json()
    title, abstract = papers[0] if papers else ("", prompt or "No paper.")
    takeaway = takeaway_draft(title, abstract)
    if fault == "ungrounded":
        takeaway.takeaway = _words(takeaway.takeaway, 22) + f", reaching {_FAKE_NUMBER} gains"
    if fault == "sloppy":
        data = takeaway.model_dump()
        data["method"] = "  " + data["method"].replace(" ", "\n   ", 2) + "  "
        long_tag = "a topic tag that goes on for far too many characters"
        data["tags"] = [*data["tags"], long_tag, *(f"extra tag {i}" for i in range(6))]
        return json.dumps(data)
    return takeaway.model_dump_json()


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


class _QuietServer(ThreadingHTTPServer):
    """A threading server that says nothing when a client hangs up mid-answer."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # BrokenPipe, ConnectionReset
            return
        super().handle_error(request, client_address)


class RefServer:
    """The reference server, in a background thread; use as a context manager."""

    def __init__(
        self,
        *,
        port: int = 0,
        latency: float = 0.0,
        json_schema: bool = True,
        faults: list[str] | None = None,
        retry_after: float = 1.0,
        fault_rates: dict[str, float] | None = None,
        seed: int = 0,
        slow_latency: float = 20.0,
        rpm: int | None = None,
        rpm_window: float = 60.0,
        ratelimit_headers: bool = False,
        hang_after: int | None = None,
        batch_polls: int = 0,
        batch_end: str = "completed",
        batch_answered: int | None = None,
        batch_line_faults: dict[str, str] | None = None,
    ) -> None:
        for fault in [*(faults or []), *(fault_rates or {})]:
            if fault not in FAULTS:
                raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        if sum((fault_rates or {}).values()) > 1:
            raise ValueError("fault rates add up to more than 1")
        self.fault_rates = dict(fault_rates or {})
        self.slow_latency = slow_latency
        self._random = random.Random(seed)
        self.rpm = rpm
        self.rpm_window = rpm_window
        self.ratelimit_headers = ratelimit_headers
        self._accepted: deque[float] = deque()  # arrival times of requests within the rpm window
        self.rate_limited = 0  # requests answered 429 because of `rpm`
        self.answered = 0  # answers sent in full (any status)
        self.hang_after = hang_after  # requests after this many never get an answer
        self.latency = latency
        self.json_schema = json_schema
        self.retry_after = retry_after
        self.faults: deque[str] = deque(faults or [])
        self.requests: list[dict[str, Any]] = []  # bodies of chat requests, in arrival order
        self.embedding_requests: list[dict[str, Any]] = []  # bodies of embeddings requests
        self.embedding_faults: deque[str] = deque()  # error faults for embeddings requests
        self._lock = threading.Lock()
        self._seen_prefixes: set[str] = set()
        # Files and Batch API: the batch reads in_progress for `batch_polls` retrievals, then ends
        self.batches = BatchDesk(
            self,
            polls=batch_polls,
            end=batch_end,
            answered=batch_answered,
            line_faults=batch_line_faults,
        )
        self._httpd = _QuietServer(("127.0.0.1", port), _Handler)
        self._httpd.refserver = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def add_faults(self, *faults: str) -> None:
        """Queue faults: each following request takes one, in order."""
        for fault in faults:
            if fault not in FAULTS:
                raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        with self._lock:
            self.faults.extend(faults)

    def add_embedding_faults(self, *faults: str) -> None:
        """Queue error faults ('500', '429', '404' ...; 'none': a good answer) for the
        following embeddings requests, in order."""
        for fault in faults:
            if fault not in _ERROR_FAULTS and fault != "none":
                raise ValueError(f"not an error fault {fault!r}; known: {sorted(_ERROR_FAULTS)}")
        with self._lock:
            self.embedding_faults.extend(faults)

    def start(self) -> RefServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> RefServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- answering ---------------------------------------------------------------------------

    def _draw(self) -> str | None:
        """A random fault from `fault_rates` (call with the lock held)."""
        roll, edge = self._random.random(), 0.0
        for fault, rate in self.fault_rates.items():
            edge += rate
            if roll < edge:
                return fault
        return None

    @property
    def window_limit(self) -> int:
        """Requests allowed per `rpm_window` seconds (the rpm scaled to the window)."""
        return max(1, round((self.rpm or 0) * self.rpm_window / 60.0))

    def admit(self) -> tuple[bool, float, dict[str, str]]:
        """(whether a request arriving now is within `rpm`, seconds until the window frees a
        slot, the x-ratelimit headers to send)."""
        now = time.monotonic()
        with self._lock:
            while self._accepted and self._accepted[0] <= now - self.rpm_window:
                self._accepted.popleft()
            ok = self.rpm is None or len(self._accepted) < self.window_limit
            if ok:
                self._accepted.append(now)
            else:
                self.rate_limited += 1
            used = len(self._accepted)
            reset = self._accepted[0] + self.rpm_window - now if self._accepted else 0.0
        if not self.ratelimit_headers:
            return ok, reset, {}
        limit = self.window_limit if self.rpm else 10000
        headers = {
            "x-ratelimit-limit-requests": str(limit),
            "x-ratelimit-remaining-requests": str(max(0, limit - used)),
            "x-ratelimit-reset-requests": openai_duration(max(0.0, reset)),
            "x-ratelimit-limit-tokens": "200000",
            "x-ratelimit-remaining-tokens": "199000",
            "x-ratelimit-reset-tokens": "6ms",
        }
        return ok, reset, headers

    def rate_limit_error(self, model: str, wait: float) -> dict[str, Any]:
        """The body of a 429 for a request over `rpm` (no retry-after, like many real ones)."""
        message = (
            f"Rate limit reached for {model} on requests per min (RPM): Limit {self.rpm}, "
            f"Used {self.rpm}, Requested 1. Please try again in {openai_duration(wait)}."
        )
        return {
            "error": {
                "message": message,
                "type": "requests",
                "param": None,
                "code": "rate_limit_exceeded",
            }
        }

    def next_fault(self, body: dict[str, Any], *, record: bool = True) -> str | None:
        """The fault this request takes; `record`: add it to `requests` (live requests)."""
        with self._lock:
            if record:
                self.requests.append(body)
            fault = self.faults.popleft() if self.faults else self._draw()
        uses_schema = (body.get("response_format") or {}).get("type") == "json_schema"
        if uses_schema and (fault == "schema400" or not self.json_schema):
            return "schema400"
        if fault == "temperature400" and "temperature" not in body:
            return None
        if fault == "gemini-schema400" and not uses_schema:
            return None
        return None if fault in ("schema400", "none") else fault

    def cached_tokens(self, messages: list[dict[str, Any]], prompt_tokens: int) -> int:
        """Mimic prompt caching: a repeated system prompt of 1024+ tokens is cached in 128s."""
        system = next((m.get("content") or "" for m in messages if m.get("role") == "system"), "")
        key = hashlib.sha256(system.encode()).hexdigest()
        with self._lock:
            seen = key in self._seen_prefixes
            self._seen_prefixes.add(key)
        if not seen or prompt_tokens < 1024:
            return 0
        return min(prompt_tokens, _tokens(system)) // 128 * 128

    def completion(self, body: dict[str, Any], fault: str | None, key: str) -> dict[str, Any]:
        messages = body.get("messages") or []
        content: str | None = answer_content(messages, fault)
        refusal = None
        finish = "stop"
        if fault == "malformed":
            content = content[: len(content) // 2] + ' "oops'
        elif fault == "length":
            content = content[: len(content) // 3]
            finish = "length"
        elif fault == "refusal":
            content, refusal = None, "I'm sorry, but I can't help with that request."
        elif fault == "content_filter":
            content, finish = None, "content_filter"
        prompt_tokens = sum(_tokens(m.get("content") or "") + 4 for m in messages)
        completion_tokens = _tokens(content or refusal or "")
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:24]
        return {
            "id": f"chatcmpl-ref{digest}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "ref-model"),
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": content,
                        "refusal": refusal,
                        "annotations": [],
                    },
                    "logprobs": None,
                    "finish_reason": finish,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
                "prompt_tokens_details": {
                    "cached_tokens": self.cached_tokens(messages, prompt_tokens),
                    "audio_tokens": 0,
                },
                "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
            },
            "service_tier": "default",
            "system_fingerprint": "fp_refserver",
        }

    def error(self, fault: str, model: str, key: str) -> tuple[int, dict[str, Any], dict]:
        """(status, extra headers, body) of an error fault."""
        wait = self.retry_after
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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "paperbrief-refserver/1"
    # TCP_NODELAY, as production HTTP servers set it: the headers and the body go out in two
    # writes, and with Nagle on the body waited for the client's delayed ACK (~40 ms an answer)
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        pass  # quiet: requests are kept in RefServer.requests

    @property
    def ref(self) -> RefServer:
        return self.server.refserver  # type: ignore[attr-defined]

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        data = json.dumps(body).encode()
        headers = {
            "x-ratelimit-limit-requests": "10000",
            "x-ratelimit-remaining-requests": "9999",
            **(headers or {}),
        }
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("openai-version", "2020-10-01")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        with self.ref._lock:
            self.ref.answered += 1

    def _send_bytes(self, status: int, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (stdlib naming)
        if self.ref.batches.handles("GET", self.path):
            self._send_bytes(*self.ref.batches.answer("GET", self.path, self.headers, b""))
        elif self.path.rstrip("/") == "/v1/models":
            models = [{"id": "gpt-4o-mini", "object": "model", "created": 0, "owned_by": "ref"}]
            self._send(200, {"object": "list", "data": models})
        else:
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def _wait(self, arrived: float, delay: float) -> None:
        """Answer `delay` seconds (the latency) after the request arrived: the server's own work
        (a few ms, but serialised over the answers due at once) is part of it, not added to it."""
        rest = arrived + delay - time.monotonic()
        if rest > 0:
            time.sleep(rest)

    def do_POST(self) -> None:  # noqa: N802 (stdlib naming)
        arrived = time.monotonic()
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        if self.ref.batches.handles("POST", self.path):
            self._send_bytes(*self.ref.batches.answer("POST", self.path, self.headers, raw))
            return
        route = self.path.rstrip("/")
        if route not in ("/v1/chat/completions", "/v1/embeddings"):
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        auth = self.headers.get("authorization") or ""
        key = auth.removeprefix("Bearer ").strip()
        try:
            body = json.loads(raw)
        except ValueError:
            error = {
                "message": "We could not parse the JSON body of your request.",
                "type": "invalid_request_error",
                "param": None,
                "code": None,
            }
            self._send(400, {"error": error})
            return
        if route == "/v1/embeddings":
            self._embeddings(body if isinstance(body, dict) else {}, key, arrived)
            return
        admitted, reset, limits = self.ref.admit()
        fault = self.ref.next_fault(body) if admitted else None
        if self.ref.hang_after is not None and len(self.ref.requests) > self.ref.hang_after:
            time.sleep(3600)  # never answers (a daemon thread: the server stops regardless)
            return
        if admitted and not key:
            fault = "401"
        delay = self.ref.latency
        if fault == "slow":  # a slow model: its answer is made late
            time.sleep(self.ref.slow_latency)
            delay += self.ref.slow_latency
        status, headers = 200, dict(limits)
        if not admitted:
            status, payload = 429, self.ref.rate_limit_error(body.get("model", ""), reset)
        elif fault in _ERROR_FAULTS:
            status, extra, payload = self.ref.error(fault, body.get("model", ""), key)
            headers.update(extra)
        elif fault in COMPAT_FAULTS and fault not in WRAPPING:
            status, extra, payload = compat_error(fault, body.get("model", ""))
            headers.update(extra)
        else:
            try:
                payload = self.ref.completion(body, fault, key)
                if fault in WRAPPING:
                    payload = wrap(payload, fault)
            except Exception as exc:  # answer like a real server would, never drop the connection
                error = {"message": f"reference server error: {exc}", "type": "server_error"}
                status, payload, headers = 500, {"error": error}, {}
        self._wait(arrived, delay)
        if status == 200:
            headers["openai-processing-ms"] = str(int((time.monotonic() - arrived) * 1000))
        self._send(status, payload, headers)


    def _embeddings(self, body: dict[str, Any], key: str, arrived: float) -> None:
        with self.ref._lock:
            self.ref.embedding_requests.append(body)
            fault = self.ref.embedding_faults.popleft() if self.ref.embedding_faults else None
        if not key:
            fault = "401"
        headers: dict[str, str] | None = None
        if fault is not None and fault != "none":
            status, headers, payload = self.ref.error(fault, str(body.get("model", "")), key)
        else:
            status, payload = embeddings_answer(body)
        self._wait(arrived, self.ref.latency)
        self._send(status, payload, headers)


def openai_duration(seconds: float) -> str:
    """A reset time as OpenAI writes it: '6ms', '8.64s', '1m30s'."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    if seconds < 60:
        return f"{seconds:.3g}s"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}m{rest:.3g}s"


def _usage() -> str:
    return (
        "usage: python -m paperbrief_refserver.server [--port N] [--latency SECONDS] "
        "[--fault NAME ...] [--fault-rate NAME=P ...] [--seed N] [--slow-latency SECONDS] "
        "[--rpm N] [--rpm-window SECONDS] [--ratelimit-headers] [--no-json-schema] "
        "[--batch-polls N] [--batch-end STATUS]"
    )


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted, after printing the base URL."""
    args = list(sys.argv[1:] if argv is None else argv)
    options: dict[str, Any] = {"port": 0, "latency": 0.0, "faults": [], "json_schema": True}
    try:
        while args:
            flag = args.pop(0)
            if flag in ("-h", "--help"):
                print(_usage())
                print("faults: " + "; ".join(f"{k}: {v}" for k, v in FAULTS.items()))
                return 0
            if flag == "--no-json-schema":
                options["json_schema"] = False
            elif flag == "--port":
                options["port"] = int(args.pop(0))
            elif flag == "--latency":
                options["latency"] = float(args.pop(0))
            elif flag == "--fault":
                options["faults"].append(args.pop(0))
            elif flag == "--batch-polls":
                options["batch_polls"] = int(args.pop(0))
            elif flag == "--batch-end":
                options["batch_end"] = args.pop(0)
            elif flag == "--fault-rate":
                name, _, rate = args.pop(0).partition("=")
                options.setdefault("fault_rates", {})[name] = float(rate)
            elif flag == "--seed":
                options["seed"] = int(args.pop(0))
            elif flag == "--slow-latency":
                options["slow_latency"] = float(args.pop(0))
            elif flag == "--rpm":
                options["rpm"] = int(args.pop(0))
            elif flag == "--rpm-window":
                options["rpm_window"] = float(args.pop(0))
            elif flag == "--ratelimit-headers":
                options["ratelimit_headers"] = True
            else:
                raise ValueError(f"unknown argument {flag!r}")
        server = RefServer(**options)
    except (ValueError, IndexError, OSError) as exc:
        print(f"refserver: {exc or 'missing value'}\n{_usage()}", file=sys.stderr)
        return 2
    with server:
        print(server.base_url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
