"""The OpenAI-compatible base URL (--base-url, $OPENAI_BASE_URL), checked before any work.

"not a url", `file://…`, `ftp://…`, `http://[::1/v1` or a URL with a line break used to look
like an outage: every call failed, the circuit breaker tripped, the run exited 0 with offline
results (or crashed in the URL parser). A base URL that cannot be an http(s) endpoint is bad
input instead: exit 2 at start, one line (issue 28, item 23).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from paperbrief.errors import UsageError
from paperbrief.safe_text import brief

_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]")
_USERINFO = re.compile(r"(?<=://)[^/@]*@")


def shown(url: str) -> str:
    """`url` as an error message quotes it: credentials masked, control characters visible,
    cut short."""
    return brief(repr(_USERINFO.sub("***@", url))[1:-1])


def check_base_url(url: str, origin: str) -> str:
    """`url` if it can be an OpenAI-compatible endpoint (http or https, with a host); else a
    UsageError (exit 2) naming `origin` ('--base-url' or '$OPENAI_BASE_URL')."""

    def refuse(reason: str) -> UsageError:
        return UsageError(f"{origin} '{shown(url)}': {reason}; expected an http(s) URL such as "
                          "https://api.openai.com/v1 or http://localhost:11434/v1")

    if _CONTROL_OR_SPACE.search(url):
        raise refuse("contains a space, line break or control character")
    try:
        parts = urlsplit(url)
        port = parts.port  # ValueError for a port that is no number or out of range
    except ValueError as exc:  # 'Invalid IPv6 URL', 'Port out of range 0-65535'
        raise refuse(f"not a URL ({exc})") from None
    if port == 0:
        raise refuse("port 0 cannot be connected to")
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise refuse(f"{scheme}:// is not HTTP" if scheme else "not a URL")
    if not parts.hostname:
        raise refuse("no host")
    return url
