"""KeyBar: the line of keys at the bottom of every screen, FrontDesk's own in place of Textual's
Footer. One line of text, redrawn only when the keys it shows change (docs/performance.md).

What users of Footer rely on is kept: the keys that apply here, greyed while they do not
apply; a click on a key does what the key does, and a click on a greyed key rings the bell;
hovering a key highlights it and shows its tooltip (the binding's tooltip, else its
description); bindings in one `Binding.Group` share one entry ("<- -> Day"). Widths are
terminal cells (cell_len), so wide characters in a description do not push keys off the line.

Every key a screen shows fits on 80 columns: when the line is too long it is made shorter, in
this order, until it fits: the gaps between keys go and the palette entry becomes its key alone
("^p"), then goes; the app's own keys (q, /, n: the desk and the help screen list them) leave
from the right; the longest descriptions shrink to their first word ("x Cancel"). Only then is
the line cut."""

from __future__ import annotations

from itertools import groupby
from typing import NamedTuple

from rich.cells import cell_len
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
    spare: bool = False  # an app key another screen lists too: left out when the line is short


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
    KEPT = frozenset({"help", "take_call"})  # the app's keys that stay however short the line
    FIRST = frozenset({"take_call"})  # shown first: the phone ringing (the app shows it only then)

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
        for node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                shown.append((node, binding, enabled, tooltip))
        shown.sort(key=lambda item: item[1].action not in self.FIRST)  # stable: the rest keep their order
        keys: list[Key] = []
        for group, members in groupby(shown, key=lambda item: item[1].group):
            items = list(members)
            if group is not None and len(items) > 1:
                joiner = "" if group.compact else " "
                display = joiner.join(self.app.get_key_display(b) for _n, b, _e, _t in items)
                enabled = any(e for _n, _b, e, _t in items)
                keys.append(Key(items[0][1].key, display, group.description, enabled, group.description))
                continue
            for node, binding, enabled, tooltip in items:
                keys.append(Key(binding.key, self.app.get_key_display(binding), binding.description,
                                enabled, tooltip or binding.tooltip or binding.description,
                                spare=node is self.app and binding.action not in self.KEPT))
        palette = active.get(self.app.COMMAND_PALETTE_BINDING) if self.app.ENABLE_COMMAND_PALETTE else None
        if palette is not None:
            _node, binding, enabled, tooltip = palette
            keys.append(Key(binding.key, self.app.get_key_display(binding), binding.description, enabled,
                            tooltip or "All commands, by name"))
        return tuple(keys)

    def render(self) -> Text:
        keys = list(self.keys)
        palette = keys.pop() if keys and keys[-1].key == self.app.COMMAND_PALETTE_BINDING else None
        width = self.size.width
        # The palette entry whole, as its key alone, or not at all (None).
        labels: tuple[str | None, ...] = (palette.description, "", None) if palette else (None,)
        text, spans = Text(no_wrap=True, overflow="crop", end=""), []
        for shown in self._shorter(keys):
            for label in labels:
                for gap in (" ", ""):
                    text, spans = self._line(shown, gap)
                    if label is None or palette is None:
                        if text.cell_len <= width:
                            self._spans = spans
                            return text
                        continue
                    right = self._palette(palette, label)
                    room = width - text.cell_len - right.cell_len
                    if room >= 1:  # at the right edge, at least one cell apart
                        text.append(" " * room)
                        spans.append((text.cell_len, width, palette))
                        text.append_text(right)
                        self._spans = spans
                        return text
        self._spans = spans  # the shortest line, cut at the edge
        return text

    def _shorter(self, keys: list[Key]):
        """The keys to show, from all of them to the fewest and shortest (see the module)."""
        yield keys
        for key in reversed(list(keys)):
            if key.spare:
                keys = [k for k in keys if k is not key]
                yield keys
        while True:
            long = [k for k in keys if " " in k.description]
            if not long:
                return
            longest = max(long, key=lambda k: cell_len(k.description))
            short = longest._replace(description=longest.description.split(" ")[0])
            keys = [short if k is longest else k for k in keys]
            yield keys

    def _palette(self, palette: Key, label: str) -> Text:
        right = Text(no_wrap=True, end="")
        right.append(f" {palette.display}", style=self._key_style(palette))
        right.append(f" {label} " if label else " ", style=self._hover_style(palette))
        return right

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
