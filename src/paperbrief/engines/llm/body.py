"""Why a 200 answer of an OpenAI-compatible server cannot be read, in plain words.

A captive portal, a reverse proxy's error page, a wrong base URL (the web UI instead of `/v1`)
or a server that died mid-answer all say "200 OK" with a body that is no JSON object. The SDK
then fails with a Python error (`'str' object has no attribute 'to_dict'`) that reaches the
reader as is, and the call is not retried. `unreadable_body` names the problem instead, and the
engines treat it as an outage: logged, retried, counted by the circuit breaker (issue 28, 23).
"""

from __future__ import annotations

import json

from paperbrief.safe_text import brief, clean

SHOWN_CHARS = 60


def unreadable_body(content: bytes, content_type: str = "") -> str | None:
    """None when `content` is a JSON object; else why it cannot be an API answer."""
    text = content.decode("utf-8", "replace").strip()
    if not text:
        return "the server answered 200 with an empty body instead of JSON"
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        value = None
    if isinstance(value, dict):
        return None
    kind = content_type.split(";")[0].strip().lower()
    if "html" in kind or text[:1] == "<":
        return (
            "the server answered 200 with an HTML page instead of JSON; is the base URL the "
            "API's, e.g. http://host:port/v1?"
        )
    shown = brief(" ".join(clean(text).split()), SHOWN_CHARS)
    what = f"JSON {type(value).__name__}" if value is not None else f"{kind or 'text'}"
    return f"the server answered 200 with {what} instead of a JSON object: {shown!r}"
