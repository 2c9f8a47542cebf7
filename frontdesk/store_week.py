"""Read-only queries behind the owner's week (week.py): `store.week`. Each reads one range of
the calls_at (or complaints, phone_calls) index and groups in SQL, so a week over a
1,000,000-call desk reads the five weeks it reports on, not the whole table.

Times are grouped by 15-minute buckets of UTC (every timezone's offset is a multiple of 15
minutes), which week.py turns into desk-local days and hours."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from .clock import to_iso

if TYPE_CHECKING:
    from .store import Store

# The UTC quarter-hour a stored time ('2026-11-23T15:07:00Z') falls in: '2026-11-23T15:00'.
_BUCKET = "substr({col}, 1, 14) || printf('%02d', (CAST(substr({col}, 15, 2) AS INTEGER) / 15) * 15)"


class WeekQueries:
    def __init__(self, store: Store) -> None:
        self.store = store

    def call_buckets(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Calls in [start, end) by UTC quarter-hour: bucket, calls_in, calls_out."""
        return self.store.rows(
            f"""SELECT {_BUCKET.format(col='at')} AS bucket,
                       sum(direction = 'in') AS calls_in, sum(direction = 'out') AS calls_out
                FROM calls INDEXED BY calls_at WHERE at >= ? AND at < ? GROUP BY bucket""",
            [to_iso(start), to_iso(end)],
        )

    def promises(self, start: datetime, end: datetime) -> list[tuple]:
        """The callbacks promised on calls in [start, end), read from the calls' range (the
        day report's promise_figures starts from the callbacks, fine for a day, slow for five
        weeks): (call time, state, kept_on_time, due_at, waited_min)."""
        with self.store._reading() as conn:
            return conn.execute(
                """SELECT calls.at, cb.state, cb.kept_on_time, cb.due_at, cb.waited_min
                   FROM calls INDEXED BY calls_at JOIN callbacks AS cb ON cb.call_id = calls.id
                   WHERE calls.at >= ? AND calls.at < ?""",
                [to_iso(start), to_iso(end)],
            ).fetchall()

    def topics(self, start: datetime, end: datetime) -> list[tuple[str, int]]:
        """Every topic spelling used in [start, end) with its number of calls."""
        rows = self.store.rows(
            """SELECT topic, count(*) AS n FROM calls INDEXED BY calls_at
               WHERE at >= ? AND at < ? AND topic != '' GROUP BY topic""",
            [to_iso(start), to_iso(end)],
        )
        return [(r["topic"], r["n"]) for r in rows]

    def repeat_callers(self, start: datetime, end: datetime, at_least: int) -> list[dict[str, Any]]:
        """Customers with at_least or more inbound calls in [start, end), most calls first: id,
        name, company, calls, and the number of their latest call in the range."""
        return self.store.rows(
            """WITH counted AS (
                   SELECT customer_id, count(*) AS calls, max(at) AS last_at FROM calls INDEXED BY calls_at
                   WHERE at >= ? AND at < ? AND direction = 'in' GROUP BY customer_id HAVING count(*) >= ?)
               SELECT counted.customer_id AS id, customers.name AS name, customers.company AS company,
                      counted.calls AS calls,
                      (SELECT e164 FROM calls WHERE customer_id = counted.customer_id AND at = counted.last_at
                       ORDER BY id DESC LIMIT 1) AS e164
               FROM counted JOIN customers ON customers.id = counted.customer_id
               ORDER BY counted.calls DESC, customers.name COLLATE NOCASE, counted.customer_id""",
            [to_iso(start), to_iso(end), at_least],
        )

    def count_repeat_callers(self, start: datetime, end: datetime, at_least: int) -> int:
        return self.store.only(
            """SELECT count(*) AS n FROM (SELECT customer_id FROM calls INDEXED BY calls_at
               WHERE at >= ? AND at < ? AND direction = 'in' GROUP BY customer_id HAVING count(*) >= ?)""",
            [to_iso(start), to_iso(end), at_least],
        )["n"]

    # -- complaints -------------------------------------------------------------------------
    def complaints_opened(self, start: datetime, end: datetime) -> int:
        return self.store.only("SELECT count(*) AS n FROM complaints WHERE opened_at >= ? AND opened_at < ?",
                               [to_iso(start), to_iso(end)])["n"]

    def complaints_resolved(self, start: datetime, end: datetime) -> list[int]:
        """Minutes to resolve of the complaints resolved in [start, end)."""
        rows = self.store.rows(
            """SELECT minutes_to_resolve AS m FROM complaints
               WHERE resolved_at >= ? AND resolved_at < ? AND state = 'resolved'""",
            [to_iso(start), to_iso(end)],
        )
        return [r["m"] or 0 for r in rows]

    def follow_ups(self, start: datetime, end: datetime) -> dict[str, int]:
        rows = self.store.rows(
            """SELECT followup_result AS result, count(*) AS n FROM complaints
               WHERE followup_at >= ? AND followup_at < ? AND followup_result IS NOT NULL
               GROUP BY followup_result""",
            [to_iso(start), to_iso(end)],
        )
        return {r["result"]: r["n"] for r in rows}

    # -- phone events (the phone_calls table, when this desk has one) -------------------------
    def has_phone_calls(self, before: datetime | None = None) -> bool:
        """The desk heard the phone (a phone system reported a call) by `before`: the week's
        answered and missed calls are then figures, not zeros of a desk with no phone link."""
        columns = {r["name"] for r in self.store.rows("SELECT name FROM pragma_table_info('phone_calls')")}
        if not {"rang_at", "answered_at", "ended_at", "missed", "direction"} <= columns:
            return False
        if before is None:
            return True
        return self.store.one("SELECT 1 AS heard FROM phone_calls WHERE rang_at < ? LIMIT 1",
                              [to_iso(before)]) is not None

    def phone_buckets(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Inbound phone calls in [start, end) by UTC quarter-hour: rang, answered, missed."""
        return self.store.rows(
            f"""SELECT {_BUCKET.format(col='rang_at')} AS bucket, count(*) AS rang,
                       sum(answered_at IS NOT NULL) AS answered, sum(missed = 1) AS missed
                FROM phone_calls WHERE rang_at >= ? AND rang_at < ? AND direction = 'in' GROUP BY bucket""",
            [to_iso(start), to_iso(end)],
        )

    def talk_seconds(self, start: datetime, end: datetime) -> tuple[int, float]:
        """(answered inbound calls with an end, their total talk seconds) in [start, end)."""
        row = self.store.only(
            """SELECT count(*) AS n, coalesce(sum((julianday(ended_at) - julianday(answered_at)) * 86400), 0) AS s
               FROM phone_calls WHERE rang_at >= ? AND rang_at < ? AND direction = 'in'
               AND answered_at IS NOT NULL AND ended_at IS NOT NULL AND ended_at >= answered_at""",
            [to_iso(start), to_iso(end)],
        )
        return row["n"], float(row["s"])
