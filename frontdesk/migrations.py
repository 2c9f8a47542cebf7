"""The schema, as forward-only steps. Each step runs in its own transaction.

Never edit a step that has shipped: add a new one. `SCHEMA_STEPS` lists every step this
version knows; a database that has applied a step not in this list came from a newer
FrontDesk and is refused (see db.open_database).
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("frontdesk")

OUTCOME_CODES = (
    "connected", "resolved", "callback", "message", "transferred",
    "referred", "voicemail", "no_answer", "busy", "wrong_number",
)


def _script(db: Database, sql: str) -> None:
    """Run statements one by one inside the caller's transaction (executescript would commit)."""
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            db.execute(buffer)
            buffer = ""
    if buffer.strip():
        db.execute(buffer)


@migrations()
def m001_desk(db: Database) -> None:
    outcomes = ", ".join(f"'{code}'" for code in OUTCOME_CODES)
    _script(db, f"""
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    company TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    merged_into INTEGER REFERENCES customers(id),
    last_call_at TEXT
);
CREATE INDEX customers_name ON customers(name COLLATE NOCASE);
CREATE INDEX customers_company ON customers(company COLLATE NOCASE);
CREATE TABLE phones (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    e164 TEXT NOT NULL,
    ext TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (customer_id, e164, ext)
);
CREATE INDEX phones_e164 ON phones(e164);
CREATE TABLE calls (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    e164 TEXT NOT NULL DEFAULT '',
    ext TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    at TEXT NOT NULL,
    operator TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL CHECK (outcome IN ({outcomes})),
    callback_id INTEGER REFERENCES callbacks(id),
    created_at TEXT NOT NULL
);
CREATE INDEX calls_at ON calls(at);
CREATE INDEX calls_customer_at ON calls(customer_id, at);
CREATE INDEX calls_operator_at ON calls(operator, at);
CREATE INDEX calls_callback ON calls(callback_id) WHERE callback_id IS NOT NULL;
CREATE TABLE callbacks (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES calls(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    e164 TEXT NOT NULL DEFAULT '',
    promised_at TEXT NOT NULL,
    first_due_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    assignee TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    first_attempt_at TEXT,
    done_at TEXT,
    done_call_id INTEGER REFERENCES calls(id),
    kept_on_time INTEGER,
    waited_min INTEGER,
    cancel_reason TEXT NOT NULL DEFAULT '',
    snoozed_until TEXT,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX callbacks_state_due ON callbacks(state, due_at);
CREATE INDEX callbacks_customer ON callbacks(customer_id, state);
CREATE INDEX callbacks_call ON callbacks(call_id);
CREATE TABLE callback_events (
    id INTEGER PRIMARY KEY,
    callback_id INTEGER NOT NULL REFERENCES callbacks(id),
    at TEXT NOT NULL,
    operator TEXT NOT NULL,
    kind TEXT NOT NULL,
    due_before TEXT,
    due_after TEXT,
    reason TEXT NOT NULL DEFAULT '',
    call_id INTEGER REFERENCES calls(id)
);
CREATE INDEX callback_events_callback ON callback_events(callback_id, id);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    operator TEXT NOT NULL,
    customer_id INTEGER,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    action TEXT NOT NULL,
    field TEXT NOT NULL DEFAULT '',
    old TEXT,
    new TEXT
);
CREATE INDEX audit_customer ON audit(customer_id, id);
""")


@migrations()
def m002_search_and_drafts(db: Database) -> None:
    """Substring search of customers (name, company, any 3+ digits of a number), word search
    of call notes, and per-operator drafts of a call being typed."""
    _script(db, """
CREATE VIRTUAL TABLE customer_search USING fts5(name, company, numbers, tokenize='trigram');
CREATE TRIGGER customers_search_ai AFTER INSERT ON customers BEGIN
    INSERT INTO customer_search(rowid, name, company, numbers) VALUES (NEW.id, NEW.name, NEW.company, '');
END;
CREATE TRIGGER customers_search_au AFTER UPDATE OF name, company, merged_into ON customers BEGIN
    DELETE FROM customer_search WHERE rowid = NEW.id;
    INSERT INTO customer_search(rowid, name, company, numbers)
        SELECT NEW.id, NEW.name, NEW.company,
               coalesce((SELECT group_concat(substr(e164, 2), ' ') FROM phones WHERE customer_id = NEW.id), '')
        WHERE NEW.merged_into IS NULL;
END;
CREATE TRIGGER phones_search_ai AFTER INSERT ON phones BEGIN
    UPDATE customer_search SET numbers =
        coalesce((SELECT group_concat(substr(e164, 2), ' ') FROM phones WHERE customer_id = NEW.customer_id), '')
    WHERE rowid = NEW.customer_id;
END;
CREATE TRIGGER phones_search_ad AFTER DELETE ON phones BEGIN
    UPDATE customer_search SET numbers =
        coalesce((SELECT group_concat(substr(e164, 2), ' ') FROM phones WHERE customer_id = OLD.customer_id), '')
    WHERE rowid = OLD.customer_id;
END;
CREATE TRIGGER phones_search_au AFTER UPDATE ON phones BEGIN
    UPDATE customer_search SET numbers =
        coalesce((SELECT group_concat(substr(e164, 2), ' ') FROM phones WHERE customer_id = OLD.customer_id), '')
    WHERE rowid = OLD.customer_id;
    UPDATE customer_search SET numbers =
        coalesce((SELECT group_concat(substr(e164, 2), ' ') FROM phones WHERE customer_id = NEW.customer_id), '')
    WHERE rowid = NEW.customer_id;
END;
INSERT INTO customer_search(rowid, name, company, numbers)
    SELECT id, name, company,
           coalesce((SELECT group_concat(substr(e164, 2), ' ') FROM phones WHERE customer_id = customers.id), '')
    FROM customers WHERE merged_into IS NULL;
CREATE VIRTUAL TABLE call_search USING fts5(topic, note, content='calls', content_rowid='id');
CREATE TRIGGER calls_search_ai AFTER INSERT ON calls BEGIN
    INSERT INTO call_search(rowid, topic, note) VALUES (NEW.id, NEW.topic, NEW.note);
END;
CREATE TRIGGER calls_search_ad AFTER DELETE ON calls BEGIN
    INSERT INTO call_search(call_search, rowid, topic, note) VALUES ('delete', OLD.id, OLD.topic, OLD.note);
END;
CREATE TRIGGER calls_search_au AFTER UPDATE OF topic, note ON calls BEGIN
    INSERT INTO call_search(call_search, rowid, topic, note) VALUES ('delete', OLD.id, OLD.topic, OLD.note);
    INSERT INTO call_search(rowid, topic, note) VALUES (NEW.id, NEW.topic, NEW.note);
END;
INSERT INTO call_search(call_search) VALUES ('rebuild');
CREATE TABLE drafts (
    operator TEXT PRIMARY KEY,
    updated_at TEXT NOT NULL,
    payload TEXT NOT NULL
)
""")


@migrations()
def m003_acknowledge(db: Database) -> None:
    """Who acknowledged an overdue callback: once anyone has, it stops nagging every desk."""
    db.execute("ALTER TABLE callbacks ADD COLUMN acknowledged_by TEXT")
    db.execute("ALTER TABLE callbacks ADD COLUMN acknowledged_at TEXT")


@migrations()
def m004_lookup_indexes(db: Database) -> None:
    """Indexes for a lifetime's desk (100k customers, 1M calls). The first letters typed in the
    phone field (below the trigram index's 3) read the name and company indexes alone, already
    carrying what the query filters and sorts on, instead of one table row per match; the day
    summary counts the day's new customers without reading every customer."""
    _script(db, """
DROP INDEX customers_name;
DROP INDEX customers_company;
CREATE INDEX customers_name_recent ON customers(name COLLATE NOCASE, merged_into, last_call_at);
CREATE INDEX customers_company_recent ON customers(company COLLATE NOCASE, merged_into, last_call_at);
CREATE INDEX customers_created ON customers(created_at);
""")



# Every column that names a person at the desk, with the time that says when it was written
# (which spelling the desk saw first). Kept here as this step saw the schema: never edit it.
_PEOPLE_COLUMNS = (
    ("calls", "operator", "at"),
    ("callbacks", "assignee", "promised_at"),
    ("callbacks", "created_by", "promised_at"),
    ("callbacks", "acknowledged_by", "acknowledged_at"),
    ("callback_events", "operator", "at"),
    ("audit", "operator", "at"),
    ("customers", "created_by", "created_at"),
    ("settings", "updated_by", "updated_at"),
    ("drafts", "operator", "updated_at"),
)


@migrations()
def m005_operators(db: Database) -> None:
    """One person whatever the case and spaces: "Raj", "raj" and " raj " are one operator.
    `operators` holds each person once, keyed by the name casefolded with its spaces collapsed,
    with the desk's spelling: the first one it saw. Rows written before are rewritten to that
    spelling; of two drafts of one person, the newer stays."""
    _script(db, """
CREATE TABLE operators (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    first_seen_at TEXT NOT NULL
) WITHOUT ROWID;
""")
    first: dict[str, tuple[str, str]] = {}  # key -> (first seen, spelling)
    spellings: dict[str, set[str]] = {}  # key -> every stored spelling
    for table, column, stamp in _PEOPLE_COLUMNS:
        rows = db.execute(
            f"SELECT {column}, min(coalesce({stamp}, '')) FROM {table} "
            f"WHERE {column} IS NOT NULL AND {column} != '' GROUP BY {column}"
        ).fetchall()
        for spelling, seen in rows:
            shown = " ".join(spelling.split())
            if not shown:
                continue
            key = shown.casefold()
            spellings.setdefault(key, set()).add(spelling)
            if key not in first or (seen or "~", shown) < (first[key][0] or "~", first[key][1]):
                first[key] = (seen, shown)
    for key, (seen, name) in first.items():
        db.execute("INSERT INTO operators (key, name, first_seen_at) VALUES (?, ?, ?)", [key, name, seen or ""])
        others = sorted(spellings[key] - {name})
        if not others:
            continue
        marks = ",".join("?" * len(others))
        for table, column, _ in _PEOPLE_COLUMNS:
            if table == "drafts":
                continue
            db.execute(f"UPDATE {table} SET {column} = ? WHERE {column} IN ({marks})", [name, *others])
        drafts = db.execute(
            f"SELECT operator FROM drafts WHERE operator IN (?, {marks}) ORDER BY updated_at DESC, operator",
            [name, *others],
        ).fetchall()
        if drafts:
            keep = drafts[0][0]
            db.execute(f"DELETE FROM drafts WHERE operator IN (?, {marks}) AND operator != ?", [name, *others, keep])
            db.execute("UPDATE drafts SET operator = ? WHERE operator = ?", [name, keep])


@migrations()
def m006_phone_events(db: Database) -> None:
    """What the phone system reports about each call (ringing, answered, ended, missed), kept
    beside the call the receptionist logs. One row per call of a source (`cti`, `phone`,
    `cli`), keyed by that system's own call id; `call_id` is the logged call, `callback_id`
    the promise a missed call opened (or counted one more attempt on)."""
    _script(db, """
CREATE TABLE phone_calls (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    ext_id TEXT NOT NULL,
    direction TEXT NOT NULL DEFAULT 'in' CHECK (direction IN ('in', 'out')),
    number_raw TEXT NOT NULL DEFAULT '',
    e164 TEXT NOT NULL DEFAULT '',
    withheld INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL DEFAULT '',
    line TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('ringing', 'answered', 'ended')),
    answered_by TEXT NOT NULL DEFAULT '',
    cause TEXT NOT NULL DEFAULT '',
    rang_at TEXT NOT NULL,
    answered_at TEXT,
    ended_at TEXT,
    updated_at TEXT NOT NULL,
    customer_id INTEGER REFERENCES customers(id),
    call_id INTEGER REFERENCES calls(id),
    callback_id INTEGER REFERENCES callbacks(id),
    missed INTEGER NOT NULL DEFAULT 0,
    attempt INTEGER NOT NULL DEFAULT 0,
    seen INTEGER NOT NULL DEFAULT 0,
    UNIQUE (source, ext_id)
);
CREATE INDEX phone_calls_ringing ON phone_calls(state, rang_at);
CREATE INDEX phone_calls_rang ON phone_calls(rang_at);
CREATE INDEX phone_calls_number ON phone_calls(e164, rang_at);
CREATE INDEX phone_calls_missed ON phone_calls(rang_at) WHERE missed = 1;
CREATE INDEX phone_calls_unseen ON phone_calls(seen) WHERE missed = 1 AND seen = 0;
CREATE INDEX phone_calls_call ON phone_calls(call_id) WHERE call_id IS NOT NULL;
CREATE INDEX phone_calls_callback ON phone_calls(callback_id) WHERE callback_id IS NOT NULL;
""")



@migrations()
def m007_contacts(db: Database) -> None:
    """Contacts brought in from address books (`frontdesk import`): a customer's email
    addresses; one row per import (who brought which file in, when, and what it did); and the
    key of every contact an import created or updated, so that importing the same file again
    finds the same customers (also those kept without a number) and changes nothing."""
    _script(db, """
CREATE TABLE customer_emails (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    email TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (customer_id, email COLLATE NOCASE)
);
CREATE TABLE contact_imports (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    operator TEXT NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT ''
);
CREATE TABLE contact_keys (
    key TEXT PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    import_id INTEGER NOT NULL REFERENCES contact_imports(id)
) WITHOUT ROWID;
""")



@migrations()
def m008_messages(db: Database) -> None:
    """Messages taken for someone ("While You Were Out"): one per call whose outcome is 'message
    taken', for one person (operator key and the desk's spelling), with the pad's boxes, who took
    it, and who read it when (the first reader; reading marks it read for everyone). A message
    whose caller asked to be called back holds the callback promise it made."""
    _script(db, """
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL UNIQUE REFERENCES calls(id),
    for_key TEXT NOT NULL,
    for_name TEXT NOT NULL,
    please_call INTEGER NOT NULL DEFAULT 0,
    will_call INTEGER NOT NULL DEFAULT 0,
    returned INTEGER NOT NULL DEFAULT 0,
    wants_to_see INTEGER NOT NULL DEFAULT 0,
    urgent INTEGER NOT NULL DEFAULT 0,
    callback_id INTEGER REFERENCES callbacks(id),
    taken_by TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    read_at TEXT,
    read_by TEXT
);
CREATE INDEX messages_for ON messages(for_key, read_at, taken_at);
CREATE INDEX messages_unread ON messages(taken_at) WHERE read_at IS NULL;
""")



@migrations()
def m009_complaints(db: Database) -> None:
    """Complaints: a call marked as one stays open until resolved (by a later call, or by an
    explicit resolve that says what was done), then a follow-up promise checks how the customer
    feels. The customer is the call's (calls.customer_id follows merges), not stored twice."""
    _script(db, """
CREATE TABLE complaints (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL UNIQUE REFERENCES calls(id),
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
    resolved_at TEXT,
    resolved_by TEXT,
    resolution TEXT CHECK (resolution IN ('apology', 'refund', 'replacement', 'goodwill', 'explanation')),
    resolution_note TEXT NOT NULL DEFAULT '',
    resolved_call_id INTEGER REFERENCES calls(id),
    minutes_to_resolve INTEGER,
    followup_callback_id INTEGER REFERENCES callbacks(id),
    followup_result TEXT CHECK (followup_result IN ('better', 'same', 'worse', 'no_answer')),
    followup_at TEXT,
    followup_call_id INTEGER REFERENCES calls(id),
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX complaints_state_opened ON complaints(state, opened_at);
CREATE INDEX complaints_opened ON complaints(opened_at);
CREATE INDEX complaints_resolved ON complaints(resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX complaints_followup_at ON complaints(followup_at) WHERE followup_at IS NOT NULL;
CREATE INDEX complaints_followup ON complaints(followup_callback_id) WHERE followup_callback_id IS NOT NULL;
""")


SCHEMA_STEPS = tuple(m.name for m in migrations._migrations)
# db.py names the same steps (so an up-to-date file opens without importing this module and
# sqlite-utils); tests/core/test_migrations.py keeps the two lists equal.
