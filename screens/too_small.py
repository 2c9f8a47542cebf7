"""What the app shows in a terminal smaller than it can draw on: a sentence saying so, in place
of a screen with its keys and columns cut off. It covers whatever is open without closing it
(a half-typed call stays in its form) and goes once the terminal is large enough again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.app import App
    from textual.geometry import Size

MIN_WIDTH, MIN_HEIGHT = 80, 24
WIDE_COLUMNS = 120  # from this width on the app has the class -wide: side panels (the caller card) widen


def fit_terminal(app: App, size: Size, grace: float = 0.0) -> None:
    """Below 80x24 a sentence says so over whatever is open (closing nothing); at 120 columns
    and more the app has the class -wide, which frontdesk.tcss widens side panels by. Every
    screen of the stack is restyled, not only the ones on view, so the one under a dialog has
    the right width when the dialog closes.

    The sentence comes after a moment's `grace`: keys typed just before the window shrank may
    be read after the signal that it did, and they go to the form, not to the sentence."""
    wide = size.width >= WIDE_COLUMNS
    if app.has_class("-wide") != wide:
        app.set_class(wide, "-wide", update=False)
        for screen in app.screen_stack:
            screen.update_node_styles(animate=False)
    if not app.screen_stack:
        return
    if too_small(size.width, size.height):
        if grace:
            app.set_timer(grace, lambda: fit_terminal(app, app.size), name="too-small")
        elif not any(isinstance(screen, TooSmall) for screen in app.screen_stack):
            app.push_screen(TooSmall())
    elif isinstance(app.screen, TooSmall):
        app.pop_screen()


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmall(ModalScreen[None]):
    """Pushed and popped by the app as the terminal is resized. Keys typed meanwhile do nothing
    (nothing can be seen to act on), except ctrl+q, which quits keeping a half-typed call as a
    draft."""

    DEFAULT_CSS = """
    TooSmall { align: center middle; background: $background; color: $foreground; }
    TooSmall > Static { width: auto; max-width: 100%; height: auto; padding: 0 2; text-align: center; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="too-small-text")

    def on_mount(self) -> None:
        self._say()

    def on_resize(self) -> None:
        self._say()

    def on_screen_resume(self) -> None:
        # Something opened over this (a question) and the terminal grew meanwhile: the screen
        # underneath can be drawn again.
        if not too_small(*self.app.size) and self.app.screen is self:
            self.dismiss(None)

    def _say(self) -> None:
        width, height = self.app.size
        text = Text(f"FrontDesk needs a terminal of at least {MIN_WIDTH}x{MIN_HEIGHT}; "
                    f"this one is {width}x{height}.", style="bold")
        text.append("\n\nMake the window larger to go on; nothing is lost.\n"
                    "ctrl+q quits (a half-typed call is kept as a draft).")
        self.query_one(Static).update(text)
