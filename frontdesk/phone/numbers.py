"""The other party's number as a phone system writes it, understood with the desk's region.

Phone systems write one number many ways: `+1 404 555 0134`, `14045550134`, `(404) 555-0134`,
the region's international prefix (`011 44 20 7946 0018` at a US desk, `0044 20 7946 0018` at
a German one), a SIP or tel URI (`sip:+14045550134@pbx.local`, `<sip:2125550178@10.0.0.5>`,
`tel:+1-404-555-0134;phone-context=...`), digits in E.164 without the plus as Zammad-format
bridges send them (`493055571600`), or a withheld number (`anonymous`, `unknown`,
`<unknown>`, `sip:anonymous@anonymous.invalid`, nothing at all). `understand` never raises: a
withheld number is a valid caller, and text that is no number is kept raw with no E.164.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..callers import is_withheld
from ..text import clean

RAW_LIMIT = 200  # characters of the raw text kept (a SIP URI with parameters fits)


@dataclass(frozen=True)
class Heard:
    """A number as heard: the raw text (cleaned, bounded), its E.164 form when it is a
    number, and whether the caller withheld it."""

    raw: str
    e164: str = ""
    withheld: bool = False


def _uri_user(text: str) -> str:
    """The user part of a SIP/tel URI, or the text itself when it is none."""
    inner = text
    match = re.search(r"<([^>]*)>", inner)
    if match:
        inner = match.group(1)
    inner = inner.strip().strip('"').strip()
    scheme = re.match(r"^(sips?|tel):", inner, re.IGNORECASE)
    if scheme:
        inner = inner[scheme.end():]
        inner = inner.split("@", 1)[0]
        inner = inner.split(";", 1)[0].split("?", 1)[0]
    elif "@" in inner and not re.search(r"\s", inner):
        inner = inner.split("@", 1)[0]  # '2125550178@10.0.0.5' without the scheme
    return inner.strip()


def _e164(text: str, region: str) -> str:
    """E.164 for a number that is valid for phonenumbers, or possible and written in
    international form (a caller ID the network delivered, in a range the library's metadata
    does not know yet); '' for anything else (an extension, words)."""
    import phonenumbers

    digits = re.sub(r"\D", "", text)
    if not digits or len(digits) > 17:
        return ""
    candidates = [text]
    if re.fullmatch(r"[\d\s().\-/]+", text) and not digits.startswith("0"):
        candidates.append("+" + digits)  # E.164 without its plus, as Zammad-format bridges send
    possible = ""
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if phonenumbers.is_valid_number(number):
            return formatted
        international = candidate.startswith("+") or number.country_code_source in (
            phonenumbers.CountryCodeSource.FROM_NUMBER_WITH_PLUS_SIGN,
            phonenumbers.CountryCodeSource.FROM_NUMBER_WITH_IDD,
        )
        if not possible and international and candidate is text and phonenumbers.is_possible_number(number):
            possible = formatted
    return possible


def understand(text: str | None, region: str) -> Heard:
    """The number in `text` (any of the forms above) read with the desk's `region`."""
    raw = clean(text, multiline=False)[:RAW_LIMIT]
    if not raw or is_withheld(raw):
        return Heard(raw, withheld=True)
    user = _uri_user(raw)
    if not user or is_withheld(user) or is_withheld(user.strip("<>")):
        return Heard(raw, withheld=True)
    if not re.search(r"\d", user):
        return Heard(raw, withheld=user.casefold() in {"anonymous", "unknown", "restricted", "private"})
    return Heard(raw, _e164(user, region))
