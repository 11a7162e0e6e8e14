"""Local stand-ins for Slack, Discord, Telegram and a webhook receiver, on 127.0.0.1 only.

Each enforces the service's documented limits and refuses like it does:
- Slack incoming webhook: 200 `ok`; 400 `no_text` (neither text nor blocks), 400
  `invalid_blocks` (over 50 blocks, a section over 3,000 characters, a header over 150), 403
  `invalid_token` for a wrong URL.
- Discord webhook: 204, or 200 with the message (`?wait=true`); 400 `{"code": 50035, "message":
  "Invalid Form Body"}` over 2,000 characters of content, 10 embeds, 256/4,096 per title and
  description or 6,000 in all; 50006 for an empty message; 429 `{"retry_after": s, "global":
  false}` with Retry-After when told to rate-limit; 401 `{"code": 50027}` for a wrong token.
- Telegram sendMessage: `{"ok": true, "result": {...}}`; `{"ok": false, "error_code": 400,
  "description": "Bad Request: message is too long"}` over 4,096 characters after entities
  parsing, "can't parse entities" for a tag outside its HTML set or a bare `&`, 401
  Unauthorized for a wrong token.
- Webhook: 204; 401 when the X-Paperbrief-Signature-256 header does not match the secret.

Run it by hand for examples/lab.toml: `python tests/chat_standins.py` prints the variables to
export and serves until Ctrl-C.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import signal
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TG_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
           "tg-emoji", "code", "pre", "blockquote"}
_ENTITY = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.bad: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in TG_TAGS and self.bad is None:
            self.bad = tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@dataclass
class StandIns:
    """The four services on one local port; what each accepted, in order."""

    slack_token: str = "T000/B000/slack-secret"
    discord_token: str = "123/discord-secret"
    telegram_token: str = "123:telegram-secret"
    hook_token: str = "hook-secret"
    hook_secret: str | None = None
    accepted: dict[str, list[Any]] = field(
        default_factory=lambda: {"slack": [], "discord": [], "telegram": [], "webhook": []})
    refused: list[tuple[str, int, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (service, raw path)
    discord_429s: int = 0  # the next N Discord requests are rate limited
    retry_after: float = 0.05
    fail: dict[str, int] = field(default_factory=dict)  # service -> next N requests answer 500
    kill: tuple[str, int, int] | None = None  # (service, nth request, pid): SIGKILL, no answer

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.standins = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def urls(self) -> dict[str, str]:
        return {
            "slack": f"{self.base}/services/{self.slack_token}",
            "discord": f"{self.base}/api/webhooks/{self.discord_token}",
            "telegram_api": self.base,
            "telegram_token": self.telegram_token,
            "webhook": f"{self.base}/hook/{self.hook_token}",
        }

    def __enter__(self) -> StandIns:
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- the services -------------------------------------------------------------------------

    def answer(self, path: str, headers: Any, raw: bytes) -> tuple[int, str, bytes] | None:
        service = self._service(path)
        with self._lock:
            self.requests.append((service, path))
            n = self._counts[service] = self._counts.get(service, 0) + 1
            if self.kill and self.kill[0] == service and self.kill[1] == n:
                os.kill(self.kill[2], signal.SIGKILL)
                return None  # killed mid-request: never answered, never accepted
            if self.fail.get(service, 0) > 0:
                self.fail[service] -= 1
                return 500, "text/plain", b"internal error"
        handler = getattr(self, f"_{service}", None)
        if handler is None:
            return 404, "text/plain", b"not found"
        return handler(path, headers, raw)

    @staticmethod
    def _service(path: str) -> str:
        if path.startswith("/services/"):
            return "slack"
        if path.startswith("/api/webhooks/"):
            return "discord"
        if path.startswith("/bot"):
            return "telegram"
        if path.startswith("/hook/"):
            return "webhook"
        return "unknown"

    def _take(self, service: str, body: Any) -> None:
        with self._lock:
            self.accepted[service].append(body)

    def _refuse(self, service: str, status: int, body: Any) -> None:
        with self._lock:
            self.refused.append((service, status, body))

    def _slack(self, path: str, headers: Any, raw: bytes) -> tuple[int, str, bytes]:
        def no(status: int, word: str) -> tuple[int, str, bytes]:
            self._refuse("slack", status, word)
            return status, "text/plain", word.encode()

        if path != f"/services/{self.slack_token}":
            return no(403, "invalid_token")
        try:
            body = json.loads(raw)
        except ValueError:
            return no(400, "invalid_payload")
        if not body.get("text") and not body.get("blocks"):
            return no(400, "no_text")
        blocks = body.get("blocks", [])
        if not isinstance(blocks, list) or len(blocks) > 50:
            return no(400, "invalid_blocks")
        for block in blocks:
            kind, text = block.get("type"), (block.get("text") or {}).get("text", "")
            if kind == "header" and not 0 < units(text) <= 150:
                return no(400, "invalid_blocks")
            if kind == "section" and not 0 < units(text) <= 3000:
                return no(400, "invalid_blocks")
            if kind not in ("header", "section", "context", "divider"):
                return no(400, "invalid_blocks")
        self._take("slack", body)
        return 200, "text/plain", b"ok"

    def _discord(self, path: str, headers: Any, raw: bytes) -> tuple[int, str, bytes]:
        def no(status: int, body: dict) -> tuple[int, str, bytes]:
            self._refuse("discord", status, body)
            return status, "application/json", json.dumps(body).encode()

        route, _, query = path.partition("?")
        if route != f"/api/webhooks/{self.discord_token}":
            return no(401, {"message": "Invalid Webhook Token", "code": 50027})
        with self._lock:
            limited = self.discord_429s > 0
            if limited:
                self.discord_429s -= 1
        if limited:
            body = {"message": "You are being rate limited.", "retry_after": self.retry_after,
                    "global": False}
            self._refuse("discord", 429, body)
            return 429, "application/json", json.dumps(body).encode()
        body = json.loads(raw)
        content, embeds = body.get("content") or "", body.get("embeds") or []
        if not content and not embeds:
            return no(400, {"message": "Cannot send an empty message", "code": 50006})
        total = sum(units(e.get("title", "")) + units(e.get("description", "")) for e in embeds)
        if (units(content) > 2000 or len(embeds) > 10 or total > 6000
                or any(units(e.get("title", "")) > 256 or units(e.get("description", "")) > 4096
                       for e in embeds)):
            return no(400, {"message": "Invalid Form Body", "code": 50035,
                            "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}}})
        self._take("discord", body)
        n = len(self.accepted["discord"])
        if "wait=true" in query:
            return 200, "application/json", json.dumps({"id": str(1000 + n)}).encode()
        return 204, "application/json", b""

    def _telegram(self, path: str, headers: Any, raw: bytes) -> tuple[int, str, bytes]:
        def no(code: int, description: str) -> tuple[int, str, bytes]:
            body = {"ok": False, "error_code": code, "description": description}
            self._refuse("telegram", code, body)
            return code, "application/json", json.dumps(body).encode()

        if path != f"/bot{self.telegram_token}/sendMessage":
            return no(401, "Unauthorized") if path.endswith("/sendMessage") else no(404,
                                                                                  "Not Found")
        body = json.loads(raw)
        text = body.get("text") or ""
        if not body.get("chat_id"):
            return no(400, "Bad Request: chat not found")
        if body.get("parse_mode") == "HTML":
            bad = _ENTITY.search(text)
            if bad:
                return no(400, "Bad Request: can't parse entities: Character '&' is reserved "
                          f"at byte offset {len(text[:bad.start()].encode())}")
            parser = _Visible()
            parser.feed(text)
            parser.close()
            if parser.bad:
                return no(400, "Bad Request: can't parse entities: Unsupported start tag "
                          f'"{parser.bad}"')
            visible = "".join(parser.text)
        else:
            visible = text
        if not visible.strip():
            return no(400, "Bad Request: message text is empty")
        if units(visible) > 4096:
            return no(400, "Bad Request: message is too long")
        self._take("telegram", body)
        n = len(self.accepted["telegram"])
        result = {"message_id": n, "chat": {"id": body["chat_id"]}, "text": visible}
        return 200, "application/json", json.dumps({"ok": True, "result": result}).encode()

    def _webhook(self, path: str, headers: Any, raw: bytes) -> tuple[int, str, bytes]:
        if path != f"/hook/{self.hook_token}":
            self._refuse("webhook", 404, None)
            return 404, "text/plain", b"no such hook"
        if self.hook_secret is not None:
            want = "sha256=" + hmac.new(self.hook_secret.encode(), raw, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(want, headers.get("X-Paperbrief-Signature-256", "")):
                self._refuse("webhook", 401, "bad signature")
                return 401, "text/plain", b"bad signature"
        self._take("webhook", json.loads(raw))
        return 204, "text/plain", b""


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:  # noqa: N802
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        got = self.server.standins.answer(self.path, self.headers, raw)  # type: ignore[attr-defined]
        if got is None:
            self.close_connection = True
            return
        status, kind, body = got
        self.send_response(status)
        if status == 429:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":  # pragma: no cover - by hand, for examples/lab.toml
    import time

    with StandIns(hook_secret="example-signing-secret") as s:
        u = s.urls()
        print(f"export LAB_SLACK_URL={u['slack']}")
        print(f"export BEN_HOOK_URL={u['webhook']}")
        print("export BEN_HOOK_SECRET=example-signing-secret")
        print(f"export CAL_DISCORD_URL={u['discord']}")
        print(f"export LAB_TELEGRAM_TOKEN={u['telegram_token']}")
        print(f"export PAPERBRIEF_TELEGRAM_API={u['telegram_api']}")
        print("# serving until Ctrl-C", flush=True)
        try:
            while True:
                time.sleep(1)
                for kind, got in s.accepted.items():
                    while got:
                        print(f"{kind}: accepted a message", flush=True)
                        got.pop(0)
        except KeyboardInterrupt:
            pass
