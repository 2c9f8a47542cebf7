"""The receptionist's hands: a refused form says everything at once, the assignee is one of the
desk's people, an acknowledgement shows in the queue, a shared number is asked about, and a
merge keeps the other name in sight."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pilot_helpers import notifications, screen_text, settle, type_into
from textual.widgets import Input, OptionList, Static

from frontdesk.services import NewCall
from screens.customer import CustomerScreen
from screens.modals import Confirm
from screens.new_call import NewCallScreen
from screens.promise_fields import PromiseFields
from screens.settings import SettingsScreen
from widgets.callback_queue import CallbackQueue


async def test_a_refused_settings_save_lists_every_bad_field_at_once(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        await type_into(pilot, "day_mon", "9-25")
        await type_into(pilot, "holidays", "2026-12-25, 2026-13-01")
        await type_into(pilot, "lead", "ten")
        await type_into(pilot, "nag", "0")  # refused by the settings' own check
        await type_into(pilot, "desk_name", "Lobby")  # a good change among the bad ones
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        error = app.screen.query_one("#settings-error", Static).content
        shown = error.plain if hasattr(error, "plain") else str(error)
        assert "Monday:" in shown
        assert "holiday '2026-13-01' is not a date" in shown
        assert "lead time must be a whole number" in shown
        assert "reminder repeat must be between 1 and 1440" in shown
        assert shown.index("Monday") < shown.index("holiday") < shown.index("lead time") < shown.index("repeat")
        # ... and on screen: every line of it above the key bar, whatever the form's scroll
        box = app.screen.query_one("#settings-error", Static).region
        assert box.height >= shown.count("\n") + 1 and box.y + box.height <= 23
        invalid = {w.id for w in app.screen.query(Input) if w.has_class("-invalid")}
        assert invalid == {"day_mon", "holidays", "lead", "nag"}
        assert app.focused.id == "day_mon"  # the first bad field in the form's order
        values = {w.id: w.value for w in app.screen.query(Input)}
        assert values["day_mon"] == "9-25" and values["lead"] == "ten"
        assert values["holidays"] == "2026-12-25, 2026-13-01" and values["desk_name"] == "Lobby"
    assert desk.reload_settings().desk_name == "Front desk"  # nothing was saved


async def test_an_acknowledged_callback_says_who_and_when_in_the_queue(make_app, desk, clock):
    cb = desk.log_call(NewCall(phone="4045550134", name="Maria Lopez", topic="Invoice",
                               at=clock.now() - timedelta(hours=1), callback_due=clock.now() - timedelta(minutes=20))).callback
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        queue = app.screen.query_one("#queue", CallbackQueue)
        assert "ack" not in " ".join(str(c) for c in queue.get_row(str(cb.id)))
        clock.advance(minutes=5)  # 10:05
        desk.callbacks.acknowledge(cb.id)  # as another desk would: the app learns it on its tick
        app.tick()
        await settle(pilot)
        row = " ".join(str(c) for c in queue.get_row(str(cb.id)))
        assert "25 min overdue, ack ann 10:05" in row
        assert queue.states == {cb.id: "overdue"}  # still marked overdue until done
        assert "Maria Lopez" in screen_text(app)


async def test_a_number_another_customer_has_is_asked_about_before_it_is_shared(make_app, desk):
    maria = desk.log_call(NewCall(phone="4045550134", name="Maria Lopez")).customer
    desk.customers.add_phone(maria.id, "4045550135", "office")
    bo = desk.log_call(NewCall(phone="4045550999", name="Bo Chen")).customer
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.open_customer(bo.id)
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        await pilot.press("p", *"404 555 0134", "enter")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert (f"(404) 555-0134 is already Maria Lopez's number (#{maria.id}). Keep it on both as a "
                "shared number?") in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert any("Number not added: (404) 555-0134 stays Maria Lopez's only" in n for n in notifications(app))
        assert [p.e164 for p in desk.customers.customer(bo.id).phones] == ["+14045550999"]

        await pilot.press("p", *"404 555 0134", "enter")
        await settle(pilot)
        await pilot.press("y")  # yes: one number for both
        await settle(pilot)
        assert sorted(p.e164 for p in desk.customers.customer(bo.id).phones) == ["+14045550134", "+14045550999"]
        assert "+14045550134" in [p.e164 for p in desk.customers.customer(maria.id).phones]

        await pilot.press("u")  # edit Bo's own number into Maria's office number: asked the same way
        await settle(pilot)
        bo_own = next(p.id for p in desk.customers.customer(bo.id).phones if p.e164 == "+14045550999")
        options = app.screen.query_one(OptionList)
        options.highlighted = options.get_option_index(str(bo_own))
        await pilot.press("enter")
        await settle(pilot)
        await type_into(pilot, "answer", "404 555 0135")
        await pilot.press("enter")
        await settle(pilot)
        assert f"(404) 555-0135 is already Maria Lopez's number (#{maria.id})" in screen_text(app)
        await pilot.press("escape")  # no
        await settle(pilot)
        assert any("Number not changed" in n for n in notifications(app))
        assert "+14045550999" in [p.e164 for p in desk.customers.customer(bo.id).phones]


def on_screen(app) -> str:
    """The terminal's lines as drawn: what long text and full boxes leave in sight."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_after_a_merge_the_customer_page_shows_the_name_merged_away(make_app, desk):
    keep = desk.log_call(NewCall(phone="4045550134", name="Maria Lopez")).customer
    desk.customers.add_phone(keep.id, "4045550135", "office")
    notes = ("Prefers calls after 2pm; invoices go to her accountant, never to the shop. Orders the blue "
             "cartridges in bulk every quarter and asks for the delivery slip by email. Her accountant is "
             "Jim at Parks & Co; he calls about the statements.")
    desk.customers.update_customer(keep.id, desk.customers.customer(keep.id).version, notes=notes)
    desk.log_call(NewCall(phone="4045550999", name="M. Lopez", topic="second"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_customer(keep.id)
        await settle(pilot)
        await pilot.press("g", *"0999", "enter")
        await settle(pilot)
        await pilot.press("enter")  # the one match
        await settle(pilot)
        await pilot.press("y")  # merge
        await settle(pilot)
        assert "Also known as: M. Lopez" in desk.customers.customer(keep.id).notes
        shown = on_screen(app)
        assert "Also known as: M. Lopez" in shown, shown
        assert "Prefers calls after 2pm" in shown  # the notes are still there, after it


async def test_reassigning_offers_the_desks_people_and_asks_about_a_new_name(make_app, desk):
    cb = desk.log_call(NewCall(phone="4045550134", name="Bo Chen", outcome="callback", assignee="Raj")).callback
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#queue", CallbackQueue).focus()
        await pilot.press("a", "ctrl+u", "a")
        await settle(pilot)
        await pilot.press("right")  # takes the suggestion: the desk's spelling
        assert app.screen.query_one("#answer", Input).value == "ann"
        await pilot.press("ctrl+u", *"RAJ", "enter")  # a known person in another case
        await settle(pilot)
        assert not isinstance(app.screen, Confirm)
        assert desk.callbacks.callback(cb.id).assignee == "Raj"

        await pilot.press("a", "ctrl+u", *"Raj Patel", "enter")  # nobody the desk knows
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        question = "Raj Patel is not one of the desk's operators yet (known: ann, Raj). Assign to a new person?"
        assert question in screen_text(app)
        await pilot.press("n")  # back to the name, as typed
        await settle(pilot)
        assert app.screen.query_one("#answer", Input).value == "Raj Patel"
        await pilot.press("escape")
        await settle(pilot)
        assert desk.callbacks.callback(cb.id).assignee == "Raj"  # nothing saved
        assert desk.operators.known("Raj Patel") is None

        await pilot.press("a", "ctrl+u", *"Raj Patel", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert desk.callbacks.callback(cb.id).assignee == "Raj Patel"


async def test_the_promise_assignee_is_one_of_the_desks_people_or_confirmed_new(make_app, desk):
    desk.log_call(NewCall(phone="4045550100", outcome="callback", assignee="Raj"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(NewCallScreen({"phone": "4045550134", "name": "Maria Lopez"}))
        await pilot.press("ctrl+b")  # callback promised: the promise's fields show
        await settle(pilot)
        fields = app.screen.query_one(PromiseFields)
        assert app.screen.query_one("#assignee", Input).value == "ann"  # the operator, as before
        await type_into(pilot, "assignee", "")
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("right")  # takes the suggestion
        assert app.screen.query_one("#assignee", Input).value == "Raj"

        saves: list[int] = []
        await type_into(pilot, "assignee", "RAJ")
        assert fields.assignee_confirmed(lambda: saves.append(1))  # known: in the desk's spelling
        assert app.screen.query_one("#assignee", Input).value == "Raj"

        await type_into(pilot, "assignee", "Raj Patel")
        assert not fields.assignee_confirmed(lambda: saves.append(1))
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        question = "Raj Patel is not one of the desk's operators yet (known: ann, Raj). Assign to a new person?"
        assert question in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert saves == [] and app.focused.id == "assignee"

        await pilot.press("ctrl+s")  # the save asks the same
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, NewCallScreen)
    [cb] = [cb for cb in desk.callbacks.open_callbacks() if cb.customer_name == "Maria Lopez"]
    assert cb.assignee == "Raj Patel"


@pytest.mark.parametrize("answer", ["y", "n"])
async def test_a_number_typed_for_a_chosen_customer_that_is_anothers_asks_before_saving(make_app, desk, answer):
    """Calling Bo on a number new to him, which another desk gave Tyrone while the form was
    open: the save says whose it is and asks; 'yes' saves and shares it, 'no' saves nothing and
    keeps everything typed."""
    tyrone = desk.log_call(NewCall(phone="2125550178", name="Tyrone Hernandez")).customer
    bo = desk.log_call(NewCall(phone="4045550134", name="Bo Diddley")).customer
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_new_call({"customer_id": bo.id, "phone": "(770) 555-0123", "name": "Bo Diddley",
                           "direction": "out"})
        await settle(pilot)
        await type_into(pilot, "topic", "rang from the office")
        desk.customers.add_phone(tyrone.id, "770 555 0123")  # meanwhile, on another desk
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert "(770) 555-0123 is already Tyrone Hernandez's number" in screen_text(app)
        await pilot.press(answer)
        await settle(pilot)
        numbers = {p.e164 for p in desk.customers.customer(bo.id).phones}
        if answer == "y":
            assert not isinstance(app.screen, NewCallScreen)
            assert desk.history(bo.id)[0].topic == "rang from the office"
            assert numbers == {"+14045550134", "+17705550123"}
        else:
            assert isinstance(app.screen, NewCallScreen)
            assert app.screen.query_one("#topic").value == "rang from the office"
            assert "Not saved: (770) 555-0123 is Tyrone Hernandez's number" in screen_text(app)
            assert numbers == {"+14045550134"}
            assert len(desk.history(bo.id)) == 1
    assert len(desk.history(tyrone.id)) == 1


async def test_a_questions_buttons_move_with_the_arrows(make_app):
    """Left/right move between a question's answers as Tab does; Enter presses the focused one."""
    answers: list = []
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(Confirm("Discard?", yes="Discard", no="Keep typing", focus_no=True), answers.append)
        await settle(pilot)
        assert app.screen.focused.id == "no"
        await pilot.press("right")
        assert app.screen.focused.id == "yes"
        await pilot.press("left")
        assert app.screen.focused.id == "no"
        await pilot.press("left", "enter")
        await settle(pilot)
    assert answers == [True]
