"""How a desk hears other processes' commits: the file watcher wakes it at once (no poll
needed), its own saves reload it once, and the one-second poll still works where watching is
off or stops working."""

from __future__ import annotations

import asyncio

from pilot_helpers import screen_text, settle
from test_many_desks import other_desk

from frontdesk.app import FrontDeskApp, WatchFailed
from frontdesk.services import NewCall
from widgets.call_table import CallTable

NEVER = 3600.0  # seconds: a poll or tick that does not come during the test


async def seen_within(pilot, condition, seconds: float) -> bool:
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < seconds:
        await pilot.pause(0.02)
        if condition():
            await settle(pilot)
            return True
    return False


def rows(app) -> int:
    return app.screen.query_one("#calls", CallTable).row_count


async def test_the_watcher_shows_another_desks_call_without_any_poll(desk, db_path, clock):
    app = FrontDeskApp(desk, offer_draft=False, freeze_gc=False, poll_seconds=NEVER,
                       tick_seconds=NEVER, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.watcher is not None and app.watcher.running
        assert "watching" in app.live_updates
        await pilot.pause(0.3)  # the kernel's watch is set up in the watcher's thread
        raj = other_desk(db_path, clock)
        raj.log_call(NewCall(phone="4045550134", name="Heard At Once"))
        assert await seen_within(pilot, lambda: rows(app) == 1, 1.5)
        assert "Heard At Once" in screen_text(app)
        raj.store.close()
    assert not app.watcher.running  # stopped with the app


async def test_a_save_of_this_desk_reloads_it_once_with_the_watcher(desk, db_path, clock):
    """The watcher hears this desk's own writes to the -wal file (the call, the draft) and
    wakes nothing: the save's own reload is the only one."""
    app = FrontDeskApp(desk, offer_draft=False, freeze_gc=False, poll_seconds=NEVER,
                       tick_seconds=NEVER, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)
        reloads: list[int] = []
        changed = app.desk_changed

        def counted() -> None:
            reloads.append(1)
            changed()

        app.desk_changed = counted
        wakes = app.watcher.wakes
        await pilot.press("n", *"4045550134", "tab", *"Once Only", "ctrl+s")
        await settle(pilot, rounds=6)
        await pilot.pause(1.5)  # past the watcher's steps and rechecks
        await settle(pilot)
        assert app.watcher.wakes > wakes  # the writes were heard
        assert reloads == [1]
        assert rows(app) == 1


async def test_with_watching_off_the_poll_shows_another_desks_call(desk, db_path, clock, monkeypatch):
    monkeypatch.setenv("FRONTDESK_WATCH", "0")
    app = FrontDeskApp(desk, offer_draft=False, freeze_gc=False, poll_seconds=0.2, tick_seconds=NEVER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.watcher is None
        assert app.live_updates.startswith("polling every 0.2 s")
        raj = other_desk(db_path, clock)
        raj.log_call(NewCall(phone="4045550134", name="Polled In"))
        assert await seen_within(pilot, lambda: rows(app) == 1, 2.0)
        raj.store.close()


async def test_when_watching_fails_the_poll_takes_over(desk, db_path, clock):
    app = FrontDeskApp(desk, offer_draft=False, freeze_gc=False, poll_seconds=0.2,
                       tick_seconds=NEVER, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        watcher = app.watcher
        app.post_message(WatchFailed(OSError("inotify watch limit reached")))  # as the thread reports it
        await settle(pilot)
        assert app.watcher is None and not watcher.running
        assert "inotify watch limit reached" in app.live_updates
        raj = other_desk(db_path, clock)
        raj.log_call(NewCall(phone="4045550134", name="Polled After"))
        assert await seen_within(pilot, lambda: rows(app) == 1, 2.0)
        raj.store.close()
