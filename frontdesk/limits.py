"""What the desk accepts: how long a text may be and how far from now a time may lie.

Anything beyond a limit is refused with the limit named, never cut or moved silently."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import DeskError
from .text import clean

SHORT_TEXT = 500  # one line: a name, a company, a topic, a label, a reason, an assignee
LONG_TEXT = 10_000  # a call's note, a customer's notes
CLOCK_SKEW = timedelta(minutes=1)  # another machine's clock a little ahead is not a future call
PROMISE_HORIZON = timedelta(days=365)  # the latest a callback may be promised, from now


def short_text(value: str | None, field: str) -> str:
    """One cleaned line of at most SHORT_TEXT characters; longer is refused, naming `field`."""
    return _within(clean(value, multiline=False), field, SHORT_TEXT)


def long_text(value: str | None, field: str) -> str:
    """Cleaned text (line breaks kept) of at most LONG_TEXT characters."""
    return _within(clean(value), field, LONG_TEXT)


def _within(text: str, field: str, limit: int) -> str:
    if len(text) > limit:
        raise DeskError(f"{field} is too long: {len(text):,} characters, the limit is {limit:,}", field)
    return text


def check_call_time(at: datetime, now: datetime, earliest: datetime, zone: ZoneInfo) -> None:
    """A call happened between `earliest` and now (a minute of clock skew allowed)."""
    if at > now + CLOCK_SKEW:
        try:
            shown = f"{at.astimezone(zone):%Y-%m-%d %H:%M %Z}"
        except OverflowError:  # the last day of year 9999, east of UTC
            shown = f"{at:%Y-%m-%d %H:%M} UTC"
        raise DeskError(f"a call cannot be logged in the future ({shown} has not come yet)", "at")
    if at < earliest:
        raise DeskError(f"{at:%Y-%m-%d} is not a plausible time for a call", "at")


def check_promise(due: datetime, now: datetime, field: str = "promise") -> None:
    """A callback is promised at most PROMISE_HORIZON ahead of now."""
    if due > now + PROMISE_HORIZON:
        raise DeskError(f"a callback cannot be promised more than a year ahead ({due:%Y-%m-%d} "
                        f"is over {PROMISE_HORIZON.days} days from now)", field)
