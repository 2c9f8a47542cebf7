"""A consistent copy of the live database, taken while other sessions keep writing.

SQLite's online backup API copies the file in steps of `pages` pages, so no lock is held for
long. A write by another connection between two steps makes SQLite restart the copy; should a
busy desk restart it more than `max_restarts` times, the copy is finished in one step instead,
which in WAL mode reads one snapshot without blocking writers. The copy goes to a temporary
file next to the target, is switched to a single self-contained file (no -wal), passes
`PRAGMA integrity_check`, and only then is renamed over the target. The target must be a
regular file (files.check_target): an existing one is replaced only when forced, a symbolic
link followed only when asked.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

from .errors import DeskError
from .files import (
    COMPANIONS,
    check_target,
    fsync_directory,
    is_live_database,
    replace_file,
    temp_beside,
)

STEP_PAGES = 256
MAX_RESTARTS = 5
BUSY_TIMEOUT_MS = 8000


class _Restarting(Exception):
    """Raised from the progress callback to stop a copy that keeps being restarted."""


def _copy(src: sqlite3.Connection, dst: sqlite3.Connection, pages: int, max_restarts: int,
          on_step: Callable[[int, int], None] | None) -> bool:
    """Copy src into dst in steps; returns True when it had to fall back to one step."""
    last: int | None = None  # pages remaining after the previous step
    restarts = 0

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal last, restarts
        if last is not None and remaining >= last:  # no progress: someone wrote, SQLite restarted
            restarts += 1
            if restarts > max_restarts:
                raise _Restarting
        last = remaining
        if on_step is not None:
            on_step(remaining, total)

    try:
        src.backup(dst, pages=max(pages, 1), progress=progress)
        return False
    except _Restarting:
        src.backup(dst, pages=-1)
        return True


def backup_database(source: Path, target: Path, *, pages: int = STEP_PAGES,
                    max_restarts: int = MAX_RESTARTS,
                    on_step: Callable[[int, int], None] | None = None,
                    force: bool = False, follow_symlinks: bool = False) -> str:
    """Copy the live database `source` to `target` (replaced atomically) and check the copy.

    `target` must be a regular file: an existing one is replaced only with `force`, a symbolic
    link is followed only with `follow_symlinks` (files.check_target).
    Returns a one-line summary: 'backed up 1234 calls, 56 customers to /x/y.db (integrity ok)'.
    `on_step(remaining, total)` is called after each step (tests use it)."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise DeskError(f"no database at {source}")
    live = Path(os.path.realpath(source))
    if is_live_database(target, live):
        raise DeskError(f"refusing to overwrite the live database with its own backup: {target}")
    dest = Path(os.path.realpath(target))
    if dest.with_name(dest.name + "-wal").exists():
        raise DeskError(f"{target} looks like a database in use (it has a -wal file); choose another name")
    dest = check_target(target, force=force, follow_symlinks=follow_symlinks)
    fd, tmp = temp_beside(dest, target)
    os.close(fd)
    try:
        summary = _backup_into(live, tmp, pages, max_restarts, on_step)
        with contextlib.suppress(OSError):
            os.chmod(tmp, stat.S_IMODE(live.stat().st_mode))
        replace_file(tmp, dest, target, force=force)
    except BaseException as exc:
        for leftover in (tmp, *(tmp.with_name(tmp.name + s) for s in COMPANIONS)):
            with contextlib.suppress(OSError):
                leftover.unlink()
        if isinstance(exc, OSError):
            raise DeskError(f"cannot write {target}: {exc.strerror or exc}") from None
        raise
    fsync_directory(dest.parent)
    calls, customers = summary
    return f"backed up {calls} calls, {customers} customers to {target} (integrity ok)"


def _backup_into(live: Path, tmp: Path, pages: int, max_restarts: int,
                 on_step: Callable[[int, int], None] | None) -> tuple[int, int]:
    """Copy, make the copy self-contained, check it; returns (calls, customers) in the copy."""
    try:
        src = sqlite3.connect(f"{live.as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise DeskError(f"cannot open {live}: {exc}") from None
    try:
        dst = sqlite3.connect(tmp, isolation_level=None)
        try:
            src.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _copy(src, dst, pages, max_restarts, on_step)
            dst.execute("PRAGMA journal_mode = DELETE")  # one file; the app switches it to WAL
            problems = [row[0] for row in dst.execute("PRAGMA integrity_check").fetchall()]
            if problems != ["ok"]:
                raise DeskError(
                    f"the copy failed its integrity check ({problems[0]}); the live database may be "
                    "damaged. Nothing was written."
                )
            try:
                calls = dst.execute("SELECT count(*) FROM calls").fetchone()[0]
                customers = dst.execute(
                    "SELECT count(*) FROM customers WHERE merged_into IS NULL"
                ).fetchone()[0]
            except sqlite3.OperationalError:
                raise DeskError(f"{live} is not a FrontDesk database") from None
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:
        from .db import describe_storage_error, is_damaged

        if is_damaged(exc):  # the live file (the copy is new): say so, and how to restore
            raise DeskError(describe_storage_error(exc, live)) from None
        raise DeskError(f"cannot back up {live}: {exc}") from None
    finally:
        src.close()
    return calls, customers
