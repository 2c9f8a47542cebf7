"""Idle cost of many desks: N real `frontdesk` apps on one database, each in its own detached
tmux session (80x24, TERM=xterm-256color), measured from /proc/<pid>/stat.

    .venv/bin/python tests/bench/idle_cpu.py            # 20 sessions, 30 s
    .venv/bin/python tests/bench/idle_cpu.py -n 5 -s 10

Prints the CPU each idle session uses as a percentage of one core (mean, max) and the total.
Target (issue 5): under 0.5 % of a core per idle session. Not a test: a figure to report.
Runs on a private tmux server (its own socket) and a temporary database; removes both."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, in seconds."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2:].split()  # the name may contain spaces
    return (int(fields[11]) + int(fields[12])) / TICKS


def tmux(socket: str, *args: str, check: bool = True) -> str:
    done = subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, check=check)
    return done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--sessions", type=int, default=20)
    parser.add_argument("-s", "--seconds", type=float, default=30.0, help="measuring window")
    parser.add_argument("-w", "--warmup", type=float, default=5.0, help="wait after start-up")
    parser.add_argument("--empty", action="store_true", help="an empty desk instead of the demo desk")
    args = parser.parse_args()
    if not shutil.which("tmux"):
        print("tmux is not installed", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="frontdesk-idle-"))
    db = work / "desk.db"
    socket = f"frontdesk-idle-{os.getpid()}"
    env = {**os.environ, "FRONTDESK_DB": str(db), "TZ": os.environ.get("TZ", "UTC")}
    python = sys.executable
    if not args.empty:
        subprocess.run([python, "-m", "frontdesk", "--db", str(db), "demo"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    sessions = [f"desk{i:02d}" for i in range(args.sessions)]
    launched = time.monotonic()
    try:
        for i, name in enumerate(sessions):
            command = (f"cd {shlex.quote(str(ROOT))} && exec env TERM=xterm-256color "
                       f"FRONTDESK_OPERATOR=op{i:02d} {shlex.quote(python)} -m frontdesk "
                       f"--db {shlex.quote(str(db))}")
            tmux(socket, "new-session", "-d", "-s", name, "-x", "80", "-y", "24", command)
        pids = {name: int(tmux(socket, "list-panes", "-t", name, "-F", "#{pane_pid}").split()[0])
                for name in sessions}
        waiting, deadline = set(sessions), time.monotonic() + 120
        while waiting and time.monotonic() < deadline:  # every app is up and showing the desk
            waiting = {name for name in waiting
                       if "Today's calls" not in tmux(socket, "capture-pane", "-p", "-t", name)}
            time.sleep(0.5)
        if waiting:
            print(f"warning: not showing the desk after 120 s: {sorted(waiting)}", file=sys.stderr)
        print(f"{len(sessions)} apps up after {time.monotonic() - launched:.1f} s; "
              f"settling {args.warmup:.0f} s, then measuring {args.seconds:.0f} s", flush=True)
        time.sleep(args.warmup)
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        started = time.monotonic()
        time.sleep(args.seconds)
        after = {name: cpu_seconds(pid) for name, pid in pids.items()}
        elapsed = time.monotonic() - started
    finally:
        for name in sessions:
            tmux(socket, "kill-session", "-t", name, check=False)
        tmux(socket, "kill-server", check=False)
        shutil.rmtree(work, ignore_errors=True)

    percent = {name: 100 * (after[name] - before[name]) / elapsed for name in sessions}
    values = list(percent.values())
    print(f"{len(values)} idle sessions, {elapsed:.1f} s, clock tick {1 / TICKS * 1000:.0f} ms, "
          f"{os.cpu_count()} cores")
    for name in sessions:
        print(f"  {name}  {percent[name]:6.2f} % of a core")
    print(f"per session: mean {statistics.mean(values):.2f} %, max {max(values):.2f} %, "
          f"min {min(values):.2f} % of a core")
    print(f"all sessions: {sum(values):.2f} % of a core")
    target = 0.5
    verdict = "within" if statistics.mean(values) <= target else "OVER"
    print(f"target {target} % per idle session: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
