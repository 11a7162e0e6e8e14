"""How many output tokens a call may use: room for reasoning models, configurable.

A reasoning model spends output tokens thinking before it answers (real recordings: 1,414 for
Groq DeepSeek-R1, 1,515 for gpt-5-mini on OpenRouter, for trivial prompts); with the 1,200 that
suit a plain model, llama.cpp's R1 returns `content: ""` with `finish_reason: length`. So:
`--max-tokens` / $PAPERBRIEF_MAX_TOKENS when given, else 1,200 for a plain model and 16,000 for a
model whose name marks it as a reasoning model (a hand rule: servers do not say which is which;
the budget is a cap, not a charge). $PAPERBRIEF_REASONING_EFFORT (low|medium|high) is sent as
`reasoning_effort` to servers that take it (dropped for good when a server rejects it).
"""

from __future__ import annotations

import os
import re

from paperbrief.errors import UsageError

MAX_TOKENS_ENV = "PAPERBRIEF_MAX_TOKENS"
REASONING_EFFORT_ENV = "PAPERBRIEF_REASONING_EFFORT"
PLAIN_ROOM = 1200
REASONING_ROOM = 16000
EFFORTS = ("minimal", "low", "medium", "high")

_REASONING_RE = re.compile(
    r"(?:^|[/_.:\-])(?:o[134](?:-mini|-pro)?|gpt-5[\w.\-]*|gpt-oss[\w.\-]*|deepseek-r1[\w.\-]*|"
    r"deepseek-reasoner|qwq[\w.\-]*|qwen3[\w.\-]*|magistral[\w.\-]*|[\w.\-]*thinking[\w.\-]*|"
    r"[\w.\-]*-r1[\w.\-]*|r1-[\w.\-]*|gemini-2\.5[\w.\-]*|grok-[34][\w.\-]*mini[\w.\-]*)"
    r"(?:$|[/_:@])",
    re.IGNORECASE,
)


def is_reasoning_model(model: str) -> bool:
    """Whether `model`'s name marks a model that thinks before it answers."""
    return bool(_REASONING_RE.search(model))


def completion_room(model: str) -> int:
    """The default output budget for `model` (no option or environment given)."""
    return REASONING_ROOM if is_reasoning_model(model) else PLAIN_ROOM


def max_tokens_setting(option: int | None = None) -> int | None:
    """The output budget asked for: the option, else $PAPERBRIEF_MAX_TOKENS, else None."""
    if option is not None:
        return option
    raw = os.environ.get(MAX_TOKENS_ENV, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 16:
        raise UsageError(f"${MAX_TOKENS_ENV}: want a whole number of tokens >= 16, not {raw!r}")
    return value


def reasoning_effort_setting() -> str | None:
    """$PAPERBRIEF_REASONING_EFFORT (checked), else None."""
    raw = os.environ.get(REASONING_EFFORT_ENV, "").strip().lower()
    if not raw:
        return None
    if raw not in EFFORTS:
        raise UsageError(f"${REASONING_EFFORT_ENV}: want one of {', '.join(EFFORTS)}, not {raw!r}")
    return raw
