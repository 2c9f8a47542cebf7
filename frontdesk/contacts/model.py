"""A contact as a reader gives it: still text, before any number is parsed or matched."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass
class RawPhone:
    """A number as the file wrote it, with the label the file gave it ('mobile', 'work fax')."""

    text: str
    label: str = ""


@dataclass
class Contact:
    """One card or row. `where` says where it is in its file ('card 3', 'line 12')."""

    where: str
    name: str = ""
    company: str = ""
    phones: list[RawPhone] = field(default_factory=list)
    emails: list[tuple[str, str]] = field(default_factory=list)  # (address, label)
    notes: list[str] = field(default_factory=list)

    @property
    def shown(self) -> str:
        """How the contact is named in the report: 'Maria Lopez (Acme)', or what is known."""
        if self.name and self.company:
            return f"{self.name} ({self.company})"
        return self.name or self.company or (self.phones[0].text if self.phones else "") or "(no name)"


def name_key(text: str) -> str:
    """A name as matching compares it: case, accents, spacing and punctuation ignored
    ('José  LÓPEZ', 'jose lopez' and 'Lopez, José' are not all one: word order counts; the
    first two are)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def person_key(name: str, company: str) -> str:
    """Who a record is, for matching: its name, or its company when it has no name."""
    return name_key(name) or name_key(company)
