"""The call someone was typing when the last session ended (a crash, a dropped SSH link),
offered back when the desk opens."""

from __future__ import annotations

from frontdesk.clock import from_iso
from frontdesk.formatting import span

from .modals import Confirm


def offer_draft(app, draft: dict | None, answered) -> bool:
    """Ask whether to restore `draft` (saying what it was and how long ago it was typed);
    True when the question was asked. `answered()` runs once it is answered."""
    if not draft or not any(str(draft.get(k, "")).strip() for k in ("phone", "name", "topic", "note")):
        return False
    what = draft.get("phone") or draft.get("name") or draft.get("topic") or "a call"
    saved = draft.get("saved_at")
    if isinstance(saved, str):
        try:
            minutes = int((app.desk.clock.now() - from_iso(saved)).total_seconds() // 60)
        except ValueError:
            minutes = -1
        if minutes >= 0:
            what += f", typed {span(minutes)} ago" if minutes else ", typed just now"

    def answer(restore: bool | None) -> None:
        answered()
        if restore:
            app.open_new_call(draft)
        else:
            app.discard_draft()

    app.push_screen(Confirm(f"Restore the call you were typing ({what})?", yes="Restore", no="Discard"),
                    answer)
    return True
