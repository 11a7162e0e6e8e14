"""Credentials never leave the process in a message, a log line, the store or a feed.

A secret is blanked in each form it was sent in: as written, URL-quoted, and base64 (alone, as
AUTH LOGIN sends it, and inside the AUTH PLAIN token `\\0user\\0password`, as a server may echo
it). URLs lose their user information (`https://user:token@host/` -> `https://***@host/`).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

MASK = "***"
# scheme://userinfo@ -- the userinfo part of any URL in a text (up to the first / ? # or space)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^\s/?#@]*)@")


def strip_userinfo(text: str) -> str:
    """`text` with the user information of every URL in it replaced by ***."""
    return _USERINFO.sub(lambda m: f"{m.group(1)}{MASK}@", text)


def secret_forms(secret: str, user: str | None = None) -> list[str]:
    """The strings under which `secret` may come back: itself, URL-quoted, base64 of itself and
    of the AUTH PLAIN token with `user`; longest first."""
    if not secret:
        return []
    forms = {secret, quote(secret, safe=""), quote(secret)}
    raw = secret.encode("utf-8")
    forms.add(base64.b64encode(raw).decode("ascii"))
    for who in {user or "", ""}:
        token = f"\0{who}\0{secret}".encode()
        forms.add(base64.b64encode(token).decode("ascii"))
        forms.add(base64.b64encode(f"{who}\0{who}\0{secret}".encode()).decode("ascii"))
    return sorted((f for f in forms if len(f) >= 3), key=len, reverse=True)


def redact(text: str, secrets: Iterable[str | None] = (), user: str | None = None) -> str:
    """`text` with every form of each secret, and the userinfo of URLs, replaced by ***."""
    for secret in secrets:
        for form in secret_forms(secret or "", user):
            text = text.replace(form, MASK)
    return strip_userinfo(text)


def redact_argv(argv: Sequence[str]) -> list[str]:
    """A command line fit to store and show: no URL user information in any argument."""
    return [strip_userinfo(arg) for arg in argv]
