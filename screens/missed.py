"""Missed calls (`u` on the desk): who rang and reached nobody, latest first, with how many
times they tried and the promise each opened; `a` marks them all seen; Enter opens the caller."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from widgets.key_bar import KeyBar
from widgets.missed_table import MissedTable

from .base import BACK, DeskScreenBase, db_work
from .messages import MissedLoaded

LIMIT = 200  # rows the list shows: the latest; older missed calls are in the customers' histories


class MissedCallsScreen(DeskScreenBase):
    TITLE_TEXT = "missed calls"
    BINDINGS = [
        BACK,
        Binding("a", "mark_all_seen", "Mark all seen", id="mark_all_seen"),
        Binding("o", "open_customer", "Customer", id="open_customer"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.unseen = 0

    def compose(self) -> ComposeResult:
        yield self.status_bar()
        yield Label("Missed calls", classes="section-title", id="missed-title")
        yield MissedTable(id="missed")
        yield Label("No missed calls. A call nobody answers is listed here, with the callback it "
                    "promises.", classes="hint", id="missed-empty")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#missed", MissedTable).focus()

    def reload(self) -> None:
        self.load()

    @db_work("missed-load")
    def load(self) -> None:
        self.post_message(MissedLoaded(self.desk.phone.missed(LIMIT), self.desk.phone.unseen_missed_count()))

    @on(MissedLoaded)
    def _loaded(self, message: MissedLoaded) -> None:
        table = self.query_one("#missed", MissedTable)
        table.show(message.missed, self.desk.zone, self.desk.clock.now())
        self.unseen = message.unseen
        shown = len(message.missed)
        title = "Missed calls"
        if shown:
            title += f" ({shown}{' latest' if shown >= LIMIT else ''}"
            title += f", {message.unseen} not seen)" if message.unseen else ", all seen)"
        self.query_one("#missed-title", Label).update(title)
        self.query_one("#missed-empty", Label).display = not shown
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "mark_all_seen":
            return True if self.unseen else None
        if action == "open_customer":
            table = self.query("#missed")
            missed = table.first().missed if table else {}
            key = table.first().selected_key if table else None
            row = missed.get(int(key)) if key is not None else None
            return True if row is not None and row.customer_id is not None else None
        return True

    def action_mark_all_seen(self) -> None:
        def done(count: int) -> None:
            self.notify(f"{count} missed call{'s' if count != 1 else ''} marked seen." if count else
                        "Every missed call was already seen.", timeout=4)

        self.run_service(self.desk.phone.mark_all_seen, done=done)

    @on(MissedTable.Chosen)
    def _chosen(self, event: MissedTable.Chosen) -> None:
        self._open(event.phone_call_id)

    def action_open_customer(self) -> None:
        key = self.query_one("#missed", MissedTable).selected_key
        if key is not None:
            self._open(int(key))

    def _open(self, phone_call_id: int) -> None:
        row = self.query_one("#missed", MissedTable).missed.get(phone_call_id)
        if row is None:
            return
        if row.customer_id is None:
            self.app.bell()
            self.notify("No customer to open: the number was withheld (or is not one).", timeout=5)
            return
        self.desk_app.open_customer(row.customer_id)

    @on(MissedTable.RowHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()
