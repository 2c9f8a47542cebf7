"""Complaints in the app: one key marks the call (also in a burst of keys), the complaints list
one key from the desk resolves them, the caller card and the customer page show them and the
repeat-caller mark, and the follow-up call asks how the customer feels."""

from __future__ import annotations

from datetime import timedelta

from pilot_helpers import burst, notifications, screen_text, settle

from frontdesk.services import NewCall
from screens.complaints import ComplaintsScreen
from screens.customer import CustomerScreen
from screens.desk import DeskScreen
from screens.new_call import NewCallScreen


async def test_ctrl_g_marks_the_call_a_complaint_even_in_one_burst(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "n", *"4045550134", "tab", *"Maria", "tab", *"Broken kettle", "ctrl+g", "ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    (complaint,) = desk.complaints.open_complaints()
    assert complaint.caller == "Maria" and complaint.topic == "Broken kettle"


async def test_ctrl_g_twice_is_no_complaint(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134", "ctrl+g")
        await settle(pilot)
        assert "yes: a complaint" in app.screen.query_one("#complaint").label
        await pilot.press("ctrl+g", "ctrl+s")
        await settle(pilot)
    assert desk.complaints.open_complaints() == [] and len(desk.todays_calls()) == 1


async def test_the_list_resolves_with_kind_and_note_and_enter_opens_the_customer(make_app, desk, clock):
    desk.log_call(NewCall(phone="4045550134", name="Maria Lopez", topic="Broken <b>kettle</b>", complaint=True))
    clock.advance(hours=3)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ComplaintsScreen)
        text = screen_text(app)
        assert "3 h" in text and "Maria Lopez" in text and "Broken <b>kettle</b>" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert "COMPLAINT open 3 h" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("right", "tab", *"refunded the fee", "enter")  # apology -> refund
        await settle(pilot)
        await settle(pilot)
        assert "Open complaints: 0" in screen_text(app)
        assert any("resolved; follow-up due" in n for n in notifications(app))
    (done,) = desk.complaints.of_customer(desk.todays_calls()[0].customer_id)
    assert (done.state, done.resolution, done.resolution_note) == ("resolved", "refund", "refunded the fee")
    assert desk.callbacks.callback(done.followup_callback_id).state == "open"


async def test_caller_card_shows_the_open_complaint_and_the_third_call_this_week(make_app, desk, clock):
    for hours, complaint in ((48, True), (24, False)):
        desk.log_call(NewCall(phone="4045550134", name="Maria Lopez", topic="Broken kettle", complaint=complaint,
                              at=clock.now() - timedelta(hours=hours), outcome="message"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134")
        await settle(pilot)
        text = screen_text(app)
        assert "3rd call this week" in text and "COMPLAINT open 2 days" in text


async def test_the_follow_up_call_asks_how_the_customer_feels(make_app, desk, clock):
    logged = desk.log_call(NewCall(phone="4045550134", name="Maria Lopez", topic="Broken kettle", complaint=True))
    follow = desk.complaints.resolve(logged.complaints.opened.id, "replacement").follow_up
    clock.set(follow.due_at - timedelta(minutes=5))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_new_call({"customer_id": logged.customer.id, "callback_id": follow.id, "phone": "(404) 555-0134",
                           "name": "Maria Lopez", "direction": "out"})
        await settle(pilot)
        assert isinstance(app.screen, NewCallScreen)
        assert "Following up the complaint" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NewCallScreen) and "how does the customer feel" in screen_text(app)
        app.screen.query_one("#feeling").focus()
        await pilot.press("down", "down")  # better, the same
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
    assert desk.complaints.complaint(logged.complaints.opened.id).followup_result == "same"
    assert desk.callbacks.callback(follow.id).state == "done"
