"""Numbers from address books: parsed with the desk's region, more leniently than a number
typed at the desk (an address book holds numbers of every shape, and `(111) 555-1111` is a
number someone dials even where phonenumbers does not know the area code), and their labels
in one vocabulary (mobile, work, home, fax, work fax, pager, main, ...)."""

from __future__ import annotations

import re

from .. import phones

# vCard TYPE values and CSV column words, to the label FrontDesk stores.
_KIND_WORDS = {
    "cell": "mobile", "mobile": "mobile", "iphone": "mobile", "cellular": "mobile",
    "work": "work", "business": "work", "office": "work", "home": "home", "private": "home",
    "main": "main", "pref-main": "main", "company main": "main", "pager": "pager",
    "car": "car", "other": "other", "assistant": "assistant", "callback": "callback",
    "radio": "radio", "isdn": "isdn", "tty/tdd": "tty", "textphone": "tty", "video": "video",
    "text": "text", "msg": "message",
}
_ABLABEL = re.compile(r"^_\$!<(.*)>!\$_$")


def label_from_types(types: set[str], custom: str = "") -> str:
    """The label of a number from its vCard TYPE values (and an X-ABLabel): a fax is always
    labelled so ('fax', 'work fax', 'home fax')."""
    if custom:
        match = _ABLABEL.match(custom.strip())
        text = match.group(1) if match else custom.strip()
        return " ".join(text.split())[:60]
    kinds = {t.lower() for t in types}
    if "fax" in kinds:
        place = "work " if "work" in kinds else "home " if "home" in kinds else ""
        return f"{place}fax"
    for word in ("cell", "mobile", "iphone", "pager", "main", "work", "home", "car", "assistant",
                 "callback", "isdn", "video", "text", "msg", "other"):
        if word in kinds:
            return _KIND_WORDS[word]
    return ""


def label_from_words(text: str) -> str:
    """A label written in words ('Business Fax', 'Mobile', '* Work', 'Assistant's Phone')."""
    words = re.sub(r"[*'’]s?\b|\bphone\b|\bnumber\b|\d+", " ", text.lower().replace("'s ", " "))
    words = " ".join(words.replace("*", " ").split())
    if not words:
        return ""
    if "fax" in words:
        place = "work " if re.search(r"work|business|office", words) else "home " if "home" in words else ""
        return f"{place}fax"
    if words in _KIND_WORDS:
        return _KIND_WORDS[words]
    first = words.split()[0]
    if first in _KIND_WORDS and len(words.split()) == 1:
        return _KIND_WORDS[first]
    if words in ("primary",):
        return "main"
    return " ".join(text.replace("*", " ").split())[:60]  # a label of the user's own, as written


def parse_number(text: str, region: str) -> phones.Phone | None:
    """A number from a contact file in E.164 (with its extension), or None when it is not one:
    a valid number; else one of a possible length for its country; `00` taken as the
    international prefix; `tel:` URIs with `;ext=`."""
    raw = " ".join((text or "").split())
    if raw.lower().startswith("tel:"):
        uri = raw[4:]
        number, _, params = uri.partition(";")
        ext = next((p[4:] for p in params.split(";") if p.lower().startswith("ext=")), "")
        raw = number + (f" ext. {ext}" if ext else "")
    if not re.search(r"\d", raw):
        return None
    strict = phones.try_parse(raw, region)
    if strict is not None:
        return strict
    candidates = [raw]
    digits = re.sub(r"[\s().\-/]", "", raw)
    if digits.startswith("00") and digits[2:3].isdigit():
        candidates.append("+" + raw.lstrip(" (").lstrip("0").lstrip("-. "))
    import phonenumbers

    for candidate in candidates:
        strict = phones.try_parse(candidate, region)
        if strict is not None:
            return strict
        try:
            parsed = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        # A whole number of a possible length for its country (not a local-only 7 digits).
        reason = phonenumbers.is_possible_number_with_reason(parsed)
        if reason == phonenumbers.ValidationResult.IS_POSSIBLE:
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            return phones.Phone(e164=e164, ext=parsed.extension or "")
    return None
