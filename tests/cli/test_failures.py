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
