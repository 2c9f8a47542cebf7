"""The queries behind the desk's people (operators.py): one spelling per person, and how busy
each one is. `store.operators`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .clock import to_iso

if TYPE_CHECKING:
    from .store import Store


class OperatorQueries:
    """The operators table (key: the name casefolded, spaces collapsed; name: the desk's
    spelling) and the figures that order the assignee chooser."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def name_for(self, key: str) -> str | None:
        row = self.store.one("SELECT name FROM operators WHERE key = ?", [key])
        return row["name"] if row else None

    def add(self, key: str, name: str, at: datetime) -> None:
        """Record a person's spelling unless the desk already knows them (the first one wins).
        Inside a write."""
        self.store.db.execute(
            "INSERT INTO operators (key, name, first_seen_at) VALUES (?, ?, ?) ON CONFLICT(key) DO NOTHING",
            [key, name, to_iso(at)],
        )

    def calls_since(self, since: datetime) -> dict[str, int]:
        """Calls taken by each operator at or after `since`."""
        # One range of the (operator, at) index per person the desk knows, read from the index
        # alone: the people are few, the period's calls many (every call is logged by a known
        # operator: desk.operator is recorded when it is set).
        rows = self.store.rows(
            """SELECT name, (SELECT count(*) FROM calls WHERE calls.operator = operators.name AND calls.at >= ?) AS n
               FROM operators""",
            [to_iso(since)],
        )
        return {r["name"]: r["n"] for r in rows if r["n"]}

    def open_held(self) -> dict[str, int]:
        """Open callbacks held by each assignee."""
        rows = self.store.rows(
            "SELECT assignee, count(*) AS n FROM callbacks WHERE state = 'open' GROUP BY assignee"
        )
        return {r["assignee"]: r["n"] for r in rows}
