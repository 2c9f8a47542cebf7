"""Every key of the screen you came from, and of the app, in one list."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding

from .modals import ShowText

KEY_NAMES = {"slash": "/", "question_mark": "?", "escape": "Esc", "enter": "Enter"}


def key_label(key: str) -> str:
    return ", ".join(KEY_NAMES.get(k, k) for k in key.split(","))


class HelpScreen(ShowText):
    def __init__(self, screen) -> None:
        text = Text()
        seen: set[str] = set()
        sections = [("This screen", getattr(screen, "BINDINGS", [])), ("Everywhere", screen.app.BINDINGS)]
        for title, bindings in sections:
            text.append(f"{title}\n", style="bold")
            for binding in bindings:
                if not isinstance(binding, Binding) or binding.action in seen:
                    continue
                seen.add(binding.action)
                text.append(f"  {key_label(binding.key):>10}  ")
                text.append(f"{binding.description or binding.action}\n")
        text.append("  {:>10}  command palette (every action by name)\n".format("ctrl+p"))
        live = getattr(screen.app, "live_updates", "")
        if live:
            text.append(f"\nOther desks' changes: {live}.\n", style="dim")
        super().__init__(text, title="Keys")

    def compose(self) -> ComposeResult:
        yield from super().compose()
