"""Hearing other processes' commits at once. A commit in WAL mode writes to the database's -wal
file (and a checkpoint to the database file): the kernel reports those writes (inotify, through
watchfiles), and a thread of the watcher's own wakes the desk then, instead of the desk finding
out at its next one-second `PRAGMA data_version` poll.

The data version stays the truth: a write to the files only makes the watcher ask. It asks the
writer connection, whose data version changes only when some *other* connection commits, so
this desk's own saves (which reload the desk themselves) wake nothing a second time. A commit is
visible only once its WAL frames are synced, which can come after the write the kernel reported:
a wake that finds nothing new asks again a few times shortly after.

Where watching is not possible (watchfiles missing, no inotify, a limit on watches, an
in-memory database, FRONTDESK_WATCH=0), `start` says so and the caller keeps polling; a watcher
that fails later calls `failed` once, for the same reason. No Textual here: the app
(frontdesk/app.py) turns `changed` into its usual reload."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from .connections import Connections

__all__ = ["CommitWatcher", "WatchUnavailable", "watching_wanted"]

# watchfiles looks at what the kernel reported every STEP_MS (a thread waking, GIL taken): a commit
# wakes the desk 1-2 steps after its write. 150 ms costs an idle desk no more CPU than the 1 s
# poll it replaces (tests/bench/idle_cpu.py: 0.17 % of a core either way; 50 ms: 0.22 %).
STEP_MS = 150
DEBOUNCE_MS = 200  # under a stream of commits the desk is still woken at least this often
RECHECKS = (0.05, 0.15, 0.3, 0.5)  # seconds: asking again after a wake that found nothing new
OFF = frozenset({"0", "off", "no", "false", "poll"})


class WatchUnavailable(Exception):
    """The database's files cannot be watched here: the caller polls instead."""


def watching_wanted(env: Mapping[str, str] | None = None) -> bool:
    """False when FRONTDESK_WATCH says 0 / off / no / false / poll (the poll alone is used)."""
    value = (env if env is not None else os.environ).get("FRONTDESK_WATCH", "")
    return value.strip().lower() not in OFF


class CommitWatcher:
    """Calls `changed()` (from its own thread) soon after another connection commits to the
    store's file, or when the file at the path is replaced or removed; `failed(error)` once if
    watching stops working. `stop()` ends the thread (it also ends with the process)."""

    def __init__(self, store: Connections, changed: Callable[[], object],
                 failed: Callable[[BaseException], object], *, step_ms: int = STEP_MS) -> None:
        self.store = store
        self.changed = changed
        self.failed = failed
        self.step_ms = step_ms
        self.wakes = 0  # batches of file events seen (for tests and the bench)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._version: int | None = None

    def start(self) -> None:
        """Begin watching, or WatchUnavailable with the reason. watchfiles is loaded in the
        thread (~30 ms, not on the caller's way to its first frame); a failure there, a missing
        watchfiles included, is reported through `failed`."""
        if not self.store.path:
            raise WatchUnavailable("an in-memory database has no file to watch")
        path = Path(self.store.path)
        if not path.parent.is_dir():
            raise WatchUnavailable(f"{path.parent} is not a directory")
        self._thread = threading.Thread(target=self._run, args=(path,), name="frontdesk-watch", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def stop(self, wait: float = 1.0) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(wait)

    # -- the thread -------------------------------------------------------------------------
    def _run(self, path: Path) -> None:
        names = {path.name, path.name + "-wal"}

        def ours(_change, changed: str) -> bool:
            return os.path.basename(changed) in names

        try:
            from watchfiles import Change, watch

            self._version = self._writer_version()
            for changes in watch(path.parent, watch_filter=ours, debounce=DEBOUNCE_MS, step=self.step_ms,
                                 stop_event=self._stop, rust_timeout=0, recursive=False,
                                 raise_interrupt=False, force_polling=False):
                if self._stop.is_set():
                    return
                self.wakes += 1
                # Added or deleted: the file was replaced or removed; the desk's poll path asks.
                replaced = any(change != Change.modified for change, _ in changes)
                self._settle(replaced)
        except Exception as exc:  # noqa: BLE001 - any failure means: poll instead
            if not self._stop.is_set():
                self.failed(exc)

    def _settle(self, replaced: bool) -> None:
        """One batch of file events: wake the desk when another connection committed (now, or
        within the rechecks, once the commit's sync is done)."""
        if self._news() or replaced:
            self.changed()
            return
        for delay in RECHECKS:
            if self._stop.wait(delay):
                return
            if self._news():
                self.changed()
                return

    def _news(self) -> bool:
        version = self._writer_version()
        news = version != self._version
        self._version = version
        return news

    def _writer_version(self) -> int:
        return self.store.writer_data_version()
