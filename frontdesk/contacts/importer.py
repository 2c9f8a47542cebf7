"""Bringing an address book in: every contact matched to the desk's customers and applied in
one transaction.

Two passes. The first reads each file (streaming: memory does not grow with the file), parses
names and numbers with the desk's region, and spools the prepared contacts to a temporary file;
a file that cannot be read is refused here, before anything is written. The second takes the
write lock once and applies the spooled contacts: every one lands, or (an error, Ctrl-C, a
crash) none does. `--dry-run` runs the very same second pass and rolls it back, so it reports
exactly what an import would do.

Matching, so nothing is duplicated:
- a contact whose number belongs to a customer of the same name (case, accents and spacing
  ignored) updates that customer: numbers, emails and an empty name or company are added,
  notes are appended when the customer's notes do not hold them yet; nothing typed at the
  desk is overwritten;
- the same number under another name is a second person at that number (a switchboard): a new
  customer sharing the number, reported as such, and both records' audit trails say so;
- a contact an earlier import created or updated is found again by its key (name, numbers and
  emails), also one kept without a number;
- everything else is a new customer.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .. import phones
from ..errors import DeskError
from ..limits import LONG_TEXT, SHORT_TEXT
from ..text import clean
from .model import Contact, name_key, person_key
from .numbers import parse_number
from .source import Opened, inspect, text_lines, text_stream

if TYPE_CHECKING:
    from ..services import Desk

Progress = Callable[[str, int, int | None], None]  # (phase, done, total or None)
FIRST_PROBLEMS = 20
REPORT_HEADER = ("File", "Where", "Contact", "Fate", "Customer ID", "Numbers", "Details")
NOT_UNDERSTOOD = "Numbers not understood (imported as written):"


class _DryRun(Exception):
    """Raised at the end of a dry run's transaction so that it rolls back."""


@dataclass
class Prepared:
    """A contact ready to apply: cleaned text, numbers in E.164, what could not be kept as a
    number, and why it is skipped (if it is)."""

    file: int
    where: str
    name: str
    company: str
    numbers: list[tuple[str, str, str]]  # (e164, ext, label)
    bad: list[tuple[str, str]]  # (text, label): numbers not understood
    emails: list[tuple[str, str]]
    notes: str
    skip: str = ""

    @property
    def shown(self) -> str:
        if self.name and self.company:
            return f"{self.name} ({self.company})"
        return self.name or self.company or "(no name)"

    def key(self) -> str:
        """What identifies the contact across imports of the same file."""
        data = [person_key(self.name, self.company), name_key(self.company),
                sorted(f"{e}x{x}" for e, x, _ in self.numbers), sorted(t for t, _ in self.bad),
                sorted(a.casefold() for a, _ in self.emails)]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:32]


@dataclass
class Summary:
    """What an import did (or would do, for a dry run)."""

    files: list[str] = field(default_factory=list)
    dry_run: bool = False
    contacts: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    shared: int = 0
    skipped: Counter = field(default_factory=Counter)
    not_understood: int = 0
    problems: list[str] = field(default_factory=list)
    import_ids: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def problem(self, text: str) -> None:
        if len(self.problems) < FIRST_PROBLEMS:
            self.problems.append(text)

    def counts(self) -> dict[str, Any]:
        return {"contacts": self.contacts, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "shared_numbers": self.shared,
                "skipped": dict(self.skipped), "numbers_not_understood": self.not_understood}

    def lines(self) -> list[str]:
        """The summary a person reads: what happened, then the first problems."""
        verb = "would be " if self.dry_run else ""
        what = ", ".join(self.files) or "nothing"
        head = f"{'dry run of ' if self.dry_run else ''}{what}: {self.contacts:,} contact{'s' if self.contacts != 1 else ''}"
        lines = [head,
                 f"  {self.created:,} {verb}created, {self.updated:,} {verb}updated, "
                 f"{self.unchanged:,} unchanged, {sum(self.skipped.values()):,} skipped"]
        if self.shared:
            lines.append(f"  {self.shared:,} shared number{'s' if self.shared != 1 else ''}: a second person "
                         "at a number another customer has (a switchboard)")
        for reason, n in sorted(self.skipped.items()):
            lines.append(f"  skipped, {reason}: {n:,}")
        if self.not_understood:
            lines.append(f"  {self.not_understood:,} number{'s' if self.not_understood != 1 else ''} not understood: "
                         "kept as written in the customer's notes")
        if self.problems:
            lines.append("  first problems:")
            lines += [f"    {p}" for p in self.problems]
        if not self.changed and self.contacts:
            lines.append("nothing changed: every contact is already on the desk" if not sum(self.skipped.values())
                         else "nothing changed")
        elif self.dry_run:
            lines.append("dry run: nothing was changed")
        return lines


@dataclass
class _Target:
    id: int
    name: str
    company: str
    notes: str
    version: int


class ContactImport:
    """`frontdesk import` and the app's import: `ContactImport(desk, ...).run(paths)`."""

    def __init__(self, desk: Desk, *, region: str | None = None, fmt: str = "auto",
                 keep_without_phone: bool = False, dry_run: bool = False,
                 progress: Progress | None = None, report: IO[str] | None = None) -> None:
        self.desk = desk
        self.region = (region or desk.region).upper()
        if not phones.supported_region(self.region):
            raise DeskError(f"unknown region '{region}' (two letters, e.g. US, GB, DE)", "region")
        self.fmt = fmt
        self.keep_without_phone = keep_without_phone
        self.dry_run = dry_run
        self.progress = progress or (lambda phase, done, total: None)
        self.report = csv.writer(report, lineterminator="\r\n") if report is not None else None
        self.summary = Summary(dry_run=dry_run)

    # -- pass 1: read and prepare -------------------------------------------------------------
    def _contacts(self, opened: Opened, file: IO[bytes]) -> Iterator[Contact]:
        if opened.format == "vcard":
            from .vcard import read_vcards

            return read_vcards(text_lines(opened, file))
        from .csvfile import read_csv

        return read_csv(text_stream(opened, file), str(opened.path))

    def prepare(self, contact: Contact, file: int) -> Prepared:
        name = clean(contact.name, multiline=False)
        company = clean(contact.company, multiline=False)
        numbers: list[tuple[str, str, str]] = []
        bad: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        for raw in contact.phones:
            text = clean(raw.text, multiline=False)
            label = clean(raw.label, multiline=False)[:60]
            if not text:
                continue
            number = parse_number(text, self.region)
            if number is None:
                if (text, label) not in bad:
                    bad.append((text, label))
            elif (number.e164, number.ext) not in seen:
                seen.add((number.e164, number.ext))
                numbers.append((number.e164, number.ext, label))
        emails: list[tuple[str, str]] = []
        for address, label in contact.emails:
            address = clean(address, multiline=False)
            if address and address.casefold() not in {a.casefold() for a, _ in emails}:
                emails.append((address[:SHORT_TEXT], clean(label, multiline=False)[:60]))
        notes = [clean(n) for n in contact.notes if clean(n)]
        if bad:
            notes.append(NOT_UNDERSTOOD + " " + ", ".join(f"{label}: {text}" if label else text
                                                          for text, label in bad))
        prepared = Prepared(file, contact.where, name, company, numbers, bad, emails, "\n".join(notes))
        if not (name or company) and not numbers:
            prepared.skip = "no name and no number"
        elif not numbers and not bad and not self.keep_without_phone:
            prepared.skip = "no phone number (--keep-without-phone imports it)"
        elif len(name) > SHORT_TEXT or len(company) > SHORT_TEXT:
            prepared.skip = f"name or company longer than {SHORT_TEXT} characters"
        elif len(prepared.notes) > LONG_TEXT:
            prepared.skip = f"notes longer than {LONG_TEXT:,} characters"
        return prepared

    def _read(self, paths: list[Path], spool: IO[str]) -> list[tuple[Path, Opened, str]]:
        files = []
        for i, path in enumerate(paths):
            opened = inspect(path, self.fmt)
            digest = hashlib.sha256()
            with path.open("rb") as raw:
                for block in iter(lambda: raw.read(1 << 20), b""):
                    digest.update(block)
            files.append((path, opened, digest.hexdigest()))
            count = 0
            with path.open("rb") as raw:
                for contact in self._contacts(opened, raw):
                    prepared = self.prepare(contact, i)
                    spool.write(json.dumps(prepared.__dict__, ensure_ascii=False) + "\n")
                    count += 1
                    if count % 200 == 0:
                        self.progress(f"reading {path.name}", count, None)
            if count == 0:
                raise DeskError(f"{path}: no contacts found in it; nothing was imported")
            self.progress(f"reading {path.name}", count, None)
        return files

    # -- pass 2: apply --------------------------------------------------------------------------
    def run(self, paths: list[Path]) -> Summary:
        if not paths:
            raise DeskError("name at least one file to import")
        with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
            files = self._read([Path(p) for p in paths], spool)
            total = sum(1 for _ in _rewound(spool))
            self.summary.files = [p.name for p, _, _ in files]
            store = self.desk.store
            try:
                with store.write():
                    now = self.desk.clock.now()
                    ids = [store.contacts.start_import(now, self.desk.operator, str(path.resolve()), digest,
                                                       opened.format) for path, opened, digest in files]
                    self.summary.import_ids = ids
                    for done, line in enumerate(_rewound(spool), 1):
                        self.apply(Prepared(**json.loads(line)), ids, [p.name for p, _, _ in files])
                        if done % 100 == 0 or done == total:
                            self.progress("importing", done, total)
                    for import_id in ids:
                        store.contacts.finish_import(import_id, json.dumps(self.summary.counts()))
                    if self.dry_run:
                        raise _DryRun
            except _DryRun:
                self.summary.import_ids = []
        return self.summary

    def _write_report(self, prepared: Prepared, names: list[str], fate: str, customer_id: int | None,
                      details: str) -> None:
        if self.report is None:
            return
        from ..export import csv_cell

        numbers = " ".join(f"{e}{' ext. ' + x if x else ''}" for e, x, _ in prepared.numbers)
        row = (names[prepared.file], prepared.where, prepared.shown, fate, customer_id, numbers, details)
        self.report.writerow([csv_cell(v) for v in row])

    def apply(self, p: Prepared, import_ids: list[int], names: list[str]) -> None:
        s = self.summary
        s.contacts += 1
        if p.skip:
            s.skipped[p.skip] += 1
            if p.bad:
                s.problem(f"{names[p.file]} {p.where} {p.shown}: skipped ({p.skip}); "
                          f"numbers not understood: {', '.join(t for t, _ in p.bad)}")
            self._write_report(p, names, "skipped", None, p.skip)
            return
        store = self.desk.store
        records = self.desk.customers
        now = self.desk.clock.now()
        me = person_key(p.name, p.company)
        target: _Target | None = None
        others: dict[tuple[str, str], list[dict]] = {}  # number -> customers of other names having it
        for e164, ext, _label in p.numbers:
            for holder in store.contacts.holders(e164):
                if target is None and person_key(holder["name"], holder["company"]) == me:
                    target = _Target(holder["id"], holder["name"], holder["company"], holder["notes"],
                                     holder["version"])
                elif person_key(holder["name"], holder["company"]) != me:
                    others.setdefault((e164, ext), []).append(holder)
        key = p.key()
        if target is None:
            known = store.contacts.customer_for_key(key)
            if known is not None:
                found = records.customer(known) if store.contacts.customer_row(known) else None
                if found is not None:
                    target = _Target(found.id, found.name, found.company, found.notes, found.version)
        details: list[str] = []
        file_name = names[p.file]
        if target is None:
            customer_id = store.insert_customer(name=p.name, company=p.company, notes=p.notes, at=now,
                                                by=self.desk.operator)
            records.note_change(customer_id, "customer", customer_id, "created", "name", None, p.name or p.company)
            have_numbers: set[tuple[str, str]] = set()
            have_emails: set[str] = set()
            fate = "created"
            s.created += 1
        else:
            customer_id = target.id
            have_numbers = store.contacts.numbers_of(customer_id)
            have_emails = store.contacts.emails_of(customer_id)
            changes: dict[str, str] = {}
            if not target.name and p.name:
                changes["name"] = p.name
            if not target.company and p.company:
                changes["company"] = p.company
            if p.notes and p.notes not in target.notes:
                joined = f"{target.notes}\n{p.notes}" if target.notes else p.notes
                if len(joined) <= LONG_TEXT:
                    changes["notes"] = joined
                else:
                    s.problem(f"{file_name} {p.where} {p.shown}: its notes would make the customer's "
                              f"notes longer than {LONG_TEXT:,} characters; not added")
            if changes:
                store.update_customer(customer_id, changes, target.version, now)
                for column, value in changes.items():
                    records.note_change(customer_id, "customer", customer_id, "edited", column,
                                        getattr(target, column), value)
                details.append("added " + ", ".join("notes" if c == "notes" else c for c in changes))
            fate = "unchanged"
        added = 0
        for e164, ext, label in p.numbers:
            if (e164, ext) in have_numbers:
                continue
            phone_id = store.contacts.add_phone(customer_id, e164, ext, label, now)
            have_numbers.add((e164, ext))
            records.note_change(customer_id, "phone", phone_id, "added", "number", None, e164)
            added += 1
            holders = [h for h in others.get((e164, ext), []) if h["id"] != customer_id]
            if holders:
                s.shared += 1
                mine = p.shown
                for holder in holders:
                    theirs = holder["name"] or holder["company"]
                    records.note_change(customer_id, "phone", phone_id, "shared", "with", None,
                                        f"{theirs} (#{holder['id']})")
                    records.note_change(holder["id"], "phone", None, "shared", "with", None,
                                        f"{mine} (#{customer_id})")
                shown = ", ".join(f"{h['name'] or h['company']} (#{h['id']})" for h in holders)
                details.append(f"shares {self.desk.national(e164, ext)} with {shown}")
                s.problem(f"{file_name} {p.where} {p.shown}: {self.desk.national(e164, ext)} is also the "
                          f"number of {shown}: kept on both (a switchboard)")
        new_emails = 0
        for address, label in p.emails:
            if address.casefold() not in have_emails:
                store.contacts.add_email(customer_id, address, label, now)
                have_emails.add(address.casefold())
                records.note_change(customer_id, "email", None, "added", "email", None, address)
                new_emails += 1
        if target is not None:
            if added:
                details.append(f"added {added} number{'s' if added != 1 else ''}")
            if new_emails:
                details.append(f"added {new_emails} email{'s' if new_emails != 1 else ''}")
            if added or new_emails or any(d.startswith("added ") for d in details):
                fate = "updated"
                s.updated += 1
            else:
                s.unchanged += 1
        if fate != "unchanged":
            records.note_change(customer_id, "customer", customer_id, "imported", "from", None,
                                f"{file_name} (import #{import_ids[p.file]})")
        if p.bad:
            s.not_understood += len(p.bad)
            if fate != "unchanged":
                details.append(f"{len(p.bad)} number{'s' if len(p.bad) != 1 else ''} not understood, "
                               "kept in the notes")
                s.problem(f"{file_name} {p.where} {p.shown}: not understood as numbers, kept in the "
                          f"notes: {', '.join(t for t, _ in p.bad)}")
        store.contacts.remember_key(key, customer_id, import_ids[p.file])
        self._write_report(p, names, fate, customer_id, "; ".join(details))


def _rewound(spool: IO[str]) -> Iterator[str]:
    spool.seek(0)
    yield from spool
    spool.seek(0, os.SEEK_END)


def write_report_header(out: IO[str]) -> None:
    out.write("\ufeff")
    csv.writer(out, lineterminator="\r\n").writerow(REPORT_HEADER)


def import_contacts(desk: Desk, paths: list[Path], *, report_path: Path | None = None,
                    force: bool = False, **options: Any) -> Summary:
    """Import `paths`; with `report_path`, the report CSV (one line per contact and its fate)
    is written there when the import is done (also for a dry run), replacing a file only when
    forced (files.check_target)."""
    if report_path is None:
        return ContactImport(desk, **options).run(paths)
    from ..export import _to_file
    from ..files import check_target

    check_target(report_path, force=force)  # refused before anything is read or written
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as rows:
        summary = ContactImport(desk, report=rows, **options).run(paths)

        def write(out: IO[str]) -> int:
            write_report_header(out)
            rows.seek(0)
            for block in iter(lambda: rows.read(1 << 16), ""):
                out.write(block)
            return summary.contacts

        _to_file(report_path, write, desk.store.path, force=force)
    return summary
