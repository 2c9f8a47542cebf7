"""The key line at the bottom: the keys that apply here, greyed when they do not apply yet,
all of them on 80 columns, and a click on a key does what the key does."""

from __future__ import annotations

from datetime import timedelta

from pilot_helpers import settle

from frontdesk.services import NewCall
from screens.help import HelpScreen
from screens.new_call import NewCallScreen
from widgets.callback_queue import CallbackQueue
from widgets.key_bar import KeyBar


def shown(app) -> dict[str, bool]:
    """description -> enabled, for the key bar of the current screen."""
    return {description: enabled for _key, _display, description, enabled in app.screen.query_one(KeyBar).keys}


async def test_the_desk_bar_lists_its_keys_and_greys_the_ones_without_a_callback(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = shown(app)
        assert {"New call", "Search", "Keys", "Quit"} <= set(keys)
        assert keys["Call back"] is False  # no callback selected: shown, but greyed
        line = app.screen.query_one(KeyBar).render().plain
        assert "n New call" in line and "q Quit" in line  # every key fits on 80 columns
        assert len(line) <= 80


async def test_selecting_a_callback_enables_its_keys(make_app, desk, clock):
    desk.log_call(NewCall(phone="4045550134", name="Bo", callback_due=clock.now() + timedelta(minutes=5)))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#queue", CallbackQueue).focus()
        await settle(pilot)
        assert shown(app)["Call back"] is True


async def test_each_screen_shows_its_own_keys(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewCallScreen)
        keys = shown(app)
        assert "Save" in keys and "Call back" not in keys
        assert app.screen.query_one(KeyBar).render().plain.rstrip().endswith("palette")


async def test_clicking_a_key_runs_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        line = bar.render().plain
        x = line.index("? Keys")
        assert bar.key_at(x) == "question_mark"
        await pilot.click(KeyBar, offset=(x + 2, 0))
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_clicking_a_greyed_key_does_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        x = bar.render().plain.index("c Call back")
        await pilot.click(KeyBar, offset=(x + 2, 0))
        await settle(pilot)
        assert app.screen.query_one(KeyBar) is bar  # still the desk, nothing opened
