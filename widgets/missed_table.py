"""The missed-calls list: one row per caller's missed calls that share a promise (or one missed
call without a promise), latest first: when they last tried, who (or the number), how many
times, and what became of the promise. Rows nobody has marked seen carry 'new', which reads
without colour."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from frontdesk.formatting import short_when, time_left
from frontdesk.models import Callback
from frontdesk.phone.models import MissedCall

from .row_table import RowTable
from .safe import plain


def tries(attempts: int) -> str:
    return "once" if attempts == 1 else f"{attempts} times"


def promise_words(callback: Callback | None, now: datetime) -> str:
    """'due in 40 min', '2 h overdue', 'kept', 'kept, late', 'cancelled', or '-' (none opened)."""
    if callback is None:
        return "-"
    if callback.state == "open":
        return time_left(callback.due_at, now)
    if callback.state == "done":
        return "kept" if callback.kept_on_time else "kept, late"
    return callback.state


class MissedTable(RowTable):
    DEFAULT_CSS = """
    MissedTable { height: 1fr; }
    """

    class Chosen(RowTable.Chosen):
        """A row was opened (Enter or a click on the highlighted row)."""

        @property
        def phone_call_id(self) -> int:
            return int(self.key)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.missed: dict[int, MissedCall] = {}

    def on_mount(self) -> None:
        self.add_column("", key="new", width=3)
        self.add_column("when", key="when", width=12)
        self.add_column("caller", key="caller", width=22, grow=3)
        self.add_column("tried", key="tried", width=8)
        self.add_column("promise", key="promise", width=22, grow=1)

    def show(self, missed: list[MissedCall], zone: ZoneInfo, now: datetime) -> None:
        selected = self.selected_key
        self.missed = {m.phone_call_id: m for m in missed}
        with self.app.batch_update():
            self.clear()
            self.add_rows((self._cells(m, zone, now), str(m.phone_call_id)) for m in missed)
            if selected is not None and selected in self._index:
                self.move_cursor(row=self.get_row_index(selected))

    def _cells(self, m: MissedCall, zone: ZoneInfo, now: datetime) -> list[Text]:
        caller = plain(m.caller)
        if m.number and m.caller != m.number:
            caller.append(f"  {m.number}", style="dim")
        return [
            Text("new" if not m.seen else "", style="bold"),
            Text(short_when(m.last_at, zone, now)),
            caller,
            Text(tries(m.attempts)),
            Text(promise_words(m.callback, now), style="bold" if m.callback and m.callback.state == "open" else ""),
        ]
