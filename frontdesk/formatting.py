"""How times read on screen and in exports: desk-local, humanised, short."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def span(minutes: int) -> str:
    """A duration in words: '12 min', '1 h 30 min', '3 h', '2 days' (whole units, rounded down)."""
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {rest} min" if rest and hours < 3 else f"{hours} h"
    days = minutes // 1440
    return f"{days} day" if days == 1 else f"{days} days"


def time_left(due: datetime, now: datetime) -> str:
    """'in 12 min', 'due now', '8 min overdue', '3 h overdue'."""
    seconds = (due - now).total_seconds()
    if -60 < seconds <= 0:
        return "due now"
    if seconds > 0:
        return f"in {span(max(1, int(seconds + 59) // 60))}"
    return f"{span(int(-seconds) // 60)} overdue"


def clock_time(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%H:%M")


def day_time(at: datetime, zone: ZoneInfo, now: datetime | None = None) -> str:
    """'14:05' for today, 'Mon 23 Nov 14:05' otherwise (year added when not this year)."""
    moment = at.astimezone(zone)
    if now is not None:
        today = now.astimezone(zone)
        if moment.date() == today.date():
            return moment.strftime("%H:%M")
        if moment.year == today.year:
            return moment.strftime("%a %d %b %H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")


def short_when(at: datetime, zone: ZoneInfo, now: datetime) -> str:
    """For narrow table columns: '14:05' today, '23 Nov 14:05' this year, else '2025-11-23'."""
    moment, today = at.astimezone(zone), now.astimezone(zone)
    if moment.date() == today.date():
        return moment.strftime("%H:%M")
    if moment.year == today.year:
        return moment.strftime("%d %b %H:%M")
    return moment.strftime("%Y-%m-%d")


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


REPEAT_DAYS = 7
REPEAT_AT = 3  # inbound calls within REPEAT_DAYS that make a repeat caller


def repeat_mark(calls: int) -> str:
    """'3rd call this week' for the 3rd (or later) inbound call in seven days, else ''."""
    return f"{ordinal(calls)} call this week" if calls >= REPEAT_AT else ""
