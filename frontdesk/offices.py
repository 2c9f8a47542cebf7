"""The owner's view across offices: several desks' files read side by side, never written.

`--office NAME=PATH` (export, due, report) names each office's database: typically a copy kept
current by `frontdesk restore --follow`, or the office machine's file itself. Each is opened
read-only (an SQLite URI with mode=ro, for the store's reader too): no schema step runs, no
setting or operator is stored, and closing the last connection cannot fold the WAL into the
file. SQLite's readers of a WAL file share its -shm index, and one that finds no -wal (the last
desk closed) creates an empty one, as every reader does; the database file and the log it holds
are never written (tests/core/test_offices.py compares their bytes and times).

An office's file at an older schema (its FrontDesk not upgraded yet, or a copy restored from an
older replica) is read through a private upgraded copy: SQLite's backup API copies it, read-only,
into a temporary file that the schema steps then bring up to date; the temporary file is
removed afterwards. A file written by a newer FrontDesk is refused, naming the office.

Per-office figures are each office's own (its desk's timezone and business hours); combined
figures add them up (`combine_summaries`). `report --week` uses the same pieces: `open_offices`
for the desks, week.py's figures per desk, then week_offices.py's sum per figure (with the
medians, rates, topics and staffing recomputed from every office's single values).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .clock import Clock
from .errors import DeskError

if TYPE_CHECKING:
    from .report import Summary
    from .services import Desk

OWNER = "owner"  # the operator an office is read as: never stored (the files are read-only)


@dataclass(frozen=True)
class Office:
    name: str
    path: Path


@dataclass
class OfficeDesk:
    """One office opened for reading: its name, its desk, and whether it was read through an
    upgraded private copy (an office at an older schema)."""

    office: Office
    desk: Desk
    upgraded_copy: bool = False

    @property
    def name(self) -> str:
        return self.office.name


def parse_offices(values: tuple[str, ...] | list[str]) -> list[Office]:
    """NAME=PATH options as offices, or DeskError: names are unique, paths are regular files."""
    offices: list[Office] = []
    seen: dict[str, str] = {}
    for value in values:
        name, eq, path_text = value.partition("=")
        name = " ".join(name.split())
        if not eq or not name or not path_text.strip():
            raise DeskError(f"--office takes NAME=PATH (e.g. --office north=/srv/north.db), not {value!r}")
        if name.casefold() in seen:
            raise DeskError(f"two offices are named {name!r}: give each its own name")
        path = Path(path_text.strip()).expanduser()
        try:
            info = os.stat(path)
        except FileNotFoundError:
            raise DeskError(f"office {name}: no database at {path}") from None
        except OSError as exc:
            raise DeskError(f"office {name}: cannot read {path} ({exc.strerror or exc})") from None
        if not stat.S_ISREG(info.st_mode):
            raise DeskError(f"office {name}: {path} is not a database file")
        seen[name.casefold()] = name
        offices.append(Office(name, path.absolute()))
    return offices


def _read_only(path: Path) -> sqlite3.Connection:
    from .db import BUSY_TIMEOUT_MS

    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                           check_same_thread=False, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA query_only = 1")
    return conn


def _schema(office: Office, conn: sqlite3.Connection) -> str:
    """'current', or 'older' (steps this FrontDesk would apply); DeskError for a newer or a
    foreign file."""
    from .db import SCHEMA_STEPS, Connection, applied_steps, is_damaged

    try:
        steps = applied_steps(Connection(conn))
    except sqlite3.DatabaseError as exc:
        if is_damaged(exc):
            raise DeskError(f"office {office.name}: {office.path} is not a readable database ({exc})") from None
        raise DeskError(f"office {office.name}: cannot read {office.path} ({exc})") from None
    if not steps:
        raise DeskError(f"office {office.name}: {office.path} is not a FrontDesk database")
    unknown = [step for step in steps if step not in SCHEMA_STEPS]
    if unknown:
        raise DeskError(f"office {office.name}: {office.path} was written by a newer FrontDesk (schema step "
                        f"{unknown[-1]}); upgrade FrontDesk here to read it")
    return "current" if set(SCHEMA_STEPS) <= set(steps) else "older"


@contextlib.contextmanager
def open_office(office: Office, clock: Clock, work_dir: Path) -> Iterator[OfficeDesk]:
    """A desk over one office's file, read-only (see the module's documentation)."""
    from .db import Connection, open_database
    from .services import Desk
    from .store import Store

    try:
        conn = _read_only(office.path)
    except sqlite3.Error as exc:
        raise DeskError(f"office {office.name}: cannot open {office.path} ({exc})") from None
    try:
        kind = _schema(office, conn)
    except BaseException:
        conn.close()
        raise
    if kind == "current":
        store = Store(Connection(conn, read_only=True))
        try:
            yield OfficeDesk(office, Desk(store, clock, OWNER))
        finally:
            store.close()
        return
    copy = Path(tempfile.mkstemp(dir=work_dir, prefix="office-", suffix=".db")[1])
    try:
        target = sqlite3.connect(copy)
        try:
            conn.backup(target)
        finally:
            target.close()
            conn.close()
        store = Store(open_database(copy))
        try:
            yield OfficeDesk(office, Desk(store, clock, OWNER), upgraded_copy=True)
        finally:
            store.close()
    finally:
        for leftover in (copy, copy.with_name(copy.name + "-wal"), copy.with_name(copy.name + "-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()


@contextlib.contextmanager
def open_offices(offices: list[Office], clock: Clock) -> Iterator[list[OfficeDesk]]:
    """Every office open at once, in the order given; all closed (and private copies removed)
    afterwards."""
    with tempfile.TemporaryDirectory(prefix="frontdesk-offices-") as work, contextlib.ExitStack() as stack:
        yield [stack.enter_context(open_office(office, clock, Path(work))) for office in offices]


def day_range(desk: Desk, first: str | None, last: str | None, day: str | None) -> tuple[date, date]:
    """The desk-local days a command's --date or --from/--to name, in this desk's timezone."""
    from .when import parse_day

    now = desk.clock.now()
    start = parse_day(first or day or "today", now, desk.zone)
    end = parse_day(last, now, desk.zone) if last else start
    if end < start:
        raise DeskError(f"the range is empty: {end} is before {start}")
    return start, end


# -- combined figures --------------------------------------------------------------------------
def combine_summaries(summaries: list[tuple[str, Summary]], name: str = "All offices") -> Summary:
    """The offices' day figures added up: calls, callers, customers and callbacks are sums
    (callers and customers are each office's own: one person calling two offices counts in
    both); per-person rows are each office's, labelled "office: person"; topics are summed by
    name (case-insensitive); the overdue list is every office's, oldest due first; the median
    minutes to callback is the median of the offices' medians weighted by their returned
    callbacks' counts (the offices' single values are not kept)."""
    from .report import OperatorFigures, Summary

    if not summaries:
        raise DeskError("no office to combine")
    first = summaries[0][1]
    totals: dict[str, int] = {}
    fields = ("calls_in", "calls_out", "distinct_callers", "new_customers", "promised", "kept", "late",
              "cancelled", "still_open", "overdue")
    for field_name in fields:
        totals[field_name] = sum(getattr(s, field_name) for _, s in summaries)
    operators = tuple(
        replace(o, operator=f"{office}: {o.operator}") if len(summaries) > 1 else o
        for office, s in summaries for o in s.operators
    )
    topics: dict[str, tuple[str, int]] = {}
    for _, s in summaries:
        for topic, count in s.top_topics:
            shown, n = topics.get(topic.casefold(), (topic, 0))
            topics[topic.casefold()] = (shown, n + count)
    top = max((len(s.top_topics) for _, s in summaries), default=0)
    ranked = sorted(topics.values(), key=lambda item: (-item[1], item[0].casefold()))[:top]
    overdue = tuple(sorted((p for _, s in summaries for p in s.overdue_promises), key=lambda p: p.due_at))
    weighted: list[tuple[float, int]] = [
        (s.median_minutes_to_callback, s.kept + s.late) for _, s in summaries
        if s.median_minutes_to_callback is not None and s.kept + s.late
    ]
    median = _weighted_median(weighted)
    return Summary(
        first_day=first.first_day, last_day=first.last_day, timezone=first.timezone, desk_name=name,
        now=first.now, median_minutes_to_callback=median,
        operators=tuple(operators) if operators else tuple[OperatorFigures, ...](),
        top_topics=tuple(ranked), overdue_promises=overdue, **totals,
    )


def _weighted_median(values: list[tuple[float, int]]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    half, seen = sum(weight for _, weight in ordered) / 2, 0
    for value, weight in ordered:
        seen += weight
        if seen >= half:
            return value
    return ordered[-1][0]
