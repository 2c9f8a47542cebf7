"""Real processes in real terminals for the bench: a private tmux server (80x24) that starts
FrontDesk and the bare app side by side and reads their screens back with capture-pane; memory
and CPU come from /proc."""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


class Tmux:
    """A private tmux server: real terminals for real processes, read back as text."""

    def __init__(self) -> None:
        self.socket = f"frontdesk-bench-{os.getpid()}"
        self.count = 0
        self.started: dict[int, str] = {}  # pid -> its start time: the processes hung up on here
        self.run("new-session", "-d", "-s", "keepalive", "-x", "80", "-y", "24", "sleep 100000")

    def run(self, *args: str, capture: bool = False) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], check=True, text=True,
                              stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return done.stdout if capture else ""

    def start(self, argv: list[str], env: dict[str, str]) -> tuple[str, float]:
        self.count += 1
        name = f"s{self.count}"
        command = "exec env " + " ".join(shlex.quote(f"{k}={v}") for k, v in env.items()) + " " + shlex.join(argv)
        t0 = time.perf_counter()
        self.run("new-session", "-d", "-s", name, "-x", "80", "-y", "24", command)
        return name, t0

    def screen(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name, capture=True)

    def pid(self, name: str) -> int:
        return int(self.run("display-message", "-p", "-t", name, "#{pane_pid}", capture=True).strip())

    def wait_for(self, name: str, ready: Callable[[str], bool], t0: float, timeout: float = 60) -> float:
        while True:
            text = self.screen(name)
            if ready(text):
                return time.perf_counter() - t0
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError(f"bench: {name} never became ready; screen:\n{text}")
            time.sleep(0.005)

    def kill(self, name: str) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, ValueError):
            self._hanging_up(self.pid(name))
            self.run("kill-session", "-t", name)

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, ValueError):
            for pid in self.run("list-panes", "-a", "-F", "#{pane_pid}", capture=True).split():
                self._hanging_up(int(pid))
            self.run("kill-server")
        base = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        with contextlib.suppress(OSError):
            (base / self.socket).unlink()  # the killed server leaves its socket file behind
        self._reap()

    def _hanging_up(self, pid: int) -> None:
        with contextlib.suppress(OSError):
            self.started[pid] = _start_time(pid)

    def _reap(self, grace: float = 2.0) -> None:
        """A process that outlives its terminal (tmux hangs up on it) is killed, and said: left
        alone, every start the bench times would leave one behind on a shared machine."""
        deadline = time.perf_counter() + grace
        while True:
            left = [pid for pid, started in self.started.items() if _alive(pid, started)]
            if not left or time.perf_counter() > deadline:
                break
            time.sleep(0.05)
        for pid in left:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if left:
            print(f"bench: {len(left)} process(es) still ran after their terminal hung up (SIGHUP) "
                  f"and were killed: {' '.join(map(str, left))}", file=sys.stderr, flush=True)
        self.started.clear()


def _stat(pid: int) -> list[str]:
    """/proc/<pid>/stat after the name: [state, ppid, ...]; the start time is index 19."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _start_time(pid: int) -> str:
    return _stat(pid)[19]


def _alive(pid: int, started: str) -> bool:
    """pid still runs (not a zombie), and is the process hung up on, not a new one with its number."""
    try:
        fields = _stat(pid)
    except OSError:
        return False
    return fields[0] != "Z" and fields[19] == started


DESK_READY = re.compile(r"Callbacks \((all|mine), \d+ open\)")
CALLS_READY = re.compile(r"Today's calls \(\d+")


def desk_ready(text: str) -> bool:
    return bool(DESK_READY.search(text) and CALLS_READY.search(text))


def proc_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def proc_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu(pids: list[int], seconds: float) -> list[float]:
    """Percent of one core each process used over `seconds` while nobody touched it, from
    /proc/<pid>/stat (utime + stime): tests/bench/idle_cpu.py's reading when it is there (it
    measures many desks on a small database; here it is one desk on the large one)."""
    try:
        from idle_cpu import cpu_seconds  # tests/bench/idle_cpu.py
    except ImportError:
        cpu_seconds = proc_cpu_seconds
    before = [cpu_seconds(p) for p in pids]
    t0 = time.perf_counter()
    time.sleep(seconds)
    elapsed = time.perf_counter() - t0
    return [100 * (cpu_seconds(p) - b) / elapsed for p, b in zip(pids, before, strict=True)]


def start_figures(results, frontdesk: list[str], bare: list[str], env: dict[str, str], runs: int,
                  idle_seconds: float) -> None:
    """Start to first complete frame, side by side with a bare Textual app; then the memory and
    idle CPU of the two that were left running."""
    # Compiled as an installed FrontDesk is (pip compiles a wheel's modules; `make run` does the
    # same for the checkout): where PYTHONDONTWRITEBYTECODE is set, each start would otherwise
    # compile our sources again, while Textual's own modules came compiled from pip.
    subprocess.run([sys.executable, "-m", "compileall", "-q", *(str(ROOT / p) for p in ("frontdesk", "screens", "widgets"))],
                   check=True)
    tmux = Tmux()
    ours, base, kept = [], [], {}
    try:
        for i in range(runs + 1):  # the first pair warms the page cache and is not counted
            for which in ("frontdesk", "bare"):
                if which == "frontdesk":
                    name, t0 = tmux.start(frontdesk, env)
                    took = tmux.wait_for(name, desk_ready, t0)
                else:
                    name, t0 = tmux.start(bare, env)
                    took = tmux.wait_for(name, lambda text: "bare textual app ready" in text, t0)
                if i:
                    (ours if which == "frontdesk" else base).append(took * 1000)
                if i < runs:
                    tmux.kill(name)
                else:
                    kept[which] = name
        results.add("start", "`frontdesk` start to first complete frame (tmux)", "ms", ours, base,
                    "bare Textual app, one label", "< 1.3x bare", lambda r: r["ratio"] < 1.3)
        pids = {which: tmux.pid(name) for which, name in kept.items()}
        time.sleep(2.0)  # let the first tick and the draft check settle
        rss = {which: proc_rss_mb(pid) for which, pid in pids.items()}
        results.add("rss", "app memory (RSS) with the large database open", "MB", [rss["frontdesk"]],
                    [rss["bare"]], "bare Textual app", "< 120 MB", lambda r: r["median"] < 120)
        cpu = idle_cpu([pids["frontdesk"], pids["bare"]], idle_seconds)
        results.add("idle_cpu", f"idle CPU of one open app ({idle_seconds:.0f} s)", "%", [cpu[0]], [cpu[1]],
                    "bare Textual app", "< 0.5 % of a core", lambda r: r["median"] < 0.5)
        assert desk_ready(tmux.screen(kept["frontdesk"])), "the desk stopped showing its queue"
    finally:
        tmux.close()


def open_customer_figure(results, frontdesk: list[str], bare: list[str], env: dict[str, str], n: int,
                         calls: int) -> None:
    """Enter on the desk's top call until the customer's page shows its history (a real
    terminal, 80x24), then Esc back to the desk; n times each for FrontDesk and the bare app."""
    history = re.compile(rf"History: \d+ of {calls} calls")
    tmux = Tmux()
    try:
        # The desk opens with the queue focused (it has open callbacks): Tab moves to today's calls.
        ours = _open_and_back(tmux, frontdesk, env, desk_ready, history.search, n, first=("Tab",))
        base = _open_and_back(tmux, bare, env, lambda text: "bare home" in text,
                              lambda text: "history ready" in text, n)
    finally:
        tmux.close()
    results.add("customer_tmux", f"open a customer with {calls:,} calls (tmux, Enter to page on screen)", "ms",
                ours, base, "bare Textual app: push a DataTable screen, raw SQL", "< 100 ms (p99)",
                lambda r: r["p99"] < 100)


def _open_and_back(tmux: Tmux, argv: list[str], env: dict[str, str], home: Callable[[str], bool],
                   page: Callable[[str], bool], n: int, first: tuple[str, ...] = ()) -> list[float]:
    name, t0 = tmux.start(argv, env)
    tmux.wait_for(name, home, t0)
    time.sleep(0.5)  # past the first tick and the draft check
    for key in first:  # to the list whose top row is opened
        tmux.run("send-keys", "-t", name, key)
    time.sleep(0.1)
    samples = []
    for i in range(n + 2):  # the first two open cold (imports, styles) and are not counted
        t0 = time.perf_counter()
        tmux.run("send-keys", "-t", name, "Enter")
        took = tmux.wait_for(name, page, t0)
        if i >= 2:
            samples.append(took * 1000)
        tmux.run("send-keys", "-t", name, "Escape")
        tmux.wait_for(name, home, time.perf_counter())
        time.sleep(0.1)
    tmux.kill(name)
    return samples
