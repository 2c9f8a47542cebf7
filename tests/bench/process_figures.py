"""Real processes in a private tmux server (80x24), through terminal.py: `frontdesk` start to its
first complete frame, the memory and idle CPU of one open app, and opening the 2,000-call
customer from the desk, each beside the bare Textual app (bare.py) in the same run."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from dataset import FRONTDESK, desk_env, open_desk, remove_calls
from figures import Results

from frontdesk.services import NewCall

BARE = [sys.executable, str(Path(__file__).resolve().parent / "bare.py")]


def bench_start(db: Path, results: Results, runs: int, idle_seconds: float) -> None:
    from terminal import start_figures

    start_figures(results, FRONTDESK, BARE, desk_env(db), runs, idle_seconds)


def bench_open_customer(db: Path, meta: dict, results: Results, n: int) -> None:
    """In a real terminal: Enter on the desk's newest call (the busy customer's) until the page
    shows its history; Esc back; again. A call logged now puts that customer on top."""
    from terminal import open_customer_figure

    desk = open_desk(db)
    tag = f"bench-open-{os.getpid()}-{time.time_ns()}"
    busy = desk.customers.customer(meta["busy_customer"])
    desk.log_call(NewCall(phone=busy.phones[0].e164, customer_id=busy.id, topic="Order status",
                          note="Where is my order?", uid=tag))
    count = desk.count_history(busy.id)
    try:
        open_customer_figure(results, FRONTDESK, [*BARE, "customer", str(db), str(busy.id)],
                             desk_env(db, "bench-open"), n, count)
    finally:
        remove_calls(desk, tag)
        desk.store.close()
