"""The phone half of the Desk service: `desk.phone` (see frontdesk/phone/__init__.py for the
whole API and the rules it keeps)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..clock import to_iso
from ..errors import DeskError
from ..models import DIRECTIONS, UNREACHED, Callback
from ..phones import Phone
from ..records import stored_time
from ..text import one_line
from .models import (
    ANSWERED_ELSEWHERE,
    ID_LIMIT,
    KINDS,
    LOST_AFTER,
    MISSED_CAUSES,
    NOT_MISSED_CAUSES,
    SOURCES,
    EventResult,
    MissedCall,
    PhoneCall,
    PhoneEvent,
    RingingCall,
)
from .numbers import Heard, understand

if TYPE_CHECKING:
    from ..services import Desk

UTC = ZoneInfo("UTC")
TEXT_LIMIT = 200  # characters kept of a name, line, user or cause a phone system sends
MISSED_TOPIC = "missed call"
TOKEN_SETTING = "phone_token"
REUSED_AFTER = timedelta(hours=1)  # a ring naming a call id this old is a new call with a reused id


def _text(value: str | None) -> str:
    """Untrusted text from a phone system: one clean line, bounded (a longer one is cut with
    an ellipsis, never refused: refusing would lose the call)."""
    return one_line(value, TEXT_LIMIT)


def _new_id() -> str:
    import uuid

    return uuid.uuid4().hex


class PhoneCalls:
    """`desk.phone`: phone events in, ringing calls and missed calls out."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.store = desk.store
        self.clock = desk.clock

    # -- events ---------------------------------------------------------------------------
    def event(self, event: PhoneEvent) -> EventResult:
        """Apply one event (idempotent, order-tolerant) and return what it did. DeskError for
        an event that cannot be one (unknown kind, direction or source, a call id too long);
        nothing is stored then. The write is committed when this returns."""
        if event.kind not in KINDS:
            raise DeskError(f"unknown phone event '{_text(event.kind)}' (one of: {', '.join(KINDS)})", "event")
        if event.direction not in DIRECTIONS:
            raise DeskError(f"direction must be 'in' or 'out', not '{_text(event.direction)}'", "direction")
        if event.source not in SOURCES:
            raise DeskError(f"unknown source '{_text(event.source)}'", "source")
        ext_id = one_line(event.call_id)
        if len(ext_id) > ID_LIMIT:
            raise DeskError(f"the call id is too long: {len(ext_id)} characters, the limit is {ID_LIMIT}", "call_id")
        now = self.clock.now()
        at = (event.at or now).astimezone(UTC).replace(microsecond=0)
        heard = understand(event.number, self.desk.region) if event.number.strip() else None
        clean = replace(event, call_id=ext_id, name=_text(event.name), line=_text(event.line),
                        by=_text(event.by), cause=_text(event.cause), at=at)
        with self.store.write():
            self._sweep(now)
            current = self.store.phone.by_ext(event.source, ext_id) if ext_id else self._by_number(clean, heard, now)
            if current is not None and event.kind == "ring" and now - current.rang_at > REUSED_AFTER:
                self._retire(current, now)  # a desk phone counts its call ids from 1 again
                current = None
            if current is None:
                return self._first(replace(clean, call_id=ext_id or _new_id()), heard, now)
            return self._next(current, replace(clean, call_id=current.ext_id), heard, now)

    def _by_number(self, event: PhoneEvent, heard: Heard | None, now: datetime) -> PhoneCall | None:
        """An event without a call id (a desk phone that has no call-id variable, a script):
        the same source's latest call with that number still ringing (for a ring: the same
        ring told twice, or by a second phone) or not yet ended (for an answer, hang-up or
        miss); None makes a new call."""
        if heard is None or not (heard.e164 or heard.raw):
            return None
        states = ("ringing",) if event.kind == "ring" else ("ringing", "answered")
        return self.store.phone.open_by_number(event.source, heard.e164, heard.raw, states, now - LOST_AFTER
                                               if event.kind == "ring" else now - REUSED_AFTER)

    def _retire(self, current: PhoneCall, now: datetime) -> None:
        """Keep an old call whose id a phone system uses again under a changed id, closed."""
        changes: dict = {"ext_id": f"{current.ext_id}~{current.id}", "updated_at": to_iso(now)}
        if current.state != "ended":
            changes.update(state="ended", ended_at=to_iso(now), cause=current.cause or "lost")
        self.store.phone.update(current.id, changes)

    def _recognise(self, e164: str) -> int | None:
        if not e164:
            return None
        known = self.store.customers_with_number(e164)
        return known[0].id if known else None

    def _first(self, event: PhoneEvent, heard: Heard | None, now: datetime) -> EventResult:
        """The first event heard of a call (usually a ring; an answer or hang-up whose ring
        was lost starts the record too)."""
        at = event.at or now
        # A ring without a number is a withheld caller; an answer or hang-up without one (its
        # ring was lost) only has not said it yet.
        heard = heard or Heard("", withheld=event.kind == "ring" and event.direction == "in")
        row = {
            "source": event.source, "ext_id": event.call_id, "direction": event.direction,
            "number_raw": heard.raw, "e164": heard.e164, "withheld": int(heard.withheld), "name": event.name,
            "line": event.line, "state": "ringing", "rang_at": to_iso(at), "updated_at": to_iso(now),
            "customer_id": self._recognise(heard.e164),
        }
        if event.kind == "answer":
            row.update(state="answered", answered_at=to_iso(at), answered_by=event.by)
        elif event.kind in ("hangup", "missed"):
            row.update(state="ended", ended_at=to_iso(at), cause=event.cause)
        record = self._get(self.store.phone.insert(row))
        if event.kind == "answer":
            return self._answered(record, at)
        if event.kind in ("hangup", "missed"):
            return self._ended(record, event, at, was_ringing=True, first=True)
        return EventResult(record, "new")

    def _next(self, current: PhoneCall, event: PhoneEvent, heard: Heard | None, now: datetime) -> EventResult:
        """A later event of a known call: never reopens or overwrites what happened; fills in
        what earlier events did not say (a number, a name, the line)."""
        at = event.at or now
        filled = self._fill_blanks(current, event, heard, now)
        if current.state == "ended" or event.kind == "ring":
            return self._after_fill(current, filled)
        if event.kind == "answer":
            if current.state != "ringing":
                return self._after_fill(current, filled)
            self.store.phone.update(current.id, {"state": "answered", "answered_at": to_iso(max(at, current.rang_at)),
                                                 "answered_by": event.by, "updated_at": to_iso(now)})
            return self._answered(self._get(current.id), at)
        if event.kind == "missed" and current.state == "answered":
            return self._after_fill(current, filled)  # another phone missed what this one took
        was_ringing = current.state == "ringing"
        self.store.phone.update(current.id, {"state": "ended", "ended_at": to_iso(max(at, current.rang_at)),
                                             "cause": event.cause or current.cause, "updated_at": to_iso(now)})
        return self._ended(self._get(current.id), event, at, was_ringing=was_ringing)

    def _fill_blanks(self, current: PhoneCall, event: PhoneEvent, heard: Heard | None, now: datetime) -> bool:
        changes: dict = {}
        if heard is not None and not current.number_raw and not current.e164 and (heard.raw or heard.e164):
            changes.update(number_raw=heard.raw, e164=heard.e164, withheld=int(heard.withheld))
            if current.customer_id is None:
                changes["customer_id"] = self._recognise(heard.e164)
        if event.name and not current.name:
            changes["name"] = event.name
        if event.line and not current.line:
            changes["line"] = event.line
        if event.by and not current.answered_by and current.answered_at is not None:
            changes["answered_by"] = event.by
        if changes:
            self.store.phone.update(current.id, {**changes, "updated_at": to_iso(now)})
        return bool(changes)

    def _after_fill(self, current: PhoneCall, filled: bool) -> EventResult:
        if not filled:
            return EventResult(current, "unchanged")
        record = self._get(current.id)
        callback = None
        if record.missed and record.callback_id is None and record.e164:
            callback = self._promise(record, record.ended_at or record.rang_at)  # a late number: now it can be called
        return EventResult(self._get(record.id), "updated", callback=callback)

    def _answered(self, record: PhoneCall, at: datetime) -> EventResult:
        closed: tuple[Callback, ...] = ()
        if record.e164 and record.direction == "in":  # the other phones that rang for it stop ringing
            self.store.phone.end_siblings(record, at, record.rang_at - ANSWERED_ELSEWHERE)
        if record.e164:
            who = record.answered_by or "the desk"
            reason = (f"the caller rang again and {who} answered" if record.direction == "in"
                      else f"{who} reached them (phone call #{record.id})")
            closed = self.close_missed(record.e164, at, None, reason, before=record.rang_at)
        return EventResult(record, "answered", closed=closed)

    def _ended(self, record: PhoneCall, event: PhoneEvent, at: datetime, *, was_ringing: bool,
               first: bool = False) -> EventResult:
        """An inbound call that ends never answered is missed when: a desk phone says so (its
        `missed` event: its `ended` alone may be a call taken on another phone); a CTI hang-up
        after ringing with any cause but forwarded, answered elsewhere, congestion or not
        found; a hang-up heard without its ring only with cancel, noAnswer or busy; the lost
        hang-up rule. Not when another phone answered the same caller meanwhile."""
        if not (was_ringing and record.direction == "in" and record.answered_at is None):
            return EventResult(record, "ended")
        cause = event.cause
        if event.kind != "missed":
            if record.source == "phone" and cause != "lost":
                return EventResult(record, "ended")
            if cause in NOT_MISSED_CAUSES or (first and cause not in MISSED_CAUSES):
                return EventResult(record, "ended")
        if record.e164 and self.store.phone.answered_near(record.e164, record.rang_at - ANSWERED_ELSEWHERE, record.id):
            self.store.phone.update(record.id, {"cause": cause or "answeredElsewhere"})
            return EventResult(self._get(record.id), "ended")
        return self._missed(record, at)

    def _missed(self, record: PhoneCall, at: datetime) -> EventResult:
        self.store.phone.update(record.id, {"missed": 1})
        record = self._get(record.id)
        callback = self._promise(record, at) if record.e164 else None
        return EventResult(self._get(record.id), "missed", callback=callback)

    def _promise(self, record: PhoneCall, at: datetime) -> Callback | None:
        """A missed call from a real number: logged as an unanswered call and turned into a
        promise, or counted as one more try on the caller's open missed-call promise. Nothing
        when the desk's setting turns missed-call promises off. The settings are read again
        here: `frontdesk listen` runs for days, and a switch turned off in the app (or a new
        default promise) must count from the next missed call, not from the next restart."""
        settings = self.desk.reload_settings()
        if not settings.missed_call_promises:
            return None
        desk_name = self.desk.operators.canonical(settings.desk_name) or "desk"
        existing = self.store.phone.open_missed_promise(record.e164)
        customer_id = record.customer_id
        if existing is not None:
            customer_id = self.desk.callbacks.callback(existing).customer_id
        number = Phone(record.e164)
        customer_id, _ = self.desk.callers.caller_for(customer_id, number, record.name if customer_id is None else "",
                                                      "", False)
        call_id = self.store.insert_call({
            "uid": f"phone-{record.id}", "customer_id": customer_id, "e164": record.e164, "ext": "",
            "direction": "in", "at": to_iso(record.rang_at), "operator": desk_name, "topic": MISSED_TOPIC,
            "note": f"missed call ({record.line})" if record.line else "", "outcome": "no_answer",
            "callback_id": None, "created_at": to_iso(self.clock.now()),
        })
        self.store.touch_customer(customer_id, record.rang_at)
        if existing is None:
            due = self.desk.promise_due(settings.default_promise, at)
            callback_id = self.desk.callbacks.create(call_id, customer_id, number, at, due, desk_name)
            attempt = 1
        else:
            callback_id = existing
            attempt = self.store.phone.attempts(existing) + 1
            self.desk.callbacks._event(callback_id, "rang again", at, reason=f"called {attempt} times",
                                       call_id=call_id)
        self.store.phone.update(record.id, {"callback_id": callback_id, "call_id": call_id,
                                            "customer_id": customer_id, "attempt": attempt})
        return self.desk.callbacks.callback(callback_id)

    def close_missed(self, e164: str, at: datetime, call_id: int | None, reason: str, *,
                     before: datetime | None = None) -> tuple[Callback, ...]:
        """Keep (done: on time or late) the open missed-call promises to this number that were
        made before `before` (default `at`): the caller was reached. Inside a write."""
        closed = []
        limit = before or at
        for callback_id in self.store.phone.open_missed_promises(e164):
            current = self.desk.callbacks.callback(callback_id)
            if current.promised_at > limit:
                continue
            changes = self.desk.callbacks._done(current, call_id, max(at, current.promised_at), reason=reason)
            self.store.update_callback(callback_id, {**changes, "updated_at": to_iso(self.clock.now())})
            closed.append(self.desk.callbacks.callback(callback_id))
        return tuple(closed)

    def on_logged(self, call_id: int, customer_id: int, number: Phone | None, direction: str, outcome: str,
                  at: datetime, phone_call_id: int | None) -> tuple[Callback, ...]:
        """What logging a call does here (inside log_call's write): link the phone call it
        was logged from, and keep the missed-call promises an outbound call that reached
        the caller returns."""
        if phone_call_id is not None:
            self.store.phone.update(phone_call_id, {"call_id": call_id, "customer_id": customer_id})
        if direction == "out" and outcome not in UNREACHED and number is not None:
            return self.close_missed(number.e164, at, call_id, f"{self.desk.operator} called back")
        return ()

    def linkable(self, phone_call_id: int) -> PhoneCall:
        """The phone call a call is about to be logged from; DeskError when there is none or it
        is already logged as another call."""
        record = self.store.phone.get(phone_call_id)
        if record is None:
            raise DeskError(f"no phone call #{phone_call_id}", "phone_call")
        if record.call_id is not None:
            raise DeskError(f"phone call #{phone_call_id} is already logged as call #{record.call_id}", "phone_call")
        return record

    # -- the lost hang-up rule ------------------------------------------------------------
    def sweep(self, now: datetime | None = None) -> list[EventResult]:
        """Close as missed every call left ringing for LOST_AFTER with no further event
        (PBXs lose hang-ups). `now`: the desk's clock by default. Returns what it closed. Reads
        first: the write lock is taken only when there is something to close."""
        now = now or self.clock.now()
        if not self.store.phone.stale(now - LOST_AFTER, 1):
            return []
        with self.store.write():
            return self._sweep(now)

    def _sweep(self, now: datetime) -> list[EventResult]:
        results = []
        for record in self.store.phone.stale(now - LOST_AFTER):
            ended = record.rang_at + LOST_AFTER
            self.store.phone.update(record.id, {"state": "ended", "ended_at": to_iso(ended), "cause": "lost",
                                                "updated_at": to_iso(now)})
            lost = PhoneEvent(kind="hangup", cause="lost", at=ended)
            results.append(self._ended(self._get(record.id), lost, ended, was_ringing=True))
        return results

    # -- reading --------------------------------------------------------------------------
    def _get(self, phone_call_id: int) -> PhoneCall:
        record = self.store.phone.get(phone_call_id)
        if record is None:
            raise DeskError(f"phone call #{phone_call_id} was removed meanwhile")
        return record

    def phone_call(self, phone_call_id: int) -> PhoneCall:
        return self._get(phone_call_id)

    def shown_number(self, record: PhoneCall) -> str:
        """The number as the desk writes it: national format, else the raw text; '' withheld."""
        if record.e164:
            return self.desk.national(record.e164)
        return "" if record.withheld else record.number_raw

    def ringing(self, limit: int = 20) -> list[RingingCall]:
        """Inbound calls ringing now (not those past the lost hang-up rule), oldest first,
        with what the desk knows of each caller. Reads only."""
        now = self.clock.now()
        with self.store.read():
            calls = self.store.phone.ringing(now - LOST_AFTER, limit)
            seen: set[str] = set()
            shown = []
            for record in calls:  # two desk phones ringing for one caller: one strip
                if record.e164 and record.e164 in seen:
                    continue
                seen.add(record.e164)
                shown.append(self._ringing(record))
            return shown

    def _ringing(self, record: PhoneCall) -> RingingCall:
        customer = None
        if record.customer_id is not None:
            try:
                customer = self.desk.customers.customer(record.customer_id)
            except DeskError:
                customer = None
        promises, topic = self.store.phone.caller_summary(customer.id) if customer else (0, "")
        return RingingCall(
            phone_call_id=record.id, number=self.shown_number(record), e164=record.e164, withheld=record.withheld,
            customer_id=customer.id if customer else None, name=customer.name if customer else None,
            company=customer.company if customer else None, caller_name=record.name, open_promises=promises,
            last_topic=topic, line=record.line, rang_at=record.rang_at,
        )

    def recent(self, limit: int = 50) -> list[PhoneCall]:
        """The latest phone calls of any state, newest first."""
        return self.store.phone.recent(limit)

    def missed(self, limit: int = 50) -> list[MissedCall]:
        """The missed-calls list, latest try first: one row per promise (all the caller's
        tries on it), one per missed call that opened none. Reads the newest missed calls a
        page at a time until `limit` rows are found (bounded work at any size)."""
        rows: list[MissedCall] = []
        groups: set[int] = set()
        before: tuple[str, int] | None = None
        with self.store.read():
            while len(rows) < limit:
                page = self.store.phone.missed_before(before, 200)
                for record in page:
                    if record.callback_id is not None and record.callback_id in groups:
                        continue
                    if record.callback_id is not None:
                        groups.add(record.callback_id)
                    rows.append(self._missed_row(record))
                    if len(rows) >= limit:
                        break
                if len(page) < 200:
                    break
                before = (to_iso(page[-1].rang_at), page[-1].id)
        return rows

    def _missed_row(self, record: PhoneCall) -> MissedCall:
        latest, first_at, last_at, attempts, seen = record, record.rang_at, record.rang_at, 1, record.seen
        callback = None
        if record.callback_id is not None:
            tries = self.store.phone.promise_tries(record.callback_id)
            latest = self._get(tries["latest_id"])
            first_at, last_at = stored_time(tries["first_at"]), stored_time(tries["last_at"])
            attempts, seen = tries["attempts"], bool(tries["seen"])
            callback = self.desk.callbacks.callback(record.callback_id)
        customer = None
        customer_id = callback.customer_id if callback else latest.customer_id
        if customer_id is not None:
            try:
                customer = self.desk.customers.customer(customer_id)
            except DeskError:
                customer = None
        number = self.shown_number(latest)
        named = customer is not None and bool(customer.name or customer.company)
        caller = (customer.display_name if customer and named else latest.name or number
                  or ("withheld number" if latest.withheld else "unknown number"))
        return MissedCall(
            phone_call_id=latest.id, last_at=last_at, first_at=first_at, number=number, e164=latest.e164,
            withheld=latest.withheld, customer_id=customer.id if customer else None, caller=caller,
            attempts=attempts, seen=seen, callback=callback,
        )

    def unseen_missed_count(self) -> int:
        return self.store.phone.unseen_missed()

    def mark_all_seen(self) -> int:
        """Every missed call marked seen; returns how many were not."""
        with self.store.write():
            return self.store.phone.mark_missed_seen()

    def token(self, renew: bool = False) -> str:
        """The secret in the listener's URLs: random (192 bits), made on first use and kept in
        the database's settings; `renew` replaces it (the old URLs stop working)."""
        import secrets

        with self.store.write():
            current = self.store.settings().get(TOKEN_SETTING)
            if renew or not isinstance(current, str) or len(current) < 22:
                current = secrets.token_urlsafe(24)
                self.store.put_setting(TOKEN_SETTING, current, self.clock.now(), self.desk.operator)
        return current

    def talk_time(self, record: PhoneCall) -> timedelta | None:
        seconds = record.talk_seconds
        return None if seconds is None else timedelta(seconds=seconds)
