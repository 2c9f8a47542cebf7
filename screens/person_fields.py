"""A form part with one field naming one of the desk's people: the callback's assignee, the
person a message is for. Both work the same way: the names the desk knows complete what is
typed; any case or spacing of a known name is saved in the desk's spelling; a name the desk
does not know is asked about first, so that a typo does not become a person."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.containers import Vertical
from textual.widgets import Input

from frontdesk.operators import operator_key

from . import assignee
from .assignee import AssigneeLookedUp, OperatorsRead

if TYPE_CHECKING:
    from frontdesk.app import FrontDeskApp


class PersonFields(Vertical):
    """Subclasses name the field (PERSON_FIELD, an Input's id), where the names come from
    (`people`, `known`, both called in a worker thread) and the question for a new name."""

    PERSON_FIELD: ClassVar[str] = ""
    NEW_PERSON_YES: ClassVar[str] = "New person"

    def __init__(self, draft: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.draft = draft
        # The people the desk knows, by operator_key: their spelling. A new person the user
        # confirmed joins them (with the spelling typed), so the next save does not ask again.
        self.spellings: dict[str, str] = {}
        self.new_people: set[str] = set()  # keys of names confirmed as someone new
        self._looking_up = False

    @property
    def desk(self):
        return cast("FrontDeskApp", self.app).desk

    # -- what a subclass says -----------------------------------------------------------------
    def people(self) -> list[str]:
        """The names to offer, most active first (worker thread)."""
        raise NotImplementedError

    def known(self, typed: str) -> str | None:
        """The desk's spelling of `typed`, None when it is nobody the desk knows (worker thread)."""
        raise NotImplementedError

    def new_person_question(self, typed: str, names: list[str]) -> str:
        return assignee.new_person_question(typed, names)

    # -- the names, for completion ------------------------------------------------------------
    @work(thread=True, exclusive=True, group="people", exit_on_error=False)
    def read_people(self) -> None:
        try:
            names = self.people()
        except Exception:  # noqa: BLE001 - suggestions are a help; saving reports a failing file
            return
        self.post_message(OperatorsRead(names))

    @on(OperatorsRead)
    def _people_read(self, message: OperatorsRead) -> None:
        message.stop()
        self.spellings.update((operator_key(name), name) for name in message.names)
        self.query_one(f"#{self.PERSON_FIELD}", Input).suggester = assignee.operator_suggester(message.names)

    # -- before a save ------------------------------------------------------------------------
    def person_confirmed(self, then: Callable[[], None]) -> bool:
        """True when the name may be saved as it is: blank (the save decides what that means),
        one of the desk's people (put in the desk's spelling), or someone new the user
        confirmed. Otherwise False: the name is looked up in a worker, and `then` (the save)
        runs again once the desk knows it or the user confirmed someone new; a 'no' leaves the
        user in the field."""
        field = self.query_one(f"#{self.PERSON_FIELD}", Input)
        key = operator_key(field.value)
        if not key:
            return True
        if key in self.spellings:
            if field.value != self.spellings[key]:
                field.value = self.spellings[key]
            return True
        if not self._looking_up:  # a second ctrl+s while the first is looked up waits for it
            self._looking_up = True
            self.look_up_person(field.value, then)
        return False

    @work(thread=True, group="person", exit_on_error=False)
    def look_up_person(self, typed: str, then: Callable[[], None]) -> None:
        try:
            spelling, names = self.known(typed), self.people()
        except Exception as exc:  # noqa: BLE001 - reported as any failure; the form keeps everything
            self.post_message(AssigneeLookedUp(typed, None, [], then, error=exc))
            return
        self.post_message(AssigneeLookedUp(typed, spelling, names, then))

    @on(AssigneeLookedUp)
    def _person_looked_up(self, message: AssigneeLookedUp) -> None:
        from .modals import Confirm

        message.stop()
        self._looking_up = False
        if message.error is not None:
            cast("FrontDeskApp", self.app).report_failure(message.error)
            return
        field = self.query_one(f"#{self.PERSON_FIELD}", Input)
        if message.spelling or operator_key(field.value) != operator_key(message.typed):
            if message.spelling:
                self.spellings[operator_key(message.typed)] = message.spelling
            message.then()  # known (or changed meanwhile: the save looks again)
            return

        def answer(new_person: bool | None) -> None:
            if new_person:
                key = operator_key(message.typed)
                self.spellings[key] = message.typed.strip()
                self.new_people.add(key)
                message.then()
            else:
                field.focus()

        self.app.push_screen(Confirm(self.new_person_question(message.typed, message.names),
                                     yes=self.NEW_PERSON_YES, no="Change the name", focus_no=True), answer)
