"""One person whatever the case and spaces of their name: "Raj", "raj" and " raj " are one
operator and one assignee in the queue, 'mine', the warnings, the reports, drafts, and in
files written before the desk knew it (the m005_operators schema step)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlite_utils import Database

from frontdesk import migrations
from frontdesk.clock import FixedClock
from frontdesk.db import applied_steps, open_database
from frontdesk.operators import Operator, operator_key
from frontdesk.reminders import ReminderTracker
from frontdesk.report import day_summary
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store

DESK_ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}


@pytest.fixture
def open_desk(db_path, clock):
    """Desks for other people on the same file, closed at the end."""
    stores: list[Store] = []

    def open_as(operator: str) -> Desk:
        store = Store(open_database(db_path))
        stores.append(store)
        return Desk(store, clock, operator, env=DESK_ENV)

    yield open_as
    for store in stores:
        store.close()


def test_operator_key():
    assert operator_key(" Raj  Patel ") == operator_key("raj patel") == "raj patel"
    assert operator_key("STRASSE") == operator_key("straße")  # casefolded, not just lowered
    assert operator_key("  ") == ""


def test_the_first_spelling_is_the_desks_and_every_other_is_it(open_desk, clock):
    raj = open_desk("Raj")
    assert raj.operator == "Raj"
    for spelling in ("raj", " raj ", "RAJ", "r\u200eaj"):  # even a bidi mark typed in
        assert open_desk(spelling).operator == "Raj", spelling
    assert open_desk("  ").operator == "desk"
    # Someone new keeps their own spelling, whatever desk met them first.
    assert open_desk("mei lin").operator == "mei lin"
    assert open_desk("Mei  Lin").operator == "mei lin"


def test_mine_warnings_and_reports_count_every_spelling_as_one(open_desk, clock):
    first, second = open_desk("Raj"), open_desk(" raj ")
    now = clock.now()
    a = first.log_call(NewCall(phone="404 555 0134", outcome="callback", callback_due=now + timedelta(minutes=5)))
    b = second.log_call(NewCall(phone="404 555 0199", outcome="callback", callback_due=now + timedelta(hours=2)))
    ann = open_desk("ann")
    c = ann.log_call(NewCall(phone="212 555 0100", outcome="callback", assignee="RAJ"))
    d = ann.log_call(NewCall(phone="212 555 0101", outcome="callback"))
    ann.callbacks.reassign(d.callback.id, "  raj")
    assert {cb.assignee for cb in ann.callbacks.open_callbacks()} == {"Raj"}
    assert [x.call.operator for x in (a, b, c)] == ["Raj", "Raj", "ann"]
    # 'mine' for either spelling: all four.
    for desk in (first, second):
        assert desk.callbacks.open_count(mine=True) == 4
        assert len(desk.callbacks.open_callbacks(mine=True)) == 4
    # The warning ahead of time goes to the assignee, whichever way they typed their name.
    tracker = ReminderTracker(timedelta(minutes=10), timedelta(minutes=5), second.operator)
    warned = tracker.check(second.callbacks.open_callbacks(), now, desk_open=True)
    assert [(r.callback.id, r.kind) for r in warned] == [(a.callback.id, "soon")]
    # One line per person in the day's figures.
    summary = day_summary(ann, ann.today())
    assert [(o.operator, o.calls_in, o.still_open) for o in summary.operators] == [("ann", 2, 0), ("Raj", 2, 4)]


def test_a_draft_is_the_persons_whatever_the_spelling(open_desk):
    open_desk("Raj").save_draft({"phone": "404 555 0134"})
    assert open_desk("raj ").draft() == {"phone": "404 555 0134"}


def test_the_assignee_chooser_lists_the_desks_people_most_active_first(open_desk, clock):
    now = clock.now()
    raj, mei, ann = open_desk("Raj"), open_desk("Mei"), open_desk("ann")
    for i in range(3):
        raj.log_call(NewCall(phone=f"404 555 010{i}"))
    mei.log_call(NewCall(phone="404 555 0110", outcome="callback", assignee="zoe"))
    ann.log_call(NewCall(phone="404 555 0111"))
    ann.log_call(NewCall(phone="404 555 0112"))
    # Someone who has not taken a call for longer than 90 days drops out of the list...
    open_desk("old timer").log_call(NewCall(phone="404 555 0120", at=now - timedelta(days=91)))
    # ... unless the settings name them, in any spelling.
    ann.save_settings(replace(ann.settings, operators=("Bob", " OLD  timer", "bob", "")))
    assert ann.settings.operators == ("Bob", "old timer")
    assert ann.reload_settings().operators == ("Bob", "old timer")
    assert ann.operators.listing() == [
        Operator("Raj", calls=3),
        Operator("ann", calls=2),
        Operator("Mei", calls=1),
        Operator("zoe", open_callbacks=1),
        Operator("Bob", listed=True),
        Operator("old timer", listed=True),
    ]
    assert ann.operators.names()[:2] == ["Raj", "ann"]
    assert open_desk("BOB").operator == "Bob"  # the settings' spelling was the first seen


def test_a_read_only_file_still_opens_for_someone_new(db_path, clock, make_read_only):
    desk = Desk(Store(open_database(db_path)), clock, "ann", env=DESK_ENV)
    desk.log_call(NewCall(phone="404 555 0134"))
    desk.store.close()
    for suffix in ("-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    make_read_only(db_path)
    store = Store(open_database(db_path))
    try:
        newcomer = Desk(store, clock, " Zoe ", env=DESK_ENV)
        assert newcomer.operator == "Zoe"
        assert Desk(store, clock, "ANN", env=DESK_ENV).operator == "ann"
        assert [cb for cb in newcomer.callbacks.due()] == []
    finally:
        store.close()


# -- a file written before the desk knew one person from another -------------------------------


def make_version_4(path) -> None:
    """A file as schema step m004 left it, with Raj typed four ways over a week."""
    db = Database(path)
    migrations.migrations.apply(db, stop_before=["m005_operators"])
    assert applied_steps(db)[-1] == "m004_lookup_indexes"
    rows = {
        "customers": [(1, "Maria", "2026-11-16T14:00:00Z", " raj"), (2, "Tyrone", "2026-11-16T14:00:00Z", "ann")],
        "phones": [(1, 1, "+14045550134"), (2, 2, "+14045550199")],
        "calls": [(1, "u1", 1, "2026-11-17T14:00:00Z", "Raj"), (2, "u2", 2, "2026-11-18T14:00:00Z", "raj"),
                  (3, "u3", 1, "2026-11-19T14:00:00Z", "RAJ "), (4, "u4", 2, "2026-11-20T14:00:00Z", "ann")],
        "callbacks": [(1, 1, 1, "2026-11-17T14:00:00Z", "2026-11-23T16:00:00Z", "raj", "Raj"),
                      (2, 2, 2, "2026-11-18T14:00:00Z", "2026-11-23T17:00:00Z", "Raj", "raj"),
                      (3, 4, 2, "2026-11-20T14:00:00Z", "2026-11-23T18:00:00Z", "ann", "ann")],
    }
    with db.conn:
        for id_, name, at, by in rows["customers"]:
            db.execute("INSERT INTO customers (id, name, created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?)",
                       [id_, name, at, by, at])
        for id_, customer, e164 in rows["phones"]:
            db.execute("INSERT INTO phones (id, customer_id, e164, created_at) VALUES (?, ?, ?, 'x')",
                       [id_, customer, e164])
        for id_, uid, customer, at, operator in rows["calls"]:
            db.execute("""INSERT INTO calls (id, uid, customer_id, direction, at, operator, outcome, created_at)
                          VALUES (?, ?, ?, 'in', ?, ?, 'callback', ?)""", [id_, uid, customer, at, operator, at])
        for id_, call, customer, at, due, assignee, by in rows["callbacks"]:
            db.execute("""INSERT INTO callbacks (id, call_id, customer_id, promised_at, first_due_at, due_at,
                          assignee, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                       [id_, call, customer, at, due, due, assignee, by, at])
        db.execute("""UPDATE callbacks SET acknowledged_by = 'RAJ', acknowledged_at = '2026-11-21T10:00:00Z'
                      WHERE id = 2""")
        db.execute("""INSERT INTO callback_events (callback_id, at, operator, kind)
                      VALUES (1, '2026-11-17T14:00:00Z', ' raj ', 'promised')""")
        db.execute("""INSERT INTO audit (at, operator, customer_id, entity, action)
                      VALUES ('2026-11-16T14:00:00Z', ' raj', 1, 'customer', 'created')""")
        db.execute("INSERT INTO drafts VALUES ('Raj', '2026-11-20T10:00:00Z', '{\"note\": \"older\"}')")
        db.execute("INSERT INTO drafts VALUES ('raj', '2026-11-22T10:00:00Z', '{\"note\": \"newer\"}')")
        db.execute("INSERT INTO drafts VALUES ('ann', '2026-11-22T10:00:00Z', '{\"note\": \"ann\"}')")
    db.close()


def test_the_schema_step_rewrites_every_spelling_to_the_first_seen(db_path, clock):
    make_version_4(db_path)
    db = open_database(db_path)
    try:
        assert "m005_operators" in applied_steps(db)  # and every later step

        def column(sql: str) -> list:
            return [row[0] for row in db.execute(sql)]

        # " raj" created Maria first (16 Nov): that spelling, spaces tidied, is the desk's.
        assert column("SELECT key || '=' || name FROM operators ORDER BY key") == ["ann=ann", "raj=raj"]
        assert column("SELECT operator FROM calls ORDER BY id") == ["raj", "raj", "raj", "ann"]
        assert column("SELECT assignee FROM callbacks ORDER BY id") == ["raj", "raj", "ann"]
        assert column("SELECT created_by FROM callbacks ORDER BY id") == ["raj", "raj", "ann"]
        assert column("SELECT acknowledged_by FROM callbacks ORDER BY id") == [None, "raj", None]
        assert column("SELECT operator FROM callback_events") == ["raj"]
        assert column("SELECT operator FROM audit") == ["raj"]
        assert column("SELECT created_by FROM customers ORDER BY id") == ["raj", "ann"]
        # Two drafts of one person: the newer stays, under the desk's spelling.
        assert column("SELECT operator || ':' || payload FROM drafts ORDER BY operator") == [
            'ann:{"note": "ann"}', 'raj:{"note": "newer"}']

        desk = Desk(Store(db), FixedClock(clock.now()), "Raj", env=DESK_ENV)
        assert desk.operator == "raj"
        assert desk.callbacks.open_count(mine=True) == 2
        assert [cb.id for cb in desk.callbacks.open_callbacks(mine=True)] == [1, 2]
        assert desk.draft() == {"note": "newer"}
        assert desk.operators.names() == ["raj", "ann"]
    finally:
        db.close()


def test_the_schema_step_on_a_file_with_nobody_in_it(db_path):
    db = Database(db_path)
    migrations.migrations.apply(db, stop_before=["m005_operators"])
    db.close()
    opened = open_database(db_path)
    try:
        assert opened.execute("SELECT count(*) FROM operators").fetchone()[0] == 0
    finally:
        opened.close()


def test_two_desks_meeting_one_person_at_once_agree(db_path, clock):
    """Whichever desk records the person first, the other reads that spelling back."""
    first, second = Store(open_database(db_path)), Store(open_database(db_path))
    try:
        a = Desk(first, clock, "ann", env=DESK_ENV)
        b = Desk(second, clock, "ann", env=DESK_ENV)
        assert a.operators.canonical("Zoe") == "Zoe"
        assert b.operators.canonical("ZOE") == "Zoe"
        with pytest.raises(sqlite3.IntegrityError):  # one row per person, whatever is tried
            with first.write():
                first.db.execute("INSERT INTO operators VALUES ('zoe', 'zoe', 'x')")
    finally:
        first.close()
        second.close()


def test_a_callback_promised_at_another_time_for_a_spelling(open_desk, clock):
    desk = open_desk("Raj")
    clock.set(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    logged = open_desk("ann").log_call(NewCall(phone="404 555 0134", outcome="callback", assignee="rAJ"))
    assert logged.callback.assignee == "Raj"
    assert desk.callbacks.open_count(mine=True) == 1


def test_the_demo_desks_people_are_the_desks_spelling(open_desk):
    """The big demo writes rows straight to the tables: its operators are recorded first, so a
    desk opened as 'RAJ' afterwards is the demo's 'raj', with the demo's callbacks as its own."""
    from frontdesk.demo import fill_demo

    demo = open_desk("ann")
    fill_demo(demo, customers=6000, calls=300)  # above the size that takes the bulk path
    raj = open_desk("RAJ")
    assert raj.operator == "raj"
    assert raj.callbacks.open_count(mine=True) == raj.store.one(
        "SELECT count(*) AS n FROM callbacks WHERE state = 'open' AND assignee = 'raj'")["n"] > 0


def test_known_gives_the_desks_spelling_or_none_and_records_nobody(desk):
    assert desk.operators.canonical("Raj") == "Raj"
    assert desk.operators.known("  RAJ ") == "Raj"
    assert desk.operators.known("ANN") == "ann"  # the operator at the keyboard is known
    assert desk.operators.known("Raj Patel") is None
    assert desk.operators.known("Raj Patel") is None  # asking did not record them
    assert desk.operators.known("   ") is None


def test_a_reopened_file_is_asked_for_its_own_spellings(desk, tmp_path):
    """A backup restored over the desk's file spells a person its own way: after reopening,
    the desk uses the restored file's spelling, not the one it had read from the old file."""
    import os
    import shutil

    from frontdesk.db import open_database
    from frontdesk.store import Store

    other = tmp_path / "restored.db"
    restored = Store(open_database(other))
    with restored.write():
        restored.operators.add("raj", "RAJ", desk.clock.now())
    restored.close()
    assert desk.operators.canonical("raj") == "raj"  # this file's first spelling
    path = desk.store.path
    shutil.copyfile(other, str(path) + ".restored")
    os.replace(str(path) + ".restored", path)  # as a restore puts a backup in place
    desk.reopen()
    assert desk.operators.known("Raj") == "RAJ"
