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


RINGING_SQL = "SELECT e164 FROM phone_calls WHERE state = 'ringing' ORDER BY id DESC LIMIT 1"


def bench_ring_strip(db: Path, results: Results, n: int, desks: int = 5) -> None:
    """A phone event (a ring, as `frontdesk ring` or the listener writes it, from this process)
    until the ringing strip is on the screen of every one of `desks` open desks; then the
    hang-up until the strip is gone. Beside the bare app polling data_version every 50 ms."""
    from terminal import Tmux, desk_ready

    from frontdesk.phone.models import PhoneEvent

    desk = open_desk(db, operator="bench-ring")
    tag = f"bench-ring-{os.getpid()}-{time.time_ns()}"
    tmux = Tmux()
    ours: list[float] = []
    gone: list[float] = []
    base: list[float] = []
    base_gone: list[float] = []
    try:
        panes = {}
        for i in range(desks):
            name, t0 = tmux.start(FRONTDESK, desk_env(db, f"bench-desk{i}"))
            tmux.wait_for(name, desk_ready, t0)
            panes[f"desk{i}"] = name
        name, t0 = tmux.start([*BARE, "newest", str(db), RINGING_SQL], desk_env(db))
        tmux.wait_for(name, lambda text: "bare newest:" in text, t0)
        panes["bare"] = name
        time.sleep(1.0)
        rng = random.Random(9)
        for i in range(n + 1):  # the first ring is not counted (the strip's first mount, cold code)
            time.sleep(rng.uniform(*SPACING))
            number = f"+1212555{rng.randint(0, 9999):04d}"
            call_id = f"{tag}-{i}"
            ringing = {which: (lambda text: " Ringing " in text) for which in panes}
            ringing["bare"] = lambda text, number=number: f"bare newest: {number}" in text
            t0 = time.perf_counter()
            desk.phone.event(PhoneEvent(kind="ring", call_id=call_id, source="cli", number=number))
            seen = _wait_all(tmux, panes, ringing, t0)
            time.sleep(0.3)
            ended = {which: (lambda text: " Ringing " not in text) for which in panes}
            ended["bare"] = lambda text: "bare newest: -" in text
            t0 = time.perf_counter()
            # Taken on another phone: not a missed call, so no promise (nor customer) is left behind.
            desk.phone.event(PhoneEvent(kind="hangup", call_id=call_id, source="cli", cause="answeredElsewhere"))
            cleared = _wait_all(tmux, panes, ended, t0)
            if i:
                ours += [took for which, took in seen.items() if which != "bare"]
                gone += [took for which, took in cleared.items() if which != "bare"]
                base.append(seen["bare"])
                base_gone.append(cleared["bare"])
    finally:
        tmux.close()
        with desk.store.write():
            desk.store.db.conn.execute("DELETE FROM phone_calls WHERE source = 'cli' AND ext_id LIKE ?", [f"{tag}-%"])
        desk.store.close()
    results.add("ring_strip", f"ring event to the strip on each of {desks} open desks (tmux)", "ms", ours, base,
                "bare Textual app polling data_version every 50 ms", "< 500 ms (p99)", lambda r: r["p99"] < 500)
    results.add("ring_gone", f"hang-up to the strip gone on each of {desks} desks (tmux)", "ms", gone, base_gone,
                "bare Textual app polling data_version every 50 ms", "< 500 ms (p99)", lambda r: r["p99"] < 500)
