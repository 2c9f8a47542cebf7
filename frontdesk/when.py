"""Reading the times and days people type, in the desk's timezone: one parser for the app and
the command line alike.

What parse_when accepts (case and extra spaces do not matter):

- a time of day: ``14:30``, ``10am``, ``2:30 pm``, ``noon``, ``9`` (an hour alone)
- a day and a time, either way round: ``today 17:00``, ``tomorrow 9``, ``yesterday 14:30``,
  ``thu 10:00``, ``thursday at 10am``, ``2pm fri``, ``2026-12-03 10am``, ``12/03 10:00``
- a date in the desk's order (see `month_first`): ``12/03`` is 3 December on a US desk and
  12 March on a British one; a year may follow (``12/03/2026``, ``12/03/26``)
- ISO 8601: ``2026-12-03T10:00``, ``2026-12-03 10:00``, with an offset honoured (``...Z``,
  ``...+01:00``); without one it is desk time
- from now (or from `start`): ``in 2h``, ``in 30m``, ``in 1h30m``, ``in 2bh``, and a number of
  business hours alone, ``2bh`` (counted in the desk's opening hours); back from now:
  ``2h ago``
- ``now``

Which day a time lands on: a bare time is today's, except with ``past=True`` (the time of
something that happened) where it is the latest such time that has passed (``14:30`` typed at
04:00 is yesterday's). A weekday is the next such day at that time still to come, or with
``past=True`` the latest one gone by. A date without a year is this year's, or the next
(``past``: the last) when this year's has gone by (is still to come). A day said in words or
with its year is taken as said. On the night the clocks go back, a time that happens twice is
the one that fits (``past``: the latest gone by, else the next to come); a time the clocks
skip does not exist and is refused, saying so.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from .hours import BusinessHours


class WhenError(ValueError):
    """The text is not a time or day we understand; the message says what is accepted.
    `field` names what was being read ("at" for a call's time, "due" for a callback's)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


# Days outside these years are typing mistakes, and at the ends of datetime's range they would
# overflow (year 1, year 9999) or be stored in a form that does not read back (years < 1000).
YEARS = range(1970, 3000)

# Examples that fit what is being typed: a callback lies ahead, a call's time behind.
EXAMPLES = {
    "callback": "2pm, tomorrow 9, in 2h, 2bh",
    "call": "14:30, yesterday 16:00",
}
_FIELDS = {"callback": "due", "call": "at"}
_NOUNS = {"callback": "the callback", "call": "the call"}

# Regions that write the month before the day (12/03 = 3 December): the United States and its
# territories, the Freely Associated States, the Philippines, and Canada (which writes all three
# orders; its phones and office software mostly show month first). Everyone else writes the
# day first. ISO dates (2026-12-03) read the same everywhere.
MONTH_FIRST = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM", "FM", "MH", "PW", "PH", "CA"})


def month_first(region: str) -> bool:
    """Whether the desk's region writes 12/03 for 3 December (True) or for 12 March (False)."""
    return (region or "").strip().upper() in MONTH_FIRST


def examples(purpose: str) -> str:
    """'2pm, tomorrow 9, in 2h, 2bh' for a callback, '14:30, yesterday 16:00' for a call: for
    a field's placeholder, and what an error about it offers."""
    return EXAMPLES.get(purpose, EXAMPLES["callback"])


def _plausible(value: date | datetime, text: str, field: str = "") -> None:
    if value.year not in YEARS:
        raise WhenError(f"'{text}' is not a plausible day (years {YEARS[0]}-{YEARS[-1]})", field)


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


# -- the pieces of a typed time -------------------------------------------------------------------
_WORD_DAYS = {"today": 0, "tomorrow": 1, "tmrw": 1, "yesterday": -1}
_WEEKDAYS = {
    name: index
    for index, names in enumerate((
        ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"),
        ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"), ("sun", "sunday"),
    ))
    for name in names
}
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(z|[+-]\d{2}:?\d{2})?")
_ISO_DAY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_NUMERIC_DAY = re.compile(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}|\d{2}))?\.?")
_H24 = re.compile(r"(\d{1,2})(?::(\d{2}))?")
_H12 = re.compile(r"(\d{1,2})(?::(\d{2}))?(am|pm)")
_IN = re.compile(r"in\s+(.+)")
_AGO = re.compile(r"(.+?)\s+ago")
_BUSINESS = re.compile(r"\d+(?:\.\d+)?\s*(?:bh|bm)")


def _clock(token: str) -> time | None:
    """A time of day ('14:30', '9', '2pm', '2:30pm', 'noon'); None when the token is not one.
    WhenError when it looks like one but is not (25:00, 13pm)."""
    if token in ("noon", "midday"):
        return time(12)
    if token == "midnight":
        return time(0)
    if match := _H12.fullmatch(token):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise WhenError(f"'{token}' is not a time of day (1-12 with am/pm, or 00:00-23:59)")
        return time(hour % 12 + (12 if match.group(3) == "pm" else 0), minute)
    if match := _H24.fullmatch(token):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour > 23 or minute > 59:
            raise WhenError(f"'{token}' is not a time of day (00:00-23:59, or 1-12 with am/pm)")
        return time(hour, minute)
    return None


def _numeric_day(match: re.Match, today: date, region: str, past: bool) -> date:
    """12/03 or 12/03/26 in the desk's order; without a year, the nearest such day on the side
    of today the time is looked for (29/02 the nearest leap year's)."""
    first, second, year_text = match.groups()
    month, day = (int(first), int(second)) if month_first(region) else (int(second), int(first))
    if year_text:
        years = [int(year_text) + (2000 if len(year_text) == 2 else 0)]
    else:
        years = [today.year + (-offset if past else offset) for offset in range(9)]
    for year in years:
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if year_text or (found <= today if past else found >= today):
            return found
    order = "month/day, e.g. 12/03 for 3 December" if month_first(region) else "day/month, e.g. 03/12 for 3 December"
    raise WhenError(f"'{match.group(0)}' is not a date (this desk writes {order})")


def _instants(day: date, clock_time: time, zone: ZoneInfo) -> list[datetime]:
    """The UTC instants at which the desk's clock shows `clock_time` on `day`: one, two on the
    night the clocks go back, none in the hour they skip going forward."""
    wall = datetime.combine(day, clock_time)
    found = set()
    for fold in (0, 1):
        utc = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        if utc.astimezone(zone).replace(tzinfo=None) == wall:
            found.add(utc)
    return sorted(found)


def _choose(instants: list[datetime], now: datetime, past: bool) -> datetime | None:
    """The latest instant that has passed (past), or the first still to come; None if none."""
    if past:
        gone = [at for at in instants if at <= now]
        return gone[-1] if gone else None
    ahead = [at for at in instants if at > now]
    return ahead[0] if ahead else None


def _skipped(day: date, clock_time: time, zone: ZoneInfo, field: str) -> WhenError:
    return WhenError(f"{clock_time:%H:%M} does not exist on {day:%a %d %b %Y} in {zone.key}: "
                     "the clocks go forward then", field)


# -- the parser ------------------------------------------------------------------------------------
def parse_when(text: str, now: datetime, zone: ZoneInfo, *, past: bool = False, purpose: str | None = None,
               hours: BusinessHours | None = None, region: str = "US", start: datetime | None = None) -> datetime:
    """A moment typed by a person (see the module's documentation), as aware UTC.

    `past`: the time of something that happened (a call): bare times and weekdays are the
    latest gone by. `purpose` ("call" or "callback"; by default "call" when `past`, else
    "callback") chooses the examples an error offers and the field it names. `hours` (the
    desk's BusinessHours) is needed for business-hour durations such as 2bh; `region` (the
    desk's) decides whether 12/03 is month/day or day/month; durations ("in 2h", "2bh") count
    from `start`, by default `now`."""
    purpose = purpose or ("call" if past else "callback")
    field = _FIELDS.get(purpose, "")
    value = " ".join((text or "").lower().replace(",", " ").split())

    def refuse(reason: str = "") -> WhenError:
        what = f"'{(text or '').strip()}' is not a time for {_NOUNS.get(purpose, 'it')}"
        return WhenError(f"{what}{reason} (e.g. {examples(purpose)})", field)

    if not value:
        raise WhenError(f"a time is needed for {_NOUNS.get(purpose, 'it')} (e.g. {examples(purpose)})", field)
    if value == "now":
        return now
    try:
        if relative := _relative(value, now, start or now, hours, field):
            return relative
        if _ISO.fullmatch(value):
            return _iso(value, text, zone, field)
        return _absolute(value, text, now, zone, past, region, field, refuse)
    except WhenError as exc:
        exc.field = exc.field or field
        raise


def _relative(value: str, now: datetime, start: datetime, hours: BusinessHours | None,
              field: str) -> datetime | None:
    """'in 2h', 'in 2bh', '2bh' (from start) and '2h ago' (from now); None for anything else."""
    from .hours import HoursError, parse_duration

    ahead, back = _IN.fullmatch(value), _AGO.fullmatch(value)
    amount = ahead.group(1) if ahead else back.group(1) if back else value if _BUSINESS.fullmatch(value) else None
    if amount is None:
        return None
    try:
        duration = parse_duration(amount)
    except HoursError as exc:
        raise WhenError(str(exc), field) from None
    if back:
        if duration.business:
            raise WhenError(f"'{value}': business hours count forward only (use e.g. 2h ago)", field)
        return now - timedelta(minutes=duration.minutes)
    if duration.business and hours is None:
        raise WhenError(f"'{value}' counts business hours, and the desk's hours are not known here", field)
    try:
        return duration.apply(hours, start) if hours is not None else start + timedelta(minutes=duration.minutes)
    except HoursError as exc:
        raise WhenError(str(exc), field) from None


def _iso(value: str, text: str, zone: ZoneInfo, field: str) -> datetime:
    """ISO 8601 with a time; an offset is honoured, none means desk time."""
    try:
        parsed = datetime.fromisoformat(value.upper().replace(" Z", "Z").replace(" +", "+").replace(" -", "-"))
    except ValueError:
        raise WhenError(f"'{text.strip()}' is not a time: there is no such day or time", field) from None
    _plausible(parsed, text.strip(), field)
    if parsed.tzinfo is None:
        instants = _instants(parsed.date(), parsed.time(), zone)
        if not instants:
            raise _skipped(parsed.date(), parsed.time(), zone, field)
        return instants[0]
    return parsed.astimezone(UTC)


def _absolute(value: str, text: str, now: datetime, zone: ZoneInfo, past: bool, region: str,
              field: str, refuse) -> datetime:
    """A day (or none) and a time of day, in either order."""
    value = re.sub(r"(\d)\s*(a\.?m\.?|p\.?m\.?)(?=\s|$)", lambda m: m.group(1) + m.group(2).replace(".", ""), value)
    tokens = [t for t in value.split() if t != "at"]
    if not 1 <= len(tokens) <= 2:
        raise refuse()
    today = now.astimezone(zone).date()
    day: date | None = None
    weekday: int | None = None
    clock_time: time | None = None
    for token in tokens:
        if (found := _clock(token)) is not None and clock_time is None:
            clock_time = found
            continue
        if day is not None or weekday is not None:
            raise refuse()
        if token in _WORD_DAYS:
            day = today + timedelta(days=_WORD_DAYS[token])
        elif token in _WEEKDAYS:
            weekday = _WEEKDAYS[token]
        elif _ISO_DAY.fullmatch(token):
            try:
                day = date(*map(int, token.split("-")))
            except ValueError:
                raise WhenError(f"'{text.strip()}' is not a time: there is no day {token}", field) from None
        elif match := _NUMERIC_DAY.fullmatch(token):
            day = _numeric_day(match, today, region, past)
        else:
            raise refuse()
    if clock_time is None:
        raise refuse(": add a time of day")
    if day is not None:
        _plausible(day, text.strip(), field)
        instants = _instants(day, clock_time, zone)
        if not instants:
            raise _skipped(day, clock_time, zone, field)
        return _choose(instants, now, past) or instants[0]
    if weekday is not None:
        step = -1 if past else 1
        for offset in range(8):  # today, then up to a week on
            candidate = today + timedelta(days=step * offset)
            if candidate.weekday() != weekday:
                continue
            instants = _instants(candidate, clock_time, zone)
            if not instants:
                raise _skipped(candidate, clock_time, zone, field)
            if found_at := _choose(instants, now, past):
                return found_at
    # A bare time of day: today's; with `past`, yesterday's when today's is still to come.
    instants = _instants(today, clock_time, zone)
    if not instants:
        raise _skipped(today, clock_time, zone, field)
    if not past:
        return _choose(instants, now, past=False) or instants[0]
    if found_at := _choose(instants, now, past=True):
        return found_at
    yesterday = today - timedelta(days=1)
    instants = _instants(yesterday, clock_time, zone)
    if not instants:
        raise _skipped(yesterday, clock_time, zone, field)
    return instants[-1]


def bare_clock_time(text: str) -> bool:
    """A time of day alone ('14:30', '2pm'), without a day: the day is chosen for it (see
    parse_when's `past`)."""
    value = " ".join((text or "").lower().split())
    value = re.sub(r"(\d)\s*(a\.?m\.?|p\.?m\.?)$", lambda m: m.group(1) + m.group(2).replace(".", ""), value)
    try:
        return " " not in value and _clock(value) is not None
    except WhenError:
        return False
