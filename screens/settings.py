"""The desk's settings: hours, timezone, holidays, region, lead time, default promise, whether a
missed call opens a callback promise by itself, and the people messages can be taken for who
never sit at the desk (the owner)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Static

from frontdesk.hours import WEEKDAYS, BusinessHours, HoursError, parse_day_spec
from frontdesk.settings import SettingsError, validate
from widgets.key_bar import KeyBar

from .base import BACK, SAVE, DeskScreenBase


class FormRefused(Exception):
    """The settings form holds wrong values: (field, [reasons]) for each, in the form's order."""

    def __init__(self, problems: list[tuple[str, list[str]]]) -> None:
        super().__init__("; ".join(m for _, messages in problems for m in messages))
        self.problems = problems


DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                                "Sunday"), strict=True))


def missed_calls_label(on: bool) -> str:
    """The switch says on or off in words: Textual's checkbox draws the same X either way and
    tells them apart by colour only, which a NO_COLOR terminal does not show."""
    return ("on: a missed call opens a callback promise" if on
            else "off: missed calls are listed, no promise opened")


class SettingsScreen(DeskScreenBase):
    TITLE_TEXT = "settings"
    FORM = True
    BINDINGS = [
        SAVE,
        Binding("ctrl+o", "import_contacts", "Import contacts", id="import_contacts"),
        BACK,
    ]

    def compose(self) -> ComposeResult:
        s = self.desk.settings
        hours = s.hours.to_dict()
        yield self.status_bar()
        with VerticalScroll():
            yield self._field("Desk name", "desk_name", s.desk_name)
            yield self._field("Timezone", "tz", s.tz, "IANA name, e.g. Europe/Berlin")
            yield self._field("Phone region", "region", s.region, "two letters, e.g. US, GB")
            for day in WEEKDAYS:
                yield self._field(DAY_NAMES[day], f"day_{day}", hours["week"].get(day, "closed"),
                                  "09:00-17:00 or closed")
            yield self._field("Holidays", "holidays", ", ".join(hours.get("holidays", [])),
                              "YYYY-MM-DD, comma separated")
            yield self._field("Lead time (min)", "lead", str(s.lead_minutes))
            yield self._field("Default promise", "promise", s.default_promise, "1bh, 4bh, 15m, eod, morning")
            yield Horizontal(Label("Missed calls"),
                             Checkbox(missed_calls_label(s.missed_call_promises), s.missed_call_promises,
                                      compact=True, id="missed_call_promises"), classes="field")
            yield self._field("Nag every (min)", "nag", str(s.nag_minutes))
            yield self._field("Follow-up after", "followup", s.followup,
                              "a resolved complaint's check-in: 2bd (business days), 4bh, 1d, off")
            yield self._field("Handle time (s)", "handle", str(s.handle_seconds), "the week's staffing: 240")
            yield self._field("Answer target %", "answer_target", str(s.answer_target_pct), "80")
            yield self._field("Answer in (s)", "answer_seconds", str(s.answer_seconds), "20")
            yield self._field("Messages for", "recipients", ", ".join(s.recipients),
                              "people not at the desk (the owner), comma separated")
            yield Static(Text("ctrl+s saves for every desk on this database; Escape leaves unsaved.",
                              style="dim"))
            yield Button("Import contacts...", id="import-contacts", compact=True)
        # Outside the scrolling form, above the key bar: every refusal of a save is on screen
        # at once, whatever part of the form is scrolled into view (80x24 shows about 20 fields).
        yield Static("", classes="error", id="settings-error")
        yield KeyBar()

    def action_import_contacts(self) -> None:
        """The contacts import, over the settings (what was typed here stays as it is)."""
        self.desk_app.action_import_contacts()

    @on(Button.Pressed, "#import-contacts")
    def _import_pressed(self) -> None:
        self.action_import_contacts()

    def _field(self, label: str, name: str, value: str, placeholder: str = "") -> Horizontal:
        return Horizontal(Label(label), Input(value, placeholder=placeholder, id=name), classes="field")

    def on_mount(self) -> None:
        self.query_one("#desk_name", Input).focus()
        self.initial = self._typed()

    def _typed(self) -> dict[str, str]:
        typed = {widget.id or "": widget.value for widget in self.query(Input)}
        return {**typed, "missed_call_promises": str(self._missed_calls())}

    def _missed_calls(self) -> bool:
        return self.query_one("#missed_call_promises", Checkbox).value

    @on(Checkbox.Changed, "#missed_call_promises")
    def _missed_calls_changed(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = missed_calls_label(event.value)

    def holds_unsaved(self) -> bool:
        return self._typed() != self.initial

    def action_back(self) -> None:
        """Leaving with changes asks first: Escape is easy to press by mistake."""
        from .modals import Confirm

        if not self.holds_unsaved():
            self.app.pop_screen()
            return

        def answer(leave: bool | None) -> None:
            if leave:
                self.app.pop_screen()

        self.app.push_screen(Confirm("Leave the settings without saving your changes?", yes="Leave",
                                     no="Keep editing", focus_no=True), answer)

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def read_form(self):
        """The settings as typed, or FormRefused listing every field that is wrong and why, in
        the order of the form (a bad field does not hide the ones after it)."""
        problems: dict[str, list[str]] = {}

        def refuse(field: str, message: str) -> None:
            problems.setdefault(field, []).append(message)

        week = []
        for day in WEEKDAYS:
            try:
                week.append(parse_day_spec(self._value(f"day_{day}")))
            except HoursError as exc:
                refuse(f"day_{day}", f"{DAY_NAMES[day]}: {exc}")
        holidays = []
        for part in filter(None, (p.strip() for p in self._value("holidays").split(","))):
            try:
                holidays.append(date.fromisoformat(part))
            except ValueError:
                refuse("holidays", f"holiday '{part}' is not a date (YYYY-MM-DD)")
        current = self.desk.settings
        hours = current.hours
        if len(week) == len(WEEKDAYS):
            try:
                hours = BusinessHours(tz=self._value("tz"), week=tuple(week), holidays=frozenset(holidays))
            except HoursError as exc:
                refuse("tz" if "timezone" in str(exc) else "day_mon", str(exc))
        else:  # the timezone is still checked while a day is wrong
            try:
                BusinessHours(tz=self._value("tz"), week=hours.week, holidays=frozenset())
            except HoursError as exc:
                if "timezone" in str(exc):
                    refuse("tz", str(exc))
        typed = {"desk_name": self._value("desk_name"), "region": self._value("region").upper(),
                 "default_promise": self._value("promise"), "followup": self._value("followup"),
                 "recipients": tuple(n.strip() for n in self._value("recipients").split(",") if n.strip()),
                 "missed_call_promises": self._missed_calls()}
        for name, key, label in (("lead", "lead_minutes", "lead time"), ("nag", "nag_minutes", "nag interval"),
                                 ("handle", "handle_seconds", "handle time"),
                                 ("answer_target", "answer_target_pct", "answer target"),
                                 ("answer_seconds", "answer_seconds", "answer time")):
            try:
                typed[key] = int(self._value(name))
            except ValueError:
                unit = "minutes" if name in ("lead", "nag") else "percent" if name == "answer_target" else "seconds"
                refuse(name, f"{label} must be a whole number of {unit}")
        # Each typed value is checked on its own against the stored settings, so that every
        # refusal is found, not only the first validate() meets.
        for key, value in typed.items():
            try:
                validate(replace(current, **{key: value}))
            except SettingsError as exc:
                refuse(exc.field, str(exc))
        if problems:
            order = [widget.id for widget in self.query(Input)]
            raise FormRefused(sorted(problems.items(), key=lambda item: order.index(item[0])
                                     if item[0] in order else len(order)))
        return replace(current, hours=hours, **typed)

    def action_save(self) -> None:
        error = self.query_one("#settings-error", Static)
        for widget in self.query(Input):
            widget.remove_class("-invalid")
        try:
            settings = validate(self.read_form())
        except FormRefused as refused:
            self._refused(refused.problems)
            return
        except SettingsError as exc:
            self._refused([(exc.field, [str(exc)])])
            return
        error.update(Text("saving..."))
        self.run_service(lambda: self.desk.save_settings(settings), done=self._saved,
                         failed=lambda message: error.update(Text(f"Not saved: {message} "
                                                                  "What you typed is kept.")))

    def _refused(self, problems: list[tuple[str, list[str]]]) -> None:
        """Every refusal listed at once; each field at fault marked, the first one focused.
        What was typed stays as it is."""
        messages = [message for _field, reasons in problems for message in reasons]
        text = Text(messages[0] if len(messages) == 1 else "Not saved:")
        for message in messages if len(messages) > 1 else []:
            text.append(f"\n  {message}")
        self.query_one("#settings-error", Static).update(text)
        fields = [self.query_one(f"#{field}", Input) for field, _ in problems if field and self.query(f"#{field}")]
        for widget in fields:
            widget.add_class("-invalid")
        if fields:
            fields[0].focus()

    def _saved(self, _settings) -> None:
        self.query_one("#settings-error", Static).update("")
        self.notify("Settings saved", timeout=3)
        self.app.pop_screen()

