"""The owner's figures at a lifetime's scale: `frontdesk report --week` as a process (md, json,
html) beside a python + sqlite3 script that groups the same five weeks of calls, and
`frontdesk export` of every call beside the sqlite3 command line's own CSV of the same join
(`sqlite3 -csv`), run alternately in the same run."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from core_figures import _run_measured
from dataset import FRONTDESK, ZONE, desk_env, open_desk
from figures import Results

from frontdesk.clock import to_iso
from frontdesk.store_reports import EXPORT_COLUMNS

RAW_WEEK = r"""
import sqlite3, sys
db, start, end = sys.argv[1:4]
conn = sqlite3.connect(db)
rows = conn.execute('''SELECT substr(at, 1, 13) AS hour, direction, count(*) FROM calls
    WHERE at >= ? AND at < ? GROUP BY hour, direction''', [start, end]).fetchall()
topics = conn.execute('''SELECT topic, count(*) FROM calls WHERE at >= ? AND at < ? GROUP BY topic''',
                      [start, end]).fetchall()
print(len(rows), len(topics))
"""

EXPORT_SQL = f"""SELECT {" ".join(EXPORT_COLUMNS.split())} FROM calls INDEXED BY calls_at
    JOIN customers ON customers.id = calls.customer_id
    LEFT JOIN callbacks AS cb ON cb.id = (SELECT min(id) FROM callbacks WHERE callbacks.call_id = calls.id)
    WHERE calls.at >= '{{start}}' AND calls.at < '{{end}}' ORDER BY calls.at, calls.id"""


def bench_week(db: Path, meta: dict, results: Results, runs: int) -> None:
    env = desk_env(db)
    day = date.fromisoformat(meta["busy_day"])
    desk = open_desk(db)
    monday = day - timedelta(days=day.weekday())
    start, _ = desk.day_bounds(monday - timedelta(days=28))
    _, end = desk.day_bounds(monday + timedelta(days=6))
    week_calls = desk.store.count_calls_between(*desk.day_bounds(monday, monday + timedelta(days=6)))
    desk.store.close()
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
        for fmt, target in (("md", 1.0), ("json", 1.0), ("html", 2.0)):
            out = Path(tmp) / f"week.{fmt}"
            ours, bare = [], []
            for _ in range(runs):  # alternately, so both meet the same load on the machine
                out.unlink(missing_ok=True)
                ours.append(_run_measured([*FRONTDESK, "report", "--week", day.isoformat(), "--format", fmt,
                                           "--output", str(out)], env)[0])
                bare.append(_run_measured([sys.executable, "-c", RAW_WEEK, str(db), to_iso(start), to_iso(end)],
                                          env)[0])
            results.add(f"week_{fmt}", f"report --week as {fmt} ({week_calls:,} calls that week, 5 weeks read; "
                        "process)", "s", ours, bare, "python + sqlite3 GROUP BY",
                        f"< {target:.0f} s", lambda r, t=target: r["p99"] < t)


def bench_export_vs_sqlite3(db: Path, results: Results, runs: int) -> None:
    sqlite3_cli = shutil.which("sqlite3")
    if sqlite3_cli is None:
        print("bench: export_sqlite3 skipped: no sqlite3 command line here (apt-get install sqlite3)",
              file=sys.stderr)
        return
    env = desk_env(db)
    desk = open_desk(db)
    first, last = desk.store.db.conn.execute("SELECT min(at), max(at) FROM calls").fetchone()
    first_day = datetime.strptime(first, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).astimezone(ZONE).date()
    last_day = datetime.strptime(last, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).astimezone(ZONE).date()
    start, end = desk.day_bounds(first_day, last_day)
    all_calls = desk.store.db.conn.execute("SELECT count(*) FROM calls").fetchone()[0]
    desk.store.close()
    sql = EXPORT_SQL.format(start=to_iso(start), end=to_iso(end))
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
        out, base_out = Path(tmp) / "export.csv", Path(tmp) / "sqlite3.csv"
        ours, bare, peaks = [], [], []
        for _ in range(runs):
            out.unlink(missing_ok=True)
            took, peak = _run_measured([*FRONTDESK, "export", "--from", first_day.isoformat(), "--to",
                                        last_day.isoformat(), "--format", "csv", "--output", str(out)], env)
            ours.append(took)
            peaks.append(peak)
            t0 = time.perf_counter()
            with base_out.open("wb") as sink:
                subprocess.run([sqlite3_cli, "-csv", "-header", str(db), sql], stdout=sink, check=True)
            bare.append(time.perf_counter() - t0)
        results.add("export_sqlite3", f"export every call as CSV ({all_calls:,} calls, process)", "s", ours, bare,
                    "sqlite3 -csv, same join", "< 3x sqlite3", lambda r: r["ratio"] < 3)
        results.add("export_sqlite3_mem", f"peak memory of that export ({all_calls:,} calls)", "MB", peaks, None,
                    "", "< 150 MB (constant)", lambda r: r["p99"] < 150)
