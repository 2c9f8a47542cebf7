"""The desk's settings: typed, validated, stored in the database so every session shares them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .hours import BusinessHours, HoursError, parse_duration
from .phones import default_region, supported_region


class SettingsError(ValueError):
    """A setting was refused; the message says why and `field` names the setting."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def local_timezone_name(env: Mapping[str, str] | None = None) -> str:
    """The machine's IANA timezone: $TZ, /etc/timezone, the /etc/localtime link, else UTC."""
    if env is None:
        env = os.environ
    candidates = [env.get("TZ", "").lstrip(":")]
    try:
        candidates.append(Path("/etc/timezone").read_text().strip())
    except OSError:
        pass
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        if name and _valid_zone(name):
            return name
    return "UTC"


def _valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class DeskSettings:
    """The desk's settings, shared by every desk on the database."""
    hours: BusinessHours
    region: str = "US"
    desk_name: str = "Front desk"
    lead_minutes: int = 10
    default_promise: str = "1bh"
    nag_minutes: int = 5
    operators: tuple[str, ...] = ()  # the people callbacks can be assigned to (besides the active)
    missed_call_promises: bool = True  # a call nobody answered opens a callback promise by itself
    followup: str = "2bd"  # a resolved complaint's follow-up: 2 business days later, a duration, or off
    handle_seconds: int = 240  # the week's staffing: average handle time when no phone events tell
    answer_target_pct: int = 80  # ... the share of calls to answer within answer_seconds
    answer_seconds: int = 20
    recipients: tuple[str, ...] = ()  # people who never sit at the desk (the owner): messages are for them too
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def tz(self) -> str:
        return self.hours.tz

    @property
    def zone(self) -> ZoneInfo:
        return self.hours.zone

    def to_rows(self) -> dict[str, Any]:
        return {
            "hours": self.hours.to_dict(),
            "region": self.region,
            "desk_name": self.desk_name,
            "lead_minutes": self.lead_minutes,
            "default_promise": self.default_promise,
            "nag_minutes": self.nag_minutes,
            "operators": list(self.operators),
            "missed_call_promises": self.missed_call_promises,
            "followup": self.followup,
            "handle_seconds": self.handle_seconds,
            "answer_target_pct": self.answer_target_pct,
            "answer_seconds": self.answer_seconds,
            "recipients": list(self.recipients),
        }


def defaults(env: dict[str, str] | None = None) -> DeskSettings:
    return DeskSettings(hours=BusinessHours.default(local_timezone_name(env)), region=default_region(env))


# What a fresh install takes from the machine: the timezone (in the hours) and the phone region.
# Stored by the first desk that opens the file, so every process agrees whatever its own $TZ.
FIRST_USE = ("hours", "region")


def load(store, now: datetime, by: str, env: dict[str, str] | None = None) -> DeskSettings:
    """The desk's settings as stored in the database. On a file's first use the machine's
    timezone and region are stored first, in one write transaction; a value already there (a
    desk that opened the file a moment earlier) stays, so all processes read the same one. A
    read-only file is not written: the machine's defaults serve this process meanwhile."""
    rows = store.settings()
    missing = [key for key in FIRST_USE if key not in rows]
    if missing:
        fresh = defaults(env).to_rows()
        try:
            with store.write():
                for key in missing:
                    store.put_setting(key, fresh[key], now, by, replace=False)
                rows = store.settings()
        except Exception as exc:
            from .db import is_read_only

            if not is_read_only(exc):
                raise
    return from_rows(rows, env)


def from_rows(rows: dict[str, Any], env: dict[str, str] | None = None) -> DeskSettings:
    """Stored values over fresh-install defaults; a damaged value falls back to its default."""
    base = defaults(env)
    changes: dict[str, Any] = {}
    try:
        if "hours" in rows:
            changes["hours"] = BusinessHours.from_dict(rows["hours"])
    except (HoursError, TypeError, KeyError):
        pass
    for key in ("region", "desk_name", "default_promise", "followup"):
        if isinstance(rows.get(key), str):
            changes[key] = rows[key]
    for key in ("lead_minutes", "nag_minutes", "handle_seconds", "answer_target_pct", "answer_seconds"):
        if isinstance(rows.get(key), int) and not isinstance(rows.get(key), bool):
            changes[key] = rows[key]
    if isinstance(rows.get("missed_call_promises"), bool):
        changes["missed_call_promises"] = rows["missed_call_promises"]
    for key in ("operators", "recipients"):
        names = rows.get(key)
        if isinstance(names, list) and all(isinstance(name, str) for name in names):
            changes[key] = tuple(names)
    return replace(base, **changes)


def validate(settings: DeskSettings) -> DeskSettings:
    """Refuse settings the desk cannot run on, with the reason."""
    if not supported_region(settings.region):
        raise SettingsError(f"unknown region '{settings.region}' (use a two-letter code such as US, GB, DE)", "region")
    if not 0 <= settings.lead_minutes <= 24 * 60:
        raise SettingsError("lead time must be between 0 and 1440 minutes", "lead")
    if not 1 <= settings.nag_minutes <= 24 * 60:
        raise SettingsError("reminder repeat must be between 1 and 1440 minutes", "nag")
    if not settings.desk_name.strip():
        raise SettingsError("the desk needs a name", "desk_name")
    for name in settings.operators:
        if not isinstance(name, str) or len(name) > 500:
            raise SettingsError("each operator is a name of at most 500 characters", "operators")
    if not 10 <= settings.handle_seconds <= 4 * 3600:
        raise SettingsError("handle time must be between 10 seconds and 4 hours", "handle")
    if not 1 <= settings.answer_target_pct <= 99:
        raise SettingsError("the answer target is a share between 1 and 99 %", "answer_target")
    if not 1 <= settings.answer_seconds <= 600:
        raise SettingsError("answer within 1 to 600 seconds", "answer_seconds")
    try:
        from .complaints import check_followup

        check_followup(settings.followup)
    except HoursError as exc:
        raise SettingsError(f"complaint follow-up: {exc}", "followup") from None
    for name in settings.recipients:
        if not isinstance(name, str) or len(name) > 500:
            raise SettingsError("each person messages are taken for is a name of at most 500 characters",
                                "recipients")
    if settings.default_promise not in ("eod", "morning"):
        try:
            parse_duration(settings.default_promise)
        except HoursError as exc:
            raise SettingsError(f"default promise: {exc}", "promise") from None
    return settings
