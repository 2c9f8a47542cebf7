"""The new-call form: phone first, caller recognised while typing, one key to save.

Everything typed is kept: as a draft in the database on every change (so a dropped SSH link
loses nothing), and in the form when a save is refused."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Input, Label, Static, TextArea

from frontdesk import phones
from frontdesk.clock import from_iso, to_iso
from frontdesk.errors import DeskError
from frontdesk.formatting import clock_time, day_time, time_left
from frontdesk.models import OUTCOMES
from frontdesk.services import NewCall, NumberTaken
from frontdesk.when import WhenError, examples
from widgets.boxes_field import BoxesField
from widgets.caller_card import CallerCardView
from widgets.choice_field import ChoiceField
from widgets.key_bar import KeyBar

from .base import SAVE, DeskScreenBase, db_work
from .caller_hints import CallerHints
from .caller_lookup import CallerLookup
from .complaint_fields import ComplaintFields
from .message_fields import MessageFields
from .messages import CallSaved, CardLoaded, ReturningLoaded, SaveFailed
from .modals import Confirm
from .promise_fields import PromiseFields

FIELDS = ("phone", "name", "topic", "note", "outcome", "direction", "promise", "due", "assignee", "at",
          "complaint", "feeling", "message_for", "boxes")


class NewCallScreen(DeskScreenBase):
    TITLE_TEXT = "new call"
    FORM = True
    # ctrl+s is deliberately not a priority binding: it travels through the focused field's
    # queue, so every key typed before it (one burst over SSH) is in the field when it saves.
    BINDINGS = [
        SAVE,
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+o", "toggle_direction", "In/Out", id="toggle_direction"),
        # One key for the outcome most often chosen after "resolved"; in the outcome field
        # itself a letter picks (c: callback promised, m: message taken, ...).
        Binding("ctrl+b", "promise", "Promise callback", id="promise"),
        Binding("ctrl+r", "close_promises", "Close their promises", id="close_promises", show=False),
        Binding("ctrl+g", "complaint", "Complaint", id="complaint"),
        Binding("down", "to_matches", "Suggestions", id="to_matches", show=False),
    ]
    DEFAULT_CSS = """
    NewCallScreen #body { height: 1fr; }
    NewCallScreen #form { width: 1fr; min-width: 40; padding: 0 1 0 0; }
    NewCallScreen #side { width: 34; }
    NewCallScreen #note { height: 4; width: 1fr; border: none; padding: 0 1; background: $boost; }
    NewCallScreen #note:focus { background: $accent 30%; }
    NewCallScreen #returning { height: auto; margin: 0 0 0 0; padding: 0 1; background: $warning 20%; }
    NewCallScreen #from-phone { height: auto; padding: 0 1; color: $text-muted; display: none; }
    """

    def __init__(self, draft: dict) -> None:
        super().__init__()
        self.draft = dict(draft)
        self.customer_id: int | None = draft.get("customer_id")
        self.callback_id: int | None = draft.get("callback_id")
        # The phone call (desk.phone) this form was opened for from the ringing strip: the logged
        # call carries its ring, answer and end times.
        self.phone_call_id: int | None = draft.get("phone_call_id")
        self.uid: str = draft.get("uid") or uuid.uuid4().hex
        self.direction: str = draft.get("direction") or ("out" if self.callback_id else "in")
        self._saving = False
        self._dirty = False
        self._draft_timer: Timer | None = None  # a draft is written half a second after a change
        self.restored = bool(draft.get("saved_at"))  # opened from a draft the last session left
        # When the call happened: when the form opened (a restored draft keeps its own time),
        # unless the 'When' field says otherwise.
        self.started = from_iso(draft["started"]) if draft.get("started") else self.desk.clock.now()

    def compose(self) -> ComposeResult:
        d = self.draft
        outcomes = [(label, code) for code, label in OUTCOMES.items()]
        yield self.status_bar()
        with Horizontal(id="body"):
            with VerticalScroll(id="form"):
                if self.callback_id:
                    yield Static("", id="returning")
                yield Static("", id="from-phone")
                yield CallerLookup(d.get("phone", ""), id="lookup")
                with Horizontal(classes="field"):
                    yield Label("Name")
                    yield Input(d.get("name", ""), placeholder="caller's name", id="name")
                yield CallerHints(closing=bool(d.get("closes")), id="hints")
                with Horizontal(classes="field"):
                    yield Label("Topic")
                    yield Input(d.get("topic", ""), placeholder="what about", id="topic")
                with Horizontal(classes="field", id="note-row"):
                    yield Label("Note")
                    yield TextArea(d.get("note", ""), id="note", soft_wrap=True, show_line_numbers=False)
                with Horizontal(classes="field"):
                    yield Label("Outcome")
                    yield ChoiceField(outcomes, value=d.get("outcome") or "resolved", id="outcome")
                yield PromiseFields(self.draft, id="promise-fields")
                yield MessageFields(self.draft, id="message-fields")  # outcome 'message taken'
                # After the outcome's own parts (a promise, a message): a complaint is marked by
                # its key (ctrl+g) from anywhere in the form, so Tab from the outcome goes on to
                # what that outcome asks for first.
                yield ComplaintFields(self.draft, id="complaint-fields")
                with Horizontal(classes="field"):
                    yield Label("When")
                    yield Input(d.get("at", ""), id="at",
                                placeholder=f"{clock_time(self.started, self.desk.zone)} (or {examples('call')})")
                with Horizontal(classes="field"):
                    yield Label("Direction")
                    yield ChoiceField([("inbound", "in"), ("outbound", "out")], value=self.direction,
                                      id="direction")
                yield Static("", classes="error", id="error")
            with Vertical(id="side"):
                yield CallerCardView(id="card")
        yield KeyBar()

    def focus_first_field(self) -> None:
        """Focus now (not after a refresh), so keys already on their way land in the field: the
        phone, or the note when the form comes pre-filled for a known customer (a call-back)."""
        prefilled = self.customer_id is not None and self.draft.get("phone")
        # Taken from the phone, a caller the desk does not know: their name is what to type.
        unknown_caller = self.phone_call_id is not None and self.customer_id is None
        self.set_focus(self.query_one("#note" if prefilled else "#name" if unknown_caller else "#phone"))

    def on_mount(self) -> None:
        # Tab into a filled field and type: the text is added to, not replaced (a restored
        # draft's name was lost to the first letter typed after Tab).
        for field in self.query(Input):
            field.select_on_focus = False
        self.focus_first_field()
        self.initial = {n: self.value(n) for n in ("phone", "name", "topic", "note")}
        self._show_from_phone()
        self._sync_promise()
        if self.customer_id:
            self.load_card(self.customer_id)
        else:
            self.query_one("#card", CallerCardView).show_card(None, self.desk.zone, self.desk.clock.now())
        if self.callback_id:
            self.load_returning(self.callback_id)
        if self.value("phone") and not self.customer_id:
            self.query_one(CallerLookup).lookup(self.value("phone"))

    def on_key(self, event) -> None:
        """Keys typed in the same burst as `n` can arrive before the phone field has focus:
        they belong to the phone number, not to nowhere."""
        phone = self.query_one("#phone", Input)
        # A printable key reaching the screen while the phone field has (or is about to get)
        # focus was routed here before the focus moved: the field never saw it.
        if self.focused in (None, phone) and event.is_printable and event.character:
            event.stop()
            phone.focus()
            phone.insert_text_at_cursor(event.character)

    # -- field access -----------------------------------------------------------------------
    def value(self, name: str) -> str:
        widget = self.query_one(f"#{name}")
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, ChoiceField):
            return widget.value
        return widget.value

    def collect(self) -> dict:
        data = {name: self.value(name) for name in FIELDS}
        data.update(customer_id=self.customer_id, callback_id=self.callback_id, uid=self.uid, closes=self.query_one(CallerHints).closing,
                    phone_call_id=self.phone_call_id,
                    started=to_iso(self.started), saved_at=to_iso(self.desk.clock.now()))
        return data

    def call_time(self) -> datetime:
        """When the call happened: the 'When' field (the latest such time that has passed), or
        when the form was opened."""
        text = self.value("at").strip()
        return self.desk.when(text, "call") if text else self.started

    def typed_anything(self) -> bool:
        """Anything typed beyond what the form opened with (a pre-filled call-back is not typing)."""
        return any(self.value(n).strip() and self.value(n) != self.initial.get(n)
                   for n in ("phone", "name", "topic", "note"))

    # -- taken from the phone ---------------------------------------------------------------
    def _show_from_phone(self) -> None:
        line = self.query_one("#from-phone", Static)
        line.display = self.phone_call_id is not None
        if self.phone_call_id is not None:
            line.update(Text(f"From the phone: rang {clock_time(self.started, self.desk.zone)}"))

    def take_ringing(self, draft: dict) -> bool:
        """The take-call key on this form: a form that holds nothing of another call (nothing
        typed but a few digits of the ringing number, not a call-back, not another phone call)
        becomes the ringing call's; a form holding another call is left alone (False)."""
        typed = self.value("phone").strip()
        ringing = phones.digits_of(draft.get("phone", "")) + " " + phones.digits_of(draft.get("e164", ""))
        same_number = not typed or (phones.digits_of(typed) and phones.digits_of(typed) in ringing)
        others = any(self.value(n).strip() and self.value(n) != self.initial.get(n) for n in ("name", "topic", "note"))
        if (not same_number or others or self.callback_id is not None or self.phone_call_id is not None
                or (self.customer_id is not None and self.customer_id != draft.get("customer_id"))):
            return False
        self.phone_call_id = draft["phone_call_id"]
        self.started = from_iso(draft["started"])
        self.customer_id = draft.get("customer_id")
        with self.prevent(Input.Changed):
            self.query_one("#phone", Input).value = draft.get("phone", "")
            self.query_one("#name", Input).value = draft.get("name", "")
        self.initial = {n: self.value(n) for n in ("phone", "name", "topic", "note")}
        self._show_from_phone()
        if self.customer_id is not None:
            self.load_card(self.customer_id)
        elif self.value("phone"):
            self.query_one(CallerLookup).lookup(self.value("phone"))
        self._route()
        self.focus_first_field()
        self.schedule_draft()
        return True

    # -- caller recognition -----------------------------------------------------------------
    @on(CallerLookup.Cleared)
    def _caller_cleared(self) -> None:
        self.customer_id = None
        self.query_one("#card", CallerCardView).show_card(None, self.desk.zone, self.desk.clock.now())
        self.query_one(CallerHints).offer(())
        self._route()

    @on(Input.Changed, "#name")
    def _route(self) -> None:
        """Say before saving who gets the call, when that is not simply the caller recognised
        (a different name on their number is a new contact sharing it)."""
        hints = self.query(CallerHints)
        if not hints:
            return  # the name's first value, set while the form is composed
        phone = self.value("phone")
        if phones.try_parse(phone, self.desk.region) is None:
            phone = ""
        hints.first().route(self.customer_id, phone, self.value("name"))

    @on(CallerLookup.Chosen)
    def _caller_chosen(self, event: CallerLookup.Chosen) -> None:
        self.customer_id = event.match.customer.id
        if not self.value("name"):
            self.query_one("#name", Input).value = event.match.customer.name
        self.load_card(self.customer_id)
        self.schedule_draft()
        self._route()
        if event.picked:
            self.query_one("#topic" if self.value("name") else "#name", Input).focus()

    @db_work("card")
    def load_card(self, customer_id: int) -> None:
        try:
            card = self.desk.caller_card(customer_id)
        except DeskError:
            return  # merged away or removed meanwhile: the form goes on without a card
        self.post_message(CardLoaded(card))

    @on(CardLoaded)
    def _show_card(self, message: CardLoaded) -> None:
        card = message.card
        view = self.query_one("#card", CallerCardView)
        now = self.desk.clock.now()
        their = self.desk.caller_time(card.customer.phones[0].e164, now) if card.customer.phones else ""
        view.counts_this_call = self.direction == "in"
        view.show_card(card, self.desk.zone, now, self.desk.national, their)
        self.query_one(CallerLookup).chosen = card.customer
        # A call-back form returns one promise already; the others are offered.
        self.query_one(CallerHints).offer(tuple(cb for cb in card.open_callbacks if cb.id != self.callback_id))
        self.refresh_bindings()

    def action_close_promises(self) -> None:
        if self.query_one(CallerHints).toggle():
            self.schedule_draft()
        else:
            self.app.bell()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "close_promises":  # asked before the form is composed, too
            hints = self.query(CallerHints)
            return True if hints and hints.first().open_promises else None
        return True

    @db_work("returning", exclusive=False)
    def load_returning(self, callback_id: int) -> None:
        self.post_message(ReturningLoaded(self.desk.callbacks.callback(callback_id)))

    @on(ReturningLoaded)
    def _show_returning(self, message: ReturningLoaded) -> None:
        cb, now = message.callback, self.desk.clock.now()
        self.query_one("#returning", Static).update(Text(
            f"Returning the promise made {day_time(cb.promised_at, self.desk.zone, now)}, due "
            f"{time_left(cb.due_at, now)}. Saving with a reached outcome completes it; no answer / "
            "busy / voicemail counts an attempt.", style="bold"))

    # -- promise ----------------------------------------------------------------------------
    @on(ChoiceField.Changed)
    def _choice_changed(self, event: ChoiceField.Changed) -> None:
        if event.field.id == "direction":
            self.direction = self.value("direction")
        self._sync_promise()
        self.schedule_draft()

    @on(Input.Changed, "#due")
    def _due_changed(self) -> None:
        self._sync_promise()

    def _sync_promise(self) -> None:
        self.query_one(PromiseFields).sync(self.value("outcome") == "callback", self._caller_e164())
        self.query_one(MessageFields).sync(self.value("outcome") == "message")

    def due_time(self) -> datetime | None:
        return self.query_one(PromiseFields).due() if self.value("outcome") == "callback" else None

    def _caller_e164(self) -> str:
        """The number the caller's clock is judged by: the recognised caller's first, else the
        number typed."""
        customer = self.query_one("#card", CallerCardView).customer
        if customer is not None and customer.phones and self.customer_id is not None:
            return customer.phones[0].e164
        number = phones.try_parse(self.value("phone"), self.desk.region)
        return number.e164 if number else ""

    # -- drafts -----------------------------------------------------------------------------
    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(BoxesField.Changed)
    def _any_change(self, event) -> None:
        self.schedule_draft()
        widget = getattr(event, "input", None) or getattr(event, "text_area", None)
        if widget is not None and widget.has_class("-invalid"):
            widget.remove_class("-invalid")  # the user is fixing it: the old reason goes
            self.query_one("#error", Static).update("")

    def schedule_draft(self) -> None:
        self._dirty = True
        if self._draft_timer is None:
            self._draft_timer = self.set_timer(0.5, self._flush_draft)

    def _flush_draft(self) -> None:
        self._draft_timer = None
        if self._dirty and not self._saving:
            self._dirty = False
            self.save_draft(self.collect())

    @db_work("draft")
    def save_draft(self, payload: dict) -> None:
        try:
            self.desk.save_draft(payload)
        except Exception:  # noqa: BLE001
            pass  # the form still holds everything; the next change tries again

    def holds_unsaved(self) -> bool:
        return not self._saving and self.typed_anything()

    def save_draft_now(self) -> None:
        if not self._saving:
            self.desk.save_draft(self.collect())

    # -- save / cancel ----------------------------------------------------------------------
    def show_error(self, message: str, field: str = "") -> None:
        self.query_one("#error", Static).update(Text(message))
        for name in FIELDS:
            widget = self.query_one(f"#{name}")
            widget.set_class(name == field, "-invalid")
        if field in FIELDS:
            self.query_one(f"#{field}").focus()

    def build_request(self) -> NewCall:
        data = self.collect()
        try:
            at = self.call_time()
        except WhenError as exc:
            raise DeskError(str(exc), "at") from None
        phone = data["phone"]
        if self.customer_id is not None and phones.try_parse(phone, self.desk.region) is None:
            phone = ""  # the field was used to find the customer by name
        return NewCall(
            phone=phone, name=data["name"], topic=data["topic"], note=data["note"],
            outcome=data["outcome"] or "resolved", direction=self.direction,
            customer_id=self.customer_id, callback_due=self.due_time(), at=at,
            assignee=data["assignee"] if data["outcome"] != "message" else "", callback_id=self.callback_id, uid=self.uid,
            closes=self.query_one(CallerHints).closes, phone_call_id=self.phone_call_id,
            complaint=self.query_one(ComplaintFields).is_complaint, feeling=self.query_one(ComplaintFields).feeling,
            **self._message(data["outcome"]),
        )

    def _message(self, outcome: str) -> dict:
        """NewCall's message fields while the outcome is 'message taken' (message_fields.py)."""
        part = self.query_one(MessageFields)
        if outcome != "message":
            return {}
        return {"message_for": part.message_for, "boxes": part.boxes, "new_recipient": part.new_recipient}

    def action_save(self) -> None:
        if self._saving:
            return
        try:
            request = self.build_request()
        except WhenError as exc:
            self.show_error(str(exc), "due")
            return
        except DeskError as exc:
            self.show_error(str(exc), exc.field)
            return
        if self.value("outcome") == "callback" and not self.query_one(PromiseFields).assignee_confirmed(self.action_save):
            return  # a name the desk does not know: asked first; the save runs again after "yes"
        if self.value("outcome") == "message" and not self.query_one(MessageFields).recipient_confirmed(self.action_save):
            return  # as for the assignee: a new person is confirmed first
        self._saving = True
        self.show_error("saving...")
        self.save_call(request)

    @db_work("save")
    def save_call(self, request: NewCall) -> None:
        try:
            logged = self.desk.log_call(request)
        except NumberTaken as taken:  # asked about (the form's _save_failed), not an error
            self.post_message(SaveFailed(str(taken), "phone", request=request, taken=taken))
            return
        except DeskError as exc:
            self.post_message(SaveFailed(str(exc), exc.field))
            return
        except Exception as exc:  # noqa: BLE001 - whatever failed, the form keeps everything
            self.post_message(SaveFailed(
                f"Not saved: {self.desk.describe(exc)}. Everything you typed is kept; ctrl+s to retry.",
                error=exc))
            return
        try:
            self.desk.discard_draft()
        except Exception:  # noqa: BLE001
            pass  # the call is saved; a draft left behind is offered (and discarded) next time
        self.post_message(CallSaved(logged))

    @on(SaveFailed)
    def _save_failed(self, message: SaveFailed) -> None:
        self._saving = False
        if message.taken is not None:
            self._ask_shared(message.request, message.taken)
            return
        if message.field == "phone_call" and self.phone_call_id is not None:
            # Another desk took the same ringing call and saved first: this one is kept, and
            # saves as a call of its own, no longer linked to the phone call.
            self.phone_call_id = None
            self.query_one("#from-phone", Static).display = False
            self.schedule_draft()
            self.show_error(f"{message.message} (another desk saved it first). ctrl+s saves yours as a "
                            "separate call; Esc discards it.")
            return
        self.show_error(message.message, message.field)
        if message.error is not None:
            self.desk_app.report_failure(message.error, shown=True)  # a replaced file: offer to reopen

    def _ask_shared(self, request: NewCall, taken: NumberTaken) -> None:
        """The number typed is new to the chosen customer and another customer's already: a
        household, a switchboard, or a slip of the finger. Nothing is saved until the user says;
        "no" leaves the form as it was, the number field focused to correct it."""
        whose = " and ".join(f"{h.display_name}'s" for h in taken.holders[:3])
        ids = ", ".join(f"#{h.id}" for h in taken.holders[:3])
        more = f" (and {len(taken.holders) - 3} more)" if len(taken.holders) > 3 else ""
        customer = self.query_one(CallerCardView).customer
        mine = customer.display_name if customer is not None else "this customer"

        def answer(share: bool | None) -> None:
            if share:
                self._saving = True
                self.show_error("saving...")
                self.save_call(replace(request, share_number=True))
            else:
                self.show_error(f"Not saved: {taken.number} is {whose} number; correct it, or save again "
                                "and share it.", "phone")

        self.app.push_screen(Confirm(
            f"{taken.number} is already {whose} number ({ids}){more}. Add it to {mine} too, as a "
            "shared number?", yes="Share it", no="Don't save", focus_no=True), answer)

    @on(CallSaved)
    def _saved(self, saved: CallSaved) -> None:
        self.app.notify(saved.logged.words(self.desk.clock.now(), self.desk.zone), timeout=5)
        self.dismiss_form()

    def dismiss_form(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self.app.pop_screen()
        self.desk_app.desk_changed()

    def action_cancel(self) -> None:
        # A restored draft is what was typed before: leaving it asks too.
        if not self.typed_anything() and not self.restored:
            self._discard()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self._discard()

        self.app.push_screen(Confirm("Discard this call? What you typed will be lost.",
                                     yes="Discard", no="Keep typing", focus_no=True), answer)

    def _discard(self) -> None:
        self._saving = True
        self.desk_app.discard_draft()
        self.dismiss_form()

    def action_to_matches(self) -> None:
        """Down from the phone field goes into the suggestions. (A Down that arrived with the
        key that opened the form can come before the form is composed: it does nothing.)"""
        phone = self.query("#phone")
        if not phone:
            return
        if not (self.focused is phone.first() and self.query_one(CallerLookup).enter_suggestions()):
            self.focus_next()

    def type_through(self, text: str) -> None:
        """Keys typed on the desk in the burst that opened this form: they go to the field that
        has (or is about to get) focus."""
        target = self.focused or (self.query("#phone").first() if self.query("#phone") else None)
        if isinstance(target, Input):
            target.insert_text_at_cursor(text)
        elif isinstance(target, TextArea):
            target.insert(text)

    def action_promise(self) -> None:
        """The outcome becomes 'callback promised' (the promise's fields appear); focus stays."""
        self.query_one("#outcome", ChoiceField).value = "callback"

    def action_complaint(self) -> None:
        """The call is a complaint, or no longer one; focus stays where it is."""
        self.query_one(ComplaintFields).toggle()

    def action_toggle_direction(self) -> None:
        select = self.query_one("#direction", ChoiceField)
        select.value = "out" if self.direction == "in" else "in"

