"""Bulk writes for the demo desk at a benchmark's size: rows in with executemany, bypassing the
service API (the search tables follow through their triggers). Part of the store: the only
other places with SQL are store.py and store_reports.py."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import Store

TABLES = frozenset({"customers", "phones", "audit", "calls", "callbacks", "callback_events"})


class BulkWriter:
    """`store.bulk`: used inside `store.write()` transactions the caller opens."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        if table not in TABLES:
            raise ValueError(f"not a table of the desk: {table}")
        marks = ", ".join("?" * len(columns))
        self.store.db.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def next_ids(self) -> dict[str, int]:
        """The id the next customer, phone and call will get."""
        with self.store.read():
            return {table: self.store.only(f"SELECT coalesce(max(id), 0) + 1 AS next FROM {table}")["next"]
                    for table in ("customers", "phones", "calls")}

    def taken_numbers(self) -> set[str]:
        """Every number already on the desk (the demo never reuses a real customer's)."""
        return {row["e164"] for row in self.store.rows("SELECT DISTINCT e164 FROM phones")}

    def callback_ids_by_call(self, first_call_id: int) -> dict[int, int]:
        """call id -> callback id, for the callbacks promised on calls from first_call_id on
        (read inside the write that inserted them)."""
        rows = self.store.rows("SELECT call_id, id FROM callbacks WHERE call_id >= ?", [first_call_id])
        return {row["call_id"]: row["id"] for row in rows}

    def link_calls(self, links: Iterable[tuple[int, int]]) -> None:
        """(callback id, call id): the calls that returned each callback."""
        self.store.db.conn.executemany("UPDATE calls SET callback_id = ? WHERE id = ?", links)

    @contextlib.contextmanager
    def big_cache(self, kib: int = 262_144) -> Iterator[None]:
        """A larger page cache for the writer while a lifetime's rows go in."""
        conn = self.store.db.conn
        old = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = -{int(kib)}")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA cache_size = {old}")
