"""A customer's page: profile, numbers, promises and the whole history, newest first."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Label, Static

from frontdesk.customers import merged_names
from frontdesk.formatting import day_time, time_left
from frontdesk.models import Call, Customer, Page
from widgets.call_table import CallTable
from widgets.key_bar import KeyBar
from widgets.safe import block, plain

from .base import BACK, FIRST_PAGE, DeskScreenBase, db_work
from .complaint_fields import CustomerComplaints
from .customer_edit import EditCustomer, ask_merge, ask_phone
from .messages import AuditLoaded, CallsLoaded, CustomerLoaded
from .modals import Choose, ShowText


class CustomerScreen(DeskScreenBase):
    TITLE_TEXT = "customer"
    BINDINGS = [
        BACK,
        Binding("e", "edit", "Edit", id="edit"),
        Binding("p", "add_phone", "Add number", id="add_phone"),
        Binding("u", "edit_phone", "Edit number", id="edit_phone", show=False),
        Binding("d", "remove_phone", "Remove number", id="remove_phone", show=False),
        Binding("g", "merge", "Merge", id="merge"),
        Binding("c", "call", "Call", id="call"),
        Binding("h", "audit", "Changes", id="audit", show=False),
        Binding("l", "more", "Older calls", id="more", show=False),
    ]
    DEFAULT_CSS = """
    CustomerScreen #top { height: auto; max-height: 9; }
    CustomerScreen #profile { width: 1fr; height: auto; padding: 0 1; }
    CustomerScreen #promises { width: 1fr; height: auto; max-height: 9; padding: 0 1; }
    """

    customer: Customer | None = None  # as last read (a merge may have changed its id)

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id

    def compose(self) -> ComposeResult:
        yield self.status_bar()
        with Horizontal(id="top"):
            yield Static("", id="profile")
            yield Static("", id="promises")
        yield CustomerComplaints(id="complaints")
        yield Label("History", classes="section-title", id="history-title")
        yield CallTable(columns="history", id="history")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#history", CallTable).focus()
        # The first page is read here, on the UI thread, from the reader connection (which never
        # waits for a writer), so the first frame shows it (docs/performance.md). A failure
        # leaves the page empty with a toast, as a worker's would.
        try:
            self._show(*self._fetch(self.customer_id))
        except Exception as exc:  # noqa: BLE001 - reported; the app goes on
            self.desk_app.report_failure(exc)
        self.loaded_on_mount = True

    def reload(self) -> None:
        shown = max(self.query_one("#history", CallTable).row_count, FIRST_PAGE)  # keep the pages shown
        self._load(self.customer_id, shown)

    @db_work("customer-load")
    def _load(self, customer_id: int, limit: int) -> None:
        self.post_message(CustomerLoaded(*self._fetch(customer_id, limit)))

    @on(CustomerLoaded)
    def _loaded(self, message: CustomerLoaded) -> None:
        self._show(message.customer, message.history, message.promises, message.emails)

    def _fetch(self, customer_id: int, limit: int = FIRST_PAGE) -> tuple:
        customer = self.desk.customers.customer(customer_id)
        return (customer, self.desk.history_page(customer.id, limit), self.desk.promises(customer.id, limit=20),
                self.desk.customers.emails(customer.id))

    def _show(self, customer, history: Page, promises, emails: tuple = ()) -> None:
        self.customer, self.customer_id = customer, customer.id
        now, zone = self.desk.clock.now(), self.desk.zone
        profile = Text()
        profile.append_text(plain(customer.name or "(no name)", style="bold"))
        if customer.company:
            profile.append("  ")
            profile.append_text(plain(customer.company))
        profile.append(f"   #{customer.id}", style="dim")
        merged, notes = merged_names(customer.notes)
        for line in merged:  # under the name: the names a caller may still give
            profile.append("\n")
            profile.append_text(plain(line, 120))
        for phone in customer.phones:
            profile.append(f"\n{self.desk.national(phone.e164, phone.ext)}")
            if phone.label:
                profile.append("  ")
                profile.append_text(plain(phone.label, 16, style="dim"))
        for email in emails:  # brought in by a contacts import
            profile.append("\n")
            profile.append_text(plain(email, 60))
        if notes:
            profile.append("\n")
            profile.append_text(plain(notes, 200, style="italic"))
        self.query_one("#profile", Static).update(profile)
        lines = Text("Promises", style="bold")
        if not promises:
            lines.append("\n none yet", style="dim")
        for cb in promises[:6]:
            lines.append("\n")
            if cb.state == "open":
                lines.append(f"{'!!' if cb.due_at <= now else ' !'} open, {time_left(cb.due_at, now)}", style="bold")
            elif cb.state == "done":
                verdict = "kept" if cb.kept_on_time else "late"
                lines.append(f" done {day_time(cb.done_at, zone, now)}, {verdict}")
            else:
                lines.append(" cancelled: ")
                lines.append_text(plain(cb.cancel_reason, 24))
            lines.append(f" [{cb.assignee}] ")
            lines.append_text(plain(cb.topic, 20))
        self.query_one("#promises", Static).update(lines)
        self.query_one("#history", CallTable).show_page(history, zone, now)
        self._titled(history.total)
        self.query_one(CustomerComplaints).load(customer.id)

    def _titled(self, total: int) -> None:
        table = self.query_one("#history", CallTable)
        more = " (l or scroll: older)" if table.has_more else ""
        self.query_one("#history-title", Label).update(
            f"History: {table.row_count} of {total} calls, newest first{more}")

    @on(CallTable.NeedMore, "#history")
    def _need_more(self) -> None:
        self.action_more()

    def action_more(self) -> None:
        table = self.query_one("#history", CallTable)
        if table.has_more and table.last_call is not None:
            self.load_older(self.customer_id, table.last_call)

    @db_work("customer-more")
    def load_older(self, customer_id: int, after: Call) -> None:
        self.post_message(CallsLoaded(self.desk.history_page(customer_id, FIRST_PAGE, after), more=True))

    @on(CallsLoaded)
    def _append(self, message: CallsLoaded) -> None:
        self.query_one("#history", CallTable).append_page(message.page, self.desk.zone, self.desk.clock.now())
        self._titled(message.page.total)

    @on(CallTable.Chosen)
    def _call_chosen(self, event: CallTable.Chosen) -> None:
        call = self.query_one("#history", CallTable).calls.get(event.call_id)
        if call is None:
            return
        direction = "inbound from" if call.direction == "in" else "outbound to"
        note = Text()
        note.append(f"{day_time(call.at, self.desk.zone)}  {direction} {self.desk.national(call.e164, call.ext)}",
                    style="bold")
        note.append("\n")
        note.append_text(plain(call.outcome_text))  # a message: for whom, its boxes, read or not
        note.append(", taken by ")
        note.append_text(plain(call.operator))
        if call.callback_id:
            note.append(f"  (returned callback #{call.callback_id})", style="dim")
        note.append("\n\n")
        note.append_text(plain(call.topic or "(no topic)", style="bold"))
        note.append("\n")
        note.append_text(block(call.note or "(no note)"))
        self.app.push_screen(ShowText(note, title=f"Call #{call.id}"))


    def action_edit(self) -> None:
        if self.customer:
            self.app.push_screen(EditCustomer(self.customer))

    def action_add_phone(self) -> None:
        if self.customer:
            ask_phone(self, self.customer)

    def action_edit_phone(self) -> None:
        if not self.customer or not self.customer.phones:
            return
        choices = [(str(p.id), self.desk.national(p.e164, p.ext) + (f"  {p.label}" if p.label else ""))
                   for p in self.customer.phones]

        def chosen(phone_id: str | None) -> None:
            phone = next((p for p in self.customer.phones if str(p.id) == phone_id), None)
            if phone:
                ask_phone(self, self.customer, phone)

        self.app.push_screen(Choose("Edit which number?", choices), chosen)

    def action_remove_phone(self) -> None:
        if not self.customer or not self.customer.phones:
            return
        choices = [(str(p.id), self.desk.national(p.e164, p.ext)) for p in self.customer.phones]

        def chosen(phone_id: str | None) -> None:
            if phone_id:
                self.run_service(lambda: self.desk.customers.remove_phone(int(phone_id)),
                                 done=lambda _: self.notify("Number removed", timeout=3))

        self.app.push_screen(Choose("Remove which number?", choices), chosen)

    def action_merge(self) -> None:
        if self.customer:
            ask_merge(self, self.customer)

    def action_call(self) -> None:
        if self.customer:
            phone = self.customer.phones[0] if self.customer.phones else None
            self.desk_app.open_new_call({
                "phone": self.desk.national(phone.e164, phone.ext) if phone else "",
                "customer_id": self.customer.id, "name": self.customer.name, "direction": "out",
            })

    def action_audit(self) -> None:
        if self.customer:
            self.load_audit(self.customer.id)

    @db_work("customer-audit")
    def load_audit(self, customer_id: int) -> None:
        self.post_message(AuditLoaded(self.desk.audit(customer_id)))

    @on(AuditLoaded)
    def _show_audit(self, message: AuditLoaded) -> None:
        now, zone = self.desk.clock.now(), self.desk.zone
        text = Text()
        for entry in message.entries:
            text.append(f"{day_time(entry.at, zone, now)} ")
            text.append_text(plain(entry.operator, 10, style="bold"))
            text.append(f" {entry.action} {entry.entity} {entry.field}: ")
            text.append_text(plain(entry.old or "-", 30))
            text.append(" -> ")
            text.append_text(plain(entry.new or "-", 30))
            text.append("\n")
        self.app.push_screen(ShowText(text or Text("No changes recorded"), title="Who changed what"))

