"""Errors the service raises for the user to read."""

from __future__ import annotations


class DeskError(ValueError):
    """A request was refused; the message is one clear sentence for the user."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def storage_reason(exc: BaseException) -> str:
    """What went wrong with the database file, in words a receptionist can act on."""
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return "the database is busy (another desk is saving)"
    if "readonly" in lowered or "read-only" in lowered:
        return "the database is read-only"
    if "full" in lowered:
        return "the disk is full"
    if "malformed" in lowered or "not a database" in lowered:
        return "the database file is damaged"
    return text or type(exc).__name__


def user_message(exc: BaseException) -> str:
    """One sentence for the user about any failure a use case can end in."""
    import sqlite3

    if isinstance(exc, sqlite3.Error):
        return f"{storage_reason(exc)}. Nothing was lost; try again."
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    if isinstance(exc, ValueError | LookupError) or type(exc).__module__.startswith("frontdesk"):
        return str(exc)  # DeskError, ConflictError, DatabaseError: already written for the user
    return f"unexpected error ({type(exc).__name__}: {exc}); nothing was changed by it"
