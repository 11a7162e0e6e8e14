"""Small text helpers the offline comparison modules share.

LaTeX-free text, brackets that pair up, word runs without a trailing stopword, titles
squeezed to letters and digits, and initials.
"""

from __future__ import annotations

import re

from paperbrief.text import STOPWORDS, squash

_LATEX_PERCENT = re.compile(r"(\d)\s?\\%")


def tidy(text: str) -> str:
    """Text without LaTeX escapes: '70\\%' reads '70 per cent' (grounded as the number 70)."""
    text = _LATEX_PERCENT.sub(r"\1 per cent", text)
    text = text.replace("\\", "")
    return squash(text)


def balanced(text: str) -> str:
    """`text` with its brackets removed if they do not pair up."""
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth == 0:
        return text
    return squash(re.sub(r"\s*[()]\s*", " ", text)).replace(" ,", ",")


def trim(words: list[str]) -> list[str]:
    """`words` without trailing stopwords ('a method for the' -> 'a method')."""
    while len(words) > 1 and words[-1].lower().strip(",;:") in STOPWORDS:
        words = words[:-1]
    return words


def squeeze(text: str) -> str:
    """`text` lower-cased to letters and digits only, for loose matching against a title."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def initials(words: str) -> str:
    """Upper-case initials of `words`, split at spaces and hyphens ('Adaptive Parallel' -> 'AP')."""
    return "".join(part[0] for part in re.split(r"[\s-]+", words.strip()) if part).upper()
