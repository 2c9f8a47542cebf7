"""The message part of the new-call form: shown while the outcome is 'message taken'. For whom
(completed from the desk's people and the settings' list of people who never sit at the desk,
case and spaces ignored; a name the desk does not know is asked about before it is saved, as
the assignee of a promise is) and the pad's boxes as single keys (widgets/boxes_field.py). The
message's text is the call's note. A line says what saving does: who gets it, and the callback
promise 'please call back' makes (due by the desk's default promise; urgent: 15 minutes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from frontdesk.errors import DeskError
from frontdesk.formatting import day_time, time_left
from frontdesk.operators import operator_key
from frontdesk.text import one_line
from widgets.boxes_field import BoxesField

from . import assignee

if TYPE_CHECKING:
    from frontdesk.app import FrontDeskApp


@dataclass
class RecipientsRead(Message):
    """Whom a message can be for, most active first, then the settings' list."""

    names: list[str]


@dataclass
class RecipientLookedUp(Message):
    """What the desk knows of the name in the 'For' field; `then` goes on with the save."""

    typed: str
    spelling: str | None
    names: list[str]
    then: Callable[[], None]
    error: BaseException | None = None


class MessageFields(Vertical):
    DEFAULT_CSS = """
    MessageFields { height: auto; display: none; }
    MessageFields.-shown { display: block; }
    MessageFields #boxes-row { height: auto; }
    MessageFields #message-preview { height: auto; margin: 0 0 0 10; }
    """

    def __init__(self, draft: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.draft = draft
        self.spellings: dict[str, str] = {}  # operator_key -> the desk's spelling (or a new name confirmed)
        self.new_people: set[str] = set()  # keys of names confirmed as someone new
        self._looking_up = False

    @property
    def desk(self):
        return cast("FrontDeskApp", self.app).desk

    def compose(self) -> ComposeResult:
        d = self.draft
        with Horizontal(classes="field"):
            yield Label("For")
            yield Input(d.get("message_for", ""), placeholder="whom the message is for", id="message_for")
        with Horizontal(classes="field", id="boxes-row"):
            yield Label("Boxes")
            yield BoxesField((d.get("boxes") or "").split(","), id="boxes")
        yield Static("", id="message-preview")

    def on_mount(self) -> None:
        self.read_recipients()

    # -- for whom ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="recipients", exit_on_error=False)
    def read_recipients(self) -> None:
        try:
            names = self.desk.messages.recipients()
        except Exception:  # noqa: BLE001 - suggestions are a help; saving reports a failing file
            return
        self.post_message(RecipientsRead(names))

    @on(RecipientsRead)
    def _recipients_read(self, message: RecipientsRead) -> None:
        message.stop()
        self.spellings.update((operator_key(name), name) for name in message.names)
        self.query_one("#message_for", Input).suggester = assignee.operator_suggester(message.names)

    @property
    def message_for(self) -> str:
        return self.query_one("#message_for", Input).value

    @property
    def boxes(self) -> tuple[str, ...]:
        return self.query_one("#boxes", BoxesField).boxes

    @property
    def new_recipient(self) -> bool:
        return operator_key(self.message_for) in self.new_people

    def recipient_confirmed(self, then: Callable[[], None]) -> bool:
        """True when the 'For' name may be saved as it is: blank (the save says whom it needs),
        one of the desk's people (put in the desk's spelling), or someone new the user
        confirmed. Otherwise False: looked up in a worker; `then` (the save) runs again once
        the desk knows the name or the user confirmed someone new."""
        field = self.query_one("#message_for", Input)
        key = operator_key(field.value)
        if not key:
            return True
        if key in self.spellings:
            if field.value != self.spellings[key]:
                field.value = self.spellings[key]
            return True
        if not self._looking_up:
            self._looking_up = True
            self.look_up(field.value, then)
        return False

    @work(thread=True, group="recipient", exit_on_error=False)
    def look_up(self, typed: str, then: Callable[[], None]) -> None:
        try:
            spelling, names = self.desk.messages.known(typed), self.desk.messages.recipients()
        except Exception as exc:  # noqa: BLE001 - reported as any failure; the form keeps everything
            self.post_message(RecipientLookedUp(typed, None, [], then, error=exc))
            return
        self.post_message(RecipientLookedUp(typed, spelling, names, then))

    @on(RecipientLookedUp)
    def _looked_up(self, message: RecipientLookedUp) -> None:
        from .modals import Confirm

        message.stop()
        self._looking_up = False
        if message.error is not None:
            cast("FrontDeskApp", self.app).report_failure(message.error)
            return
        field = self.query_one("#message_for", Input)
        if message.spelling or operator_key(field.value) != operator_key(message.typed):
            if message.spelling:
                self.spellings[operator_key(message.typed)] = message.spelling
            message.then()
            return

        def answer(new_person: bool | None) -> None:
            if new_person:
                key = operator_key(message.typed)
                self.spellings[key] = message.typed.strip()
                self.new_people.add(key)
                message.then()
            else:
                field.focus()

        known = ", ".join(one_line(n, 30) for n in message.names[:assignee.NAMES_IN_QUESTION])
        self.app.push_screen(Confirm(
            f"{one_line(message.typed, 40)} is not one of the desk's people yet (known: {known or 'nobody yet'}). "
            "Take the message for a new person?", yes="New person", no="Change the name", focus_no=True), answer)

    # -- what saving does -------------------------------------------------------------------
    @on(Input.Changed, "#message_for")
    @on(BoxesField.Changed)
    def _changed(self) -> None:
        self.sync(self.has_class("-shown"))

    def sync(self, taking: bool) -> None:
        """Show the part while a message is taken, with a line on what saving does."""
        self.set_class(taking, "-shown")
        self.display = taking  # at once (not at the next style update): a Tab in the same burst enters it
        preview = self.query_one("#message-preview", Static)
        if not taking:
            preview.update("")
            return
        name = one_line(self.spellings.get(operator_key(self.message_for), self.message_for), 40) or "(whom?)"
        text = Text(f"for {name}", style="bold")
        try:
            key = self.desk.messages.promise_key(self.boxes)
            if key:
                now = self.desk.clock.now()
                due = self.desk.promise_due(key)
                text.append(f"; callback due {day_time(due, self.desk.zone, now)} ({time_left(due, now)})")
        except DeskError as exc:
            text.append(f"; {exc}", style="italic")
        text.append("; the note is the message", style="dim")
        preview.update(text)
