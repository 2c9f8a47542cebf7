"""TickBox: a checkbox whose mark is its state. Textual's Checkbox draws 'X' whether ticked or
not and tells the two apart by colour only, which NO_COLOR and 16-colour terminals lose; here
the box holds 'X' when ticked and is empty when not."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class TickBox(Checkbox):
    def render(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super().render()
