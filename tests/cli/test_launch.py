"""`frontdesk` with nothing but --db/--operator opens the app without loading click; anything
else goes to the click CLI, which keeps its own parsing, errors and --help."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from frontdesk.launch import app_options

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("args, expected", [
    ([], {}),
    (["--db", "x.db"], {"--db": "x.db"}),
    (["--db=x.db", "--operator", "ann"], {"--db": "x.db", "--operator": "ann"}),
    (["--operator=raj"], {"--operator": "raj"}),
    (["--db", "-weird.db"], None),  # looks like an option: click decides
    (["--db"], None),
    (["--db="], None),
    (["--db", "a.db", "--db", "b.db"], None),
    (["--version"], None),
    (["--help"], None),
    (["log", "--phone", "1"], None),
    (["--db", "x.db", "due"], None),
    (["--operator", "ann", "export"], None),
])
def test_only_database_and_operator_open_the_app_directly(args, expected):
    assert app_options(args) == expected


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k != "ESCDELAY"} | env
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, cwd=ROOT,
                          timeout=60)


def test_opening_the_app_does_not_load_click(tmp_path):
    code = ("import os, sys; from unittest import mock; import frontdesk.launch as l; "
            "m = mock.patch('frontdesk.app.run_app', lambda path, op, clock: print(path, op, os.environ['ESCDELAY'], "
            "'click' in sys.modules)); m.start(); "
            f"sys.exit(l.main(['--db', {str(tmp_path / 'd.db')!r}, '--operator', 'mei']))")
    out = _run(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(tmp_path / "d.db"), "mei", "50", "False"]


def test_a_bad_database_is_one_line_and_left_alone(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database\n" * 100)
    out = subprocess.run([sys.executable, "-m", "frontdesk", "--db", str(junk)], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and "not a FrontDesk database" in out.stderr
    assert junk.read_text() == "not a database\n" * 100


def test_anything_else_goes_to_click(tmp_path):
    out = subprocess.run([sys.executable, "-m", "frontdesk", "--db"], capture_output=True, text=True, cwd=ROOT,
                         timeout=60)
    assert out.returncode == 2 and "requires an argument" in out.stderr
    out = subprocess.run([sys.executable, "-m", "frontdesk", "--help"], capture_output=True, text=True, cwd=ROOT,
                         timeout=60)
    assert out.returncode == 0 and "backup" in out.stdout


def test_a_tilde_in_db_names_the_same_file_for_the_app_and_the_scripts(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    code = ("import sys; from unittest import mock; import frontdesk.launch as l; "
            "m = mock.patch('frontdesk.app.run_app', lambda path, op, clock: print(path)); m.start(); "
            "sys.exit(l.main(['--db=~/desk.db']))")
    opened = _run(code, HOME=str(home))
    assert opened.stdout.strip() == str(home / "desk.db")
    logged = subprocess.run([sys.executable, "-m", "frontdesk", "--db=~/desk.db", "log", "--phone", "404 555 0134"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60,
                            env={**os.environ, "HOME": str(home)})
    assert logged.returncode == 0, logged.stderr
    assert (home / "desk.db").exists() and not (ROOT / "~").exists()


def test_a_script_that_names_its_database_does_not_load_platformdirs(tmp_path):
    """`frontdesk --db X log ...` runs from dialplans and cron many times a minute: the user
    data directory is not looked up (docs/performance.md)."""
    code = ("import sys; import frontdesk.launch as l; "
            f"code = l.main(['--db', {str(tmp_path / 'd.db')!r}, 'log', '--phone', '4045550134']); "
            "print('platformdirs' in sys.modules); sys.exit(code)")
    out = _run(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-1] == "False"
