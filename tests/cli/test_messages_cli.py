"""Messages from a script: `log --outcome message --for NAME [--please-call] [--urgent] ...` and
`frontdesk messages`, whose exit status says whether an urgent message is unread."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from frontdesk.cli import main
from frontdesk.clock import FixedClock

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday 10:00 in New York


def run(capsys, db_path, *args: str, at: datetime = NOW) -> tuple[int, str, str]:
    code = main(["--db", str(db_path), *args], clock=FixedClock(at))
    out, err = capsys.readouterr()
    return code, out, err


def rows(db_path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def raj_known(capsys, db_path):
    """Raj has taken a call: one of the desk's people."""
    assert run(capsys, db_path, "--operator", "Raj", "log", "--phone", "4045550100")[0] == 0


def test_log_for_takes_a_message_with_its_boxes_and_promise(capsys, db_path, raj_known):
    code, out, err = run(capsys, db_path, "log", "--phone", "4045550134", "--name", "Maria Lopez",
                         "--note", "about the quote", "--outcome", "message", "--for", "raj",
                         "--please-call", "--urgent")
    assert (code, err) == (0, ""), err
    call_id = int(out)
    assert rows(db_path, "SELECT call_id, for_name, please_call, urgent, will_call, taken_by, read_at FROM messages") == [
        (call_id, "Raj", 1, 1, 0, "ann", None)]
    assert rows(db_path, "SELECT assignee, due_at FROM callbacks") == [("Raj", "2026-11-23T15:15:00Z")]
    assert rows(db_path, f"SELECT outcome FROM calls WHERE id = {call_id}") == [("message",)]
    # --for alone means a message; --box names a box.
    code, out, err = run(capsys, db_path, "log", "--phone", "4045550134", "--for", "RAJ", "--box", "will call")
    assert (code, err) == (0, "")
    assert rows(db_path, "SELECT for_name, will_call FROM messages ORDER BY id DESC LIMIT 1") == [("Raj", 1)]


@pytest.mark.parametrize("args, error", [
    (["--outcome", "message"], "frontdesk: --outcome message needs --for NAME: whom the message is for\n"),
    (["--for", "raj", "--box", "tea"], "frontdesk: unknown box 'tea' (one of: please_call, will_call, returned, "
     "wants_to_see, urgent)\n"),
    (["--urgent"], "frontdesk: a box or --new-recipient goes with a message: give --for NAME\n"),
    (["--outcome", "callback", "--box", "urgent"],
     "frontdesk: a box goes with a message (--outcome message), not --outcome callback\n"),
    (["--outcome", "resolved", "--for", "raj"],
     "frontdesk: --for goes with a message (--outcome message), not --outcome resolved\n"),
    (["--for", "Rja"], "frontdesk: Rja is not one of the desk's people (known: Raj, ann); check the spelling, "
     "or add them to the settings' list of people messages are for\n"),
    (["--for", "raj", "--callback-in", "2h"],
     "frontdesk: --outcome message cannot promise a callback; leave --outcome out or use --outcome callback\n"),
    (["--for", "raj", "--please-call", "--assignee", "ann"],
     "frontdesk: a message's callback goes to whom the message is for: leave the assignee out\n"),
])
def test_bad_message_input_is_one_line_exit_2_and_changes_nothing(capsys, db_path, raj_known, args, error):
    before = rows(db_path, "SELECT count(*) FROM calls")
    code, out, err = run(capsys, db_path, "log", "--phone", "4045550134", *args)
    assert (code, out, err) == (2, "", error)
    assert rows(db_path, "SELECT count(*) FROM calls") == before
    assert rows(db_path, "SELECT count(*) FROM messages") == [(0,)]


def test_a_new_recipient_needs_saying_so(capsys, db_path):
    code, _, err = run(capsys, db_path, "log", "--phone", "4045550134", "--for", "Owner", "--new-recipient")
    assert (code, err) == (0, "")
    assert run(capsys, db_path, "messages", "--for", "owner")[0] == 0


def test_messages_lists_and_exits_1_while_an_urgent_one_is_unread(capsys, db_path, raj_known):
    code, out, _ = run(capsys, db_path, "messages")
    assert (code, out) == (0, "no messages\n")
    run(capsys, db_path, "log", "--phone", "4045550134", "--name", "Maria Lopez", "--note", "call me [bold]x[/]",
        "--for", "raj", "--will-call")
    code, out, _ = run(capsys, db_path, "messages", "--for", "RAJ")
    assert code == 0  # nothing urgent
    assert out.startswith("UNREAD")
    assert "for Raj  from Maria Lopez (404) 555-0134 [will call again]  taken by ann: call me [bold]x[/]" in out
    run(capsys, db_path, "log", "--phone", "4045550135", "--name", "Bo", "--for", "ann", "--urgent")
    assert run(capsys, db_path, "messages")[0] == 1  # ann's urgent one, unread
    assert run(capsys, db_path, "messages", "--for", "raj")[0] == 0  # Raj's are not urgent
    code, out, _ = run(capsys, db_path, "messages", "--unread", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert [(m["for"], m["caller"], m["boxes"], m["urgent"], m["read_at"]) for m in data["messages"]] == [
        ("ann", "Bo", ["urgent"], True, None), ("Raj", "Maria Lopez", ["will_call"], False, None)]
    assert data["messages"][1]["text"] == "call me [bold]x[/]"
    assert data["messages"][1]["taken_at"] == "2026-11-23T10:00:00-05:00"


def test_a_message_read_no_longer_counts(capsys, db_path, raj_known):
    from frontdesk.db import open_database
    from frontdesk.services import Desk
    from frontdesk.store import Store

    run(capsys, db_path, "log", "--phone", "4045550135", "--for", "ann", "--urgent")
    store = Store(open_database(db_path))
    desk = Desk(store, FixedClock(NOW + timedelta(minutes=20)), "ann")
    desk.messages.read(desk.messages.mine()[0].id)
    store.close()
    code, out, _ = run(capsys, db_path, "messages", "--unread")
    assert (code, out) == (0, "no unread messages\n")
    code, out, _ = run(capsys, db_path, "messages", "--format", "json")
    assert code == 0
    assert [(m["read_by"], m["read_at"]) for m in json.loads(out)["messages"]] == [
        ("ann", "2026-11-23T10:20:00-05:00")]


def test_messages_for_someone_unknown_is_exit_2_without_a_traceback(db_path, raj_known):
    result = subprocess.run([sys.executable, "-m", "frontdesk", "--db", str(db_path), "messages", "--for", "nobody"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("frontdesk: nobody is not one of the desk's people")
    assert "Traceback" not in result.stderr and result.stdout == ""
    result = subprocess.run([sys.executable, "-m", "frontdesk", "--db", str(db_path), "messages", "--format", "xml"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
