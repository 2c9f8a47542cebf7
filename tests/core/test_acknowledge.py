"""Acknowledging an overdue callback: who and when, and never one that is not overdue yet."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdesk.errors import DeskError
from frontdesk.services import NewCall


def test_an_overdue_callback_is_acknowledged_with_who_and_when(desk, clock):
    cb = desk.log_call(NewCall(phone="404 555 0134", name="Maria", callback_due=clock.now() + timedelta(minutes=30))).callback
    clock.advance(minutes=45)
    desk.operator = " ANN "  # the desk's spelling of the person, whatever was typed
    seen = desk.callbacks.acknowledge(cb.id)
    assert (seen.acknowledged_by, seen.acknowledged_at, seen.state) == ("ann", clock.now(), "open")
    assert desk.callbacks.callback_history(cb.id)[-1].kind == "acknowledged"


def test_one_not_overdue_yet_is_refused_saying_when_it_is_due(desk, clock):
    soon = desk.log_call(NewCall(phone="404 555 0134", name="Maria", callback_due=clock.now() + timedelta(hours=4, minutes=30))).callback
    with pytest.raises(DeskError) as err:
        desk.callbacks.acknowledge(soon.id)
    assert str(err.value) == "the callback to Maria is not overdue yet (due 14:30)"
    assert err.value.field == "due"
    later = desk.log_call(NewCall(phone="212 555 0100", name="Bo", callback_due=clock.now() + timedelta(days=1))).callback
    with pytest.raises(DeskError, match=r"^the callback to Bo is not overdue yet \(due Tue 24 Nov 10:00\)$"):
        desk.callbacks.acknowledge(later.id)
    untouched = desk.callbacks.callback(soon.id)
    assert (untouched.acknowledged_by, untouched.acknowledged_at, untouched.version) == ("", None, soon.version)
    assert [e.kind for e in desk.callbacks.callback_history(soon.id)] == ["promised"]
    # At its due time it is overdue: then it can be acknowledged.
    clock.set(soon.due_at)
    assert desk.callbacks.acknowledge(soon.id).acknowledged_by == "ann"
