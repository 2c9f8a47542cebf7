"""The ringing strip over an 80x24 form: however many calls ring (a busy minute, hang-ups a PBX
lost), it takes a few lines, keeps the newest call (the one the key takes) and says how many more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult
from textual.widgets import Input

from frontdesk.phone.models import RingingCall
from widgets.ringing_strip import MAX_LINES, RingingStrip

AT = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


def calls(n: int) -> list[RingingCall]:
    return [RingingCall(phone_call_id=i, number=f"(312) 555-01{i:02d}", e164=f"+131255501{i:02d}", withheld=False,
                        customer_id=None, name=None, company=None, caller_name="", open_promises=0, last_topic="",
                        line="", rang_at=AT + timedelta(seconds=i)) for i in range(n)]


class FormApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.taken: list[int] = []

    def compose(self) -> ComposeResult:
        yield RingingStrip()
        yield Input(id="phone")

    def on_ringing_strip_take(self, message: RingingStrip.Take) -> None:
        self.taken.append(message.phone_call_id)


async def test_many_ringing_calls_take_a_few_lines_and_keep_the_newest():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        strip = app.query_one(RingingStrip)
        ringing = calls(20)
        strip.show(ringing, key="^t", newest=ringing[-1].phone_call_id)
        await pilot.pause()
        lines = strip.render().plain.splitlines()
        assert len(lines) == strip.lines == MAX_LINES
        assert strip.size.height == MAX_LINES
        assert "17 more ringing" in lines[0]
        assert "(312) 555-0119" in lines[-1] and "^t Take call" in lines[-1]
        await pilot.click(RingingStrip, offset=(10, MAX_LINES - 2))
        await pilot.pause()
        assert app.taken == [18]  # the line clicked, under the 'more' line


async def test_a_few_calls_show_one_line_each():
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        strip = app.query_one(RingingStrip)
        strip.show(calls(MAX_LINES))
        await pilot.pause()
        assert strip.render().plain.count("Ringing") == MAX_LINES == strip.lines
