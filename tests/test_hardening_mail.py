"""Issue 28 items 5, 6 and 24 and the mail cosmetics of 26, against real SMTP servers on
127.0.0.1: aiosmtpd refusing one recipient, and a hostile SMTP server (implicit TLS) that echoes
the AUTH exchange in its 535 reply. Credentials never reach stderr, the store or `runs --json`."""

from __future__ import annotations

import base64
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import trustme
from aiosmtpd.controller import Controller

from paperbrief.cli import main
from paperbrief.deliver.mail import parse_recipients, settings_from_env
from paperbrief_refserver.server import RefServer
from tests.test_mail import Inbox, _free_port

SMALL = Path(__file__).resolve().parent / "fixtures" / "scitldr-3.jsonl"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class RefusingInbox(Inbox):
    """Accepts every recipient but those starting with `bad@` (550 5.1.1, as for an unknown
    user)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("bad@"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        if any(rcpt.startswith("spam@") for rcpt in envelope.rcpt_tos):
            return "554 5.7.1 Message rejected as spam for this recipient"
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def refusing_server() -> Iterator[tuple[int, RefusingInbox]]:
    inbox = RefusingInbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def test_one_refused_recipient_does_not_starve_the_others(monkeypatch, tmp_path, capsys):
    db = tmp_path / "p.db"
    argv = ["digest", str(SMALL), "--offline", "--db", str(db), "--out", str(tmp_path / "d.md"),
            "--email", "bad@example.org,good@example.org,Carol <carol@example.org>"]
    with refusing_server() as (port, inbox):
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "digest@example.org")
        code, _, err = _run(capsys, *argv)
        assert code == 1
        assert [m.rcpt_tos for m in inbox.messages] == [["good@example.org"],
                                                         ["carol@example.org"]]
        last = err.splitlines()[-1]
        assert last.startswith("paperbrief: error: ") and "1 address(es) refused, 2 mailed" in last
        assert "bad@example.org" in last and "550" in last
        # the next run: the two that got it are not mailed again; bad@ is tried (and refused)
        code, _, err = _run(capsys, *argv)
        assert code == 1 and len(inbox.messages) == 2
        assert "1 address(es) refused, 0 mailed" in err
        # without bad@: nothing left to send, exit 0
        code, _, err = _run(capsys, *argv[:-1], "good@example.org,carol@example.org")
        assert code == 0 and len(inbox.messages) == 2


def test_a_message_refused_after_data_costs_only_its_recipient(monkeypatch, tmp_path, capsys):
    argv = ["digest", str(SMALL), "--offline", "--db", str(tmp_path / "p.db"),
            "--out", str(tmp_path / "d.md"), "--email", "spam@example.org,good@example.org"]
    with refusing_server() as (port, inbox):
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "digest@example.org")
        code, _, err = _run(capsys, *argv)
    assert code == 1 and [m.rcpt_tos for m in inbox.messages] == [["good@example.org"]]
    assert "spam@example.org (554 5.7.1" in err.splitlines()[-1]


# -- a hostile server echoing the AUTH exchange -----------------------------------------------


@contextmanager
def echoing_server(authority: trustme.CA, mechanisms: str) -> Iterator[int]:
    """Implicit-TLS SMTP that offers `mechanisms` and answers every AUTH with a 535 quoting what
    the client sent (AUTH LOGIN: after asking for the password)."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(ctx)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)  # a blocked accept() would outlive close()
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            raw.settimeout(30)
            try:
                with ctx.wrap_socket(raw, server_side=True) as conn:
                    talk(conn.makefile("rwb"))
            except (OSError, ssl.SSLError):
                pass

    def talk(f) -> None:
        def say(line: str) -> None:
            f.write(line.encode() + b"\r\n")
            f.flush()

        say("220 localhost ESMTP hostile")
        while line := f.readline():
            text = line.decode("utf-8", "replace").strip()
            verb = text.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                say("250-localhost")
                say(f"250 AUTH {mechanisms}")
            elif verb == "AUTH" and text.upper().startswith("AUTH LOGIN"):
                say("334 UGFzc3dvcmQ6")  # "Password:" (the user came with the command)
                if text.count(" ") == 1:  # no initial response: ask for the user first
                    f.readline()
                    say("334 UGFzc3dvcmQ6")
                answer = f.readline().decode().strip()
                say(f"535 5.7.8 Authentication failed: {text} / {answer}")
            elif verb == "AUTH":
                say(f"535 5.7.8 Authentication failed: {text}")
            elif verb == "QUIT":
                say("221 bye")
                return
            else:
                say("502 5.5.2 not here")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=10)


@pytest.mark.parametrize(
    "mechanisms, password",  # a non-ASCII password is sent with AUTH PLAIN only
    [("PLAIN", "Tr0ub4dor&3-horse"), ("LOGIN", "Tr0ub4dor&3-horse"),
     ("PLAIN", "pässwörd-ünicode-42")],
)  # fmt: skip
def test_an_echoed_auth_exchange_never_shows_the_password(ca, trusted, monkeypatch, tmp_path,
                                                           capsys, mechanisms, password):
    user = "digest-bot@example.org"
    db = tmp_path / "p.db"
    with echoing_server(ca, mechanisms) as port:
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtps://127.0.0.1:{port}")
        monkeypatch.setenv("PAPERBRIEF_SMTP_USER", user)
        monkeypatch.setenv("PAPERBRIEF_SMTP_PASSWORD", password)
        code, _, err = _run(capsys, "digest", str(SMALL), "--offline", "--db", str(db),
                            "--out", str(tmp_path / "d.md"), "--email", "ada@example.org")
        _, runs_json, _ = _run(capsys, "runs", "--db", str(db), "--json")
    assert code == 1 and "535" in err and "***" in err
    forms = [password, quote(password, safe=""),
             base64.b64encode(password.encode()).decode(),
             base64.b64encode(f"\0{user}\0{password}".encode()).decode()]
    blobs = [err, runs_json] + [p.read_bytes().decode("utf-8", "replace")
                                for p in tmp_path.glob("p.db*")]
    assert not [f for f in forms for b in blobs if f in b]


def test_credentials_in_a_base_url_are_not_stored_or_shown(tmp_path, capsys):
    db = tmp_path / "p.db"
    with RefServer() as server:
        base = server.base_url.replace("http://", "http://alice:hunter2-SECRET@")
        code, _, err = _run(capsys, "takeaway", "--input", str(SMALL), "--db", str(db),
                            "--base-url", base, "--max-calls", "1")
    _, runs_json, _ = _run(capsys, "runs", "--db", str(db), "--json")
    _, runs_text, _ = _run(capsys, "runs", "--db", str(db))
    assert "hunter2-SECRET" not in err + runs_json + runs_text
    stored = json.loads(runs_json.splitlines()[0])
    assert any("http://***@127.0.0.1" in arg for arg in stored["argv"])
    assert "hunter2-SECRET" not in db.read_bytes().decode("utf-8", "replace")


# -- addresses ----------------------------------------------------------------------------------


def test_a_quoted_comma_does_not_split_an_address():
    assert parse_recipients('"Doe, John" <john@example.org>, ada@example.org') == [
        '"Doe, John" <john@example.org>', "ada@example.org"]


def test_an_international_domain_is_idna_encoded_before_any_work(monkeypatch, tmp_path, capsys):
    assert parse_recipients("me@bücher.example") == ["me@xn--bcher-kva.example"]
    with refusing_server() as (port, inbox):
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "Digest <digest@bücher.example>")
        code, _, err = _run(capsys, "digest", str(SMALL), "--offline", "--db",
                            str(tmp_path / "p.db"), "--out", str(tmp_path / "d.md"),
                            "--email", "Ada <me@bücher.example>")
    assert code == 0, err
    (received,) = inbox.messages
    assert received.rcpt_tos == ["me@xn--bcher-kva.example"]
    assert received.mail_from == "digest@xn--bcher-kva.example"


def test_an_invalid_international_domain_is_exit_2_before_any_work(monkeypatch, tmp_path,
                                                                     capsys):
    monkeypatch.setenv("PAPERBRIEF_SMTP_URL", "smtp://127.0.0.1:25")
    monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "digest@example.org")
    code, _, err = _run(capsys, "digest", str(SMALL), "--offline", "--db",
                        str(tmp_path / "p.db"), "--email", "me@bü_cher.example")
    assert code == 2 and err.count("\n") == 1 and "not a valid domain" in err
    assert not (tmp_path / "p.db").exists()


def test_port_0_is_refused_not_replaced_by_587():
    env = {"PAPERBRIEF_SMTP_URL": "smtp://mail.example.org:0",
           "PAPERBRIEF_MAIL_FROM": "d@example.org"}
    with pytest.raises(Exception, match="port 0"):
        settings_from_env(env)
    env["PAPERBRIEF_SMTP_URL"] = "smtp://mail.example.org"
    assert settings_from_env(env).port == 587
