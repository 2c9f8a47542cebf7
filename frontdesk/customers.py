"""Customer records: looking one up through merges, creating, editing, numbers, merging, and
the audit trail each change leaves. `desk.customers`: it acts through the desk it is given
(its store, clock, operator and region)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import phones
from .clock import Clock, to_iso
from .errors import DeskError, present
from .limits import long_text, short_text
from .models import Customer, PhoneNumber
from .store import ConflictError, Store
from .text import clean

if TYPE_CHECKING:
    from .services import Desk


class NumberTaken(DeskError):
    """The number belongs to another customer: say whose, and let the user confirm it is shared
    (add_phone/edit_phone with shared=True). `customer_id`/`customer_name`: the (first) other
    customer; `holders`: all of them."""

    def __init__(self, shown: str, holders: list[Customer]) -> None:
        first = holders[0]
        more = f" and {len(holders) - 1} other{'s' if len(holders) > 2 else ''}" if len(holders) > 1 else ""
        super().__init__(f"{shown} is already the number of {first.display_name} (#{first.id}){more}; "
                         "save it as a shared number to keep it on both", "phone")
        self.number = shown  # the number, as the desk shows it
        self.customer_id = first.id
        self.customer_name = first.display_name
        self.holders = tuple(holders)


class CustomerRecords:
    """The customer half of the Desk service: `desk.customers.customer(id)`, `.create_customer`, ..."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.store: Store = desk.store
        self.clock: Clock = desk.clock

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

    def note_change(self, customer_id: int | None, entity: str, entity_id: int | None, action: str,
               field: str = "", old: object = None, new: object = None) -> None:
        self.store.insert_audit({
            "at": to_iso(self.clock.now()), "operator": self.desk.operator, "customer_id": customer_id,
            "entity": entity, "entity_id": entity_id, "action": action, "field": field,
            "old": None if old is None else str(old), "new": None if new is None else str(new),
        })

    def parse_phone(self, text: str) -> phones.Phone:
        try:
            return phones.parse(clean(text, multiline=False), self.desk.region)
        except phones.PhoneError as exc:
            raise DeskError(str(exc), "phone") from None

    def new_customer(self, name: str, company: str = "", notes: str = "") -> int:
        customer_id = self.store.insert_customer(
            name=name, company=company, notes=notes, at=self.clock.now(), by=self.desk.operator
        )
        self.note_change(customer_id, "customer", customer_id, "created", "name", None, name)
        return customer_id

    def add_number(self, customer_id: int, number: phones.Phone, label: str = "") -> int:
        existing = {(p.e164, p.ext) for p in self.store.phones_for([customer_id])[customer_id]}
        phone_id = self.store.insert_phone(customer_id, number.e164, number.ext, label, self.clock.now())
        if (number.e164, number.ext) not in existing:
            self.note_change(customer_id, "phone", phone_id, "added", "number", None, number.e164)
        return phone_id

    def create_customer(self, name: str, company: str = "", notes: str = "",
                        numbers: tuple[str, ...] = (), *, shared: bool = False) -> Customer:
        """A new customer; NumberTaken (nothing written) when one of `numbers` is another
        customer's, unless `shared` (confirmed: a household, a switchboard)."""
        name, company = short_text(name, "name"), short_text(company, "company")
        notes = long_text(notes, "notes")
        if not (name or company):
            raise DeskError("a customer needs a name or a company", "name")
        parsed = [self.parse_phone(n) for n in numbers if n.strip()]
        with self.store.write():
            customer_id = self.new_customer(name, company, notes)
            for number in parsed:
                holders = self.holders(customer_id, number, shared)
                self.audit_shared(customer_id, self.add_number(customer_id, number), holders)
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
                self.note_change(current.id, "customer", current.id, "edited", key, getattr(current, key), value)
        return self.customer(customer_id)

    def add_phone(self, customer_id: int, text: str, label: str = "", *, shared: bool = False) -> PhoneNumber:
        """Add a number to the customer. NumberTaken when another customer has it, unless
        `shared` (the user confirmed one number for both: a household, a switchboard)."""
        number, label = self.parse_phone(text), short_text(label, "label")
        with self.store.write():
            customer = self.customer(customer_id)
            holders = self.holders(customer.id, number, shared)
            phone_id = self.add_number(customer.id, number, label)
            self.audit_shared(customer.id, phone_id, holders)
        return present(self.store.get_phone(phone_id), "that number")

    def edit_phone(self, phone_id: int, text: str, label: str = "", *, shared: bool = False) -> PhoneNumber:
        """Change a number or its label; NumberTaken as add_phone when the new number is
        another customer's."""
        number, label = self.parse_phone(text), short_text(label, "label")
        with self.store.write():
            old = present(self.store.get_phone(phone_id), "that number")
            others = self.store.phones_for([old.customer_id])[old.customer_id]
            if any((p.e164, p.ext) == (number.e164, number.ext) for p in others if p.id != phone_id):
                raise DeskError(f"{self.desk.national(number.e164, number.ext)} is already one of "
                                "this customer's numbers", "phone")
            changed = (old.e164, old.ext) != (number.e164, number.ext)
            holders = self.holders(old.customer_id, number, shared) if changed else []
            self.store.update_phone(phone_id, number.e164, number.ext, label)
            if changed:
                self.note_change(old.customer_id, "phone", phone_id, "edited", "number", old.e164, number.e164)
                self.audit_shared(old.customer_id, phone_id, holders)
            if old.label != label:
                self.note_change(old.customer_id, "phone", phone_id, "edited", "label", old.label, label)
        return present(self.store.get_phone(phone_id), "that number")

    def holders(self, customer_id: int, number: phones.Phone, shared: bool) -> list[Customer]:
        """The other customers with exactly this number (and extension); NumberTaken when there
        are any and sharing it was not confirmed."""
        holders = [c for c in self.store.customers_with_number(number.e164)
                   if c.id != customer_id and (number.e164, number.ext) in {(p.e164, p.ext) for p in c.phones}]
        if holders and not shared:
            raise NumberTaken(self.desk.national(number.e164, number.ext), holders)
        return holders

    def audit_shared(self, customer_id: int, phone_id: int, holders: list[Customer]) -> None:
        """A number confirmed as shared: both records say who else answers on it."""
        if not holders:
            return
        mine = self.customer(customer_id)
        for holder in holders:
            self.note_change(customer_id, "phone", phone_id, "shared", "with", None, f"{holder.display_name} (#{holder.id})")
            self.note_change(holder.id, "phone", None, "shared", "with", None, f"{mine.display_name} (#{mine.id})")

    def remove_phone(self, phone_id: int) -> None:
        with self.store.write():
            old = self.store.get_phone(phone_id)
            if old is None:
                return
            self.store.delete_phone(phone_id)
            self.note_change(old.customer_id, "phone", phone_id, "removed", "number", old.e164, None)

    def merge_customers(self, keep_id: int, drop_id: int) -> Customer:
        """Same person, two records: everything of `drop` moves to `keep`. A name or company
        of `drop` that differs from `keep`'s is kept in the notes ("Also known as: M. Lopez,
        formerly of Lopez Ltd") and in the audit entry of the merge; one `keep` lacks moves over."""
        with self.store.write():
            keep, drop = self.customer(keep_id), self.customer(drop_id)
            if keep.id == drop.id:
                raise DeskError("cannot merge a customer with itself")
            self.store.merge_customers(keep.id, drop.id)
            changes = {}
            for key in ("name", "company"):
                if not getattr(keep, key) and getattr(drop, key):
                    changes[key] = getattr(drop, key)
            aka = _also_known_as(keep, drop)
            noted = aka.replace("also known as", "also known as:", 1)
            notes = [keep.notes, drop.notes if drop.notes not in keep.notes else "", noted[:1].upper() + noted[1:]]
            if "\n".join(n for n in notes if n) != keep.notes:
                changes["notes"] = "\n".join(n for n in notes if n)
            if changes:
                self.store.update_customer(keep.id, changes, keep.version, self.clock.now())
                for key, value in changes.items():
                    self.note_change(keep.id, "customer", keep.id, "edited", key, getattr(keep, key), value)
            merged = drop.display_name + (f": {aka}" if aka else "")
            self.note_change(keep.id, "customer", keep.id, "merged", "from", drop.id, merged)
        return self.customer(keep.id)


def _also_known_as(keep: Customer, drop: Customer) -> str:
    """'also known as M. Lopez, formerly of Lopez Ltd': what of `drop`'s name and company
    `keep` does not say already (casefold, spaces collapsed); '' when nothing."""
    def differs(key: str) -> bool:
        mine, theirs = getattr(keep, key), getattr(drop, key)
        return bool(mine and theirs) and " ".join(mine.split()).casefold() != " ".join(theirs.split()).casefold()

    parts = ([f"also known as {drop.name}"] if differs("name") else []) + (
        [f"formerly of {drop.company}"] if differs("company") else [])
    return ", ".join(parts)


MERGED_NAME_LINES = ("Also known as:", "Formerly of ")  # how a merge's line in the notes begins


def merged_names(notes: str) -> tuple[list[str], str]:
    """The lines merges added to `notes` ('Also known as: M. Lopez, formerly of Lopez Ltd'),
    and the rest of the notes: a customer's page shows the former apart, where long notes do
    not push them out of sight."""
    lines = (notes or "").splitlines()
    merged = [line.strip() for line in lines if line.strip().startswith(MERGED_NAME_LINES)]
    rest = [line for line in lines if not line.strip().startswith(MERGED_NAME_LINES)]
    return merged, "\n".join(rest).strip()
