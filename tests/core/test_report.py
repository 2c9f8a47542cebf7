"""The day's summary figures: what each one counts, the median, overdue against the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from frontdesk.clock import FixedClock
from frontdesk.db import open_database
from frontdesk.errors import DeskError
from frontdesk.report import OperatorFigures, day_summary
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store

ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}
NY = ZoneInfo("America/New_York")
MONDAY, TUESDAY = date(2026, 11, 23), date(2026, 11, 24)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)


@pytest.fixture
def world(tmp_path):
    store = Store(open_database(tmp_path / "r.db"))
    clock = FixedClock(at(8))
    desks = {who: Desk(store, clock, who, env=ENV) for who in ("ann", "ben", "zoe")}
    yield desks, clock
    store.close()


def log(desks, clock, who: str, when: datetime, **fields):
    clock.set(when)
    return desks[who].log_call(NewCall(at=when, **fields))


def returned(desks, clock, who, promise, when, outcome="resolved"):
    return log(desks, clock, who, when, customer_id=promise.customer.id, direction="out",
               callback_id=promise.callback.id, outcome=outcome)


def test_an_empty_day_is_all_zero(world):
    desks, _ = world
    summary = day_summary(desks["ann"], MONDAY)
    assert (summary.calls, summary.distinct_callers, summary.new_customers, summary.promised) == (0, 0, 0, 0)
    assert summary.median_minutes_to_callback is None and summary.kept_share is None
    assert summary.operators == () and summary.top_topics == () and summary.overdue_promises == ()
    assert summary.timezone == "America/New_York"


def test_calls_callers_and_new_customers(world):
    desks, clock = world
    log(desks, clock, "ann", at(16, day=date(2026, 11, 22)), phone="404 555 0101", name="Ana")
    log(desks, clock, "ann", at(9), phone="404 555 0101", topic="Billing")  # known caller
    log(desks, clock, "ann", at(10), phone="404 555 0101", topic="billing")  # same caller again
    log(desks, clock, "ben", at(11), phone="404 555 0123", name="Bob", topic="quote")
    log(desks, clock, "ben", at(12), phone="404 555 0142", name="Cy", direction="out", topic="BILLING")
    log(desks, clock, "ann", at(23, 59), phone="404 555 0188", name="Late Night")
    log(desks, clock, "ann", at(0, 0, TUESDAY), phone="404 555 0199", name="Tuesday")
    summary = day_summary(desks["ann"], MONDAY)
    assert (summary.calls_in, summary.calls_out) == (4, 1)
    assert summary.distinct_callers == 3  # Ana, Bob, Late Night called in; Cy was called
    assert summary.new_customers == 3  # Bob, Cy, Late Night (Ana was new on Sunday)
    assert summary.top_topics[0] == ("BILLING", 3) and summary.top_topics[1] == ("quote", 1)
    assert [o.operator for o in summary.operators] == ["ann", "ben"]
    assert summary.operators[1] == OperatorFigures("ben", calls_in=1, calls_out=1)


def test_merged_away_customers_are_not_new(world):
    desks, clock = world
    a = log(desks, clock, "ann", at(9), phone="404 555 0101", name="Ana")
    b = log(desks, clock, "ann", at(10), phone="404 555 0123", name="Ana (mobile)")
    desks["ann"].customers.merge_customers(a.customer.id, b.customer.id)
    summary = day_summary(desks["ann"], MONDAY)
    assert summary.new_customers == 1 and summary.distinct_callers == 1


def test_promises_kept_late_cancelled_open_and_overdue(world):
    desks, clock = world
    kept = log(desks, clock, "ann", at(9), phone="404 555 0101", name="Kept",
               callback_due=at(10), assignee="ben")
    late = log(desks, clock, "ann", at(9, 30), phone="404 555 0123", name="Late",
               callback_due=at(10), assignee="ben")
    cancelled = log(desks, clock, "ann", at(11), phone="404 555 0142", name="Cancelled",
                    callback_due=at(12))
    overdue = log(desks, clock, "ben", at(12), phone="404 555 0188", name="Overdue",
                  callback_due=at(13), assignee="zoe")
    log(desks, clock, "ben", at(15), phone="404 555 0199", name="Open", callback_due=at(18))
    returned(desks, clock, "ben", kept, at(9, 50))
    returned(desks, clock, "ben", late, at(10, 5), outcome="no_answer")  # an attempt only
    returned(desks, clock, "ben", late, at(11, 30))
    clock.set(at(11, 45))
    desks["ann"].callbacks.cancel(cancelled.callback.id, "sorted by email")
    clock.set(at(16))
    summary = day_summary(desks["ann"], MONDAY)
    assert summary.promised == 5
    assert (summary.kept, summary.late, summary.cancelled, summary.still_open) == (1, 1, 1, 2)
    assert summary.kept + summary.late + summary.cancelled + summary.still_open == summary.promised
    assert summary.overdue == 1 and summary.kept_share == 0.5
    assert summary.median_minutes_to_callback == (50 + 120) / 2
    [item] = summary.overdue_promises
    assert (item.caller, item.phone, item.phone_national) == ("Overdue", "+14045550188", "(404) 555-0188")
    assert (item.assignee, item.due_at, item.callback_id) == ("zoe", at(13), overdue.callback.id)
    by_name = {o.operator: o for o in summary.operators}
    assert by_name["ann"] == OperatorFigures("ann", calls_in=3, promised=3, still_open=0)
    assert by_name["ben"] == OperatorFigures(
        "ben", calls_in=2, calls_out=3, promised=2, kept=1, late=1, still_open=1
    )
    assert by_name["zoe"] == OperatorFigures("zoe", still_open=1, overdue=1)  # took no calls


def test_overdue_follows_the_clock(world):
    desks, clock = world
    log(desks, clock, "ann", at(15), phone="404 555 0101", name="Ana", callback_due=at(18))
    clock.set(at(17, 59))
    assert day_summary(desks["ann"], MONDAY).overdue == 0
    clock.set(at(18))
    assert day_summary(desks["ann"], MONDAY).overdue == 1  # due now counts, as in `frontdesk due`
    clock.set(at(9, 0, TUESDAY))
    summary = day_summary(desks["ann"], MONDAY)
    assert summary.overdue == 1 and summary.overdue_promises[0].caller == "Ana"
    assert day_summary(desks["ann"], TUESDAY).overdue == 0  # Monday's promise, not Tuesday's


def test_promises_belong_to_the_day_they_were_made(world):
    desks, clock = world
    sunday = date(2026, 11, 22)
    old = log(desks, clock, "ann", at(16, day=sunday), phone="404 555 0101", name="Ana",
              callback_due=at(17, day=sunday))
    returned(desks, clock, "ann", old, at(9))  # returned on Monday, 16 h late
    monday = day_summary(desks["ann"], MONDAY)
    assert (monday.calls_out, monday.promised, monday.late) == (1, 0, 0)
    both = day_summary(desks["ann"], sunday, MONDAY)
    assert (both.calls, both.promised, both.late, both.median_minutes_to_callback) == (2, 1, 1, 1020.0)


def test_median_of_odd_and_even_counts(world):
    desks, clock = world
    waits = [10, 40, 20]
    promises = []
    for i, wait in enumerate(waits):
        p = log(desks, clock, "ann", at(9 + i), phone=f"404 555 01{i + 10}", name=f"C{i}",
                callback_due=at(9 + i, 50))
        promises.append(p)
        returned(desks, clock, "ann", p, at(9 + i) + timedelta(minutes=wait))
    assert day_summary(desks["ann"], MONDAY).median_minutes_to_callback == 20.0
    p = log(desks, clock, "ann", at(13), phone="404 555 0199", name="D", callback_due=at(14))
    returned(desks, clock, "ann", p, at(13, 50))
    assert day_summary(desks["ann"], MONDAY).median_minutes_to_callback == 30.0


def test_summary_cost_does_not_grow_with_the_calls(world):
    desks, clock = world

    def queries_for_summary() -> int:
        seen: list[str] = []
        desks["ann"].store.trace(seen.append)
        day_summary(desks["ann"], MONDAY)
        desks["ann"].store.trace(None)
        return len(seen)

    log(desks, clock, "ann", at(9), phone="404 555 0101", name="Ana", callback_due=at(10))
    few = queries_for_summary()
    for minute in range(40):
        log(desks, clock, "ben", at(10, minute), phone="404 555 0123", name="Bob",
            topic=f"t{minute % 3}", callback_due=at(11, minute))
    assert queries_for_summary() == few


def test_an_inverted_range_is_refused(world):
    desks, _ = world
    with pytest.raises(DeskError, match="range is empty"):
        day_summary(desks["ann"], TUESDAY, MONDAY)


def test_day_bounds_follow_the_desk_timezone(world):
    desks, clock = world
    log(desks, clock, "ann", datetime(2026, 11, 24, 4, 30, tzinfo=UTC), phone="404 555 0101", name="A")
    assert day_summary(desks["ann"], MONDAY).calls == 1  # 23:30 in New York
    assert day_summary(desks["ann"], TUESDAY).calls == 0
