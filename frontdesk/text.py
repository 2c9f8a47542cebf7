"""Untrusted text: strip what could reach or restyle the terminal."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and bidi embedding/override/isolate marks.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# A whole ESC sequence (CSI / OSC) is removed, not just its ESC byte, so no "[31m" residue remains.
_ESCAPE_SEQ = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
# A lone surrogate is a byte that was not UTF-8 (Python keeps such bytes of argv and file names
# as \udc80-\udcff): it cannot be stored or printed, so it becomes the replacement character.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean(value: str | None, *, multiline: bool = True) -> str:
    """Text safe to store and to show: no escape sequences, control or bidi characters, and
    bytes that were not UTF-8 replaced by U+FFFD."""
    if not value:
        return ""
    if not value.isascii():
        value = _SURROGATE.sub("\ufffd", value)
    text = _ESCAPE_SEQ.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = _UNSAFE.sub("", text)
    if not multiline:
        text = " ".join(text.split())
    return text.strip()


def one_line(value: str | None, limit: int | None = None) -> str:
    """A single display line (newlines and tabs folded), optionally shortened with an ellipsis."""
    text = clean(value, multiline=False)
    if limit is not None and len(text) > limit:
        return text[: max(limit - 1, 0)] + "…"
    return text
