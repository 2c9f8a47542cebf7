"""ChoiceField: one line that holds one of a few choices, changed in place by keys.

FrontDesk's forms use it where Textual's Select would open an overlay: a Select's list is a
second widget that takes focus a moment after Enter, so keys typed in the same burst (over a
slow SSH link, or quickly) went to the wrong widget and a "callback promised" became
"resolved". Here every key is handled by the field itself, in the order it arrives:

    Up / Left    the previous choice          Down / Right   the next one
    Home / End   the first / the last         a click        the next choice

The choices wrap around. Enter does nothing, so Tab is the way on, as in every other field.
Letters do not pick a choice: words typed here by mistake (thinking this was the note) used
to walk the choice to something else; now each rings the bell and nothing changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget


class ChoiceField(Widget, can_focus=True):
    DEFAULT_CSS = """
    ChoiceField {
        width: 1fr;
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    ChoiceField:focus {
        background: $accent 30%;
        text-style: bold;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,left", "step(-1)", "Previous choice", show=False),
        Binding("down,right", "step(1)", "Next choice", show=False),
        Binding("home", "first", "First choice", show=False),
        Binding("end", "last", "Last choice", show=False),
    ]

    @dataclass
    class Changed(Message):
        """The choice changed (by a key, a click, or setting `value`)."""

        field: ChoiceField
        value: str

        @property
        def control(self) -> ChoiceField:
            return self.field

    def __init__(self, choices: Sequence[tuple[str, str]], value: str | None = None, **kwargs) -> None:
        """choices: (label, value) pairs, shown in this order."""
        super().__init__(**kwargs)
        if not choices:
            raise ValueError("a ChoiceField needs at least one choice")
        self.choices = list(choices)
        values = [v for _label, v in self.choices]
        self._index = values.index(value) if value in values else 0

    @property
    def value(self) -> str:
        return self.choices[self._index][1]

    @value.setter
    def value(self, value: str) -> None:
        values = [v for _label, v in self.choices]
        if value not in values:
            raise ValueError(f"{value!r} is not one of the choices")
        self._choose(values.index(value))

    @property
    def label(self) -> str:
        return self.choices[self._index][0]

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("\u2039 ", style="dim")
        text.append(self.label)
        text.append(" \u203a", style="dim")
        return text

    def _choose(self, index: int) -> None:
        index %= len(self.choices)
        if index != self._index:
            self._index = index
            self.refresh()
            self.post_message(self.Changed(self, self.value))

    def action_step(self, step: int) -> None:
        self._choose(self._index + step)

    def action_first(self) -> None:
        self._choose(0)

    def action_last(self) -> None:
        self._choose(len(self.choices) - 1)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character.isprintable() and not character.isspace()

    def on_key(self, event: events.Key) -> None:
        """Typing here changes nothing: the bell says this is not a text field."""
        character = event.character
        if character and character.isprintable() and not character.isspace():
            event.stop()
            event.prevent_default()
            self.app.bell()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        self.action_step(1)
