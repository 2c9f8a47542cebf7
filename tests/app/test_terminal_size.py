"""The app on the terminal it is given: every key bar whole at 80 columns, the caller card wider
from 120 columns, and below 80x24 a sentence saying so, over a screen that keeps what it holds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pilot_helpers import settle
from textual.widgets import Input

from frontdesk.services import NewCall
from screens.callback import CallbackScreen
from screens.desk import DeskScreen
from screens.help import HelpScreen
from screens.new_call import NewCallScreen
from screens.too_small import TooSmall
from widgets.callback_queue import CallbackQueue
from widgets.caller_card import CallerCardView
from widgets.key_bar import KeyBar

LONG_TOPIC = "Spare parts for the espresso machine"  # cut at 80 columns


def promise(desk, clock) -> None:
    now = clock.now()
    desk.log_call(NewCall(phone="+44 20 7946 0958", name="Oliver Smith-Featherstonehaugh",
                          company="Featherstonehaugh Catering & Events", topic=LONG_TOPIC,
                          at=now - timedelta(minutes=40), callback_due=now + timedelta(minutes=30)))


def bar(app) -> tuple[str, KeyBar]:
    key_bar = app.screen.query_one(KeyBar)
    return key_bar.render().plain, key_bar


@pytest.mark.parametrize("keys, screen", [
    ((), "desk"), (("n",), "new call"), (("r",), "reports"), (("s",), "settings"), (("/",), "search"),
    (("enter",), "callback"), (("o",), "customer"),
])
async def test_every_screen_shows_its_keys_whole_on_80_columns(make_app, desk, clock, keys, screen):
    promise(desk, clock)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#queue", CallbackQueue).focus()  # the callback keys apply
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        assert app.screen.TITLE_TEXT == screen
        line, key_bar = bar(app)
        assert len(line) <= 80
        for key in key_bar.keys:  # the screen's own keys and "? Keys" at least, none cut
            if not key.spare and key.key != app.COMMAND_PALETTE_BINDING:
                assert f"{key.display} {key.description.split(' ')[0]}" in line, (screen, key, line)
        if screen != "customer":  # (its keys fill the line: no room for the palette entry)
            assert line.rstrip().endswith(("palette", "^p"))
        else:
            assert "q Quit" in line


async def test_the_callback_page_keeps_its_own_keys_and_gives_up_the_app_keys_first(make_app, desk, clock):
    promise(desk, clock)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(CallbackScreen(1))
        await settle(pilot)
        line, _ = bar(app)
        for words in ("esc Back", "c Call back", "t Reschedule", "a Reassign", "x Cancel", "o Customer", "? Keys"):
            assert words in line
        assert "q Quit" not in line  # the desk and the help list it
        await pilot.resize_terminal(160, 50)
        await settle(pilot)
        line, _ = bar(app)
        assert "x Cancel callback" in line and "q Quit" in line and "^p palette" in line


async def test_the_caller_card_widens_from_120_columns_and_shows_whole_topics(make_app, desk, clock):
    promise(desk, clock)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", "plus", *"442079460958")
        await settle(pilot)
        card = app.screen.query_one(CallerCardView)
        assert card.outer_size.width == 34
        assert LONG_TOPIC not in str(card.render())
        # Wider while a dialog is open over the form: the form is restyled too.
        app.action_help()  # (the key ? would be typed into the phone field)
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.resize_terminal(160, 50)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, NewCallScreen)
        card = app.screen.query_one(CallerCardView)
        assert card.outer_size.width > 60
        shown = str(card.render())
        assert "Oliver Smith-Featherstonehaugh" in shown and LONG_TOPIC in shown
        await pilot.resize_terminal(119, 40)
        await settle(pilot)
        assert app.screen.query_one(CallerCardView).outer_size.width == 34


async def test_below_80x24_the_app_says_so_and_keeps_the_form(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550199", "tab", *"Kate")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewCallScreen)
        await pilot.resize_terminal(70, 20)
        await pilot.pause()  # one frame, well inside the 0.2 s grace (settle() can outlast it on a busy CI)
        assert app.screen is form  # for a moment: keys typed as the window shrank reach the form
        await pilot.pause(0.3)
        assert isinstance(app.screen, TooSmall)
        assert "needs a terminal of at least 80x24; this one is 70x20" in str(app.screen.query_one("#too-small-text").render())
        await pilot.press("q", "n", "escape", "x")  # nothing happens behind the sentence
        await settle(pilot)
        assert isinstance(app.screen, TooSmall) and app.screen_stack[-2] is form
        await pilot.resize_terminal(80, 23)
        await pilot.pause(0.3)
        assert isinstance(app.screen, TooSmall) and len(app.screen_stack) == 3  # the same one
        assert "this one is 80x23" in str(app.screen.query_one("#too-small-text").render())
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#phone", Input).value == "4045550199"
        assert form.query_one("#name", Input).value == "Kate"
        await pilot.press(*"y")  # the form takes keys again, in the field that had focus
        assert form.query_one("#name", Input).value == "Katey"


async def test_starting_in_a_small_terminal_says_so_until_it_is_large_enough(make_app):
    app = make_app()
    async with app.run_test(size=(60, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TooSmall)
        assert len(app.screen_stack) == 2
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
