"""The callers that match what is typed in the phone field, under it.

Reached with Down from the phone field only: Tab goes on to the name, as in any form, so a
name typed after Tab lands in the name field and never in this list. The list can take focus
while it is in use and gives that up when it loses focus."""

from __future__ import annotations

from textual.widgets import OptionList


class Suggestions(OptionList, can_focus=False):
    def enter(self) -> None:
        """Focus the list (from the phone field's Down), on its first match if none is highlighted."""
        self.can_focus = True
        self.focus()
        if self.highlighted is None and self.option_count:
            self.highlighted = 0

    def on_blur(self) -> None:
        self.can_focus = False
