"""Acting on one callback (call back, reschedule, reassign, cancel, acknowledge, snooze): the
same keys on the desk's queue and on a callback's own page."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from frontdesk.errors import DeskError
from frontdesk.formatting import day_time, time_left
from frontdesk.hours import PRESETS
from frontdesk.text import one_line

# The dialogs (and the Input, Button and OptionList widgets they use) load on first use: the
# desk's first frame does not need them.


# action: (key, description). The desk and a callback's page bind the same keys; each shows
# some of them in its key bar and keeps the rest in the palette and the help screen.
CALLBACK_KEYS = {
    "call_back": ("c", "Call back"),
    "reschedule": ("t", "Reschedule"),
    "acknowledge": ("k", "Ack"),
    "snooze": ("z", "Snooze"),
    "reassign": ("a", "Reassign"),
    "cancel_callback": ("x", "Cancel callback"),
}


def callback_bindings(*shown: str) -> list[Binding]:
    """The callback keys, those named in `shown` in the key bar."""
    return [Binding(key, action, description, id=action, show=action in shown)
            for action, (key, description) in CALLBACK_KEYS.items()]


class CallbackActions:
    """Mixed into a screen that has a current callback (`current_callback()`, None if none)."""

    def current_callback(self):
        raise NotImplementedError

    def _on_current(self, act) -> None:
        if cb := self.current_callback():
            act(self, cb)

    def action_call_back(self) -> None:
        self._on_current(lambda screen, cb: start_callback_call(screen.desk_app, cb))

    def action_reschedule(self) -> None:
        self._on_current(ask_reschedule)

    def action_reassign(self) -> None:
        self._on_current(ask_reassign)

    def action_cancel_callback(self) -> None:
        self._on_current(ask_cancel)

    def action_snooze(self) -> None:
        self._on_current(ask_snooze)

    def action_acknowledge(self) -> None:
        self._on_current(acknowledge)


def promise_words(desk, cb) -> str:
    """A promise named so that one customer's several promises are told apart:
    'the callback to Maria Lopez about Invoice 1042, due 09:40 (20 min overdue)'."""
    now = desk.clock.now()
    about = f" about {one_line(cb.topic, 40)}" if cb.topic else ""
    return (f"the callback to {one_line(cb.caller, 40)}{about}, due {day_time(cb.due_at, desk.zone, now)} "
            f"({time_left(cb.due_at, now)})")


def acknowledge(screen, cb) -> None:
    """'I have seen it' stops an overdue callback nagging every desk: asked first, naming the
    promise, since the key is a letter that may start a typed name."""
    from .modals import Confirm

    desk = screen.desk
    if cb.due_at > desk.clock.now():
        screen.notify(f"Nothing to acknowledge: {promise_words(desk, cb)} is not overdue yet.", timeout=5)
        return

    def answer(yes: bool | None) -> None:
        if yes:
            screen.desk_app.tracker.acknowledge(cb.id)
            screen.run_service(lambda: desk.callbacks.acknowledge(cb.id),
                               done=lambda _: screen.notify(Text(f"Acknowledged {promise_words(desk, cb)}"),
                                                            timeout=4))

    screen.app.push_screen(Confirm(
        f"Acknowledge {promise_words(desk, cb)}? Reminders stop on every desk; it stays marked "
        "overdue until done.", yes="Acknowledge", no="Not now", focus_no=True,
        typed_on=screen.desk_app.open_search, opened_by="k"), answer)


def start_callback_call(app, cb) -> None:
    """The new-call form, pre-filled as the outbound call that returns this promise."""
    app.open_new_call({
        "phone": app.desk.national(cb.e164), "customer_id": cb.customer_id, "direction": "out",
        "callback_id": cb.id, "topic": cb.topic, "outcome": "resolved", "name": cb.customer_name,
    })


def ask_reschedule(screen, cb) -> None:
    from frontdesk.when import WhenError, examples

    from .modals import Choose, Prompt

    desk = screen.desk
    choices = [(key, label) for key, label in PRESETS] + [("custom", "custom time...")]

    def with_reason(due) -> None:
        def save(reason: str | None) -> None:
            if reason:
                screen.run_service(lambda: desk.callbacks.reschedule(cb.id, due, reason, cb.version),
                                   done=lambda _: screen.notify("Callback moved", timeout=3))

        screen.app.push_screen(Prompt(f"Why does {promise_words(desk, cb)} move?",
                                      check=lambda v: "" if v else "a reason is needed"), save)

    def chosen(key: str | None) -> None:
        if key is None:
            return
        if key != "custom":
            try:
                due = desk.promise_due(key)
            except DeskError as exc:  # e.g. a week with no open hours left to count in
                screen.notify(str(exc), severity="error", timeout=8)
                return
            with_reason(due)
            return

        def check(value: str) -> str:
            try:
                due = desk.when(value, "callback")
            except WhenError as exc:
                return str(exc)
            return "" if due > desk.clock.now() else "that time has already passed"

        def preview(value: str) -> str:
            """What the time typed so far means: '= Thu 26 Nov 10:00 (in 2 days)'."""
            try:
                due = desk.when(value, "callback")
            except WhenError:
                return "..."
            now = desk.clock.now()
            return f"= {day_time(due, desk.zone, now)} ({time_left(due, now)})"

        screen.app.push_screen(
            Prompt(f"New time (e.g. {examples('callback')})", check=check, preview=preview),
            lambda text: with_reason(desk.when(text, "callback")) if text else None,
        )

    screen.app.push_screen(Choose(f"Move {promise_words(desk, cb)} to:", choices), chosen)


def ask_reassign(screen, cb, typed: str | None = None) -> None:
    """Who makes the callback: one of the desk's people (offered as the name is typed, any case
    finds them), or someone new after a question, so that a typo does not become a person."""
    from .assignee import look_up, new_person_question, operator_suggester
    from .modals import Confirm, Prompt

    desk = screen.desk

    def reassign(who: str) -> None:
        screen.run_service(lambda: desk.callbacks.reassign(cb.id, who, cb.version),
                           done=lambda moved: screen.notify(Text(f"Callback now with {moved.assignee}"), timeout=3))

    def chosen(who: str | None) -> None:
        if who:
            screen.run_service(lambda: look_up(desk, who), done=lambda found: decide(who, *found), changes=False)

    def decide(who: str, spelling: str | None, names: list[str]) -> None:
        if spelling:  # 'raj' is the desk's 'Raj'
            reassign(spelling)
            return

        def answer(new_person: bool | None) -> None:
            if new_person:
                reassign(who)
            else:  # back to the name, as typed, to correct it
                ask_reassign(screen, cb, who)

        screen.app.push_screen(Confirm(new_person_question(who, names), yes="Assign", no="Change the name",
                                       focus_no=True), answer)

    screen.app.push_screen(Prompt(f"Who makes {promise_words(desk, cb)}?",
                                  value=cb.assignee if typed is None else typed,
                                  check=lambda v: "" if v else "a name is needed",
                                  suggest=lambda: operator_suggester(desk.operators.names())), chosen)


def ask_cancel(screen, cb) -> None:
    from .modals import Prompt

    def save(reason: str | None) -> None:
        if reason:
            screen.run_service(lambda: screen.desk.callbacks.cancel(cb.id, reason, cb.version),
                               done=lambda _: screen.notify("Callback cancelled", timeout=3))

    screen.app.push_screen(Prompt(f"Why is {promise_words(screen.desk, cb)} cancelled?",
                                  check=lambda v: "" if v else "a reason is needed"), save)


def ask_snooze(screen, cb) -> None:
    from .modals import Choose

    def save(choice: str | None) -> None:
        if choice:
            screen.run_service(lambda: screen.desk.callbacks.snooze(cb.id, int(choice)),
                               done=lambda _: screen.notify(f"Snoozed {choice} min", timeout=3))

    screen.app.push_screen(Choose(f"Remind about {promise_words(screen.desk, cb)} again in:",
                                  [("5", "5 minutes"), ("15", "15 minutes"), ("30", "30 minutes")]), save)
