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

This module holds the server's state (faults, rate limits, requests) and its command line; the
answers' content is `answers`, the faults and their error bodies `faults`, the HTTP handler
`handler`.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import threading
import time
from collections import deque
from typing import Any

from paperbrief_refserver.answers import answer_content, token_count
from paperbrief_refserver.batch import BatchDesk
from paperbrief_refserver.faults import _ERROR_FAULTS, FAULTS, error_answer, openai_duration
from paperbrief_refserver.handler import Handler, QuietServer


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
        self._httpd = QuietServer(("127.0.0.1", port), Handler)
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
        return min(prompt_tokens, token_count(system)) // 128 * 128

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
        prompt_tokens = sum(token_count(m.get("content") or "") + 4 for m in messages)
        completion_tokens = token_count(content or refusal or "")
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
        """(status, extra headers, body) of an error fault (faults.error_answer)."""
        return error_answer(fault, model, key, self.retry_after)



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
