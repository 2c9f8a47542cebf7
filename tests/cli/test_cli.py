"""The command line contract: `log` and `due` for scripts, cron and status bars.

The CLI reads the system clock, so times here are relative to the real now (or far from it).
Most cases run `frontdesk.cli.main([...])` in-process; a few go through `python -m frontdesk`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from frontdesk import __version__
from frontdesk.cli import main
from frontdesk.clock import FixedClock
from frontdesk.db import open_database
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store

NY = ZoneInfo("America/New_York")
ROOT = Path(__file__).resolve().parents[2]
TABLES = ("customers", "phones", "calls", "callbacks", "callback_events", "audit", "settings")


# -- helpers --------------------------------------------------------------------------------


@pytest.fixture
def env_db() -> Path:
    """The database `frontdesk` uses without --db: $FRONTDESK_DB (set by tests/conftest.py)."""
    return Path(os.environ["FRONTDESK_DB"])


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*args: str, db: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FRONTDESK_DB": str(db), **extra}
    return subprocess.run([sys.executable, "-m", "frontdesk", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def stored(path: Path, sql: str, params=()) -> list[tuple]:
    db = open_database(path)
    try:
        return [tuple(row) for row in db.execute(sql, list(params)).fetchall()]
    finally:
        db.close()


def counts(path: Path) -> dict[str, int]:
    if not path.exists():
        return {}
    return {t: stored(path, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def the_call(path: Path, call_id: int) -> dict:
    db = open_database(path)
    try:
        return next(db.query("SELECT * FROM calls WHERE id = ?", [call_id]))
    finally:
        db.close()


def callback_of(path: Path, call_id: int) -> dict:
    db = open_database(path)
    try:
        return next(db.query("SELECT * FROM callbacks WHERE call_id = ?", [call_id]))
    finally:
        db.close()


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_today() -> date:
    return datetime.now(NY).date()


def desk_at_now(path: Path) -> Desk:
    """A desk whose clock is the real now, to prepare what the CLI will read."""
    now = datetime.now(UTC).replace(microsecond=0)
    return Desk(Store(open_database(path)), FixedClock(now), "ann",
                env={"TZ": "America/New_York", "FRONTDESK_REGION": "US"})


# -- end to end, through a real process ------------------------------------------------------


def test_version_in_a_process(tmp_path):
    result = run_process("--version", db=tmp_path / "x.db")
    assert result.returncode == 0
    assert result.stdout.strip() == f"frontdesk, version {__version__}"
    assert not (tmp_path / "x.db").exists()  # --version never opens the database


def test_help_exits_0(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "log" in out and "due" in out


def test_log_in_a_process_writes_to_frontdesk_db(tmp_path):
    db = tmp_path / "desk.db"
    result = run_process("log", "--phone", "(404) 555-0134", "--name", "Maria Lopez",
                         "--note", "boiler pressure", db=db)
    assert result.returncode == 0, result.stderr
    call_id = int(result.stdout.strip())
    row = the_call(db, call_id)
    assert (row["e164"], row["note"], row["operator"], row["direction"]) == (
        "+14045550134", "boiler pressure", "ann", "in")


def test_bad_input_in_a_process_is_one_line(tmp_path):
    db = tmp_path / "desk.db"
    assert run_process("log", "--phone", "404 555 0134", db=db).returncode == 0
    before = counts(db)
    result = run_process("log", "--phone", "123", db=db)
    assert result.returncode != 0
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr and "123" in result.stderr
    assert counts(db) == before


def test_due_in_a_process_exits_1_when_overdue(tmp_path):
    db = tmp_path / "desk.db"
    desk = desk_at_now(db)
    now = desk.clock.now()
    desk.log_call(NewCall(phone="404 555 0134", name="Maria", at=now - timedelta(hours=3),
                          callback_due=now - timedelta(hours=2)))
    desk.store.close()
    result = run_process("due", db=db)
    assert result.returncode == 1, result.stderr
    assert "OVERDUE" in result.stdout and "Maria" in result.stdout


# -- log --------------------------------------------------------------------------------------


def test_log_prints_the_id_and_stores_the_call(capsys, env_db):
    code, out, err = run(capsys, "log", "--phone", "+1 404 555 0134", "--name", "Maria",
                         "--topic", "quote", "--note", "wants a quote", "--outcome", "message",
                         "--for", "ann")
    assert (code, err) == (0, "")
    call_id = int(out.strip())
    row = the_call(env_db, call_id)
    assert (row["e164"], row["topic"], row["note"], row["outcome"], row["operator"]) == (
        "+14045550134", "quote", "wants a quote", "message", "ann")
    assert abs(datetime.fromisoformat(row["at"]) - datetime.now(UTC)) < timedelta(minutes=1)
    code, out, _ = run(capsys, "log", "--phone", "404.555.0134", "--direction", "out")
    assert code == 0 and int(out) == call_id + 1
    assert stored(env_db, "SELECT count(*) FROM customers") == [(1,)]


def test_log_with_at_yesterday(capsys, env_db):
    code, out, err = run(capsys, "log", "--phone", "404 555 0134", "--at", "yesterday 14:00")
    assert code == 0, err
    expected = datetime.combine(local_today() - timedelta(days=1), time(14), tzinfo=NY)
    assert the_call(env_db, int(out))["at"] == iso(expected)


@pytest.mark.parametrize(
    "at_text,expected",
    [
        ("2026-11-20 09:15", datetime(2026, 11, 20, 14, 15, tzinfo=UTC)),  # desk time
        ("2026-11-20T09:15:00-05:00", datetime(2026, 11, 20, 14, 15, tzinfo=UTC)),
        ("2026-11-20T14:15Z", datetime(2026, 11, 20, 14, 15, tzinfo=UTC)),
        ("2026-11-20 14:15Z", datetime(2026, 11, 20, 14, 15, tzinfo=UTC)),
        ("2026-07-01 09:15", datetime(2026, 7, 1, 13, 15, tzinfo=UTC)),  # summer time
    ],
)
def test_log_at_iso_times(capsys, env_db, at_text, expected):
    code, out, err = run(capsys, "log", "--phone", "404 555 0134", "--at", at_text)
    assert code == 0, err
    assert the_call(env_db, int(out))["at"] == iso(expected)


def test_log_uid_is_idempotent(capsys, env_db):
    _, first, _ = run(capsys, "log", "--phone", "404 555 0134", "--uid", "pbx-77")
    code, again, _ = run(capsys, "log", "--phone", "404 555 0134", "--uid", "pbx-77")
    assert code == 0 and first == again
    assert counts(env_db)["calls"] == 1


def test_callback_in_minutes_counts_from_the_call(capsys, env_db):
    code, out, err = run(capsys, "log", "--phone", "404 555 0134", "--at", "2026-11-20 10:00",
                         "--callback-in", "30m", "--assignee", "bob")
    assert code == 0, err
    call_id = int(out)
    assert the_call(env_db, call_id)["outcome"] == "callback"
    cb = callback_of(env_db, call_id)
    assert (cb["promised_at"], cb["due_at"], cb["assignee"], cb["state"]) == (
        "2026-11-20T15:00:00Z", "2026-11-20T15:30:00Z", "bob", "open")


def test_callback_in_business_hours_from_friday_afternoon(capsys, env_db):
    # Friday 27 Nov 2026 16:30: half an hour left that day, the rest from Monday 09:00.
    code, out, err = run(capsys, "log", "--phone", "404 555 0134", "--at", "2026-11-27 16:30",
                         "--callback-in", "2bh")
    assert code == 0, err
    cb = callback_of(env_db, int(out))
    assert cb["due_at"] == iso(datetime(2026, 11, 30, 10, 30, tzinfo=NY))
    assert cb["assignee"] == "ann"


def test_callback_in_from_now_by_default(capsys, env_db):
    code, out, err = run(capsys, "log", "--phone", "404 555 0134", "--callback-in", "30m")
    assert code == 0, err
    cb = callback_of(env_db, int(out))
    promised, due = (datetime.fromisoformat(cb[k]) for k in ("promised_at", "due_at"))
    assert due - promised == timedelta(minutes=30)
    assert abs(promised - datetime.now(UTC)) < timedelta(minutes=1)


def test_outcome_callback_alone_uses_the_default_promise(capsys, env_db):
    # Friday 20 Nov 2026 10:00: one business hour later is 11:00 the same day.
    code, out, err = run(capsys, "log", "--phone", "404 555 0134", "--at", "2026-11-20 10:00",
                         "--outcome", "callback")
    assert code == 0, err
    assert callback_of(env_db, int(out))["due_at"] == "2026-11-20T16:00:00Z"


def test_callback_at_a_clock_time_today(capsys, env_db):
    code, out, err = run(capsys, "log", "--phone", "404 555 0134", "--at", "00:01",
                         "--callback-at", "23:59")
    assert code == 0, err
    cb = callback_of(env_db, int(out))
    assert cb["due_at"] == iso(datetime.combine(local_today(), time(23, 59), tzinfo=NY))


def test_callback_at_an_iso_time(capsys, env_db):
    code, out, err = run(capsys, "log", "--phone", "404 555 0134", "--at", "2026-11-20 10:00",
                         "--callback-at", "2026-11-20T11:30")
    assert code == 0, err
    assert callback_of(env_db, int(out))["due_at"] == "2026-11-20T16:30:00Z"


@pytest.mark.parametrize(
    "args",
    [
        ["--at", "yesterday 12:00", "--callback-at", "yesterday 11:00"],
        ["--at", "2026-11-20 10:00", "--callback-at", "2026-11-20 09:59"],
        ["--at", "2026-11-20 10:00", "--callback-at", "2026-11-20 10:00"],
    ],
)
def test_a_callback_before_the_call_is_refused(capsys, env_db, args):
    run(capsys, "log", "--phone", "404 555 0134")
    before = counts(env_db)
    code, out, err = run(capsys, "log", "--phone", "212 555 0100", "--name", "Bob", *args)
    assert code != 0 and out == ""
    assert err == "frontdesk: the callback time is before the call\n"
    assert counts(env_db) == before


def test_operator_from_option_then_env_then_login_user(capsys, env_db, monkeypatch):
    def operator_of(*args):
        code, out, err = run(capsys, *args)
        assert code == 0, err
        return the_call(env_db, int(out))["operator"]

    phone = ["--phone", "404 555 0134"]
    assert operator_of("log", *phone) == "ann"  # FRONTDESK_OPERATOR
    assert operator_of("--operator", "bob", "log", *phone) == "bob"
    assert operator_of("log", "--operator", "carl", *phone) == "carl"
    assert operator_of("--operator", "bob", "log", "--operator", "carl", *phone) == "carl"
    monkeypatch.delenv("FRONTDESK_OPERATOR")
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "zoe")
    assert operator_of("log", *phone) == "zoe"
    assert operator_of("--operator", "bob", "log", *phone) == "bob"


def test_log_without_db_writes_to_frontdesk_db(capsys, env_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "log", "--phone", "404 555 0134")
    assert code == 0
    assert env_db.exists()
    assert stored(env_db, "SELECT id FROM calls") == [(int(out),)]
    assert list(tmp_path.iterdir()) == []


def test_db_option_wins_over_frontdesk_db(capsys, env_db, tmp_path):
    other = tmp_path / "other.db"
    code, out, _ = run(capsys, "--db", str(other), "log", "--phone", "404 555 0134")
    assert code == 0
    assert stored(other, "SELECT id FROM calls") == [(int(out),)]
    assert not env_db.exists()


# -- bad input: one line, non-zero, nothing changed -------------------------------------------

BAD_LOG = {
    "invalid phone": ["log", "--phone", "123"],
    "letters for a phone": ["log", "--phone", "call me"],
    "missing phone": ["log", "--name", "Maria"],
    "unknown outcome": ["log", "--phone", "404 555 0134", "--outcome", "lost"],
    "unknown direction": ["log", "--phone", "404 555 0134", "--direction", "up"],
    "25 o'clock": ["log", "--phone", "404 555 0134", "--at", "25:00"],
    "unknown date": ["log", "--phone", "404 555 0134", "--at", "2026-02-30 10:00"],
    "not a time": ["log", "--phone", "404 555 0134", "--at", "teatime"],
    "year one": ["log", "--phone", "404 555 0134", "--at", "0001-01-01T10:00Z"],
    "end of time": ["log", "--phone", "404 555 0134", "--at", "9999-12-31T23:59Z",
                    "--callback-in", "1h"],
    "far future call": ["log", "--phone", "404 555 0134", "--at", "2990-01-01 10:00"],
    "both callback flags": ["log", "--phone", "404 555 0134", "--callback-in", "30m",
                            "--callback-at", "23:00"],
    "bad duration": ["log", "--phone", "404 555 0134", "--callback-in", "soon"],
    "zero duration": ["log", "--phone", "404 555 0134", "--callback-in", "0m"],
    "bad callback time": ["log", "--phone", "404 555 0134", "--callback-at", "24:30"],
    "bad window": ["due", "--within", "a while"],
    "business window": ["due", "--within", "2bh"],
    "bad format": ["due", "--format", "xml"],
    "unknown command": ["dance"],
    "unknown option": ["log", "--phone", "404 555 0134", "--colour", "red"],
}


@pytest.mark.parametrize("args", BAD_LOG.values(), ids=BAD_LOG.keys())
def test_bad_input_is_one_line_and_changes_nothing(capsys, env_db, args):
    code, _, _ = run(capsys, "log", "--phone", "404 555 0134", "--name", "Maria")
    assert code == 0
    before = counts(env_db)
    code, out, err = run(capsys, *args)
    assert code not in (0, None)
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith("frontdesk: ")
    assert "Traceback" not in err
    assert counts(env_db) == before


def test_db_in_a_missing_directory(capsys, tmp_path):
    target = tmp_path / "no" / "such" / "desk.db"
    code, out, err = run(capsys, "--db", str(target), "log", "--phone", "404 555 0134")
    assert code != 0 and out == ""
    assert len(err.splitlines()) == 1 and "no such directory" in err
    assert not (tmp_path / "no").exists()


def test_db_that_is_a_directory(capsys, tmp_path):
    code, out, err = run(capsys, "--db", str(tmp_path), "log", "--phone", "404 555 0134")
    assert code != 0 and out == ""
    assert len(err.splitlines()) == 1 and "directory" in err
    assert list(tmp_path.iterdir()) == []


def test_db_that_is_not_a_database(capsys, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database\n" * 100)
    code, out, err = run(capsys, "--db", str(junk), "log", "--phone", "404 555 0134")
    assert code != 0 and out == ""
    assert len(err.splitlines()) == 1 and "not a FrontDesk database" in err
    assert junk.read_text() == "not a database\n" * 100


# -- due ----------------------------------------------------------------------------------------


@pytest.fixture
def queue(env_db):
    """Open callbacks far from the real now: 3 h overdue, in 5 min, in 90 min, in 5 h; plus a
    done one that was overdue."""
    desk = desk_at_now(env_db)
    now = desk.clock.now()

    def promise(phone, name, minutes, **kw):
        return desk.log_call(NewCall(phone=phone, name=name, topic=f"about {name}",
                                     at=now - timedelta(hours=4), callback_due=now + timedelta(minutes=minutes),
                                     **kw)).callback

    made = {
        "overdue": promise("404 555 0134", "Maria", -180, assignee="bob"),
        "soon": promise("212 555 0100", "Bob", 5),
        "hour": promise("+44 20 7946 0958", "Nigel", 90),
        "later": promise("646 555 0111", "Carol", 300),
        "done": promise("646 555 0112", "Dave", -60),
    }
    desk.log_call(NewCall(phone="646 555 0112", direction="out", callback_id=made["done"].id))
    desk.store.close()
    return made


def make_queue(env_db, **dues: int) -> None:
    desk = desk_at_now(env_db)
    now = desk.clock.now()
    for i, (name, minutes) in enumerate(dues.items()):
        desk.log_call(NewCall(phone=f"212 555 01{i:02d}", name=name, at=now - timedelta(hours=4),
                              callback_due=now + timedelta(minutes=minutes)))
    desk.store.close()


def test_due_with_nothing_due_exits_0(capsys, env_db):
    make_queue(env_db, Later=300)
    code, out, err = run(capsys, "due")
    assert (code, out.strip(), err) == (0, "nothing due", "")


def test_due_on_an_empty_database(capsys):
    code, out, _ = run(capsys, "due", "--format", "json")
    assert code == 0
    assert json.loads(out)["callbacks"] == []


def test_due_soon_only_exits_0(capsys, env_db):
    make_queue(env_db, Soon=5, Later=300)
    code, out, _ = run(capsys, "due")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 1 and "Soon" in lines[0] and "OVERDUE" not in lines[0]


def test_due_with_an_overdue_callback_exits_1(capsys, env_db, queue):
    code, out, _ = run(capsys, "due")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2  # overdue and due within the lead time; done and later ones left out
    assert lines[0].startswith("OVERDUE") and "Maria" in lines[0] and "[bob]" in lines[0]
    assert "3 h overdue" in lines[0] and "(404) 555-0134" in lines[0]
    assert "Bob" in lines[1] and "in 5 min" in lines[1]


def test_due_json_shape(capsys, queue):
    code, out, _ = run(capsys, "due", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"now", "callbacks"}
    now = datetime.fromisoformat(data["now"])
    assert now.utcoffset() == datetime.now(NY).utcoffset()
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1)
    keys = {"id", "caller", "phone", "phone_national", "topic", "assignee", "due_at", "overdue",
            "minutes_left", "time_left", "attempts", "call_id"}
    overdue, soon = data["callbacks"]
    assert keys <= set(overdue) and keys <= set(soon)
    assert overdue["id"] == queue["overdue"].id and overdue["call_id"] == queue["overdue"].call_id
    assert (overdue["caller"], overdue["phone"], overdue["phone_national"], overdue["topic"],
            overdue["assignee"], overdue["overdue"], overdue["attempts"]) == (
        "Maria", "+14045550134", "(404) 555-0134", "about Maria", "bob", True, 0)
    assert overdue["minutes_left"] in (-180, -181)
    assert overdue["time_left"] == "3 h overdue"
    assert datetime.fromisoformat(overdue["due_at"]) == queue["overdue"].due_at
    assert datetime.fromisoformat(overdue["due_at"]).utcoffset() == now.utcoffset()
    assert (soon["caller"], soon["overdue"], soon["time_left"]) == ("Bob", False, "in 5 min")
    assert soon["minutes_left"] in (4, 5)
    assert isinstance(soon["id"], int) and isinstance(soon["attempts"], int)


def test_due_within_a_window(capsys, queue):
    code, out, _ = run(capsys, "due", "--within", "2h", "--format", "json")
    assert code == 1
    items = json.loads(out)["callbacks"]
    assert [i["caller"] for i in items] == ["Maria", "Bob", "Nigel"]  # soonest first
    assert items[2]["phone_national"] == "+44 20 7946 0958"
    code, out, _ = run(capsys, "due", "--within", "6h", "--format", "json")
    assert [i["caller"] for i in json.loads(out)["callbacks"]] == ["Maria", "Bob", "Nigel", "Carol"]


def test_due_within_excludes_nothing_overdue(capsys, env_db):
    make_queue(env_db, Hour=90)
    code, out, _ = run(capsys, "due", "--within", "2h")
    assert code == 0 and "Hour" in out and "in 1 h 30 min" in out


def test_escdelay_is_short_unless_set(tmp_path):
    """Textual reads ESCDELAY when imported: the CLI sets it before opening the app."""
    import subprocess
    import sys

    code = ("import os, sys; from unittest import mock; import frontdesk.cli as c; "
            "m = mock.patch('frontdesk.app.run_app', lambda *a: print(os.environ['ESCDELAY'])); m.start(); "
            f"c.main(['--db', {str(tmp_path / 'd.db')!r}])")
    env = {k: v for k, v in __import__('os').environ.items() if k != "ESCDELAY"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "50"
    env["ESCDELAY"] = "150"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "150"
