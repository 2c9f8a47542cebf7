"""Two versions of one field side by side, showing where they differ (not just how they start)."""

from __future__ import annotations

from difflib import SequenceMatcher

from rich.text import Text

from frontdesk.text import one_line

CONTEXT = 12  # characters kept around each difference
MARK = "reverse"  # readable without colour (NO_COLOR, 16 colours)


def differences(theirs: str, yours: str, width: int = 56) -> tuple[Text, Text]:
    """(theirs, yours) as one line each, the parts that differ marked, cut to `width` around the
    differences (an ellipsis stands for what is left out), so two long notes that differ only
    near the end show that end."""
    a, b = one_line(theirs), one_line(yours)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    changed = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    return _line(a, [(i1, i2) for _, i1, i2, _, _ in changed], width), _line(
        b, [(j1, j2) for _, _, _, j1, j2 in changed], width)


def _line(text: str, spans: list[tuple[int, int]], width: int) -> Text:
    if not spans:
        return Text(_cut(text, width))
    keep: list[tuple[int, int]] = []
    for start, end in spans:  # each difference with some context, overlapping windows joined
        lo, hi = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
        if keep and lo <= keep[-1][1]:
            keep[-1] = (keep[-1][0], max(keep[-1][1], hi))
        else:
            keep.append((lo, hi))
    line = Text()
    for lo, hi in keep:
        if len(line.plain) >= width:
            break
        if lo > 0 and not line.plain.endswith("…"):
            line.append("…")
        pos = lo
        while pos < hi:  # runs of marked and unmarked characters
            marked = any(start <= pos < end for start, end in spans)
            run = pos + 1
            while run < hi and any(start <= run < end for start, end in spans) == marked:
                run += 1
            line.append(text[pos:run], style=MARK if marked else "")
            pos = run
        if hi < len(text):
            line.append("…")
    if len(line.plain) > width:
        line.truncate(width - 1)
        line.append("…")
    return line


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
