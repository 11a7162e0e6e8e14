"""Post one chat message: retries, the services' 429 waits, and errors that leak no credential.

Standard library HTTP (urllib, as paperbrief.http). A 429 waits what the service asks for
(Discord's and Telegram's `retry_after` in the body, else the Retry-After header); 5xx and
connection errors are retried with a short backoff; any other refusal is a ChatError quoting the
service's own words (Slack's `invalid_blocks`, Discord's `message`, Telegram's `description`).
Every message passes through `Redactor.redact`: webhook URLs and tokens never reach a message.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from paperbrief import __version__
from paperbrief.deliver.chat.compose import SCHEMA
from paperbrief.errors import PaperbriefError

TIMEOUT_S = 20.0
ATTEMPTS = 4
MAX_WAIT_S = 60.0
TELEGRAM_API = "https://api.telegram.org"
TELEGRAM_API_ENV = "PAPERBRIEF_TELEGRAM_API"  # another Bot API server (e.g. a local one)
SIGNATURE_HEADER = "X-Paperbrief-Signature-256"


class ChatError(PaperbriefError):
    """A chat destination refused or could not be reached (its message is redacted)."""


class Redactor:
    """Replaces every known credential (and its URL-quoted form) in a text by `***`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets: set[str] = set()
        for s in secrets:
            self.add(s)

    def add(self, secret: str) -> None:
        from urllib.parse import quote

        for form in (secret, quote(secret, safe=""), quote(secret, safe="/:")):
            if len(form) >= 4:
                self.secrets.add(form)

    def redact(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


@dataclass
class Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    def text(self, limit: int = 200) -> str:
        return " ".join(self.body.decode("utf-8", "replace").split())[:limit]


def _retry_after(reply: Reply, headers: Any) -> float | None:
    data = reply.json()
    if isinstance(data, dict):
        wait = data.get("retry_after")
        if wait is None and isinstance(data.get("parameters"), dict):
            wait = data["parameters"].get("retry_after")  # Telegram
        if isinstance(wait, int | float) and not isinstance(wait, bool):
            return float(wait)
    raw = headers.get("Retry-After") if headers is not None else None
    try:
        return float(raw) if raw else None
    except ValueError:
        return None


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    redactor: Redactor,
    what: str,
    sleep: Callable[[float], None] = time.sleep,
    attempts: int = ATTEMPTS,
) -> Reply:
    """POST `body`; the final reply (2xx or a refusal not worth retrying) or a ChatError."""
    request_headers = {"Content-Type": "application/json; charset=utf-8",
                       "User-Agent": f"paperbrief/{__version__}", **headers}
    last = ""
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(url, data=body, headers=request_headers, method="POST")
        wait = min(2.0 ** (attempt - 1), 8.0)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
                return Reply(response.status, response.read())
        except urllib.error.HTTPError as exc:
            reply = Reply(exc.code, exc.read() if exc.fp else b"")
            if exc.code == 429:
                asked = _retry_after(reply, exc.headers)
                wait = asked if asked is not None else wait
                last = f"rate limited (HTTP 429, retry after {wait:g} s)"
                if wait > MAX_WAIT_S:
                    break
            elif exc.code >= 500:
                last = f"HTTP {exc.code}: {reply.text()}"
            else:
                return reply
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            last = f"cannot reach the service: {reason}"
        if attempt < attempts:
            sleep(wait)
    raise ChatError(redactor.redact(f"{what}: {last} (gave up after {attempt} attempt(s))"))


def _refusal(kind: str, reply: Reply) -> str:
    data = reply.json()
    if kind == "telegram" and isinstance(data, dict):
        return str(data.get("description") or reply.text())
    if kind == "discord" and isinstance(data, dict):
        return f"{data.get('message', reply.text())} (code {data.get('code', '?')})"
    return reply.text() or "(no body)"


def signature(secret: str, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of the exact request body with the shared secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_part(
    kind: str,
    message: Any,
    credentials: dict[str, str],
    settings: dict[str, str],
    *,
    redactor: Redactor,
    what: str,
    delivery_id: str,
    sleep: Callable[[float], None] = time.sleep,
) -> str | None:
    """Send one message to a destination; the service's message id when it gives one."""
    headers: dict[str, str] = {}
    if kind == "telegram":
        api = (settings.get("api_url") or os.environ.get(TELEGRAM_API_ENV) or TELEGRAM_API)
        api = api.rstrip("/")
        url = f"{api}/bot{credentials['token']}/sendMessage"
        payload: Any = {"chat_id": settings["chat_id"], "text": message, "parse_mode": "HTML",
                        "link_preview_options": {"is_disabled": True}}
    elif kind == "discord":
        url = credentials["url"]
        url += ("&" if "?" in url else "?") + "wait=true"  # answer with the message (its id)
        payload = message
    else:
        url, payload = credentials["url"], message
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if kind == "webhook":
        headers = {"X-Paperbrief-Schema": SCHEMA, "X-Paperbrief-Delivery": delivery_id}
        if "secret" in credentials:
            headers[SIGNATURE_HEADER] = signature(credentials["secret"], body)
    reply = post(url, body, headers, redactor=redactor, what=what, sleep=sleep)
    data = reply.json()
    if kind == "telegram":
        if reply.status == 200 and isinstance(data, dict) and data.get("ok"):
            return str((data.get("result") or {}).get("message_id", "")) or None
    elif kind == "slack":
        if reply.status == 200:
            return None
    elif 200 <= reply.status < 300:
        return str(data.get("id")) if isinstance(data, dict) and data.get("id") else None
    raise ChatError(redactor.redact(
        f"{what}: refused (HTTP {reply.status}): {_refusal(kind, reply)}"))
