"""Opening the file: pragmas, upgrades in place, refusing what is not ours or is too new."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from datetime import UTC, datetime

import pytest
from sqlite_utils import Database

from frontdesk import migrations
from frontdesk.clock import FixedClock
from frontdesk.db import DatabaseError, applied_steps, open_database, transaction
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store

ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fresh_file_pragmas(db_path):
    db = open_database(db_path)
    try:
        pragma = lambda name: db.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 2000
        assert pragma("journal_size_limit") > 0
        assert applied_steps(db) == list(migrations.SCHEMA_STEPS)
        tables = set(db.as_database().table_names())
        assert {"customers", "phones", "calls", "callbacks", "callback_events", "settings",
                "audit", "drafts"} <= tables
    finally:
        db.close()


def test_reopening_is_harmless(db_path):
    open_database(db_path).close()
    db = open_database(db_path)
    try:
        assert applied_steps(db) == list(migrations.SCHEMA_STEPS)
    finally:
        db.close()


def test_foreign_keys_are_enforced(db_path):
    db = open_database(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(
                "INSERT INTO phones (customer_id, e164, created_at) VALUES (999, '+1', 'x')"
            )
    finally:
        db.close()


def make_version_1(path) -> None:
    """A database as FrontDesk's first schema step left it, with a customer, a number and a call."""
    db = Database(path)
    later = list(migrations.SCHEMA_STEPS[1:])
    assert later, "there is only one schema step"
    migrations.migrations.apply(db, stop_before=later)
    assert applied_steps(db) == [migrations.SCHEMA_STEPS[0]]
    with db.conn:
        db.execute(
            """INSERT INTO customers (id, name, company, notes, created_at, created_by, updated_at,
               last_call_at) VALUES (7, 'Maria Lopez', 'Acme Plumbing', 'VIP',
               '2026-11-20T14:00:00Z', 'bob', '2026-11-20T14:00:00Z', '2026-11-20T14:05:00Z')"""
        )
        db.execute(
            """INSERT INTO phones (id, customer_id, e164, ext, label, created_at)
               VALUES (3, 7, '+14045550134', '', 'office', '2026-11-20T14:00:00Z')"""
        )
        db.execute(
            """INSERT INTO calls (id, uid, customer_id, e164, ext, direction, at, operator, topic,
               note, outcome, created_at) VALUES (11, 'old-1', 7, '+14045550134', '', 'in',
               '2026-11-20T14:05:00Z', 'bob', 'boiler', 'pressure drops overnight', 'resolved',
               '2026-11-20T14:05:00Z')"""
        )
    db.close()


def test_version_1_file_is_upgraded_in_place(db_path, clock):
    make_version_1(db_path)
    db = open_database(db_path)
    assert applied_steps(db) == list(migrations.SCHEMA_STEPS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    desk = Desk(Store(db), clock, "ann", env=ENV)
    try:
        customer = desk.customers.customer(7)
        assert (customer.name, customer.company, customer.notes) == ("Maria Lopez", "Acme Plumbing", "VIP")
        assert [p.e164 for p in customer.phones] == ["+14045550134"]
        assert [c.id for c in desk.history(7)] == [11]
        # The search indexes were built from the rows that were already there.
        for text in ("(404) 555-0134", "0134", "Lop", "Acme"):
            assert [m.customer.id for m in desk.find_callers(text)] == [7], text
        assert [c.id for c in desk.search("pressure").calls] == [11]
        # And the upgraded file works as a current one.
        again = desk.log_call(NewCall(phone="404.555.0134", note="follow-up"))
        assert again.customer.id == 7 and not again.new_customer
    finally:
        db.close()


def test_newer_database_is_refused_and_left_untouched(db_path):
    db = open_database(db_path)
    with transaction(db):
        db.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            ["frontdesk", "m999_from_the_future", "2030-01-01 00:00:00"],
        )
    db.close()
    before = digest(db_path)
    siblings = sorted(os.listdir(db_path.parent))
    with pytest.raises(DatabaseError, match="newer FrontDesk") as err:
        open_database(db_path)
    assert "m999_from_the_future" in str(err.value)
    assert digest(db_path) == before
    assert sorted(os.listdir(db_path.parent)) == siblings


def test_newer_database_in_rollback_mode_is_left_untouched(db_path):
    """The refusal comes before the switch to WAL, which would rewrite the file header."""
    open_database(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('frontdesk', 'm999_from_the_future', 'x')"
    )
    conn.commit()
    conn.close()
    before = digest(db_path)
    with pytest.raises(DatabaseError, match="newer FrontDesk"):
        open_database(db_path)
    assert digest(db_path) == before


def test_an_empty_file_becomes_a_new_database(db_path):
    db_path.touch()
    db = open_database(db_path)
    try:
        assert applied_steps(db) == list(migrations.SCHEMA_STEPS)
    finally:
        db.close()


def test_random_bytes_are_a_damaged_database(tmp_path):
    """Not SQLite and not text: a desk file overwritten by something. Say it is damaged and how to
    restore a backup (never "not a FrontDesk database", which suggests the wrong file was named)."""
    path = tmp_path / "junk.db"
    path.write_bytes(os.urandom(4096) + b"\0" * 4096)
    before = digest(path)
    with pytest.raises(DatabaseError, match=r"junk.db is damaged \(file is not a database\)\. Restore the latest backup"):
        open_database(path)
    assert digest(path) == before


def test_a_text_file_is_not_a_database(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("call Maria back\n" * 200)
    with pytest.raises(DatabaseError, match="not a FrontDesk database"):
        open_database(path)
    assert path.read_text() == "call Maria back\n" * 200


def test_another_programs_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.execute("INSERT INTO bookmarks VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(DatabaseError, match="not a FrontDesk database"):
        open_database(path)
    assert digest(path) == before
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["bookmarks"]
    conn.close()


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(DatabaseError, match="directory"):
        open_database(tmp_path)


def test_new_files_are_private(tmp_path, clock):
    path = tmp_path / "sub" / "desk.db"
    db = open_database(path)
    desk = Desk(Store(db), clock, "ann", env=ENV)
    desk.log_call(NewCall(phone="404 555 0134", name="Maria"))
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        wal = path.with_name("desk.db-wal")
        assert wal.exists()
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    finally:
        db.close()


def test_two_connections_see_each_others_writes(db_path):
    first, second = open_database(db_path), open_database(db_path)
    clock = FixedClock(datetime(2026, 11, 23, 15, tzinfo=UTC))
    try:
        a = Desk(Store(first), clock, "ann", env=ENV)
        b = Desk(Store(second), clock, "bob", env=ENV)
        version = b.store.data_version()
        logged = a.log_call(NewCall(phone="404 555 0134", name="Maria"))
        assert b.store.data_version() != version
        assert [m.customer.id for m in b.find_callers("0134")] == [logged.customer.id]
    finally:
        first.close()
        second.close()


def test_db_names_the_same_schema_steps_as_the_migrations():
    from frontdesk import db as db_module

    assert db_module.SCHEMA_STEPS == migrations.SCHEMA_STEPS
    assert db_module.MIGRATION_SET == migrations.migrations.name
    assert db_module.MIGRATIONS_TABLE == migrations.migrations.migrations_table


def test_an_up_to_date_file_opens_without_loading_sqlite_utils(db_path):
    """Every start after the first: one query to see the schema is current, no 30 ms import."""
    import subprocess
    import sys

    open_database(db_path).close()
    script = ("import sys\nfrom frontdesk.db import open_database\n"
              f"open_database({str(db_path)!r}).close()\n"
              "print('sqlite_utils' in sys.modules)\n")
    fresh = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert fresh.stdout.strip() == "False"
    new_file = str(db_path.with_name("new.db"))
    script = script.replace(repr(str(db_path)), repr(new_file))
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert first.stdout.strip() == "True"  # a new file is built by the sqlite-utils steps


def test_a_failed_nested_write_rolls_back_only_its_own_part(db_path):
    db = open_database(db_path)
    try:
        with transaction(db):
            db.execute("INSERT INTO drafts VALUES ('ann', 'x', '{}')")
            with pytest.raises(ValueError), transaction(db):
                db.execute("INSERT INTO drafts VALUES ('raj', 'y', '{}')")
                raise ValueError("the inner part fails")
            with transaction(db):
                db.execute("INSERT INTO drafts VALUES ('mei', 'z', '{}')")
        assert [r[0] for r in db.execute("SELECT operator FROM drafts ORDER BY operator")] == ["ann", "mei"]
        assert not db.conn.in_transaction
    finally:
        db.close()
