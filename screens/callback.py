"""One promise: who, why (the original note), when it is due, and everything that happened."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from frontdesk.formatting import day_time, span, time_left
from frontdesk.models import Callback
from widgets.caller_card import CallerCardView
from widgets.key_bar import KeyBar
from widgets.safe import block, plain

from .base import BACK, DeskScreenBase, db_work
from .callback_actions import CALLBACK_KEYS, CallbackActions, callback_bindings
from .messages import CallbackLoaded


class CallbackScreen(CallbackActions, DeskScreenBase):
    TITLE_TEXT = "callback"
    BINDINGS = [
        BACK,
        *callback_bindings("call_back", "reschedule", "reassign", "cancel_callback"),
        Binding("o", "open_customer", "Customer", id="open_customer"),
    ]
    DEFAULT_CSS = """
    CallbackScreen #cb-body { height: 1fr; }
    CallbackScreen #cb-detail { width: 1fr; padding: 0 1; }
    CallbackScreen #cb-card { width: 34; }
    """

    cb: Callback | None = None  # the promise as last read

    def __init__(self, callback_id: int) -> None:
        super().__init__()
        self.callback_id = callback_id

    def compose(self) -> ComposeResult:
        yield self.status_bar()
        with Horizontal(id="cb-body"):
            with VerticalScroll(id="cb-detail"):
                yield Static("", id="cb-text")
            yield CallerCardView(id="cb-card")
        yield KeyBar()

    @db_work("cb-load")
    def reload(self) -> None:
        cb = self.desk.callbacks.callback(self.callback_id)
        events = self.desk.callbacks.callback_history(cb.id)
        card = self.desk.caller_card(cb.customer_id)
        self.post_message(CallbackLoaded(cb, events, card))

    @on(CallbackLoaded)
    def _loaded(self, message: CallbackLoaded) -> None:
        self._show(message.callback, message.events, message.card)

    def on_tick(self) -> None:
        if self.cb:
            self.reload()

    def _show(self, cb, events, card) -> None:
        state_changed = self.cb is None or self.cb.state != cb.state
        self.cb = cb
        now, zone = self.desk.clock.now(), self.desk.zone
        text = Text()
        text.append("Call back ", style="bold")
        text.append_text(plain(cb.caller, style="bold"))
        text.append(f"  {self.desk.national(cb.e164)}\n")
        if cb.state == "open":
            if cb.due_at <= now:
                text.append(f"!! OVERDUE: was due {day_time(cb.due_at, zone, now)}, "
                            f"{time_left(cb.due_at, now)}", style="bold")
            else:
                text.append(f"due {day_time(cb.due_at, zone, now)} ({time_left(cb.due_at, now)})", style="bold")
        else:
            text.append(cb.state.upper(), style="bold")
            if cb.state == "done":
                text.append(f" {day_time(cb.done_at, zone, now)}, "
                            f"{'kept on time' if cb.kept_on_time else 'late'}, "
                            f"the customer waited {span(cb.waited_min or 0)}")
        text.append("\nassigned to ")
        text.append_text(plain(cb.assignee))
        text.append(f", attempts {cb.attempts}")
        warning = self.desk.caller_time_warning(cb.e164, now) if cb.e164 and cb.state == "open" else ""
        if warning:
            text.append(f"\nnow {warning}", style="italic")
        text.append("\n\nTopic: ", style="bold")
        text.append_text(plain(cb.topic or "-"))
        text.append("\nOriginal note:\n", style="bold")
        text.append_text(block(cb.note or "(none)"))
        text.append("\n\nHistory\n", style="bold")
        for event in events:
            text.append(f"{day_time(event.at, zone, now)} ")
            text.append_text(plain(event.operator, 10))
            text.append(f" {event.kind}")
            if event.due_after:
                text.append(f" -> due {day_time(event.due_after, zone, now)}")
            if event.reason:
                text.append(": ")
                text.append_text(plain(event.reason, 60))
            text.append("\n")
        self.query_one("#cb-text", Static).update(text)
        self.query_one("#cb-card", CallerCardView).show_card(card, zone, now, self.desk.national)
        if state_changed:
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in CALLBACK_KEYS:
            return self.cb is not None and self.cb.state == "open"
        return True


    def current_callback(self):
        return self.cb if self.cb is not None and self.cb.state == "open" else None

    def action_open_customer(self) -> None:
        if self.cb:
            self.desk_app.open_customer(self.cb.customer_id)
