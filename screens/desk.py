"""The desk: the callback queue on top, today's calls below. Home screen of the app."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Label

from frontdesk.clock import to_iso
from frontdesk.hours import PRESETS
from frontdesk.when import WhenError, parse_when
from widgets.call_table import CallTable
from widgets.callback_queue import CallbackQueue

from .base import FIRST_PAGE, DeskScreenBase
from .modals import Choose, Prompt


class DeskScreen(DeskScreenBase):
    TITLE_TEXT = "desk"
    BINDINGS = [
        Binding("c", "call_back", "Call back", id="call_back"),
        Binding("t", "reschedule", "Reschedule", id="reschedule"),
        Binding("k", "acknowledge", "Ack", id="acknowledge"),
        Binding("z", "snooze", "Snooze", id="snooze"),
        Binding("a", "reassign", "Reassign", id="reassign", show=False),
        Binding("x", "cancel_callback", "Cancel callback", id="cancel_callback", show=False),
        Binding("m", "toggle_mine", "Mine/all", id="toggle_mine", show=False),
        Binding("o", "open_customer", "Customer", id="open_customer", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mine = False
        self.shown = 0
        self._queue_title = ""

    def compose(self) -> ComposeResult:
        yield self.status_bar()
        yield Label("Callbacks (all)", classes="section-title", id="queue-title")
        yield CallbackQueue(id="queue")
        yield Label("No open callbacks. Promise one from a call with the outcome 'callback promised'.",
                    classes="hint", id="queue-empty")
        yield Label("Today's calls", classes="section-title", id="calls-title")
        yield CallTable(id="calls")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#calls", CallTable).focus()

    # -- data -------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="desk-load")
    def reload(self) -> None:
        shown = max(self.shown, FIRST_PAGE)  # a live update keeps the pages already loaded
        calls = self.desk.todays_calls(limit=shown)
        total = self.desk.count_calls_on(self.desk.today())
        self.app.call_from_thread(self._show_calls, calls, total)

    def _show_calls(self, calls, total: int) -> None:
        table = self.query_one("#calls", CallTable)
        table.show_calls(calls, self.desk.zone, self.desk.clock.now())
        self._paged(table, total)
        self.on_tick()

    def _paged(self, table: CallTable, total: int) -> None:
        self.shown = table.row_count
        table.has_more = table.row_count < total
        more = " - more below" if table.has_more else ""
        title = f"Today's calls ({table.row_count} of {total}{more})" if total else (
            "Today's calls (none yet: press n to log one)")
        self.query_one("#calls-title", Label).update(title)

    @on(CallTable.NeedMore, "#calls")
    @work(thread=True, exclusive=True, group="desk-more")
    def load_more(self) -> None:
        table = self.query_one("#calls", CallTable)
        last = table.calls[list(table.calls)[-1]]
        older = self.desk.todays_calls(limit=FIRST_PAGE, before=(to_iso(last.at), last.id))
        total = self.desk.count_calls_on(self.desk.today())
        self.app.call_from_thread(self._append, older, total)

    def _append(self, older, total: int) -> None:
        table = self.query_one("#calls", CallTable)
        table.append_calls(older, self.desk.zone, self.desk.clock.now())
        self._paged(table, total)

    def on_tick(self) -> None:
        queue = [cb for cb in self.app.queue if not self.mine or cb.assignee == self.desk.operator]
        widget = self.query_one("#queue", CallbackQueue)
        lead = timedelta(minutes=self.desk.settings.lead_minutes)
        widget.show(queue, self.desk.clock.now(), lead, self.desk.zone)
        who = "mine" if self.mine else "all"
        title = f"Callbacks ({who}, {len(queue)} open)"
        if title != self._queue_title:  # a changed label means a new layout: only when it changes
            self._queue_title = title
            self.query_one("#queue-title", Label).update(title)
            self.query_one("#queue-empty", Label).display = not queue
        # Rebuilding the footer costs ~27 ms: only when the keys that apply actually change.
        selected = self._selected() is not None
        if selected != getattr(self, "_had_selection", None):
            self._had_selection = selected
            self.refresh_bindings()

    # -- which callback ---------------------------------------------------------------------
    def _selected(self):
        queue = self.query_one("#queue", CallbackQueue)
        cb_id = queue.selected_id
        return queue.callbacks.get(cb_id) if cb_id is not None else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in {"call_back", "reschedule", "acknowledge", "snooze", "reassign", "cancel_callback"}:
            return True if self._selected() is not None else None
        if action == "open_customer":
            return True if self.query_one("#calls", CallTable).selected_id is not None or self._selected() else None
        return True

    @on(CallTable.Chosen)
    def _call_chosen(self, event: CallTable.Chosen) -> None:
        call = self.query_one("#calls", CallTable).calls.get(event.call_id)
        if call:
            self.app.open_customer(call.customer_id)

    @on(CallbackQueue.Chosen)
    def _callback_chosen(self, event: CallbackQueue.Chosen) -> None:
        from .callback import CallbackScreen

        self.app.push_screen(CallbackScreen(event.callback_id))

    def action_open_customer(self) -> None:
        focused = self.focused
        if isinstance(focused, CallbackQueue) and self._selected():
            self.app.open_customer(self._selected().customer_id)
            return
        table = self.query_one("#calls", CallTable)
        call = table.calls.get(table.selected_id) if table.selected_id is not None else None
        if call:
            self.app.open_customer(call.customer_id)

    def action_toggle_mine(self) -> None:
        self.mine = not self.mine
        self.on_tick()

    # -- callback actions (shared with the callback screen) -----------------------------------
    def action_call_back(self) -> None:
        cb = self._selected()
        if cb:
            start_callback_call(self.app, cb)

    def action_reschedule(self) -> None:
        cb = self._selected()
        if cb:
            ask_reschedule(self, cb)

    def action_reassign(self) -> None:
        cb = self._selected()
        if cb:
            ask_reassign(self, cb)

    def action_cancel_callback(self) -> None:
        cb = self._selected()
        if cb:
            ask_cancel(self, cb)

    def action_acknowledge(self) -> None:
        cb = self._selected()
        if cb:
            self.app.tracker.acknowledge(cb.id)
            self.run_service(lambda: self.desk.acknowledge(cb.id),
                             done=lambda _: self.notify(Text(f"Acknowledged: {cb.caller}"), timeout=3))

    def action_snooze(self) -> None:
        cb = self._selected()
        if cb:
            ask_snooze(self, cb)


def start_callback_call(app, cb) -> None:
    """The new-call form, pre-filled as the outbound call that returns this promise."""
    app.open_new_call({
        "phone": app.desk.national(cb.e164), "customer_id": cb.customer_id, "direction": "out",
        "callback_id": cb.id, "topic": cb.topic, "outcome": "resolved", "name": cb.customer_name,
    })


def ask_reschedule(screen, cb) -> None:
    desk = screen.desk
    choices = [(key, label) for key, label in PRESETS] + [("custom", "custom time...")]

    def with_reason(due) -> None:
        def save(reason: str | None) -> None:
            if reason:
                screen.run_service(lambda: desk.reschedule(cb.id, due, reason, cb.version),
                                   done=lambda _: screen.notify("Callback moved", timeout=3))

        screen.app.push_screen(Prompt(f"Why does the callback to {cb.caller} move?",
                                      check=lambda v: "" if v else "a reason is needed"), save)

    def chosen(key: str | None) -> None:
        if key is None:
            return
        if key != "custom":
            with_reason(desk.promise_due(key))
            return

        def check(value: str) -> str:
            try:
                due = parse_when(value, desk.clock.now(), desk.zone)
            except WhenError as exc:
                return str(exc)
            return "" if due > desk.clock.now() else "that time has already passed"

        screen.app.push_screen(
            Prompt("New time (HH:MM, 'tomorrow 10:00' or 2026-11-24T10:00)", check=check),
            lambda text: with_reason(parse_when(text, desk.clock.now(), desk.zone)) if text else None,
        )

    screen.app.push_screen(Choose(f"Move the callback to {cb.caller} to:", choices), chosen)


def ask_reassign(screen, cb) -> None:
    def save(who: str | None) -> None:
        if who:
            screen.run_service(lambda: screen.desk.reassign(cb.id, who, cb.version),
                               done=lambda _: screen.notify(Text(f"Callback now with {who}"), timeout=3))

    screen.app.push_screen(Prompt(f"Who calls {cb.caller} back?", value=cb.assignee,
                                  check=lambda v: "" if v else "a name is needed"), save)


def ask_cancel(screen, cb) -> None:
    def save(reason: str | None) -> None:
        if reason:
            screen.run_service(lambda: screen.desk.cancel(cb.id, reason, cb.version),
                               done=lambda _: screen.notify("Callback cancelled", timeout=3))

    screen.app.push_screen(Prompt(f"Why is the callback to {cb.caller} cancelled?",
                                  check=lambda v: "" if v else "a reason is needed"), save)


def ask_snooze(screen, cb) -> None:
    def save(choice: str | None) -> None:
        if choice:
            screen.run_service(lambda: screen.desk.snooze(cb.id, int(choice)),
                               done=lambda _: screen.notify(f"Snoozed {choice} min", timeout=3))

    screen.app.push_screen(Choose(f"Remind about {cb.caller} again in:",
                                  [("5", "5 minutes"), ("15", "15 minutes"), ("30", "30 minutes")]), save)
