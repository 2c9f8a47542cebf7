"""How soon open desks show what another process committed, in real terminals (a private tmux
server, 80x24, read back with capture-pane): a call logged by this (other) process until its
topic is on a desk's screen. A desk that watches the database's files beside one that only
polls (FRONTDESK_WATCH=0: every desk before the watcher) and the bare Textual app that polls
PRAGMA data_version every 50 ms (bare.py `newest`), all three in the same run."""

from __future__ import annotations

import os
import random
import re
import time
from pathlib import Path

from dataset import FRONTDESK, desk_env, open_desk, remove_calls
from figures import Results
from process_figures import BARE

from frontdesk.services import NewCall

SPACING = (0.3, 1.3)  # seconds between commits, at random: the poll's phase is sampled evenly
# The desk's title counts today's calls: the new row itself may be scrolled out of view (the
# table keeps its cursor's call on screen as rows arrive above it).
TODAY_TOTAL = re.compile(r"Today's calls \(\d+ of (\d+)")


def _shows(which: str, topic: str, total: int):
    if which == "bare":
        return lambda text: topic in text
    return lambda text: (m := TODAY_TOTAL.search(text)) is not None and int(m.group(1)) == total


def _wait_all(tmux, panes: dict[str, str], shown: dict, t0: float, timeout: float = 10.0) -> dict[str, float]:
    """ms from t0 until each pane's screen satisfies its `shown` test."""
    seen: dict[str, float] = {}
    while len(seen) < len(panes):
        for which, name in panes.items():
            if which not in seen and shown[which](tmux.screen(name)):
                seen[which] = (time.perf_counter() - t0) * 1000
        if time.perf_counter() - t0 > timeout:
            missing = sorted(set(panes) - set(seen))
            raise TimeoutError(f"bench: {missing} never showed the commit; screen:\n{tmux.screen(panes[missing[0]])}")
        time.sleep(0.002)
    return seen


def bench_commit_screen(db: Path, meta: dict, results: Results, n: int) -> None:
    from terminal import Tmux, desk_ready

    desk = open_desk(db, operator="bench-commit")
    writer = desk.customers.customer(meta["writer_customer"])
    tag = f"bench-commit-{os.getpid()}-{time.time_ns()}"
    tmux = Tmux()
    try:
        panes = {}
        for which, argv, env in (
                ("watch", FRONTDESK, desk_env(db, "bench-watch")),
                ("poll", FRONTDESK, {**desk_env(db, "bench-poll"), "FRONTDESK_WATCH": "0"}),
                ("bare", [*BARE, "newest", str(db)], desk_env(db))):
            name, t0 = tmux.start(argv, env)
            tmux.wait_for(name, desk_ready if which != "bare" else (lambda text: "bare newest:" in text), t0)
            panes[which] = name
        time.sleep(1.0)  # past the first tick and the draft check
        samples: dict[str, list[float]] = {which: [] for which in panes}
        rng = random.Random(5)
        for i in range(n + 1):  # the first commit is not counted (cold reloads)
            time.sleep(rng.uniform(*SPACING))
            topic = f"Commit {i:04d}"
            desk.log_call(NewCall(phone=writer.phones[0].e164, customer_id=writer.id, topic=topic,
                                  uid=f"{tag}-{i}"))
            t0 = time.perf_counter()
            total = desk.count_calls_on(desk.today())
            seen = _wait_all(tmux, panes, {which: _shows(which, topic, total) for which in panes}, t0)
            if i:
                for which, took in seen.items():
                    samples[which].append(took)
    finally:
        tmux.close()
        remove_calls(desk, f"{tag}-%")
        desk.store.close()
    base = samples["bare"]
    results.add("commit_watch", "another process's commit to a desk's screen, watching the files (tmux)", "ms",
                samples["watch"], base, "bare Textual app polling data_version every 50 ms",
                "< 500 ms (p99)", lambda r: r["p99"] < 500)
    results.add("commit_poll", "the same, FRONTDESK_WATCH=0 (the 1 s poll alone, as before)", "ms",
                samples["poll"], base, "bare Textual app polling data_version every 50 ms", "< 2 s (p99)",
                lambda r: r["p99"] < 2000)
