"""A fixed desk for the owner's week: five weeks of calls (the week of Monday 16 November 2026
and the four before it) logged through the service with a fixed clock, with promises kept and
late, complaints opened, resolved and followed up, repeat callers, topics spelled three ways
and untrusted text. The same seed gives the same desk, so the week's golden files hold."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from frontdesk.clock import FixedClock
from frontdesk.services import Desk, NewCall

NY = ZoneInfo("America/New_York")
REPORT_WEEK = date(2026, 11, 16)
FIRST_WEEK = date(2026, 10, 19)
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=NY)  # Monday morning after the report week

PEOPLE = [
    ("Ana Lopez", "404 555 0101"), ("Bob Stone", "404 555 0102"), ("Cy Young", "404 555 0103"),
    ("Dee <script>alert('x')</script>", "404 555 0104"), ("=HYPERLINK(\"http://x\")", "404 555 0105"),
    ("Eve | Pipes *bold*", "404 555 0106"), ("Fay Wong", "404 555 0107"), ("Gus Hale", "404 555 0108"),
    ("Hal Berg", "404 555 0109"), ("Ivy Chen", "404 555 0110"),
]
TOPICS = ["Billing", "billing ", "BILLING", "Delivery  late", "delivery late", "Quote", "Warranty",
          "Opening hours", "Password reset"]
NEW_THIS_WEEK = ["Recall <notice>", "Price increase"]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)


def fill_week_desk(desk: Desk, clock: FixedClock, seed: int = 15) -> None:
    rng = random.Random(seed)
    promises = []
    for week in range(5):
        monday = FIRST_WEEK + timedelta(days=7 * week)
        busy = 6 + 2 * week  # the desk gets busier week by week
        for offset in range(6 if week == 4 else 5):  # the report week has a Saturday too
            day = monday + timedelta(days=offset)
            for n in range(busy + rng.randrange(4)):
                hour = rng.choice((9, 9, 10, 10, 10, 11, 11, 12, 13, 14, 14, 15, 16))
                when = at(day, hour, rng.randrange(60))
                name, phone = rng.choice(PEOPLE)
                topics = TOPICS + (NEW_THIS_WEEK if week == 4 else [])
                topic = rng.choice(topics)
                outcome = rng.choice(("resolved", "resolved", "resolved", "message", "callback"))
                direction = "out" if n % 5 == 4 else "in"
                clock.set(when)
                logged = desk.log_call(NewCall(
                    phone=phone, name=name, topic=topic, note=f"note {n} <b>bold</b>", direction=direction,
                    at=when, outcome=outcome, promise="1bh" if outcome == "callback" else "",
                    complaint=(n in (3, 7) and offset in (0, 2, 4)), uid=f"w{week}-{offset}-{n}"))
                if logged.callback is not None:
                    promises.append(logged)
    # Return most promises: some on time, some late, some never (still open).
    for i, logged in enumerate(promises):
        if i % 7 == 6:
            continue
        due = logged.callback.due_at
        back = due - timedelta(minutes=20) if i % 3 else due + timedelta(minutes=45 + i)
        if back > NOW:
            continue
        clock.set(back)
        desk.log_call(NewCall(customer_id=logged.customer.id, direction="out", at=back, outcome="resolved",
                              callback_id=logged.callback.id, topic=logged.call.topic))
    # Two complaints nobody resolves: one from the first week, one on the report week's Friday.
    for name, phone, when in (("Kim Old", "404 555 0111", at(FIRST_WEEK + timedelta(days=8), 11, 5)),
                              ("Jo Quiet", "404 555 0112", at(REPORT_WEEK + timedelta(days=4), 15, 30))):
        clock.set(when)
        desk.log_call(NewCall(phone=phone, name=name, topic="Rude driver", at=when, outcome="message",
                              complaint=True))
    # Resolve some of the complaints still open explicitly; follow up most of those resolved.
    everything = desk.store.complaints.where("1", [], "complaints.id", 1000)
    for j, complaint in enumerate(everything):
        if complaint.state == "open" and j % 2 == 0 and complaint.caller not in ("Kim Old", "Jo Quiet"):
            clock.set(complaint.opened_at + timedelta(hours=3 + j))
            desk.complaints.resolve(complaint.id, ("apology", "refund", "replacement", "goodwill",
                                                   "explanation")[j % 5], f"done {j}")
    for j, complaint in enumerate(desk.store.complaints.where("complaints.state = 'resolved'", [],
                                                              "complaints.id", 1000)):
        if complaint.followup_state != "open" or complaint.followup_due_at >= NOW or j % 4 == 3:
            continue
        when = complaint.followup_due_at
        clock.set(when)
        feeling = ("better", "same", "worse", "no_answer", "better")[j % 5]
        desk.log_call(NewCall(customer_id=complaint.customer_id, direction="out", at=when,
                              outcome="no_answer" if feeling == "no_answer" else "resolved",
                              callback_id=complaint.followup_callback_id, feeling=feeling))
    clock.set(NOW)


def make_week_desk(store, env) -> tuple[Desk, FixedClock]:
    clock = FixedClock(NOW)
    desk = Desk(store, clock, "ann", env=env)
    fill_week_desk(desk, clock)
    return desk, clock


ENV_FOR_RENDER = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}
