"""FrontDesk at a lifetime's scale: `make bench`.

Builds (or reuses) a large deterministic desk, times what a receptionist waits for, and puts
beside each figure the same work done by the bare minimum (raw SQL through the sqlite3 module,
or a bare Textual app) in the same run. Prints a table and writes the figures as JSON.

    .venv/bin/python tests/bench/bench.py                 # 100,000 customers, 1,000,000 calls
    .venv/bin/python tests/bench/bench.py --quick         # 10,000 / 100,000
    .venv/bin/python tests/bench/bench.py --only lookup,save

Not part of `make test`: tests guard the mechanisms (query plans, bounded pages), this file
measures seconds.

This file is the entry point: the options, the order of the figures, the table and the JSON.
The desk measured comes from dataset.py; the figures from core_figures.py (lookup, reads, save,
export), pilot_figures.py (keystroke, opening a customer in the pilot) and process_figures.py
(start, memory, idle CPU, opening a customer in tmux) and live_figures.py (another process's
commit to a desk's screen); figures.py keeps and prints them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for extra in (str(ROOT), str(HERE)):
    if extra not in sys.path:
        sys.path.insert(0, extra)

from core_figures import bench_export, bench_lookup, bench_reads, bench_save  # noqa: E402
from dataset import CACHE, build, counts, reusable, top_up_today  # noqa: E402
from figures import Results, machine, table  # noqa: E402
from import_figures import bench_import  # noqa: E402
from listener_figures import bench_listener  # noqa: E402
from live_figures import bench_commit_screen, bench_ring_strip  # noqa: E402
from pilot_figures import bench_customer, bench_keystrokes  # noqa: E402
from process_figures import bench_open_customer, bench_start  # noqa: E402
from week_figures import bench_export_vs_sqlite3, bench_week  # noqa: E402

from frontdesk.clock import to_iso  # noqa: E402

# -- main ---------------------------------------------------------------------------------------
FIGURES = ("lookup", "reads", "save", "keystroke", "customer", "export", "start", "import", "listener", "week",
           "export_sqlite3", "commit", "ring")


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
        "import": lambda: bench_import(db, results),
        "commit": lambda: bench_commit_screen(db, meta, results, 15 if quick else 40),
        "ring": lambda: bench_ring_strip(db, results, 10 if quick else 30),
        "listener": lambda: bench_listener(db, results, 10 if quick else 30),
        "week": lambda: bench_week(db, meta, results, 5 if quick else 7),
        "export_sqlite3": lambda: bench_export_vs_sqlite3(db, results, 3 if quick else 3),
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
