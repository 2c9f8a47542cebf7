"""The queries behind messages taken for someone (messages.py): `store.messages`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .clock import to_iso
from .models import BOXES, TakenMessage
from .records import PAGE, NamedRow, maybe_time, stored_time

if TYPE_CHECKING:
    from .store import Store

MESSAGE_COLUMNS = """messages.*, calls.customer_id AS customer_id, customers.name AS customer_name,
    customers.company AS company, calls.e164 AS e164, calls.note AS note, calls.topic AS topic"""
_FROM = """messages JOIN calls ON calls.id = messages.call_id
    JOIN customers ON customers.id = calls.customer_id"""


def message_record(row: NamedRow) -> TakenMessage:
    return TakenMessage(
        id=row["id"], call_id=row["call_id"], customer_id=row["customer_id"],
        customer_name=row["customer_name"] or "", company=row["company"] or "", e164=row["e164"] or "",
        for_name=row["for_name"], boxes=tuple(code for code in BOXES if row[code]), text=row["note"] or "",
        topic=row["topic"] or "", taken_by=row["taken_by"], taken_at=stored_time(row["taken_at"]),
        callback_id=row["callback_id"], read_at=maybe_time(row["read_at"]), read_by=row["read_by"] or "",
    )


class MessageQueries:
    """The messages table: one row per call whose outcome is 'message taken'."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def insert(self, *, call_id: int, for_key: str, for_name: str, boxes: Iterable[str],
               callback_id: int | None, taken_by: str, taken_at: datetime) -> int:
        """Inside a write (log_call's)."""
        ticked = set(boxes)
        row = {"call_id": call_id, "for_key": for_key, "for_name": for_name,
               **{code: int(code in ticked) for code in BOXES},
               "callback_id": callback_id, "taken_by": taken_by, "taken_at": to_iso(taken_at)}
        return self.store._insert("messages", row)

    def _where(self, where: str, params: list[Any], limit: int, order: str = "messages.taken_at DESC, messages.id DESC"
               ) -> list[TakenMessage]:
        rows = self.store.records(
            f"SELECT {MESSAGE_COLUMNS} FROM {_FROM} WHERE {where} ORDER BY {order} LIMIT ?", [*params, limit])
        return [message_record(r) for r in rows]

    def get(self, message_id: int) -> TakenMessage | None:
        found = self._where("messages.id = ?", [message_id], 1)
        return found[0] if found else None

    def listing(self, for_key: str | None, unread: bool, limit: int = PAGE) -> list[TakenMessage]:
        """Newest first: everyone's, or one person's; all, or only those nobody has read."""
        where, params = ["1"], []
        if for_key is not None:
            where.append("messages.for_key = ?")
            params.append(for_key)
        if unread:
            where.append("messages.read_at IS NULL")
        return self._where(" AND ".join(where), params, limit)

    def count_unread(self, for_key: str | None) -> int:
        if for_key is None:
            return self.store.only("SELECT count(*) AS n FROM messages WHERE read_at IS NULL")["n"]
        return self.store.only("SELECT count(*) AS n FROM messages WHERE for_key = ? AND read_at IS NULL",
                               [for_key])["n"]

    def urgent_unread(self, limit: int = PAGE) -> list[TakenMessage]:
        """Everyone's urgent messages nobody has read, oldest first."""
        return self._where("messages.read_at IS NULL AND messages.urgent = 1", [], limit,
                           "messages.taken_at, messages.id")

    def for_calls(self, call_ids: Iterable[int]) -> dict[int, TakenMessage]:
        """The message taken on each of these calls, keyed by call id."""
        ids = list(dict.fromkeys(call_ids))
        found: dict[int, TakenMessage] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for message in self._where(f"messages.call_id IN ({marks})", chunk, -1):
                found[message.call_id] = message
        return found

    def mark_read(self, message_id: int, by: str, at: datetime) -> bool:
        """Read by `by` at `at` unless someone read it first; True when this was the first read.
        Inside a write."""
        cursor = self.store.db.execute(
            "UPDATE messages SET read_at = ?, read_by = ? WHERE id = ? AND read_at IS NULL",
            [to_iso(at), by, message_id])
        return cursor.rowcount == 1
