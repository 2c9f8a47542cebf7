"""Tests for frontdesk.hours: business-time arithmetic."""

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from frontdesk.hours import (
    PRESETS,
    WEEKDAYS,
    BusinessHours,
    Duration,
    HoursError,
    parse_day_spec,
    parse_duration,
    parse_hhmm,
    preset_due,
)

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
AUCKLAND = ZoneInfo("Pacific/Auckland")
KOLKATA = ZoneInfo("Asia/Kolkata")
NINE_FIVE = (time(9), time(17))


def local(zone, y, mo, d, h=0, mi=0, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=zone)


def utc(y, mo, d, h=0, mi=0, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


@pytest.fixture
def ny():
    return BusinessHours.default("America/New_York")


# -- parsing -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("9:00", time(9)),
        ("09:00", time(9)),
        ("17:30", time(17, 30)),
        (" 00:00 ", time(0)),
        ("23:59", time(23, 59)),
    ],
)
def test_parse_hhmm_accepts(text, expected):
    assert parse_hhmm(text) == expected


def test_parse_hhmm_refuses_25_with_reason():
    with pytest.raises(HoursError) as err:
        parse_hhmm("25:00")
    assert str(err.value) == "25:00 is not a time of day (use HH:MM, 00:00-23:59)"


@pytest.mark.parametrize("text", ["24:00", "12:60", "9", "ab", "", "9:5", "-1:00", "9:00pm"])
def test_parse_hhmm_refuses(text):
    with pytest.raises(HoursError, match="is not a time of day"):
        parse_hhmm(text)


def test_hours_error_is_value_error():
    assert issubclass(HoursError, ValueError)


def test_parse_day_spec():
    assert parse_day_spec("09:00-17:00") == (time(9), time(17))
    assert parse_day_spec(" 9:30 - 18:15 ") == (time(9, 30), time(18, 15))
    assert parse_day_spec("closed") is None
    assert parse_day_spec("Closed") is None
    assert parse_day_spec("") is None


def test_parse_day_spec_closing_before_opening():
    with pytest.raises(HoursError) as err:
        parse_day_spec("09:00-08:00")
    assert str(err.value) == "closing time 08:00 is not after opening time 09:00"
    with pytest.raises(HoursError, match="is not after"):
        parse_day_spec("09:00-09:00")


@pytest.mark.parametrize("text", ["9-5", "nine to five", "09:00", "09:00-25:00"])
def test_parse_day_spec_garbage(text):
    with pytest.raises(HoursError):
        parse_day_spec(text)


# -- construction / validation -------------------------------------------------


def test_default_week():
    hours = BusinessHours.default("Europe/London")
    assert hours.week == (NINE_FIVE,) * 5 + (None, None)
    assert hours.holidays == frozenset()
    assert hours.zone == LONDON
    assert len(WEEKDAYS) == 7


def test_unknown_timezone_refused():
    with pytest.raises(HoursError) as err:
        BusinessHours.default("Mars/Base")
    assert str(err.value) == "unknown timezone 'Mars/Base'"


def test_week_without_open_day_refused():
    with pytest.raises(HoursError) as err:
        BusinessHours("America/New_York", (None,) * 7)
    assert str(err.value) == "the week has no open hours"


def test_week_needs_seven_days():
    with pytest.raises(HoursError):
        BusinessHours("America/New_York", (NINE_FIVE,) * 5)


def test_week_entry_closing_before_opening_refused():
    with pytest.raises(HoursError, match="closing time 08:00 is not after opening time 09:00"):
        BusinessHours("America/New_York", ((time(9), time(8)),) + (None,) * 6)


def test_business_hours_is_hashable_and_frozen():
    hours = BusinessHours.default("America/New_York")
    assert hash(hours) == hash(BusinessHours.default("America/New_York"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        hours.tz = "UTC"


# -- is_open / next_open -------------------------------------------------------


def test_is_open_edges(ny):
    assert ny.is_open(local(NY, 2026, 3, 4, 9, 0))  # exactly at opening
    assert ny.is_open(local(NY, 2026, 3, 4, 16, 59, 59))
    assert not ny.is_open(local(NY, 2026, 3, 4, 17, 0))  # exactly at closing
    assert not ny.is_open(local(NY, 2026, 3, 4, 8, 59, 59))
    assert not ny.is_open(local(NY, 2026, 3, 7, 12, 0))  # Saturday


def test_is_open_accepts_any_aware_timezone(ny):
    # Wed 2026-03-04 14:30 UTC = 09:30 EST
    assert ny.is_open(utc(2026, 3, 4, 14, 30))
    assert not ny.is_open(utc(2026, 3, 4, 13, 30))


def test_naive_datetime_refused(ny):
    with pytest.raises(HoursError):
        ny.is_open(datetime(2026, 3, 4, 10, 0))


def test_next_open(ny):
    now = local(NY, 2026, 3, 4, 10, 15)
    assert ny.next_open(now) == now
    assert ny.next_open(now).tzinfo is UTC
    assert ny.next_open(local(NY, 2026, 3, 4, 7, 0)) == local(NY, 2026, 3, 4, 9, 0)
    assert ny.next_open(local(NY, 2026, 3, 4, 17, 0)) == local(NY, 2026, 3, 5, 9, 0)
    assert ny.next_open(local(NY, 2026, 3, 7, 12, 0)) == local(NY, 2026, 3, 9, 9, 0)


# -- add -----------------------------------------------------------------------


def test_friday_afternoon_plus_one_business_hour_is_monday(ny):
    due = ny.add(local(NY, 2026, 5, 15, 16, 30), timedelta(hours=1))
    assert due == local(NY, 2026, 5, 18, 9, 30)
    assert due.tzinfo is UTC


def test_monday_holiday_pushes_to_tuesday():
    hours = BusinessHours(
        "America/New_York", (NINE_FIVE,) * 5 + (None, None), frozenset({date(2026, 5, 18)})
    )
    due = hours.add(local(NY, 2026, 5, 15, 16, 30), timedelta(hours=1))
    assert due == local(NY, 2026, 5, 19, 9, 30)


def test_seconds_are_kept(ny):
    due = ny.add(local(NY, 2026, 5, 15, 16, 30, 20), timedelta(hours=1))
    assert due == local(NY, 2026, 5, 18, 9, 30, 20)


def test_start_on_saturday_counts_from_monday_opening(ny):
    assert ny.add(local(NY, 2026, 5, 16, 11, 0), timedelta(hours=1)) == local(
        NY, 2026, 5, 18, 10, 0
    )
    assert ny.add(local(NY, 2026, 5, 16, 11, 0), timedelta(0)) == local(NY, 2026, 5, 18, 9, 0)


def test_start_before_opening_on_weekday(ny):
    assert ny.add(local(NY, 2026, 5, 13, 6, 45), timedelta(minutes=30)) == local(
        NY, 2026, 5, 13, 9, 30
    )


def test_four_business_hours_at_two_pm(ny):
    assert ny.add(local(NY, 2026, 5, 13, 14, 0), timedelta(hours=4)) == local(
        NY, 2026, 5, 14, 10, 0
    )


def test_add_exactly_to_closing(ny):
    assert ny.add(local(NY, 2026, 5, 13, 16, 0), timedelta(hours=1)) == local(
        NY, 2026, 5, 13, 17, 0
    )


def test_add_multiple_days(ny):
    # Wed 10:00 + 20 business hours = Wed 7h + Thu 8h + Fri 5h -> Fri 14:00
    assert ny.add(local(NY, 2026, 5, 13, 10, 0), timedelta(hours=20)) == local(
        NY, 2026, 5, 15, 14, 0
    )


def test_add_negative_refused(ny):
    with pytest.raises(HoursError):
        ny.add(local(NY, 2026, 5, 13, 10, 0), timedelta(minutes=-1))


def test_closed_day_mid_week():
    week = (NINE_FIVE, NINE_FIVE, None, NINE_FIVE, NINE_FIVE, None, None)
    hours = BusinessHours("America/New_York", week)
    assert not hours.is_open(local(NY, 2026, 5, 13, 12, 0))
    assert hours.add(local(NY, 2026, 5, 12, 16, 30), timedelta(hours=1)) == local(
        NY, 2026, 5, 14, 9, 30
    )


def test_week_with_only_sunday_open():
    week = (None,) * 6 + ((time(10), time(12)),)
    hours = BusinessHours("America/New_York", week)
    # Mon 2026-05-11 + 3 business hours: Sun 05-17 10-12 (2h), Sun 05-24 10:00 + 1h
    assert hours.add(local(NY, 2026, 5, 11, 9, 0), timedelta(hours=3)) == local(
        NY, 2026, 5, 24, 11, 0
    )
    assert hours.next_morning(local(NY, 2026, 5, 17, 9, 0)) == local(NY, 2026, 5, 24, 10, 0)


def test_everything_on_holiday_terminates_with_error():
    week = (None,) * 6 + (NINE_FIVE,)
    start = date(2026, 1, 1)
    holidays = frozenset(start + timedelta(days=i) for i in range(4000))
    hours = BusinessHours("America/New_York", week, holidays)
    with pytest.raises(HoursError, match="no open hours"):
        hours.add(local(NY, 2026, 1, 1, 9, 0), timedelta(hours=1))
    with pytest.raises(HoursError):
        hours.next_open(local(NY, 2026, 1, 1, 9, 0))
    with pytest.raises(HoursError):
        hours.end_of_day(local(NY, 2026, 1, 1, 9, 0))
    with pytest.raises(HoursError):
        hours.next_morning(local(NY, 2026, 1, 1, 9, 0))


# -- end_of_day / next_morning ------------------------------------------------


def test_end_of_day(ny):
    assert ny.end_of_day(local(NY, 2026, 5, 13, 11, 0)) == local(NY, 2026, 5, 13, 17, 0)
    assert ny.end_of_day(local(NY, 2026, 5, 13, 7, 0)) == local(NY, 2026, 5, 13, 17, 0)
    assert ny.end_of_day(local(NY, 2026, 5, 13, 18, 0)) == local(NY, 2026, 5, 14, 17, 0)
    assert ny.end_of_day(local(NY, 2026, 5, 13, 17, 0)) == local(NY, 2026, 5, 14, 17, 0)
    assert ny.end_of_day(local(NY, 2026, 5, 16, 12, 0)) == local(NY, 2026, 5, 18, 17, 0)
    assert ny.end_of_day(local(NY, 2026, 5, 15, 18, 0)) == local(NY, 2026, 5, 18, 17, 0)


def test_next_morning(ny):
    assert ny.next_morning(local(NY, 2026, 5, 15, 10, 0)) == local(
        NY, 2026, 5, 18, 9, 0
    )  # Fri -> Mon
    assert ny.next_morning(local(NY, 2026, 5, 13, 7, 0)) == local(
        NY, 2026, 5, 14, 9, 0
    )  # strictly next day
    assert ny.next_morning(local(NY, 2026, 5, 16, 10, 0)) == local(
        NY, 2026, 5, 18, 9, 0
    )  # Sat -> Mon


# -- DST ----------------------------------------------------------------------


def test_new_york_spring_forward():
    hours = BusinessHours.default("America/New_York")
    start = local(NY, 2026, 3, 6, 16, 30)  # Fri, EST
    due = hours.add(start, timedelta(hours=1))
    assert due == utc(2026, 3, 9, 13, 30)
    assert due.astimezone(NY).replace(tzinfo=None) == datetime(2026, 3, 9, 9, 30)
    assert start.utcoffset() == timedelta(hours=-5)
    assert due.astimezone(NY).utcoffset() == timedelta(hours=-4)
    assert hours.next_morning(start) == utc(2026, 3, 9, 13, 0)


def test_new_york_fall_back():
    hours = BusinessHours.default("America/New_York")
    start = local(NY, 2026, 10, 30, 16, 30)  # Fri, EDT
    due = hours.add(start, timedelta(hours=1))
    assert due == utc(2026, 11, 2, 14, 30)
    assert due.astimezone(NY).replace(tzinfo=None) == datetime(2026, 11, 2, 9, 30)
    assert start.utcoffset() != due.astimezone(NY).utcoffset()
    assert hours.end_of_day(start) == utc(2026, 10, 30, 21, 0)
    assert hours.end_of_day(local(NY, 2026, 10, 31, 12, 0)) == utc(2026, 11, 2, 22, 0)


def test_london_spring_forward():
    hours = BusinessHours.default("Europe/London")
    start = local(LONDON, 2026, 3, 27, 16, 30)  # Fri, GMT
    due = hours.add(start, timedelta(hours=1))
    assert due == utc(2026, 3, 30, 8, 30)  # 09:30 BST
    assert start.utcoffset() == timedelta(0)
    assert due.astimezone(LONDON).utcoffset() == timedelta(hours=1)


def test_london_fall_back():
    hours = BusinessHours.default("Europe/London")
    start = local(LONDON, 2026, 10, 23, 16, 30)  # Fri, BST
    due = hours.add(start, timedelta(hours=1))
    assert due == utc(2026, 10, 26, 9, 30)  # 09:30 GMT
    assert start.utcoffset() == timedelta(hours=1)
    assert due.astimezone(LONDON).utcoffset() == timedelta(0)


def test_dst_day_counts_real_minutes():
    # Open all of Sunday 2026-03-08 in New York: the day lost an hour.
    week = (None,) * 6 + ((time(0), time(23, 59)),)
    hours = BusinessHours("America/New_York", week)
    day_start, next_day = local(NY, 2026, 3, 8), local(NY, 2026, 3, 9)
    assert hours.business_minutes_between(day_start, next_day) == 23 * 60 + 59 - 60
    # ... and 2026-11-01 gained one.
    assert (
        hours.business_minutes_between(local(NY, 2026, 11, 1), local(NY, 2026, 11, 2))
        == 23 * 60 + 59 + 60
    )


def test_opening_hours_overlapping_the_gap():
    # 01:00-04:00 local on the spring-forward night is only two real hours.
    week = (None,) * 6 + ((time(1), time(4)),)
    hours = BusinessHours("America/New_York", week)
    assert hours.business_minutes_between(local(NY, 2026, 3, 8), local(NY, 2026, 3, 9)) == 120
    assert hours.add(local(NY, 2026, 3, 8), timedelta(hours=2)) == utc(
        2026, 3, 8, 8, 0
    )  # 04:00 EDT
    # Opening inside the gap (02:30 does not exist) maps to 03:30 EDT.
    gap = BusinessHours("America/New_York", (None,) * 6 + ((time(2, 30), time(5)),))
    assert gap.next_open(local(NY, 2026, 3, 8)) == utc(2026, 3, 8, 7, 30)


# -- far from UTC ------------------------------------------------------------


def test_kolkata_half_hour_offset():
    hours = BusinessHours.default("Asia/Kolkata")
    start = local(KOLKATA, 2026, 3, 6, 16, 30)  # Fri 16:30 IST = 11:00 UTC
    due = hours.add(start, timedelta(hours=1))
    assert due == utc(2026, 3, 9, 4, 0)  # Mon 09:30 IST
    assert hours.is_open(utc(2026, 3, 9, 3, 30))  # 09:00 IST
    assert not hours.is_open(utc(2026, 3, 9, 3, 29))
    assert not hours.is_open(utc(2026, 3, 9, 11, 30))  # 17:00 IST


def test_auckland_crosses_the_utc_date_line():
    hours = BusinessHours.default("Pacific/Auckland")  # NZDT = UTC+13 in March
    start = local(AUCKLAND, 2026, 3, 6, 16, 30)
    due = hours.add(start, timedelta(hours=1))
    assert due == utc(2026, 3, 8, 20, 30)  # Monday 09:30 in Auckland is Sunday in UTC
    assert due.weekday() == 6 and due.astimezone(AUCKLAND).weekday() == 0
    # Sunday 21:00 UTC is Monday 10:00 in Auckland: open. Monday 12:00 UTC is Tuesday 01:00: closed.
    assert hours.is_open(utc(2026, 3, 8, 21, 0))
    assert not hours.is_open(utc(2026, 3, 9, 12, 0))
    # A UTC caller on Friday 22:00 UTC is already in Auckland's Saturday.
    assert hours.next_open(utc(2026, 3, 6, 22, 0)) == utc(2026, 3, 8, 20, 0)


def test_auckland_dst_end():
    hours = BusinessHours.default("Pacific/Auckland")  # NZDT ends Sun 2026-04-05
    due = hours.add(local(AUCKLAND, 2026, 4, 3, 16, 30), timedelta(hours=1))
    assert due == utc(2026, 4, 5, 21, 30)  # Mon 09:30 NZST (+12)
    assert due.astimezone(AUCKLAND).utcoffset() == timedelta(hours=12)


# -- business_minutes_between -------------------------------------------------


def test_business_minutes_between_across_weekend(ny):
    a, b = local(NY, 2026, 5, 15, 16, 0), local(NY, 2026, 5, 18, 10, 30)
    assert ny.business_minutes_between(a, b) == 60 + 90
    assert ny.business_minutes_between(b, a) == 0
    assert ny.business_minutes_between(a, a) == 0


def test_business_minutes_between_full_week(ny):
    assert ny.business_minutes_between(local(NY, 2026, 5, 11), local(NY, 2026, 5, 18)) == 5 * 8 * 60


def test_business_minutes_between_matches_add(ny):
    start = local(NY, 2026, 5, 13, 14, 0)
    assert ny.business_minutes_between(start, ny.add(start, timedelta(hours=4))) == 240


# -- serialization -------------------------------------------------------------


def test_to_dict_from_dict_round_trip():
    week = (
        NINE_FIVE,
        (time(8, 30), time(12)),
        None,
        NINE_FIVE,
        NINE_FIVE,
        (time(10), time(14)),
        None,
    )
    hours = BusinessHours(
        "Europe/London", week, frozenset({date(2026, 12, 25), date(2026, 12, 26)})
    )
    data = hours.to_dict()
    assert data == {
        "tz": "Europe/London",
        "week": {
            "mon": "09:00-17:00",
            "tue": "08:30-12:00",
            "wed": "closed",
            "thu": "09:00-17:00",
            "fri": "09:00-17:00",
            "sat": "10:00-14:00",
            "sun": "closed",
        },
        "holidays": ["2026-12-25", "2026-12-26"],
    }
    assert BusinessHours.from_dict(data) == hours


def test_from_dict_validates():
    with pytest.raises(HoursError, match="unknown timezone 'Mars/Base'"):
        BusinessHours.from_dict({"tz": "Mars/Base", "week": {"mon": "09:00-17:00"}})
    with pytest.raises(HoursError, match="25:00 is not a time of day"):
        BusinessHours.from_dict({"tz": "UTC", "week": {"mon": "09:00-25:00"}})
    with pytest.raises(HoursError, match="no open hours"):
        BusinessHours.from_dict({"tz": "UTC", "week": {}})
    with pytest.raises(HoursError):
        BusinessHours.from_dict({"tz": "UTC", "week": {"mon": "09:00-17:00"}, "holidays": ["xmas"]})
    with pytest.raises(HoursError):
        BusinessHours.from_dict({"tz": "UTC", "week": {"funday": "09:00-17:00"}})


# -- durations ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text,minutes,business",
    [
        ("30m", 30, False),
        ("30min", 30, False),
        ("1h", 60, False),
        ("1h30m", 90, False),
        ("90", 90, False),
        ("2bh", 120, True),
        ("1.5bh", 90, True),
        ("45bm", 45, True),
        ("1d", 1440, False),
        (" 1H 30M ", 90, False),
        ("2 BH", 120, True),
        ("15m", 15, False),
    ],
)
def test_parse_duration_accepts(text, minutes, business):
    assert parse_duration(text) == Duration(minutes, business)


@pytest.mark.parametrize(
    "text", ["soon", "", "0", "0m", "-30m", "-1bh", "1x", "m", "h1", "1bhx", "1.5"]
)
def test_parse_duration_refuses(text):
    with pytest.raises(HoursError, match="is not a duration"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["99999999h", "367d", "8785bh", "9" * 400, "527041"])
def test_a_duration_over_366_days_is_refused_not_overflowed(text):
    """A typing slip must not overflow a datetime (99999999h) or count business hours for
    centuries: one clear refusal."""
    with pytest.raises(HoursError, match=r"is too long \(at most 366 days, 8,784 hours\)"):
        parse_duration(text)
    assert parse_duration("366d") == Duration(366 * 1440, False)
    assert parse_duration("8784bh") == Duration(8784 * 60, True)


def test_parse_duration_message():
    with pytest.raises(HoursError) as err:
        parse_duration("soon")
    assert str(err.value) == "'soon' is not a duration (use e.g. 30m, 1h, 2bh)"


@pytest.mark.parametrize(
    "duration,text",
    [
        (Duration(30, False), "30 min"),
        (Duration(120, False), "2 h"),
        (Duration(90, False), "1 h 30 min"),
        (Duration(120, True), "2 business hours"),
        (Duration(60, True), "1 business hour"),
        (Duration(90, True), "90 business minutes"),
    ],
)
def test_duration_str(duration, text):
    assert str(duration) == text


def test_duration_must_be_positive():
    with pytest.raises(HoursError):
        Duration(0, False)


def test_duration_apply_wall_and_business(ny):
    start = local(NY, 2026, 5, 15, 16, 30)
    assert Duration(60, False).apply(ny, start) == utc(
        2026, 5, 15, 21, 30
    )  # 17:30 EDT, desk closed
    assert Duration(60, True).apply(ny, start) == local(NY, 2026, 5, 18, 9, 30)
    assert Duration(60, False).apply(ny, start).tzinfo is UTC


def test_wall_duration_across_dst_is_real_time(ny):
    start = local(NY, 2026, 3, 8, 1, 30)  # EST, 30 minutes before the jump
    assert parse_duration("1h").apply(ny, start) == local(NY, 2026, 3, 8, 3, 30)


# -- presets -----------------------------------------------------------------


def test_preset_keys():
    assert [key for key, _ in PRESETS] == ["15m", "1bh", "4bh", "eod", "morning"]


def test_preset_due_every_key(ny):
    start = local(NY, 2026, 5, 15, 16, 30)  # Friday afternoon
    assert preset_due(ny, "15m", start) == local(NY, 2026, 5, 15, 16, 45)
    assert preset_due(ny, "1bh", start) == local(NY, 2026, 5, 18, 9, 30)
    assert preset_due(ny, "4bh", start) == local(NY, 2026, 5, 18, 12, 30)
    assert preset_due(ny, "eod", start) == local(NY, 2026, 5, 15, 17, 0)
    assert preset_due(ny, "morning", start) == local(NY, 2026, 5, 18, 9, 0)
    for key, _ in PRESETS:
        assert preset_due(ny, key, start).tzinfo is UTC


def test_preset_15m_is_real_time_even_when_closed(ny):
    start = local(NY, 2026, 5, 16, 12, 0)  # Saturday
    assert preset_due(ny, "15m", start) == local(NY, 2026, 5, 16, 12, 15)


def test_preset_due_other_durations_and_unknown(ny):
    start = local(NY, 2026, 5, 13, 14, 0)
    assert preset_due(ny, "2bh", start) == local(NY, 2026, 5, 13, 16, 0)
    assert preset_due(ny, "1d", start) == local(NY, 2026, 5, 14, 14, 0)
    with pytest.raises(HoursError):
        preset_due(ny, "whenever", start)
