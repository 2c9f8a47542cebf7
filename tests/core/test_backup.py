"""Backups: consistent while another process writes, checked, atomic, never over the live file."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from frontdesk.backup import backup_database
from frontdesk.clock import FixedClock
from frontdesk.db import open_database
from frontdesk.errors import DeskError
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store

ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}
ROOT = Path(__file__).resolve().parents[2]
SUMMARY = re.compile(r"backed up (\d+) calls, (\d+) customers to (.+) \(integrity ok\)")


def make_desk(path: Path, who: str = "ann") -> Desk:
    return Desk(Store(open_database(path)), FixedClock(datetime(2026, 11, 23, 15, tzinfo=UTC)), who, env=ENV)


def fill(desk: Desk, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        desk.log_call(NewCall(phone=f"404 555 {100 + i % 100:04d}", name=f"Caller {i % 100}",
                              topic="billing", note=f"call {i} " + "x" * 200))


def counts(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("SELECT count(*) FROM calls").fetchone()[0],
                conn.execute("SELECT count(*) FROM customers WHERE merged_into IS NULL").fetchone()[0])
    finally:
        conn.close()


def check_copy(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    assert not path.with_name(path.name + "-wal").exists()


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_backup_copies_checks_and_opens_in_the_app(tmp_path):
    desk = make_desk(tmp_path / "live.db")
    fill(desk, 30)
    message = backup_database(tmp_path / "live.db", tmp_path / "copy.db")
    assert message == f"backed up 30 calls, 30 customers to {tmp_path / 'copy.db'} (integrity ok)"
    check_copy(tmp_path / "copy.db")
    assert counts(tmp_path / "copy.db") == counts(tmp_path / "live.db") == (30, 30)
    reopened = make_desk(tmp_path / "copy.db")
    assert len(reopened.store.calls_between(*reopened.day_bounds(reopened.today()))) == 30
    reopened.store.close()
    assert leftovers(tmp_path) == []
    desk.store.close()


def test_backup_replaces_an_old_backup_atomically(tmp_path):
    desk = make_desk(tmp_path / "live.db")
    fill(desk, 3)
    (tmp_path / "copy.db").write_text("last week's backup")
    backup_database(tmp_path / "live.db", tmp_path / "copy.db", force=True)
    assert counts(tmp_path / "copy.db") == (3, 3)
    desk.store.close()


def test_refuses_to_overwrite_the_live_database(tmp_path):
    desk = make_desk(tmp_path / "live.db")
    fill(desk, 3)
    before = counts(tmp_path / "live.db")
    (tmp_path / "link.db").symlink_to(tmp_path / "live.db")
    os.link(tmp_path / "live.db", tmp_path / "hard.db")
    for target in ("live.db", "link.db", "hard.db", "live.db-wal", "live.db-shm"):
        with pytest.raises(DeskError, match="live database"):
            backup_database(tmp_path / "live.db", tmp_path / target)
    with pytest.raises(DeskError, match="live database"):
        backup_database(tmp_path / "link.db", tmp_path / "live.db")
    assert counts(tmp_path / "live.db") == before
    assert leftovers(tmp_path) == []
    desk.store.close()


def test_clear_errors_and_no_partial_file(tmp_path):
    with pytest.raises(DeskError, match="no database"):
        backup_database(tmp_path / "absent.db", tmp_path / "copy.db")
    desk = make_desk(tmp_path / "live.db")
    with pytest.raises(DeskError, match="no such directory"):
        backup_database(tmp_path / "live.db", tmp_path / "missing" / "copy.db")
    with pytest.raises(DeskError, match="directory"):
        backup_database(tmp_path / "live.db", tmp_path)
    make_desk(tmp_path / "other.db").store.close()
    (tmp_path / "busy.db").write_bytes(b"")
    (tmp_path / "busy.db-wal").write_bytes(b"")
    with pytest.raises(DeskError, match="in use"):
        backup_database(tmp_path / "live.db", tmp_path / "busy.db")
    (tmp_path / "notes.txt").write_text("not a database at all, but long enough " * 200)
    with pytest.raises(DeskError):
        backup_database(tmp_path / "notes.txt", tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists() and leftovers(tmp_path) == []
    desk.store.close()


def test_restarted_copies_fall_back_to_one_snapshot(tmp_path):
    """Each step sees a write by another connection, which restarts SQLite's copy; after
    max_restarts the copy is finished in one step, and it still holds every committed row."""
    desk = make_desk(tmp_path / "live.db")
    fill(desk, 200)
    writer = make_desk(tmp_path / "live.db", "ben")
    steps: list[int] = []

    def write_between_steps(remaining: int, total: int) -> None:
        steps.append(remaining)
        fill(writer, 1, start=1000 + len(steps))

    message = backup_database(tmp_path / "live.db", tmp_path / "copy.db", pages=4,
                              max_restarts=3, on_step=write_between_steps)
    assert len(steps) == 4  # the first step, then three restarts; the fourth gave up stepping
    check_copy(tmp_path / "copy.db")
    assert counts(tmp_path / "copy.db") == counts(tmp_path / "live.db") == (204, 100)
    assert SUMMARY.fullmatch(message).groups()[:2] == ("204", "100")
    writer.store.close()
    desk.store.close()


WRITER = textwrap.dedent("""
    import sys
    from datetime import UTC, datetime
    from pathlib import Path
    from frontdesk.clock import SystemClock
    from frontdesk.db import open_database
    from frontdesk.services import Desk, NewCall
    from frontdesk.store import Store

    db, stop = Path(sys.argv[1]), Path(sys.argv[2])
    desk = Desk(Store(open_database(db)), SystemClock(), "writer",
                env={"TZ": "America/New_York", "FRONTDESK_REGION": "US"})
    written = 0
    while not stop.exists():
        desk.log_call(NewCall(phone=f"404 555 {200 + written % 50:04d}", name=f"W{written % 50}",
                              topic="load", note="x" * 300, outcome="callback" if written % 3 == 0 else "resolved"))
        written += 1
    print(written)
""")


def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_backup_while_another_process_writes(tmp_path):
    live = tmp_path / "live.db"
    desk = make_desk(live)
    fill(desk, 300)
    stop = tmp_path / "stop"
    env = {**os.environ, **ENV, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(live), str(stop)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: counts(live)[0] >= 320)
        results = []
        for i, pages in enumerate((8, 64, 256)):
            before = counts(live)[0]
            target = tmp_path / f"copy{i}.db"
            # Slow steps let the writer commit in between, as on a busy desk with a large file.
            message = backup_database(live, target, pages=pages, on_step=lambda r, t: time.sleep(0.005))
            after = counts(live)[0]
            check_copy(target)
            copied = counts(target)
            assert SUMMARY.fullmatch(message).groups()[:2] == tuple(str(n) for n in copied)
            assert before <= copied[0] <= after
            results.append((before, copied[0], after))
        wait_for(lambda: counts(live)[0] > results[-1][2] + 5)
    finally:
        stop.touch()
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert int(out) > 20 and counts(live)[0] == 300 + int(out)
    assert results[-1][1] > results[0][0]  # the copies saw the writer's rows arrive
    desk.store.close()
