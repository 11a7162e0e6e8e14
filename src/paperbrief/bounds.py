"""Bounded numbers read from text (options, environment variables): whole counts and finite
numbers in a range, with one-line messages that quote the text (issue 28, item 18).

The CLI's option types wrap these (an `argparse.ArgumentTypeError` with the same message);
the library uses them for settings read from the environment.
"""

from __future__ import annotations

import math

from paperbrief.safe_text import brief

# Upper bounds of numeric settings: beyond them a date, a timeout or an SQLite integer overflows
# deep inside a run (or after a batch was paid for), so they are refused first.
MAX_COUNT = 1_000_000_000  # --top, --max-calls, runs --limit: SQLite's INTEGER holds it
MAX_CONCURRENCY = 1_000
MAX_SECONDS = 86_400.0  # --timeout, --batch-poll: a day
MAX_WAIT = 7 * 86_400.0  # --wait: a week
MAX_COOLDOWN_HOURS = 10 * 8_766.0  # ten years
MIN_RPM, MAX_RPM = 0.001, 1_000_000.0


def whole(text: str, maximum: int) -> int:
    """A whole number from 1 to `maximum`; ValueError (with the reason) otherwise."""
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"expected a whole number, got {brief(text)!r}") from None
    if not 1 <= value <= maximum:
        raise ValueError(f"expected a number from 1 to {maximum:,}, got {brief(text)!r}")
    return value


def finite(text: str, minimum: float, inclusive: bool, maximum: float = math.inf) -> float:
    """A finite number above `minimum` (or equal, when `inclusive`) and at most `maximum`;
    ValueError (with the reason) otherwise."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"expected a number, got {brief(text)!r}") from None
    if not math.isfinite(value) or value < minimum or (value == minimum and not inclusive):
        bound = f">= {minimum:g}" if inclusive else f"> {minimum:g}"
        if maximum < math.inf:
            bound += f" and <= {maximum:g}"
        raise ValueError(f"expected a finite number {bound}, got {brief(text)!r}")
    if value > maximum:
        raise ValueError(f"expected at most {maximum:g}, got {brief(text)!r}")
    return value


def cooldown_hours(text: str) -> float:
    """Hours of the failure cooldown: 0 to ten years."""
    return finite(text, 0.0, inclusive=True, maximum=MAX_COOLDOWN_HOURS)
