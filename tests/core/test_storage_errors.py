"""The words for a failing database file, from real SQLite refusals on real files. The command
line prints them; the app's screens reach the same function through frontdesk.services (they
never import the db layer)."""

from __future__ import annotations

import sqlite3

import pytest

from frontdesk.db import BUSY_TIMEOUT_MS
from frontdesk.services import StorageError, describe_storage_error


def refusal(conn: sqlite3.Connection, sql: str, params=()) -> StorageError:
    with pytest.raises(StorageError) as err:
        conn.execute(sql, params)
    return err.value


def test_locked_read_only_full_and_damaged_each_have_their_sentence(desk, db_path):
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        locked = refusal(conn, "BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        assert describe_storage_error(locked, db_path) == (
            f"the database is locked by another desk for more than {BUSY_TIMEOUT_MS / 1000:g} s; try again")

        conn.execute("PRAGMA query_only = 1")
        read_only = refusal(conn, "DELETE FROM drafts")
        conn.execute("PRAGMA query_only = 0")
        assert describe_storage_error(read_only, db_path) == (
            f"the database file {db_path} is read-only: nothing can be saved (see its permissions)")

        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        full = refusal(conn, "INSERT INTO drafts VALUES ('raj', 'x', ?)", ["x" * 100_000])
        assert describe_storage_error(full, db_path) == (
            f"the disk holding {db_path} is full: nothing was saved. Free some space and try again")
    finally:
        conn.close()
        other.close()

    junk = db_path.with_name("junk.db")
    junk.write_bytes(bytes(range(256)) * 64)
    damaged = refusal(sqlite3.connect(junk), "SELECT * FROM sqlite_master")
    assert describe_storage_error(damaged, junk) == (
        f"{junk} is damaged (file is not a database). Restore the latest backup: frontdesk backup "
        "makes them; copy one over this file while no desk is open.")
    assert describe_storage_error(damaged).startswith("the database is damaged")
