"""Who is calling, from what is typed in the phone field: the field, the matching callers under
it, and the choice of one. Part of the new-call form; it reads through the service API in a
worker and tells the form what it recognised with a message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from frontdesk import phones
from frontdesk.models import CallerMatch, Customer
from widgets.safe import plain
from widgets.suggestions import Suggestions

from .base import db_work
from .messages import MatchesFound

if TYPE_CHECKING:
    from frontdesk.app import FrontDeskApp


class CallerLookup(Vertical):
    DEFAULT_CSS = """
    CallerLookup { height: auto; }
    CallerLookup #matches { height: auto; max-height: 5; border: none; margin: 0 0 0 10; display: none; }
    CallerLookup #matches.-shown { display: block; }
    """

    @dataclass
    class Chosen(Message):
        """A caller was recognised: a whole number that is theirs, or picked from the list."""

        match: CallerMatch
        picked: bool  # from the list (the form moves on to the next field)

    class Cleared(Message):
        """The number no longer belongs to the caller recognised before."""

    def __init__(self, phone: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.phone = phone
        self.chosen: Customer | None = None
        self._matches: dict[str, CallerMatch] = {}  # the suggestions shown, by customer id

    @property
    def desk(self):
        return cast("FrontDeskApp", self.app).desk

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label("Phone")
            yield Input(self.phone, placeholder="number, digits or name", id="phone")
        yield Suggestions(id="matches")

    @property
    def text(self) -> str:
        return self.query_one("#phone", Input).value

    def enter_suggestions(self) -> bool:
        """Down from the phone field: into the suggestions, when there are any."""
        options = self.query_one("#matches", Suggestions)
        if not options.has_class("-shown"):
            return False
        options.enter()
        return True

    @on(Input.Changed, "#phone")
    def _phone_changed(self, event: Input.Changed) -> None:
        if self.chosen is not None and not self._is_chosens(event.value):
            self.chosen = None
            self.post_message(self.Cleared())
        # Keys typed right after (Down into the suggestions, Tab) wait for what this finds.
        hold = getattr(self.app, "hold_keys", None)
        if hold is not None:
            hold(f"lookup-{id(self)}")
        self.lookup(event.value)

    def _is_chosens(self, text: str) -> bool:
        number = phones.try_parse(text, self.desk.region)
        return bool(number and self.chosen and any(p.e164 == number.e164 for p in self.chosen.phones))

    @db_work("lookup")
    def lookup(self, text: str) -> None:
        self.post_message(MatchesFound(text, self.desk.find_callers(text, limit=8)))

    @on(MatchesFound)
    def _show_matches(self, message: MatchesFound) -> None:
        message.stop()
        text, matches = message.text, message.matches
        if text != self.text:
            return  # typed on meanwhile; a newer lookup is coming
        release = getattr(self.app, "release_keys", None)
        if release is not None:
            release(f"lookup-{id(self)}", via=self)
        options = self.query_one("#matches", OptionList)
        options.clear_options()
        self._matches = {str(m.customer.id): m for m in matches}
        for match in matches:
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append_text(plain(match.customer.display_name, 30))
            number = match.phone or (match.customer.phones[0] if match.customer.phones else None)
            if number:
                line.append(f"  {self.desk.national(number.e164, number.ext)}", style="dim")
            options.add_option(Option(line, id=str(match.customer.id)))
        options.set_class(bool(matches) and self.chosen is None, "-shown")
        if matches:
            options.highlighted = 0
        exact = [m for m in matches if m.reason == "number"]
        if len(exact) == 1 and self.chosen is None:
            self._choose(exact[0], picked=False)

    @on(OptionList.OptionSelected, "#matches")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        match = self._matches.get(str(event.option.id))
        if match is not None:
            self._choose(match, picked=True)

    def _choose(self, match: CallerMatch, picked: bool) -> None:
        self.chosen = match.customer
        self.query_one("#matches", OptionList).remove_class("-shown")
        number = match.phone or (match.customer.phones[0] if match.customer.phones else None)
        if picked and number:  # the number that matched, in full, in place of the digits typed
            with self.prevent(Input.Changed):
                self.query_one("#phone", Input).value = self.desk.national(number.e164, number.ext)
        self.post_message(self.Chosen(match, picked))
