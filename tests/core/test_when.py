"""Times and days as people type them, read in the desk's timezone; how times read back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from frontdesk.formatting import day_time, short_when, time_left
from frontdesk.hours import BusinessHours
from frontdesk.when import WhenError, bare_clock_time, examples, month_first, parse_day, parse_when

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


# -- the forms a receptionist types (one parser for the app and the command line) ------------------

HOURS = BusinessHours.default("America/New_York")  # Mon-Fri 09:00-17:00


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NY).astimezone(UTC)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("10am", ny(2026, 11, 23, 10, 0)),
        ("2pm", ny(2026, 11, 23, 14, 0)),
        ("2:30pm", ny(2026, 11, 23, 14, 30)),
        ("2:30 PM", ny(2026, 11, 23, 14, 30)),
        ("2 p.m.", ny(2026, 11, 23, 14, 0)),
        ("12am", ny(2026, 11, 23, 0, 0)),
        ("12pm", ny(2026, 11, 23, 12, 0)),
        ("noon", ny(2026, 11, 23, 12, 0)),
        ("14:30", ny(2026, 11, 23, 14, 30)),
        ("tomorrow 9", ny(2026, 11, 24, 9, 0)),
        ("tomorrow at 9am", ny(2026, 11, 24, 9, 0)),
        ("9am tomorrow", ny(2026, 11, 24, 9, 0)),
        ("today 17:00", ny(2026, 11, 23, 17, 0)),
        ("yesterday 14:30", ny(2026, 11, 22, 14, 30)),
        # A weekday is the next such day still to come (Monday 10:00 now).
        ("thu 10:00", ny(2026, 11, 26, 10, 0)),
        ("Thursday 10am", ny(2026, 11, 26, 10, 0)),
        ("2pm fri", ny(2026, 11, 27, 14, 0)),
        ("mon 11", ny(2026, 11, 23, 11, 0)),  # later today
        ("mon 9", ny(2026, 11, 30, 9, 0)),  # today's has passed: next week's
        ("in 2h", NOW + timedelta(hours=2)),
        ("in 30m", NOW + timedelta(minutes=30)),
        ("in 1h30m", NOW + timedelta(minutes=90)),
        ("In 2 h", NOW + timedelta(hours=2)),
        ("2bh", ny(2026, 11, 23, 12, 0)),
        ("in 2bh", ny(2026, 11, 23, 12, 0)),
        ("8bh", ny(2026, 11, 24, 10, 0)),  # the rest of today, then tomorrow morning
        ("12/03 10:00", ny(2026, 12, 3, 10, 0)),  # a US desk: month/day
        ("12/03/2027 10:00", ny(2027, 12, 3, 10, 0)),
        ("12/03/27 10am", ny(2027, 12, 3, 10, 0)),
        ("01/15 9", ny(2027, 1, 15, 9, 0)),  # this year's has gone by: next year's
        ("2026-12-03T10:00", ny(2026, 12, 3, 10, 0)),
        ("2026-12-03 10:00", ny(2026, 12, 3, 10, 0)),
        ("2026-12-03 10am", ny(2026, 12, 3, 10, 0)),
        ("2026-12-03T10:00+01:00", datetime(2026, 12, 3, 9, 0, tzinfo=UTC)),
        ("2026-12-03 10:00 +01:00", datetime(2026, 12, 3, 9, 0, tzinfo=UTC)),
        ("2026-12-03T10:00Z", datetime(2026, 12, 3, 10, 0, tzinfo=UTC)),
    ],
)
def test_parse_when_reads_what_people_type(text, expected):
    assert parse_when(text, NOW, NY, hours=HOURS, region="US") == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2pm", ny(2026, 11, 22, 14, 0)),  # not yet today: yesterday's
        ("9am", ny(2026, 11, 23, 9, 0)),
        ("thu 10:00", ny(2026, 11, 19, 10, 0)),  # the latest Thursday gone by
        ("mon 9", ny(2026, 11, 23, 9, 0)),  # earlier today
        ("mon 11", ny(2026, 11, 16, 11, 0)),  # today's is still to come: last week's
        ("12/03 10:00", ny(2025, 12, 3, 10, 0)),  # this year's is still to come: last year's
        ("11/20 9:15", ny(2026, 11, 20, 9, 15)),
        ("2h ago", NOW - timedelta(hours=2)),
        ("yesterday 16:00", ny(2026, 11, 22, 16, 0)),
    ],
)
def test_parse_when_past_looks_back(text, expected):
    assert parse_when(text, NOW, NY, past=True, hours=HOURS, region="US") == expected


@pytest.mark.parametrize(
    "region,expected",
    [
        ("US", ny(2026, 12, 3, 10, 0)),
        ("CA", ny(2026, 12, 3, 10, 0)),
        ("PH", ny(2026, 12, 3, 10, 0)),
        ("GB", ny(2027, 3, 12, 10, 0)),  # 12 March: this year's has gone by
        ("DE", ny(2027, 3, 12, 10, 0)),
        ("AU", ny(2027, 3, 12, 10, 0)),
    ],
)
def test_a_numeric_date_is_read_in_the_desks_order(region, expected):
    assert parse_when("12/03 10:00", NOW, NY, region=region) == expected


def test_month_first_regions():
    assert month_first("US") and month_first("us") and month_first("PH") and month_first("FM")
    assert not month_first("GB") and not month_first("FR") and not month_first("IN")
    assert not month_first("")
    # ISO is read the same on every desk.
    assert parse_when("2026-12-03 10:00", NOW, NY, region="GB") == parse_when("2026-12-03 10:00", NOW, NY, region="US")
    assert parse_when("3.12. 10:00", NOW, NY, region="DE") == ny(2026, 12, 3, 10, 0)
    assert parse_when("31/12/2026 10:00", NOW, NY, region="GB") == ny(2026, 12, 31, 10, 0)


def test_durations_count_from_start_when_given():
    call_at = ny(2026, 11, 27, 16, 30)  # Friday 16:30: half an hour left that day
    assert parse_when("2bh", NOW, NY, hours=HOURS, start=call_at) == ny(2026, 11, 30, 10, 30)
    assert parse_when("in 30m", NOW, NY, start=call_at) == call_at + timedelta(minutes=30)


# New York's clocks: forward at 02:00 on Sunday 8 March 2026, back at 02:00 on Sunday 1 November.
SPRING_SAT = datetime(2026, 3, 7, 17, 0, tzinfo=UTC)  # Saturday 12:00 EST
FALL_SAT = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # Saturday 12:00 EDT


def test_dst_a_wall_time_tomorrow_keeps_its_wall_time():
    assert parse_when("tomorrow 9", SPRING_SAT, NY) == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)  # 09:00 EDT
    assert parse_when("tomorrow 9", FALL_SAT, NY) == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)  # 09:00 EST
    assert parse_when("sun 9am", SPRING_SAT, NY) == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)


def test_dst_in_hours_is_elapsed_time():
    before = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)  # 01:30 EST, half an hour before the jump
    assert parse_when("in 1h", before, NY) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT


def test_dst_a_time_the_clocks_skip_is_refused_saying_so():
    with pytest.raises(WhenError, match="02:30 does not exist on Sun 08 Mar 2026 in America/New_York") as err:
        parse_when("tomorrow 2:30", SPRING_SAT, NY)
    assert err.value.field == "due"
    with pytest.raises(WhenError, match="does not exist"):
        parse_when("2026-03-08 02:30", SPRING_SAT, NY, past=True)


def test_dst_a_time_that_happens_twice_is_the_one_that_fits():
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    second = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST, an hour later
    # Ahead of both: the first one; between them: the second is still to come.
    assert parse_when("tomorrow 1:30", FALL_SAT, NY) == first
    between = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # 01:00 EST (the second 01:00)
    assert parse_when("today 1:30", between, NY) == second
    # Looking back from after both, a call at 01:30 was the latest, the second one.
    after = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)  # 02:00 EST
    assert parse_when("1:30", after, NY, past=True) == second
    assert parse_when("1:30", between, NY, past=True) == first


@pytest.mark.parametrize(
    "text,past,message",
    [
        ("teatime", False, "'teatime' is not a time for the callback (e.g. 2pm, tomorrow 9, in 2h, 2bh)"),
        ("teatime", True, "'teatime' is not a time for the call (e.g. 14:30, yesterday 16:00)"),
        ("", False, "a time is needed for the callback (e.g. 2pm, tomorrow 9, in 2h, 2bh)"),
        ("tomorrow", False, "'tomorrow' is not a time for the callback: add a time of day (e.g. 2pm, tomorrow 9, in 2h, 2bh)"),
        ("thu", True, "'thu' is not a time for the call: add a time of day (e.g. 14:30, yesterday 16:00)"),
        ("13pm", False, "'13pm' is not a time of day (1-12 with am/pm, or 00:00-23:59)"),
        ("24:30", False, "'24:30' is not a time of day (00:00-23:59, or 1-12 with am/pm)"),
        ("13/45 10:00", False, "'13/45' is not a date (this desk writes month/day, e.g. 12/03 for 3 December)"),
        ("2bh ago", True, "'2bh ago': business hours count forward only (use e.g. 2h ago)"),
        ("in soon", False, "'soon' is not a duration (use e.g. 30m, 1h, 2bh)"),
        ("thu fri 10am", False, "'thu fri 10am' is not a time for the callback (e.g. 2pm, tomorrow 9, in 2h, 2bh)"),
    ],
)
def test_errors_say_what_is_accepted_with_an_example_that_fits(text, past, message):
    with pytest.raises(WhenError) as err:
        parse_when(text, NOW, NY, past=past, hours=HOURS)
    assert str(err.value) == message
    assert err.value.field == ("at" if past else "due")


def test_purpose_chooses_the_example_whatever_the_direction():
    with pytest.raises(WhenError, match=r"for the call \(e.g. 14:30, yesterday 16:00\)"):
        parse_when("whenever", NOW, NY, purpose="call")
    assert examples("callback") == "2pm, tomorrow 9, in 2h, 2bh"
    assert examples("call") == "14:30, yesterday 16:00"


def test_business_hours_are_needed_for_business_durations():
    with pytest.raises(WhenError, match="counts business hours"):
        parse_when("2bh", NOW, NY)


@pytest.mark.parametrize("text", ["2pm", "2 pm", "10am", "noon", "9"])
def test_new_bare_clock_times(text):
    assert bare_clock_time(text)
    assert not bare_clock_time(f"tomorrow {text}")


def test_the_desk_reads_times_with_its_own_hours_and_day_order(desk, clock):
    from dataclasses import replace

    assert desk.when("12/03 10:00") == ny(2026, 12, 3, 10, 0)  # the fixture's desk is in the US
    assert desk.when("2bh") == ny(2026, 11, 23, 12, 0)
    assert desk.when("14:30", purpose="call") == ny(2026, 11, 22, 14, 30)  # a call's time looks back
    desk.save_settings(replace(desk.settings, region="GB"))
    assert desk.when("12/03 10:00") == ny(2027, 3, 12, 10, 0)
    with pytest.raises(WhenError, match=r"for the call \(e.g. 14:30, yesterday 16:00\)"):
        desk.when("soonish", purpose="call")
