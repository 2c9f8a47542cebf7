"""`log --at` from scripts: a bare clock time is the latest that has passed, and said so when
it is not today's; a call cannot lie in the future, nor a promise more than a year ahead.
The command runs in-process with a FixedClock (`main(..., clock=...)`): no sleeping, no race
with the real midnight."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from frontdesk.cli import main
from frontdesk.clock import FixedClock

EARLY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 04:00 in New York (conftest's TZ)
AFTERNOON = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # Monday 15:00 in New York


def run(capsys, db_path, now: datetime, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db_path), *args], clock=FixedClock(now))
    out, err = capsys.readouterr()
    return code, out, err


def stored_at(db_path, call_id: int) -> str:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT at FROM calls WHERE id = ?", [call_id]).fetchone()[0]
    finally:
        conn.close()


def test_at_a_clock_time_not_yet_reached_today_is_yesterdays_and_said_on_stderr(capsys, db_path):
    code, out, err = run(capsys, db_path, EARLY, "log", "--phone", "404 555 0134", "--at", "14:30")
    assert code == 0, err
    assert out.strip().isdigit()  # stdout is the id alone: scripts read it
    assert err == "frontdesk: --at 14:30 taken as yesterday, 2026-11-22 14:30 EST\n"
    assert stored_at(db_path, int(out)) == "2026-11-22T19:30:00Z"


def test_at_a_clock_time_already_passed_today_is_todays_and_silent(capsys, db_path):
    code, out, err = run(capsys, db_path, AFTERNOON, "log", "--phone", "404 555 0134", "--at", "14:30")
    assert (code, err) == (0, "")
    assert stored_at(db_path, int(out)) == "2026-11-23T19:30:00Z"


def test_an_explicit_day_is_not_moved_and_the_future_is_refused(capsys, db_path):
    code, out, err = run(capsys, db_path, EARLY, "log", "--phone", "404 555 0134", "--at", "today 14:30")
    assert (code, out) == (2, "")
    assert err == ("frontdesk: a call cannot be logged in the future "
                   "(2026-11-23 14:30 EST has not come yet)\n")
    code, out, err = run(capsys, db_path, EARLY, "log", "--phone", "404 555 0134", "--at", "yesterday 14:30")
    assert (code, err) == (0, "")  # said in words: no note needed
    assert stored_at(db_path, int(out)) == "2026-11-22T19:30:00Z"


@pytest.mark.parametrize("args", [["--callback-at", "2027-11-24 09:00"], ["--callback-in", "366d"]])
def test_a_callback_more_than_a_year_ahead_is_refused(capsys, db_path, args):
    code, out, err = run(capsys, db_path, AFTERNOON, "log", "--phone", "404 555 0134", *args)
    assert (code, out) == (2, "")
    assert err.startswith("frontdesk: a callback cannot be promised more than a year ahead")
    assert len(err.splitlines()) == 1
    assert not sqlite3.connect(db_path).execute("SELECT count(*) FROM calls").fetchone()[0]
