"""Business-time arithmetic for the front desk.

Opening hours are wall-clock times in the desk's own IANA timezone; all
instants passed in must be timezone-aware and every instant returned is UTC.
Business time is counted in real elapsed time inside the open intervals, so a
DST change shortens or lengthens a day exactly as the clock on the wall does.
Nothing here reads the system clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_DAYS = 3660  # how far ahead we look for an open day before giving up

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
_DAY_SPEC = re.compile(r"^(.+?)\s*[-\u2013]\s*(.+)$")
_NUM = r"(\d+(?:\.\d+)?)"
_WALL = re.compile(rf"^(?:{_NUM}d)?(?:{_NUM}(?:h|hr|hrs))?(?:{_NUM}(?:m|min|mins))?$")
_BUSINESS = re.compile(rf"^{_NUM}(bh|bm)$")


class HoursError(ValueError):
    """A human-readable reason, e.g. "25:00 is not a time of day (use HH:MM, 00:00-23:59)"."""


def parse_hhmm(text: str) -> time:
    """Parse "9:00" / "09:00" / "17:30" into a time; 24:00 and beyond are refused."""
    raw = str(text).strip()
    m = _HHMM.match(raw)
    if not m:
        raise HoursError(f"'{raw}' is not a time of day (use HH:MM, 00:00-23:59)")
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        raise HoursError(f"{raw} is not a time of day (use HH:MM, 00:00-23:59)")
    return time(hour, minute)


def _fmt(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def parse_day_spec(text: str) -> tuple[time, time] | None:
    """Parse "09:00-17:00" into (opening, closing); "closed" or "" means None."""
    raw = str(text or "").strip()
    if raw.lower() in ("", "closed"):
        return None
    m = _DAY_SPEC.match(raw)
    if not m:
        raise HoursError(f"'{raw}' is not a day's opening hours (use HH:MM-HH:MM or closed)")
    opening, closing = parse_hhmm(m.group(1)), parse_hhmm(m.group(2))
    _check_order(opening, closing)
    return opening, closing


def _check_order(opening: time, closing: time) -> None:
    if closing <= opening:
        raise HoursError(f"closing time {_fmt(closing)} is not after opening time {_fmt(opening)}")


def _aware_utc(at: datetime) -> datetime:
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise HoursError(f"{at!r} is not a timezone-aware datetime")
    return at.astimezone(UTC)


@dataclass(frozen=True)
class BusinessHours:
    """Weekly opening hours (Mon..Sun, None = closed) plus closed local dates."""

    tz: str
    week: tuple[tuple[time, time] | None, ...]
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise HoursError(f"unknown timezone '{self.tz}'") from None
        week = tuple(self.week)
        if len(week) != 7:
            raise HoursError(f"the week needs 7 days (Mon..Sun), got {len(week)}")
        normalized = []
        for entry in week:
            if isinstance(entry, str):
                entry = parse_day_spec(entry)
            if entry is not None:
                opening, closing = entry
                _check_order(opening, closing)
                entry = (opening, closing)
            normalized.append(entry)
        if all(entry is None for entry in normalized):
            raise HoursError("the week has no open hours")
        object.__setattr__(self, "week", tuple(normalized))
        object.__setattr__(self, "holidays", frozenset(self.holidays))

    @classmethod
    def default(cls, tz: str) -> BusinessHours:
        """Mon-Fri 09:00-17:00, weekends closed."""
        day = (time(9, 0), time(17, 0))
        return cls(tz, (day,) * 5 + (None, None))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    # -- the core: open intervals as UTC instants, one local day at a time --

    def _interval(self, day: date) -> tuple[datetime, datetime] | None:
        """The open interval of local date `day` in UTC, or None if closed.

        Wall times are resolved with fold=0: a time in a spring-forward gap maps
        forward past the gap, an ambiguous fall-back time is its first occurrence.
        """
        spec = self.week[day.weekday()]
        if spec is None or day in self.holidays:
            return None
        zone = self.zone
        opens = datetime.combine(day, spec[0], tzinfo=zone).astimezone(UTC)
        closes = datetime.combine(day, spec[1], tzinfo=zone).astimezone(UTC)
        return (opens, closes) if closes > opens else None

    def _intervals(
        self, start: date, days: int = MAX_DAYS
    ) -> Iterator[tuple[date, datetime, datetime]]:
        for offset in range(days):
            day = start + timedelta(days=offset)
            interval = self._interval(day)
            if interval is not None:
                yield (day, *interval)

    def _local_date(self, at_utc: datetime) -> date:
        return at_utc.astimezone(self.zone).date()

    def _nothing_open(self) -> HoursError:
        return HoursError(f"the desk has no open hours within {MAX_DAYS} days")

    # -- public queries --

    def is_open(self, at: datetime) -> bool:
        """True if open at `at`: opening instant included, closing instant excluded."""
        at = _aware_utc(at)
        interval = self._interval(self._local_date(at))
        return interval is not None and interval[0] <= at < interval[1]

    def next_open(self, at: datetime) -> datetime:
        """`at` (in UTC) if open now, otherwise the next opening instant."""
        at = _aware_utc(at)
        for _, opens, closes in self._intervals(self._local_date(at)):
            if at < closes:
                return max(at, opens)
        raise self._nothing_open()

    def add(self, start: datetime, delta: timedelta) -> datetime:
        """Add business time to `start`; only open time counts."""
        start = _aware_utc(start)
        if delta < timedelta(0):
            raise HoursError("cannot add a negative amount of business time")
        remaining = delta
        for _, opens, closes in self._intervals(self._local_date(start)):
            if closes <= start:
                continue
            begin = max(start, opens)
            if remaining <= closes - begin:
                return begin + remaining
            remaining -= closes - begin
        raise self._nothing_open()

    def end_of_day(self, at: datetime) -> datetime:
        """Closing time today if not yet closed for the day, else of the next open day."""
        at = _aware_utc(at)
        for _, _, closes in self._intervals(self._local_date(at)):
            if at < closes:
                return closes
        raise self._nothing_open()

    def next_morning(self, at: datetime) -> datetime:
        """Opening time of the next open day strictly after `at`'s local date."""
        tomorrow = self._local_date(_aware_utc(at)) + timedelta(days=1)
        for _, opens, _ in self._intervals(tomorrow):
            return opens
        raise self._nothing_open()

    def business_minutes_between(self, a: datetime, b: datetime) -> int:
        """Whole open minutes in [a, b); 0 if b <= a."""
        a, b = _aware_utc(a), _aware_utc(b)
        if b <= a:
            return 0
        first, last = self._local_date(a), self._local_date(b)
        total = timedelta(0)
        for _, opens, closes in self._intervals(first, (last - first).days + 1):
            lo, hi = max(a, opens), min(b, closes)
            if hi > lo:
                total += hi - lo
        return int(total.total_seconds() // 60)

    # -- serialization --

    def to_dict(self) -> dict:
        """JSON-friendly form: {"tz", "week": {"mon": "09:00-17:00", ...}, "holidays": [...]}."""
        week = {
            name: "closed" if spec is None else f"{_fmt(spec[0])}-{_fmt(spec[1])}"
            for name, spec in zip(WEEKDAYS, self.week, strict=True)
        }
        return {
            "tz": self.tz,
            "week": week,
            "holidays": sorted(d.isoformat() for d in self.holidays),
        }

    @classmethod
    def from_dict(cls, d: dict) -> BusinessHours:
        """Inverse of to_dict; a missing weekday counts as closed."""
        if not isinstance(d, dict) or "tz" not in d:
            raise HoursError("business hours need a 'tz' entry")
        week = d.get("week") or {}
        if not isinstance(week, dict):
            raise HoursError("'week' must map mon..sun to HH:MM-HH:MM or closed")
        unknown = sorted(set(map(str, week)) - set(WEEKDAYS))
        if unknown:
            raise HoursError(f"'{unknown[0]}' is not a weekday (use {', '.join(WEEKDAYS)})")
        holidays = set()
        for item in d.get("holidays") or ():
            try:
                holidays.add(date.fromisoformat(str(item)))
            except ValueError:
                raise HoursError(f"'{item}' is not a date (use YYYY-MM-DD)") from None
        specs = tuple(parse_day_spec(week.get(name, "closed")) for name in WEEKDAYS)
        return cls(d["tz"], specs, frozenset(holidays))


@dataclass(frozen=True)
class Duration:
    """A positive number of minutes, either wall-clock or business time."""

    minutes: int
    business: bool

    def __post_init__(self) -> None:
        if isinstance(self.minutes, bool) or not isinstance(self.minutes, int) or self.minutes <= 0:
            raise HoursError(f"{self.minutes!r} is not a positive number of minutes")

    def apply(self, hours: BusinessHours, start: datetime) -> datetime:
        """The due instant (UTC) when counting this duration from `start`."""
        delta = timedelta(minutes=self.minutes)
        if self.business:
            return hours.add(start, delta)
        return _aware_utc(start) + delta

    def __str__(self) -> str:
        hours, minutes = divmod(self.minutes, 60)
        if self.business:
            if minutes == 0:
                return f"{hours} business hour{'s' if hours != 1 else ''}"
            return f"{self.minutes} business minute{'s' if self.minutes != 1 else ''}"
        parts = ([f"{hours} h"] if hours else []) + ([f"{minutes} min"] if minutes else [])
        return " ".join(parts)


# Longer is a typing mistake: and 99999999h would overflow a datetime, or count business hours
# for centuries.
MAX_DURATION_MINUTES = 366 * 24 * 60


def parse_duration(text: str) -> Duration:
    """Parse "30m", "1h30m", "90", "2bh", "1.5bh", "45bm", "1d" (case/space-insensitive)."""
    raw = str(text).strip()
    compact = re.sub(r"\s+", "", raw.lower())
    minutes: float | None = None
    business = False
    if compact.isdigit():
        minutes = int(compact)
    elif m := _BUSINESS.match(compact):
        business = True
        minutes = float(m.group(1)) * (60 if m.group(2) == "bh" else 1)
    elif compact and (m := _WALL.match(compact)) and any(m.groups()):
        days, hrs, mins = (float(g) if g else 0.0 for g in m.groups())
        minutes = days * 1440 + hrs * 60 + mins
    if minutes is not None and not minutes <= MAX_DURATION_MINUTES:  # also inf and nan
        raise HoursError(f"'{raw}' is too long (at most 366 days, 8,784 hours)")
    whole = round(minutes) if minutes is not None else 0
    if whole <= 0:
        raise HoursError(f"'{raw}' is not a duration (use e.g. 30m, 1h, 2bh)")
    return Duration(whole, business)


PRESETS: tuple[tuple[str, str], ...] = (
    ("15m", "15 minutes"),
    ("1bh", "1 business hour"),
    ("4bh", "4 business hours"),
    ("eod", "end of day"),
    ("morning", "next business morning"),
)


def preset_due(hours: BusinessHours, key: str, start: datetime) -> datetime:
    """Due instant (UTC) for a preset key, or any duration parse_duration accepts."""
    normalized = str(key).strip().lower()
    if normalized == "eod":
        return hours.end_of_day(start)
    if normalized == "morning":
        return hours.next_morning(start)
    return parse_duration(key).apply(hours, start)
