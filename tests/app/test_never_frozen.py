"""The desk never freezes and never dies: not while another process holds the write lock, not
on a storage error, not on bytes that are not UTF-8, and a hang-up keeps the last keys typed."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from pilot_helpers import notifications, settle
from terminal import Terminal

from frontdesk.app import FrontDeskApp
from frontdesk.services import NewCall
from screens.callback import CallbackScreen
from screens.customer import CustomerScreen
from screens.desk import DeskScreen
from screens.new_call import NewCallScreen
from screens.search import SearchScreen
from screens.settings import SettingsScreen

HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO drafts VALUES ('other', '2026-11-23T15:00:00Z', '{}')")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


class OtherProcessWriting:
    """Another process inside BEGIN IMMEDIATE until closed (a desk saving, a script's log)."""

    def __init__(self, db_path) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db_path)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write("\n")
            self.process.stdin.flush()
            self.process.wait(10)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


async def test_poll_and_keys_answer_while_another_process_holds_the_write_lock(desk, db_path):
    desk.log_call(NewCall(phone="4045550134", name="Ana Ruiz", outcome="callback"))
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        other = OtherProcessWriting(db_path)
        try:
            # A save of this desk's own is waiting for the lock in a worker meanwhile.
            await pilot.press("n", *"4045550199", "tab", *"Waiting Caller", "ctrl+s")
            await pilot.pause(0.2)
            form = app.screen
            assert isinstance(form, NewCallScreen) and form._saving
            assert timed(app.poll_database) < 0.05
            assert timed(lambda: desk.callbacks.queue_snapshot(50)) < 0.05
            assert timed(desk.todays_calls) < 0.05
            start = time.perf_counter()
            await pilot.press("ctrl+o")  # the form's direction key is handled at once
            assert time.perf_counter() - start < 0.5
            assert form.direction == "out"
        finally:
            other.release()
        await settle(pilot, rounds=8)
        assert isinstance(app.screen, DeskScreen)  # the waiting save went through after all
        assert [c.caller for c in desk.todays_calls()] == ["Waiting Caller", "Ana Ruiz"]


def break_reads(db_path) -> None:
    """A real storage failure for every read of the calls: the table is gone."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA legacy_alter_table = ON")
    conn.execute("ALTER TABLE calls RENAME TO calls_elsewhere")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("where", ["desk", "search", "customer", "callback"])
async def test_a_read_error_is_a_toast_and_the_app_goes_on(desk, db_path, where):
    logged = desk.log_call(NewCall(phone="4045550134", name="Ana Ruiz", note="invoice",
                                   outcome="callback"))
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        break_reads(db_path)
        if where == "desk":
            app.screen.reload()
        elif where == "search":
            await pilot.press("slash", *"invoice")
        elif where == "customer":
            app.open_customer(logged.customer.id)
        else:
            app.push_screen(CallbackScreen(logged.callback.id))
        await settle(pilot, rounds=6)
        assert app.is_running and app.return_code is None
        assert any("calls" in n for n in notifications(app)), notifications(app)
        expected = {"desk": DeskScreen, "search": SearchScreen, "customer": CustomerScreen,
                    "callback": CallbackScreen}[where]
        assert isinstance(app.screen, expected)
        await pilot.press("question_mark")  # and it still answers keys
        await settle(pilot)
        assert app.screen is not None and app.is_running


async def test_saving_settings_on_a_read_only_database_keeps_the_form(desk):
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#lead").value = "25"
        desk.store.db.conn.execute("PRAGMA query_only = 1")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running and app.screen is screen
        assert screen.query_one("#lead").value == "25"
        error = screen.query_one("#settings-error").content
        assert "read-only" in str(getattr(error, "plain", error))
        desk.store.db.conn.execute("PRAGMA query_only = 0")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert desk.reload_settings().lead_minutes == 25


async def test_discarding_a_call_on_a_read_only_database_does_not_close_the_app(desk):
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134")
        await settle(pilot)
        desk.store.db.conn.execute("PRAGMA query_only = 1")
        await pilot.press("escape", "y")  # discard what was typed
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, DeskScreen)
        assert any("read-only" in n for n in notifications(app)), notifications(app)


async def test_discarding_the_offered_draft_on_a_read_only_database(desk):
    desk.save_draft({"phone": "4045550134", "name": "Half Typed"})
    app = FrontDeskApp(desk, offer_draft=True, freeze_gc=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        desk.store.db.conn.execute("PRAGMA query_only = 1")
        await pilot.press("n")  # "Discard"
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, DeskScreen)
        assert any("read-only" in n for n in notifications(app)), notifications(app)
        assert desk.draft() == {"phone": "4045550134", "name": "Half Typed"}  # still there


def draft_in(db_path) -> dict:
    conn = sqlite3.connect(db_path)
    try:
        row = conn.execute("SELECT payload FROM drafts WHERE operator = 'ann'").fetchone()
    finally:
        conn.close()
    return json.loads(row[0]) if row else {}


def test_bytes_that_are_not_utf8_do_not_close_the_app(db_path, desk):
    terminal = Terminal(db_path)
    try:
        terminal.wait_for("Today's calls")
        terminal.send(b"n")
        terminal.wait_for("Phone")
        terminal.send(b"\xe9\x9b")  # a Latin-1 e-acute, an 8-bit CSI
        terminal.send(b"\xc3")  # half a UTF-8 character, then plain digits
        terminal.send(b"4045550134")
        assert terminal.alive_after(1.5), terminal.output[-400:]
        assert "4045550134" in draft_in(db_path).get("phone", "")
    finally:
        terminal.close()


def test_a_hang_up_keeps_the_last_keys_typed(db_path, desk):
    terminal = Terminal(db_path)
    try:
        terminal.wait_for("Today's calls")
        terminal.send(b"n")
        terminal.wait_for("Phone")
        terminal.send(b"4045550134\tLast Second")
        terminal.read(0.15)  # well inside the half second a draft otherwise waits
        terminal.process.send_signal(signal.SIGHUP)
        assert terminal.process.wait(10) == 129  # ended at once: no terminal left to restore
        draft = draft_in(db_path)
        assert draft.get("phone") == "4045550134" and draft.get("name") == "Last Second", draft
    finally:
        terminal.close()
