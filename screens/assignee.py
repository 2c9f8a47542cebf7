"""Choosing who calls back: the desk's people are offered as the name is typed, and a name the
desk has not seen yet is asked about before it is recorded (a typo would otherwise become a new
person, holding callbacks nobody sees as theirs). Used by the new-call form's promise fields and
by the reassign dialog."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message
from textual.suggester import SuggestFromList

from frontdesk.text import one_line

NAMES_IN_QUESTION = 8  # the known people a question lists; the rest are '...'


def operator_suggester(names: list[str]) -> SuggestFromList:
    """Completes a name typed in any case ('r' -> 'Raj'), most active person first."""
    return SuggestFromList(names, case_sensitive=False)


def new_person_question(name: str, names: list[str]) -> str:
    """'Raj Patel is not one of the desk's operators yet (known: Ann, Raj). Assign to a new
    person?'"""
    known = ", ".join(one_line(n, 30) for n in names[:NAMES_IN_QUESTION])
    if len(names) > NAMES_IN_QUESTION:
        known += ", ..."
    return (f"{one_line(name, 40)} is not one of the desk's operators yet (known: {known or 'nobody yet'}). "
            "Assign to a new person?")


def look_up(desk, name: str) -> tuple[str | None, list[str]]:
    """In a worker: the desk's spelling of `name` (None if it does not know the person), and the
    people it knows, most active first."""
    return desk.operators.known(name), desk.operators.names()


@dataclass
class OperatorsRead(Message):
    """The desk's people, most active first, read for an assignee field's suggestions."""

    names: list[str]


@dataclass
class AssigneeLookedUp(Message):
    """What the desk knows of the name in an assignee field; `then` goes on with the save."""

    typed: str
    spelling: str | None
    names: list[str]
    then: Callable[[], None]
    error: BaseException | None = None  # the look-up failed: reported, nothing saved
