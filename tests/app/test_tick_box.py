"""The import screen's checkbox reads without colour (NO_COLOR, 16 colours): its mark is its state."""

from __future__ import annotations

from textual.app import App, ComposeResult

from widgets.tick_box import TickBox


class BoxApp(App):
    def compose(self) -> ComposeResult:
        yield TickBox("Also contacts without a phone number")


def drawn(app: App) -> str:
    box = app.query_one(TickBox)
    return "".join(segment.text for segment in box.render_line(0)).strip()


async def test_the_box_is_empty_until_ticked_and_marked_after():
    app = BoxApp()
    async with app.run_test(size=(60, 3)) as pilot:
        await pilot.pause()
        assert drawn(app).startswith("▐ ▌ Also contacts")
        app.query_one(TickBox).focus()
        await pilot.press("space")
        await pilot.pause()
        assert app.query_one(TickBox).value
        assert drawn(app).startswith("▐X▌ Also contacts")
