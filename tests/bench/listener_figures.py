"""The phone listener under an office's worst minute: `frontdesk listen` takes 200 events a
second (a third of the calls missed, so promises are made) while 4 streams of `frontdesk log`
processes write calls to the same file, beside a bare aiohttp server answering `{}` to the
same posts under the same writers, in the same run.

Events are sent open-loop (each at its planned time, not after the previous answer), so a
slow answer cannot hide by slowing the sender; only a call's own events wait for each other,
as a bridge posts them in order. The figure is each event's response time;
"none lost" is checked in the database afterwards: every call of the run is there, in the
state its events said, and every `frontdesk log` succeeded. The listener runs on a copy of
the bench database (sqlite backup), so the bench desk stays as it was.
"""

from __future__ import annotations

import asyncio
import os
import random
import select
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path

from dataset import FRONTDESK, desk_env
from figures import Results

RATE = 200  # events per second
WRITERS = 4
BARE_SERVER = textwrap.dedent("""
    import sys
    from aiohttp import web

    async def cti(request):
        await request.post()
        return web.json_response({})

    app = web.Application(client_max_size=64 * 1024)
    app.router.add_post("/api/v1/cti/{token}", cti)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
""")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _copy(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _plan(seconds: float, rng: random.Random) -> list[tuple[float, dict]]:
    """(time from start, form fields): calls whose newCall, answer and hang-up are 1-4 s apart
    (a third missed: hang-up with cause cancel), RATE events a second in all."""
    events: list[tuple[float, dict]] = []
    total = int(seconds * RATE)
    n = 0
    while len(events) < total:
        start = len(events) / RATE
        call = f"bench-{n}"
        number = f"+1404{rng.randrange(2_000_000, 9_999_999)}"
        events.append((start, {"event": "newCall", "from": number, "to": "support", "direction": "in",
                               "callId": call}))
        if n % 3 == 0:
            events.append((start + rng.uniform(1, 4), {"event": "hangup", "callId": call, "cause": "cancel"}))
        else:
            answered = start + rng.uniform(1, 3)
            events.append((answered, {"event": "answer", "callId": call, "user": "bench"}))
            events.append((answered + rng.uniform(1, 3), {"event": "hangup", "callId": call,
                                                         "cause": "normalClearing"}))
        n += 1
    events.sort(key=lambda e: e[0])
    # RATE a second on average; the plan is the schedule, trimmed to its length
    return [(i / RATE, fields) for i, (_, fields) in enumerate(events[:total])]


async def _send(url: str, plan: list[tuple[float, dict]]) -> tuple[list[float], list[int]]:
    """Send the plan open-loop: each event at its planned time, except that a call's next event
    waits for the answer to its previous one (as a bridge posts a call's events in order)."""
    import aiohttp

    latencies: list[float] = []
    statuses: list[int] = []
    calls: dict[str, list[tuple[float, dict]]] = {}
    for at, fields in plan:
        calls.setdefault(fields["callId"], []).append((at, fields))
    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(connector=connector) as session:
        began = time.perf_counter()

        async def call(events: list[tuple[float, dict]]) -> None:
            for at, fields in events:
                delay = began + at - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                t0 = time.perf_counter()
                try:
                    async with session.post(url, data=fields) as response:
                        await response.read()
                        statuses.append(response.status)
                except aiohttp.ClientError:
                    statuses.append(0)
                latencies.append((time.perf_counter() - t0) * 1000)

        await asyncio.gather(*(call(events) for events in calls.values()))
    return latencies, statuses


class _Writers:
    """WRITERS threads, each running `frontdesk log` processes one after the other until stopped."""

    def __init__(self, db: Path) -> None:
        self.env = {**os.environ, **desk_env(db)}
        self.stop = threading.Event()
        self.ok = self.failed = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(w,), daemon=True) for w in range(WRITERS)]

    def _run(self, w: int) -> None:
        rng = random.Random(w)
        i = 0
        while not self.stop.is_set():
            i += 1
            argv = [*FRONTDESK, "log", "--phone", f"+1404{rng.randrange(2_000_000, 9_999_999)}",
                    "--name", f"Writer {w} caller {i}", "--topic", "bench listener", "--uid", f"listen-w{w}-{i}"]
            done = subprocess.run(argv, env=self.env, capture_output=True, text=True)
            with self.lock:
                if done.returncode == 0:
                    self.ok += 1
                else:
                    self.failed += 1
                    print(f"  writer {w}: {done.stderr.strip()}", file=sys.stderr)

    def __enter__(self) -> _Writers:
        for thread in self.threads:
            thread.start()
        time.sleep(1.0)  # the writers are running when the events start
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def _start_listener(db: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, **desk_env(db)}
    urls = subprocess.run([*FRONTDESK, "listen", "--urls"], env=env, capture_output=True, text=True, check=True)
    token = urls.stdout.splitlines()[1].rsplit("/", 1)[1]
    proc = subprocess.Popen([*FRONTDESK, "listen", "--port", "0"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    line = proc.stdout.readline() if ready and proc.stdout else ""
    if "127.0.0.1:" not in line:
        proc.kill()
        raise RuntimeError(f"frontdesk listen did not start: {line!r}")
    port = int(line.split("127.0.0.1:")[1].split()[0])
    return proc, f"http://127.0.0.1:{port}/api/v1/cti/{token}"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _lost(db: Path, plan: list[tuple[float, dict]]) -> int:
    """Events of the plan the database does not show: a call missing, or not in the state its
    events leave it in (ended; missed exactly when hung up with cancel)."""
    expected: dict[str, bool] = {}
    for _, fields in plan:
        if fields["event"] == "hangup":
            expected[fields["callId"]] = fields["cause"] == "cancel"
        else:
            expected.setdefault(fields["callId"], False)
    ended = {f["callId"] for _, f in plan if f["event"] == "hangup"}
    conn = sqlite3.connect(db)
    try:
        rows = {ext: (state, missed) for ext, state, missed in
                conn.execute("SELECT ext_id, state, missed FROM phone_calls WHERE ext_id LIKE 'bench-%'")}
    finally:
        conn.close()
    lost = []
    for call, missed in expected.items():
        if call not in rows:
            lost.append(f"{call}: not stored")
        elif call in ended and rows[call] != ("ended", int(missed)):
            lost.append(f"{call}: {rows[call]}, expected ('ended', {int(missed)})")
    for line in lost[:10]:
        print(f"  lost {line}", file=sys.stderr)
    return len(lost)


def bench_listener(db: Path, results: Results, seconds: float) -> None:
    rng = random.Random(13)
    plan = _plan(seconds, rng)
    with tempfile.TemporaryDirectory(prefix="frontdesk-listen-") as tmp:
        copy = Path(tmp) / "desk.db"
        _copy(db, copy)
        port = _free_port()
        bare = subprocess.Popen([sys.executable, "-c", BARE_SERVER, str(port)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            time.sleep(1.5)
            with _Writers(copy) as writers:
                cpu = _cpu_seconds(bare.pid)
                base, base_status = asyncio.run(_send(f"http://127.0.0.1:{port}/api/v1/cti/x", plan))
                base_cpu = _cpu_seconds(bare.pid) - cpu
            base_writes = (writers.ok, writers.failed)
        finally:
            _stop(bare)
        listener, url = _start_listener(copy)
        try:
            with _Writers(copy) as writers:
                cpu = _cpu_seconds(listener.pid)
                ours, statuses = asyncio.run(_send(url, plan))
                our_cpu = _cpu_seconds(listener.pid) - cpu
        finally:
            _stop(listener)
        refused = Counter(s for s in statuses if s != 200)
        if refused:
            print(f"  answers other than 200: {dict(refused)}", file=sys.stderr)
        lost = _lost(copy, plan) + sum(refused.values())
        load = os.getloadavg()[0]
        print(f"  listener: {len(plan)} events in {seconds:.0f} s, {lost} lost; {writers.ok} `frontdesk log` "
              f"beside it ({writers.failed} failed); CPU {our_cpu / len(plan) * 1000:.2f} ms an event "
              f"(bare {base_cpu / len(plan) * 1000:.2f} ms); bare: {sum(1 for s in base_status if s != 200)} "
              f"not 200, {base_writes[0]} logs beside it; load average {load:.2f}", file=sys.stderr)
        results.add(
            "listener", f"phone event answered, {RATE}/s with {WRITERS} writers", "ms", ours, base,
            "bare aiohttp answering {}", "p99 < 50 ms, none lost",
            lambda row: row["p99"] < 50 and row["lost"] == 0 and row["writer_failures"] == 0,
            lost=lost, events=len(plan), writer_logs=writers.ok, writer_failures=writers.failed,
            cpu_ms_per_event=round(our_cpu / len(plan) * 1000, 3),
            bare_cpu_ms_per_event=round(base_cpu / len(plan) * 1000, 3), load_average=round(load, 2),
        )
