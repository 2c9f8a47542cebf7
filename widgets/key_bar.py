"""The line of keys at the bottom of every screen: what each key does here, in one line.

Textual's Footer builds a widget per key and rebuilds all of them whenever the bindings are
refreshed (each focus move, each new selection); that cost ~60 ms of every start on a
lifetime's desk. This shows the same keys as one line of text, redrawn only when what it shows
changes. A key can still be clicked."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widget import Widget


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
    """
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--disabled"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # (key, shown as, description, enabled) for each key the bar shows, palette last
        self.keys: tuple[tuple[str, str, str, bool], ...] = ()
        self._spans: list[tuple[int, int, str]] = []  # columns a click on each key covers

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

    def _active_keys(self) -> tuple[tuple[str, str, str, bool], ...]:
        active = self.screen.active_bindings
        shown, actions = [], set()
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                shown.append((binding.key, self.app.get_key_display(binding), binding.description, enabled))
        palette = active.get(self.app.COMMAND_PALETTE_BINDING) if self.app.ENABLE_COMMAND_PALETTE else None
        if palette is not None:
            _node, binding, enabled, _tooltip = palette
            shown.append((binding.key, self.app.get_key_display(binding), binding.description, enabled))
        return tuple(shown)

    def render(self) -> Text:
        keys = list(self.keys)
        palette = keys.pop() if keys and keys[-1][0] == self.app.COMMAND_PALETTE_BINDING else None
        text, spans = self._line(keys, gap=" ")
        if len(text) > self.size.width:  # 80 columns and many keys: closer together, all shown
            text, spans = self._line(keys, gap="")
        if palette is not None:
            key, display, description, enabled = palette
            right = Text(no_wrap=True, end="")
            key_style = self.get_component_rich_style("key-bar--key")
            right.append(f" {display}", style=key_style)
            right.append(f" {description} ")
            gap = self.size.width - len(text) - len(right)
            if gap >= 1:
                text.append(" " * gap)
                spans.append((len(text), len(text) + len(right), key))
                text.append_text(right)
        self._spans = spans
        return text

    def _line(self, keys: list, gap: str) -> tuple[Text, list[tuple[int, int, str]]]:
        key_style = self.get_component_rich_style("key-bar--key")
        disabled_style = self.get_component_rich_style("key-bar--disabled")
        text = Text(no_wrap=True, overflow="crop", end="")
        spans = []
        for key, display, description, enabled in keys:
            start = len(text)
            text.append(f" {display}", style=key_style if enabled else disabled_style)
            text.append(f" {description}{gap}", style="" if enabled else disabled_style)
            spans.append((start, len(text), key))
        return text, spans

    def key_at(self, x: int) -> str | None:
        for start, end, key in self._spans:
            if start <= x < end:
                return key
        return None

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        enabled = {k: e for k, _d, _t, e in self.keys}
        if key is not None and enabled.get(key):
            event.stop()
            self.app.simulate_key(key)
