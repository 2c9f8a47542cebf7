"""Messages taken for someone ("While You Were Out"): boxes, the promise a 'please call back'
makes, reading for everyone, and the nagging of urgent unread ones, on real temporary files."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from frontdesk.clock import FixedClock
from frontdesk.db import open_database
from frontdesk.errors import DeskError
from frontdesk.reminders import MessageTracker
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store

ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}


@pytest.fixture
def owner_desk(desk):
    """The desk with 'Owner' in the settings' list of people who never sit at the desk, and Raj
    known (he took a call)."""
    desk.save_settings(replace(desk.settings, recipients=("Owner",)))
    desk.log_call(NewCall(phone="4045550100", name="Somebody", topic="first"))
    desk.operator = "Raj"
    desk.log_call(NewCall(phone="4045550101", name="Someone else"))
    desk.operator = "ann"
    return desk


def message(desk, for_name="Owner", boxes=(), note="Ring back about the quote", phone="4045550134", **kw):
    return desk.log_call(NewCall(phone=phone, name="Maria Lopez", note=note, outcome="message",
                                 message_for=for_name, boxes=tuple(boxes), **kw))


def test_a_message_is_for_one_person_with_the_boxes_ticked_and_the_note_as_text(owner_desk, clock):
    logged = message(owner_desk, "owner", ["will_call", "wants-to-see"])
    taken = logged.message
    assert taken is not None
    assert (taken.for_name, taken.boxes, taken.text, taken.taken_by) == (
        "Owner", ("will_call", "wants_to_see"), "Ring back about the quote", "ann")
    assert taken.caller == "Maria Lopez" and taken.unread and taken.taken_at == clock.now()
    assert logged.call.outcome == "message" and logged.callback is None
    assert taken.boxes_words == "will call again, wants to see you"
    assert "message for Owner" in logged.words(clock.now(), owner_desk.zone)


def test_an_unknown_box_or_person_is_refused_and_nothing_is_written(owner_desk):
    calls = len(owner_desk.todays_calls())
    with pytest.raises(DeskError, match="unknown box 'tea'") as box:
        message(owner_desk, boxes=["tea"])
    assert box.value.field == "boxes"
    with pytest.raises(DeskError, match="Ownr is not one of the desk's people .*Owner") as person:
        message(owner_desk, "Ownr")
    assert person.value.field == "message_for"
    with pytest.raises(DeskError, match="whom is the message for"):
        message(owner_desk, " ")
    with pytest.raises(DeskError, match="outcome 'message taken'"):
        owner_desk.log_call(NewCall(phone="4045550134", message_for="Owner"))
    assert len(owner_desk.todays_calls()) == calls
    assert owner_desk.messages.for_person() == []
    # Someone new, once confirmed, is recorded as one of the desk's people.
    assert message(owner_desk, "Lena Book", new_recipient=True).message.for_name == "Lena Book"
    assert owner_desk.messages.known("lena  book") == "Lena Book"


def test_please_call_back_makes_a_promise_for_that_person_due_by_the_default_promise(owner_desk, clock):
    logged = message(owner_desk, "raj", ["please_call"])
    promise = logged.callback
    assert promise is not None
    assert promise.assignee == "Raj"
    assert promise.due_at == owner_desk.promise_due(owner_desk.settings.default_promise, clock.now())
    assert promise.due_at - clock.now() == timedelta(hours=1)  # 10:00 on a Monday: 1 business hour
    assert logged.call.outcome == "message"  # still a message: the promise comes with it
    assert logged.message.callback_id == promise.id
    assert [cb.id for cb in owner_desk.callbacks.open_callbacks()] == [promise.id]


def test_an_urgent_please_call_back_is_promised_in_15_minutes(owner_desk, clock):
    promise = message(owner_desk, "Owner", ["urgent", "please_call"]).callback
    assert promise is not None and promise.assignee == "Owner"
    assert promise.due_at == clock.now() + timedelta(minutes=15)


def test_a_message_cannot_promise_a_callback_otherwise_nor_for_a_withheld_number(owner_desk):
    with pytest.raises(DeskError, match="please call back"):
        message(owner_desk, promise="4bh")
    with pytest.raises(DeskError, match="withheld"):
        owner_desk.log_call(NewCall(phone="anonymous", outcome="message", message_for="Owner",
                                    boxes=("please_call",)))
    # Without the box, a withheld caller's message is taken.
    taken = owner_desk.log_call(NewCall(phone="anonymous", name="Quiet", outcome="message",
                                        message_for="Owner", note="will ring again")).message
    assert taken is not None and taken.caller == "Quiet"


def test_reading_marks_it_read_for_everyone_with_who_and_when(owner_desk, db_path, clock):
    taken = message(owner_desk, "Owner", ["urgent"]).message
    assert owner_desk.messages.unread_count("owner") == 1
    assert owner_desk.messages.unread_count("Raj") == 0
    other = Desk(Store(open_database(db_path)), FixedClock(clock.now() + timedelta(minutes=3)), "OWNER", env=ENV)
    assert other.operator == "Owner"  # the desk's spelling
    assert [m.id for m in other.messages.mine()] == [taken.id]
    read = other.messages.read(taken.id)
    assert (read.read_by, read.read_at) == ("Owner", clock.now() + timedelta(minutes=3))
    # For everyone: this desk sees it read, by whom and when; a second reading changes nothing.
    assert owner_desk.messages.unread_count("Owner") == 0
    assert owner_desk.messages.read(taken.id).read_by == "Owner"
    assert owner_desk.messages.for_person("Owner", unread=True) == []
    assert [m.read_by for m in owner_desk.messages.for_person("Owner")] == ["Owner"]
    other.store.close()


def test_urgent_unread_messages_nag_after_the_lead_time_like_an_overdue_callback(owner_desk, clock):
    lead = timedelta(minutes=owner_desk.settings.lead_minutes)
    urgent = message(owner_desk, "Owner", ["urgent"]).message
    message(owner_desk, "Raj", ["will_call"], phone="4045550177")  # not urgent: never nags
    tracker = MessageTracker(lead=lead, nag=timedelta(minutes=owner_desk.settings.nag_minutes))
    snapshot = owner_desk.messages.snapshot()
    assert tracker.check(snapshot, clock.now()) == []  # fresh: nobody has had the time to read it
    assert owner_desk.messages.nagging() == []
    clock.advance(minutes=lead.total_seconds() // 60, seconds=1)
    assert [m.id for m in owner_desk.messages.nagging()] == [urgent.id]
    first = tracker.check(owner_desk.messages.snapshot(), clock.now())
    assert [(r.message.id, r.kind) for r in first] == [(urgent.id, "unread")]
    assert "Urgent message for Owner from Maria Lopez unread" in first[0].words(clock.now())
    clock.advance(minutes=1)
    assert tracker.check(owner_desk.messages.snapshot(), clock.now()) == []  # not again at once
    clock.advance(minutes=owner_desk.settings.nag_minutes)
    assert [r.kind for r in tracker.check(owner_desk.messages.snapshot(), clock.now())] == ["nag"]
    owner_desk.messages.read(urgent.id)
    clock.advance(minutes=60)
    assert tracker.check(owner_desk.messages.snapshot(), clock.now()) == []
    assert owner_desk.messages.nagging() == []


def test_a_message_arriving_for_the_operator_is_announced_once(owner_desk, db_path, clock):
    tracker = MessageTracker(lead=timedelta(minutes=10), nag=timedelta(minutes=5))
    raj = Desk(owner_desk.store, clock, "raj", env=ENV)
    assert tracker.check(raj.messages.snapshot(), clock.now()) == []  # what was there at start: counted, not rung
    taken = message(owner_desk, "RAJ", ["returned"]).message
    message(owner_desk, "Owner", ["returned"], phone="4045550177")  # someone else's
    arrived = tracker.check(raj.messages.snapshot(), clock.now())
    assert [(r.message.id, r.kind) for r in arrived] == [(taken.id, "arrived")]
    assert arrived[0].words(clock.now()) == "Message from Maria Lopez (returned your call): Ring back about the quote"
    assert tracker.check(raj.messages.snapshot(), clock.now()) == []


def test_messages_show_on_the_call_lists(owner_desk):
    logged = message(owner_desk, "Owner", ["please_call"])
    page = owner_desk.todays_page()
    shown = next(c for c in page.items if c.id == logged.call.id)
    assert shown.message is not None and shown.message.for_name == "Owner"
    assert shown.outcome_text == "message for Owner (please call back; unread)"
    history = owner_desk.history_page(logged.customer.id)
    assert history.items[0].message.id == logged.message.id


def test_the_recipients_are_the_desks_people_and_the_settings_list(owner_desk):
    names = owner_desk.messages.recipients()
    assert set(names) >= {"ann", "Raj", "Owner"}
    assert names[-1] == "Owner"
    assert owner_desk.reload_settings().recipients == ("Owner",)


def test_a_message_is_taken_when_the_call_happened(owner_desk, clock):
    earlier = clock.now() - timedelta(hours=1)
    taken = message(owner_desk, "Owner", ["urgent"], at=earlier).message
    assert taken.taken_at == earlier
    assert [m.id for m in owner_desk.messages.nagging()] == [taken.id]  # an hour unread already
    later = message(owner_desk, "Owner", phone="4045550177").message
    assert [m.id for m in owner_desk.messages.for_person("Owner")] == [later.id, taken.id]


def test_the_core_api_can_still_log_the_outcome_alone(owner_desk):
    """A caller of the core API that names nobody logs the outcome label as before messages
    existed (the form and the command line always name someone: '' is refused)."""
    logged = owner_desk.log_call(NewCall(phone="4045550134", outcome="message", assignee="ann"))
    assert logged.call.outcome == "message" and logged.message is None
    assert owner_desk.messages.for_person() == []
    with pytest.raises(DeskError, match="whom is the message for"):
        owner_desk.log_call(NewCall(phone="4045550134", outcome="message", message_for=""))
    with pytest.raises(DeskError, match="whom is the message for"):
        owner_desk.log_call(NewCall(phone="4045550134", outcome="message", boxes=("urgent",)))
