"""The HTTP client against a scripted local server: headers, retries, Retry-After, courtesy gap."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from paperbrief import __version__
from paperbrief.http import (
    USER_AGENT,
    HttpClient,
    HttpStatusError,
    SourceFetchError,
    build_url,
)

Reply = tuple[int, dict[str, str], bytes]


class _Server:
    """Answers GETs from a script of replies (status, headers, body), recording each request."""

    def __init__(self) -> None:
        self.script: list[Reply] = []
        self.seen: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.seen.append(
                    {"path": self.path, **{k.lower(): v for k, v in self.headers.items()}}
                )
                status, headers, body = server.script.pop(0) if server.script else (500, {}, b"")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[_Server]:
    s = _Server()
    yield s
    s.close()


class _Sleeps:
    """An injected sleep that records the waits asked for, and a clock that never moves."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _client(sleeps: _Sleeps, **kw: object) -> HttpClient:
    return HttpClient(sleep=sleeps, clock=lambda: 100.0, timeout=5, **kw)


def test_user_agent_names_paperbrief_and_version(server):
    server.script = [(200, {"Content-Type": "application/json; charset=utf-8"}, b"[]")]
    resp = _client(_Sleeps()).get(server.url + "/api/daily_papers", {"date": "2026-03-16"})
    assert resp.status == 200 and resp.text == "[]"
    ua = server.seen[0]["user-agent"]
    assert ua == USER_AGENT
    assert ua.startswith(f"paperbrief/{__version__} ") and "http" in ua
    assert server.seen[0]["path"] == "/api/daily_papers?date=2026-03-16"


def test_retries_503_honouring_retry_after_then_succeeds(server):
    sleeps = _Sleeps()
    server.script = [
        (503, {"Retry-After": "7"}, b"busy"),
        (429, {}, b"slow down"),
        (200, {}, "ok é".encode()),
    ]
    resp = _client(sleeps).get(server.url + "/x")
    assert resp.text == "ok é"
    assert len(server.seen) == 3
    assert sleeps.calls[0] == 7.0  # the server's Retry-After
    assert 0 < sleeps.calls[1] <= 31  # no Retry-After: backoff with jitter


def test_gives_up_after_bounded_attempts_with_one_line_error(server):
    sleeps = _Sleeps()
    server.script = [(503, {"Retry-After": "1"}, b"")] * 5
    with pytest.raises(SourceFetchError) as info:
        _client(sleeps, attempts=3).get(server.url + "/y")
    message = str(info.value)
    assert "\n" not in message
    assert "HTTP 503" in message and "3 attempts" in message and "/y" in message
    assert info.value.status == 503
    assert len(server.seen) == 3
    assert sleeps.calls == [1.0, 1.0]


def test_client_errors_are_not_retried(server):
    server.script = [(404, {"Content-Type": "text/plain"}, b"no such thing")]
    with pytest.raises(HttpStatusError) as info:
        _client(_Sleeps()).get(server.url + "/missing")
    assert info.value.status == 404
    assert info.value.body == "no such thing"
    assert len(server.seen) == 1


def test_connection_refused_is_retried_then_reported():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sleeps = _Sleeps()
    with pytest.raises(SourceFetchError, match="connection failed") as info:
        _client(sleeps, attempts=2).get(f"http://127.0.0.1:{port}/z")
    assert "2 attempts" in str(info.value)
    assert len(sleeps.calls) == 1


def test_courtesy_gap_is_requested_between_calls_to_one_host(server):
    sleeps = _Sleeps()
    server.script = [(200, {}, b"a"), (200, {}, b"b"), (200, {}, b"c")]
    client = _client(sleeps)
    client.get(server.url + "/1", min_interval=3.0)
    client.get(server.url + "/2", min_interval=3.0)
    client.get(server.url + "/3")  # no gap asked
    assert sleeps.calls == [3.0]
    assert [u.rsplit("/", 1)[1] for u in client.requested] == ["1", "2", "3"]


def test_courtesy_gap_counts_time_already_passed(server):
    sleeps = _Sleeps()
    ticks = iter([10.0, 11.0, 12.0, 13.0])
    server.script = [(200, {}, b"a"), (200, {}, b"b")]
    client = HttpClient(sleep=sleeps, clock=lambda: next(ticks), timeout=5)
    client.get(server.url + "/1", min_interval=3.0)  # request ends at t=10
    client.get(server.url + "/2", min_interval=3.0)  # checked at t=11: 2 s left
    assert sleeps.calls == [2.0]


def test_build_url():
    assert build_url("http://h/p", {"a": "x y", "b": None, "c": 1}) == "http://h/p?a=x+y&c=1"
    assert build_url("http://h/p?q=1", {"a": 2}) == "http://h/p?q=1&a=2"
    assert build_url("http://h/p") == "http://h/p"


@pytest.mark.parametrize("url", ["mirror.example/api/daily_papers", "ftp://mirror.example/x"])
def test_an_endpoint_without_http_scheme_is_a_one_line_usage_error(url):
    from paperbrief.errors import UsageError

    client = HttpClient(sleep=lambda s: None)
    with pytest.raises(UsageError, match="HF_ENDPOINT"):
        client.get(url)
    assert client.requested == []
