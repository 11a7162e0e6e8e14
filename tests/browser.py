"""Headless Chromium driven over the Chrome DevTools Protocol (CDP), for the browser tests.

Chromium (Debian's `chromium` package) is started with a fresh profile and a DevTools port chosen
by itself (read back from `DevToolsActivePort`); the test talks to it over one websocket
(websocket-client) with flattened target sessions. No driver binary and no browser download.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import websocket

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# The flags this closed network needs: without the background-networking ones Chromium keeps
# trying Google's hosts.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-port=0",
)


def find_chromium() -> str | None:
    """$PAPERBRIEF_CHROMIUM, else the first Chromium/Chrome on PATH."""
    explicit = os.environ.get("PAPERBRIEF_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


class CDPError(RuntimeError):
    pass


class Browser:
    """One Chromium process and one CDP websocket to it."""

    def __init__(self, executable: str, profile: Path, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._pending: list[dict[str, Any]] = []
        self._log = (profile.parent / "chromium.log").open("wb")
        self.proc = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (port_file.exists() and len(port_file.read_text().split()) >= 2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise CDPError(f"Chromium did not start (see {self._log.name})")
            time.sleep(0.05)
        port, path = port_file.read_text().split()[:2]
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}{path}", timeout=timeout, suppress_origin=True
        )

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one command and return its result (events that arrive meanwhile are kept)."""
        msg_id = next(self._ids)
        message: dict[str, Any] = {"id": msg_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self._pending.append(reply)

    def events(self, session: str | None = None) -> list[dict]:
        """Events received so far (for `session`), oldest first; they are removed from the queue."""
        mine = [e for e in self._pending if session is None or e.get("sessionId") == session]
        self._pending = [e for e in self._pending if e not in mine]
        return mine

    def wait_event(self, method: str, session: str, timeout: float | None = None) -> dict:
        """Wait for the next `method` event of `session` (events before it stay queued)."""
        for i, event in enumerate(self._pending):
            if event.get("method") == method and event.get("sessionId") == session:
                return self._pending.pop(i)
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            event = json.loads(self.ws.recv())
            if event.get("method") == method and event.get("sessionId") == session:
                return event
            if "method" in event:
                self._pending.append(event)
        raise CDPError(f"no {method} within {timeout or self.timeout} s")

    @contextmanager
    def page(self, width: int, height: int, *, mobile: bool, dark: bool = False) -> Iterator[Page]:
        """A new tab with the given viewport and colour scheme, closed afterwards."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        try:
            page = Page(self, session)
            page.setup(width, height, mobile=mobile, dark=dark)
            yield page
        finally:
            self.send("Target.closeTarget", {"targetId": target})

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


class Page:
    """One tab: navigate, evaluate JavaScript, read the requests it made, take screenshots."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session
        self.requests: list[str] = []

    def cmd(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, self.session)

    def setup(self, width: int, height: int, *, mobile: bool, dark: bool) -> None:
        self.cmd("Page.enable")
        self.cmd("Network.enable")
        self.cmd("Runtime.enable")
        self.cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )
        scheme = "dark" if dark else "light"
        self.cmd(
            "Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
        )

    def goto(self, url: str) -> None:
        """Load `url` and wait for its load event; record every request the page made."""
        self.browser.events(self.session)  # drop what came before
        self.cmd("Page.navigate", {"url": url})
        self.browser.wait_event("Page.loadEventFired", self.session)
        self.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
        for event in self.browser.events(self.session):
            if event["method"] == "Network.requestWillBeSent":
                self.requests.append(event["params"]["request"]["url"])

    def evaluate(self, expression: str) -> Any:
        result = self.cmd(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise CDPError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        data = self.cmd("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))
        return path
