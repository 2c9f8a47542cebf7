"""The owner's view across offices (--office NAME=PATH on due, export and report): every
office's file is read, never written, and the combined figures are the sum of the single ones."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from frontdesk.cli import main
from frontdesk.clock import FixedClock
from frontdesk.db import open_database
from frontdesk.errors import DeskError
from frontdesk.export import FIELDS
from frontdesk.offices import Office, open_office, parse_offices
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store

DESK_ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}


def make_desk(path: Path, clock: FixedClock, calls: int, prefix: str, promises: int = 0) -> None:
    store = Store(open_database(path))
    try:
        desk = Desk(store, clock, "ann", env=DESK_ENV)
        for n in range(calls):
            due = clock.now() - timedelta(hours=1) if n < promises else None
            desk.log_call(NewCall(phone=f"404555{prefix}{n:03d}", name=f"{prefix} caller {n}",
                                  topic="billing" if n % 2 else "Delivery", note="note",
                                  at=clock.now() - timedelta(hours=2, minutes=n),
                                  outcome="callback" if due else "resolved", callback_due=due))
    finally:
        store.close()


def fingerprint(path: Path) -> dict[str, tuple[bytes, int]]:
    """The bytes and modification time of the database file and of its -wal. A -wal that holds
    nothing is left out: a read-only reader of a WAL-mode file with none (the last desk closed)
    creates an empty one, as SQLite does for every reader (with the -shm index)."""
    found = {}
    for name in (path.name, path.name + "-wal"):
        candidate = path.with_name(name)
        if candidate.exists() and (name == path.name or candidate.stat().st_size):
            found[name] = (candidate.read_bytes(), candidate.stat().st_mtime_ns)
    return found


def run(args: list[str], clock: FixedClock, capsys) -> tuple[int, str, str]:
    code = main(args, clock=clock)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def offices(tmp_path, clock) -> tuple[Path, Path]:
    north, south = tmp_path / "north.db", tmp_path / "south.db"
    make_desk(north, clock, 7, "1", promises=2)
    make_desk(south, clock, 5, "2", promises=1)
    return north, south


def test_nothing_is_written_to_an_office(offices, clock, capsys):
    north, south = offices
    # A desk still open at the north office, its last calls only in the -wal (not checkpointed).
    live = sqlite3.connect(north, isolation_level=None)
    live.execute("PRAGMA wal_autocheckpoint = 0")
    live.execute("UPDATE calls SET note = 'in the wal' WHERE id = 1")
    before = {path: fingerprint(path) for path in offices}
    assert north.name + "-wal" in before[north]
    opts = ["--office", f"north={north}", "--office", f"south={south}"]
    for args in (["due", *opts], ["export", *opts], ["export", "--format", "json", *opts],
                 ["export", "--format", "md", *opts], ["report", *opts], ["report", "--format", "json", *opts]):
        code, _, err = run(args, clock, capsys)
        assert code in (0, 1), err
    live.close()  # the north desk closes; its own last checkpoint is the office's business
    after_close = fingerprint(north)
    # Read again, now with the file checkpointed: still nothing written.
    code, _, err = run(["report", *opts], clock, capsys)
    assert code == 0, err
    assert fingerprint(north) == after_close
    assert fingerprint(south) == before[south]
    assert before[north][north.name][1] <= after_close[north.name][1]


def test_an_office_is_opened_read_only(offices, clock, tmp_path):
    north, _ = offices
    before = fingerprint(north)
    with open_office(Office("north", north), clock, tmp_path) as office:
        store = office.desk.store
        assert office.desk.callbacks.due(None)  # reads work (the reader connection is made here)
        assert store._reader is not None
        for conn in (store.db.conn, store._reader):
            conn.execute("PRAGMA query_only = 0")  # only the file's mode=ro stops a write now
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                conn.execute("CREATE TABLE x (y)")
        with pytest.raises(sqlite3.Error):
            with store.write():  # refused before the write lock is even taken
                pass
    assert fingerprint(north) == before


def test_office_reports_are_the_sum_of_single_reports(offices, clock, capsys):
    north, south = offices
    singles = []
    for path in offices:
        code, out, err = run(["--db", str(path), "report", "--format", "json"], clock, capsys)
        assert code == 0, err
        singles.append(json.loads(out))
    code, out, err = run(["report", "--format", "json", "--office", f"north={north}", "--office", f"south={south}"],
                         clock, capsys)
    assert code == 0, err
    both = json.loads(out)
    assert [o["office"] for o in both["offices"]] == ["north", "south"]
    for key in ("calls", "calls_in", "calls_out", "distinct_callers", "new_customers", "promised", "kept", "late",
                "still_open", "overdue"):
        assert both["combined"][key] == singles[0][key] + singles[1][key], key
        assert [o[key] for o in both["offices"]] == [singles[0][key], singles[1][key]], key
    assert both["combined"]["calls"] == 12 and both["combined"]["overdue"] == 3
    assert dict((t, n) for t, n in both["combined"]["top_topics"]) == {"billing": 5, "Delivery": 7}
    assert len(both["combined"]["overdue_promises"]) == 3

    # due: every office's overdue callbacks, named, and exit status 1
    code, out, err = run(["due", "--format", "json", "--office", f"north={north}", "--office", f"south={south}"],
                         clock, capsys)
    assert code == 1, err
    due = json.loads(out)
    assert sorted(c["office"] for c in due["callbacks"]) == ["north", "north", "south"]
    assert [o["overdue"] for o in due["offices"]] == [2, 1]


def test_office_export_has_an_office_column_last(offices, clock, capsys):
    north, south = offices
    code, out, err = run(["export", "--office", f"north={north}", "--office", f"south={south}"], clock, capsys)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    code, single, _ = run(["--db", str(north), "export"], clock, capsys)
    single_rows = list(csv.reader(io.StringIO(single.removeprefix("\ufeff"))))
    assert rows[0] == [*single_rows[0], "Office"]  # a single desk's columns keep their places
    assert "Office" not in single_rows[0]
    assert len(rows) - 1 == 12
    assert [r[-1] for r in rows[1:]] == ["north"] * 7 + ["south"] * 5
    assert rows[1:8] == [[*r, "north"] for r in single_rows[1:]]
    code, out, _ = run(["export", "--format", "ndjson", "--office", f"north={north}", "--office", f"south={south}"],
                       clock, capsys)
    lines = [json.loads(line) for line in out.splitlines()]
    assert list(lines[0]) == [*FIELDS, "office"]


def test_an_office_at_an_older_schema_is_read_through_a_private_copy(offices, clock, capsys, tmp_path):
    north, south = offices
    conn = sqlite3.connect(south)
    with conn:
        conn.execute("DROP TABLE operators")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_operators'")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = fingerprint(south)
    code, out, err = run(["report", "--format", "json", "--office", f"north={north}", "--office", f"south={south}"],
                         clock, capsys)
    assert code == 0, err
    assert "office south is at an older schema" in err
    assert json.loads(out)["offices"][1]["calls"] == 5
    assert fingerprint(south) == before
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob("frontdesk-offices-*/office-*.db"))


def test_an_office_from_a_newer_frontdesk_or_another_program_is_refused(offices, clock, capsys, tmp_path):
    north, south = offices
    conn = sqlite3.connect(south)
    with conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('frontdesk', 'm999_future', '2030-01-01')")
    conn.close()
    code, _, err = run(["due", "--office", f"north={north}", "--office", f"south={south}"], clock, capsys)
    assert code == 2
    assert err.strip().splitlines() == [
        f"frontdesk: office south: {south} was written by a newer FrontDesk (schema step m999_future); "
        "upgrade FrontDesk here to read it"]
    other = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE t (x)")
    code, _, err = run(["export", "--office", f"x={other}"], clock, capsys)
    assert code == 2 and "is not a FrontDesk database" in err
    assert "Traceback" not in err


def test_office_options_are_checked(tmp_path):
    with pytest.raises(DeskError, match="NAME=PATH"):
        parse_offices(["north"])
    with pytest.raises(DeskError, match="no database"):
        parse_offices([f"north={tmp_path / 'missing.db'}"])
    with pytest.raises(DeskError, match="not a database file"):
        parse_offices([f"north={tmp_path}"])




def test_an_office_file_is_never_the_output(offices, clock, capsys):
    north, south = offices
    before = fingerprint(north)
    for command in ("export", "report"):
        code, _, err = run([command, "--office", f"north={north}", "--office", f"south={south}",
                            "--output", str(north), "--force"], clock, capsys)
        assert code == 2 and "refusing to overwrite an office's database" in err, err
    assert fingerprint(north) == before
