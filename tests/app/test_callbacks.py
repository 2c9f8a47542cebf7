"""Promises by keys; reminders derived from an injected clock; completing by calling back."""

from __future__ import annotations

from datetime import timedelta

from pilot_helpers import notifications, screen_text, settle

from frontdesk.services import NewCall
from screens.desk import DeskScreen
from screens.new_call import NewCallScreen
from widgets.callback_queue import CallbackQueue


def spy_bell(app) -> list[int]:
    rings: list[int] = []
    app.bell = lambda: rings.append(1)
    return rings


async def tick(pilot) -> None:
    pilot.app.tick()
    await settle(pilot)


async def test_promise_remind_overdue_and_complete(make_app, desk, clock):
    app = make_app()
    rings = spy_bell(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134", "tab", *"Maria Lopez", "tab", *"Refund", "tab",
                          *"needs the manager", "tab")
        assert app.focused.id == "outcome"
        await pilot.press("enter", "down", "enter")  # resolved -> callback promised
        await settle(pilot)
        assert app.screen.value("outcome") == "callback"
        assert app.screen.value("promise") == "1bh"  # the default promise
        assert "due 11:00 (in 1 h)" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        [cb] = desk.callbacks.open_callbacks()
        assert cb.assignee == "ann" and cb.due_at == clock.now() + timedelta(hours=1)
        queue = app.screen.query_one("#queue", CallbackQueue)
        assert queue.states == {cb.id: "upcoming"}
        assert rings == []

        clock.advance(minutes=51)  # 10:51, inside the 10-minute lead time
        await tick(pilot)
        assert queue.states == {cb.id: "soon"}
        assert any("Maria Lopez is due at 11:00" in n for n in notifications(app))
        assert len(rings) == 1
        await tick(pilot)  # fires once per state
        assert len(rings) == 1

        clock.advance(minutes=10)  # 11:01
        await tick(pilot)
        assert queue.states == {cb.id: "overdue"}
        assert "1 min overdue" in screen_text(app) and "!! 1 OVERDUE" in screen_text(app)
        assert any("Maria Lopez is OVERDUE" in n for n in notifications(app))
        assert len(rings) == 2

        clock.advance(minutes=5)  # nobody acknowledged: nags again
        await tick(pilot)
        assert len(rings) == 3
        queue.focus()
        await pilot.press("k")  # acknowledge: asked first, naming the promise
        await settle(pilot)
        assert "Acknowledge the callback to Maria Lopez about Refund, due 11:00" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        clock.advance(minutes=10)
        await tick(pilot)
        assert len(rings) == 3
        assert queue.states == {cb.id: "overdue"}  # still marked until done

        await pilot.press("c")  # call back: the form comes pre-filled as outbound
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewCallScreen)
        assert form.direction == "out" and form.callback_id == cb.id
        assert form.value("phone") == "(404) 555-0134"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert queue.row_count == 0
        done = desk.callbacks.callback(cb.id)
        assert done.state == "done" and done.kept_on_time is False and done.waited_min == 76
        assert any("promise done, late" in n for n in notifications(app))


async def test_unreached_attempt_keeps_the_promise_open(make_app, desk, clock):
    logged = desk.log_call(NewCall(phone="4045550134", name="Bo", outcome="callback"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#queue", CallbackQueue).focus()
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        form.query_one("#outcome").value = "no_answer"
        await pilot.press("ctrl+s")
        await settle(pilot)
        cb = desk.callbacks.callback(logged.callback.id)
        assert cb.state == "open" and cb.attempts == 1
        assert app.screen.query_one("#queue", CallbackQueue).row_count == 1


async def test_reminders_wait_for_opening_time(make_app, desk, clock):
    # Friday 16:55: promise due 17:00 (end of day); desk closes at 17:00.
    clock.set(clock.now() + timedelta(days=4, hours=6, minutes=55))
    desk.log_call(NewCall(phone="4045550134", name="Bo", callback_due=clock.now() + timedelta(minutes=5)))
    clock.advance(hours=1)  # 17:55: closed, overdue, but no toast at night
    app = make_app()
    rings = spy_bell(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert rings == []
        assert app.screen.query_one("#queue", CallbackQueue).states.popitem()[1] == "overdue"
        clock.advance(days=2, hours=15, minutes=10)  # Monday 09:05
        await tick(pilot)
        assert len(rings) == 1 and any("OVERDUE" in n for n in notifications(app))


async def test_overdue_from_another_operator_reminds_everyone(make_app, desk, clock):
    desk.log_call(NewCall(phone="4045550134", name="Bo", assignee="raj",
                          callback_due=clock.now() + timedelta(minutes=5)))
    app = make_app()
    rings = spy_bell(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert rings == []  # within the lead time: only raj is warned ahead
        clock.advance(minutes=6)
        await tick(pilot)
        assert len(rings) == 1


async def test_mine_filter(make_app, desk, clock):
    desk.log_call(NewCall(phone="4045550134", name="Bo", assignee="raj", outcome="callback"))
    desk.log_call(NewCall(phone="4045550135", name="Cy", outcome="callback"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        queue = app.screen.query_one("#queue", CallbackQueue)
        assert queue.row_count == 2
        await pilot.press("m")
        await settle(pilot)
        assert queue.row_count == 1 and "Callbacks (mine, 1 open)" in screen_text(app)


async def test_enter_on_the_queue_opens_the_promise_with_its_original_note(make_app, desk, clock):
    desk.log_call(NewCall(phone="+44 20 7946 0958", name="Oliver", topic="Delivery",
                          note="parcel stuck in customs", outcome="callback"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#queue", CallbackQueue).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "CallbackScreen"
        text = screen_text(app)
        assert "parcel stuck in customs" in text and "Oliver" in text
        # 10:00 in New York is 15:00 in London: their time now is shown.
        assert "now their time 15:00 (Europe/London)" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


async def test_custom_time_outside_the_callers_day_is_warned(make_app, desk, clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"+44 20 7946 0958")
        form = app.screen
        form.query_one("#outcome").value = "callback"
        form.query_one("#promise").value = "custom"
        await settle(pilot)
        form.query_one("#due").value = "17:30"  # 22:30 in London
        await settle(pilot)
        text = screen_text(app)
        assert "their time 22:30 (Europe/London): outside 08:00-21:00 for the caller" in text


async def test_clock_ticks_derive_the_queue_without_a_query(make_app, desk, clock):
    desk.log_call(NewCall(phone="4045550134", name="Bo", callback_due=clock.now() + timedelta(minutes=30)))
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        queries: list[str] = []
        desk.store.trace(queries.append)
        clock.advance(minutes=25)
        app.clock_tick()
        await settle(pilot)
        assert app.counts == (0, 1) and "in 5 min" in screen_text(app)
        clock.advance(minutes=6)
        app.clock_tick()
        await settle(pilot)
        assert app.counts == (1, 0) and "1 min overdue" in screen_text(app)
        assert any("OVERDUE" in n for n in notifications(app))
        desk.store.trace(None)
        assert not [q for q in queries if "callbacks" in q]


async def test_typing_a_name_on_the_desk_searches_and_changes_no_promise(make_app, desk, clock):
    """'kate smith' typed on the desk with an overdue callback highlighted used to acknowledge
    it, open the reassign dialog and drop the rest."""
    from pilot_helpers import burst

    from screens.search import SearchScreen

    logged = desk.log_call(NewCall(phone="4045550134", name="Bo", outcome="callback"))
    clock.advance(hours=2)  # overdue
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.focused is app.screen.query_one("#queue", CallbackQueue)  # the urgent list first
        burst(app, *"kate smith")
        await settle(pilot, rounds=6)
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one("#query").value == "kate smith"
        cb = desk.callbacks.callback(logged.callback.id)
        assert cb.acknowledged_by == "" and cb.assignee == "ann" and cb.state == "open"


async def test_callback_keys_act_only_on_the_visibly_selected_list(make_app, desk, clock):
    desk.log_call(NewCall(phone="4045550134", name="Bo", outcome="callback"))
    clock.advance(hours=2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#calls").focus()
        await settle(pilot)
        for key in "ktxa":
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, DeskScreen), key  # no dialog about the queue's dimmed row
        [cb] = desk.callbacks.open_callbacks()
        assert cb.acknowledged_by == ""


async def test_k_on_a_callback_not_yet_overdue_says_so(make_app, desk, clock):
    desk.log_call(NewCall(phone="4045550134", name="Bo", topic="Quote", outcome="callback"))
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert any("not overdue yet" in n and "about Quote" in n for n in notifications(app))


async def test_the_custom_callback_time_reads_business_hours_like_the_command_line(make_app, desk, clock):
    """One parser for the app and the CLI: '2bh' in the form's custom time is two business hours."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134", "tab", *"Bo", "ctrl+b")
        await settle(pilot)
        form = app.screen
        form.query_one("#promise").value = "custom"
        form.query_one("#due").value = "2bh"
        await settle(pilot)
        assert "due 12:00 (in 2 h)" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [cb] = desk.callbacks.open_callbacks()
        assert cb.due_at == clock.now() + timedelta(hours=2)


async def test_a_callback_key_on_an_empty_queue_says_why_it_did_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert any("there are no open callbacks" in n for n in notifications(app))


async def test_down_then_c_in_one_burst_moves_then_calls_back(make_app, desk, clock):
    """'Down c' in one burst closed the app (the Down reached the new form before it existed)."""
    from pilot_helpers import burst

    first = desk.log_call(NewCall(phone="4045550134", name="Ann First", outcome="callback"))
    second = desk.log_call(NewCall(phone="4045550177", name="Bo Second", outcome="callback",
                                   at=clock.now() + timedelta(seconds=30)))
    assert first.callback.due_at < second.callback.due_at
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "down", "c")
        await settle(pilot, rounds=6)
        assert app.is_running
        form = app.screen
        assert isinstance(form, NewCallScreen) and form.callback_id == second.callback.id


async def test_letters_typed_on_the_outcome_change_nothing(make_app, desk, clock):
    """A call-back form opens in the note; Tab then a sentence used to walk the outcome to
    'transferred' by type-ahead and save that, with an empty note."""
    desk.log_call(NewCall(phone="4045550134", name="Bo", outcome="callback"))
    app = make_app()
    rings = spy_bell(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        await pilot.press("tab", *"Called back, sorted.")
        await settle(pilot)
        assert form.value("outcome") == "resolved" and rings  # unchanged, and the bell said so


async def test_several_reminders_at_once_are_one_toast(make_app, desk, clock):
    """Five promises overdue when the desk opens: one toast naming the first three (overdue
    first) and how many more, and one bell, not five toasts stacked over half the screen."""
    for i in range(5):
        desk.log_call(NewCall(phone=f"40455501{i:02d}", name=f"Caller {i}", outcome="callback"))
    clock.advance(hours=3)
    app = make_app()
    rings = spy_bell(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await tick(pilot)
        reminders = [n for n in app._notifications if "reminder" in n.title]
        assert len(reminders) == 1 and reminders[0].title == "5 callback reminders"
        text = str(reminders[0].message)
        assert text.count("is OVERDUE") == 3 and "... and 2 more" in text
        assert len(rings) == 1
