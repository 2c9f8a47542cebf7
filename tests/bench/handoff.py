"""How soon a waiting writer gets the write lock: `transaction`'s polling beside SQLite's own busy
handler, in the same run (`make bench-load` runs it after the load figure).

Eight processes each run 50 short write transactions on one file; each holds the write lock for
10 ms (as a commit does when its fsync queues behind other I/O) and then pauses 0-20 ms. Every
process times how long its BEGIN IMMEDIATE waited. Two rounds alternate: `transaction`
(frontdesk/db.py: polls every 1-3 ms) and a plain BEGIN IMMEDIATE under SQLite's busy handler
(sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms... while the lock is taken).

    .venv/bin/python tests/bench/handoff.py
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def worker(db: Path, go: Path, mode: str, n: int, hold: float, worker_id: int) -> None:
    import random

    from frontdesk.db import open_database, transaction

    conn = open_database(db)
    rng = random.Random(worker_id)
    waits = []
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.001)
    for i in range(n):
        t0 = time.perf_counter()
        if mode == "poll":
            tx = transaction(conn)
            tx.__enter__()
        else:
            conn.execute("BEGIN IMMEDIATE")
        waits.append(time.perf_counter() - t0)
        conn.execute("INSERT OR REPLACE INTO drafts VALUES (?, ?, '{}')", [f"w{worker_id}", f"{mode}-{i}"])
        time.sleep(hold)
        if mode == "poll":
            tx.__exit__(None, None, None)
        else:
            conn.execute("COMMIT")
        time.sleep(rng.uniform(0, 0.02))
    conn.close()
    print(json.dumps(waits), flush=True)


def round_(db: Path, mode: str, writers: int, each: int, hold: float) -> dict:
    go = db.with_name(f"go-{mode}-{time.monotonic_ns()}")
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", str(w), "--mode", mode, "--db", str(db),
                               "--go", str(go), "--each", str(each), "--hold", str(hold)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT) for w in range(writers)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    t0 = time.perf_counter()
    go.touch()
    waits: list[float] = []
    for p in procs:
        out, _ = p.communicate(timeout=300)
        assert p.returncode == 0
        waits += json.loads(out.strip().splitlines()[-1])
    elapsed = time.perf_counter() - t0
    held = writers * each * hold
    return {"mode": mode, "n": len(waits), "wait_p50_ms": statistics.median(waits) * 1000,
            "wait_p99_ms": p99(waits) * 1000, "wait_mean_ms": statistics.fmean(waits) * 1000,
            "elapsed_s": elapsed, "lock_busy_share": held / elapsed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--each", type=int, default=50)
    parser.add_argument("--hold", type=float, default=0.010, help="seconds each transaction holds the lock")
    parser.add_argument("--rounds", type=int, default=2, help="pairs of rounds (poll, busy handler)")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("poll", "handler"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--go", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        worker(args.db, args.go, args.mode, args.each, args.hold, args.worker)
        return 0
    from frontdesk.db import open_database

    results = []
    with tempfile.TemporaryDirectory(prefix="frontdesk-handoff-") as tmp:
        db = Path(tmp) / "desk.db"
        open_database(db).close()
        for _ in range(args.rounds):
            for mode in ("handler", "poll"):
                results.append(round_(db, mode, args.writers, args.each, args.hold))
    print(f"\nwrite-lock handoff: {args.writers} processes x {args.each} transactions holding the lock "
          f"{args.hold * 1000:.0f} ms ({os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f})")
    for r in results:
        label = "transaction (polls 1-3 ms)" if r["mode"] == "poll" else "SQLite's busy handler   "
        print(f"  {label}: wait p50 {r['wait_p50_ms']:6.1f} ms, p99 {r['wait_p99_ms']:6.1f} ms, "
              f"mean {r['wait_mean_ms']:6.1f} ms; all done in {r['elapsed_s']:.2f} s "
              f"(lock held {r['lock_busy_share']:.0%} of that)")
    if args.json:
        args.json.write_text(json.dumps({"setup": vars(args) | {"json": str(args.json)}, "rounds": results},
                                        indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
