"""The other screens by keys: settings validation, queue actions, customer page, search, help."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pilot_helpers import notifications, screen_text, settle, type_into
from textual.widgets import Input

from frontdesk.services import NewCall
from screens.customer import CustomerScreen
from screens.desk import DeskScreen
from screens.search import SearchScreen
from screens.settings import SettingsScreen
from widgets.callback_queue import CallbackQueue


async def test_settings_refuse_bad_values_and_keep_what_was_typed(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        cases = [
            ("tz", "Mars/Base", "unknown timezone"),
            ("day_mon", "25:00-17:00", "25:00 is not a time of day"),
            ("day_tue", "17:00-09:00", "is not after opening time"),
            ("lead", "soon", "whole number"),
            ("region", "XX", "unknown region"),
        ]
        for field, bad, reason in cases:
            original = app.screen.query_one(f"#{field}", Input).value
            await type_into(pilot, field, bad)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, SettingsScreen)
            assert reason in screen_text(app), field
            assert app.screen.query_one(f"#{field}", Input).value == bad
            assert app.focused.id == field
            await type_into(pilot, field, original)
        for day in ("mon", "tue", "wed", "thu", "fri"):
            await type_into(pilot, f"day_{day}", "closed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "the week has no open hours" in screen_text(app)
        for day in ("mon", "tue", "wed", "thu", "fri"):
            await type_into(pilot, f"day_{day}", "08:00-18:00")
        await type_into(pilot, "tz", "Europe/Berlin")
        await type_into(pilot, "lead", "15")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    assert desk.reload_settings().tz == "Europe/Berlin"
    assert desk.settings.lead_minutes == 15
    assert desk.settings.hours.to_dict()["week"]["mon"] == "08:00-18:00"


async def test_reschedule_reassign_and_cancel_from_the_queue(make_app, desk, clock):
    cb = desk.log_call(NewCall(phone="4045550134", name="Bo", outcome="callback")).callback
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#queue", CallbackQueue).focus()
        await pilot.press("t")  # reschedule: presets, then a reason
        await settle(pilot)
        await pilot.press("down", "enter")  # 1 business hour... second preset
        await settle(pilot)
        await pilot.press(*"customer asked", "enter")
        await settle(pilot)
        moved = desk.callbacks.callback(cb.id)
        assert moved.due_at == clock.now() + timedelta(hours=1)
        events = desk.callbacks.callback_history(cb.id)
        assert events[-1].kind == "rescheduled" and events[-1].reason == "customer asked"
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+u", *"raj", "enter")
        await settle(pilot)
        await pilot.press("y")  # raj is new to the desk: asked first
        await settle(pilot)
        assert desk.callbacks.callback(cb.id).assignee == "raj"
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("enter")  # an empty reason is refused
        await settle(pilot)
        assert "a reason is needed" in screen_text(app)
        await pilot.press(*"solved by email", "enter")
        await settle(pilot)
        cancelled = desk.callbacks.callback(cb.id)
        assert cancelled.state == "cancelled" and cancelled.cancel_reason == "solved by email"
        assert app.screen.query_one("#queue", CallbackQueue).row_count == 0


async def test_customer_page_add_number_and_merge_a_duplicate(make_app, desk):
    keep = desk.log_call(NewCall(phone="4045550134", name="Maria Lopez", topic="first")).customer
    dup = desk.log_call(NewCall(phone="4045550999", name="M. Lopez", topic="second")).customer
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_customer(keep.id)
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        await pilot.press("p", *"(404) 555-0777 as mobile", "enter")
        await settle(pilot)
        assert "(404) 555-0777" in screen_text(app) and "mobile" in screen_text(app)
        await pilot.press("g", *"0999", "enter")
        await settle(pilot)
        await pilot.press("enter")  # the one match
        await settle(pilot)
        await pilot.press("y")  # confirm
        await settle(pilot)
        text = screen_text(app)
        assert "(404) 555-0999" in text and "2 of 2 calls" in text
    assert desk.customers.customer(dup.id).id == keep.id
    assert [m.customer.id for m in desk.find_callers("0999")] == [keep.id]


async def test_search_finds_customers_and_notes_and_opens_the_customer(make_app, desk):
    customer = desk.log_call(NewCall(phone="4045550134", name="Maria Lopez",
                                     note="wants the blue invoice")).customer
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"invoice")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert "Calls whose notes match (1)" in screen_text(app)
        assert "wants the blue invoice" in screen_text(app)  # the matching note is shown
        await type_into(pilot, "query", "lop")
        await settle(pilot)
        assert "Customers (1)" in screen_text(app)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen) and app.screen.customer_id == customer.id


async def test_help_lists_every_key_and_q_quits(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = screen_text(app)
        for words in ("Call back", "Reschedule", "New call", "Search", "Reports", "Settings", "Quit"):
            assert words in text
        await pilot.press("escape", "q")
        await settle(pilot)
    assert not app.is_running


async def test_reports_screen_shows_the_day_and_moves_between_days(make_app, desk, clock, tmp_path):
    desk.log_call(NewCall(phone="4045550134", name="Bo", at=clock.now() - timedelta(days=1)))
    desk.log_call(NewCall(phone="4045550135", name="Cy", outcome="callback"))
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        text = screen_text(app)
        assert "Monday 23 November 2026" in text and "Promised        1" in text
        await pilot.press("left")
        await settle(pilot)
        assert "Sunday 22 November 2026" in screen_text(app)
        assert "Calls           1" in screen_text(app)
        await pilot.press("e")
        await settle(pilot)
        target = tmp_path / "sunday.csv"
        await type_into(pilot, "answer", str(target))
        await pilot.press("enter")
        await settle(pilot)
        assert any(f"Exported 1 calls to {target}" in n for n in notifications(app))
    assert "Bo" in target.read_text(encoding="utf-8-sig")


async def test_reports_export_never_replaces_an_existing_file(make_app, desk, clock, tmp_path):
    desk.log_call(NewCall(phone="4045550134", name="Bo"))
    yesterday = tmp_path / "monday.csv"
    yesterday.write_text("the owner's export")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await type_into(pilot, "answer", str(yesterday))
        await pilot.press("enter")
        await settle(pilot)
        assert "monday.csv already exists; choose another name" in screen_text(app)
        assert app.screen.query_one("#answer", Input).value == str(yesterday)  # kept to edit
        await type_into(pilot, "answer", str(tmp_path / "monday-2.csv"))
        await pilot.press("enter")
        await settle(pilot)
        assert any("Exported 1 calls to" in n for n in notifications(app))
    assert yesterday.read_text() == "the owner's export"
    assert "Bo" in (tmp_path / "monday-2.csv").read_text(encoding="utf-8-sig")


async def test_every_action_with_a_key_is_in_the_command_palette(make_app, desk):
    desk.log_call(NewCall(phone="4045550134", name="Bo", outcome="callback"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#queue", CallbackQueue).focus()
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for title in ("New call", "Search", "Reports", "Settings", "Keys", "Call back",
                      "Reschedule", "Ack", "Snooze", "Reassign", "Cancel callback", "Mine/all"):
            assert title in titles
        # moving within a list is not a command, and Textual's own key panel is not the desk's
        assert not titles & {"Cursor up", "Page down", "Scroll Left", "Maximize"}
        assert [c.help for c in app.get_system_commands(app.screen) if c.title == "Keys"] == ["key: question_mark"]
        await pilot.press("ctrl+p", *"Settings")
        for _ in range(40):  # the palette searches its providers in the background
            await pilot.pause(0.05)
            if app.screen.query("OptionList").first().option_count:
                break
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)


async def test_editing_a_number_is_audited(make_app, desk):
    customer = desk.log_call(NewCall(phone="4045550134", name="Maria Lopez")).customer
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_customer(customer.id)
        await settle(pilot)
        await pilot.press("u", "enter")  # the only number
        await settle(pilot)
        await type_into(pilot, "answer", "404 555 0135 as office")
        await pilot.press("enter")
        await settle(pilot)
        assert "(404) 555-0135" in screen_text(app) and "office" in screen_text(app)
        await pilot.press("h")
        await settle(pilot)
        assert "+14045550134 -> +14045550135" in screen_text(app)


async def test_q_asks_while_a_form_holds_typing_and_ctrl_q_quits_at_once(make_app, desk):
    from screens.modals import Confirm

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134", "tab", *"Half Typed")
        await settle(pilot)
        await app.run_from_palette("quit", app)  # "Quit" chosen in the palette (q is text here)
        await settle(pilot)
        assert isinstance(app.screen, Confirm) and app.is_running
        await pilot.press("n")  # stay
        await settle(pilot)
        assert app.is_running
        await pilot.press("ctrl+q")
        await settle(pilot)
    assert desk.draft()["name"] == "Half Typed"  # kept for next time


async def test_leaving_the_settings_with_changes_asks_first(make_app, desk):
    from screens.modals import Confirm
    from screens.settings import SettingsScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("escape")  # nothing changed: leaves at once
        await settle(pilot)
        assert not isinstance(app.screen, SettingsScreen)
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#lead").value = "25"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # keep editing
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen) and app.screen.query_one("#lead").value == "25"


async def test_a_custom_reschedule_time_shows_what_it_means_as_it_is_typed(make_app, desk, clock):
    cb = desk.log_call(NewCall(phone="4045550134", name="Bo", outcome="callback")).callback
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#queue", CallbackQueue).focus()
        await pilot.press("t", "end", "enter")  # the last choice: custom time...
        await settle(pilot)
        await pilot.press(*"tomorrow 9")
        await settle(pilot)
        preview = str(app.screen.query_one("#prompt-preview").content)
        assert preview == "= Tue 24 Nov 09:00 (in 23 h)"  # Monday 10:00 in New York
        await pilot.press("enter", *"asked for tomorrow", "enter")
        await settle(pilot)
    assert desk.callbacks.callback(cb.id).due_at == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
