"""The demo desk in bulk: a planned desk of any size written straight to the tables through the
store's bulk writer (store_bulk.py), in transactions of up to 100,000 calls.

Used above 5,000 calls or customers (benchmarks), where the service API would take hours."""

from __future__ import annotations

import sys
import time
from itertools import islice
from typing import TYPE_CHECKING, Any

from ..models import OUTCOMES
from .people import Person

if TYPE_CHECKING:
    from .plan import Plan

CALLS = ("call", "new", "promise", "return")  # the plan's events that are calls
DAY = 86_400

# A planned promise: "t", "due", "fate", "tries", ... filled in as the plan is made and written.
Promise = dict[str, Any]
# (time, order, kind, person, promise, extra): see Plan. Only calls of kind "call" and "new"
# carry no promise.
Event = tuple[int, int, str, Person, Promise | None, Any]


def carried(pr: Promise | None, kind: str) -> Promise:
    """The promise a "promise", "return", "reschedule" or "cancel" event always carries."""
    if pr is None:
        raise ValueError(f"the demo plan has a {kind} event without its promise")
    return pr


def _iso(ts: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def write_bulk(desk, plan: Plan) -> None:
    """Write the plan's customers, numbers, calls and callbacks, with their audit and events."""
    store, rng = desk.store, plan.rng
    written = dict.fromkeys(("customers", "phones", "audit", "calls"), 0)

    def insert(table: str, columns: str, rows: list) -> None:
        store.bulk.insert(table, [c.strip() for c in columns.split(",")], rows)
        written[table] = written.get(table, 0) + len(rows)
        if len(plan.times) >= 100_000:  # progress of a benchmark-sized desk
            print(f"demo: {written[table]:,} {table}", file=sys.stderr, flush=True)

    for t, _, kind, person, pr, extra in plan.events:
        if kind in CALLS:
            person.seen, person.last = person.seen or t, t
        elif kind == "cancel":
            carried(pr, kind)["cancelled"] = (t, extra)
        else:
            moved = carried(pr, kind)
            moved["moved"], moved["due"] = (t, extra[1]), extra[0]
    for p in plan.people:
        p.since = p.since or (p.seen - rng.randint(0, 60 * DAY) if p.seen else plan.now - rng.randint(DAY, 730 * DAY))
    base = store.bulk.next_ids()
    customers, audit = [], []
    numbers: list[tuple[int, int, str, str, str]] = []  # id, customer id, e164, label, created
    for i, p in enumerate(sorted(plan.people, key=lambda p: p.since)):
        p.id, at, by = base["customers"] + i, _iso(p.since), rng.choice(plan.ops)
        customers.append((p.id, p.name, p.company, p.notes, at, by, at, _iso(p.last) if p.last else None))
        audit.append((at, by, p.id, "customer", p.id, "created", "name", None, p.name))
        for number, label in p.numbers:
            numbers.append((base["phones"] + len(numbers), p.id, number, label, at))
            audit.append((at, by, p.id, "phone", numbers[-1][0], "added", "number", None, number))
    calls = [e for e in plan.events if e[2] in CALLS]

    def rows():
        for call_id, (t, _, kind, person, pr, extra) in enumerate(calls, base["calls"]):
            op, direction, number, topic, note, outcome = plan.say(kind, person, pr, extra)
            if kind == "return":
                carried(pr, kind)["tries"].append((t, outcome, call_id))
            elif pr:
                pr["id"] = call_id
            at = _iso(t)
            yield call_id, f"{t:08x}{rng.getrandbits(96):024x}", person.id, number, direction, at, op, topic, note, outcome, at

    with store.bulk.big_cache():
        with store.write():
            insert("customers", "id, name, company, notes, created_at, created_by, updated_at, last_call_at", customers)
            insert("phones", "id, customer_id, e164, label, created_at", numbers)
            insert("audit", "at, operator, customer_id, entity, entity_id, action, field, old, new", audit)
        batches = rows()
        while batch := list(islice(batches, 100_000)):
            with store.write():
                insert("calls", "id, uid, customer_id, e164, direction, at, operator, topic, note, outcome, created_at", batch)
        callbacks: list[tuple[Any, ...]] = []
        links: list[tuple[int, int]] = []  # callback id, call id
        events: list[tuple[int, str, str, str, str | None, str | None, str, int | None]] = []
        with store.write():
            for pr in plan.promises:
                t, due, tries, done = pr["t"], pr["due"], pr["tries"], pr["fate"] == "done"
                r, (stop, why) = (tries[-1][0] if done else 0), pr.get("cancelled", (0, ""))
                callbacks.append((
                    pr["id"], pr["who"].id, pr["e164"], _iso(t), _iso(pr["first_due"]), _iso(due), pr["as"],
                    "done" if done else "cancelled" if stop else "open", len(tries), _iso(tries[0][0]) if tries else None,
                    _iso(r) if done else None, tries[-1][2] if done else None, int(r <= due) if done else None,
                    (r - t) // 60 if done else None, why, pr["op"], _iso(max(r, stop, pr.get("moved", (t,))[0], t)),
                ))
            insert("callbacks", "call_id, customer_id, e164, promised_at, first_due_at, due_at, assignee, state, attempts, "
                   "first_attempt_at, done_at, done_call_id, kept_on_time, waited_min, cancel_reason, created_by, updated_at",
                   callbacks)
            ids = store.bulk.callback_ids_by_call(base["calls"])
            for pr in plan.promises:
                cb = ids[pr["id"]]
                events.append((cb, _iso(pr["t"]), pr["op"], "promised", None, _iso(pr["first_due"]), "", pr["id"]))
                for n, (at, outcome, call_id) in enumerate(pr["tries"], 1):
                    links.append((cb, call_id))
                    kind = "done" if pr["fate"] == "done" and n == len(pr["tries"]) else "attempt"
                    events.append((cb, _iso(at), pr["as"], kind, None, None, OUTCOMES[outcome] * (kind != "done"), call_id))
                if "moved" in pr:
                    (at, why), due = pr["moved"], _iso(pr["due"])
                    events.append((cb, _iso(at), pr["as"], "rescheduled", _iso(pr["first_due"]), due, why, None))
                if "cancelled" in pr:
                    events.append((cb, _iso(pr["cancelled"][0]), pr["as"], "cancelled", None, None, pr["cancelled"][1], None))
            store.bulk.link_calls(links)
            insert("callback_events", "callback_id, at, operator, kind, due_before, due_after, reason, call_id", events)
