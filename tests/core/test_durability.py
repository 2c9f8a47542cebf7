"""A writer killed at random moments: the file stays sound and no returned call is lost.

A real process logs calls through `frontdesk log` in a loop and prints each returned call id
with its uid. It is killed with SIGKILL at random moments (mid-transaction, mid-commit,
mid-checkpoint, between commit and reply) and restarted on the same file; each restart first
retries the uid that was in flight, as a caller-ID hook would after a failure."""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KILLS = 12

WRITER = textwrap.dedent("""
    import contextlib, io, sys
    from frontdesk.cli import main

    path, first = sys.argv[1], int(sys.argv[2])
    print("ready", flush=True)
    n = first
    while True:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["--db", path, "log", "--phone", f"40455{n % 100000:05d}",
                         "--name", f"Caller {n}", "--note", "x" * (n % 7 * 300),
                         "--callback-in", "1h",
                         "--uid", f"call-{n}"])
        if code != 0:
            sys.exit(code)
        print(out.getvalue().strip(), f"call-{n}", flush=True)  # the command returned
        n += 1
""")


def read_lines(proc: subprocess.Popen, buffer: bytearray, until: float,
               first_line: bool = False) -> list[str]:
    """Complete lines the writer printed before `until` (a partial last line is kept back);
    with first_line, return as soon as there is one."""
    fd = proc.stdout.fileno()
    while not (first_line and b"\n" in buffer):
        timeout = until - time.monotonic()
        if timeout <= 0:
            break
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buffer += chunk
    *lines, rest = bytes(buffer).split(b"\n")
    buffer[:] = rest
    return [line.decode() for line in lines]


def test_a_writer_killed_at_random_moments_loses_nothing_it_reported(tmp_path):
    db = tmp_path / "desk.db"
    rng = random.Random(20261123)
    returned: dict[str, int] = {}  # uid -> call id, for every command that returned
    next_n = 0
    kills = 0
    while kills < KILLS:
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(next_n)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        buffer = bytearray()
        try:
            lines = read_lines(proc, buffer, time.monotonic() + 10, first_line=True)
            assert lines and lines[0] == "ready", proc.stderr.read().decode()
            # Let it write for a random while: some kills land at the very first command,
            # while the database is being opened, some in the middle of a run.
            lines += read_lines(proc, buffer, time.monotonic() + rng.uniform(0.02, 0.5))
            assert proc.poll() is None, proc.stderr.read().decode()
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        lines += read_lines(proc, buffer, time.monotonic() + 1)  # what was flushed before death
        proc.stdout.close()
        proc.stderr.close()
        kills += 1
        for line in lines[1:]:
            call_id, uid = line.split()
            returned[uid] = int(call_id)
        last = max((int(uid.split("-")[1]) for uid in returned), default=-1)
        # The next run starts with the uid that was in flight when it was killed: it may have
        # been committed without its reply being printed; retrying it must not log it twice.
        next_n = last + 1

    assert len(returned) >= KILLS, "the writer hardly wrote: the test proves little"
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = dict(conn.execute("SELECT uid, id FROM calls").fetchall())
        for uid, call_id in returned.items():
            assert stored.get(uid) == call_id, f"{uid} was reported as call {call_id} but is lost"
        # Nothing twice: one row per uid, and only uids the writer tried.
        assert conn.execute("SELECT count(*) FROM calls").fetchone()[0] == len(stored)
        attempted = {f"call-{n}" for n in range(next_n + 1)}
        assert set(stored) <= attempted
        # Each call's customer, phone and promise came with it, or not at all (one transaction).
        orphans = conn.execute(
            "SELECT count(*) FROM customers WHERE id NOT IN (SELECT customer_id FROM calls)"
        ).fetchone()[0]
        assert orphans == 0
        promised = conn.execute("SELECT count(*) FROM callbacks").fetchone()[0]
        assert promised == len(stored)
    finally:
        conn.close()


def test_retrying_a_uid_after_a_kill_between_commit_and_reply_logs_it_once(tmp_path):
    """The worst moment: committed, killed before the reply. Simulated exactly by running the
    same command twice (the second run is the retry of the first, whose reply was lost)."""
    db = tmp_path / "desk.db"
    args = [sys.executable, "-m", "frontdesk", "--db", str(db), "log", "--phone", "4045550134",
            "--name", "Retried", "--uid", "hook-42"]
    first = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=30)
    again = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    assert first.stdout.strip() == again.stdout.strip()  # the same call id, told again
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM calls WHERE uid = 'hook-42'").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM customers").fetchone()[0] == 1
    finally:
        conn.close()


def test_a_file_replaced_while_open_is_reopened_with_its_own_content(desk, tmp_path):
    """A backup put in place of the open desk's file (a restore), then reopened: the desk reads
    the backup. SQLite leaves the old file's write-ahead log at the path when the old file's
    connections close, and would replay it into the new file: the restore would silently hold
    the old data again. The old log is kept beside it, renamed, not deleted."""
    from frontdesk.backup import backup_database
    from frontdesk.services import NewCall

    path = Path(desk.store.path)
    desk.log_call(NewCall(phone="4045550134", name="Kept In The Backup"))
    backup = tmp_path / "backup.db"
    backup_database(path, backup)
    desk.log_call(NewCall(phone="2125550178", name="After The Backup"))
    replacement = tmp_path / "replacement.db"
    replacement.write_bytes(backup.read_bytes())
    os.replace(replacement, path)
    desk.reopen()
    names = {r["name"] for r in desk.store.rows("SELECT name FROM customers")}
    assert names == {"Kept In The Backup"}
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    kept = [p.name for p in tmp_path.iterdir() if ".of-replaced-file-" in p.name]
    assert any(name.startswith(path.name + "-wal") for name in kept)

