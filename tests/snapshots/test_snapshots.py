"""What the desk looks like: every screen and dialog at 80x24 (the smallest terminal the app
draws on), the desk at 160x50, without colour (NO_COLOR), and what it says below 80x24. On a
fixed dataset and a fixed clock, so a changed picture is a changed app."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from frontdesk.app import FrontDeskApp
from frontdesk.services import NewCall


def fill(desk, clock) -> None:
    now = clock.now()
    desk.log_call(NewCall(phone="(404) 555-0134", name="Maria Lopez", topic="Invoice 1042",
                          at=now - timedelta(hours=1), callback_due=now - timedelta(minutes=20)))
    desk.log_call(NewCall(phone="+44 20 7946 0958", name="Oliver Smith", company="Smith & Co",
                          topic="Delivery to UK", at=now - timedelta(minutes=40), outcome="callback"))
    desk.log_call(NewCall(phone="404.555.0177", name="[bold]Not bold[/]", topic="Opening hours",
                          at=now - timedelta(minutes=30), outcome="resolved"))
    desk.log_call(NewCall(phone="404 555 0188", name="Dana Kim", topic="Quote", direction="out",
                          at=now - timedelta(minutes=10), callback_due=now + timedelta(minutes=8),
                          assignee="raj"))


# Customer ids of fill(): Maria Lopez 1, Oliver Smith 2, [bold]Not bold[/] 3, Dana Kim 4.
# Callback ids: Maria 1 (overdue), Oliver 2, Dana 3. The queue, soonest first: Maria, Dana, Oliver.
MARIA, OLIVER = 1, 2


async def _settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def steps(*keys: str, before=None, quiet: bool = True):
    """run_before: settle, do `before(app)` (open a screen), press `keys`, settle. `quiet`
    takes the reminder toast away, so the screen under it is seen whole (the desk's own
    snapshot keeps it)."""

    async def run(pilot) -> None:
        await _settle(pilot)
        if quiet:  # before a dialog opens: a toast cleared under one stays drawn on the screen below
            pilot.app.clear_notifications()
        if before is not None:
            before(pilot.app)
            await _settle(pilot)
        if keys:
            await pilot.press(*keys)
            await _settle(pilot)
        if quiet:
            pilot.app.clear_notifications()
            await pilot.pause()

    return run


@pytest.fixture
def shot(snap_compare, desk, clock):
    """shot(run_before, size): the app on fill()'s desk, compared with its snapshot."""
    fill(desk, clock)

    def take(run_before, size: tuple[int, int] = (80, 24)) -> bool:
        app = FrontDeskApp(desk, offer_draft=False, freeze_gc=False)
        return snap_compare(app, terminal_size=size, run_before=run_before)

    return take


# -- screens at 80x24 -------------------------------------------------------------------------
def test_desk_80x24(shot):
    assert shot(steps(quiet=False))


def test_new_call_with_caller_card_80x24(shot):
    assert shot(steps("n", *"4045550134", quiet=False))


def test_new_call_promising_a_callback_80x24(shot):
    # The caller recognised, a topic, then the outcome "callback promised": its fields appear.
    assert shot(steps("n", *"4045550134", "tab", "tab", *"Quote", "ctrl+b"))


def test_customer_page_80x24(shot):
    assert shot(steps(before=lambda app: app.open_customer(OLIVER)))


def test_callback_page_80x24(shot):
    assert shot(steps("enter"))  # Enter on the queue's first row: Maria's overdue promise


def test_search_with_results_80x24(shot):
    assert shot(steps("/", *"smith"))


def test_reports_80x24(shot):
    assert shot(steps("r"))


def test_settings_80x24(shot):
    assert shot(steps("s"))


def test_help_80x24(shot):
    assert shot(steps("?"))


# -- dialogs at 80x24 -------------------------------------------------------------------------
def test_confirm_acknowledge_80x24(shot):
    assert shot(steps("k"))  # the queue has focus, on Maria's overdue promise


def test_prompt_reassign_80x24(shot):
    assert shot(steps("a"))


def test_choose_reschedule_80x24(shot):
    assert shot(steps("t"))


def test_show_text_call_80x24(shot):
    assert shot(steps("enter", before=lambda app: app.open_customer(MARIA)))


def test_edit_customer_80x24(shot):
    assert shot(steps("e", before=lambda app: app.open_customer(OLIVER)))


# -- other terminals --------------------------------------------------------------------------
def test_desk_160x50(shot):
    assert shot(steps(quiet=False), size=(160, 50))


def test_new_call_with_caller_card_160x50(shot):
    # A wide terminal widens the card: the caller's name, company and topics are not cut.
    assert shot(steps("n", "plus", *"442079460958"), size=(160, 50))


def test_desk_no_color_80x24(shot, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert shot(steps(quiet=False))
    # Greys only: every colour of the picture but the window's frame has red = green = blue.
    svg = (Path(__file__).parent / "__snapshots__" / "test_snapshots" / "test_desk_no_color_80x24.svg").read_text()
    frame = {"#ff5f57", "#febc2e", "#28c840", "#c5c8c6"}  # the three buttons and the title
    colours = set(re.findall(r"#[0-9a-f]{6}\b", svg.lower())) - frame
    assert colours and all(c[1:3] == c[3:5] == c[5:7] for c in colours), colours


def test_too_small_70x20(shot):
    assert shot(steps(), size=(70, 20))


# -- the phone ------------------------------------------------------------------------------
def test_desk_with_the_phone_ringing_80x24(shot, desk):
    """Maria (an open promise, a last topic) and an unknown number ring: two lines over the
    desk, the newest with the key that takes it, and the key first in the key bar."""
    from frontdesk.phone.models import PhoneEvent

    desk.phone.event(PhoneEvent(kind="ring", call_id="snap-1", number="(404) 555-0134", line="sales"))
    desk.phone.event(PhoneEvent(kind="ring", call_id="snap-2", number="+1 212 555 0178"))
    assert shot(steps())


def test_missed_calls_80x24(shot, desk):
    from frontdesk.phone.models import PhoneEvent

    for n in (1, 2, 3):  # Oliver tries three times: one promise
        desk.phone.event(PhoneEvent(kind="ring", call_id=f"snap-o{n}", number="+44 20 7946 0958"))
        desk.phone.event(PhoneEvent(kind="hangup", call_id=f"snap-o{n}", cause="noAnswer"))
    desk.phone.event(PhoneEvent(kind="missed", call_id="snap-w", number="anonymous"))
    desk.phone.event(PhoneEvent(kind="missed", call_id="snap-n", number="+1 212 555 0178", name="Front Gate"))
    assert shot(steps("u"))
