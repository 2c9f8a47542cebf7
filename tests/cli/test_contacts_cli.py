"""`frontdesk import` and `frontdesk contacts` as a person or a script runs them: the summary,
exit statuses, one clear line for bad input (never a traceback, nothing changed), the progress
bar only on a terminal, Ctrl-C midway, and the export's file safety."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "samples" / "contacts"
ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US", "FRONTDESK_OPERATOR": "ann", "PYTHONPATH": str(ROOT)}


def run(db: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "frontdesk", "--db", str(db), *args], capture_output=True,
                          text=True, env={**os.environ, **ENV}, cwd=db.parent, timeout=120, **kwargs)


def table(db: Path, sql: str) -> list:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def snapshot(db: Path) -> list:
    return [table(db, f"SELECT * FROM {t} ORDER BY 1") for t in ("customers", "phones", "audit", "contact_imports")]


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("frontdesk: "), lines
    assert "Traceback" not in result.stderr and result.stdout == ""
    return lines[0]


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "desk.db"
    assert run(path, "log", "--phone", "404 555 0101", "--name", "Existing Person").returncode == 0
    return path


def test_import_prints_a_summary_and_again_says_nothing_changed(db):
    files = [str(p) for p in sorted(SAMPLES.glob("*.vcf"))]
    first = run(db, "import", *files)
    assert first.returncode == 0, first.stderr
    assert "25 contacts" in first.stdout and "created" in first.stdout
    assert "\r" not in first.stderr  # no progress bar when stderr is not a terminal
    second = run(db, "import", *files)
    assert second.returncode == 0 and second.stdout.rstrip().endswith("nothing changed")
    assert "0 created, 0 updated, 20 unchanged" in second.stdout


def test_dry_run_changes_nothing(db, tmp_path):
    before = snapshot(db)
    result = run(db, "import", "--dry-run", str(SAMPLES / "John_Doe_IPHONE.vcf"), "--report", str(tmp_path / "r.csv"))
    assert result.returncode == 0 and "1 would be created" in result.stdout
    assert "dry run: nothing was changed" in result.stdout
    assert snapshot(db) == before
    assert "Mr. John Richter James Doe Sr." in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"", "is empty"),
    (b"\x00\x01\x02\x03SQLite format 3\x00" + bytes(range(256)) * 4, "binary data"),
    (b"Street,City\n1 Main St,Springfield\n", "no column FrontDesk can use"),
    (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Short\r\nTEL:404 555 0199\r\n", "has no END:VCARD"),
])
def test_bad_files_say_one_line_and_change_nothing(db, tmp_path, content, message):
    path = tmp_path / "contacts.csv"
    if content is not None:
        path.write_bytes(content)
    before = snapshot(db)
    good = str(SAMPLES / "gmail-single.vcf")  # a good file beside the bad one does not land either
    assert message in one_error_line(run(db, "import", good, str(path)))
    assert snapshot(db) == before


def test_unknown_region_and_existing_report(db, tmp_path):
    path = str(SAMPLES / "gmail-single.vcf")
    assert "unknown region 'ZZ'" in one_error_line(run(db, "import", "--region", "ZZ", path))
    report = tmp_path / "report.csv"
    report.write_text("keep me")
    before = snapshot(db)
    assert "already exists; use --force" in one_error_line(run(db, "import", path, "--report", str(report)))
    assert report.read_text() == "keep me" and snapshot(db) == before


def test_contacts_export_writes_vcard_and_csv_and_refuses_to_overwrite(db, tmp_path):
    out = tmp_path / "book.vcf"
    result = run(db, "contacts", "--output", str(out))
    assert result.returncode == 0 and "wrote 1 customer to" in result.stderr
    text = out.read_bytes().decode()
    assert "FN:Existing Person\r\n" in text and "TEL;TYPE=VOICE:+14045550101\r\n" in text
    assert "already exists" in one_error_line(run(db, "contacts", "--output", str(out)))
    csv_out = run(db, "contacts", "--format", "csv")
    assert csv_out.stdout.startswith("\ufeffFirst Name,Middle Name,Last Name,Organization Name,Notes,")
    assert "Existing,,Person,,,,'+14045550101" in csv_out.stdout


def _book(path: Path, n: int) -> Path:
    with path.open("w") as file:
        for i in range(n):
            file.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nTEL:+1 470 55{i // 10000 % 10} {i % 10000:04d}\r\n"
                       "END:VCARD\r\n")
    return path


def _on_terminal(db: Path, *args: str) -> tuple[subprocess.Popen, int]:
    """The command with stderr on a pseudo-terminal (as a person runs it); (process, pty reader)."""
    reader, writer = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "frontdesk", "--db", str(db), *args], stdout=subprocess.PIPE,
                            stderr=writer, env={**os.environ, **ENV}, cwd=db.parent, text=True)
    os.close(writer)
    return proc, reader


def _read_until(reader: int, wanted: bytes, timeout: float = 60) -> bytes:
    seen, deadline = b"", time.monotonic() + timeout
    while wanted not in seen and time.monotonic() < deadline:
        if select.select([reader], [], [], 0.5)[0]:
            try:
                seen += os.read(reader, 4096)
            except OSError:
                break
    return seen


def test_progress_bar_on_a_terminal_and_ctrl_c_leaves_the_database_as_it_was(db, tmp_path):
    book = _book(tmp_path / "big.vcf", 30_000)
    before = snapshot(db)
    proc, reader = _on_terminal(db, "import", str(book))
    try:
        seen = _read_until(reader, b"importing [")
        assert b"importing [" in seen, seen[-500:]
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        seen += _read_until(reader, b"nothing was imported", timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(reader)
    assert proc.returncode == 130
    assert b"interrupted: nothing was imported" in seen and b"Traceback" not in seen
    assert snapshot(db) == before
