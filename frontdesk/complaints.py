"""Complaints: a call marked as a complaint stays open until it is resolved, then a follow-up
promise ("is everything all right now?") checks how the customer feels. `desk.complaints`.

- Opened by logging a call with NewCall.complaint (the form's key, `log --complaint`).
- Resolved by a later call to or from the same customer whose outcome is "resolved" (the
  complaint's own call never resolves it: the form's default outcome is "resolved"), or by
  `resolve` with what was done (RESOLUTIONS) and a note. Time to resolve is kept in minutes.
- Resolving promises a follow-up callback due the `followup` setting later (default 2bd, two
  business days; any duration such as 4bh or 1d; "off": none). The call that returns that
  promise records how the customer feels (FEELINGS); a follow-up nobody answered is recorded as
  "no answer" and completes the promise too (the desk does not chase a resolved complaint).
- A repeat caller: three or more inbound calls in seven days ("3rd call this week").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .clock import to_iso
from .errors import DeskError
from .formatting import REPEAT_AT, REPEAT_DAYS, ordinal, repeat_mark
from .hours import BusinessHours, HoursError, parse_duration
from .limits import long_text
from .models import FEELINGS, RESOLUTIONS, UNREACHED, Callback, Complaint
from .store import PAGE, ConflictError

if TYPE_CHECKING:
    from .services import Desk, NewCall

__all__ = ["REPEAT_AT", "REPEAT_DAYS", "Complaints", "follow_up_due", "check_followup", "ordinal", "repeat_mark"]

FOLLOWUP_OFF = "off"
_BUSINESS_DAYS = re.compile(r"^\s*(\d+)\s*bd\s*$", re.IGNORECASE)


def check_followup(setting: str) -> str:
    """The follow-up setting, normalised: 'off', 'Nbd' (business days) or a duration
    (30m, 4bh, 1d). HoursError says what is accepted."""
    text = str(setting).strip().lower()
    if text in (FOLLOWUP_OFF, "none", "no", ""):
        return FOLLOWUP_OFF
    m = _BUSINESS_DAYS.match(text)
    if m:
        days = int(m.group(1))
        if not 1 <= days <= 60:
            raise HoursError("a follow-up is 1 to 60 business days later")
        return f"{days}bd"
    try:
        parse_duration(text)
    except HoursError:
        raise HoursError(f"'{setting}' is not a follow-up delay (use 2bd for two business days, 4bh, "
                         "1d, or off)") from None
    return text.replace(" ", "")


def describe_followup(setting: str) -> str:
    """'2 business days later', '4 business hours later', 'off'."""
    try:
        normal = check_followup(setting)
    except HoursError:
        return "off"
    if normal == FOLLOWUP_OFF:
        return "off"
    m = _BUSINESS_DAYS.match(normal)
    if m:
        days = int(m.group(1))
        return f"{days} business day{'s' if days != 1 else ''} later"
    return f"{parse_duration(normal)} later"


def follow_up_due(hours: BusinessHours, setting: str, start: datetime) -> datetime | None:
    """When the follow-up of a complaint resolved at `start` falls due (None: follow-ups off).
    N business days: the same time of day on the Nth open day after `start`'s day, moved into
    that day's opening hours."""
    normal = check_followup(setting)
    if normal == FOLLOWUP_OFF:
        return None
    m = _BUSINESS_DAYS.match(normal)
    if not m:
        return parse_duration(normal).apply(hours, start)
    opens = start
    for _ in range(int(m.group(1))):
        opens = hours.next_morning(opens)
    closes = hours.end_of_day(opens)
    local = start.astimezone(hours.zone)
    wanted = opens.astimezone(hours.zone).replace(hour=local.hour, minute=local.minute, second=0,
                                                  microsecond=0).astimezone(opens.tzinfo)
    return min(max(wanted, opens), closes - timedelta(minutes=1))


@dataclass(frozen=True)
class Resolved:
    """What resolving a complaint did: the complaint as it is now and the follow-up promised."""
    complaint: Complaint
    follow_up: Callback | None = None
    why_no_follow_up: str = ""  # '' when one was promised


@dataclass(frozen=True)
class CallEffects:
    """What a logged call did to complaints (Logged carries it)."""
    opened: Complaint | None = None
    resolved: tuple[Complaint, ...] = ()
    followed_up: Complaint | None = None
    completed: Callback | None = None  # the follow-up promise as it is after the call


class Complaints:
    """The complaints half of the Desk service: `desk.complaints`."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.store = desk.store
        self.queries = desk.store.complaints

    # -- reading ----------------------------------------------------------------------------
    def complaint(self, complaint_id: int) -> Complaint:
        found = self.queries.get(complaint_id)
        if found is None:
            raise DeskError(f"no complaint #{complaint_id}")
        return found

    def open_complaints(self, limit: int = PAGE) -> list[Complaint]:
        return self.queries.open(limit)

    def open_page(self, limit: int = PAGE) -> tuple[list[Complaint], int]:
        with self.store.read():
            return self.queries.open(limit), self.queries.count_open()

    def of_customer(self, customer_id: int, limit: int = PAGE, open_only: bool = False) -> list[Complaint]:
        return self.queries.of_customer(self.desk.customers.customer(customer_id).id, limit, open_only)

    def customer_view(self, customer_id: int, limit: int = 10) -> tuple[list[Complaint], int]:
        """The customer's latest complaints (newest first) and their inbound calls in the last
        seven days, read together: what their page shows."""
        with self.store.read():
            customer = self.desk.customers.customer(customer_id)
            return self.queries.of_customer(customer.id, limit), self.week_calls(customer.id)

    def for_follow_up(self, callback_id: int) -> Complaint | None:
        """The complaint whose follow-up this promise is (None: an ordinary callback)."""
        return self.queries.for_followup(callback_id)

    def week_calls(self, customer_id: int, until: datetime | None = None) -> int:
        """The customer's inbound calls in the seven days up to `until` (default now)."""
        until = until or self.desk.clock.now()
        return self.queries.inbound_calls_since(customer_id, until - timedelta(days=REPEAT_DAYS), until)

    # -- logging a call (inside log_call's write) -------------------------------------------
    @staticmethod
    def check_request(request: NewCall) -> None:
        if request.feeling and request.feeling not in FEELINGS:
            raise DeskError(f"unknown feeling '{request.feeling}' (one of: {', '.join(FEELINGS)})", "feeling")
        if request.resolution and request.resolution not in RESOLUTIONS:
            raise DeskError(f"unknown resolution '{request.resolution}' (one of: {', '.join(RESOLUTIONS)})",
                            "resolution")
        if request.feeling and request.callback_id is None:
            raise DeskError("how the customer feels is recorded on the follow-up call of a complaint", "feeling")

    def after_call(self, request: NewCall, call_id: int, customer_id: int, at: datetime, outcome: str,
                   completed: Callback | None) -> CallEffects:
        """What the call logged as `call_id` does to complaints: opens one, resolves the
        customer's open ones, or records the follow-up it is."""
        now = self.desk.clock.now()
        opened = followed = None
        resolved: list[Complaint] = []
        if request.callback_id is not None:
            target = self.queries.for_followup(request.callback_id)
            if target is not None:
                followed, completed = self._followed_up(target, request, call_id, at, outcome, completed)
            elif request.feeling:
                raise DeskError("this callback is not the follow-up of a complaint: there is no feeling to record",
                                "feeling")
        if outcome == "resolved" and not request.complaint and followed is None:
            for complaint in self.queries.of_customer(customer_id, open_only=True):
                if complaint.opened_at < at:
                    resolved.append(self._resolve(complaint, at, request.resolution, "", call_id).complaint)
        if request.complaint:
            complaint_id = self.queries.insert({
                "call_id": call_id, "opened_at": to_iso(at), "opened_by": self.desk.operator,
                "updated_at": to_iso(now),
            })
            opened = self.complaint(complaint_id)
            self.desk.customers.note_change(customer_id, "complaint", complaint_id, "opened")
        return CallEffects(opened, tuple(resolved), followed, completed)

    def _followed_up(self, complaint: Complaint, request: NewCall, call_id: int, at: datetime, outcome: str,
                     completed: Callback | None) -> tuple[Complaint, Callback | None]:
        feeling = request.feeling or ("no_answer" if outcome in UNREACHED else "")
        if not feeling:
            raise DeskError("how does the customer feel now: better, the same or worse?", "feeling")
        if feeling != "no_answer" and outcome in UNREACHED:
            raise DeskError("the follow-up did not reach the customer: their feeling is 'no answer'", "feeling")
        if completed is not None and completed.state == "open":  # nobody answered: done all the same
            changes = self.desk.callbacks._done(completed, call_id, at, reason="follow-up: no answer")
            self.store.update_callback(completed.id, {**changes, "updated_at": to_iso(self.desk.clock.now())})
            completed = self.desk.callbacks.callback(completed.id)
        self.queries.update(complaint.id, {
            "followup_result": feeling, "followup_at": to_iso(at), "followup_call_id": call_id,
            "updated_at": to_iso(self.desk.clock.now()),
        })
        return self.complaint(complaint.id), completed

    # -- resolving --------------------------------------------------------------------------
    def resolve(self, complaint_id: int, kind: str, note: str = "", version: int | None = None) -> Resolved:
        """Resolve an open complaint, saying what was done (RESOLUTIONS) and a note; promises
        the follow-up (unless the setting is off)."""
        if kind not in RESOLUTIONS:
            raise DeskError(f"what was done? one of: {', '.join(RESOLUTIONS)}", "resolution")
        note = long_text(note, "note")
        with self.store.write():
            current = self.complaint(complaint_id)
            if current.state != "open":
                raise DeskError(f"the complaint of {current.caller} is already resolved")
            if version is not None and current.version != version:
                raise ConflictError("changed by someone else", current)
            return self._resolve(current, self.desk.clock.now(), kind, note, None)

    def _resolve(self, complaint: Complaint, at: datetime, kind: str, note: str, call_id: int | None) -> Resolved:
        now = self.desk.clock.now()
        minutes = max(0, int((at - complaint.opened_at).total_seconds() // 60))
        if not self.queries.update(complaint.id, {
            "state": "resolved", "resolved_at": to_iso(at), "resolved_by": self.desk.operator,
            "resolution": kind or None, "resolution_note": note, "resolved_call_id": call_id,
            "minutes_to_resolve": minutes, "updated_at": to_iso(now),
        }, complaint.version):
            raise ConflictError("changed by someone else", self.queries.get(complaint.id))
        self.desk.customers.note_change(complaint.customer_id, "complaint", complaint.id, "resolved",
                                        "resolution", None, kind or "call")
        follow_up, why = self._promise_follow_up(complaint, at, call_id)
        return Resolved(self.complaint(complaint.id), follow_up, why)

    def _promise_follow_up(self, complaint: Complaint, at: datetime,
                           call_id: int | None) -> tuple[Callback | None, str]:
        try:
            due = follow_up_due(self.desk.settings.hours, self.desk.settings.followup, max(at, self.desk.clock.now()))
        except HoursError as exc:
            return None, f"no follow-up: {exc}"
        if due is None:
            return None, "follow-ups are off (settings)"
        if not self.store.phones_for([complaint.customer_id])[complaint.customer_id]:
            return None, f"no follow-up: {complaint.caller} has no number to call"
        callback_id = self.desk.callbacks.create(call_id or complaint.call_id, complaint.customer_id, None,
                                                 self.desk.clock.now(), due, self.desk.operator)
        self.queries.update(complaint.id, {"followup_callback_id": callback_id,
                                           "updated_at": to_iso(self.desk.clock.now())})
        return self.desk.callbacks.callback(callback_id), ""
