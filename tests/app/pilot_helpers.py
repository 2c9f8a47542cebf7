"""Pilot helpers shared by the app tests."""

from __future__ import annotations


async def settle(pilot, rounds: int = 4) -> None:
    """Let workers finish and their results reach the screen (until nothing is left running)."""
    from textual.worker import WorkerCancelled, WorkerFailed

    for _ in range(rounds):
        for _ in range(400):  # keys read but not yet handled (the app handles them in order)
            if not getattr(pilot.app, "keys_waiting", 0):
                break
            await pilot.pause(0.005)
        try:
            await pilot.app.workers.wait_for_complete()
        except (WorkerCancelled, WorkerFailed):
            pass  # superseded by a newer one (exclusive), or failed: the app reports that itself
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers) and not getattr(
                pilot.app, "keys_waiting", 0):
            return


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def screen_text(app) -> str:
    """Everything the screen shows, as plain text (what a user would read)."""
    from textual.widgets import DataTable, Input, Static

    from widgets.row_table import RowTable

    parts: list[str] = []
    for widget in app.screen.query("*"):
        if isinstance(widget, DataTable | RowTable):
            for row_key in widget.rows:
                parts.append(" ".join(str(cell) for cell in widget.get_row(row_key)))
        elif isinstance(widget, Input):
            parts.append(widget.value)
        elif isinstance(widget, Static):
            content = widget.content
            parts.append(content.plain if hasattr(content, "plain") else str(content))
    return "\n".join(parts)


def burst(app, *keys: str) -> None:
    """Keys as a slow SSH link delivers them: all at once, none waiting for the one before to
    be handled (pilot.press waits for the app to be idle after each key)."""
    from textual import events
    from textual.keys import _character_to_key

    named = {"tab": "\t", "enter": "\r", "space": " ", "backspace": "\x7f"}
    for key in keys:
        if len(key) == 1:
            event = events.Key(key if key.isalnum() else _character_to_key(key), key)
        else:
            event = events.Key(key, named.get(key))
        app._driver.send_message(event)


async def type_into(pilot, field_id: str, text: str) -> None:
    """Focus a field and replace its text (keys are typed elsewhere; a test about checks)."""
    from textual.widgets import Input

    field = pilot.app.screen.query_one(f"#{field_id}", Input)
    field.focus()
    field.value = text
    await pilot.pause()
