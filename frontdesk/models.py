"""Plain frozen records that the store returns and every layer passes around."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

OUTCOMES: dict[str, str] = {
    "connected": "connected",
    "resolved": "resolved",
    "callback": "callback promised",
    "message": "message taken",
    "transferred": "transferred",
    "referred": "referred elsewhere",
    "voicemail": "left voicemail",
    "no_answer": "no answer",
    "busy": "busy",
    "wrong_number": "wrong number",
}
# Outcomes of an outbound callback attempt that did not reach the caller: the promise stays open.
UNREACHED = frozenset({"voicemail", "no_answer", "busy"})
DIRECTIONS = {"in": "inbound", "out": "outbound"}
# The boxes of the "While You Were Out" pad a message can tick, in the pad's order: code -> words.
BOXES: dict[str, str] = {
    "please_call": "please call back",
    "will_call": "will call again",
    "returned": "returned your call",
    "wants_to_see": "wants to see you",
    "urgent": "urgent",
}


def who(name: str, company: str) -> str:
    """How a customer is named on screen: 'Maria Lopez (Acme)', or whichever of the two is known."""
    if name and company:
        return f"{name} ({company})"
    return name or company or "Unknown caller"


@dataclass(frozen=True)
class PhoneNumber:
    """One of a customer's numbers, stored in E.164 with an optional extension and label."""
    id: int
    customer_id: int
    e164: str
    ext: str = ""
    label: str = ""


@dataclass(frozen=True)
class Customer:
    """A caller: name, company, notes and numbers; `version` guards concurrent edits."""
    id: int
    name: str
    company: str = ""
    notes: str = ""
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_call_at: datetime | None = None
    merged_into: int | None = None
    phones: tuple[PhoneNumber, ...] = ()

    @property
    def display_name(self) -> str:
        return who(self.name, self.company)


@dataclass(frozen=True)
class Call:
    """One logged call, in or out, with the caller it was matched to and how it ended."""
    id: int
    uid: str
    customer_id: int
    customer_name: str
    company: str
    e164: str
    ext: str
    direction: str
    at: datetime
    operator: str
    topic: str
    note: str
    outcome: str
    callback_id: int | None = None
    message: TakenMessage | None = None  # the message taken on this call, where a list reads it

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome, self.outcome)

    @property
    def outcome_text(self) -> str:
        """'message taken for Owner (please call back, urgent; unread)' or the outcome's label."""
        if self.message is None:
            return self.outcome_label
        return f"message for {self.message.for_name} ({self.message.state_words})"

    @property
    def caller(self) -> str:
        return who(self.customer_name, self.company)


@dataclass(frozen=True)
class Callback:
    """A promise to call back by `due_at`, its state, who owns it and how it ended."""
    id: int
    call_id: int
    customer_id: int
    customer_name: str
    company: str
    e164: str
    promised_at: datetime
    first_due_at: datetime
    due_at: datetime
    assignee: str
    state: str
    attempts: int
    topic: str = ""
    note: str = ""
    created_by: str = ""
    first_attempt_at: datetime | None = None
    done_at: datetime | None = None
    done_call_id: int | None = None
    kept_on_time: bool | None = None
    waited_min: int | None = None
    cancel_reason: str = ""
    snoozed_until: datetime | None = None
    version: int = 1
    acknowledged_by: str = ""
    acknowledged_at: datetime | None = None

    @property
    def caller(self) -> str:
        return who(self.customer_name, self.company)


@dataclass(frozen=True)
class CallbackEvent:
    """One step in a callback's life: promised, rescheduled, attempted, done, cancelled..."""
    id: int
    callback_id: int
    at: datetime
    operator: str
    kind: str
    due_before: datetime | None
    due_after: datetime | None
    reason: str
    call_id: int | None


@dataclass(frozen=True)
class AuditEntry:
    """Who changed what on a customer, when, from which value to which."""
    id: int
    at: datetime
    operator: str
    customer_id: int | None
    entity: str
    entity_id: int | None
    action: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class CallerMatch:
    """A customer offered while the phone field is typed, and why they matched."""

    customer: Customer
    reason: str  # "number", "digits", "name"
    phone: PhoneNumber | None = None


@dataclass(frozen=True)
class CallerCard:
    """What the new-call form shows about a known caller: the customer, latest calls, open promises."""
    customer: Customer
    recent_calls: tuple[Call, ...] = ()
    open_callbacks: tuple[Callback, ...] = ()
    call_count: int = 0
    open_complaints: tuple[Complaint, ...] = ()
    week_calls: int = 0  # inbound calls in the 7 days before now (repeat callers: complaints.py)


@dataclass(frozen=True)
class SearchResults:
    """Customers and calls (by the words of their notes) matching a search."""
    customers: tuple[Customer, ...] = ()
    calls: tuple[Call, ...] = ()


@dataclass(frozen=True)
class Page:
    """Some rows of a longer list (a keyset page) and how many rows the whole list holds."""
    items: tuple
    total: int


# What was done to resolve a complaint, and how the customer felt at the follow-up.
RESOLUTIONS: dict[str, str] = {
    "apology": "apology",
    "refund": "refund",
    "replacement": "replacement",
    "goodwill": "goodwill gesture",
    "explanation": "explanation",
}
FEELINGS: dict[str, str] = {"better": "better", "same": "the same", "worse": "worse", "no_answer": "no answer"}


@dataclass(frozen=True)
class Complaint:
    """A call marked as a complaint: open until resolved (by a later call or by a resolve that
    says what was done), then followed up by a promise to check how the customer feels."""
    id: int
    call_id: int
    customer_id: int
    customer_name: str
    company: str
    e164: str
    topic: str
    note: str
    opened_at: datetime
    opened_by: str
    state: str
    resolved_at: datetime | None = None
    resolved_by: str = ""
    resolution: str = ""  # a RESOLUTIONS key; '' when a later call resolved it without saying how
    resolution_note: str = ""
    resolved_call_id: int | None = None
    minutes_to_resolve: int | None = None
    followup_callback_id: int | None = None
    followup_due_at: datetime | None = None
    followup_state: str = ""  # the follow-up promise's state: open, done, cancelled ('' without one)
    followup_result: str = ""  # a FEELINGS key once followed up
    followup_at: datetime | None = None
    followup_call_id: int | None = None
    version: int = 1

    @property
    def caller(self) -> str:
        return who(self.customer_name, self.company)

    @property
    def resolution_label(self) -> str:
        return RESOLUTIONS.get(self.resolution, "resolved on a call" if self.resolved_call_id else self.resolution)

    @property
    def feeling_label(self) -> str:
        return FEELINGS.get(self.followup_result, self.followup_result)


@dataclass(frozen=True)
class TakenMessage:
    """A message taken on a call for someone ("While You Were Out"): the pad's boxes ticked, the
    call's note as its text, who took it, and who read it when (the first to open it)."""
    id: int
    call_id: int
    customer_id: int
    customer_name: str
    company: str
    e164: str
    for_name: str
    boxes: tuple[str, ...]  # codes of BOXES, in the pad's order
    text: str
    topic: str
    taken_by: str
    taken_at: datetime
    callback_id: int | None = None
    read_at: datetime | None = None
    read_by: str = ""

    @property
    def caller(self) -> str:
        return who(self.customer_name, self.company)

    @property
    def urgent(self) -> bool:
        return "urgent" in self.boxes

    @property
    def unread(self) -> bool:
        return self.read_at is None

    @property
    def boxes_words(self) -> str:
        """'please call back, urgent' (or '' when no box is ticked)."""
        return ", ".join(BOXES[code] for code in self.boxes)

    @property
    def state_words(self) -> str:
        """'please call back, urgent; unread' / 'read by Raj'."""
        read = "unread" if self.read_at is None else f"read by {self.read_by}"
        return f"{self.boxes_words}; {read}" if self.boxes else read


@dataclass(frozen=True)
class MessagesSnapshot:
    """What a desk shows of messages, read together: the operator's unread ones (newest first,
    up to a limit), how many they are, and everyone's urgent unread ones (oldest first)."""

    mine: tuple[TakenMessage, ...] = ()
    mine_unread: int = 0
    urgent: tuple[TakenMessage, ...] = ()
