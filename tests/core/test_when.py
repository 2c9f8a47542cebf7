"""Times and days as people type them, read in the desk's timezone; how times read back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from frontdesk.formatting import day_time, short_when, time_left
from frontdesk.when import WhenError, bare_clock_time, parse_day, parse_when

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday 10:00 in New York


@pytest.mark.parametrize(
    "text,expected",
    [
        ("now", NOW),
        ("14:30", datetime(2026, 11, 23, 19, 30, tzinfo=UTC)),
        ("9:05", datetime(2026, 11, 23, 14, 5, tzinfo=UTC)),
        ("yesterday 14:00", datetime(2026, 11, 22, 19, 0, tzinfo=UTC)),
        ("Tomorrow 09:00", datetime(2026, 11, 24, 14, 0, tzinfo=UTC)),
        ("2026-11-20 09:15", datetime(2026, 11, 20, 14, 15, tzinfo=UTC)),
        ("2026-11-20T09:15", datetime(2026, 11, 20, 14, 15, tzinfo=UTC)),
        ("2026-07-01 09:15", datetime(2026, 7, 1, 13, 15, tzinfo=UTC)),  # summer time
        ("2026-11-20T14:15Z", datetime(2026, 11, 20, 14, 15, tzinfo=UTC)),
        ("2026-11-20 14:15Z", datetime(2026, 11, 20, 14, 15, tzinfo=UTC)),
        ("2026-11-20 15:15+01:00", datetime(2026, 11, 20, 14, 15, tzinfo=UTC)),
        ("2026-11-20T09:15:00-0500", datetime(2026, 11, 20, 14, 15, tzinfo=UTC)),
    ],
)
def test_parse_when(text, expected):
    assert parse_when(text, NOW, NY) == expected


EARLY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 04:00 in New York


@pytest.mark.parametrize(
    "now,text,expected",
    [
        # A bare clock time is the latest one that has passed: at 04:00, 14:30 was yesterday.
        (EARLY, "14:30", datetime(2026, 11, 22, 19, 30, tzinfo=UTC)),
        (EARLY, "03:59", datetime(2026, 11, 23, 8, 59, tzinfo=UTC)),
        (EARLY, "04:00", EARLY),  # this very minute has passed
        (EARLY, "04:01", datetime(2026, 11, 22, 9, 1, tzinfo=UTC)),
        (NOW, "9:05", datetime(2026, 11, 23, 14, 5, tzinfo=UTC)),
        # A day said in words, or a date, is taken as said (the service refuses the future).
        (EARLY, "today 14:30", datetime(2026, 11, 23, 19, 30, tzinfo=UTC)),
        (EARLY, "tomorrow 09:00", datetime(2026, 11, 24, 14, 0, tzinfo=UTC)),
        (EARLY, "2026-11-23 14:30", datetime(2026, 11, 23, 19, 30, tzinfo=UTC)),
        # The day before the clocks went back in New York (1 Nov 2026): 14:30 was EDT.
        (datetime(2026, 11, 1, 9, 0, tzinfo=UTC), "14:30", datetime(2026, 10, 31, 18, 30, tzinfo=UTC)),
    ],
)
def test_parse_when_past_takes_the_latest_clock_time_that_has_passed(now, text, expected):
    assert parse_when(text, now, NY, past=True) == expected


def test_parse_when_without_past_keeps_today():
    assert parse_when("14:30", EARLY, NY) == datetime(2026, 11, 23, 19, 30, tzinfo=UTC)


@pytest.mark.parametrize("text,bare", [("14:30", True), (" 9:05 ", True), ("yesterday 14:30", False),
                                       ("2026-11-23 14:30", False), ("now", False), ("", False)])
def test_bare_clock_time(text, bare):
    assert bare_clock_time(text) is bare


@pytest.mark.parametrize(
    "text,reason",
    [
        ("", "a time is needed"),
        ("25:00", "not a time of day"),
        ("9:60", "not a time of day"),
        ("teatime", "not a time"),
        ("2026-02-30 10:00", "not a time"),
        ("0001-01-01T10:00Z", "not a plausible day"),
        ("9999-12-31T23:59Z", "not a plausible day"),
        ("1960-05-05 10:00", "not a plausible day"),
    ],
)
def test_parse_when_refuses(text, reason):
    with pytest.raises(WhenError, match=reason):
        parse_when(text, NOW, NY)


def test_parse_day():
    assert parse_day("today", NOW, NY) == date(2026, 11, 23)
    assert parse_day(" Yesterday ", NOW, NY) == date(2026, 11, 22)
    assert parse_day("2026-11-01", NOW, NY) == date(2026, 11, 1)
    # At 23:30 in New York it is already tomorrow in UTC; the desk's day counts.
    late = datetime(2026, 11, 24, 4, 30, tzinfo=UTC)
    assert parse_day("today", late, NY) == date(2026, 11, 23)


@pytest.mark.parametrize("text", ["", "someday", "2026-11-31", "0001-01-01", "9999-12-31"])
def test_parse_day_refuses(text):
    with pytest.raises(WhenError):
        parse_day(text, NOW, NY)


@pytest.mark.parametrize(
    "delta,text",
    [
        (timedelta(minutes=12), "in 12 min"),
        (timedelta(seconds=30), "in 1 min"),
        (timedelta(0), "due now"),
        (timedelta(seconds=-30), "due now"),
        (timedelta(minutes=-8), "8 min overdue"),
        (timedelta(minutes=90), "in 1 h 30 min"),
        (timedelta(hours=-3), "3 h overdue"),
        (timedelta(days=2), "in 2 days"),
    ],
)
def test_time_left(delta, text):
    assert time_left(NOW + delta, NOW) == text


def test_day_time_and_short_when():
    assert short_when(NOW, NY, NOW) == "10:00"
    assert short_when(NOW - timedelta(days=3), NY, NOW) == "20 Nov 10:00"
    assert short_when(datetime(2025, 1, 2, 15, tzinfo=UTC), NY, NOW) == "2025-01-02"
    assert day_time(NOW, NY, NOW) == "10:00"
    assert day_time(NOW - timedelta(days=3), NY, NOW) == "Fri 20 Nov 10:00"
    assert day_time(datetime(2025, 1, 2, 15, tzinfo=UTC), NY, NOW) == "2025-01-02 10:00"
