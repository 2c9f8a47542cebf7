"""A page of calls: time, caller, topic, outcome, operator. Rows keyed by call id."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from frontdesk.formatting import short_when
from frontdesk.models import Call

from .safe import plain


class CallTable(DataTable):
    """Shows calls it is given; posts Chosen when a row is opened with Enter."""

    DEFAULT_CSS = """
    CallTable { height: 1fr; }
    """

    class Chosen(Message):
        def __init__(self, call_id: int) -> None:
            super().__init__()
            self.call_id = call_id

    def __init__(self, *, show_caller: bool = True, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.show_caller = show_caller
        self.calls: dict[int, Call] = {}
        self._now_day = None

    def on_mount(self) -> None:
        self.add_column("when", key="when", width=12)
        self.add_column("", key="dir", width=3)
        if self.show_caller:
            self.add_column("caller", key="caller", width=18)
        self.add_column("topic", key="topic", width=14)
        self.add_column("outcome", key="outcome", width=14)
        self.add_column("by", key="by", width=6)
        if not self.show_caller:
            self.add_column("note", key="note", width=18)

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
            for call in calls:
                cells = [Text(short_when(call.at, zone, now)), Text("in" if call.direction == "in" else "out")]
                if self.show_caller:
                    cells.append(plain(call.caller, 18))
                cells += [plain(call.topic, 14), Text(call.outcome_label, overflow="ellipsis", no_wrap=True), plain(call.operator, 6)]
                if not self.show_caller:
                    cells.append(plain(call.note, 18))
                self.add_row(*cells, key=str(call.id))
            if selected is not None and selected in self.calls:
                self.move_cursor(row=self.get_row_index(str(selected)))

    @property
    def selected_id(self) -> int | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return int(key.value) if key.value is not None else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Chosen(int(event.row_key.value)))
