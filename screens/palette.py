"""The command palette lists every action that has a key, by its name: the app's own
(new call, search, reports, settings, help) and those of the screen in front. Moving within a
list (cursor, page and scroll keys) is not a command: those stay in the help screen."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from frontdesk.app import FrontDeskApp


# Textual's own entries the desk leaves out: its key panel (the desk's '?' help is the one that
# knows the desk) and maximizing a widget (a list blown up over the desk, with no way back shown).
FRAMEWORK_LEFT_OUT = {"Keys", "Maximize", "Minimize"}
# Bindings that move within a widget, by action name.
MOVING = ("cursor_", "scroll_", "page_", "first", "last", "copy")


def framework_commands(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    return (command for command in commands if command.title not in FRAMEWORK_LEFT_OUT)


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
        if binding.action.split(".")[-1].startswith(MOVING):
            continue
        yield command(binding, key, active.node)
