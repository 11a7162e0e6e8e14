"""Date windows: ISO weeks, --since/--until, the last complete week, and their intersection.

A window is a `Period` whose `start`/`end` are inclusive dates (either may be open: None).
An empty intersection is a Period whose start lies after its end: nothing is in it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from paperbrief.errors import UsageError
from paperbrief.models import Period

_WEEK_RE = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$", re.ASCII)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def week_period(year: int, week: int) -> Period:
    """The Monday..Sunday period of ISO week `week` of `year` (ValueError if it does not exist)."""
    monday = date.fromisocalendar(year, week, 1)
    return Period(start=monday, end=monday + timedelta(days=6), label=f"{year:04d}-W{week:02d}")


def parse_week(text: str) -> Period:
    """'2026-W48' -> Monday..Sunday of that ISO week, labelled '2026-W48'."""
    m = _WEEK_RE.match(text.strip())
    if m:
        try:
            return week_period(int(m.group(1)), int(m.group(2)))
        except (ValueError, OverflowError):  # 9999-W52 ends in the year 10000
            pass
    raise UsageError(f"invalid week {text!r}: expected an ISO week YYYY-Www such as 2026-W48")


def parse_date(text: str) -> date:
    """'2026-03-16' -> date; anything else is a UsageError."""
    value = text.strip()
    if _DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise UsageError(f"invalid date {text!r}: expected YYYY-MM-DD such as 2026-03-16")


def last_complete_week(today: date) -> Period:
    """The most recent ISO week that ended before `today`."""
    previous_monday = today - timedelta(days=today.weekday() + 7)
    year, week, _ = previous_monday.isocalendar()
    return week_period(year, week)


def label_for(start: date | None, end: date | None) -> str:
    """A human label: an ISO week when the span is exactly one, a day, or a date range."""
    if start and end:
        if start == end:
            return start.isoformat()
        year, week, weekday = start.isocalendar()
        if weekday == 1 and (end - start).days == 6:  # no start + 6 days past date.max
            return f"{year:04d}-W{week:02d}"
        return f"{start.isoformat()} to {end.isoformat()}"
    if start:
        return f"since {start.isoformat()}"
    if end:
        return f"until {end.isoformat()}"
    return "all dates"


def file_label(period: Period) -> str:
    """The name a digest's file gets in a folder, the same whatever the source: an ISO day
    (`2026-03-05`), an ISO week (`2026-W10`) or an ISO range; the label when no date is known."""
    if period.start or period.end:
        return label_for(period.start, period.end)
    return period.label


RELATIVE_DAYS = {"today": 0, "yesterday": 1}


def relative_day(name: str, today: date) -> date | None:
    """The day 'today' or 'yesterday' names (any case), else None."""
    back = RELATIVE_DAYS.get(name.strip().lower())
    return None if back is None else today - timedelta(days=back)


def relative_period(name: str, today: date) -> Period | None:
    """The period 'today', 'yesterday', 'this-week' or 'last-week' names, else None."""
    day = relative_day(name, today)
    if day is not None:
        return Period(start=day, end=day, label=day.isoformat())
    if name.strip().lower() == "this-week":
        year, week, _ = today.isocalendar()
        return week_period(year, week)
    if name.strip().lower() == "last-week":
        return last_complete_week(today)
    return None


def _as_date(value: str | date | None, today: date) -> date | None:
    if value is None or isinstance(value, date):
        return value
    day = relative_day(value, today)
    if day is not None:
        return day
    try:
        return parse_date(value)
    except UsageError as exc:
        raise UsageError(f"{exc}, or today or yesterday") from None


def make_window(
    since: str | date | None,
    until: str | date | None,
    week: str | None,
    today: date,
) -> Period | None:
    """The window the --since/--until/--week flags ask for, or None when no flag is given.

    --week excludes --since/--until. A --since without --until runs up to `today`. Dates are
    YYYY-MM-DD, or 'today'/'yesterday' (UTC), which a crontab line can say without `date`.
    """
    if week and (since or until):
        raise UsageError("--week cannot be combined with --since/--until")
    if week:
        return parse_week(week)
    start, end = _as_date(since, today), _as_date(until, today)
    if start is None and end is None:
        return None
    if start and end is None:
        if start > today:
            raise UsageError(f"--since {start.isoformat()} is in the future")
        end = today
    if start and end and start > end:
        raise UsageError(f"--since {start.isoformat()} is after --until {end.isoformat()}")
    return Period(start=start, end=end, label=label_for(start, end))


def is_empty(window: Period | None) -> bool:
    """True when no date can fall in `window` (start after end)."""
    return bool(window and window.start and window.end and window.start > window.end)


def narrow(period: Period | None, window: Period | None) -> Period | None:
    """The intersection of two windows (None means unbounded); keeps a label when one side wins."""
    if period is None:
        return window
    if window is None:
        return period
    starts = [d for d in (period.start, window.start) if d]
    ends = [d for d in (period.end, window.end) if d]
    start = max(starts) if starts else None
    end = min(ends) if ends else None
    for side in (period, window):
        if side.start == start and side.end == end:
            return side
    if start and end and start > end:
        return Period(start=start, end=end, label=f"{period.label} outside {window.label}")
    return Period(start=start, end=end, label=label_for(start, end))


def in_window(d: date | None, window: Period | None) -> bool:
    """Whether date `d` falls in `window`; an undated item or no window lets everything in."""
    if window is None or d is None:
        return True
    if window.start and d < window.start:
        return False
    return not (window.end and d > window.end)


def days(window: Period) -> list[date]:
    """Every date of a closed window, in order (empty for an empty window)."""
    if window.start is None or window.end is None:
        raise ValueError("days() needs a closed window")
    n = (window.end - window.start).days + 1
    return [window.start + timedelta(days=i) for i in range(max(0, n))]
