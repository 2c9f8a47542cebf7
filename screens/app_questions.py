"""Questions the app itself asks: whether to reopen a database file that was deleted or
replaced under the running desk (a restored backup, a copy moved over it), and whether to quit
while a form holds what was typed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import App

from frontdesk.services import DatabaseMoved

# The dialogs load when one is asked (not before the desk's first frame).

if TYPE_CHECKING:
    from frontdesk.app import FrontDeskApp

REPEAT_SECONDS = 60.0  # the same failure (a tick every 5 s on a broken file) toasts once a minute


class FailureReports:
    """`app.failures`: what the user is told when a worker or a use case fails."""

    def __init__(self, app: FrontDeskApp) -> None:
        self.app = app
        self._last: tuple[str, float] = ("", 0.0)
        self._asking = False  # the reopen question is on screen
        self._quiet_until = 0.0  # after "Not now", the poll does not ask again before this

    def report(self, error: BaseException, *, shown: bool = False) -> None:
        """A toast (unless the screen shows the failure itself), the same one at most once a
        minute; a replaced database file asks to reopen it."""
        if isinstance(error, DatabaseMoved):
            self.offer_reopen()
            return
        if shown:
            return
        message = self.app.desk.describe(error)
        now = asyncio.get_running_loop().time()
        last, when = self._last
        if message == last and now - when < REPEAT_SECONDS:
            return
        self._last = (message, now)
        self.app.notify(message, title="Not done", severity="error", timeout=10)

    def offer_reopen(self, asked_by_poll: bool = False) -> None:
        """Saving is refused until the file at the path is reopened; whatever a form holds
        stays there. After "Not now" the poll asks again only after a while; a refused save
        asks at once."""
        now = asyncio.get_running_loop().time()
        if self._asking or (asked_by_poll and now < self._quiet_until):
            return
        self._asking = True

        def answered(reopen: bool) -> None:
            self._asking = False
            if reopen:
                self.app.reopen_database()
            else:
                self._quiet_until = asyncio.get_running_loop().time() + REPEAT_SECONDS

        ask_reopen(self.app, self.app.desk.store.path, answered)


def ask_reopen(app: App, path: str, answered: Callable[[bool], None]) -> None:
    from .modals import Confirm

    app.push_screen(Confirm(
        f"The database file {path} was deleted or replaced while this desk had it open. "
        "Nothing more can be saved to the old file. Open the file now at that path? "
        "(What you typed stays in the form.)", yes="Reopen", no="Not now"),
        lambda reopen: answered(bool(reopen)))


def ask_quit(app: App, form_title: str, quit_now: Callable[[], None]) -> None:
    from .modals import Confirm

    app.push_screen(Confirm(f"Quit FrontDesk? The {form_title} form holds what you typed (a call is "
                            "kept as a draft and offered next time).", yes="Quit", no="Stay",
                            focus_no=True),
                    lambda yes: quit_now() if yes else None)
