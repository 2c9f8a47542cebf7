"""What every FrontDesk screen shares: the status bar, reloading on changes, and the one way
data and failures travel from worker threads back to the screen.

A screen's data path, as a newcomer reads it:
    @db_work("customer-load")  def reload(self): ... self.post_message(CustomerLoaded(...))
    @on(CustomerLoaded)        def _loaded(self, message): ... widgets change here
    a worker that raises       -> _worker_failed below: a toast; the app goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from textual import on, work
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from widgets.status_bar import StatusBar

from .messages import DeskChanged, ServiceDone, ServiceFailed

if TYPE_CHECKING:
    from frontdesk.app import FrontDeskApp
    from frontdesk.services import Desk

FIRST_PAGE = 50  # rows a list shows at first; moving past the last row (or `l`) adds the next 50
# Keys several screens share, written once.
BACK = Binding("escape", "back", "Back", id="back")
SAVE = Binding("ctrl+s", "save", "Save", id="save")


def db_work(group: str, *, exclusive: bool = True):
    """A method run in a worker thread that talks to the database. A failure never closes the
    app (exit_on_error=False): the screen's worker handler shows it as a toast."""
    return work(thread=True, exclusive=exclusive, group=group, exit_on_error=False)


class DeskScreenBase(Screen):
    TITLE_TEXT = ""
    # A screen whose on_mount read its first page on the UI thread (a few ms), so that the first
    # frame shows it, sets this: the resume that follows the mount then does not read again.
    loaded_on_mount = False
    # A form: the app's single-letter keys (q, r, s, ...) do not leave it.
    FORM = False

    @property
    def desk_app(self) -> FrontDeskApp:
        return cast("FrontDeskApp", self.app)

    @property
    def desk(self) -> Desk:
        return self.desk_app.desk

    def status_bar(self) -> StatusBar:
        return StatusBar(id="status")

    def on_screen_resume(self) -> None:
        self.desk_app.refresh_status()
        if self.loaded_on_mount:
            self.loaded_on_mount = False
            return
        self.reload()

    @on(DeskChanged)
    def _desk_changed(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Fetch this screen's data again (in a worker) and show it."""

    def on_tick(self) -> None:
        """Called every few seconds with fresh queue data on the app."""

    def action_back(self) -> None:
        self.app.pop_screen()

    def holds_unsaved(self) -> bool:
        """True when the screen holds something typed that is not saved (forms override)."""
        return False

    def save_draft_now(self) -> None:
        """Write what the screen holds as a draft, at once (the terminal is going away). Forms
        that keep drafts override this."""

    # -- failures ---------------------------------------------------------------------------
    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.desk_app.release_all_keys()  # an answer keys were held for is not coming
            self.desk_app.report_failure(event.worker.error)

    # -- use cases --------------------------------------------------------------------------
    def run_service(self, call: Callable[[], Any], *, done: Callable[[Any], None] | None = None,
                    failed: Callable[[str], None] | None = None, changes: bool = True) -> None:
        """Run a use case in a worker thread; `done(result)` runs on the UI thread afterwards,
        or `failed(message)` (default: an error toast) when it was refused or failed. A call
        that only reads says `changes=False`: the desk is not reloaded after it."""

        def job() -> None:
            try:
                result = call()
            except Exception as exc:  # every failure is reported; none closes the app
                self.post_message(ServiceFailed(exc, self.desk.describe(exc), failed))
                return
            self.post_message(ServiceDone(result, done, changes))

        self.run_worker(job, thread=True, group="service", exit_on_error=False)

    @on(ServiceDone)
    def _service_done(self, message: ServiceDone) -> None:
        message.stop()
        if message.then:
            message.then(message.result)
        if message.changes:
            self.desk_app.desk_changed()

    @on(ServiceFailed)
    def _service_failed(self, message: ServiceFailed) -> None:
        message.stop()
        if message.then:
            message.then(message.message)
        self.desk_app.report_failure(message.error, shown=message.then is not None)
