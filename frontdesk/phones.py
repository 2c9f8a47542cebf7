"""Phone numbers: parse any reasonable format, store E.164, show national format."""

from __future__ import annotations

import functools
import locale
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache

# phonenumbers is imported inside the functions that parse or format a number: opening the app
# (settings, default_region) does not need it (docs/performance.md).

# phonenumbers' SUPPORTED_REGIONS, copied so that start-up need not import the library to check
# a region code; tests/core/test_lazy_phonenumbers.py keeps it equal to the installed library's.
SUPPORTED_REGIONS = frozenset({
    "AC", "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO",
    "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG",
    "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG",
    "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GT", "GU", "GW", "GY", "HK", "HN", "HR", "HT",
    "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE",
    "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR",
    "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN",
    "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF",
    "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL",
    "PM", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD",
    "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY",
    "SZ", "TA", "TC", "TD", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "XK",
    "YE", "YT", "ZA", "ZM", "ZW"
})


def supported_region(code: str) -> bool:
    """Whether phonenumbers supports the region `code`, without importing phonenumbers.

    Once phonenumbers is loaded its own SUPPORTED_REGIONS answers; before, the copy above does."""
    return code in getattr(sys.modules.get("phonenumbers"), "SUPPORTED_REGIONS", SUPPORTED_REGIONS)


@cache
def _reasons() -> dict[int, str]:
    """Why phonenumbers refused a parse, by NumberParseException error type (built on first use)."""
    from phonenumbers import NumberParseException

    return {
        NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
        NumberParseException.NOT_A_NUMBER: "not a phone number",
        NumberParseException.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
        NumberParseException.TOO_SHORT_NSN: "too short",
        NumberParseException.TOO_LONG: "too long",
    }


class PhoneError(ValueError):
    """The number cannot be stored; the message says why."""


@dataclass(frozen=True)
class Phone:
    """A parsed number: E.164 plus any extension."""
    e164: str
    ext: str = ""

    @property
    def digits(self) -> str:
        return self.e164.lstrip("+")


@cache
def trunk_prefix(region: str) -> str:
    """The digits a number dialled within `region` starts with before the area code ('0' in
    GB, DE or FR; '1' in the US), '' when the region has none."""
    import phonenumbers

    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return (metadata.national_prefix or "") if metadata is not None else ""


def default_region(env: Mapping[str, str] | None = None) -> str:
    """FRONTDESK_REGION if set, else the locale's country, else US."""
    from_process = env is None
    if env is None:
        env = os.environ
    region = (env.get("FRONTDESK_REGION") or "").strip().upper()
    if region and supported_region(region):
        return region
    for name in ("LC_ALL", "LC_TELEPHONE", "LANG"):
        match = re.match(r"^[a-z]{2,3}_([A-Z]{2})", env.get(name) or "")
        if match and supported_region(match.group(1)):
            return match.group(1)
    try:  # the process locale only speaks for the process environment, not a given env
        loc = (locale.getlocale()[0] or "") if from_process else ""
    except ValueError:
        loc = ""
    match = re.match(r"^[a-z]{2,3}_([A-Z]{2})", loc)
    if match and supported_region(match.group(1)):
        return match.group(1)
    return "US"


def parse(text: str, region: str) -> Phone:
    """A valid number in E.164 (with any extension), or PhoneError with the reason."""
    raw = (text or "").strip()
    if not raw:
        raise PhoneError("a phone number is needed")
    if not re.search(r"\d", raw):
        raise PhoneError(f"'{raw}' is not a phone number")
    import phonenumbers

    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        reason = _reasons().get(exc.error_type, "not a phone number")
        raise PhoneError(f"'{raw}': {reason}") from None
    if not phonenumbers.is_valid_number(number):
        possible = phonenumbers.is_possible_number_with_reason(number)
        detail = {
            phonenumbers.ValidationResult.TOO_SHORT: "too short",
            phonenumbers.ValidationResult.TOO_LONG: "too long",
            phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "unknown country code",
        }.get(possible, f"not a valid number for region {region}")
        raise PhoneError(f"'{raw}': {detail}")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(e164=e164, ext=number.extension or "")


def try_parse(text: str, region: str) -> Phone | None:
    try:
        return parse(text, region)
    except PhoneError:
        return None


def national(e164: str, region: str, ext: str = "") -> str:
    """The number as the desk's region writes it; international format for foreign numbers."""
    import phonenumbers

    if len(e164) == 12 and e164.startswith("+1") and e164[2:].isdigit() and e164[2] not in "01":
        # North American (+1 and ten digits, no leading zero): the PhoneNumber parse() would
        # build, without its ~8 us of text handling (an export formats ~100k such numbers).
        number = phonenumbers.PhoneNumber(country_code=1, national_number=int(e164[2:]))
    else:
        try:
            number = phonenumbers.parse(e164, None)
        except phonenumbers.NumberParseException:
            return e164
    if phonenumbers.region_code_for_number(number) == region:
        shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    else:
        shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return f"{shown} ext. {ext}" if ext else shown


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def caller_timezones(e164: str) -> tuple[str, ...]:
    """IANA zones the number may be in (empty when unknown); loads the timezone data lazily."""
    import phonenumbers
    from phonenumbers import timezone as pn_timezone

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ()
    zones = tuple(z for z in pn_timezone.time_zones_for_number(number) if "/" in z)
    return zones


# -- formatting many numbers (the export) ------------------------------------------------------
def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, depth after it) for each '(', ')' and '|' of a regular expression,
    skipping escapes and character classes: what the two readers below need of its shape."""
    depth, i = 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = pattern.index("]", i + 1) + 1
            continue
        if char in "()|":
            depth += {"(": 1, ")": -1, "|": 0}[char]
            yield i, char, depth
        i += 1


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression (a|b|(?:c|d) -> a, b, (?:c|d))."""
    start, parts = 0, []
    for i, char, depth in _structure(pattern):
        if char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    return [*parts, pattern[start:]]


def _unwrapped(pattern: str) -> str | None:
    """X when the whole pattern is one group (?:X), else None."""
    if not (pattern.startswith("(?:") and pattern.endswith(")")):
        return None
    for i, char, depth in _structure(pattern):
        if char == ")" and depth == 0 and i != len(pattern) - 1:
            return None
    return pattern[3:-1]


def _tail_free(pattern: str, digits: int) -> bool:
    """Whether every alternative of the pattern ends in \\d{n} with n >= digits: then whether a
    number matches does not depend on its last `digits` digits."""
    for alternative in _alternatives(pattern):
        inner = _unwrapped(alternative)
        if inner is not None:
            if not _tail_free(inner, digits):
                return False
            continue
        found = re.search(r"\\d\{(\d+)\}$", alternative)
        if not found or int(found.group(1)) < digits:
            return False
    return True


NANPA_FREE_DIGITS = 3


def _reads_at_most(pattern: str, digits: int) -> bool:
    """Whether a leading-digits pattern without repetition reads at most `digits` characters
    (counting every digit and character class in it, on any branch)."""
    plain = pattern.replace("(?:", "(")
    if any(char in plain for char in "*+?{\\."):
        return False
    atoms = len(re.findall(r"\[[^\]]*\]", plain)) + sum(c.isdigit() for c in re.sub(r"\[[^\]]*\]", "", plain))
    return atoms <= digits


@functools.lru_cache(maxsize=1)
def _nanpa_tail_free() -> bool:
    """True when, for every North American (+1) region, which region a ten-digit number belongs
    to and whether it is valid depend on its first seven digits only (every number pattern of
    the library's metadata leaves the last three free), and the +1 formats look at no more than
    the leading digits. Checked on the metadata installed, so a future phonenumbers that breaks
    it turns the shortcut below off rather than formatting a number wrongly."""
    from phonenumbers import PhoneMetadata
    from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

    kinds = ("general_desc", "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
             "personal_number", "voip", "pager", "uan", "voicemail")
    try:
        for region in COUNTRY_CODE_TO_REGION_CODE[1]:
            metadata = PhoneMetadata.metadata_for_region(region)
            if metadata is None:
                return False
            for kind in kinds:
                desc = getattr(metadata, kind, None)
                if desc is not None and desc.national_number_pattern is not None and not _tail_free(
                        desc.national_number_pattern, NANPA_FREE_DIGITS):
                    return False
            for number_format in [*(metadata.number_format or ()), *(metadata.intl_number_format or ())]:
                if not all(_reads_at_most(p, 10 - NANPA_FREE_DIGITS) for p in number_format.leading_digits_pattern or ()):
                    return False  # a leading-digits pattern that might look past the seventh digit
                if number_format.pattern not in (r"(\d{3})(\d{4})", r"(\d{3})(\d{3})(\d{4})"):
                    return False
    except (AttributeError, KeyError, ValueError):
        return False
    return True


def national_formatter(region: str) -> Callable[[str, str], str]:
    """national(e164, region, ext) for many numbers, as exactly the same text, faster: each
    number is formatted once; and a North American number whose first seven digits were seen
    before is the earlier one's text with its own last three digits (the library takes ~90 us
    a number, and an export of a year meets ~100k of them)."""
    exact = functools.lru_cache(maxsize=1 << 17)(lambda e164, ext: national(e164, region, ext) if e164 else "")
    if not _nanpa_tail_free():
        return exact
    heads: dict[str, str | None] = {}

    def shown(e164: str, ext: str) -> str:
        if len(e164) != 12 or not e164.startswith("+1") or not e164[2:].isdigit():
            return exact(e164, ext)
        head = heads.get(e164[:9], "")
        if head == "":
            text = national(e164, region)
            head = heads[e164[:9]] = text[:-NANPA_FREE_DIGITS] if text.endswith(e164[-NANPA_FREE_DIGITS:]) else None
            return f"{text} ext. {ext}" if ext else text
        if head is None:
            return exact(e164, ext)
        text = head + e164[-NANPA_FREE_DIGITS:]
        return f"{text} ext. {ext}" if ext else text

    return shown
