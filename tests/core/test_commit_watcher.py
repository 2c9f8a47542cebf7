"""The commit watcher (frontdesk/watch.py): another connection's commit wakes it within a
fraction of a second; this store's own writes do not; a replaced file does; FRONTDESK_WATCH=0
leaves the desk to its poll."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time

import pytest

from frontdesk.db import open_database
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store
from frontdesk.watch import CommitWatcher, watching_wanted

DESK_ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}
QUICK = 0.6  # seconds: a wake comes 1-2 watcher steps (150 ms) after the write, plus the rechecks


class Woken:
    def __init__(self) -> None:
        self.times: list[float] = []
        self.failures: list[BaseException] = []
        self.event = threading.Event()

    def changed(self) -> None:
        self.times.append(time.perf_counter())
        self.event.set()

    def failed(self, error: BaseException) -> None:
        self.failures.append(error)

    def wait(self, seconds: float) -> bool:
        found = self.event.wait(seconds)
        self.event.clear()
        return found


@pytest.fixture
def watching(desk):
    woken = Woken()
    watcher = CommitWatcher(desk.store, woken.changed, woken.failed)
    watcher.start()
    time.sleep(0.3)  # the kernel's watch is set up in the thread
    yield watcher, woken
    watcher.stop()
    assert woken.failures == []


def test_another_connections_commit_wakes_the_watcher(desk, db_path, clock, watching):
    watcher, woken = watching
    other = Desk(Store(open_database(db_path)), clock, "raj", env=DESK_ENV)
    try:
        t0 = time.perf_counter()
        other.log_call(NewCall(phone="4045550134", name="From Raj"))
        assert woken.wait(2.0), "no wake after another connection committed"
        assert woken.times[0] - t0 < QUICK * 2
    finally:
        other.store.close()


def test_a_commit_from_another_process_wakes_it(desk, db_path, watching):
    _watcher, woken = watching
    log = [sys.executable, "-m", "frontdesk", "--db", str(db_path), "log", "--phone", "4045550134",
           "--name", "From A Script"]
    subprocess.run(log, check=True, capture_output=True, timeout=60)
    assert woken.wait(2.0)


def test_this_stores_own_writes_do_not_wake_it(desk, watching):
    """The desk reloads after its own save itself: the watcher hears the write to the -wal file
    but finds nothing committed by anyone else."""
    watcher, woken = watching
    desk.log_call(NewCall(phone="4045550134", name="Own Save"))
    desk.save_draft({"phone": "404"})
    time.sleep(QUICK + 1.0)  # past every recheck
    assert watcher.wakes >= 1  # the writes were heard...
    assert woken.times == []  # ...and taken for what they were


def test_a_replaced_file_wakes_it(desk, db_path, tmp_path, watching):
    _watcher, woken = watching
    copy = tmp_path / "copy.db"
    shutil.copy(db_path, copy)
    copy.replace(db_path)
    assert woken.wait(2.0)


def test_stop_ends_the_thread(desk):
    woken = Woken()
    watcher = CommitWatcher(desk.store, woken.changed, woken.failed)
    watcher.start()
    assert watcher.running
    watcher.stop(wait=2.0)
    assert not watcher.running and not watcher._thread.is_alive()


@pytest.mark.parametrize(("value", "wanted"), [("", True), ("1", True), ("on", True), ("0", False),
                                               ("off", False), ("No", False), ("poll", False)])
def test_frontdesk_watch_turns_watching_off(value, wanted):
    assert watching_wanted({"FRONTDESK_WATCH": value}) is wanted
