"""Key numbers as a reader sees them: numbers that share a clause shown once, every number in
it bolded ("CodeScope covers **43** programming languages and **8** coding tasks"), instead of
the same clause repeated, or one inside another, for each number. A measurement in a shown clause
that is not itself a key number (a percentage, a factor, a decimal) is bolded too: "**75.2%**
vs. **57.3%**", never "**75.2%** vs. 57.3%"."""

from __future__ import annotations

from paperbrief.models import KeyNumber
from paperbrief.numbers import mentions

Segment = tuple[str, bool]  # (text, shown bold: a key number or a measurement)


def _spans(context: str, values: list[str]) -> list[tuple[int, int]] | None:
    """Where each value stands in `context`, left to right without overlap; None if one is not
    there."""
    taken: list[tuple[int, int]] = []
    for value in values:
        at = 0
        while True:
            start = context.find(value, at)
            if start < 0:
                return None
            end = start + len(value)
            glued = (start > 0 and context[start - 1].isalnum()) or (
                end < len(context) and context[end].isdigit()
            )
            if not glued and all(end <= a or start >= b for a, b in taken):
                taken.append((start, end))
                break
            at = start + 1
    return sorted(taken)


def _with_measurements(context: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`spans` and every other measurement the clause states (a unit, or a decimal point)."""
    more = [
        (start, end)
        for start, end, n in mentions(context)
        if (n.unit or "." in n.text) and all(end <= a or start >= b for a, b in spans)
    ]
    return sorted(spans + more)


def number_lines(numbers: list[KeyNumber], limit: int = 3) -> list[list[Segment]]:
    """Up to `limit` lines, one per distinct clause, each as text segments with the key numbers
    marked; a clause that holds another's (or equals it) absorbs it and bolds both numbers."""
    groups: list[tuple[str, list[str]]] = []
    for number in numbers:
        value, context = " ".join(number.value.split()), " ".join(number.context.split())
        for i, (other, values) in enumerate(groups):
            wider = other if context in other else context if other in context else None
            if wider is not None and value in values and wider == other:
                break  # the same number in the same clause, given twice
            if wider is not None and _spans(wider, [*values, value]) is not None:
                groups[i] = (wider, [*values, value])
                break
        else:
            groups.append((context, [value]))
    lines: list[list[Segment]] = []
    for context, values in groups[:limit]:
        spans = _spans(context, values)
        if spans is None:  # the value is not in its context: value first, context after
            lines.append([(values[0], True), (f" {context}".rstrip(), False)])
            continue
        segments: list[Segment] = []
        at = 0
        for start, end in _with_measurements(context, spans):
            if start > at:
                segments.append((context[at:start], False))
            segments.append((context[start:end], True))
            at = end
        if at < len(context):
            segments.append((context[at:], False))
        lines.append(segments)
    return lines
