"""A name typed on the desk in one burst reaches the search whole, however the terminal splits
the burst: keys read while the question opened by the first letter (k: acknowledge) was on top,
or while the search was opening, are not lost, and none answers the question."""

from __future__ import annotations

import asyncio

import pytest
from pilot_helpers import burst, settle

from frontdesk.services import NewCall
from screens.search import SearchScreen


@pytest.mark.parametrize("first, wait", [
    (1, 40),  # "k" read alone: the question is up, its button focused, when "ate smith" arrives
    (2, 40),  # "ka" read alone: the search is open, its query focused, when "te smith" arrives
    (5, 1),  # "kate " read alone: "smith" is sent to the search before its query has focus
    (1, 1),
])
async def test_a_name_typed_in_a_split_burst_is_searched_whole(make_app, desk, clock, first, wait):
    logged = desk.log_call(NewCall(phone="4045550134", name="Bo", outcome="callback"))
    clock.advance(hours=2)  # overdue: k on the queue asks to acknowledge it
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, *"kate smith"[:first])
        for _ in range(wait):  # the app reads the first part before the rest arrives
            await asyncio.sleep(0)
        burst(app, *"kate smith"[first:])
        await settle(pilot, rounds=6)
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one("#query").value == "kate smith"
        assert desk.callbacks.callback(logged.callback.id).acknowledged_by == ""
