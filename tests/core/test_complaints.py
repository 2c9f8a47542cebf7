"""Complaints: open until resolved (by a later call or an explicit resolve), the follow-up it
promises by itself (setting on/off), the feeling recorded on the follow-up call, repeat callers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from frontdesk.cli import main
from frontdesk.clock import FixedClock
from frontdesk.complaints import check_followup, follow_up_due, ordinal, repeat_mark
from frontdesk.db import open_database
from frontdesk.errors import DeskError
from frontdesk.hours import BusinessHours, HoursError
from frontdesk.services import Desk, NewCall
from frontdesk.settings import SettingsError
from frontdesk.store import Store

NY = ZoneInfo("America/New_York")
ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}


def ny(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=NY)  # 23 Nov 2026 is a Monday


@pytest.fixture
def world(tmp_path):
    store = Store(open_database(tmp_path / "c.db"))
    clock = FixedClock(ny(23, 9))
    desk = Desk(store, clock, "ann", env=ENV)
    yield desk, clock
    store.close()


def call(desk, clock, when, **fields):
    clock.set(when)
    return desk.log_call(NewCall(at=when, **{"phone": "404 555 0101", "name": "Ana", **fields}))


def test_a_complaint_call_opens_a_complaint_the_customer_card_shows(world):
    desk, clock = world
    logged = call(desk, clock, ny(23, 9), complaint=True, topic="Broken kettle", note="third one")
    opened = logged.complaints.opened
    assert opened is not None and opened.state == "open" and opened.call_id == logged.call.id
    assert opened.opened_at == ny(23, 9) and opened.opened_by == "ann" and opened.topic == "Broken kettle"
    card = desk.caller_card(logged.customer.id)
    assert [c.id for c in card.open_complaints] == [opened.id]
    assert [c.id for c in desk.complaints.open_complaints()] == [opened.id]


def test_the_complaints_own_call_does_not_resolve_it_even_with_outcome_resolved(world):
    desk, clock = world
    logged = call(desk, clock, ny(23, 9), complaint=True, outcome="resolved")
    assert desk.complaints.complaint(logged.complaints.opened.id).state == "open"


def test_a_later_resolved_call_resolves_it_and_promises_a_follow_up_two_business_days_later(world):
    desk, clock = world
    first = call(desk, clock, ny(23, 9), complaint=True)
    call(desk, clock, ny(23, 11), outcome="message")  # not resolved: stays open
    assert desk.complaints.complaint(first.complaints.opened.id).state == "open"
    later = call(desk, clock, ny(24, 10, 30), direction="out", outcome="resolved")
    (resolved,) = later.complaints.resolved
    assert resolved.state == "resolved" and resolved.resolved_call_id == later.call.id
    assert resolved.minutes_to_resolve == 25 * 60 + 30 and resolved.resolution == ""
    assert resolved.resolution_label == "resolved on a call"
    follow = desk.callbacks.callback(resolved.followup_callback_id)
    assert follow.state == "open" and follow.due_at == ny(26, 10, 30)  # Thursday, same time
    assert desk.complaints.open_complaints() == []


def test_explicit_resolve_records_kind_note_who_and_when(world):
    desk, clock = world
    opened = call(desk, clock, ny(27, 16, 30), complaint=True).complaints.opened  # a Friday
    clock.set(ny(27, 16, 50))
    desk.operator = "ben"
    done = desk.complaints.resolve(opened.id, "refund", "refunded the delivery fee")
    c = done.complaint
    assert (c.state, c.resolution, c.resolution_note, c.resolved_by) == ("resolved", "refund",
                                                                       "refunded the delivery fee", "ben")
    assert c.resolved_at == ny(27, 16, 50) and c.minutes_to_resolve == 20
    # Two business days after a Friday 16:50: Tuesday 16:50 (the weekend is closed).
    assert done.follow_up is not None and done.follow_up.due_at == datetime(2026, 12, 1, 16, 50, tzinfo=NY)
    assert done.follow_up.assignee == "ben"
    with pytest.raises(DeskError, match="already resolved"):
        desk.complaints.resolve(opened.id, "apology")
    with pytest.raises(DeskError, match="what was done"):
        desk.complaints.resolve(call(desk, clock, ny(27, 17), complaint=True).complaints.opened.id, "shrug")


def test_follow_ups_off_promise_nothing(world):
    desk, clock = world
    desk.save_settings(replace(desk.settings, followup="off"))
    opened = call(desk, clock, ny(23, 9), complaint=True).complaints.opened
    done = desk.complaints.resolve(opened.id, "apology")
    assert done.follow_up is None and "off" in done.why_no_follow_up
    assert desk.complaints.complaint(opened.id).followup_callback_id is None
    assert desk.callbacks.open_count() == 0


def test_the_follow_up_call_records_the_feeling_and_completes_the_promise(world):
    desk, clock = world
    opened = call(desk, clock, ny(23, 9), complaint=True).complaints.opened
    follow = desk.complaints.resolve(opened.id, "replacement").follow_up
    with pytest.raises(DeskError, match="how does the customer feel"):
        call(desk, clock, ny(25, 9), direction="out", callback_id=follow.id)
    back = call(desk, clock, ny(25, 9), direction="out", callback_id=follow.id, feeling="better")
    c = back.complaints.followed_up
    assert (c.followup_result, c.followup_at, c.followup_call_id) == ("better", ny(25, 9), back.call.id)
    assert c.feeling_label == "better"
    assert back.completed.state == "done" and back.completed.kept_on_time is True


def test_a_follow_up_nobody_answers_is_no_answer_and_still_completes(world):
    desk, clock = world
    opened = call(desk, clock, ny(23, 9), complaint=True).complaints.opened
    follow = desk.complaints.resolve(opened.id, "goodwill").follow_up
    with pytest.raises(DeskError, match="no answer"):
        call(desk, clock, ny(26, 9), direction="out", callback_id=follow.id, outcome="voicemail", feeling="better")
    back = call(desk, clock, ny(26, 9), direction="out", callback_id=follow.id, outcome="voicemail")
    assert back.complaints.followed_up.followup_result == "no_answer"
    assert back.completed.state == "done"
    assert desk.callbacks.callback(follow.id).state == "done"


def test_a_feeling_on_an_ordinary_callback_is_refused_and_nothing_is_written(world):
    desk, clock = world
    promised = call(desk, clock, ny(23, 9), outcome="callback")
    with pytest.raises(DeskError, match="not the follow-up"):
        call(desk, clock, ny(23, 10), direction="out", callback_id=promised.callback.id, feeling="same")
    assert desk.count_history(promised.customer.id) == 1
    with pytest.raises(DeskError, match="unknown feeling"):
        call(desk, clock, ny(23, 10), feeling="ecstatic", callback_id=promised.callback.id)


def test_repeat_callers_three_inbound_calls_in_seven_days(world):
    desk, clock = world
    first = call(desk, clock, ny(16, 12))  # more than seven days before the 24th 10:00
    call(desk, clock, ny(20, 9))
    call(desk, clock, ny(23, 9), direction="out")  # we called them: not a call from them
    call(desk, clock, ny(23, 15))
    clock.set(ny(24, 10))
    cid = first.customer.id
    assert desk.complaints.week_calls(cid) == 2
    assert desk.caller_card(cid).week_calls == 2
    assert repeat_mark(2) == "" and repeat_mark(3) == "3rd call this week"
    call(desk, clock, ny(24, 10))
    assert desk.caller_card(cid).week_calls == 3
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]


def test_complaints_follow_a_merge(world):
    desk, clock = world
    a = call(desk, clock, ny(23, 9), complaint=True)
    b = call(desk, clock, ny(23, 10), phone="404 555 0199", name="Ana L")
    desk.customers.merge_customers(b.customer.id, a.customer.id)
    assert [c.id for c in desk.complaints.of_customer(b.customer.id, open_only=True)] == [a.complaints.opened.id]


def test_follow_up_delay_setting():
    hours = BusinessHours.default("America/New_York")
    assert check_followup("2BD") == "2bd" and check_followup("off") == "off" and check_followup("4bh") == "4bh"
    with pytest.raises(HoursError):
        check_followup("soon")
    assert follow_up_due(hours, "off", ny(23, 9)) is None
    assert follow_up_due(hours, "4bh", ny(23, 15)) == ny(24, 11)
    # Resolved at 20:00 on Monday: the second open day is Wednesday, moved into its hours.
    assert follow_up_due(hours, "2bd", ny(23, 20)) == ny(25, 16, 59)
    assert follow_up_due(hours, "1bd", ny(23, 7)) == ny(24, 9)


def test_settings_refuse_a_bad_follow_up_delay(world):
    desk, _ = world
    with pytest.raises(DeskError, match="follow-up"):
        desk.save_settings(replace(desk.settings, followup="whenever"))
    assert isinstance(SettingsError("x"), ValueError)
    desk.save_settings(replace(desk.settings, followup="1bd"))
    assert desk.reload_settings().followup == "1bd"


def test_cli_log_complaint_list_resolve_and_follow_up(tmp_path, capsys):
    db = str(tmp_path / "cli.db")
    clock = FixedClock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
    assert main(["--db", db, "log", "--phone", "404 555 0101", "--name", "Ana", "--complaint",
                 "--topic", "=cmd|' /C calc'!A0"], clock) == 0
    capsys.readouterr()
    assert main(["--db", db, "complaints"], clock) == 0
    out = capsys.readouterr().out
    assert "#1" in out and "Ana" in out
    assert main(["--db", db, "complaints", "follow-up", "1", "--feeling", "better"], clock) == 2
    assert "not resolved yet" in capsys.readouterr().err
    assert main(["--db", db, "complaints", "resolve", "1", "--kind", "apology", "--note", "sorry"], clock) == 0
    assert "follow-up callback #1 due" in capsys.readouterr().out
    clock.set(clock.now() + timedelta(days=2))
    assert main(["--db", db, "complaints", "follow-up", "1", "--feeling", "same"], clock) == 0
    capsys.readouterr()
    assert main(["--db", db, "complaints", "resolve", "9", "--kind", "apology"], clock) == 2
    assert "no complaint #9" in capsys.readouterr().err
    assert main(["--db", db, "complaints", "--format", "json"], clock) == 0
    assert '"complaints": []' in capsys.readouterr().out


def test_the_export_row_of_a_complaint_call_keeps_its_own_promise_not_the_follow_up(world, tmp_path):
    from frontdesk.export import csv_lines, iter_rows

    desk, clock = world
    logged = call(desk, clock, ny(23, 9), complaint=True, outcome="callback", promise="1bh")
    follow = desk.complaints.resolve(logged.complaints.opened.id, "apology").follow_up
    assert follow.call_id == logged.call.id  # promised on the complaint's call
    (row,) = [r for r in iter_rows(desk, ny(23, 9).date(), ny(23, 9).date()) if r["id"] == logged.call.id]
    assert row["callback_due"] == "2026-11-23T10:00:00-05:00"
    (line,) = [x for x in csv_lines(desk, ny(23, 9).date(), ny(23, 9).date()) if x[0] == logged.call.id]
    assert line[12] == "2026-11-23T10:00:00-05:00"
