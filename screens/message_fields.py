"""The message part of the new-call form: shown while the outcome is 'message taken'. For whom
(completed from the desk's people and the settings' list of people who never sit at the desk,
case and spaces ignored; a name the desk does not know is asked about before it is saved, as
the assignee of a promise is) and the pad's boxes as single keys (widgets/boxes_field.py). The
message's text is the call's note. A line says what saving does: who gets it, and the callback
promise 'please call back' makes (due by the desk's default promise; urgent: 15 minutes)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Static

from frontdesk.errors import DeskError
from frontdesk.formatting import day_time, time_left
from frontdesk.operators import operator_key
from frontdesk.text import one_line
from widgets.boxes_field import BoxesField

from . import assignee
from .person_fields import PersonFields


class MessageFields(PersonFields):
    DEFAULT_CSS = """
    MessageFields { height: auto; display: none; }
    MessageFields.-shown { display: block; }
    MessageFields #boxes-row { height: auto; }
    MessageFields #message-preview { height: auto; margin: 0 0 0 10; }
    """

    PERSON_FIELD = "message_for"

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
        self.read_people()

    # -- for whom: the desk's people and the settings' list (person_fields.py asks about a new one)
    def people(self) -> list[str]:
        return self.desk.messages.recipients()

    def known(self, typed: str) -> str | None:
        return self.desk.messages.known(typed)

    def new_person_question(self, typed: str, names: list[str]) -> str:
        known = ", ".join(one_line(n, 30) for n in names[:assignee.NAMES_IN_QUESTION])
        return (f"{one_line(typed, 40)} is not one of the desk's people yet (known: {known or 'nobody yet'}). "
                "Take the message for a new person?")

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
        """True when the 'For' name may be saved as it is (blank: the save says whom it needs);
        see PersonFields.person_confirmed."""
        return self.person_confirmed(then)

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
