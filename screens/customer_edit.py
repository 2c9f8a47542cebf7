"""Editing a customer: profile form with conflict detection, adding numbers, merging two."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from frontdesk.services import ConflictError, NumberTaken
from widgets.diff_text import differences
from widgets.safe import block

from .modals import MODAL_CSS, Choose, Confirm, Prompt

if TYPE_CHECKING:
    from frontdesk.app import FrontDeskApp


class EditCustomer(ModalScreen[None]):
    """Name, company and notes. Saving checks nobody else saved this customer meanwhile; when
    someone did, both versions are shown where they differ and the user chooses."""

    DEFAULT_CSS = MODAL_CSS.format(name="EditCustomer") + """
    EditCustomer TextArea { height: 5; border: none; background: $boost; }
    EditCustomer .error { color: $error; height: auto; }
    EditCustomer #yours { height: auto; max-height: 6; color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]
    FIELDS = ("name", "company", "notes")

    @dataclass
    class Saved(Message):
        note: str

    @dataclass
    class Clashed(Message):
        current: Any
        mine: dict

    @dataclass
    class Refused(Message):
        message: str
        error: BaseException

    def __init__(self, customer) -> None:
        super().__init__()
        self.customer = customer  # the version this form started from
        self._saving = False

    def compose(self) -> ComposeResult:
        c = self.customer
        with Vertical() as box:
            box.border_title = f"Edit customer #{c.id}"
            with Horizontal(classes="field"):
                yield Label("Name")
                yield Input(c.name, id="name")
            with Horizontal(classes="field"):
                yield Label("Company")
                yield Input(c.company, id="company")
            yield Label("Notes", classes="hint")
            yield TextArea(c.notes, id="notes", soft_wrap=True)
            yield Static("", classes="error", id="edit-error")
            yield Static("", id="yours")
            yield Static(Text("ctrl+s save, Escape cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def values(self) -> dict:
        return {
            "name": self.query_one("#name", Input).value,
            "company": self.query_one("#company", Input).value,
            "notes": self.query_one("#notes", TextArea).text,
        }

    def my_changes(self) -> dict:
        """Only the fields edited in this form, compared with the version it started from."""
        return {k: v for k, v in self.values().items() if v.strip() != getattr(self.customer, k)}

    def action_save(self) -> None:
        self._save(self.my_changes(), self.customer.version)

    def _save(self, changes: dict, version: int, note: str = "Customer saved") -> None:
        if self._saving:
            return
        self._saving = True
        self.query_one("#edit-error", Static).update(Text("saving..."))
        self.save(self.customer.id, changes, version, note)

    @work(thread=True, exclusive=True, group="edit-customer", exit_on_error=False)
    def save(self, customer_id: int, changes: dict, version: int, note: str) -> None:
        desk = cast("FrontDeskApp", self.app).desk
        try:
            desk.customers.update_customer(customer_id, version, **changes)
        except ConflictError as exc:
            self.post_message(self.Clashed(exc.current, changes))
        except Exception as exc:  # noqa: BLE001 - refused or failed: shown in the form, kept
            self.post_message(self.Refused(desk.describe(exc), exc))
        else:
            self.post_message(self.Saved(note))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self._saving = False
        self.app.notify(message.note, timeout=4)
        self.dismiss(None)
        cast("FrontDeskApp", self.app).desk_changed()

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._saving = False
        self.query_one("#edit-error", Static).update(
            Text(f"Not saved: {message.message} Your edits are kept."))
        cast("FrontDeskApp", self.app).report_failure(message.error, shown=True)

    @on(Clashed)
    def _clashed(self, message: Clashed) -> None:
        """Someone saved meanwhile. Their edits to other fields are kept; only a field both
        changed differently is a clash, and for those the user sees both and chooses."""
        self._saving = False
        self.query_one("#edit-error", Static).update("")
        current, mine = message.current, message.mine
        clashes = [k for k, v in mine.items()
                   if getattr(current, k) != getattr(self.customer, k) and getattr(current, k) != v.strip()]
        if not clashes:
            self.customer = current
            self._save(mine, current.version, "Saved, together with the other desk's changes")
            return
        text = Text("Someone else saved this customer while you were editing.\n", style="bold")
        for key in clashes:
            theirs_line, yours_line = differences(getattr(current, key), mine[key])
            text.append(f"\n{key}\n  theirs: ")
            text.append_text(theirs_line)
            text.append("\n  yours:  ")
            text.append_text(yours_line)

        def decide(choice: str | None) -> None:
            if choice == "mine":
                self.customer = current
                self._save(mine, current.version)
            elif choice == "theirs":
                self.customer = current
                rest = {k: v for k, v in mine.items() if k not in clashes}
                self._save(rest, current.version, "Kept their version")
            elif choice == "edit":
                self._edit_on_theirs(current, mine, clashes)

        self.app.push_screen(Choose(text, [
            ("mine", "Save mine over theirs"), ("theirs", "Keep theirs for these fields"),
            ("edit", "Keep editing (based on theirs)")]), decide)

    def _edit_on_theirs(self, current, mine: dict, clashes: list[str]) -> None:
        """The form now holds their version of every field but the ones only I changed; what I
        had typed in the clashing fields stays on screen below the form to copy from."""
        for key in self.FIELDS:
            if key in mine and key not in clashes:
                continue
            if key == "notes":
                self.query_one("#notes", TextArea).text = current.notes
            else:
                self.query_one(f"#{key}", Input).value = getattr(current, key)
        self.customer = current
        yours = Text("What you had typed (not saved):", style="bold")
        for key in clashes:
            yours.append(f"\n{key}: ")
            yours.append_text(block(mine[key]))
        self.query_one("#yours", Static).update(yours)

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_phone(screen, customer, phone=None) -> None:
    """Add a number ('... as mobile' sets its label), or edit `phone` when given."""
    desk = screen.desk

    def check(value: str) -> str:
        from frontdesk import phones

        number, _, _label = value.partition(" as ")
        try:
            phones.parse(number, desk.region)
        except phones.PhoneError as exc:
            return str(exc)
        return ""

    def save(value: str | None) -> None:
        if not value:
            return
        number, _, label = value.partition(" as ")
        saved, refused = ("Number added", "Number not added") if phone is None else (
            "Number changed", "Number not changed")

        def write(shared: bool):
            if phone is None:
                return desk.customers.add_phone(customer.id, number, label.strip(), shared=shared)
            return desk.customers.edit_phone(phone.id, number, label.strip(), shared=shared)

        def attempt(shared: bool) -> None:
            def call():
                try:
                    return write(shared)
                except NumberTaken as taken:  # asked about below, not an error
                    return taken

            screen.run_service(call, done=lambda result: ask_shared(result) if isinstance(result, NumberTaken)
                               else screen.notify(saved, timeout=3))

        def ask_shared(taken: NumberTaken) -> None:
            """Another customer has this number: a household, a switchboard, or a mistake. The
            user says which; nothing is saved until they do."""
            parsed = desk.customers.parse_phone(number)
            shown = desk.national(parsed.e164, parsed.ext)
            whose = " and ".join(f"{h.display_name}'s" for h in taken.holders[:3])
            ids = ", ".join(f"#{h.id}" for h in taken.holders[:3])
            more = f" (and {len(taken.holders) - 3} more)" if len(taken.holders) > 3 else ""
            both = "both" if len(taken.holders) == 1 else "all of them"

            def answer(share: bool | None) -> None:
                if share:
                    attempt(True)
                else:
                    screen.notify(Text(f"{refused}: {shown} stays {whose} only."), timeout=5)

            screen.app.push_screen(Confirm(
                f"{shown} is already {whose} number ({ids}){more}. Keep it on {both} as a shared number?",
                yes="Share it", no="Don't save", focus_no=True), answer)

        attempt(False)

    if phone is None:
        question, value = f"Add a number for {customer.display_name} (optionally '... as mobile')", ""
    else:
        question = "Change the number (and its label after ' as ')"
        value = desk.national(phone.e164, phone.ext) + (f" as {phone.label}" if phone.label else "")
    screen.app.push_screen(Prompt(question, value=value, check=check), save)


def ask_merge(screen, customer) -> None:
    """Find the duplicate, confirm, merge it into this customer."""
    desk = screen.desk

    def search(text: str | None) -> None:
        if text:
            screen.run_service(lambda: [m for m in desk.find_callers(text, limit=12)
                                        if m.customer.id != customer.id], done=offer)

    def offer(matches) -> None:
        if not matches:
            screen.notify("No other customer matches", severity="warning", timeout=4)
            return
        choices = [(str(m.customer.id), f"#{m.customer.id} {m.customer.display_name} "
                    + " ".join(desk.national(p.e164) for p in m.customer.phones[:2])) for m in matches]
        screen.app.push_screen(Choose("Merge which customer into this one?", choices), confirm)

    def confirm(other_id: str | None) -> None:
        if other_id:
            screen.run_service(lambda: desk.customers.customer(int(other_id)), done=ask)

    def ask(other) -> None:
        def go(yes: bool | None) -> None:
            if yes:
                screen.run_service(lambda: desk.customers.merge_customers(customer.id, other.id),
                                   done=lambda _: screen.notify("Customers merged", timeout=3))

        screen.app.push_screen(Confirm(
            f"Merge #{other.id} {other.display_name} into #{customer.id} {customer.display_name}? "
            "Its numbers, calls and promises move here.", yes="Merge", no="Cancel", focus_no=True), go)

    screen.app.push_screen(Prompt("Find the duplicate (name, company or number)"), search)
