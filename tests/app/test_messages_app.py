"""Messages reach the person they are for: taken on one desk's form, counted and rung on the
recipient's desk (another process's Store on the same file), read there for everyone; the form's
keys give the same message in one burst as typed slowly; an urgent one unread nags."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from pilot_helpers import burst, notifications, screen_text, settle
from test_many_desks import other_desk
from textual.widgets import Input

from frontdesk.app import FrontDeskApp
from frontdesk.services import NewCall
from screens.desk import DeskScreen
from screens.inbox import MessagesScreen
from screens.modals import Confirm, ShowText
from screens.new_call import NewCallScreen
from widgets.boxes_field import BoxesField
from widgets.call_table import CallTable
from widgets.message_table import MessageTable
from widgets.status_bar import StatusBar


# The form from the desk: number, name, topic, note, the outcome two steps down ('message
# taken'), Tab into 'For', the name, Tab into the boxes, 'c' (please call back), 'u' (urgent).
def form_keys(phone: str = "2125550178") -> tuple[str, ...]:
    return ("n", *phone, "tab", *"Burst Caller", "tab", *"Quote", "tab", *"call me back",
            "tab", "down", "down", "tab", *"raj", "tab", "c", "u")


FORM_KEYS = form_keys()


async def until(pilot, condition, seconds: float = 5.0) -> float:
    """Real seconds until the condition holds (keys sent in a burst, or another desk's commit
    seen by the poll), letting workers finish meanwhile."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < seconds:
        await settle(pilot, rounds=1)
        await pilot.pause(0.05)
        if condition():
            return loop.time() - start
    raise AssertionError(f"not seen within {seconds} s:\n{screen_text(pilot.app)}")


def status(app) -> str:
    return str(app.screen.query_one(StatusBar).content)


def counted(app) -> int:
    """The unread messages the status line counts ('2 messages'), 0 when it counts none."""
    found = re.search(r" (\d+) messages? ", status(app))
    return int(found.group(1)) if found else 0


@pytest.fixture
def raj_known(desk):
    """Raj has taken a call at this desk: one of its people."""
    desk.operator = "Raj"
    desk.log_call(NewCall(phone="4045550100", name="Earlier caller"))
    desk.operator = "ann"


def stored(desk) -> list[tuple]:
    return [(m.for_name, m.boxes, m.text, m.caller, m.taken_by) for m in desk.messages.for_person()]


async def test_a_message_taken_on_one_desk_reaches_the_recipients_desk_and_reading_clears_both(
        desk, db_path, clock, raj_known):
    raj = other_desk(db_path, clock, "raj")  # another process: its own Store on the same file
    ann_app = FrontDeskApp(desk, offer_draft=False, freeze_gc=False, poll_seconds=0.2)
    raj_app = FrontDeskApp(raj, offer_draft=False, freeze_gc=False, poll_seconds=0.2)
    async with ann_app.run_test(size=(80, 24), notifications=True) as ann, \
            raj_app.run_test(size=(80, 24), notifications=True) as rp:
        await settle(ann)
        await settle(rp)
        assert counted(raj_app) == 0
        bells = raj_app.bells
        for key in FORM_KEYS:
            await ann.press(key)
        await ann.press("ctrl+s")
        await settle(ann, rounds=8)
        assert isinstance(ann_app.screen, DeskScreen)
        assert "message for Raj" in notifications(ann_app)[-1]
        # Raj's desk hears of it through its data_version poll: the counter, a toast, the bell.
        waited = await until(rp, lambda: counted(raj_app) == 1)
        assert waited < 2.0
        assert "!! 1 URGENT" in status(raj_app) and "URGENT" not in status(ann_app)
        assert raj_app.bells > bells
        assert any(n.startswith("Message from Burst Caller (please call back, urgent): call me back")
                   for n in notifications(raj_app))
        # The promise 'please call back' made is Raj's, in 15 minutes (urgent).
        assert [(cb.assignee, cb.due_at - clock.now()) for cb in raj.callbacks.open_callbacks()] == [
            ("Raj", timedelta(minutes=15))]
        # Ann's call log shows the message unread.
        assert "* msg Raj: please call back, urgent" in screen_text(ann_app)
        # Raj opens the list (i) and reads it (Enter).
        await rp.press("i")
        await settle(rp)
        assert isinstance(raj_app.screen, MessagesScreen)
        table = raj_app.screen.query_one(MessageTable)
        assert table.row_count == 1
        assert "call me back" in screen_text(raj_app)
        await rp.press("enter")
        await settle(rp)
        assert isinstance(raj_app.screen, ShowText)
        assert "Burst Caller" in screen_text(raj_app) and "please call back, urgent" in screen_text(raj_app)
        await rp.press("escape")
        await settle(rp)
        assert counted(raj_app) == 0 and "URGENT" not in status(raj_app)
        read = raj.messages.for_person("raj")[0]
        assert (read.read_by, read.read_at) == ("Raj", clock.now())
        # Ann's desk: read there too, by Raj.
        await until(ann, lambda: "(read by Raj)" in screen_text(ann_app))
        assert "* msg" not in screen_text(ann_app)
    raj.store.close()


async def test_the_whole_form_in_one_burst_takes_the_same_message_as_slow_typing(make_app, desk, raj_known):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in FORM_KEYS:
            await pilot.press(key)
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=8)
        slow = stored(desk)
        assert isinstance(app.screen, DeskScreen)
        burst(app, *form_keys("2125550179"), "ctrl+s")  # another caller: the same keys, all at once
        await until(pilot, lambda: len(desk.messages.for_person()) == 2 and isinstance(app.screen, DeskScreen),
                       seconds=10)
        await settle(pilot)
    fast = stored(desk)
    assert slow == [("Raj", ("please_call", "urgent"), "call me back", "Burst Caller", "ann")]
    assert fast == slow * 2
    assert [(cb.assignee, cb.e164) for cb in desk.callbacks.open_callbacks()] == [
        ("Raj", "+12125550178"), ("Raj", "+12125550179")]


async def test_the_boxes_are_one_key_each_and_other_letters_change_nothing(make_app, desk, raj_known):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134", "ctrl+b")  # any outcome first: then message taken
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewCallScreen)
        form.query_one("#outcome").value = "message"
        await settle(pilot)
        boxes = form.query_one("#boxes", BoxesField)
        boxes.focus()
        await pilot.press("w", "r", "s", "x", "r", "space")  # x: the bell; r twice: cleared; space: the highlighted (r)
        await settle(pilot)
        assert boxes.boxes == ("will_call", "returned", "wants_to_see")
        await pilot.press("left", "space")
        assert boxes.boxes == ("returned", "wants_to_see")  # left of returned: will call, cleared
        # The form keeps them as a draft.
        form.save_draft_now()
        assert desk.draft()["boxes"] == "returned,wants_to_see"


async def test_for_whom_offers_the_desks_people_and_asks_about_a_new_name(make_app, desk, raj_known):
    desk.save_settings(replace(desk.settings, recipients=("The Owner",)))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134")
        await settle(pilot)
        form = app.screen
        form.query_one("#outcome").value = "message"
        await settle(pilot)
        field = form.query_one("#message_for", Input)
        field.focus()
        await pilot.press(*"the o")  # completed from the settings' list, any case
        await settle(pilot)
        assert field._suggestion == "the owner" or field._suggestion.lower() == "the owner"
        field.value = "THE  owner"
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=6)
        assert stored(desk)[-1][0] == "The Owner"  # the desk's spelling
        # Someone the desk does not know: asked first; "Change the name" keeps the form.
        await pilot.press("n", *"4045550135")
        await settle(pilot)
        app.screen.query_one("#outcome").value = "message"
        await settle(pilot)
        app.screen.query_one("#message_for", Input).value = "Lena"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert "Lena is not one of the desk's people yet" in screen_text(app)
        await pilot.press("enter")  # the focused answer: change the name
        await settle(pilot)
        assert isinstance(app.screen, NewCallScreen) and app.focused.id == "message_for"
        assert len(stored(desk)) == 1
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.screen.query_one("#yes").press()
        await settle(pilot, rounds=6)
        assert isinstance(app.screen, DeskScreen)
        assert [m[0] for m in stored(desk)] == ["Lena", "The Owner"]


async def test_without_a_name_the_form_says_whom_it_needs_and_keeps_everything(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"4045550134", "tab", *"Kim")
        await settle(pilot)
        app.screen.query_one("#outcome").value = "message"
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=6)
        assert isinstance(app.screen, NewCallScreen)
        assert "whom is the message for?" in screen_text(app)
        assert app.focused.id == "message_for"
        assert app.screen.value("name") == "Kim"
        assert stored(desk) == []


async def test_an_urgent_message_unread_past_the_lead_time_nags_every_desk(make_app, desk, clock, raj_known):
    desk.log_call(NewCall(phone="4045550134", name="Maria Lopez", outcome="message", message_for="Raj",
                          boxes=("urgent",), note="the boiler"))
    app = make_app()  # ann's desk: the message is not hers, but it is urgent
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert counted(app) == 0  # not ann's
        bells = app.bells
        app.clock_tick()
        await settle(pilot)
        assert not any("Urgent message" in n for n in notifications(app))
        clock.advance(minutes=desk.settings.lead_minutes + 1)
        app.clock_tick()
        await settle(pilot)
        assert "Urgent message for Raj from Maria Lopez unread for 11 min" in notifications(app)
        assert app.bells == bells + 1
        clock.advance(minutes=desk.settings.nag_minutes)
        app.clock_tick()
        await settle(pilot)
        assert app.bells == bells + 2  # nags again, like an overdue callback
        raj = other_desk(desk.store.path, clock, "raj")
        raj.messages.read(raj.messages.mine()[0].id)
        raj.store.close()
        await asyncio.sleep(0)
        app.poll_database()
        await settle(pilot)
        clock.advance(minutes=desk.settings.nag_minutes)
        app.clock_tick()
        await settle(pilot)
        assert app.bells == bells + 2  # read: quiet


async def test_the_customer_page_shows_the_message_with_its_boxes_and_read_state(make_app, desk, clock, raj_known):
    logged = desk.log_call(NewCall(phone="4045550134", name="Maria Lopez", outcome="message", message_for="Raj",
                                   boxes=("wants_to_see",), note="about the lease"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_customer(logged.customer.id)
        await settle(pilot)
        assert "* msg Raj: wants to see you" in screen_text(app)
        table = app.screen.query_one("#history", CallTable)
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "message for Raj (wants to see you; unread)" in screen_text(app)


async def test_the_settings_name_people_messages_are_for_who_never_sit_at_the_desk(make_app, desk):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#recipients", Input).value = "the owner,  Dana Book ,"
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=6)
        assert isinstance(app.screen, DeskScreen)
    assert desk.reload_settings().recipients == ("the owner", "Dana Book")
    assert desk.messages.known("THE OWNER") == "the owner"
    assert {"the owner", "Dana Book"} <= set(desk.messages.recipients())


async def test_a_half_taken_message_survives_as_a_draft(make_app, desk, raj_known):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*form_keys("2125550170"))
        await settle(pilot)
        app.screen.save_draft_now()  # what a dropped link (SIGHUP) writes
    draft = desk.draft()
    assert (draft["outcome"], draft["message_for"], draft["boxes"]) == ("message", "raj", "please_call,urgent")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_new_call(draft)
        await settle(pilot)
        form = app.screen
        assert form.query_one(BoxesField).boxes == ("please_call", "urgent")
        assert form.query_one("#message_for", Input).value == "raj"
        assert form.query_one("#message-fields").display  # shown: the outcome is 'message taken'
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=6)
        assert isinstance(app.screen, DeskScreen)
    assert stored(desk) == [("Raj", ("please_call", "urgent"), "call me back", "Burst Caller", "ann")]
