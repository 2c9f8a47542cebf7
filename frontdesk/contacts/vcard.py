"""A small tolerant vCard reader (2.1, 3.0, 4.0) for what FrontDesk keeps: names, company,
numbers with their labels, email addresses and notes. Streams card by card.

Why our own: vobject 0.9.9, the maintained parser, refuses six of the seventeen real files in
tests/samples/contacts/: quoted-printable soft line breaks (Android, Outlook 2003 and 2007,
Outlook's vCard export: "Failed to parse line"), the iPhone's `\\r\\r\\n` line ends around an
embedded photo, and Lotus Notes' PROFILE property ("This component already has a PROFILE").
Everything else a real program writes is read here:

- line ends `\\r\\n`, `\\n`, `\\r\\r\\n`; folded lines (a leading space or tab); blank lines;
- `ENCODING=QUOTED-PRINTABLE` (or bare `QUOTED-PRINTABLE`) with `=` soft breaks, decoded with
  the property's `CHARSET` (UTF-8 when none, Windows-1252 when the bytes are not UTF-8);
- `TYPE=` lists, bare 2.1 types (`TEL;CELL;PREF`), quoted parameter values, `item1.` groups
  whose `X-ABLabel` names the number (`_$!<Mobile>!$_` or free text);
- `TEL;VALUE=uri:tel:+1-418-656-9254;ext=102`;
- text escapes (`\\n`, `\\,`, `\\;`, `\\:`, `\\\\`);
- photos, keys, logos and sounds are skipped without being held (base64 lines are dropped
  as they are read); a vCard nested in a card (2.1 AGENT) is skipped.

A card with no END at the end of the file means the file was cut short: the whole import is
refused (VCardError), never half-read.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterable, Iterator

from .model import Contact, RawPhone
from .numbers import label_from_types
from .source import ContactFileError

SKIPPED = frozenset({"PHOTO", "LOGO", "SOUND", "KEY", "X-MS-OL-DESIGN", "X-MS-CARDPICTURE"})
KEPT = frozenset({"FN", "N", "ORG", "TEL", "X-MS-TEL", "EMAIL", "NOTE", "X-ABLABEL", "BEGIN",
                  "END", "VERSION"})
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_UNESCAPED = {"n": "\n", "N": "\n"}


class VCardError(ContactFileError):
    """The vCard file is damaged in a way that cannot be read around."""


def _split_outside_quotes(text: str, separator: str, limit: int = -1) -> list[str]:
    if '"' not in text:  # nearly every line: no quoted parameter value
        return text.split(separator, limit)
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted and limit != 0:
            parts.append("".join(current))
            current = []
            limit -= 1
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


class Property:
    """One logical line: group.NAME;params:value."""

    __slots__ = ("group", "name", "types", "params", "value")

    def __init__(self, group: str, name: str, types: set[str], params: dict[str, str], value: str):
        self.group, self.name, self.types, self.params, self.value = group, name, types, params, value

    @property
    def quoted_printable(self) -> bool:
        return self.params.get("ENCODING", "").upper() == "QUOTED-PRINTABLE"


def parse_line(line: str) -> Property | None:
    """A logical line as a Property, or None for a line that is not one (noise is skipped)."""
    head_value = _split_outside_quotes(line, ":", 1)
    if len(head_value) < 2:
        return None
    head, value = head_value
    parts = _split_outside_quotes(head, ";")
    name = parts[0].strip()
    group = ""
    if "." in name:
        group, _, name = name.rpartition(".")
    name = name.upper()
    if not name or not re.fullmatch(r"[A-Z0-9-]+", name):
        return None
    types: set[str] = set()
    params: dict[str, str] = {}
    for part in parts[1:]:
        key, eq, val = part.partition("=")
        key = key.strip().upper()
        if not eq:  # 2.1: a bare type or encoding
            if key in ("QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"):
                params["ENCODING"] = key
            else:
                types.add(key.lower())
            continue
        val = val.strip()
        if key == "TYPE":
            for one in val.split(","):
                one = one.strip().strip('"').strip()
                if one:
                    types.add(one.lower())
        else:
            params[key] = val.strip('"')
    return Property(group.lower(), name, types, params, value)


def logical_lines(lines: Iterable[str]) -> Iterator[str]:
    """Physical lines joined into logical ones: folding (a leading space or tab) and
    quoted-printable soft breaks (a value ending with `=`); lines of skipped properties
    (photos) are dropped as they come."""
    pending: list[str] = []
    skipping = False
    soft = False  # the pending line is quoted-printable and ends with '='
    for line in lines:
        if soft:
            pending[-1] = pending[-1][:-1]
            pending.append(line)
            soft = line.endswith("=")
            continue
        if line[:1] in (" ", "\t") and (pending or skipping):
            if not skipping:
                pending.append(line[1:])
            continue
        if not line.strip():
            continue
        if pending:
            yield "".join(pending)
        pending, skipping = [], False
        name = re.split(r"[;:]", line, maxsplit=1)[0].rpartition(".")[2].strip().upper()
        if name in SKIPPED:
            skipping = True
            continue
        pending = [line]
        head = line.split(":", 1)[0].upper()
        soft = "QUOTED-PRINTABLE" in head and line.endswith("=") and ":" in line
    if pending:
        yield "".join(pending)


def _charset_decode(data: bytes, charset: str) -> str:
    try:
        return data.decode(charset or "utf-8")
    except (LookupError, UnicodeDecodeError):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", errors="replace")


def decoded(prop: Property) -> str:
    """The property's value as text: quoted-printable decoded with its charset."""
    if prop.quoted_printable:
        raw = quopri.decodestring(prop.value.encode("utf-8", errors="replace"))
        return _charset_decode(raw, prop.params.get("CHARSET", "")).replace("\r\n", "\n")
    return prop.value


def unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group(1)), text)


def components(text: str) -> list[str]:
    """A structured value (N, ORG) split at unescaped `;`, each part unescaped."""
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ";":
            parts.append(unescape("".join(current)).strip())
            current = []
        else:
            current.append(char)
    parts.append(unescape("".join(current)).strip())
    return parts


class _Card:
    def __init__(self, number: int) -> None:
        self.number = number
        self.fn = ""
        self.n: list[str] = []
        self.org = ""
        self.tels: list[tuple[str, set[str], str]] = []  # (value, types, group)
        self.emails: list[tuple[str, str, str]] = []  # (address, label, group)
        self.notes: list[str] = []
        self.labels: dict[str, str] = {}  # group -> X-ABLabel

    def add(self, prop: Property) -> None:
        name = prop.name
        if name == "FN" and not self.fn:
            self.fn = " ".join(unescape(decoded(prop)).split())
        elif name == "N" and not self.n:
            self.n = components(decoded(prop))
        elif name == "ORG" and not self.org:
            self.org = " ".join(components(decoded(prop))[0].split())
        elif name in ("TEL", "X-MS-TEL"):
            value = decoded(prop).strip()
            if prop.params.get("VALUE", "").lower() != "uri" and not value.lower().startswith("tel:"):
                value = unescape(value)
            if value:
                types = set(prop.types)
                if name == "X-MS-TEL" and not types - {"voice", "pref"}:
                    types.add("other")
                self.tels.append((value, types, prop.group))
        elif name == "EMAIL":
            address = unescape(decoded(prop)).strip()
            if address.lower().startswith("mailto:"):
                address = address[7:]
            if address:
                kinds = prop.types - {"internet", "pref", "x400"}
                self.emails.append((address, label_from_types(kinds), prop.group))
        elif name == "NOTE":
            text = unescape(decoded(prop)).strip()
            if text:
                self.notes.append(text)
        elif name == "X-ABLABEL" and prop.group:
            self.labels[prop.group] = unescape(decoded(prop)).strip()

    def contact(self) -> Contact:
        name = self.fn
        given = " ".join(p for p in (self.n[1:2] + self.n[2:3] + self.n[0:1]) if p) if self.n else ""
        if not name:
            name = " ".join(p for p in ((self.n[1] if len(self.n) > 1 else ""),
                                        (self.n[0] if self.n else "")) if p)
        company = self.org
        if company and name == company and not given:
            name = ""  # a company's card: FN is the organisation (Apple's X-ABShowAs:COMPANY)
        contact = Contact(where=f"card {self.number}", name=name, company=company, notes=list(self.notes))
        for value, types, group in self.tels:
            contact.phones.append(RawPhone(value, label_from_types(types, self.labels.get(group, "") if group else "")))
        for address, label, group in self.emails:
            custom = self.labels.get(group, "") if group else ""
            contact.emails.append((address, label_from_types(set(), custom) if custom else label))
        return contact


def read_vcards(lines: Iterable[str]) -> Iterator[Contact]:
    """Every card of the file, in order, as a Contact."""
    card: _Card | None = None
    depth = 0
    count = 0
    for line in logical_lines(lines):
        prop = parse_line(line)
        if prop is None:
            continue
        name = prop.name
        value = prop.value.strip().upper()
        if name == "BEGIN" and value == "VCARD":
            if card is None:
                count += 1
                card = _Card(count)
            else:
                depth += 1  # a card inside a card (2.1 AGENT): skipped
            continue
        if name == "END" and value == "VCARD":
            if depth:
                depth -= 1
            elif card is not None:
                yield card.contact()
                card = None
            continue
        if card is None or depth or name not in KEPT:
            continue
        card.add(prop)
    if card is not None:
        raise VCardError(f"card {card.number} has no END:VCARD: the file was cut short; nothing was imported")
