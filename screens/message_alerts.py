"""Messages at the app level: the operator's unread count for the status line on every screen,
and a toast with the bell when a message arrives for them (taken on this desk or any other: the
app's data_version poll reloads it as it does the callback queue) or when an urgent one has
waited unread longer than the lead time (every desk, again every nag interval, like an overdue
callback). The snapshot is read with the queue, on each commit; the nags are derived from the
clock on every tick, without a query."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from frontdesk.models import MessagesSnapshot
from frontdesk.reminders import MessageTracker

if TYPE_CHECKING:
    from frontdesk.app import FrontDeskApp

LIMIT = 200  # the operator's unread messages held for the arrival toasts


class MessageAlerts:
    def __init__(self, app: FrontDeskApp) -> None:
        self.app = app
        self.snapshot = MessagesSnapshot()
        self.loaded = False
        settings = app.desk.settings
        self.tracker = MessageTracker(timedelta(minutes=settings.lead_minutes), timedelta(minutes=settings.nag_minutes))

    @property
    def unread(self) -> int:
        """The operator's unread messages: '2 messages' in the status line."""
        return self.snapshot.mine_unread

    @property
    def urgent(self) -> int:
        """The operator's urgent unread messages (of those held): '!! 1 URGENT' in the status line."""
        return sum(m.urgent for m in self.snapshot.mine)

    def read(self) -> MessagesSnapshot:
        """In a worker (the app's tick)."""
        return self.app.desk.messages.snapshot(LIMIT)

    def adopt(self, settings) -> None:
        self.tracker.lead = timedelta(minutes=settings.lead_minutes)
        self.tracker.nag = timedelta(minutes=settings.nag_minutes)

    def apply(self, snapshot: MessagesSnapshot, held_back: bool) -> None:
        first = not self.loaded
        self.snapshot, self.loaded = snapshot, True
        if first and snapshot.mine_unread and not held_back:
            n = snapshot.mine_unread
            self.app.notify(f"{n} unread message{'s' if n != 1 else ''} for you: i on the desk lists them",
                            title="Messages", timeout=8)
        self.check(held_back)

    def check(self, held_back: bool) -> None:
        """Toasts (and the bell) for what is due now; none while `held_back` (the draft question
        is open): they come on the tick after, since each fires once."""
        if held_back or not self.loaded:
            return
        now = self.app.desk.clock.now()
        for reminder in self.tracker.check(self.snapshot, now):
            self.app.notify(reminder.words(now), title="Message", severity=reminder.severity, timeout=12)
            self.app.ring()
