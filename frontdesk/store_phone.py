"""The SQL of phone events (table phone_calls): `store.phone`. Rows in, PhoneCall records out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .clock import to_iso
from .phone.models import PhoneCall
from .records import NamedRow, maybe_time, stored_time

if TYPE_CHECKING:
    from .store import Store


def phone_call_record(row: NamedRow) -> PhoneCall:
    return PhoneCall(
        id=row["id"], source=row["source"], ext_id=row["ext_id"], direction=row["direction"],
        number_raw=row["number_raw"], e164=row["e164"], withheld=bool(row["withheld"]), name=row["name"],
        line=row["line"], state=row["state"], answered_by=row["answered_by"], cause=row["cause"],
        rang_at=stored_time(row["rang_at"]), answered_at=maybe_time(row["answered_at"]),
        ended_at=maybe_time(row["ended_at"]), updated_at=stored_time(row["updated_at"]),
        customer_id=row["customer_id"], call_id=row["call_id"], callback_id=row["callback_id"],
        missed=bool(row["missed"]), attempt=row["attempt"], seen=bool(row["seen"]),
    )


class PhoneQueries:
    """phone_calls: one row per call of a source, keyed by (source, ext_id)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _many(self, sql: str, params: Iterable[Any] = ()) -> list[PhoneCall]:
        return [phone_call_record(r) for r in self.store.rows(sql, params)]

    def get(self, phone_call_id: int) -> PhoneCall | None:
        found = self._many("SELECT * FROM phone_calls WHERE id = ?", [phone_call_id])
        return found[0] if found else None

    def by_ext(self, source: str, ext_id: str) -> PhoneCall | None:
        found = self._many("SELECT * FROM phone_calls WHERE source = ? AND ext_id = ?", [source, ext_id])
        return found[0] if found else None

    def insert(self, row: dict) -> int:
        return self.store._insert("phone_calls", row)

    def update(self, phone_call_id: int, changes: dict) -> None:
        if not changes:
            return
        sets = ", ".join(f"{column} = ?" for column in changes)
        self.store.db.execute(f"UPDATE phone_calls SET {sets} WHERE id = ?", [*changes.values(), phone_call_id])

    def open_by_number(self, source: str, e164: str, raw: str, states: tuple[str, ...],
                       since: datetime) -> PhoneCall | None:
        """The source's latest call in one of `states` with this number, rung after `since`."""
        marks = ",".join("?" * len(states))
        column, value = ("e164", e164) if e164 else ("number_raw", raw)
        found = self._many(
            f"""SELECT * FROM phone_calls WHERE {column} = ? AND source = ? AND state IN ({marks})
                AND rang_at > ? ORDER BY rang_at DESC, id DESC LIMIT 1""",
            [value, source, *states, to_iso(since)])
        return found[0] if found else None

    def end_siblings(self, answered: PhoneCall, at: datetime, since: datetime) -> int:
        """End the other inbound calls from the same number still ringing (on other phones)
        since `since`: answered elsewhere, not missed."""
        return self.store.db.execute(
            """UPDATE phone_calls SET state = 'ended', ended_at = ?, cause = 'answeredElsewhere', updated_at = ?
               WHERE e164 = ? AND id != ? AND state = 'ringing' AND direction = 'in' AND rang_at >= ?""",
            [to_iso(at), to_iso(at), answered.e164, answered.id, to_iso(since)]).rowcount

    def ringing(self, since: datetime, limit: int) -> list[PhoneCall]:
        """Inbound calls ringing now that rang after `since`, oldest first: the newest `limit`
        of them (the caller ringing now is the one to show and take, not a lost hang-up)."""
        return self._many(
            """SELECT * FROM (SELECT * FROM phone_calls WHERE state = 'ringing' AND rang_at > ?
                                AND direction = 'in' ORDER BY rang_at DESC, id DESC LIMIT ?)
               ORDER BY rang_at, id""", [to_iso(since), limit])

    def stale(self, before: datetime, limit: int = 1000) -> list[PhoneCall]:
        """Calls still ringing that rang at or before `before` (the lost hang-ups)."""
        return self._many(
            "SELECT * FROM phone_calls WHERE state = 'ringing' AND rang_at <= ? ORDER BY rang_at, id LIMIT ?",
            [to_iso(before), limit])

    def recent(self, limit: int) -> list[PhoneCall]:
        return self._many("SELECT * FROM phone_calls ORDER BY rang_at DESC, id DESC LIMIT ?", [limit])

    def missed_before(self, before: tuple[str, int] | None, limit: int) -> list[PhoneCall]:
        """Missed calls newest first, a page at a time (keyset: before=(rang_at, id))."""
        keyset, params = "", []
        if before:
            keyset, params = "AND rang_at <= ? AND (rang_at, id) < (?, ?)", [before[0], *before]
        return self._many(
            f"""SELECT * FROM phone_calls WHERE missed = 1 {keyset}
                ORDER BY rang_at DESC, id DESC LIMIT ?""", [*params, limit])

    def promise_tries(self, callback_id: int) -> dict[str, Any]:
        """The missed calls counted on one promise: latest id, first and last time, how many,
        whether all are seen."""
        return self.store.only(
            """SELECT max(id) AS latest_id, min(rang_at) AS first_at, max(rang_at) AS last_at,
                      count(*) AS attempts, min(seen) AS seen
               FROM phone_calls WHERE callback_id = ? AND missed = 1""", [callback_id])

    def unseen_missed(self) -> int:
        return self.store.only("SELECT count(*) AS n FROM phone_calls WHERE missed = 1 AND seen = 0")["n"]

    def mark_missed_seen(self) -> int:
        return self.store.db.execute("UPDATE phone_calls SET seen = 1 WHERE missed = 1 AND seen = 0").rowcount

    def open_missed_promise(self, e164: str) -> int | None:
        """The open promise a missed call from this number opened (the newest), if any."""
        row = self.store.one(
            """SELECT phone_calls.callback_id AS id FROM phone_calls
               JOIN callbacks ON callbacks.id = phone_calls.callback_id
               WHERE phone_calls.e164 = ? AND callbacks.state = 'open'
               ORDER BY phone_calls.callback_id DESC LIMIT 1""", [e164])
        return row["id"] if row else None

    def open_missed_promises(self, e164: str) -> list[int]:
        rows = self.store.rows(
            """SELECT DISTINCT phone_calls.callback_id AS id FROM phone_calls
               JOIN callbacks ON callbacks.id = phone_calls.callback_id
               WHERE phone_calls.e164 = ? AND callbacks.state = 'open' ORDER BY 1""", [e164])
        return [r["id"] for r in rows]

    def answered_near(self, e164: str, since: datetime, other_than: int) -> bool:
        """Whether an inbound call from this number that rang since `since` was answered (on
        another phone: each desk phone reports the same call under its own id)."""
        row = self.store.one(
            """SELECT 1 AS hit FROM phone_calls WHERE e164 = ? AND rang_at >= ? AND id != ?
               AND direction = 'in' AND answered_at IS NOT NULL LIMIT 1""",
            [e164, to_iso(since), other_than])
        return row is not None

    def attempts(self, callback_id: int) -> int:
        return self.store.only(
            "SELECT count(*) AS n FROM phone_calls WHERE callback_id = ? AND missed = 1", [callback_id])["n"]

    def for_call(self, call_id: int) -> PhoneCall | None:
        found = self._many("SELECT * FROM phone_calls WHERE call_id = ? ORDER BY id LIMIT 1", [call_id])
        return found[0] if found else None

    def for_calls(self, call_ids: Iterable[int]) -> dict[int, PhoneCall]:
        """The phone call linked to each of these logged calls, keyed by call id."""
        ids = list(call_ids)
        found: dict[int, PhoneCall] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for record in self._many(
                    f"SELECT * FROM phone_calls WHERE call_id IN ({marks}) ORDER BY id DESC", chunk):
                if record.call_id is not None:
                    found[record.call_id] = record
        return found

    def caller_summary(self, customer_id: int) -> tuple[int, str]:
        """(open promises, the latest topic) of a customer: what the ringing strip says."""
        open_count = self.store.only(
            "SELECT count(*) AS n FROM callbacks WHERE customer_id = ? AND state = 'open'", [customer_id])["n"]
        row = self.store.one(
            """SELECT topic FROM calls WHERE customer_id = ? AND topic != ''
               AND NOT (direction = 'in' AND outcome = 'no_answer')
               ORDER BY at DESC, id DESC LIMIT 1""", [customer_id])
        return open_count, (row["topic"] if row else "")
