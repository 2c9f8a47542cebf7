"""The call tables' cells, as a receptionist reads them in the desk's log and a customer's history."""
from __future__ import annotations

from datetime import UTC, datetime

from frontdesk.models import Call, TakenMessage
from widgets.call_table import outcome_cell

AT = datetime(2026, 12, 2, 9, 35, tzinfo=UTC)


def message_call(boxes: tuple[str, ...], read: bool) -> Call:
    message = TakenMessage(id=1, call_id=7, customer_id=3, customer_name="Frank Wallace", company="", e164="+14045550130",
                           for_name="ann", boxes=boxes, text="about the quote", topic="Quote", taken_by="mei",
                           taken_at=AT, read_at=AT if read else None, read_by="raj" if read else "")
    return Call(id=7, uid="u7", customer_id=3, customer_name="Frank Wallace", company="", e164="+14045550130", ext="",
                direction="in", at=AT, operator="mei", topic="Quote", note="about the quote", outcome="message",
                message=message)


def test_a_read_message_says_who_read_it_after_a_space():
    assert outcome_cell(message_call((), read=True)).plain == "msg ann (read by raj)"
    assert outcome_cell(message_call(("please_call",), read=True)).plain == "msg ann: please call back (read by raj)"


def test_an_unread_message_is_starred():
    assert outcome_cell(message_call(("urgent",), read=False)).plain == "* msg ann: urgent"
