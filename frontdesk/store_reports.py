"""Read-only queries behind the export and the day's summary (export.py, report.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from .clock import to_iso
from .models import Call, Callback
from .records import PAGE

if TYPE_CHECKING:
    from .store import Store


# The export's columns, in the order iter_export_rows gives them.
# (What the CSV writes for them: the callback's state, kept on time as yes/no and the minutes
# waited come out as text already, '' for a call without a promise.)
EXPORT_COLUMNS = """calls.id, calls.at, calls.direction, calls.operator, customers.name, customers.company,
    calls.e164, calls.ext, calls.topic, calls.outcome, calls.note,
    cb.due_at, coalesce(cb.state, ''), cb.done_at,
    CASE cb.kept_on_time WHEN 1 THEN 'yes' WHEN 0 THEN 'no' ELSE '' END, coalesce(cb.waited_min, ''),
    pc.rang_at, pc.answered_at, pc.ended_at,
    CASE WHEN pc.answered_at IS NOT NULL AND pc.ended_at IS NOT NULL
         THEN max(0, strftime('%s', pc.ended_at) - strftime('%s', pc.answered_at)) ELSE '' END,
    msg.for_name,
    CASE WHEN msg.id IS NULL THEN '' ELSE rtrim(
        CASE WHEN msg.please_call THEN 'please_call,' ELSE '' END ||
        CASE WHEN msg.will_call THEN 'will_call,' ELSE '' END ||
        CASE WHEN msg.returned THEN 'returned,' ELSE '' END ||
        CASE WHEN msg.wants_to_see THEN 'wants_to_see,' ELSE '' END ||
        CASE WHEN msg.urgent THEN 'urgent,' ELSE '' END, ',') END,
    msg.read_at"""


class DeskTotals(NamedTuple):
    """How much a desk holds: customers (not merged away), merged ones, calls, open callbacks."""

    customers: int
    merged: int
    calls: int
    open_callbacks: int


class ReportQueries:
    """The read-only queries behind the export and the day's summary: `store.reports`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def promises_for_calls(self, call_ids: Iterable[int]) -> dict[int, Callback]:
        """The callback promised on each of these calls (callbacks.call_id), keyed by call id;
        should a call carry two, the first: the promise made on the call (a complaint's
        follow-up, promised later on the complaint's call, is not what the call promised)."""
        ids = list(call_ids)
        found: dict[int, Callback] = {}
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            marks = ",".join("?" * len(chunk))
            for callback in self.store.callbacks_where(f"callbacks.call_id IN ({marks})", chunk, "callbacks.id", -1):
                found.setdefault(callback.call_id, callback)
        return found

    def iter_calls_with_promises(
        self, start: datetime, end: datetime, batch: int = 1000
    ) -> Iterator[tuple[Call, Callback | None]]:
        """Every call in [start, end), oldest first (a 'message taken' one carrying its message),
        with the callback promised on it; two or three queries per batch of calls, so a year of
        calls streams in constant memory."""
        from itertools import islice

        calls = self.store.iter_calls_between(start, end, batch)
        while chunk := list(islice(calls, batch)):
            promised = self.promises_for_calls(call.id for call in chunk)
            messages = self.store.messages.for_calls([call.id for call in chunk if call.outcome == "message"])
            for call in chunk:
                message = messages.get(call.id) if messages else None
                yield (replace(call, message=message) if message else call), promised.get(call.id)

    def iter_export_rows(self, start: datetime, end: datetime, batch: int = 1000) -> Iterator[tuple]:
        """Every call in [start, end), oldest first, as plain tuples of EXPORT_COLUMNS: the
        call, its customer, the callback promised on it (the first, should it carry two:
        promises_for_calls), the phone call it was logged from (store_phone.for_calls) and the
        message taken on it (store_messages.for_calls; boxes as BOXES codes in the pad's order). One query read in batches (constant memory), on a connection of its own, so a
        year's export neither holds this store's reader nor sees half of a write."""
        from .db import open_reader

        own = bool(self.store.path)
        conn = open_reader(self.store.path) if own else self.store.db.conn
        try:
            cursor = conn.execute(
                f"""SELECT {EXPORT_COLUMNS} FROM calls INDEXED BY calls_at
                    JOIN customers ON customers.id = calls.customer_id
                    LEFT JOIN callbacks AS cb
                        ON cb.id = (SELECT min(id) FROM callbacks WHERE callbacks.call_id = calls.id)
                    LEFT JOIN phone_calls AS pc
                        ON pc.id = (SELECT min(id) FROM phone_calls WHERE phone_calls.call_id = calls.id)
                    LEFT JOIN messages AS msg ON msg.call_id = calls.id
                    WHERE calls.at >= ? AND calls.at < ? ORDER BY calls.at, calls.id""",
                [to_iso(start), to_iso(end)],
            )
            while rows := cursor.fetchmany(batch):
                yield from rows
        finally:
            if own:
                conn.close()

    def call_figures(self, start: datetime, end: datetime) -> dict[str, int]:
        """Calls in [start, end): calls_in, calls_out, distinct_callers (customers calling in)."""
        row = self.store.only(
            """SELECT coalesce(sum(direction = 'in'), 0) AS calls_in,
                      coalesce(sum(direction = 'out'), 0) AS calls_out,
                      count(DISTINCT CASE WHEN direction = 'in' THEN customer_id END) AS distinct_callers
               FROM calls WHERE at >= ? AND at < ?""",
            [to_iso(start), to_iso(end)],
        )
        return dict(row)

    def count_new_customers(self, start: datetime, end: datetime) -> int:
        row = self.store.only(
            """SELECT count(*) AS n FROM customers
               WHERE created_at >= ? AND created_at < ? AND merged_into IS NULL""",
            [to_iso(start), to_iso(end)],
        )
        return row["n"]

    def promise_figures(self, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
        """Callbacks promised on calls in [start, end), by what became of them as of `now`:
        promised, kept, late, cancelled, still_open, overdue, median_wait (minutes, or None)."""
        window = [to_iso(start), to_iso(end)]
        row = self.store.only(
            """SELECT count(*) AS promised,
                      coalesce(sum(cb.state = 'done' AND cb.kept_on_time = 1), 0) AS kept,
                      coalesce(sum(cb.state = 'done' AND coalesce(cb.kept_on_time, 0) = 0), 0) AS late,
                      coalesce(sum(cb.state = 'cancelled'), 0) AS cancelled,
                      coalesce(sum(cb.state = 'open'), 0) AS still_open,
                      coalesce(sum(cb.state = 'open' AND cb.due_at <= ?), 0) AS overdue
               FROM callbacks AS cb JOIN calls ON calls.id = cb.call_id
               WHERE calls.at >= ? AND calls.at < ?""",
            [to_iso(now), *window],
        )
        median = self.store.only(
            """WITH waits AS (
                   SELECT cb.waited_min AS w FROM callbacks AS cb JOIN calls ON calls.id = cb.call_id
                   WHERE calls.at >= ? AND calls.at < ? AND cb.state = 'done'
                     AND cb.waited_min IS NOT NULL)
               SELECT avg(w) AS median FROM (
                   SELECT w FROM waits ORDER BY w
                   LIMIT 2 - (SELECT count(*) FROM waits) % 2
                   OFFSET ((SELECT count(*) FROM waits) - 1) / 2)""",
            window,
        )
        return {**row, "median_wait": median["median"]}

    def operator_figures(self, start: datetime, end: datetime, now: datetime) -> list[dict[str, Any]]:
        """Per person, sorted by name: calls in/out taken and callbacks promised on them, and
        what became of the period's callbacks assigned to them (kept, late, open, overdue)."""
        window = [to_iso(start), to_iso(end)]
        figures: dict[str, dict[str, Any]] = {}
        blank = dict.fromkeys(
            ("calls_in", "calls_out", "promised", "kept", "late", "still_open", "overdue"), 0
        )
        for row in self.store.rows(
            # INDEXED BY: read the period's range of calls_at; left to itself (no ANALYZE
            # statistics), the planner walks all of calls_operator_at to save the GROUP BY's
            # sort, which reads every call ever logged (1M calls: ~70 ms).
            """SELECT calls.operator AS who,
                      count(DISTINCT CASE WHEN calls.direction = 'in' THEN calls.id END) AS calls_in,
                      count(DISTINCT CASE WHEN calls.direction = 'out' THEN calls.id END) AS calls_out,
                      count(DISTINCT cb.id) AS promised
               FROM calls INDEXED BY calls_at LEFT JOIN callbacks AS cb ON cb.call_id = calls.id
               WHERE calls.at >= ? AND calls.at < ? GROUP BY calls.operator""",
            window,
        ):
            figures[row["who"]] = {**blank, **row}
        for row in self.store.rows(
            """SELECT cb.assignee AS who,
                      coalesce(sum(cb.state = 'done' AND cb.kept_on_time = 1), 0) AS kept,
                      coalesce(sum(cb.state = 'done' AND coalesce(cb.kept_on_time, 0) = 0), 0) AS late,
                      coalesce(sum(cb.state = 'open'), 0) AS still_open,
                      coalesce(sum(cb.state = 'open' AND cb.due_at <= ?), 0) AS overdue
               FROM callbacks AS cb JOIN calls ON calls.id = cb.call_id
               WHERE calls.at >= ? AND calls.at < ? GROUP BY cb.assignee""",
            [to_iso(now), *window],
        ):
            figures.setdefault(row["who"], {**blank, "who": row["who"]}).update(
                {k: v for k, v in row.items() if k != "who"}
            )
        return [figures[who] for who in sorted(figures, key=lambda w: (w.casefold(), w))]

    def top_topics(self, start: datetime, end: datetime, limit: int = 5) -> list[tuple[str, int]]:
        """The most frequent call topics in [start, end) (case-insensitive), most frequent first."""
        rows = self.store.rows(
            """SELECT min(topic) AS topic, count(*) AS n FROM calls
               WHERE at >= ? AND at < ? AND topic != ''
               GROUP BY topic COLLATE NOCASE ORDER BY n DESC, topic COLLATE NOCASE LIMIT ?""",
            [to_iso(start), to_iso(end), limit],
        )
        return [(r["topic"], r["n"]) for r in rows]

    def overdue_promises(
        self, start: datetime, end: datetime, now: datetime, limit: int = PAGE
    ) -> list[Callback]:
        """Open callbacks promised on calls in [start, end) whose due time has passed, oldest due first."""
        return self.store.callbacks_where(
            "callbacks.state = 'open' AND callbacks.due_at <= ? AND calls.at >= ? AND calls.at < ?",
            [to_iso(now), to_iso(start), to_iso(end)], "callbacks.due_at, callbacks.id", limit,
        )

    def totals(self) -> DeskTotals:
        """Everything the desk holds, counted in one read."""
        row = self.store.only(
            """SELECT (SELECT count(*) FROM customers WHERE merged_into IS NULL) AS customers,
                      (SELECT count(*) FROM customers WHERE merged_into IS NOT NULL) AS merged,
                      (SELECT count(*) FROM calls) AS calls,
                      (SELECT count(*) FROM callbacks WHERE state = 'open') AS open_callbacks"""
        )
        return DeskTotals(**row)

