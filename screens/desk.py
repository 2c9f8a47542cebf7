"""The desk: the callback queue on top, today's calls below. Home screen of the app."""

from __future__ import annotations

from datetime import timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from frontdesk.models import Call, Page
from widgets.call_table import CallTable
from widgets.callback_queue import CallbackQueue
from widgets.key_bar import KeyBar

from .base import FIRST_PAGE, DeskScreenBase, db_work
from .callback_actions import CALLBACK_KEYS, CallbackActions, callback_bindings
from .messages import CallsLoaded, TypedThrough


class DeskScreen(CallbackActions, DeskScreenBase):
    TITLE_TEXT = "desk"
    BINDINGS = [
        *callback_bindings("call_back", "reschedule", "acknowledge", "snooze"),
        Binding("m", "toggle_mine", "Mine/all", id="toggle_mine", show=False),
        Binding("o", "open_customer", "Customer", id="open_customer", show=False),
        Binding("p", "complaints", "Complaints", id="complaints", show=False),
        # The status bar says 'N missed (u)' while some are not seen.
        Binding("u", "missed_calls", "Missed calls", id="missed_calls", show=False),
        Binding("i", "messages", "Messages", id="messages", show=False),  # the key bar is full: ? and the palette list it
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mine = False
        self._queue_title = ""
        self._had_selection: bool | None = None

    def compose(self) -> ComposeResult:
        yield self.status_bar()
        yield Label("Callbacks (all)", classes="section-title", id="queue-title")
        yield CallbackQueue(id="queue")
        yield Label("No open callbacks. Promise one from a call with the outcome 'callback promised'.",
                    classes="hint", id="queue-empty")
        yield Label("Today's calls", classes="section-title", id="calls-title")
        yield CallTable(id="calls")
        yield KeyBar()

    def on_mount(self) -> None:
        # The urgent list first: with callbacks open, c / t / k act on the highlighted one.
        self.query_one("#queue" if self.desk_app.queue else "#calls").focus()
        # The first page is read here, on the UI thread, from the reader connection (which never
        # waits for a writer), so the first frame already shows it (docs/performance.md).
        self._show_calls(self.desk.todays_page(FIRST_PAGE))
        self.loaded_on_mount = True

    # -- data -------------------------------------------------------------------------------
    def _shown(self) -> int:
        """Rows to read again on a live update: the pages already shown."""
        return max(self.query_one("#calls", CallTable).row_count, FIRST_PAGE)

    def reload(self) -> None:
        self._load(self._shown())

    @db_work("desk-load")
    def _load(self, limit: int) -> None:
        self.post_message(CallsLoaded(self.desk.todays_page(limit)))

    @on(CallTable.NeedMore, "#calls")
    def _need_more(self) -> None:
        last = self.query_one("#calls", CallTable).last_call
        if last is not None:
            self.load_more(last)

    @db_work("desk-more")
    def load_more(self, after: Call) -> None:
        self.post_message(CallsLoaded(self.desk.todays_page(FIRST_PAGE, after), more=True))

    @on(CallsLoaded)
    def _calls_loaded(self, message: CallsLoaded) -> None:
        self._show_calls(message.page, more=message.more)

    def _show_calls(self, page: Page, more: bool = False) -> None:
        table = self.query_one("#calls", CallTable)
        if more:
            table.append_page(page, self.desk.zone, self.desk.clock.now())
        else:
            table.show_page(page, self.desk.zone, self.desk.clock.now())
        shown, total = table.row_count, page.total
        title = f"Today's calls ({shown} of {total}{' - more below' if table.has_more else ''})" if total else (
            "Today's calls (none yet: press n to log one)")
        self.query_one("#calls-title", Label).update(title)
        if not more:
            self.on_tick()

    def on_tick(self) -> None:
        queue = [cb for cb in self.desk_app.queue if not self.mine or cb.assignee == self.desk.operator]
        total = self.desk_app.queue_mine_total if self.mine else self.desk_app.queue_total
        widget = self.query_one("#queue", CallbackQueue)
        lead = timedelta(minutes=self.desk.settings.lead_minutes)
        widget.show(queue, self.desk.clock.now(), lead, self.desk.zone)
        who = "mine" if self.mine else "all"
        title = f"Callbacks ({who}, {total} open)"
        shown = widget.row_count
        if widget.has_more or (not self.desk_app.queue_complete and total > shown):
            title += f" - first {shown} shown, more below"
        elif total > shown:  # more are open than the app holds: the soonest are the ones that matter
            title += f" - the soonest {shown} shown"
        if title != self._queue_title:  # a changed label means a new layout: only when it changes
            self._queue_title = title
            self.query_one("#queue-title", Label).update(title)
            self.query_one("#queue-empty", Label).display = not queue
        # The key line is recomputed only when the keys that apply change (a callback selected or not).
        selected = self._selected() is not None
        if selected != self._had_selection:
            self._had_selection = selected
            self.refresh_bindings()

    @on(CallbackQueue.NeedMore)
    def _more_callbacks(self) -> None:
        self.on_tick()  # the queue widget raised its limit; the app already holds the rows

    async def on_key(self, event) -> None:
        """Keys reaching the desk are handled here, in the order they were typed, so a whole
        burst (a name typed fast, keys from a slow SSH link) means what it would typed slowly.
        A key bound here (a desk action, or a list's cursor key) runs now; a letter bound to
        nothing starts a search with it. Keys that were already on their way when a dialog,
        the search or a form opened over the desk go on to that screen as typing."""
        top = self.app.screen
        if top is not self:
            if isinstance(top, TypedThrough) and event.is_printable and event.character:
                event.stop()
                top.type_through(event.character)
            return
        active = self.active_bindings.get(event.key)
        if active is None:
            if event.is_printable and event.character:
                event.stop()
                self.desk_app.open_search(event.character)
            return
        event.stop()
        if active.enabled:
            await self.app.run_action(active.binding.action, active.node)
        else:
            self.desk_app.bell()  # greyed in the key bar: it does nothing here now
            self.notify(self._why_not(active.binding), timeout=4)

    def _why_not(self, binding) -> str:
        """One line on why a greyed key did nothing here now."""
        if binding.action in CALLBACK_KEYS or binding.action == "open_customer":
            if not self.desk_app.queue and binding.action != "open_customer":
                return f"{binding.description}: there are no open callbacks."
            return (f"{binding.description} acts on the callback queue: Tab to it, then the arrows."
                    if binding.action != "open_customer" else
                    f"{binding.description}: first move to a row (Tab between the lists, arrows within).")
        return f"{binding.description} does not apply here now."

    # -- which callback ---------------------------------------------------------------------
    def current_callback(self):
        return self._selected()

    def _selected(self):
        """The callback highlighted in the queue, when the queue has focus: a key acts only on
        the row that is visibly selected (the other list's cursor is dimmed)."""
        queue = self.query_one("#queue", CallbackQueue)
        cb_id = queue.selected_id
        return queue.callbacks.get(cb_id) if cb_id is not None and queue.has_focus else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in CALLBACK_KEYS:
            return True if self._selected() is not None else None
        if action == "open_customer":
            return True if self.query_one("#calls", CallTable).selected_id is not None or self._selected() else None
        return True

    @on(CallTable.Chosen)
    def _call_chosen(self, event: CallTable.Chosen) -> None:
        call = self.query_one("#calls", CallTable).calls.get(event.call_id)
        if call:
            self.desk_app.open_customer(call.customer_id)

    @on(CallbackQueue.Chosen)
    def _callback_chosen(self, event: CallbackQueue.Chosen) -> None:
        from .callback import CallbackScreen

        self.app.push_screen(CallbackScreen(event.callback_id))

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()  # the callback keys apply while the queue has focus

    def action_open_customer(self) -> None:
        if cb := self._selected():
            self.desk_app.open_customer(cb.customer_id)
            return
        table = self.query_one("#calls", CallTable)
        call = table.calls.get(table.selected_id) if table.selected_id is not None else None
        if call:
            self.desk_app.open_customer(call.customer_id)

    def action_missed_calls(self) -> None:
        from .missed import MissedCallsScreen

        self.app.push_screen(MissedCallsScreen())
    def action_messages(self) -> None:
        from .inbox import MessagesScreen

        self.app.push_screen(MessagesScreen())

    def action_toggle_mine(self) -> None:
        self.mine = not self.mine
        self.on_tick()

    def action_complaints(self) -> None:
        from .complaints import ComplaintsScreen

        self.app.push_screen(ComplaintsScreen())
