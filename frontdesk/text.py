"""Untrusted text: strip what could reach or restyle the terminal."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and bidi embedding/override/isolate marks.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# A whole ESC sequence (CSI / OSC) is removed, not just its ESC byte, so no "[31m" residue remains.
_ESCAPE_SEQ = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")


def clean(value: str | None, *, multiline: bool = True) -> str:
    """Text safe to store and to show: no escape sequences, control or bidi characters."""
    if not value:
        return ""
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
