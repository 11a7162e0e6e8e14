"""Command-line and environment text that is not valid UTF-8, refused at start.

Bytes that are not UTF-8 reach Python as lone surrogates (`\\udcff`, PEP 383). In a file name
they are right (Linux names are bytes, and `--out $'\\xff.md'` works), but a model name, a base
URL, an address or a date holding one crashed deep in a run ("surrogates not allowed" from
SQLite, httpx or the mail encoder: exit 1, internal error). These are refused before any work:
exit 2, naming the option or variable (issue 28, part C).
"""

from __future__ import annotations

import os
import re
from typing import Any

from paperbrief.errors import UsageError

_SURROGATE = re.compile("[\ud800-\udfff]")
# options whose values are text, not file names (sources, --out, --feed, --db, --log, --template
# and --interests may be any bytes the file system takes)
TEXT_OPTIONS = ("model", "base_url", "email", "feed_url", "embedding_model", "since", "until",
                "week", "a", "b", "refs")
TEXT_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "PAPERBRIEF_MODEL",
                  "PAPERBRIEF_EMBEDDING_MODEL", "PAPERBRIEF_SMTP_URL", "PAPERBRIEF_MAIL_FROM",
                  "PAPERBRIEF_FAILURE_COOLDOWN")


def check_text(args: Any) -> None:
    """UsageError naming the first text option or variable that is not valid UTF-8."""
    for name in TEXT_OPTIONS:
        value = getattr(args, name, None)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and _SURROGATE.search(item):
                option = name if name in ("a", "b", "refs") else "--" + name.replace("_", "-")
                shown = option.upper() if len(option) == 1 else option
                raise UsageError(f"{shown}: not valid UTF-8 text ({ascii(item)[:60]})")
    for name in TEXT_VARIABLES:
        value = os.environ.get(name)
        if value and _SURROGATE.search(value):
            # the value may be a secret: only say where the bad byte is
            at = _SURROGATE.search(value).start()  # type: ignore[union-attr]
            raise UsageError(f"${name}: not valid UTF-8 text (a byte that is not UTF-8 at "
                             f"character {at + 1})")
