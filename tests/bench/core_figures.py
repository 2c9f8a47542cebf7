"""The desk's own work, timed beside raw SQL through the sqlite3 module: caller lookup, the
reads behind the desk and a customer's page, saving a call (in this process), and exporting as
`frontdesk export` processes beside a python + sqlite3 + csv script."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from dataset import FRONTDESK, ZONE, desk_env, lookup_words, open_desk, remove_calls
from figures import Results, timed

from frontdesk.clock import to_iso
from frontdesk.services import NewCall


def bench_lookup(db: Path, results: Results, n: int) -> None:
    from bare import LOOKUP_SQL, fts_target, raw_connection

    desk = open_desk(db)
    raw = raw_connection(str(db))
    digits, letters = lookup_words(db, n)

    def raw_lookup(text: str):
        rows = raw.execute(LOOKUP_SQL, [fts_target(text)]).fetchall()
        ids = [r[0] for r in rows]
        marks = ",".join("?" * len(ids))
        phones = raw.execute(f"SELECT customer_id, e164, ext, label FROM phones WHERE customer_id IN ({marks})",
                             ids).fetchall() if ids else []
        return rows, phones

    for label, words, key in (("4 digits", digits, "lookup_digits"), ("3 letters", letters, "lookup_letters")):
        for w in words[:5]:
            desk.find_callers(w)
            raw_lookup(w)
        ours, base = [], []
        for i, w in enumerate(words):  # each word's first reader pays for cold pages: take turns
            for which in ((ours, base) if i % 2 else (base, ours)):
                t0 = time.perf_counter()
                desk.find_callers(w, limit=8) if which is ours else raw_lookup(w)
                which.append((time.perf_counter() - t0) * 1000)
        results.add(key, f"caller lookup, {label} (Desk.find_callers)", "ms", ours, base, "raw FTS query + phones",
                    "p99 < 5 ms, < 3x raw", lambda r: r["p99"] < 5 and r["ratio"] < 3)
    # The first letters typed go through the name-prefix path (no trigram below 3 characters).
    short = [w[:k] for w in letters[:200] for k in (1, 2)]
    ours = []
    for w in short:
        t0 = time.perf_counter()
        desk.find_callers(w, limit=8)
        ours.append((time.perf_counter() - t0) * 1000)
    results.add("lookup_prefix", "caller lookup, 1-2 letters (name prefix)", "ms", ours, None, "", "-", None)
    desk.store.close()
    raw.close()


def bench_reads(db: Path, meta: dict, results: Results, n: int) -> None:
    """Today's calls, the queue tick, a customer's history pages, note search."""
    from bare import raw_connection

    desk = open_desk(db)
    raw = raw_connection(str(db))
    start, end = desk.day_bounds(desk.today())
    cols = """calls.id, calls.uid, calls.customer_id, customers.name, customers.company, calls.e164, calls.ext,
        calls.direction, calls.at, calls.operator, calls.topic, calls.note, calls.outcome, calls.callback_id"""
    today_sql = f"""SELECT {cols} FROM calls JOIN customers ON customers.id = calls.customer_id
        WHERE calls.at >= ? AND calls.at < ? ORDER BY calls.at DESC, calls.id DESC LIMIT 200"""
    ours = timed(lambda: desk.todays_calls(), n)
    base = timed(lambda: raw.execute(today_sql, [to_iso(start), to_iso(end)]).fetchall(), n)
    results.add("today", "today's calls, one page (Desk.todays_calls)", "ms", ours, base, "raw SQL", "-", None)

    queue_sql = """SELECT callbacks.*, customers.name, customers.company, calls.topic, calls.note FROM callbacks
        JOIN customers ON customers.id = callbacks.customer_id JOIN calls ON calls.id = callbacks.call_id
        WHERE callbacks.state = 'open' ORDER BY callbacks.due_at, callbacks.id LIMIT 500"""
    counts_sql = "SELECT sum(due_at <= ?), sum(due_at > ? AND due_at <= ?) FROM callbacks WHERE state = 'open'"

    def raw_tick():
        now = datetime.now(UTC)
        raw.execute(queue_sql).fetchall()
        raw.execute(counts_sql, [to_iso(now), to_iso(now), to_iso(now + timedelta(minutes=10))]).fetchall()

    ours = timed(lambda: (desk.callbacks.open_callbacks(limit=500), desk.callbacks.counts()), n)
    base = timed(raw_tick, n)
    results.add("tick", "5 s tick: open queue + due counts", "ms", ours, base, "raw SQL", "-", None)

    busy = meta["busy_customer"]
    history_sql = f"""SELECT {cols} FROM calls JOIN customers ON customers.id = calls.customer_id
        WHERE calls.customer_id = ? ORDER BY calls.at DESC, calls.id DESC LIMIT 200"""

    def service_page():
        desk.customers.customer(busy)
        desk.history(busy)
        desk.promises(busy, limit=20)
        desk.store.count_customer_calls(busy)

    ours = timed(service_page, n)
    base = timed(lambda: raw.execute(history_sql, [busy]).fetchall(), n)
    results.add("history", "customer page data, 2,000 calls (first 200)", "ms", ours, base, "raw SQL", "-", None)
    last = desk.history(busy)[-1]
    ours = timed(lambda: desk.history(busy, before=(to_iso(last.at), last.id)), n)
    results.add("history_more", "customer history, next page (keyset, `l`)", "ms", ours, None, "", "-", None)

    words = ["invoice", "delivery", "refund", "password", "INV", "quote", "parcel", "appointment",
             "warranty", "cancel", "late fee", "bank statement", "copy", "address", "tracking"]
    search_sql = f"""SELECT {cols} FROM
          (SELECT rowid FROM call_search WHERE call_search MATCH ? ORDER BY rowid DESC LIMIT 50) AS hit
        JOIN calls ON calls.id = hit.rowid JOIN customers ON customers.id = calls.customer_id
        ORDER BY calls.at DESC, calls.id DESC"""
    for w in words:
        desk.search(w)
    ours, base = [], []
    for _ in range(max(1, n // len(words))):
        for w in words:
            t0 = time.perf_counter()
            desk.search(w)
            t1 = time.perf_counter()
            raw.execute(search_sql, [" ".join(f'"{x}"*' for x in w.split())]).fetchall()
            t2 = time.perf_counter()
            ours.append((t1 - t0) * 1000)
            base.append((t2 - t1) * 1000)
    results.add("search", "search: notes (FTS) + customers (Desk.search)", "ms", ours, base,
                "raw FTS query, notes only", "p99 < 50 ms", lambda r: r["p99"] < 50)
    desk.store.close()
    raw.close()


def bench_save(db: Path, meta: dict, results: Results, n: int) -> None:
    from bare import raw_connection

    desk = open_desk(db)
    writer = desk.customers.customer(meta["writer_customer"])
    phone = writer.phones[0].e164
    tag = f"bench-save-{os.getpid()}-{time.time_ns()}"
    counter = iter(range(10**9))

    def save():
        i = next(counter)
        desk.log_call(NewCall(phone=phone, customer_id=writer.id, topic="Quote", note="Wants a quote for 12 units.",
                              outcome="callback", promise="1bh", assignee="bench", uid=f"{tag}-{i}"))

    raw = raw_connection(str(db))

    def raw_save():
        i = next(counter)
        now = to_iso(datetime.now(UTC))
        due = to_iso(datetime.now(UTC) + timedelta(hours=1))
        raw.execute("BEGIN IMMEDIATE")
        cur = raw.execute(
            """INSERT INTO calls (uid, customer_id, e164, direction, at, operator, topic, note, outcome, created_at)
               VALUES (?, ?, ?, 'in', ?, 'bench', 'Quote', 'Wants a quote for 12 units.', 'callback', ?)""",
            [f"{tag}-{i}", writer.id, phone, now, now])
        cb = raw.execute(
            """INSERT INTO callbacks (call_id, customer_id, e164, promised_at, first_due_at, due_at, assignee,
               created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'bench', 'bench', ?)""",
            [cur.lastrowid, writer.id, phone, now, due, due, now]).lastrowid
        raw.execute("INSERT INTO callback_events (callback_id, at, operator, kind, due_after, call_id) "
                    "VALUES (?, ?, 'bench', 'promised', ?, ?)", [cb, now, due, cur.lastrowid])
        raw.execute("UPDATE customers SET last_call_at = ? WHERE id = ?", [now, writer.id])
        raw.execute("COMMIT")

    try:
        ours, base = [], []
        for _ in range(5):
            save()
            raw_save()
        for _ in range(n):  # interleaved, so both see the same disk
            t0 = time.perf_counter()
            save()
            t1 = time.perf_counter()
            raw_save()
            t2 = time.perf_counter()
            ours.append((t1 - t0) * 1000)
            base.append((t2 - t1) * 1000)
        results.add("save", "save a call with a callback (Desk.log_call)", "ms", ours, base,
                    "raw WAL+FULL commit, same rows", "p99 < 5 ms", lambda r: r["p99"] < 5)
    finally:
        remove_calls(desk, f"{tag}-%")
        desk.store.close()
        raw.close()


def _run_measured(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one child process. The peak is the child's own VmHWM, read
    from /proc while it runs: rusage's ru_maxrss would also count this (large) bench process,
    whose memory the child had between fork and exec."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    status, peak = Path(f"/proc/{proc.pid}/status"), 0.0
    while proc.poll() is None:
        with contextlib.suppress(OSError, ValueError):
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        time.sleep(0.005)
    took = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"bench: {argv} failed: {proc.stderr.read().decode()}")
    proc.stderr.close()
    return took, peak


RAW_EXPORT = r"""
import csv, sqlite3, sys
db, start, end, out = sys.argv[1:5]
conn = sqlite3.connect(db)
rows = conn.execute('''SELECT calls.id, calls.at, calls.direction, calls.operator, customers.name,
    customers.company, calls.e164, calls.topic, calls.outcome, calls.note, cb.due_at, cb.state,
    cb.done_at, cb.kept_on_time, cb.waited_min
    FROM calls JOIN customers ON customers.id = calls.customer_id
    LEFT JOIN callbacks AS cb ON cb.call_id = calls.id
    WHERE calls.at >= ? AND calls.at < ? ORDER BY calls.at, calls.id''', [start, end])
with open(out, 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['id', 'at', 'direction', 'operator', 'customer', 'company', 'phone', 'topic', 'outcome',
                'note', 'callback_due', 'callback_state', 'callback_done_at', 'kept_on_time', 'minutes_waited'])
    w.writerows(rows)
"""


def bench_export(db: Path, meta: dict, results: Results, day_runs: int, year_runs: int) -> None:
    env = desk_env(db)
    desk = open_desk(db)
    busy_day = date.fromisoformat(meta["busy_day"])
    first, last = desk.store.db.conn.execute("SELECT min(at), max(at) FROM calls").fetchone()
    first_day = datetime.strptime(first, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).astimezone(ZONE).date()
    last_day = datetime.strptime(last, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).astimezone(ZONE).date()
    day_start, day_end = desk.day_bounds(busy_day)
    all_start, all_end = desk.day_bounds(first_day, last_day)
    day_calls = len(desk.store.calls_between(day_start, day_end, limit=10**7))
    all_calls = desk.store.db.conn.execute("SELECT count(*) FROM calls").fetchone()[0]
    desk.store.close()
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
        out = Path(tmp) / "export.csv"

        def ours(start_day: date, end_day: date):
            out.unlink(missing_ok=True)  # export --output never replaces a file unasked (85931ce)
            return _run_measured([*FRONTDESK, "export", "--from", start_day.isoformat(), "--to", end_day.isoformat(),
                                  "--format", "csv", "--output", str(out)], env)

        def bare(start: datetime, end: datetime):
            return _run_measured([sys.executable, "-c", RAW_EXPORT, str(db), to_iso(start), to_iso(end), str(out)], env)

        day = [ours(busy_day, busy_day) for _ in range(day_runs)]
        day_base = [bare(day_start, day_end) for _ in range(day_runs)]
        results.add("export_day", f"export a busy day as CSV ({day_calls:,} calls, process)", "s",
                    [d[0] for d in day], [d[0] for d in day_base], "python + sqlite3 + csv",
                    "< 0.5 s", lambda r: r["p99"] < 0.5)
        year = [ours(first_day, last_day) for _ in range(year_runs)]
        year_base = [bare(all_start, all_end) for _ in range(year_runs)]
        results.add("export_all", f"export {all_calls:,} calls as CSV (process)", "s",
                    [y[0] for y in year], [y[0] for y in year_base], "python + sqlite3 + csv",
                    "< 20 s", lambda r: r["p99"] < 20)
        results.add("export_all_mem", f"peak memory of that export ({all_calls:,} calls)", "MB",
                    [y[1] for y in year], [y[1] for y in year_base], "python + sqlite3 + csv",
                    "< 150 MB", lambda r: r["p99"] < 150)
