"""Text from input made safe to print and render: no terminal escapes, no bidi tricks, no
`javascript:` links.

Applied once where text enters (the `Paper` model and the engines' answer models, the digest's
list of problems) and on the way to stderr and the log (`CleanFormatter`), never per template.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# Whole escape sequences first, so that no '[31m' debris is left: CSI, OSC (ended by BEL or ST),
# DCS/SOS/PM/APC strings, two-character escapes, and their 8-bit C1 forms.
_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
)
# What is left: C0 controls but tab and newline, DEL, C1 controls, and the bidi controls
# (ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI).
_CONTROL = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_BREAKS = re.compile("[\r\x0b\x0c\x85]")  # line breaks of other systems: a space
# Lone UTF-16 surrogates (JSON's "\\ud800"): no UTF-8 encoding exists for them, so hashing,
# storing or printing such text would fail; each becomes U+FFFD, the replacement character.
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """`text` without control characters (tab and newline kept) and bidi controls."""
    if text.isascii() and text.isprintable():
        return text
    text = _SURROGATE.sub("\ufffd", _SEQUENCE.sub("", text))
    return _CONTROL.sub("", _BREAKS.sub(" ", text))


BRIEF_CHARS = 80


def brief(text: str, limit: int = BRIEF_CHARS) -> str:
    """`text` as an error message quotes it: at most `limit` characters, the cut marked with
    '…' and the full length (a 20,000-character id is not echoed in full)."""
    if len(text) <= limit:
        return text
    suffix = f"… ({len(text):,} characters)"
    return text[: max(1, limit - len(suffix))] + suffix


def clean_tree(value: Any) -> Any:
    """`value` with `clean` applied to every string in it (dicts, lists and tuples walked)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {k: clean_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(clean_tree(v) for v in value)
    return value


def web_url(url: str | None) -> str | None:
    """`url` if it is an http(s) address with a host, else None (`javascript:`, `data:`, …)."""
    if not url:
        return None
    url = clean(url).strip()
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest.strip("/"):
        return None
    return url


LINE_MAX_CHARS = 1_000  # a warning or error line on stderr (the --log file keeps it whole)


def short_lines(text: str, limit: int = LINE_MAX_CHARS) -> str:
    """`text` with each line cut to `limit` characters (a 4 KB server error page quoted in a
    warning is one readable line, not a screenful)."""
    if len(text) <= limit:
        return text
    return "\n".join(brief(line, limit) for line in text.split("\n"))


class CleanFormatter(logging.Formatter):
    """A log formatter whose lines carry no control characters from the input (and, with
    `max_chars`, no line longer than that)."""

    def __init__(self, fmt: str | None = None, *, max_chars: int | None = None) -> None:
        super().__init__(fmt)
        self.max_chars = max_chars

    def format(self, record: logging.LogRecord) -> str:
        text = clean(super().format(record))
        return short_lines(text, self.max_chars) if self.max_chars else text
