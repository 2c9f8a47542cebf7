"""Who gets a call: the customer a logged call goes to, decided once for the form's preview
(`desk.who_gets_the_call`) and for the save (`log_call`), so the two never disagree.

The rules, in order:

- A withheld number (NewCall.anonymous, or phone text such as 'anonymous', 'withheld',
  'private'): the customer chosen, if any; else a new customer with the name typed and no
  number; else the desk's one shared "Anonymous caller".
- A customer chosen (the caller card) and a name typed that is not theirs (casefold, spaces
  collapsed), on one of their numbers: a shared number (a switchboard, a household). The call
  goes to the customer on that number with that name, or to a new contact sharing the number
  (audited), never silently to the one recognised. A chosen customer without a name takes the
  name typed. Otherwise the chosen customer, who gains the number if it is new to them.
- A number alone: the customer on it with the name typed, or a nameless one who takes the name,
  or (a name no one on it has) a new contact sharing the number; without a name, the one on
  it heard from last; a number no one has is a new customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import phones
from .errors import DeskError
from .limits import short_text
from .operators import operator_key
from .text import clean

if TYPE_CHECKING:
    from .clock import Clock
    from .models import Customer
    from .services import Desk
    from .store import Store

# What phone systems and people write for a caller who withheld their number.
WITHHELD = frozenset({
    "anonymous", "withheld", "number withheld", "private", "private number", "hidden", "blocked",
    "restricted", "unavailable", "unknown", "no caller id", "no caller-id",
})
ANONYMOUS_NAME = "Anonymous caller"
ANONYMOUS_SETTING = "anonymous_caller"  # the id of the desk's shared anonymous customer


def is_withheld(text: str | None) -> bool:
    """Phone text that says the number was withheld ('Anonymous', 'private number', ...)."""
    return " ".join(clean(text, multiline=False).lower().split()) in WITHHELD


def _name_of(customer: Customer) -> str:
    return customer.name or customer.company or f"customer #{customer.id}"


@dataclass(frozen=True)
class CallerOutcome:
    """What saving a call will do with its caller, for the form to say before it is saved."""

    sentence: str  # "Tyrone Hernandez", "new contact on Tyrone Hernandez's number", ...
    customer_id: int | None = None  # who gets the call; None when a new customer is made
    new_customer: bool = False
    shares_with: int | None = None  # the customer whose number a new contact shares
    takes_name: bool = False  # a nameless customer is given the name typed
    anonymous: bool = False


class CallerRouting:
    """Who a call belongs to: `desk.callers`. It decides through the desk's customer records."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.store: Store = desk.store
        self.clock: Clock = desk.clock
        self.records = desk.customers

    def who_gets_the_call(self, customer_id: int | None, phone_text: str, name: str = "", *,
                          anonymous: bool = False) -> CallerOutcome:
        """What log_call would do with this caller now; reads only. DeskError for a number
        that is not one, or a customer that does not exist."""
        withheld = anonymous or is_withheld(phone_text)
        number = None if withheld or not phone_text.strip() else self.records.parse_phone(phone_text)
        with self.store.read():
            return self.route(customer_id, number, short_text(name, "name"), withheld)

    def route(self, customer_id: int | None, number: phones.Phone | None, name: str,
               withheld: bool) -> CallerOutcome:
        chosen = self.records.customer(customer_id) if customer_id is not None else None
        if withheld:
            if chosen is not None:
                return CallerOutcome(f"{chosen.display_name} (number withheld)", chosen.id, anonymous=True)
            if name:
                return CallerOutcome(f"new contact {name}, without a number", new_customer=True, anonymous=True)
            shared = self._anonymous_customer()
            if shared is None:
                return CallerOutcome(ANONYMOUS_NAME, new_customer=True, anonymous=True)
            return CallerOutcome(ANONYMOUS_NAME, shared.id, anonymous=True)
        if number is None:
            if chosen is None:
                raise DeskError("a phone number (or a known customer, or a withheld number) is needed", "phone")
            return CallerOutcome(chosen.display_name, chosen.id)
        if chosen is not None:
            theirs = number.e164 in {p.e164 for p in chosen.phones}
            if name and chosen.name and operator_key(name) != operator_key(chosen.name) and theirs:
                return self._on_shared_number(chosen, number, name)
            if name and not chosen.name:
                return CallerOutcome(f"{chosen.display_name}, named {name} from now on", chosen.id, takes_name=True)
            return CallerOutcome(chosen.display_name if theirs else f"{chosen.display_name} (a new number for them)",
                                 chosen.id)
        known = self.store.customers_with_number(number.e164)
        if not known:
            return CallerOutcome("new customer", new_customer=True)
        if not name:
            return CallerOutcome(known[0].display_name, known[0].id)
        same = [c for c in known if operator_key(c.name) == operator_key(name)]
        if same:
            return CallerOutcome(same[0].display_name, same[0].id)
        nameless = [c for c in known if not c.name]
        if nameless:
            return CallerOutcome(f"{nameless[0].display_name}, named {name} from now on", nameless[0].id,
                                 takes_name=True)
        return self._on_shared_number(known[0], number, name)

    def _on_shared_number(self, holder: Customer, number: phones.Phone, name: str) -> CallerOutcome:
        """`name` on `holder`'s number: the customer of that name on the number, or a new one."""
        key = operator_key(name)
        for other in self.store.customers_with_number(number.e164):
            if other.id != holder.id and operator_key(other.name) == key:
                return CallerOutcome(f"{other.display_name}, on {_name_of(holder)}'s number", other.id)
        return CallerOutcome(f"new contact on {_name_of(holder)}'s number", new_customer=True, shares_with=holder.id)

    def _anonymous_customer(self) -> Customer | None:
        """The desk's shared anonymous caller, following merges; None until the first one."""
        stored = self.store.settings().get(ANONYMOUS_SETTING)
        if not isinstance(stored, int):
            return None
        try:
            return self.records.customer(stored)
        except DeskError:  # removed meanwhile: a new one is made
            return None

    def caller_for(self, customer_id: int | None, number: phones.Phone | None, name: str, company: str,
                    withheld: bool, *, share_number: bool = False) -> tuple[int, bool]:
        """Carry out the route inside log_call's write: (the customer's id, whether new).
        A number the call adds to a chosen customer that another customer already has raises
        NumberTaken (nothing is written) unless `share_number`, as adding it on their page does."""
        route = self.route(customer_id, number, name, withheld)
        if route.customer_id is not None:
            if route.takes_name:
                current = self.records.customer(route.customer_id)
                self.store.update_customer(current.id, {"name": name}, current.version, self.clock.now())
                self.records.note_change(current.id, "customer", current.id, "edited", "name", "", name)
            if number and customer_id is not None:
                current = self.records.customer(route.customer_id)
                new = (number.e164, number.ext) not in {(p.e164, p.ext) for p in current.phones}
                holders = self.records.holders(route.customer_id, number, share_number) if new else []
                phone_id = self.records.add_number(route.customer_id, number)  # audited only when new to them
                self.records.audit_shared(route.customer_id, phone_id, holders)
            return route.customer_id, False
        if withheld and not name:
            new_id = self.records.new_customer(ANONYMOUS_NAME)
            self.store.put_setting(ANONYMOUS_SETTING, new_id, self.clock.now(), self.desk.operator)
            return new_id, True
        new_id = self.records.new_customer(name, company)
        if number is not None:
            phone_id = self.records.add_number(new_id, number)
            if route.shares_with is not None:  # both records say who else answers on the number
                holder = self.records.customer(route.shares_with)
                self.records.note_change(new_id, "phone", phone_id, "shared", "with", None, f"{holder.display_name} (#{holder.id})")
                self.records.note_change(holder.id, "phone", None, "shared", "with", None, f"{name} (#{new_id})")
        return new_id, True
