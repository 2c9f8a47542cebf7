"""Several desks on one file: live updates, drafts that survive, conflicting edits."""

from __future__ import annotations

import asyncio

from pilot_helpers import screen_text, settle
from textual.widgets import Input, TextArea

from frontdesk.app import FrontDeskApp
from frontdesk.clock import FixedClock
from frontdesk.db import open_database
from frontdesk.services import Desk, NewCall
from frontdesk.store import Store
from screens.customer import CustomerScreen
from screens.customer_edit import EditCustomer
from screens.new_call import NewCallScreen
from widgets.call_table import CallTable
from widgets.callback_queue import CallbackQueue


def other_desk(db_path, clock, operator="raj") -> Desk:
    """A second connection, as another process would have."""
    return Desk(Store(open_database(db_path)), FixedClock(clock.now()), operator,
                env={"TZ": "America/New_York", "FRONTDESK_REGION": "US"})


async def open_editor(pilot, customer_id: int) -> None:
    """From the desk to the customer's page, then `e`: the edit form is open."""
    await settle(pilot)
    pilot.app.open_customer(customer_id)
    await settle(pilot)
    assert isinstance(pilot.app.screen, CustomerScreen)
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(pilot.app.screen, EditCustomer)


async def wait_for(pilot, condition, seconds: float = 2.0) -> float:
    """Real seconds until the condition holds (the app polls PRAGMA data_version)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < seconds:
        await pilot.pause(0.05)
        await pilot.app.workers.wait_for_complete()
        if condition():
            return loop.time() - start
    raise AssertionError(f"not seen within {seconds} s")


async def test_another_connections_call_and_callback_appear_within_two_seconds(desk, db_path, clock):
    app = FrontDeskApp(desk, offer_draft=False)  # the default poll interval
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        calls = app.screen.query_one("#calls", CallTable)
        queue = app.screen.query_one("#queue", CallbackQueue)
        assert calls.row_count == 0
        raj = other_desk(db_path, clock)
        raj.log_call(NewCall(phone="4045550134", name="From Raj", outcome="callback"))
        waited = await wait_for(pilot, lambda: calls.row_count == 1 and queue.row_count == 1)
        assert waited < 2.0
        assert "From Raj" in screen_text(app)
        raj.store.close()


async def test_live_update_keeps_the_cursor_on_the_same_call(desk, db_path, clock):
    for n in range(3):
        desk.log_call(NewCall(phone=f"404555013{n}", name=f"Caller {n}"))
    app = FrontDeskApp(desk, offer_draft=False, poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        calls = app.screen.query_one("#calls", CallTable)
        calls.focus()
        await pilot.press("down")
        chosen = calls.selected_id
        raj = other_desk(db_path, clock)
        raj.log_call(NewCall(phone="4045550199", name="New one"))
        await wait_for(pilot, lambda: calls.row_count == 4)
        assert calls.selected_id == chosen
        raj.store.close()


async def test_draft_survives_teardown_and_is_offered_on_next_start(desk, db_path, clock):
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134", "tab", *"Half typed", "tab", *"Topic kept")
        await pilot.pause(0.7)  # the draft is written shortly after every change
        await settle(pilot)
    # The app is gone (as after a dropped SSH link); the same operator starts again.
    again = other_desk(db_path, clock, operator="ann")
    app2 = FrontDeskApp(again)
    async with app2.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert type(app2.screen).__name__ == "Confirm"
        assert "4045550134" in screen_text(app2)
        await pilot.press("enter")  # Restore
        await settle(pilot)
        form = app2.screen
        assert isinstance(form, NewCallScreen)
        assert form.query_one("#name", Input).value == "Half typed"
        assert form.query_one("#topic", Input).value == "Topic kept"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert [c.topic for c in again.todays_calls()] == ["Topic kept"]
    assert again.draft() is None
    again.store.close()


async def test_conflicting_edit_is_detected_and_both_versions_shown(desk, db_path, clock):
    logged = desk.log_call(NewCall(phone="4045550134", name="Maria Lopez"))
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, logged.customer.id)
        raj = other_desk(db_path, clock)
        current = raj.customers.customer(logged.customer.id)
        raj.customers.update_customer(current.id, current.version, name="Maria López-Raj")
        app.screen.query_one("#name", Input).value = "Maria Lopez-Ann"
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "Someone else saved" in text
        assert "Maria López-Raj" in text and "Maria Lopez-Ann" in text
        assert desk.customers.customer(current.id).name == "Maria López-Raj"  # nothing overwritten yet
        await pilot.press("enter")  # "Save mine over theirs"
        await settle(pilot)
        assert desk.customers.customer(current.id).name == "Maria Lopez-Ann"
        history = [(a.operator, a.old, a.new) for a in desk.audit(current.id) if a.field == "name"]
        assert ("ann", "Maria López-Raj", "Maria Lopez-Ann") in history
        assert ("raj", "Maria Lopez", "Maria López-Raj") in history
        raj.store.close()


async def test_settings_saved_on_another_desk_reach_this_one(desk, db_path, clock):
    from dataclasses import replace

    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        raj = other_desk(db_path, clock)
        raj.save_settings(replace(raj.settings, lead_minutes=25, nag_minutes=3, desk_name="Acme desk"))
        await wait_for(pilot, lambda: app.desk.settings.lead_minutes == 25)
        assert app.tracker.lead.total_seconds() == 25 * 60 and app.tracker.nag.total_seconds() == 180
        await settle(pilot)
        assert "Acme desk" in screen_text(app)
        raj.store.close()


async def test_edits_to_different_fields_merge_without_asking(desk, db_path, clock):
    logged = desk.log_call(NewCall(phone="4045550134", name="Maria Lopez"))
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, logged.customer.id)
        raj = other_desk(db_path, clock)
        raj.customers.update_customer(logged.customer.id, 1, company="Lopez Ltd")
        app.screen.query_one("#name", Input).value = "Maria Lopez Garcia"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)  # no dialog: nothing clashed
        merged = desk.customers.customer(logged.customer.id)
        assert (merged.name, merged.company) == ("Maria Lopez Garcia", "Lopez Ltd")
        raj.store.close()


async def test_keep_editing_after_a_clash_loads_theirs_and_overwrites_nothing(desk, db_path, clock):
    """"Keep editing (based on theirs)" puts their text in the form, mine below it to copy
    from: saving without another edit keeps their version (it used to save mine over theirs,
    which nobody had chosen)."""
    logged = desk.log_call(NewCall(phone="4045550134", name="Maria Lopez"))
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, logged.customer.id)
        raj = other_desk(db_path, clock)
        raj.customers.update_customer(logged.customer.id, 1, name="Maria L. (Raj)", company="Lopez Ltd")
        app.screen.query_one("#name", Input).value = "Maria (Ann)"
        app.screen.query_one("#notes", TextArea).text = "Prefers mornings"  # only I changed this
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # "Keep editing (based on theirs)"
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EditCustomer)
        assert form.query_one("#company", Input).value == "Lopez Ltd"  # theirs, untouched by me
        assert form.query_one("#name", Input).value == "Maria L. (Raj)"  # theirs, loaded
        assert form.query_one("#notes", TextArea).text == "Prefers mornings"  # mine alone: kept
        assert "Maria (Ann)" in screen_text(app)  # what I typed is still on screen
        await pilot.press("ctrl+s")
        await settle(pilot)
        final = desk.customers.customer(logged.customer.id)
        assert (final.name, final.company, final.notes) == ("Maria L. (Raj)", "Lopez Ltd", "Prefers mornings")
        raj.store.close()


async def test_a_clash_in_long_notes_shows_where_they_differ(desk, db_path, clock):
    """Two long notes that differ only near the end: the dialog shows the ends, marked, not the
    same first 50 characters twice."""
    same = "Customer since 2019, prefers calls before noon, invoices go to the accounts team; "
    logged = desk.log_call(NewCall(phone="4045550134", name="Maria Lopez"))
    desk.customers.update_customer(logged.customer.id, 1, notes=same + "gate code 1234")
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, logged.customer.id)
        raj = other_desk(db_path, clock)
        raj.customers.update_customer(logged.customer.id, 2, notes=same + "gate code 9876")
        app.screen.query_one("#notes", TextArea).text = same + "gate code 5555"
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "Someone else saved" in text
        assert "9876" in text and "5555" in text
        assert desk.customers.customer(logged.customer.id).notes == same + "gate code 9876"  # nothing overwritten
        raj.store.close()


async def test_calls_arriving_from_another_desk_keep_the_cursor_on_its_call_and_show_above(desk, db_path, clock):
    from datetime import timedelta

    for i in range(30):
        desk.log_call(NewCall(phone=f"40455501{i:02d}", name=f"Caller {i:02d}", at=clock.now() - timedelta(minutes=60 - i)))
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        calls = app.screen.query_one("#calls", CallTable)
        calls.focus()
        await pilot.press(*["down"] * 3)
        chosen = calls.selected_id
        raj = other_desk(db_path, clock)
        raj.log_call(NewCall(phone="4045559999", name="Newest Caller"))
        await wait_for(pilot, lambda: calls.row_count == 31)
        assert calls.selected_id == chosen  # the same call under the cursor, one row lower
        assert calls.scroll_offset.y == 0  # and the new call above it is in view
        assert "Newest Caller" in str(calls.get_row(next(iter(calls.rows)))[2])
        await pilot.press(*["down"] * 15)  # far down: the list scrolled
        chosen = calls.selected_id
        raj.log_call(NewCall(phone="4045559998", name="Even Newer"))
        await wait_for(pilot, lambda: calls.row_count == 32)
        assert calls.selected_id == chosen
        raj.store.close()


async def test_a_save_of_this_desk_is_reloaded_once_not_again_by_the_poll(desk, db_path, clock):
    """The reader sees this desk's own commits as changes too: the reload after a save takes
    them in, so the next poll finds nothing new."""
    app = FrontDeskApp(desk, offer_draft=False, poll_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134", "tab", *"Once Only", "ctrl+s")
        await settle(pilot, rounds=6)
        reloads: list[int] = []
        app.desk_changed = lambda: reloads.append(1)  # what the poll would call
        app.poll_database()
        assert reloads == []
