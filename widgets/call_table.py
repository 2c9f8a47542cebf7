"""A page of calls: time, caller, topic, outcome, operator. Rows keyed by call id."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.message import Message

from frontdesk.formatting import short_when
from frontdesk.models import Call, Page

from .row_table import RowTable
from .safe import plain

NOTE_SHOWN = 500  # characters of a note a row holds (its tooltip shows them; the call's page all)

# key: (heading, width at 80 columns, share of wider terminals, cell). Cells hold the whole
# text; the table cuts it to the column and shows it whole in a tooltip.
COLUMNS = {
    "when": ("when", 12, 0, lambda c, zone, now: Text(short_when(c.at, zone, now))),
    "dir": ("", 3, 0, lambda c, zone, now: Text("in" if c.direction == "in" else "out")),
    "caller": ("caller", 18, 2, lambda c, zone, now: plain(c.caller)),
    "topic": ("topic", 14, 2, lambda c, zone, now: plain(c.topic)),
    "outcome": ("outcome", 14, 0, lambda c, zone, now: outcome_cell(c)),
    "by": ("by", 6, 1, lambda c, zone, now: plain(c.operator)),
    "note": ("note", 18, 3, lambda c, zone, now: plain(c.note, NOTE_SHOWN)),
    "long_note": ("note", 30, 4, lambda c, zone, now: plain(c.note, NOTE_SHOWN)),
}
COLUMN_SETS = {
    "desk": ("when", "dir", "caller", "topic", "outcome", "by"),
    "history": ("when", "dir", "topic", "outcome", "by", "note"),
    "notes": ("when", "caller", "topic", "long_note"),
}


def outcome_cell(call: Call) -> Text:
    """The outcome; a message taken says for whom, '*' first (and bold) while nobody has read
    it, then its boxes: '* msg Owner: please call back, urgent' (the tooltip shows it whole)."""
    message = call.message
    if message is None:
        return Text(call.outcome_label)
    unread = message.read_at is None
    text = plain(f"{'* ' if unread else ''}msg {message.for_name}", style="bold" if unread else "")
    if message.boxes:
        text.append(f": {message.boxes_words}")
    if not unread:
        text.append(" ")  # plain() trims its text: the space goes on its own
        text.append_text(plain(f"(read by {message.read_by})", style="dim"))
    return text


class CallTable(RowTable):
    """Shows calls it is given; posts Chosen when a row is opened with Enter."""

    DEFAULT_CSS = """
    CallTable { height: 1fr; }
    """

    class Chosen(RowTable.Chosen):
        """A call was opened (Enter or a click on the highlighted row)."""

        @property
        def call_id(self) -> int:
            return int(self.key)

    class NeedMore(Message):
        """The cursor reached the last row and the screen said there are older calls."""

        def __init__(self, table: CallTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> CallTable:
            return self.table

    def __init__(self, *, columns: str = "desk", **kwargs) -> None:
        """columns: "desk" (who called about what), "history" (one customer's calls, with the
        note) or "notes" (search results: whose note matched, and the note)."""
        super().__init__(**kwargs)
        self.columns_shown = COLUMN_SETS[columns]
        self.calls: dict[int, Call] = {}
        self._now_day = None
        self.has_more = False

    def on_mount(self) -> None:
        for key in self.columns_shown:
            label, width, grow, _cell = COLUMNS[key]
            self.add_column(label, key=key, width=width, grow=grow)

    def show_calls(self, calls: list[Call], zone: ZoneInfo, now: datetime) -> None:
        """Replace the rows, keeping the cursor on the same call when it is still there."""
        if self.row_count == len(calls) and list(self.calls.values()) == calls and self._now_day == (
                now.astimezone(zone).date()):
            return  # nothing changed (another desk saved a draft, say): no redraw, no flicker
        self._now_day = now.astimezone(zone).date()
        selected = self.selected_id
        self.calls = {call.id: call for call in calls}
        with self.app.batch_update():
            self.clear()
            self.add_rows((self._cells(call, zone, now), str(call.id)) for call in calls)
            if selected is not None and selected in self.calls:
                self.move_cursor(row=self.get_row_index(str(selected)))

    def show_page(self, page: Page, zone: ZoneInfo, now: datetime) -> None:
        """The first page(s) of a longer list: the rows, and whether more follow."""
        self.show_calls(list(page.items), zone, now)
        self.has_more = self.row_count < page.total

    def append_page(self, page: Page, zone: ZoneInfo, now: datetime) -> None:
        """The next page, below the rows shown."""
        self.append_calls(list(page.items), zone, now)
        self.has_more = self.row_count < page.total

    @property
    def last_call(self) -> Call | None:
        """The oldest call shown: the next page starts after it."""
        return next(reversed(self.calls.values()), None)

    def append_calls(self, calls: list[Call], zone: ZoneInfo, now: datetime) -> None:
        """Add an older page below the rows shown (keyset paging: nothing is fetched twice)."""
        fresh = [call for call in calls if call.id not in self.calls]
        self.calls.update((call.id, call) for call in fresh)
        self.add_rows((self._cells(call, zone, now), str(call.id)) for call in fresh)

    def _cells(self, call: Call, zone: ZoneInfo, now: datetime) -> list[Text]:
        return [COLUMNS[key][3](call, zone, now) for key in self.columns_shown]

    def on_row_table_row_highlighted(self, event: RowTable.RowHighlighted) -> None:
        if self.has_more and event.cursor_row >= self.row_count - 1:
            self.has_more = False  # ask once; the screen sets it again if there are still more
            self.post_message(self.NeedMore(self))
