"""What the desk looks like at 80x24, on a fixed dataset and a fixed clock."""

from __future__ import annotations

from datetime import timedelta

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


async def _settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def test_desk_80x24(snap_compare, desk, clock):
    fill(desk, clock)
    app = FrontDeskApp(desk, offer_draft=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settle)


def test_new_call_with_caller_card_80x24(snap_compare, desk, clock):
    fill(desk, clock)
    app = FrontDeskApp(desk, offer_draft=False)

    async def type_number(pilot) -> None:
        await _settle(pilot)
        await pilot.press("n", *"4045550134")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=type_number)
