"""The phone ringing on an open desk: the strip over whatever screen is in front (a form being
typed keeps its focus and text), the take-call key opening the filled form linked to the phone
call, answer and hang-up clearing the strip; the missed-calls list."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from pilot_helpers import notifications, screen_text, settle
from test_many_desks import other_desk
from textual.widgets import Input, TextArea

from frontdesk.app import FrontDeskApp
from frontdesk.phone.models import PhoneEvent
from frontdesk.services import NewCall
from screens.new_call import NewCallScreen
from widgets.key_bar import KeyBar
from widgets.ringing_strip import RingingStrip

NEVER = 3600.0


def strip_text(app) -> str:
    strips = app.screen.query(RingingStrip)
    if not strips or not strips.first().display:
        return ""
    strip = strips.first()
    return strip.render().plain


def key_bar(app) -> str:
    bars = app.screen.query(KeyBar)
    return bars.first().render().plain if bars else ""


async def until(pilot, condition, seconds: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not condition():
        if loop.time() - start > seconds:
            raise AssertionError(f"not seen within {seconds} s")
        await pilot.pause(0.02)
    await settle(pilot)


def ring(db_path, *args: str) -> str:
    """`frontdesk ring` in another process, as a dialplan runs it; its call id."""
    done = subprocess.run([sys.executable, "-m", "frontdesk", "--db", str(db_path), "ring", *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def app_for(desk, **kwargs) -> FrontDeskApp:
    kwargs.setdefault("poll_seconds", NEVER)  # the watcher hears the other process
    return FrontDeskApp(desk, offer_draft=False, freeze_gc=False, **kwargs)


def maria(desk):
    """A known caller with an open promise and a last topic."""
    return desk.log_call(NewCall(phone="4045550134", name="Maria Lopez", company="Acme", topic="Invoice 1042",
                                 outcome="callback"))


async def test_a_ring_from_another_process_shows_over_a_form_being_typed(desk, db_path):
    maria(desk)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Take call" not in key_bar(app)  # nothing rings
        await pilot.press("n", *"4045550199", "tab", *"Half a na")
        await settle(pilot)
        form = app.screen
        name = form.query_one("#name", Input)
        assert app.focused is name
        cursor = name.cursor_position
        ring(db_path, "--phone", "+1 404 555 0134", "--call-id", "c1", "--to", "sales")
        await until(pilot, lambda: "Maria Lopez (Acme)" in strip_text(app))
        line = strip_text(app)
        assert "Ringing" in line and "1 open promise" in line and "last: Invoice 1042" in line
        assert "^t Take call" in line
        # The form is as it was: the same screen, field, text and cursor.
        assert app.screen is form and app.focused is name
        assert name.value == "Half a na" and name.cursor_position == cursor
        assert form.query_one("#phone", Input).value == "4045550199"
        assert "^t Take call" in key_bar(app)
        await pilot.press(*"me")  # typing goes on in the same field
        assert name.value == "Half a name"
        assert app.screen.query_one(RingingStrip).can_focus is False


async def test_the_key_opens_the_form_filled_and_linked_from_a_text_field(desk, db_path):
    logged = maria(desk)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"someone")  # a text field (the search) has focus
        await settle(pilot)
        assert isinstance(app.focused, Input)
        call_id = ring(db_path, "--phone", "(404) 555-0134")
        await until(pilot, lambda: "Maria Lopez" in strip_text(app))
        await pilot.press("ctrl+t")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewCallScreen)
        assert form.query_one("#phone", Input).value == "(404) 555-0134"
        assert form.query_one("#name", Input).value == "Maria Lopez"
        assert form.customer_id == logged.customer.id
        record = [c for c in desk.phone.recent() if c.ext_id == call_id][0]
        assert form.phone_call_id == record.id
        assert app.focused is form.query_one("#note", TextArea)  # a known caller: straight to the note
        text = screen_text(app)
        assert "From the phone: rang" in text
        assert "ctrl+r closes it with this call" in text  # her open promise is offered
        await pilot.press(*"About the invoice", "ctrl+r", "ctrl+s")
        await settle(pilot, rounds=6)
    ring(db_path, "--event", "answer", "--call-id", call_id, "--by", "Ann")
    ring(db_path, "--event", "hangup", "--call-id", call_id, "--cause", "normalClearing")
    linked = desk.phone.phone_call(record.id)
    [call] = [c for c in desk.todays_calls() if c.id == linked.call_id]
    assert call.note == "About the invoice" and call.customer_id == logged.customer.id
    assert linked.answered_at is not None and linked.ended_at is not None  # the call's times
    assert desk.callbacks.callback(logged.callback.id).state == "done"  # closed with this call


async def test_answer_says_who_then_goes_and_a_hang_up_just_goes(desk, db_path, monkeypatch):
    import frontdesk.app as app_module

    monkeypatch.setattr(app_module, "ANSWERED_SECONDS", 0.6)
    maria(desk)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ring(db_path, "--phone", "4045550134", "--call-id", "a1")
        await until(pilot, lambda: "Maria" in strip_text(app))
        ring(db_path, "--event", "answer", "--call-id", "a1", "--by", "Raj")
        await until(pilot, lambda: "Answered by Raj: Maria Lopez (Acme)" in strip_text(app))
        assert "Take call" not in key_bar(app)  # nothing rings any more
        await until(pilot, lambda: strip_text(app) == "")
        ring(db_path, "--phone", "2125550178", "--call-id", "h1")
        await until(pilot, lambda: "(212) 555-0178 · unknown number" in strip_text(app))
        ring(db_path, "--event", "hangup", "--call-id", "h1", "--cause", "normalClearing")
        await until(pilot, lambda: strip_text(app) == "")


async def test_several_ringing_stack_and_the_key_takes_the_newest(desk, db_path):
    maria(desk)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ring(db_path, "--phone", "4045550134", "--call-id", "s1")
        ring(db_path, "--phone", "anonymous", "--call-id", "s2")
        ring(db_path, "--phone", "2125550178", "--name", "[bold]Not bold[/]\x1b[31m", "--call-id", "s3")
        await until(pilot, lambda: strip_text(app).count("Ringing") == 3)
        lines = strip_text(app).splitlines()
        assert "Maria Lopez (Acme)" in lines[0] and "Take call" not in lines[0]
        assert "withheld number" in lines[1]
        # What the phone system sent is shown as text: no markup, no escape sequence.
        assert "[bold]Not bold[/] ((212) 555-0178) · unknown number" in lines[2] and "\x1b" not in lines[2]
        assert "^t Take call" in lines[2]  # the newest
        await pilot.press("ctrl+t")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewCallScreen)
        assert form.query_one("#phone", Input).value == "(212) 555-0178"
        assert form.customer_id is None and app.focused is form.query_one("#name", Input)
        assert form.query_one("#name", Input).value == "[bold]Not bold[/]"


async def test_the_key_leaves_a_form_holding_another_call_alone(desk, db_path):
    maria(desk)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"2125550100", "tab", *"Other caller")
        await settle(pilot)
        form = app.screen
        ring(db_path, "--phone", "4045550134", "--call-id", "f1")
        await until(pilot, lambda: "Maria" in strip_text(app))
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.screen is form and form.phone_call_id is None
        assert form.query_one("#phone", Input).value == "2125550100"
        assert form.query_one("#name", Input).value == "Other caller"
        assert any("A call is being typed" in n for n in notifications(app))


async def test_the_key_fills_a_form_opened_for_the_ringing_call(desk, db_path):
    """n pressed as the phone rang, a few digits of its number typed: the key fills the rest."""
    logged = maria(desk)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ring(db_path, "--phone", "4045550134", "--call-id", "p1")
        await until(pilot, lambda: "Maria" in strip_text(app))
        await pilot.press("n", *"404555")
        await settle(pilot)
        form = app.screen
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.screen is form and form.phone_call_id is not None
        assert form.customer_id == logged.customer.id
        assert form.query_one("#phone", Input).value == "(404) 555-0134"


async def test_missed_calls_list_mark_all_seen_and_open_the_caller(desk, db_path, clock):
    from screens.customer import CustomerScreen
    from screens.missed import MissedCallsScreen
    from widgets.missed_table import MissedTable

    logged = maria(desk)
    raj = other_desk(db_path, clock)
    for n in (1, 2):  # Maria tries twice: one promise, two tries
        raj.phone.event(PhoneEvent(kind="ring", call_id=f"m{n}", number="+14045550134"))
        raj.phone.event(PhoneEvent(kind="hangup", call_id=f"m{n}", cause="noAnswer"))
    raj.phone.event(PhoneEvent(kind="ring", call_id="w1", number="anonymous"))
    raj.phone.event(PhoneEvent(kind="missed", call_id="w1"))
    raj.store.close()
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "3 missed (u)" in screen_text(app)  # the status bar, on the desk
        await pilot.press("u")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MissedCallsScreen)
        table = screen.query_one("#missed", MissedTable)
        rows = [" ".join(str(c) for c in table.get_row(k)) for k in table.rows]
        assert len(rows) == 2
        assert rows[0].startswith("new") and "withheld number" in rows[0] and "once" in rows[0] and " -" in rows[0]
        assert "Maria Lopez (Acme)" in rows[1] and "2 times" in rows[1] and "in 1 h" in rows[1]
        assert "Missed calls (2, 3 not seen)" in screen_text(app)
        await pilot.press("a")  # mark all seen
        await settle(pilot)
        assert desk.phone.unseen_missed_count() == 0
        assert "all seen" in screen_text(app) and "missed (u)" not in screen_text(app)
        assert not any(str(table.get_row(k)[0]) for k in table.rows)  # no row says 'new'
        await pilot.press("enter")  # the withheld caller: nobody to open
        await settle(pilot)
        assert app.screen is screen and any("No customer to open" in n for n in notifications(app))
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen) and app.screen.customer_id == logged.customer.id


async def test_the_strip_and_the_key_work_over_a_dialog(desk, db_path):
    maria(desk)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")  # the help, a dialog
        await settle(pilot)
        helping = app.screen
        ring(db_path, "--phone", "4045550134", "--call-id", "d1")
        await until(pilot, lambda: "Maria Lopez" in strip_text(app))
        assert app.screen is helping
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, NewCallScreen) and app.screen.phone_call_id is not None
        assert "Maria Lopez" in strip_text(app)  # the form in front shows the strip too


async def test_two_desks_take_the_same_call_the_second_saves_unlinked(desk, db_path, clock):
    """Both desks saw the strip and pressed the key; the other desk saved first. This form
    keeps what was typed, says so, and saves as a call of its own on the next ctrl+s."""
    maria(desk)
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ring(db_path, "--phone", "4045550134", "--call-id", "t1")
        await until(pilot, lambda: "Maria" in strip_text(app))
        await pilot.press("ctrl+t")
        await settle(pilot)
        form = app.screen
        phone_call_id = form.phone_call_id
        raj = other_desk(db_path, clock)
        raj.log_call(NewCall(phone="4045550134", topic="Raj took it", phone_call_id=phone_call_id))
        raj.store.close()
        await pilot.press(*"Mine too", "ctrl+s")
        await settle(pilot)
        assert app.screen is form and form.phone_call_id is None
        assert "already logged" in screen_text(app) and "another desk saved it first" in screen_text(app)
        assert form.query_one("#note", TextArea).text == "Mine too"
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=6)
        assert not isinstance(app.screen, NewCallScreen)
    assert sorted(c.note or c.topic for c in desk.todays_calls())[-2:] == ["Mine too", "Raj took it"]
