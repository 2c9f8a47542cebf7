"""Two lines under the caller's name in the new-call form, there only while they have
something to say: who will get the call when that is not simply the caller recognised ("new
contact on Tyrone Hernandez's number"), and the caller's open promises, which this call can
close (ctrl+r)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from frontdesk.models import Callback

from .base import db_work
from .messages import CallerRouted

if TYPE_CHECKING:
    from frontdesk.app import FrontDeskApp


class CallerHints(Vertical):
    DEFAULT_CSS = """
    CallerHints { height: auto; }
    CallerHints > Static { height: auto; margin: 0 0 0 10; display: none; }
    """

    def __init__(self, closing: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.open_promises: tuple[Callback, ...] = ()  # the recognised caller's, offered to close
        self.closing = closing  # this call closes them
        self._routed_for: tuple = ()  # what the routing line was asked about last

    def compose(self) -> ComposeResult:
        yield Static("", id="who")
        yield Static("", id="who-promises")

    def _line(self, selector: str, text: str | Text) -> None:
        line = self.query_one(selector, Static)
        line.update(text)
        line.display = bool(text)

    # -- who gets the call ------------------------------------------------------------------
    def route(self, customer_id: int | None, phone: str, name: str) -> None:
        """Ask who saving would give the call to (a recognised caller, a number, a name)."""
        self._routed_for = (customer_id, phone, name)
        if customer_id is None:
            self._line("#who", "")
        else:
            self._route(customer_id, phone, name)

    @db_work("route")
    def _route(self, customer_id: int, phone: str, name: str) -> None:
        desk = cast("FrontDeskApp", self.app).desk
        self.post_message(CallerRouted(desk.callers.who_gets_the_call(customer_id, phone, name), name))

    @on(CallerRouted)
    def _routed(self, message: CallerRouted) -> None:
        message.stop()
        customer_id, _phone, name = self._routed_for or (None, "", "")
        if message.name != name:
            return  # typed on meanwhile: a newer answer is coming
        outcome = message.outcome
        plain_case = outcome.customer_id == customer_id and not outcome.new_customer
        self._line("#who", "" if plain_case else Text(f"Saving logs this call for: {outcome.sentence}",
                                                      style="bold"))

    # -- open promises ----------------------------------------------------------------------
    def offer(self, promises: tuple[Callback, ...]) -> None:
        self.open_promises = promises
        if not promises:
            self.closing = False
        self._show_offer()

    def toggle(self) -> bool:
        """ctrl+r: close the open promises with this call, or keep them open again."""
        if not self.open_promises:
            return False
        self.closing = not self.closing
        self._show_offer()
        return True

    @property
    def closes(self) -> tuple[int, ...]:
        return tuple(cb.id for cb in self.open_promises) if self.closing else ()

    def _show_offer(self) -> None:
        count = len(self.open_promises)
        if not count:
            self._line("#who-promises", "")
            return
        some = "their open promise" if count == 1 else f"their {count} open promises"
        if self.closing:
            self._line("#who-promises", Text(f"This call closes {some} (ctrl+r: keep open)", style="bold"))
        else:
            self._line("#who-promises", Text(
                f"{'One open promise' if count == 1 else f'{count} open promises'} to this caller: "
                f"ctrl+r closes {'it' if count == 1 else 'them'} with this call", style="italic"))
