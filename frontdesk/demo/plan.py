"""A realistic demo desk: customers, a week of calls, callbacks in every state.

One plan, two writers: a small desk goes through the service API with the clock set back to
each moment (here); a large one (benchmarks) spans two years, bulk-inserted in big transactions
(bulk.py). The people and their fictional numbers come from people.py.
"""

from __future__ import annotations

import json
import random
from bisect import bisect_left
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from ..clock import FixedClock
from ..errors import DeskError
from ..hours import HoursError, preset_due
from ..paths import data_dir
from ..services import NewCall
from .bulk import Event, Promise, carried, write_bulk
from .people import Person, make_people

BULK_CALLS = 5_000
BULK_CUSTOMERS = 5_000
DAY = 86_400


def _weights(**w: float) -> tuple:
    return tuple(w), list(accumulate(w.values()))


IN = _weights(resolved=40, connected=10, message=14, transferred=12, referred=6, wrong_number=2)
OUT = _weights(connected=26, resolved=24, voicemail=20, no_answer=14, busy=6, message=8, wrong_number=2)
PRESETS = _weights(**{"1bh": 45, "15m": 10, "4bh": 15, "eod": 15, "morning": 15})
DONE = _weights(resolved=80, connected=12, message=8)
MISSED = _weights(no_answer=5, voicemail=4, busy=1)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
TIMES = ("9:30", "10:00", "11:15", "13:45", "14:00", "15:30", "16:15")


def _pick(rng: random.Random, weights: tuple) -> str:
    return rng.choices(weights[0], cum_weights=weights[1])[0]


def _ts(at: datetime) -> int:
    return int(at.timestamp())


def _dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def fill_demo(desk, *, seed: int = 7, customers: int | None = None, calls: int | None = None,
              force: bool = False) -> str:
    """Add a demo desk; returns a one-line summary. Same seed, database and clock: same rows.

    A desk that already holds customers or calls is refused (DeskError) unless `force`: demo
    people mixed into a real desk are hard to tell apart, and their numbers may be real ones'."""
    had = desk.store.reports.totals()
    if (had.customers or had.merged or had.calls) and not force:
        where = desk.store.path or "this desk"
        raise DeskError(
            f"{where} already holds {_plural(had.customers, 'customer')} and "
            f"{_plural(had.calls, 'call')}; demo fills only an empty desk "
            "(use --force to add the demo anyway)"
        )
    data = json.loads((data_dir() / "demo.json").read_text(encoding="utf-8"))
    rng = random.Random(f"frontdesk-demo/{seed}/{had.customers + had.merged}/{had.calls}")
    if (calls or 0) > BULK_CALLS or (customers or 0) > BULK_CUSTOMERS:
        calls = (customers or 0) * 10 if calls is None else calls
        customers = max(60, calls // 10) if customers is None else customers
        write_bulk(desk, Plan(desk, data, rng, customers, calls, 730, 0.015))
    else:
        _small(desk, Plan(desk, data, rng, 60 if customers is None else customers, calls, 7, 0.1))
    now = desk.store.reports.totals()
    return (f"demo desk: {now.customers:,} customers, {now.calls:,} calls, {now.open_callbacks:,} open "
            f"callbacks ({desk.callbacks.counts()[0]:,} overdue)")


# -- the plan ---------------------------------------------------------------------------------
def _intervals(hours, start: datetime, end: datetime) -> list[tuple[int, int]]:
    """The desk's open hours within [start, end) as epoch seconds."""
    found, at = [], start
    while at < end:
        try:
            opens = hours.next_open(at)
        except HoursError:
            break
        if opens >= end:
            break
        at = hours.end_of_day(opens)
        found.append((_ts(opens), _ts(min(at, end))))
    return found or [(_ts(start), _ts(end))]


def _slots(rng: random.Random, spans: list[tuple[int, int]], n: int, now: int) -> list[int]:
    """n call times spread over the open hours; a few just before opening or after closing."""
    lengths = [b - a for a, b in spans]
    total, found, k, base = sum(lengths), [], 0, 0
    for p in sorted(rng.random() * total for _ in range(n)):
        while k < len(spans) - 1 and p >= base + lengths[k]:
            base, k = base + lengths[k], k + 1
        t = spans[k][0] + int(p - base)
        if rng.random() < 0.03:
            t = spans[k][0] - rng.randint(60, 1200) if rng.random() < 0.5 else spans[k][1] + rng.randint(0, 1200)
        found.append(min(t, now - 60))
    return sorted(found)


class Plan:
    """Who calls when, which calls promise a callback, and what becomes of each promise.

    `events`: (time, order, kind, person, promise, extra) in time order; kind is one of
    bulk.CALLS (a return's extra: its outcome), "reschedule" (extra: new due, reason) or
    "cancel" (reason)."""

    def __init__(self, desk, data: dict, rng: random.Random, n_people: int, n_calls: int | None,
                 days: int, rate: float) -> None:
        self.data, self.rng, self.hours = data, rng, desk.settings.hours
        self.ops = list(desk.operators.canonical_all(data["operators"]))  # the bulk writes them as they are
        self.now_dt = desk.clock.now().replace(microsecond=0)
        self.now, self.money = _ts(self.now_dt), {"GB": "£", "DE": "€", "FR": "€"}.get(desk.region, "$")
        taken = desk.store.bulk.taken_numbers()
        self.people = people = make_people(rng, data, n_people, desk.region, taken)
        spans = _intervals(self.hours, self.now_dt - timedelta(days=days), self.now_dt)
        if n_calls is None:
            n_calls = max(40, round(sum(b - a for a, b in spans) / 3600 * 9.5))
        self.times = times = _slots(rng, spans, n_calls if people else 0, self.now)
        n = len(times)
        newcomers = [p for p in people if p.simple][: min(len(people) // 12, 10, n // 10)]
        self.kinds: list = ["call"] * n
        self.who: list = [None] * n
        for i, person in zip(sorted(rng.sample(range(n * 85 // 100), len(newcomers))), newcomers, strict=True):
            self.kinds[i], self.who[i], person.since = "new", person, times[i]
        self.known = [p for p in people if not p.since]
        weights, since = list(accumulate(p.weight for p in self.known)), [p.since for p in newcomers]
        for i, t in enumerate(times):
            if self.who[i] is None:
                met = bisect_left(since, t)
                mine = met and rng.random() < 0.1
                self.who[i] = newcomers[rng.randrange(met)] if mine else rng.choices(self.known, cum_weights=weights)[0]
        self.promises: list[Promise] = []
        self.events: list[Event] = []
        self._promise_all(rate, 0 if days < 30 else min(400, max(3, round(n * rate) // 40)))
        plain = [i for i in range(n) if self.kinds[i] == "call"]  # return calls replace ordinary ones
        for i in rng.sample(plain, min(len(plain), sum(e[2] == "return" for e in self.events))):
            self.kinds[i] = None
        for i, k in enumerate(self.kinds):
            if k:
                pr = k if isinstance(k, dict) else None
                self.events.append((times[i], 0, "promise" if pr else k, self.who[i], pr, None))
        self.events.sort(key=lambda e: (e[0], e[1]))

    def _between(self, a: int, b: int, lo: float, hi: float) -> int:
        """A moment between a and b, a fraction lo..hi of the way in open hours."""
        minutes = self.hours.business_minutes_between(_dt(a), _dt(b))
        if minutes < 2:  # nothing open in between: as soon as it opens
            return b if b - a > 3600 else a + int((b - a) * self.rng.uniform(lo, hi))
        return _ts(self.hours.add(_dt(a), timedelta(minutes=minutes * self.rng.uniform(lo, hi))))

    def _promise(self, i: int, due: int = 0, preset: str = "", fate: str = "") -> dict:
        t, op = self.times[i], self.rng.choice(self.ops)
        due = due or _ts(preset_due(self.hours, preset, _dt(t)))
        self.kinds[i] = pr = {"t": t, "due": due, "first_due": due, "preset": preset, "op": op, "fate": fate,
                              "as": op if self.rng.random() < 0.7 else self.rng.choice(self.ops),
                              "who": self.who[i], "tries": []}
        self.promises.append(pr)
        return pr

    def _later(self, pr: dict, t: int, kind: str, extra) -> None:
        self.events.append((t, 1 if kind == "return" else 2, kind, pr["who"], pr, extra))

    def _promise_all(self, rate: float, stale: int) -> None:
        rng, now, now_dt, hours, data, times = self.rng, self.now, self.now_dt, self.hours, self.data, self.times

        def force(test, due: int = 0, preset: str = "1bh", fate: str = "open") -> dict | None:
            """Promise on the latest ordinary call that passes the test."""
            i = next((i for i in range(len(times) - 1, -1, -1) if self.kinds[i] == "call" and test(times[i])), None)
            return None if i is None else self._promise(i, due, "" if due else preset, fate)

        def overdue(t: int) -> bool:  # a business hour and more before now
            return hours.business_minutes_between(_dt(t), now_dt) >= 75

        if len(times) >= 40:  # a few placed so that every state of the queue shows
            morning = _ts(hours.next_morning(now_dt))
            force(lambda t: t <= now - 900, now + rng.randint(3, 8) * 60)  # due within the lead time
            force(lambda t: t <= now - 120, _ts(preset_due(hours, "2bh", now_dt)))
            force(lambda t: t <= now - 120, morning + rng.randint(30, 180) * 60)
            for _ in range(2):
                force(overdue)
            if pr := force(lambda t: t <= now - DAY and overdue(t)):
                self._later(pr, self._between(pr["t"], now - 60, 0.5, 0.9), "return", "voicemail")
            if pr := force(lambda t: now - 4 * DAY <= t <= now - DAY, preset="4bh", fate="moved"):
                self._later(pr, self._between(pr["t"], min(pr["due"], now), 0.1, 0.5), "reschedule",
                            (morning + rng.randint(60, 300) * 60, rng.choice(data["reschedule_reasons"])))
            if pr := force(lambda t: t <= now - DAY, fate="cancelled"):
                self._later(pr, self._between(pr["t"], min(pr["due"], now), 0.3, 0.7), "cancel",
                            rng.choice(data["cancel_reasons"]))
        for i in range(len(times)):
            if self.kinds[i] == "call" and rng.random() < rate:
                self._promise(i, preset=_pick(rng, PRESETS))
        past = sorted((p for p in self.promises if not p["fate"] and p["due"] <= now), key=lambda p: p["t"])
        for pr in past[max(0, len(past) - stale) :] if stale else ():
            pr["fate"] = "open"  # forgotten: overdue
        late_one = True
        for pr in self.promises:
            t, due = pr["t"], pr["due"]
            if pr["fate"]:
                continue
            if due > now:
                pr["fate"] = "open"
                if t < now - 1800 and rng.random() < 0.3:
                    self._later(pr, self._between(t, now - 60, 0.4, 0.8), "return", _pick(rng, MISSED))
            elif rng.random() < 0.02:
                pr["fate"] = "cancelled"
                self._later(pr, self._between(t, due, 0.3, 0.7), "cancel", rng.choice(data["cancel_reasons"]))
            else:
                r = 0
                if late_one or rng.random() < 0.22:  # late: up to three business hours after the due time
                    r = _ts(hours.add(_dt(due), timedelta(minutes=rng.randint(10, 180))))
                late_one = late_one and (not r or r >= now - 60)
                if not r or r >= now - 60:
                    r = self._between(t, due, 0.3, 0.9)
                r, prev, pr["fate"] = max(r, t + 120), t, "done"
                for _ in range(0 if rng.random() < 0.7 else 1 if rng.random() < 0.75 else 2):
                    a = self._between(prev, r, 0.2, 0.7)  # failed attempts first
                    if a - prev >= 60 and r - a >= 60:
                        self._later(pr, a, "return", _pick(rng, MISSED))
                        prev = a
                self._later(pr, r, "return", _pick(rng, DONE))

    def say(self, kind: str, person: Person, pr: dict | None, extra) -> tuple[str, str, str, str, str, str]:
        """(operator, direction, number, topic, note, outcome) of a call."""
        rng, data = self.rng, self.data
        if kind == "return":
            texts = data["callback_attempt"].get(extra) or data["callback_done"]
            back = carried(pr, kind)
            return back["as"], "out", back["e164"], back["topic"], self._fill(texts, person, back["as"]), extra
        numbers, op = person.numbers, pr["op"] if pr else rng.choice(self.ops)
        number = numbers[0][0] if len(numbers) == 1 or rng.random() < 0.8 else numbers[1][0]
        direction = "in" if pr or kind == "new" or rng.random() >= 0.18 else "out"
        outcome = "callback" if pr else _pick(rng, IN if direction == "in" else OUT)
        outcome = "resolved" if kind == "new" and outcome == "wrong_number" else outcome
        topic, extras = "", data["outcome_notes"]
        if outcome == "wrong_number":
            note = self._fill(extras[outcome], person, op)
        else:
            item = rng.choice(data["topics" if direction == "in" else "outbound"])
            topic, note = item["topic"], self._fill(item["notes"], person, op)
            note = f"{note} {self._fill(extras.get(outcome, ['']), person, op)}".strip()
        if pr:
            pr.update(e164=number, topic=topic)
        return op, direction, number, topic, note, outcome

    def _fill(self, texts: list[str], person: Person, op: str) -> str:
        rng = self.rng
        return rng.choice(texts).format(
            first=person.first or "them", colleague=rng.choice([o for o in self.ops if o != op] or self.ops).title(),
            num=rng.randint(10000, 99999), amount=f"{self.money}{rng.randint(40, 2400)}.{rng.choice(('00', '50', '95'))}",
            day=rng.choice(DAYS), time=rng.choice(TIMES), n=rng.randint(2, 12),
        )


MESSAGE_READ_WITHIN = 2 * 3600  # the demo's messages older than this have been read
MESSAGE_BOXES = (("returned",), ("will_call",), ("wants_to_see",), ())


def _message_for(plan: Plan, taker: str, t: int) -> tuple[str, tuple[str, ...]]:
    """Whom a demo message is for (a colleague of the taker) and its boxes: chosen from the
    call's time, not the random generator, so the rest of the demo stays as it was."""
    others = [o for o in plan.ops if o != taker] or plan.ops
    return others[t % len(others)], MESSAGE_BOXES[t // 60 % len(MESSAGE_BOXES)]


# -- a small desk, through the service --------------------------------------------------------
def _small(desk, plan: Plan) -> None:
    rng = plan.rng
    oldest = (plan.times[0] if plan.times else plan.now) - DAY
    created = sorted(rng.randint(oldest - 500 * DAY, oldest) for _ in plan.known)
    clock, saved = FixedClock(plan.now_dt), (desk.clock, desk.operator)
    desk.clock = clock
    try:
        with desk.store.write():
            for person, t in zip(plan.known, created, strict=True):
                clock.set(_dt(t))
                desk.operator = rng.choice(plan.ops)
                person.id = desk.customers.create_customer(person.name, person.company, person.notes).id
                for number, label in person.numbers:
                    desk.customers.add_phone(person.id, number, label, shared=True)  # switchboards are shared
        for start in range(0, len(plan.events), 200):
            with desk.store.write():
                for t, _, kind, person, pr, extra in plan.events[start : start + 200]:
                    clock.set(_dt(t))
                    if kind in ("cancel", "reschedule"):
                        moved = carried(pr, kind)
                        desk.operator = moved["as"]
                        if kind == "cancel":
                            desk.callbacks.cancel(moved["cb"], extra)
                        else:
                            desk.callbacks.reschedule(moved["cb"], _dt(extra[0]), extra[1])
                    else:
                        desk.operator, direction, number, topic, note, outcome = plan.say(kind, person, pr, extra)
                        callback_id, due, preset, assignee = None, None, "", ""
                        if kind == "return":
                            callback_id = carried(pr, kind)["cb"]
                        elif kind == "promise":
                            made = carried(pr, kind)
                            due = None if made["preset"] else _dt(made["due"])
                            preset, assignee = made["preset"], made["as"]
                        message_for, boxes = _message_for(plan, desk.operator, t) if outcome == "message" else ("", ())
                        logged = desk.log_call(NewCall(
                            phone=number, customer_id=person.id, name="" if person.id else person.name,
                            company="" if person.id else person.company, topic=topic, note=note, outcome=outcome,
                            direction=direction, at=_dt(t), uid=f"{rng.getrandbits(128):032x}",
                            callback_id=callback_id, callback_due=due, promise=preset, assignee=assignee,
                            message_for=message_for, boxes=boxes,
                        ))
                        person.id = logged.customer.id
                        if logged.message and t < plan.now - MESSAGE_READ_WITHIN:
                            desk.operator = logged.message.for_name  # read half an hour later
                            clock.set(_dt(t + MESSAGE_READ_WITHIN // 4))
                            desk.messages.read(logged.message.id)
                        if logged.callback:
                            carried(pr, kind)["cb"] = logged.callback.id
    finally:
        desk.clock, desk.operator = saved
