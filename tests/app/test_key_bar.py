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
    return {key.description: key.enabled for key in app.screen.query_one(KeyBar).keys}


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
        assert bar.key_at(x).key == "question_mark"
        await pilot.click(KeyBar, offset=(x + 2, 0))
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_clicking_a_greyed_key_rings_the_bell_and_does_nothing(make_app):
    app = make_app()
    rings: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.bell = lambda: rings.append(1)
        bar = app.screen.query_one(KeyBar)
        x = bar.render().plain.index("c Call back")
        await pilot.click(KeyBar, offset=(x + 2, 0))
        await settle(pilot)
        assert rings == [1]  # the bar says no
        assert app.screen.query_one(KeyBar) is bar  # still the desk, nothing opened
        x = bar.render().plain.index("? Keys")
        await pilot.click(KeyBar, offset=(x + 2, 0))
        await settle(pilot)
        assert rings == [1] and isinstance(app.screen, HelpScreen)  # an enabled key: no bell


async def test_hovering_a_key_highlights_it_and_shows_its_tooltip(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        x = bar.render().plain.index("n New call")
        await pilot.hover(KeyBar, offset=(x + 2, 0))
        await pilot.pause()
        assert bar.hover is not None and bar.hover.key == "n"
        assert bar.tooltip == "New call"
        x = bar.render().plain.index("c Call back")
        await pilot.hover(KeyBar, offset=(x + 2, 0))
        await pilot.pause()
        assert bar.tooltip == "Call back (not available here now)"


async def test_a_group_of_keys_is_one_entry(make_app):
    from screens.reports import ReportsScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        line = app.screen.query_one(KeyBar).render().plain
        assert "Previous day" not in line and "Day" in line
        assert len(line) <= 80

