"""A database file deleted or replaced under a running desk: noticed, nothing written to the old
file, the form kept, and the file now at the path reopened when the user says so."""

from __future__ import annotations

import os
import sqlite3

import pytest
from pilot_helpers import screen_text, settle
from test_save_failures import TYPED, error_text, form_values, type_a_call

from frontdesk.app import FrontDeskApp
from frontdesk.db import DatabaseMoved, open_database
from frontdesk.services import NewCall
from frontdesk.store import Store
from screens.desk import DeskScreen
from screens.modals import Confirm


def calls_in(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT topic FROM calls ORDER BY id")]
    finally:
        conn.close()


def restored_copy(db_path, tmp_path):
    """Another database moved over the path, as restoring a backup does (once everything
    written to the old file is in it, not in its -wal)."""
    other = tmp_path / "restored.db"
    Store(open_database(other)).close()  # a FrontDesk file with no calls, self-contained
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    os.replace(other, db_path)


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_write_to_a_moved_file_is_refused(desk, db_path, tmp_path, how):
    desk.log_call(NewCall(phone="4045550134", name="Before", topic="before"))
    if how == "deleted":
        os.unlink(db_path)
    else:
        restored_copy(db_path, tmp_path)
    assert desk.store.file_moved()
    with pytest.raises(DatabaseMoved, match="deleted or replaced"):
        desk.log_call(NewCall(phone="4045550134", name="After", topic="after"))


async def test_the_desk_refuses_to_save_keeps_the_form_and_reopens(desk, db_path, tmp_path):
    desk.log_call(NewCall(phone="4045550199", name="Old File", topic="in the old file"))
    # The poll is called by hand below: left to its timer, or to the file watcher (which hears
    # the file replaced), it could ask before the save does.
    app = FrontDeskApp(desk, offer_draft=False, poll_seconds=3600, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await type_a_call(pilot)
        restored_copy(db_path, tmp_path)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)  # the offer to reopen
        assert "deleted or replaced" in screen_text(app)
        await pilot.press("n")  # not now
        await settle(pilot)
        assert app.screen is screen
        assert "deleted or replaced" in error_text(screen)
        assert form_values(screen) == TYPED  # everything typed is kept
        assert calls_in(db_path) == []  # nothing went anywhere

        app.poll_database()  # the poll does not ask again at once...
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("ctrl+s")  # ...a save does
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")  # reopen
        await settle(pilot)
        assert app.screen is screen and form_values(screen) == TYPED
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=6)
        assert isinstance(app.screen, DeskScreen)
        assert calls_in(db_path) == [TYPED["topic"]]
        assert "Ana Ruiz" in screen_text(app) and "Old File" not in screen_text(app)
