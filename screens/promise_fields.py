"""The promise part of the new-call form: when to call back (a preset or a time typed), who
calls back, and a line that says when that is, in the desk's time and the caller's. Shown only
while the outcome is 'callback promised'. The assignee is completed from the desk's people, and
`assignee_confirmed` asks before a name the desk does not know is saved as a new person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from frontdesk.errors import DeskError
from frontdesk.formatting import day_time, time_left
from frontdesk.hours import PRESETS, parse_duration
from frontdesk.operators import operator_key
from frontdesk.when import WhenError, examples
from widgets.choice_field import ChoiceField

from . import assignee
from .assignee import AssigneeLookedUp, OperatorsRead

if TYPE_CHECKING:
    from frontdesk.app import FrontDeskApp


class PromiseFields(Vertical):
    DEFAULT_CSS = """
    PromiseFields { height: auto; display: none; }
    PromiseFields.-shown { display: block; }
    PromiseFields #due-row { display: none; }
    PromiseFields.-custom #due-row { display: block; }
    PromiseFields #due-preview { height: auto; margin: 0 0 0 10; }
    """

    def __init__(self, draft: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.draft = draft
        # The people the desk knows, by operator_key: their spelling. A new person the user
        # confirmed joins them (with the spelling typed), so the next save does not ask again.
        self.spellings: dict[str, str] = {}
        self._looking_up = False

    @property
    def desk(self):
        return cast("FrontDeskApp", self.app).desk

    def compose(self) -> ComposeResult:
        d, settings = self.draft, self.desk.settings
        presets = [(label, key) for key, label in PRESETS]
        if settings.default_promise not in dict(PRESETS):  # a desk's own default, e.g. "2bh"
            presets.insert(0, (str(parse_duration(settings.default_promise)), settings.default_promise))
        presets.append(("custom time...", "custom"))
        with Horizontal(classes="field"):
            yield Label("Call back")
            yield ChoiceField(presets, value=d.get("promise") or settings.default_promise, id="promise")
        with Horizontal(classes="field", id="due-row"):
            yield Label("At")
            yield Input(d.get("due", ""), placeholder=examples("callback"), id="due")
        with Horizontal(classes="field"):
            yield Label("Assignee")
            yield Input(d.get("assignee") or self.desk.operator, id="assignee")
        yield Static("", id="due-preview")

    def on_mount(self) -> None:
        self.spellings[operator_key(self.desk.operator)] = self.desk.operator
        self.read_operators()

    # -- who calls back ---------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="operators", exit_on_error=False)
    def read_operators(self) -> None:
        try:
            names = self.desk.operators.names()
        except Exception:  # noqa: BLE001 - suggestions are a help; saving reports a failing file
            return
        self.post_message(OperatorsRead(names))

    @on(OperatorsRead)
    def _operators_read(self, message: OperatorsRead) -> None:
        message.stop()
        self.spellings.update((operator_key(name), name) for name in message.names)
        self.query_one("#assignee", Input).suggester = assignee.operator_suggester(message.names)

    def assignee_confirmed(self, then: Callable[[], None]) -> bool:
        """True when the assignee may be saved as it is: blank (the operator), one of the desk's
        people (put in the desk's spelling), or a new person the user confirmed. Otherwise False:
        the name is looked up in a worker, and `then` (the save) runs again once the desk knows
        it or the user confirmed someone new; a 'no' leaves the user in the assignee field."""
        field = self.query_one("#assignee", Input)
        key = operator_key(field.value)
        if not key:
            return True
        if key in self.spellings:
            if field.value != self.spellings[key]:
                field.value = self.spellings[key]
            return True
        if not self._looking_up:  # a second ctrl+s while the first is looked up waits for it
            self._looking_up = True
            self.look_up_assignee(field.value, then)
        return False

    @work(thread=True, group="assignee", exit_on_error=False)
    def look_up_assignee(self, typed: str, then: Callable[[], None]) -> None:
        try:
            spelling, names = assignee.look_up(self.desk, typed)
        except Exception as exc:  # noqa: BLE001 - reported as any failure; the form keeps everything
            self.post_message(AssigneeLookedUp(typed, None, [], then, error=exc))
            return
        self.post_message(AssigneeLookedUp(typed, spelling, names, then))

    @on(AssigneeLookedUp)
    def _assignee_looked_up(self, message: AssigneeLookedUp) -> None:
        from .modals import Confirm

        message.stop()
        self._looking_up = False
        if message.error is not None:
            cast("FrontDeskApp", self.app).report_failure(message.error)
            return
        field = self.query_one("#assignee", Input)
        if message.spelling or operator_key(field.value) != operator_key(message.typed):
            if message.spelling:
                self.spellings[operator_key(message.typed)] = message.spelling
            message.then()  # known (or changed meanwhile: the save looks again)
            return

        def answer(new_person: bool | None) -> None:
            if new_person:
                self.spellings[operator_key(message.typed)] = message.typed.strip()
                message.then()
            else:
                field.focus()

        self.app.push_screen(Confirm(assignee.new_person_question(message.typed, message.names), yes="Assign",
                                     no="Change the name", focus_no=True), answer)

    def due(self) -> datetime | None:
        """When the promise falls due: the preset counted from now, or the time typed (None
        while nothing is typed)."""
        key = self.query_one("#promise", ChoiceField).value
        if key == "custom":
            text = self.query_one("#due", Input).value.strip()
            return self.desk.when(text, "callback") if text else None
        return self.desk.promise_due(key)

    def sync(self, promising: bool, caller_e164: str) -> None:
        """Show the fields while a callback is promised, with a preview of when it is due."""
        self.set_class(promising, "-shown")
        self.set_class(promising and self.query_one("#promise", ChoiceField).value == "custom", "-custom")
        preview = self.query_one("#due-preview", Static)
        if not promising:
            preview.update("")
            return
        try:
            due = self.due()
        except (DeskError, WhenError) as exc:
            preview.update(Text(str(exc), style="italic"))
            return
        if due is None:
            preview.update("")
            return
        now, zone = self.desk.clock.now(), self.desk.zone
        if due <= now:
            preview.update(Text(f"{day_time(due, zone, now)} has already passed", style="italic"))
            return
        text = Text(f"due {day_time(due, zone, now)} ({time_left(due, now)})", style="bold")
        warning = self.desk.caller_time_warning(caller_e164, due) if caller_e164 else ""
        if warning:
            text.append(f"\n{warning}", style="italic")
        preview.update(text)
