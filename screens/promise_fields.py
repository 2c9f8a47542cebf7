"""The promise part of the new-call form: when to call back (a preset or a time typed), who
calls back, and a line that says when that is, in the desk's time and the caller's. Shown only
while the outcome is 'callback promised'. The assignee is completed from the desk's people, and
`assignee_confirmed` asks before a name the desk does not know is saved as a new person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Static

from frontdesk.errors import DeskError
from frontdesk.formatting import day_time, time_left
from frontdesk.hours import PRESETS, parse_duration
from frontdesk.operators import operator_key
from frontdesk.when import WhenError, examples
from widgets.choice_field import ChoiceField

from .person_fields import PersonFields


class PromiseFields(PersonFields):
    DEFAULT_CSS = """
    PromiseFields { height: auto; display: none; }
    PromiseFields.-shown { display: block; }
    PromiseFields #due-row { display: none; }
    PromiseFields.-custom #due-row { display: block; }
    PromiseFields #due-preview { height: auto; margin: 0 0 0 10; }
    """

    PERSON_FIELD = "assignee"
    NEW_PERSON_YES = "Assign"

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
        self.read_people()

    # -- who calls back: the desk's operators (screens/person_fields.py asks about a new one) --
    def people(self) -> list[str]:
        return self.desk.operators.names()

    def known(self, typed: str) -> str | None:
        return self.desk.operators.known(typed)

    def assignee_confirmed(self, then: Callable[[], None]) -> bool:
        """True when the assignee may be saved as it is (blank: the operator); see
        PersonFields.person_confirmed."""
        return self.person_confirmed(then)

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
