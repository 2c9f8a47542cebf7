"""Names and notes are the caller's words: shown literally, never as markup or escapes."""

from __future__ import annotations

from datetime import timedelta

from pilot_helpers import notifications, screen_text, settle

from frontdesk.services import NewCall
from screens.customer import CustomerScreen

HOSTILE_NAME = "[bold]x[/] [@click=app.quit]x"
HOSTILE_NOTE = "closing [/] tag, \x1b[31mred\x1b[0m, title \x1b]0;pwned\x07 and \u202eevil"


async def test_markup_and_escapes_display_literally(make_app, desk, clock):
    logged = desk.log_call(NewCall(phone="4045550134", name=HOSTILE_NAME, topic="[/]",
                                   note=HOSTILE_NOTE, callback_due=clock.now() + timedelta(minutes=5)))
    stored = desk.history(logged.customer.id)[0]
    assert "\x1b" not in stored.note and "\u202e" not in stored.note and "\x07" not in stored.note
    assert stored.note == "closing [/] tag, red, title  and evil"
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "[bold]x[/] [@click=app.quit]x"[:16] in text  # caller column, literally
        assert app.is_running
        # The reminder toast names the caller literally too.
        assert any(HOSTILE_NAME in n for n in notifications(app))
        app.open_customer(logged.customer.id)
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert HOSTILE_NAME in screen_text(app)
        await pilot.press("enter")  # open the call's note
        await settle(pilot)
        assert "closing [/] tag, red, title  and evil" in screen_text(app)
        # Nothing that reached the terminal contains the caller's escape sequences.
        svg = app.export_screenshot()
        assert "pwned" not in svg and "\x1b" not in svg
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.is_running


async def test_typed_markup_in_the_form_is_saved_as_typed(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134", "tab", *"[b]Bob[/b]", "tab", *"[@click=app.quit]x")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running
    call = desk.todays_calls()[0]
    assert call.customer_name == "[b]Bob[/b]" and call.topic == "[@click=app.quit]x"
