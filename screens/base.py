"""What every FrontDesk screen shares: the status bar, the footer, reloading on changes."""

from __future__ import annotations

from textual import on
from textual.screen import Screen

from frontdesk.app import DeskChanged
from widgets.status_bar import StatusBar

FIRST_PAGE = 50  # rows a list shows at first; moving past the last row (or `l`) adds the next 50


class DeskScreenBase(Screen):
    TITLE_TEXT = ""
    # A screen whose on_mount read its first page on the UI thread (a few ms), so that the first
    # frame shows it, sets this: the resume that follows the mount then does not read again.
    loaded_on_mount = False

    @property
    def desk(self):
        return self.app.desk

    def status_bar(self) -> StatusBar:
        return StatusBar(id="status")

    def on_screen_resume(self) -> None:
        self.app.refresh_status()
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

    def run_service(self, call, *, done=None, failed=None) -> None:
        """Run a service call in a worker thread; `done(result)` or an error toast on the UI thread."""


        from frontdesk.errors import DeskError
        from frontdesk.services import ConflictError, StorageError

        def job() -> None:
            try:
                result = call()
            except (DeskError, ConflictError) as exc:
                self.app.call_from_thread(self._failed, str(exc), failed)
                return
            except StorageError as exc:
                self.app.call_from_thread(self._failed, f"could not save: {exc}. Nothing was lost; try again.", failed)
                return
            self.app.call_from_thread(self._done, result, done)

        self.run_worker(job, thread=True, group="service")

    def _done(self, result, done) -> None:
        if done:
            done(result)
        self.app.desk_changed()

    def _failed(self, message: str, failed) -> None:
        if failed:
            failed(message)
        else:
            self.notify(message, severity="error", markup=False, timeout=8)
