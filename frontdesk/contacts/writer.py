"""Customers out: vCard 3.0 (what phones import most reliably) or CSV with Google Contacts'
header. Numbers in E.164 with their extension and label; emails and notes kept. Streams the
customers in batches (constant memory). Importing the file into an empty desk gives back the
same customers, numbers and labels (tests/core/test_contacts_roundtrip.py).

The CSV is safe in a spreadsheet as the call export is (export.csv_cell: a formula's first
character gets a leading `'`, which the importer takes off again)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from ..export import csv_cell

if TYPE_CHECKING:
    from ..services import Desk

FORMATS = ("vcard", "csv")
# Labels as vCard TYPE values; any other label goes out as an item group's X-ABLabel.
_TYPES = {"mobile": "CELL", "work": "WORK", "home": "HOME", "fax": "FAX", "work fax": "WORK,FAX",
          "home fax": "HOME,FAX", "pager": "PAGER", "main": "MAIN", "": "VOICE"}
GOOGLE_HEAD = ("First Name", "Middle Name", "Last Name", "Organization Name", "Notes")


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 6350 3.2), never inside a UTF-8 character."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out) + "\r\n"


def _split_name(name: str) -> tuple[str, str]:
    """(given, family): the last word is the family name."""
    given, _, family = name.rpartition(" ")
    return (given, family) if given else (family, "")


def _number(e164: str, ext: str) -> str:
    return f"{e164} ext. {ext}" if ext else e164


def vcard(customer: dict, numbers: Iterable[dict], emails: Iterable[dict]) -> str:
    name, company = customer["name"], customer["company"]
    given, family = _split_name(name)
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{_escape(name or company)}",
             f"N:{_escape(family)};{_escape(given)};;;"]
    if company:
        lines.append(f"ORG:{_escape(company)}")
    if not name and company:
        lines.append("X-ABShowAs:COMPANY")
    item = 0
    for phone in numbers:
        label = phone["label"]
        value = _escape(_number(phone["e164"], phone["ext"]))
        if label in _TYPES:
            lines.append(f"TEL;TYPE={_TYPES[label]}:{value}")
        else:
            item += 1
            lines += [f"item{item}.TEL:{value}", f"item{item}.X-ABLabel:{_escape(label)}"]
    for email in emails:
        kind = {"work": ";TYPE=WORK", "home": ";TYPE=HOME"}.get(email["label"], "")
        lines.append(f"EMAIL;TYPE=INTERNET{kind}:{_escape(email['email'])}")
    if customer["notes"]:
        lines.append(f"NOTE:{_escape(customer['notes'])}")
    lines.append("END:VCARD")
    return "".join(_fold(line) for line in lines)


def write_vcards(desk: Desk, out: TextIO) -> int:
    count = 0
    for customer, numbers, emails in desk.store.contacts.iter_customers():
        out.write(vcard(customer, numbers, emails))
        count += 1
    return count


def _google_label(label: str) -> str:
    return {"mobile": "Mobile", "work": "Work", "home": "Home", "work fax": "Work Fax", "home fax": "Home Fax",
            "fax": "Other Fax", "pager": "Pager", "main": "Main"}.get(label, label)


def write_google_csv(desk: Desk, out: TextIO) -> int:
    """Google Contacts' current CSV header (the columns FrontDesk has), UTF-8 with a BOM."""
    most_phones, most_emails = desk.store.contacts.most_per_customer()
    header = list(GOOGLE_HEAD)
    for i in range(1, most_emails + 1):
        header += [f"E-mail {i} - Label", f"E-mail {i} - Value"]
    for i in range(1, most_phones + 1):
        header += [f"Phone {i} - Label", f"Phone {i} - Value"]
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for customer, numbers, emails in desk.store.contacts.iter_customers():
        given, family = _split_name(customer["name"])
        row = [given, "", family, customer["company"], customer["notes"]]
        for i in range(most_emails):
            e = emails[i] if i < len(emails) else None
            row += [e["label"].capitalize() if e else "", e["email"] if e else ""]
        for i in range(most_phones):
            p = numbers[i] if i < len(numbers) else None
            row += [_google_label(p["label"]) if p else "", _number(p["e164"], p["ext"]) if p else ""]
        writer.writerow([csv_cell(v) for v in row])
        count += 1
    return count


def export_contacts(desk: Desk, fmt: str, output, *, force: bool = False, follow_symlinks: bool = False) -> int:
    """Every live customer as `fmt` to `output` (None: standard output), with the call
    export's file safety (files.check_target: never over a file unless forced, never through
    a symbolic link unless asked, written whole or not at all)."""
    from pathlib import Path

    from ..errors import DeskError
    from ..export import _to_file, _to_stdout

    if fmt not in FORMATS:
        raise DeskError(f"unknown format '{fmt}' (one of: {', '.join(FORMATS)})")

    def write(out: TextIO) -> int:
        return write_vcards(desk, out) if fmt == "vcard" else write_google_csv(desk, out)

    if output is None:
        return _to_stdout(write)
    return _to_file(Path(output), write, desk.store.path, force=force, follow_symlinks=follow_symlinks)
