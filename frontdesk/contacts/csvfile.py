"""CSV address books: Google Contacts (the current header and the older one), Outlook (web and
desktop) and a plain sheet whose headers say name / company / phone / note in any case or
order; comma, semicolon or tab separated. Columns are recognised by their header, so the
exporting program need not be named: `columns()` says which column holds what, and a header in
which nothing is recognisable is refused."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from .model import Contact, RawPhone
from .numbers import label_from_words
from .source import ContactFileError

MULTI = " ::: "  # Google's separator of several values in one cell
FORMULA_QUOTE = re.compile(r"^'(?=[=+\-@\t\r\n])")  # the `'` a safe export put before a formula

_FULL_NAME = {"name", "full name", "display name", "contact", "contact name", "customer", "nom",
              "nombre", "person", "e-mail display name"}
_FIRST = {"first name", "given name", "first", "firstname", "given", "prénom", "prenom", "vorname"}
_MIDDLE = {"middle name", "additional name", "middle"}
_LAST = {"last name", "family name", "surname", "last", "lastname", "nachname", "family"}
_COMPANY = {"company", "organization", "organisation", "organization name", "organisation name",
            "organization 1 - name", "company name", "business", "firm", "firma", "société", "societe",
            "employer"}
_NOTES = {"notes", "note", "comments", "comment", "remarks", "memo", "description"}
_PLAIN_PHONE = {"phone", "telephone", "tel", "tel.", "phone number", "telephone number", "number",
                "mobile", "cell", "cellphone", "mobile number", "téléphone", "telefon", "telefono",
                "fax", "pager", "callback", "work", "home"}
_NOT_A_NUMBER = re.compile(r"phonetic|yomi|e-?mail|address|type|label|name")


@dataclass
class Columns:
    """Which column (by index) holds what."""

    full: int | None = None
    first: int | None = None
    middle: int | None = None
    last: int | None = None
    company: int | None = None
    notes: list[int] = field(default_factory=list)
    phones: list[tuple[int, int | None, str]] = field(default_factory=list)  # (value, label column, label)
    emails: list[tuple[int, int | None]] = field(default_factory=list)  # (value, label column)
    kind: str = "plain"

    @property
    def recognised(self) -> bool:
        return any(x is not None for x in (self.full, self.first, self.last, self.company)) or bool(self.phones)


def _norm(header: str) -> str:
    return " ".join(header.strip().strip("\ufeff").strip().lower().replace("_", " ").split())


def columns(header: list[str]) -> Columns:
    names = [_norm(h) for h in header]
    found = Columns()
    index = {name: i for i, name in reversed(list(enumerate(names)))}
    if "phone 1 - value" in index or "e-mail 1 - value" in index:
        found.kind = "google"
    elif "business phone" in index or "mobile phone" in index or "e-mail address" in index:
        found.kind = "outlook"
    for i, name in enumerate(names):
        google = re.fullmatch(r"(phone|e-mail|email) (\d+) - value", name)
        if google:
            label_at = index.get(f"{google.group(1)} {google.group(2)} - label",
                                 index.get(f"{google.group(1)} {google.group(2)} - type"))
            if google.group(1) == "phone":
                found.phones.append((i, label_at, ""))
            else:
                found.emails.append((i, label_at))
            continue
        if name in _FULL_NAME and found.full is None:
            found.full = i
        elif name in _FIRST and found.first is None:
            found.first = i
        elif name in _MIDDLE and found.middle is None:
            found.middle = i
        elif name in _LAST and found.last is None:
            found.last = i
        elif name in _COMPANY and found.company is None:
            found.company = i
        elif name in _NOTES:
            found.notes.append(i)
        elif re.fullmatch(r"e-?mail( \d+)?( address)?|e-?mail \d+ address|courriel", name):
            found.emails.append((i, None))
        elif name in _PLAIN_PHONE or (re.search(r"\b(phone|fax|pager|mobile|callback|tel)\b", name)
                                      and not _NOT_A_NUMBER.search(name)):
            found.phones.append((i, None, label_from_words(name) if name not in ("phone", "telephone", "tel",
                                                                                 "tel.", "number") else ""))
    return found


def _cell(row: list[str], i: int | None) -> str:
    if i is None or i >= len(row):
        return ""
    return FORMULA_QUOTE.sub("", row[i].strip())


def _sniff_delimiter(first_line: str) -> str:
    counts = {}
    for sep in (",", ";", "\t"):
        quoted, n = False, 0
        for char in first_line:
            if char == '"':
                quoted = not quoted
            elif char == sep and not quoted:
                n += 1
        counts[sep] = n
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def read_csv(stream: TextIO, shown: str) -> Iterator[Contact]:
    """Every row of the sheet as a Contact; ContactFileError when the header has no column
    FrontDesk can use."""
    first = stream.readline()
    while first and not first.strip():
        first = stream.readline()
    first = first.lstrip("\ufeff")
    delimiter = _sniff_delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter), [])
    cols = columns(header)
    if not cols.recognised:
        listed = ", ".join(h.strip() for h in header[:6] if h.strip()) or "(none)"
        raise ContactFileError(f"{shown}: no column FrontDesk can use (a name, company or phone "
                               f"column) in the header: {listed}")
    reader = csv.reader(stream, delimiter=delimiter)
    for row in reader:
        line = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        yield _contact(row, cols, f"line {line}")


def _contact(row: list[str], cols: Columns, where: str) -> Contact:
    name = _cell(row, cols.full)
    if not name:
        name = " ".join(p for p in (_cell(row, cols.first), _cell(row, cols.middle), _cell(row, cols.last)) if p)
    contact = Contact(where=where, name=" ".join(name.split()), company=" ".join(_cell(row, cols.company).split()))
    for value_at, label_at, label in cols.phones:
        text = _cell(row, value_at)
        words = label_from_words(_cell(row, label_at)) if label_at is not None else label
        for one in text.split(MULTI) if text else ():
            if one.strip():
                contact.phones.append(RawPhone(one.strip(), words))
    for value_at, label_at in cols.emails:
        text = _cell(row, value_at)
        words = label_from_words(_cell(row, label_at)) if label_at is not None else ""
        for one in text.split(MULTI) if text else ():
            if one.strip():
                contact.emails.append((one.strip(), words))
    for at in cols.notes:
        text = _cell(row, at)
        if text:
            contact.notes.append(text)
    return contact
