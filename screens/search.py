"""Search: customers by name, company or any part of a number; calls by words of their notes."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from widgets.call_table import CallTable
from widgets.key_bar import KeyBar
from widgets.safe import plain

from .base import BACK, DeskScreenBase, db_work
from .messages import SearchDone


class SearchScreen(DeskScreenBase):
    TITLE_TEXT = "search"
    BINDINGS = [
        BACK,
        Binding("down", "to_results", "Results", id="to_results", show=False),
    ]
    DEFAULT_CSS = """
    SearchScreen #query { margin: 0 0; }
    SearchScreen #customers { height: auto; max-height: 8; border: none; }
    """

    def __init__(self, typed: str = "") -> None:
        super().__init__()
        self.typed = typed  # what was typed on the desk before this screen opened
        self._pending = ""  # typed on meanwhile, before the query field was mounted

    def compose(self) -> ComposeResult:
        yield self.status_bar()
        # Not selected on focus: the next key typed goes after what was typed on the desk.
        yield Input(self.typed, placeholder="name, company, digits of a number, or words of a note",
                    id="query", select_on_focus=False)
        yield Label("Customers", classes="section-title", id="customers-title")
        yield OptionList(id="customers")
        yield Label("Calls whose notes match", classes="section-title", id="calls-title")
        yield CallTable(columns="notes", id="calls")
        yield KeyBar()

    def on_mount(self) -> None:
        query = self.query_one("#query", Input)
        query.focus()
        if self._pending:  # typed before the field was there
            query.insert_text_at_cursor(self._pending)
            self._pending = ""

    def type_through(self, text: str) -> None:
        self.type(text)

    def type(self, text: str) -> None:
        """Text typed elsewhere that belongs in the query (keys of the same burst), kept until
        the field exists if it does not yet."""
        found = self.query("#query")
        if not self.is_mounted or not found:
            self._pending += text
            return
        query = found.first(Input)
        query.focus()
        if text:
            query.insert_text_at_cursor(text)

    def on_key(self, event) -> None:
        """Keys typed in the same burst as the first letter can arrive before the query field
        has focus: they were sent to the screen itself, and belong to the query (even when
        it has focus by the time they are read)."""
        if self.focused in (None, *self.query("#query")) and event.is_printable and event.character:
            event.stop()
            self.type(event.character)

    def reload(self) -> None:
        self.search(self.query_one("#query", Input).value)

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        # Enter typed right after the text goes to the results this text finds, as typed slowly.
        hold = getattr(self.app, "hold_keys", None)
        if hold is not None:
            hold(f"search-{id(self)}")
        self.search(event.value)

    def action_to_results(self) -> None:
        if self.focused is self.query_one("#query"):
            self._submitted()
        else:
            self.focus_next()

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        options = self.query_one("#customers", OptionList)
        if options.option_count:
            options.focus()
            options.highlighted = options.highlighted or 0
        else:
            self.query_one("#calls", CallTable).focus()

    @db_work("search")
    def search(self, text: str) -> None:
        self.post_message(SearchDone(text, self.desk.search(text)))

    @on(SearchDone)
    def _show(self, message: SearchDone) -> None:
        text, results = message.text, message.results
        if text != self.query_one("#query", Input).value:
            return
        release = getattr(self.app, "release_keys", None)
        if release is not None:
            release(f"search-{id(self)}", via=self)
        options = self.query_one("#customers", OptionList)
        options.clear_options()
        for customer in results.customers:
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append_text(plain(customer.display_name, 40))
            for phone in customer.phones[:2]:
                line.append(f"  {self.desk.national(phone.e164, phone.ext)}", style="dim")
            options.add_option(Option(line, id=str(customer.id)))
        self.query_one("#customers-title", Label).update(f"Customers ({len(results.customers)})")
        self.query_one("#calls", CallTable).show_calls(list(results.calls), self.desk.zone, self.desk.clock.now())
        self.query_one("#calls-title", Label).update(f"Calls whose notes match ({len(results.calls)})")

    @on(OptionList.OptionSelected, "#customers")
    def _customer_chosen(self, event: OptionList.OptionSelected) -> None:
        self.desk_app.open_customer(int(event.option.id))

    @on(CallTable.Chosen)
    def _call_chosen(self, event: CallTable.Chosen) -> None:
        call = self.query_one("#calls", CallTable).calls.get(event.call_id)
        if call:
            self.desk_app.open_customer(call.customer_id)

