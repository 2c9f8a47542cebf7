"""Customer records: looking one up through merges, creating, editing, numbers, merging, and
the audit trail each change leaves. Mixed into the Desk service (services.py), whose store,
clock and operator it uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import phones
from .clock import Clock, to_iso
from .errors import DeskError, present
from .limits import long_text, short_text
from .models import Customer, PhoneNumber
from .store import ConflictError, Store
from .text import clean


class CustomerRecords:
    """The customer half of the Desk service: `desk.customer`, `desk.create_customer`, ..."""

    store: Store
    clock: Clock
    operator: str
    if TYPE_CHECKING:
        @property
        def region(self) -> str: ...

        def national(self, e164: str, ext: str = "") -> str: ...

    def customer(self, customer_id: int) -> Customer:
        """The customer, following merges to the surviving record."""
        for _ in range(20):
            found = self.store.get_customer(customer_id)
            if found is None:
                raise DeskError(f"no customer #{customer_id}")
            if found.merged_into is None:
                return found
            customer_id = found.merged_into
        raise DeskError(f"customer #{customer_id} has a merge loop")

    def _audit(self, customer_id: int | None, entity: str, entity_id: int | None, action: str,
               field: str = "", old: object = None, new: object = None) -> None:
        self.store.insert_audit({
            "at": to_iso(self.clock.now()), "operator": self.operator, "customer_id": customer_id,
            "entity": entity, "entity_id": entity_id, "action": action, "field": field,
            "old": None if old is None else str(old), "new": None if new is None else str(new),
        })

    def _parse_phone(self, text: str) -> phones.Phone:
        try:
            return phones.parse(clean(text, multiline=False), self.region)
        except phones.PhoneError as exc:
            raise DeskError(str(exc), "phone") from None

    def _new_customer(self, name: str, company: str = "", notes: str = "") -> int:
        customer_id = self.store.insert_customer(
            name=name, company=company, notes=notes, at=self.clock.now(), by=self.operator
        )
        self._audit(customer_id, "customer", customer_id, "created", "name", None, name)
        return customer_id

    def _add_phone(self, customer_id: int, number: phones.Phone, label: str = "") -> int:
        existing = {(p.e164, p.ext) for p in self.store.phones_for([customer_id])[customer_id]}
        phone_id = self.store.insert_phone(customer_id, number.e164, number.ext, label, self.clock.now())
        if (number.e164, number.ext) not in existing:
            self._audit(customer_id, "phone", phone_id, "added", "number", None, number.e164)
        return phone_id

    def create_customer(self, name: str, company: str = "", notes: str = "",
                        numbers: tuple[str, ...] = ()) -> Customer:
        name, company = short_text(name, "name"), short_text(company, "company")
        notes = long_text(notes, "notes")
        if not (name or company):
            raise DeskError("a customer needs a name or a company", "name")
        parsed = [self._parse_phone(n) for n in numbers if n.strip()]
        with self.store.write():
            customer_id = self._new_customer(name, company, notes)
            for number in parsed:
                self._add_phone(customer_id, number)
        return self.customer(customer_id)

    def update_customer(self, customer_id: int, expected_version: int, *, name: str | None = None,
                        company: str | None = None, notes: str | None = None) -> Customer:
        """Save edits made to version `expected_version`; ConflictError if someone saved since."""
        wanted = {"name": name, "company": company, "notes": notes}
        changes = {
            k: (long_text(v, k) if k == "notes" else short_text(v, k)) for k, v in wanted.items() if v is not None
        }
        with self.store.write():
            current = self.customer(customer_id)
            if current.version != expected_version:
                raise ConflictError(f"{current.display_name} was changed by someone else", current)
            changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
            if not changes:
                return current
            if not (changes.get("name", current.name) or changes.get("company", current.company)):
                raise DeskError("a customer needs a name or a company", "name")
            self.store.update_customer(current.id, changes, expected_version, self.clock.now())
            for key, value in changes.items():
                self._audit(current.id, "customer", current.id, "edited", key, getattr(current, key), value)
        return self.customer(customer_id)

    def add_phone(self, customer_id: int, text: str, label: str = "") -> PhoneNumber:
        number, label = self._parse_phone(text), short_text(label, "label")
        with self.store.write():
            customer = self.customer(customer_id)
            phone_id = self._add_phone(customer.id, number, label)
        return present(self.store.get_phone(phone_id), "that number")

    def edit_phone(self, phone_id: int, text: str, label: str = "") -> PhoneNumber:
        number, label = self._parse_phone(text), short_text(label, "label")
        with self.store.write():
            old = present(self.store.get_phone(phone_id), "that number")
            others = self.store.phones_for([old.customer_id])[old.customer_id]
            if any((p.e164, p.ext) == (number.e164, number.ext) for p in others if p.id != phone_id):
                raise DeskError(f"{self.national(number.e164, number.ext)} is already one of "
                                "this customer's numbers", "phone")
            self.store.update_phone(phone_id, number.e164, number.ext, label)
            if (old.e164, old.ext) != (number.e164, number.ext):
                self._audit(old.customer_id, "phone", phone_id, "edited", "number", old.e164, number.e164)
            if old.label != label:
                self._audit(old.customer_id, "phone", phone_id, "edited", "label", old.label, label)
        return present(self.store.get_phone(phone_id), "that number")

    def remove_phone(self, phone_id: int) -> None:
        with self.store.write():
            old = self.store.get_phone(phone_id)
            if old is None:
                return
            self.store.delete_phone(phone_id)
            self._audit(old.customer_id, "phone", phone_id, "removed", "number", old.e164, None)

    def merge_customers(self, keep_id: int, drop_id: int) -> Customer:
        """Same person, two records: everything of `drop` moves to `keep`."""
        with self.store.write():
            keep, drop = self.customer(keep_id), self.customer(drop_id)
            if keep.id == drop.id:
                raise DeskError("cannot merge a customer with itself")
            self.store.merge_customers(keep.id, drop.id)
            changes = {}
            if drop.notes and drop.notes not in keep.notes:
                changes["notes"] = "\n".join(n for n in (keep.notes, drop.notes) if n)
            for key in ("name", "company"):
                if not getattr(keep, key) and getattr(drop, key):
                    changes[key] = getattr(drop, key)
            if changes:
                self.store.update_customer(keep.id, changes, keep.version, self.clock.now())
            self._audit(keep.id, "customer", keep.id, "merged", "from", drop.id, drop.display_name)
        return self.customer(keep.id)
