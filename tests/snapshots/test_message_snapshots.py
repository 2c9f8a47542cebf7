"""What messages look like at 80x24: the new-call form taking one (the part for whom and the
pad's boxes) and the messages list, on test_snapshots' fixed desk and clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_snapshots import fill, steps

from frontdesk.app import FrontDeskApp
from frontdesk.services import NewCall


@pytest.fixture
def shot(snap_compare, desk, clock):
    """As test_snapshots' `shot`, with three messages for ann (one read, one urgent)."""
    fill(desk, clock)
    now = clock.now()
    desk.operator = "raj"
    desk.log_call(NewCall(phone="404 555 0134", customer_id=1, outcome="message", message_for="ann",
                          boxes=("please_call", "urgent"), note="The invoice is wrong again: call before noon",
                          at=now - timedelta(minutes=5)))
    desk.log_call(NewCall(phone="+44 20 7946 0958", customer_id=2, outcome="message", message_for="ann",
                          boxes=("will_call",), note="[bold]Not bold[/] back from lunch at two",
                          at=now - timedelta(minutes=25)))
    read = desk.log_call(NewCall(phone="404 555 0188", customer_id=4, outcome="message", message_for="ann",
                                 boxes=("returned",), note="Got your voicemail", at=now - timedelta(minutes=50)))
    desk.operator = "ann"
    desk.messages.read(read.message.id)

    def take(run_before, size: tuple[int, int] = (80, 24)) -> bool:
        app = FrontDeskApp(desk, offer_draft=False, freeze_gc=False)
        return snap_compare(app, terminal_size=size, run_before=run_before)

    return take


def test_new_call_taking_a_message_80x24(shot):
    # The caller recognised, a note, the outcome two steps down ('message taken'): for Raj,
    # please call back (c) and urgent (u).
    assert shot(steps("n", *"4045550134", "tab", "tab", *"Quote", "tab", *"call back today", "tab",
                      "down", "down", "tab", *"raj", "tab", "c", "u"))


def test_messages_list_80x24(shot):
    assert shot(steps("i"))
