"""Callback promises: create, return, reschedule, reassign, cancel, snooze, what is due."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .clock import to_iso
from .errors import DeskError
from .formatting import day_time
from .limits import check_promise, short_text
from .models import OUTCOMES, UNREACHED, Callback, CallbackEvent
from .store import PAGE

if TYPE_CHECKING:
    from .services import Desk


class Promises:
    """The callback half of the Desk service: `desk.callbacks`. It acts as the desk's operator,
    on the desk's store and clock, with the desk's settings (lead time) as they are now."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.store = desk.store
        self.clock = desk.clock

    @property
    def operator(self) -> str:
        return self.desk.operator

    @property
    def lead(self) -> timedelta:
        return timedelta(minutes=self.desk.settings.lead_minutes)

    def _event(self, callback_id: int, kind: str, at: datetime, *, before: datetime | None = None,
               after: datetime | None = None, reason: str = "", call_id: int | None = None) -> None:
        self.store.insert_callback_event({
            "callback_id": callback_id, "at": to_iso(at), "operator": self.operator, "kind": kind,
            "due_before": to_iso(before) if before else None, "due_after": to_iso(after) if after else None,
            "reason": reason, "call_id": call_id,
        })

    def create(self, call_id: int, customer_id: int, number,
               at: datetime, due: datetime, assignee: str) -> int:
        """A new open promise made on call `call_id` (inside the call's write)."""
        due_text = to_iso(due)
        if number is None:
            numbers = self.store.phones_for([customer_id])[customer_id]
            e164 = numbers[0].e164 if numbers else ""
        else:
            e164 = number.e164
        callback_id = self.store.insert_callback({
            "call_id": call_id, "customer_id": customer_id, "e164": e164,
            "promised_at": to_iso(at), "first_due_at": due_text, "due_at": due_text,
            "assignee": self.desk.operators.canonical(assignee) or self.operator, "created_by": self.operator,
            "updated_at": to_iso(self.clock.now()),
        })
        self._event(callback_id, "promised", at, after=due, call_id=call_id)  # made on the call, when it happened
        return callback_id

    def returned(self, callback_id: int, call_id: int, at: datetime, outcome: str) -> Callback:
        """The call `call_id` returned this promise: done (kept or late), or an attempt."""
        callback = self.store.get_callback(callback_id)
        if callback is None:
            raise DeskError(f"no callback #{callback_id}")
        if callback.state != "open":
            raise DeskError(f"the callback to {callback.caller} is already {callback.state}")
        changes: dict = {"updated_at": to_iso(self.clock.now()), "attempts": callback.attempts + 1}
        if callback.first_attempt_at is None:
            changes["first_attempt_at"] = to_iso(at)
        if outcome in UNREACHED:
            self._event(callback_id, "attempt", at, reason=OUTCOMES[outcome], call_id=call_id)
        else:
            changes.update(self._done(callback, call_id, at))
        self.store.update_callback(callback_id, changes)
        return self.callback(callback_id)

    def _done(self, callback: Callback, call_id: int, at: datetime, reason: str = "") -> dict:
        """The changes (and the event) that make an open promise done by the call `call_id` at
        `at`: kept when that is by its due time, late after."""
        self._event(callback.id, "done", at, reason=reason, call_id=call_id)
        return {
            "state": "done", "done_at": to_iso(at), "done_call_id": call_id, "kept_on_time": int(at <= callback.due_at),
            "waited_min": int((at - callback.promised_at).total_seconds() // 60),
        }

    def open_for(self, customer_id: int, limit: int = PAGE) -> list[Callback]:
        """The caller's open promises (the customer's, after any merge), newest promise first:
        what to offer to close when they ring again (NewCall.closes)."""
        return self.store.customer_callbacks(self.desk.customers.customer(customer_id).id, limit, open_only=True)

    def close_all(self, callback_ids: tuple[int, ...], customer_id: int, call_id: int,
                  at: datetime) -> tuple[tuple[Callback, ...], tuple[Callback, ...]]:
        """The caller rang again: each of their open promises in `callback_ids` is done by the
        call `call_id` (inside log_call's write). Returns (closed now, closed already by someone
        else, left as they are); DeskError for an unknown promise or another customer's."""
        closed, already = [], []
        for callback_id in dict.fromkeys(callback_ids):
            current = self.callback(callback_id)
            if current.customer_id != customer_id:
                raise DeskError(f"callback #{callback_id} is the promise to {current.caller}, not to this caller",
                                "closes")
            if current.state != "open":
                already.append(current)
                continue
            changes = self._done(current, call_id, at, reason="the caller rang again")
            self.store.update_callback(callback_id, {**changes, "updated_at": to_iso(self.clock.now())})
            closed.append(self.callback(callback_id))
        return tuple(closed), tuple(already)

    def open_callbacks(self, mine: bool = False, limit: int = PAGE) -> list[Callback]:
        return self.store.open_callbacks(limit, self.operator if mine else None)

    def queue_snapshot(self, limit: int) -> tuple[list[Callback], tuple[int, int], int, int]:
        """The soonest `limit` open callbacks, (overdue, due soon), how many are open, and how
        many of those are this operator's: read together, so the four agree."""
        with self.store.read():
            return self.open_callbacks(limit=limit), self.counts(), self.open_count(), self.open_count(mine=True)

    def open_count(self, mine: bool = False) -> int:
        """How many callbacks are open (all, or assigned to this operator): the queue's title."""
        return self.store.count_open(self.operator if mine else None)

    def callback(self, callback_id: int) -> Callback:
        found = self.store.get_callback(callback_id)
        if found is None:
            raise DeskError(f"no callback #{callback_id}")
        return found

    def callback_history(self, callback_id: int) -> list[CallbackEvent]:
        return self.store.callback_events(callback_id)

    def due(self, within: timedelta | None = None) -> list[Callback]:
        """Open callbacks overdue or due within the window (default: the lead time)."""
        window = within if within is not None else self.lead
        return self.store.open_callbacks_due_before(self.clock.now() + window + timedelta(seconds=1))

    def _change_open(self, callback_id: int, version: int | None, changes: dict, kind: str, **event) -> Callback:
        with self.store.write():
            current = self.callback(callback_id)
            if current.state != "open":
                raise DeskError(f"the callback to {current.caller} is already {current.state}")
            self.store.update_callback(
                callback_id, {**changes, "updated_at": to_iso(self.clock.now())}, version
            )
            self._event(callback_id, kind, self.clock.now(), **event)
        return self.callback(callback_id)

    def reschedule(self, callback_id: int, due: datetime, reason: str, version: int | None = None) -> Callback:
        reason = short_text(reason, "reason")
        if not reason:
            raise DeskError("say why the callback moves (the customer sees the new time)", "reason")
        if due <= self.clock.now():
            raise DeskError("the new time has already passed", "due")
        check_promise(due, self.clock.now(), "due")
        current = self.callback(callback_id)
        return self._change_open(
            callback_id, version, {"due_at": to_iso(due), "snoozed_until": None, "acknowledged_by": None, "acknowledged_at": None},
            "rescheduled",
            before=current.due_at, after=due, reason=reason,
        )

    def reassign(self, callback_id: int, assignee: str, version: int | None = None) -> Callback:
        who = short_text(assignee, "assignee")
        if not who:
            raise DeskError("whom should the callback go to?", "assignee")
        who = self.desk.operators.canonical(who)  # "raj" is the desk's "Raj"
        current = self.callback(callback_id)
        return self._change_open(
            callback_id, version, {"assignee": who}, "reassigned", reason=f"{current.assignee} -> {who}"
        )

    def cancel(self, callback_id: int, reason: str, version: int | None = None) -> Callback:
        reason = short_text(reason, "reason")
        if not reason:
            raise DeskError("say why the callback is cancelled", "reason")
        return self._change_open(
            callback_id, version, {"state": "cancelled", "cancel_reason": reason}, "cancelled", reason=reason
        )

    def snooze(self, callback_id: int, minutes: int) -> Callback:
        until = self.clock.now() + timedelta(minutes=minutes)
        return self._change_open(
            callback_id, None, {"snoozed_until": to_iso(until)}, "snoozed", reason=f"{minutes} min"
        )

    def acknowledge(self, callback_id: int) -> Callback:
        """'I have seen it': an overdue callback stops nagging every desk (it stays marked, with
        who acknowledged it and when). One not overdue yet has nothing to acknowledge."""
        now = self.clock.now()
        with self.store.write():
            current = self.callback(callback_id)
            if current.state == "open" and current.due_at > now:
                due = day_time(current.due_at, self.desk.zone, now)
                raise DeskError(f"the callback to {current.caller} is not overdue yet (due {due})", "due")
            return self._change_open(
                callback_id, None, {"acknowledged_by": self.operator, "acknowledged_at": to_iso(now)}, "acknowledged"
            )

    def counts(self) -> tuple[int, int]:
        """(overdue, due within the lead time) among open callbacks."""
        now = self.clock.now()
        return self.store.count_open_callbacks(now, now + self.lead)

