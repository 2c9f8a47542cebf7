"""Rows in, frozen records out: how stored rows become the models, and the stored time format."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .clock import from_iso
from .models import Call, Callback, Customer, PhoneNumber

PAGE = 200

# A stored row read by column name: a dict from Store.rows or a sqlite3.Row from Store.records.
NamedRow = Mapping[str, Any] | sqlite3.Row

CALL_COLUMNS = """calls.id, calls.uid, calls.customer_id, customers.name AS customer_name,
    customers.company AS company, calls.e164, calls.ext, calls.direction, calls.at,
    calls.operator, calls.topic, calls.note, calls.outcome, calls.callback_id"""

CALLBACK_COLUMNS = """callbacks.*, customers.name AS customer_name, customers.company AS company,
    calls.topic AS topic, calls.note AS note"""


def stored_time(text: str) -> datetime:
    """A stored time (to_iso's fixed format) as an aware UTC datetime. fromisoformat reads the
    trailing Z as UTC and is ~50x faster than from_iso's strptime, which counts when a year of
    calls streams out or the queue is rebuilt every tick."""
    if len(text) == 20 and text[19] == "Z":
        return datetime.fromisoformat(text)
    return from_iso(text)


def maybe_time(value: str | None) -> datetime | None:
    return stored_time(value) if value else None


def fts_phrase(text: str) -> str:
    """A user's text as one FTS5 phrase: no operator in it can change the query."""
    return '"' + text.replace('"', '""') + '"'


def customer_record(row: NamedRow, phones: tuple[PhoneNumber, ...] = ()) -> Customer:
    return Customer(
        id=row["id"], name=row["name"], company=row["company"], notes=row["notes"],
        version=row["version"], created_at=maybe_time(row["created_at"]),
        updated_at=maybe_time(row["updated_at"]), last_call_at=maybe_time(row["last_call_at"]),
        merged_into=row["merged_into"], phones=phones,
    )


def phone_record(row: NamedRow) -> PhoneNumber:
    return PhoneNumber(row["id"], row["customer_id"], row["e164"], row["ext"], row["label"])


def _maker(cls):
    """A fast constructor for a plain frozen dataclass record: fills the instance's __dict__,
    which gives the same record as cls(**fields) without the frozen __init__ setting each field
    through object.__setattr__ (~0.1 us a field; an export builds a year's calls one by one,
    the queue rebuilds every open callback each tick). Falls back to cls(**fields) unless
    exactly its fields are given (so a field added later, with a default, still gets it) or
    when the class needs its __init__."""
    names = frozenset(f.name for f in dataclasses.fields(cls))
    if hasattr(cls, "__post_init__") or "__slots__" in vars(cls):
        return lambda fields: cls(**fields)
    new = object.__new__

    def make(fields: dict) -> Any:
        if fields.keys() != names:
            return cls(**fields)
        record = new(cls)
        record.__dict__.update(fields)
        return record

    return make


_make_call, _make_callback = _maker(Call), _maker(Callback)


def call_record(row: sqlite3.Row) -> Call:
    """A row of CALL_COLUMNS (in that order) as a Call."""
    (id_, uid, customer_id, customer_name, company, e164, ext, direction, at, operator, topic,
     note, outcome, callback_id) = row
    return _make_call({
        "id": id_, "uid": uid, "customer_id": customer_id, "customer_name": customer_name or "",
        "company": company or "", "e164": e164, "ext": ext, "direction": direction,
        "at": stored_time(at), "operator": operator, "topic": topic, "note": note,
        "outcome": outcome, "callback_id": callback_id, "message": None,
    })


def callback_record(row: NamedRow) -> Callback:
    kept = row["kept_on_time"]
    return _make_callback(dict(
        id=row["id"], call_id=row["call_id"], customer_id=row["customer_id"],
        customer_name=row["customer_name"] or "", company=row["company"] or "",
        e164=row["e164"], promised_at=stored_time(row["promised_at"]),
        first_due_at=stored_time(row["first_due_at"]), due_at=stored_time(row["due_at"]),
        assignee=row["assignee"], state=row["state"], attempts=row["attempts"],
        topic=row["topic"] or "", note=row["note"] or "", created_by=row["created_by"],
        first_attempt_at=maybe_time(row["first_attempt_at"]), done_at=maybe_time(row["done_at"]),
        done_call_id=row["done_call_id"], kept_on_time=None if kept is None else bool(kept),
        waited_min=row["waited_min"], cancel_reason=row["cancel_reason"],
        snoozed_until=maybe_time(row["snoozed_until"]), version=row["version"],
        acknowledged_by=row["acknowledged_by"] or "", acknowledged_at=maybe_time(row["acknowledged_at"]),
    ))
