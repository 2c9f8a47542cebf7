"""A call that adds a number to a chosen customer, or a new customer made with numbers, never
shares another customer's number silently: NumberTaken (nothing written) until the user
confirms, and then both records say who else answers on it."""

from __future__ import annotations

import pytest

from frontdesk.services import NewCall, NumberTaken


def _count(desk, sql: str) -> int:
    return desk.store.one(sql.replace("count(*)", "count(*) AS n"))["n"]


def test_a_call_adding_anothers_number_to_the_chosen_customer_asks_first(desk):
    tyrone = desk.log_call(NewCall(phone="2125550178", name="Tyrone Hernandez")).customer
    bo = desk.log_call(NewCall(phone="4045550134", name="Bo Diddley")).customer
    calls = _count(desk, "SELECT count(*) FROM calls")
    with pytest.raises(NumberTaken) as taken:
        desk.log_call(NewCall(phone="(212) 555-0178", customer_id=bo.id, topic="rang from the office"))
    assert [h.id for h in taken.value.holders] == [tyrone.id]
    assert taken.value.number == "(212) 555-0178"
    assert _count(desk, "SELECT count(*) FROM calls") == calls  # nothing half-written
    assert [p.e164 for p in desk.customers.customer(bo.id).phones] == ["+14045550134"]

    logged = desk.log_call(NewCall(phone="(212) 555-0178", customer_id=bo.id, topic="rang from the office",
                                   share_number=True))
    assert logged.customer.id == bo.id
    assert {p.e164 for p in desk.customers.customer(bo.id).phones} == {"+14045550134", "+12125550178"}
    assert any("Tyrone Hernandez" in str(e.new) for e in desk.audit(bo.id) if e.action == "shared")
    assert any("Bo Diddley" in str(e.new) for e in desk.audit(tyrone.id) if e.action == "shared")


def test_the_chosen_customers_own_number_needs_no_question(desk):
    bo = desk.log_call(NewCall(phone="4045550134", name="Bo Diddley")).customer
    desk.log_call(NewCall(phone="2125550178", name="Tyrone Hernandez"))
    desk.log_call(NewCall(phone="404 555 0134", customer_id=bo.id))  # Bo's own: no question
    desk.log_call(NewCall(phone="7705550123", customer_id=bo.id))  # nobody's: added, no question
    assert len(desk.customers.customer(bo.id).phones) == 2


def test_a_new_customer_with_anothers_number_asks_first(desk):
    desk.log_call(NewCall(phone="2125550178", name="Tyrone Hernandez"))
    customers = _count(desk, "SELECT count(*) FROM customers")
    with pytest.raises(NumberTaken):
        desk.customers.create_customer("Reception", numbers=("2125550178",))
    assert _count(desk, "SELECT count(*) FROM customers") == customers
    made = desk.customers.create_customer("Reception", numbers=("2125550178",), shared=True)
    assert [p.e164 for p in made.phones] == ["+12125550178"]
