"""`frontdesk export` and `frontdesk backup` as scripts see them: output, exit status, stderr."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from frontdesk.cli import main
from frontdesk.clock import FixedClock
from frontdesk.db import open_database
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store

ROOT = Path(__file__).resolve().parents[2]
NY = ZoneInfo("America/New_York")


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "desk.db"
    desk = Desk(Store(open_database(path)), FixedClock(datetime(2026, 11, 23, 20, tzinfo=UTC)), "ann",
                env={"TZ": "America/New_York", "FRONTDESK_REGION": "US"})
    for i, (topic, note) in enumerate([("billing", 'says "hi", twice'), ("=1+1", "Zoë ✓\nline 2"),
                                       ("quote", "")]):
        at = datetime(2026, 11, 23, 9 + i, 15, tzinfo=NY)
        desk.log_call(NewCall(phone=f"404 555 01{10 + i}", name=f"Caller {i}", topic=topic, note=note,
                              at=at, callback_due=at + timedelta(hours=1) if i == 2 else None))
    desk.log_call(NewCall(phone="404 555 0199", name="Sunday", topic="old",
                          at=datetime(2026, 11, 22, 12, tzinfo=NY)))
    desk.store.close()
    return path


def run(db: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "TZ": "America/New_York", "FRONTDESK_REGION": "US",
           "FRONTDESK_OPERATOR": "ann", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "frontdesk", "--db", str(db), *args],
                          capture_output=True, env=env, cwd=cwd or db.parent, timeout=60)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("frontdesk: "), lines
    assert b"Traceback" not in result.stderr
    return lines[0]


def files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_json_to_stdout_as_ci_reads_it(db):
    result = run(db, "export", "--date", "2026-11-23", "--format", "json")
    assert result.returncode == 0, result.stderr
    d = json.loads(result.stdout)
    assert [r["topic"] for r in d["calls"]] == ["billing", "=1+1", "quote"]
    assert d["calls"][2]["callback_state"] == "open"
    assert d["calls"][2]["callback_due"] == "2026-11-23T12:15:00-05:00"


def test_csv_to_a_file(db, tmp_path):
    out = tmp_path / "day.csv"
    result = run(db, "export", "--date", "2026-11-23", "--output", str(out))
    assert result.returncode == 0 and result.stdout == b""
    assert result.stderr.decode().strip() == f"wrote {out}"
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfCall ID,Date,Time,") and data.endswith(b"\r\n")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r["Topic"] for r in rows] == ["billing", "'=1+1", "quote"]
    assert rows[1]["Note"] == "Zoë ✓\nline 2" and rows[0]["Note"] == 'says "hi", twice'
    assert [name for name in files(tmp_path) if name.endswith(".tmp")] == []


def test_a_range_and_yesterday(db):
    result = run(db, "export", "--from", "2026-11-22", "--to", "2026-11-23", "--format", "ndjson")
    assert result.returncode == 0
    assert [json.loads(line)["topic"] for line in result.stdout.splitlines()] == [
        "old", "billing", "=1+1", "quote"]
    assert run(db, "export", "--date", "yesterday", "--format", "json").returncode == 0


def test_markdown_summary(db):
    result = run(db, "export", "--date", "2026-11-23", "--format", "md")
    assert result.returncode == 0
    text = result.stdout.decode()
    assert text.startswith("# Front desk: calls on Monday 23 November 2026")
    assert "- Calls in: 3" in text and "- Promised: 1" in text


def test_an_empty_day_is_header_only(db):
    result = run(db, "export", "--date", "2026-01-01")
    assert result.returncode == 0
    assert result.stdout.decode("utf-8-sig").count("\r\n") == 1


@pytest.mark.parametrize("args", [
    ["--date", "2026-13-45"],
    ["--date", "someday"],
    ["--from", "2026-11-23", "--to", "2026-11-22"],
])
def test_bad_days_are_one_line_and_write_nothing(db, tmp_path, args):
    before = files(tmp_path)
    result = run(db, "export", *args, "--output", str(tmp_path / "out.csv"))
    line = one_error_line(result)
    assert "2026" in line or "someday" in line
    assert result.stdout == b"" and files(tmp_path) == before


def test_unwritable_outputs_are_one_line_and_leave_nothing(db, tmp_path):
    before = files(tmp_path)
    line = one_error_line(run(db, "export", "--date", "2026-11-23", "--output",
                              str(tmp_path / "missing" / "out.csv")))
    assert "missing" in line
    line = one_error_line(run(db, "export", "--date", "2026-11-23", "--output", str(db)))
    assert "database" in line
    one_error_line(run(db, "export", "--date", "2026-11-23", "--output", str(tmp_path)))
    assert files(tmp_path) == before
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM calls").fetchone()[0] == 4
    conn.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_directory(db, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        line = one_error_line(run(db, "export", "--output", str(locked / "out.csv")))
        assert "cannot write" in line and files(locked) == []
    finally:
        locked.chmod(0o700)


def test_backup_command(db, tmp_path):
    result = run(db, "backup", str(tmp_path / "copy.db"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().strip() == (
        f"backed up 4 calls, 4 customers to {tmp_path / 'copy.db'} (integrity ok)")
    line = one_error_line(run(db, "backup", str(db)))
    assert "live database" in line
    line = one_error_line(run(tmp_path / "absent.db", "backup", str(tmp_path / "x.db")))
    assert "no database" in line and not (tmp_path / "absent.db").exists()


# -- only regular files, never through a link, never over a file without --force --------------
def test_backup_to_dev_null_is_refused_and_dev_null_stays_a_device(db):
    for extra in ([], ["--force"], ["--force", "--follow-symlinks"]):
        line = one_error_line(run(db, "backup", "/dev/null", *extra))
        assert line == "frontdesk: refusing to write /dev/null: it is a character device, not a regular " \
                       "file; nothing was written"
        line = one_error_line(run(db, "export", "--output", "/dev/null", *extra))
        assert "character device" in line
        assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


@pytest.mark.parametrize("command", [["backup"], ["export", "--output"]], ids=["backup", "export"])
def test_fifo_directory_and_links_are_refused_in_one_line(db, tmp_path, capsys, command):
    fifo, folder = tmp_path / "pipe", tmp_path / "folder"
    os.mkfifo(fifo)
    folder.mkdir()
    real = tmp_path / "real.out"
    real.write_text("the owner's file")
    link, dangling = tmp_path / "link.out", tmp_path / "dangling.out"
    link.symlink_to(real)
    dangling.symlink_to(tmp_path / "gone.out")
    before = outputs(tmp_path)
    cases = [
        ([str(fifo), "--force"], "named pipe (FIFO), not a regular file"),
        ([str(folder), "--force"], "is a directory"),
        ([str(link), "--force"], "it is a symbolic link (to "),
        ([str(dangling), "--follow-symlinks"], "which does not exist"),
        ([str(link), "--follow-symlinks"], "link.out already exists; use --force to replace it"),
    ]
    for args, reason in cases:
        assert main(["--db", str(db), *command, *args]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and err.startswith("frontdesk: ") and reason in err
    assert outputs(tmp_path) == before and fifo.is_fifo() and folder.is_dir()
    assert real.read_text() == "the owner's file" and link.is_symlink()
    assert main(["--db", str(db), *command, str(link), "--follow-symlinks", "--force"]) == 0
    assert link.is_symlink() and real.read_bytes() != b"the owner's file"
    assert outputs(tmp_path) == before


def outputs(directory: Path) -> list[str]:
    """The files in directory but the database's own (an in-process run keeps -wal and -shm)."""
    return [name for name in files(directory) if not name.startswith("desk.db")]


@pytest.mark.parametrize("command", [["backup"], ["export", "--output"]], ids=["backup", "export"])
def test_an_existing_file_is_replaced_only_with_force(db, tmp_path, command):
    old = tmp_path / "yesterday.out"
    old.write_text("yesterday's file")
    line = one_error_line(run(db, *command, str(old)))
    assert line == f"frontdesk: {old} already exists; use --force to replace it"
    assert old.read_text() == "yesterday's file"
    result = run(db, *command, str(old), "--force")
    assert result.returncode == 0, result.stderr
    assert old.read_bytes() != b"yesterday's file"
    assert [name for name in files(tmp_path) if name.endswith(".tmp")] == []
