"""The off-site copy's figures (`make bench` runs this too): replication lag and restore time.

1. **Replication lag**, commit to replica, under 4 writers: `frontdesk replicate` to a file
   replica with the shipped settings (Litestream looks at the WAL every 250 ms and sends every
   1 s) while four processes log calls (one every ~50 ms each) for DURATION seconds. The lag of
   a call is exact, not guessed from timings: afterwards the replica is restored at each of its
   transaction ids (`litestream restore -txid`), the newest call id in each restored state says
   which transaction first carried each call (ids grow in commit order), and the lag is that
   replica file's write time minus the moment the writer's commit returned. Beside it, the
   floor the settings give (the 250 ms look plus the 1 s send period, 1.25 s at worst).
2. **Restore time** of the bench's lifetime-sized desk (dataset.py: 100,000 customers and
   1,000,000 calls; `--quick`: 10,000 / 100,000): a copy is replicated to a file replica, then
   `frontdesk restore` (Litestream's restore, `integrity_check`, the counts) is timed beside
   the bare minimum: copying the same file and running `integrity_check` on the copy.

    .venv/bin/python tests/bench/replica.py              # lag 30 s; restore the 1,000,000-call desk
    .venv/bin/python tests/bench/replica.py --quick      # lag 10 s; restore the 100,000-call desk
    .venv/bin/python tests/bench/replica.py --only lag
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for extra in (str(ROOT), str(HERE)):
    if extra not in sys.path:
        sys.path.insert(0, extra)

from dataset import CACHE, DESK_ENV, build, reusable  # noqa: E402
from figures import Results, machine, table  # noqa: E402

from frontdesk.clock import to_iso  # noqa: E402
from frontdesk.db import open_database  # noqa: E402
from frontdesk.replica import LitestreamMissing, litestream  # noqa: E402

WRITERS = 4
WRITER = textwrap.dedent("""
    import os, sys, time
    from frontdesk.clock import SystemClock
    from frontdesk.db import open_database
    from frontdesk.services import Desk, NewCall
    from frontdesk.store import Store

    path, worker, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    desk = Desk(Store(open_database(path)), SystemClock(), f"desk{worker}")
    end = time.time() + seconds
    n = 0
    while time.time() < end:
        logged = desk.log_call(NewCall(phone=f"40455{worker}{n % 10000:04d}", name=f"Caller {worker}-{n}",
                                       note="a call of an ordinary length " * 4, topic="bench", uid=f"b{worker}-{n}"))
        print(logged.call.id, time.time(), flush=True)
        n += 1
        time.sleep(0.05)
""")


def env(home: Path) -> dict[str, str]:
    return {**os.environ, **DESK_ENV, "XDG_DATA_HOME": str(home / "data"), "FRONTDESK_OPERATOR": "bench"}


def start_replicator(db: Path, replica: Path, home: Path, log) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "frontdesk", "--db", str(db), "replicate", "--to",
                             f"file://{replica}"], cwd=ROOT, env=env(home), stdout=log, stderr=log)
    deadline = time.monotonic() + 600
    while not (replica / "ltx").is_dir():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the replicator did not start; see {log.name}")
        time.sleep(0.05)
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def l0_files(replica: Path) -> list[tuple[int, float]]:
    """(max TXID, write time) of the replica's level-0 files, in TXID order."""
    found = []
    for entry in os.scandir(replica / "ltx" / "0"):
        if entry.name.endswith(".ltx"):
            found.append((int(entry.name[:-4].split("-")[-1], 16), entry.stat().st_mtime))
    return sorted(found)


def newest_call(binary: Path, replica: Path, txid: int, work: Path) -> int:
    out = work / f"at-{txid}.db"
    subprocess.run([str(binary), "restore", "-txid", f"{txid:016x}", "-o", str(out), f"file://{replica}"],
                   check=True, capture_output=True)
    try:
        with contextlib.closing(sqlite3.connect(out)) as conn:
            return conn.execute("SELECT coalesce(max(id), 0) FROM calls").fetchone()[0]
    finally:
        for leftover in work.glob(f"at-{txid}.db*"):
            leftover.unlink()


def bench_lag(binary: Path, results: Results, seconds: float, work: Path) -> None:
    db, replica, home = work / "lag.db", work / "lag-replica", work / "home"
    open_database(db).close()
    with (work / "lag-replicate.log").open("w") as log:
        proc = start_replicator(db, replica, home, log)
        try:
            writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(w), str(seconds)], cwd=ROOT,
                                        env=env(home), stdout=subprocess.PIPE, text=True) for w in range(WRITERS)]
            outputs = [w.communicate()[0] for w in writers]
            time.sleep(3)  # the last calls reach the replica
            files = l0_files(replica)
        finally:
            stop(proc)
    commits = sorted((int(line.split()[0]), float(line.split()[1]))
                     for out in outputs for line in out.splitlines() if line.strip())
    carried: list[tuple[int, float]] = []  # (newest call id in the replica after this file, when written)
    for txid, written in files:
        carried.append((newest_call(binary, replica, txid, work), written))
    lags = []
    for call_id, acknowledged in commits:
        arrival = next((written for newest, written in carried if newest >= call_id), None)
        if arrival is None:
            raise SystemExit(f"call {call_id} never reached the replica")
        lags.append(max(0.0, arrival - acknowledged) * 1000)
    floor = [1250.0]
    results.add("replica_lag", f"replication lag, commit to file replica, {WRITERS} writers ({len(lags)} calls)",
                "ms", lags, floor, "the settings' worst case (250 ms look + 1 s send)", "p99 < 2 s",
                lambda r: r["p99"] < 2000, calls=len(lags), replica_files=len(files))


def bench_restore(binary: Path, results: Results, customers: int, calls: int, runs: int, work: Path) -> None:
    source = CACHE / f"large-{customers}-{calls}.db" if calls >= 1_000_000 else CACHE / "quick.db"
    meta = reusable(source, customers, calls) or build(source, customers, calls)
    db, replica, home = work / "large.db", work / "large-replica", work / "home"
    with contextlib.closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as src, \
            contextlib.closing(sqlite3.connect(db)) as dst:
        src.backup(dst)  # a private copy: the bench's cached desk is never replicated or changed
    size_mb = db.stat().st_size / 2**20
    with (work / "large-replicate.log").open("w") as log:
        began = time.perf_counter()
        proc = start_replicator(db, replica, home, log)
        snapshot = time.perf_counter() - began
        time.sleep(2)
        stop(proc)
    ours, bare = [], []
    for n in range(runs):
        out = work / f"restored-{n}.db"
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "frontdesk", "restore", "--from", f"file://{replica}",
                               "--output", str(out)], cwd=ROOT, env=env(home), capture_output=True, text=True)
        ours.append(time.perf_counter() - began)
        if done.returncode != 0 or "integrity ok" not in done.stdout:
            raise SystemExit(f"restore failed: {done.stderr}")
        copy = work / f"copied-{n}.db"
        began = time.perf_counter()
        shutil.copyfile(db, copy)
        with contextlib.closing(sqlite3.connect(copy)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        bare.append(time.perf_counter() - began)
        for path in (out, copy):
            path.unlink()
    results.add("restore", f"restore of the {calls:,}-call desk ({size_mb:,.0f} MB), frontdesk restore", "s",
                ours, bare, "copy the file + integrity_check", "minutes, not hours", lambda r: r["p99"] < 600,
                database_mb=round(size_mb), first_snapshot_s=round(snapshot, 1), built_at=meta["built_at"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="lag for 10 s; restore the 100,000-call desk")
    parser.add_argument("--only", default="", help="lag, restore or both (default)")
    parser.add_argument("--json", type=Path, default=HERE / "results_replica.json")
    args = parser.parse_args(argv)
    try:
        binary = litestream()
    except LitestreamMissing as exc:
        print(f"bench: skipped: {exc}", file=sys.stderr)
        return 0
    only = set(filter(None, args.only.split(","))) or {"lag", "restore"}
    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, load average {info['load_average'][0]} at the start; "
          f"Litestream {subprocess.run([str(binary), 'version'], capture_output=True, text=True).stdout.strip()}")
    results = Results()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-replica-") as tmp:
        work = Path(tmp)
        if "lag" in only:
            print("bench: replication lag...", file=sys.stderr, flush=True)
            bench_lag(binary, results, 10 if args.quick else 30, work)
        if "restore" in only:
            print("bench: restore...", file=sys.stderr, flush=True)
            customers, calls = (10_000, 100_000) if args.quick else (100_000, 1_000_000)
            bench_restore(binary, results, customers, calls, 3, work)
    print()
    print(table(results))
    doc = {"machine": info, "ran_at": to_iso(datetime.now(UTC)), "seconds": round(time.perf_counter() - began, 1),
           "figures": results.rows}
    args.json.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
