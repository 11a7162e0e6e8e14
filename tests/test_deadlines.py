"""Overall deadlines (issue 28, item 12): a server that drips its answer cannot hang a run.

Each stand-in (tests/drip.py) keeps every read well within the per-read timeout and never ends
its answer; PAPERBRIEF_DEADLINE is set to about a second so that the deadline, not the server,
ends the exchange. A client without an overall deadline would wait for the stand-in to give up
(60 s), which the `finished` helper reports as a hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest

from paperbrief.deliver.mail import DeliveryError, send, settings_from_env
from paperbrief.engines.llm.call import sdk_client
from paperbrief.engines.llm.engine import LLMEngine
from paperbrief.http import HttpClient, SourceFetchError
from tests.drip import DripServer
from tests.llm_support import StubFallback, scitldr_papers

HANG = 45.0  # a call still running after this long has no deadline (the stand-ins give up at 60)


@pytest.fixture(autouse=True)
def short_deadline(monkeypatch):
    monkeypatch.setenv("PAPERBRIEF_DEADLINE", "1")


def finished(call: Callable[[], Any]) -> BaseException | Any:
    """What `call` returned or raised, run in a thread; fails the test if it hangs."""
    box: list[Any] = []

    def run() -> None:
        try:
            box.append(call())
        except BaseException as exc:  # noqa: BLE001 (handed to the test)
            box.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(HANG)
    assert not thread.is_alive(), "the exchange hung: no overall deadline"
    return box[0]


# -- SMTP ---------------------------------------------------------------------------------------


def _mail(port: int, scheme: str = "smtp") -> BaseException | Any:
    settings = settings_from_env(
        {"PAPERBRIEF_SMTP_URL": f"{scheme}://127.0.0.1:{port}", "PAPERBRIEF_MAIL_FROM": "pb@x.org"}
    )
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = "digest", "pb@x.org", "me@x.org"
    msg.set_content("hello")
    sent: list[str] = []
    result = finished(lambda: send(settings, [("me@x.org", msg)], lambda r, m: sent.append(r)))
    assert sent == []
    return result


def test_an_smtp_greeting_sent_one_byte_at_a_time_ends_at_the_deadline():
    with DripServer(b"", b"220 mail.example.org ESMTP " + b"x" * 10_000, gap=0.05) as server:
        error = _mail(server.port)
    assert isinstance(error, DeliveryError)
    assert str(error) == (
        f"email via smtp://127.0.0.1:{server.port} failed: SMTP exchange with "
        f"127.0.0.1:{server.port}: no complete answer within 1 s (PAPERBRIEF_DEADLINE)"
    )


def test_endless_250_continuation_lines_end_at_the_deadline():
    with DripServer(b"220 hi\r\n", b"250-PIPELINING\r\n", gap=0.02, bytewise=False) as server:
        error = _mail(server.port)
    assert isinstance(error, DeliveryError)
    assert "no complete answer within 1 s" in str(error)


def test_a_tls_handshake_dripped_one_byte_at_a_time_ends_at_the_deadline():
    # a TLS handshake record announcing 16 KB, then its bytes one at a time
    with DripServer(b"\x16\x03\x03\x40\x00", b"\x00", gap=0.05) as server:
        error = _mail(server.port, "smtps")
    assert isinstance(error, DeliveryError)
    assert str(error).endswith("no complete answer within 1 s (PAPERBRIEF_DEADLINE)")


# -- sources over HTTP --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "piece"),
    [
        (b"HTTP/1.1 200 OK\r\nX-Drip: ", b"a"),  # headers that never end
        (b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n<feed>", b"<entry/>"),  # a body
    ],
    ids=["headers", "body"],
)
def test_a_fetch_dripped_one_byte_at_a_time_ends_at_the_deadline(head, piece):
    with DripServer(head, piece, gap=0.05, http=True) as server:
        client = HttpClient(timeout=30)
        error = finished(lambda: client.get(server.url + "/api/query"))
    assert isinstance(error, SourceFetchError)
    assert str(error) == (
        f"could not fetch {server.url}/api/query: no complete answer within 1 s "
        "(PAPERBRIEF_DEADLINE)"
    )
    assert server.connections == 1  # the deadline covers the retries too: none after it


def test_an_https_handshake_dripped_one_byte_at_a_time_ends_at_the_deadline():
    with DripServer(b"\x16\x03\x03\x40\x00", b"\x00", gap=0.05, http=False) as server:
        client = HttpClient(timeout=30)
        url = f"https://127.0.0.1:{server.port}/api/query"
        error = finished(lambda: client.get(url))
    assert isinstance(error, SourceFetchError)
    assert str(error).endswith("no complete answer within 1 s (PAPERBRIEF_DEADLINE)")


def test_compare_against_a_dripping_arxiv_api_exits_with_one_line():
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\nContent-Length: 99999\r\n\r\n"
    with DripServer(head, b"<feed>", gap=0.05, http=True) as server:
        env = {**os.environ, "PAPERBRIEF_ARXIV_API": server.url + "/api/query"}
        env.pop("OPENAI_API_KEY", None)
        done = subprocess.run(
            [sys.executable, "-m", "paperbrief.cli", "compare", "2401.01234", "2401.01235",
             "--offline"],
            env=env, capture_output=True, text=True, timeout=HANG,
        )  # fmt: skip
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert "no complete answer within 1 s (PAPERBRIEF_DEADLINE)" in done.stderr


# -- LLM calls ----------------------------------------------------------------------------------

COMPLETION_HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
    b'{"id": "x", "object": "chat.completion", "choices": [{"message": {"content": "'
)


def test_an_llm_answer_dripped_one_byte_at_a_time_falls_back_at_the_deadline():
    with DripServer(COMPLETION_HEAD, b"words ", gap=0.05, http=True) as server:
        engine = LLMEngine(
            "m", fallback=StubFallback(), api_key="sk-test", base_url=server.url + "/v1",
            timeout=30, max_attempts=2, sleep=lambda s: None,
        )  # fmt: skip
        outcome = finished(lambda: engine.takeaway(scitldr_papers(1)[0]))
    assert not isinstance(outcome, BaseException), outcome
    assert outcome.value.engine == "offline"
    assert outcome.value.fallback_reason == (
        "m: no complete answer within 1 s (PAPERBRIEF_DEADLINE)"
    )
    assert server.connections == 2  # each attempt is cut at its deadline, then retried


def test_an_endless_event_stream_ends_at_the_deadline():
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
    chunk = (
        b'data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m",'
        b'"choices":[{"index":0,"delta":{"content":"more "}}]}\n\n'
    )
    with DripServer(head, chunk, gap=0.05, http=True, bytewise=False) as server:
        client = sdk_client(None, api_key="sk-test", base_url=server.url + "/v1", timeout=30)

        def read_all() -> int:
            stream = client.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "hi"}], stream=True
            )
            return sum(1 for _ in stream)

        error = finished(read_all)
    assert isinstance(error, Exception), error
    assert type(error).__name__ == "APITimeoutError"
    assert "no complete answer within 1 s" in str(error.__cause__)


@pytest.mark.parametrize("value", ["abc", "0", "-5", "nan", "1e400"])
def test_a_bad_deadline_setting_is_exit_2_at_start(value, tmp_path, monkeypatch, capsys):
    from paperbrief import cli

    monkeypatch.setenv("PAPERBRIEF_DEADLINE", value)
    code = cli.main(["runs", "--db", str(tmp_path / "none.db")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"paperbrief: error: PAPERBRIEF_DEADLINE={value!r}: expected a number")
    assert err.count("\n") == 1


def test_a_digest_mailed_to_a_dripping_smtp_server_ends_with_exit_1_and_the_digest_kept(
    tmp_path, monkeypatch, capsys
):
    from paperbrief import cli
    from tests.conftest import FIXTURES

    out = tmp_path / "digest.md"
    with DripServer(b"220-", b"x", gap=0.05) as server:
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtp://127.0.0.1:{server.port}")
        monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "pb@x.org")
        argv = ["digest", str(FIXTURES / "scitldr-3.jsonl"), "--offline", "--db",
                str(tmp_path / "pb.db"), "--out", str(out), "--email", "me@x.org"]  # fmt: skip
        code = finished(lambda: cli.main(argv))
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.count("\n") == 1 and "no complete answer within 1 s (PAPERBRIEF_DEADLINE)" in err
    assert out.read_text(encoding="utf-8").startswith("#")  # the digest is written all the same
