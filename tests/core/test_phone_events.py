"""Phone events in the store: every order, repeats, lost hang-ups, every number form, withheld
numbers, and the missed calls that become promises. Real temporary database files."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import timedelta

import pytest

from frontdesk.errors import DeskError
from frontdesk.phone.models import LOST_AFTER, PhoneEvent
from frontdesk.phone.numbers import understand
from frontdesk.services import NewCall


def ev(kind="ring", call_id="c1", number="", **kw) -> PhoneEvent:
    return PhoneEvent(kind=kind, call_id=call_id, source=kw.pop("source", "cti"), number=number, **kw)


def count(desk, table: str, where: str = "1") -> int:
    return desk.store.db.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]


# -- numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, region, e164", [
    ("+1 404 555 0134", "US", "+14045550134"),
    ("14045550134", "US", "+14045550134"),
    ("(404) 555-0134", "US", "+14045550134"),
    ("011 44 20 7946 0018", "US", "+442079460018"),
    ("0044 20 7946 0018", "DE", "+442079460018"),
    ("sip:+14045550134@pbx.local", "US", "+14045550134"),
    ("tel:+1-404-555-0134", "US", "+14045550134"),
    ("tel:+1-404-555-0134;phone-context=example.com", "US", "+14045550134"),
    ("<sip:2125550178@10.0.0.5>", "US", "+12125550178"),
    ('"Maria" <sip:2125550178@10.0.0.5;transport=udp>', "US", "+12125550178"),
    ("2125550178@10.0.0.5", "US", "+12125550178"),
    ("493055571600", "US", "+493055571600"),  # E.164 without its plus (Zammad format)
    ("+49 123 456789", "US", "+49123456789"),  # a caller ID in a range the metadata lacks
    ("030 5557 1600", "DE", "+493055571600"),
])
def test_every_number_form_is_understood_with_the_desks_region(text, region, e164):
    heard = understand(text, region)
    assert (heard.e164, heard.withheld) == (e164, False)
    assert heard.raw == text


@pytest.mark.parametrize("text", ["anonymous", "Anonymous", "unknown", "<unknown>", "", "   ", None,
                                  "sip:anonymous@anonymous.invalid", "<sip:anonymous@10.0.0.5>", "restricted"])
def test_a_withheld_number_is_a_caller_without_a_number(text):
    heard = understand(text, "US")
    assert heard.withheld and heard.e164 == ""


@pytest.mark.parametrize("text", ["201", "reception", "sip:201@pbx.local", "+1 555"])
def test_text_that_is_no_callable_number_is_kept_raw(text):
    heard = understand(text, "US")
    assert heard.e164 == "" and not heard.withheld and heard.raw == text


# -- the life of a call ---------------------------------------------------------------------

def test_ring_answer_hangup(desk, clock):
    rang = desk.phone.event(ev("ring", number="+1 404 555 0134", line="support"))
    assert rang.effect == "new" and rang.record.state == "ringing"
    assert [r.number for r in desk.phone.ringing()] == ["(404) 555-0134"]
    clock.advance(seconds=8)
    answered = desk.phone.event(ev("answer", by="Raj"))
    assert answered.effect == "answered" and answered.record.answered_by == "Raj"
    assert desk.phone.ringing() == []
    clock.advance(seconds=95)
    ended = desk.phone.event(ev("hangup", cause="normalClearing"))
    record = ended.record
    assert (ended.effect, record.state, record.missed) == ("ended", "ended", False)
    assert record.rang_at + timedelta(seconds=8) == record.answered_at
    assert record.talk_seconds == 95
    assert (record.e164, record.line, record.cause) == ("+14045550134", "support", "normalClearing")
    assert count(desk, "callbacks") == 0 and count(desk, "calls") == 0


@pytest.mark.parametrize("kind", ["ring", "answer", "hangup", "missed"])
def test_the_same_event_twice_changes_nothing(desk, clock, kind):
    first = desk.phone.event(ev(kind, number="+1 404 555 0134", cause="cancel"))
    tables = {t: count(desk, t) for t in ("phone_calls", "calls", "callbacks", "callback_events", "customers")}
    clock.advance(seconds=5)
    again = desk.phone.event(ev(kind, number="+1 404 555 0134", cause="cancel"))
    assert again.effect == "unchanged"
    assert again.record == first.record if first.callback is None else again.record.id == first.record.id
    assert desk.phone.phone_call(first.record.id) == again.record
    assert {t: count(desk, t) for t in tables} == tables


ORDERS = list(itertools.permutations(["ring", "answer", "hangup"]))


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(o) for o in ORDERS])
def test_every_order_of_events_ends_the_call_and_never_reopens_it(desk, clock, order):
    """The number comes only with the ring (as real bridges send it); answer and hang-up name
    only the call id. Whatever the order, the call ends, was answered exactly when the answer
    came before the hang-up, and repeating the whole sequence changes nothing."""
    def send():
        results = []
        for kind in order:
            clock.advance(seconds=10)
            number = "+1 404 555 0134" if kind == "ring" else ""
            results.append(desk.phone.event(ev(kind, number=number, by="Raj", cause="normalClearing")))
        return results

    results = send()
    record = results[-1].record
    assert record.state == "ended"
    assert record.e164 == "+14045550134"  # the ring's number, whenever it came
    answered_first = order.index("answer") < order.index("hangup")
    assert (record.answered_at is not None) == answered_first
    assert count(desk, "phone_calls") == 1
    for later in results[order.index("hangup") + 1:]:
        assert later.record.state == "ended" and later.effect in ("unchanged", "updated")
    snapshot = desk.phone.phone_call(record.id)
    assert all(r.effect == "unchanged" for r in send())
    assert desk.phone.phone_call(record.id) == snapshot


def test_an_answer_for_an_ended_call_does_not_reopen_or_overwrite_it(desk, clock):
    desk.phone.event(ev("ring", number="+1 404 555 0134"))
    clock.advance(seconds=30)
    ended = desk.phone.event(ev("hangup", cause="cancel")).record
    clock.advance(seconds=5)
    late = desk.phone.event(ev("answer", by="Raj"))
    assert late.effect == "unchanged" and late.record == desk.phone.phone_call(ended.id)
    assert late.record.answered_at is None and late.record.missed
    again = desk.phone.event(ev("hangup", cause="normalClearing"))
    assert again.record.cause == "cancel" and again.record.ended_at == ended.ended_at


def test_a_ring_after_its_hangup_fills_in_the_number_without_reopening(desk, clock):
    first = desk.phone.event(ev("hangup", cause="cancel"))
    assert first.record.state == "ended" and first.record.missed and first.callback is None
    assert not first.record.withheld  # not said yet, which is not withheld
    assert desk.phone.missed()[0].caller == "unknown number"
    clock.advance(seconds=1)
    late = desk.phone.event(ev("ring", number="+1 404 555 0134"))
    assert late.effect == "updated"
    assert (late.record.state, late.record.e164) == ("ended", "+14045550134")
    assert late.callback is not None  # now that the number is known, the promise is made
    assert desk.phone.ringing() == []


def test_ids_are_unique_per_source(desk):
    a = desk.phone.event(ev("ring", "42", number="+1 404 555 0134", source="cti"))
    b = desk.phone.event(ev("ring", "42", number="+1 404 555 0199", source="phone"))
    assert a.record.id != b.record.id and count(desk, "phone_calls") == 2


def test_a_call_id_is_made_when_none_is_given(desk, clock):
    one = desk.phone.event(PhoneEvent(number="+1 404 555 0134"))
    other = desk.phone.event(PhoneEvent(number="+1 404 555 0199"))
    assert one.record.ext_id and other.record.ext_id and one.record.ext_id != other.record.ext_id
    # Without an id, events find the call by its number: the same ring told twice (or by a
    # second phone), then its answer and hang-up.
    assert desk.phone.event(PhoneEvent(number="(404) 555-0134")).effect == "unchanged"
    assert desk.phone.event(PhoneEvent("answer", number="4045550134", by="Raj")).record.id == one.record.id
    ended = desk.phone.event(PhoneEvent("hangup", number="+14045550134")).record
    assert (ended.id, ended.state, ended.missed) == (one.record.id, "ended", False)
    clock.advance(minutes=1)
    again = desk.phone.event(PhoneEvent(number="+1 404 555 0134"))  # they ring again: a new call
    assert again.effect == "new" and again.record.id != one.record.id


def test_a_reused_call_id_is_a_new_call(desk, clock):
    """Desk phones count call ids from 1 again after a restart: a ring naming an id last
    heard over an hour ago is a new call, and the old one is kept."""
    first = desk.phone.event(ev("ring", "1", number="+1 404 555 0134", source="phone")).record
    desk.phone.event(ev("hangup", "1", source="phone"))
    clock.advance(hours=3)
    second = desk.phone.event(ev("ring", "1", number="+1 404 555 0199", source="phone"))
    assert second.effect == "new" and second.record.id != first.id and second.record.ext_id == "1"
    assert desk.phone.phone_call(first.id).e164 == "+14045550134"
    assert [r.e164 for r in desk.phone.ringing()] == ["+14045550199"]


@pytest.mark.parametrize("change, field", [
    ({"kind": "ringing"}, "event"), ({"direction": "sideways"}, "direction"),
    ({"source": "fax"}, "source"), ({"call_id": "x" * 251}, "call_id"),
])
def test_an_event_that_is_not_one_is_refused_and_stores_nothing(desk, change, field):
    with pytest.raises(DeskError) as err:
        desk.phone.event(replace(ev("ring", number="+1 404 555 0134"), **change))
    assert err.value.field == field
    assert count(desk, "phone_calls") == 0


# -- lost hang-ups --------------------------------------------------------------------------

def test_a_call_left_ringing_for_ten_minutes_is_missed(desk, clock):
    rang = desk.phone.event(ev("ring", number="+1 404 555 0134")).record
    clock.advance(minutes=9, seconds=59)
    assert [r.phone_call_id for r in desk.phone.ringing()] == [rang.id]
    assert desk.phone.sweep() == []
    clock.advance(seconds=1)
    assert desk.phone.ringing() == []  # no longer listed, even before anyone sweeps
    swept = desk.phone.sweep()
    assert [r.effect for r in swept] == ["missed"]
    record = swept[0].record
    assert (record.state, record.cause, record.missed) == ("ended", "lost", True)
    assert record.ended_at == rang.rang_at + LOST_AFTER
    assert swept[0].callback is not None
    assert desk.phone.sweep() == []
    clock.advance(minutes=5)  # the hang-up the PBX lost arrives after all: nothing changes
    assert desk.phone.event(ev("hangup", cause="normalClearing")).effect == "unchanged"


def test_any_event_closes_the_lost_hangups_first(desk, clock):
    desk.phone.event(ev("ring", "old", number="+1 404 555 0134"))
    clock.advance(minutes=11)
    desk.phone.event(ev("ring", "new", number="+1 404 555 0199"))
    old = desk.store.phone.by_ext("cti", "old")
    assert old.state == "ended" and old.missed


def test_an_answered_call_is_not_closed_by_the_ringing_rule(desk, clock):
    desk.phone.event(ev("ring", number="+1 404 555 0134"))
    desk.phone.event(ev("answer"))
    clock.advance(minutes=45)
    assert desk.phone.sweep() == []
    assert desk.store.phone.by_ext("cti", "c1").state == "answered"


# -- withheld numbers -----------------------------------------------------------------------

def test_a_withheld_caller_rings_and_is_missed_without_a_promise(desk, clock):
    rang = desk.phone.event(ev("ring", number="anonymous"))
    assert rang.record.withheld and rang.record.e164 == ""
    strip = desk.phone.ringing()
    assert [(r.caller, r.number, r.customer_id) for r in strip] == [("withheld number", "", None)]
    clock.advance(seconds=20)
    missed = desk.phone.event(ev("hangup", cause="cancel"))
    assert missed.effect == "missed" and missed.callback is None
    assert count(desk, "callbacks") == 0
    [row] = desk.phone.missed()
    assert (row.caller, row.attempts, row.callback) == ("withheld number", 1, None)


# -- the ringing strip ----------------------------------------------------------------------

def test_a_known_caller_rings_with_their_promises_and_last_topic(desk, clock):
    logged = desk.log_call(NewCall(phone="404 555 0134", name="Maria Lopez", company="Acme", topic="invoice 42",
                                   outcome="callback", promise="1bh"))
    clock.advance(minutes=20)
    desk.phone.event(ev("ring", number="sip:+14045550134@pbx.local", name="WIRELESS CALLER"))
    [ringing] = desk.phone.ringing()
    assert ringing.customer_id == logged.customer.id
    assert (ringing.name, ringing.company, ringing.caller) == ("Maria Lopez", "Acme", "Maria Lopez (Acme)")
    assert (ringing.open_promises, ringing.last_topic, ringing.number) == (1, "invoice 42", "(404) 555-0134")
    assert ringing.caller_name == "WIRELESS CALLER"


def test_an_unknown_caller_rings_with_the_number(desk):
    desk.phone.event(ev("ring", number="14045550134"))
    desk.phone.event(ev("ring", "c2", number="201"))
    first, second = desk.phone.ringing()
    assert (first.customer_id, first.name, first.caller) == (None, None, "(404) 555-0134")
    assert second.caller == "201"


def test_several_ringing_calls_stack_oldest_first(desk, clock):
    for i in range(3):
        desk.phone.event(ev("ring", f"c{i}", number=f"+1 404 555 013{i}"))
        clock.advance(seconds=2)
    desk.phone.event(ev("ring", "out", number="+1 404 555 0199", direction="out"))
    assert [r.e164 for r in desk.phone.ringing()] == ["+14045550130", "+14045550131", "+14045550132"]


def test_more_calls_ringing_than_the_strip_holds_keep_the_newest(desk, clock):
    # A busy minute, or hang-ups a PBX lost: the caller ringing now is the one to greet and the
    # one ctrl+t takes, so past the limit the oldest go, never the newest.
    for i in range(25):
        desk.phone.event(ev("ring", f"c{i}", number=f"+1 404 555 01{i:02d}"))
        clock.advance(seconds=2)
    shown = [r.e164 for r in desk.phone.ringing(limit=20)]
    assert shown == [f"+1404555{100 + i:04d}" for i in range(5, 25)]  # still oldest first


def test_hostile_text_from_a_phone_system_is_cleaned(desk):
    desk.phone.event(ev("ring", number="+1 404 555 0134\x1b[31m", name="[b]Boss[/b]\x1b]8;;http://x\x07\x00 =cmd|",
                        line="q\r\n\tueue"))
    [ringing] = desk.phone.ringing()
    record = desk.store.phone.by_ext("cti", "c1")
    assert "\x1b" not in record.name and "\x00" not in record.name and record.name.startswith("[b]Boss[/b]")
    assert record.line == "q ueue" and record.e164 == "+14045550134"
    assert ringing.caller_name == record.name  # kept as text: the screen shows it escaped


# -- missed calls become promises -----------------------------------------------------------

def miss(desk, clock, call_id, number="+1 404 555 0134", cause="cancel", **kw):
    desk.phone.event(ev("ring", call_id, number=number, **kw))
    clock.advance(seconds=25)
    result = desk.phone.event(ev("hangup", call_id, cause=cause))
    clock.advance(minutes=1)
    return result


@pytest.mark.parametrize("cause", ["cancel", "noAnswer", "busy"])
def test_a_missed_call_opens_one_promise_due_by_the_default_promise(desk, clock, cause):
    result = miss(desk, clock, "m1", cause=cause)
    assert result.effect == "missed" and result.record.missed
    promise = result.callback
    assert promise is not None and promise.state == "open"
    assert promise.due_at == desk.promise_due(desk.settings.default_promise, result.record.ended_at)
    assert promise.assignee == desk.settings.desk_name and promise.topic == "missed call"
    assert promise.e164 == "+14045550134"
    call = desk.store.get_call(promise.call_id)
    assert (call.direction, call.outcome, call.at) == ("in", "no_answer", result.record.rang_at)
    assert result.record.call_id == call.id and result.record.callback_id == promise.id
    # `frontdesk due` and the queue see it like any promise.
    clock.advance(hours=2)
    assert [cb.id for cb in desk.callbacks.due()] == [promise.id]


@pytest.mark.parametrize("cause", ["forwarded", "answeredElsewhere", "congestion", "notFound"])
def test_causes_that_are_not_the_desks_to_return(desk, clock, cause):
    result = miss(desk, clock, "m1", cause=cause)
    assert result.effect == "ended" and not result.record.missed and count(desk, "callbacks") == 0


def test_a_desk_phone_misses_only_when_it_says_so(desk, clock):
    desk.phone.event(ev("ring", "p1", number="+1 404 555 0134", source="phone"))
    ended = desk.phone.event(ev("hangup", "p1", source="phone"))
    assert ended.effect == "ended" and not ended.record.missed  # maybe taken on another phone
    desk.phone.event(ev("ring", "p2", number="+1 404 555 0134", source="phone"))
    missed = desk.phone.event(ev("missed", "p2", source="phone"))
    assert missed.effect == "missed" and missed.callback is not None


def test_a_call_answered_on_another_phone_is_not_missed(desk, clock):
    desk.phone.event(ev("ring", "yealink-1", number="+1 404 555 0134", source="phone"))
    desk.phone.event(ev("ring", "snom-7", number="+1 404 555 0134", source="phone"))
    clock.advance(seconds=6)
    assert len(desk.phone.ringing()) == 1  # two phones ring for one caller: one strip
    desk.phone.event(ev("answer", "snom-7", source="phone"))
    assert desk.phone.ringing() == []  # the other phone's ring ends with the answer
    result = desk.phone.event(ev("missed", "yealink-1", source="phone"))
    assert not result.record.missed and result.record.state == "ended"
    assert result.record.cause == "answeredElsewhere" and count(desk, "callbacks") == 0


def test_a_lost_ring_of_a_caller_answered_meanwhile_is_not_missed(desk, clock):
    desk.phone.event(ev("answer", "b", number="+1 404 555 0134"))  # its ring was not heard
    clock.advance(seconds=3)
    desk.phone.event(ev("ring", "a", number="+1 404 555 0134"))  # another phone's ring, late
    clock.advance(minutes=11)
    [swept] = desk.phone.sweep()
    assert not swept.record.missed and swept.record.cause == "lost" and count(desk, "callbacks") == 0


def test_one_promise_per_caller_counting_their_tries(desk, clock):
    first = miss(desk, clock, "m1")
    second = miss(desk, clock, "m2", number="(404) 555-0134")
    third = miss(desk, clock, "m3", number="sip:4045550134@pbx")
    other = miss(desk, clock, "m4", number="+1 404 555 0199")
    assert first.callback.id == second.callback.id == third.callback.id != other.callback.id
    assert count(desk, "callbacks") == 2
    assert [third.record.attempt, second.record.attempt, first.record.attempt] == [3, 2, 1]
    kinds = [e.kind for e in desk.callbacks.callback_history(first.callback.id)]
    assert kinds == ["promised", "rang again", "rang again"]
    assert desk.callbacks.callback_history(first.callback.id)[-1].reason == "called 3 times"
    rows = desk.phone.missed()
    assert [(r.e164, r.attempts) for r in rows] == [("+14045550199", 1), ("+14045550134", 3)]
    assert rows[1].callback.id == first.callback.id and rows[1].first_at == first.record.rang_at
    assert rows[1].last_at == third.record.rang_at and rows[1].phone_call_id == third.record.id
    # Every missed call from a real number is in the call log, on one customer.
    assert count(desk, "calls", "outcome = 'no_answer'") == 4
    assert count(desk, "calls", f"customer_id = {first.callback.customer_id}") == 3


def test_a_known_callers_missed_call_goes_to_them(desk, clock):
    maria = desk.customers.create_customer("Maria Lopez", numbers=("404 555 0134",))
    result = miss(desk, clock, "m1", name="Somebody Else")
    assert result.callback.customer_id == maria.id
    assert count(desk, "customers") == 1
    [row] = desk.phone.missed()
    assert row.caller == "Maria Lopez"


def test_an_unknown_callers_missed_call_makes_a_customer_with_the_name_sent(desk, clock):
    result = miss(desk, clock, "m1", name="Lopez, Maria")
    assert desk.customers.customer(result.callback.customer_id).name == "Lopez, Maria"


def test_a_later_answered_inbound_call_keeps_the_promise_on_time(desk, clock):
    promise = miss(desk, clock, "m1").callback
    clock.advance(minutes=10)
    desk.phone.event(ev("ring", "m2", number="+14045550134"))
    answered = desk.phone.event(ev("answer", "m2", by="Raj"))
    [closed] = answered.closed
    assert (closed.id, closed.state, closed.kept_on_time) == (promise.id, "done", True)
    assert "Raj answered" in desk.callbacks.callback_history(promise.id)[-1].reason
    assert desk.callbacks.due(timedelta(days=1)) == []


def test_a_later_answered_call_after_the_due_time_closes_it_late(desk, clock):
    promise = miss(desk, clock, "m1").callback
    clock.set(promise.due_at + timedelta(minutes=30))
    desk.phone.event(ev("ring", "m2", number="+14045550134"))
    [closed] = desk.phone.event(ev("answer", "m2")).closed
    assert (closed.state, closed.kept_on_time) == ("done", False)


def test_an_outbound_call_reported_answered_keeps_the_promise(desk, clock):
    promise = miss(desk, clock, "m1").callback
    desk.phone.event(ev("ring", "o1", number="4045550134", direction="out"))
    answered = desk.phone.event(ev("answer", "o1", direction="out"))
    assert [c.id for c in answered.closed] == [promise.id]


def test_an_outbound_call_logged_that_reached_them_keeps_the_promise(desk, clock):
    promise = miss(desk, clock, "m1").callback
    clock.advance(minutes=5)
    unreached = desk.log_call(NewCall(phone="404 555 0134", direction="out", outcome="voicemail"))
    assert unreached.missed_closed == () and desk.callbacks.callback(promise.id).state == "open"
    logged = desk.log_call(NewCall(phone="+1 404 555 0134", direction="out", outcome="resolved"))
    [closed] = logged.missed_closed
    assert (closed.id, closed.state, closed.kept_on_time, closed.done_call_id) == (
        promise.id, "done", True, logged.call.id)


def test_an_answered_call_does_not_close_a_promise_made_after_it_rang(desk, clock):
    desk.phone.event(ev("ring", "long", number="+14045550134"))  # rings; meanwhile...
    clock.advance(seconds=5)
    promise = miss(desk, clock, "m1").callback  # ...the same caller's other line is missed
    desk.phone.event(ev("answer", "long"))
    assert desk.callbacks.callback(promise.id).state == "open"


def test_the_setting_turns_missed_call_promises_off(desk, clock):
    desk.save_settings(replace(desk.settings, missed_call_promises=False))
    result = miss(desk, clock, "m1")
    assert result.effect == "missed" and result.callback is None
    assert count(desk, "callbacks") == 0 and count(desk, "calls") == 0
    [row] = desk.phone.missed()
    assert (row.caller, row.callback) == ("(404) 555-0134", None)
    desk.save_settings(replace(desk.settings, missed_call_promises=True))
    assert desk.reload_settings().missed_call_promises is True
    assert miss(desk, clock, "m2").callback is not None


def test_the_setting_reaches_a_listener_that_runs_all_day(desk, db_path, clock):
    # `frontdesk listen` holds its desk for days: a switch turned off elsewhere (the app's
    # settings, another desk on the file) counts from its next missed call, not its next restart.
    from frontdesk.db import open_database
    from frontdesk.services import Desk
    from frontdesk.store import Store

    listener = Desk(Store(open_database(db_path)), clock, "phone", env={"TZ": "America/New_York",
                                                                        "FRONTDESK_REGION": "US"})
    try:
        assert listener.settings.missed_call_promises is True
        desk.save_settings(replace(desk.settings, missed_call_promises=False))
        assert miss(listener, clock, "m1").callback is None and count(desk, "callbacks") == 0
        desk.save_settings(replace(desk.settings, missed_call_promises=True, default_promise="15m"))
        promise = miss(listener, clock, "m2").callback
        assert promise is not None and promise.due_at == promise.promised_at + timedelta(minutes=15)
    finally:
        listener.store.close()


def test_missed_calls_are_unseen_until_marked(desk, clock):
    miss(desk, clock, "m1")
    miss(desk, clock, "m2", number="anonymous")
    desk.phone.event(ev("ring", "r", number="+1 404 555 0199"))
    assert desk.phone.unseen_missed_count() == 2
    assert [r.seen for r in desk.phone.missed()] == [False, False]
    assert desk.phone.mark_all_seen() == 2
    assert desk.phone.unseen_missed_count() == 0 and desk.phone.mark_all_seen() == 0
    assert all(r.seen for r in desk.phone.missed())


# -- logging the call from the phone call ---------------------------------------------------

def test_a_call_logged_from_a_phone_call_carries_its_times_into_the_export(desk, clock, tmp_path):
    import json

    from frontdesk.export import export_calls

    rang = desk.phone.event(ev("ring", number="+1 404 555 0134")).record
    clock.advance(seconds=12)
    desk.phone.event(ev("answer", by="ann"))
    logged = desk.log_call(NewCall(phone="404 555 0134", name="Maria", topic="order", phone_call_id=rang.id))
    clock.advance(seconds=200)
    desk.phone.event(ev("hangup", cause="normalClearing"))
    assert desk.phone.phone_call(rang.id).call_id == logged.call.id
    with pytest.raises(DeskError, match="already logged"):
        desk.log_call(NewCall(phone="404 555 0134", phone_call_id=rang.id))
    with pytest.raises(DeskError, match="no phone call"):
        desk.log_call(NewCall(phone="404 555 0134", phone_call_id=999))
    assert count(desk, "calls") == 1
    other = desk.log_call(NewCall(phone="404 555 0199", name="Other"))
    out = tmp_path / "day.json"
    export_calls(desk, desk.today(), desk.today(), "json", out)
    rows = {r["id"]: r for r in json.loads(out.read_text())["calls"]}
    linked = rows[logged.call.id]
    assert list(linked)[17:21] == ["rang_at", "answered_at", "ended_at", "talk_seconds"]  # after the first 17
    assert linked["rang_at"] == "2026-11-23T10:00:00-05:00"
    assert linked["answered_at"] == "2026-11-23T10:00:12-05:00"
    assert linked["ended_at"] == "2026-11-23T10:03:32-05:00"
    assert linked["talk_seconds"] == 200
    assert [rows[other.call.id][k] for k in ("rang_at", "answered_at", "ended_at", "talk_seconds")] == [None] * 4


def test_the_export_lists_missed_calls_with_their_ring_times(desk, clock, tmp_path):
    from frontdesk.export import HEADERS, export_calls

    result = miss(desk, clock, "m1")
    out = tmp_path / "day.csv"
    export_calls(desk, desk.today(), desk.today(), "csv", out)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(",")[17:21] == ["Rang at", "Answered at", "Ended at", "Talk seconds"]
    assert HEADERS[:17] == tuple(lines[0].split(",")[:17])
    cells = lines[1].split(",")
    assert cells[10] == "no_answer" and cells[17:21] == [
        "2026-11-23T10:00:00-05:00", "", "2026-11-23T10:00:25-05:00", ""]
    assert result.record.ended_at is not None


def test_merging_customers_moves_their_phone_calls(desk, clock):
    result = miss(desk, clock, "m1")
    keep = desk.customers.create_customer("Maria Lopez")
    desk.customers.merge_customers(keep.id, result.callback.customer_id)
    assert desk.phone.phone_call(result.record.id).customer_id == keep.id


def test_an_older_database_upgrades_in_place_and_hears_the_phone(db_path, clock):
    from sqlite_utils import Database

    from frontdesk import migrations
    from frontdesk.db import applied_steps, open_database
    from frontdesk.services import Desk
    from frontdesk.store import Store

    old = Database(db_path)
    migrations.migrations.apply(old, stop_before=["m006_phone_events"])
    assert "phone_calls" not in old.table_names()
    old.close()
    ann = Desk(Store(open_database(db_path)), clock, "ann", env={"TZ": "America/New_York", "FRONTDESK_REGION": "US"})
    maria = ann.customers.create_customer("Maria", numbers=("404 555 0134",))
    assert "m006_phone_events" in applied_steps(ann.store.db)
    ann.phone.event(ev("ring", number="+14045550134"))
    assert [r.customer_id for r in ann.phone.ringing()] == [maria.id]
    ann.store.close()


def test_the_listeners_batch_keeps_each_event_apart(desk):
    """The listener writes a burst of events in one transaction, each in a savepoint: a
    refused one is refused alone, the others are stored."""
    from frontdesk.phone.server import _apply_all

    outcomes = _apply_all(desk, [ev("ring", "a", number="+14045550134"), ev("ringing", "b"),
                                 ev("ring", "c", number="+14045550199")])
    assert [type(o).__name__ for o in outcomes] == ["EventResult", "DeskError", "EventResult"]
    assert [r[0] for r in desk.store.db.execute("SELECT ext_id FROM phone_calls ORDER BY id")] == ["a", "c"]


# -- indexes ----------------------------------------------------------------------------------

def test_phone_reads_and_events_use_their_indexes(desk, clock):
    """A busy desk's lifetime holds a million phone calls: no event, strip, list or export
    reads the whole table (EXPLAIN QUERY PLAN of every SELECT they send)."""
    import re

    for i in range(3):
        miss(desk, clock, f"m{i}", number=f"+1 404 555 01{i}0")
    desk.phone.event(ev("ring", "r1", number="+1 404 555 0199"))
    conn = desk.store.db.conn
    statements: list[str] = []
    desk.store.trace(statements.append)
    try:
        desk.phone.event(ev("answer", "r1"))
        desk.phone.event(ev("ring", "r2", number="+1 404 555 0100"))
        desk.phone.event(ev("answer", "r2"))
        desk.phone.ringing()
        desk.phone.missed()
        desk.phone.recent(20)
        desk.phone.unseen_missed_count()
        desk.phone.sweep()
        desk.store.phone.for_calls([1, 2, 3])
    finally:
        desk.store.trace(None)
    selects = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(selects) > 10
    # 'SCAN t USING INDEX i' walks an index in order (with a LIMIT: a page); 'SCAN t' alone reads it all.
    full_scan = re.compile(r"^SCAN (phone_calls|calls|customers|phones|callbacks)$")
    for sql in selects:
        with desk.store.lock:
            lines = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        assert not [line for line in lines if full_scan.match(line)], f"full scan in:\n{sql}\nplan: {lines}"


def test_the_missed_list_groups_tries_across_pages(desk, clock):
    """250 missed calls from 5 callers (more than one page of the list's reads): 5 rows, 50
    tries each, newest first."""
    for i in range(250):
        miss(desk, clock, f"m{i}", number=f"+1 404 555 01{i % 5}0")
    rows = desk.phone.missed(limit=10)
    assert [r.attempts for r in rows] == [50] * 5
    assert [r.e164 for r in rows] == [f"+140455501{i}0" for i in (4, 3, 2, 1, 0)]
    assert len({r.callback.id for r in rows}) == 5
    assert desk.phone.missed(limit=2)[1].e164 == "+14045550130"
