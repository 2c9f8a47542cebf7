"""The people at the desk: one person whatever the case and spaces of their name.

"Raj", "raj" and " raj " are one operator. Every name that is stored as a person (the
operator at the keyboard, an assignee, the settings' list of operators) goes through
`Operators.canonical` on the way in and comes out in the desk's spelling of that person: the
first spelling the desk saw, kept in the `operators` table (key: the name casefolded with its
spaces collapsed). Rows written before the table existed were rewritten to that spelling by
the m005_operators schema step, so the queue's 'mine', the warnings and the reports compare
and group names as they are stored."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from .db import is_read_only
from .text import clean

if TYPE_CHECKING:
    from .services import Desk

ACTIVE_DAYS = 90  # who took a call within this many days is offered as an assignee


def operator_key(name: str | None) -> str:
    """What makes two spellings one person: casefolded, spaces collapsed ('Raj ' -> 'raj')."""
    return clean(name, multiline=False).casefold()


@dataclass(frozen=True)
class Operator:
    """A person the desk can assign callbacks to, and how busy they are."""

    name: str  # the desk's spelling
    calls: int = 0  # calls taken in the last ACTIVE_DAYS days
    open_callbacks: int = 0  # open callbacks assigned to them
    listed: bool = False  # named in the settings' list of operators


class Operators:
    """`desk.operators`: the desk's spelling of a person, and the people to choose from."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self._known: dict[str, str] = {}  # key -> spelling; a spelling never changes once stored

    def forget(self) -> None:
        """Another file is open now (a restored backup): its spellings are read afresh."""
        self._known.clear()

    def known(self, name: str) -> str | None:
        """The desk's spelling of `name` if it knows the person ('raj' -> 'Raj'), else None: a
        name an assignee field should ask about before it records someone new. Reads only."""
        key = operator_key(name)
        if not key:
            return None
        found = self._known.get(key) or self.desk.store.operators.name_for(key)
        if found:
            self._known[key] = found
        return found

    def canonical(self, name: str) -> str:
        """The desk's spelling of `name`; a person the desk has not seen yet is recorded with
        this spelling (the first one wins, also against another desk doing the same). On a
        read-only file, the tidied name."""
        shown = clean(name, multiline=False)
        key = shown.casefold()
        if not key:
            return ""
        found = self._known.get(key) or self.desk.store.operators.name_for(key)
        if found is None:
            store = self.desk.store
            try:
                with store.write():
                    store.operators.add(key, shown, self.desk.clock.now())
                    found = store.operators.name_for(key)
            except sqlite3.Error as exc:
                if not is_read_only(exc):
                    raise
                return shown
        self._known[key] = found or shown
        return self._known[key]

    def canonical_all(self, names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """Each name in the desk's spelling, once, in the order given, blanks left out."""
        return tuple(dict.fromkeys(n for n in (self.canonical(name) for name in names) if n))

    def listing(self) -> list[Operator]:
        """The people to choose an assignee from: whoever took a call in the last ACTIVE_DAYS
        days or holds an open callback, and the settings' list; most active first (calls
        taken, then open callbacks held), then by name."""
        store, now = self.desk.store, self.desk.clock.now()
        with store.read():
            calls = store.operators.calls_since(now - timedelta(days=ACTIVE_DAYS))
            held = store.operators.open_held()
        people: dict[str, dict] = {}

        def person(name: str) -> dict:
            spelled = self.known(name) or clean(name, multiline=False)
            return people.setdefault(operator_key(spelled), {"name": spelled, "calls": 0, "open_callbacks": 0,
                                                             "listed": False})

        for name, n in calls.items():
            person(name)["calls"] += n
        for name, n in held.items():
            person(name)["open_callbacks"] += n
        for name in self.desk.settings.operators:
            person(name)["listed"] = True
        people.pop("", None)
        found = [Operator(**fields) for fields in people.values()]
        return sorted(found, key=lambda p: (-p.calls, -p.open_callbacks, p.name.casefold(), p.name))

    def names(self) -> list[str]:
        """The listing's names, most active first: for an assignee chooser."""
        return [person.name for person in self.listing()]
