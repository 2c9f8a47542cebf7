"""Customer records: a number that is another customer's, and what a merge keeps of the record
merged away."""

from __future__ import annotations

import pytest

from frontdesk.errors import DeskError
from frontdesk.services import NewCall, NumberTaken


def test_adding_another_customers_number_says_whose_it_is(desk):
    tyrone = desk.customers.create_customer("Tyrone Hernandez", numbers=("404 555 0134",))
    mary = desk.customers.create_customer("Mary Hernandez")
    with pytest.raises(NumberTaken) as err:
        desk.customers.add_phone(mary.id, "+1 404-555-0134", "home")
    assert str(err.value) == ("(404) 555-0134 is already the number of Tyrone Hernandez (#1); "
                              "save it as a shared number to keep it on both")
    assert isinstance(err.value, DeskError) and err.value.field == "phone"
    assert (err.value.customer_id, err.value.customer_name) == (tyrone.id, "Tyrone Hernandez")
    assert desk.customers.customer(mary.id).phones == ()
    # Confirmed as shared: on both, and both records say so.
    shared = desk.customers.add_phone(mary.id, "404 555 0134", "home", shared=True)
    assert (shared.customer_id, shared.e164, shared.label) == (mary.id, "+14045550134", "home")
    assert sorted(c.id for c in desk.store.customers_with_number("+14045550134")) == [tyrone.id, mary.id]
    assert [(a.action, a.new) for a in desk.audit(mary.id) if a.action == "shared"] == [
        ("shared", f"Tyrone Hernandez (#{tyrone.id})")]
    assert [(a.action, a.new) for a in desk.audit(tyrone.id) if a.action == "shared"] == [
        ("shared", f"Mary Hernandez (#{mary.id})")]


def test_editing_a_number_into_another_customers_is_refused_unless_shared(desk):
    desk.customers.create_customer("Tyrone", "Acme", numbers=("404 555 0134",))
    desk.customers.create_customer("Ana", numbers=("404 555 0134",), shared=True)  # a third on the same line
    mary = desk.customers.create_customer("Mary", numbers=("404 555 0199",))
    phone = mary.phones[0]
    with pytest.raises(NumberTaken, match=r"^\(404\) 555-0134 is already the number of .* and 1 other;") as err:
        desk.customers.edit_phone(phone.id, "404 555 0134")
    assert len(err.value.holders) == 2
    assert desk.store.get_phone(phone.id).e164 == "+14045550199"
    # The label alone, or a different extension (another line of the switchboard), is not taken.
    assert desk.customers.edit_phone(phone.id, "404 555 0199", "mobile").label == "mobile"
    assert desk.customers.edit_phone(phone.id, "404 555 0134 ext 7").ext == "7"
    assert desk.customers.edit_phone(phone.id, "404 555 0134", shared=True).ext == ""


def test_a_number_of_a_customer_merged_away_is_not_taken(desk):
    keep = desk.customers.create_customer("Maria")
    drop = desk.customers.create_customer("M. Lopez", numbers=("404 555 0134",))
    other = desk.customers.create_customer("Bo")
    desk.customers.merge_customers(keep.id, drop.id)
    with pytest.raises(NumberTaken, match=r"Maria \(#1\)"):  # the number went with the merge
        desk.customers.add_phone(other.id, "404 555 0134")
    assert desk.customers.add_phone(keep.id, "404 555 0134").customer_id == keep.id  # already hers: no question


def test_merging_keeps_the_merged_away_name_and_company_in_the_notes(desk, clock):
    maria = desk.customers.create_customer("Maria Lopez", "Acme Plumbing", "VIP", numbers=("404 555 0134",))
    old = desk.log_call(NewCall(phone="404 555 0199", name="M. Lopez", company="Lopez Ltd")).customer
    kept = desk.customers.merge_customers(maria.id, old.id)
    assert (kept.name, kept.company) == ("Maria Lopez", "Acme Plumbing")
    assert kept.notes == "VIP\nAlso known as: M. Lopez, formerly of Lopez Ltd"
    merged = [a for a in desk.audit(maria.id) if a.action == "merged"]
    assert [(a.field, a.old, a.new) for a in merged] == [
        ("from", str(old.id), "M. Lopez (Lopez Ltd): also known as M. Lopez, formerly of Lopez Ltd")]
    notes = [(a.old, a.new) for a in desk.audit(maria.id) if (a.action, a.field) == ("edited", "notes")]
    assert notes == [("VIP", kept.notes)]


@pytest.mark.parametrize(
    "keep,drop,notes",
    [
        (("Maria Lopez", "Acme"), ("maria  LOPEZ", "Lopez Ltd"), "Formerly of Lopez Ltd"),
        (("Maria Lopez", "Acme"), ("M. Lopez", "acme"), "Also known as: M. Lopez"),
        (("Maria Lopez", "Acme"), (" maria lopez", ""), ""),  # nothing new to keep
        (("Maria Lopez", ""), ("M. Lopez", "Lopez Ltd"), "Also known as: M. Lopez"),  # the company moves over
        (("", "Acme"), ("Maria Lopez", "Acme"), ""),  # the name moves over
    ],
)
def test_merging_notes_only_what_differs(desk, keep, drop, notes):
    a, b = desk.customers.create_customer(*keep), desk.customers.create_customer(*drop)
    kept = desk.customers.merge_customers(a.id, b.id)
    assert kept.notes == notes
    assert kept.name == (keep[0] or drop[0]) and kept.company == (keep[1] or drop[1])


def test_the_lines_a_merge_added_are_told_apart_from_the_notes(desk):
    from frontdesk.customers import merged_names

    maria = desk.customers.create_customer("Maria Lopez", "Acme", "VIP\nback door", numbers=("404 555 0134",))
    old = desk.customers.create_customer("M. Lopez", "Lopez Ltd", numbers=("404 555 0199",))
    kept = desk.customers.merge_customers(maria.id, old.id)
    assert merged_names(kept.notes) == (["Also known as: M. Lopez, formerly of Lopez Ltd"], "VIP\nback door")
    assert merged_names("") == ([], "")
