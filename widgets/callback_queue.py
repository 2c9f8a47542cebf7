"""The live queue of open callbacks, soonest first, with time left and a state mark that
reads without colour: '!!' overdue, '! ' within the lead time, blank upcoming. An overdue
callback someone acknowledged says who and when after its time left ('20 min overdue, ack Raj
10:05'; cut to fit at 80 columns, whole in the cell's tooltip)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.message import Message

from frontdesk.formatting import short_when, time_left
from frontdesk.models import Callback
from frontdesk.reminders import callback_state

from .row_table import RowTable
from .safe import plain

COLUMNS = ("mark", "due", "left", "caller", "topic", "for")
MARKS = {"overdue": ("!!", "bold reverse"), "soon": ("! ", "bold"), "upcoming": ("  ", "")}
PAGE = 50  # rows shown at first; moving past the last one shows the next 50 (no query: the app holds them)


def acknowledged(cb: Callback, zone: ZoneInfo, now: datetime) -> str:
    """'Raj 10:05': who said 'I have seen it' about an overdue callback, and when; '' if nobody."""
    if cb.acknowledged_at is None:
        return ""
    return f"{cb.acknowledged_by} {short_when(cb.acknowledged_at, zone, now)}".strip()


class CallbackQueue(RowTable):
    DEFAULT_CSS = """
    CallbackQueue { height: auto; max-height: 10; }
    """

    class Chosen(RowTable.Chosen):
        """A callback was opened (Enter or a click on the highlighted row)."""

        @property
        def callback_id(self) -> int:
            return int(self.key)

    class NeedMore(Message):
        """The cursor reached the last shown row and more callbacks are open: show them."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.limit = PAGE
        self.total = 0
        self.callbacks: dict[int, Callback] = {}
        self.states: dict[int, str] = {}
        self._looks: dict[int, tuple] = {}

    def on_mount(self) -> None:
        self.add_column("", key="mark", width=2)
        self.add_column("due", key="due", width=12)
        self.add_column("time left", key="left", width=18)
        self.add_column("caller", key="caller", width=16, grow=2)
        self.add_column("topic", key="topic", width=12, grow=2)
        self.add_column("for", key="for", width=6, grow=1)

    def show(self, callbacks: list[Callback], now: datetime, lead: timedelta, zone: ZoneInfo) -> None:
        """Update in place: unchanged rows keep the cursor; only cells that differ are redrawn.
        Runs every few seconds, so an unchanged row costs one tuple comparison. Shows the first
        `limit` of them: a desk with hundreds open would otherwise pay for every row on each start."""
        selected = self.selected_id
        self.total = len(callbacks)
        callbacks = callbacks[: self.limit]
        self.callbacks = {cb.id: cb for cb in callbacks}
        self.states = {cb.id: callback_state(cb, now, lead) for cb in callbacks}
        looks = {cb.id: self._look(cb, now, zone) for cb in callbacks}
        if [str(cb.id) for cb in callbacks] != [key.value for key in self.rows]:
            with self.app.batch_update():
                self.clear()
                self.add_rows((self._cells(looks[cb.id]), str(cb.id)) for cb in callbacks)
                if selected in self.callbacks:
                    self.move_cursor(row=self.get_row_index(str(selected)))
        else:
            for cb in callbacks:
                if looks[cb.id] == self._looks.get(cb.id):
                    continue
                old = self._looks.get(cb.id) or (None,) * 6
                for column, before, after, cell in zip(COLUMNS, old, looks[cb.id], self._cells(looks[cb.id]),
                                                       strict=True):
                    if before != after:
                        self.update_cell(str(cb.id), column, cell)
        self._looks = looks

    def _look(self, cb: Callback, now: datetime, zone: ZoneInfo) -> tuple:
        """What a row shows, as plain values: cheap to compare on every tick."""
        return (self.states[cb.id], short_when(cb.due_at, zone, now), (time_left(cb.due_at, now),
                self.states[cb.id], acknowledged(cb, zone, now)), cb.caller, cb.topic, cb.assignee)

    def _cells(self, look: tuple) -> list[Text]:
        state, due, (left, _, ack), caller, topic, assignee = look
        mark, style = MARKS[state]
        left_cell = Text(left, style=style)
        if ack:
            left_cell.append(", ack ")
            left_cell.append_text(plain(ack))
        return [
            Text(mark, style=style),
            Text(due),
            left_cell,
            plain(caller),
            plain(topic),
            plain(assignee),
        ]

    @property
    def has_more(self) -> bool:
        """More rows are held than shown: moving past the last one shows them."""
        return self.total > self.row_count

    def on_row_table_row_highlighted(self, event: RowTable.RowHighlighted) -> None:
        if self.has_more and event.cursor_row >= self.row_count - 1 and self.limit <= self.row_count:
            self.limit += PAGE
            self.post_message(self.NeedMore())
