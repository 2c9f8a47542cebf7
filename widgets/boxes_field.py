"""BoxesField: the boxes of a "While You Were Out" pad, each ticked or cleared by one key.

    c  please call back     w  will call again     r  returned your call
    s  wants to see you     u  urgent

A letter toggles its box; Left / Right move the highlight and Space toggles the highlighted one;
a click toggles the box clicked. Every key is handled by the field itself, in the order it
arrives, so a whole burst of keys (a slow SSH link, tmux send-keys) ticks the same boxes as keys
typed one by one: nothing waits for an overlay to open, as a Select's list would. Other letters
change nothing and ring the bell. Enter does nothing; Tab goes on, as in every other field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget

from frontdesk.models import BOXES

KEYS = {"c": "please_call", "w": "will_call", "r": "returned", "s": "wants_to_see", "u": "urgent"}
LABELS = {"please_call": "call back", "will_call": "will call again", "returned": "returned your call",
          "wants_to_see": "wants to see you", "urgent": "URGENT"}
LETTER = {code: key for key, code in KEYS.items()}


class BoxesField(Widget, can_focus=True):
    DEFAULT_CSS = """
    BoxesField {
        width: 1fr;
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    BoxesField:focus {
        background: $accent 30%;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "Previous box", show=False),
        Binding("right", "move(1)", "Next box", show=False),
        Binding("space", "toggle_highlighted", "Tick / clear", show=False),
    ]

    @dataclass
    class Changed(Message):
        """A box was ticked or cleared."""

        field: BoxesField
        boxes: tuple[str, ...]

        @property
        def control(self) -> BoxesField:
            return self.field

    def __init__(self, boxes: Iterable[str] = (), **kwargs) -> None:
        super().__init__(**kwargs)
        self.ticked: set[str] = {code for code in boxes if code in BOXES}
        self.highlight = 0

    @property
    def boxes(self) -> tuple[str, ...]:
        """The boxes ticked, in the pad's order."""
        return tuple(code for code in BOXES if code in self.ticked)

    @property
    def value(self) -> str:
        """The boxes ticked as text ('please_call,urgent'), as a draft keeps them."""
        return ",".join(self.boxes)

    def toggle(self, code: str) -> None:
        self.ticked ^= {code}
        self.refresh(layout=True)
        self.post_message(self.Changed(self, self.boxes))

    def _layout(self, width: int) -> list[list[tuple[int, str]]]:
        """The boxes in lines of at most `width` cells: each line a list of (x, code)."""
        lines: list[list[tuple[int, str]]] = [[]]
        x = 0
        for code in BOXES:
            length = len(self._box(code))
            if lines[-1] and x + 2 + length > width:
                lines.append([])
                x = 0
            if lines[-1]:
                x += 2
            lines[-1].append((x, code))
            x += length
        return lines

    @staticmethod
    def _box(code: str) -> str:
        return f"[ ] {LETTER[code]} {LABELS[code]}"

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        codes = list(BOXES)
        for y, line in enumerate(self._layout(max(self.content_size.width, 20))):
            if y:
                text.append("\n")
            x = 0
            for start, code in line:
                text.append(" " * (start - x))
                ticked = code in self.ticked
                text.append("[x] " if ticked else "[ ] ", style="bold" if ticked else "")
                text.append(LETTER[code], style="bold underline")
                highlighted = self.has_focus and codes.index(code) == self.highlight
                text.append(f" {LABELS[code]}", style=("reverse " if highlighted else "") + ("bold" if ticked else ""))
                x = start + len(self._box(code))
        return text

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._layout(max(width, 20)))

    def action_move(self, step: int) -> None:
        self.highlight = (self.highlight + step) % len(BOXES)
        self.refresh()

    def action_toggle_highlighted(self) -> None:
        self.toggle(list(BOXES)[self.highlight])

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character.isprintable() and not character.isspace()

    def on_key(self, event: events.Key) -> None:
        """Every key of the field acts here, in the order the keys arrive (a binding would run
        only once the key had travelled back to the app, after a Tab sent in the same burst)."""
        moves = {"left": -1, "right": 1}
        if event.key in moves or event.key == "space":
            event.stop()
            event.prevent_default()
            if event.key == "space":
                self.action_toggle_highlighted()
            else:
                self.action_move(moves[event.key])
            return
        character = event.character
        if not (character and character.isprintable() and not character.isspace()):
            return
        event.stop()
        event.prevent_default()
        code = KEYS.get(character.lower())
        if code is None:
            self.app.bell()  # not a box: nothing changes
            return
        self.highlight = list(BOXES).index(code)
        self.toggle(code)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        offset = event.get_content_offset(self)
        if offset is None:
            return
        lines = self._layout(max(self.content_size.width, 20))
        if not 0 <= offset.y < len(lines):
            return
        for start, code in lines[offset.y]:
            if start <= offset.x < start + len(self._box(code)):
                self.highlight = list(BOXES).index(code)
                self.toggle(code)
                return
