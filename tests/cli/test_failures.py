"""Every failure of the command line is one line on stderr and a documented exit status
(2 for any error; `due`'s 1 only means "something is overdue"), never a traceback; and what
was refused changed nothing. Real database files throughout, damaged or locked for real."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from frontdesk.cli import main

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("customers", "phones", "calls", "callbacks", "callback_events", "audit")


def run(capsys, *args: str, **kwargs) -> tuple[int, str, str]:
    code = main(list(args), **kwargs)
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*args: str | bytes, db: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FRONTDESK_DB": str(db), **extra}
    return subprocess.run([sys.executable, "-m", "frontdesk", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, errors="replace", timeout=60)


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


def one_line(err: str) -> str:
    assert "Traceback" not in err, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("frontdesk: "), err
    return err.strip()


# -- text over its limit ------------------------------------------------------------------------


@pytest.mark.parametrize("option, field, length, limit", [
    ("--note", "note", 10_001, "10,000"), ("--name", "name", 501, "500"), ("--topic", "topic", 501, "500"),
    ("--company", "company", 501, "500"), ("--assignee", "assignee", 501, "500"),
])
def test_log_refuses_text_over_its_limit(capsys, db_path, option, field, length, limit):
    code, _, err = run(capsys, "--db", str(db_path), "log", "--phone", "404 555 0134", "--name", "Maria")
    assert code == 0, err
    before = counts(db_path)
    extra = ["--callback-in", "1h"] if option == "--assignee" else []
    code, out, err = run(capsys, "--db", str(db_path), "log", "--phone", "212 555 0100",
                         option, "x" * length, *extra)
    assert (code, out) == (2, "")
    assert one_line(err) == f"frontdesk: {field} is too long: {length:,} characters, the limit is {limit}"
    assert counts(db_path) == before


# -- a damaged database -------------------------------------------------------------------------

DAMAGED = "is damaged ({}). Restore the latest backup: frontdesk backup makes them; copy one over this file while no desk is open."


def a_real_desk(path: Path) -> bytes:
    """A desk file of several pages, closed (so everything is in the main file), as bytes."""
    from datetime import UTC, datetime

    from frontdesk.clock import FixedClock
    from frontdesk.db import open_database
    from frontdesk.services import Desk, NewCall
    from frontdesk.store import Store

    desk = Desk(Store(open_database(path)), FixedClock(datetime(2026, 11, 23, 15, tzinfo=UTC)), "ann",
                env={"TZ": "America/New_York", "FRONTDESK_REGION": "US"})
    for i in range(40):
        desk.log_call(NewCall(phone=f"404 555 01{i:02d}", name=f"Caller {i}", note="a long note " * 30))
    desk.store.close()
    assert not Path(f"{path}-wal").exists()
    return path.read_bytes()


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def schema_overwritten(data: bytes) -> bytes:
    """Bytes of the first page (the schema's, after the 100-byte file header) overwritten."""
    import random

    return data[:100] + random.Random(7).randbytes(300) + data[400:]


def random_bytes(data: bytes) -> bytes:
    import random

    return random.Random(7).randbytes(20_000)


DAMAGE = {"truncated": (truncated, "database disk image is malformed"),
          "schema overwritten": (schema_overwritten, "database disk image is malformed"),
          "random bytes": (random_bytes, "file is not a database")}
COMMANDS = {"log": ["log", "--phone", "404 555 0134"], "due": ["due"], "export": ["export"],
            "backup": ["backup", "{tmp}/copy.db"], "demo": ["demo"]}


@pytest.fixture(params=DAMAGE.values(), ids=DAMAGE.keys())
def damaged(request, tmp_path) -> tuple[Path, str]:
    spoil, reason = request.param
    path = tmp_path / "desk.db"
    path.write_bytes(spoil(a_real_desk(tmp_path / "good.db")))
    return path, reason


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_every_command_on_a_damaged_file_says_so_and_how_to_restore(capsys, damaged, command, tmp_path):
    path, reason = damaged
    before = path.read_bytes()
    args = [a.format(tmp=tmp_path) for a in command]
    code, out, err = run(capsys, "--db", str(path), *args)
    assert (code, out) == (2, "")
    assert one_line(err) == f"frontdesk: {path} " + DAMAGED.format(reason)
    assert "not a FrontDesk database" not in err
    assert path.read_bytes() == before  # nothing was written to it
    assert not (tmp_path / "copy.db").exists()


def test_opening_the_app_on_a_damaged_file_says_so_in_one_line(damaged):
    path, reason = damaged
    result = subprocess.run([sys.executable, "-m", "frontdesk", "--db", str(path)], cwd=ROOT,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert (result.returncode, result.stdout) == (2, "")
    assert one_line(result.stderr) == f"frontdesk: {path} " + DAMAGED.format(reason)


def test_another_programs_database_is_still_not_a_frontdesk_database(capsys, tmp_path):
    path = tmp_path / "photos.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE albums (id INTEGER PRIMARY KEY, title TEXT)")
    conn.commit()
    conn.close()
    code, out, err = run(capsys, "--db", str(path), "due")
    assert (code, out) == (2, "")
    assert one_line(err) == (f"frontdesk: {path} is not a FrontDesk database (it holds another "
                             "program's tables); it was not changed")
