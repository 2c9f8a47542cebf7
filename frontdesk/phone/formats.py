"""The formats phone systems speak, read into PhoneEvents (no I/O, no aiohttp).

- The generic CTI push format (Zammad's, also sipgate.io's): fields `event` (`newCall`,
  `answer`, `hangup`), `from`, `to`, `direction` (`in`/`out`), `callId`, `cause`, `user`
  or `user[]` (one or more), `answeringNumber`, `queue`; form-encoded or a JSON object.
  Bridges send the number only with `newCall`: `answer` and `hangup` may carry nothing but
  `callId`, `user` and `cause`.
- Desk phones' Action URLs: `GET /phone/TOKEN/EVENT?number=...&name=...&call_id=...&line=...`
  with EVENT `incoming`, `answered`, `ended`, `missed` or `outgoing`. A variable the phone did
  not fill in (`$call_id` sent as it is) counts as absent.

A request that is no event raises FormatError with a one-line reason (the listener's 400).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..text import one_line
from .models import ID_LIMIT, PhoneEvent

CTI_EVENTS = {"newCall": "ring", "answer": "answer", "hangup": "hangup"}
DESK_PHONE_EVENTS = {
    "incoming": ("ring", "in"), "outgoing": ("ring", "out"), "answered": ("answer", ""),
    "ended": ("hangup", ""), "missed": ("missed", "in"),
}
FIELD_LIMIT = 1000  # characters of one field; the listener refuses bodies over 64 KB anyway
_UNFILLED = re.compile(r"^\$[A-Za-z_][\w-]*$")  # '$remote', '$call-id': a variable left as it was


class FormatError(ValueError):
    """The request is not an event of the format; the message says why, on one line."""


def _value(raw: Any, name: str) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise FormatError(f"'{name}' must be text, not {type(raw).__name__}")
    text = str(raw)
    if len(text) > FIELD_LIMIT:
        raise FormatError(f"'{name}' is too long: {len(text)} characters, the limit is {FIELD_LIMIT}")
    if "\x00" in text:
        raise FormatError(f"'{name}' holds a NUL character")
    return "" if _UNFILLED.match(text.strip()) else text.strip()


def _all(fields: Mapping[str, Any], getall: Any, name: str) -> list[str]:
    """Every value of a repeated field ('user', 'user[]'), as text."""
    values: list[Any] = []
    if getall is not None:
        values = list(getall(name, []))
    elif name in fields:
        raw = fields[name]
        values = list(raw) if isinstance(raw, list) else [raw]
    return [v for v in (_value(item, name) for item in values) if v]


def cti_event(fields: Mapping[str, Any]) -> PhoneEvent:
    """A generic CTI push (form fields as a MultiDict, or a parsed JSON object)."""
    getall = getattr(fields, "getall", None)
    event = _value(fields.get("event"), "event")
    if not event:
        raise FormatError("no 'event' (newCall, answer or hangup)")
    if event not in CTI_EVENTS:
        raise FormatError(f"unknown event '{one_line(event, 40)}' (newCall, answer or hangup)")
    call_id = _value(fields.get("callId"), "callId")
    if not call_id:
        raise FormatError("no 'callId'")
    if len(call_id) > ID_LIMIT:
        raise FormatError(f"'callId' is too long: {len(call_id)} characters, the limit is {ID_LIMIT}")
    direction = _value(fields.get("direction"), "direction") or "in"
    if direction not in ("in", "out"):
        raise FormatError(f"'direction' must be 'in' or 'out', not '{one_line(direction, 40)}'")
    caller, called = _value(fields.get("from"), "from"), _value(fields.get("to"), "to")
    number, line = (caller, called) if direction == "in" else (called, caller)
    users = _all(fields, getall, "user") + _all(fields, getall, "user[]")
    answering = _value(fields.get("answeringNumber"), "answeringNumber")
    queue = _value(fields.get("queue"), "queue")
    return PhoneEvent(
        kind=CTI_EVENTS[event], call_id=call_id, source="cti", number=number, line=line or queue,
        direction=direction, by=", ".join(dict.fromkeys(users)) or answering,
        cause=_value(fields.get("cause"), "cause"),
    )


def desk_phone_event(name: str, query: Mapping[str, Any], scope: str = "") -> PhoneEvent:
    """A desk phone's Action URL. `scope` (the phone's address) keeps two phones' call ids
    apart: each phone numbers its calls itself."""
    if name not in DESK_PHONE_EVENTS:
        raise FormatError(f"unknown event '{one_line(name, 40)}' ({', '.join(DESK_PHONE_EVENTS)})")
    kind, direction = DESK_PHONE_EVENTS[name]
    call_id = _value(query.get("call_id") or query.get("callid") or query.get("call-id"), "call_id")
    if len(call_id) > ID_LIMIT - len(scope) - 1:
        raise FormatError(f"'call_id' is too long: {len(call_id)} characters")
    chosen = _value(query.get("direction"), "direction")
    if chosen and chosen not in ("in", "out"):
        raise FormatError(f"'direction' must be 'in' or 'out', not '{one_line(chosen, 40)}'")
    return PhoneEvent(
        kind=kind, call_id=f"{scope}/{call_id}" if call_id and scope else call_id, source="phone",
        number=_value(query.get("number"), "number"), name=_value(query.get("name"), "name"),
        line=_value(query.get("line"), "line"), direction=direction or chosen or "in",
        by=_value(query.get("by"), "by"),
    )


def describe(event: PhoneEvent) -> Iterable[str]:
    """The fields worth a log line, as 'key=value' (values one line, bounded)."""
    for key in ("kind", "call_id", "direction", "number", "line", "by", "cause"):
        value = getattr(event, key)
        if value:
            yield f"{key}={one_line(value, 60)!r}" if key != "kind" else value
