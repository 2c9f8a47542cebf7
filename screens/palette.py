"""The command palette lists every action that has a key, by its name: the app's own
(new call, search, reports, settings, help) and those of the screen in front; and, while
several calls ring, one 'Take call' per ringing call (the key takes the newest)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from frontdesk.app import FrontDeskApp


def keyed_commands(app: FrontDeskApp, screen: Screen) -> Iterator[SystemCommand]:
    seen: set[str] = set()

    def command(binding: Binding, key: str, node) -> SystemCommand:
        seen.add(binding.action)
        return SystemCommand(binding.description, f"key: {key}",
                             partial(app.call_later, app.run_from_palette, binding.action, node))

    for binding in app.BINDINGS:
        if isinstance(binding, Binding) and (
                binding.action in app.LEAVING_ACTIONS - {"quit"} or binding.action == "help"):
            yield command(binding, binding.key_display or binding.key, app)
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if active.node is app or not active.enabled or not binding.description or binding.action in seen:
            continue
        yield command(binding, key, active.node)


def ringing_commands(app: FrontDeskApp) -> Iterator[SystemCommand]:
    from frontdesk.text import one_line
    from widgets.ringing_strip import caller_words

    for call in app.ringing:
        who, known = caller_words(call)
        yield SystemCommand(f"Take call: {one_line(who, 60)}", known or "the new-call form for this ringing call",
                            partial(app.call_later, app.action_take_call, call.phone_call_id))
