"""The queries behind contact import and export (frontdesk/contacts/): customers holding a
number, a customer's numbers and emails, the import log and the keys of imported contacts,
and the customers in id order for the export. `store.contacts`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .clock import to_iso

if TYPE_CHECKING:
    from .store import Store


class ContactQueries:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- matching (inside the import's write: these read the writer's own view) -------------
    def holders(self, e164: str) -> list[dict[str, Any]]:
        """Live customers (not merged away) having the number, with what matching compares."""
        return self.store.rows(
            """SELECT DISTINCT customers.id, customers.name, customers.company, customers.notes,
                      customers.version
               FROM phones JOIN customers ON customers.id = phones.customer_id
               WHERE phones.e164 = ? AND customers.merged_into IS NULL ORDER BY customers.id""",
            [e164])

    def customer_row(self, customer_id: int) -> dict[str, Any] | None:
        return self.store.one(
            "SELECT id, name, company, notes, version, merged_into FROM customers WHERE id = ?", [customer_id])

    def numbers_of(self, customer_id: int) -> set[tuple[str, str]]:
        return {(r["e164"], r["ext"]) for r in self.store.rows(
            "SELECT e164, ext FROM phones WHERE customer_id = ?", [customer_id])}

    def emails_of(self, customer_id: int) -> set[str]:
        return {r["email"].casefold() for r in self.store.rows(
            "SELECT email FROM customer_emails WHERE customer_id = ?", [customer_id])}

    def emails_list(self, customer_id: int) -> tuple[str, ...]:
        return tuple(r["email"] for r in self.store.rows(
            "SELECT email FROM customer_emails WHERE customer_id = ? ORDER BY id LIMIT 20", [customer_id]))

    def customer_for_key(self, key: str) -> int | None:
        row = self.store.one("SELECT customer_id FROM contact_keys WHERE key = ?", [key])
        return row["customer_id"] if row else None

    # -- writing (inside a write) -----------------------------------------------------------
    def add_phone(self, customer_id: int, e164: str, ext: str, label: str, at: datetime) -> int:
        return self.store._insert("phones", {"customer_id": customer_id, "e164": e164, "ext": ext,
                                             "label": label, "created_at": to_iso(at)})

    def add_email(self, customer_id: int, email: str, label: str, at: datetime) -> None:
        self.store.db.execute(
            """INSERT INTO customer_emails (customer_id, email, label, created_at) VALUES (?, ?, ?, ?)
               ON CONFLICT DO NOTHING""", [customer_id, email, label, to_iso(at)])

    def remember_key(self, key: str, customer_id: int, import_id: int) -> None:
        self.store.db.execute(
            """INSERT INTO contact_keys (key, customer_id, import_id) VALUES (?, ?, ?)
               ON CONFLICT(key) DO UPDATE SET customer_id = excluded.customer_id,
               import_id = excluded.import_id""", [key, customer_id, import_id])

    def start_import(self, at: datetime, operator: str, file: str, sha256: str, fmt: str) -> int:
        return self.store._insert("contact_imports", {"at": to_iso(at), "operator": operator, "file": file,
                                                      "sha256": sha256, "format": fmt})

    def finish_import(self, import_id: int, summary: str) -> None:
        self.store.db.execute("UPDATE contact_imports SET summary = ? WHERE id = ?", [summary, import_id])

    def imports(self, limit: int = 50) -> list[dict[str, Any]]:
        return self.store.rows("SELECT * FROM contact_imports ORDER BY id DESC LIMIT ?", [limit])

    # -- export -----------------------------------------------------------------------------
    def most_per_customer(self) -> tuple[int, int]:
        """The most numbers and the most emails one live customer has (the CSV's columns)."""
        row = self.store.only(
            """SELECT (SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM phones
                        GROUP BY customer_id)) AS phones,
                      (SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM customer_emails
                        GROUP BY customer_id)) AS emails""")
        return row["phones"], row["emails"]

    def iter_customers(self, batch: int = 500) -> Iterator[tuple[dict, list[dict], list[dict]]]:
        """Every live customer in id order with their numbers and emails, `batch` at a time
        (constant memory)."""
        after = 0
        while True:
            rows = self.store.rows(
                """SELECT id, name, company, notes FROM customers
                   WHERE merged_into IS NULL AND id > ? ORDER BY id LIMIT ?""", [after, batch])
            if not rows:
                return
            ids = [r["id"] for r in rows]
            marks = ",".join("?" * len(ids))
            phones: dict[int, list[dict]] = {i: [] for i in ids}
            emails: dict[int, list[dict]] = {i: [] for i in ids}
            for p in self.store.rows(f"SELECT customer_id, e164, ext, label FROM phones "
                                     f"WHERE customer_id IN ({marks}) ORDER BY id", ids):
                phones[p["customer_id"]].append(p)
            for e in self.store.rows(f"SELECT customer_id, email, label FROM customer_emails "
                                     f"WHERE customer_id IN ({marks}) ORDER BY id", ids):
                emails[e["customer_id"]].append(e)
            for r in rows:
                yield r, phones[r["id"]], emails[r["id"]]
            after = ids[-1]
