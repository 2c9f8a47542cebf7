"""The queries behind complaints (complaints.py): `store.complaints`. The customer of a
complaint is its call's, so a merge of two customers carries their complaints along."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from .clock import to_iso
from .models import Complaint
from .records import PAGE, NamedRow, maybe_time, stored_time

if TYPE_CHECKING:
    from .store import Store

COMPLAINT_COLUMNS = """complaints.*, calls.customer_id AS customer_id, customers.name AS customer_name,
    customers.company AS company, calls.e164 AS e164, calls.topic AS topic, calls.note AS note,
    callbacks.due_at AS followup_due_at, callbacks.state AS followup_state"""


def complaint_record(row: NamedRow) -> Complaint:
    return Complaint(
        id=row["id"], call_id=row["call_id"], customer_id=row["customer_id"],
        customer_name=row["customer_name"] or "", company=row["company"] or "", e164=row["e164"] or "",
        topic=row["topic"] or "", note=row["note"] or "", opened_at=stored_time(row["opened_at"]),
        opened_by=row["opened_by"], state=row["state"], resolved_at=maybe_time(row["resolved_at"]),
        resolved_by=row["resolved_by"] or "", resolution=row["resolution"] or "",
        resolution_note=row["resolution_note"] or "", resolved_call_id=row["resolved_call_id"],
        minutes_to_resolve=row["minutes_to_resolve"], followup_callback_id=row["followup_callback_id"],
        followup_due_at=maybe_time(row["followup_due_at"]), followup_state=row["followup_state"] or "",
        followup_result=row["followup_result"] or "", followup_at=maybe_time(row["followup_at"]),
        followup_call_id=row["followup_call_id"], version=row["version"],
    )


class ComplaintQueries:
    """The complaints table, read with its call, customer and follow-up promise."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def where(self, where: str, params: list[Any], order: str, limit: int = PAGE) -> list[Complaint]:
        rows = self.store.records(
            f"""SELECT {COMPLAINT_COLUMNS} FROM complaints
                JOIN calls ON calls.id = complaints.call_id
                JOIN customers ON customers.id = calls.customer_id
                LEFT JOIN callbacks ON callbacks.id = complaints.followup_callback_id
                WHERE {where} ORDER BY {order} LIMIT ?""",
            [*params, limit],
        )
        return [complaint_record(r) for r in rows]

    def get(self, complaint_id: int) -> Complaint | None:
        found = self.where("complaints.id = ?", [complaint_id], "complaints.id", 1)
        return found[0] if found else None

    def for_call(self, call_id: int) -> Complaint | None:
        found = self.where("complaints.call_id = ?", [call_id], "complaints.id", 1)
        return found[0] if found else None

    def for_followup(self, callback_id: int) -> Complaint | None:
        found = self.where("complaints.followup_callback_id = ?", [callback_id], "complaints.id", 1)
        return found[0] if found else None

    def open(self, limit: int = PAGE) -> list[Complaint]:
        """Open complaints, the oldest first (the one waiting longest heads the list)."""
        return self.where("complaints.state = 'open'", [], "complaints.opened_at, complaints.id", limit)

    def count_open(self) -> int:
        return self.store.only("SELECT count(*) AS n FROM complaints WHERE state = 'open'")["n"]

    def of_customer(self, customer_id: int, limit: int = PAGE, open_only: bool = False) -> list[Complaint]:
        where = "calls.customer_id = ?" + (" AND complaints.state = 'open'" if open_only else "")
        return self.where(where, [customer_id], "complaints.opened_at DESC, complaints.id DESC", limit)

    def insert(self, row: dict) -> int:
        return self.store._insert("complaints", row)

    def update(self, complaint_id: int, changes: dict, expected_version: int | None = None) -> bool:
        sets = ", ".join(f"{column} = ?" for column in changes)
        params = [*changes.values(), complaint_id]
        guard = ""
        if expected_version is not None:
            guard = " AND version = ?"
            params.append(expected_version)
        cursor = self.store.db.execute(
            f"UPDATE complaints SET {sets}, version = version + 1 WHERE id = ?{guard}", params)
        return cursor.rowcount == 1

    def inbound_calls_since(self, customer_id: int, since: datetime, until: datetime) -> int:
        """The customer's inbound calls with since <= at <= until (repeat callers)."""
        return self.store.only(
            """SELECT count(*) AS n FROM calls WHERE customer_id = ? AND direction = 'in'
               AND at >= ? AND at <= ?""",
            [customer_id, to_iso(since), to_iso(until)],
        )["n"]
