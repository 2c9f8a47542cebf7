"""Screens in Textual's pilot (80x24, no terminal), beside a bare Textual app doing the same
visible work with raw SQL: a keystroke in the new-call form until its suggestion list is shown,
and opening the 2,000-call customer until its rows are in the table."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from pathlib import Path

from dataset import lookup_words, open_desk
from figures import Results


async def _until(cond: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > deadline:
            raise TimeoutError("bench: the screen never showed what was waited for")
        await asyncio.sleep(0.0005)


# -- a keystroke to its suggestions -------------------------------------------------------------
async def _type_words(pilot, words: list[str], shown: dict, clear: Callable[[], None]) -> list[float]:
    """Each word typed a key at a time: ms from a key until its text's suggestions were shown."""
    samples: list[float] = []
    for word in words:
        for k in range(1, len(word) + 1):
            shown.clear()
            t0 = time.perf_counter()
            await pilot.press(word[k - 1])
            await _until(lambda key=word[:k]: key in shown)
            samples.append((shown[word[:k]] - t0) * 1000)
        clear()
        await pilot.pause(0.05)
    return samples


def _stamp_matches(lookup, found: type) -> dict:
    """{text: when the form had shown the suggestions for it}: the form's caller lookup shows
    them in its handler of its worker's `found` message (MatchesFound), noted once it returns."""
    shown: dict = {}
    handle = lookup._on_message

    async def stamped(message):
        await handle(message)
        if isinstance(message, found):
            shown[message.text] = time.perf_counter()

    lookup._on_message = stamped
    return shown


async def _keystrokes_frontdesk(db: Path, words: list[str]) -> list[float]:
    from textual.widgets import Input

    from frontdesk.app import FrontDeskApp
    from screens.caller_lookup import CallerLookup
    from screens.messages import MatchesFound

    desk = open_desk(db, operator="bench-pilot")
    app = FrontDeskApp(desk, offer_draft=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.3)
            await pilot.press("n")
            await pilot.pause(0.2)
            screen = app.screen
            phone = screen.query_one("#phone", Input)
            shown = _stamp_matches(screen.query_one(CallerLookup), MatchesFound)
            samples = await _type_words(pilot, words, shown, lambda: setattr(phone, "value", ""))
            await pilot.press("escape")
            await pilot.pause(0.1)
    finally:
        with contextlib.suppress(Exception):
            desk.discard_draft()
        desk.store.close()
    return samples


async def _keystrokes_bare(db: Path, words: list[str]) -> list[float]:
    from bare import BareLookup

    app = BareLookup(str(db))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        shown: dict = {}
        show = app.show

        def stamped(text, rows):
            show(text, rows)
            shown[text] = time.perf_counter()

        app.show = stamped
        samples = await _type_words(pilot, words, shown,
                                    lambda: setattr(app.query_one("#phone"), "value", ""))
    app.conn.close()
    return samples


def bench_keystrokes(db: Path, results: Results, n: int) -> None:
    digits, letters = lookup_words(db, n)
    words = [w for pair in zip(digits, letters, strict=False) for w in pair][:n]
    ours = asyncio.run(_keystrokes_frontdesk(db, words))
    base = asyncio.run(_keystrokes_bare(db, words))
    results.add("keystroke", "keystroke to suggestion list (pilot, new-call form)", "ms", ours, base,
                "bare Textual app: Input + OptionList + raw SQL", "p99 < 50 ms", lambda r: r["p99"] < 50)


# -- opening a customer -------------------------------------------------------------------------
async def _open_and_pop(app, pilot, page: Callable[[], object], shown: Callable[[object], bool],
                        n: int) -> list[float]:
    """Push `page()` until `shown(screen)` and Textual is idle, pop it; n + 2 times, the first
    two (cold: imports, styles) not counted."""
    samples = []
    for _ in range(n + 2):
        t0 = time.perf_counter()
        screen = page()
        app.push_screen(screen)
        await _until(lambda screen=screen: shown(screen))
        await pilot.pause()
        samples.append((time.perf_counter() - t0) * 1000)
        app.pop_screen()
        await pilot.pause(0.05)
    return samples[2:]


def _history_shown(screen) -> bool:
    """The customer's first page of calls is in its history table (the page's CallTable keeps
    the calls it was given in `calls`; `customer` is set as they are)."""
    if screen.customer is None or not screen.is_mounted:
        return False
    table = screen.query_one("#history")
    return bool(table.calls) and table.row_count >= len(table.calls)


async def _open_customer_frontdesk(db: Path, customer_id: int, n: int) -> list[float]:
    from frontdesk.app import FrontDeskApp
    from screens.customer import CustomerScreen

    desk = open_desk(db, operator="bench-pilot")
    app = FrontDeskApp(desk, offer_draft=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        samples = await _open_and_pop(
            app, pilot, lambda: CustomerScreen(customer_id),
            _history_shown, n)
    desk.store.close()
    return samples


async def _open_customer_bare(db: Path, customer_id: int, n: int) -> list[float]:
    from bare import BareCustomerApp, BareHistory

    app = BareCustomerApp(str(db))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        samples = await _open_and_pop(
            app, pilot, lambda: BareHistory(app.conn, customer_id),
            lambda screen: screen.is_mounted and screen.query_one("#history").row_count >= 200, n)
    app.conn.close()
    return samples


def bench_customer(db: Path, meta: dict, results: Results, n: int) -> None:
    ours = asyncio.run(_open_customer_frontdesk(db, meta["busy_customer"], n))
    base = asyncio.run(_open_customer_bare(db, meta["busy_customer"], n))
    results.add("customer", "open a customer with 2,000 calls (pilot, to rows shown)", "ms", ours, base,
                "bare Textual screen: DataTable + raw SQL", "< 100 ms (p99)", lambda r: r["p99"] < 100)
