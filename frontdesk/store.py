"""All SQL lives here: rows in, frozen records out. Lists come in bounded keyset pages."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from .clock import from_iso, to_iso
from .db import transaction
from .models import (
    AuditEntry,
    Call,
    Callback,
    CallbackEvent,
    Customer,
    PhoneNumber,
)

PAGE = 200

_CALL_COLUMNS = """calls.id, calls.uid, calls.customer_id, customers.name AS customer_name,
    customers.company AS company, calls.e164, calls.ext, calls.direction, calls.at,
    calls.operator, calls.topic, calls.note, calls.outcome, calls.callback_id"""

_CALLBACK_COLUMNS = """callbacks.*, customers.name AS customer_name, customers.company AS company,
    calls.topic AS topic, calls.note AS note"""


class ConflictError(Exception):
    """Someone else saved this record first; `current` is what is stored now."""

    def __init__(self, message: str, current: Any = None) -> None:
        super().__init__(message)
        self.current = current


def stored_time(text: str) -> datetime:
    """A stored time (to_iso's fixed format) as an aware UTC datetime. fromisoformat reads the
    trailing Z as UTC and is ~50x faster than from_iso's strptime, which counts when a year of
    calls streams out or the queue is rebuilt every tick."""
    if len(text) == 20 and text[19] == "Z":
        return datetime.fromisoformat(text)
    return from_iso(text)


def _dt(value: str | None) -> datetime | None:
    return stored_time(value) if value else None


def fts_phrase(text: str) -> str:
    """A user's text as one FTS5 phrase: no operator in it can change the query."""
    return '"' + text.replace('"', '""') + '"'


def _customer(row: dict, phones: tuple[PhoneNumber, ...] = ()) -> Customer:
    return Customer(
        id=row["id"], name=row["name"], company=row["company"], notes=row["notes"],
        version=row["version"], created_at=_dt(row["created_at"]),
        updated_at=_dt(row["updated_at"]), last_call_at=_dt(row["last_call_at"]),
        merged_into=row["merged_into"], phones=phones,
    )


def _phone(row: dict) -> PhoneNumber:
    return PhoneNumber(row["id"], row["customer_id"], row["e164"], row["ext"], row["label"])


def _maker(cls):
    """A fast constructor for a plain frozen dataclass record: fills the instance's __dict__,
    which gives the same record as cls(**fields) without the frozen __init__ setting each field
    through object.__setattr__ (~0.1 us a field; an export builds a year's calls one by one,
    the queue rebuilds every open callback each tick). Falls back to cls(**fields) unless
    exactly its fields are given (so a field added later, with a default, still gets it) or
    when the class needs its __init__."""
    names = frozenset(f.name for f in dataclasses.fields(cls))
    if hasattr(cls, "__post_init__") or "__slots__" in vars(cls):
        return lambda fields: cls(**fields)
    new = object.__new__

    def make(fields: dict) -> Any:
        if fields.keys() != names:
            return cls(**fields)
        record = new(cls)
        record.__dict__.update(fields)
        return record

    return make


_make_call, _make_callback = _maker(Call), _maker(Callback)


def _call(row: sqlite3.Row) -> Call:
    """A row of _CALL_COLUMNS (in that order) as a Call."""
    (id_, uid, customer_id, customer_name, company, e164, ext, direction, at, operator, topic,
     note, outcome, callback_id) = row
    return _make_call({
        "id": id_, "uid": uid, "customer_id": customer_id, "customer_name": customer_name or "",
        "company": company or "", "e164": e164, "ext": ext, "direction": direction,
        "at": stored_time(at), "operator": operator, "topic": topic, "note": note,
        "outcome": outcome, "callback_id": callback_id,
    })


def _callback(row: dict) -> Callback:
    kept = row["kept_on_time"]
    return _make_callback(dict(
        id=row["id"], call_id=row["call_id"], customer_id=row["customer_id"],
        customer_name=row["customer_name"] or "", company=row["company"] or "",
        e164=row["e164"], promised_at=stored_time(row["promised_at"]),
        first_due_at=stored_time(row["first_due_at"]), due_at=stored_time(row["due_at"]),
        assignee=row["assignee"], state=row["state"], attempts=row["attempts"],
        topic=row["topic"] or "", note=row["note"] or "", created_by=row["created_by"],
        first_attempt_at=_dt(row["first_attempt_at"]), done_at=_dt(row["done_at"]),
        done_call_id=row["done_call_id"], kept_on_time=None if kept is None else bool(kept),
        waited_min=row["waited_min"], cancel_reason=row["cancel_reason"],
        snoozed_until=_dt(row["snoozed_until"]), version=row["version"],
        acknowledged_by=row["acknowledged_by"] or "", acknowledged_at=_dt(row["acknowledged_at"]),
    ))


class Store:
    """One connection, shared by the UI thread and worker threads; every call is serialised."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.lock = threading.RLock()

    # -- plumbing ---------------------------------------------------------------------------
    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict]:
        with self.lock:
            return list(self.db.query(sql, list(params)))

    def _records(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Like _rows, for the hot lists (calls, callbacks) that go straight into records:
        sqlite3.Row is read by column name like a dict, without building one per row."""
        with self.lock:
            cursor = self.db.conn.cursor()
            cursor.row_factory = sqlite3.Row
            try:
                return cursor.execute(sql, list(params)).fetchall()
            finally:
                cursor.close()

    def _one(self, sql: str, params: Iterable[Any] = ()) -> dict | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def write(self) -> Any:
        """A write transaction (BEGIN IMMEDIATE) holding the connection lock."""
        store = self

        class _Write:
            def __enter__(self_inner):
                store.lock.acquire()
                self_inner.tx = transaction(store.db)
                try:
                    return self_inner.tx.__enter__()
                except BaseException:
                    store.lock.release()
                    raise

            def __exit__(self_inner, *exc):
                try:
                    return self_inner.tx.__exit__(*exc)
                finally:
                    store.lock.release()

        return _Write()

    def _insert(self, table: str, row: dict) -> int:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cursor = self.db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
        return cursor.lastrowid

    def data_version(self) -> int:
        """Changes whenever another connection commits (PRAGMA data_version)."""
        with self.lock:
            return self.db.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        with self.lock:
            self.db.close()

    # -- customers --------------------------------------------------------------------------
    def phones_for(self, customer_ids: Iterable[int]) -> dict[int, tuple[PhoneNumber, ...]]:
        ids = list(dict.fromkeys(customer_ids))
        result: dict[int, list[PhoneNumber]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._records(
                f"SELECT * FROM phones WHERE customer_id IN ({marks}) ORDER BY id", chunk
            ):
                result[row["customer_id"]].append(_phone(row))
        return {k: tuple(v) for k, v in result.items()}

    def customers_by_ids(self, ids: list[int]) -> list[Customer]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = {r["id"]: r for r in self._records(f"SELECT * FROM customers WHERE id IN ({marks})", ids)}
        phones = self.phones_for(rows)
        return [_customer(rows[i], phones[i]) for i in ids if i in rows]

    def get_customer(self, customer_id: int) -> Customer | None:
        found = self.customers_by_ids([customer_id])
        return found[0] if found else None

    def customers_with_number(self, e164: str) -> list[Customer]:
        rows = self._rows(
            """SELECT DISTINCT customers.id, customers.last_call_at FROM phones
               JOIN customers ON customers.id = phones.customer_id
               WHERE phones.e164 = ? AND customers.merged_into IS NULL
               ORDER BY customers.last_call_at DESC LIMIT 50""",
            [e164],
        )
        return self.customers_by_ids([r["id"] for r in rows])

    def search_customer_ids(self, column: str, text: str, limit: int) -> list[int]:
        """Substring match (3+ characters) on name, company or numbers via the trigram index,
        most recently heard from first."""
        target = {"name": "{name company}", "numbers": "numbers"}[column]
        rows = self._rows(
            """SELECT customers.id FROM
                  (SELECT rowid FROM customer_search WHERE customer_search MATCH ? LIMIT 500) AS hit
                JOIN customers ON customers.id = hit.rowid
                ORDER BY customers.last_call_at IS NULL, customers.last_call_at DESC, customers.name
                LIMIT ?""",
            [f"{target}: {fts_phrase(text)}", limit],
        )
        return [r["id"] for r in rows]

    def customer_ids_by_name_prefix(self, prefix: str, limit: int) -> list[int]:
        # Two index-only range reads (name, company: each index carries merged_into and
        # last_call_at) instead of an OR that fetches the table row of every match.
        rows = self._rows(
            """SELECT id FROM (
                   SELECT id, last_call_at FROM customers
                   WHERE name LIKE ? ESCAPE '\\' AND merged_into IS NULL
                   UNION
                   SELECT id, last_call_at FROM customers
                   WHERE company LIKE ? ESCAPE '\\' AND merged_into IS NULL)
               ORDER BY last_call_at IS NULL, last_call_at DESC LIMIT ?""",
            [_like_prefix(prefix), _like_prefix(prefix), limit],
        )
        return [r["id"] for r in rows]

    def insert_customer(self, *, name: str, company: str, notes: str, at: datetime, by: str) -> int:
        stamp = to_iso(at)
        return self._insert(
            "customers",
            {"name": name, "company": company, "notes": notes, "created_at": stamp,
             "created_by": by, "updated_at": stamp},
        )

    def update_customer(self, customer_id: int, changes: dict, expected_version: int, at: datetime) -> None:
        sets = ", ".join(f"{column} = ?" for column in changes)
        cursor = self.db.execute(
            f"""UPDATE customers SET {sets}, version = version + 1, updated_at = ?
                WHERE id = ? AND version = ?""",
            [*changes.values(), to_iso(at), customer_id, expected_version],
        )
        if cursor.rowcount != 1:
            raise ConflictError("changed by someone else", self.get_customer(customer_id))

    def touch_customer(self, customer_id: int, last_call_at: datetime) -> None:
        self.db.execute(
            "UPDATE customers SET last_call_at = max(coalesce(last_call_at, ''), ?) WHERE id = ?",
            [to_iso(last_call_at), customer_id],
        )

    def insert_phone(self, customer_id: int, e164: str, ext: str, label: str, at: datetime) -> int:
        row = self._one(
            "SELECT id FROM phones WHERE customer_id = ? AND e164 = ? AND ext = ?", [customer_id, e164, ext]
        )
        if row:
            return row["id"]
        return self._insert(
            "phones",
            {"customer_id": customer_id, "e164": e164, "ext": ext, "label": label, "created_at": to_iso(at)},
        )

    def get_phone(self, phone_id: int) -> PhoneNumber | None:
        row = self._one("SELECT * FROM phones WHERE id = ?", [phone_id])
        return _phone(row) if row else None

    def update_phone(self, phone_id: int, e164: str, ext: str, label: str) -> None:
        self.db.execute("UPDATE phones SET e164 = ?, ext = ?, label = ? WHERE id = ?", [e164, ext, label, phone_id])

    def delete_phone(self, phone_id: int) -> None:
        self.db.execute("DELETE FROM phones WHERE id = ?", [phone_id])

    def merge_customers(self, keep_id: int, drop_id: int) -> None:
        """Move everything of drop onto keep; drop stays as a pointer (merged_into)."""
        for phone in self.phones_for([drop_id])[drop_id]:
            self.db.execute(
                "UPDATE OR IGNORE phones SET customer_id = ? WHERE id = ?", [keep_id, phone.id]
            )
        self.db.execute("DELETE FROM phones WHERE customer_id = ?", [drop_id])
        for table in ("calls", "callbacks"):
            self.db.execute(f"UPDATE {table} SET customer_id = ? WHERE customer_id = ?", [keep_id, drop_id])
        self.db.execute("UPDATE audit SET customer_id = ? WHERE customer_id = ?", [keep_id, drop_id])
        self.db.execute(
            """UPDATE customers SET last_call_at = (SELECT max(at) FROM calls WHERE customer_id = ?)
               WHERE id = ?""",
            [keep_id, keep_id],
        )
        self.db.execute(
            "UPDATE customers SET merged_into = ?, version = version + 1 WHERE id = ?", [keep_id, drop_id]
        )

    # -- calls ------------------------------------------------------------------------------
    def call_id_for_uid(self, uid: str) -> int | None:
        row = self._one("SELECT id FROM calls WHERE uid = ?", [uid])
        return row["id"] if row else None

    def insert_call(self, row: dict) -> int:
        return self._insert("calls", row)

    def get_call(self, call_id: int) -> Call | None:
        rows = self._records(
            f"SELECT {_CALL_COLUMNS} FROM calls JOIN customers ON customers.id = calls.customer_id WHERE calls.id = ?",
            [call_id],
        )
        return _call(rows[0]) if rows else None

    def calls_between(
        self, start: datetime, end: datetime, limit: int = PAGE, before: tuple[str, int] | None = None
    ) -> list[Call]:
        """Calls with start <= at < end, newest first, one page (keyset: before=(at, id))."""
        # The keyset's time is also the range's upper bound: SQLite does not narrow an index
        # range by a row-value comparison, so without it every page reads from `end` down.
        upper, params = "calls.at < ?", [to_iso(start), to_iso(end)]
        keyset = ""
        if before:
            if before[0] < params[1]:
                upper, params[1] = "calls.at <= ?", before[0]
            keyset = "AND (calls.at, calls.id) < (?, ?)"
            params += list(before)
        rows = self._records(
            f"""SELECT {_CALL_COLUMNS} FROM calls JOIN customers ON customers.id = calls.customer_id
                WHERE calls.at >= ? AND {upper} {keyset}
                ORDER BY calls.at DESC, calls.id DESC LIMIT ?""",
            [*params, limit],
        )
        return [_call(r) for r in rows]

    def iter_calls_between(self, start: datetime, end: datetime, batch: int = 1000) -> Iterator[Call]:
        """Every call in [start, end), oldest first, fetched in batches (constant memory)."""
        # Each batch's index range starts at the previous batch's last time: SQLite does not
        # narrow a range by the row-value comparison alone, and reading from `start` every time
        # made a year's export quadratic (1M calls: ~75 s instead of a few).
        after: tuple[str, int] = ("", 0)
        lower = to_iso(start)
        while True:
            rows = self._records(
                f"""SELECT {_CALL_COLUMNS} FROM calls JOIN customers ON customers.id = calls.customer_id
                    WHERE calls.at >= ? AND calls.at < ? AND (calls.at, calls.id) > (?, ?)
                    ORDER BY calls.at, calls.id LIMIT ?""",
                [max(lower, after[0]), to_iso(end), *after, batch],
            )
            if not rows:
                return
            for row in rows:
                yield _call(row)
            after = (rows[-1]["at"], rows[-1]["id"])

    def customer_calls(
        self, customer_id: int, limit: int = PAGE, before: tuple[str, int] | None = None
    ) -> list[Call]:
        params: list[Any] = [customer_id]
        keyset = ""
        if before:
            keyset = "AND (calls.at, calls.id) < (?, ?)"
            params += list(before)
        rows = self._records(
            f"""SELECT {_CALL_COLUMNS} FROM calls JOIN customers ON customers.id = calls.customer_id
                WHERE calls.customer_id = ? {keyset} ORDER BY calls.at DESC, calls.id DESC LIMIT ?""",
            [*params, limit],
        )
        return [_call(r) for r in rows]

    def count_calls_between(self, start: datetime, end: datetime) -> int:
        return self._one("SELECT count(*) AS n FROM calls WHERE at >= ? AND at < ?",
                         [to_iso(start), to_iso(end)])["n"]

    def count_customer_calls(self, customer_id: int) -> int:
        return self._one("SELECT count(*) AS n FROM calls WHERE customer_id = ?", [customer_id])["n"]

    def search_call_notes(self, text: str, limit: int = PAGE) -> list[Call]:
        words = [w for w in text.split() if w]
        if not words:
            return []
        query = " ".join(fts_phrase(w) + "*" for w in words)
        rows = self._records(
            f"""SELECT {_CALL_COLUMNS} FROM
                  (SELECT rowid FROM call_search WHERE call_search MATCH ? ORDER BY rowid DESC LIMIT ?) AS hit
                JOIN calls ON calls.id = hit.rowid JOIN customers ON customers.id = calls.customer_id
                ORDER BY calls.at DESC, calls.id DESC""",
            [query, limit],
        )
        return [_call(r) for r in rows]

    # -- callbacks --------------------------------------------------------------------------
    def insert_callback(self, row: dict) -> int:
        return self._insert("callbacks", row)

    def _callbacks(self, where: str, params: list[Any], order: str, limit: int) -> list[Callback]:
        rows = self._records(
            f"""SELECT {_CALLBACK_COLUMNS} FROM callbacks
                JOIN customers ON customers.id = callbacks.customer_id
                JOIN calls ON calls.id = callbacks.call_id
                WHERE {where} ORDER BY {order} LIMIT ?""",
            [*params, limit],
        )
        return [_callback(r) for r in rows]

    def get_callback(self, callback_id: int) -> Callback | None:
        found = self._callbacks("callbacks.id = ?", [callback_id], "callbacks.id", 1)
        return found[0] if found else None

    def open_callbacks(self, limit: int = PAGE, assignee: str | None = None) -> list[Callback]:
        where, params = "callbacks.state = 'open'", []
        if assignee is not None:
            where += " AND callbacks.assignee = ?"
            params.append(assignee)
        return self._callbacks(where, params, "callbacks.due_at, callbacks.id", limit)

    def open_callbacks_due_before(self, before: datetime, limit: int = PAGE) -> list[Callback]:
        return self._callbacks(
            "callbacks.state = 'open' AND callbacks.due_at < ?", [to_iso(before)],
            "callbacks.due_at, callbacks.id", limit,
        )

    def customer_callbacks(self, customer_id: int, limit: int = PAGE, open_only: bool = False) -> list[Callback]:
        where = "callbacks.customer_id = ?" + (" AND callbacks.state = 'open'" if open_only else "")
        return self._callbacks(where, [customer_id], "callbacks.promised_at DESC, callbacks.id DESC", limit)

    def count_open_callbacks(self, now: datetime, lead_until: datetime) -> tuple[int, int]:
        """(overdue, due within lead) among open callbacks."""
        row = self._one(
            """SELECT sum(due_at <= ?) AS overdue, sum(due_at > ? AND due_at <= ?) AS soon
               FROM callbacks WHERE state = 'open'""",
            [to_iso(now), to_iso(now), to_iso(lead_until)],
        )
        return (row["overdue"] or 0, row["soon"] or 0)

    def update_callback(self, callback_id: int, changes: dict, expected_version: int | None = None) -> None:
        sets = ", ".join(f"{column} = ?" for column in changes)
        params = [*changes.values(), callback_id]
        guard = ""
        if expected_version is not None:
            guard = " AND version = ?"
            params.append(expected_version)
        cursor = self.db.execute(
            f"UPDATE callbacks SET {sets}, version = version + 1 WHERE id = ?{guard}", params
        )
        if cursor.rowcount != 1:
            raise ConflictError("changed by someone else", self.get_callback(callback_id))

    def insert_callback_event(self, row: dict) -> int:
        return self._insert("callback_events", row)

    def callback_events(self, callback_id: int) -> list[CallbackEvent]:
        rows = self._rows("SELECT * FROM callback_events WHERE callback_id = ? ORDER BY id", [callback_id])
        return [
            CallbackEvent(
                id=r["id"], callback_id=r["callback_id"], at=from_iso(r["at"]), operator=r["operator"],
                kind=r["kind"], due_before=_dt(r["due_before"]), due_after=_dt(r["due_after"]),
                reason=r["reason"], call_id=r["call_id"],
            )
            for r in rows
        ]

    # -- settings, audit, drafts ------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        return {r["key"]: json.loads(r["value"]) for r in self._rows("SELECT key, value FROM settings")}

    def put_setting(self, key: str, value: Any, at: datetime, by: str) -> None:
        self.db.execute(
            """INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
               ON CONFLICT(key) DO UPDATE SET value = excluded.value,
               updated_at = excluded.updated_at, updated_by = excluded.updated_by""",
            [key, json.dumps(value), to_iso(at), by],
        )

    def insert_audit(self, row: dict) -> None:
        self._insert("audit", row)

    def customer_audit(self, customer_id: int, limit: int = PAGE) -> list[AuditEntry]:
        rows = self._rows(
            "SELECT * FROM audit WHERE customer_id = ? ORDER BY id DESC LIMIT ?", [customer_id, limit]
        )
        return [
            AuditEntry(
                id=r["id"], at=from_iso(r["at"]), operator=r["operator"], customer_id=r["customer_id"],
                entity=r["entity"], entity_id=r["entity_id"], action=r["action"], field=r["field"],
                old=r["old"], new=r["new"],
            )
            for r in rows
        ]

    def get_draft(self, operator: str) -> dict | None:
        row = self._one("SELECT payload FROM drafts WHERE operator = ?", [operator])
        return json.loads(row["payload"]) if row else None

    def put_draft(self, operator: str, payload: dict, at: datetime) -> None:
        with self.write():
            self.db.execute(
                """INSERT INTO drafts (operator, updated_at, payload) VALUES (?, ?, ?)
                   ON CONFLICT(operator) DO UPDATE SET payload = excluded.payload,
                   updated_at = excluded.updated_at""",
                [operator, to_iso(at), json.dumps(payload)],
            )

    def delete_draft(self, operator: str) -> None:
        with self.write():
            self.db.execute("DELETE FROM drafts WHERE operator = ?", [operator])

    # -- export and report queries (export.py, report.py) --
    def promises_for_calls(self, call_ids: Iterable[int]) -> dict[int, Callback]:
        """The callback promised on each of these calls (callbacks.call_id), keyed by call id;
        should a call carry two, the later one."""
        ids = list(call_ids)
        found: dict[int, Callback] = {}
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            marks = ",".join("?" * len(chunk))
            for callback in self._callbacks(f"callbacks.call_id IN ({marks})", chunk, "callbacks.id", -1):
                found[callback.call_id] = callback
        return found

    def iter_calls_with_promises(
        self, start: datetime, end: datetime, batch: int = 1000
    ) -> Iterator[tuple[Call, Callback | None]]:
        """Every call in [start, end), oldest first, with the callback promised on it; two
        queries per batch of calls, so a year of calls streams in constant memory."""
        from itertools import islice

        calls = self.iter_calls_between(start, end, batch)
        while chunk := list(islice(calls, batch)):
            promised = self.promises_for_calls(call.id for call in chunk)
            for call in chunk:
                yield call, promised.get(call.id)

    def call_figures(self, start: datetime, end: datetime) -> dict[str, int]:
        """Calls in [start, end): calls_in, calls_out, distinct_callers (customers calling in)."""
        row = self._one(
            """SELECT coalesce(sum(direction = 'in'), 0) AS calls_in,
                      coalesce(sum(direction = 'out'), 0) AS calls_out,
                      count(DISTINCT CASE WHEN direction = 'in' THEN customer_id END) AS distinct_callers
               FROM calls WHERE at >= ? AND at < ?""",
            [to_iso(start), to_iso(end)],
        )
        return dict(row)

    def count_new_customers(self, start: datetime, end: datetime) -> int:
        row = self._one(
            """SELECT count(*) AS n FROM customers
               WHERE created_at >= ? AND created_at < ? AND merged_into IS NULL""",
            [to_iso(start), to_iso(end)],
        )
        return row["n"]

    def promise_figures(self, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
        """Callbacks promised on calls in [start, end), by what became of them as of `now`:
        promised, kept, late, cancelled, still_open, overdue, median_wait (minutes, or None)."""
        window = [to_iso(start), to_iso(end)]
        row = self._one(
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
        median = self._one(
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
        for row in self._rows(
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
        for row in self._rows(
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
        rows = self._rows(
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
        return self._callbacks(
            "callbacks.state = 'open' AND callbacks.due_at <= ? AND calls.at >= ? AND calls.at < ?",
            [to_iso(now), to_iso(start), to_iso(end)], "callbacks.due_at, callbacks.id", limit,
        )

    def database_file(self) -> str:
        """The main database file's path ('' for an in-memory database)."""
        with self.lock:
            for row in self.db.execute("PRAGMA database_list").fetchall():
                if row[1] == "main":
                    return row[2] or ""
        return ""


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
