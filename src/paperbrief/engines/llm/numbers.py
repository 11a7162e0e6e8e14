"""Local repair of a bare number whose meaning the paper makes certain (issue 24, item 12).

An answer that writes "7" where the abstract says "7 billion parameters" fails number grounding
(7 is not 7e9) and used to cost a re-ask (92 of 1,089 attempts at 1,000 papers). When the paper
states exactly one quantity written with those digits ("7 billion", "7B", "7%"), the bare number
can only mean that one: it is rewritten as the paper writes it, and the repair is logged, instead
of paying for a re-ask. Two candidates ("7B" and "7%"), or none, leave it to the re-ask. A hand
rule on top of paperbrief.numbers: no library knows which mention a bare number stands for.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from paperbrief.numbers import find_numbers, source_values

log = logging.getLogger("paperbrief.llm")
_MANTISSA_RE = re.compile(r"\d[\d,]*(?:\.\d+)?|\.\d+")


def _meaning(digits: str, source: str) -> str | None:
    """How `source` writes the one quantity with these digits and a scale or unit, else None."""
    written: dict[tuple[float, str], str] = {}
    for m in find_numbers(source):
        head = _MANTISSA_RE.match(m.text)
        if head and head.group(0) == digits and m.text != digits:
            written.setdefault(m.key, m.text)
    return next(iter(written.values())) if len(written) == 1 else None


def _repair_text(text: str, source: str, notes: list[str], field: str) -> str:
    known = source_values(source)
    bare = {value for value, _ in known}
    out, last = [], 0
    for n in find_numbers(text):
        grounded = n.key in known or (n.unit == "" and n.key[0] in bare)
        if grounded or not _MANTISSA_RE.fullmatch(n.text):
            continue  # grounded, or already carries a unit or scale: not a bare number
        meant = _meaning(n.text, source)
        if meant is None:
            continue
        out += [text[last:n.start], meant]
        last = n.end
        notes.append(f"{field}: bare {n.text!r} read as the paper's only {meant!r}")
    return "".join(out) + text[last:] if out else text


def ground_bare_numbers(data: Any, source: str, notes: list[str], field: str = "") -> Any:
    """`data` (a decoded answer) with each ungrounded bare number that the paper writes in
    exactly one way rewritten that way; one note per repair."""
    if isinstance(data, str):
        return _repair_text(data, source, notes, field or "(root)")
    if isinstance(data, list):
        return [ground_bare_numbers(v, source, notes, f"{field}.{i}") for i, v in enumerate(data)]
    if isinstance(data, dict):
        return {
            k: ground_bare_numbers(v, source, notes, f"{field}.{k}" if field else k)
            for k, v in data.items()
        }
    return data


def log_repairs(notes: list[str]) -> None:
    for note in notes:
        log.info("repaired locally, no re-ask: %s", note)
