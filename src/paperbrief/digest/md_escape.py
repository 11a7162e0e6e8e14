"""Escape text from input for CommonMark (+ GFM tables and strikethrough) by context: a
backslash only where the character would otherwise start markup in that position.

`Hogwild! Inference`, `(71.9% on AIME24)`, `L_2`, `~500-billion` and `xGen-MM (BLIP-3)` need
no escape in running text: `!` starts an image only before `[`, parentheses matter only in a
link's destination, `_` between two letters never emphasises, a single `~` strikes nothing.

Hand-written rules (no maintained library escapes Markdown by context: markdown-it-py only
parses, mdformat escapes while rendering its own syntax tree); tests/test_md_escape.py checks
them against markdown-it-py, rendering thousands of real titles and takeaways back to their text.
"""

from __future__ import annotations

import re
import string

_PUNCT = frozenset(string.punctuation)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
# what would start a block at the beginning of a line (a heading, a quote, a list item, a
# thematic break or a setext underline); `*`, `_`, `` ` ``, `<` and `~` are escaped anyway
_BLOCK_START = re.compile(r"^(?:(#{1,6})(?=\s|$)|(>)|([-+*])(?=\s|$)|[0-9]{1,9}([.)])(?=\s|$)"
                          r"|(=)+$|(-)-+$)")


def _flanked(prev: str, nxt: str) -> bool:
    """Whether `*` or `_` between `prev` and `nxt` can never open or close emphasis."""
    return prev.isspace() and nxt.isspace()


def escape(text: object, *, start: bool = True, cell: bool = False, link: bool = False) -> str:
    """`text` on one line (whitespace collapsed) as Markdown that renders as exactly that text.

    start: the text may begin a line (block markers are escaped there); cell: it sits in a GFM
    table cell (`|` is escaped); link: it is a link's text (every bracket is escaped).
    """
    value = " ".join(str(text if text is not None else "").split())
    if not value:
        return value
    tildes = value.count("~") >= 2  # a pair could strike through (GFM); one never does
    last_close = value.rfind("]")
    out: list[str] = []
    n = len(value)
    for i, c in enumerate(value):
        prev = value[i - 1] if i else " "
        nxt = value[i + 1] if i + 1 < n else " "
        if c == "\\":
            bad = nxt in _PUNCT or i == n - 1  # an escape, or a hard break at the line's end
        elif c == "`":
            bad = True
        elif c == "*":
            bad = not _flanked(prev, nxt)
        elif c == "_":
            bad = not (_flanked(prev, nxt) or (prev.isalnum() and nxt.isalnum()))
        elif c == "[":
            bad = link or i < last_close
        elif c == "]":
            bad = link
        elif c == "<":
            bad = nxt.isalpha() or nxt in "/!?"  # a tag, a comment or an autolink
        elif c == "&":
            bad = _ENTITY.match(value, i) is not None
        elif c == "~":
            bad = tildes
        elif c == "|":
            bad = cell
        else:
            bad = False
        out.append("\\" + c if bad else c)
    result = "".join(out)
    if start:
        result = _escape_block_start(result)
    return result


def _escape_block_start(text: str) -> str:
    m = _BLOCK_START.match(text)
    if not m:
        return text
    for group in range(1, 7):
        if m.group(group):
            at = m.start(group)
            return f"{text[:at]}\\{text[at:]}"
    return text
