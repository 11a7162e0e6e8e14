"""E-mail delivery against a real SMTP server (aiosmtpd on 127.0.0.1) with STARTTLS or implicit
TLS and AUTH, using a throwaway certificate authority made by trustme for each test session."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from paperbrief.cli import main
from paperbrief.deliver.mail import parse_recipients, settings_from_env, subject
from paperbrief.store.core import Store

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "daily-papers-2026-03-05.txt"
SMALL = Path(__file__).resolve().parent / "fixtures" / "scitldr-3.jsonl"
USER = "digest-bot"
PASSWORD = "s3cr3t-p@ss/wörd"  # must survive URL quoting, and never show up anywhere


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool
    authenticated: bool

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class Inbox:
    """aiosmtpd handler keeping every message it accepted."""

    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook)
        self.messages.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.original_content or envelope.content,
                # STARTTLS sets session.ssl; implicit TLS shows on the transport
                session.ssl is not None
                or server.transport.get_extra_info("ssl_object") is not None,
                bool(session.authenticated),
            )
        )
        return "250 Message accepted for delivery"


def _authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data == LoginPassword(
        USER.encode(), PASSWORD.encode("utf-8")
    )
    return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(ca: trustme.CA, mode: str) -> Iterator[tuple[int, Inbox]]:
    """`starttls` (port 587 style, STARTTLS required before AUTH), `smtps` (TLS from the first
    byte), or `plain` (no TLS offered at all, AUTH allowed in clear)."""
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_ctx)
    inbox = Inbox()
    kwargs: dict = {"auth_required": True, "authenticator": _authenticator}
    if mode == "starttls":
        kwargs |= {"tls_context": server_ctx, "require_starttls": True}
    elif mode == "smtps":
        kwargs |= {"ssl_context": server_ctx, "auth_require_tls": False}
    else:
        kwargs |= {"auth_require_tls": False}
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@pytest.fixture
def starttls(ca: trustme.CA, trusted: None, monkeypatch: pytest.MonkeyPatch):
    with smtp_server(ca, "starttls") as (port, inbox):
        monkeypatch.setenv(
            "PAPERBRIEF_SMTP_URL", f"smtp://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{port}"
        )
        monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "paperbrief <digest@example.org>")
        yield inbox


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_digest_is_mailed_once_per_period_and_recipient(starttls: Inbox, tmp_path, capsys):
    out, log, db = tmp_path / "digest.md", tmp_path / "run.log", tmp_path / "p.db"
    argv = ["digest", str(SEED), "--offline", "--db", str(db), "--out", str(out),
            "--log", str(log), "-v"]
    code, stdout, stderr = _run(capsys, *argv, "--email", "ada@example.org,Bob <bob@example.org>")
    assert code == 0, stderr
    assert [m.rcpt_tos for m in starttls.messages] == [["ada@example.org"], ["bob@example.org"]]
    assert all(m.tls and m.authenticated for m in starttls.messages)
    assert {m.mail_from for m in starttls.messages} == {"digest@example.org"}

    markdown = out.read_text("utf-8")
    ids = set()
    for received, to in zip(starttls.messages, ["ada@example.org", "bob@example.org"],
                            strict=True):
        raw_headers = received.data.split(b"\r\n\r\n", 1)[0]
        assert raw_headers.isascii()  # the dash and anything else non-ASCII is RFC 2047-encoded
        assert b"=?utf-8?" in raw_headers
        msg = received.message
        assert msg["Subject"] == "paperbrief: Mar 5, 2026 — 54 papers"
        assert msg["From"].addresses[0].addr_spec == "digest@example.org"
        assert to in str(msg["To"])
        assert msg["Auto-Submitted"] == "auto-generated"
        sent = parsedate_to_datetime(msg["Date"])
        assert sent.tzinfo is not None and abs(datetime.now(UTC) - sent) < timedelta(minutes=5)
        assert re.fullmatch(r"<[^<>@\s]+@example\.org>", msg["Message-ID"])
        ids.add(msg["Message-ID"])
        assert msg.get_content_type() == "multipart/alternative"
        text, html = msg.iter_parts()
        assert text.get_content_type() == "text/plain" and text.get_content_charset() == "utf-8"
        assert html.get_content_type() == "text/html" and html.get_content_charset() == "utf-8"
        # the text part is plain text, not the Markdown: wrapped at 78 columns, no markup
        plain = text.get_content().replace("\r\n", "\n")
        assert plain != markdown and plain.startswith("Paper digest: Mar 5, 2026\n=====")
        assert max(len(line) for line in plain.splitlines()) <= 78
        assert not re.search(r"\*\*|\\[^\w\s]|<a id=|\]\(#", plain)
        assert "Hogwild! Inference: Parallel LLM Generation" in " ".join(plain.split())
        page = html.get_content()
        assert page.startswith("<!DOCTYPE html>")
        assert len(set(re.findall(r'id="(paper-[^"]+)"', page))) == 54  # every paper, anchored
        assert "Paper digest: Mar 5, 2026" in page
    assert len(ids) == 2

    # a rerun sends nothing; a new address gets it alone; --resend sends to all again
    assert _run(capsys, *argv, "--email", "ada@example.org,bob@example.org")[0] == 0
    assert len(starttls.messages) == 2
    assert _run(capsys, *argv, "--email", "ADA@example.org,carol@example.org")[0] == 0
    assert [m.rcpt_tos for m in starttls.messages[2:]] == [["carol@example.org"]]
    code, stdout, stderr = _run(capsys, *argv, "--email", "ada@example.org,carol@example.org",
                                "--resend")
    assert code == 0
    assert [m.rcpt_tos for m in starttls.messages[3:]] == [["ada@example.org"],
                                                           ["carol@example.org"]]
    with Store(db) as store:  # recorded under the period and the digest's identity
        (row,) = store._read("SELECT period FROM deliveries WHERE recipient = ?",
                             ("bob@example.org",))
        assert row["period"].startswith("Mar 5, 2026 #")
        assert store.delivered("email", row["period"], "bob@example.org")
        assert not store.delivered("email", "Mar 6, 2026", "bob@example.org")

    # the password is nowhere: output, log, database
    secrets = [PASSWORD, quote(PASSWORD, safe=""), PASSWORD.encode().hex()]
    blobs = [stdout, stderr, log.read_text("utf-8")] + [
        p.read_bytes().decode("utf-8", "replace") for p in tmp_path.glob("p.db*")
    ]
    assert "mailed" in log.read_text("utf-8")
    assert not [s for s in secrets for b in blobs if s in b]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtps_with_user_and_password_from_the_environment(ca, trusted, monkeypatch, tmp_path,
                                                           capsys):
    with smtp_server(ca, "smtps") as (port, inbox):
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtps://localhost:{port}")
        monkeypatch.setenv("PAPERBRIEF_SMTP_USER", USER)
        monkeypatch.setenv("PAPERBRIEF_SMTP_PASSWORD", PASSWORD)
        monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "digest@example.org")
        code, _, err = _run(capsys, "digest", str(SMALL), "--offline", "--format", "html",
                            "--out", str(tmp_path / "d.html"), "--email", "ada@example.org")
    assert code == 0, err
    (received,) = inbox.messages
    assert received.tls and received.authenticated
    msg = received.message
    text, html = msg.iter_parts()
    assert text.get_content().startswith("Paper digest")  # the text part is plain text
    assert html.get_content().replace("\r\n", "\n") == (tmp_path / "d.html").read_text("utf-8")


def test_refused_login_is_exit_1_with_the_digest_written(starttls, monkeypatch, tmp_path,
                                                         capsys):
    url = re.sub(r"//[^@]+@", f"//{USER}:wrong-{quote(PASSWORD, safe='')}@",
                 __import__("os").environ["PAPERBRIEF_SMTP_URL"])
    monkeypatch.setenv("PAPERBRIEF_SMTP_URL", url)
    out, db = tmp_path / "d.md", tmp_path / "p.db"
    argv = ["digest", str(SMALL), "--offline", "--db", str(db), "--out", str(out),
            "--email", "ada@example.org"]
    code, stdout, err = _run(capsys, *argv)
    assert code == 1
    assert err.count("\n") == 1 and "login refused" in err and "127.0.0.1" in err
    assert PASSWORD not in err and quote(PASSWORD, safe="") not in err
    assert out.read_text("utf-8").startswith("# Paper digest") and not starttls.messages
    code, stdout, _ = _run(capsys, "runs", "--db", str(db))
    assert "failed" in stdout.splitlines()[0]
    # nothing was recorded as sent: with the right password the next run mails it
    monkeypatch.setenv("PAPERBRIEF_SMTP_URL", url.replace("wrong-", ""))
    assert _run(capsys, *argv)[0] == 0
    assert len(starttls.messages) == 1


def test_server_down_is_exit_1_and_the_digest_is_kept(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtp://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "digest@example.org")
    out = tmp_path / "d.html"
    code, _, err = _run(capsys, "digest", str(SMALL), "--offline", "--out", str(out),
                        "--email", "ada@example.org")
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("paperbrief: error: email via smtp://127.0.0.1:")
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_untrusted_certificate_is_exit_1(ca, monkeypatch, tmp_path, capsys):
    with smtp_server(ca, "starttls") as (port, inbox):
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtp://{USER}:x@127.0.0.1:{port}")
        monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "digest@example.org")
        code, _, err = _run(capsys, "digest", str(SMALL), "--offline", "--email", "a@example.org")
    assert code == 1 and "certificate not trusted" in err and not inbox.messages


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_no_password_in_clear_when_the_server_offers_no_starttls(ca, trusted, monkeypatch,
                                                                 capsys):
    with smtp_server(ca, "plain") as (port, inbox):
        secret = quote(PASSWORD, safe="")
        monkeypatch.setenv("PAPERBRIEF_SMTP_URL", f"smtp://{USER}:{secret}@127.0.0.1:{port}")
        monkeypatch.setenv("PAPERBRIEF_MAIL_FROM", "digest@example.org")
        code, _, err = _run(capsys, "digest", str(SMALL), "--offline", "--email", "a@example.org")
    assert code == 1 and "no STARTTLS" in err and not inbox.messages


@pytest.mark.parametrize(
    ("env", "extra", "needle"),
    [
        ({}, ["--email", "a@example.org"], "PAPERBRIEF_SMTP_URL"),
        ({"PAPERBRIEF_SMTP_URL": "http://x"}, ["--email", "a@example.org"], "smtp://HOST"),
        ({"PAPERBRIEF_SMTP_URL": "smtp://x:99999"}, ["--email", "a@example.org"], "bad port"),
        ({"PAPERBRIEF_SMTP_URL": "smtp://x"}, ["--email", "a@example.org"],
         "PAPERBRIEF_MAIL_FROM"),
        ({"PAPERBRIEF_SMTP_URL": "smtp://x", "PAPERBRIEF_MAIL_FROM": "nobody"},
         ["--email", "a@example.org"], "PAPERBRIEF_MAIL_FROM: not an e-mail address"),
        ({"PAPERBRIEF_SMTP_URL": "smtp://x", "PAPERBRIEF_MAIL_FROM": "d@example.org"},
         ["--email", "a@example.org,not an address"], "--email: not an e-mail address"),
        ({}, ["--resend"], "--resend needs --email"),
    ],
)
def test_bad_mail_settings_are_exit_2_before_any_work(env, extra, needle, monkeypatch,
                                                      tmp_path, capsys):
    for name in ("PAPERBRIEF_SMTP_URL", "PAPERBRIEF_MAIL_FROM", "PAPERBRIEF_SMTP_USER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "d.md"
    code, _, err = _run(capsys, "digest", str(SMALL), "--offline", "--out", str(out), *extra)
    assert code == 2 and err.count("\n") == 1 and needle in err, err
    assert not out.exists()


def test_settings_and_subject():
    s = settings_from_env({"PAPERBRIEF_SMTP_URL": "smtps://u%40x:p%2Fw@mail.example.org",
                           "PAPERBRIEF_MAIL_FROM": "Digest <d@example.org>"})
    assert (s.scheme, s.host, s.port, s.user, s.password) == (
        "smtps", "mail.example.org", 465, "u@x", "p/w")
    assert "p/w" not in repr(s) and s.server == "smtps://mail.example.org:465"
    assert settings_from_env({"PAPERBRIEF_SMTP_URL": "smtp://h", "PAPERBRIEF_SMTP_USER": "me@h.org",
                              "PAPERBRIEF_SMTP_PASSWORD": "x"}).sender == "me@h.org"
    assert subject("2026-W48", 54) == "paperbrief: 2026-W48 — 54 papers"
    assert subject("2026-W48", 1) == "paperbrief: 2026-W48 — 1 paper"
    assert parse_recipients("a@x.org, Bob <b@x.org>,A@X.org,") == ["a@x.org", "Bob <b@x.org>"]
