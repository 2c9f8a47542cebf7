"""A page of calls: time, caller, topic, outcome, operator. Rows keyed by call id."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.message import Message

from frontdesk.formatting import short_when
from frontdesk.models import Call

from .row_table import RowTable
from .safe import plain

# key: (heading, width, cell)
COLUMNS = {
    "when": ("when", 12, lambda c, zone, now: Text(short_when(c.at, zone, now))),
    "dir": ("", 3, lambda c, zone, now: Text("in" if c.direction == "in" else "out")),
    "caller": ("caller", 18, lambda c, zone, now: plain(c.caller, 18)),
    "topic": ("topic", 14, lambda c, zone, now: plain(c.topic, 14)),
    "outcome": ("outcome", 14, lambda c, zone, now: Text(c.outcome_label, overflow="ellipsis", no_wrap=True)),
    "by": ("by", 6, lambda c, zone, now: plain(c.operator, 6)),
    "note": ("note", 18, lambda c, zone, now: plain(c.note, 18)),
    "long_note": ("note", 30, lambda c, zone, now: plain(c.note, 200)),
}
COLUMN_SETS = {
    "desk": ("when", "dir", "caller", "topic", "outcome", "by"),
    "history": ("when", "dir", "topic", "outcome", "by", "note"),
    "notes": ("when", "caller", "topic", "long_note"),
}


class CallTable(RowTable):
    """Shows calls it is given; posts Chosen when a row is opened with Enter."""

    DEFAULT_CSS = """
    CallTable { height: 1fr; }
    """

    class Chosen(Message):
        def __init__(self, call_id: int) -> None:
            super().__init__()
            self.call_id = call_id

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
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.columns_shown = COLUMN_SETS[columns]
        self.calls: dict[int, Call] = {}
        self._now_day = None
        self.has_more = False

    def on_mount(self) -> None:
        for key in self.columns_shown:
            label, width, _cell = COLUMNS[key]
            self.add_column(label, key=key, width=width)

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

    def append_calls(self, calls: list[Call], zone: ZoneInfo, now: datetime) -> None:
        """Add an older page below the rows shown (keyset paging: nothing is fetched twice)."""
        fresh = [call for call in calls if call.id not in self.calls]
        self.calls.update((call.id, call) for call in fresh)
        self.add_rows((self._cells(call, zone, now), str(call.id)) for call in fresh)

    def _cells(self, call: Call, zone: ZoneInfo, now: datetime) -> list[Text]:
        return [COLUMNS[key][2](call, zone, now) for key in self.columns_shown]

    def on_row_table_row_highlighted(self, event: RowTable.RowHighlighted) -> None:
        if self.has_more and event.cursor_row >= self.row_count - 1:
            self.has_more = False  # ask once; the screen sets it again if there are still more
            self.post_message(self.NeedMore(self))

    @property
    def selected_id(self) -> int | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return int(key.value) if key.value is not None else None

    def on_row_table_row_selected(self, event: RowTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Chosen(int(event.row_key.value)))
