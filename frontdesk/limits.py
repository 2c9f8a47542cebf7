"""What the desk accepts: how long a text may be.

Anything beyond a limit is refused with the limit named, never cut silently."""

from __future__ import annotations

from .errors import DeskError
from .text import clean

SHORT_TEXT = 500  # one line: a name, a company, a topic, a label, a reason, an assignee
LONG_TEXT = 10_000  # a call's note, a customer's notes


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
