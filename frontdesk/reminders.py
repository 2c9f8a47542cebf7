"""Which callbacks need a warning now: derived on every tick from the clock and the stored due
times (never from long timers, which stop while a laptop sleeps)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .formatting import clock_time
from .models import Callback, MessagesSnapshot, TakenMessage
from .text import one_line


def callback_state(callback: Callback, now: datetime, lead: timedelta) -> str:
    """'overdue', 'soon' (within the lead time) or 'upcoming'."""
    if callback.due_at <= now:
        return "overdue"
    if callback.due_at - now <= lead:
        return "soon"
    return "upcoming"


def queue_counts(queue: Iterable[Callback], now: datetime, lead: timedelta,
                 operator: str) -> tuple[int, int, int]:
    """(overdue, due within the lead time, assigned to `operator`) among open callbacks."""
    overdue = soon = mine = 0
    for cb in queue:
        overdue += cb.due_at <= now
        soon += now < cb.due_at <= now + lead
        mine += cb.assignee == operator
    return overdue, soon, mine


@dataclass(frozen=True)
class Reminder:
    """A reminder to show now: the callback and whether it is soon, overdue or a nag."""
    callback: Callback
    kind: str  # "soon", "overdue" or "nag" (overdue, still not acknowledged)

    @property
    def severity(self) -> str:
        return "warning" if self.kind == "soon" else "error"

    def words(self, zone: ZoneInfo, number: str) -> str:
        """'Callback to Maria Lopez is OVERDUE (still not acknowledged). (404) 555-0134'."""
        cb = self.callback
        left = "is OVERDUE" if self.kind != "soon" else f"is due at {clock_time(cb.due_at, zone)}"
        again = " (still not acknowledged)" if self.kind == "nag" else ""
        return f"Callback to {cb.caller} {left}{again}. {number}"


def reminders_words(reminders: list[Reminder], zone: ZoneInfo, national, shown: int = 3) -> str:
    """Several reminders in one toast, overdue ones first: a line each for the first `shown`,
    then how many more (the queue on the desk lists them all)."""
    ordered = sorted(reminders, key=lambda r: (r.kind == "soon", r.callback.due_at))
    lines = [r.words(zone, national(r.callback.e164)) for r in ordered[:shown]]
    if len(ordered) > shown:
        lines.append(f"... and {len(ordered) - shown} more: the callback queue lists them all.")
    return "\n".join(lines)


@dataclass
class ReminderTracker:
    """One per session: each callback warns once on entering its lead time and once on becoming
    overdue; an overdue one nobody acknowledged nags again every `nag` until done."""

    lead: timedelta
    nag: timedelta
    operator: str
    fired: dict[int, set[str]] = field(default_factory=dict)
    last_warned: dict[int, datetime] = field(default_factory=dict)
    acknowledged: set[int] = field(default_factory=set)

    def check(self, callbacks: Iterable[Callback], now: datetime, desk_open: bool) -> list[Reminder]:
        if not desk_open:  # reminders wait for opening time
            return []
        due: list[Reminder] = []
        for cb in callbacks:
            if cb.state != "open" or (cb.snoozed_until and cb.snoozed_until > now):
                continue
            state = callback_state(cb, now, self.lead)
            seen = self.fired.setdefault(cb.id, set())
            if state == "soon" and "soon" not in seen and "overdue" not in seen:
                seen.add("soon")
                if cb.assignee == self.operator:  # the assignee is warned ahead of time
                    due.append(Reminder(cb, "soon"))
                    self.last_warned[cb.id] = now
            elif state == "overdue":
                if "overdue" not in seen:
                    seen.add("overdue")
                    due.append(Reminder(cb, "overdue"))  # every operator sees an overdue promise
                    self.last_warned[cb.id] = now
                elif cb.id not in self.acknowledged and not cb.acknowledged_at and now - self.last_warned.get(cb.id, now) >= self.nag:
                    due.append(Reminder(cb, "nag"))
                    self.last_warned[cb.id] = now
        return due

    def acknowledge(self, callback_id: int) -> None:
        self.acknowledged.add(callback_id)


def is_nagging(message: TakenMessage, now: datetime, lead: timedelta) -> bool:
    """An urgent message nobody has read for longer than the lead time."""
    return message.urgent and message.read_at is None and now - message.taken_at > lead


@dataclass(frozen=True)
class MessageReminder:
    """A message to announce now: 'arrived' for the operator it is for, 'unread' when an urgent
    one has waited longer than the lead time, 'nag' when it still waits a nag interval later."""

    message: TakenMessage
    kind: str

    @property
    def severity(self) -> str:
        if self.kind == "arrived":
            return "warning" if self.message.urgent else "information"
        return "error"

    def words(self, now: datetime) -> str:
        m = self.message
        if self.kind == "arrived":
            boxes = f" ({m.boxes_words})" if m.boxes else ""
            text = f": {one_line(m.text, 80)}" if m.text else ""
            return f"Message from {m.caller}{boxes}{text}"
        waited = int((now - m.taken_at).total_seconds() // 60)
        again = " (still)" if self.kind == "nag" else ""
        return f"Urgent message for {m.for_name} from {m.caller} unread{again} for {waited} min"


@dataclass
class MessageTracker:
    """One per session: a message for this operator is announced once when it arrives (those
    already waiting when the session starts are counted in the status line, not rung); an urgent
    one nobody has read for longer than the lead time warns every desk, and nags again every
    `nag` until someone reads it."""

    lead: timedelta
    nag: timedelta
    seen: set[int] | None = None  # the operator's unread messages already known; None before the first check
    last_warned: dict[int, datetime] = field(default_factory=dict)

    def check(self, snapshot: MessagesSnapshot, now: datetime) -> list[MessageReminder]:
        due: list[MessageReminder] = []
        if self.seen is None:
            self.seen = {m.id for m in snapshot.mine}
        else:
            for m in reversed(snapshot.mine):  # oldest first
                if m.id not in self.seen:
                    self.seen.add(m.id)
                    due.append(MessageReminder(m, "arrived"))
        for m in snapshot.urgent:
            if not is_nagging(m, now, self.lead):
                continue
            if m.id not in self.last_warned:
                due.append(MessageReminder(m, "unread"))
                self.last_warned[m.id] = now
            elif now - self.last_warned[m.id] >= self.nag:
                due.append(MessageReminder(m, "nag"))
                self.last_warned[m.id] = now
        return due
