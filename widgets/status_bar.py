"""The line at the top of every screen: desk, operator, clock, the callback counters and the
missed calls nobody has seen ('2 missed (u)': u on the desk lists them); the operator's unread
messages ('2 messages')."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar {
        dock: top;
        height: 1;
        background: $primary;
        color: $text;
        padding: 0 1;
    }
    """

    _shown: dict | None = None

    def on_resize(self) -> None:
        if self._shown:
            self.show(**self._shown, force=True)

    def show(self, *, desk: str, operator: str, clock: str, overdue: int, soon: int, title: str = "",
             missed: int = 0, messages: int = 0, urgent: int = 0, force: bool = False) -> None:
        shown = dict(desk=desk, operator=operator, clock=clock, overdue=overdue, soon=soon, title=title,
                     missed=missed, messages=messages, urgent=urgent)
        if shown == self._shown and not force:
            return  # the tick found nothing new: no repaint
        self._shown = shown
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("FrontDesk", style="bold")
        text.append(f" · {desk}")
        if title:
            text.append(f" · {title}")
        text.append(f" · {operator}")
        counters = Text()
        if overdue:
            counters.append(f" !! {overdue} OVERDUE ", style="bold reverse")
        if soon:
            counters.append(f" ! {soon} due soon ", style="bold")
        if not (overdue or soon):
            counters.append(" no callbacks due ")
        if missed:
            counters.append(f" {missed} missed (u) ", style="bold")
        if messages:
            counters.append(f" {messages} message{'s' if messages != 1 else ''} ", style="bold")
        if urgent:  # urgent ones for this operator, unread: marked as overdue callbacks are
            counters.append(f" !! {urgent} URGENT ", style="bold reverse")
        width = max(self.size.width - 2, 20)
        right = len(counters) + len(clock) + 1
        if len(text) + 1 + right > width:  # the counters and the clock stay whole; the names give way
            text.truncate(max(width - right - 1, 10), overflow="ellipsis")
        pad = width - len(text) - right
        text.append(" " * max(pad, 1))
        text.append_text(counters)
        text.append(f" {clock}")
        self.update(text, layout=False)  # always one full-width line: a repaint, never a new layout
