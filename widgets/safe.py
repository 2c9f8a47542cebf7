"""Untrusted text for display: cleaned of control characters and never parsed as markup."""

from __future__ import annotations

from rich.text import Text

from frontdesk.text import clean, one_line


def plain(value: str | None, limit: int | None = None, style: str = "") -> Text:
    """One line of user text as a Rich Text (no markup, no escapes)."""
    return Text(one_line(value, limit), style=style, no_wrap=True, overflow="ellipsis")


def block(value: str | None, style: str = "") -> Text:
    """Multi-line user text (notes) as a Rich Text."""
    return Text(clean(value), style=style)
