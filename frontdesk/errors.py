"""Errors the service raises for the user to read."""

from __future__ import annotations


class DeskError(ValueError):
    """A request was refused; the message is one clear sentence for the user."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field
