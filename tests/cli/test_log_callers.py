"""`log` and who gets the call: a withheld number (--anonymous), and another name on a known
number (a switchboard) from a script."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from frontdesk.cli import main
from frontdesk.clock import FixedClock

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday 10:00 in New York


def run(capsys, db_path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db_path), *args], clock=FixedClock(NOW))
    out, err = capsys.readouterr()
    return code, out, err


def rows(db_path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_log_anonymous_goes_to_the_desks_anonymous_caller(capsys, db_path):
    ids = []
    for args in (["--anonymous"], ["--phone", "Withheld"], ["--anonymous", "--note", "hours?"]):
        code, out, err = run(capsys, db_path, "log", *args)
        assert (code, err) == (0, ""), args
        ids.append(int(out))
    assert rows(db_path, "SELECT DISTINCT customer_id, e164 FROM calls") == [(1, "")]
    assert rows(db_path, "SELECT name FROM customers") == [("Anonymous caller",)]
    assert rows(db_path, "SELECT count(*) FROM phones") == [(0,)]


def test_log_anonymous_with_a_name_is_a_new_customer_without_a_number(capsys, db_path):
    code, out, err = run(capsys, db_path, "log", "--anonymous", "--name", "Maria", "--outcome", "message",
                         "--for", "ann")
    assert (code, err) == (0, "")
    assert rows(db_path, "SELECT customers.name, calls.e164, calls.outcome FROM calls JOIN customers "
                         "ON customers.id = calls.customer_id") == [("Maria", "", "message")]
    assert rows(db_path, "SELECT count(*) FROM phones") == [(0,)]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--anonymous", "--outcome", "callback"],
         "frontdesk: a callback needs a number to call, and this caller withheld theirs: take a message, "
         "or type the number they give\n"),
        (["--anonymous", "--callback-in", "2bh"],
         "frontdesk: a callback needs a number to call, and this caller withheld theirs: take a message, "
         "or type the number they give\n"),
        (["--name", "Maria"], "frontdesk: --phone is needed (or --anonymous for a caller who withheld their number)\n"),
        (["--anonymous", "--phone", "404 555 0134"], "frontdesk: give --phone or --anonymous, not both\n"),
    ],
)
def test_log_anonymous_refusals_are_one_line_and_change_nothing(capsys, db_path, args, message):
    code, out, err = run(capsys, db_path, "log", *args)
    assert (code, out, err) == (2, "", message)
    if db_path.exists():
        assert rows(db_path, "SELECT count(*) FROM calls") == [(0,)]
        assert rows(db_path, "SELECT count(*) FROM customers") == [(0,)]


def test_log_another_name_on_a_known_number_is_a_second_customer_on_it(capsys, db_path):
    for at, name in (("9:00", "Tyrone Hernandez"), ("9:10", "Mary Hernandez"), ("9:20", "mary  hernandez"),
                     ("9:30", "")):
        code, out, err = run(capsys, db_path, "log", "--phone", "404 555 0134", "--name", name, "--at", at)
        assert (code, err) == (0, ""), name
    assert rows(db_path, "SELECT id, name FROM customers ORDER BY id") == [(1, "Tyrone Hernandez"),
                                                                          (2, "Mary Hernandez")]
    assert rows(db_path, "SELECT customer_id FROM phones ORDER BY customer_id") == [(1,), (2,)]
    # No name: the one on the number heard from last.
    assert rows(db_path, "SELECT customer_id FROM calls ORDER BY id") == [(1,), (2,), (2,), (2,)]
    assert rows(db_path, "SELECT customer_id, new FROM audit WHERE action = 'shared' ORDER BY id") == [
        (2, "Tyrone Hernandez (#1)"), (1, "Mary Hernandez (#2)")]
