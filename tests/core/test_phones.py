"""Phone numbers: any reasonable format finds the same customer; garbage is never stored."""

from __future__ import annotations

import pytest

from frontdesk import phones
from frontdesk.errors import DeskError
from frontdesk.services import NewCall

FORMATS = [
    "(404) 555-0134",
    "404.555.0134",
    "+1 404 555 0134",
    "404-555-0134 ext. 12",
    "1-404-555-0134",
]


@pytest.mark.parametrize("text", FORMATS)
def test_formats_parse_to_the_same_e164(text):
    number = phones.parse(text, "US")
    assert number.e164 == "+14045550134"
    assert number.digits == "14045550134"


def test_extension_is_kept_apart():
    assert phones.parse("404-555-0134 ext. 12", "US") == phones.Phone("+14045550134", "12")
    assert phones.parse("404 555 0134 x7", "US").ext == "7"
    assert phones.parse("(404) 555-0134", "US").ext == ""


def count(desk, table):
    return desk.store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def maria(desk):
    return desk.customers.create_customer("Maria Lopez", "Acme Plumbing", numbers=("(404) 555-0134",))


@pytest.mark.parametrize("text", FORMATS)
def test_any_format_finds_the_customer(desk, maria, text):
    matches = desk.find_callers(text)
    assert [m.customer.id for m in matches] == [maria.id]
    assert matches[0].reason == "number"
    assert matches[0].phone.e164 == "+14045550134"


@pytest.mark.parametrize("text", ["0134", "555 01", "4045"])
def test_a_few_digits_find_the_customer(desk, maria, text):
    assert [m.customer.id for m in desk.find_callers(text)] == [maria.id]


@pytest.mark.parametrize("text", ["Mar", "lop", "LOPEZ", "Acm", "plumb"])
def test_three_letters_of_name_or_company_find_the_customer(desk, maria, text):
    matches = desk.find_callers(text)
    assert [m.customer.id for m in matches] == [maria.id]
    assert matches[0].reason == "name"


def test_no_match_for_other_digits_or_letters(desk, maria):
    assert desk.find_callers("9999") == []
    assert desk.find_callers("Zed") == []
    assert desk.find_callers("") == []


def test_logging_in_one_format_is_found_in_another(desk):
    logged = desk.log_call(NewCall(phone="+1 404 555 0134", name="Maria"))
    again = desk.log_call(NewCall(phone="404.555.0134"))
    assert again.customer.id == logged.customer.id
    assert not again.new_customer
    assert [m.customer.id for m in desk.find_callers("1-404-555-0134")] == [logged.customer.id]


def test_shared_switchboard_number_offers_both(desk):
    bob = desk.customers.create_customer("Bob Smith", "Acme", numbers=("+1 212 555 0100",))
    carol = desk.customers.create_customer("Carol Jones", "Acme", numbers=("(212) 555-0100",), shared=True)
    by_number = desk.find_callers("212.555.0100")
    assert {m.customer.id for m in by_number} == {bob.id, carol.id}
    assert all(m.reason == "number" for m in by_number)
    assert {m.customer.id for m in desk.find_callers("0100")} == {bob.id, carol.id}
    # A named caller on the shared number goes to the right person, or becomes a new one.
    assert desk.log_call(NewCall(phone="2125550100", name="carol jones")).customer.id == carol.id
    dave = desk.log_call(NewCall(phone="2125550100", name="Dave"))
    assert dave.new_customer
    assert len(desk.find_callers("212-555-0100")) == 3


@pytest.mark.parametrize(
    "text,reason",
    [
        ("123", "too short"),
        ("abc", "not a phone number"),
        ("+999 1234", "unknown country code"),
        ("", "a phone number is needed"),
        ("   ", "a phone number is needed"),
        ("404 555 01345678901234", "too long"),
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(desk, text, reason):
    with pytest.raises(phones.PhoneError, match=reason):
        phones.parse(text, "US")
    before = (count(desk, "customers"), count(desk, "phones"), count(desk, "calls"))
    with pytest.raises(DeskError) as err:
        desk.log_call(NewCall(phone=text, name="Someone"))
    assert err.value.field == "phone"
    assert str(err.value)
    if text.strip():  # a blank number field is simply no number
        with pytest.raises(DeskError):
            desk.customers.create_customer("Someone", numbers=(text,))
    assert (count(desk, "customers"), count(desk, "phones"), count(desk, "calls")) == before


def test_invalid_number_is_refused_when_adding_to_a_customer(desk, maria):
    with pytest.raises(DeskError, match="too short"):
        desk.customers.add_phone(maria.id, "123")
    with pytest.raises(DeskError):
        desk.customers.edit_phone(maria.phones[0].id, "abc")
    assert [p.e164 for p in desk.customers.customer(maria.id).phones] == ["+14045550134"]


def test_try_parse():
    assert phones.try_parse("404.555.0134", "US") == phones.Phone("+14045550134")
    assert phones.try_parse("123", "US") is None


def test_national_display_for_the_desk_region_international_for_foreign():
    assert phones.national("+14045550134", "US") == "(404) 555-0134"
    assert phones.national("+14045550134", "US", "12") == "(404) 555-0134 ext. 12"
    assert phones.national("+442079460958", "US") == "+44 20 7946 0958"
    assert phones.national("+442079460958", "GB") == "020 7946 0958"
    assert phones.national("garbage", "US") == "garbage"


def test_desk_national_uses_its_region(desk):
    assert desk.region == "US"
    assert desk.national("+14045550134") == "(404) 555-0134"
    assert desk.national("+33142685300") == "+33 1 42 68 53 00"
    assert desk.national("") == ""


def test_foreign_number_with_plus_is_accepted_on_a_us_desk(desk):
    logged = desk.log_call(NewCall(phone="+44 20 7946 0958", name="Nigel"))
    assert logged.call.e164 == "+442079460958"
    assert [m.customer.id for m in desk.find_callers("+44 20 7946 0958")] == [logged.customer.id]


def test_default_region_from_frontdesk_region():
    assert phones.default_region({"FRONTDESK_REGION": "gb", "LANG": "de_DE.UTF-8"}) == "GB"


def test_default_region_from_lang_country():
    assert phones.default_region({"LANG": "de_DE.UTF-8"}) == "DE"
    assert phones.default_region({"LANG": "fr_FR.UTF-8", "FRONTDESK_REGION": "XX"}) == "FR"
    assert phones.default_region({"LC_ALL": "en_AU.UTF-8", "LANG": "de_DE.UTF-8"}) == "AU"


@pytest.mark.parametrize("env", [{}, {"LANG": "C.UTF-8"}, {"LANG": "POSIX"}, {"FRONTDESK_REGION": ""}])
def test_default_region_falls_back_to_us(env):
    assert phones.default_region(env) == "US"


def test_default_region_reads_the_process_environment(monkeypatch):
    monkeypatch.setenv("FRONTDESK_REGION", "NZ")
    assert phones.default_region() == "NZ"


def test_caller_timezones():
    assert phones.caller_timezones("+14045550134") == ("America/New_York",)
    assert phones.caller_timezones("+442079460958") == ("Europe/London",)
    assert phones.caller_timezones("+61 2 9374 4000".replace(" ", "")) == ("Australia/Sydney",)
    assert phones.caller_timezones("not a number") == ()
    # A toll-free number could be anywhere in North America: many zones, all IANA names.
    zones = phones.caller_timezones("+18005550199")
    assert len(zones) > 1 and all("/" in z for z in zones)


def test_a_given_env_is_not_overridden_by_the_process_locale(monkeypatch):
    monkeypatch.setattr(phones.locale, "getlocale", lambda *a: ("de_DE", "UTF-8"))
    assert phones.default_region({"LANG": "C.UTF-8"}) == "US"
    assert phones.default_region({"LANG": "fr_FR.UTF-8"}) == "FR"
