"""Publication dates as sources write them: ISO timestamps, RFC 822, 'May 14, 2024'."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def month_number(name: str) -> int | None:
    """1-12 for 'Mar', 'March', 'Sept.'; None otherwise."""
    return MONTHS.get(name.strip().rstrip(".").lower()[:3])


def iso_date(value: object) -> date | None:
    """The date of an ISO date or timestamp ('2024-10-22T17:59:30.000Z'), else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = _ISO.match(value)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def rfc822_date(value: str | None) -> date | None:
    """The date of an RFC 822 timestamp ('Thu, 24 Sep 2026 00:00:00 -0400'), else None."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value.strip()).date()
    except (TypeError, ValueError, IndexError):
        return iso_date(value)


def any_date(value: object) -> date | None:
    """An ISO or RFC 822 date, whichever the value is."""
    found = iso_date(value)
    if found is None and isinstance(value, str):
        found = rfc822_date(value)
    return found
