"""Issue 13's "a setting turns this off": the settings screen's switch for missed-call
promises, saved for every desk on the database, and a phone listener (another desk on the same
file, opened before the change, as `frontdesk listen` runs all day) that honours it at once."""

from __future__ import annotations

from pilot_helpers import settle
from textual.widgets import Checkbox

from frontdesk.db import open_database
from frontdesk.phone.models import PhoneEvent
from frontdesk.services import Desk
from frontdesk.store import Store
from screens.settings import SettingsScreen

ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}


def missed_call(listener: Desk, clock, call_id: str):
    """A ring, then a hang-up nobody answered (cause noAnswer), as a PBX reports it."""
    listener.phone.event(PhoneEvent(kind="ring", call_id=call_id, source="cti", number="+1 404 555 0134"))
    clock.advance(seconds=25)
    result = listener.phone.event(PhoneEvent(kind="hangup", call_id=call_id, source="cti", cause="noAnswer"))
    clock.advance(minutes=1)
    return result


def promises(desk: Desk) -> int:
    return desk.store.db.execute("SELECT count(*) FROM callbacks").fetchone()[0]


async def test_turning_missed_call_promises_off_in_the_settings(make_app, desk, db_path, clock):
    listener = Desk(Store(open_database(db_path)), clock, "phone", env=ENV)
    try:
        first = missed_call(listener, clock, "before")
        assert first.effect == "missed" and first.callback is not None  # on by default
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            assert isinstance(app.screen, SettingsScreen)
            box = app.screen.query_one("#missed_call_promises", Checkbox)
            assert box.value is True
            app.screen.query_one("#promise").focus()
            await pilot.press("tab")  # the switch is the next field after the default promise
            assert app.focused is box
            assert str(box.label).startswith("on: ")
            await pilot.press("space")
            assert box.value is False
            assert str(box.label).startswith("off: ")  # said in words: the box's X differs by colour only
            assert app.screen.holds_unsaved()  # Escape would ask before dropping the change
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, SettingsScreen)
            assert app.desk.settings.missed_call_promises is False
        assert desk.reload_settings().missed_call_promises is False
        second = missed_call(listener, clock, "after")
        assert second.effect == "missed" and second.record.missed and second.callback is None
        assert promises(desk) == 1  # the first one only
        assert [row.callback for row in listener.phone.missed()][:1] == [None]  # still listed, no promise
    finally:
        listener.store.close()
