"""The lifetime-sized desk the bench measures: built once, deterministically, under
~/.cache/frontdesk-bench and reused while its counts and generator version match; today's calls
topped up once a day; the words a lookup is timed with; how the bench opens the desk, in this
process (open_desk) or as a `frontdesk` process (FRONTDESK, desk_env); and how it removes the
calls it wrote (remove_calls)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import sqlite3
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

from frontdesk.clock import FixedClock, SystemClock, to_iso
from frontdesk.db import open_database
from frontdesk.services import Desk, NewCall
from frontdesk.settings import from_rows
from frontdesk.store import Store

GENERATOR = 1  # bump when the bench database's contents change: old files are rebuilt
SEED = 7
DESK_ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}
ZONE = ZoneInfo(DESK_ENV["TZ"])
BUSY_DAY_CALLS = 5_000
BUSY_CUSTOMER_CALLS = 2_000
TODAY_CALLS = 250  # today's calls are topped up to this, so the desk opens on a full page
BUSY_NAME, WRITER_NAME = "Quinn Bigcaller", "Bench Writer"
OPERATOR = "bench"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "frontdesk-bench"
FRONTDESK = [str(Path(sys.executable).with_name("frontdesk"))]
if not Path(FRONTDESK[0]).exists():
    FRONTDESK = [sys.executable, "-m", "frontdesk"]


def desk_env(db: Path, operator: str = OPERATOR) -> dict[str, str]:
    """The environment a `frontdesk` process (or the bare app beside it) opens the bench desk with."""
    return {"FRONTDESK_DB": str(db), "FRONTDESK_OPERATOR": operator, **DESK_ENV}


def meta_path(db: Path) -> Path:
    return db.with_name(db.name + ".json")


def open_desk(db: Path, clock=None, operator: str = OPERATOR) -> Desk:
    return Desk(Store(open_database(db)), clock or SystemClock(), operator, env=DESK_ENV)


def counts(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM calls)").fetchone()
    finally:
        conn.close()


def reusable(db: Path, customers: int, calls: int) -> dict | None:
    meta_file = meta_path(db)
    if not (db.exists() and meta_file.exists()):
        return None
    try:
        meta = json.loads(meta_file.read_text())
    except ValueError:
        return None
    if (meta.get("generator"), meta.get("customers"), meta.get("calls"), meta.get("seed")) != (
            GENERATOR, customers, calls, SEED):
        return None
    have_customers, have_calls = counts(db)
    if have_customers < customers or have_calls < calls:
        return None
    return meta


def _notes(rng: random.Random, data: dict) -> tuple[str, str]:
    item = rng.choice(data["topics"])
    note = rng.choice(item["notes"]).format(
        first="them", colleague="Sam", num=rng.randint(10000, 99999), amount=f"${rng.randint(40, 2400)}.00",
        day=rng.choice(("Monday", "Tuesday", "Friday")), time="10:00", n=rng.randint(2, 12))
    return item["topic"], note


def _free_number(desk: Desk, rng: random.Random) -> str:
    for _ in range(10_000):
        number = f"+1 404 555 {rng.randint(0, 9999):04d}"
        parsed = desk.customers.parse_phone(number)
        if not desk.store.customers_with_number(parsed.e164):
            return number
    raise SystemExit("bench: no free phone number for the bench customers")


def _business_times(rng: random.Random, first: date, last: date, n: int) -> list[datetime]:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    found = []
    for _ in range(n):
        day = rng.choice(days)
        local = datetime.combine(day, dtime(9), tzinfo=ZONE) + timedelta(seconds=rng.randint(0, 8 * 3600 - 1))
        found.append(local.astimezone(UTC))
    return sorted(found)


def build(db: Path, customers: int, calls: int) -> dict:
    """fill_demo's bulk desk, then the cases the targets name: a customer with 2,000 calls and a
    day with 5,000. Same seed and build minute: same rows."""
    from frontdesk.demo import fill_demo
    from frontdesk.paths import data_dir

    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", ".json"):
        with contextlib.suppress(FileNotFoundError):
            (db.with_name(db.name + suffix)).unlink()
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    clock = FixedClock(now)
    desk = open_desk(db, clock)
    desk.save_settings(from_rows({}, DESK_ENV))
    t0 = time.perf_counter()
    print(f"bench: building {db} ({customers:,} customers, {calls:,} calls)...", file=sys.stderr, flush=True)
    summary = fill_demo(desk, seed=SEED, customers=customers, calls=calls)
    rng = random.Random(f"frontdesk-bench/{SEED}/{customers}/{calls}")
    data = json.loads((data_dir() / "demo.json").read_text(encoding="utf-8"))
    today = now.astimezone(ZONE).date()
    busy_day = today - timedelta(days=1)
    while busy_day.weekday() >= 5:
        busy_day -= timedelta(days=1)
    with desk.store.write():
        busy = desk.customers.create_customer(BUSY_NAME, "Bigcaller Freight", numbers=(_free_number(desk, rng),))
        writer = desk.customers.create_customer(WRITER_NAME, "", numbers=(_free_number(desk, rng),))
        phone = busy.phones[0].e164
        promised = None
        for i, at in enumerate(_business_times(rng, today - timedelta(days=729), today - timedelta(days=1),
                                               BUSY_CUSTOMER_CALLS)):
            topic, note = _notes(rng, data)
            if promised is not None:  # the previous call promised a callback: this one returns it
                logged = desk.log_call(NewCall(phone=phone, customer_id=busy.id, topic=topic, note=note,
                                               direction="out", outcome="resolved", at=at,
                                               callback_id=promised, uid=f"bench-busy-{i}"))
                promised = None
            else:
                ask = i % 25 == 0 and i < BUSY_CUSTOMER_CALLS - 1
                logged = desk.log_call(NewCall(
                    phone=phone, customer_id=busy.id, topic=topic, note=note, at=at, uid=f"bench-busy-{i}",
                    outcome="callback" if ask else rng.choice(("resolved", "message", "transferred")),
                    callback_due=at + timedelta(minutes=30) if ask else None, assignee="bench"))
                promised = logged.callback.id if logged.callback else None
    start, end = desk.day_bounds(busy_day)
    have = len(desk.store.calls_between(start, end, limit=BUSY_DAY_CALLS))
    ids = [r[0] for r in desk.store.db.conn.execute(
        "SELECT customer_id FROM phones ORDER BY id LIMIT 20000").fetchall()]
    phones_of = dict(desk.store.db.conn.execute("SELECT customer_id, e164 FROM phones ORDER BY id DESC").fetchall())
    extra = BUSY_DAY_CALLS - have
    with desk.store.write():
        for i in range(extra):
            at = start + timedelta(hours=14) + timedelta(seconds=rng.randint(0, 9 * 3600))  # 09:00-18:00
            customer_id = rng.choice(ids)
            topic, note = _notes(rng, data)
            desk.log_call(NewCall(phone=phones_of[customer_id], customer_id=customer_id, topic=topic, note=note,
                                  at=at, outcome=rng.choice(("resolved", "message", "connected")),
                                  direction=rng.choice(("in", "in", "in", "out")), uid=f"bench-day-{i}"))
    desk.store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    desk.store.close()
    meta = {
        "generator": GENERATOR, "seed": SEED, "customers": customers, "calls": calls,
        "built_at": to_iso(now), "build_seconds": round(time.perf_counter() - t0, 1), "summary": summary,
        "busy_customer": busy.id, "writer_customer": writer.id, "busy_day": busy_day.isoformat(),
    }
    meta_path(db).write_text(json.dumps(meta, indent=2))
    print(f"bench: built in {meta['build_seconds']} s: {summary}", file=sys.stderr, flush=True)
    return meta


def top_up_today(db: Path) -> None:
    """The desk opens on today's calls: make sure today (desk-local) has a full page of them."""
    desk = open_desk(db)
    try:
        start, end = desk.day_bounds(desk.today())
        have = len(desk.store.calls_between(start, end, limit=TODAY_CALLS))
        if have >= TODAY_CALLS:
            return
        rng = random.Random(f"frontdesk-bench/today/{desk.today()}")
        now = desk.clock.now()
        span = max(60, int((min(now, end) - start).total_seconds()) - 60)
        picks = desk.store.db.conn.execute(
            "SELECT customer_id, e164 FROM phones WHERE id % 97 = 3 LIMIT ?", [TODAY_CALLS]).fetchall()
        with desk.store.write():
            for i in range(TODAY_CALLS - have):
                customer_id, e164 = picks[i % len(picks)]
                desk.log_call(NewCall(phone=e164, customer_id=customer_id, topic="Delivery", at=start + timedelta(
                    seconds=rng.randint(0, span)), note="Asked when the parcel arrives.", uid=f"bench-today-{desk.today()}-{i}"))
    finally:
        desk.store.close()


def lookup_words(db: Path, n: int) -> tuple[list[str], list[str]]:
    """What people type: the first or last 4 digits of a known national number; 3 letters of a
    known first name, last name or company."""
    rng = random.Random(11)
    conn = sqlite3.connect(db)
    numbers = [r[0] for r in conn.execute("SELECT e164 FROM phones WHERE e164 LIKE '+1%' AND id % 13 = 0 LIMIT 2000")]
    names = [r[0] for r in conn.execute(
        "SELECT name FROM customers WHERE name != '' AND id % 7 = 0 LIMIT 2000")]
    conn.close()
    digits = []
    for e164 in rng.sample(numbers, min(n, len(numbers))):
        national = e164[2:]
        digits.append(national[:4] if rng.random() < 0.5 else national[-4:])
    letters = []
    for name in rng.sample(names, min(n, len(names))):
        word = rng.choice(name.split())
        letters.append(word[:3].lower() if len(word) >= 3 else name[:3].lower())
    return digits, letters


def remove_calls(desk: Desk, uid_like: str) -> None:
    """Delete the calls the bench wrote (uid LIKE uid_like), with their callbacks and events."""
    with desk.store.write():
        sql = desk.store.db.conn.execute
        calls = "SELECT id FROM calls WHERE uid LIKE ?"
        sql(f"DELETE FROM callback_events WHERE callback_id IN (SELECT id FROM callbacks WHERE call_id IN ({calls}))",
            [uid_like])
        sql(f"DELETE FROM callbacks WHERE call_id IN ({calls})", [uid_like])
        sql("DELETE FROM calls WHERE uid LIKE ?", [uid_like])
