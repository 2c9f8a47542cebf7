"""`frontdesk ring`: phone events from a script or a dialplan's System(), and `listen`'s
options that answer without listening (--urls, --new-token, refusals)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from frontdesk.cli import main
from frontdesk.db import open_database


@pytest.fixture
def db() -> Path:
    return Path(os.environ["FRONTDESK_DB"])


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def rows(path: Path, sql: str) -> list[tuple]:
    conn = open_database(path)
    try:
        return [tuple(r) for r in conn.execute(sql).fetchall()]
    finally:
        conn.close()


def test_ring_makes_and_prints_a_call_id(capsys, db):
    code, out, err = run(capsys, "ring", "--phone", "sip:+14045550134@pbx.local", "--name", "Maria",
                         "--to", "sales")
    made = out.strip()
    assert code == 0 and len(made) == 32 and err == "frontdesk: (404) 555-0134: ringing\n"
    assert rows(db, "SELECT source, ext_id, e164, name, line, state FROM phone_calls") == [
        ("cli", made, "+14045550134", "Maria", "sales", "ringing")]


def test_a_dialplans_whole_call(capsys, db):
    assert run(capsys, "ring", "--phone", "14045550134", "--call-id", "1700000000.12")[0] == 0
    code, out, err = run(capsys, "ring", "--event", "answer", "--call-id", "1700000000.12", "--by", "Raj")
    assert (code, out) == (0, "1700000000.12\n") and "answered" in err
    assert run(capsys, "ring", "--event", "hangup", "--call-id", "1700000000.12", "--cause", "normalClearing")[0] == 0
    code, _, err = run(capsys, "ring", "--event", "hangup", "--call-id", "1700000000.12")
    assert code == 0 and "already ended: nothing changed" in err
    assert rows(db, "SELECT state, answered_by, cause, missed FROM phone_calls") == [
        ("ended", "Raj", "normalClearing", 0)]


def test_a_missed_call_from_a_script_is_a_promise_due_lists(capsys, db):
    run(capsys, "ring", "--phone", "(404) 555-0134", "--call-id", "m1")
    code, _, err = run(capsys, "ring", "--event", "missed", "--phone", "404-555-0134")  # found by number
    assert code == 0 and "missed; callback promise #1" in err
    code, out, _ = run(capsys, "due", "--within", "100h", "--format", "json")  # 1bh: maybe after a weekend
    [promise] = json.loads(out)["callbacks"]
    assert (promise["phone"], promise["topic"]) == ("+14045550134", "missed call")
    assert rows(db, "SELECT count(*) FROM phone_calls") == [(1,)]


def test_a_withheld_caller_rings(capsys, db):
    code, out, err = run(capsys, "ring", "--phone", "anonymous")
    assert code == 0 and "withheld number: ringing" in err
    assert rows(db, "SELECT withheld, e164 FROM phone_calls") == [(1, "")]


@pytest.mark.parametrize("args, words", [
    (("ring", "--event", "answer"), "needs --call-id"),
    (("ring", "--phone", "1", "--direction", "sideways"), "Invalid value for '--direction'"),
    (("ring", "--phone", "1", "--call-id", "x" * 251), "the call id is too long"),
    (("listen", "--host", "0.0.0.0"), "needs --allow"),
    (("listen", "--allow", "the office"), "is not a network"),
])
def test_bad_input_is_one_line_and_changes_nothing(capsys, db, args, words):
    code, out, err = run(capsys, *args)
    assert code == 2 and words in err and err.count("\n") == 1 and "Traceback" not in err
    if db.exists():
        assert rows(db, "SELECT count(*) FROM phone_calls") == [(0,)]


def test_listen_urls_and_a_new_token(capsys, db):
    code, out, _ = run(capsys, "listen", "--urls", "--port", "9000")
    token = out.splitlines()[1].rsplit("/", 1)[1]
    assert code == 0 and len(token) >= 22  # 192 random bits, URL-safe
    assert out.splitlines()[1] == f"  http://127.0.0.1:9000/api/v1/cti/{token}"
    assert f"/phone/{token}/incoming?number=$remote&name=$display_remote&call_id=$call_id&line=$active_user" in out
    assert "&call_id=$call-id&" in out  # Snom's variable
    assert f"/phone/{token}/missed?number=$remote&name=$display_remote&line=$active_user" in out  # Grandstream
    for brand in ("Yealink", "Snom", "Grandstream"):
        assert brand in out
    assert run(capsys, "listen", "--urls")[1].splitlines()[1].endswith(token)  # kept in the database
    code, out, err = run(capsys, "listen", "--urls", "--new-token")
    assert code == 0 and "new token" in err and token not in out


def test_due_closes_calls_whose_hangup_was_lost(capsys, db):
    """Without a listener running, `due` (run by cron) applies the 10-minute rule itself."""
    from datetime import UTC, datetime, timedelta

    from frontdesk.clock import FixedClock

    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    assert main(["ring", "--phone", "+1 404 555 0134", "--call-id", "lost"], clock=FixedClock(start)) == 0
    assert main(["due", "--within", "100h"], clock=FixedClock(start + timedelta(minutes=9))) == 0
    assert rows(db, "SELECT state FROM phone_calls") == [("ringing",)]
    capsys.readouterr()
    main(["due", "--within", "100h", "--format", "json"], clock=FixedClock(start + timedelta(minutes=10)))
    [promise] = json.loads(capsys.readouterr().out)["callbacks"]
    assert promise["topic"] == "missed call"
    assert rows(db, "SELECT state, cause, missed FROM phone_calls") == [("ended", "lost", 1)]


def test_listen_on_a_port_in_use_is_one_line(capsys, db):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = run(capsys, "listen", "--port", str(port))
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in err and "in use" in err
    assert err.count("\n") == 1 and out == ""
