"""A save that the database refuses: the form stays open with everything typed, the reason is
shown in words, and ctrl+s works once the cause is gone, storing the call exactly once.

Real files, real second connections: the lock is another connection's write transaction, the
read-only and full-disk cases are SQLite's own refusals on the app's connection."""

from __future__ import annotations

import sqlite3
import threading

from pilot_helpers import screen_text, settle
from textual import events
from textual.widgets import Input, TextArea

from frontdesk.app import FrontDeskApp
from screens.desk import DeskScreen
from screens.new_call import NewCallScreen

TYPED = {"phone": "4045550134", "name": "Ana Ruiz", "topic": "Invoice", "note": "By mail"}


async def type_a_call(pilot) -> NewCallScreen:
    await pilot.press("n")
    await settle(pilot)
    await pilot.press(*TYPED["phone"], "tab")
    await settle(pilot)
    await pilot.press(*TYPED["name"], "tab", *TYPED["topic"], "tab", *TYPED["note"])
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, NewCallScreen)
    return screen


def form_values(screen: NewCallScreen) -> dict[str, str]:
    values = {name: screen.query_one(f"#{name}", Input).value for name in ("phone", "name", "topic")}
    values["note"] = screen.query_one("#note", TextArea).text
    return values


def error_text(screen: NewCallScreen) -> str:
    content = screen.query_one("#error").content
    return content.plain if hasattr(content, "plain") else str(content)


def stored(db_path, uid: str) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT count(*) FROM calls WHERE uid = ?", [uid]).fetchone()[0]
    finally:
        conn.close()


async def save_fails_then_retry_succeeds(pilot, desk, db_path, screen, reason: str, cure,
                                         typed: dict[str, str] = TYPED) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot, rounds=5)
    app = pilot.app
    assert app.screen is screen, "the form closed although nothing was saved"
    message = error_text(screen)
    assert message.startswith("Not saved") and reason in message, message
    assert "kept" in message and "ctrl+s" in message
    assert form_values(screen) == typed  # everything typed is still there
    assert stored(db_path, screen.uid) == 0
    assert "Ana Ruiz" in screen_text(app)

    cure()
    await pilot.press("ctrl+s")
    await settle(pilot, rounds=5)
    assert isinstance(app.screen, DeskScreen), error_text(screen)
    assert stored(db_path, screen.uid) == 1
    assert [c.caller for c in desk.todays_calls()] == ["Ana Ruiz"]
    assert desk.todays_calls()[0].note == typed["note"]
    assert desk.draft() is None


async def test_locked_longer_than_the_busy_timeout_then_retry(desk, db_path):
    desk.store.db.conn.execute("PRAGMA busy_timeout = 200")  # fail fast; the default is 8 s
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await type_a_call(pilot)
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock...
        other.execute("INSERT INTO drafts VALUES ('raj', '2026-11-23T15:00:00Z', '{}')")

        released = []

        def release() -> None:  # ...until it finally lets go
            if not released:
                released.append(True)
                other.execute("ROLLBACK")
                other.close()

        try:
            await save_fails_then_retry_succeeds(pilot, desk, db_path, screen, "locked by another desk", release)
        finally:
            release()


async def test_locked_for_less_than_the_busy_timeout_the_save_just_waits(desk, db_path):
    """Two desks saving in the same second: the second waits its turn, no error at all."""
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await type_a_call(pilot)
        other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO drafts VALUES ('raj', '2026-11-23T15:00:00Z', '{}')")
        timer = threading.Timer(0.4, lambda: (other.execute("COMMIT"), other.close()))
        timer.start()
        try:
            await pilot.press("ctrl+s")
            await settle(pilot, rounds=5)
        finally:
            timer.join(5)
        assert isinstance(app.screen, DeskScreen)
        assert stored(db_path, screen.uid) == 1


async def test_read_only_database_then_retry(desk, db_path):
    """Tests run as root, and chmod 0444 does not stop root; SQLite's own read-only refusal
    is produced with PRAGMA query_only on the app's connection instead (same error)."""
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await type_a_call(pilot)
        desk.store.db.conn.execute("PRAGMA query_only = 1")
        await save_fails_then_retry_succeeds(
            pilot, desk, db_path, screen, "read-only",
            lambda: desk.store.db.conn.execute("PRAGMA query_only = 0"))


async def test_full_disk_then_retry(desk, db_path):
    """The file may not grow by a single page: SQLite's 'database or disk is full'."""
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await type_a_call(pilot)
        # A long note pasted in (bracketed paste over SSH): more than a page, so the file must grow.
        pasted = " Details follow." + " The customer read out the whole letter." * 150
        assert app.focused is screen.query_one("#note", TextArea)
        app.post_message(events.Paste(pasted))  # as the driver delivers it
        await settle(pilot)
        typed = {**TYPED, "note": TYPED["note"] + pasted}
        assert form_values(screen) == typed
        conn = desk.store.db.conn
        with desk.store.lock:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages}")
        await save_fails_then_retry_succeeds(
            pilot, desk, db_path, screen, "is full",
            lambda: conn.execute("PRAGMA max_page_count = 1073741823"), typed)


async def test_a_note_over_the_limit_keeps_the_form_and_names_the_field(desk, db_path):
    """The service refuses a note longer than 10,000 characters (nothing is cut): the form
    stays open with the whole note, the message names the note and its limit."""
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await type_a_call(pilot)
        pasted = "y" * (10_001 - len(TYPED["note"]))
        app.post_message(events.Paste(pasted))
        await settle(pilot)
        typed = {**TYPED, "note": TYPED["note"] + pasted}
        assert form_values(screen) == typed
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=5)
        assert app.screen is screen, "the form closed although nothing was saved"
        assert error_text(screen) == "note is too long: 10,001 characters, the limit is 10,000"
        assert screen.query_one("#note", TextArea).has_class("-invalid")
        assert form_values(screen) == typed
        assert stored(db_path, screen.uid) == 0
