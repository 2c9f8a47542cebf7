"""The real app in a real pseudo-terminal: a process of its own, bytes in, the screen's bytes out.

For what a pilot cannot show: the terminal driver decoding bytes, signals such as SIGHUP when
an SSH link drops, the process's exit status."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Terminal:
    def __init__(self, db: Path, *, size: tuple[int, int] = (80, 24), operator: str = "ann") -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        env = {**os.environ, "TERM": "xterm", "FRONTDESK_OPERATOR": operator, "NO_COLOR": "1",
               "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "frontdesk.launch", "--db", str(db)],
            stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.output = b""

    def read(self, seconds: float = 0.1) -> bytes:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                break
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the process closed the terminal
                break
            if not chunk:
                break
            self.output += chunk
        return self.output

    def wait_for(self, text: str, seconds: float = 20.0) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if text.encode() in self.read(0.1):
                return
            if self.process.poll() is not None:
                break
        raise AssertionError(f"{text!r} never appeared; exit status {self.process.poll()}; "
                             f"last output: {self.output[-600:]!r}")

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def alive_after(self, seconds: float) -> bool:
        self.read(seconds)
        return self.process.poll() is None

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        os.close(self.master)
