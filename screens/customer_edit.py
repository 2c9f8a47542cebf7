"""Editing a customer: profile form with conflict detection, adding numbers, merging two."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from frontdesk.errors import DeskError
from frontdesk.services import ConflictError, StorageError
from widgets.safe import plain

from .modals import MODAL_CSS, Choose, Confirm, Prompt


class EditCustomer(ModalScreen[None]):
    """Name, company and notes. Saving checks nobody else saved this customer meanwhile."""

    DEFAULT_CSS = MODAL_CSS.format(name="EditCustomer") + """
    EditCustomer TextArea { height: 5; border: none; background: $boost; }
    EditCustomer .error { color: $error; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, customer) -> None:
        super().__init__()
        self.customer = customer  # the version this form started from

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
        desk = self.app.desk
        try:
            desk.update_customer(self.customer.id, version, **changes)
        except ConflictError as exc:
            self._conflict(exc.current, changes)
            return
        except DeskError as exc:
            self.query_one("#edit-error", Static).update(Text(str(exc)))
            return
        except StorageError as exc:
            self.query_one("#edit-error", Static).update(Text(f"Not saved ({exc}); your edits are kept."))
            return
        self.app.notify(note, timeout=4)
        self.dismiss(None)
        self.app.desk_changed()

    def _conflict(self, current, mine: dict) -> None:
        """Someone saved meanwhile. Their edits to other fields are kept; only a field both
        changed differently is a clash, and for those the user sees both and chooses."""
        clashes = [k for k, v in mine.items()
                   if getattr(current, k) != getattr(self.customer, k) and getattr(current, k) != v.strip()]
        if not clashes:
            self.customer = current
            self._save(mine, current.version, "Saved, together with the other desk's changes")
            return
        text = Text("Someone else saved this customer while you were editing.\n", style="bold")
        for key in clashes:
            text.append(f"\n{key}\n  theirs: ")
            text.append_text(plain(getattr(current, key), 50))
            text.append("\n  yours:  ")
            text.append_text(plain(mine[key], 50))

        def decide(choice: str | None) -> None:
            if choice == "mine":
                self.customer = current
                self._save(mine, current.version)
            elif choice == "theirs":
                self.customer = current
                rest = {k: v for k, v in mine.items() if k not in clashes}
                self._save(rest, current.version, "Kept their version")
            elif choice == "edit":  # the form now shows theirs where you had not edited
                for key in ("name", "company"):
                    if key not in mine:
                        self.query_one(f"#{key}", Input).value = getattr(current, key)
                if "notes" not in mine:
                    self.query_one("#notes", TextArea).text = current.notes
                self.customer = current

        self.app.push_screen(Choose(text.plain, [
            ("mine", "Save mine over theirs"), ("theirs", "Keep theirs for these fields"),
            ("edit", "Keep editing (based on theirs)")]), decide)

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
        if phone is None:
            screen.run_service(lambda: desk.add_phone(customer.id, number, label.strip()),
                               done=lambda _: screen.notify("Number added", timeout=3))
        else:
            screen.run_service(lambda: desk.edit_phone(phone.id, number, label.strip()),
                               done=lambda _: screen.notify("Number changed", timeout=3))

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
        if not text:
            return
        matches = [m for m in desk.find_callers(text, limit=12) if m.customer.id != customer.id]
        if not matches:
            screen.notify("No other customer matches", severity="warning", timeout=4)
            return
        choices = [(str(m.customer.id), f"#{m.customer.id} {m.customer.display_name} "
                    + " ".join(desk.national(p.e164) for p in m.customer.phones[:2])) for m in matches]
        screen.app.push_screen(Choose("Merge which customer into this one?", choices), confirm)

    def confirm(other_id: str | None) -> None:
        if not other_id:
            return
        other = desk.customer(int(other_id))

        def go(yes: bool | None) -> None:
            if yes:
                screen.run_service(lambda: desk.merge_customers(customer.id, other.id),
                                   done=lambda _: screen.notify("Customers merged", timeout=3))

        screen.app.push_screen(Confirm(
            f"Merge #{other.id} {other.display_name} into #{customer.id} {customer.display_name}? "
            "Its numbers, calls and promises move here.", yes="Merge", no="Cancel"), go)

    screen.app.push_screen(Prompt("Find the duplicate (name, company or number)"), search)
