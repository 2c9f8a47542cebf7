"""The complaints list (p on the desk): open complaints, the one waiting longest first, with
their age. Enter opens the customer; v resolves the highlighted one (what was done, a note),
which promises the follow-up by itself."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label

from frontdesk.complaints import describe_followup
from frontdesk.formatting import day_time
from frontdesk.models import Complaint
from frontdesk.text import one_line
from widgets.key_bar import KeyBar

from .base import BACK, DeskScreenBase, db_work
from .complaint_fields import ResolveComplaint, age

LIST_LIMIT = 200


@dataclass
class ComplaintsLoaded(Message):
    complaints: list[Complaint]
    total: int


class ComplaintsScreen(DeskScreenBase):
    TITLE_TEXT = "complaints"
    BINDINGS = [
        BACK,
        Binding("enter", "open_customer", "Customer", id="open_customer"),
        Binding("v", "resolve", "Resolve", id="resolve"),
    ]
    DEFAULT_CSS = """
    ComplaintsScreen #complaints { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.complaints: dict[int, Complaint] = {}

    def compose(self) -> ComposeResult:
        yield self.status_bar()
        yield Label("Open complaints", classes="section-title", id="complaints-title")
        table: DataTable = DataTable(id="complaints", cursor_type="row", zebra_stripes=False)
        table.add_columns("Age", "Opened", "Caller", "Phone", "Topic")
        yield table
        yield Label("No open complaints. Mark a call as one with ctrl+g on the new-call form.", classes="hint",
                    id="complaints-empty")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#complaints", DataTable).focus()

    @db_work("complaints-load")
    def reload(self) -> None:
        items, total = self.desk.complaints.open_page(LIST_LIMIT)
        self.post_message(ComplaintsLoaded(items, total))

    @on(ComplaintsLoaded)
    def _loaded(self, message: ComplaintsLoaded) -> None:
        table = self.query_one("#complaints", DataTable)
        now, zone = self.desk.clock.now(), self.desk.zone
        current = self.current()
        table.clear()
        self.complaints = {c.id: c for c in message.complaints}
        for c in message.complaints:
            table.add_row(age(now, c.opened_at), day_time(c.opened_at, zone, now), Text(one_line(c.caller, 30)),
                          self.desk.national(c.e164), Text(one_line(c.topic or c.note, 60)), key=str(c.id))
        shown = len(message.complaints)
        more = f" (the {shown} waiting longest)" if message.total > shown else ""
        self.query_one("#complaints-title", Label).update(f"Open complaints: {message.total}, oldest first{more}")
        self.query_one("#complaints-empty", Label).display = not message.complaints
        if current is not None and current.id in self.complaints:
            table.move_cursor(row=table.get_row_index(str(current.id)))

    def current(self) -> Complaint | None:
        table = self.query_one("#complaints", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.complaints.get(int(key)) if key else None

    @on(DataTable.RowSelected, "#complaints")
    def _selected(self) -> None:
        self.action_open_customer()

    def action_open_customer(self) -> None:
        if (c := self.current()) is not None:
            self.desk_app.open_customer(c.customer_id)

    def action_resolve(self) -> None:
        c = self.current()
        if c is None:
            self.app.bell()
            return
        when = describe_followup(self.desk.settings.followup)
        follow_up = ("No follow-up is promised: follow-ups are off (settings)." if when == "off"
                     else f"A follow-up callback is promised by itself, due {when} (settings).")

        def resolved(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            kind, note = answer
            self.run_service(lambda: self.desk.complaints.resolve(c.id, kind, note, c.version), done=self._resolved)

        self.app.push_screen(ResolveComplaint(c, follow_up), resolved)

    def _resolved(self, done) -> None:
        now = self.desk.clock.now()
        words = Text(f"Complaint of {one_line(done.complaint.caller, 40)} resolved; ")
        if done.follow_up is not None:
            words.append(f"follow-up due {day_time(done.follow_up.due_at, self.desk.zone, now)}")
        else:
            words.append(done.why_no_follow_up)
        self.notify(words, timeout=6)
