"""The demo desk: realistic, every callback state present, deterministic, and a bulk mode."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import phonenumbers
import pytest

from frontdesk import phones
from frontdesk.cli import main
from frontdesk.clock import FixedClock, from_iso
from frontdesk.db import open_database
from frontdesk.demo import fill_demo
from frontdesk.errors import DeskError
from frontdesk.models import OUTCOMES
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store

# Monday 23 November 2026, 10:00 in New York.
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}
SUMMARY = re.compile(r"^demo desk: [\d,]+ customers, [\d,]+ calls, [\d,]+ open callbacks \([\d,]+ overdue\)$")


def make_desk(path, now: datetime = NOW, env: dict | None = None) -> Desk:
    return Desk(Store(open_database(path)), FixedClock(now), "ann", env=env or ENV)


def rows(desk: Desk, sql: str, params=()) -> list[tuple]:
    return desk.store.db.conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    desk = make_desk(tmp_path_factory.mktemp("demo") / "d.db")
    summary = fill_demo(desk)
    yield desk, summary
    desk.store.close()


def test_summary_is_one_line_with_the_counts(demo):
    desk, summary = demo
    assert SUMMARY.match(summary), summary
    calls = rows(desk, "SELECT count(*) FROM calls")[0][0]
    assert summary.startswith(f"demo desk: 60 customers, {calls} calls, ")
    assert 250 <= calls <= 600


def test_the_desk_is_left_as_it_was_found(demo):
    desk, _ = demo
    assert desk.operator == "ann"
    assert isinstance(desk.clock, FixedClock) and desk.clock.now() == NOW


def test_customers_look_like_a_real_desk(demo):
    desk, _ = demo
    customers = rows(desk, "SELECT id, name, company, notes FROM customers")
    assert len(customers) == 60
    assert sum(bool(c[2]) for c in customers) >= 15  # some with a company
    assert any(c[2] and not c[1] for c in customers)  # a company with no person named
    assert sum(bool(c[3]) for c in customers) >= 10  # notes
    assert len({c[1] for c in customers if c[1]}) == sum(bool(c[1]) for c in customers)  # no twins
    shared = rows(desk, """SELECT e164, count(DISTINCT customer_id), max(label) FROM phones
                          GROUP BY e164 HAVING count(DISTINCT customer_id) > 1""")
    assert shared and all(n == 2 and label == "switchboard" for _, n, label in shared)
    two = rows(desk, """SELECT customer_id, group_concat(label, '+') FROM phones
                       GROUP BY customer_id HAVING count(*) = 2""")
    assert len(two) >= 5 and any("mobile" in labels and "office" in labels for _, labels in two)


def test_every_number_is_valid_e164_and_fictional_for_the_us(demo):
    desk, _ = demo
    numbers = [r[0] for r in rows(desk, "SELECT e164 FROM phones UNION SELECT e164 FROM calls")]
    regions = set()
    for e164 in numbers:
        assert phones.parse(e164, desk.region).e164 == e164
        region = phonenumbers.region_code_for_number(phonenumbers.parse(e164))
        regions.add(region)
        if region == "US":
            assert re.fullmatch(r"\+1[2-9]\d\d55501\d\d", e164), e164
    assert {"US", "GB", "DE"} <= regions  # foreign callers show their local time
    assert phones.caller_timezones(next(n for n in numbers if n.startswith("+44")))


def test_a_week_of_calls_in_and_around_business_hours(demo):
    desk, _ = demo
    calls = rows(desk, "SELECT at, direction, operator, topic, note, outcome FROM calls")
    hours, zone = desk.settings.hours, desk.zone
    days = set()
    for at_text, *_ in calls:
        at = from_iso(at_text)
        assert NOW - timedelta(days=8) < at < NOW
        near = [at + timedelta(minutes=m) for m in (-21, 0, 21)]
        assert any(hours.is_open(t) for t in near), at.astimezone(zone)
        days.add(at.astimezone(zone).date())
    assert len(days) >= 5
    assert {c[1] for c in calls} == {"in", "out"}
    assert sum(c[1] == "in" for c in calls) > 2 * sum(c[1] == "out" for c in calls)
    assert {c[2] for c in calls} == {"ann", "raj", "mei"}
    assert {c[5] for c in calls} == set(OUTCOMES)
    assert len({c[3] for c in calls}) >= 10 and all(c[4] for c in calls)
    assert not [c for c in calls if "{" in c[4] or "}" in c[4]]  # every template filled in


def test_callbacks_in_every_state(demo):
    desk, _ = demo
    lead = timedelta(minutes=desk.settings.lead_minutes)
    opened = desk.callbacks.open_callbacks()
    overdue = [c for c in opened if c.due_at <= NOW]
    soon = [c for c in opened if NOW < c.due_at <= NOW + lead]
    later = [c for c in opened if c.due_at > NOW + lead]
    assert len(overdue) >= 2 and soon and len(later) >= 2
    assert desk.callbacks.counts() == (len(overdue), len(soon))
    assert any(c.due_at.astimezone(desk.zone).date() == NOW.astimezone(desk.zone).date() for c in later)
    assert all(c.promised_at < NOW for c in opened)
    moved = [c for c in opened if c.due_at != c.first_due_at]
    assert moved
    events = desk.callbacks.callback_history(moved[0].id)
    assert [e.kind for e in events] == ["promised", "rescheduled"] and events[1].reason
    assert events[1].due_before == moved[0].first_due_at and events[1].due_after == moved[0].due_at

    everything = [desk.callbacks.callback(r[0]) for r in rows(desk, "SELECT id FROM callbacks")]
    done = [c for c in everything if c.state == "done"]
    assert any(c.kept_on_time for c in done) and any(c.kept_on_time is False for c in done)
    assert any(c.attempts > 1 for c in done)  # failed attempts first
    for c in done:
        returned = desk.store.get_call(c.done_call_id)
        assert returned.callback_id == c.id and returned.direction == "out"
        assert returned.outcome in ("resolved", "connected", "message")
        assert c.kept_on_time == (c.done_at <= c.due_at)
    cancelled = [c for c in everything if c.state == "cancelled"]
    assert cancelled and all(c.cancel_reason for c in cancelled)
    attempts = rows(desk, "SELECT reason FROM callback_events WHERE kind = 'attempt'")
    assert attempts and {r[0] for r in attempts} <= {OUTCOMES[o] for o in ("no_answer", "voicemail", "busy")}


def test_customer_history_and_search_work_on_the_demo(demo):
    desk, _ = demo
    found = desk.search("invoice")
    assert found.calls and all("invoice" in (c.note + c.topic).lower() for c in found.calls)
    assert desk.find_callers("555")
    busiest = rows(desk, "SELECT customer_id FROM calls GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")[0][0]
    card = desk.caller_card(busiest)
    assert card.call_count >= 5 and card.customer.last_call_at == card.recent_calls[0].at


def snapshot(desk: Desk) -> dict:
    return {
        "customers": rows(desk, "SELECT id, name, company, notes, created_at, last_call_at FROM customers ORDER BY id"),
        "phones": rows(desk, "SELECT customer_id, e164, label FROM phones ORDER BY id"),
        "calls": rows(desk, """SELECT id, uid, customer_id, e164, direction, at, operator, topic, note, outcome,
                               callback_id FROM calls ORDER BY id"""),
        "callbacks": rows(desk, "SELECT * FROM callbacks ORDER BY id"),
        "events": rows(desk, "SELECT * FROM callback_events ORDER BY id"),
    }


def test_same_seed_same_desk(tmp_path):
    first, second, other = (make_desk(tmp_path / f"{name}.db") for name in ("a", "b", "c"))
    assert fill_demo(first, seed=3) == fill_demo(second, seed=3)
    assert snapshot(first) == snapshot(second)
    fill_demo(other, seed=4)
    assert snapshot(other)["calls"] != snapshot(first)["calls"]


def test_a_second_demo_adds_to_the_desk_with_new_numbers(tmp_path):
    desk = make_desk(tmp_path / "d.db")
    fill_demo(desk, customers=20, calls=60)
    before = {r[0] for r in rows(desk, "SELECT e164 FROM phones")}
    summary = fill_demo(desk, customers=20, calls=60, force=True)
    assert summary.startswith("demo desk: 40 customers, 120 calls")
    added = rows(desk, "SELECT e164 FROM phones WHERE customer_id > 20")
    assert added and not {r[0] for r in added} & before


@pytest.mark.parametrize("now", [
    datetime(2026, 11, 28, 23, 30, tzinfo=UTC),  # Saturday evening: the desk is closed
    datetime(2026, 11, 24, 13, 55, tzinfo=UTC),  # Tuesday 08:55, just before opening
    datetime(2026, 11, 27, 21, 58, tzinfo=UTC),  # Friday 16:58, just before closing
    datetime(2026, 3, 9, 16, 0, tzinfo=UTC),  # the Monday after the clocks changed
])
def test_any_moment_of_the_week(tmp_path, now):
    desk = make_desk(tmp_path / "d.db", now)
    assert SUMMARY.match(fill_demo(desk, seed=11))
    overdue, soon = desk.callbacks.counts()
    assert overdue >= 2 and soon >= 1
    assert rows(desk, "SELECT max(at) FROM calls")[0][0] < now.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("region", ["GB", "DE", "FR", "CA", "JP"])
def test_numbers_for_other_regions(tmp_path, region):
    desk = make_desk(tmp_path / "d.db", env={"TZ": "Europe/London", "FRONTDESK_REGION": region})
    fill_demo(desk, customers=30, calls=50)
    numbers = [r[0] for r in rows(desk, "SELECT e164 FROM phones")]
    local = [n for n in numbers if phonenumbers.region_code_for_number(phonenumbers.parse(n)) == region]
    assert len(local) >= 25
    assert all(phones.parse(n, region).e164 == n for n in numbers)


def test_cli_demo_on_the_real_clock(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "cli.db"), "demo", "--customers", "25", "--calls", "80"]) in (0, None)
    assert SUMMARY.match(capsys.readouterr().out.strip())


def everything(path) -> dict:
    desk = make_desk(path)
    try:
        return {table: rows(desk, f"SELECT * FROM {table} ORDER BY rowid")
                for table in ("customers", "phones", "calls", "callbacks", "callback_events")}
    finally:
        desk.store.close()


def test_demo_refuses_a_desk_that_already_holds_customers_or_calls(tmp_path):
    desk = make_desk(tmp_path / "real.db")
    desk.log_call(NewCall(phone="404 555 0101", name="Real Customer", at=NOW - timedelta(hours=1)))
    with pytest.raises(DeskError, match=r"already holds 1 customer and 1 call; demo fills only an empty desk "
                                        r"\(use --force to add the demo anyway\)"):
        fill_demo(desk)
    assert rows(desk, "SELECT count(*) FROM customers") == [(1,)]
    assert SUMMARY.match(fill_demo(desk, customers=20, calls=60, force=True))
    assert rows(desk, "SELECT count(*) FROM customers") == [(21,)]
    desk.store.close()


def test_cli_demo_on_a_real_desk_is_one_line_and_changes_nothing(tmp_path, capsys):
    path = tmp_path / "real.db"
    assert main(["--db", str(path), "log", "--phone", "4045550101", "--name", "Real Customer"]) == 0
    assert main(["--db", str(path), "log", "--phone", "4045550102", "--callback-in", "1h"]) == 0
    capsys.readouterr()
    before = everything(path)
    assert main(["--db", str(path), "demo"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert err == (f"frontdesk: {path} already holds 2 customers and 2 calls; demo fills only an empty "
                   "desk (use --force to add the demo anyway)\n")
    assert everything(path) == before
    assert main(["--db", str(path), "demo", "--force", "--customers", "20", "--calls", "60"]) == 0
    assert SUMMARY.match(capsys.readouterr().out.strip())
    assert len(everything(path)["customers"]) == 22


def test_bulk_desk(tmp_path):
    desk = make_desk(tmp_path / "bulk.db")
    summary = fill_demo(desk, customers=2000, calls=20000)
    assert summary.startswith("demo desk: 2,000 customers, 20,000 calls, ")
    assert rows(desk, "PRAGMA foreign_key_check") == []
    assert rows(desk, "PRAGMA integrity_check") == [("ok",)]
    first, last = rows(desk, "SELECT min(at), max(at) FROM calls")[0]
    assert from_iso(first) < NOW - timedelta(days=700) and from_iso(last) < NOW
    numbers = [r[0] for r in rows(desk, "SELECT DISTINCT e164 FROM phones")]
    assert len(numbers) > 2000 and all(phones.parse(n, "US").e164 == n for n in numbers)
    # about 1.5% of calls promise a callback; a few stay open, some overdue, one due within the lead
    promised = rows(desk, "SELECT count(*) FROM calls WHERE outcome = 'callback'")[0][0]
    states = dict(rows(desk, "SELECT state, count(*) FROM callbacks GROUP BY state"))
    assert promised == sum(states.values()) and 200 <= promised <= 400
    assert states["open"] >= 5 and states["done"] > 200 and states["cancelled"]
    overdue, soon = desk.callbacks.counts()
    assert overdue >= 2 and soon >= 1
    kept = rows(desk, "SELECT kept_on_time, count(*) FROM callbacks WHERE state = 'done' GROUP BY 1")
    assert dict(kept)[0] and dict(kept)[1] > dict(kept)[0]
    assert rows(desk, """SELECT count(*) FROM callbacks JOIN calls ON calls.id = callbacks.done_call_id
                        WHERE calls.callback_id IS NOT callbacks.id""") == [(0,)]
    assert rows(desk, """SELECT count(*) FROM customers WHERE last_call_at IS NOT
                        (SELECT max(at) FROM calls WHERE customer_id = customers.id)""") == [(0,)]
    # the search tables followed the bulk inserts
    assert desk.find_callers("555")
    assert desk.find_callers(numbers[0][-7:])[0].customer.phones
    assert len(desk.search("warranty").calls) >= 20
    name = rows(desk, "SELECT name FROM customers WHERE name != '' LIMIT 1")[0][0]
    assert desk.find_callers(name)
    assert desk.todays_calls() and desk.history(desk.find_callers("555")[0].customer.id)
