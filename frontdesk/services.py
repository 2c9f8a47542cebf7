"""The desk's use cases: what a receptionist can do, for the app, the CLI and tests alike."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import phones
from .callers import CallerOutcome, CallerRouting, is_withheld
from .clock import Clock, to_iso
from .complaints import CallEffects, Complaints
from .customers import CustomerRecords, NumberTaken
from .db import DatabaseMoved, describe_storage_error
from .errors import DeskError, describe_failure, present
from .formatting import clock_time, time_left
from .hours import HoursError, preset_due
from .limits import check_call_time, check_promise, long_text, short_text
from .messages import Messages, check_boxes
from .models import (
    DIRECTIONS,
    OUTCOMES,
    UNREACHED,
    AuditEntry,
    Call,
    Callback,
    CallerCard,
    CallerMatch,
    Customer,
    Page,
    PhoneNumber,
    SearchResults,
    TakenMessage,
)
from .operators import Operators
from .phone.service import PhoneCalls
from .promises import Promises
from .settings import DeskSettings, SettingsError, validate
from .settings import load as load_settings
from .store import PAGE, ConflictError, Store
from .text import clean

__all__ = ["DatabaseMoved", "Desk", "DeskError", "ConflictError", "StorageError", "describe_storage_error", "NewCall",
           "Logged", "PAGE", "CallerOutcome", "NumberTaken"]

# What the database layer raises when the file itself fails (locked too long, disk full, ...):
# screens catch this name and never import sqlite3 or the store themselves; they word it with
# describe_storage_error(exc, desk path), the same sentence the command line prints.
StorageError = sqlite3.Error

NO_NUMBER_TO_CALL = ("a callback needs a number to call, and this caller withheld theirs: take a message, "
                     "or type the number they give")
EARLIEST = datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))  # older "call times" are typing mistakes


def _new_uid() -> str:
    import uuid  # on the first save, not at start

    return uuid.uuid4().hex


@dataclass(frozen=True)
class NewCall:
    """A call as typed or scripted. Text is untrusted; the service cleans and checks it."""

    phone: str = ""
    name: str = ""
    company: str = ""
    topic: str = ""
    note: str = ""
    outcome: str = "resolved"
    direction: str = "in"
    at: datetime | None = None
    customer_id: int | None = None
    callback_due: datetime | None = None
    promise: str = ""  # a preset key or duration ("1bh", "eod", "30m") when callback_due is not given
    assignee: str = ""
    callback_id: int | None = None  # the open callback this call returns
    uid: str = ""
    anonymous: bool = False  # the caller withheld their number (as phone text 'anonymous' does)
    closes: tuple[int, ...] = ()  # the caller's open callbacks this call satisfies (they rang again)
    # Outcome 'message': whom the message is for (messages.py); the form and the command line
    # always say ("" is refused). None: the outcome alone, as calls were logged before messages
    # existed (a script of the core API, the benchmark's desk): no message is taken.
    message_for: str | None = None
    boxes: tuple[str, ...] = ()  # the pad's boxes ticked (models.BOXES codes)
    new_recipient: bool = False  # message_for is someone the desk does not know yet, confirmed
    # The number is new to the chosen customer and another customer has it: the user confirmed
    # it is shared (a household, a switchboard). Without it, log_call raises NumberTaken.
    share_number: bool = False
    phone_call_id: int | None = None  # the phone call (desk.phone) this call is logged from
    complaint: bool = False  # the call is a complaint (complaints.py)
    feeling: str = ""  # on a complaint's follow-up call: how the customer feels now (FEELINGS)
    resolution: str = ""  # what was done, when this call resolves the caller's open complaints


@dataclass(frozen=True)
class Logged:
    """What logging a call did: the call, its customer, any promise made or kept."""
    call: Call
    customer: Customer
    callback: Callback | None = None
    completed: Callback | None = None
    new_customer: bool = False
    duplicate: bool = False
    closed: tuple[Callback, ...] = ()  # promises of NewCall.closes done by this call
    already_closed: tuple[Callback, ...] = ()  # of NewCall.closes, those someone else closed first
    missed_closed: tuple[Callback, ...] = ()  # missed-call promises an outbound call that reached them kept
    complaints: CallEffects = CallEffects()  # a complaint opened, resolved or followed up
    message: TakenMessage | None = None  # the message taken on the call

    def words(self, now: datetime, zone: ZoneInfo) -> str:
        """'Logged call with Maria Lopez; callback in 1 h (11:00); promise kept': the toast."""
        text = f"Logged call with {self.customer.display_name}"
        if self.message:
            text += f"; message for {self.message.for_name}"
        if self.callback:
            text += f"; callback {time_left(self.callback.due_at, now)} ({clock_time(self.callback.due_at, zone)})"
        if self.completed:
            done, kept = self.completed.state == "done", self.completed.kept_on_time
            text += "; promise kept" if done and kept else "; promise done, late" if done else "; attempt counted"
        return text


class Desk:
    """The service API. Takes a store, a clock and the operator at the keyboard."""

    def __init__(self, store: Store, clock: Clock, operator: str, env: dict[str, str] | None = None):
        self.store = store
        self.clock = clock
        self.operators = Operators(self)  # the desk's people: one spelling each
        self.operator = operator
        self._env = env
        # The timezone and region are the file's (stored on its first use), not this process's $TZ.
        self.settings: DeskSettings = load_settings(store, clock.now(), self.operator, env)
        self.customers = CustomerRecords(self)  # look up (through merges), create, edit, merge
        self.callers = CallerRouting(self)  # whose call it is: recognised, new contact, withheld
        self.callbacks = Promises(self)  # promises: create, return, move, cancel, what is due
        self.phone = PhoneCalls(self)  # phone events: ringing calls, missed calls (frontdesk/phone)
        self.complaints = Complaints(self)  # complaints: open, resolve, follow up; repeat callers
        self.messages = Messages(self)  # messages taken for someone: take, list, read, nag

    @property
    def operator(self) -> str:
        """Who is at the keyboard, in the desk's spelling of them (operators.py)."""
        return self._operator

    @operator.setter
    def operator(self, name: str) -> None:
        self._operator = self.operators.canonical(clean(name, multiline=False) or "desk")

    def describe(self, exc: BaseException) -> str:
        """Any failure of a use case as one sentence for the user (the command line's words)."""
        return describe_failure(exc, self.store.path)

    def reopen(self) -> DeskSettings:
        """Open the file now at the path (replaced, or restored from a backup): what was read
        from the old one (people's spellings, the settings) is read again from the new one."""
        self.store.reopen()
        self.operators.forget()
        return self.reload_settings()

    # -- settings ---------------------------------------------------------------------------
    def reload_settings(self) -> DeskSettings:
        self.settings = load_settings(self.store, self.clock.now(), self.operator, self._env)
        return self.settings

    def save_settings(self, settings: DeskSettings) -> DeskSettings:
        try:
            validate(settings)
        except SettingsError as exc:
            raise DeskError(str(exc), exc.field) from None
        now = self.clock.now()
        with self.store.write():
            settings = replace(settings, operators=self.operators.canonical_all(settings.operators),
                               recipients=self.operators.canonical_all(settings.recipients))
            for key, value in settings.to_rows().items():
                self.store.put_setting(key, value, now, self.operator)
        self.settings = settings
        return settings

    @property
    def zone(self) -> ZoneInfo:
        return self.settings.zone

    @property
    def region(self) -> str:
        return self.settings.region

    def caller_zone(self, e164: str) -> ZoneInfo | None:
        """The caller's timezone when their number tells exactly one, other than the desk's."""
        zones = phones.caller_timezones(e164) if e164 else []
        return ZoneInfo(zones[0]) if len(zones) == 1 and zones[0] != self.settings.tz else None

    def caller_time(self, e164: str, at: datetime) -> str:
        """'14:05 (Europe/London)': the caller's clock at `at`, or '' when it is the desk's."""
        zone = self.caller_zone(e164)
        return f"{at.astimezone(zone):%H:%M} ({zone.key})" if zone else ""

    def caller_time_warning(self, e164: str, due: datetime) -> str:
        """The caller's local time at `due` when their number tells a different timezone, with a
        warning when that falls outside 08:00-21:00 for them."""
        zone = self.caller_zone(e164)
        if zone is None:
            return ""
        text = f"their time {self.caller_time(e164, due)}"
        if not 8 <= due.astimezone(zone).hour < 21:
            text += ": outside 08:00-21:00 for the caller"
        return text

    def national(self, e164: str, ext: str = "") -> str:
        return phones.national(e164, self.region, ext) if e164 else ""

    # -- days -------------------------------------------------------------------------------
    def today(self) -> date:
        return self.clock.now().astimezone(self.zone).date()

    def when(self, text: str, purpose: str = "callback", start: datetime | None = None) -> datetime:
        """A time typed for a "call" (looks back: '14:30' not yet reached today is yesterday's)
        or a "callback" (ahead), read as the desk reads it: its timezone, business hours (2bh)
        and region's day/month order (when.parse_when). Durations count from `start` (default
        now). WhenError says what is accepted, with examples that fit the purpose."""
        from .when import parse_when

        return parse_when(text, self.clock.now(), self.zone, past=purpose == "call", purpose=purpose,
                          hours=self.settings.hours, region=self.region, start=start)

    def day_bounds(self, day: date, last: date | None = None) -> tuple[datetime, datetime]:
        """UTC instants of local midnight starting `day` and ending `last` (inclusive)."""
        start = datetime.combine(day, time(0), tzinfo=self.zone)
        end = datetime.combine((last or day) + timedelta(days=1), time(0), tzinfo=self.zone)
        return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))

    def calls_on(self, day: date, limit: int = PAGE, before: tuple[str, int] | None = None) -> list[Call]:
        start, end = self.day_bounds(day)
        return self.store.calls_between(start, end, limit, before)

    def count_calls_on(self, day: date) -> int:
        return self.store.count_calls_between(*self.day_bounds(day))

    def todays_calls(self, limit: int = PAGE, before: tuple[str, int] | None = None) -> list[Call]:
        return self.calls_on(self.today(), limit, before)

    def todays_page(self, limit: int = PAGE, after: Call | None = None) -> Page:
        """Today's calls, newest first: `limit` of them, those older than `after` (the last one
        a list shows) when given, and how many today holds, read together."""
        with self.store.read():
            calls = self.messages.attach(self.todays_calls(limit, _keyset(after)))
            return Page(tuple(calls), self.count_calls_on(self.today()))

    # -- finding callers --------------------------------------------------------------------
    def _number_with(self, customer: Customer, fragment: str) -> PhoneNumber | None:
        """The customer's number whose digits (as stored, or as written here) hold `fragment`:
        the one a suggestion shows, not simply their first."""
        return next((p for p in customer.phones if fragment in phones.digits_of(p.e164)
                     or fragment in phones.digits_of(self.national(p.e164))), None)

    def find_callers(self, text: str, limit: int = 8) -> list[CallerMatch]:
        """Customers matching what is typed in the phone field: a whole number in any format,
        3+ digits of one, or 1+ letters of a name or company."""
        query = clean(text, multiline=False)
        if not query:
            return []
        matches: list[CallerMatch] = []
        seen: set[int] = set()

        def add(customers: list[Customer], reason: str, e164: str = "", fragment: str = "") -> None:
            for customer in customers:
                if customer.id in seen or len(matches) >= limit:
                    continue
                seen.add(customer.id)
                phone = next((p for p in customer.phones if p.e164 == e164), None) if e164 else (
                    self._number_with(customer, fragment) if fragment else None)
                matches.append(CallerMatch(customer, reason, phone))

        digits = phones.digits_of(query)
        letters = re.sub(r"[\d\s()+.\-/]", "", query)
        if digits and not letters.strip("extEXT#;:,"):
            number = phones.try_parse(query, self.region)
            if number:
                add(self.store.customers_with_number(number.e164), "number", number.e164)
            # '020 7946' typed on a British desk is stored as +44 20 7946...: the digits without
            # the desk's trunk prefix find it too. (Not any leading 0: on a US desk '0130' is
            # not '130'.)
            trunk = phones.trunk_prefix(self.region)
            national = digits[len(trunk):] if trunk and digits.startswith(trunk) else digits
            for fragment in dict.fromkeys((digits, national)):
                if len(fragment) >= 3 and len(matches) < limit:
                    ids = self.store.search_customer_ids("numbers", fragment, limit)
                    add(self.store.customers_by_ids(ids), "digits", fragment=fragment)
        elif len(query) >= 3:
            add(self.store.customers_by_ids(self.store.search_customer_ids("name", query, limit)), "name")
        else:
            add(self.store.customers_by_ids(self.store.customer_ids_by_name_prefix(query, limit)), "name")
        return matches

    def caller_card(self, customer_id: int, recent: int = 5) -> CallerCard:
        customer = self.customers.customer(customer_id)
        return CallerCard(
            customer=customer,
            recent_calls=tuple(self.store.customer_calls(customer.id, limit=recent)),
            open_callbacks=tuple(self.store.customer_callbacks(customer.id, open_only=True)),
            call_count=self.store.count_customer_calls(customer.id),
            open_complaints=tuple(self.store.complaints.of_customer(customer.id, open_only=True)),
            week_calls=self.complaints.week_calls(customer.id),
        )

    def history(self, customer_id: int, limit: int = PAGE, before: tuple[str, int] | None = None) -> list[Call]:
        return self.store.customer_calls(customer_id, limit, before)

    def count_history(self, customer_id: int) -> int:
        return self.store.count_customer_calls(customer_id)

    def history_page(self, customer_id: int, limit: int = PAGE, after: Call | None = None) -> Page:
        """A customer's calls, newest first, as todays_page."""
        with self.store.read():
            calls = self.messages.attach(self.history(customer_id, limit, _keyset(after)))
            return Page(tuple(calls), self.count_history(customer_id))

    def promises(self, customer_id: int, limit: int = PAGE) -> list[Callback]:
        return self.store.customer_callbacks(customer_id, limit)

    def audit(self, customer_id: int, limit: int = PAGE) -> list[AuditEntry]:
        return self.store.customer_audit(customer_id, limit)

    def search(self, text: str, limit: int = 50) -> SearchResults:
        """Customers by name, company or any 3+ digits of a number; calls by words of their notes."""
        query = clean(text, multiline=False)
        if not query:
            return SearchResults()
        customers = [m.customer for m in self.find_callers(query, limit)]
        calls = self.store.search_call_notes(query, limit) if re.search(r"\w", query) else []
        return SearchResults(tuple(customers), tuple(calls))

    # -- logging calls ----------------------------------------------------------------------
    def promise_due(self, key: str, start: datetime | None = None) -> datetime:
        try:
            return preset_due(self.settings.hours, key, start or self.clock.now())
        except HoursError as exc:
            raise DeskError(str(exc), "promise") from None

    def _check_call(self, request: NewCall) -> None:
        if request.direction not in DIRECTIONS:
            raise DeskError(f"direction must be 'in' or 'out', not '{request.direction}'", "direction")
        if request.outcome not in OUTCOMES:
            known = ", ".join(OUTCOMES)
            raise DeskError(f"unknown outcome '{request.outcome}' (one of: {known})", "outcome")
        Complaints.check_request(request)

    def log_call(self, request: NewCall) -> Logged:
        """Log one call; creates the customer for an unknown number, a callback when promised,
        and completes (or counts an attempt on) the callback the call returns. Idempotent on uid."""
        self._check_call(request)
        now = self.clock.now()
        at = (request.at or now).astimezone(ZoneInfo("UTC")).replace(microsecond=0)
        check_call_time(at, now, EARLIEST, self.zone)
        name, company = short_text(request.name, "name"), short_text(request.company, "company")
        topic, note = short_text(request.topic, "topic"), long_text(request.note, "note")
        assignee = short_text(request.assignee, "assignee")
        withheld = request.anonymous or is_withheld(request.phone)
        number = self.customers.parse_phone(request.phone) if request.phone.strip() and not withheld else None
        if number is None and request.customer_id is None and not withheld:
            raise DeskError("a phone number (or a known customer, or a withheld number) is needed", "phone")
        outcome = request.outcome
        due = request.callback_due
        message_for, boxes = self._check_message(request)
        if message_for:
            assignee = message_for
            key = self.messages.promise_key(boxes)
            due = self.promise_due(key, at) if key else None
        elif due is None and (outcome == "callback" or request.promise):
            due = self.promise_due(request.promise or self.settings.default_promise, at)
        if due is not None:
            outcome = "message" if message_for else "callback"
            if due <= at:
                raise DeskError("the callback time is before the call", "promise")
            check_promise(due, now)
        if request.closes and outcome in UNREACHED:
            raise DeskError(f"a call that ended '{OUTCOMES[outcome]}' did not reach the caller: it closes no "
                            "promise", "closes")
        uid = request.uid or _new_uid()
        with self.store.write():
            existing = self.store.call_id_for_uid(uid)
            if existing is not None:
                call = present(self.store.get_call(existing), f"call #{existing}")
                return Logged(call, self.customers.customer(call.customer_id), duplicate=True)
            if request.callback_id is not None:
                self.callbacks.callback(request.callback_id)  # a clear DeskError, not a foreign-key failure
            if request.phone_call_id is not None:
                self.phone.linkable(request.phone_call_id)
            customer_id, created = self.callers.caller_for(request.customer_id, number, name, company, withheld,
                                                           share_number=request.share_number)
            if due is not None and number is None and not self.customers.customer(customer_id).phones:
                raise DeskError(NO_NUMBER_TO_CALL if withheld else "a callback needs a number to call, and "
                                f"{self.customers.customer(customer_id).display_name} has none: add one first", "outcome")
            call_id = self.store.insert_call({
                "uid": uid, "customer_id": customer_id,
                "e164": number.e164 if number else "", "ext": number.ext if number else "",
                "direction": request.direction, "at": to_iso(at), "operator": self.operator,
                "topic": topic, "note": note, "outcome": outcome,
                "callback_id": request.callback_id, "created_at": to_iso(now),
            })
            self.store.touch_customer(customer_id, at)
            callback = None
            if due is not None:
                callback = self.callbacks.create(call_id, customer_id, number, at, due, assignee)
            message = None
            if message_for:
                message = self.messages.take(call_id, message_for, boxes, callback, at)
            completed = None
            if request.callback_id is not None:
                completed = self.callbacks.returned(request.callback_id, call_id, at, outcome)
            others = tuple(i for i in request.closes if i != request.callback_id)
            closed, already = self.callbacks.close_all(others, customer_id, call_id, at)
            missed_closed = self.phone.on_logged(call_id, customer_id, number, request.direction, outcome, at,
                                                 request.phone_call_id)
            effects = self.complaints.after_call(request, call_id, customer_id, at, outcome, completed)
            completed = effects.completed
        return Logged(
            call=present(self.store.get_call(call_id), f"call #{call_id}"), customer=self.customers.customer(customer_id),
            callback=self.store.get_callback(callback) if callback else None,
            completed=completed, new_customer=created, closed=closed, already_closed=already,
            missed_closed=missed_closed,
            complaints=effects,
            message=self.messages.message(message) if message else None,
        )

    def _check_message(self, request: NewCall) -> tuple[str, tuple[str, ...]]:
        """For whom and which boxes, when the call's outcome is 'message taken' (else ('', ()))."""
        if request.outcome != "message":
            if (request.message_for or "").strip() or request.boxes:
                raise DeskError("a message's recipient and boxes go with the outcome 'message taken'", "outcome")
            return "", ()
        if request.message_for is None and not request.boxes:
            return "", ()  # the outcome label alone (NewCall.message_for)
        if request.callback_due is not None or request.promise:
            raise DeskError("a message promises a callback with its box 'please call back', due by the desk's "
                            "default promise (urgent: 15 minutes)", "promise")
        if request.assignee.strip():
            raise DeskError("a message's callback goes to whom the message is for: leave the assignee out", "assignee")
        boxes = check_boxes(request.boxes)
        return self.messages.recipient(request.message_for or "", request.new_recipient), boxes

    # -- drafts -----------------------------------------------------------------------------
    def save_draft(self, payload: dict) -> None:
        self.store.put_draft(self.operator, payload, self.clock.now())

    def draft(self) -> dict | None:
        return self.store.get_draft(self.operator)

    def discard_draft(self) -> None:
        self.store.delete_draft(self.operator)


def _keyset(call: Call | None) -> tuple[str, int] | None:
    """Where the page after `call` starts, in a list ordered by time and id."""
    return (to_iso(call.at), call.id) if call is not None else None
