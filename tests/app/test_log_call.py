"""Logging calls with the keyboard alone, and reading them back."""

from __future__ import annotations

from pilot_helpers import burst, screen_text, settle
from textual.widgets import Input

from frontdesk.services import NewCall
from screens.customer import CustomerScreen
from screens.desk import DeskScreen
from screens.new_call import NewCallScreen
from widgets.call_table import CallTable


async def test_log_a_call_by_keys_then_find_it_on_desk_and_in_history(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewCallScreen)
        assert app.focused.id == "phone"
        await pilot.press(*"(404) 555-0134")
        await pilot.press("tab")  # no match list for an unknown number: straight to the name
        await settle(pilot)
        assert app.focused.id == "name"
        await pilot.press(*"Maria Lopez", "tab", *"Invoice question", "tab", *"Wants a copy of 1042")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        calls = desk.todays_calls()
        assert [c.caller for c in calls] == ["Maria Lopez"]
        assert calls[0].e164 == "+14045550134" and calls[0].note == "Wants a copy of 1042"
        assert calls[0].operator == "ann" and calls[0].direction == "in"
        assert "Maria Lopez" in screen_text(app)
        table = app.screen.query_one("#calls", CallTable)
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        text = screen_text(app)
        assert "Maria Lopez" in text and "(404) 555-0134" in text and "Invoice quest" in text
        assert "1 of 1 calls" in text


async def test_returning_caller_is_recognised_from_a_few_digits(make_app, desk):
    desk.log_call(NewCall(phone="+1 404 555 0134", name="Maria Lopez", topic="First call"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"0134")
        await settle(pilot)
        matches = app.screen.query_one("#matches")
        assert matches.option_count == 1 and matches.has_class("-shown")
        await pilot.press("down", "enter")  # into the suggestions, choose the first
        await settle(pilot)
        screen = app.screen
        assert screen.customer_id is not None
        assert screen.query_one("#phone", Input).value == "(404) 555-0134"
        assert "First call" in screen_text(app)  # the caller card shows the last calls
        await pilot.press(*"Second call", "ctrl+s")
        await settle(pilot)
    assert [c.topic for c in desk.history(screen.customer_id)] == ["Second call", "First call"]


async def test_full_number_in_any_format_shows_the_caller_card_at_once(make_app, desk):
    desk.log_call(NewCall(phone="404-555-0134", name="Maria Lopez", note="prefers mornings"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"+1 404.555.0134")
        await settle(pilot)
        assert app.screen.customer_id is not None
        assert "Maria Lopez" in screen_text(app)


async def test_invalid_phone_keeps_what_was_typed_and_says_why(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"555-01", "tab", "tab", *"A topic")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewCallScreen)
        assert screen.query_one("#phone", Input).value == "555-01"
        assert screen.query_one("#topic", Input).value == "A topic"
        assert "too short" in str(screen.query_one("#error").render())
        assert app.focused.id == "phone"
    assert desk.todays_calls() == []


async def test_escape_asks_before_discarding_typed_text(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134", "escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "Confirm"
        await pilot.press("n")  # keep typing
        await settle(pilot)
        assert isinstance(app.screen, NewCallScreen)
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


async def test_outbound_call_is_selectable(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134", "ctrl+o", "ctrl+s")
        await settle(pilot)
    assert desk.todays_calls()[0].direction == "out"


async def test_letter_keys_do_not_leave_a_half_typed_call(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134", "tab", "tab", "tab", "tab")  # to the outcome drop-down
        assert app.focused.id == "outcome"
        await pilot.press("q", "r", "s", "n", "slash")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, NewCallScreen)
        assert app.screen.query_one("#phone", Input).value == "4045550134"


async def test_call_back_form_starts_in_the_note(make_app, desk):
    desk.log_call(NewCall(phone="4045550134", name="Bo", outcome="callback"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#queue").focus()
        await pilot.press("c")
        await settle(pilot)
        assert app.focused.id == "note"
        await pilot.press(*"Confirmed Wed", "escape")  # typed: asks, and starts on "Keep typing"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NewCallScreen)
        assert app.screen.value("note") == "Confirmed Wed"
        assert app.screen.value("phone") == "(404) 555-0134"


async def test_a_whole_call_typed_in_one_burst_keeps_its_promise(make_app, desk):
    """The sequence that once saved 'resolved' and lost the promise: every key sent at once."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "n", *"2125550178", "tab", *"Burst Caller", "tab", *"Quote", "tab", *"call me",
              "tab", "enter", "down", "enter", "ctrl+s")
        await settle(pilot, rounds=8)
        assert isinstance(app.screen, DeskScreen)
        calls = desk.todays_calls()
        assert [(c.caller, c.topic, c.note, c.outcome) for c in calls] == [
            ("Burst Caller", "Quote", "call me", "callback")]
        assert [cb.caller for cb in desk.callbacks.open_callbacks()] == ["Burst Caller"]


async def test_tab_from_the_phone_goes_to_the_name_even_with_suggestions_shown(make_app, desk):
    desk.log_call(NewCall(phone="+1 404 555 0134", name="Maria Lopez", topic="First call"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "n", *"0134")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#matches").has_class("-shown")  # the suggestions are showing
        burst(app, "tab", *"Someone Else")
        await settle(pilot)
        assert app.focused.id == "name"
        assert screen.query_one("#name", Input).value == "Someone Else"  # nothing swallowed


async def test_ctrl_b_promises_a_callback_from_any_field(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "n", *"2125550178", "tab", *"Bea", "ctrl+b", "ctrl+s")
        await settle(pilot, rounds=8)
        assert [cb.caller for cb in desk.callbacks.open_callbacks()] == ["Bea"]


async def test_a_different_name_on_a_recognised_number_is_said_before_saving_and_kept(make_app, desk):
    desk.log_call(NewCall(phone="4045550134", name="Tyrone Hernandez"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134")
        await settle(pilot)
        form = app.screen
        assert form.customer_id is not None  # recognised from the whole number
        name = form.query_one("#name", Input)
        name.value = "Alicia Keys"  # someone else on the same line (a switchboard)
        await settle(pilot)
        assert "new contact on Tyrone Hernandez's number" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=6)
    callers = {c.caller for c in desk.todays_calls()}
    assert callers == {"Tyrone Hernandez", "Alicia Keys"}  # the typed name was not lost


async def test_a_caller_with_open_promises_closes_them_with_one_key(make_app, desk, clock):
    from datetime import timedelta

    first = desk.log_call(NewCall(phone="4045550134", name="Bo", topic="Quote", outcome="callback"))
    desk.log_call(NewCall(phone="4045550134", name="Bo", topic="Invoice", outcome="callback",
                          at=clock.now() - timedelta(minutes=5)))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134")
        await settle(pilot)
        assert "2 open promises to this caller: ctrl+r closes them" in screen_text(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "This call closes their 2 open promises" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=6)
    assert desk.callbacks.open_callbacks() == []
    assert desk.callbacks.callback(first.callback.id).state == "done"


async def test_a_withheld_number_is_logged_as_an_anonymous_caller(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "n", *"withheld", "tab", *"Quiet Person", "tab", *"Opening hours", "ctrl+s")
        await settle(pilot, rounds=8)
        assert isinstance(app.screen, DeskScreen)
    [call] = desk.todays_calls()
    assert (call.caller, call.e164, call.topic) == ("Quiet Person", "", "Opening hours")


async def test_a_restored_draft_keeps_when_the_call_happened_and_says_how_old_it_is(desk, clock):
    from datetime import timedelta

    from frontdesk.app import FrontDeskApp
    from frontdesk.clock import to_iso
    from screens.modals import Confirm

    started = clock.now() - timedelta(minutes=12)
    desk.save_draft({"phone": "4045550134", "name": "Cut Off", "started": to_iso(started),
                     "saved_at": to_iso(clock.now() - timedelta(minutes=11)), "uid": "draft-1"})
    app = FrontDeskApp(desk, freeze_gc=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert "typed 11 min ago" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=6)
    [call] = desk.todays_calls()
    assert call.caller == "Cut Off" and call.at == started  # when the call happened, not now


async def test_reminders_wait_while_the_draft_question_is_open(desk, clock):
    from datetime import timedelta

    from pilot_helpers import notifications

    from frontdesk.app import FrontDeskApp
    from screens.modals import Confirm

    desk.log_call(NewCall(phone="4045550199", name="Overdue One", outcome="callback",
                          at=clock.now() - timedelta(hours=3)))
    desk.save_draft({"phone": "4045550134", "name": "Cut Off"})
    app = FrontDeskApp(desk, freeze_gc=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert not any("OVERDUE" in n for n in notifications(app))  # nothing covers the question
        await pilot.press("n")
        await settle(pilot)
        assert any("Overdue One is OVERDUE" in n for n in notifications(app))


async def test_escape_on_a_restored_draft_asks_before_throwing_it_away(desk, clock):
    from frontdesk.app import FrontDeskApp
    from frontdesk.clock import to_iso
    from screens.modals import Confirm

    desk.save_draft({"phone": "4045550134", "name": "Quentin", "saved_at": to_iso(clock.now())})
    app = FrontDeskApp(desk, freeze_gc=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("y")  # restore
        await settle(pilot)
        assert isinstance(app.screen, NewCallScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)  # asked, not thrown away
        await pilot.press("n")  # keep typing
        await settle(pilot)
        await pilot.press("tab", *" Jones")
        await settle(pilot)
        assert app.screen.query_one("#name", Input).value == "Quentin Jones"  # added to, not replaced
    assert desk.draft()["name"].startswith("Quentin")
