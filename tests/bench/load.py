"""The load figure: `make bench-load` (also part of `make bench`).

Eight script streams log 100 calls each through `frontdesk log` at once (every call a real
process start of the installed entry point, random numbers and names, a third promising a
callback), while three desks are open on the same file in a private tmux server (80x24, their
1 s data_version poll running) and `frontdesk export` and `frontdesk backup` run in a loop in two
more processes. Then the checks: no call failed, none was lost (every id a writer printed is in
the file, and the writers' calls number 800), `PRAGMA integrity_check` is ok, the loops never
failed, and every desk shows the new calls. The figure is the wall time of one `log` under that
load beside the same `log` run alone (one at a time, nothing else open) in the same run: half of
the lone runs before the load, half after, so that other work on the machine meanwhile shows.

    .venv/bin/python tests/bench/load.py                        # 10,000 customers, 100,000 calls
    .venv/bin/python tests/bench/load.py --label after --json /tmp/x.json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from terminal import Tmux, desk_ready, proc_cpu_seconds  # noqa: E402

ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}
FRONTDESK = str(Path(sys.executable).with_name("frontdesk"))
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "frontdesk-bench"
AREAS = ("212", "312", "404", "415", "617", "702", "713", "808")
FIRST = ("Ada", "Bo", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena", "Mo")
LAST = ("Okafor", "Smith", "Novak", "Garcia", "Kim", "Larsen", "Haddad", "Ito", "Brown", "Rossi")
TOPICS = ("Invoice", "Delivery", "Refund", "Quote", "Warranty", "Appointment", "")
PROMISES = ("30m", "1h", "2bh", "1d")


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def summary(samples: list[float]) -> dict:
    return {"n": len(samples), "p50": statistics.median(samples), "p99": p99(samples),
            "mean": statistics.fmean(samples), "max": max(samples)}


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent on anything but idle and iowait since boot (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_pressure() -> float | None:
    """Microseconds some task spent waiting for a CPU since boot (/proc/pressure/cpu)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        return float(line.rsplit("total=", 1)[1])
    return None


# -- one `frontdesk log` ------------------------------------------------------------------------
def log_args(rng: random.Random, operator: str) -> list[str]:
    args = [FRONTDESK, "--db", "{db}", "--operator", operator, "log",
            "--phone", f"+1 {rng.choice(AREAS)} 555 {rng.randint(100, 9999):04d}",
            "--name", f"{rng.choice(FIRST)} {rng.choice(LAST)}"]
    topic = rng.choice(TOPICS)
    if topic:
        args += ["--topic", topic, "--note", f"{topic} #{rng.randint(1000, 99999)}"]
    if rng.random() < 1 / 3:
        args += ["--callback-in", rng.choice(PROMISES)]
    return args


def run_log(args: list[str], db: Path, env: dict[str, str]) -> dict:
    argv = [str(db) if a == "{db}" else a for a in args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    out = stdout.strip()
    return {"wall": wall, "rc": proc.returncode, "id": int(out) if out.isdigit() else None,
            "err": stderr.strip()[-300:], "operator": args[4]}


def alone(db: Path, env: dict[str, str], n: int, rng: random.Random) -> list[dict]:
    return [run_log(log_args(rng, "alone"), db, env) for _ in range(n)]


def writers(db: Path, env: dict[str, str], streams: int, each: int, seed: int) -> list[dict]:
    """`streams` threads, each running `each` `frontdesk log` processes one after the other."""
    results: list[list[dict]] = [[] for _ in range(streams)]
    barrier = threading.Barrier(streams)

    def stream(w: int) -> None:
        rng = random.Random(f"{seed}/writer/{w}")
        planned = [log_args(rng, f"load{w}") for _ in range(each)]
        barrier.wait()
        for args in planned:
            results[w].append(run_log(args, db, env))

    threads = [threading.Thread(target=stream, args=(w,)) for w in range(streams)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r for rs in results for r in rs]


# -- the loops: export and backup, each in its own process --------------------------------------
def loop(kind: str, db: Path, stop: Path, work: Path) -> int:
    """Run `frontdesk export` (the last 90 days as CSV) or `frontdesk backup` until `stop` exists;
    print one JSON line: runs, failures, durations."""
    env = {**os.environ, **ENV}
    today = datetime.now(UTC).date()
    if kind == "export":
        argv = [FRONTDESK, "--db", str(db), "export", "--from", (today - timedelta(days=90)).isoformat(),
                "--to", (today + timedelta(days=1)).isoformat(), "--format", "csv", "--output",
                str(work / "export.csv")]
    else:
        argv = [FRONTDESK, "--db", str(db), "backup", str(work / "backup.db")]
    runs, errors, walls = 0, [], []
    while not stop.exists():
        t0 = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        walls.append(time.perf_counter() - t0)
        runs += 1
        if done.returncode != 0:
            errors.append(done.stderr.strip()[-300:])
    print(json.dumps({"kind": kind, "runs": runs, "failed": len(errors), "errors": errors[:5],
                      "cpu_seconds": children_cpu(),
                      "p50": statistics.median(walls) if walls else None,
                      "max": max(walls) if walls else None}), flush=True)
    return 0


def start_loop(kind: str, db: Path, stop: Path, work: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, "--loop", kind, "--db", str(db), "--stop", str(stop),
                             "--work", str(work)], stdout=subprocess.PIPE, text=True)


# -- the desks ----------------------------------------------------------------------------------
def calls_total(screen: str) -> int | None:
    """N in the desk's "Today's calls (x of N" title."""
    marker = "Today's calls ("
    if marker not in screen:
        return None
    rest = screen.split(marker, 1)[1]
    words = rest.split(")")[0].replace(" - more below", "").split()
    with contextlib.suppress(ValueError, IndexError):
        return int(words[2]) if len(words) >= 3 and words[1] == "of" else None
    return None


def open_desks(tmux: Tmux, db: Path, env: dict[str, str], n: int) -> list[str]:
    names = []
    for i in range(n):
        name, t0 = tmux.start([FRONTDESK, "--db", str(db), "--operator", f"desk{i}"], env)
        tmux.wait_for(name, desk_ready, t0)
        names.append(name)
    return names


def watch_desks(tmux: Tmux, names: list[str], stop: threading.Event, seen: dict[str, list[int]]) -> None:
    """What each desk shows as today's total, every 2 s: the poll must keep them current."""
    while not stop.wait(2):
        for name in names:
            with contextlib.suppress(subprocess.CalledProcessError):
                total = calls_total(tmux.screen(name))
                if total is not None:
                    seen[name].append(total)


# -- the run ------------------------------------------------------------------------------------
def build(db: Path, customers: int, calls: int, env: dict[str, str]) -> None:
    """A demo desk of the given size, built once into the cache and copied for each run."""
    cached = CACHE / f"load-{customers}-{calls}.db"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(cached.name + ".building")
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            leftover.unlink(missing_ok=True)
        print(f"load: building {cached} ({customers:,} customers, {calls:,} calls)...", file=sys.stderr, flush=True)
        subprocess.run([FRONTDESK, "--db", str(tmp), "demo", "--customers", str(customers), "--calls", str(calls)],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        conn = sqlite3.connect(tmp)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        tmp.with_name(tmp.name + "-wal").unlink(missing_ok=True)
        tmp.with_name(tmp.name + "-shm").unlink(missing_ok=True)
        os.replace(tmp, cached)
    shutil.copyfile(cached, db)


def check(db: Path, logged: list[dict], streams: int, each: int) -> dict:
    conn = sqlite3.connect(db)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        stored = dict(conn.execute("SELECT id, operator FROM calls WHERE operator LIKE 'load%'").fetchall())
    finally:
        conn.close()
    ok = [r for r in logged if r["rc"] == 0 and r["id"] is not None]
    lost = [r["id"] for r in ok if stored.get(r["id"]) != r["operator"]]
    return {"calls": len(logged), "failed": len(logged) - len(ok), "lost": len(lost),
            "stored": len(stored), "expected": streams * each, "integrity": integrity,
            "errors": sorted({r["err"] for r in logged if r["rc"] != 0})[:5]}


def run(args: argparse.Namespace) -> dict:
    subprocess.run([sys.executable, "-m", "compileall", "-q", "frontdesk", "screens", "widgets"], cwd=ROOT, check=True)
    env = {**os.environ, **ENV, "FRONTDESK_OPERATOR": "load"}
    env.pop("FRONTDESK_DB", None)
    rng = random.Random(f"{args.seed}/alone")
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="frontdesk-load-") as tmpdir:
        tmp = Path(tmpdir)
        db = tmp / "desk.db"
        build(db, args.customers, args.calls, env)
        half = args.alone // 2
        for _ in range(3):  # warm the page cache and the interpreter's files
            run_log(log_args(rng, "warm"), db, env)
        print(f"load: {half} lone `frontdesk log` runs...", file=sys.stderr, flush=True)
        lone = alone(db, env, half, rng)

        tmux = Tmux()
        stop_loops, stop_watch = tmp / "stop", threading.Event()
        loops: list[subprocess.Popen] = []
        try:
            print(f"load: opening {args.apps} desks in tmux...", file=sys.stderr, flush=True)
            desks = open_desks(tmux, db, env, args.apps)
            before = {name: calls_total(tmux.screen(name)) for name in desks}
            for kind in ("export", "backup"):
                work = tmp / kind
                work.mkdir()
                loops.append(start_loop(kind, db, stop_loops, work))
            loops_started = time.perf_counter()
            seen: dict[str, list[int]] = {name: [] for name in desks}
            watcher = threading.Thread(target=watch_desks, args=(tmux, desks, stop_watch, seen), daemon=True)
            watcher.start()
            time.sleep(1.0)  # the loops are running
            print(f"load: {args.writers} x {args.each} `frontdesk log` under load...", file=sys.stderr, flush=True)
            pids = [tmux.pid(name) for name in desks]
            desks0 = sum(proc_cpu_seconds(pid) for pid in pids)
            cpu0 = (machine_busy_seconds(), children_cpu(), own_cpu())
            pressure0, t0 = cpu_pressure(), time.perf_counter()
            loaded = writers(db, env, args.writers, args.each, args.seed)
            load_seconds = time.perf_counter() - t0
            pressure1 = cpu_pressure()
            cpu1 = (machine_busy_seconds(), children_cpu(), own_cpu())
            desks_cpu = sum(proc_cpu_seconds(pid) for pid in pids) - desks0
            stop_loops.touch()
            loop_results = [json.loads(p.communicate(timeout=120)[0].strip().splitlines()[-1]) for p in loops]
            loops_seconds = time.perf_counter() - loops_started
            time.sleep(2.5)  # two polls: every desk has seen the last commit
            stop_watch.set()
            watcher.join(5)
            after = {name: calls_total(tmux.screen(name)) for name in desks}
            alive = [name for name in desks if desk_ready(tmux.screen(name))]
        finally:
            stop_loops.touch()
            for p in loops:
                with contextlib.suppress(Exception):
                    p.kill()
            tmux.close()

        print(f"load: {args.alone - half} lone `frontdesk log` runs...", file=sys.stderr, flush=True)
        lone += alone(db, env, args.alone - half, rng)
        checks = check(db, loaded, args.writers, args.each)
        lone_failed = sum(r["rc"] != 0 for r in lone)

    expected_after = {name: (b + args.writers * args.each) if b is not None else None for name, b in before.items()}
    load_walls = [r["wall"] for r in loaded if r["rc"] == 0]
    lone_walls = [r["wall"] for r in lone if r["rc"] == 0]
    doc = {
        "label": args.label, "ran_at": started.isoformat(timespec="seconds"),
        "command": " ".join(["tests/bench/load.py", *sys.argv[1:]]),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                    "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "setup": {"customers": args.customers, "calls": args.calls, "writers": args.writers, "each": args.each,
                  "apps": args.apps, "alone": args.alone},
        "alone": summary(lone_walls), "load": summary(load_walls),
        "ratio_p50": statistics.median(load_walls) / statistics.median(lone_walls),
        "ratio_p99": p99(load_walls) / p99(lone_walls),
        "load_seconds": load_seconds,
        "cpu_waiting_share": ((pressure1 - pressure0) / 1e6 / load_seconds
                              if pressure0 is not None and pressure1 is not None else None),
        # Where the cores' time went while the writers ran (the loops' share is prorated from
        # their whole run, which spans the writers' by about 1 s at either end).
        "cpu_seconds": {
            "available": load_seconds * (os.cpu_count() or 1),
            "machine_busy": cpu1[0] - cpu0[0],
            "writers": cpu1[1] - cpu0[1],
            "desks": desks_cpu,
            "loops": sum(x["cpu_seconds"] for x in loop_results) * load_seconds / (loops_seconds or load_seconds),
            "bench_driver": cpu1[2] - cpu0[2],
        },
        "checks": {**checks, "lone_failed": lone_failed, "loops": loop_results,
                   "desks_alive": len(alive), "desks_before": before, "desks_after": after,
                   "desks_expected": expected_after, "desks_seen": seen},
    }
    return doc


def report(doc: dict) -> bool:
    c = doc["checks"]
    a, lo = doc["alone"], doc["load"]
    loops_ok = all(x["failed"] == 0 and x["runs"] > 0 for x in c["loops"])
    desks_ok = c["desks_alive"] == doc["setup"]["apps"] and c["desks_after"] == c["desks_expected"]
    ok = (c["failed"] == 0 and c["lost"] == 0 and c["stored"] == c["expected"] and c["integrity"] == "ok"
          and loops_ok and desks_ok and c["lone_failed"] == 0)
    print(f"\nload figure ({doc['label'] or 'unlabelled'}), {doc['machine']['cores']} cores shared with other work "
          f"(load average {doc['machine']['load_average_at_end'][0]} at the end)")
    print(f"  `frontdesk log` alone  ({a['n']:>3}): p50 {a['p50']:.3f} s   p99 {a['p99']:.3f} s   max {a['max']:.3f} s")
    print(f"  `frontdesk log` loaded ({lo['n']:>3}): p50 {lo['p50']:.3f} s   p99 {lo['p99']:.3f} s   "
          f"max {lo['max']:.3f} s")
    print(f"  ratio: p50 x{doc['ratio_p50']:.2f}, p99 x{doc['ratio_p99']:.2f}; the {lo['n']} calls took "
          f"{doc['load_seconds']:.1f} s" + (f"; some task waited for a CPU {doc['cpu_waiting_share']:.0%} of that time"
                                            if doc["cpu_waiting_share"] is not None else ""))
    cpu = doc["cpu_seconds"]
    other = cpu["machine_busy"] - cpu["writers"] - cpu["desks"] - cpu["loops"] - cpu["bench_driver"]
    print(f"  CPU seconds meanwhile: {cpu['available']:.0f} available, {cpu['machine_busy']:.0f} used: writers "
          f"{cpu['writers']:.1f} ({cpu['writers'] / lo['n'] * 1000:.0f} ms a log), export+backup loops {cpu['loops']:.1f}, "
          f"desks {cpu['desks']:.1f}, bench driver {cpu['bench_driver']:.1f}, anything else {other:.1f}")
    print(f"  failed {c['failed']}, lost {c['lost']}, stored {c['stored']} of {c['expected']}, "
          f"integrity {c['integrity']}, lone failed {c['lone_failed']}")
    for x in c["loops"]:
        print(f"  {x['kind']} loop: {x['runs']} runs, {x['failed']} failed, p50 {x['p50']:.2f} s, max {x['max']:.2f} s")
    print(f"  desks: {c['desks_alive']} alive; today's total before {list(c['desks_before'].values())}, after "
          f"{list(c['desks_after'].values())} (expected {list(c['desks_expected'].values())})")
    for err in c["errors"]:
        print(f"  error: {err}")
    print("  checks: " + ("all hold" if ok else "FAILED"))
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--each", type=int, default=100)
    parser.add_argument("--apps", type=int, default=3)
    parser.add_argument("--alone", type=int, default=100, help="lone runs, half before the load, half after")
    parser.add_argument("--seed", default="7")
    parser.add_argument("--label", default="")
    parser.add_argument("--json", type=Path, default=HERE / "results_load.json",
                        help="runs are kept in this file by label")
    parser.add_argument("--loop", choices=("export", "backup"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stop", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.loop:
        return loop(args.loop, args.db, args.stop, args.work)
    doc = run(args)
    ok = report(doc)
    runs = {}
    with contextlib.suppress(OSError, ValueError):
        runs = json.loads(args.json.read_text()).get("runs", {})
    runs[doc["label"] or "latest"] = doc
    args.json.write_text(json.dumps({"runs": runs}, indent=2) + "\n")
    print(f"wrote {args.json}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
