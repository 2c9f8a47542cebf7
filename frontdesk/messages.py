"""Messages taken for someone: the "While You Were Out" pad, `desk.messages`.

A call whose outcome is 'message taken' is for one person: one of the desk's people (operators.py:
one spelling whatever the case and spaces) or a name in the settings' list of people who never
sit at the desk (the owner). The pad's boxes (models.BOXES) are ticked; the call's note is the
message's text. "Please call back" makes a callback promise assigned to that person, due by the
desk's default promise, or the 15-minute preset when the message is urgent, so it is reminded and
reported like any other. Opening a message reads it for everyone, with who and when. An urgent
message nobody has read for longer than the lead time nags every desk like an overdue callback."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .errors import DeskError
from .limits import short_text
from .models import BOXES, Call, MessagesSnapshot, TakenMessage
from .operators import operator_key
from .records import PAGE
from .reminders import is_nagging
from .text import one_line

if TYPE_CHECKING:
    from .services import Desk

URGENT_PROMISE = "15m"  # an urgent "please call back" is promised with the 15-minute preset
NAMES_IN_ERROR = 8


def check_boxes(boxes: Iterable[str]) -> tuple[str, ...]:
    """The boxes in the pad's order, once each; an unknown one is refused, naming the known."""
    ticked = set()
    for box in boxes:
        code = box.strip().lower().replace("-", "_").replace(" ", "_")
        if code not in BOXES:
            raise DeskError(f"unknown box '{one_line(box, 40)}' (one of: {', '.join(BOXES)})", "boxes")
        ticked.add(code)
    return tuple(code for code in BOXES if code in ticked)


class Messages:
    """`desk.messages`: take, list, count, read and nag, as the desk's operator, on its clock."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    @property
    def store(self):
        return self.desk.store

    @property
    def lead(self) -> timedelta:
        return timedelta(minutes=self.desk.settings.lead_minutes)

    # -- for whom ---------------------------------------------------------------------------
    def recipients(self) -> list[str]:
        """Whom a message can be for: the desk's people (most active first), the operator at the
        keyboard, then the settings' list of people who never sit at the desk."""
        names = self.desk.operators.names()
        seen = {operator_key(name) for name in names}
        for name in (self.desk.operator, *self.desk.settings.recipients):
            key = operator_key(name)
            if key and key not in seen:
                seen.add(key)
                names.append(name)
        return names

    def known(self, name: str) -> str | None:
        """The desk's spelling of `name` when a message can be for them, else None. Reads only."""
        key = operator_key(name)
        if not key:
            return None
        for listed in self.desk.settings.recipients:
            if operator_key(listed) == key:
                return self.desk.operators.known(listed) or one_line(listed)
        return self.desk.operators.known(name)

    def recipient(self, name: str, new_person: bool = False) -> str:
        """Whom a message is for, as typed: one of the desk's people (in its spelling), or with
        `new_person` someone new. Otherwise refused with the people the desk knows."""
        typed = short_text(name, "message_for")
        if not typed:
            raise DeskError("whom is the message for? (a name: one of the desk's people, or the owner)",
                            "message_for")
        found = self.known(typed)
        if found:
            return found
        if new_person:
            return typed
        names = self.recipients()
        known = ", ".join(one_line(n, 30) for n in names[:NAMES_IN_ERROR]) + (", ..." if len(names) > NAMES_IN_ERROR else "")
        raise DeskError(f"{one_line(typed, 40)} is not one of the desk's people (known: {known or 'nobody yet'}); "
                        "check the spelling, or add them to the settings' list of people messages are for",
                        "message_for")

    # -- taking -----------------------------------------------------------------------------
    def promise_key(self, boxes: Sequence[str]) -> str | None:
        """The promise a message's boxes make: none without 'please call back', the 15-minute
        preset when urgent, else the desk's default promise."""
        if "please_call" not in boxes:
            return None
        return URGENT_PROMISE if "urgent" in boxes else self.desk.settings.default_promise

    def take(self, call_id: int, for_name: str, boxes: Sequence[str], callback_id: int | None, at: datetime) -> int:
        """The message of the call `call_id`, taken during it at `at` (inside log_call's write);
        `for_name` as recipient() gave it, recorded as one of the desk's people."""
        spelled = self.desk.operators.canonical(for_name)
        return self.store.messages.insert(
            call_id=call_id, for_key=operator_key(spelled), for_name=spelled, boxes=boxes,
            callback_id=callback_id, taken_by=self.desk.operator, taken_at=at)

    # -- reading ----------------------------------------------------------------------------
    def message(self, message_id: int) -> TakenMessage:
        found = self.store.messages.get(message_id)
        if found is None:
            raise DeskError(f"no message #{message_id}")
        return found

    def for_person(self, name: str | None = None, unread: bool = False, limit: int = PAGE) -> list[TakenMessage]:
        """Messages for `name` (any spelling; None: everyone's), newest first; only those nobody
        has read with `unread`."""
        return self.store.messages.listing(None if name is None else operator_key(name), unread, limit)

    def unread_count(self, name: str | None = None) -> int:
        """Unread messages for `name` (None: everyone's)."""
        return self.store.messages.count_unread(None if name is None else operator_key(name))

    def mine(self, unread: bool = True, limit: int = PAGE) -> list[TakenMessage]:
        return self.for_person(self.desk.operator, unread, limit)

    def read(self, message_id: int) -> TakenMessage:
        """Open a message: read for everyone, by this operator now, unless someone read it first
        (the first reader and time stay)."""
        with self.store.write():
            self.message(message_id)
            self.store.messages.mark_read(message_id, self.desk.operator, self.desk.clock.now())
        return self.message(message_id)

    def urgent_unread(self, limit: int = PAGE) -> list[TakenMessage]:
        return self.store.messages.urgent_unread(limit)

    def nagging(self, now: datetime | None = None) -> list[TakenMessage]:
        """Urgent messages nobody has read for longer than the lead time, oldest first."""
        now = now or self.desk.clock.now()
        return [m for m in self.urgent_unread() if is_nagging(m, now, self.lead)]

    def snapshot(self, limit: int = PAGE) -> MessagesSnapshot:
        """The operator's unread messages and count, and everyone's urgent unread, read together."""
        with self.store.read():
            return MessagesSnapshot(tuple(self.mine(True, limit)), self.unread_count(self.desk.operator),
                                    tuple(self.urgent_unread(limit)))

    def attach(self, calls: Iterable[Call]) -> list[Call]:
        """The calls, each 'message taken' one carrying its message (for a list to show it)."""
        calls = list(calls)
        ids = [call.id for call in calls if call.outcome == "message"]
        if not ids:
            return calls
        found = self.store.messages.for_calls(ids)
        return [replace(call, message=found[call.id]) if call.id in found else call for call in calls]

