"""Many desks on one file at once: real processes and real connections, no mocks.

Four processes log 50 calls each through `frontdesk log` at the same moment on a database
none of them has created yet; two threads with their own connections write at the same time.
Nothing may fail, nothing may be lost, nothing may be stored twice."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from frontdesk.clock import FixedClock
from frontdesk.db import open_database, transaction
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4
CALLS_EACH = 50
ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}

# One interpreter per desk, 50 `frontdesk log` commands in it (each opens the database as a
# separate `frontdesk log` process would): a fast stand-in for 50 shell invocations.
WORKER = textwrap.dedent("""
    import contextlib, io, os, sys, time
    from frontdesk.cli import main

    path, worker, go, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.002)
    failed = 0
    for n in range(count):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["--db", path, "--operator", f"desk{worker}", "log",
                         "--phone", f"404555{worker}{n:03d}", "--name", f"Caller {worker}-{n}",
                         "--note", "concurrent", "--uid", f"w{worker}-{n}"])
        if code != 0:
            failed += 1
        else:
            print(out.getvalue().strip(), f"w{worker}-{n}", flush=True)
    sys.exit(1 if failed else 0)
""")


def start_workers(db: Path, go: Path) -> list[subprocess.Popen]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db), str(worker), str(go), str(CALLS_EACH)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for worker in range(PROCESSES)
    ]
    for proc in procs:  # every interpreter is up and waiting: the start is simultaneous
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    return procs


def test_four_processes_log_fifty_calls_each_at_the_same_time(tmp_path):
    db = tmp_path / "desk.db"  # fresh: the four race to create and upgrade it too
    go = tmp_path / "go"
    procs = start_workers(db, go)
    go.touch()
    printed: list[tuple[int, str]] = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"a desk failed:\n{err}"
        assert "Traceback" not in err and "locked" not in err, err
        printed += [(int(line.split()[0]), line.split()[1]) for line in out.splitlines()]

    expected = {f"w{w}-{n}" for w in range(PROCESSES) for n in range(CALLS_EACH)}
    assert len(printed) == PROCESSES * CALLS_EACH
    assert {uid for _, uid in printed} == expected
    assert len({call_id for call_id, _ in printed}) == len(printed), "two commands got one id"

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = dict(conn.execute("SELECT uid, id FROM calls").fetchall())
        assert conn.execute("SELECT count(*) FROM calls").fetchone()[0] == 200
        assert set(stored) == expected
        assert all(stored[uid] == call_id for call_id, uid in printed)
        # Every call made its own customer (distinct numbers), each number stored once.
        assert conn.execute("SELECT count(*) FROM customers").fetchone()[0] == 200
        assert conn.execute("SELECT count(DISTINCT e164), count(*) FROM phones").fetchone() == (200, 200)
        operators = dict(conn.execute("SELECT operator, count(*) FROM calls GROUP BY operator").fetchall())
        assert operators == {f"desk{w}": CALLS_EACH for w in range(PROCESSES)}
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def _desk(db: Path, operator: str) -> Desk:
    """A desk on its own connection, as another process would have."""
    clock = FixedClock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
    return Desk(Store(open_database(db)), clock, operator, env=ENV)


def test_two_threads_with_their_own_connections_write_at_once(db_path):
    first, second = _desk(db_path, "ann"), _desk(db_path, "raj")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(desk: Desk, tag: str, digit: int) -> None:
        try:
            barrier.wait()
            for n in range(40):
                desk.log_call(NewCall(phone=f"404555{digit}{n:03d}", name=f"{tag} {n}", uid=f"{tag}-{n}"))
                desk.save_draft({"phone": f"{n}"})  # drafts are written all day long too
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(first, "ann", 1)),
               threading.Thread(target=write, args=(second, "raj", 2))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert errors == []
        rows = first.store.db.execute("SELECT operator, count(*) FROM calls GROUP BY operator").fetchall()
        assert dict(rows) == {"ann": 40, "raj": 40}
        assert first.store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        first.store.close()
        second.store.close()


def test_a_writer_waits_for_another_connections_transaction_instead_of_failing(db_path):
    """BEGIN IMMEDIATE takes the write lock up front, so the busy timeout applies: the second
    writer waits while the first holds its transaction, then goes ahead."""
    first, second = _desk(db_path, "ann"), _desk(db_path, "raj")
    holding = threading.Event()
    held_for = 0.6

    def hold() -> None:
        with first.store.write():
            first.store.db.execute("INSERT INTO drafts VALUES ('ann', '2026-11-23T15:00:00Z', '{}')")
            holding.set()
            time.sleep(held_for)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(5)
        started = time.monotonic()
        logged = second.log_call(NewCall(phone="4045550134", name="Waited", uid="waited"))
        waited = time.monotonic() - started
        holder.join(5)
        assert logged.call.id
        assert waited >= held_for / 2, "the second writer did not wait for the first"
        assert second.store.call_id_for_uid("waited") == logged.call.id
        assert first.draft() == {}
    finally:
        holder.join(5)
        first.store.close()
        second.store.close()


def test_a_transaction_that_starts_by_reading_still_waits(db_path):
    """A read followed by a write in one transaction (check uid, then insert) is where a
    deferred BEGIN fails at once with 'database is locked'; `transaction` must not."""
    first, second = _desk(db_path, "ann"), _desk(db_path, "raj")
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction(first.store.db):
            first.store.db.execute("INSERT INTO drafts VALUES ('ann', 'x', '{}')")
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(5)
        threading.Timer(0.3, release.set).start()
        with transaction(second.store.db) as db:
            db.execute("SELECT count(*) FROM drafts").fetchone()
            db.execute("INSERT INTO drafts VALUES ('raj', 'y', '{}')")
        count = second.store.db.execute("SELECT count(*) FROM drafts").fetchone()[0]
        assert count == 2
    finally:
        release.set()
        holder.join(5)
        first.store.close()
        second.store.close()


def test_the_queue_snapshot_is_read_at_one_instant(tmp_path):
    """The queue, its counters and its totals come from one read transaction: a promise saved
    by another desk meanwhile shows in all of them at the next read, never in only some."""
    db = tmp_path / "desk.db"
    first, second = _desk(db, "ann"), _desk(db, "raj")
    try:
        second.log_call(NewCall(phone="4045550101", name="Ada", outcome="callback"))
        with first.store.read():
            queue = first.callbacks.open_callbacks(limit=10)
            second.log_call(NewCall(phone="4045550102", name="Bo", outcome="callback"))  # commits now
            assert first.callbacks.open_count() == len(queue) == 1  # still the snapshot's view
        assert first.callbacks.open_count() == 2  # the next read sees it
        queue, counts, total, mine = first.callbacks.queue_snapshot(10)
        assert len(queue) == total == 2 and mine == 0 and sum(counts) <= total
    finally:
        first.store.close()
        second.store.close()


def _hold_write_lock(db: Path, started: threading.Event, hold_after_start: float,
                     released: list[float]) -> threading.Thread:
    """A thread that takes the write lock on its own connection, waits until the other writer
    has started waiting, holds on for `hold_after_start` seconds, then commits."""
    holder = open_database(db)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO drafts VALUES ('ann', 'x', '{}')")

    def hold() -> None:
        try:
            started.wait(10)
            time.sleep(hold_after_start)
            committing = time.monotonic()  # the lock is free from within COMMIT on
            holder.execute("COMMIT")
            released.extend((committing, time.monotonic()))
        finally:
            holder.close()

    thread = threading.Thread(target=hold)
    thread.start()
    return thread


def test_a_waiting_writer_gets_the_lock_within_a_few_ms_of_its_release(db_path):
    """SQLite's own busy handler sleeps in growing steps (..., 50, 50, 100 ms): a writer that had
    waited 0.34 s tried again only at 0.43 s, ~90 ms after the lock was free. `transaction`
    polls every 1-3 ms, so it goes ahead as soon as the lock is released (50 ms is generous)."""
    open_database(db_path).close()  # created and upgraded before the race
    started, released = threading.Event(), []
    holder = _hold_write_lock(db_path, started, 0.34, released)
    waiter = open_database(db_path)
    try:
        started.set()
        with transaction(waiter):
            acquired = time.monotonic()
            waiter.execute("INSERT INTO drafts VALUES ('raj', 'y', '{}')")
        holder.join(5)
        assert released, "the holder never committed"
        committing, committed = released
        assert acquired >= committing, "the waiter wrote while the other connection held the lock"
        assert acquired - committed < 0.05, f"took the free lock {acquired - committed:.3f} s late"
        assert waiter.execute("SELECT count(*) FROM drafts").fetchone()[0] == 2
        assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == 8000  # restored after the wait
    finally:
        holder.join(5)
        waiter.close()


def test_a_lock_held_longer_than_the_busy_timeout_still_fails_as_locked(db_path):
    """The polling keeps SQLite's deadline: the connection's busy timeout, then 'database is
    locked' (the desk turns that into its 'try again' message), with nothing half-begun."""
    open_database(db_path).close()
    started, released = threading.Event(), []
    holder = _hold_write_lock(db_path, started, 1.5, released)
    waiter = open_database(db_path)
    try:
        waiter.execute("PRAGMA busy_timeout = 300")
        started.set()
        t0 = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="database is locked"), transaction(waiter):
            pytest.fail("went ahead while another connection held the write lock")
        waited = time.monotonic() - t0
        assert 0.28 <= waited < 1.2, f"gave up after {waited:.2f} s, not the 0.3 s busy timeout"
        assert not released, "the holder let go before the deadline: nothing was tested"
        assert not waiter.conn.in_transaction
        assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == 300
    finally:
        holder.join(5)
        waiter.close()
