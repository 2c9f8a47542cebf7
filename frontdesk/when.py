"""Reading the times and days people type, in the desk's timezone."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .hours import HoursError, parse_hhmm


class WhenError(ValueError):
    """The text is not a time or day we understand; the message says what is accepted."""


# Days outside these years are typing mistakes, and at the ends of datetime's range they would
# overflow (year 1, year 9999) or be stored in a form that does not read back (years < 1000).
YEARS = range(1970, 3000)


def _plausible(value: date | datetime, text: str) -> None:
    if value.year not in YEARS:
        raise WhenError(f"'{text}' is not a plausible day (years {YEARS[0]}-{YEARS[-1]})")


def _local_at(day: date, clock_time: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def parse_day(text: str, now: datetime, zone: ZoneInfo) -> date:
    """'today', 'yesterday', 'tomorrow' or an ISO date (2026-11-23), in the desk's timezone."""
    value = (text or "").strip().lower()
    today = now.astimezone(zone).date()
    words = {"today": today, "yesterday": today - timedelta(days=1), "tomorrow": today + timedelta(days=1)}
    if value in words:
        return words[value]
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise WhenError(f"'{text}' is not a day (use YYYY-MM-DD, today or yesterday)") from None
    _plausible(day, text)
    return day


_CLOCK_TIME = re.compile(r"(?:(today|yesterday|tomorrow)\s+)?(\d{1,2}:\d{2})", re.IGNORECASE)


def bare_clock_time(text: str) -> bool:
    """'14:30' alone, without a day: the day is chosen for it (see parse_when's `past`)."""
    match = _CLOCK_TIME.fullmatch((text or "").strip())
    return match is not None and not match.group(1)


def parse_when(text: str, now: datetime, zone: ZoneInfo, *, past: bool = False) -> datetime:
    """A moment typed by a person, as aware UTC.

    Accepts 'now', 'HH:MM' (today), 'today HH:MM', 'yesterday HH:MM', 'tomorrow HH:MM',
    'YYYY-MM-DD HH:MM' and ISO 8601 with or without an offset (no offset = desk time).
    With `past` (the time of something that happened, such as a call), a bare 'HH:MM' is the
    latest such time that has passed: '14:30' typed at 04:00 is yesterday's."""
    value = (text or "").strip()
    if not value:
        raise WhenError("a time is needed")
    if value.lower() == "now":
        return now
    match = _CLOCK_TIME.fullmatch(value)
    if match:
        day = parse_day(match.group(1) or "today", now, zone)
        try:
            clock_time = parse_hhmm(match.group(2))
        except HoursError as exc:
            raise WhenError(str(exc)) from None
        at = _local_at(day, clock_time, zone)
        if past and not match.group(1) and at > now:
            at = _local_at(day - timedelta(days=1), clock_time, zone)
        return at
    import arrow  # only for times beyond HH:MM: keeps start-up and `log` light

    try:
        # An offset after a time part ("T14:30Z" or " 14:30+01:00") is honoured, whatever the separator.
        has_offset = re.search(r"\d[T ]\d{1,2}:\d{2}.*(Z|[+-]\d{2}:?\d{2})$", value, re.IGNORECASE)
        parsed = arrow.get(value) if has_offset else arrow.get(value, tzinfo=zone)
    except (arrow.parser.ParserError, ValueError, TypeError):
        raise WhenError(
            f"'{text}' is not a time (use HH:MM, 'yesterday 14:30' or 2026-11-23T14:30)"
        ) from None
    _plausible(parsed.datetime, text)
    return parsed.to("UTC").datetime
