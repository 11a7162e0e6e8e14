"""The reference server's HTTP side: routes each request (chat completions, embeddings, models,
the Files and Batch API) to its `RefServer`, applies the request's fault and the latency, and
writes the answer as OpenAI does (headers, TCP_NODELAY).
"""

from __future__ import annotations

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from paperbrief_refserver.compat import COMPAT_FAULTS, WRAPPING, wrap
from paperbrief_refserver.compat import error as compat_error
from paperbrief_refserver.embed import embeddings_answer
from paperbrief_refserver.faults import _ERROR_FAULTS

if TYPE_CHECKING:
    from paperbrief_refserver.server import RefServer


class QuietServer(ThreadingHTTPServer):
    """A threading server that says nothing when a client hangs up mid-answer."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # BrokenPipe, ConnectionReset
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
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
