"""FrontDesk at a lifetime's scale: `make bench`.

Builds (or reuses) a large deterministic desk, times what a receptionist waits for, and puts
beside each figure the same work done by the bare minimum (raw SQL through the sqlite3 module,
or a bare Textual app) in the same run. Prints a table and writes the figures as JSON.

    .venv/bin/python tests/bench/bench.py                 # 100,000 customers, 1,000,000 calls
    .venv/bin/python tests/bench/bench.py --quick         # 10,000 / 100,000
    .venv/bin/python tests/bench/bench.py --only lookup,save

Not part of `make test`: tests guard the mechanisms (query plans, bounded pages), this file
measures seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for extra in (str(ROOT), str(HERE)):
    if extra not in sys.path:
        sys.path.insert(0, extra)

from dataset import (  # noqa: E402
    CACHE,
    FRONTDESK,
    ZONE,
    build,
    counts,
    desk_env,
    lookup_words,
    open_desk,
    remove_calls,
    reusable,
    top_up_today,
)
from figures import Results, machine, table, timed  # noqa: E402

from frontdesk.clock import to_iso  # noqa: E402
from frontdesk.services import NewCall  # noqa: E402


# -- in-process figures -------------------------------------------------------------------------
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
        desk.customer(busy)
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
    writer = desk.customer(meta["writer_customer"])
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


# -- pilot figures ------------------------------------------------------------------------------
async def _until(cond: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > deadline:
            raise TimeoutError("bench: the screen never showed what was waited for")
        await asyncio.sleep(0.0005)


async def _keystrokes_frontdesk(db: Path, words: list[str]) -> list[float]:
    from textual.widgets import Input

    from frontdesk.app import FrontDeskApp

    desk = open_desk(db, operator="bench-pilot")
    app = FrontDeskApp(desk, offer_draft=False)
    samples: list[float] = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.3)
            await pilot.press("n")
            await pilot.pause(0.2)
            screen = app.screen
            phone = screen.query_one("#phone", Input)
            shown: dict = {}
            original = screen._show_matches

            def show(text, matches):
                original(text, matches)
                shown[text] = time.perf_counter()

            screen._show_matches = show
            for word in words:
                for k in range(1, len(word) + 1):
                    shown.clear()
                    t0 = time.perf_counter()
                    await pilot.press(word[k - 1])
                    await _until(lambda key=word[:k]: key in shown)
                    samples.append((shown[word[:k]] - t0) * 1000)
                phone.value = ""
                await pilot.pause(0.05)
            await pilot.press("escape")
            await pilot.pause(0.1)
    finally:
        with contextlib.suppress(Exception):
            desk.discard_draft()
        desk.store.close()
    return samples


async def _keystrokes_bare(db: Path, words: list[str]) -> list[float]:
    from bare import BareLookup

    app = BareLookup(str(db))
    samples: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        shown: dict = {}
        original = app.show

        def show(text, rows):
            original(text, rows)
            shown[text] = time.perf_counter()

        app.show = show
        for word in words:
            for k in range(1, len(word) + 1):
                shown.clear()
                t0 = time.perf_counter()
                await pilot.press(word[k - 1])
                await _until(lambda key=word[:k]: key in shown)
                samples.append((shown[word[:k]] - t0) * 1000)
            app.query_one("#phone").value = ""
            await pilot.pause(0.05)
    app.conn.close()
    return samples


def bench_keystrokes(db: Path, results: Results, n: int) -> None:
    digits, letters = lookup_words(db, n)
    words = [w for pair in zip(digits, letters, strict=False) for w in pair][:n]
    ours = asyncio.run(_keystrokes_frontdesk(db, words))
    base = asyncio.run(_keystrokes_bare(db, words))
    results.add("keystroke", "keystroke to suggestion list (pilot, new-call form)", "ms", ours, base,
                "bare Textual app: Input + OptionList + raw SQL", "p99 < 50 ms", lambda r: r["p99"] < 50)


async def _open_customer_frontdesk(db: Path, customer_id: int, n: int) -> list[float]:
    from frontdesk.app import FrontDeskApp
    from screens.customer import CustomerScreen

    desk = open_desk(db, operator="bench-pilot")
    app = FrontDeskApp(desk, offer_draft=False)
    samples = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        for _ in range(n + 2):
            t0 = time.perf_counter()
            screen = CustomerScreen(customer_id)
            app.push_screen(screen)
            await _until(lambda screen=screen: bool(screen.calls) and screen.is_mounted
                         and screen.query_one("#history").row_count >= len(screen.calls))
            await pilot.pause()
            samples.append((time.perf_counter() - t0) * 1000)
            app.pop_screen()
            await pilot.pause(0.05)
    desk.store.close()
    return samples[2:]


async def _open_customer_bare(db: Path, customer_id: int, n: int) -> list[float]:
    from bare import BareCustomerApp, BareHistory

    app = BareCustomerApp(str(db))
    samples = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        for _ in range(n + 2):
            t0 = time.perf_counter()
            screen = BareHistory(app.conn, customer_id)
            app.push_screen(screen)
            await _until(lambda screen=screen: screen.is_mounted and screen.query_one("#history").row_count >= 200)
            await pilot.pause()
            samples.append((time.perf_counter() - t0) * 1000)
            app.pop_screen()
            await pilot.pause(0.05)
    app.conn.close()
    return samples[2:]


def bench_customer(db: Path, meta: dict, results: Results, n: int) -> None:
    ours = asyncio.run(_open_customer_frontdesk(db, meta["busy_customer"], n))
    base = asyncio.run(_open_customer_bare(db, meta["busy_customer"], n))
    results.add("customer", "open a customer with 2,000 calls (pilot, to rows shown)", "ms", ours, base,
                "bare Textual screen: DataTable + raw SQL", "< 100 ms (p99)", lambda r: r["p99"] < 100)


# -- real processes: start, memory, idle CPU, opening a customer (tests/bench/terminal.py) -----
def bench_start(db: Path, results: Results, runs: int, idle_seconds: float) -> None:
    from terminal import start_figures

    env = desk_env(db)
    start_figures(results, FRONTDESK, [sys.executable, str(HERE / "bare.py")], env, runs, idle_seconds)


def bench_open_customer(db: Path, meta: dict, results: Results, n: int) -> None:
    """In a real terminal: Enter on the desk's newest call (the busy customer's) until the page
    shows its history; Esc back; again. A call logged now puts that customer on top."""
    from terminal import open_customer_figure

    desk = open_desk(db)
    tag = f"bench-open-{os.getpid()}-{time.time_ns()}"
    busy = desk.customer(meta["busy_customer"])
    desk.log_call(NewCall(phone=busy.phones[0].e164, customer_id=busy.id, topic="Order status",
                          note="Where is my order?", uid=tag))
    count = desk.count_history(busy.id)
    env = desk_env(db, "bench-open")
    try:
        open_customer_figure(results, FRONTDESK, [sys.executable, str(HERE / "bare.py"), "customer", str(db),
                                                  str(busy.id)], env, n, count)
    finally:
        remove_calls(desk, tag)
        desk.store.close()


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


# -- main ---------------------------------------------------------------------------------------
FIGURES = ("lookup", "reads", "save", "keystroke", "customer", "export", "start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=None, help="bench database (built when missing or wrong)")
    parser.add_argument("--customers", type=int, default=None)
    parser.add_argument("--calls", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="10,000 customers and 100,000 calls, fewer repeats")
    parser.add_argument("--json", type=Path, default=HERE / "results.json")
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(FIGURES)}")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--label", default="", help="a note stored with the JSON (e.g. 'before')")
    args = parser.parse_args(argv)
    customers = args.customers or (10_000 if args.quick else 100_000)
    calls = args.calls or (100_000 if args.quick else 1_000_000)
    db = args.db or CACHE / ("quick.db" if args.quick else f"large-{customers}-{calls}.db")
    only = set(filter(None, args.only.split(","))) or set(FIGURES)
    unknown = only - set(FIGURES)
    if unknown:
        parser.error(f"unknown figure(s): {', '.join(sorted(unknown))}")
    began = time.perf_counter()
    info = machine()
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['ram_mb']:,} MB RAM, {info['os']}, "
          f"Python {info['python']}, SQLite {info['sqlite']}, Textual {info['textual']}; "
          f"load average {info['load_average'][0]} at the start (other work on the machine skews figures)")
    meta = None if args.rebuild else reusable(db, customers, calls)
    if meta is None:
        meta = build(db, customers, calls)
    else:
        print(f"bench: reusing {db} (built {meta['built_at']})", file=sys.stderr)
    top_up_today(db)
    have_customers, have_calls = counts(db)
    print(f"database: {db} ({db.stat().st_size / 2**20:,.0f} MB): {have_customers:,} customers, "
          f"{have_calls:,} calls; busy customer #{meta['busy_customer']}, busy day {meta['busy_day']}")
    quick = args.quick
    results = Results()
    steps = {
        "lookup": lambda: bench_lookup(db, results, 300 if quick else 1000),
        "reads": lambda: bench_reads(db, meta, results, 100 if quick else 300),
        "save": lambda: bench_save(db, meta, results, 100 if quick else 300),
        "keystroke": lambda: bench_keystrokes(db, results, 20 if quick else 60),
        "customer": lambda: (bench_customer(db, meta, results, 10 if quick else 30),
                             bench_open_customer(db, meta, results, 10 if quick else 25)),
        "export": lambda: bench_export(db, meta, results, 5, 1 if quick else 3),
        "start": lambda: bench_start(db, results, 5 if quick else 15, 5 if quick else 20),
    }
    for name in FIGURES:
        if name in only:
            print(f"bench: {name}...", file=sys.stderr, flush=True)
            steps[name]()
    elapsed = time.perf_counter() - began
    print()
    print(table(results))
    held = [r for r in results.rows if r["holds"] is not None]
    print(f"\n{sum(r['holds'] for r in held)} of {len(held)} targets hold; bench took {elapsed:.0f} s")
    doc = {"machine": info, "database": {"path": str(db), "customers": have_customers, "calls": have_calls,
                                         **{k: meta[k] for k in ("busy_customer", "busy_day", "built_at")}},
           "label": args.label, "ran_at": to_iso(datetime.now(UTC)), "seconds": round(elapsed, 1),
           "figures": results.rows}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
