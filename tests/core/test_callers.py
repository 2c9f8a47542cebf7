"""Who gets a call: a different name typed over a recognised caller's number, a withheld
number, and the open promises a caller's new call closes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdesk.callers import ANONYMOUS_NAME, is_withheld
from frontdesk.errors import DeskError
from frontdesk.services import NewCall

TABLES = ("customers", "phones", "calls", "callbacks", "callback_events", "audit")


def counts(desk) -> dict[str, int]:
    return {t: desk.store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.fixture
def tyrone(desk):
    return desk.customers.create_customer("Tyrone Hernandez", "Hernandez Roofing", numbers=("404 555 0134",))


# -- a different name on a recognised caller's number -----------------------------------------


def test_a_different_name_over_a_recognised_number_is_a_new_contact_on_it(desk, tyrone):
    outcome = desk.callers.who_gets_the_call(tyrone.id, "(404) 555-0134", "Mary Hernandez")
    assert outcome.sentence == "new contact on Tyrone Hernandez's number"
    assert (outcome.customer_id, outcome.new_customer, outcome.shares_with) == (None, True, tyrone.id)
    assert counts(desk)["customers"] == 1  # the preview writes nothing

    logged = desk.log_call(NewCall(phone="(404) 555-0134", customer_id=tyrone.id, name="Mary Hernandez"))
    mary = logged.customer
    assert logged.new_customer and mary.id != tyrone.id
    assert (mary.name, [p.e164 for p in mary.phones]) == ("Mary Hernandez", ["+14045550134"])
    assert mary.company == ""  # a household's or a switchboard's: not copied from Tyrone
    assert logged.call.customer_id == mary.id
    assert desk.count_history(tyrone.id) == 0
    assert desk.customers.customer(tyrone.id).name == "Tyrone Hernandez"
    # Both records say who else answers on the number.
    shared = [(a.action, a.field, a.new) for a in desk.audit(mary.id) if a.action == "shared"]
    assert shared == [("shared", "with", f"Tyrone Hernandez (Hernandez Roofing) (#{tyrone.id})")]
    assert [(a.action, a.new) for a in desk.audit(tyrone.id) if a.action == "shared"] == [
        ("shared", f"Mary Hernandez (#{mary.id})")]

    # The next time Tyrone's card comes up and Mary's name is typed, the call is Mary's.
    again = desk.callers.who_gets_the_call(tyrone.id, "404 555 0134", " mary  HERNANDEZ ")
    assert (again.sentence, again.customer_id, again.new_customer) == (
        "Mary Hernandez, on Tyrone Hernandez's number", mary.id, False)
    second = desk.log_call(NewCall(phone="404 555 0134", customer_id=tyrone.id, name="mary hernandez"))
    assert second.customer.id == mary.id and not second.new_customer
    assert desk.count_history(mary.id) == 2 and counts(desk)["customers"] == 2


@pytest.mark.parametrize("name", ["", "Tyrone Hernandez", " tyrone  hernandez "])
def test_the_recognised_callers_own_name_or_none_is_theirs(desk, tyrone, name):
    assert desk.callers.who_gets_the_call(tyrone.id, "404 555 0134", name).customer_id == tyrone.id
    logged = desk.log_call(NewCall(phone="404 555 0134", customer_id=tyrone.id, name=name))
    assert logged.customer.id == tyrone.id and not logged.new_customer
    assert logged.customer.name == "Tyrone Hernandez"


def test_a_number_new_to_the_chosen_customer_is_added_to_them_whatever_the_name(desk, tyrone):
    outcome = desk.callers.who_gets_the_call(tyrone.id, "646 555 0111", "Ty")
    assert (outcome.sentence, outcome.customer_id) == (
        "Tyrone Hernandez (Hernandez Roofing) (a new number for them)", tyrone.id)
    logged = desk.log_call(NewCall(phone="646 555 0111", customer_id=tyrone.id, name="Ty"))
    assert logged.customer.id == tyrone.id
    assert [p.e164 for p in logged.customer.phones] == ["+14045550134", "+16465550111"]


def test_a_chosen_customer_without_a_name_takes_the_name(desk):
    nameless = desk.log_call(NewCall(phone="404 555 0134")).customer
    outcome = desk.callers.who_gets_the_call(nameless.id, "404 555 0134", "Maria")
    assert (outcome.sentence, outcome.customer_id, outcome.takes_name) == (
        "Unknown caller, named Maria from now on", nameless.id, True)
    logged = desk.log_call(NewCall(phone="404 555 0134", customer_id=nameless.id, name="Maria"))
    assert logged.customer.id == nameless.id and logged.customer.name == "Maria"
    assert ("edited", "name", "", "Maria") in [(a.action, a.field, a.old, a.new) for a in desk.audit(nameless.id)]


def test_a_number_alone_with_a_new_name_is_a_new_contact_sharing_it(desk, tyrone):
    outcome = desk.callers.who_gets_the_call(None, "404 555 0134", "Mary")
    assert (outcome.sentence, outcome.shares_with) == ("new contact on Tyrone Hernandez's number", tyrone.id)
    assert desk.callers.who_gets_the_call(None, "404 555 0134", "").customer_id == tyrone.id
    assert desk.callers.who_gets_the_call(None, "212 555 0100", "Bo").sentence == "new customer"
    logged = desk.log_call(NewCall(phone="404 555 0134", name="Mary"))
    assert logged.new_customer and logged.customer.name == "Mary"


# -- a withheld number ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["anonymous", "Withheld", " private  NUMBER ", "Restricted", "unknown"])
def test_withheld_words(text):
    assert is_withheld(text)


@pytest.mark.parametrize("text", ["", "404 555 0134", "anon", "Maria"])
def test_not_withheld(text):
    assert not is_withheld(text)


def test_a_withheld_number_without_a_name_is_the_desks_one_anonymous_caller(desk):
    assert desk.callers.who_gets_the_call(None, "", anonymous=True).sentence == ANONYMOUS_NAME
    first = desk.log_call(NewCall(anonymous=True, note="asked for opening hours"))
    assert first.new_customer and first.customer.name == ANONYMOUS_NAME and first.customer.phones == ()
    assert (first.call.e164, first.call.ext) == ("", "")
    for text in ("anonymous", "Private"):
        again = desk.log_call(NewCall(phone=text, note="again"))
        assert again.customer.id == first.customer.id and not again.new_customer
    outcome = desk.callers.who_gets_the_call(None, "withheld")
    assert (outcome.customer_id, outcome.anonymous) == (first.customer.id, True)
    assert desk.count_history(first.customer.id) == 3
    # Merged into another record, the anonymous caller's calls follow it there.
    other = desk.customers.create_customer("Walk-ins")
    desk.customers.merge_customers(other.id, first.customer.id)
    assert desk.log_call(NewCall(anonymous=True)).customer.id == other.id


def test_a_withheld_number_with_a_name_is_a_new_customer_without_a_number(desk, tyrone):
    outcome = desk.callers.who_gets_the_call(None, "", "Maria", anonymous=True)
    assert (outcome.sentence, outcome.new_customer) == ("new contact Maria, without a number", True)
    logged = desk.log_call(NewCall(anonymous=True, name="Maria", company="Acme"))
    assert logged.new_customer and (logged.customer.name, logged.customer.company) == ("Maria", "Acme")
    assert logged.customer.phones == () and logged.call.e164 == ""
    # A recognised customer calling from a withheld number: theirs, and no number is added.
    known = desk.log_call(NewCall(phone="private", customer_id=tyrone.id))
    assert known.customer.id == tyrone.id and known.call.e164 == ""
    assert [p.e164 for p in desk.customers.customer(tyrone.id).phones] == ["+14045550134"]


@pytest.mark.parametrize("request_", [
    NewCall(anonymous=True, outcome="callback"),
    NewCall(anonymous=True, name="Maria", promise="1bh"),
    NewCall(phone="withheld", outcome="callback"),
])
def test_no_callback_can_be_promised_to_a_withheld_number(desk, request_):
    before = counts(desk)
    with pytest.raises(DeskError, match="a callback needs a number to call, and this caller withheld theirs") as err:
        desk.log_call(request_)
    assert err.value.field == "outcome"
    assert counts(desk) == before


def test_a_known_customer_on_a_withheld_line_can_be_called_back_on_their_number(desk, tyrone):
    logged = desk.log_call(NewCall(anonymous=True, customer_id=tyrone.id, outcome="callback"))
    assert logged.callback.e164 == "+14045550134"
    walk_in = desk.customers.create_customer("Bo")
    with pytest.raises(DeskError, match="Bo has none: add one first"):
        desk.log_call(NewCall(customer_id=walk_in.id, outcome="callback"))


# -- open promises when the caller rings again ---------------------------------------------------


def test_one_call_closes_the_callers_open_promises(desk, clock, tyrone):
    now = clock.now()
    late = desk.log_call(NewCall(phone="404 555 0134", at=now - timedelta(hours=3),
                                 callback_due=now - timedelta(hours=1))).callback
    ahead = desk.log_call(NewCall(phone="404 555 0134", at=now - timedelta(hours=2),
                                  callback_due=now + timedelta(hours=1))).callback
    done = desk.log_call(NewCall(phone="404 555 0134", at=now - timedelta(hours=2), outcome="callback")).callback
    desk.log_call(NewCall(phone="404 555 0134", direction="out", callback_id=done.id))  # someone kept it
    assert [cb.id for cb in desk.callbacks.open_for(tyrone.id)] == [ahead.id, late.id]

    clock.advance(minutes=5)
    logged = desk.log_call(NewCall(phone="404 555 0134", customer_id=tyrone.id, closes=(late.id, ahead.id, done.id)))
    assert [(cb.id, cb.state, cb.kept_on_time, cb.done_call_id) for cb in logged.closed] == [
        (late.id, "done", False, logged.call.id), (ahead.id, "done", True, logged.call.id)]
    assert [cb.id for cb in logged.already_closed] == [done.id]
    assert desk.callbacks.open_for(tyrone.id) == []
    assert logged.closed[0].waited_min == 3 * 60 + 5
    assert desk.callbacks.callback_history(ahead.id)[-1].reason == "the caller rang again"
    assert desk.callbacks.callback(done.id).done_call_id != logged.call.id  # left as it was


def test_closing_another_callers_promise_logs_nothing(desk, tyrone):
    theirs = desk.log_call(NewCall(phone="404 555 0134", outcome="callback")).callback
    other = desk.log_call(NewCall(phone="212 555 0100", name="Bo", outcome="callback")).callback
    before = counts(desk)
    with pytest.raises(DeskError, match=f"callback #{other.id} is the promise to Bo, not to this caller") as err:
        desk.log_call(NewCall(phone="404 555 0134", closes=(theirs.id, other.id)))
    assert err.value.field == "closes"
    with pytest.raises(DeskError, match="no callback #999"):
        desk.log_call(NewCall(phone="404 555 0134", closes=(999,)))
    with pytest.raises(DeskError, match="did not reach the caller") as err:
        desk.log_call(NewCall(phone="404 555 0134", direction="out", outcome="no_answer", closes=(theirs.id,)))
    assert counts(desk) == before
    assert desk.callbacks.callback(theirs.id).state == "open"


def test_open_promises_follow_a_merge(desk, tyrone):
    other = desk.log_call(NewCall(phone="212 555 0100", name="T. Hernandez", outcome="callback"))
    desk.customers.merge_customers(tyrone.id, other.customer.id)
    assert [cb.id for cb in desk.callbacks.open_for(other.customer.id)] == [other.callback.id]
    logged = desk.log_call(NewCall(phone="212 555 0100", closes=(other.callback.id,)))
    assert logged.customer.id == tyrone.id and [cb.id for cb in logged.closed] == [other.callback.id]


def test_digits_with_a_leading_zero_keep_it_on_a_desk_without_a_trunk_zero(desk):
    """On a US desk '0130' is not '130': (305) 555-0173 does not hold '0130'. On a British desk
    the trunk 0 is dropped, so '020 79' finds +44 20 7946 0018."""
    from dataclasses import replace

    desk.log_call(NewCall(phone="305 555 0173", name="Not Me"))
    desk.log_call(NewCall(phone="404 555 0130", name="Me"))
    assert [m.customer.name for m in desk.find_callers("0130")] == ["Me"]
    desk.log_call(NewCall(phone="+44 20 7946 0018", name="London"))
    desk.save_settings(replace(desk.settings, region="GB"))
    assert "London" in [m.customer.name for m in desk.find_callers("020 79")]
