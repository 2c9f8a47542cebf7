"""Complaints on the screens that show a call or a customer:

- `ComplaintFields`, the new-call form's part: "Complaint: no / yes" (ctrl+g toggles it from
  any field, like ctrl+b for the promise; in the field itself the arrows do), and, when the call
  returns a complaint's follow-up promise, "Feels now: better / the same / worse / no answer".
- `CustomerComplaints`, the customer page's part: the repeat-caller mark and the complaints,
  open ones first, with what was done and how the follow-up went.
- `ResolveComplaint`, the dialog that resolves one: what was done (a choice) and a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from frontdesk.formatting import day_time, repeat_mark, span
from frontdesk.models import FEELINGS, RESOLUTIONS, Complaint
from widgets.choice_field import ChoiceField
from widgets.safe import plain

from .modals import MODAL_CSS

if TYPE_CHECKING:
    from frontdesk.app import FrontDeskApp

COMPLAINT_CHOICES = [("no", "no"), ("yes: a complaint", "yes")]
FEELING_CHOICES = [("(ask how it is now)", ""), *((label, key) for key, label in FEELINGS.items())]


@dataclass
class FollowUpFound(Message):
    """The promise this call returns is a complaint's follow-up."""
    complaint: Complaint


@dataclass
class CustomerComplaintsRead(Message):
    customer_id: int
    complaints: list
    week_calls: int


def age(now, since) -> str:
    return span(max(0, int((now - since).total_seconds() // 60)))


class ComplaintFields(Vertical):
    DEFAULT_CSS = """
    ComplaintFields { height: auto; }
    ComplaintFields #feeling-row { display: none; }
    ComplaintFields.-follow-up #feeling-row { display: block; }
    ComplaintFields #follow-up-about { display: none; height: auto; margin: 0 0 0 10; }
    ComplaintFields.-follow-up #follow-up-about { display: block; }
    """

    def __init__(self, draft: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.draft = draft
        self.follow_up: Complaint | None = None

    @property
    def desk(self):
        return cast("FrontDeskApp", self.app).desk

    def compose(self) -> ComposeResult:
        d = self.draft
        with Horizontal(classes="field"):
            yield Label("Complaint")
            yield ChoiceField(COMPLAINT_CHOICES, value="yes" if d.get("complaint") == "yes" else "no", id="complaint")
        with Horizontal(classes="field", id="feeling-row"):
            yield Label("Feels now")
            yield ChoiceField(FEELING_CHOICES, value=d.get("feeling") if d.get("feeling") in FEELINGS else "",
                              id="feeling")
        yield Static("", id="follow-up-about")

    def on_mount(self) -> None:
        if self.draft.get("callback_id"):
            self.look_up(int(self.draft["callback_id"]))

    @work(thread=True, exclusive=True, group="follow-up", exit_on_error=False)
    def look_up(self, callback_id: int) -> None:
        try:
            found = self.desk.complaints.for_follow_up(callback_id)
        except Exception:  # noqa: BLE001 - the save checks again, and says what is missing
            return
        if found is not None:
            self.post_message(FollowUpFound(found))

    @on(FollowUpFound)
    def _found(self, message: FollowUpFound) -> None:
        message.stop()
        c = self.follow_up = message.complaint
        self.add_class("-follow-up")
        about = Text("Following up the complaint ", style="italic")
        about.append_text(plain(c.topic or "(no topic)", 40, style="italic bold"))
        about.append(f" ({c.resolution_label}). Ask how it is now.", style="italic")
        self.query_one("#follow-up-about", Static).update(about)

    def toggle(self) -> None:
        field = self.query_one("#complaint", ChoiceField)
        field.value = "no" if field.value == "yes" else "yes"

    @property
    def is_complaint(self) -> bool:
        return self.query_one("#complaint", ChoiceField).value == "yes"

    @property
    def feeling(self) -> str:
        return self.query_one("#feeling", ChoiceField).value if self.follow_up is not None else ""


class CustomerComplaints(Static):
    """The repeat-caller mark and the customer's complaints (newest first, open ones marked)."""

    DEFAULT_CSS = """
    CustomerComplaints { height: auto; max-height: 5; padding: 0 1; display: none; }
    CustomerComplaints.-shown { display: block; }
    """

    @property
    def desk(self):
        return cast("FrontDeskApp", self.app).desk

    @work(thread=True, exclusive=True, group="customer-complaints", exit_on_error=False)
    def load(self, customer_id: int) -> None:
        try:
            complaints, week_calls = self.desk.complaints.customer_view(customer_id)
        except Exception as exc:  # noqa: BLE001 - reported as any failure; the page goes on
            self.app.call_from_thread(cast("FrontDeskApp", self.app).report_failure, exc)
            return
        self.post_message(CustomerComplaintsRead(customer_id, complaints, week_calls))

    @on(CustomerComplaintsRead)
    def _read(self, message: CustomerComplaintsRead) -> None:
        message.stop()
        self.show(message.complaints, message.week_calls)

    def show(self, complaints: list[Complaint], week_calls: int) -> None:
        now, zone = self.desk.clock.now(), self.desk.zone
        text = Text()
        mark = repeat_mark(week_calls)
        if mark:
            text.append(f">> {week_calls} calls in the last 7 days: {mark}", style="bold reverse")
        open_ones = [c for c in complaints if c.state == "open"]
        for c in open_ones[:3]:
            text.append("\n" if text else "")
            text.append(f"!! COMPLAINT open {age(now, c.opened_at)}: ", style="bold")
            text.append_text(plain(c.topic or c.note or "(no topic)", 50))
            text.append(" (p: complaints list, to resolve)", style="dim")
        latest = next((c for c in complaints if c.state == "resolved"), None)
        if latest is not None and len(open_ones) < 3:
            text.append("\n" if text else "")
            text.append(f"Complaint resolved {day_time(latest.resolved_at, zone, now)}" if latest.resolved_at
                        else "Complaint resolved")
            text.append(f" ({latest.resolution_label})")
            if latest.followup_result:
                text.append(f"; follow-up: {latest.feeling_label}", style="bold")
            elif latest.followup_state == "open" and latest.followup_due_at:
                text.append(f"; follow-up due {day_time(latest.followup_due_at, zone, now)}")
        self.set_class(bool(text), "-shown")
        self.update(text)


class ResolveComplaint(ModalScreen[tuple[str, str] | None]):
    """What was done (a choice: arrows change it) and a note; ctrl+s or Enter in the note
    resolves, Escape cancels."""

    DEFAULT_CSS = MODAL_CSS.format(name="ResolveComplaint") + """
    ResolveComplaint .field { margin: 1 0 0 0; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "resolve", "Resolve")]

    def __init__(self, complaint: Complaint, follow_up: str) -> None:
        super().__init__()
        self.complaint, self.follow_up = complaint, follow_up

    def compose(self) -> ComposeResult:
        c = self.complaint
        with Vertical():
            question = Text("Resolve the complaint of ", style="bold")
            question.append_text(plain(c.caller, 40, style="bold"))
            question.append(": ")
            question.append_text(plain(c.topic or "(no topic)", 60))
            yield Static(question)
            with Horizontal(classes="field"):
                yield Label("Done")
                yield ChoiceField([(label, key) for key, label in RESOLUTIONS.items()], id="kind")
            with Horizontal(classes="field"):
                yield Label("Note")
                yield Input(placeholder="what was done, in words", id="resolve-note")
            yield Static(Text(self.follow_up, style="dim"))
            yield Static(Text("ctrl+s or Enter in the note: resolve.  Escape: cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#kind", ChoiceField).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_resolve()

    def action_resolve(self) -> None:
        self.dismiss((self.query_one("#kind", ChoiceField).value, self.query_one("#resolve-note", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
