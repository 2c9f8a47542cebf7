"""Lists that grow without bound reach the screen one page at a time (mechanism, not seconds:
tests/bench/bench.py measures the time)."""

from __future__ import annotations

from datetime import timedelta

from pilot_helpers import settle

from frontdesk.services import PAGE, NewCall
from screens.base import FIRST_PAGE
from screens.customer import CustomerScreen
from screens.desk import DeskScreen
from widgets.call_table import CallTable
from widgets.callback_queue import PAGE as QUEUE_PAGE
from widgets.callback_queue import CallbackQueue

MORE = 50


def log_many(desk, clock, n: int, phone: str = "+14045550101", name: str = "Busy Caller",
             step: timedelta = timedelta(minutes=2)) -> int:
    """n calls from one caller, the last one just before now; returns the customer id."""
    start = clock.now() - step * n
    with desk.store.write():
        for i in range(n):
            logged = desk.log_call(NewCall(phone=phone, name=name, topic=f"topic {i}",
                                           note=f"note {i}", at=start + step * i))
    return logged.customer.id


async def test_the_desk_shows_one_page_of_todays_calls(make_app, desk, clock):
    log_many(desk, clock, PAGE + MORE)
    assert len(desk.calls_on(desk.today(), limit=10 * PAGE)) == PAGE + MORE
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        table = app.screen.query_one("#calls", CallTable)
        assert table.row_count == FIRST_PAGE
        assert len(table.calls) == FIRST_PAGE
        newest = desk.todays_calls(limit=1)[0]
        assert table.get_row_index(str(newest.id)) == 0  # the page is the newest calls
        title = str(app.screen.query_one("#calls-title").content)
        assert f"({FIRST_PAGE} of {PAGE + MORE} - more below)" in title
        table.focus()
        await pilot.press("ctrl+end")  # to the last row: the next page is added below
        await settle(pilot)
        assert table.row_count == 2 * FIRST_PAGE
        ids = [int(key.value) for key in table.rows]
        assert len(set(ids)) == 2 * FIRST_PAGE  # no call twice


async def test_the_queue_shows_one_page_of_open_callbacks(make_app, desk, clock):
    """Hundreds of open promises: the app holds them (for reminders), the widget shows 50."""
    open_count = QUEUE_PAGE + 20
    with desk.store.write():
        for i in range(open_count):
            desk.log_call(NewCall(phone=f"+1404555{i:04d}", name=f"Caller {i}", topic="Parts",
                                  callback_due=clock.now() + timedelta(minutes=10 + i)))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        queue = app.screen.query_one("#queue", CallbackQueue)
        assert len(app.queue) == open_count
        assert queue.row_count == QUEUE_PAGE
        title = str(app.screen.query_one("#queue-title").content)
        assert f"Callbacks (all, {open_count} open) - first {QUEUE_PAGE} shown, more below" == title
        soonest = min(app.queue, key=lambda cb: cb.due_at)
        assert queue.get_row_index(str(soonest.id)) == 0  # the page is the most urgent ones
        queue.focus()
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert queue.row_count == open_count
        ids = [int(key.value) for key in queue.rows]
        assert len(set(ids)) == open_count
        assert str(app.screen.query_one("#queue-title").content) == f"Callbacks (all, {open_count} open)"


async def test_the_queue_title_counts_every_open_callback_even_beyond_those_held(make_app, desk, clock,
                                                                                 monkeypatch):
    """The app holds at most QUEUE_LIMIT open callbacks; the title still says how many are open."""
    import frontdesk.app

    monkeypatch.setattr(frontdesk.app, "QUEUE_LIMIT", 30)
    with desk.store.write():
        for i in range(45):
            desk.log_call(NewCall(phone=f"+1404555{i:04d}", name=f"Caller {i}", topic="Parts",
                                  callback_due=clock.now() + timedelta(minutes=10 + i)))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert len(app.queue) == 30
        title = str(app.screen.query_one("#queue-title").content)
        assert title == "Callbacks (all, 45 open) - the soonest 30 shown"  # no promise of rows it lacks
        queue = app.screen.query_one("#queue", CallbackQueue)
        queue.focus()
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert queue.row_count == 30 and not queue.has_more


async def test_the_customer_page_shows_one_page_and_l_loads_the_next(make_app, desk, clock):
    customer_id = log_many(desk, clock, PAGE + MORE, step=timedelta(hours=3))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_customer(customer_id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CustomerScreen)
        table = screen.query_one("#history", CallTable)
        assert table.row_count == FIRST_PAGE
        assert table.has_more
        for _ in range(4):
            await pilot.press("l")
            await settle(pilot)
        assert table.row_count == PAGE + MORE
        assert not table.has_more
        ids = [int(key.value) for key in table.rows]
        assert len(set(ids)) == PAGE + MORE  # each page continues the one before, no repeats
        await pilot.press("l")  # nothing older: stays as it is
        await settle(pilot)
        assert table.row_count == PAGE + MORE


def test_service_lists_are_pages(desk, clock):
    """Every list the screens ask for is capped, whatever is stored."""
    customer_id = log_many(desk, clock, PAGE + MORE)
    assert len(desk.todays_calls()) == PAGE
    assert len(desk.history(customer_id)) == PAGE
    last = desk.history(customer_id)[-1]
    from frontdesk.clock import to_iso

    older = desk.history(customer_id, before=(to_iso(last.at), last.id))
    assert len(older) == MORE
    assert len(desk.search("note").calls) <= 50
    assert len(desk.find_callers("Busy")) <= 8
