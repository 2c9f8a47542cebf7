"""All SQL lives in the store: rows in, frozen records out. Lists come in bounded keyset pages.
Row mapping is in records.py; the export's and summary's queries in store_reports.py
(`store.reports`); the demo's bulk load in store_bulk.py (`store.bulk`); the desk's people in
store_operators.py (`store.operators`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from .clock import from_iso, to_iso
from .connections import Connections
from .db import Connection
from .models import AuditEntry, Call, Callback, CallbackEvent, Customer, PhoneNumber
from .records import (
    CALL_COLUMNS,
    CALLBACK_COLUMNS,
    PAGE,
    call_record,
    callback_record,
    customer_record,
    fts_phrase,
    maybe_time,
    phone_record,
)
from .store_bulk import BulkWriter
from .store_complaints import ComplaintQueries
from .store_contacts import ContactQueries
from .store_messages import MessageQueries
from .store_operators import OperatorQueries
from .store_phone import PhoneQueries
from .store_reports import ReportQueries
from .store_week import WeekQueries

__all__ = ["PAGE", "ConflictError", "Store"]

SEARCH_WINDOW = 1000  # index hits ranked by recency per lookup (p99 ~2 ms at 100k customers)


class ConflictError(Exception):
    """Someone else saved this record first; `current` is what is stored now."""

    def __init__(self, message: str, current: Any = None) -> None:
        super().__init__(message)
        self.current = current


class Store(Connections):
    """The desk's tables as records: customers and their numbers, calls, callbacks, settings,
    audit and drafts. Reads and writes go through the two connections of its base
    (connections.py); the export's, the demo's and the operators' queries are objects it owns."""

    def __init__(self, db: Connection) -> None:
        super().__init__(db)
        self.reports = ReportQueries(self)  # the export's and the summary's queries
        self.bulk = BulkWriter(self)  # the demo desk at a benchmark's size
        self.operators = OperatorQueries(self)  # the desk's people: one spelling each
        self.contacts = ContactQueries(self)  # contact import and export
        self.phone = PhoneQueries(self)  # phone events: calls as the phone system reports them
        self.complaints = ComplaintQueries(self)  # complaints and their follow-ups
        self.week = WeekQueries(self)  # the owner's week (week.py)
        self.messages = MessageQueries(self)  # messages taken for someone

    # -- customers --------------------------------------------------------------------------
    def phones_for(self, customer_ids: Iterable[int]) -> dict[int, tuple[PhoneNumber, ...]]:
        ids = list(dict.fromkeys(customer_ids))
        result: dict[int, list[PhoneNumber]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.records(
                f"SELECT * FROM phones WHERE customer_id IN ({marks}) ORDER BY id", chunk
            ):
                result[row["customer_id"]].append(phone_record(row))
        return {k: tuple(v) for k, v in result.items()}

    def customers_by_ids(self, ids: list[int]) -> list[Customer]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = {r["id"]: r for r in self.records(f"SELECT * FROM customers WHERE id IN ({marks})", ids)}
        phones = self.phones_for(rows)
        return [customer_record(rows[i], phones[i]) for i in ids if i in rows]

    def get_customer(self, customer_id: int) -> Customer | None:
        found = self.customers_by_ids([customer_id])
        return found[0] if found else None

    def customers_with_number(self, e164: str) -> list[Customer]:
        rows = self.rows(
            """SELECT DISTINCT customers.id, customers.last_call_at FROM phones
               JOIN customers ON customers.id = phones.customer_id
               WHERE phones.e164 = ? AND customers.merged_into IS NULL
               ORDER BY customers.last_call_at DESC LIMIT 50""",
            [e164],
        )
        return self.customers_by_ids([r["id"] for r in rows])

    def search_customer_ids(self, column: str, text: str, limit: int) -> list[int]:
        """Substring match (3+ characters) on name, company or numbers via the trigram index,
        most recently heard from first: exact when up to SEARCH_WINDOW customers match (a
        fragment that matches more, like '555', is ranked within the first SEARCH_WINDOW hits)."""
        target = {"name": "{name company}", "numbers": "numbers"}[column]
        rows = self.rows(
            f"""SELECT customers.id FROM
                  (SELECT rowid FROM customer_search WHERE customer_search MATCH ?
                   LIMIT {SEARCH_WINDOW}) AS hit
                JOIN customers ON customers.id = hit.rowid
                ORDER BY customers.last_call_at IS NULL, customers.last_call_at DESC, customers.name
                LIMIT ?""",
            [f"{target}: {fts_phrase(text)}", limit],
        )
        return [r["id"] for r in rows]

    def customer_ids_by_name_prefix(self, prefix: str, limit: int) -> list[int]:
        # Two index-only range reads (name, company: each index carries merged_into and
        # last_call_at) instead of an OR that fetches the table row of every match.
        rows = self.rows(
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
        row = self.one(
            "SELECT id FROM phones WHERE customer_id = ? AND e164 = ? AND ext = ?", [customer_id, e164, ext]
        )
        if row:
            return row["id"]
        return self._insert(
            "phones",
            {"customer_id": customer_id, "e164": e164, "ext": ext, "label": label, "created_at": to_iso(at)},
        )

    def get_phone(self, phone_id: int) -> PhoneNumber | None:
        row = self.one("SELECT * FROM phones WHERE id = ?", [phone_id])
        return phone_record(row) if row else None

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
        for table in ("calls", "callbacks", "phone_calls"):
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
        row = self.one("SELECT id FROM calls WHERE uid = ?", [uid])
        return row["id"] if row else None

    def insert_call(self, row: dict) -> int:
        return self._insert("calls", row)

    def get_call(self, call_id: int) -> Call | None:
        rows = self.records(
            f"SELECT {CALL_COLUMNS} FROM calls JOIN customers ON customers.id = calls.customer_id WHERE calls.id = ?",
            [call_id],
        )
        return call_record(rows[0]) if rows else None

    def calls_between(
        self, start: datetime, end: datetime, limit: int = PAGE, before: tuple[str, int] | None = None
    ) -> list[Call]:
        """Calls with start <= at < end, newest first, one page (keyset: before=(at, id))."""
        # The keyset's time is also the range's upper bound: SQLite does not narrow an index
        # range by a row-value comparison, so without it every page reads from `end` down.
        upper = "calls.at < ?"
        params: list[Any] = [to_iso(start), to_iso(end)]
        keyset = ""
        if before:
            if before[0] < params[1]:
                upper, params[1] = "calls.at <= ?", before[0]
            keyset = "AND (calls.at, calls.id) < (?, ?)"
            params += list(before)
        rows = self.records(
            f"""SELECT {CALL_COLUMNS} FROM calls JOIN customers ON customers.id = calls.customer_id
                WHERE calls.at >= ? AND {upper} {keyset}
                ORDER BY calls.at DESC, calls.id DESC LIMIT ?""",
            [*params, limit],
        )
        return [call_record(r) for r in rows]

    def iter_calls_between(self, start: datetime, end: datetime, batch: int = 1000) -> Iterator[Call]:
        """Every call in [start, end), oldest first, fetched in batches (constant memory)."""
        # Each batch's index range starts at the previous batch's last time: SQLite does not
        # narrow a range by the row-value comparison alone, and reading from `start` every time
        # made a year's export quadratic (1M calls: ~75 s instead of a few).
        after: tuple[str, int] = ("", 0)
        lower = to_iso(start)
        while True:
            rows = self.records(
                f"""SELECT {CALL_COLUMNS} FROM calls JOIN customers ON customers.id = calls.customer_id
                    WHERE calls.at >= ? AND calls.at < ? AND (calls.at, calls.id) > (?, ?)
                    ORDER BY calls.at, calls.id LIMIT ?""",
                [max(lower, after[0]), to_iso(end), *after, batch],
            )
            if not rows:
                return
            for row in rows:
                yield call_record(row)
            after = (rows[-1]["at"], rows[-1]["id"])

    def customer_calls(
        self, customer_id: int, limit: int = PAGE, before: tuple[str, int] | None = None
    ) -> list[Call]:
        params: list[Any] = [customer_id]
        keyset = ""
        if before:
            keyset = "AND (calls.at, calls.id) < (?, ?)"
            params += list(before)
        rows = self.records(
            f"""SELECT {CALL_COLUMNS} FROM calls JOIN customers ON customers.id = calls.customer_id
                WHERE calls.customer_id = ? {keyset} ORDER BY calls.at DESC, calls.id DESC LIMIT ?""",
            [*params, limit],
        )
        return [call_record(r) for r in rows]

    def count_calls_between(self, start: datetime, end: datetime) -> int:
        return self.only("SELECT count(*) AS n FROM calls WHERE at >= ? AND at < ?",
                          [to_iso(start), to_iso(end)])["n"]

    def count_customer_calls(self, customer_id: int) -> int:
        return self.only("SELECT count(*) AS n FROM calls WHERE customer_id = ?", [customer_id])["n"]

    def search_call_notes(self, text: str, limit: int = PAGE) -> list[Call]:
        words = [w for w in text.split() if w]
        if not words:
            return []
        query = " ".join(fts_phrase(w) + "*" for w in words)
        rows = self.records(
            f"""SELECT {CALL_COLUMNS} FROM
                  (SELECT rowid FROM call_search WHERE call_search MATCH ? ORDER BY rowid DESC LIMIT ?) AS hit
                JOIN calls ON calls.id = hit.rowid JOIN customers ON customers.id = calls.customer_id
                ORDER BY calls.at DESC, calls.id DESC""",
            [query, limit],
        )
        return [call_record(r) for r in rows]

    # -- callbacks --------------------------------------------------------------------------
    def insert_callback(self, row: dict) -> int:
        return self._insert("callbacks", row)

    def callbacks_where(self, where: str, params: list[Any], order: str, limit: int) -> list[Callback]:
        rows = self.records(
            f"""SELECT {CALLBACK_COLUMNS} FROM callbacks
                JOIN customers ON customers.id = callbacks.customer_id
                JOIN calls ON calls.id = callbacks.call_id
                WHERE {where} ORDER BY {order} LIMIT ?""",
            [*params, limit],
        )
        return [callback_record(r) for r in rows]

    def get_callback(self, callback_id: int) -> Callback | None:
        found = self.callbacks_where("callbacks.id = ?", [callback_id], "callbacks.id", 1)
        return found[0] if found else None

    def open_callbacks(self, limit: int = PAGE, assignee: str | None = None) -> list[Callback]:
        where, params = "callbacks.state = 'open'", []
        if assignee is not None:
            where += " AND callbacks.assignee = ?"
            params.append(assignee)
        return self.callbacks_where(where, params, "callbacks.due_at, callbacks.id", limit)

    def open_callbacks_due_before(self, before: datetime, limit: int = PAGE) -> list[Callback]:
        return self.callbacks_where(
            "callbacks.state = 'open' AND callbacks.due_at < ?", [to_iso(before)],
            "callbacks.due_at, callbacks.id", limit,
        )

    def customer_callbacks(self, customer_id: int, limit: int = PAGE, open_only: bool = False) -> list[Callback]:
        where = "callbacks.customer_id = ?" + (" AND callbacks.state = 'open'" if open_only else "")
        return self.callbacks_where(where, [customer_id], "callbacks.promised_at DESC, callbacks.id DESC", limit)

    def count_open(self, assignee: str | None = None) -> int:
        if assignee is None:
            return self.only("SELECT count(*) AS n FROM callbacks WHERE state = 'open'")["n"]
        return self.only("SELECT count(*) AS n FROM callbacks WHERE state = 'open' AND assignee = ?",
                          [assignee])["n"]

    def count_open_callbacks(self, now: datetime, lead_until: datetime) -> tuple[int, int]:
        """(overdue, due within lead) among open callbacks."""
        row = self.only(
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
        rows = self.rows("SELECT * FROM callback_events WHERE callback_id = ? ORDER BY id", [callback_id])
        return [
            CallbackEvent(
                id=r["id"], callback_id=r["callback_id"], at=from_iso(r["at"]), operator=r["operator"],
                kind=r["kind"], due_before=maybe_time(r["due_before"]), due_after=maybe_time(r["due_after"]),
                reason=r["reason"], call_id=r["call_id"],
            )
            for r in rows
        ]

    # -- settings, audit, drafts ------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        return {r["key"]: json.loads(r["value"]) for r in self.rows("SELECT key, value FROM settings")}

    def put_setting(self, key: str, value: Any, at: datetime, by: str, replace: bool = True) -> None:
        """Store a setting; with replace=False a value already stored stays (the first one wins)."""
        on_conflict = ("DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
                       "updated_by = excluded.updated_by") if replace else "DO NOTHING"
        self.db.execute(
            f"""INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
               ON CONFLICT(key) {on_conflict}""",
            [key, json.dumps(value), to_iso(at), by],
        )

    def insert_audit(self, row: dict) -> None:
        self._insert("audit", row)

    def customer_audit(self, customer_id: int, limit: int = PAGE) -> list[AuditEntry]:
        rows = self.rows(
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
        row = self.one("SELECT payload FROM drafts WHERE operator = ?", [operator])
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

def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
