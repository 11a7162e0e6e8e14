"""E-mail delivery of a digest over SMTP: one multipart/alternative message per recipient.

The server comes from PAPERBRIEF_SMTP_URL (`smtp://host[:587]` with STARTTLS, `smtps://host[:465]`
with TLS from the start; user and password in the URL or in PAPERBRIEF_SMTP_USER /
PAPERBRIEF_SMTP_PASSWORD), the sender from PAPERBRIEF_MAIL_FROM. Certificates are verified against
the system's trust store (SSL_CERT_FILE points elsewhere). The password is never part of a message
this module raises or logs: servers are named by `scheme://host:port` only.
"""

from __future__ import annotations

import base64
import logging
import os
import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

from paperbrief.deadline import DeadlineExceeded
from paperbrief.deadline_net import SMTP, SMTP_SSL
from paperbrief.errors import PaperbriefError, UsageError
from paperbrief.redact import redact

log = logging.getLogger("paperbrief")

SMTP_URL = "PAPERBRIEF_SMTP_URL"
SMTP_USER = "PAPERBRIEF_SMTP_USER"
SMTP_PASSWORD = "PAPERBRIEF_SMTP_PASSWORD"
MAIL_FROM = "PAPERBRIEF_MAIL_FROM"
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
TIMEOUT_S = 60.0


class DeliveryError(PaperbriefError):
    """The SMTP server could not be reached or refused the message (exit 1)."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and as whom to send; `repr` and `server` never show the password."""

    scheme: str
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def server(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    @property
    def envelope_sender(self) -> str:
        return getaddresses([self.sender])[0][1]


def _address(text: str, what: str) -> str:
    """`text` as one plain e-mail address, or a UsageError naming `what`.

    A non-ASCII domain (`me@bücher.example`) is IDNA-encoded (`me@xn--bcher-kva.example`) by the
    `idna` library, as SMTP servers without SMTPUTF8 need it; a domain IDNA refuses is bad input.
    """
    pairs = getaddresses([text])
    if len(pairs) != 1:
        raise UsageError(f"{what}: expected one e-mail address, got {text!r}")
    name, addr = pairs[0]
    try:
        parsed = Address(addr_spec=addr)
    except (ValueError, IndexError, TypeError) as exc:
        raise UsageError(f"{what}: not an e-mail address: {text!r}") from exc
    if not parsed.username or "." not in parsed.domain and parsed.domain != "localhost":
        raise UsageError(f"{what}: not an e-mail address: {text!r}")
    if not parsed.domain.isascii():
        import idna

        try:
            domain = idna.encode(parsed.domain, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise UsageError(f"{what}: not a valid domain in {text!r} ({exc})") from None
        addr = f"{parsed.username}@{domain}"
    return str(Address(display_name=name, addr_spec=addr)) if name else addr


def parse_recipients(text: str) -> list[str]:
    """The comma-separated addresses of --email, without duplicates, in order (a comma inside a
    quoted name, as in `"Doe, John" <john@example.org>`, does not split)."""
    found: list[str] = []
    for name, addr in getaddresses([text]):
        if not (name or addr):
            continue
        try:
            text_one = str(Address(display_name=name, addr_spec=addr)) if name else addr
        except (ValueError, IndexError, TypeError) as exc:
            raise UsageError(f"--email: not an e-mail address: {addr!r}") from exc
        addr = _address(text_one, "--email")
        if bare_address(addr) not in map(bare_address, found):
            found.append(addr)
    if not found:
        raise UsageError("--email: no address given")
    return found


def settings_from_env(env: Mapping[str, str] | None = None) -> SmtpSettings:
    """SMTP settings from the environment, or a UsageError naming the variable at fault."""
    env = os.environ if env is None else env
    raw = env.get(SMTP_URL, "").strip()
    if not raw:
        raise UsageError(f"--email needs {SMTP_URL} (e.g. smtp://mail.example.org:587)")
    try:
        url = urlsplit(raw)
        port = url.port
    except ValueError:
        raise UsageError(f"{SMTP_URL}: not a valid URL (bad port?)") from None
    if port == 0:  # was silently replaced by the default port
        raise UsageError(f"{SMTP_URL}: port 0 is not a port; give 1-65535 or none for the default")
    scheme = url.scheme.lower()
    if scheme not in DEFAULT_PORTS or not url.hostname:
        raise UsageError(f"{SMTP_URL}: expected smtp://HOST[:PORT] or smtps://HOST[:PORT]")
    user = env.get(SMTP_USER) or (unquote(url.username) if url.username else None)
    password = env.get(SMTP_PASSWORD) or (unquote(url.password) if url.password else None)
    if password and not user:
        raise UsageError(f"{SMTP_PASSWORD} is set but no user ({SMTP_USER} or the URL)")
    sender_text = env.get(MAIL_FROM, "").strip()
    if not sender_text:
        if user and "@" in user:
            sender_text = user
        else:
            raise UsageError(f"--email needs {MAIL_FROM} (the From address)")
    sender = _address(sender_text, MAIL_FROM)
    return SmtpSettings(
        scheme=scheme,
        host=url.hostname,
        port=DEFAULT_PORTS[scheme] if port is None else port,
        sender=sender,
        user=user,
        password=password,
    )


def subject(label: str, papers: int) -> str:
    """'paperbrief: 2026-W48 — 54 papers'."""
    return f"paperbrief: {label} — {papers} paper{'s' if papers != 1 else ''}"


def build_message(
    settings: SmtpSettings,
    recipient: str,
    subject_line: str,
    text: str,
    html: str,
    now: datetime | None = None,
) -> EmailMessage:
    """One multipart/alternative message: plain text as text/plain, the page as text/html."""
    msg = EmailMessage()  # email.policy.default: RFC 2047 words for non-ASCII headers
    msg["Subject"] = subject_line
    msg["From"] = settings.sender
    msg["To"] = recipient
    msg["Date"] = format_datetime((now or datetime.now()).astimezone())
    domain = Address(addr_spec=settings.envelope_sender).domain
    msg["Message-ID"] = make_msgid("paperbrief", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg


def _reason(exc: BaseException, settings: SmtpSettings) -> str:
    """One line saying why, with the password (should a server echo it) blanked out."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        text = f"login refused ({exc.smtp_code} {_decode(exc.smtp_error)})"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        text = "recipient refused: " + ", ".join(
            f"{rcpt} ({code} {_decode(msg)})" for rcpt, (code, msg) in exc.recipients.items()
        )
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"{exc.smtp_code} {_decode(exc.smtp_error)}"
    elif isinstance(exc, ssl.SSLCertVerificationError):
        text = f"certificate not trusted ({exc.verify_message})"
    elif isinstance(exc, DeadlineExceeded):
        text = exc.args[0] if exc.args else "deadline passed"
    elif isinstance(exc, socket.timeout | TimeoutError):
        text = f"no answer within {TIMEOUT_S:.0f} s"
    elif isinstance(exc, OSError):
        text = exc.strerror or str(exc) or type(exc).__name__
    else:
        text = str(exc) or type(exc).__name__
    # the password in every form it was sent in (a server may echo the AUTH PLAIN base64 token)
    return " ".join(redact(text, [settings.password], settings.user).split())


def _decode(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.scheme == "smtps":
        return SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_S, context=context)
    client = SMTP(settings.host, settings.port, timeout=TIMEOUT_S)  # the session: a deadline
    try:
        client.ehlo()
        if client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        elif settings.user:
            raise DeliveryError(
                f"email via {settings.server} failed: the server offers no STARTTLS; "
                "not sending the password in clear (use smtps:// or a server with STARTTLS)"
            )
    except BaseException:
        client.close()
        raise
    return client


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib's login, which only takes ASCII; else AUTH PLAIN in UTF-8 (RFC 4616) by hand."""
    if (user + password).isascii():
        client.login(user, password)
        return
    client.ehlo_or_helo_if_needed()
    if "plain" not in client.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPException("the server offers no AUTH PLAIN for a non-ASCII password")
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, reply = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def send(
    settings: SmtpSettings,
    messages: Sequence[tuple[str, EmailMessage]],
    on_sent: Callable[[str, EmailMessage], None],
) -> None:
    """Send each (recipient, message) over one connection; `on_sent` after each acceptance.

    A recipient the server refuses (5xx to RCPT TO or to the message) costs only that message:
    the others are still sent. Raises DeliveryError (one line, no password) on a connection or
    login failure, or at the end naming the refused recipients; messages already accepted stay
    accepted (and recorded by `on_sent`).
    """
    if not messages:
        return
    refused: list[str] = []
    try:
        client = _connect(settings)
        try:
            if settings.user:
                _login(client, settings.user, settings.password or "")
            for recipient, msg in messages:
                address = getaddresses([recipient])[0][1]
                try:
                    client.send_message(msg, from_addr=settings.envelope_sender,
                                        to_addrs=[address])
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                    reason = _reason(exc, settings)
                    log.warning("%s was not mailed to %s: %s", msg["Subject"], address, reason)
                    refused.append(f"{address} ({reason})")
                    continue
                log.info("mailed %s to %s via %s", msg["Subject"], address, settings.server)
                on_sent(recipient, msg)
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()
    except DeliveryError:
        raise
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        raise DeliveryError(
            f"email via {settings.server} failed: {_reason(exc, settings)}"
        ) from None
    if refused:
        mailed = len(messages) - len(refused)
        raise DeliveryError(
            f"email via {settings.server}: {len(refused)} address(es) refused, {mailed} mailed: "
            + "; ".join(refused)
        )


def bare_address(recipient: str) -> str:
    """'Ada <ada@example.org>' -> 'ada@example.org' (lower-cased: the key in the store)."""
    return getaddresses([recipient])[0][1].lower()


def deliver_digest(
    store: Any,
    run_id: int,
    settings: SmtpSettings,
    recipients: Sequence[str],
    *,
    period: str,
    papers: int,
    text: str,
    html: str,
    resend: bool = False,
    digest: str | None = None,
) -> list[str]:
    """Mail the digest of `period` to each recipient that has not had it yet (all with `resend`).

    `digest` is the digest's identity within the period (paperbrief.digest.identity): another
    listing or profile for the same period is another digest and is mailed. A recipient skipped
    because it already had this digest is said on stderr (a warning). Each accepted message is
    recorded in the store at once (channel 'email', period and identity, address, Message-ID),
    so a failure halfway leaves the rest for the next run. Returns the addresses mailed; raises
    DeliveryError on an SMTP failure.
    """
    from paperbrief.digest.identity import delivery_period

    key = delivery_period(period, digest)
    line = subject(period, papers)
    pending: list[tuple[str, EmailMessage]] = []
    for recipient in recipients:
        address = bare_address(recipient)
        if not resend and (store.delivered("email", key, address)
                           or store.delivered("email", period, address)):  # before identities
            log.warning("not mailed to %s: the digest of %s already went there "
                        "(--resend sends it again)", address, period)
            continue
        pending.append((recipient, build_message(settings, recipient, line, text, html)))

    def record(recipient: str, msg: EmailMessage) -> None:
        store.record_delivery("email", key, bare_address(recipient), msg["Message-ID"], run_id)

    send(settings, pending, record)
    return [bare_address(r) for r, _ in pending]
