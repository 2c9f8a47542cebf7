"""KeyBar: the line of keys at the bottom of every screen, FrontDesk's own in place of Textual's
Footer. One line of text, redrawn only when the keys it shows change (docs/performance.md).

What users of Footer rely on is kept: the keys that apply here, greyed while they do not
apply; a click on a key does what the key does, and a click on a greyed key rings the bell;
hovering a key highlights it and shows its tooltip (the binding's tooltip, else its
description); bindings in one `Binding.Group` share one entry ("<- -> Day"). Widths are
terminal cells (cell_len), so wide characters in a description do not push keys off the line."""

from __future__ import annotations

from itertools import groupby
from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget


class Key(NamedTuple):
    key: str  # what a click presses
    display: str  # what the bar shows for it ("<- ->" for a group)
    description: str
    enabled: bool
    tooltip: str


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--disabled {
        color: $text-disabled;
    }
    KeyBar > .key-bar--hover {
        background: $block-hover-background;
        text-style: underline;
    }
    """
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--disabled", "key-bar--hover"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.keys: tuple[Key, ...] = ()  # what the bar shows, the command palette last
        self._spans: list[tuple[int, int, Key]] = []  # cells a click on each key covers
        self.hover: Key | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        keys = self._active_keys()
        if keys != self.keys:
            self.keys = keys
            self.refresh()

    def _active_keys(self) -> tuple[Key, ...]:
        active = self.screen.active_bindings
        shown, actions = [], set()
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                shown.append((binding, enabled, tooltip))
        keys: list[Key] = []
        for group, members in groupby(shown, key=lambda item: item[0].group):
            items = list(members)
            if group is not None and len(items) > 1:
                joiner = "" if group.compact else " "
                display = joiner.join(self.app.get_key_display(b) for b, _e, _t in items)
                enabled = any(e for _b, e, _t in items)
                keys.append(Key(items[0][0].key, display, group.description, enabled, group.description))
                continue
            for binding, enabled, tooltip in items:
                keys.append(Key(binding.key, self.app.get_key_display(binding), binding.description,
                                enabled, tooltip or binding.tooltip or binding.description))
        palette = active.get(self.app.COMMAND_PALETTE_BINDING) if self.app.ENABLE_COMMAND_PALETTE else None
        if palette is not None:
            _node, binding, enabled, tooltip = palette
            keys.append(Key(binding.key, self.app.get_key_display(binding), binding.description, enabled,
                            tooltip or "All commands, by name"))
        return tuple(keys)

    def render(self) -> Text:
        keys = list(self.keys)
        palette = keys.pop() if keys and keys[-1].key == self.app.COMMAND_PALETTE_BINDING else None
        text, spans = self._line(keys, gap=" ")
        if text.cell_len > self.size.width:  # 80 columns and many keys: closer together, all shown
            text, spans = self._line(keys, gap="")
        if palette is not None:
            right = Text(no_wrap=True, end="")
            right.append(f" {palette.display}", style=self._key_style(palette))
            right.append(f" {palette.description} ", style=self._hover_style(palette))
            gap = self.size.width - text.cell_len - right.cell_len
            if gap >= 1:
                text.append(" " * gap)
                spans.append((text.cell_len, text.cell_len + right.cell_len, palette))
                text.append_text(right)
        self._spans = spans
        return text

    def _key_style(self, key: Key):
        style = self.get_component_rich_style("key-bar--key" if key.enabled else "key-bar--disabled")
        return style + self._hover_style(key)

    def _hover_style(self, key: Key):
        if key == self.hover:
            return self.get_component_rich_style("key-bar--hover")
        return self.get_component_rich_style("key-bar--disabled") if not key.enabled else Style.null()

    def _line(self, keys: list[Key], gap: str) -> tuple[Text, list[tuple[int, int, Key]]]:
        text = Text(no_wrap=True, overflow="crop", end="")
        spans = []
        for key in keys:
            start = text.cell_len
            text.append(f" {key.display}", style=self._key_style(key))
            text.append(f" {key.description}{gap}", style=self._hover_style(key))
            spans.append((start, text.cell_len, key))
        return text, spans

    def key_at(self, x: int) -> Key | None:
        for start, end, key in self._spans:
            if start <= x < end:
                return key
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self.key_at(event.x)
        if key != self.hover:
            self.hover = key
            self.refresh()
        if key is None:
            self.tooltip = None
        else:
            self.tooltip = key.tooltip if key.enabled else f"{key.tooltip} (not available here now)"

    def on_leave(self, _event: events.Leave) -> None:
        if self.hover is not None:
            self.hover = None
            self.refresh()
        self.tooltip = None

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        event.stop()
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()  # a greyed key: nothing happens, and the user hears that
