"""The hot lookups use their indexes: at a lifetime's scale (1M calls, 100k customers) a full
scan of calls, customers, phones or callbacks is a visible pause. Each case runs the real
service call, records the statements it sends (sqlite3's trace callback gives them with their
parameters) and checks SQLite's EXPLAIN QUERY PLAN of every SELECT. Seconds are measured by
tests/bench/bench.py, not here."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from frontdesk.services import NewCall

BIG_TABLES = ("calls", "customers", "phones", "callbacks")
FULL_SCAN = re.compile(r"^SCAN (" + "|".join(BIG_TABLES) + r")\b")


def plans(desk, action) -> list[tuple[str, list[str]]]:
    """(statement, plan lines) for every SELECT the action ran."""
    conn = desk.store.db.conn
    statements: list[str] = []
    desk.store.trace(statements.append)
    try:
        action()
    finally:
        desk.store.trace(None)
    found = []
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        with desk.store.lock:
            lines = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        found.append((sql, lines))
    assert found, "the action ran no query"
    return found


def assert_indexed(found: list[tuple[str, list[str]]], *indexes: str) -> None:
    for sql, lines in found:
        scans = [line for line in lines if FULL_SCAN.match(line)]
        assert not scans, f"full scan {scans} in:\n{sql}\nplan: {lines}"
    text = "\n".join(line for _, lines in found for line in lines)
    for index in indexes:
        assert index in text, f"{index} not used; plans:\n{text}"


@pytest.fixture
def busy(desk, clock):
    """A few customers with calls today and earlier, an open callback and a done one."""
    now = clock.now()
    with desk.store.write():
        first = desk.log_call(NewCall(phone="+1 404 555 0101", name="Martha Jones", topic="Invoice",
                                      note="Asked about invoice INV-1234", at=now - timedelta(days=3)))
        desk.log_call(NewCall(phone="+1 404 555 0102", name="Mark Smith", company="Smith Plumbing",
                              topic="Delivery", note="Parcel late", at=now - timedelta(hours=2),
                              outcome="callback", callback_due=now + timedelta(hours=1)))
        promised = desk.log_call(NewCall(phone="+1 404 555 0101", customer_id=first.customer.id,
                                         topic="Refund", note="Wants a refund", at=now - timedelta(hours=1),
                                         outcome="callback", callback_due=now + timedelta(minutes=5)))
        desk.log_call(NewCall(phone="+1 404 555 0101", customer_id=first.customer.id, direction="out",
                              topic="Refund", note="Refund done", at=now - timedelta(minutes=30),
                              callback_id=promised.callback.id))
    return first.customer.id


def test_whole_number_uses_the_phone_index(desk, busy):
    found = plans(desk, lambda: desk.find_callers("(404) 555-0101"))
    assert_indexed(found, "phones_e164")


def test_digits_use_the_trigram_index(desk, busy):
    found = plans(desk, lambda: desk.find_callers("4045"))
    assert_indexed(found, "customer_search VIRTUAL TABLE")


def test_three_letters_of_a_name_use_the_trigram_index(desk, busy):
    found = plans(desk, lambda: desk.find_callers("mar"))
    assert_indexed(found, "customer_search VIRTUAL TABLE")


@pytest.mark.parametrize("typed", ["m", "ma"])
def test_the_first_letters_use_the_name_indexes(desk, busy, typed):
    found = plans(desk, lambda: desk.find_callers(typed))
    assert_indexed(found, "customers_name", "customers_company")


def test_todays_calls_use_the_time_index(desk, busy):
    found = plans(desk, lambda: desk.todays_calls())
    assert_indexed(found, "calls_at")
    last = desk.todays_calls()[-1]
    from frontdesk.clock import to_iso

    found = plans(desk, lambda: desk.todays_calls(before=(to_iso(last.at), last.id)))
    assert_indexed(found, "calls_at")


def test_a_customer_page_uses_the_customer_indexes(desk, busy):
    def page():
        desk.customers.customer(busy)
        desk.history(busy)
        desk.promises(busy, limit=20)
        desk.store.count_customer_calls(busy)
        desk.caller_card(busy)

    assert_indexed(plans(desk, page), "calls_customer_at", "callbacks_customer")
    last = desk.history(busy)[-1]
    from frontdesk.clock import to_iso

    found = plans(desk, lambda: desk.history(busy, before=(to_iso(last.at), last.id)))
    assert_indexed(found, "calls_customer_at")


def test_the_open_callbacks_queue_and_due_counts_use_the_state_index(desk, busy):
    found = plans(desk, lambda: (desk.callbacks.open_callbacks(limit=500), desk.callbacks.open_callbacks(mine=True), desk.callbacks.counts(),
                                 desk.callbacks.due()))
    assert_indexed(found, "callbacks_state_due")


def test_notes_search_uses_the_full_text_index(desk, busy):
    found = plans(desk, lambda: desk.search("refund"))
    assert_indexed(found, "call_search VIRTUAL TABLE", "customer_search VIRTUAL TABLE")


def test_exporting_a_day_reads_its_range_and_the_promises_by_call(desk, busy):
    from frontdesk.export import iter_rows

    found = plans(desk, lambda: list(iter_rows(desk, desk.today(), desk.today())))
    assert_indexed(found, "calls_at", "callbacks_call")


def test_the_day_summary_reads_its_range(desk, busy):
    from frontdesk.report import day_summary

    found = plans(desk, lambda: day_summary(desk, desk.today()))
    assert_indexed(found, "calls_at", "customers_created")


def test_the_assignee_chooser_counts_each_persons_calls_from_their_index(desk, busy):
    found = plans(desk, lambda: desk.operators.listing())
    assert_indexed(found, "COVERING INDEX calls_operator_at", "callbacks_state_due")
