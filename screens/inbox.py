"""The messages list ('i' from the desk): the messages taken for the operator at the keyboard,
newest first (or everyone's, `a`), unread ones marked. Enter opens one and reads it: read for
everyone, with who and when, so every desk's counter drops."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Label

from frontdesk.formatting import day_time
from frontdesk.models import TakenMessage
from frontdesk.text import one_line
from widgets.key_bar import KeyBar
from widgets.message_table import MessageTable
from widgets.safe import block

from .base import BACK, DeskScreenBase, db_work
from .modals import ShowText

LIMIT = 200  # messages a list shows (newest first)


@dataclass
class MessagesListed(Message):
    """The messages a list shows, and how many of the operator's are unread."""

    messages: list
    unread: int


def message_text(m: TakenMessage, zone, now, national) -> Text:
    """A message as the pad shows it: for whom, from whom and their number, when, the boxes, the
    text, who took it, and who read it when. (Untrusted text goes in as plain text.)"""
    text = Text()
    text.append(f"For {one_line(m.for_name, 60)}", style="bold")
    text.append(f", {day_time(m.taken_at, zone, now)}\n")
    text.append(f"From {one_line(m.caller, 60)}")
    if m.e164:
        text.append(f", {national(m.e164)}")
    text.append("\n")
    if m.boxes:
        text.append(f"[x] {m.boxes_words}\n", style="bold")
    if m.topic:
        text.append(f"\n{one_line(m.topic, 200)}", style="bold")
    text.append("\n")
    text.append_text(block(m.text or "(no text)"))
    text.append(f"\n\nTaken by {one_line(m.taken_by, 60)}")
    if m.callback_id:
        text.append(f"; callback #{m.callback_id} promised to {one_line(m.for_name, 60)}")
    if m.read_at:
        text.append(f"\nRead by {one_line(m.read_by, 60)}, {day_time(m.read_at, zone, now)}", style="dim")
    return text


class MessagesScreen(DeskScreenBase):
    TITLE_TEXT = "messages"
    BINDINGS = [
        BACK,
        Binding("a", "toggle_all", "Mine/all", id="toggle_all"),
        Binding("o", "open_customer", "Customer", id="open_customer"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.everyone = False

    def compose(self) -> ComposeResult:
        yield self.status_bar()
        yield Label("", classes="section-title", id="messages-title")
        yield MessageTable(id="messages")
        yield Label("No messages. A message taken for you on any desk shows here.", classes="hint",
                    id="messages-empty")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#messages", MessageTable).focus()

    def reload(self) -> None:
        self._load(self.everyone)

    @db_work("messages-load")
    def _load(self, everyone: bool) -> None:
        messages = self.desk.messages
        with self.desk.store.read():
            listed = messages.for_person(None, limit=LIMIT) if everyone else messages.mine(unread=False, limit=LIMIT)
            unread = messages.unread_count(self.desk.operator)
        self.post_message(MessagesListed(listed, unread))

    @on(MessagesListed)
    def _listed(self, message: MessagesListed) -> None:
        table = self.query_one("#messages", MessageTable)
        table.show(message.messages, self.desk.zone, self.desk.clock.now())
        whose = "everyone's" if self.everyone else f"for {self.desk.operator}"
        unread = f"{message.unread} unread" if message.unread else "none unread"
        self.query_one("#messages-title", Label).update(
            Text(f"Messages {whose} ({unread} of yours) - Enter reads one", no_wrap=True, overflow="ellipsis"))
        self.query_one("#messages-empty", Label).display = not message.messages
        self.refresh_bindings()

    @on(MessageTable.Chosen)
    def _chosen(self, event: MessageTable.Chosen) -> None:
        self.open_message(event.message_id)

    def open_message(self, message_id: int) -> None:
        """Read it (for everyone), then show it whole."""
        def show(message: TakenMessage) -> None:
            now = self.desk.clock.now()
            self.app.push_screen(ShowText(message_text(message, self.desk.zone, now, self.desk.national),
                                          title=f"Message #{message.id}"))

        self.run_service(lambda: self.desk.messages.read(message_id), done=show)

    def action_toggle_all(self) -> None:
        self.everyone = not self.everyone
        self.reload()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "open_customer":  # asked before the list is composed, too
            tables = self.query(MessageTable)
            return True if tables and tables.first().selected_id is not None else None
        return True

    def action_open_customer(self) -> None:
        table = self.query_one("#messages", MessageTable)
        message = table.messages.get(table.selected_id) if table.selected_id is not None else None
        if message is not None:
            self.desk_app.open_customer(message.customer_id)
