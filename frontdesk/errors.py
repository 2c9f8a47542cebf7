"""Errors the service raises for the user to read, and the one line any failure becomes."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

R = TypeVar("R")


class DeskError(ValueError):
    """A request was refused; the message is one clear sentence for the user."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def present(record: R | None, what: str) -> R:
    """A record read back by id (after a write, or of a promise): another desk may have removed
    it since, which the user hears about as a DeskError."""
    if record is None:
        raise DeskError(f"{what} was removed meanwhile")
    return record


def describe_failure(exc: BaseException, db_path: Path | str | None = None) -> str:
    """Any failure as one line for the user, safe for the terminal: what the command line
    prints instead of a traceback, and what the app shows in a toast or a form. Storage
    failures get db.describe_storage_error's words."""
    import sqlite3

    from .db import DatabaseError, describe_storage_error
    from .text import one_line

    if isinstance(exc, sqlite3.Error):
        text = describe_storage_error(exc, db_path)
    elif isinstance(exc, OverflowError):
        text = f"a number or a date is out of range ({exc})"
    elif isinstance(exc, UnicodeError):
        text = f"text that is not valid UTF-8 cannot be used ({exc})"
    elif isinstance(exc, ValueError | OSError | DatabaseError) or type(exc).__module__.startswith("frontdesk."):
        text = str(exc)  # DeskError, WhenError, HoursError, ConflictError, DatabaseError: for the user
    else:
        text = f"unexpected error ({type(exc).__name__}: {exc})"
    return one_line(text) or type(exc).__name__
