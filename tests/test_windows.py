"""Windows: ISO weeks, dates, the last complete week, flag combination and intersection."""

from __future__ import annotations

from datetime import date

import pytest

from paperbrief.errors import UsageError
from paperbrief.models import Period
from paperbrief.windows import (
    days,
    in_window,
    is_empty,
    last_complete_week,
    make_window,
    narrow,
    parse_date,
    parse_week,
)


def test_parse_week_gives_monday_to_sunday():
    p = parse_week("2026-W48")
    assert (p.start, p.end, p.label) == (date(2026, 11, 23), date(2026, 11, 29), "2026-W48")


def test_parse_week_crossing_the_year():
    p = parse_week("2026-W01")
    assert (p.start, p.end) == (date(2025, 12, 29), date(2026, 1, 4))
    assert parse_week("2026-w1").label == "2026-W01"


def test_week_53_exists_only_in_long_years():
    assert parse_week("2020-W53").end == date(2021, 1, 3)
    assert parse_week("2026-W53").start == date(2026, 12, 28)
    with pytest.raises(UsageError, match="2025-W53"):
        parse_week("2025-W53")


@pytest.mark.parametrize("bad", ["2026-48", "W48", "2026-W00", "2026-W60", "", "2026-W4x"])
def test_parse_week_rejects_garbage_in_one_line(bad):
    with pytest.raises(UsageError) as info:
        parse_week(bad)
    assert "\n" not in str(info.value)


def test_parse_date():
    assert parse_date("2026-03-16") == date(2026, 3, 16)
    for bad in ("20260316", "2026-02-30", "16/03/2026", "2026-3-16"):
        with pytest.raises(UsageError, match="YYYY-MM-DD"):
            parse_date(bad)


@pytest.mark.parametrize(
    "today, monday",
    [
        (date(2026, 11, 30), date(2026, 11, 23)),  # a Monday: last week just ended
        (date(2026, 11, 29), date(2026, 11, 16)),  # a Sunday: this week is not over yet
        (date(2026, 12, 2), date(2026, 11, 23)),
        (date(2026, 1, 1), date(2025, 12, 22)),
    ],
)
def test_last_complete_week(today, monday):
    p = last_complete_week(today)
    assert p.start == monday
    assert (p.end - p.start).days == 6
    assert p.end < today
    assert p.label == parse_week(p.label).label


def test_make_window_none_without_flags():
    assert make_window(None, None, None, date(2026, 9, 24)) is None


def test_make_window_week_excludes_since_until():
    with pytest.raises(UsageError, match="--week"):
        make_window("2026-09-01", None, "2026-W48", date(2026, 12, 1))
    assert make_window(None, None, "2026-W48", date(2026, 12, 1)).label == "2026-W48"


def test_make_window_since_runs_to_today():
    w = make_window("2026-09-23", None, None, date(2026, 9, 24))
    assert (w.start, w.end) == (date(2026, 9, 23), date(2026, 9, 24))


def test_make_window_until_only_is_open_at_the_start():
    w = make_window(None, "2026-09-23", None, date(2026, 9, 24))
    assert (w.start, w.end, w.label) == (None, date(2026, 9, 23), "until 2026-09-23")


def test_make_window_labels_a_full_week_as_the_week():
    w = make_window("2026-11-23", "2026-11-29", None, date(2026, 12, 24))
    assert w.label == "2026-W48"


def test_make_window_rejects_reversed_and_future_ranges():
    with pytest.raises(UsageError, match="after"):
        make_window("2026-09-24", "2026-09-01", None, date(2026, 12, 1))
    with pytest.raises(UsageError, match="future"):
        make_window("2027-01-01", None, None, date(2026, 12, 1))
    with pytest.raises(UsageError, match="expected YYYY-MM-DD .*, or today or yesterday"):
        make_window("last week", None, None, date(2026, 12, 1))


def test_make_window_knows_today_and_yesterday():
    today = date(2026, 12, 1)
    w = make_window("today", None, None, today)
    assert (w.start, w.end, w.label) == (today, today, "2026-12-01")
    w = make_window("Yesterday", "yesterday", None, today)
    assert (w.start, w.end) == (date(2026, 11, 30), date(2026, 11, 30))
    w = make_window("2026-11-23", "today", None, today)
    assert (w.start, w.end) == (date(2026, 11, 23), today)


def test_narrow_intersects_and_keeps_labels():
    week = parse_week("2026-W48")
    assert narrow(week, None) is week
    assert narrow(None, week) is week
    inside = Period(start=date(2026, 11, 25), end=date(2026, 11, 25), label="Nov 25")
    assert narrow(week, inside) is inside
    since = make_window("2026-11-27", None, None, date(2026, 12, 5))
    n = narrow(week, since)
    assert (n.start, n.end, n.label) == (
        date(2026, 11, 27),
        date(2026, 11, 29),
        "2026-11-27 to 2026-11-29",
    )
    assert not is_empty(n)


def test_narrow_disjoint_is_empty():
    n = narrow(parse_week("2026-W48"), parse_week("2026-W50"))
    assert is_empty(n)
    assert days(n) == []
    assert not in_window(date(2026, 11, 24), n)
    assert not in_window(date(2026, 12, 8), n)


def test_in_window():
    week = parse_week("2026-W48")
    assert in_window(date(2026, 11, 23), week)
    assert in_window(date(2026, 11, 29), week)
    assert not in_window(date(2026, 11, 30), week)
    assert not in_window(date(2026, 11, 22), week)
    assert in_window(None, week)
    assert in_window(date(1999, 1, 1), None)
    open_start = Period(end=date(2026, 1, 1), label="until")
    assert in_window(date(1999, 1, 1), open_start)
    assert not in_window(date(2026, 1, 2), open_start)


def test_days_of_a_week():
    assert days(parse_week("2024-W43")) == [date(2024, 10, d) for d in range(21, 28)]


def test_relative_periods_name_days_and_weeks():
    from paperbrief.windows import relative_period

    thursday = date(2026, 9, 24)
    assert relative_period("TODAY", thursday).start == thursday
    assert relative_period("yesterday", thursday).label == "2026-09-23"
    assert relative_period("this-week", thursday).label == "2026-W39"
    assert relative_period("last-week", thursday).label == "2026-W38"
    assert relative_period("tomorrow", thursday) is None
