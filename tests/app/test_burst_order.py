"""Keys that arrive in one burst (tmux send-keys of a whole sequence, a slow SSH link) mean what
they mean typed slowly: the same screen, the same field focused, the same text in every field,
the same rows stored. Each sequence runs twice on two fresh desks, once key by key (the pilot
waits for the app to be idle after each) and once all at once, and the two ends are compared."""

from __future__ import annotations

import pytest
from pilot_helpers import burst, settle

from frontdesk.app import FrontDeskApp
from frontdesk.clock import FixedClock
from frontdesk.db import open_database
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store
from tests.conftest import DESK_ENV, MONDAY_10AM


def _desk(path) -> Desk:
    desk = Desk(Store(open_database(path)), FixedClock(MONDAY_10AM), "ann", env=DESK_ENV)
    desk.log_call(NewCall(phone="4045550134", name="Bo Diddley", topic="boiler", outcome="callback"))
    desk.log_call(NewCall(phone="2125550178", name="Tyrone Hernandez", topic="invoice"))
    return desk


def _state(app: FrontDeskApp) -> dict:
    from textual.widgets import Input

    screen = app.screen
    fields = {}
    for widget in screen.query("Input, TextArea"):
        if widget.id:
            fields[widget.id] = widget.value if isinstance(widget, Input) else widget.text
    for widget in screen.query("ChoiceField"):
        if widget.id:
            fields[widget.id] = str(widget.value)
    return {
        "screen": type(screen).__name__,
        "stack": [type(s).__name__ for s in app.screen_stack],
        "focused": getattr(screen.focused, "id", None),
        "fields": fields,
    }


def _stored(desk: Desk) -> list[tuple]:
    rows = desk.store.rows(
        "SELECT c.topic, c.note, c.outcome, cu.name, (SELECT count(*) FROM callbacks b "
        "WHERE b.call_id = c.id) FROM calls c JOIN customers cu ON cu.id = c.customer_id ORDER BY c.id")
    open_ = desk.store.rows("SELECT state, acknowledged_by FROM callbacks ORDER BY id")
    return [tuple(r) for r in rows] + [tuple(r) for r in open_]


async def _run(path, keys: list[str], fast: bool) -> tuple[dict, list[tuple]]:
    desk = _desk(path)
    desk.clock.advance(hours=2)  # the promise is overdue: k asks to acknowledge it
    app = FrontDeskApp(desk, offer_draft=False, freeze_gc=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if fast:
            burst(app, *keys)
        else:
            for key in keys:
                await pilot.press(key)
        await settle(pilot, rounds=8)
        for _ in range(5):
            await pilot.pause(0.02)
        state = _state(app)
    stored = _stored(desk)
    desk.store.close()
    return state, stored


SEQUENCES = {
    # on the desk's queue (focused at start): call back, then Tab to the next field and type
    "call back, Tab, note": ["c", "tab", *"note"],
    # call back, a note with spaces and a comma, Tab, save
    "call back, note, save": ["c", *"rang back, all sorted", "tab", "ctrl+s"],
    # a search opened by "/" gets every letter after it, "n" (new call) included
    "slash then a word with n": ["slash", *"nine"],
    # the whole new-call form in one go, a promise by its key, saved
    "new caller with a promise": ["n", *"7705550123", "tab", *"Ann Other", "tab", *"leak",
                                  "ctrl+b", "ctrl+s"],
    # a returning caller picked from the suggestions by digits
    "returning caller by digits": ["n", *"4045", "down", "enter", "tab", *"again", "ctrl+s"],
    # corrections inside a field: Backspace and ctrl+u followed at once by more letters
    "backspace then letters": ["n", *"7705550199", "tab", *"Jo", "backspace", *"ane", "tab",
                               *"xx", "ctrl+u", *"topic"],
    # acknowledge the overdue promise: k asks, y answers
    "acknowledge": ["k", "y"],
    # a name typed on the desk is a search, whole
    "name on the desk": [*"kate smith"],
    # Tab from the queue to today's calls, then Enter opens the customer highlighted there
    "tab to the calls, enter": ["tab", "enter"],
    # the sequence that lost a promise (issue 12): Enter and Down on the outcome, then save
    "outcome by Enter and Down": ["n", *"2125550178", "tab", *"Name", "tab", *"topic", "tab",
                                  *"a note", "tab", "enter", "down", "enter", "ctrl+s"],
    # reschedule the promise: the preset list, then the reason, then Enter
    "reschedule": ["t", "down", "enter", *"asked for later", "enter"],
    # search by name and open the customer found
    "search and open": ["slash", *"bo", "enter", "enter"],
    # a new call opened and left at once, then a search
    "new call, escape, search": ["n", "escape", "slash", *"tyr"],
}


@pytest.mark.parametrize("name", list(SEQUENCES))
async def test_a_burst_means_what_slow_typing_means(tmp_path, name):
    keys = SEQUENCES[name]
    slow = await _run(tmp_path / "slow.db", keys, fast=False)
    fast = await _run(tmp_path / "fast.db", keys, fast=True)
    assert fast == slow
