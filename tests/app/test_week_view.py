"""The reports screen's week view: w switches day and week, left and right move a week, e saves
the week as a file (the same HTML as `frontdesk report --week`)."""

from __future__ import annotations

from pilot_helpers import notifications, screen_text, settle
from week_data import NOW, fill_week_desk

from frontdesk.app import FrontDeskApp
from frontdesk.clock import FixedClock
from frontdesk.db import open_database
from frontdesk.services import Desk
from frontdesk.store import Store
from frontdesk.week import week_report
from frontdesk.week_render import html

ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}


async def test_week_view_switches_moves_and_saves(tmp_path):
    store = Store(open_database(tmp_path / "week.db"))
    clock = FixedClock(NOW)
    desk = Desk(store, clock, "ann", env=ENV)
    fill_week_desk(desk, clock)
    app = FrontDeskApp(desk, offer_draft=False, freeze_gc=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("r", "w")
        await settle(pilot)
        assert "Week 2026-W48: Mon 23 Nov" in screen_text(app)
        await pilot.press("left")
        await settle(pilot)
        text = screen_text(app)
        assert "Week 2026-W47: Mon 16 Nov" in text and "in 14, out 2" in text and "Kim Old" in text
        await pilot.press("e")
        await settle(pilot)
        target = tmp_path / "week.html"
        prompt = app.screen.query_one("#answer")
        prompt.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert any("Saved the week" in n for n in notifications(app))
        await pilot.press("w")
        await settle(pilot)
        assert "Monday 16 November 2026" in screen_text(app)  # the day view of the week shown
    assert target.read_text(encoding="utf-8") == html(week_report(desk, NOW.date().replace(day=16)))
    store.close()
