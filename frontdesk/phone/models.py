"""Phone events and phone calls as plain frozen records (no I/O: widgets may import them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..models import Callback, who

KINDS = ("ring", "answer", "hangup", "missed")
STATES = ("ringing", "answered", "ended")
SOURCES = ("cti", "phone", "cli")
# Hang-up causes of the generic CTI format (Zammad, sipgate.io) that say nobody took the call.
MISSED_CAUSES = frozenset({"cancel", "noAnswer", "busy"})
# Causes of an unanswered inbound call that is not the desk's to return: another phone took
# it, or the call never got through (a network failure, a number that does not exist).
NOT_MISSED_CAUSES = frozenset({"forwarded", "answeredElsewhere", "congestion", "notFound"})
LOST_AFTER = timedelta(minutes=10)  # a call ringing this long with no further event was missed
ANSWERED_ELSEWHERE = timedelta(minutes=2)  # the same caller answered on another phone meanwhile
ID_LIMIT = 250  # characters of a system's call id (the generic CTI format's maximum)


@dataclass(frozen=True)
class PhoneEvent:
    """One event as a phone system (or a script) reports it. Text is untrusted: the service
    cleans and bounds it. `call_id` is the system's id for the call ('' makes one); `number`
    the other party's number in any form; `by` who answered; `cause` the hang-up cause."""

    kind: str = "ring"
    call_id: str = ""
    source: str = "cli"
    number: str = ""
    name: str = ""
    line: str = ""
    direction: str = "in"
    by: str = ""
    cause: str = ""
    at: datetime | None = None  # default: the desk's clock now


@dataclass(frozen=True)
class PhoneCall:
    """A call as the phone system reported it (table phone_calls)."""

    id: int
    source: str
    ext_id: str
    direction: str
    number_raw: str
    e164: str
    withheld: bool
    name: str
    line: str
    state: str
    answered_by: str
    cause: str
    rang_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    updated_at: datetime
    customer_id: int | None
    call_id: int | None
    callback_id: int | None
    missed: bool
    attempt: int
    seen: bool

    @property
    def talk_seconds(self) -> int | None:
        """Seconds between answer and hang-up; None unless both are known."""
        if self.answered_at is None or self.ended_at is None:
            return None
        return max(0, int((self.ended_at - self.answered_at).total_seconds()))


@dataclass(frozen=True)
class EventResult:
    """What applying one event did. `effect`: 'new', 'answered', 'ended', 'missed', or
    'unchanged' (a repeat, or an event for a call already past it); `closed`: missed-call
    promises this event kept (a later answered call); `callback`: the promise a missed call
    opened or counted one more attempt on."""

    record: PhoneCall
    effect: str
    callback: Callback | None = None
    closed: tuple[Callback, ...] = ()

    @property
    def changed(self) -> bool:
        return self.effect != "unchanged"


@dataclass(frozen=True)
class RingingCall:
    """A call ringing now, as the ringing strip shows it. `number` is in the desk's national
    format (or the raw text when it is no number; '' when withheld); `customer_id`, `name`
    and `company` are None for a caller the desk does not know; `caller_name` is the name the
    phone system sent (untrusted text, shown as text)."""

    phone_call_id: int
    number: str
    e164: str
    withheld: bool
    customer_id: int | None
    name: str | None
    company: str | None
    caller_name: str
    open_promises: int
    last_topic: str
    line: str
    rang_at: datetime

    @property
    def caller(self) -> str:
        """'Maria Lopez (Acme)', the number, or 'unknown number'/'withheld number'."""
        if self.customer_id is not None and (self.name or self.company):
            return who(self.name or "", self.company or "")
        if self.caller_name and not self.withheld:
            return f"{self.caller_name} ({self.number})" if self.number else self.caller_name
        if self.withheld:
            return "withheld number"
        return self.number or "unknown number"


@dataclass(frozen=True)
class MissedCall:
    """A row of the missed-calls list: one caller's missed calls that share a promise (or
    one missed call without a promise). `attempts`: how many times they tried; `last_at`,
    `first_at`: their latest and first try; `callback`: the promise, if one was opened."""

    phone_call_id: int  # the latest of the calls
    last_at: datetime
    first_at: datetime
    number: str
    e164: str
    withheld: bool
    customer_id: int | None
    caller: str  # the customer's name, else the name sent, else the number
    attempts: int
    seen: bool
    callback: Callback | None
