"""A loopback OpenAI-compatible reference server: schema-valid answers and scriptable faults.

Run `python -m paperbrief.refserver [--port 0] [--latency 0.5] [--fault 429 ...] [--no-json-schema]`
to serve on 127.0.0.1 and print the base URL; tests and benchmarks use `RefServer` as a context
manager. It answers POST /v1/chat/completions and GET /v1/models, building a grounded takeaway or
comparison from the papers quoted in the prompt (between <paper> tags). Each request takes the
next fault from `faults`, if any.
"""

from __future__ import annotations

import hashlib
import json
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
}
_PAPER_RE = re.compile(
    r"<paper(?: label=\"(?P<label>[AB])\")?>\s*<title>(?P<title>.*?)</title>\s*"
    r"<abstract>\s*(?P<abstract>.*?)\s*</abstract>\s*</paper>",
    re.DOTALL,
)
_CONTRIBUTION_RE = re.compile(
    r"\b(?:we (?:propose|present|introduce|develop|release|build)|this (?:paper|work))\b", re.I
)
_ERROR_FAULTS = frozenset(
    {
        "429",
        "429-ms",
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
    ) -> None:
        for fault in faults or []:
            if fault not in FAULTS:
                raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        self.latency = latency
        self.json_schema = json_schema
        self.retry_after = retry_after
        self.faults: deque[str] = deque(faults or [])
        self.requests: list[dict[str, Any]] = []  # bodies of chat requests, in arrival order
        self._lock = threading.Lock()
        self._seen_prefixes: set[str] = set()
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

    def next_fault(self, body: dict[str, Any]) -> str | None:
        with self._lock:
            self.requests.append(body)
            fault = self.faults.popleft() if self.faults else None
        uses_schema = (body.get("response_format") or {}).get("type") == "json_schema"
        if uses_schema and (fault == "schema400" or not self.json_schema):
            return "schema400"
        if fault == "temperature400" and "temperature" not in body:
            return None
        return None if fault == "schema400" else fault

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
        body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
        return status, headers, body


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "paperbrief-refserver/1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        pass  # quiet: requests are kept in RefServer.requests

    @property
    def ref(self) -> RefServer:
        return self.server.refserver  # type: ignore[attr-defined]

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("openai-version", "2020-10-01")
        self.send_header("x-ratelimit-limit-requests", "10000")
        self.send_header("x-ratelimit-remaining-requests", "9999")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (stdlib naming)
        if self.path.rstrip("/") == "/v1/models":
            models = [{"id": "gpt-4o-mini", "object": "model", "created": 0, "owned_by": "ref"}]
            self._send(200, {"object": "list", "data": models})
        else:
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:  # noqa: N802 (stdlib naming)
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        if self.path.rstrip("/") != "/v1/chat/completions":
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
        fault = self.ref.next_fault(body)
        if self.ref.latency:
            time.sleep(self.ref.latency)
        if not key:
            fault = "401"
        start = time.monotonic()
        if fault in _ERROR_FAULTS:
            status, headers, payload = self.ref.error(fault, body.get("model", ""), key)
            self._send(status, payload, headers)
            return
        try:
            payload = self.ref.completion(body, fault, key)
        except Exception as exc:  # answer like a real server would, never drop the connection
            error = {"message": f"reference server error: {exc}", "type": "server_error"}
            self._send(500, {"error": error})
            return
        ms = str(int((time.monotonic() - start) * 1000 + self.ref.latency * 1000))
        self._send(200, payload, {"openai-processing-ms": ms})


def _usage() -> str:
    return (
        "usage: python -m paperbrief.refserver [--port N] [--latency SECONDS] "
        "[--fault NAME ...] [--no-json-schema]"
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
