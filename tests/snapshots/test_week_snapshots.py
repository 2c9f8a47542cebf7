"""The reports screen's week view (r, then w; left: the week before) on the fixed week desk
(tests/week_data.py), at 80x24, at 160x50 and without colour, where the values beside the bars
carry the figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from week_data import NOW, fill_week_desk

from frontdesk.app import FrontDeskApp
from frontdesk.clock import FixedClock
from frontdesk.db import open_database
from frontdesk.services import Desk
from frontdesk.store import Store

ENV = {"TZ": "America/New_York", "FRONTDESK_REGION": "US"}


@pytest.fixture
def week_shot(snap_compare, tmp_path):
    store = Store(open_database(tmp_path / "week.db"))
    clock = FixedClock(NOW)
    desk = Desk(store, clock, "ann", env=ENV)
    fill_week_desk(desk, clock)

    async def run_before(pilot) -> None:
        for keys in (("r",), ("w",), ("left",)):
            await pilot.press(*keys)
            for _ in range(3):
                await pilot.app.workers.wait_for_complete()
                await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    def take(size: tuple[int, int]) -> bool:
        app = FrontDeskApp(desk, offer_draft=False, freeze_gc=False)
        return snap_compare(app, terminal_size=size, run_before=run_before)

    yield take
    store.close()


def test_week_view_80x24(week_shot):
    assert week_shot((80, 24))


def test_week_view_160x50(week_shot):
    assert week_shot((160, 50))


def test_week_view_no_color_80x24(week_shot, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert week_shot((80, 24))
    svg = (Path(__file__).parent / "__snapshots__" / "test_week_snapshots" /
           "test_week_view_no_color_80x24.svg").read_text()
    frame = {"#ff5f57", "#febc2e", "#28c840", "#c5c8c6"}
    colours = set(re.findall(r"#[0-9a-f]{6}\b", svg.lower())) - frame
    assert colours and all(c[1:3] == c[3:5] == c[5:7] for c in colours), colours
    assert "█" in svg and "in&#160;14,&#160;out&#160;2" in svg.replace(" ", "&#160;")
