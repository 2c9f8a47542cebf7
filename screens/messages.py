"""What workers send back to the screens (and to the app), one typed Message per kind of result.

A worker thread never touches a widget: it reads or writes through the service API and posts
one of these; the screen's `@on(...)` handler changes the widgets on the UI thread. Failures
travel the same way (`ServiceFailed`, `SaveFailed`, or a failed worker, which the screens' base
turns into a toast). The app imports this module too, so screens never import the app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from textual.message import Message

from frontdesk.models import Page


@runtime_checkable
class TypedThrough(Protocol):
    """A screen that opens over the desk on a key (a question, the search) and takes the keys
    typed on in the same burst as typing."""

    def type_through(self, text: str) -> None: ...


class DeskChanged(Message):
    """Something in the database changed (this desk or another process): screens reload."""


@dataclass
class QueueLoaded(Message):
    """The soonest open callbacks, (overdue, due soon), how many are open, how many are mine."""

    queue: list
    counts: tuple[int, int]
    total: int
    mine_total: int


@dataclass
class MessagesLoaded(Message):
    """The operator's unread messages and everyone's urgent unread ones (a MessagesSnapshot)."""

    snapshot: Any


@dataclass
class ServiceDone(Message):
    """A use case run by `run_service` finished; `then` is the screen's follow-up, if any."""

    result: Any
    then: Callable[[Any], None] | None = None
    changes: bool = True  # False for a read: nothing to reload


@dataclass
class ServiceFailed(Message):
    """A use case run by `run_service` was refused or failed; `message` is for the user."""

    error: BaseException
    message: str
    then: Callable[[str], None] | None = None


@dataclass
class CallsLoaded(Message):
    """A page of calls for a list; `more` is True when it continues the rows already shown."""

    page: Page
    more: bool = False


@dataclass
class CustomerLoaded(Message):
    customer: Any
    history: Page
    promises: list
    emails: tuple = ()


@dataclass
class AuditLoaded(Message):
    entries: list


@dataclass
class CallbackLoaded(Message):
    callback: Any
    events: list
    card: Any


@dataclass
class SearchDone(Message):
    text: str
    results: Any


@dataclass
class ReportLoaded(Message):
    summary: Any


@dataclass
class MatchesFound(Message):
    """Customers matching what is in the phone field (`text`, as it was when looked up)."""

    text: str
    matches: list


@dataclass
class CardLoaded(Message):
    card: Any


@dataclass
class ReturningLoaded(Message):
    """The promise a call-back form returns."""

    callback: Any


@dataclass
class CallSaved(Message):
    logged: Any


@dataclass
class SaveFailed(Message):
    message: str
    field: str = ""
    error: BaseException | None = None
    request: Any = None  # the NewCall refused because its number is another customer's
    taken: Any = None  # that refusal (frontdesk.customers.NumberTaken): the form asks to share


@dataclass
class CallerRouted(Message):
    """What saving would do with the caller now (frontdesk.callers.CallerOutcome), for the form
    to say before the save: 'new contact on Tyrone Hernandez's number'."""

    outcome: Any
    name: str


@dataclass
class RingingLoaded(Message):
    """The calls ringing now (frontdesk.phone.models.RingingCall, in the order they rang),
    those that stopped ringing because someone answered: (call, who answered), and how many
    missed calls nobody has marked seen."""

    calls: list
    answered: list
    unseen_missed: int = 0


@dataclass
class MissedLoaded(Message):
    """The missed-calls list (frontdesk.phone.models.MissedCall, latest first) and how many
    nobody has marked seen."""

    missed: list
    unseen: int
