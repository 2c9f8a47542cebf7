"""`log --at` from scripts: a bare clock time is the latest that has passed, and said so when
it is not today's; a call cannot lie in the future, nor a promise more than a year ahead.
The command runs in-process with a FixedClock (`main(..., clock=...)`): no sleeping, no race
with the real midnight."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from frontdesk.cli import main
from frontdesk.clock import FixedClock

ROOT = Path(__file__).resolve().parents[2]
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


def run_process(*args: str, db: Path, tz: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FRONTDESK_DB": str(db), "TZ": tz}
    return subprocess.run([sys.executable, "-m", "frontdesk", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def latest_half_past_two(zone: ZoneInfo) -> datetime:
    now = datetime.now(zone)
    today = datetime.combine(now.date(), time(14, 30), tzinfo=zone)
    return today if today <= now else datetime.combine(now.date() - timedelta(days=1), time(14, 30), tzinfo=zone)


def test_three_shells_in_three_timezones_log_one_instant_and_export_the_same_day(db_path):
    """The desk's timezone is the file's: `--at 14:30` from shells with different $TZ is one
    instant, and each shell's export of that day lists all three calls."""
    zones = ("America/New_York", "Europe/London", "Asia/Tokyo")
    desk_zone = ZoneInfo(zones[0])  # the first process to open the file stores its zone
    expected = latest_half_past_two(desk_zone)
    ids = []
    for i, tz in enumerate(zones):
        result = run_process("log", "--phone", f"404 555 01{i:02d}", "--at", "14:30", db=db_path, tz=tz)
        assert result.returncode == 0, result.stderr
        ids.append(int(result.stdout))
    if latest_half_past_two(desk_zone) != expected:
        pytest.skip("the clock passed 14:30 in New York while the calls were logged")
    day = expected.date().isoformat()
    for tz in zones:
        result = run_process("export", "--format", "json", "--date", day, db=db_path, tz=tz)
        assert result.returncode == 0, result.stderr
        exported = json.loads(result.stdout)
        assert exported["timezone"] == "America/New_York"
        assert sorted(c["id"] for c in exported["calls"]) == ids, tz
        assert {(c["date"], c["time"]) for c in exported["calls"]} == {(day, expected.isoformat().split("T")[1])}


def callback_due(db_path, call_id: int) -> str:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT due_at FROM callbacks WHERE call_id = ?", [call_id]).fetchone()[0]
    finally:
        conn.close()


def test_at_2pm_not_yet_reached_is_yesterdays(capsys, db_path):
    code, out, err = run(capsys, db_path, EARLY, "log", "--phone", "404 555 0134", "--at", "2pm")
    assert code == 0, err
    assert err == "frontdesk: --at 2pm taken as yesterday, 2026-11-22 14:00 EST\n"
    assert stored_at(db_path, int(out)) == "2026-11-22T19:00:00Z"
    code, out, err = run(capsys, db_path, AFTERNOON, "log", "--phone", "404 555 0134", "--at", "2:30 pm")
    assert (code, err) == (0, "")
    assert stored_at(db_path, int(out)) == "2026-11-23T19:30:00Z"


@pytest.mark.parametrize(
    "args,due",
    [
        (["--callback-at", "tomorrow 9"], "2026-11-24T14:00:00Z"),
        (["--callback-at", "thu 10am"], "2026-11-26T15:00:00Z"),
        (["--callback-at", "12/03 10:00"], "2026-12-03T15:00:00Z"),  # a US desk: month/day
        (["--callback-at", "in 2h"], "2026-11-23T22:00:00Z"),
        (["--callback-at", "3bh"], "2026-11-24T15:00:00Z"),  # 15:00 + 3 business hours: Tue 10:00
        # Durations count from the call's time, as --callback-in does.
        (["--at", "2026-11-20 16:30", "--callback-at", "2bh"], "2026-11-23T15:30:00Z"),
        (["--at", "2026-11-20 16:30", "--callback-in", "2bh"], "2026-11-23T15:30:00Z"),
    ],
)
def test_callback_at_takes_what_people_type(capsys, db_path, args, due):
    code, out, err = run(capsys, db_path, AFTERNOON, "log", "--phone", "404 555 0134", *args)
    assert (code, err) == (0, "")
    assert callback_due(db_path, int(out)) == due


@pytest.mark.parametrize(
    "args,message",
    [
        (["--at", "teatime"], "frontdesk: 'teatime' is not a time for the call (e.g. 14:30, yesterday 16:00)\n"),
        (["--callback-at", "teatime"],
         "frontdesk: 'teatime' is not a time for the callback (e.g. 2pm, tomorrow 9, in 2h, 2bh)\n"),
        (["--callback-at", "tomorrow"],
         "frontdesk: 'tomorrow' is not a time for the callback: add a time of day (e.g. 2pm, tomorrow 9, in 2h, 2bh)\n"),
    ],
)
def test_a_bad_time_says_what_fits_the_option(capsys, db_path, args, message):
    code, out, err = run(capsys, db_path, AFTERNOON, "log", "--phone", "404 555 0134", *args)
    assert (code, out, err) == (2, "", message)
