"""Bringing an address book in at a lifetime's scale: `frontdesk import` of a 10,000-contact
vCard file into the 100,000-customer desk (a process, on a copy of the bench database), the
re-import of the same file (which must change nothing), and the peak memory of each, beside a
bare baseline in the same run: a python + sqlite3 script inserting the same customers and
numbers (already parsed) in one transaction. A second, different file of a tenth the size is
imported too: its peak memory beside the big one's shows memory does not grow with the file."""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from core_figures import _run_measured
from dataset import FRONTDESK, desk_env
from figures import Results

FIRST = ("Maria", "James", "Aisha", "Chen", "Olga", "Pedro", "Fatima", "Noah", "Ingrid", "Kofi", "Yuki", "Liam",
         "Zoë", "José", "Émile", "Priya", "Tomasz", "Sven", "Amara", "Dmitri")
LAST = ("Lopez", "Smith", "Khan", "Wei", "Petrova", "Silva", "Haddad", "Brown", "Larsen", "Mensah", "Sato",
        "Murphy", "Brontë", "García", "Zola", "Patel", "Nowak", "Berg", "Okafor", "Ivanov")
COMPANIES = ("", "", "Acme Ltd", "Northwind", "Globex", "Initech", "Umbrella Co", "Stark Freight")


def _card(name: str, company: str, numbers: list[tuple[str, str]], email: str, note: str) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}"]
    given, _, family = name.rpartition(" ")
    lines.append(f"N:{family};{given};;;")
    if company:
        lines.append(f"ORG:{company}")
    lines += [f"TEL;TYPE={kind}:{number}" for number, kind in numbers]
    if email:
        lines.append(f"EMAIL;TYPE=INTERNET:{email}")
    if note:
        lines.append(f"NOTE:{note}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def write_book(path: Path, rows: Path, n: int, seed: int, existing: list[tuple[str, str]], area: str) -> None:
    """n contacts as a vCard file, and the same customers and numbers as JSON lines for the
    bare script: 10% are customers the desk has (same name and number: updated or unchanged),
    the rest new people with 1-3 numbers in `area`."""
    rng = random.Random(seed)
    used: set[str] = set()
    with path.open("w", encoding="utf-8", newline="") as book, rows.open("w", encoding="utf-8") as plain:
        for i in range(n):
            if existing and i % 10 == 0:
                name, e164 = existing[(i // 10) % len(existing)]
                company, numbers = "", [(e164, "CELL")]
            else:
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                company = rng.choice(COMPANIES)
                numbers = []
                for kind in rng.sample(("CELL", "WORK", "HOME"), rng.randint(1, 3)):
                    while True:
                        number = f"+1{area}{rng.randint(2000000, 9999999)}"
                        if number not in used:
                            used.add(number)
                            break
                    numbers.append((number, kind))
            email = f"{name.split()[0].lower()}.{i}@example.test" if i % 3 == 0 else ""
            note = f"Imported contact {i}; prefers mornings" if i % 5 == 0 else ""
            book.write(_card(name, company, numbers, email, note))
            plain.write(json.dumps([name, company, note, [n for n, _ in numbers]]) + "\n")


RAW_IMPORT = r"""
import json, sqlite3, sys
db, rows = sys.argv[1:3]
conn = sqlite3.connect(db, isolation_level=None)
conn.execute("PRAGMA synchronous = FULL")
conn.execute("BEGIN IMMEDIATE")
for line in open(rows, encoding="utf-8"):
    name, company, note, numbers = json.loads(line)
    cid = conn.execute("INSERT INTO customers (name, company, notes, created_at, updated_at) "
                       "VALUES (?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                       [name, company, note]).lastrowid
    for e164 in numbers:
        conn.execute("INSERT OR IGNORE INTO phones (customer_id, e164, created_at) VALUES (?, ?, '2026-01-01T00:00:00Z')",
                     [cid, e164])
conn.execute("COMMIT")
"""


def _counts(db: Path) -> tuple[int, ...]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM phones), "
                            "(SELECT count(*) FROM customer_emails), (SELECT count(*) FROM audit)").fetchone()
    finally:
        conn.close()


def _copy(db: Path, to: Path) -> None:
    source = sqlite3.connect(db)
    try:
        target = sqlite3.connect(to)
        with target:
            source.backup(target)
        target.close()
    finally:
        source.close()


def _undo_bare(db: Path, last_customer: int) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM phones WHERE customer_id > ?", [last_customer])
        conn.execute("DELETE FROM customer_search WHERE rowid > ?", [last_customer])
        conn.execute("DELETE FROM customers WHERE id > ?", [last_customer])
        conn.execute("COMMIT")
    finally:
        conn.close()


def bench_import(db: Path, results: Results, contacts: int = 10_000) -> None:
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-import-") as tmp:
        folder = Path(tmp)
        copy = folder / "desk.db"
        print(f"bench: copying {db} for the import...", file=sys.stderr, flush=True)
        _copy(db, copy)
        env = desk_env(copy)
        conn = sqlite3.connect(copy)
        existing = conn.execute(
            """SELECT customers.name, phones.e164 FROM phones JOIN customers ON customers.id = phones.customer_id
               WHERE phones.id % 97 = 5 AND customers.name != '' AND customers.merged_into IS NULL
               LIMIT 2000""").fetchall()
        last = conn.execute("SELECT max(id) FROM customers").fetchone()[0]
        before = conn.execute("SELECT count(*) FROM customers").fetchone()[0]
        conn.close()
        book, rows = folder / "book.vcf", folder / "rows.jsonl"
        small, small_rows = folder / "small.vcf", folder / "small.jsonl"
        write_book(book, rows, contacts, 1, existing, "470")
        write_book(small, small_rows, contacts // 10, 2, [], "678")
        # The bare baseline first (its rows are taken out again), then FrontDesk's import.
        bare = _run_measured([sys.executable, "-c", RAW_IMPORT, str(copy), str(rows)], env)
        _undo_bare(copy, last)

        def ours(path: Path) -> tuple[float, float]:
            return _run_measured([*FRONTDESK, "import", str(path)], env)

        first = ours(book)
        counted = _counts(copy)
        again = ours(book)
        if _counts(copy) != counted:
            raise SystemExit(f"bench: the re-import changed something: {counted} -> {_counts(copy)}")
        small_run = ours(small)
        made = _counts(copy)[0] - before
        print(f"bench: the imports made {made:,} customers ({contacts // 10:,} of them from the small file); "
              "the re-import changed nothing", file=sys.stderr)
        label = f"{contacts:,} contacts"
        results.add("import", f"import {label} (vCard) into the desk (process)", "s", [first[0]], [bare[0]],
                    "python + sqlite3 inserts of the same rows", "< 10 s", lambda r: r["p99"] < 10)
        results.add("reimport", f"import the same {label} again: nothing changes (process)", "s", [again[0]],
                    [bare[0]], "python + sqlite3 inserts of the same rows", "< first import",
                    lambda r: r["median"] < first[0])
        results.add("import_mem", f"peak memory of that import ({label})", "MB", [first[1]], [bare[1]],
                    "python + sqlite3 inserts of the same rows", "< 150 MB", lambda r: r["p99"] < 150)
        results.add("import_mem_small", f"peak memory importing {contacts // 10:,} contacts (a tenth)", "MB",
                    [small_run[1]], None, "", f"within 10% of the {label} peak",
                    lambda r: abs(r["median"] - first[1]) <= 0.1 * first[1])
        with contextlib.suppress(OSError):
            shutil.rmtree(folder)
