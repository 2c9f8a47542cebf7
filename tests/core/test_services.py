"""The service API shared by the app and the command line, on real temporary database files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from frontdesk.clock import to_iso
from frontdesk.errors import DeskError
from frontdesk.services import ConflictError, NewCall

NOON = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # Monday 12:00 in New York


def count(desk, table: str) -> int:
    return desk.store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def call(desk, phone="404 555 0134", **kw):
    return desk.log_call(NewCall(phone=phone, **kw))


# -- customers ------------------------------------------------------------------------------


def test_create_and_edit_a_customer(desk, clock):
    maria = desk.customers.create_customer("Maria", "Acme", "likes mornings", numbers=("404 555 0134",))
    assert (maria.name, maria.company, maria.notes, maria.version) == ("Maria", "Acme", "likes mornings", 1)
    assert [p.e164 for p in maria.phones] == ["+14045550134"]
    clock.advance(minutes=5)
    edited = desk.customers.update_customer(maria.id, maria.version, name="Maria Lopez", notes="call after 10")
    assert (edited.name, edited.company, edited.notes, edited.version) == (
        "Maria Lopez", "Acme", "call after 10", 2)
    assert edited.updated_at == clock.now()
    # Saving what is already there changes nothing.
    assert desk.customers.update_customer(maria.id, edited.version, name="Maria Lopez").version == 2


def test_a_customer_needs_a_name_or_company(desk):
    with pytest.raises(DeskError) as err:
        desk.customers.create_customer("  ", "")
    assert err.value.field == "name"
    acme = desk.customers.create_customer("", "Acme")
    with pytest.raises(DeskError):
        desk.customers.update_customer(acme.id, acme.version, company="")
    assert count(desk, "customers") == 1


def test_edit_conflict_raises_with_the_current_record(desk):
    maria = desk.customers.create_customer("Maria")
    desk.customers.update_customer(maria.id, maria.version, name="Maria Lopez")  # someone else saves first
    with pytest.raises(ConflictError) as err:
        desk.customers.update_customer(maria.id, maria.version, name="Maria L.")
    assert err.value.current.name == "Maria Lopez"
    assert err.value.current.version == 2
    assert desk.customers.customer(maria.id).name == "Maria Lopez"


def test_numbers_added_edited_removed_are_audited(desk, clock):
    maria = desk.customers.create_customer("Maria", numbers=("404 555 0134",))
    clock.advance(minutes=1)
    mobile = desk.customers.add_phone(maria.id, "(404) 555-0199 ext 5", "mobile")
    assert (mobile.e164, mobile.ext, mobile.label) == ("+14045550199", "5", "mobile")
    assert desk.customers.add_phone(maria.id, "404.555.0199 x5").id == mobile.id  # the same number again
    clock.advance(minutes=1)
    edited = desk.customers.edit_phone(mobile.id, "404-555-0198", "cell")
    assert (edited.e164, edited.ext, edited.label) == ("+14045550198", "", "cell")
    clock.advance(minutes=1)
    desk.customers.remove_phone(mobile.id)
    desk.customers.remove_phone(mobile.id)  # already gone: nothing happens
    assert [p.e164 for p in desk.customers.customer(maria.id).phones] == ["+14045550134"]
    assert desk.find_callers("0198") == []

    trail = [(a.entity, a.action, a.field, a.old, a.new, a.operator) for a in desk.audit(maria.id)]
    assert trail == [
        ("phone", "removed", "number", "+14045550198", None, "ann"),
        ("phone", "edited", "label", "mobile", "cell", "ann"),
        ("phone", "edited", "number", "+14045550199", "+14045550198", "ann"),
        ("phone", "added", "number", None, "+14045550199", "ann"),
        ("phone", "added", "number", None, "+14045550134", "ann"),
        ("customer", "created", "name", None, "Maria", "ann"),
    ]
    times = [a.at for a in desk.audit(maria.id)]
    assert times[0] == clock.now() and times[-1] == clock.now() - timedelta(minutes=3)


def test_customer_edits_are_audited(desk):
    maria = desk.customers.create_customer("Maria", "Acme")
    desk.customers.update_customer(maria.id, 1, name="Maria Lopez", company="Acme Ltd")
    edits = {(a.field, a.old, a.new) for a in desk.audit(maria.id) if a.action == "edited"}
    assert edits == {("name", "Maria", "Maria Lopez"), ("company", "Acme", "Acme Ltd")}


def test_merge_moves_calls_callbacks_and_numbers(desk, clock):
    first = call(desk, name="Maria Lopez", note="boiler").customer
    clock.advance(minutes=10)
    second = call(desk, "404 555 0199", name="M. Lopez", company="Lopez Ltd", note="quote",
                  outcome="callback")
    dropped = second.customer
    assert dropped.id != first.id
    desk.customers.update_customer(dropped.id, dropped.version, notes="gate code 1234")

    kept = desk.customers.merge_customers(first.id, dropped.id)
    assert kept.id == first.id
    assert sorted(p.e164 for p in kept.phones) == ["+14045550134", "+14045550199"]
    assert kept.company == "Lopez Ltd"  # filled from the dropped record
    assert "gate code 1234" in kept.notes
    assert [c.note for c in desk.history(first.id)] == ["quote", "boiler"]
    assert [cb.customer_id for cb in desk.promises(first.id)] == [first.id]
    assert desk.callbacks.open_callbacks()[0].customer_id == first.id
    # The dropped record is a pointer now: searches offer only the kept one.
    assert desk.customers.customer(dropped.id).id == first.id
    for text in ("Lopez", "404 555 0199", "0199", "Lopez Ltd"):
        assert [m.customer.id for m in desk.find_callers(text)] == [first.id], text
    assert [c.id for c in desk.search("Lopez").customers] == [first.id]
    # A later call on the dropped record's number lands on the kept one.
    assert call(desk, "404.555.0199").customer.id == first.id
    assert any(a.action == "merged" for a in desk.audit(first.id))


def test_merge_refuses_the_same_customer(desk):
    maria = desk.customers.create_customer("Maria")
    with pytest.raises(DeskError):
        desk.customers.merge_customers(maria.id, maria.id)


def test_merge_with_a_shared_number(desk):
    a = desk.customers.create_customer("Maria", numbers=("404 555 0134",))
    b = desk.customers.create_customer("Maria L", numbers=("404 555 0134", "404 555 0199"), shared=True)
    kept = desk.customers.merge_customers(a.id, b.id)
    assert sorted(p.e164 for p in kept.phones) == ["+14045550134", "+14045550199"]
    assert [m.customer.id for m in desk.find_callers("4045550134")] == [a.id]


def test_unknown_customer(desk):
    with pytest.raises(DeskError, match="no customer"):
        desk.customers.customer(4242)


# -- logging calls --------------------------------------------------------------------------


def test_a_call_from_an_unknown_number_creates_the_customer(desk, clock):
    logged = call(desk, name="Maria", topic="quote", note="wants a quote")
    assert logged.new_customer
    assert logged.customer.name == "Maria"
    assert [p.e164 for p in logged.customer.phones] == ["+14045550134"]
    stored = logged.call
    assert (stored.e164, stored.direction, stored.at, stored.operator, stored.topic, stored.note,
            stored.outcome) == ("+14045550134", "in", clock.now(), "ann", "quote", "wants a quote",
                                "resolved")
    assert stored.customer_name == "Maria"
    assert desk.customers.customer(logged.customer.id).last_call_at == clock.now()


def test_a_known_number_reuses_the_customer(desk):
    first = call(desk, name="Maria")
    again = call(desk, "(404) 555-0134")
    assert again.customer.id == first.customer.id and not again.new_customer
    assert count(desk, "customers") == 1


def test_a_nameless_customer_gets_the_name_given_later(desk):
    first = call(desk)
    assert first.customer.display_name == "Unknown caller"
    named = call(desk, name="Maria")
    assert named.customer.id == first.customer.id
    assert desk.customers.customer(first.customer.id).name == "Maria"


def test_customer_id_attaches_a_new_number(desk):
    maria = desk.customers.create_customer("Maria", numbers=("404 555 0134",))
    logged = call(desk, "646 555 0111", customer_id=maria.id)
    assert logged.customer.id == maria.id and not logged.new_customer
    assert [p.e164 for p in desk.customers.customer(maria.id).phones] == ["+14045550134", "+16465550111"]
    assert [m.customer.id for m in desk.find_callers("646-555-0111")] == [maria.id]
    # Without a number, the customer's id alone is enough.
    assert desk.log_call(NewCall(customer_id=maria.id, note="walk-in")).call.e164 == ""


def test_a_call_needs_a_number_or_a_customer(desk):
    with pytest.raises(DeskError) as err:
        desk.log_call(NewCall(name="Maria"))
    assert err.value.field == "phone"
    assert count(desk, "customers") == 0


@pytest.mark.parametrize("bad", [{"outcome": "lost"}, {"direction": "sideways"}])
def test_unknown_outcome_or_direction_is_refused(desk, bad):
    with pytest.raises(DeskError) as err:
        call(desk, **bad)
    assert err.value.field in ("outcome", "direction")
    assert count(desk, "calls") == 0 and count(desk, "customers") == 0


def test_history_is_newest_first_with_keyset_pages(desk, clock):
    maria = desk.customers.create_customer("Maria", numbers=("404 555 0134",))
    same_time = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    ids = [call(desk, at=same_time, note=f"same {i}").call.id for i in range(5)]
    ids += [call(desk, at=same_time + timedelta(hours=i + 1), note=f"later {i}").call.id
            for i in range(4)]
    other = call(desk, "212 555 0100", name="Bob")  # not Maria's
    expected = [c.id for c in sorted(
        (desk.store.get_call(i) for i in ids), key=lambda c: (c.at, c.id), reverse=True)]

    pages, before = [], None
    while True:
        page = desk.history(maria.id, limit=4, before=before)
        if not page:
            break
        pages.append([c.id for c in page])
        before = (to_iso(page[-1].at), page[-1].id)
    assert [len(p) for p in pages] == [4, 4, 1]
    assert sum(pages, []) == expected
    assert other.call.id not in sum(pages, [])
    assert desk.caller_card(maria.id, recent=3).recent_calls == tuple(desk.history(maria.id, limit=3))
    assert desk.caller_card(maria.id).call_count == 9


def test_todays_calls_are_the_local_day(desk, clock):
    # Monday 23 Nov in New York runs from 05:00 UTC on the 23rd to 05:00 UTC on the 24th.
    times = {
        "sunday night": datetime(2026, 11, 23, 4, 59, tzinfo=UTC),
        "monday start": datetime(2026, 11, 23, 5, 0, tzinfo=UTC),
        "monday noon": NOON,
        "monday late": datetime(2026, 11, 24, 4, 59, tzinfo=UTC),
        "tuesday": datetime(2026, 11, 24, 5, 0, tzinfo=UTC),
    }
    clock.set(datetime(2026, 11, 24, 5, 0, tzinfo=UTC))  # every one of them has happened
    for note, at in times.items():
        call(desk, at=at, note=note)
    clock.set(NOON)
    assert [c.note for c in desk.todays_calls()] == ["monday late", "monday noon", "monday start"]
    page = desk.todays_calls(limit=2)
    rest = desk.todays_calls(before=(to_iso(page[-1].at), page[-1].id))
    assert [c.note for c in page + rest] == ["monday late", "monday noon", "monday start"]
    clock.set(datetime(2026, 11, 24, 5, 0, tzinfo=UTC))  # midnight: a new day
    assert [c.note for c in desk.todays_calls()] == ["tuesday"]


def test_search_call_notes_by_words_and_prefixes(desk):
    boiler = call(desk, note="Boiler pressure drops overnight", topic="heating").call
    call(desk, "212 555 0100", name="Bob", note="invoice copy please")
    assert [c.id for c in desk.search("boiler").calls] == [boiler.id]
    assert [c.id for c in desk.search("press over").calls] == [boiler.id]
    assert [c.id for c in desk.search("heat").calls] == [boiler.id]
    assert desk.search("boiler invoice").calls == ()
    assert desk.search("").calls == ()


@pytest.mark.parametrize(
    "text", ['"', '""', 'a"b', "NEAR(", "NEAR(a b)", "*", "bo*", "-", "-boiler", "boiler -x",
             "AND", "OR NOT", "^", ":", "note:boiler", "{note}: x", "(", ")", "'", "\\", "%", "_"],
)
def test_search_with_fts_syntax_does_not_crash(desk, text):
    call(desk, name="Maria", note='boiler "quoted" NEAR(x) a*b -minus')
    results = desk.search(text)
    assert isinstance(results.calls, tuple) and isinstance(results.customers, tuple)
    desk.find_callers(text)


def test_same_uid_logs_once(desk):
    first = call(desk, name="Maria", uid="pbx-1234")
    again = call(desk, name="Maria", note="retry", uid="pbx-1234")
    assert not first.duplicate and again.duplicate
    assert again.call.id == first.call.id and again.call.note == ""
    assert count(desk, "calls") == 1


@pytest.mark.parametrize("at, reason", [
    (datetime(1, 1, 1, 10, tzinfo=UTC), "not a plausible time"),
    (datetime(1960, 5, 5, tzinfo=UTC), "not a plausible time"),
    (datetime(9999, 12, 31, tzinfo=UTC), "cannot be logged in the future"),
])
def test_an_implausible_call_time_is_refused(desk, at, reason):
    with pytest.raises(DeskError, match=reason) as err:
        call(desk, name="Maria", at=at)
    assert err.value.field == "at"
    assert count(desk, "calls") == 0 and count(desk, "customers") == 0
    assert call(desk, name="Maria").call.at == desk.clock.now()  # and nothing was poisoned


def test_a_call_in_the_future_is_refused_beyond_a_minute_of_clock_skew(desk, clock):
    with pytest.raises(DeskError, match="cannot be logged in the future") as err:
        call(desk, name="Maria", at=clock.now() + timedelta(seconds=61))
    assert err.value.field == "at"
    assert str(err.value) == ("a call cannot be logged in the future "
                              "(2026-11-23 10:01 EST has not come yet)")
    with pytest.raises(DeskError, match="in the future"):
        call(desk, name="Maria", at=clock.now() + timedelta(days=30))
    assert count(desk, "calls") == 0 and count(desk, "customers") == 0
    # Another machine's clock a few seconds ahead is not a future call.
    assert call(desk, at=clock.now() + timedelta(seconds=60)).call.at == clock.now() + timedelta(seconds=60)


@pytest.mark.parametrize("promise", [{"callback_due": timedelta(days=365, seconds=1)}, {"promise": "366d"},
                                     {"promise": "8000bh"}])
def test_a_callback_more_than_a_year_ahead_is_refused(desk, clock, promise):
    request = {k: clock.now() + v if isinstance(v, timedelta) else v for k, v in promise.items()}
    with pytest.raises(DeskError, match="more than a year ahead") as err:
        call(desk, name="Maria", **request)
    assert err.value.field == "promise"
    assert count(desk, "calls") == 0 and count(desk, "callbacks") == 0
    year = call(desk, name="Maria", callback_due=clock.now() + timedelta(days=365)).callback
    assert year.due_at == clock.now() + timedelta(days=365)
    with pytest.raises(DeskError, match="more than a year ahead") as err:
        desk.callbacks.reschedule(year.id, clock.now() + timedelta(days=366), "on holiday")
    assert err.value.field == "due"
    assert desk.callbacks.callback(year.id).due_at == year.due_at


def test_call_time_is_kept_at_the_second(desk):
    at = datetime(2026, 11, 23, 14, 30, 15, 999, tzinfo=UTC)
    assert call(desk, at=at).call.at == at.replace(microsecond=0)


# -- callbacks ------------------------------------------------------------------------------


def test_a_promised_callback_defaults_to_one_business_hour(desk, clock):
    logged = call(desk, name="Maria", topic="quote", outcome="callback")
    cb = logged.callback
    assert logged.call.outcome == "callback"
    assert cb.promised_at == clock.now()
    assert cb.due_at == cb.first_due_at == clock.now() + timedelta(hours=1)
    assert (cb.state, cb.assignee, cb.attempts, cb.topic, cb.created_by) == ("open", "ann", 0, "quote", "ann")
    assert cb.e164 == "+14045550134"
    assert logged.call.outcome == "callback"


def test_one_business_hour_late_on_friday_is_monday_morning(desk, clock):
    friday = datetime(2026, 11, 27, 21, 30, tzinfo=UTC)  # 16:30 in New York
    clock.set(friday)
    cb = call(desk, at=friday, outcome="callback").callback
    assert cb.due_at == datetime(2026, 11, 30, 14, 30, tzinfo=UTC)  # Monday 09:30


def test_explicit_due_time_and_assignee(desk, clock):
    due = clock.now() + timedelta(minutes=30)
    logged = call(desk, callback_due=due, assignee="bob")
    assert logged.call.outcome == "callback"  # a due time makes the call a promise
    assert (logged.callback.due_at, logged.callback.assignee) == (due, "bob")
    assert [cb.id for cb in desk.callbacks.open_callbacks(mine=True)] == []
    assert [cb.id for cb in desk.callbacks.open_callbacks()] == [logged.callback.id]


def test_a_promise_preset(desk, clock):
    logged = call(desk, promise="eod")
    assert logged.callback.due_at == datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # 17:00 local


@pytest.mark.parametrize("minutes", [0, -1, -600])
def test_a_due_time_before_the_call_is_refused(desk, clock, minutes):
    with pytest.raises(DeskError, match="before the call") as err:
        call(desk, name="Maria", callback_due=clock.now() + timedelta(minutes=minutes))
    assert err.value.field == "promise"
    assert count(desk, "calls") == 0 and count(desk, "callbacks") == 0 and count(desk, "customers") == 0


def test_completing_a_callback_on_time(desk, clock):
    promised = call(desk, name="Maria", outcome="callback").callback
    clock.advance(minutes=40)
    back = call(desk, direction="out", outcome="resolved", callback_id=promised.id)
    done = back.completed
    assert (done.state, done.kept_on_time, done.waited_min, done.attempts) == ("done", True, 40, 1)
    assert done.done_call_id == back.call.id and done.done_at == clock.now()
    assert back.call.callback_id == promised.id
    assert desk.callbacks.open_callbacks() == []
    assert [e.kind for e in desk.callbacks.callback_history(promised.id)] == ["promised", "done"]


def test_completing_a_callback_late(desk, clock):
    promised = call(desk, name="Maria", callback_due=clock.now() + timedelta(minutes=15)).callback
    clock.advance(minutes=95)
    done = call(desk, direction="out", outcome="resolved", callback_id=promised.id).completed
    assert (done.state, done.kept_on_time, done.waited_min) == ("done", False, 95)


def test_an_unreached_attempt_keeps_the_callback_open(desk, clock):
    promised = call(desk, name="Maria", outcome="callback").callback
    for outcome in ("no_answer", "busy", "voicemail"):
        clock.advance(minutes=10)
        attempt = call(desk, direction="out", outcome=outcome, callback_id=promised.id).completed
        assert attempt.state == "open"
    assert attempt.attempts == 3
    assert attempt.first_attempt_at == promised.promised_at + timedelta(minutes=10)
    clock.advance(minutes=10)
    done = call(desk, direction="out", outcome="connected", callback_id=promised.id).completed
    assert (done.state, done.attempts, done.kept_on_time) == ("done", 4, True)
    kinds = [e.kind for e in desk.callbacks.callback_history(promised.id)]
    assert kinds == ["promised", "attempt", "attempt", "attempt", "done"]


def test_a_closed_callback_cannot_be_completed_again(desk, clock):
    promised = call(desk, name="Maria", outcome="callback").callback
    call(desk, direction="out", callback_id=promised.id)
    before = count(desk, "calls")
    with pytest.raises(DeskError, match="already done"):
        call(desk, direction="out", callback_id=promised.id)
    with pytest.raises(DeskError, match="no callback"):
        call(desk, direction="out", callback_id=9999)
    assert count(desk, "calls") == before


def test_reschedule_keeps_the_history_with_the_reason(desk, clock):
    cb = call(desk, name="Maria", outcome="callback").callback
    first_due = cb.due_at
    later = first_due + timedelta(hours=2)
    moved = desk.callbacks.reschedule(cb.id, later, "customer in a meeting")
    assert (moved.due_at, moved.first_due_at) == (later, first_due)
    again = desk.callbacks.reschedule(cb.id, later + timedelta(hours=1), "still busy", version=moved.version)
    events = [(e.kind, e.due_before, e.due_after, e.reason) for e in desk.callbacks.callback_history(cb.id)]
    assert events == [
        ("promised", None, first_due, ""),
        ("rescheduled", first_due, later, "customer in a meeting"),
        ("rescheduled", later, later + timedelta(hours=1), "still busy"),
    ]
    with pytest.raises(ConflictError):
        desk.callbacks.reschedule(cb.id, later + timedelta(hours=3), "stale form", version=moved.version)
    with pytest.raises(DeskError, match="why"):
        desk.callbacks.reschedule(cb.id, later, "  ")
    with pytest.raises(DeskError, match="passed"):
        desk.callbacks.reschedule(cb.id, clock.now() - timedelta(minutes=1), "oops")
    assert desk.callbacks.callback(cb.id).due_at == again.due_at


def test_reassign_cancel_and_snooze(desk, clock):
    cb = call(desk, name="Maria", outcome="callback").callback
    assert desk.callbacks.reassign(cb.id, "bob").assignee == "bob"
    with pytest.raises(DeskError):
        desk.callbacks.reassign(cb.id, " ")
    snoozed = desk.callbacks.snooze(cb.id, 15)
    assert snoozed.snoozed_until == clock.now() + timedelta(minutes=15)
    with pytest.raises(DeskError, match="why"):
        desk.callbacks.cancel(cb.id, "")
    cancelled = desk.callbacks.cancel(cb.id, "customer found the answer online")
    assert (cancelled.state, cancelled.cancel_reason) == ("cancelled", "customer found the answer online")
    assert desk.callbacks.open_callbacks() == []
    kinds = [(e.kind, e.reason, e.operator) for e in desk.callbacks.callback_history(cb.id)]
    assert kinds[1:] == [("reassigned", "ann -> bob", "ann"), ("snoozed", "15 min", "ann"),
                         ("cancelled", "customer found the answer online", "ann")]
    with pytest.raises(DeskError, match="already cancelled"):
        desk.callbacks.reschedule(cb.id, clock.now() + timedelta(hours=1), "late")
    with pytest.raises(DeskError, match="already cancelled"):
        call(desk, direction="out", callback_id=cb.id)


def test_due_window_and_counts(desk, clock):
    now = clock.now()
    overdue = call(desk, at=now - timedelta(hours=2), callback_due=now - timedelta(minutes=30)).callback
    soon = call(desk, "212 555 0100", callback_due=now + timedelta(minutes=8)).callback
    edge = call(desk, "212 555 0101", callback_due=now + timedelta(minutes=10)).callback
    later = call(desk, "212 555 0102", callback_due=now + timedelta(minutes=90)).callback
    assert [cb.id for cb in desk.callbacks.due()] == [overdue.id, soon.id, edge.id]  # lead time: 10 min
    assert [cb.id for cb in desk.callbacks.due(timedelta(hours=2))] == [overdue.id, soon.id, edge.id, later.id]
    assert [cb.id for cb in desk.callbacks.due(timedelta(0))] == [overdue.id]
    assert desk.callbacks.counts() == (1, 2)
    assert [cb.id for cb in desk.callbacks.open_callbacks()] == [overdue.id, soon.id, edge.id, later.id]
    clock.advance(minutes=9)
    assert desk.callbacks.counts() == (2, 1)
    call(desk, direction="out", callback_id=overdue.id)
    assert desk.callbacks.counts() == (1, 1)
    assert overdue.id not in [cb.id for cb in desk.callbacks.due()]


def test_caller_card(desk, clock):
    logged = call(desk, name="Maria", outcome="callback")
    card = desk.caller_card(logged.customer.id)
    assert card.customer.name == "Maria"
    assert [c.id for c in card.recent_calls] == [logged.call.id]
    assert [cb.id for cb in card.open_callbacks] == [logged.callback.id]
    assert card.call_count == 1


def test_editing_a_number_into_one_the_customer_has_is_refused(desk):
    maria = desk.customers.create_customer("Maria", numbers=("404 555 0134", "404 555 0199"))
    with pytest.raises(DeskError, match="already one of") as err:
        desk.customers.edit_phone(maria.phones[1].id, "(404) 555-0134")
    assert err.value.field == "phone"
    assert [p.e164 for p in desk.customers.customer(maria.id).phones] == ["+14045550134", "+14045550199"]
    # The same number with another extension is a different line.
    assert desk.customers.edit_phone(maria.phones[1].id, "404 555 0134 ext 9").ext == "9"


def test_unknown_ids_are_refused_clearly(desk):
    maria = desk.customers.create_customer("Maria")
    for action in (
        lambda: desk.customers.add_phone(999, "404 555 0134"),
        lambda: desk.customers.edit_phone(999, "404 555 0134"),
        lambda: desk.customers.update_customer(999, 1, name="x"),
        lambda: desk.customers.merge_customers(maria.id, 999),
        lambda: desk.log_call(NewCall(customer_id=999)),
        lambda: desk.callbacks.snooze(999, 5),
        lambda: desk.callbacks.cancel(999, "gone"),
    ):
        with pytest.raises(DeskError):
            action()


TABLES = ("customers", "phones", "calls", "callbacks", "callback_events", "audit")
LONG = "x" * 501
LONGER = "x" * 10_001
# Every use case that takes text: (what it does, the field it names, the limit).
TOO_LONG = {
    "call name": (lambda d, ids: call(d, phone="212 555 0100", name=LONG), "name", 500),
    "call company": (lambda d, ids: call(d, phone="212 555 0100", company=LONG), "company", 500),
    "call topic": (lambda d, ids: call(d, topic=LONG), "topic", 500),
    "call note": (lambda d, ids: call(d, note=LONGER), "note", 10_000),
    "call assignee": (lambda d, ids: call(d, outcome="callback", assignee=LONG), "assignee", 500),
    "new customer name": (lambda d, ids: d.customers.create_customer(LONG), "name", 500),
    "new customer company": (lambda d, ids: d.customers.create_customer("Bo", LONG), "company", 500),
    "new customer notes": (lambda d, ids: d.customers.create_customer("Bo", notes=LONGER), "notes", 10_000),
    "edit name": (lambda d, ids: d.customers.update_customer(ids["customer"], 1, name=LONG), "name", 500),
    "edit company": (lambda d, ids: d.customers.update_customer(ids["customer"], 1, company=LONG), "company", 500),
    "edit notes": (lambda d, ids: d.customers.update_customer(ids["customer"], 1, notes=LONGER), "notes", 10_000),
    "add number label": (lambda d, ids: d.customers.add_phone(ids["customer"], "212 555 0100", LONG), "label", 500),
    "edit number label": (lambda d, ids: d.customers.edit_phone(ids["phone"], "404 555 0134", LONG), "label", 500),
    "reschedule reason": (lambda d, ids: d.callbacks.reschedule(ids["callback"], d.clock.now() + timedelta(hours=2), LONG),
                          "reason", 500),
    "cancel reason": (lambda d, ids: d.callbacks.cancel(ids["callback"], LONG), "reason", 500),
    "reassign": (lambda d, ids: d.callbacks.reassign(ids["callback"], LONG), "assignee", 500),
}


@pytest.mark.parametrize("action, field, limit", TOO_LONG.values(), ids=TOO_LONG.keys())
def test_too_long_text_is_refused_with_the_limit_named(desk, action, field, limit):
    """Nothing is cut silently: the whole request is refused, the field and its limit named."""
    logged = call(desk, name="Maria", outcome="callback")
    ids = {"customer": logged.customer.id, "phone": logged.customer.phones[0].id, "callback": logged.callback.id}
    before = {table: count(desk, table) for table in TABLES}
    with pytest.raises(DeskError) as err:
        action(desk, ids)
    length = 501 if limit == 500 else 10_001
    assert str(err.value) == f"{field} is too long: {length:,} characters, the limit is {limit:,}"
    assert err.value.field == field
    assert {table: count(desk, table) for table in TABLES} == before
    assert desk.customers.customer(logged.customer.id).name == "Maria"
    assert desk.callbacks.callback(logged.callback.id).state == "open"


def test_text_at_the_limit_is_kept_whole(desk):
    logged = call(desk, name="n" * 500, topic="t" * 500, note="x" * 10_000)
    assert (len(logged.customer.name), len(logged.call.topic), len(logged.call.note)) == (500, 500, 10_000)


def test_suggestions_rank_the_most_recent_caller_first_among_many_matches(desk, clock):
    """600 customers share a fragment; the one who called last comes first."""
    from datetime import timedelta

    from frontdesk.services import NewCall

    with desk.store.write():
        for n in range(600):
            desk.customers.create_customer(f"Marlow {n}", numbers=(f"+1404555{n:04d}",))
    recent = desk.log_call(NewCall(phone="+14045550599", at=clock.now() - timedelta(minutes=1)))
    older = desk.log_call(NewCall(phone="+14045550007", at=clock.now() - timedelta(days=1)))
    names = [m.customer.id for m in desk.find_callers("Marlow")]
    assert names[:2] == [recent.customer.id, older.customer.id]


def test_a_suggestion_by_digits_names_the_number_that_matched(desk):
    """A customer with two numbers found by digits of the second: the suggestion shows that
    one, not their first."""
    logged = desk.log_call(NewCall(phone="4045550134", name="Two Numbers"))
    desk.customers.add_phone(logged.customer.id, "7705550199", "mobile")
    [match] = desk.find_callers("0199")
    assert match.reason == "digits" and match.phone is not None and match.phone.e164 == "+17705550199"


def test_a_promise_made_on_a_call_logged_later_is_dated_by_the_call(desk, clock):
    """A call typed in afterwards (--at 3h ago) with a callback 30 minutes after it: the
    callback's history says it was promised at the call, not when it was typed in."""
    at = clock.now() - timedelta(hours=3)
    logged = desk.log_call(NewCall(phone="4045550134", name="Bo", at=at, callback_due=at + timedelta(minutes=30)))
    first = desk.callbacks.callback_history(logged.callback.id)[0]
    assert (first.kind, first.at, first.due_after) == ("promised", at, at + timedelta(minutes=30))
